# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files that state which ansible-core versions the collection supports agree with each other.

meta/runtime.yml (requires_ansible), tox.ini (the matrix `make test-matrix` runs), the Makefile's MATRIX, the pinned
requirements-ansible-X.Y.txt files, the workflows in .github/workflows and the README say the same range; the
pre-commit hook runs ansible-lint as `make lint` does.
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


def test_the_makefile_matrix_and_the_pins_cover_the_same_versions():
    makefile = _read('Makefile')
    match = re.search(r'^MATRIX := (.*)$', makefile, re.MULTILINE)
    assert match.group(1).split() == _supported()
    pinned = sorted((name[len('requirements-ansible-'):-len('.txt')] for name in os.listdir(ROOT)
                     if re.fullmatch(r'requirements-ansible-\d+\.\d+\.txt', name)), key=_version_key)
    assert pinned == _supported()
    for version in pinned:
        assert re.search(r'^ansible-core==%s\.\d+$' % re.escape(version), _read('requirements-ansible-%s.txt' % version),
                         re.MULTILINE), 'requirements-ansible-%s.txt pins no ansible-core %s.x' % (version, version)


def test_the_readme_states_the_supported_range():
    supported = _supported()
    assert 'ansible-core %s to %s' % (supported[0], supported[-1]) in _read('README.md')


def test_the_pre_commit_hook_runs_ansible_lint_as_make_lint_does():
    config = yaml.safe_load(_read('.pre-commit-config.yaml'))
    hooks = {hook['id']: (repo, hook) for repo in config['repos'] for hook in repo['hooks']}
    repo, hook = hooks['ansible-lint']
    pinned = re.search(r'^ansible-lint==(\S+)$', _read('requirements-test.txt'), re.MULTILINE).group(1)
    assert repo['rev'] == 'v%s' % pinned
    lint_recipe = re.search(r'^lint:.*\n\t(.*)$', _read('Makefile'), re.MULTILINE).group(1)
    assert ' '.join(hook['args']) in lint_recipe
    core = re.search(r'^ansible-core==\S+$', _read('requirements-ansible-%s.txt' % _supported()[-1]), re.MULTILINE).group(0)
    assert core in hook['additional_dependencies']


def test_the_readme_links_are_absolute():
    """Galaxy renders the README outside the repository, where a relative link leads nowhere."""
    links = re.findall(r'\]\(([^)]+)\)', _read('README.md'))
    assert links
    assert [link for link in links if not link.startswith('https://')] == []
