# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmarks' common start, imported first by each of their scripts: tests/ (the emulator), this folder and
tests/functional (the harness) importable, and this checkout active as the `alibabacloud.sae` collection for
this process and the ansible-playbook and module processes it starts."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
FUNCTIONAL = os.path.join(TESTS, 'functional')
for _path in (FUNCTIONAL, TESTS, HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

# pylint: disable=wrong-import-position,import-error
from collection_link import activate  # noqa: E402

COLLECTIONS_PATH = activate()
