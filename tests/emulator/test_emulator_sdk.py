"""Conformance: the official SDK drives every operation against the emulator, and what comes back
parses into the SDK's models with every documented field populated."""

import inspect
import json

import pytest
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ClientException

import sae_emulator as se


def model_fields(cls):
    return [name for name in inspect.signature(cls.__init__).parameters if name != 'self']


def assert_complete(model, optional=()):
    missing = [name for name in model_fields(type(model)) if getattr(model, name) is None and name not in optional]
    assert not missing, '%s lacks %s' % (type(model).__name__, missing)


def assert_envelope(body):
    assert body.success is True and body.code == '200' and body.message == 'success'
    assert body.request_id and body.request_id == body.request_id.upper() and len(body.request_id) == 36
    assert body.trace_id
    assert body.error_code is None


def create_clb_request(**overrides):
    fields = dict(
        namespace_id=se.NAMESPACE_ID, slb_id=se.CLB_INTERNET_ID, listener_port=443, listener_protocol='HTTPS',
        cert_id=se.CLB_CERT_ID, description='shop', load_balance_type='clb', security_policy_id='tls_cipher_policy_1_2',
        request_timeout=30, idle_timeout=20, enable_gzip=True, enable_xforwarded_for=True,
        enable_xforwarded_for_client_src_port=False, enable_xforwarded_for_proto=True, enable_xforwarded_for_slb_id=True,
        enable_xforwarded_for_slb_port=False,
        cors_config=json.dumps({'Enable': 'true', 'AllowOrigin': '*', 'AllowMethods': 'GET,POST', 'AllowHeaders': '*',
                                'ExposeHeaders': 'X-Id', 'AllowCredentials': 'on', 'MaxAge': '600'}),
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080}),
        rules=json.dumps([
            {'appId': se.APP_API_ID, 'containerPort': 8080, 'domain': 'shop.example.com', 'path': '/api'},
            {'appId': se.APP_ADMIN_ID, 'containerPort': 8443, 'domain': 'shop.example.com', 'path': '/admin', 'backendProtocol': 'https'},
        ]),
    )
    fields.update(overrides)
    return models.CreateIngressRequest(**fields)


