# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: one JSON line per task result, with its start and end time, to $SAE_BENCH_RECORD."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: task_timer
type: aggregate
short_description: Write the start and end time of each task result to a JSON lines file for the benchmarks
description:
  - Appends one line per task result (host, task name, status, changed, start and end as epoch seconds) to the file
    named by the E(SAE_BENCH_RECORD) environment variable.
requirements:
  - E(SAE_BENCH_RECORD) set
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._starts = {}

    def v2_runner_on_start(self, host, task):
        self._starts[(host.get_name(), task._uuid)] = time.time()  # pylint: disable=protected-access

    def _record(self, result, status):
        end = time.time()
        path = os.environ.get('SAE_BENCH_RECORD')
        if not path:
            return
        host = result._host.get_name()  # pylint: disable=protected-access
        start = self._starts.pop((host, result._task._uuid), None)  # pylint: disable=protected-access
        line = {'host': host, 'task': result.task_name, 'status': status, 'start': start, 'end': end,
                'changed': bool(result._result.get('changed'))}  # pylint: disable=protected-access
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(line) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')
