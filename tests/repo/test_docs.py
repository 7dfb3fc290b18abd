# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README and the guides agree with the tree: the modules they list, the links they give, the plays they show,
the requirements and the version they state, and the file table of docs/performance.md."""

import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'benchmarks'))

import collection_files  # noqa: E402  pylint: disable=wrong-import-position,import-error

REPOSITORY = 'https://github.com/alibabacloud/ansible-collection-sae/'
GUIDES = os.path.join(ROOT, 'docs', 'docsite', 'rst')
LABEL_PREFIX = 'ansible_collections.alibabacloud.sae.docsite.'


def _read(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return handle.read()


def _modules():
    return sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                  if name.endswith('.py') and not name.startswith('_'))


def _guides():
    return sorted(name for name in os.listdir(GUIDES) if name.endswith('.rst'))


def _table_modules(text):
    """The modules of the rows of a markdown table whose first cell is a module's FQCN, in their order."""
    return re.findall(r'^\| `alibabacloud\.sae\.([a-z0-9_]+)` \|', text, re.MULTILINE)


# -- the modules ------------------------------------------------------------------------------------

def test_the_readme_and_docs_module_tables_list_every_module_in_order():
    for path in (('README.md',), ('docs', 'README.md')):
        assert _table_modules(_read(*path)) == _modules(), (
            '%s: the module table needs one row per module of plugins/modules, in alphabetical order' % '/'.join(path))


def test_the_permissions_table_of_the_credentials_guide_lists_every_module():
    """Every module says which RAM actions it needs (credentials guide, "Which permissions")."""
    text = _read('docs', 'docsite', 'rst', 'credentials.rst')
    section = text[text.index('\nWhich permissions\n'):]
    listed = re.findall(r'^   \* - ``alibabacloud\.sae\.([a-z0-9_]+)``$', section, re.MULTILINE)
    assert listed == _modules()


# -- links ------------------------------------------------------------------------------------------

def _github_anchors(path):
    """The anchors GitHub gives the headings of a markdown or reStructuredText file (and explicit RST labels)."""
    text = _read(path)
    titles = []
    if path.endswith('.rst'):
        lines = text.split('\n')
        for index in range(len(lines) - 1):
            if lines[index].strip() and re.fullmatch(r'([-=~^"\'`#*+])\1{2,}', lines[index + 1]) \
                    and len(lines[index + 1]) >= len(lines[index].rstrip()):
                titles.append(lines[index].strip())
    else:
        titles = [match.strip() for match in re.findall(r'^#+ (.*)$', text, re.MULTILINE)]
    anchors = set()
    for title in titles:
        slug = re.sub(r'[^\w\- ]', '', title.lower()).replace(' ', '-')
        anchors.add(slug)
    return anchors


def test_the_readme_links_lead_to_files_and_sections_that_exist():
    for link in re.findall(r'\]\(([^)]+)\)', _read('README.md')):
        if not link.startswith(REPOSITORY):
            continue
        match = re.fullmatch(re.escape(REPOSITORY) + r'(?:blob|tree)/main/([^#]*)(?:#(.*))?', link)
        if not match:
            continue  # the issue tracker, the workflow badge
        path, anchor = match.groups()
        assert os.path.exists(os.path.join(ROOT, path)), link
        if anchor:
            assert anchor in _github_anchors(path), '%s: no section %s in %s' % (link, anchor, path)


def test_the_readme_shows_no_test_internals():
    """The README is the collection's page on Galaxy: how the tests work belongs in CONTRIBUTING.md."""
    readme = _read('README.md')
    assert re.findall(r'tests/\w+', readme) == []
    assert 'sae_emulator' not in readme


def test_the_guides_link_each_other():
    """A guide names another with a :ref: link (the docsite's labels), not as plain text or a file name."""
    labels = set()
    for name in _guides():
        labels.update(re.findall(r'^\.\. _(%s[\w.]+):$' % re.escape(LABEL_PREFIX), _read(GUIDES, name), re.MULTILINE))
    for name in _guides():
        text = _read(GUIDES, name)
        for target in re.findall(r':ref:`[^`<]*<([^>]+)>`', text):
            assert target in labels, '%s: :ref: to %s, which no guide defines' % (name, target)
        plain = re.sub(r':ref:`[^`]*`', '', text)
        assert re.findall(r'``\w+\.rst``', plain) == [], name
        mentions = re.findall(r'\b(?:the )?(?:installation|credentials|endpoints|idempotency|recipes|troubleshooting|AWX|'
                              r'execution environment) guide\b', ' '.join(plain.split()))
        assert mentions == [], '%s names guides without linking them: %s' % (name, mentions)


# -- plays on localhost -----------------------------------------------------------------------------