def test_clb_lifecycle(emu, sdk):
    created = sdk.create_ingress(create_clb_request())
    assert_envelope(created.body)
    ingress_id = created.body.data.ingress_id
    assert isinstance(ingress_id, int)
    assert_complete(created.body.data)

    described = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id))
    assert_envelope(described.body)
    data = described.body.data
    assert_complete(data)
    assert_complete(data.default_rule)
    assert_complete(data.cors_config)
    for rule in data.rules:
        assert_complete(rule, optional=('rewrite_path',))
    assert (data.id, data.name, data.description) == (ingress_id, 'shop', 'shop')
    assert (data.namespace_id, data.slb_id, data.slb_type, data.load_balance_type) == (se.NAMESPACE_ID, se.CLB_INTERNET_ID, 'internet', 'clb')
    assert (data.listener_port, data.listener_protocol, data.cert_id, data.cert_ids) == (443, 'HTTPS', se.CLB_CERT_ID, '')
    assert (data.request_timeout, data.idle_timeout, data.security_policy_id) == (30, 20, 'tls_cipher_policy_1_2')
    assert (data.enable_gzip, data.enable_xforwarded_for, data.enable_xforwarded_for_client_src_port) == (True, True, False)
    assert (data.enable_xforwarded_for_proto, data.enable_xforwarded_for_slb_id, data.enable_xforwarded_for_slb_port) == (True, True, False)
    assert data.created_by_sae is False
    assert data.default_rule.to_map() == {'AppId': se.APP_WEB_ID, 'AppName': se.APP_WEB_NAME, 'ContainerPort': 8080, 'BackendProtocol': 'http'}
    assert [rule.to_map() for rule in data.rules] == [
        {'AppId': se.APP_API_ID, 'AppName': se.APP_API_NAME, 'ContainerPort': 8080, 'Domain': 'shop.example.com', 'Path': '/api',
         'BackendProtocol': 'http', 'RuleActions': []},
        {'AppId': se.APP_ADMIN_ID, 'AppName': se.APP_ADMIN_NAME, 'ContainerPort': 8443, 'Domain': 'shop.example.com', 'Path': '/admin',
         'BackendProtocol': 'https', 'RuleActions': []},
    ]
    assert data.cors_config.to_map() == {'Enable': 'true', 'AllowOrigin': '*', 'AllowMethods': 'GET,POST', 'AllowHeaders': '*',
                                         'ExposeHeaders': 'X-Id', 'AllowCredentials': 'on', 'MaxAge': '600'}

    updated = sdk.update_ingress(models.UpdateIngressRequest(
        ingress_id=ingress_id, description='shop-v2', listener_port='8443', idle_timeout=0, enable_gzip=False,
        rules=json.dumps([{'appId': se.APP_WEB_ID, 'containerPort': 8080, 'domain': 'www.example.com', 'path': '/'}]),
    ))
    assert_envelope(updated.body)
    assert updated.body.data.ingress_id == ingress_id
    after = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data
    assert (after.name, after.description, after.listener_port, after.idle_timeout, after.enable_gzip) == ('shop-v2', 'shop-v2', 8443, 15, False)
    assert [(rule.app_id, rule.domain, rule.path) for rule in after.rules] == [(se.APP_WEB_ID, 'www.example.com', '/')]
    # Untouched fields stay as they were.
    assert (after.request_timeout, after.cert_id, after.listener_protocol, after.enable_xforwarded_for) == (30, se.CLB_CERT_ID, 'HTTPS', True)
    assert after.default_rule.app_id == se.APP_WEB_ID

    deleted = sdk.delete_ingress(models.DeleteIngressRequest(ingress_id=ingress_id))
    assert_envelope(deleted.body)
    assert deleted.body.data.ingress_id == ingress_id
    with pytest.raises(ClientException) as caught:
        sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id))
    assert (caught.value.code, caught.value.status_code) == (se.INGRESS_NOT_FOUND_CODE, se.INGRESS_NOT_FOUND_STATUS)
    assert 'does not exist' in caught.value.message
    assert [entry['operation'] for entry in emu.write_calls()] == ['CreateIngress', 'UpdateIngress', 'DeleteIngress']
    assert [entry['applied'] for entry in emu.write_calls()] == [True, True, True]


def test_describe_returns_exactly_the_model_fields(emu, sdk, kit):
    ingress_id = sdk.create_ingress(models.CreateIngressRequest(
        namespace_id=se.NAMESPACE_ID, slb_id=se.ALB_INTERNET_ID, load_balance_type='alb', listener_port=443, listener_protocol='HTTPS',
        cert_ids='%s,%s' % (se.ALB_CERT_ID, se.ALB_CERT_ID_2), description='alb',
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080, 'backendProtocol': 'grpc'}),
        rules=json.dumps([{'appId': se.APP_API_ID, 'containerPort': 8443, 'domain': 'a.example.com', 'path': '/x', 'rewritePath': '/'}]),
    )).body.data.ingress_id
    raw_data = kit.RawClient(emu).describe(ingress_id).json()['Data']
    parsed = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data
    assert set(raw_data) == set(parsed.to_map())
    assert set(raw_data) == set(se.service.DESCRIBE_FIELDS)
    assert set(raw_data['Rules'][0]) == set(parsed.rules[0].to_map())
    assert_complete(parsed.rules[0])
    assert parsed.cert_ids == '%s,%s' % (se.ALB_CERT_ID, se.ALB_CERT_ID_2)
    assert (parsed.cert_id, parsed.load_balance_type, parsed.default_rule.backend_protocol) == ('', 'alb', 'grpc')
    assert parsed.rules[0].rewrite_path == '/'


