# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A paced fleet under the account-wide flow control: the short form of `make bench-load` (tests/benchmarks/load.py).

40 ingresses (20 in each namespace of the emulator), each its own sae_ingress task, FORKS at a time as `forks:` would
run them, against an account that admits CALLS calls in any WINDOW seconds (600 a minute: SAE's 60 a minute in a
tenth of the time), every operation together, and answers Throttling.User above it; the modules pace their calls at
`calls_per_minute: 600`. Under both readings of whether a refused call uses the quota (variant refused_calls_count):
create, the same tasks again by name, again by ingress_id, a change of every ingress, then one sae_ingresses task
over a namespace that changes nothing and one that changes one ingress, and last the other half of the fleet changed
back while the endpoint goes away for 2 seconds (the port refuses connections, open ones are cut). Every task must
succeed with the right `changed`, with no duplicate; the calls the service answered must be exactly those each phase
needs, and the refused ones under 5 % of the calls sent. The module defaults are in force otherwise (retries unset,
retry_timeout 60).

Each phase starts with an empty window and a pace file of its own (a TMPDIR of its own), as after a quiet minute; the
pace's window is scaled as the limit's (ALIBABA_CLOUD_SAE_PACE_WINDOW). The refused share is checked last, so that
every count is asserted first.
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading

import pytest

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error

FLEET = 40
FORKS = 10
CALLS, WINDOW = 60, 6.0  # 600 calls a minute, in windows of 6 s
PACE = 600  # calls_per_minute
REFUSED_SHARE = 0.05
OUTAGE = 2.0  # seconds
NAMESPACES = (
    (inv.NAMESPACE_ID, inv.CLB_INTERNET_ID, inv.APP_WEB_ID),
    (inv.OTHER_NAMESPACE_ID, inv.CLB_INTRANET_ID, inv.APP_STAGING_ID),
)
BATCH = 'alibabacloud.sae.sae_ingresses'


def fleet_args(index, **extra):
    namespace, slb_id, app_id = NAMESPACES[index % len(NAMESPACES)]
    args = {
        'namespace_id': namespace, 'name': 'fleet-%03d' % index, 'slb_id': slb_id,
        'listener_port': 30000 + index, 'listener_protocol': 'HTTP', 'request_timeout': 60,
        'default_rule': {'app_id': app_id, 'container_port': 8080},
        'rules': [{'domain': 'fleet-%03d.example.com' % index, 'path': '/', 'app_id': app_id, 'container_port': 8080}],
    }
    args.update(extra)
    return args


class RefusedShareTooHigh(AssertionError):
    """A phase's refused answers reached REFUSED_SHARE of the calls the emulator received."""


class Phase:
    """One phase's results (in fleet order) and what the emulator saw: the answered calls by operation, the refused."""

    def __init__(self, results, log):
        self.results = results
        self.log = log
        self.answered = collections.Counter(entry['operation'] for entry in log if not entry.get('flow_control'))
        self.refused = [entry for entry in log if entry.get('flow_control')]

    def failures(self):
        return [r.get('msg') for r in self.results if r['failed']]


def run_phase(tmp_path, emulator, label, tasks, workers=FORKS, outage=None):
    """`tasks` (harness.task dicts), `workers` at a time, with an empty window and a fresh pace file shared by them.
    `outage`: (after, seconds), the emulator paused for `seconds` from `after` seconds into the phase."""
    emulator.flow_control.set_account(CALLS, WINDOW)
    emulator.clear_log()
    emulator.flow_control.reset_counts()
    stopper = None
    if outage is not None:
        stopper = threading.Timer(outage[0], harness.outage, args=(emulator, outage[1]))
        stopper.daemon = True
        stopper.start()
    directory = tmp_path / label
    (directory / 'tmp').mkdir(parents=True)
    defaults = {'retries': None, 'timeout': 10, 'calls_per_minute': PACE}

    def one(index):
        task_dir = directory / ('task-%03d' % index)
        task_dir.mkdir()
        return harness.run_tasks(task_dir, [tasks[index]], emulator=emulator, defaults=defaults,
                                 env={'TMPDIR': str(directory / 'tmp'), 'ALIBABA_CLOUD_SAE_PACE_WINDOW': str(WINDOW)},
                                 name=label).result

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, range(len(tasks))))
    if stopper is not None:
        stopper.join(60)
        assert not emulator.paused
    phase = Phase(results, emulator.log)
    assert len(phase.refused) == emulator.flow_control.account_throttled
    phase.label = label
    return phase


def refused_shares(*phases):
    """Each phase whose refused answers reached REFUSED_SHARE of its calls: {label: (refused, received)}."""
    return dict((phase.label, (len(phase.refused), len(phase.log))) for phase in phases
                if len(phase.refused) >= REFUSED_SHARE * len(phase.log))


