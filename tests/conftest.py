# Shared pytest setup: the SAE emulator package importable as `sae_emulator`, and this checkout
# importable as the `alibabacloud.sae` collection (for module_utils imports and ansible-playbook runs).
import os
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))

if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from collection_link import activate  # noqa: E402 pylint: disable=wrong-import-position

COLLECTIONS_PATH = activate()


def pytest_configure(config):
    config.addinivalue_line('markers', 'long: a test of tens of seconds (ansible-playbook runs, waits on the emulator); '
                                       'run first, so that no worker is left with one at the end of the run')
    # The official SDK, the referee of the signer and the emulator, still calls datetime.utcnow() (deprecated since
    # Python 3.12) on every request: its warning says nothing about this collection.
    config.addinivalue_line('filterwarnings',
                            'ignore:datetime.datetime.utcnow:DeprecationWarning:alibabacloud_tea_openapi')


def pytest_collection_modifyitems(items):
    """The tests marked long first, in their collection order, then the rest: with pytest-xdist's workers (`make
    pytest`), the long ones start at once and the short ones fill the gaps, instead of a long one starting last."""
    items.sort(key=lambda item: item.get_closest_marker('long') is None)
