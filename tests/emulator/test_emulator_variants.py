"""The variant switches: the interface (argument, environment, command line) and every value of every
switch, observed over real HTTP and through the official SDK."""

import os
import subprocess
import sys

import pytest
from alibabacloud_sae20190506 import models
from alibabacloud_tea_openapi.exceptions import ClientException

import sae_emulator as se
from sae_emulator.errors import (
    ACCESS_KEY_NOT_FOUND, INGRESS_NOT_FOUND_404_CODE, INVALID_ACTION, NOT_EMPTY, OBVIOUSLY, PORT_NOT_AVAILABLE,
    SIGNATURE_MISMATCH, WITH_MESSAGE,
)

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNKNOWN = 424242


@pytest.fixture
def variant_emu(make_emulator, kit):
    """variant_emu(**variants) -> (emulator, raw client, SDK client)."""
    def make(**variants):
        emu = make_emulator(variants=variants)
        return emu, kit.RawClient(emu), kit.sdk_client(emu)
    return make


def sdk_error(call, request):
    with pytest.raises(ClientException) as caught:
        call(request)
    return caught.value


# ---------------------------------------------------------------- interface

def test_variants_table_defaults_first():
    assert se.DEFAULT_VARIANTS == {name: values[0] for name, values in se.VARIANTS.items()}
    assert se.DEFAULT_VARIANTS['not_found'] == 'with_message'
    assert se.VARIANTS['page_size_max'] == (100, 50)
    assert {'not_found', 'update_port_resend', 'page_size_max', 'page_size_over_max', 'app_filter',
            'rule_actions_in_request', 'delete_unknown', 'business_error_code'} <= set(se.VARIANTS)
    for values in se.VARIANTS.values():
        assert len(values) == len(set(values)) >= 2


@pytest.mark.parametrize('name', sorted(se.VARIANTS))
def test_every_value_is_accepted_and_exposed(name, monkeypatch):
    monkeypatch.delenv(se.VARIANTS_ENV_VAR, raising=False)
    for value in se.VARIANTS[name]:
        emu = se.Emulator(variants={name: value})
        assert emu.variants == dict(se.DEFAULT_VARIANTS, **{name: value})
        assert emu.service.variants[name] == value
    assert se.Emulator(variants={name: str(se.VARIANTS[name][-1])}).variants[name] == se.VARIANTS[name][-1]


@pytest.mark.parametrize('variants', [{'no_such_switch': 'x'}, {'not_found': 'maybe'}, {'page_size_max': 75},
                                      {'page_size_max': True}, {'app_filter': None}])
def test_unknown_switch_or_value_raises(variants):
    with pytest.raises(ValueError):
        se.Emulator(variants=variants)


def test_environment_is_the_default(monkeypatch):
    monkeypatch.setenv(se.VARIANTS_ENV_VAR, 'not_found=404, page_size_max=50')
    emu = se.Emulator()
    assert (emu.variants['not_found'], emu.variants['page_size_max'], emu.variants['app_filter']) == ('404', 50, 'rules_and_default')
    # An explicit argument replaces the environment entirely.
    assert se.Emulator(variants={}).variants == se.DEFAULT_VARIANTS
    assert se.Emulator(variants={'app_filter': 'rules'}).variants['not_found'] == 'with_message'
    monkeypatch.setenv(se.VARIANTS_ENV_VAR, 'not_found')
    with pytest.raises(ValueError):
        se.Emulator()
    monkeypatch.setenv(se.VARIANTS_ENV_VAR, '')
    assert se.Emulator().variants == se.DEFAULT_VARIANTS


def test_every_switch_is_in_the_ledger_and_the_readme():
    """FIDELITY.md's Variants table names every switch with all its values in order, and the README every switch."""
    emulator_dir = os.path.dirname(os.path.abspath(se.__file__))
    with open(os.path.join(emulator_dir, 'FIDELITY.md'), encoding='utf-8') as handle:
        ledger = handle.read().split('## Variants', 1)[1]
    with open(os.path.join(emulator_dir, 'README.md'), encoding='utf-8') as handle:
        readme = handle.read()
    for name, values in se.VARIANTS.items():
        row = '| `%s` | %s |' % (name, ', '.join('`%s`' % value for value in values))
        assert row in ledger, row
        assert '`%s`' % name in readme, name


