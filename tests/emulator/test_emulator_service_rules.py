"""The service's rules: every documented error code, validation, update semantics, conflicts."""

import json

import pytest
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ClientException

import sae_emulator as se
from sae_emulator.errors import (
    ApiError, CERT_NOT_FOUND, EXCEED_INGRESS_RULE, INGRESS_NOT_FOUND_CODE, INGRESS_NOT_FOUND_STATUS,
    LOAD_BALANCE_TYPE_CHANGE_CODE, NOT_EMPTY, OBVIOUSLY, PORT_NOT_AVAILABLE, SLB_NOT_FOUND, WITH_MESSAGE,
)
from sae_emulator.inventory import default_inventory


def sdk_error(call, *args):
    with pytest.raises(ClientException) as caught:
        call(*args)
    return caught.value


def test_sdk_exceptions_carry_the_code(sdk):
    error = sdk_error(sdk.create_ingress, models.CreateIngressRequest(listener_port=80))
    assert (error.code, error.status_code) == (NOT_EMPTY, 400)
    assert error.data['ErrorCode'] == NOT_EMPTY and error.data['Success'] is False
    assert error.data['HostId'] == 'sae.cn-beijing.aliyuncs.com' and error.data['Recommend']
    assert 'NamespaceId' in error.message


@pytest.mark.parametrize('missing', ['NamespaceId', 'ListenerPort', 'DefaultRule', 'Rules', 'SlbId'])
def test_create_required_parameters(raw, kit, missing):
    fields = kit.clb_fields()
    del fields[missing]
    body = kit.assert_error(raw.create(fields), 400, NOT_EMPTY)
    assert missing in body['Message']


def test_ingress_id_required(raw, kit):
    for action in ('DescribeIngress', 'DeleteIngress', 'UpdateIngress'):
        body = kit.assert_error(raw.call(action, {}), 400, NOT_EMPTY)
        assert 'IngressId' in body['Message']
    kit.assert_error(raw.list(namespace_id=''), 400, NOT_EMPTY)


@pytest.mark.parametrize('overrides', [
    {'Rules': '[{"appId": '},
    {'Rules': '{"appId": "x"}'},
    {'DefaultRule': 'not json'},
    {'DefaultRule': '[]'},
    {'CorsConfig': '{"Enable": '},
    {'CorsConfig': '{"Enable": "maybe"}'},
    {'LoadBalanceType': 'nlb'},
    {'ListenerProtocol': 'https'},
    {'ListenerProtocol': 'TCP'},
    {'ListenerPort': 0},
    {'ListenerPort': 65536},
    {'ListenerPort': 'eighty'},
    {'RequestTimeout': 0},
    {'RequestTimeout': 181},
    {'IdleTimeout': 0},
    {'IdleTimeout': 61},
    {'EnableGzip': 'yes'},
    {'NamespaceId': 'not a namespace'},
    {'DefaultRule': {'appId': se.APP_WEB_ID, 'containerPort': 0}},
    {'DefaultRule': {'appId': se.APP_WEB_ID, 'containerPort': 70000}},
    {'DefaultRule': {'appId': se.APP_WEB_ID, 'containerPort': True}},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'backendProtocol': 'HTTP'}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'backendProtocol': 'tcp'}]},
    {'Rules': ['just a string']},
    # the console guide's domains and paths: one wildcard form (*.example.com); a path 1 to 80 characters from /
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'www.*.example.com', 'path': '/'}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': '*example.com', 'path': '/'}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': '*', 'path': '/'}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': 'api'}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': ''}]},
    {'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/' + 'x' * 80}]},
])
def test_create_obviously_invalid(raw, kit, overrides):
    kit.assert_error(raw.create(kit.clb_fields(**overrides)), 400, OBVIOUSLY)


@pytest.mark.parametrize('overrides', [
    {'AddressType': 'internet'},
    {'LoadBalancerEdition': 'Basic'},
    {'ZoneMappings': '[{"VSwitchId": 1}]'},
    {'ZoneMappings': 'nope'},
])
def test_create_obviously_invalid_alb_options(raw, kit, overrides):
    kit.assert_error(raw.create(kit.alb_fields(SlbId=None, **overrides)), 400, OBVIOUSLY)


