# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet under flow control and an outage: the short form of `make bench-load` (tests/benchmarks/load.py).

40 ingresses, each its own sae_ingress task, 5 at a time (as `forks: 5` would run them), against an emulator
whose flow control admits 10 requests a second per operation and answers Throttling.User above it: create, then
change, the endpoint going away for 2 seconds while the change runs (the no-op run is the benchmark's: its calls
are the change run's reads). Every task must succeed with the
right `changed`, with no duplicate, and the request log must show exactly the calls each phase needs.
The module defaults are in force (retries unset, retry_timeout 60): what a user gets.

The flow control's clock advances 25 ms per request it sees instead of with the wall clock: the fleet offers
40 requests a second against the 10 allowed however fast or loaded the machine is, so the limit bites in every run.
"""

from __future__ import annotations

import threading

import pytest

from sae_emulator import inventory as inv
from sae_emulator.errors import THROTTLING_USER
from sae_emulator.flow_control import FlowControl

import harness  # pylint: disable=import-error

# Exact call counts, as the documented service answers (with TotalSize); test_service_answers.py counts the
# listings of a service without it.
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)

FLEET = 40
WORKERS = 5
RATE, BURST = 10, 5  # per access key and operation: 10 a second, bursts of 5
STEP = 0.025  # seconds of the flow control's clock per request
OUTAGE = 2.0
NS = inv.NAMESPACE_ID


def fleet_args(index, **extra):
    args = {
        'namespace_id': NS, 'name': 'fleet-%03d' % index, 'slb_id': inv.CLB_INTERNET_ID,
        'listener_port': 30000 + index, 'listener_protocol': 'HTTP', 'request_timeout': 60,
        'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080},
        'rules': [{'domain': 'fleet-%03d.example.com' % index, 'path': '/', 'app_id': inv.APP_API_ID,
                   'container_port': 8080}],
    }
    args.update(extra)
    return args


def run_phase(tmp_path, emulator, label, outage=None, **extra):
    """Every ingress's task, WORKERS at a time; the results in fleet order and the phase's request log.
    `outage`: (after, seconds), the emulator paused for `seconds` from `after` seconds into the phase."""
    emulator.clear_log()
    emulator.flow_control.reset_counts()
    # The harness's own retries (2) off: the module's defaults; no pacing: this fleet measures the retries alone.
    defaults = {'retries': None, 'timeout': 10, 'calls_per_minute': 0}
    stopper = None
    if outage is not None:
        stopper = threading.Timer(outage[0], harness.outage, args=(emulator, outage[1]))
        stopper.daemon = True
        stopper.start()
    results = harness.run_fleet(tmp_path, [fleet_args(index, **extra) for index in range(FLEET)], WORKERS,
                                emulator=emulator, defaults=defaults, name=label)
    if stopper is not None:
        stopper.join(60)
    return results, emulator.log


def answered(log, operation):
    return [entry for entry in log if entry['operation'] == operation and entry['status'] == 200]


class RequestClock:
    """A clock that advances STEP each time it is read (the flow control reads it once per request)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = 0.0

    def __call__(self):
        with self.lock:
            self.now += STEP
            return self.now


@pytest.mark.long
def test_fleet_converges_under_flow_control_and_an_outage(tmp_path, emulator):
    emulator.flow_control = FlowControl(clock=RequestClock())
    emulator.flow_control.set(RATE, BURST)

    created, log = run_phase(tmp_path, emulator, 'create')
    assert [r['failed'] for r in created] == [False] * FLEET, [r['msg'] for r in created if r['failed']]
    assert [r['changed'] for r in created] == [True] * FLEET
    # each task: one page of ListIngresses and one CreateIngress answered; the throttled ones retried
    assert len(answered(log, 'ListIngresses')) == FLEET and len(answered(log, 'CreateIngress')) == FLEET
    assert sum(1 for entry in log if entry['applied']) == FLEET
    throttled = [entry for entry in log if entry['code'] == THROTTLING_USER]
    assert throttled and all(entry.get('flow_control') and not entry['applied'] for entry in throttled)
    names = sorted(record['Description'] for record in emulator.ingresses.values())
    assert names == ['fleet-%03d' % index for index in range(FLEET)]  # no duplicate, none missing

    changed, log = run_phase(tmp_path, emulator, 'change', outage=(0.5, OUTAGE), request_timeout=30)
    assert [r['failed'] for r in changed] == [False] * FLEET, [r['msg'] for r in changed if r['failed']]
    assert [r['changed'] for r in changed] == [True] * FLEET
    assert not emulator.paused
    assert len(emulator.ingresses) == FLEET
    assert all(record['RequestTimeout'] == 30 for record in emulator.ingresses.values())
    assert {entry['operation'] for entry in log} <= {'ListIngresses', 'UpdateIngress'}
    assert len({entry['ingress_id'] for entry in log if entry['operation'] == 'UpdateIngress' and entry['applied']}) == FLEET
