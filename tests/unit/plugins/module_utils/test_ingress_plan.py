# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of the plan: comparison, desired values, create and update parameters, prediction."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_validate as validate
from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.ingress_data import APP, APP2, DESCRIBE, ALB_HTTPS, params, rule, changes_for


@pytest.mark.parametrize('kwargs', [
    dict(listener_port=80),
    dict(listener_protocol='HTTP'),
    dict(request_timeout=60, idle_timeout=15),
    dict(enable_x_forwarded_for=True, enable_gzip=False),
    dict(default_rule=dict(app_id=APP, container_port=8080, backend_protocol=None)),
    dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443), rule('a.example.com', '/')]),
    dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443, backend_protocol='http'), rule('a.example.com', '/')]),
    dict(rules=[rule('a.example.com', '/')], purge=False),
    dict(cert_ids=None, cert_id=None),
])
def test_equal_state_has_no_changes(kwargs):
    purge = kwargs.pop('purge', True)
    assert changes_for(DESCRIBE, purge=purge, **kwargs) == {}


@pytest.mark.parametrize('kwargs, expected', [
    (dict(listener_port=81), {'listener_port': 81}),
    (dict(listener_protocol='HTTPS', cert_id='c-1'), {'listener_protocol': 'HTTPS', 'cert_id': 'c-1'}),
    (dict(request_timeout=30), {'request_timeout': 30}),
    (dict(enable_x_forwarded_for=False), {'enable_x_forwarded_for': False}),
    (dict(name='web2'), {'name': 'web2'}),
])
def test_scalar_changes(kwargs, expected):
    assert changes_for(DESCRIBE, **kwargs) == expected


@pytest.mark.parametrize('kwargs, changed', [
    # unset backend_protocol and rewrite_path keep their live values
    (dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443), rule('a.example.com', '/')]), False),
    (dict(default_rule=dict(app_id=APP, container_port=8080, backend_protocol=None)), False),
    (dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443, backend_protocol='https', rewrite_path='/v1'),
                 rule('a.example.com', '/', backend_protocol='http')]), False),
    (dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443, backend_protocol='grpc'), rule('a.example.com', '/')]),
     True),
    (dict(rules=[rule('a.example.com', '/api', app=APP2, port=8443, rewrite_path=''), rule('a.example.com', '/')]), True),
    (dict(default_rule=dict(app_id=APP, container_port=8080, backend_protocol='grpc')), True),
])
def test_backend_protocol_and_rewrite_path_on_alb_https(kwargs, changed):
    changes = changes_for(ALB_HTTPS, slb_id='alb-1', **kwargs)
    assert bool(changes) is changed, changes


def test_unset_rule_suboptions_keep_live_values_when_edited():
    changed = changes_for(ALB_HTTPS, slb_id='alb-1', purge=False, rules=[rule('a.example.com', '/api', app=APP2, port=9000)])
    edited = changed['rules'][1]
    assert (edited['container_port'], edited['backend_protocol'], edited['rewrite_path']) == (9000, 'https', '/v1')
    wire = plan.update_params(changed, changed)['Rules'][1]
    assert wire == {'appId': APP2, 'containerPort': 9000, 'domain': 'a.example.com', 'path': '/api',
                    'backendProtocol': 'https', 'rewritePath': '/v1'}
    cleared = changes_for(ALB_HTTPS, slb_id='alb-1', purge=False, rules=[rule('a.example.com', '/api', app=APP2, port=8443, rewrite_path='')])
    assert 'rewritePath' not in plan.update_params(cleared, cleared)['Rules'][1]


def test_rules_purge_removes_unlisted_and_keep_mode_adds():
    purged = changes_for(DESCRIBE, rules=[rule('a.example.com', '/')])
    assert [shape.rule_key(r) for r in purged['rules']] == [('a.example.com', '/')]
    kept = changes_for(DESCRIBE, purge=False, rules=[rule('b.example.com', '/')])
    assert [shape.rule_key(r) for r in kept['rules']] == [('a.example.com', '/'), ('a.example.com', '/api'), ('b.example.com', '/')]


