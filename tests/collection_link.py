# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""This checkout as the `alibabacloud.sae` collection, for imports and for ansible-playbook runs."""

import os
import sys
import tempfile

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collections_path():
    """A directory holding ansible_collections/alibabacloud/sae that points at this checkout.

    The one named by ANSIBLE_COLLECTIONS_PATH when it does (as `make` sets it up), else a new temporary one.
    """
    for candidate in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        link = os.path.join(candidate, 'ansible_collections', 'alibabacloud', 'sae')
        if candidate and os.path.realpath(link) == os.path.realpath(COLLECTION_ROOT):
            return candidate
    base = tempfile.mkdtemp(prefix='sae-collections-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'alibabacloud'))
    os.symlink(COLLECTION_ROOT, os.path.join(base, 'ansible_collections', 'alibabacloud', 'sae'))
    return base


def activate():
    """Make the collection importable and visible to Ansible in this process and its children."""
    path = collections_path()
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = path
    if path not in sys.path:
        sys.path.insert(0, path)
    return path
