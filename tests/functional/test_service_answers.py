# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the API layer makes of the service's answers in the public record: paging that is ignored, capped or
repeated; 404s and 400s that are not about the ingress; refusals for a passing reason; rows of MSE gateways.

Most scenarios drive the API client (SaeApi over the real transport) against the emulator, which is cheap; one
module run per behaviour a user sees (a failure instead of a create, a message, a result) shows it end to end.
The emulator's request log is the witness.
"""

from __future__ import annotations

import pytest

import sae_emulator
from sae_emulator import inventory as inv

from harness import CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

INFO = 'alibabacloud.sae.sae_ingress_info'
FILLERS = 120  # more than 100: past two pages of 50, and of the largest page size any variant allows
PAGINGS = sae_emulator.VARIANTS['list_paging']


def _api(emulator, retries=0):
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import StaticCredentials
    from ansible_collections.alibabacloud.sae.plugins.module_utils._http import HttpClient
    from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import API_VERSION, SaeApi

    credentials = StaticCredentials(sae_emulator.DEFAULT_ACCESS_KEY_ID, sae_emulator.DEFAULT_ACCESS_KEY_SECRET)
    return SaeApi(HttpClient(emulator.url, credentials, API_VERSION, retries=retries, timeout=5, sleep=lambda seconds: None))


def _errors():
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils import _sae_api
    return _sae_api


def _fill(emulator, count=FILLERS):
    for number in range(count):
        seed(emulator, dict(CLB, name='filler-%d' % number, slb_id=inv.CLB_SPARE_ID, listener_port=3000 + number,
                            rules=[]))


# -- 1. listing ------------------------------------------------------------------------------------

# ListIngresses calls for 120 rows (pages of 50 asked): TotalSize ends it at the third page; a service that ignores
# paging shows the whole list twice; pages capped at 10 end with an empty thirteenth; a page past the end that
# repeats the last is never asked for, the third page being shorter than the first.
CALLS_FOR_120 = {'honoured': 3, 'ignored': 2, 'capped': 13, 'clamped': 3}


@pytest.mark.parametrize('paging', PAGINGS)
def test_listing_returns_every_row_once_under_each_paging(emulator_factory, paging):
    emulator = emulator_factory(variants={'list_paging': paging})
    _fill(emulator)
    assert [row['Id'] for row in _api(emulator).list_ingresses(NS)] == sorted(emulator.ingresses)
    assert len(emulator.calls('ListIngresses')) == CALLS_FOR_120[paging]


def test_listing_whose_last_full_page_repeats_is_read_again_at_another_size(emulator_factory):
    # 150 rows: three full pages of 50, then the last one again. Read at 49, the fourth page is short.
    emulator = emulator_factory(variants={'list_paging': 'clamped'})
    _fill(emulator, 150)
    assert [row['Id'] for row in _api(emulator).list_ingresses(NS)] == sorted(emulator.ingresses)
    sizes = [entry['params']['PageSize'] for entry in emulator.calls('ListIngresses')]
    assert sizes == ['50'] * 4 + ['49'] * 4


def test_listing_that_cannot_prove_its_end_fails(emulator_factory):
    emulator = emulator_factory(variants={})
    _fill(emulator)
    emulator.faults.arm('stuck_page', times=None)
    with pytest.raises(_errors().SaeApiError) as info:
        _api(emulator).list_ingresses(NS)
    assert info.value.code == 'IncompleteListing'
    assert 'page 2 repeated ingresses already read' in info.value.message
    assert len(emulator.calls('ListIngresses')) == 4  # two pages at 50, two at 49: it ends


@pytest.mark.parametrize('paging', PAGINGS)
def test_a_lookup_by_name_past_the_hundredth_row_finds_it_under_each_paging(run_tasks, emulator_factory, paging):
    emulator = emulator_factory(variants={'list_paging': paging})
    _fill(emulator)
    seed(emulator)
    emulator.clear_log()
    run = run_tasks(task(CLB), emulator=emulator)
    assert not run.result['failed'] and run.result['changed'] is False, run
    assert writes(emulator) == [] and len(emulator.ingresses) == FILLERS + 1


def test_a_lookup_that_cannot_prove_it_saw_every_row_fails_instead_of_creating(run_tasks, emulator_factory):
    emulator = emulator_factory(variants={})
    _fill(emulator)
    emulator.faults.arm('stuck_page', times=None)
    run = run_tasks(task(CLB), emulator=emulator)
    result = run.result
    assert result['failed'], run
    assert 'ListIngresses failed: IncompleteListing' in result['msg'] and 'nothing was changed' in result['msg']
    assert 'Hint: set ingress_id' in result['msg']
    assert writes(emulator) == [] and len(emulator.ingresses) == FILLERS


# -- 3. "not found" means the ingress is missing -----------------------------------------------------

OTHER_NOT_FOUND = ['InvalidResponse.Api', 'InvalidAppId.NotFound', 'InvalidNamespaceId.NotFound',
                   'InvalidVpcId.NotFound', 'InvalidApplication.NotFound']


@pytest.mark.parametrize('code', OTHER_NOT_FOUND)
def test_absent_fails_while_the_ingress_exists_when_the_service_answers(run_tasks, emulator, code):
    ingress_id = seed(emulator)
    emulator.faults.arm('error', operation='DescribeIngress', code=code, times=None)
    emulator.faults.arm('error', operation='DeleteIngress', code=code, times=None)
    absent = {'namespace_id': NS, 'state': 'absent', 'retries': 0}
    run = run_tasks([task(dict(absent, ingress_id=ingress_id)), task(dict(absent, name='web'))])
    by_id, by_name = run.results
    for result in (by_id, by_name):
        assert result['failed'] and result['changed'] is False, run
        assert code in result['msg'] and ' Hint: ' in result['msg'], result['msg']
        assert result['error']['code'] == code
    assert list(emulator.ingresses) == [ingress_id]
    assert [op for op in operations(emulator) if op != 'ListIngresses'] == ['DescribeIngress', 'DeleteIngress']


def test_an_empty_response_is_retried_on_reads():
    with sae_emulator.Emulator(variants={}) as emulator:
        ingress_id = seed(emulator)
        emulator.faults.arm('error', operation='DescribeIngress', code='InvalidResponse.Api', times=2)
        assert _api(emulator, retries=2).describe_ingress(ingress_id)['Id'] == ingress_id
        assert [entry['code'] for entry in emulator.calls('DescribeIngress')] == ['InvalidResponse.Api'] * 2 + [None]


def test_a_create_answered_with_an_empty_response_looks_before_creating_again(run_tasks, emulator):
    emulator.faults.arm('error', operation='CreateIngress', code='InvalidResponse.Api')
    run = run_tasks(task(CLB))
    assert not run.result['failed'] and run.result['changed'], run
    assert operations(emulator) == ['ListIngresses', 'CreateIngress', 'ListIngresses', 'CreateIngress']
    assert len(emulator.ingresses) == 1


# -- 4. refusals for a passing reason are retried ----------------------------------------------------

TRANSIENT_REFUSALS = {
    'System.Upgrading': 'wait until the upgrade is over',
    'Application.ChangerOrderRunning': 'wait until it finishes',
    'Application.InvalidStatus': 'wait until it is running normally',
    'OperationFailed.RPCError': 'wait a minute',
}
OPERATIONS = ['CreateIngress', 'UpdateIngress', 'DescribeIngress', 'ListIngresses', 'DeleteIngress']


@pytest.mark.parametrize('code', sorted(TRANSIENT_REFUSALS))
def test_transient_refusals_are_retried_on_every_operation(code):
    with sae_emulator.Emulator(variants={}) as emulator:
        api = _api(emulator, retries=2)
        for operation in OPERATIONS:
            emulator.faults.arm('error', operation=operation, code=code, times=2)
        ingress_id = api.create_ingress({
            'NamespaceId': NS, 'SlbId': inv.CLB_INTERNET_ID, 'ListenerPort': 80,
            'DefaultRule': {'appId': inv.APP_WEB_ID, 'containerPort': 8080}, 'Rules': []})
        api.update_ingress(ingress_id, {'RequestTimeout': 30})
        assert api.describe_ingress(ingress_id)['RequestTimeout'] == 30
        assert [row['Id'] for row in api.list_ingresses(NS)] == [ingress_id]
        assert api.delete_ingress(ingress_id) is True
        assert [(entry['operation'], entry['code']) for entry in emulator.log] == [
            (operation, answer) for operation in OPERATIONS for answer in (code, code, None)]
        assert emulator.ingresses == {}


@pytest.mark.parametrize('code', sorted(TRANSIENT_REFUSALS))
def test_when_retries_run_out_the_message_says_what_to_wait_for(run_tasks, emulator, code):
    emulator.faults.arm('error', operation='CreateIngress', code=code, times=None)
    run = run_tasks(task(dict(CLB, retries=1)))
    result = run.result
    assert result['failed'], run
    assert 'CreateIngress failed: %s' % code in result['msg'] and 'gave up after 2 attempts' in result['msg']
    assert TRANSIENT_REFUSALS[code] in result['msg'], result['msg']
    assert operations(emulator) == ['ListIngresses', 'CreateIngress', 'CreateIngress']
    assert emulator.ingresses == {}


# -- 7. rows of other gateways -----------------------------------------------------------------------

def _gateway_route(emulator, name='web'):
    return emulator.seed_gateway_route(NamespaceId=NS, Description=name, MseGatewayId='gw-0a1b2c3d4e5f',
                                       MseGatewayPort='8080', MseGatewayProtocol='HTTP')


def test_a_name_held_only_by_an_mse_gateway_route_fails_naming_it(run_tasks, emulator):
    route = _gateway_route(emulator)
    run = run_tasks([task(CLB), task({'namespace_id': NS, 'name': 'web', 'state': 'absent'})])
    for result in run.results:
        assert result['failed'], run
        assert 'is %d, a route of MSE gateway gw-0a1b2c3d4e5f' % route in result['msg'], result['msg']
        assert result['ingress_ids'] == [route]
    assert writes(emulator) == [] and list(emulator.ingresses) == [route]


def test_an_mse_gateway_route_never_matches_beside_the_ingress(run_tasks, emulator):
    _gateway_route(emulator)
    ingress_id = seed(emulator)
    by_listener = {key: value for key, value in CLB.items() if key != 'name'}
    run = run_tasks([task(CLB), task(by_listener), task({'namespace_id': NS}, module=INFO)])
    named, listener, info = run.results
    assert not named['failed'] and not listener['failed'], run
    assert named['ingress']['id'] == listener['ingress']['id'] == ingress_id
    assert not named['changed'] and not listener['changed'] and writes(emulator) == []
    route, ingress = info['ingresses']
    assert (route['mse_gateway_id'], route['mse_gateway_port'], route['mse_gateway_protocol']) == (
        'gw-0a1b2c3d4e5f', 8080, 'HTTP')
    assert (ingress['mse_gateway_id'], ingress['mse_gateway_port'], ingress['mse_gateway_protocol']) == (None, None, None)
    assert all(isinstance(item['create_time'], int) and item['create_time'] > 0 for item in (route, ingress))