@pytest.mark.parametrize('overrides, needle', [
    ({'Rules': [{'appId': 'no-such-app', 'containerPort': 8080}]}, 'no-such-app'),
    ({'DefaultRule': {'appId': 'ghost-app', 'containerPort': 8080}}, 'ghost-app'),
    ({'Rules': [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/', 'rewritePath': '/x'}]}, 'rewritePath'),
    ({'CertIds': se.ALB_CERT_ID}, 'CertIds'),
    ({'ListenerProtocol': 'HTTPS'}, 'certificate'),
    ({'SlbId': se.ALB_INTERNET_ID}, 'alb'),
    ({'NamespaceId': 'cn-hangzhou:demo'}, 'region'),
])
def test_create_with_message(raw, kit, overrides, needle):
    body = kit.assert_error(raw.create(kit.clb_fields(**overrides)), 400, WITH_MESSAGE)
    assert needle in body['Message']


def test_alb_specific_messages(raw, kit):
    body = kit.assert_error(raw.create(kit.alb_fields(CertId=se.CLB_CERT_ID)), 400, WITH_MESSAGE)
    assert 'CertId' in body['Message']
    body = kit.assert_error(raw.create(kit.alb_fields(CertIds=None)), 400, WITH_MESSAGE)
    assert 'certificate' in body['Message']
    body = kit.assert_error(raw.create(kit.alb_fields(LoadBalanceType=None)), 400, WITH_MESSAGE)
    assert 'LoadBalanceType' in body['Message']


def test_wildcard_and_long_path_accepted(raw, kit, emu):
    rules = [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': '*.example.com', 'path': '/' + 'x' * 79}]
    response = raw.create(kit.clb_fields(Rules=rules))
    assert response.status_code == 200, response.text
    assert emu.ingresses[response.json()['Data']['IngressId']]['Rules'][0]['Domain'] == '*.example.com'


def test_container_port_not_checked_against_the_app(raw, kit, emu):
    response = raw.create(kit.clb_fields(DefaultRule={'appId': se.APP_WEB_ID, 'containerPort': 9999}))
    assert response.status_code == 200, response.text
    assert emu.ingresses[response.json()['Data']['IngressId']]['DefaultRule']['ContainerPort'] == 9999


def test_bare_region_namespace(make_emulator, kit):
    inventory = default_inventory()
    inventory['apps'].append({'id': 'app-default-ns', 'name': 'plain', 'namespace': se.REGION, 'ports': [8080]})
    emu = make_emulator(inventory=inventory)
    raw = kit.RawClient(emu)
    response = raw.create(kit.clb_fields(NamespaceId=se.REGION, DefaultRule={'appId': 'app-default-ns', 'containerPort': 8080}, Rules=[]))
    assert response.status_code == 200, response.text
    assert raw.list(namespace_id=se.REGION).json()['Data']['TotalSize'] == 1
    assert raw.list().json()['Data']['TotalSize'] == 0
    # The default namespace is a namespace of its own: its applications are not those of cn-beijing:demo.
    kit.assert_error(raw.create(kit.clb_fields(NamespaceId=se.REGION, ListenerPort=81)), 400, WITH_MESSAGE)


def test_slb_not_found(raw, kit):
    body = kit.assert_error(raw.create(kit.clb_fields(SlbId='lb-doesnotexist')), 400, SLB_NOT_FOUND)
    assert 'lb-doesnotexist' in body['Message']


@pytest.mark.parametrize('fields_name, overrides', [
    ('clb_fields', {'ListenerProtocol': 'HTTPS', 'CertId': 'no-such-cert'}),
    ('alb_fields', {'CertIds': '%s,1234567-cn-beijing' % se.ALB_CERT_ID}),
    ('alb_fields', {'CertIds': '8736535-cn-hangzhou'}),
])
def test_cert_not_found(raw, kit, fields_name, overrides):
    kit.assert_error(raw.create(getattr(kit, fields_name)(**overrides)), 400, CERT_NOT_FOUND)


def test_rule_limit(raw, kit, emu):
    rules = [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'd%d.example.com' % n, 'path': '/'} for n in range(41)]
    kit.assert_error(raw.create(kit.clb_fields(Rules=rules)), 400, EXCEED_INGRESS_RULE)
    response = raw.create(kit.clb_fields(Rules=rules[:40]))
    assert response.status_code == 200, response.text
    ingress_id = response.json()['Data']['IngressId']
    kit.assert_error(raw.update(ingress_id, {'Rules': rules}), 400, EXCEED_INGRESS_RULE)
    assert len(emu.ingresses[ingress_id]['Rules']) == 40


def test_listener_port_conflicts(raw, kit, emu):
    first = emu.seed_ingress(**kit.clb_fields(ListenerPort=80))
    body = kit.assert_error(raw.create(kit.clb_fields(ListenerPort=80, Description='other')), 400, PORT_NOT_AVAILABLE)
    assert se.CLB_INTERNET_ID in body['Message'] and '80' in body['Message']
    # Same port on another SLB is fine; moving onto a taken port is not.
    second = raw.create(kit.clb_fields(ListenerPort=80, SlbId=se.CLB_SPARE_ID)).json()['Data']['IngressId']
    third = raw.create(kit.clb_fields(ListenerPort=81)).json()['Data']['IngressId']
    kit.assert_error(raw.update(third, {'ListenerPort': 80}), 400, PORT_NOT_AVAILABLE)
    assert emu.ingresses[third]['ListenerPort'] == 81
    assert raw.update(third, {'ListenerPort': 81}).status_code == 200
    assert raw.update(first, {'ListenerPort': 80, 'Description': 'same port'}).status_code == 200
    assert [(emu.ingresses[i]['SlbId'], emu.ingresses[i]['ListenerPort'], emu.ingresses[i]['Description'])
            for i in (first, second, third)] == [
        (se.CLB_INTERNET_ID, 80, 'same port'), (se.CLB_SPARE_ID, 80, 'web'), (se.CLB_INTERNET_ID, 81, 'web')]


def test_not_found_code_everywhere(raw, kit):
    for action in ('DescribeIngress', 'DeleteIngress'):
        body = kit.assert_error(raw.call(action, {'IngressId': 424242}), INGRESS_NOT_FOUND_STATUS, INGRESS_NOT_FOUND_CODE)
        assert 'does not exist' in body['Message'] and '424242' in body['Message']
    kit.assert_error(raw.update(424242, {'Description': 'x'}), INGRESS_NOT_FOUND_STATUS, INGRESS_NOT_FOUND_CODE)
    kit.assert_error(raw.describe('abc'), 400, OBVIOUSLY)


def test_update_semantics(raw, kit, emu):
    ingress_id = emu.seed_ingress(**kit.alb_fields(RequestTimeout=90, IdleTimeout=30, EnableGzip=True))
    before = emu.ingresses[ingress_id]
    assert raw.update(ingress_id, {'IdleTimeout': 0}).status_code == 200
    after = emu.ingresses[ingress_id]
    assert after['IdleTimeout'] == 15
    assert {k: v for k, v in after.items() if k != 'IdleTimeout'} == {k: v for k, v in before.items() if k != 'IdleTimeout'}
    # Not Update parameters: not seen, nothing changes.
    response = raw.update(ingress_id, {'NamespaceId': se.OTHER_NAMESPACE_ID, 'SlbId': se.ALB_INTRANET_ID, 'AddressType': 'Intranet',
                                       'LoadBalancerEdition': 'Standard', 'ZoneMappings': 'garbage'})
    assert response.status_code == 200, response.text
    assert emu.ingresses[ingress_id] == after
    assert emu.calls('UpdateIngress')[-1]['applied'] is False
    # Same LoadBalanceType accepted, another refused.
    assert raw.update(ingress_id, {'LoadBalanceType': 'alb', 'Description': 'renamed'}).status_code == 200
    body = kit.assert_error(raw.update(ingress_id, {'LoadBalanceType': 'clb'}), 400, LOAD_BALANCE_TYPE_CHANGE_CODE)
    assert 'cannot be changed' in body['Message']
    # Rules replace the whole list; ListenerPort is a string on the wire.
    new_rules = [{'appId': se.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'admin.example.com', 'path': '/'}]
    assert raw.update(ingress_id, {'Rules': new_rules, 'ListenerPort': '8443'}).status_code == 200
    record = emu.ingresses[ingress_id]
    assert [(r['AppId'], r['Domain']) for r in record['Rules']] == [(se.APP_ADMIN_ID, 'admin.example.com')]
    assert (record['ListenerPort'], record['Description'], record['RequestTimeout'], record['EnableGzip']) == (8443, 'renamed', 90, True)
    # Range checks on update; HTTPS needs a certificate on the merged state.
    kit.assert_error(raw.update(ingress_id, {'IdleTimeout': 61}), 400, OBVIOUSLY)
    kit.assert_error(raw.update(ingress_id, {'RequestTimeout': 0}), 400, OBVIOUSLY)
    kit.assert_error(raw.update(ingress_id, {'CertId': se.CLB_CERT_ID}), 400, WITH_MESSAGE)
    kit.assert_error(raw.update(ingress_id, {'CertIds': 'nope-cn-beijing'}), 400, CERT_NOT_FOUND)


def test_update_clb_rules(raw, kit, emu):
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    rewrite = [{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/', 'rewritePath': '/x'}]
    kit.assert_error(raw.update(ingress_id, {'Rules': rewrite}), 400, WITH_MESSAGE)
    kit.assert_error(raw.update(ingress_id, {'ListenerProtocol': 'HTTPS'}), 400, WITH_MESSAGE)
    assert raw.update(ingress_id, {'ListenerProtocol': 'HTTPS', 'CertId': se.CLB_CERT_ID_2}).status_code == 200
    assert raw.update(ingress_id, {'DefaultRule': {'appId': se.APP_ADMIN_ID, 'containerPort': 8443, 'backendProtocol': 'https'}}).status_code == 200
    record = emu.ingresses[ingress_id]
    assert record['DefaultRule'] == {'AppId': se.APP_ADMIN_ID, 'ContainerPort': 8443, 'BackendProtocol': 'https'}
    assert (record['ListenerProtocol'], record['CertId']) == ('HTTPS', se.CLB_CERT_ID_2)
    kit.assert_error(raw.update(ingress_id, {'Rules': 'not json'}), 400, OBVIOUSLY)


def test_query_and_form_body_are_merged(raw, kit, emu):
    fields = {key: (json.dumps(value) if isinstance(value, (dict, list)) else str(value)) for key, value in kit.clb_fields().items()}
    rules = fields.pop('Rules')
    # Rules in the query, as the Terraform provider sends them (Create and Update): accepted.
    response = raw.call('CreateIngress', dict(fields, Rules=rules))
    assert response.status_code == 200, response.text
    first = response.json()['Data']['IngressId']
    assert [r['Domain'] for r in emu.ingresses[first]['Rules']] == ['api.example.com']
    new_rules = json.dumps([{'appId': se.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'q.example.com', 'path': '/'}])
    assert raw.call('UpdateIngress', {'IngressId': str(first), 'Rules': new_rules}).status_code == 200
    assert [r['Domain'] for r in emu.ingresses[first]['Rules']] == ['q.example.com']
    # Any parameter in the form body: accepted too; on a clash the body wins.
    namespace = fields.pop('NamespaceId')
    response = raw.call('CreateIngress', dict(fields, ListenerPort='81', Description='query'),
                        {'Rules': rules, 'NamespaceId': namespace, 'Description': 'body'})
    assert response.status_code == 200, response.text
    assert emu.ingresses[response.json()['Data']['IngressId']]['Description'] == 'body'
    # A body that is not form-encoded is not read as parameters.
    request = raw.prepare('CreateIngress', dict(fields, NamespaceId=namespace, ListenerPort='82'),
                          body=json.dumps({'Rules': rules}).encode(), content_type='application/json')
    body = kit.assert_error(raw.send(request), 400, NOT_EMPTY)
    assert 'Rules' in body['Message']


def test_seed_and_modify_behind_the_clients_back(emu, kit):
    ingress_id = emu.seed_ingress(**kit.clb_fields(Rules=json.dumps([])))
    assert emu.log == []
    record = emu.ingresses[ingress_id]
    assert (record['RequestTimeout'], record['IdleTimeout'], record['SlbType'], record['Rules']) == (60, 15, 'internet', [])
    emu.modify_ingress(ingress_id, RequestTimeout=120, Rules=[{'appId': se.APP_API_ID, 'containerPort': 8080}], SlbId=se.CLB_INTRANET_ID)
    record = emu.ingresses[ingress_id]
    assert (record['RequestTimeout'], record['SlbId'], record['SlbType']) == (120, se.CLB_INTRANET_ID, 'intranet')
    assert record['Rules'][0]['AppId'] == se.APP_API_ID
    assert emu.log == []
    with pytest.raises(ApiError) as caught:
        emu.seed_ingress(**kit.clb_fields(SlbId='lb-missing'))
    assert caught.value.code == SLB_NOT_FOUND
    assert emu.remove_ingress(ingress_id) is True
    assert emu.ingresses == {}


def test_delete_releases_a_provisioned_alb(raw, kit, emu):
    ingress_id = raw.create(kit.alb_fields(SlbId=None, ListenerProtocol=None, CertIds=None)).json()['Data']['IngressId']
    slb_id = emu.ingresses[ingress_id]['SlbId']
    assert slb_id in emu.inventory.slbs
    assert raw.delete(ingress_id).json()['Data'] == {'IngressId': ingress_id}
    assert slb_id not in emu.inventory.slbs
    assert emu.calls('DeleteIngress')[0]['applied'] is True


def test_custom_inventory(make_emulator, kit):
    inventory = default_inventory()
    inventory['region'] = 'cn-hangzhou'
    inventory['apps'].append({'id': 'app-extra', 'name': 'extra', 'namespace': 'cn-hangzhou:prod', 'ports': [80]})
    emu = make_emulator(inventory=inventory)
    raw = kit.RawClient(emu)
    response = raw.create(kit.clb_fields(NamespaceId='cn-hangzhou:prod', DefaultRule={'appId': 'app-extra', 'containerPort': 80}, Rules=[]))
    assert response.status_code == 200, response.text
    kit.assert_error(raw.create(kit.clb_fields(ListenerPort=81)), 400, WITH_MESSAGE)
    assert emu.region == 'cn-hangzhou'
    inventory['apps'].append({'id': 'app-nowhere', 'name': 'nowhere', 'ports': [80]})
    with pytest.raises(ValueError):
        se.Emulator(inventory=inventory)