def _yaml_blocks():
    """(where, text) of every YAML block of the README, the docs and the guides, and of every file of examples/."""
    blocks = []
    for path in ('README.md', os.path.join('docs', 'README.md'), 'CONTRIBUTING.md'):
        for block in re.findall(r'^```ya?ml\n(.*?)^```', _read(path), re.MULTILINE | re.DOTALL):
            blocks.append((path, block))
    for name in _guides():
        text = _read(GUIDES, name)
        for match in re.finditer(r'^( *)\.\. code-block:: ya?ml\n\n((?:\1   .*\n|\n)+)', text, re.MULTILINE):
            indent = len(match.group(1)) + 3
            blocks.append((name, '\n'.join(line[indent:] for line in match.group(2).split('\n'))))
    for name in sorted(os.listdir(os.path.join(ROOT, 'examples'))):
        blocks.append((os.path.join('examples', name), _read('examples', name)))
    return blocks


def test_every_play_on_localhost_runs_with_connection_local():
    """With an inventory that lists localhost (`-i localhost,`), a play without `connection: local` goes over SSH."""
    plays = 0
    for where, block in _yaml_blocks():
        document = yaml.safe_load(block)
        if not isinstance(document, list):
            continue
        for play in document:
            if isinstance(play, dict) and play.get('hosts') == 'localhost':
                plays += 1
                assert play.get('connection') == 'local', '%s: play %r' % (where, play.get('name'))
    assert plays >= 4


# -- requirements and version -----------------------------------------------------------------------

def test_the_requirements_are_stated_alike_everywhere():
    """requirements.txt, the README, the installation guide and the modules' documentation agree: requests always,
    alibabacloud-credentials only for a profile or the default credentials chain."""
    pins = dict(re.findall(r'^([A-Za-z0-9_.-]+)>=(\d+\.\d+)', _read('requirements.txt'), re.MULTILINE))
    assert sorted(pins) == ['alibabacloud-credentials', 'requests']
    readme = ' '.join(_read('README.md').split())
    for package, minimum in pins.items():
        assert '`%s` %s or later' % (package, '.'.join(minimum.split('.')[:2])) in readme, package
    guide = ' '.join(_read('docs', 'docsite', 'rst', 'installation.rst').split())
    fragment = _read('plugins', 'doc_fragments', 'common.py')
    for text in (readme, guide):
        sentence = next(part for part in re.split(r'(?<=\.) ', text) if 'alibabacloud-credentials' in part
                        and ' only ' in part)
        assert 'profile' in sentence and 'default credentials chain' in sentence, sentence
    assert re.search(r'^  - alibabacloud-credentials \(only for a profile or the default credentials chain',
                     fragment, re.MULTILINE)


def _released_versions():
    changelog = yaml.safe_load(_read('changelogs', 'changelog.yaml'))
    return sorted(changelog['releases'], key=lambda version: tuple(int(part) for part in version.split('.')))


def test_the_version_is_the_next_release():
    """galaxy.yml names the release being prepared, never one already made: a build of main is not the last release."""
    version = yaml.safe_load(_read('galaxy.yml'))['version']
    released = _released_versions()
    key = tuple(int(part) for part in version.split('.'))
    assert key > tuple(int(part) for part in released[-1].split('.')), (version, released[-1])
    assert "COLLECTION_VERSION = '%s'" % version in _read('plugins', 'module_utils', '_version.py')


def test_the_guides_name_the_tarball_and_image_of_this_version():
    version = yaml.safe_load(_read('galaxy.yml'))['version']
    paths = [os.path.join('docs', 'docsite', 'rst', name) for name in ('installation.rst', 'execution_environment.rst')]
    paths += [os.path.join('docs', 'execution-environment', name)
              for name in ('execution-environment.yml', 'requirements.yml')]
    named = 0
    for path in paths:
        for found in re.findall(r'(?:alibabacloud-sae-|sae-ee:)(\d+\.\d+\.\d+)', _read(path)):
            assert found == version, '%s names %s, galaxy.yml %s' % (path, found, version)
            named += 1
    assert named >= 8


def test_the_readme_installs_a_released_version():
    for found in re.findall(r'alibabacloud\.sae:==(\S+?)`', _read('README.md')):
        assert found in _released_versions(), found


# -- docs/performance.md ----------------------------------------------------------------------------

def test_the_performance_file_table_matches_the_tree():
    """The table of the collection's files a module run compiles lists the files the module carries today, with
    their line counts (tests/benchmarks/collection_files.py reads them from the tree)."""
    text = _read('docs', 'performance.md')
    rows = re.findall(r'^\| ((?:plugins/\S+\.py)|total) \| (\d+) \|', text, re.MULTILINE)
    table = [(path, int(lines)) for path, lines in rows if path != 'total']
    totals = [int(lines) for path, lines in rows if path == 'total']
    expected = collection_files.listing(ROOT)
    assert table == expected and totals == [sum(lines for _path, lines in expected)], (
        'docs/performance.md lists other files or line counts than the tree: run `make bench-files`')


def test_the_readme_points_at_the_limits_of_check_mode():
    """Check mode predicts a run from the same reads; what only the service decides is listed in the idempotency
    guide, which the README links wherever it speaks of check mode."""
    readme = _read('README.md')
    assert 'predict exactly' not in ' '.join(readme.split())
    for paragraph in re.split(r'\n\s*\n', readme):
        if re.search(r'\bcheck (and diff )?mode\b', ' '.join(paragraph.split())):
            assert 'idempotency.rst#check-mode-and-diff-mode' in paragraph, paragraph
