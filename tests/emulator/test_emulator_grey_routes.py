"""Canary routes (GreyTagRoute): the official SDK drives all five operations against the emulator; the validation,
the update rules and the two variants (grey_alb_tie, grey_not_found) seen from a client (FIDELITY.md, "Canary
routes")."""

import inspect
import json

import pytest
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ClientException

import sae_emulator as se
from sae_emulator.errors import (
    APP_ID_NOT_FOUND, GREY_TAG_ROUTE_NOT_FOUND_404_CODE, NOT_EMPTY, OBVIOUSLY, WITH_MESSAGE,
)
from sae_emulator.server import GREY_TAG_ROUTE_LIST_PATH, GREY_TAG_ROUTE_PATH

SC_RULES = [{
    'condition': 'OR', 'path': '/post-echo/hi',
    'items': [{'type': 'param', 'name': 'grey', 'cond': '==', 'operator': 'rawvalue', 'value': 'true'},
              {'type': 'cookie', 'name': 'grey', 'cond': '!=', 'operator': 'list', 'value': 'a,b'},
              {'type': 'header', 'name': 'x-uid', 'cond': '>=', 'operator': 'mod', 'value': '50'}],
}]
DUBBO_RULES = [{
    'condition': 'AND', 'serviceName': 'com.alibaba.edas.boot.EchoService', 'group': 'DUBBO', 'version': '1.0.0',
    'methodName': 'echo',
    'items': [{'index': 0, 'expr': '.key1', 'cond': '==', 'operator': 'rawvalue', 'value': 'value1'},
              {'index': 1, 'expr': '', 'cond': '<', 'operator': 'deterministic_proportional_steaming_division', 'value': '20'}],
}]


def alb_rules(ingress_id, **extra):
    rule = {'condition': 'AND', 'ingressId': ingress_id,
            'items': [{'type': 'sourceIp', 'cond': '==', 'operator': 'rawvalue', 'value': '127.0.0.1'},
                      {'type': 'cookie', 'name': 'grey', 'cond': '==', 'operator': 'rawvalue', 'value': 'true'},
                      {'type': 'header', 'name': 'x-canary', 'cond': '==', 'operator': 'rawvalue', 'value': 'on'}]}
    rule.update(extra)
    return [rule]


def seed_alb_ingress(emu, namespace=se.NAMESPACE_ID, app=se.APP_WEB_ID, slb=se.ALB_INTERNET_ID, port=80):
    return emu.seed_ingress(NamespaceId=namespace, SlbId=slb, LoadBalanceType='alb', ListenerPort=port,
                            DefaultRule={'appId': app, 'containerPort': 8080},
                            Rules=[{'appId': app, 'containerPort': 8080, 'domain': 'www.example.com', 'path': '/shop'}])


def model_fields(cls):
    return [name for name in inspect.signature(cls.__init__).parameters if name != 'self']


def assert_complete(model):
    missing = [name for name in model_fields(type(model)) if getattr(model, name) is None]
    assert not missing, '%s lacks %s' % (type(model).__name__, missing)


def sdk_error(call, request):
    with pytest.raises(ClientException) as caught:
        call(request)
    return caught.value


class Client:
    """Canary-route calls with plain dict arguments, signed like the SDK does (rule lists as Python lists)."""

    def __init__(self, raw):
        self.raw = raw

    @staticmethod
    def _query(fields):
        return {key: json.dumps(value) if isinstance(value, (list, dict)) else str(value)
                for key, value in fields.items() if value is not None}

    def create(self, **fields):
        return self.raw.call('CreateGreyTagRoute', self._query(fields))

    def update(self, route_id, **fields):
        return self.raw.call('UpdateGreyTagRoute', self._query(dict(fields, GreyTagRouteId=route_id)))

    def describe(self, route_id):
        return self.raw.call('DescribeGreyTagRoute', {'GreyTagRouteId': route_id})

    def delete(self, route_id):
        return self.raw.call('DeleteGreyTagRoute', {'GreyTagRouteId': route_id})

    def list(self, app_id):
        return self.raw.call('ListGreyTagRoute', {'AppId': app_id})


@pytest.fixture
def grey(raw):
    return Client(raw)