def names(emulator):
    return sorted(record['Description'] for record in emulator.ingresses.values())


@pytest.mark.long
@pytest.mark.parametrize('reading', ('no', 'yes'))
def test_a_paced_fleet_converges_under_the_account_limit(tmp_path, emulator_factory, reading):
    emulator = emulator_factory(variants=harness.variants_with(
        refused_calls_count=reading, flow_window='sliding', **harness.PAGING_WITH_TOTAL))
    fleet = [harness.task(fleet_args(index)) for index in range(FLEET)]

    created = run_phase(tmp_path, emulator, 'create', fleet)
    assert created.failures() == [] and [r['changed'] for r in created.results] == [True] * FLEET
    # each task: one page of ListIngresses and one CreateIngress, answered once
    assert created.answered == {'ListIngresses': FLEET, 'CreateIngress': FLEET}, created.answered
    assert names(emulator) == ['fleet-%03d' % index for index in range(FLEET)]  # no duplicate, none missing
    ids = [r['ingress']['id'] for r in created.results]

    by_name = run_phase(tmp_path, emulator, 'by-name', fleet)
    assert by_name.failures() == [] and not any(r['changed'] for r in by_name.results)
    assert by_name.answered == {'ListIngresses': FLEET}, by_name.answered

    by_id = run_phase(tmp_path, emulator, 'by-id', [harness.task(fleet_args(index, ingress_id=ids[index]))
                                                    for index in range(FLEET)])
    assert by_id.failures() == [] and not any(r['changed'] for r in by_id.results)
    assert by_id.answered == {'DescribeIngress': FLEET}, by_id.answered

    changed = run_phase(tmp_path, emulator, 'change', [harness.task(fleet_args(index, request_timeout=30))
                                                       for index in range(FLEET)])
    assert changed.failures() == [] and [r['changed'] for r in changed.results] == [True] * FLEET
    assert changed.answered == {'ListIngresses': FLEET, 'UpdateIngress': FLEET}, changed.answered
    assert len(emulator.ingresses) == FLEET
    assert all(record['RequestTimeout'] == 30 for record in emulator.ingresses.values())

    # The first namespace's 20 as one sae_ingresses task: nothing to do costs its one page; one change, one update.
    entries = [dict((key, value) for key, value in fleet_args(index, request_timeout=30).items()
                    if key != 'namespace_id') for index in range(0, FLEET, 2)]
    batch = {'namespace_id': inv.NAMESPACE_ID, 'ingresses': entries}
    noop = run_phase(tmp_path, emulator, 'batch-no-op', [harness.task(batch, module=BATCH)], workers=1)
    assert noop.failures() == [] and noop.results[0]['changed'] is False
    assert noop.answered == {'ListIngresses': 1}, noop.answered
    entries[7] = dict(entries[7], request_timeout=60)
    one = run_phase(tmp_path, emulator, 'batch-one-change', [harness.task(batch, module=BATCH)], workers=1)
    assert one.failures() == [] and [item['changed'] for item in one.results[0]['ingresses']].count(True) == 1
    assert one.answered == {'ListIngresses': 1, 'UpdateIngress': 1}, one.answered
    assert len(emulator.ingresses) == FLEET

    # The second namespace's 20 back to 60 while the endpoint goes away for OUTAGE seconds: the calls it cuts are
    # retried (an update whose answer was lost may be sent twice), so only what was applied is counted.
    back = run_phase(tmp_path, emulator, 'outage', [harness.task(fleet_args(index)) for index in range(1, FLEET, 2)],
                     outage=(0.3, OUTAGE))
    assert back.failures() == [] and [r['changed'] for r in back.results] == [True] * (FLEET // 2)
    assert set(back.answered) <= {'ListIngresses', 'UpdateIngress'}, back.answered
    assert len({entry['ingress_id'] for entry in back.log if entry['operation'] == 'UpdateIngress'
                and entry.get('applied')}) == FLEET // 2
    assert names(emulator) == ['fleet-%03d' % index for index in range(FLEET)]
    timeouts = dict((record['Description'], record['RequestTimeout']) for record in emulator.ingresses.values())
    assert [name for name, timeout in sorted(timeouts.items()) if timeout == 30] == [
        'fleet-%03d' % index for index in range(0, FLEET, 2) if index != 14]

    # Refused answers: under 5 % of the calls the emulator received, in every phase.
    over = refused_shares(created, by_name, by_id, changed, noop, one, back)
    if over:
        raise RefusedShareTooHigh('refused (of received): %s' % ', '.join(
            '%s %d of %d' % (label, refused, received) for label, (refused, received) in over.items()))