def test_rule_modified_in_place_when_not_purging():
    # The first of three live rules is edited: it keeps its place, the other two are sent as they are.
    third = {'AppId': APP2, 'AppName': 'two', 'ContainerPort': 8443, 'Domain': 'b.example.com', 'Path': '/',
             'RewritePath': None, 'RuleActions': []}
    live = dict(DESCRIBE, Rules=DESCRIBE['Rules'] + [third])
    changed = changes_for(live, purge=False, rules=[rule('a.example.com', '/', port=9000)])
    assert [shape.rule_key(r) for r in changed['rules']] == [('a.example.com', '/'), ('a.example.com', '/api'), ('b.example.com', '/')]
    assert [r['container_port'] for r in changed['rules']] == [9000, 8443, 8443]
    assert changed['rules'][0]['backend_protocol'] is None  # a CLB neither reports nor gets one
    wire = plan.update_params(changed, changed)['Rules']
    assert [(r['domain'], r['path'], r['containerPort']) for r in wire] == [
        ('a.example.com', '/', 9000), ('a.example.com', '/api', 8443), ('b.example.com', '/', 8443)]


def test_cors_compares_only_set_suboptions_and_sends_the_whole_config():
    live = dict(DESCRIBE, CorsConfig={'Enable': 'true', 'AllowOrigin': 'https://a,https://b', 'AllowMethods': 'GET',
                                      'AllowCredentials': 'on', 'MaxAge': '600'})
    cors = dict(enable=True, allow_origin=['https://b', 'https://a'], allow_methods=None, allow_headers=None,
                expose_headers=None, allow_credentials=None, max_age=None)
    assert changes_for(live, cors_config=cors) == {}
    changed = changes_for(live, cors_config=dict(cors, max_age=60))
    assert changed['cors_config']['max_age'] == 60
    assert changed['cors_config']['allow_methods'] == ['GET']
    api = plan.update_params(changed, changed)['CorsConfig']
    assert api == {'Enable': 'true', 'AllowOrigin': 'https://a,https://b', 'AllowMethods': 'GET',
                   'AllowCredentials': 'on', 'MaxAge': '60'}


def test_cors_disabled_matches_missing_config():
    cors = dict(enable=False, allow_origin=None, allow_methods=None, allow_headers=None, expose_headers=None,
                allow_credentials=None, max_age=None)
    assert changes_for(DESCRIBE, cors_config=cors) == {}


def test_create_params_use_api_vocabulary():
    wanted = shape.normalize_wanted(params(
        listener_port=443, listener_protocol='HTTPS', load_balance_type='alb', slb_id='alb-1', cert_ids=['b', 'a'],
        default_rule=dict(app_id=APP, container_port=8080, backend_protocol=None),
        rules=[rule('a.example.com', '/x', rewrite_path='/y')], enable_gzip=True))
    api = plan.create_params(wanted)
    assert api['NamespaceId'] == 'cn-beijing:prod' and api['Description'] == 'web'
    assert api['SlbId'] == 'alb-1' and api['LoadBalanceType'] == 'alb'
    assert api['CertIds'] == 'a,b'
    assert api['DefaultRule'] == {'appId': APP, 'containerPort': 8080}
    assert api['Rules'] == [{'appId': APP, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/x',
                             'rewritePath': '/y'}]
    assert api['EnableGzip'] is True


