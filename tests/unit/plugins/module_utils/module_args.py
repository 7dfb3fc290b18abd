# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""patch_module_args for ansible-core before 2.19, which has no ansible.module_utils.testing."""

from __future__ import annotations

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic


@contextlib.contextmanager
def patch_module_args(args=None):
    """Expose `args` to the AnsibleModule instances created within this context."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode()))
        if hasattr(basic, '_ANSIBLE_PROFILE'):  # the 2.19 way, for running this fallback there too
            stack.enter_context(mock.patch.object(basic, '_ANSIBLE_PROFILE', 'legacy'))
        yield