def test_alb_provisioned_by_sae(emu, sdk):
    body = sdk.create_ingress(models.CreateIngressRequest(
        namespace_id=se.NAMESPACE_ID, load_balance_type='alb', listener_port=80, address_type='Intranet',
        load_balancer_edition='StandardWithWaf', zone_mappings=json.dumps([{'VSwitchId': 'vsw-1', 'ZoneId': 'cn-beijing-h'},
                                                                          {'VSwitchId': 'vsw-2', 'ZoneId': 'cn-beijing-i'}]),
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080}), rules='[]',
    )).body
    data = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=body.data.ingress_id)).body.data
    assert data.created_by_sae is True
    assert data.slb_id.startswith('alb-') and data.slb_id not in se.ALB_IDS
    assert (data.slb_type, data.load_balance_type, data.rules) == ('intranet', 'alb', [])
    assert emu.inventory.slbs[data.slb_id]['type'] == 'alb'
    # The new ALB is a real inventory entry: another ingress can use it by id.
    second = sdk.create_ingress(models.CreateIngressRequest(
        namespace_id=se.NAMESPACE_ID, slb_id=data.slb_id, load_balance_type='alb', listener_port=81,
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080}), rules='[]',
    )).body.data.ingress_id
    assert emu.ingresses[second]['CreatedBySae'] is False
    default = sdk.create_ingress(models.CreateIngressRequest(
        namespace_id=se.NAMESPACE_ID, load_balance_type='alb', listener_port=80,
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080}), rules='[]',
    )).body.data.ingress_id
    assert emu.ingresses[default]['SlbType'] == 'internet'


def test_service_defaults(emu, sdk):
    ingress_id = sdk.create_ingress(models.CreateIngressRequest(
        namespace_id=se.NAMESPACE_ID, slb_id=se.CLB_INTRANET_ID, listener_port=80,
        default_rule=json.dumps({'appId': se.APP_WEB_ID, 'containerPort': 8080}),
        rules=json.dumps([{'appId': se.APP_API_ID, 'containerPort': 8080, 'domain': 'x.example.com', 'path': '/'}]),
    )).body.data.ingress_id
    data = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data
    assert (data.request_timeout, data.idle_timeout, data.load_balance_type, data.slb_type) == (60, 15, 'clb', 'intranet')
    assert (data.default_rule.backend_protocol, data.rules[0].backend_protocol) == ('http', 'http')
    assert (data.default_rule.app_name, data.rules[0].app_name) == (se.APP_WEB_NAME, se.APP_API_NAME)
    assert data.listener_protocol is None
    assert (data.enable_gzip, data.enable_xforwarded_for, data.enable_xforwarded_for_proto) == (False, False, False)
    assert (data.cert_id, data.cert_ids, data.security_policy_id, data.name, data.description) == ('', '', '', '', '')
    assert data.cors_config.to_map() == {'Enable': 'false'}
    assert data.created_by_sae is False


def test_list_pagination_and_filters(emu, sdk):
    ids = [emu.seed_ingress(NamespaceId=se.NAMESPACE_ID, SlbId=se.CLB_INTERNET_ID, ListenerPort=1000 + n, Description='i%d' % n,
                            DefaultRule={'appId': se.APP_WEB_ID if n % 2 else se.APP_API_ID, 'containerPort': 8080},
                            Rules=[{'appId': se.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/'}] if n == 7 else [])
           for n in range(23)]
    emu.seed_ingress(NamespaceId=se.OTHER_NAMESPACE_ID, SlbId=se.CLB_INTRANET_ID, ListenerPort=80,
                     DefaultRule={'appId': se.APP_WEB_ID, 'containerPort': 8080}, Rules=[])
    seen = []
    for page in (1, 2, 3):
        data = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, current_page=page)).body.data
        assert (data.current_page, data.page_size, data.total_size) == (page, 10, 23)
        seen.extend(row.id for row in data.ingress_list)
    assert seen == ids
    empty = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, current_page=4)).body.data
    assert (empty.ingress_list, empty.total_size) == ([], 23)
    big = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=se.PAGE_SIZE_MAX)).body.data
    assert [row.id for row in big.ingress_list] == ids
    with pytest.raises(ClientException) as caught:
        sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=se.PAGE_SIZE_MAX + 1))
    assert caught.value.code == se.OBVIOUSLY
    by_app = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, app_id=se.APP_API_ID, page_size=50)).body.data
    assert [row.id for row in by_app.ingress_list] == ids[0::2]
    by_rule_app = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, app_id=se.APP_ADMIN_ID)).body.data
    assert [row.id for row in by_rule_app.ingress_list] == [ids[7]]
    other = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.OTHER_NAMESPACE_ID)).body.data
    assert other.total_size == 1


