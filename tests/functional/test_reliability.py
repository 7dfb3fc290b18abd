# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability of sae_ingress under injected faults, races and concurrent writers.

Every scenario runs the module against the SAE emulator (harness.run_tasks; except the backoff bound, which
drives the transport directly); the emulator's request log is the witness of what the module sent.
The figures are summarised in docs/reliability.md.
"""

from __future__ import annotations

import copy
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

import sae_emulator
from sae_emulator import inventory as inv
from sae_emulator.errors import (
    CONNECTION_RESET, INGRESS_NOT_FOUND_404_CODE, INGRESS_NOT_FOUND_CODE, INTERNAL_ERROR, PORT_NOT_AVAILABLE,
    SERVICE_UNAVAILABLE, THROTTLING_USER,
)

import harness  # pylint: disable=import-error
from harness import CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

# An ALB that SAE provisions itself: the service has no (SLB, port) pair to refuse a duplicate with,
# so only the module's own lookup stands between a lost answer and a second ingress.
ALB_BY_SAE = {
    'namespace_id': NS,
    'name': 'internal-api',
    'load_balance_type': 'alb',
    'address_type': 'Intranet',
    'listener_port': 80,
    'default_rule': {'app_id': inv.APP_API_ID, 'container_port': 8080},
    # one rule: a service may refuse an ingress without (the empty_rules variant)
    'rules': [{'domain': 'api.example.com', 'path': '/', 'app_id': inv.APP_API_ID, 'container_port': 8080}],
}

CONFIGS = {'clb': CLB, 'alb-by-sae': ALB_BY_SAE}

# Log codes of each transient fault kind (a reset sends no answer: the emulator logs its own code).
TRANSIENT = {
    'throttle': THROTTLING_USER,
    'unavailable': SERVICE_UNAVAILABLE,
    'internal': INTERNAL_ERROR,
    'reset': CONNECTION_RESET,
}
# What the module reports for each kind when it gives up.
REPORTED = {
    'throttle': 'Throttling.User',
    'unavailable': 'ServiceUnavailable',
    'internal': 'InternalError',
    'reset': 'ConnectionError',
}
BURST = 3
RETRIED_OPERATIONS = ('ListIngresses', 'DescribeIngress', 'UpdateIngress', 'DeleteIngress')


def entries(emulator, operation):
    return emulator.calls(operation)


def faults_then_success(log_entries, kind, burst):
    """True when the entries are `burst` attempts refused by `kind`, then one answered success."""
    faults = [entry['fault'] for entry in log_entries]
    return faults == [kind] * burst + [None] and log_entries[-1]['status'] == 200


# ---------------------------------------------------------------------------------------------
# 1. Throttling and transient faults
# ---------------------------------------------------------------------------------------------

@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # one ListIngresses per lookup
@pytest.mark.parametrize('kind', sorted(TRANSIENT))
def test_transient_fault_bursts_on_reads_and_writes_are_retried(run_tasks, emulator, kind):
    ingress_id = seed(emulator)
    emulator.clear_log()
    for operation in RETRIED_OPERATIONS:
        emulator.faults.arm(kind, operation=operation, times=BURST)
    run = run_tasks([
        task({'namespace_id': NS, 'name': 'web'}, 'find by name'),  # ListIngresses only
        task({'namespace_id': NS, 'ingress_id': ingress_id}, 'find by id'),  # DescribeIngress only
        task({'namespace_id': NS, 'ingress_id': ingress_id, 'request_timeout': 30}, 'update'),
        task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'}, 'delete'),
    ], defaults={'retries': 5})
    by_name, by_id, updated, deleted = run.results
    assert not any(result['failed'] for result in run.results), run
    assert by_name['changed'] is False and by_name['ingress']['id'] == ingress_id
    assert by_id['changed'] is False and by_id['ingress']['id'] == ingress_id
    assert updated['changed'] is True and updated['ingress']['request_timeout'] == 30
    assert deleted['changed'] is True and deleted['ingress'] == {}
    for operation in RETRIED_OPERATIONS:
        log = entries(emulator, operation)
        if operation == 'DescribeIngress':
            # The burst is spent by the first task that reads by id; the later ones read at once.
            log = log[:BURST + 1]
        assert faults_then_success(log, kind, BURST), (operation, log)
        assert {entry['code'] for entry in log[:BURST]} == {TRANSIENT[kind]}
        # A fresh nonce for every attempt.
        assert len({entry['nonce'] for entry in log}) == len(log)
    assert len(entries(emulator, 'DescribeIngress')) == BURST + 1 + 2
    assert [entry['applied'] for entry in entries(emulator, 'UpdateIngress')] == [False] * BURST + [True]
    assert emulator.ingresses == {}
    assert not any(result.get('warnings') for result in run.results)


def test_lost_answers_of_update_and_delete_are_retried_without_harm(run_tasks, emulator):
    """An update or delete that was applied but whose answer was lost is retried: both are idempotent."""
    ingress_id = seed(emulator)
    emulator.clear_log()
    emulator.faults.arm('apply_then_drop', operation='UpdateIngress')
    emulator.faults.arm('apply_then_drop', operation='DeleteIngress', rst=True)
    run = run_tasks([
        task({'namespace_id': NS, 'ingress_id': ingress_id, 'request_timeout': 30}, 'update'),
        task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'}, 'delete'),
    ], defaults={'retries': 5})
    updated, deleted = run.results
    assert not updated['failed'] and updated['changed'] is True and updated['ingress']['request_timeout'] == 30, run
    assert not deleted['failed'] and deleted['changed'] is True, run
    updates = entries(emulator, 'UpdateIngress')
    assert [(e['fault'], e['applied']) for e in updates] == [('apply_then_drop', True), (None, False)]
    deletes = entries(emulator, 'DeleteIngress')
    assert [(e['fault'], e['applied']) for e in deletes] == [('apply_then_drop', True), (None, False)]
    # the repeat finds the ingress gone, in the form the emulator's variant gives (tests/sae_emulator/FIDELITY.md)
    variants = emulator.variants
    gone = INGRESS_NOT_FOUND_404_CODE if variants['not_found'] == '404' else INGRESS_NOT_FOUND_CODE
    assert deletes[1]['code'] == (None if variants['delete_unknown'] == 'success' else gone)
    assert emulator.ingresses == {}


def test_retries_zero_fails_at_once_with_the_code(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    kinds = sorted(TRANSIENT)
    for kind in kinds:  # consumed in arming order: one per task
        emulator.faults.arm(kind, operation='ListIngresses')
    run = run_tasks([task({'namespace_id': NS, 'name': 'web'}, kind) for kind in kinds], defaults={'retries': 0})
    assert len(run.results) == len(kinds), run
    for kind, result in zip(kinds, run.results):
        assert result['failed'] is True, (kind, result)
        assert 'ListIngresses failed: %s' % REPORTED[kind] in result['msg'], (kind, result['msg'])
        assert 'gave up' not in result['msg']
        assert result['error']['code'] == REPORTED[kind]
    log = emulator.log
    assert [entry['fault'] for entry in log] == kinds
    assert writes(emulator) == []


def test_a_burst_longer_than_the_retries_fails_after_the_last_attempt(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    emulator.faults.arm('throttle', operation='ListIngresses', times=3)
    result = run_tasks(task({'namespace_id': NS, 'name': 'web', 'request_timeout': 30}), defaults={'retries': 2}).result
    assert result['failed'] is True
    assert 'Throttling.User' in result['msg'] and 'gave up after 3 attempts' in result['msg'], result['msg']
    assert 'Hint: the API is throttling requests' in result['msg'] and 'retry_timeout' in result['msg']
    assert 'alibabacloud.sae.sae_ingresses task instead of one task per ingress' in result['msg']
    assert operations(emulator) == ['ListIngresses'] * 3
    assert writes(emulator) == []


@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # exact call counts
def test_retries_last_the_time_budget_and_it_is_documented(emulator):
    """Unset retries: a call refused by flow control is retried until retry_timeout; the waits have a floor."""
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.doc_fragments.common import ModuleDocFragment
    from ansible_collections.alibabacloud.sae.plugins.module_utils import _http
    from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import StaticCredentials
    from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import API_VERSION, SaeApi, SaeApiError

    credentials = StaticCredentials(sae_emulator.DEFAULT_ACCESS_KEY_ID, sae_emulator.DEFAULT_ACCESS_KEY_SECRET)
    waits = []
    # The waits are recorded, not slept, and the client's clock is their sum.
    client = _http.HttpClient(emulator.url, credentials, API_VERSION, timeout=5, retry_timeout=60, sleep=waits.append,
                              clock=lambda: sum(waits))
    seed(emulator)
    emulator.flow_control.set(0.0001, burst=1, operation='ListIngresses')
    assert SaeApi(client).list_ingresses(NS)  # the burst's one token
    emulator.clear_log()
    with pytest.raises(SaeApiError) as info:
        SaeApi(client).list_ingresses(NS)
    assert info.value.code == 'Throttling.User'
    assert len(emulator.log) == len(waits) + 1 >= 17
    assert 'gave up after %d attempts' % len(emulator.log) in info.value.message
    bounds = [min(4.0, 0.25 * 2 ** n) for n in range(len(waits))]
    assert all(bound / 2 <= wait <= bound for wait, bound in zip(waits, bounds)), waits
    assert 56 < sum(waits) <= 60
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    budget = doc['options']['retry_timeout']
    assert budget['default'] == 60 and 'min(4, 0.25 * 2^n)' in ' '.join(budget['description'])
    assert 'default' not in doc['options']['retries']


# ---------------------------------------------------------------------------------------------
# 2. Unknown-outcome create
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('config, rst', [('clb', False), ('clb', True), ('alb-by-sae', False)])
def test_create_applied_but_answer_lost_is_not_repeated(run_tasks, emulator, config, rst):
    args = CONFIGS[config]
    emulator.faults.arm('apply_then_drop', operation='CreateIngress', rst=rst)
    run = run_tasks([task(args), task(args, 'again')], defaults={'retries': 5})
    created, again = run.results
    assert not created['failed'] and created['changed'] is True, run
    assert not again['failed'] and again['changed'] is False, run
    creates = entries(emulator, 'CreateIngress')
    assert len(creates) == 1 and creates[0]['applied'] is True
    assert len(emulator.ingresses) == 1
    assert created['ingress']['id'] in emulator.ingresses
    assert again['ingress']['id'] == created['ingress']['id']
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress']
    assert created['diff']['before'] == {} and created['diff']['after']['listener_port'] == 80


@pytest.mark.parametrize('kind', ['internal', 'unavailable', 'reset'])
def test_create_failed_without_effect_is_created_once_more(run_tasks, emulator, kind):
    emulator.faults.arm(kind, operation='CreateIngress')
    result = run_tasks(task(CLB), defaults={'retries': 5}).result
    assert not result['failed'] and result['changed'] is True, result
    creates = entries(emulator, 'CreateIngress')
    assert [(e['fault'], e['applied']) for e in creates] == [(kind, False), (None, True)]
    # Not blindly repeated: the module looked before the second create.
    assert operations(emulator)[:4] == ['ListIngresses', 'CreateIngress', 'ListIngresses', 'CreateIngress']
    assert list(emulator.ingresses) == [result['ingress']['id']]


def test_throttled_create_is_retried_by_the_transport(run_tasks, emulator):
    emulator.faults.arm('throttle', operation='CreateIngress', times=2)
    result = run_tasks(task(CLB), defaults={'retries': 5}).result
    assert not result['failed'] and result['changed'] is True, result
    assert operations(emulator)[:4] == ['ListIngresses', 'CreateIngress', 'CreateIngress', 'CreateIngress']
    assert [e['applied'] for e in entries(emulator, 'CreateIngress')] == [False, False, True]
    assert len(emulator.ingresses) == 1


def test_create_answer_slower_than_the_timeout_leaves_one_ingress(run_tasks, emulator):
    """Read timeout on a create: the module re-lists and creates again; the first create, landing last, is refused."""
    # The first create is handled only once the module's second one has been applied.
    emulator.faults.arm('callback', operation='CreateIngress', fn=lambda emu: _wait_for(lambda: emu.ingresses))
    result = run_tasks(task(CLB), defaults={'retries': 5, 'timeout': 1}).result
    _wait_for(lambda: len(entries(emulator, 'CreateIngress')) >= 2)
    assert not result['failed'] and result['changed'] is True, result
    # The two answers are logged in whichever order their threads finish.
    creates = entries(emulator, 'CreateIngress')
    outcomes = {e['fault']: (e['applied'], e['code']) for e in creates}
    assert len(creates) == 2 and outcomes == {None: (True, None), 'callback': (False, PORT_NOT_AVAILABLE)}
    assert list(emulator.ingresses) == [result['ingress']['id']]


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _hold_first_create_until_relisted(emulator):
    """Arm CreateIngress so the module's first create times out and is applied only after the module has
    listed again (a create still in flight when the module looks), as a slow service would."""
    emulator.faults.arm('callback', operation='CreateIngress',
                        fn=lambda emu: _wait_for(lambda: len(emu.calls('ListIngresses')) >= 2))


def test_create_timeout_without_slb_id_does_not_duplicate(run_tasks, emulator):
    """No slb_id: nothing on the service side refuses a second create, so the module must not send one.

    The first create times out and lands only after the module has listed again (and found nothing): the
    module reports the unknown outcome instead of creating once more, and the one create lands.
    """
    from ansible_collections.alibabacloud.sae.plugins.module_utils._common import UNKNOWN_OUTCOME_HINT
    _hold_first_create_until_relisted(emulator)
    result = run_tasks(task(ALB_BY_SAE), defaults={'retries': 5, 'timeout': 1}).result
    # The held create is logged once it is handled, after the module's answer.
    _wait_for(lambda: entries(emulator, 'CreateIngress'))
    assert result['failed'] is True and not result.get('changed'), result
    assert result['msg'].startswith('CreateIngress failed: ReadTimeout: '), result['msg']
    assert result['msg'].endswith('Hint: %s' % UNKNOWN_OUTCOME_HINT), result['msg']
    assert result['error']['code'] == 'ReadTimeout' and result['error']['operation'] == 'CreateIngress', result
    creates = entries(emulator, 'CreateIngress')
    assert [(e['fault'], e['applied'], e['code']) for e in creates] == [('callback', True, None)], creates
    assert operations(emulator) == ['ListIngresses', 'ListIngresses', 'CreateIngress'], operations(emulator)
    assert len(emulator.ingresses) == 1, emulator.ingresses
    (ingress,) = emulator.ingresses.values()
    assert ingress['Description'] == ALB_BY_SAE['name'], ingress


def test_create_timeout_then_first_create_lands_converges(run_tasks, emulator):
    _hold_first_create_until_relisted(emulator)
    # The module's second create is handled once the first one has been applied.
    emulator.faults.arm('callback', operation='CreateIngress', fn=lambda emu: _wait_for(lambda: emu.ingresses))
    result = run_tasks(task(CLB), defaults={'retries': 5, 'timeout': 1}).result
    _wait_for(lambda: len(entries(emulator, 'CreateIngress')) >= 2)
    assert len(emulator.ingresses) == 1
    assert [e['code'] for e in entries(emulator, 'CreateIngress')] == [None, PORT_NOT_AVAILABLE]
    assert not result['failed'] and result['changed'] is True, result
    assert list(emulator.ingresses) == [result['ingress']['id']]


def test_unknown_create_whose_lookup_fails_reports_the_create_first(run_tasks, emulator):
    """The create is applied but answered too late; the lookup that follows is throttled to the end of its budget."""
    def late_answer(emu):
        emu.faults.arm('throttle', operation='ListIngresses', times=None)
        time.sleep(1.5)

    emulator.faults.arm('callback', operation='CreateIngress', fn=late_answer, after=True)
    result = run_tasks(task(CLB), defaults={'retries': None, 'retry_timeout': 1, 'timeout': 1}).result
    assert result['failed'] is True, result
    msg = result['msg']
    assert msg.startswith('CreateIngress failed: ReadTimeout: '), msg
    assert 'The ingress may exist: ListIngresses, which followed, failed too (Throttling.User: ' in msg, msg
    assert 'A rerun finds it and converges.' in msg and 'Hint: the outcome is unknown' in msg, msg
    assert result['error']['code'] == 'ReadTimeout' and result['error']['operation'] == 'CreateIngress'
    assert result['followup_error']['code'] == 'Throttling.User'
    assert result['followup_error']['operation'] == 'ListIngresses'
    assert len(emulator.ingresses) == 1
    emulator.faults.clear()
    again = run_tasks(task(CLB), name='again').result
    assert not again['failed'] and again['changed'] is False and again['ingress']['id'] in emulator.ingresses, again
    assert len(emulator.ingresses) == 1


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_update_or_delete_answered_too_late_says_it_may_have_been_applied(run_tasks, emulator, state):
    ingress_id = seed(emulator)
    operation = 'UpdateIngress' if state == 'present' else 'DeleteIngress'
    emulator.faults.arm('latency', operation=operation, times=2, seconds=1.5)
    args = {'namespace_id': NS, 'ingress_id': ingress_id, 'state': state}
    if state == 'present':
        args['request_timeout'] = 30
    result = run_tasks(task(args), defaults={'retries': 1, 'timeout': 1}).result
    assert result['failed'] is True, result
    assert result['msg'].startswith('%s failed: ReadTimeout: no answer from %s within 1 s' % (operation, emulator.url))
    assert ('its last attempt got no definite answer, so this %s may have been applied' % operation) in result['msg']
    assert 'Hint: the outcome is unknown' in result['msg']
    assert result['error']['code'] == 'ReadTimeout'
    _wait_for(lambda: len([e for e in entries(emulator, operation) if e['status']]) == 2)
    assert [e['fault'] for e in entries(emulator, operation)] == ['latency', 'latency']


def test_connection_refused_names_the_endpoint_and_the_cause(tmp_path):
    with sae_emulator.Emulator() as emu:
        url = emu.url
    result = harness.run_tasks(tmp_path, [task(CLB)], emulator=emu, defaults={'retries': 1}).result
    assert result['failed'] is True
    assert result['msg'].startswith('ListIngresses failed: ConnectionError: could not connect to %s (connection '
                                    'refused): check endpoint, and that the controller reaches it' % url), result['msg']
    assert 'gave up after 2 attempts' in result['msg']
    for wording in ('Max retries', 'HTTPConnectionPool', 'NewConnectionError', ' object at 0x'):
        assert wording not in result['msg']


# ---------------------------------------------------------------------------------------------
# 3. Two runs race to create the same ingress
# ---------------------------------------------------------------------------------------------

def race_to_create(tmp_path, emulator, args, name):
    """Two runs of the same create task at once, every CreateIngress held until both have arrived: both
    ListIngresses then necessarily came first, so both processes decided to create. Their runs."""
    barrier = threading.Barrier(2)
    emulator.faults.arm('callback', operation='CreateIngress', times=2, fn=lambda emu: barrier.wait(timeout=120))
    dirs = [tmp_path / ('racer%d' % index) for index in (1, 2)]
    for directory in dirs:
        directory.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(harness.run_tasks, directory, [task(args)], emulator=emulator, name=name)
                   for directory in dirs]
        runs = [future.result() for future in futures]
    assert not barrier.broken
    return runs


@pytest.mark.parametrize('round_', [1, 2, 3])
def test_two_runs_racing_to_create_end_with_one_ingress(tmp_path, emulator, round_):
    # The service lock lets one create win.
    runs = race_to_create(tmp_path, emulator, CLB, 'race%d' % round_)
    results = [run.result for run in runs]
    assert all(run.rc == 0 for run in runs) and not any(result['failed'] for result in results), runs
    assert sorted(result['changed'] for result in results) == [False, True]
    winner = [result for result in results if result['changed']][0]
    loser = [result for result in results if not result['changed']][0]
    assert len(emulator.ingresses) == 1
    ingress_id = winner['ingress']['id']
    assert list(emulator.ingresses) == [ingress_id]
    assert loser['ingress']['id'] == ingress_id
    for option in ('name', 'slb_id', 'listener_port', 'listener_protocol', 'default_rule', 'rules'):
        assert harness.agree(loser['ingress'][option], winner['ingress'][option]), option
    # Both looked before either created (the emulator logs a request before answering it).
    assert operations(emulator)[:3] == ['ListIngresses', 'ListIngresses', 'CreateIngress']
    creates = entries(emulator, 'CreateIngress')
    assert sorted(e['applied'] for e in creates) == [False, True]
    assert [e['code'] for e in creates if not e['applied']] == [PORT_NOT_AVAILABLE]
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress', 'CreateIngress']


def test_two_runs_racing_to_create_an_alb_sae_provisions_are_told_of_the_twin(tmp_path, emulator):
    """Without slb_id nothing refuses the second create: both land, and the run whose create lands last warns."""
    results = [run.result for run in race_to_create(tmp_path, emulator, ALB_BY_SAE, 'twin')]
    assert [(r['failed'], r['changed']) for r in results] == [(False, True)] * 2, results
    assert len(emulator.ingresses) == 2  # documented: the service refuses neither
    ids = {result['ingress']['id'] for result in results}
    assert ids == set(emulator.ingresses)
    warned = [result for result in results if result.get('warnings')]
    assert warned, results
    for result in warned:
        (other,) = ids - {result['ingress']['id']}
        (warning,) = result['warnings']
        if isinstance(warning, dict):  # ansible-core 2.19 reports a warning as a structured summary
            warning = warning['event']['msg']
        assert 'ingress %s is named %r too' % (other, ALB_BY_SAE['name']) in warning, warning
        assert 'state=absent' in warning


# ---------------------------------------------------------------------------------------------
# 4. A change behind the module's back between its read and its update
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('lookup', ['name', 'ingress_id'])
def test_concurrent_change_is_put_back_by_the_next_run(run_tasks, emulator, lookup):
    """The update carries what differed at the read; what another writer changes after the read is put back by
    the next run, and what the task does not set keeps the other writer's value."""
    ingress_id = seed(emulator)
    before = emulator.ingresses[ingress_id]
    other_rules = [{'appId': inv.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'other.example.com', 'path': '/'}]

    def other_writer(emu):
        # Fields the task sets (ListenerPort and Rules equal to the task's values when the module read them;
        # RequestTimeout, which the task changes) and one it does not set (IdleTimeout).
        emu.modify_ingress(ingress_id, ListenerPort=8080, RequestTimeout=99, Rules=other_rules, IdleTimeout=33)

    emulator.faults.arm('callback', operation='UpdateIngress', fn=other_writer)
    wanted = dict(copy.deepcopy(CLB), request_timeout=30, enable_gzip=True)
    if lookup == 'ingress_id':
        wanted['ingress_id'] = ingress_id
    emulator.clear_log()
    result = run_tasks(task(wanted)).result
    assert not result['failed'] and result['changed'] is True, result
    sent = entries(emulator, 'UpdateIngress')[0]['params']
    assert sorted(sent) == ['EnableGzip', 'IngressId', 'RequestTimeout']
    racing = emulator.ingresses[ingress_id]
    assert (racing['RequestTimeout'], racing['EnableGzip'], racing['ListenerPort'], racing['IdleTimeout']) == (30, True, 8080, 33)
    again = run_tasks(task(wanted), name='again').result
    assert again['changed'] is True, again
    assert emulator.ingresses[ingress_id] == dict(before, RequestTimeout=30, EnableGzip=True, IdleTimeout=33)
    settled = run_tasks(task(wanted), name='settled').result
    assert settled['changed'] is False
    assert settled['ingress']['idle_timeout'] == (None if 'idle_timeout' in harness.UNREPORTED else 33)
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress', 'UpdateIngress']


