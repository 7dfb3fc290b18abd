# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: appends every task result as one JSON line to $SAE_TEST_RECORD."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write task results to a JSON lines file for the integration tests
description:
  - Appends each task result to the file named by the E(SAE_TEST_RECORD) environment variable.
requirements:
  - E(SAE_TEST_RECORD) set
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = False

    def _record(self, result, status):
        path = os.environ.get('SAE_TEST_RECORD')
        if not path:
            return
        line = {'task': result.task_name, 'status': status, 'result': result._result}  # pylint: disable=protected-access
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(line, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')