def test_parse_variants():
    assert se.parse_variants('a=1,b=x') == {'a': '1', 'b': 'x'}
    assert se.parse_variants(['a=1', 'b = x']) == {'a': '1', 'b': 'x'}
    assert se.parse_variants(' ,') == {}


def _cli(*args, env_variants=None):
    """Start the CLI, read up to its variants line, stop it; returns (that line, the process)."""
    env = dict(os.environ, PYTHONPATH=TESTS_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    env.pop(se.VARIANTS_ENV_VAR, None)
    if env_variants is not None:
        env[se.VARIANTS_ENV_VAR] = env_variants
    process = subprocess.Popen([sys.executable, '-m', 'sae_emulator', '--port', '0'] + list(args), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ''
        while 'variants:' not in line:
            line = process.stdout.readline()
            if not line:
                break
        return line.strip(), process
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_cli_variant_flags():
    line, _process = _cli('--variant', 'not_found=404', '--variant', 'page_size_max=50')
    assert 'not_found=404' in line and 'page_size_max=50' in line and 'app_filter=rules_and_default' in line
    line, _process = _cli(env_variants='app_filter=rules')
    assert 'app_filter=rules,' in line and 'not_found=with_message' in line
    bad = subprocess.run([sys.executable, '-m', 'sae_emulator', '--variant', 'not_found=teapot'], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=TESTS_DIR), timeout=30, check=False)
    assert bad.returncode == 2 and 'not_found' in bad.stderr
    usage = subprocess.run([sys.executable, '-m', 'sae_emulator', '--help'], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=TESTS_DIR), timeout=30, check=False).stdout
    assert 'not_found=with_message|404|code_in_error_code' in usage


# ---------------------------------------------------------------- not_found / delete_unknown

def test_not_found_with_message(variant_emu, kit):
    emu, raw, sdk = variant_emu(not_found='with_message')
    for response in (raw.describe(UNKNOWN), raw.delete(UNKNOWN), raw.update(UNKNOWN, {'Description': 'x'})):
        body = kit.assert_error(response, 400, WITH_MESSAGE)
        assert body['ErrorCode'] == WITH_MESSAGE and str(UNKNOWN) in body['Message']
    error = sdk_error(sdk.describe_ingress, models.DescribeIngressRequest(ingress_id=UNKNOWN))
    assert (error.status_code, error.code) == (400, WITH_MESSAGE)


def test_not_found_404(variant_emu, kit):
    emu, raw, sdk = variant_emu(not_found='404')
    for response in (raw.describe(UNKNOWN), raw.delete(UNKNOWN), raw.update(UNKNOWN, {'Description': 'x'})):
        body = kit.assert_error(response, 404, INGRESS_NOT_FOUND_404_CODE)
        assert body['ErrorCode'] == INGRESS_NOT_FOUND_404_CODE and body['Success'] is False
    error = sdk_error(sdk.delete_ingress, models.DeleteIngressRequest(ingress_id=UNKNOWN))
    assert (error.status_code, error.code) == (404, 'InvalidIngress.NotFound')
    # Distinguishable from the gateway's 404s: an unknown key, an unknown action.
    unknown_key = kit.assert_error(kit.RawClient(emu, key_id='LTAInobody').describe(UNKNOWN), 404, ACCESS_KEY_NOT_FOUND)
    unknown_action = kit.assert_error(raw.call('DescribeIngress', {'IngressId': UNKNOWN}, method='PATCH'), 404, INVALID_ACTION)
    assert 'ErrorCode' not in unknown_key and 'ErrorCode' not in unknown_action
    assert len({INGRESS_NOT_FOUND_404_CODE, ACCESS_KEY_NOT_FOUND, INVALID_ACTION}) == 3
    # A malformed id is still a parameter error.
    kit.assert_error(raw.describe('abc'), 400, OBVIOUSLY)


