# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files that state which ansible-core versions the collection supports agree with each other.

meta/runtime.yml (requires_ansible), tox.ini (the matrix `make test-matrix` runs), the Makefile's MATRIX, CORE and
NEEDS_PYTHON_3XX, the pinned requirements-ansible-X.Y.txt files, the workflows in .github/workflows, the README and
the installation guide say the same range and the same controller Pythons; the pre-commit hook runs ansible-lint as
`make lint` does.
"""

import configparser
import itertools
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _read(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return handle.read()


def _dotted(digits):
    return '%s.%s' % (digits[0], digits[1:])


def _expand(env):
    """tox's brace expansion of one env_list entry: ansible218-py{311,313} -> two names."""
    parts = re.split(r'\{([^}]*)\}', env)
    choices = [[part] if index % 2 == 0 else part.split(',') for index, part in enumerate(parts)]
    return [''.join(combination) for combination in itertools.product(*choices)]


def _tox():
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(_read('tox.ini'))
    envs = [name for entry in config['tox']['env_list'].split() for name in _expand(entry.strip())]
    pairs = set()
    for env in envs:
        match = re.fullmatch(r'ansible(\d)(\d+)-py(\d)(\d+)', env)
        assert match, 'tox.ini env %s is not named ansibleXYY-pyXYY' % env
        pairs.add(('%s.%s' % match.group(1, 2), '%s.%s' % match.group(3, 4)))
    extra_units = set()
    for line in config['testenv']['commands'].splitlines():
        match = re.match(r'\s*ansible(\d+): .* units .*--python (\d\.\d+)', line)
        if match:
            extra_units.add((_dotted(match.group(1)), match.group(2)))
    return pairs, extra_units


def _workflow_pairs(job):
    workflow = yaml.safe_load(_read('.github', 'workflows', 'ci.yml'))
    include = workflow['jobs'][job]['strategy']['matrix']['include']
    return {(entry['ansible'], entry['python']) for entry in include}


def _version_key(version):
    return tuple(int(part) for part in version.split('.'))


def _supported():
    pairs, _extra = _tox()
    return sorted({ansible for ansible, _python in pairs}, key=_version_key)


def test_the_workflow_matrix_is_the_tox_matrix():
    pairs, extra_units = _tox()
    assert _workflow_pairs('sanity') == pairs
    assert _workflow_pairs('integration') == pairs
    assert _workflow_pairs('units') == pairs | extra_units
    assert extra_units, 'tox.ini runs the unit tests on no Python besides the controller ones'


def test_requires_ansible_starts_at_the_oldest_tested_version():
    runtime = yaml.safe_load(_read('meta', 'runtime.yml'))
    assert runtime['requires_ansible'] == '>=%s.0' % _supported()[0]


def _makefile_variable(name):
    match = re.search(r'^%s := (.*)$' % re.escape(name), _read('Makefile'), re.MULTILINE)
    assert match, 'the Makefile sets no %s' % name
    return match.group(1)


def _core():
    """The ansible-core of .venv on Python 3.12 or later (the Makefile's CORE)."""
    match = re.fullmatch(r'\$\(if \$\(filter [\d. ]+,\$\(PYTHON_VERSION\)\),(\d+\.\d+),(\d+\.\d+)\)', _makefile_variable('CORE'))
    assert match, 'CORE is no longer "$(if $(filter <old Pythons>,$(PYTHON_VERSION)),<old core>,<core>)"'
    return match.group(2)


def _pin(version):
    """The ansible-core version requirements-ansible-<version>.txt pins, and whether it is a pre-release."""
    match = re.search(r'^ansible-core==(%s\.\d+)((?:a|b|rc)\d+)?$' % re.escape(version),
                      _read('requirements-ansible-%s.txt' % version), re.MULTILINE)
    assert match, 'requirements-ansible-%s.txt pins no ansible-core %s.x' % (version, version)
    return match.group(1) + (match.group(2) or ''), bool(match.group(2))


def _needs_python():
    """{X.Y ansible-core version: the oldest controller Python it needs}, from the Makefile's NEEDS_PYTHON_3XX."""
    needs = {}
    for name, value in re.findall(r'^NEEDS_PYTHON_3(\d+) := (.*)$', _read('Makefile'), re.MULTILINE):
        for version in value.split():
            needs[version] = '3.%s' % name
    return needs


