"""What the real service returns that is easy to get wrong (FIDELITY.md), asserted over real HTTP and
through the official SDK: response shapes, generated names, rule actions, namespaces, CORS wire form."""

import inspect
import json
import re

import pytest
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ClientException

import sae_emulator as se
from sae_emulator.errors import ApiError, OBVIOUSLY, WITH_MESSAGE

CORS = {'Enable': 'true', 'AllowOrigin': 'https://a.example.com,https://b.example.com', 'AllowMethods': 'GET,POST',
        'AllowHeaders': 'X-A,X-B', 'ExposeHeaders': 'X-Id', 'AllowCredentials': 'on', 'MaxAge': '600'}
REDIRECT = {'actionType': 'redirect', 'actionConfig': '{"httpCode":"301","protocol":"HTTPS","port":"443"}'}


def sdk_keys(model_class):
    """The wire keys a model class reads, taken from its to_map."""
    return set(re.findall(r"result\['(\w+)'\]", inspect.getsource(model_class.to_map)))


def describe(sdk, ingress_id):
    return sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data


def listed(sdk, namespace_id=se.NAMESPACE_ID, **kwargs):
    return sdk.list_ingresses(models.ListIngressesRequest(namespace_id=namespace_id, **kwargs)).body.data


# ---------------------------------------------------------------- response shapes

def test_describe_and_list_keys_are_exactly_the_sdk_models(emu, raw, kit):
    ingress_id = emu.seed_ingress(**kit.alb_fields(CorsConfig=CORS))
    data = raw.describe(ingress_id).json()['Data']
    assert set(data) == sdk_keys(models.DescribeIngressResponseBodyData)
    assert set(data['DefaultRule']) == sdk_keys(models.DescribeIngressResponseBodyDataDefaultRule)
    # RewritePath appears only when a rule has one (an ALB-only option).
    assert set(data['Rules'][0]) == sdk_keys(models.DescribeIngressResponseBodyDataRules)
    assert set(data['CorsConfig']) == sdk_keys(models.DescribeIngressResponseBodyDataCorsConfig)
    row = raw.list().json()['Data']['IngressList'][0]
    assert set(row) == sdk_keys(models.ListIngressesResponseBodyDataIngressList)
    assert set(row['DefaultRule']) == sdk_keys(models.ListIngressesResponseBodyDataIngressListDefaultRule)
    assert set(row['Rules'][0]) == sdk_keys(models.ListIngressesResponseBodyDataIngressListRules)
    assert set(row['CorsConfig']) == sdk_keys(models.ListIngressesResponseBodyDataIngressListCorsConfig)
    for absent in ('EnableGzip', 'EnableXForwardedFor', 'EnableXForwardedForClientSrcPort', 'EnableXForwardedForProto',
                   'EnableXForwardedForSlbId', 'EnableXForwardedForSlbPort', 'SecurityPolicyId', 'CreatedBySae'):
        assert absent not in row and absent in data


def test_listener_port_int_in_describe_string_in_list(emu, raw, kit):
    ingress_id = emu.seed_ingress(**kit.clb_fields(ListenerPort=8080))
    data = raw.describe(ingress_id).json()['Data']
    row = raw.list().json()['Data']['IngressList'][0]
    assert data['ListenerPort'] == 8080 and row['ListenerPort'] == '8080'
    assert isinstance(row['CreateTime'], int) and 'CreateTime' not in data
    assert (row['MseGatewayId'], row['MseGatewayPort'], row['MseGatewayProtocol']) == ('', '', '')


def test_cors_values_are_strings_in_responses(emu, raw, kit, sdk):
    ingress_id = emu.seed_ingress(**kit.clb_fields(CorsConfig=CORS))
    data = raw.describe(ingress_id).json()['Data']
    assert data['CorsConfig'] == CORS
    assert all(isinstance(value, str) for value in data['CorsConfig'].values())
    assert raw.list().json()['Data']['IngressList'][0]['CorsConfig'] == CORS
    assert describe(sdk, ingress_id).cors_config.max_age == '600'


# ---------------------------------------------------------------- BackendProtocol

@pytest.mark.parametrize('lb_type, protocol, shown', [
    ('alb', 'HTTPS', True), ('alb', 'HTTP', False), ('alb', None, False), ('clb', 'HTTPS', False), ('clb', 'HTTP', False),
])
def test_backend_protocol_only_for_alb_https(emu, sdk, kit, lb_type, protocol, shown):
    default = {'appId': se.APP_WEB_ID, 'containerPort': 8080, 'backendProtocol': 'grpc'}
    rules = [{'appId': se.APP_API_ID, 'containerPort': 8443, 'domain': 'a.example.com', 'path': '/', 'backendProtocol': 'https'}]
    if lb_type == 'alb':
        fields = kit.alb_fields(ListenerProtocol=protocol, CertIds=se.ALB_CERT_ID if protocol == 'HTTPS' else None,
                                DefaultRule=default, Rules=rules)
    else:
        fields = kit.clb_fields(ListenerProtocol=protocol, CertId=se.CLB_CERT_ID if protocol == 'HTTPS' else None,
                                DefaultRule=default, Rules=rules)
    ingress_id = emu.seed_ingress(**fields)
    data = describe(sdk, ingress_id)
    row = listed(sdk).ingress_list[0]
    expected = ('grpc', 'https') if shown else (None, None)
    assert (data.default_rule.backend_protocol, data.rules[0].backend_protocol) == expected
    assert (row.default_rule.backend_protocol, row.rules[0].backend_protocol) == expected
    # What was sent is stored either way.
    record = emu.ingresses[ingress_id]
    assert (record['DefaultRule']['BackendProtocol'], record['Rules'][0]['BackendProtocol']) == ('grpc', 'https')


