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
