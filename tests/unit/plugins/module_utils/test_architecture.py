# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of docs/architecture.md hold: each plugin file imports only what its layer may."""

from __future__ import annotations

import ast
import os

import pytest

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))), 'plugins')
PREFIX = 'ansible_collections.alibabacloud.sae.plugins.module_utils.'

# file (relative to plugins/) -> the collection's module_utils it may import; the table of docs/architecture.md
# A module file imports the module base and the resource file of what it manages, nothing else.
MODULE_FILE_MAY_IMPORT = ('_common', '_resource')

# module_utils file (relative to plugins/) -> the collection's module_utils it may import; the table of
# docs/architecture.md
ALLOWED = {
    'module_utils/_common.py': {'_arguments', '_sae_api'},
    'module_utils/_arguments.py': set(),
    'module_utils/_resource.py': {'_errors', '_sae_api'},
    'module_utils/_ingress_resource.py': {'_application_names', '_errors', '_ingress_converge', '_ingress_lookup',
                                          '_ingress_options', '_ingress_shape', '_ingress_validate', '_resource'},
    'module_utils/_ingress_options.py': {'_sae_api'},
    'module_utils/_ingress_converge.py': {'_errors', '_ingress_lookup', '_ingress_plan', '_ingress_shape',
                                          '_ingress_shared', '_ingress_validate', '_resource', '_sae_api'},
    'module_utils/_ingress_shared.py': {'_errors', '_host_state', '_ingress_shape', '_resource', '_sae_api'},
    'module_utils/_ingress_lookup.py': {'_errors', '_ingress_shape', '_ingress_values'},
    'module_utils/_ingresses_resource.py': {'_application_names', '_errors', '_ingress_converge', '_ingress_lookup',
                                            '_ingress_options', '_ingress_shape', '_ingresses_plan', '_resource',
                                            '_sae_api'},
    'module_utils/_ingresses_plan.py': {'_errors', '_ingress_lookup', '_ingress_shape', '_ingress_validate'},
    'module_utils/_application_resource.py': {'_application_shape', '_errors', '_ingress_shape', '_resource'},
    'module_utils/_application_names.py': {'_application_shape'},
    'module_utils/_application_shape.py': {'_errors'},
    'module_utils/_grey_tag_route_resource.py': {'_application_names', '_errors', '_grey_tag_route_plan',
                                                 '_grey_tag_route_shape', '_grey_tag_route_validate', '_ingress_lookup',
                                                 '_resource'},
    'module_utils/_grey_tag_route_plan.py': {'_grey_tag_route_shape'},
    'module_utils/_grey_tag_route_validate.py': {'_errors', '_grey_tag_route_shape'},
    'module_utils/_grey_tag_route_shape.py': set(),
    'module_utils/_ingress_plan.py': {'_ingress_cors', '_ingress_shape', '_ingress_validate'},
    'module_utils/_ingress_validate.py': {'_errors', '_ingress_shape'},
    'module_utils/_ingress_shape.py': {'_ingress_cors', '_ingress_values'},
    'module_utils/_ingress_cors.py': {'_ingress_values'},
    'module_utils/_ingress_values.py': set(),
    'module_utils/_errors.py': set(),
    'module_utils/_sae_api.py': {'_http', '_http_errors', '_http_retry', '_credentials'},
    'module_utils/_http.py': {'_http_errors', '_http_pace', '_http_retry', '_signer', '_version'},
    'module_utils/_http_retry.py': {'_http_errors'},
    'module_utils/_http_pace.py': {'_host_state', '_http_errors', '_pacer'},
    'module_utils/_http_errors.py': set(),
    'module_utils/_pacer.py': {'_host_state'},
    'module_utils/_host_state.py': set(),
    'module_utils/_signer.py': set(),
    'module_utils/_credentials.py': set(),
    'module_utils/_version.py': set(),
}


def collection_imports(relative):
    with open(os.path.join(PLUGINS, relative), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PREFIX):
                found.add(node.module[len(PREFIX):])
            elif node.module == PREFIX.rstrip('.'):
                found.update(alias.name for alias in node.names)
    return found


def _files(directory):
    return sorted('%s/%s' % (directory, name) for name in os.listdir(os.path.join(PLUGINS, directory))
                  if name.endswith('.py') and name != '__init__.py')


def test_every_module_utils_file_is_in_the_table():
    assert _files('module_utils') == sorted(ALLOWED)


@pytest.mark.parametrize('relative', sorted(ALLOWED))
def test_imports_stay_within_the_layer(relative):
    assert collection_imports(relative) <= ALLOWED[relative], relative


@pytest.mark.parametrize('relative', _files('modules'))
def test_a_module_file_imports_the_base_and_one_resource_file(relative):
    imports = collection_imports(relative)
    resources = [name for name in imports if name.endswith(MODULE_FILE_MAY_IMPORT[1])]
    assert '_common' in imports and len(resources) == 1, (relative, imports)
    assert imports <= {'_common'} | set(resources), relative


def _module_utils():
    return sorted(relative for relative in ALLOWED if relative.startswith('module_utils/'))


@pytest.mark.parametrize('relative', _module_utils())
def test_module_utils_files_and_classes_stay_small(relative):
    """A file of at most 400 lines, classes of at most 150: a part that grows past them holds two jobs."""
    with open(os.path.join(PLUGINS, relative), encoding='utf-8') as handle:
        source = handle.read()
    assert source.count('\n') <= 400, relative
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno + 1 <= 150, '%s: class %s' % (relative, node.name)