def test_backend_protocol_appears_when_the_listener_becomes_https(emu, raw, kit, sdk):
    ingress_id = emu.seed_ingress(**kit.alb_fields(ListenerProtocol='HTTP', CertIds=None))
    assert 'BackendProtocol' not in raw.describe(ingress_id).json()['Data']['Rules'][0]
    assert raw.update(ingress_id, {'ListenerProtocol': 'HTTPS', 'CertIds': se.ALB_CERT_ID}).status_code == 200
    data = describe(sdk, ingress_id)
    assert (data.default_rule.backend_protocol, data.rules[0].backend_protocol) == ('http', 'https')


# ---------------------------------------------------------------- Name

def test_name_is_generated_and_stable(emu, raw, kit, sdk):
    response = raw.create(kit.clb_fields(ListenerPort=80, Description='my-ingress'))
    ingress_id = response.json()['Data']['IngressId']
    other = raw.create(kit.clb_fields(ListenerPort=81, Description='my-ingress')).json()['Data']['IngressId']
    data = describe(sdk, ingress_id)
    assert data.description == 'my-ingress' and data.name != data.description
    assert re.match(r'^%s-80-[0-9a-f]{6}$' % re.escape(se.CLB_INTERNET_ID), data.name), data.name
    assert describe(sdk, other).name.startswith(se.CLB_INTERNET_ID + '-81-')
    assert describe(sdk, other).name[-6:] != data.name[-6:]
    assert {row.id: row.name for row in listed(sdk).ingress_list}[ingress_id] == data.name
    # Renaming (Description) or moving the port keeps the generated Name.
    assert raw.update(ingress_id, {'Description': 'renamed', 'ListenerPort': '8088'}).status_code == 200
    after = describe(sdk, ingress_id)
    assert (after.name, after.description, after.listener_port) == (data.name, 'renamed', 8088)


def test_name_of_an_ingress_on_a_provisioned_alb(emu, raw, kit):
    ingress_id = raw.create(kit.alb_fields(SlbId=None, ListenerProtocol=None, CertIds=None, ListenerPort=80)).json()['Data']['IngressId']
    data = raw.describe(ingress_id).json()['Data']
    assert data['Name'].startswith(data['SlbId'] + '-80-')


# ---------------------------------------------------------------- RuleActions

def test_seeded_rule_actions_are_rendered(emu, sdk, kit):
    rules = [dict(kit.clb_fields()['Rules'][0], ruleActions=[REDIRECT])]
    ingress_id = emu.seed_ingress(**kit.clb_fields(Rules=rules))
    assert emu.ingresses[ingress_id]['Rules'][0]['RuleActions'] == [{'ActionType': 'redirect', 'ActionConfig': REDIRECT['actionConfig']}]
    action = describe(sdk, ingress_id).rules[0].rule_actions[0]
    assert (action.action_type, action.action_config) == ('redirect', REDIRECT['actionConfig'])
    row_action = listed(sdk).ingress_list[0].rules[0].rule_actions[0]
    assert (row_action.action_type, row_action.action_config) == ('redirect', REDIRECT['actionConfig'])


def test_set_rule_actions_behind_the_clients_back(emu, raw, kit):
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'] == []
    emu.set_rule_actions(ingress_id, 'api.example.com', '/v1', [{'ActionType': 'rewrite', 'ActionConfig': {'path': '/x'}}])
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'] == [{'ActionType': 'rewrite', 'ActionConfig': '{"path":"/x"}'}]
    assert [entry['operation'] for entry in emu.log] == ['DescribeIngress', 'DescribeIngress']  # no API write
    with pytest.raises(KeyError):
        emu.set_rule_actions(ingress_id, 'nope.example.com', '/', [])
    with pytest.raises(KeyError):
        emu.set_rule_actions(999999, 'api.example.com', '/v1', [])
    with pytest.raises(ApiError):
        emu.set_rule_actions(ingress_id, 'api.example.com', '/v1', [{'ActionConfig': '{}'}])


