# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built docsite shows every module of the collection with each of its options and return values, and each guide.

The modules, their options (doc fragments included) and their return values come from the collection itself, through
the files of plugins/modules and `ansible-doc --json`, so a new module or option is checked without a change here.
"""

import html
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')


def _ansible_doc(*args):
    return json.loads(subprocess.run([ANSIBLE_DOC, '--json'] + list(args), check=True, capture_output=True,
                                     text=True).stdout)


MODULES = sorted('alibabacloud.sae.%s' % name[:-len('.py')] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))
DOCS = _ansible_doc('-t', 'module', *MODULES) if MODULES else {}


def _walk(entries, key, prefix=''):
    """(path, name, entry) of every option (key 'suboptions') or return value (key 'contains'), nested ones included."""
    for name, entry in (entries or {}).items():
        path = prefix + name
        yield path, name, entry
        yield from _walk(entry.get(key), key, path + '/')


def _page(docsite, module):
    with open(os.path.join(docsite, '%s_module.html' % module.split('.')[-1]), encoding='utf-8') as handle:
        return handle.read()


def _block(page, anchor):
    """The table row of an option (or return value), from its anchor on."""
    start = page.find('id="%s"' % anchor)
    assert start >= 0, 'no anchor %s' % anchor
    end = page.find('</tr>', start)
    return page[start:end if end > 0 else len(page)]


def _plain(fragment):
    return html.unescape(re.sub(r'<[^>]+>', '', fragment))


def test_the_collection_has_modules():
    assert 'alibabacloud.sae.sae_ingress' in MODULES


@pytest.mark.parametrize('module', MODULES)
def test_the_module_page_shows_every_option(docsite, module):
    page = _page(docsite, module)
    options = list(_walk(DOCS[module]['doc']['options'], 'suboptions'))
    assert options
    for path, name, entry in options:
        block = _block(page, 'parameter-%s' % path)
        assert '<strong>%s</strong>' % name in block, path
        for alias in entry.get('aliases', []):
            assert 'id="parameter-%s"' % '/'.join(path.split('/')[:-1] + [alias]) in page, (path, alias)
        if entry.get('version_added') and entry.get('version_added_collection') == 'alibabacloud.sae':
            assert 'added in alibabacloud.sae %s' % entry['version_added'] in _plain(block), path
        description = entry['description'][0] if isinstance(entry['description'], list) else entry['description']
        first_words = ' '.join(re.findall(r'\w+', re.sub(r'\b[A-Z]+\(([^)]*)\)', r'\1', description))[:4])
        assert first_words in ' '.join(re.findall(r'\w+', _plain(block))), (path, first_words)


@pytest.mark.parametrize('module', MODULES)
def test_the_module_page_shows_every_return_value(docsite, module):
    page = _page(docsite, module)
    returns = list(_walk(DOCS[module].get('return'), 'contains'))
    assert returns
    for path, name, _entry in returns:
        assert '<strong>%s</strong>' % name in _block(page, 'return-%s' % path), path


def test_the_collection_index_links_every_module_and_each_guide_once(docsite):
    with open(os.path.join(docsite, 'index.html'), encoding='utf-8') as handle:
        index = handle.read()
    for module in MODULES:
        assert 'href="%s_module.html' % module.split('.')[-1] in index, module
    with open(os.path.join(ROOT, 'docs', 'docsite', 'extra-docs.yml'), encoding='utf-8') as handle:
        sections = yaml.safe_load(handle)['sections']
    guides = [entry['ref'] for section in sections for entry in section['toctree']]
    on_disk = sorted(name[:-len('.rst')] for name in os.listdir(os.path.join(ROOT, 'docs', 'docsite', 'rst')))
    assert sorted(guides) == on_disk
    for guide in guides:
        assert index.count('class="reference internal" href="docsite/%s.html"' % guide) == 1, guide
        assert os.path.exists(os.path.join(docsite, 'docsite', '%s.html' % guide)), guide
    assert 'docs/docsite/rst/' not in index, 'a guide is linked to its source as well as shown as a page'
