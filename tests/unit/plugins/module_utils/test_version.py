# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import yaml

from ansible_collections.alibabacloud.sae.plugins.module_utils import _http, _version


def _galaxy_version():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(_version.__file__))))
    with open(os.path.join(root, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['version']


def test_collection_version_is_the_one_in_galaxy_yml():
    assert _version.COLLECTION_VERSION == _galaxy_version()


def test_user_agent_names_the_version_in_galaxy_yml():
    assert _http.default_user_agent().startswith('alibabacloud.sae/%s (Ansible collection) ' % _galaxy_version())


def test_version_file_carries_the_private_header():
    with open(_version.__file__, encoding='utf-8') as handle:
        head = handle.read(400)
    assert head.startswith('# GNU General Public License v3.0+')
    assert 'private to the alibabacloud.sae collection' in head
