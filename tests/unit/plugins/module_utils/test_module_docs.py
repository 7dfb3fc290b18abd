# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ansible-doc shows of every module: the shared attributes come from one doc fragment and say the truth."""

from __future__ import annotations

import importlib
import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and name != '__init__.py')
# Written once, in the alibabacloud.sae.attributes fragment; a module that copies them drifts from it.
SHARED_ATTRIBUTES = ('platform', 'action_group')


def documentation(module):
    source = importlib.import_module('ansible_collections.alibabacloud.sae.plugins.modules.%s' % module)
    return yaml.safe_load(source.DOCUMENTATION)


def fragment(name):
    source = importlib.import_module('ansible_collections.alibabacloud.sae.plugins.doc_fragments.attributes')
    return yaml.safe_load(getattr(source.ModuleDocFragment, name))


def test_every_module_is_listed():
    assert 'sae_ingress' in MODULES and 'sae_ingress_info' in MODULES


@pytest.mark.parametrize('module', MODULES)
def test_shared_attributes_come_from_the_fragment(module):
    doc = documentation(module)
    hint = '%s: extend alibabacloud.sae.attributes (and .info_module for a read-only module) instead of copying' % module
    assert 'alibabacloud.sae.attributes' in doc['extends_documentation_fragment'], hint
    assert not set(SHARED_ATTRIBUTES) & set(doc.get('attributes') or {}), hint
    if module.endswith('_info'):
        assert 'alibabacloud.sae.attributes.info_module' in doc['extends_documentation_fragment'], hint
    else:
        assert set(doc['attributes']) >= {'check_mode', 'diff_mode'}, module


def test_the_action_group_the_docs_name_holds_every_module():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        groups = yaml.safe_load(handle)['action_groups']
    for group in fragment('DOCUMENTATION')['attributes']['action_group']['membership']:
        namespace, name, short = group.split('.')
        assert (namespace, name) == ('alibabacloud', 'sae')
        assert sorted(groups[short]) == MODULES


def _specs(contains, where):
    """(path, spec) of every return value under ``contains``, recursively."""
    for key, spec in (contains or {}).items():
        path = '%s.%s' % (where, key) if where else key
        yield path, spec
        yield from _specs(spec.get('contains'), path)


@pytest.mark.parametrize('module', MODULES)
def test_every_return_value_says_when_it_is_returned(module):
    source = importlib.import_module('ansible_collections.alibabacloud.sae.plugins.modules.%s' % module)
    missing = [path for path, spec in _specs(yaml.safe_load(source.RETURN), '') if not spec.get('returned')]
    assert not missing, '%s: no returned: on %s' % (module, ', '.join(missing))


def _shape(contains):
    return dict((key, (spec['type'], spec.get('elements'), _shape(spec.get('contains') or {}))) for key, spec in contains.items())


def test_the_info_module_documents_every_key_of_an_ingress():
    # sae_ingress_info returns its ingresses in the shape sae_ingress returns its ingress: the same keys, each
    # documented in both modules.
    ingress = yaml.safe_load(importlib.import_module(
        'ansible_collections.alibabacloud.sae.plugins.modules.sae_ingress').RETURN)['ingress']['contains']
    ingresses = yaml.safe_load(importlib.import_module(
        'ansible_collections.alibabacloud.sae.plugins.modules.sae_ingress_info').RETURN)['ingresses']['contains']
    assert _shape(ingresses) == _shape(ingress)


class _Failed(Exception):
    pass


@pytest.mark.parametrize('module', MODULES)
def test_the_error_a_failed_call_returns_is_documented(module, monkeypatch):
    from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule  # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError  # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.module_args import patch_module_args  # pylint: disable=import-outside-toplevel

    def fail_json(self, **kwargs):  # pylint: disable=unused-argument
        raise _Failed(kwargs)

    monkeypatch.setattr(AnsibleModule, 'fail_json', fail_json)
    with patch_module_args({'namespace_id': 'cn-beijing:prod'}):
        sae = SaeModule(dict(namespace_id=dict(type='str')))
    failure = sae.api_failure(SaeApiError('Throttling.User', 'slow down', request_id='R-1', status=400,
                                          operation='ListIngresses'))
    source = importlib.import_module('ansible_collections.alibabacloud.sae.plugins.modules.%s' % module)
    documented = yaml.safe_load(source.RETURN)['error']
    assert sorted(failure['error']) == sorted(documented['contains'])


# What an option's documentation may average, in words: what a user needs to set the option. How the module works
# (its calls, RAM actions, which read gives which field) is written once, in the guides the docs link.
MAX_WORDS_PER_OPTION = 25


def _option_words(options):
    """(name, words of its description) of every option and sub-option, recursively."""
    for name, spec in (options or {}).items():
        description = spec.get('description') or []
        lines = description if isinstance(description, list) else [description]
        yield name, sum(len(line.split()) for line in lines)
        yield from _option_words(spec.get('suboptions'))


@pytest.mark.parametrize('module', MODULES)
def test_option_docs_stay_short(module):
    options = documentation(module).get('options') or {}
    top = [words for dummy, words in _option_words(dict((name, dict(spec, suboptions=None)) for name, spec in options.items()))]
    every = list(_option_words(options))
    for label, counts in (('options', top), ('options and sub-options', [words for dummy, words in every])):
        average = float(sum(counts)) / len(counts)
        assert average <= MAX_WORDS_PER_OPTION, (
            '%s: its %s average %.1f words; say what a user needs in each and move how it works to a guide (longest: %s)'
            % (module, label, average, ', '.join('%s %d' % item for item in sorted(every, key=lambda item: -item[1])[:5])))