def test_the_makefile_matrix_and_the_pins_cover_the_same_versions():
    assert _makefile_variable('MATRIX').split() == _supported()
    pinned = sorted((name[len('requirements-ansible-'):-len('.txt')] for name in os.listdir(ROOT)
                     if re.fullmatch(r'requirements-ansible-\d+\.\d+\.txt', name)), key=_version_key)
    assert pinned == _supported()
    for version in pinned:
        _pin(version)


def test_a_release_candidate_is_pinned_only_for_the_newest_version_and_says_so():
    """A pre-release may stand for the newest version until its final release; .venv's own core is a final release."""
    supported = _supported()
    for version in supported:
        pin, prerelease = _pin(version)
        if prerelease:
            assert version == supported[-1], 'ansible-core %s is pinned to the pre-release %s' % (version, pin)
            assert 'final release' in _read('requirements-ansible-%s.txt' % version).lower(), (
                'requirements-ansible-%s.txt pins %s without saying that it moves to the final release' % (version, pin))
    assert _core() in supported
    assert not _pin(_core())[1], ".venv's ansible-core %s is pinned to a pre-release" % _core()


def test_the_controller_pythons_of_the_matrix_meet_each_version_s_needs():
    """tox.ini and the workflows run a version only on a controller Python it supports (NEEDS_PYTHON_3XX), and every
    version that needs no newer Python than 3.11 also runs on 3.11."""
    needs = _needs_python()
    assert set(needs) <= set(_supported())
    pairs, _extra = _tox()
    for ansible, python in pairs:
        assert _version_key(python) >= _version_key(needs.get(ansible, '3.11')), (ansible, python)
    for version in _supported():
        if version not in needs:
            assert (version, '3.11') in pairs, 'ansible-core %s runs on Python 3.11: tox.ini does not test it there' % version


def test_the_readme_and_the_installation_guide_state_the_controller_pythons():
    needs = _needs_python()
    by_python = {}
    for version, python in needs.items():
        by_python.setdefault(python, []).append(version)
    texts = {'README.md': ' '.join(_read('README.md').split()),
             'installation.rst': ' '.join(_read('docs', 'docsite', 'rst', 'installation.rst').split())}
    for python, versions in sorted(by_python.items()):
        versions = sorted(versions, key=_version_key)
        named = ' and '.join([', '.join(versions[:-1]), versions[-1]] if len(versions) > 1 else versions)
        phrase = '%s %s Python %s or later' % (named, 'need' if len(versions) > 1 else 'needs', python)
        for name, text in texts.items():
            assert phrase in text, '%s does not say "%s"' % (name, phrase)


def test_the_readme_and_the_installation_guide_state_the_supported_range():
    supported = _supported()
    for text in (_read('README.md'), _read('docs', 'docsite', 'rst', 'installation.rst')):
        assert 'ansible-core %s to %s' % (supported[0], supported[-1]) in text


def test_the_pre_commit_hook_runs_ansible_lint_as_make_lint_does():
    config = yaml.safe_load(_read('.pre-commit-config.yaml'))
    hooks = {hook['id']: (repo, hook) for repo in config['repos'] for hook in repo['hooks']}
    repo, hook = hooks['ansible-lint']
    pinned = re.search(r'^ansible-lint==(\S+)$', _read('requirements-test.txt'), re.MULTILINE).group(1)
    assert repo['rev'] == 'v%s' % pinned
    lint_recipe = re.search(r'^lint:.*\n\t(.*)$', _read('Makefile'), re.MULTILINE).group(1)
    assert ' '.join(hook['args']) in lint_recipe
    assert 'ansible-core==%s' % _pin(_core())[0] in hook['additional_dependencies']


def test_the_readme_links_are_absolute():
    """Galaxy renders the README outside the repository, where a relative link leads nowhere."""
    links = re.findall(r'\]\(([^)]+)\)', _read('README.md'))
    assert links
    assert [link for link in links if not link.startswith('https://')] == []
