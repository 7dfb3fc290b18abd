"""Fault injection, observed from a client."""

import time

import pytest
import requests
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ThrottlingException

import sae_emulator as se
from sae_emulator.errors import (
    CONNECTION_DROPPED, CONNECTION_RESET, INTERNAL_ERROR, PORT_NOT_AVAILABLE, SAE_COMMON_ERRORS,
    SERVICE_UNAVAILABLE, SIGNATURE_MISMATCH, THROTTLING_USER,
)


@pytest.fixture
def seeded(emu, kit):
    return emu.seed_ingress(**kit.clb_fields())


def test_throttle_counts_matching_requests(raw, kit, emu, seeded):
    handle = emu.faults.arm('throttle', operation='DescribeIngress', times=2)
    assert raw.list().status_code == 200  # another operation: not consumed
    body = kit.assert_error(raw.describe(seeded), 400, THROTTLING_USER)
    assert 'ErrorCode' not in body  # a gateway error, not an SAE one
    kit.assert_error(raw.describe(seeded), 400, THROTTLING_USER)
    assert raw.describe(seeded).status_code == 200
    assert (handle.hits, handle.remaining, emu.faults.armed) == (2, 0, [])
    assert [(e['operation'], e['code'], e['fault']) for e in emu.log] == [
        ('ListIngresses', None, None), ('DescribeIngress', THROTTLING_USER, 'throttle'),
        ('DescribeIngress', THROTTLING_USER, 'throttle'), ('DescribeIngress', None, None)]


def test_throttle_variants_and_sdk_view(emu, sdk, seeded):
    emu.faults.arm('throttle', code='Throttling.Api', retry_after=3)
    with pytest.raises(ThrottlingException) as caught:
        sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=seeded))
    assert (caught.value.code, caught.value.retry_after, caught.value.status_code) == ('Throttling.Api', 3, 400)


@pytest.mark.parametrize('kind, status, code', [('unavailable', 503, SERVICE_UNAVAILABLE), ('internal', 500, INTERNAL_ERROR)])
def test_server_errors(raw, kit, emu, kind, status, code):
    emu.faults.arm(kind, operation='CreateIngress')
    kit.assert_error(raw.create(kit.clb_fields()), status, code)
    assert emu.ingresses == {}
    assert raw.create(kit.clb_fields()).status_code == 200
    assert len(emu.ingresses) == 1


def test_reset_applies_nothing(raw, kit, emu):
    emu.faults.arm('reset', operation='CreateIngress')
    with pytest.raises(requests.exceptions.ConnectionError):
        raw.create(kit.clb_fields())
    assert emu.ingresses == {}
    entry = emu.log[-1]
    assert (entry['operation'], entry['status'], entry['code'], entry['applied'], entry['fault']) == (
        'CreateIngress', None, CONNECTION_RESET, False, 'reset')


@pytest.mark.parametrize('rst', [False, True])
def test_apply_then_drop(raw, kit, emu, rst):
    emu.faults.arm('apply_then_drop', operation='CreateIngress', rst=rst)
    with pytest.raises(requests.exceptions.ConnectionError):
        raw.create(kit.clb_fields())
    assert len(emu.ingresses) == 1
    entry = emu.log[-1]
    assert (entry['code'], entry['applied'], entry['status']) == (CONNECTION_DROPPED, True, None)
    assert entry['ingress_id'] == next(iter(emu.ingresses))
    # The retry that does not look first hits the port now taken by its own earlier attempt.
    kit.assert_error(raw.create(kit.clb_fields()), 400, PORT_NOT_AVAILABLE)


def test_latency(raw, emu, seeded):
    emu.faults.arm('latency', operation='DescribeIngress', seconds=0.3)
    started = time.monotonic()
    assert raw.describe(seeded).status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert raw.describe(seeded).status_code == 200
    assert time.monotonic() - started < 0.3


def test_callback_before_and_after(raw, emu, seeded):
    emu.faults.arm('callback', operation='DescribeIngress', fn=lambda e: e.modify_ingress(seeded, RequestTimeout=99))
    assert raw.describe(seeded).json()['Data']['RequestTimeout'] == 99
    emu.faults.arm('callback', operation='UpdateIngress', after=True, fn=lambda e: e.modify_ingress(seeded, Description='theirs'))
    response = raw.update(seeded, {'Description': 'mine', 'IdleTimeout': 40})
    assert response.status_code == 200
    record = emu.ingresses[seeded]
    assert (record['Description'], record['IdleTimeout']) == ('theirs', 40)
    assert [e['operation'] for e in emu.write_calls()] == ['UpdateIngress']