def test_not_found_code_in_error_code(variant_emu):
    emu, raw, sdk = variant_emu(not_found='code_in_error_code')
    for response in (raw.describe(UNKNOWN), raw.delete(UNKNOWN), raw.update(UNKNOWN, {'Description': 'x'})):
        body = response.json()
        assert (response.status_code, body['Code'], body['ErrorCode'], body['Success']) == (400, '400', WITH_MESSAGE, False)
    assert emu.log[-1]['code'] == WITH_MESSAGE
    error = sdk_error(sdk.describe_ingress, models.DescribeIngressRequest(ingress_id=UNKNOWN))
    assert (error.status_code, error.code, error.data['ErrorCode']) == (400, '400', WITH_MESSAGE)
    # Other business errors keep their code in Code.
    assert raw.create({'ListenerPort': 80}).json()['Code'] == NOT_EMPTY


@pytest.mark.parametrize('not_found', se.VARIANTS['not_found'])
def test_delete_unknown_success(variant_emu, kit, not_found):
    emu, raw, sdk = variant_emu(delete_unknown='success', not_found=not_found)
    body = sdk.delete_ingress(models.DeleteIngressRequest(ingress_id=UNKNOWN)).body
    assert (body.success, body.data.ingress_id) == (True, UNKNOWN)
    assert emu.log[-1]['applied'] is False
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    assert raw.delete(ingress_id).status_code == 200 and emu.ingresses == {}
    assert raw.delete(ingress_id).status_code == 200
    # Describe and Update still answer not found.
    assert raw.describe(UNKNOWN).status_code in (400, 404)
    assert raw.update(UNKNOWN, {'Description': 'x'}).status_code in (400, 404)


# ---------------------------------------------------------------- update_port_resend

def test_update_port_resend_accepted(variant_emu, kit):
    emu, raw, sdk = variant_emu(update_port_resend='accepted')
    ingress_id = emu.seed_ingress(**kit.clb_fields(ListenerPort=80))
    response = sdk.update_ingress(models.UpdateIngressRequest(ingress_id=ingress_id, listener_port='80', request_timeout=30))
    assert response.body.success is True
    assert emu.ingresses[ingress_id]['RequestTimeout'] == 30


def test_update_port_resend_refused(variant_emu, kit):
    emu, raw, sdk = variant_emu(update_port_resend='refused')
    ingress_id = emu.seed_ingress(**kit.clb_fields(ListenerPort=80))
    error = sdk_error(sdk.update_ingress, models.UpdateIngressRequest(ingress_id=ingress_id, listener_port='80', request_timeout=30))
    assert (error.status_code, error.code) == (400, PORT_NOT_AVAILABLE)
    assert se.CLB_INTERNET_ID in error.message and '80' in error.message
    assert emu.ingresses[ingress_id]['RequestTimeout'] == 60
    # Without the port, or with another free port, it goes through.
    assert raw.update(ingress_id, {'RequestTimeout': 30}).status_code == 200
    assert raw.update(ingress_id, {'ListenerPort': '81'}).status_code == 200
    assert emu.ingresses[ingress_id]['ListenerPort'] == 81


# ---------------------------------------------------------------- paging

def _seed_many(emu, kit, count):
    return [emu.seed_ingress(**kit.clb_fields(ListenerPort=1000 + n, Description='i%d' % n)) for n in range(count)]


@pytest.mark.parametrize('largest', se.VARIANTS['page_size_max'])
def test_page_size_max_refused_above(variant_emu, kit, largest):
    emu, raw, sdk = variant_emu(page_size_max=largest, page_size_over_max='refused')
    ids = _seed_many(emu, kit, largest + 1)
    data = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=largest)).body.data
    assert (data.page_size, data.total_size, [row.id for row in data.ingress_list]) == (largest, largest + 1, ids[:largest])
    error = sdk_error(sdk.list_ingresses, models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=largest + 1))
    assert (error.status_code, error.code) == (400, OBVIOUSLY) and 'PageSize' in error.message


def test_page_size_over_max_capped(variant_emu, kit):
    emu, raw, sdk = variant_emu(page_size_max=50, page_size_over_max='capped')
    ids = _seed_many(emu, kit, 120)
    first = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=100)).body.data
    assert (first.page_size, first.total_size, len(first.ingress_list)) == (50, 120, 50)
    third = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, page_size=100, current_page=3)).body.data
    assert [row.id for row in third.ingress_list] == ids[100:]
    kit.assert_error(raw.list(PageSize=0), 400, OBVIOUSLY)