@pytest.fixture
def grey_emu(make_emulator, kit):
    """grey_emu(**variants) -> (emulator, Client, SDK client)."""
    def make(**variants):
        emu = make_emulator(variants=variants)
        return emu, Client(kit.RawClient(emu)), kit.sdk_client(emu)
    return make


# ---------------------------------------------------------------- the official SDK, every operation

def test_sdk_drives_every_operation_with_spring_cloud_rules(emu, sdk):
    assert (se.APP_WEB_ID, se.APP_WEB_CANARY_ID) in emu.inventory.canaries()  # a base application and its canary
    created = sdk.create_grey_tag_route(models.CreateGreyTagRouteRequest(
        app_id=se.APP_WEB_ID, name='web-canary', description='canary by header', sc_rules=json.dumps(SC_RULES)))
    assert created.body.success is True and created.body.code == '200' and created.body.error_code is None
    route_id = created.body.data.grey_tag_route_id
    assert isinstance(route_id, int)

    data = sdk.describe_grey_tag_route(models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id)).body.data
    assert_complete(data)
    assert (data.grey_tag_route_id, data.name, data.description, data.app_id) == (
        route_id, 'web-canary', 'canary by header', se.APP_WEB_ID)
    assert data.create_time == data.update_time and isinstance(data.create_time, int)
    assert (data.dubbo_rules, data.alb_rules) == ([], [])
    assert [rule.to_map() for rule in data.sc_rules] == SC_RULES  # echoed under the request's own keys

    listed = sdk.list_grey_tag_route(models.ListGreyTagRouteRequest(app_id=se.APP_WEB_ID)).body.data
    assert (listed.current_page, listed.page_size, listed.total_size) == (1, 1, 1)
    row = listed.result[0]
    assert_complete(row)
    assert row.grey_tag_route_id == route_id and 'AppId' not in row.to_map()
    assert [rule.to_map() for rule in row.sc_rules] == SC_RULES

    updated = sdk.update_grey_tag_route(models.UpdateGreyTagRouteRequest(grey_tag_route_id=route_id, description='v2'))
    assert updated.body.data.grey_tag_route_id == route_id
    again = sdk.describe_grey_tag_route(models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id)).body.data
    assert again.description == 'v2' and [rule.to_map() for rule in again.sc_rules] == SC_RULES  # rules kept

    deleted = sdk.delete_grey_tag_route(models.DeleteGreyTagRouteRequest(grey_tag_route_id=route_id))
    assert deleted.body.data.grey_tag_route_id == route_id
    error = sdk_error(sdk.describe_grey_tag_route, models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id))
    assert (error.code, error.status_code) == (WITH_MESSAGE, 400) and 'does not exist' in error.message
    empty = sdk.list_grey_tag_route(models.ListGreyTagRouteRequest(app_id=se.APP_WEB_ID)).body.data
    assert (empty.total_size, empty.result) == (0, [])


def test_sdk_wire_form_every_parameter_in_the_query(emu, sdk):
    sdk.create_grey_tag_route(models.CreateGreyTagRouteRequest(
        app_id=se.APP_API_ID, name='api-canary', dubbo_rules=json.dumps(DUBBO_RULES)))
    route_id = emu.calls('CreateGreyTagRoute')[0]['grey_tag_route_id']
    sdk.update_grey_tag_route(models.UpdateGreyTagRouteRequest(grey_tag_route_id=route_id, description='x'))
    sdk.describe_grey_tag_route(models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id))
    sdk.list_grey_tag_route(models.ListGreyTagRouteRequest(app_id=se.APP_API_ID))
    sdk.delete_grey_tag_route(models.DeleteGreyTagRouteRequest(grey_tag_route_id=route_id))
    seen = [(entry['operation'], entry['method'], entry['path'], sorted(entry['params'])) for entry in emu.log]
    assert seen == [
        ('CreateGreyTagRoute', 'POST', GREY_TAG_ROUTE_PATH, ['AppId', 'DubboRules', 'Name']),
        ('UpdateGreyTagRoute', 'PUT', GREY_TAG_ROUTE_PATH, ['Description', 'GreyTagRouteId']),
        ('DescribeGreyTagRoute', 'GET', GREY_TAG_ROUTE_PATH, ['GreyTagRouteId']),
        ('ListGreyTagRoute', 'GET', GREY_TAG_ROUTE_LIST_PATH, ['AppId']),
        ('DeleteGreyTagRoute', 'DELETE', GREY_TAG_ROUTE_PATH, ['GreyTagRouteId']),
    ]
    assert [entry['grey_tag_route_id'] for entry in emu.log] == [route_id, route_id, route_id, None, route_id]
    assert [(entry['operation'], entry['applied']) for entry in emu.write_calls()] == [
        ('CreateGreyTagRoute', True), ('UpdateGreyTagRoute', True), ('DeleteGreyTagRoute', True)]
    assert all(entry['ingress_id'] is None for entry in emu.log)