def test_callback_failure_is_reported(raw, kit, emu, seeded):
    def boom(_emu):
        raise RuntimeError('test bug')

    emu.faults.arm('callback', fn=boom)
    kit.assert_error(raw.describe(seeded), 500, INTERNAL_ERROR)
    assert 'RuntimeError: test bug' in emu.log[-1]['callback_error']


def test_arming_order_any_operation_and_forever(raw, kit, emu, seeded):
    emu.faults.arm('throttle', operation='DescribeIngress')
    forever = emu.faults.arm('unavailable', times=None)
    kit.assert_error(raw.describe(seeded), 400, THROTTLING_USER)
    while forever.hits < 6:
        kit.assert_error(raw.describe(seeded), 503, SERVICE_UNAVAILABLE)
        kit.assert_error(raw.list(), 503, SERVICE_UNAVAILABLE)
    assert (len(emu.log), forever.remaining) == (7, None)
    emu.faults.clear()
    assert raw.describe(seeded).status_code == 200


def test_rejected_requests_consume_no_fault(emu, kit, seeded):
    handle = emu.faults.arm('throttle')
    kit.assert_error(kit.RawClient(emu, secret='wrong').describe(seeded), 403, SIGNATURE_MISMATCH)
    assert handle.hits == 0
    kit.assert_error(kit.RawClient(emu).describe(seeded), 400, THROTTLING_USER)


@pytest.mark.parametrize('code, status', sorted((code, status) for code, (status, _message) in SAE_COMMON_ERRORS.items()))
def test_error_answers_a_code_of_the_common_list(raw, kit, emu, code, status):
    emu.faults.arm('error', operation='CreateIngress', code=code)
    body = kit.assert_error(raw.create(kit.clb_fields()), status, code)
    assert (body['ErrorCode'], body['Success']) == (code, False)  # an SAE error, not a gateway one
    assert emu.ingresses == {}
    emu.faults.arm('error', code='Some.Code', status=409, message='odd')
    body = kit.assert_error(raw.list(), 409, 'Some.Code')
    assert body['Message'] == 'odd'


def test_stuck_page_answers_the_same_page_without_total(raw, kit, emu):
    ids = [emu.seed_ingress(**kit.clb_fields(ListenerPort=1000 + n)) for n in range(5)]
    emu.faults.arm('stuck_page', times=None)
    for page in ('1', '2', '7'):
        data = raw.list(PageSize='2', CurrentPage=page).json()['Data']
        assert data == {'IngressList': data['IngressList']} and [row['Id'] for row in data['IngressList']] == ids[:2]
    assert raw.describe(ids[0]).status_code == 200  # other operations are not touched


def test_gateway_routes_share_the_list(raw, kit, emu):
    ingress = emu.seed_ingress(**kit.clb_fields())
    route = emu.seed_gateway_route(NamespaceId=se.NAMESPACE_ID, Description='web', MseGatewayId='gw-1', MseGatewayPort='8080')
    rows = raw.list().json()['Data']['IngressList']
    assert [row['Id'] for row in rows] == [ingress, route]
    assert [(row['MseGatewayId'], row['MseGatewayPort'], row['MseGatewayProtocol']) for row in rows] == [
        ('', '', ''), ('gw-1', '8080', 'HTTP')]
    assert rows[1]['SlbId'] == '' and rows[1]['Description'] == 'web'


def test_arm_validates_its_arguments(emu):
    for kwargs in ({'kind': 'explode'}, {'kind': 'latency'}, {'kind': 'callback'}, {'kind': 'throttle', 'times': 0},
                   {'kind': 'throttle', 'operation': 'DescribeApplication'}, {'kind': 'reset', 'seconds': 1},
                   {'kind': 'error'}, {'kind': 'error', 'code': 'Not.Listed'},
                   {'kind': 'stuck_page', 'operation': 'DescribeIngress'}):
        with pytest.raises(ValueError):
            emu.faults.arm(**kwargs)