# ---------------------------------------------------------------------------------------------
# 5. Clock skew and bad credentials fail at once, saying what to fix
# ---------------------------------------------------------------------------------------------

def _ahead_one_hour():
    return time.time() + 3600


STS_KEYS = {'access_key_id': sae_emulator.STS_ACCESS_KEY_ID, 'access_key_secret': sae_emulator.STS_ACCESS_KEY_SECRET}
STS_HINT = 'the STS token was refused: check that security_token belongs to access_key_id and has not expired.'
AUTH_FAILURES = {
    'clock-skew': ({'clock': _ahead_one_hour}, {}, 'InvalidTimeStamp.Expired',
                   "the controller's clock is off by more than 15 minutes: sync it with NTP."),
    'wrong-secret': ({}, {'access_key_secret': 'not-the-right-secret'}, 'SignatureDoesNotMatch',
                     'the signature was refused: check access_key_secret.'),
    'unknown-key': ({}, {'access_key_id': 'LTAIunknownKey0000000'}, 'InvalidAccessKeyId.NotFound',
                    'check access_key_id and that the key is enabled.'),
    'wrong-sts-token': ({}, dict(STS_KEYS, security_token='not-the-right-token'), 'InvalidSecurityToken.Malformed',
                        STS_HINT),
    'sts-key-without-token': ({}, STS_KEYS, 'InvalidSecurityToken.MismatchWithAccessKey', STS_HINT),
}


@pytest.mark.parametrize('case', sorted(AUTH_FAILURES))
def test_auth_failures_fail_at_once_with_a_hint(tmp_path, case):
    emulator_kwargs, defaults, code, hint = AUTH_FAILURES[case]
    with sae_emulator.Emulator(**emulator_kwargs) as emu:
        run = harness.run_tasks(tmp_path, [task(CLB)], emulator=emu, defaults=dict(defaults, retries=5))
        log = emu.log
    result = run.result
    assert result['failed'] is True, run
    assert result['msg'].startswith('ListIngresses failed: %s: ' % code), result['msg']
    # One hint, the one for this code, closing the message.
    assert result['msg'].count('Hint: ') == 1 and result['msg'].endswith('Hint: ' + hint), result['msg']
    assert result['error']['code'] == code
    assert [(entry['operation'], entry['code']) for entry in log] == [('ListIngresses', code)]