def test_sdk_dubbo_rules_round_trip(emu, sdk):
    route_id = sdk.create_grey_tag_route(models.CreateGreyTagRouteRequest(
        app_id=se.APP_API_ID, name='dubbo', dubbo_rules=json.dumps(DUBBO_RULES))).body.data.grey_tag_route_id
    data = sdk.describe_grey_tag_route(models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id)).body.data
    assert [rule.to_map() for rule in data.dubbo_rules] == DUBBO_RULES
    assert data.dubbo_rules[0].items[0].index == 0 and data.dubbo_rules[0].method_name == 'echo'


def test_sdk_alb_rules_describe_and_list_answer_their_own_fields(emu, sdk):
    ingress_id = seed_alb_ingress(emu)
    route_id = sdk.create_grey_tag_route(models.CreateGreyTagRouteRequest(
        app_id=se.APP_WEB_ID, name='alb-canary', alb_rules=json.dumps(alb_rules(ingress_id)))).body.data.grey_tag_route_id
    rule = sdk.describe_grey_tag_route(models.DescribeGreyTagRouteRequest(grey_tag_route_id=route_id)).body.data.alb_rules[0]
    assert_complete(rule)
    assert rule.ingress_id == str(ingress_id) and rule.condition == 'AND' and rule.service_id
    assert [item.to_map() for item in rule.items] == alb_rules(ingress_id)[0]['items']
    row = sdk.list_grey_tag_route(models.ListGreyTagRouteRequest(app_id=se.APP_WEB_ID)).body.data.result[0].alb_rules[0]
    assert row.ingress_id == str(ingress_id) and row.service_name
    assert set(row.to_map()) == {'condition', 'ingressId', 'items', 'serviceName'}
    assert set(rule.to_map()) == {'condition', 'ingressId', 'items', 'serviceId'}
    # an integer ingressId and a string one are the same ingress
    sdk.update_grey_tag_route(models.UpdateGreyTagRouteRequest(
        grey_tag_route_id=route_id, alb_rules=json.dumps(alb_rules(str(ingress_id)))))
    assert emu.write_calls()[-1]['applied'] is False


def test_canary_child_application_may_carry_a_route(emu, grey):
    assert grey.create(AppId=se.APP_WEB_CANARY_ID, Name='child', ScRules=SC_RULES).status_code == 200
    assert grey.create(AppId=se.APP_WEB_ID, Name='base', ScRules=SC_RULES).status_code == 200
    assert sorted(record['AppId'] for record in emu.grey_tag_routes.values()) == sorted([se.APP_WEB_ID, se.APP_WEB_CANARY_ID])


# ---------------------------------------------------------------- validation