def _page(sdk, page, size):
    return sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, current_page=page,
                                                          page_size=size)).body.data


def test_list_paging_ignored(variant_emu, kit):
    emu, raw, sdk = variant_emu(list_paging='ignored')
    ids = _seed_many(emu, kit, 12)
    for page, size in ((1, 5), (3, 5), (1, 1000)):
        data = _page(sdk, page, size)
        assert ([row.id for row in data.ingress_list], data.current_page, data.page_size, data.total_size) == (
            ids, None, None, None)
    assert raw.list(PageSize='0', CurrentPage='x').status_code == 200  # not parameters of this service


def test_list_paging_capped(variant_emu, kit):
    emu, raw, sdk = variant_emu(list_paging='capped')
    ids = _seed_many(emu, kit, 25)
    pages = [_page(sdk, page, 50) for page in (1, 2, 3, 4)]
    assert [[row.id for row in data.ingress_list] for data in pages] == [ids[:10], ids[10:20], ids[20:], []]
    assert [(data.current_page, data.page_size, data.total_size) for data in pages[:1]] == [(1, None, None)]
    assert [row.id for row in _page(sdk, 2, 4).ingress_list] == ids[4:8]  # a size below the cap is followed


def test_list_paging_clamped(variant_emu, kit):
    emu, raw, sdk = variant_emu(list_paging='clamped')
    ids = _seed_many(emu, kit, 12)
    assert [row.id for row in _page(sdk, 2, 5).ingress_list] == ids[5:10]
    for page in (3, 4, 9):
        data = _page(sdk, page, 5)
        assert ([row.id for row in data.ingress_list], data.total_size) == (ids[10:], None)


# ---------------------------------------------------------------- app_filter

