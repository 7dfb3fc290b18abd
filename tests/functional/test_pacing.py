# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""calls_per_minute: the module processes of a host share one pace per account and endpoint, so that a fleet of tasks
waits for its turns instead of being refused.

The emulator stands for an account whose flow control admits WINDOW_CALLS calls in any WINDOW seconds, whatever
the operation (SAE's limit is per account: 60 a minute; the emulator's account limit), and answers Throttling.User
above it, under each reading of whether a refused call uses the quota. A fleet of sae_ingress tasks, WORKERS at a
time as `forks` would run them, creates one ingress each (a ListIngresses, then a CreateIngress). Paced at the same
limit (the pace's window scaled as the service's), every task succeeds and nothing is refused but for a call that
reaches the service later than the pace's margin allows on a loaded machine. Unpaced (calls_per_minute: 0), the same
fleet was refused 24 to 31 times in 48 to 55 requests.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time

import pytest

import sae_emulator
from sae_emulator import inventory as inv
from sae_emulator.errors import THROTTLING_USER

import harness  # pylint: disable=import-error

FLEET = 12
WORKERS = 5
WINDOW_CALLS, WINDOW = 8, 2.0  # 4 calls a second, in any window of 2 s
PACE = int(WINDOW_CALLS * 60 / WINDOW)  # calls_per_minute: 240
NS = inv.NAMESPACE_ID


def fleet_args(index):
    return {
        'namespace_id': NS, 'name': 'paced-%03d' % index, 'slb_id': inv.CLB_INTERNET_ID,
        'listener_port': 31000 + index, 'listener_protocol': 'HTTP',
        'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080},
        'rules': [{'domain': 'paced-%03d.example.com' % index, 'path': '/', 'app_id': inv.APP_API_ID,
                   'container_port': 8080}],
    }


def warning_texts(result):
    """The warnings of a module result as text (ansible-core 2.19 and later give each as a structured summary)."""
    return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]


def pace_dir(tmp_path):
    return tmp_path / 'tmp' / ('alibabacloud-sae-%d' % os.getuid())


@pytest.fixture
def private_tmp(tmp_path):
    """The module processes' temporary directory (TMPDIR: the harness sets it to the test's tmp/): the pace files of
    this test apart from the machine's."""
    (tmp_path / 'tmp').mkdir(exist_ok=True)
    return tmp_path / 'tmp'


@pytest.mark.long
@pytest.mark.parametrize('refused_calls_count', ['no', 'yes'])
def test_a_paced_fleet_waits_for_its_turns_instead_of_being_refused(tmp_path, emulator_factory, private_tmp,
                                                                    refused_calls_count):
    emulator = emulator_factory(variants={'refused_calls_count': refused_calls_count})
    # the account's limit, over every operation, in a sliding window where a refused call takes no place (the
    # emulator's defaults for what SAE does not document)
    emulator.flow_control.set_account(WINDOW_CALLS, WINDOW)
    # the module's retry policy as a user gets it (retries unset, retry_timeout 60)
    defaults = {'retries': None, 'timeout': 10, 'calls_per_minute': PACE}
    started = time.monotonic()
    # the pace's window scaled as the service's is: PACE calls a minute, WINDOW_CALLS in any WINDOW seconds
    results = harness.run_fleet(tmp_path, [fleet_args(index) for index in range(FLEET)], WORKERS, emulator=emulator,
                                defaults=defaults, name='paced', env={'ALIBABA_CLOUD_SAE_PACE_WINDOW': str(WINDOW)})
    elapsed = time.monotonic() - started
    assert [r['failed'] for r in results] == [False] * FLEET, [r['msg'] for r in results if r['failed']]
    assert [r['changed'] for r in results] == [True] * FLEET
    assert sorted(record['Description'] for record in emulator.ingresses.values()) == [
        'paced-%03d' % index for index in range(FLEET)]
    log = emulator.log
    refused = [entry for entry in log if entry['code'] == THROTTLING_USER]
    answered = [entry for entry in log if entry['status'] == 200]
    assert len(answered) == 2 * FLEET  # one listing and one create a task, each answered once
    # the pace keeps within the window: nothing refused (one or two on a machine slow enough to deliver a call
    # later than the pace's margin)
    assert len(refused) <= 2, (len(refused), len(log))
    # waiting for turns, not crawling: 2 * FLEET calls at up to 4 a second take seconds, not minutes
    assert elapsed < 60, elapsed
    assert not any(r.get('warnings') for r in results), [r.get('warnings') for r in results]

    # The pace is a private file: its directory 0700, the file 0600, named by the SHA-256 of key and endpoint.
    directory = pace_dir(tmp_path)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    name = hashlib.sha256(('%s\n%s' % (sae_emulator.DEFAULT_ACCESS_KEY_ID, emulator.url)).encode()).hexdigest() + '.pace'
    assert os.listdir(directory) == [name]
    assert stat.S_IMODE(os.stat(directory / name).st_mode) == 0o600
    content = (directory / name).read_text()
    assert sae_emulator.DEFAULT_ACCESS_KEY_ID not in content and sae_emulator.DEFAULT_ACCESS_KEY_SECRET not in content
    assert emulator.flow_control.account_throttled == len(refused)


def test_an_unusable_pace_directory_warns_and_the_task_still_runs(tmp_path, emulator, private_tmp, run_tasks):
    target = tmp_path / 'elsewhere'
    target.mkdir()
    pace_dir(tmp_path).symlink_to(target)
    run = run_tasks(harness.task({'namespace_id': NS}, module='alibabacloud.sae.sae_ingress_info'),
                    defaults={'calls_per_minute': 60})
    result = run.result
    assert not result['failed'] and result['ingresses'] == [], result
    warnings = warning_texts(result)
    assert len(warnings) == 1 and 'is a symbolic link' in warnings[0], warnings
    assert 'calls_per_minute is not applied' in warnings[0]
    assert os.listdir(target) == [] and harness.operations(emulator) == ['ListIngresses']


def test_a_negative_calls_per_minute_is_an_input_error(emulator, run_tasks):
    result = run_tasks(harness.task({'namespace_id': NS}, module='alibabacloud.sae.sae_ingress_info'),
                       defaults={'calls_per_minute': -5}).result
    assert result['failed'] and result['msg'].startswith('calls_per_minute must be 0 (no pacing) or more'), result
    assert 'got -5' in result['msg'] and emulator.log == []