BAD_CREATES = [
    ({'Name': 'x'}, 400, NOT_EMPTY, 'AppId'),
    ({'AppId': 'no-such-app', 'Name': 'x'}, 404, APP_ID_NOT_FOUND, 'no-such-app'),
    ({'AppId': se.APP_WEB_ID}, 400, NOT_EMPTY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'Upper'}, 400, OBVIOUSLY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': '1abc'}, 400, OBVIOUSLY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'abc-'}, 400, OBVIOUSLY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'a_b'}, 400, OBVIOUSLY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'a' * 65}, 400, OBVIOUSLY, 'Name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'Description': 'd' * 65}, 400, OBVIOUSLY, 'Description'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': '{not json'}, 400, OBVIOUSLY, 'ScRules'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': SC_RULES[0]}, 400, OBVIOUSLY, 'ScRules'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], condition='XOR')]}, 400, OBVIOUSLY, 'condition'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], condition=None)]}, 400, NOT_EMPTY, 'condition'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], path='no-slash')]}, 400, OBVIOUSLY, 'path'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[])]}, 400, NOT_EMPTY, 'items'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[dict(SC_RULES[0]['items'][0], type='sourceIp')])]},
     400, OBVIOUSLY, 'type'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[dict(SC_RULES[0]['items'][0], cond='=')])]},
     400, OBVIOUSLY, 'cond'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[dict(SC_RULES[0]['items'][0], operator='regex')])]},
     400, OBVIOUSLY, 'operator'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[dict(SC_RULES[0]['items'][0], value=1)])]},
     400, OBVIOUSLY, 'value'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': [dict(SC_RULES[0], items=[dict(SC_RULES[0]['items'][0], name='')])]},
     400, NOT_EMPTY, 'name'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'DubboRules': [dict(DUBBO_RULES[0], serviceName=None)]}, 400, NOT_EMPTY, 'serviceName'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'DubboRules': [dict(DUBBO_RULES[0], methodName='')]}, 400, NOT_EMPTY, 'methodName'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'DubboRules': [dict(DUBBO_RULES[0], items=[dict(DUBBO_RULES[0]['items'][0], index=-1)])]},
     400, OBVIOUSLY, 'index'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'DubboRules': [dict(DUBBO_RULES[0], items=[dict(DUBBO_RULES[0]['items'][0], index=None)])]},
     400, NOT_EMPTY, 'index'),
    ({'AppId': se.APP_WEB_ID, 'Name': 'ok', 'ScRules': SC_RULES, 'DubboRules': DUBBO_RULES}, 400, WITH_MESSAGE, 'together'),
]


@pytest.mark.parametrize('fields, status, code, named', BAD_CREATES)
def test_create_refuses_bad_input_and_applies_nothing(emu, grey, kit, fields, status, code, named):
    body = kit.assert_error(grey.create(**fields), status, code)
    assert named in body['Message'] and body['ErrorCode'] == code and body['Success'] is False
    assert emu.grey_tag_routes == {} and emu.write_calls()[-1]['applied'] is False


def test_names_the_sdk_allows(emu, grey):
    for index, name in enumerate(['a', 'a' * 64, 'canary-2', 'b灰度规则9']):
        app = [se.APP_WEB_ID, se.APP_API_ID, se.APP_ADMIN_ID, se.APP_WEB_GREEN_ID][index]
        response = grey.create(AppId=app, Name=name, Description='d' * 64, ScRules=SC_RULES)
        assert response.status_code == 200, response.text
    assert sorted(record['Name'] for record in emu.grey_tag_routes.values()) == sorted(['a', 'a' * 64, 'canary-2', 'b灰度规则9'])


def test_one_canary_rule_per_application(emu, grey, kit):
    assert grey.create(AppId=se.APP_WEB_ID, Name='first', ScRules=SC_RULES).status_code == 200
    body = kit.assert_error(grey.create(AppId=se.APP_WEB_ID, Name='second', DubboRules=DUBBO_RULES), 400, WITH_MESSAGE)
    assert 'one per application' in body['Message']
    assert [record['Name'] for record in emu.grey_tag_routes.values()] == ['first']


def test_unknown_keys_are_ignored_and_a_route_may_have_no_rules(emu, grey):
    rules = [dict(SC_RULES[0], extra='x', items=[dict(SC_RULES[0]['items'][0], note='y')])]
    route_id = grey.create(AppId=se.APP_WEB_ID, Name='plain').json()['Data']['GreyTagRouteId']
    assert emu.grey_tag_routes[route_id]['ScRules'] == []
    grey.update(route_id, ScRules=rules)
    assert emu.grey_tag_routes[route_id]['ScRules'] == [dict(SC_RULES[0], items=[SC_RULES[0]['items'][0]])]