@pytest.mark.parametrize('app_filter, default_matches', [('rules_and_default', True), ('rules', False)])
def test_app_filter(variant_emu, kit, app_filter, default_matches):
    emu, raw, sdk = variant_emu(app_filter=app_filter)
    by_default = emu.seed_ingress(**kit.clb_fields(ListenerPort=80, DefaultRule={'appId': se.APP_ADMIN_ID, 'containerPort': 8080}))
    by_rule = emu.seed_ingress(**kit.clb_fields(ListenerPort=81, Rules=[
        {'appId': se.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/'}]))
    data = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, app_id=se.APP_ADMIN_ID)).body.data
    expected = [by_default, by_rule] if default_matches else [by_rule]
    assert ([row.id for row in data.ingress_list], data.total_size) == (expected, len(expected))


# ---------------------------------------------------------------- rule_actions_in_request

REDIRECT = {'actionType': 'redirect', 'actionConfig': '{"httpCode":"301"}'}


def test_rule_actions_ignored(variant_emu, kit):
    emu, raw, sdk = variant_emu(rule_actions_in_request='ignored')
    rules = [dict(kit.clb_fields()['Rules'][0], ruleActions=[REDIRECT])]
    ingress_id = raw.create(kit.clb_fields(Rules=rules)).json()['Data']['IngressId']
    assert sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data.rules[0].rule_actions == []
    emu.set_rule_actions(ingress_id, 'api.example.com', '/v1', [REDIRECT])
    assert raw.update(ingress_id, {'Rules': rules}).status_code == 200
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'] == []


def test_rule_actions_honoured(variant_emu, kit):
    emu, raw, sdk = variant_emu(rule_actions_in_request='honoured')
    rules = [dict(kit.clb_fields()['Rules'][0], ruleActions=[REDIRECT])]
    ingress_id = raw.create(kit.clb_fields(Rules=rules)).json()['Data']['IngressId']
    action = sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data.rules[0].rule_actions[0]
    assert (action.action_type, action.action_config) == ('redirect', '{"httpCode":"301"}')
    # Rules replace the list whatever the switch: a rule sent without ruleActions has none.
    plain = [kit.clb_fields()['Rules'][0]]
    assert raw.update(ingress_id, {'Rules': plain}).status_code == 200
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['RuleActions'] == []
    kit.assert_error(raw.update(ingress_id, {'Rules': [dict(plain[0], ruleActions='nope')]}), 400, OBVIOUSLY)
    kit.assert_error(raw.update(ingress_id, {'Rules': [dict(plain[0], ruleActions=[{'actionConfig': '{}'}])]}), 400, OBVIOUSLY)


# ---------------------------------------------------------------- business_error_code

@pytest.mark.parametrize('where, expected_code', [('in_code', NOT_EMPTY), ('in_error_code_only', '400')])
def test_business_error_code(variant_emu, kit, where, expected_code):
    emu, raw, sdk = variant_emu(business_error_code=where)
    body = raw.create({'ListenerPort': 80}).json()
    assert (body['Code'], body['ErrorCode']) == (expected_code, NOT_EMPTY)
    error = sdk_error(sdk.create_ingress, models.CreateIngressRequest(listener_port=80))
    assert (error.status_code, error.code) == (400, expected_code)
    # Gateway errors are not SAE errors: always their code in Code, no ErrorCode.
    gateway = kit.RawClient(emu, secret='wrong').list().json()
    assert gateway['Code'] == SIGNATURE_MISMATCH and 'ErrorCode' not in gateway


# ---------------------------------------------------------------- domain_case, late_fields, empty_rules

@pytest.mark.parametrize('domain_case, stored', [('kept', 'WWW.Example.com'), ('lowered', 'www.example.com')])
def test_domain_case(variant_emu, kit, domain_case, stored):
    emu, raw, sdk = variant_emu(domain_case=domain_case)
    rules = [dict(kit.clb_fields()['Rules'][0], domain='WWW.Example.com')]
    ingress_id = raw.create(kit.clb_fields(Rules=rules)).json()['Data']['IngressId']
    assert raw.describe(ingress_id).json()['Data']['Rules'][0]['Domain'] == stored
    assert sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body.data.ingress_list[0].rules[0].domain == stored
    # set_rule_actions finds the rule whatever the case it is named in
    emu.set_rule_actions(ingress_id, 'www.EXAMPLE.com', '/v1', [REDIRECT])


@pytest.mark.parametrize('late_fields', se.VARIANTS['late_fields'])
def test_late_fields(variant_emu, kit, late_fields):
    emu, raw, sdk = variant_emu(late_fields=late_fields)
    ingress_id = raw.create(kit.clb_fields(EnableGzip='true', IdleTimeout=30)).json()['Data']['IngressId']
    data = raw.describe(ingress_id).json()['Data']
    row = raw.list().json()['Data']['IngressList'][0]
    late = ('EnableGzip', 'EnableXForwardedFor', 'EnableXForwardedForClientSrcPort', 'EnableXForwardedForProto',
            'EnableXForwardedForSlbId', 'EnableXForwardedForSlbPort', 'IdleTimeout')
    if late_fields == 'reported':
        assert (data['EnableGzip'], data['IdleTimeout'], row['IdleTimeout']) == (True, 30, 30)
    else:
        assert not set(late) & set(data) and 'IdleTimeout' not in row
        assert 'RequestTimeout' in data and 'SecurityPolicyId' in data and 'RequestTimeout' in row
    # accepted and stored either way
    assert (emu.ingresses[ingress_id]['EnableGzip'], emu.ingresses[ingress_id]['IdleTimeout']) == (True, 30)
    assert sdk.describe_ingress(models.DescribeIngressRequest(ingress_id=ingress_id)).body.data.request_timeout == 60


@pytest.mark.parametrize('empty_rules', se.VARIANTS['empty_rules'])
def test_empty_rules(variant_emu, kit, empty_rules):
    emu, raw, sdk = variant_emu(empty_rules=empty_rules)
    response = raw.create(kit.clb_fields(Rules=[]))
    with_rule = raw.create(kit.clb_fields(ListenerPort=81)).json()['Data']['IngressId']
    if empty_rules == 'accepted':
        assert response.status_code == 200 and emu.ingresses[response.json()['Data']['IngressId']]['Rules'] == []
        assert raw.update(with_rule, {'Rules': []}).status_code == 200
        assert emu.ingresses[with_rule]['Rules'] == []
    else:
        body = kit.assert_error(response, 400, NOT_EMPTY)
        assert 'Rules' in body['Message'] and list(emu.ingresses) == [with_rule]
        kit.assert_error(raw.update(with_rule, {'Rules': []}), 400, NOT_EMPTY)
        assert len(emu.ingresses[with_rule]['Rules']) == 1
