# Shared pytest setup: the SAE emulator package importable as `sae_emulator`, and this checkout
# importable as the `alibabacloud.sae` collection (for module_utils imports and ansible-playbook runs).
import os
import sys
import tempfile

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(TESTS_DIR)

if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


def _collections_path():
    """Return a directory holding ansible_collections/alibabacloud/sae that points at this checkout."""
    for candidate in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        link = os.path.join(candidate, 'ansible_collections', 'alibabacloud', 'sae')
        if candidate and os.path.realpath(link) == os.path.realpath(COLLECTION_ROOT):
            return candidate
    base = tempfile.mkdtemp(prefix='sae-collections-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'alibabacloud'))
    os.symlink(COLLECTION_ROOT, os.path.join(base, 'ansible_collections', 'alibabacloud', 'sae'))
    return base


COLLECTIONS_PATH = _collections_path()
os.environ['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS_PATH
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)