def alb_cases(emu):
    """(AlbRules, code, word in the message) for bad ALB rules; a staging ALB ingress and a CLB ingress are seeded."""
    ingress_id = seed_alb_ingress(emu)
    staging = seed_alb_ingress(emu, namespace=se.OTHER_NAMESPACE_ID, app=se.APP_STAGING_ID, slb=se.ALB_INTRANET_ID)
    clb = emu.seed_ingress(NamespaceId=se.NAMESPACE_ID, SlbId=se.CLB_INTERNET_ID, ListenerPort=80,
                           DefaultRule={'appId': se.APP_WEB_ID, 'containerPort': 8080}, Rules=[])
    item = alb_rules(ingress_id)[0]['items'][1]
    return [
        (alb_rules(ingress_id, condition='OR'), OBVIOUSLY, 'condition'),
        (alb_rules(ingress_id, items=[dict(item, cond='!=')]), OBVIOUSLY, 'cond'),
        (alb_rules(ingress_id, items=[dict(item, operator='list')]), OBVIOUSLY, 'operator'),
        (alb_rules(ingress_id, items=[dict(item, type='param')]), OBVIOUSLY, 'type'),
        (alb_rules(ingress_id, items=[dict(item, name=None)]), NOT_EMPTY, 'name'),
        (alb_rules(None), NOT_EMPTY, 'ingressId'),
        (alb_rules('abc'), OBVIOUSLY, 'ingressId'),
        (alb_rules(99999), WITH_MESSAGE, 'does not exist'),
        (alb_rules(staging), WITH_MESSAGE, 'namespace'),
        (alb_rules(clb), WITH_MESSAGE, 'not an ALB ingress'),
        (alb_rules(ingress_id, path='shop'), OBVIOUSLY, 'path'),
    ]


def test_alb_rules_refused(emu, grey, kit):
    for rules, code, named in alb_cases(emu):
        body = kit.assert_error(grey.create(AppId=se.APP_WEB_ID, Name='alb', AlbRules=rules), 400, code)
        assert named in body['Message'], (rules, body)
    assert emu.grey_tag_routes == {}


# ---------------------------------------------------------------- update

def test_update_replaces_the_lists_sent_and_keeps_the_others(make_emulator, kit):
    clock = {'now': 1700000000.0}
    emu = make_emulator(clock=lambda: clock['now'])
    grey = Client(kit.RawClient(emu))
    ingress_id = seed_alb_ingress(emu)
    route_id = grey.create(AppId=se.APP_WEB_ID, Name='web', Description='one', ScRules=SC_RULES,
                           AlbRules=alb_rules(ingress_id)).json()['Data']['GreyTagRouteId']
    created = emu.grey_tag_routes[route_id]
    assert created['CreateTime'] == created['UpdateTime'] == 1700000000000

    clock['now'] += 5
    assert grey.update(route_id, Description='one').status_code == 200  # the same value: nothing changes
    assert emu.write_calls()[-1]['applied'] is False and emu.grey_tag_routes[route_id] == created

    # Name and AppId are no parameters of UpdateGreyTagRoute: ignored
    assert grey.update(route_id, Name='renamed', AppId=se.APP_API_ID, Description='two').status_code == 200
    updated = emu.grey_tag_routes[route_id]
    assert (updated['Name'], updated['AppId'], updated['Description']) == ('web', se.APP_WEB_ID, 'two')
    assert updated['UpdateTime'] == 1700000005000 and updated['CreateTime'] == 1700000000000
    assert updated['ScRules'] == created['ScRules'] and updated['AlbRules'] == created['AlbRules']

    new_sc = [dict(SC_RULES[0], condition='AND')]
    grey.update(route_id, ScRules=new_sc)
    assert emu.grey_tag_routes[route_id]['ScRules'] == new_sc and emu.grey_tag_routes[route_id]['AlbRules']
    grey.update(route_id, AlbRules=[])  # an empty list clears
    assert emu.grey_tag_routes[route_id]['AlbRules'] == []

    # ScRules and DubboRules stay exclusive on the merged result; a switch sends both
    kit.assert_error(grey.update(route_id, DubboRules=DUBBO_RULES), 400, WITH_MESSAGE)
    assert emu.grey_tag_routes[route_id]['DubboRules'] == []
    assert grey.update(route_id, ScRules=[], DubboRules=DUBBO_RULES).status_code == 200
    assert (emu.grey_tag_routes[route_id]['ScRules'], emu.grey_tag_routes[route_id]['DubboRules']) == ([], DUBBO_RULES)