def test_list_row_fields(emu, sdk, kit):
    emu.seed_ingress(**kit.alb_fields(CorsConfig={'Enable': 'true', 'AllowOrigin': '*', 'AllowMethods': 'GET', 'AllowHeaders': '*',
                                                  'ExposeHeaders': '*', 'AllowCredentials': 'off', 'MaxAge': '60'}))
    body = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body
    assert_envelope(body)
    assert_complete(body.data)
    row = body.data.ingress_list[0]
    assert_complete(row)
    assert_complete(row.default_rule)
    assert_complete(row.cors_config)
    assert_complete(row.rules[0])
    assert row.listener_port == '443'
    assert isinstance(row.create_time, int) and row.create_time > 1.6e12
    raw_row = kit.RawClient(emu).list().json()['Data']['IngressList'][0]
    assert set(raw_row) == set(row.to_map()) == set(se.service.LIST_FIELDS)
    for absent in ('EnableGzip', 'EnableXForwardedFor', 'SecurityPolicyId', 'CreatedBySae'):
        assert absent not in raw_row


def test_sts_credentials(emu, kit):
    client = kit.sdk_client(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET, se.STS_SECURITY_TOKEN)
    body = client.create_ingress(create_clb_request(listener_port=8080, listener_protocol='HTTP', cert_id=None)).body
    assert_envelope(body)
    listed = client.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body.data
    assert [row.id for row in listed.ingress_list] == [body.data.ingress_id]
    assert {entry['access_key_id'] for entry in emu.log} == {se.STS_ACCESS_KEY_ID}
    with pytest.raises(ClientException) as caught:
        kit.sdk_client(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET).list_ingresses(
            models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID))
    assert caught.value.code == se.TOKEN_MISMATCH


def test_custom_credentials(make_emulator, kit):
    emu = make_emulator(credentials={'LTAIcustom': 'custom-secret', 'STS.custom': {'secret': 's2', 'security_token': 't2'}})
    assert kit.sdk_client(emu, 'LTAIcustom', 'custom-secret').list_ingresses(
        models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body.success
    assert kit.sdk_client(emu, 'STS.custom', 's2', 't2').list_ingresses(
        models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body.success
    with pytest.raises(ClientException) as caught:
        kit.sdk_client(emu).list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID))
    assert (caught.value.code, caught.value.status_code) == (se.ACCESS_KEY_NOT_FOUND, 404)


def test_booleans_in_both_spellings(emu, kit):
    raw = kit.RawClient(emu)
    for spelling, expected in (('true', True), ('True', True), ('false', False), ('False', False)):
        response = raw.create(kit.clb_fields(ListenerPort=2000 + len(emu.ingresses), EnableGzip=spelling, EnableXForwardedFor=spelling))
        assert response.status_code == 200, response.text
        record = emu.ingresses[response.json()['Data']['IngressId']]
        assert (record['EnableGzip'], record['EnableXForwardedFor']) == (expected, expected)
    kit.assert_error(raw.create(kit.clb_fields(ListenerPort=3000, EnableGzip='yes')), 400, se.OBVIOUSLY)
    kit.assert_error(raw.create(kit.clb_fields(ListenerPort=3000, EnableXForwardedForSlbPort='1')), 400, se.OBVIOUSLY)
