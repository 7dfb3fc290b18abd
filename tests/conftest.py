# Shared pytest setup: the SAE emulator package importable as `sae_emulator`, and this checkout
# importable as the `alibabacloud.sae` collection (for module_utils imports and ansible-playbook runs).
import os
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))

if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from collection_link import activate  # noqa: E402 pylint: disable=wrong-import-position

COLLECTIONS_PATH = activate()