@pytest.mark.parametrize('value, code', [(None, NOT_EMPTY), ('abc', OBVIOUSLY), ('0', OBVIOUSLY), ('-1', OBVIOUSLY)])
def test_grey_tag_route_id_checked(emu, raw, kit, value, code):
    query = {} if value is None else {'GreyTagRouteId': value}
    for action in ('DescribeGreyTagRoute', 'UpdateGreyTagRoute', 'DeleteGreyTagRoute'):
        kit.assert_error(raw.call(action, query), 400, code)


def test_list_checks_its_app(emu, raw, grey, kit):
    kit.assert_error(raw.call('ListGreyTagRoute', {}), 400, NOT_EMPTY)
    kit.assert_error(grey.list('no-such-app'), 404, APP_ID_NOT_FOUND)
    grey.create(AppId=se.APP_API_ID, Name='api', ScRules=SC_RULES)
    data = grey.list(se.APP_WEB_ID).json()['Data']
    assert data == {'CurrentPage': 1, 'PageSize': 1, 'TotalSize': 0, 'Result': []}
    assert grey.list(se.APP_API_ID).json()['Data']['TotalSize'] == 1


def test_answers_carry_exactly_the_models_keys(emu, grey):
    """Over the wire (the SDK's models would drop a key they do not know): Describe's Data, a List row without
    AppId, and the ALB rules of each with their own service field."""
    ingress_id = seed_alb_ingress(emu)
    route_id = grey.create(AppId=se.APP_WEB_ID, Name='keys', AlbRules=alb_rules(ingress_id, path='/shop'),
                           ScRules=SC_RULES).json()['Data']['GreyTagRouteId']
    common = {'GreyTagRouteId', 'Name', 'Description', 'CreateTime', 'UpdateTime', 'ScRules', 'DubboRules', 'AlbRules'}
    described = grey.describe(route_id).json()['Data']
    assert set(described) == common | {'AppId'}
    assert set(described['AlbRules'][0]) == {'condition', 'ingressId', 'items', 'serviceId'}
    row = grey.list(se.APP_WEB_ID).json()['Data']['Result'][0]
    assert set(row) == common
    assert set(row['AlbRules'][0]) == {'condition', 'ingressId', 'items', 'serviceName'}
    assert row['AlbRules'][0]['ingressId'] == described['AlbRules'][0]['ingressId'] == str(ingress_id)
    assert set(described['ScRules'][0]) == {'condition', 'path', 'items'}


# ---------------------------------------------------------------- variants

def test_grey_not_found_with_message(grey_emu, kit):
    emu, grey, sdk = grey_emu(grey_not_found='with_message')
    for response in (grey.describe(42), grey.update(42, Description='x'), grey.delete(42)):
        body = kit.assert_error(response, 400, WITH_MESSAGE)
        assert body['ErrorCode'] == WITH_MESSAGE and '42' in body['Message'] and 'does not exist' in body['Message']
    error = sdk_error(sdk.describe_grey_tag_route, models.DescribeGreyTagRouteRequest(grey_tag_route_id=42))
    assert (error.code, error.status_code) == (WITH_MESSAGE, 400)
    assert emu.grey_tag_routes == {}


def test_grey_not_found_404(grey_emu, kit):
    emu, grey, sdk = grey_emu(grey_not_found='404')
    for response in (grey.describe(42), grey.update(42, Description='x'), grey.delete(42)):
        body = kit.assert_error(response, 404, GREY_TAG_ROUTE_NOT_FOUND_404_CODE)
        assert body['ErrorCode'] == GREY_TAG_ROUTE_NOT_FOUND_404_CODE
    error = sdk_error(sdk.delete_grey_tag_route, models.DeleteGreyTagRouteRequest(grey_tag_route_id=42))
    assert (error.code, error.status_code) == (GREY_TAG_ROUTE_NOT_FOUND_404_CODE, 404)
    # an unknown application stays a 404 of its own code, whatever the variant
    kit.assert_error(grey.list('no-such-app'), 404, APP_ID_NOT_FOUND)
    assert [entry['code'] for entry in emu.log[:3]] == [GREY_TAG_ROUTE_NOT_FOUND_404_CODE] * 3