def test_create_without_rules_sends_an_empty_list_and_sae_alb_fields():
    wanted = shape.normalize_wanted(params(
        slb_id=None, load_balance_type='alb', listener_port=80, address_type='Intranet',
        zone_mappings=[dict(zone_id='z-1', vswitch_id='vsw-1')], default_rule=dict(app_id=APP, container_port=80)))
    api = plan.create_params(wanted)
    assert api['Rules'] == [] and 'SlbId' not in api
    assert api['AddressType'] == 'Intranet' and api['ZoneMappings'] == [{'VSwitchId': 'vsw-1', 'ZoneId': 'z-1'}]
    predicted = plan.predict_created(wanted)
    assert predicted['created_by_sae'] is True and predicted['slb_type'] == 'intranet'
    assert predicted['request_timeout'] == 60 and predicted['idle_timeout'] == 15
    # no certificate asked for: null, as on every other path for a value the service did not give, not []
    assert predicted['cert_ids'] is None


def test_predict_applies_changes_without_touching_input():
    live = shape.normalize_live(DESCRIBE)
    snapshot = copy.deepcopy(live)
    after = plan.predict(live, {'name': 'renamed', 'listener_port': 8080})
    assert after['name'] == after['description'] == 'renamed' and after['listener_port'] == 8080
    assert live == snapshot


def test_alb_prefix_means_alb_for_validation_create_and_prediction():
    wanted = shape.normalize_wanted(params(slb_id='alb-1', listener_port=80, default_rule=dict(app_id=APP, container_port=80)))
    assert wanted['load_balance_type'] == 'alb'
    validate.validate_effective(wanted, None)
    assert plan.create_params(wanted)['LoadBalanceType'] == 'alb'
    assert plan.predict_created(wanted)['load_balance_type'] == 'alb'
    with pytest.raises(validate.IngressInputError, match='cert_id is for CLB'):
        validate.validate_effective(shape.normalize_wanted(params(slb_id='alb-1', cert_id='c')), None)


def test_cors_max_age_zero_is_a_value():
    cors = dict(enable=None, allow_origin=None, allow_methods=None, allow_headers=None, expose_headers=None,
                allow_credentials=None, max_age=0)
    changes = changes_for(DESCRIBE, cors_config=cors)
    assert changes['cors_config']['max_age'] == 0
    assert plan.update_params(changes, changes)['CorsConfig']['MaxAge'] == '0'
    live = dict(DESCRIBE, CorsConfig={'Enable': 'false', 'MaxAge': '0'})
    assert shape.normalize_live(live)['cors_config']['max_age'] == 0
    assert changes_for(live, cors_config=cors) == {}


def test_update_sends_what_changed_and_the_certificate_with_the_protocol():
    live = shape.normalize_live(dict(DESCRIBE, CertId='c-1'))
    wanted = shape.normalize_wanted(params(listener_port=80, request_timeout=30, listener_protocol='HTTPS', cert_id='c-1'))
    desired = plan.desired_values(live, wanted)
    changes = plan.compute_changes(live, desired)
    assert changes == {'request_timeout': 30, 'listener_protocol': 'HTTPS'}
    assert plan.update_params(changes, desired) == {'RequestTimeout': 30, 'ListenerProtocol': 'HTTPS', 'CertId': 'c-1'}


def test_rules_carrying_actions_are_named():
    live = shape.normalize_live(dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], RuleActions=[
        {'ActionType': 'redirect', 'ActionConfig': '{}'}])] + DESCRIBE['Rules'][1:]))
    changes = plan.compute_changes(live, plan.desired_values(live, shape.normalize_wanted(params(
        rules=[rule('a.example.com', '/api', app=APP2, port=9000)])), purge_rules=False))
    conflicts = plan.rules_with_actions(changes['rules'])
    assert conflicts == [('a.example.com', '/', ['redirect'])]
    assert 'domain a.example.com path / (redirect)' in plan.rule_actions_message(conflicts)
    purged = plan.compute_changes(live, plan.desired_values(live, shape.normalize_wanted(params(
        rules=[rule('a.example.com', '/api', app=APP2, port=9000)]))))
    assert plan.rules_with_actions(purged['rules']) == []  # a rule the task removes takes its actions with it