def test_rules_resent_by_update_replace_the_list_and_drop_actions(emu, raw, kit):
    rules = [dict(kit.clb_fields()['Rules'][0], ruleActions=[REDIRECT])]
    ingress_id = emu.seed_ingress(**kit.clb_fields(Rules=rules))
    # An update without Rules keeps the rules and their actions.
    assert raw.update(ingress_id, {'RequestTimeout': 30}).status_code == 200
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'][0]['ActionType'] == 'redirect'
    # Resending the same rule, ruleActions included: default variant ignores the key, the actions are gone.
    assert raw.update(ingress_id, {'Rules': rules}).status_code == 200
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'] == []
    # Create ignores ruleActions too.
    created = raw.create(kit.clb_fields(ListenerPort=81, Rules=rules)).json()['Data']['IngressId']
    assert emu.ingresses[created]['Rules'][0]['RuleActions'] == []


# ---------------------------------------------------------------- namespaces

@pytest.mark.parametrize('overrides, where', [
    ({'DefaultRule': {'appId': se.APP_STAGING_ID, 'containerPort': 8080}}, 'DefaultRule.appId'),
    ({'Rules': [{'appId': se.APP_STAGING_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/'}]}, 'Rules.appId'),
])
def test_application_of_another_namespace_is_refused(emu, raw, kit, sdk, overrides, where):
    body = kit.assert_error(raw.create(kit.clb_fields(**overrides)), 400, WITH_MESSAGE)
    assert where in body['Message'] and se.APP_STAGING_ID in body['Message'] and 'namespace' in body['Message']
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    kit.assert_error(raw.update(ingress_id, overrides), 400, WITH_MESSAGE)
    assert emu.ingresses[ingress_id]['DefaultRule']['AppId'] == se.APP_WEB_ID
    with pytest.raises(ClientException) as caught:
        sdk.create_ingress(models.CreateIngressRequest(
            namespace_id=se.NAMESPACE_ID, slb_id=se.CLB_INTERNET_ID, listener_port=82,
            default_rule=json.dumps({'appId': se.APP_STAGING_ID, 'containerPort': 8080}), rules='[]'))
    assert (caught.value.code, caught.value.status_code) == (WITH_MESSAGE, 400)


def test_application_of_its_own_namespace_is_fine(raw, kit, emu):
    response = raw.create(kit.clb_fields(NamespaceId=se.OTHER_NAMESPACE_ID, DefaultRule={'appId': se.APP_STAGING_ID, 'containerPort': 8080},
                                         Rules=[]))
    assert response.status_code == 200, response.text
    assert raw.describe(response.json()['Data']['IngressId']).json()['Data']['DefaultRule']['AppName'] == se.APP_STAGING_NAME
    assert emu.inventory.apps[se.APP_STAGING_ID]['namespace'] == se.OTHER_NAMESPACE_ID


# ---------------------------------------------------------------- CorsConfig wire form

def test_cors_module_form_accepted_and_replaced_as_a_whole(emu, raw, kit):
    ingress_id = raw.create(kit.clb_fields(CorsConfig=CORS)).json()['Data']['IngressId']
    assert emu.ingresses[ingress_id]['CorsConfig'] == CORS
    off = {'Enable': 'false', 'AllowCredentials': 'off', 'MaxAge': '-1'}
    assert raw.update(ingress_id, {'CorsConfig': off}).status_code == 200
    assert raw.describe(ingress_id).json()['Data']['CorsConfig'] == off
    assert raw.update(ingress_id, {'CorsConfig': {'AllowOrigin': ''}}).status_code == 200


@pytest.mark.parametrize('cors', [
    {'enable': 'true'},
    {'allowOrigin': '*'},
    {'Enable': True},
    {'Enable': 'True'},
    {'Enable': 'on'},
    {'AllowCredentials': 'true'},
    {'AllowCredentials': True},
    {'AllowMethods': ['GET', 'POST']},
    {'MaxAge': 600},
    {'MaxAge': 'ten'},
    {'MaxAge': '172801'},
    {'MaxAge': '-2'},
    {'Enable': None},
    {'Origin': '*'},
    ['Enable', 'true'],
])
def test_cors_other_forms_refused(raw, kit, emu, cors):
    body = kit.assert_error(raw.create(kit.clb_fields(CorsConfig=json.dumps(cors))), 400, OBVIOUSLY)
    assert 'CorsConfig' in body['Message']
    ingress_id = emu.seed_ingress(**kit.clb_fields(ListenerPort=81))
    kit.assert_error(raw.update(ingress_id, {'CorsConfig': json.dumps(cors)}), 400, OBVIOUSLY)


# ---------------------------------------------------------------- unknown ids (default variant)

def test_describe_unknown_id_default_answer(sdk, raw, kit):
    body = kit.assert_error(raw.describe(31337), 400, WITH_MESSAGE)
    assert body['ErrorCode'] == WITH_MESSAGE and body['Success'] is False
    with pytest.raises(ClientException) as caught:
        sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=31337))
    assert (caught.value.code, caught.value.status_code) == (WITH_MESSAGE, 400)