def test_grey_not_found_under_business_error_code_in_error_code_only(grey_emu, kit):
    _emu, grey, _sdk = grey_emu(business_error_code='in_error_code_only')
    body = kit.assert_error(grey.describe(42), 400, '400')
    assert body['ErrorCode'] == WITH_MESSAGE


def test_grey_alb_tie_ingress_id(grey_emu):
    emu, grey, _sdk = grey_emu(grey_alb_tie='ingress_id')
    ingress_id = seed_alb_ingress(emu)
    response = grey.create(AppId=se.APP_WEB_ID, Name='alb', AlbRules=alb_rules(ingress_id))
    assert response.status_code == 200, response.text
    # a path is accepted too, and kept, though neither Describe nor List reports it
    route_id = response.json()['Data']['GreyTagRouteId']
    assert grey.update(route_id, AlbRules=alb_rules(ingress_id, path='/anything')).status_code == 200
    assert emu.grey_tag_routes[route_id]['AlbRules'][0]['path'] == '/anything'
    assert 'path' not in grey.describe(route_id).json()['Data']['AlbRules'][0]
    assert 'path' not in grey.list(se.APP_WEB_ID).json()['Data']['Result'][0]['AlbRules'][0]


def test_grey_alb_tie_path(grey_emu, kit):
    emu, grey, _sdk = grey_emu(grey_alb_tie='path')
    ingress_id = seed_alb_ingress(emu)
    body = kit.assert_error(grey.create(AppId=se.APP_WEB_ID, Name='alb', AlbRules=alb_rules(ingress_id)), 400, WITH_MESSAGE)
    assert 'AlbRules.path' in body['Message']
    body = kit.assert_error(grey.create(AppId=se.APP_WEB_ID, Name='alb', AlbRules=alb_rules(ingress_id, path='/other')),
                            400, WITH_MESSAGE)
    assert 'no rule for the path /other' in body['Message']
    assert emu.grey_tag_routes == {}
    response = grey.create(AppId=se.APP_WEB_ID, Name='alb', AlbRules=alb_rules(ingress_id, path='/shop'))
    assert response.status_code == 200, response.text
    route_id = response.json()['Data']['GreyTagRouteId']
    kit.assert_error(grey.update(route_id, AlbRules=alb_rules(ingress_id)), 400, WITH_MESSAGE)
    assert grey.update(route_id, Description='kept rules').status_code == 200  # rules not sent: no path needed


# ---------------------------------------------------------------- state, log, instrumentation

def test_routes_persist_in_the_state_file(tmp_path, make_emulator, kit):
    state = str(tmp_path / 'state.json')
    first = make_emulator(state_file=state)
    route_id = Client(kit.RawClient(first)).create(AppId=se.APP_WEB_ID, Name='kept', ScRules=SC_RULES).json()['Data']['GreyTagRouteId']
    first.stop()
    second = make_emulator(state_file=state)
    assert second.grey_tag_routes == first.grey_tag_routes and route_id in second.grey_tag_routes
    grey = Client(kit.RawClient(second))
    assert grey.create(AppId=se.APP_API_ID, Name='next').json()['Data']['GreyTagRouteId'] == route_id + 1


def test_seed_and_remove_behind_the_clients_back(emu, grey):
    route_id = emu.seed_grey_tag_route(AppId=se.APP_WEB_ID, Name='seeded', ScRules=SC_RULES)
    assert grey.describe(route_id).json()['Data']['Name'] == 'seeded'
    assert emu.log[-1]['operation'] == 'DescribeGreyTagRoute' and len(emu.log) == 1
    assert emu.remove_grey_tag_route(route_id) and not emu.remove_grey_tag_route(route_id)


def test_faults_and_flow_control_know_the_operations(emu, grey, kit):
    emu.faults.arm('throttle', operation='CreateGreyTagRoute')
    kit.assert_error(grey.create(AppId=se.APP_WEB_ID, Name='x'), 400, 'Throttling.User')
    emu.flow_control.set(0.001, burst=1, operation='ListGreyTagRoute')
    assert grey.list(se.APP_WEB_ID).status_code == 200
    kit.assert_error(grey.list(se.APP_WEB_ID), 400, 'Throttling.User')
    assert emu.flow_control.throttled == {'ListGreyTagRoute': 1}
    assert emu.grey_tag_routes == {}
