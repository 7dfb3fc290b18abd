# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of sae_ingress's decide functions: normalisation, validation, comparison, planning."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress as ing

APP = 'app-1'
APP2 = 'app-2'

DESCRIBE = {
    'Id': 7, 'Name': 'web', 'Description': 'web', 'NamespaceId': 'cn-beijing:prod', 'SlbId': 'lb-1',
    'SlbType': 'internet', 'LoadBalanceType': 'clb', 'ListenerPort': 80, 'CertId': None, 'CertIds': None,
    'SecurityPolicyId': None, 'RequestTimeout': 60, 'IdleTimeout': 15, 'EnableGzip': False,
    'EnableXForwardedFor': True, 'EnableXForwardedForClientSrcPort': False, 'EnableXForwardedForProto': False,
    'EnableXForwardedForSlbId': False, 'EnableXForwardedForSlbPort': False, 'CreatedBySae': False,
    'DefaultRule': {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080},
    'Rules': [
        {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'Domain': 'a.example.com', 'Path': '/',
         'RewritePath': None, 'RuleActions': []},
        {'AppId': APP2, 'AppName': 'two', 'ContainerPort': 8443, 'Domain': 'a.example.com', 'Path': '/api',
         'RewritePath': '', 'RuleActions': []},
    ],
}

# An ALB ingress with an HTTPS listener: the only kind whose rules report BackendProtocol.
ALB_HTTPS = dict(
    DESCRIBE, SlbId='alb-1', LoadBalanceType='alb', ListenerPort=443, ListenerProtocol='HTTPS', CertIds='c-1',
    DefaultRule={'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'BackendProtocol': 'http'},
    Rules=[
        {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'Domain': 'a.example.com', 'Path': '/',
         'BackendProtocol': 'http', 'RewritePath': None, 'RuleActions': []},
        {'AppId': APP2, 'AppName': 'two', 'ContainerPort': 8443, 'Domain': 'a.example.com', 'Path': '/api',
         'BackendProtocol': 'https', 'RewritePath': '/v1', 'RuleActions': []},
    ])


def params(**kwargs):
    base = dict(state='present', namespace_id='cn-beijing:prod', name='web', ingress_id=None, load_balance_type=None,
                slb_id='lb-1', listener_port=None, listener_protocol=None, cert_id=None, cert_ids=None,
                security_policy_id=None, default_rule=None, rules=None, purge_rules=True, request_timeout=None,
                idle_timeout=None, enable_gzip=None, enable_x_forwarded_for=None,
                enable_x_forwarded_for_client_src_port=None, enable_x_forwarded_for_proto=None,
                enable_x_forwarded_for_slb_id=None, enable_x_forwarded_for_slb_port=None, cors_config=None,
                address_type=None, load_balancer_edition=None, zone_mappings=None)
    base.update(kwargs)
    return base


def rule(domain, path, app=APP, port=8080, **kwargs):
    return dict(dict(app_id=app, container_port=port, domain=domain, path=path, backend_protocol=None, rewrite_path=None), **kwargs)


def changes_for(live_data, purge=True, **kwargs):
    live = ing.normalize_live(live_data)
    wanted = ing.normalize_wanted(params(**kwargs))
    return ing.compute_changes(live, ing.desired_values(live, wanted, purge))


def test_normalize_live_maps_pascal_case_and_fills_service_defaults():
    live = ing.normalize_live(dict(DESCRIBE, ListenerPort='80'))
    assert live['id'] == 7 and live['name'] == live['description'] == 'web'
    assert live['listener_port'] == 80
    assert live['listener_protocol'] == 'HTTP'  # absent on the wire means HTTP
    assert live['default_rule'] == {'app_id': APP, 'container_port': 8080, 'backend_protocol': None}
    assert live['rules'][1] == {'app_id': APP2, 'container_port': 8443, 'domain': 'a.example.com', 'path': '/api',
                                'backend_protocol': None, 'rewrite_path': None, 'rule_actions': []}
    assert live['cert_ids'] == []
    alb = ing.normalize_live(ALB_HTTPS)
    assert alb['default_rule']['backend_protocol'] == 'http' and alb['rules'][1]['backend_protocol'] == 'https'


def test_name_is_the_description_not_the_generated_name():
    live = ing.normalize_live(dict(DESCRIBE, Name='lb-1-80-f5a1', Description='web'))
    assert live['name'] == live['description'] == 'web'
    assert ing.row_name({'Name': 'lb-1-80-f5a1'}) is None


def test_rule_actions_are_returned_in_the_module_vocabulary():
    rules = [dict(DESCRIBE['Rules'][0], RuleActions=[{'ActionType': 'redirect', 'ActionConfig': '{"httpCode":"301"}'}])]
    live = ing.normalize_live(dict(DESCRIBE, Rules=rules))
    assert live['rules'][0]['rule_actions'] == [{'action_type': 'redirect', 'action_config': '{"httpCode":"301"}'}]


@pytest.mark.parametrize('wire, expected', [
    ('b-cn,a-cn', ['a-cn', 'b-cn']),
    (['b-cn', 'a-cn', 'a-cn'], ['a-cn', 'b-cn']),
    ('', []),
    (None, []),
])
def test_cert_ids_are_a_sorted_set(wire, expected):
    assert ing.normalize_live(dict(DESCRIBE, CertIds=wire))['cert_ids'] == expected


def test_list_row_lacks_fields_and_missing_from_live_says_which():
    row = dict((k, v) for k, v in DESCRIBE.items() if not k.startswith('Enable') and k not in ('SecurityPolicyId', 'CreatedBySae'))
    live = ing.normalize_live(row)
    assert ing.missing_from_live(live, ing.normalize_wanted(params(listener_port=80))) == []
    assert ing.missing_from_live(live, ing.normalize_wanted(params(enable_gzip=True, security_policy_id='sp'))) == [
        'enable_gzip', 'security_policy_id']


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
    wire = ing.update_params(changed, changed)['Rules'][1]
    assert wire == {'appId': APP2, 'containerPort': 9000, 'domain': 'a.example.com', 'path': '/api',
                    'backendProtocol': 'https', 'rewritePath': '/v1'}
    cleared = changes_for(ALB_HTTPS, slb_id='alb-1', purge=False, rules=[rule('a.example.com', '/api', app=APP2, port=8443, rewrite_path='')])
    assert 'rewritePath' not in ing.update_params(cleared, cleared)['Rules'][1]


def test_rules_purge_removes_unlisted_and_keep_mode_adds():
    purged = changes_for(DESCRIBE, rules=[rule('a.example.com', '/')])
    assert [ing.rule_key(r) for r in purged['rules']] == [('a.example.com', '/')]
    kept = changes_for(DESCRIBE, purge=False, rules=[rule('b.example.com', '/')])
    assert [ing.rule_key(r) for r in kept['rules']] == [('a.example.com', '/'), ('a.example.com', '/api'), ('b.example.com', '/')]


def test_rule_modified_in_place_when_not_purging():
    changed = changes_for(DESCRIBE, purge=False, rules=[rule('a.example.com', '/api', app=APP2, port=9000)])
    assert changed['rules'][1]['container_port'] == 9000
    assert changed['rules'][1]['backend_protocol'] is None  # a CLB neither reports nor gets one
    assert len(changed['rules']) == 2


def test_cors_compares_only_set_suboptions_and_sends_the_whole_config():
    live = dict(DESCRIBE, CorsConfig={'Enable': 'true', 'AllowOrigin': 'https://a,https://b', 'AllowMethods': 'GET',
                                      'AllowCredentials': 'on', 'MaxAge': '600'})
    cors = dict(enable=True, allow_origin=['https://b', 'https://a'], allow_methods=None, allow_headers=None,
                expose_headers=None, allow_credentials=None, max_age=None)
    assert changes_for(live, cors_config=cors) == {}
    changed = changes_for(live, cors_config=dict(cors, max_age=60))
    assert changed['cors_config']['max_age'] == 60
    assert changed['cors_config']['allow_methods'] == ['GET']
    api = ing.update_params(changed, changed)['CorsConfig']
    assert api == {'Enable': 'true', 'AllowOrigin': 'https://a,https://b', 'AllowMethods': 'GET',
                   'AllowCredentials': 'on', 'MaxAge': '60'}


def test_cors_disabled_matches_missing_config():
    cors = dict(enable=False, allow_origin=None, allow_methods=None, allow_headers=None, expose_headers=None,
                allow_credentials=None, max_age=None)
    assert changes_for(DESCRIBE, cors_config=cors) == {}


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(listener_port=0), 'listener_port must be between 1 and 65535'),
    (dict(request_timeout=181), 'request_timeout must be between 1 and 180'),
    (dict(idle_timeout=0), 'idle_timeout must be between 1 and 60'),
    (dict(name=' '), 'name must not be empty'),
    (dict(name=None), 'Set name'),
    (dict(namespace_id='cn-beijing:'), 'namespace_id must look like'),
    (dict(rules=[rule('a', '/')] * 2), "rules[0] and rules[1] have the same domain 'a' and path '/'"),
    (dict(rules=[rule('d%d' % i, '/') for i in range(41)]), 'rules has 41 entries; an ingress holds at most 40'),
    (dict(rules=[rule('a', '/', port=70000)]), 'rules[0].container_port must be between 1 and 65535'),
    (dict(default_rule=dict(app_id='', container_port=1)), 'default_rule.app_id must not be empty'),
    (dict(cors_config=dict(max_age=-2)), 'cors_config.max_age must be between -1 and 172800'),
    (dict(cert_id=''), 'cert_id must not be empty: leave cert_id out'),
    (dict(security_policy_id=' '), 'security_policy_id must not be empty'),
    (dict(cert_ids=[]), 'cert_ids must list at least one certificate id'),
    (dict(cert_ids=['a', '']), 'cert_ids must list at least one certificate id and no empty ones'),
    (dict(rules=[rule('a', '/'), rule(None, '/x')]), 'rules[1] (app_id app-1) needs domain:'),
    (dict(rules=[rule('a', '')]), 'rules[0] (app_id app-1) needs path:'),
    (dict(rules=[rule(None, None)]), 'needs domain and path'),
])
def test_static_validation_names_the_option(kwargs, fragment):
    with pytest.raises(ing.IngressInputError) as err:
        ing.validate_static(params(**kwargs))
    assert fragment in str(err.value)


def test_static_validation_of_a_delete_checks_only_the_identity():
    ing.validate_static(params(state='absent', cert_id='', rules=[rule(None, None)], listener_port=0))
    with pytest.raises(ing.IngressInputError):
        ing.validate_static(params(state='absent', name=None))


@pytest.mark.parametrize('kwargs, live, fragment', [
    (dict(cert_ids=['x']), None, 'cert_ids is for ALB'),
    (dict(rules=[rule('a', '/', rewrite_path='/b')]), None, 'rewrite_path is only supported by ALB'),
    (dict(load_balance_type='alb', cert_id='c'), None, 'cert_id is for CLB'),
    (dict(listener_protocol='HTTPS'), None, 'listener_protocol HTTPS needs its certificate in the same task: set cert_id'),
    (dict(load_balance_type='alb', listener_protocol='HTTPS'), None, 'set cert_ids'),
    (dict(listener_port=80), None, 'default_rule (app_id and container_port) is required to create'),
    (dict(default_rule=dict(app_id=APP, container_port=1)), None, 'listener_port is required to create'),
    (dict(slb_id=None, listener_port=80, default_rule=dict(app_id=APP, container_port=1)), None, 'slb_id is required'),
    (dict(address_type='Internet'), None, 'address_type applies only'),
    (dict(load_balance_type='alb', load_balancer_edition='Standard'), None, 'load_balancer_edition applies only when SAE creates'),
    (dict(listener_protocol='HTTPS'), DESCRIBE, 'needs its certificate in the same task'),
    (dict(cert_ids=['x']), dict(DESCRIBE, LoadBalanceType='clb'), 'cert_ids is for ALB'),
    (dict(default_rule=dict(app_id=APP, container_port=1, backend_protocol='https'), listener_port=80), None,
     'default_rule.backend_protocol https: SAE applies and reports a backend protocol only on an ALB ingress with an '
     'HTTPS listener, and this is a CLB ingress'),
    (dict(slb_id='alb-1', rules=[rule('a', '/', backend_protocol='grpc')]), dict(ALB_HTTPS, ListenerProtocol='HTTP'),
     'rules[0].backend_protocol grpc: SAE applies and reports a backend protocol only on an ALB ingress with an HTTPS '
     'listener, and this is an ALB ingress with an HTTP listener'),
    (dict(slb_id=None, name='web', rules=[rule('a', '/', backend_protocol='https')]), DESCRIBE, 'this is a CLB ingress'),
])
def test_effective_validation(kwargs, live, fragment):
    wanted = ing.normalize_wanted(params(**kwargs))
    with pytest.raises(ing.IngressInputError) as err:
        ing.validate_effective(wanted, ing.normalize_live(live) if live else None)
    assert fragment in str(err.value)


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(slb_id='lb-1', cert_ids=['x']), 'cert_ids is for ALB'),
    (dict(slb_id='alb-1', cert_id='x'), 'cert_id is for CLB'),
    (dict(slb_id=None, load_balance_type='clb', rules=[rule('a', '/', rewrite_path='/b')]), 'rewrite_path'),
    (dict(slb_id=None, listener_protocol='HTTPS'), 'cert_id (CLB) or cert_ids (ALB)'),
    (dict(slb_id='lb-1', rules=[rule('a', '/', backend_protocol='https')]), 'rules[0].backend_protocol https'),
    (dict(slb_id='alb-1', listener_protocol='HTTP', default_rule=dict(app_id=APP, container_port=1, backend_protocol='grpc')),
     'default_rule.backend_protocol grpc'),
])
def test_load_balancer_checks_from_the_task_alone(kwargs, fragment):
    """Checks before any call, from what the task alone says."""
    with pytest.raises(ing.IngressInputError) as err:
        ing.validate_load_balancer(ing.normalize_wanted(params(**kwargs)))
    assert fragment in str(err.value)


def test_type_unknown_from_the_task_defers_to_the_live_ingress():
    wanted = ing.normalize_wanted(params(slb_id=None, cert_ids=['x'], listener_protocol='HTTPS'))
    ing.validate_load_balancer(wanted)
    ing.validate_effective(wanted, ing.normalize_live(dict(DESCRIBE, LoadBalanceType='alb')))
    with pytest.raises(ing.IngressInputError):
        ing.validate_effective(wanted, ing.normalize_live(DESCRIBE))


def test_immutable_conflicts_name_field_live_and_wanted():
    live = ing.normalize_live(DESCRIBE)
    conflicts = ing.immutable_conflicts(live, ing.normalize_wanted(params(slb_id='lb-2', load_balance_type='alb')))
    assert conflicts == [('slb_id', 'lb-1', 'lb-2'), ('load_balance_type', 'clb', 'alb')]
    message = ing.immutable_message(conflicts)
    assert 'slb_id (live: lb-1, wanted: lb-2)' in message and 'load_balance_type (live: clb, wanted: alb)' in message
    assert ing.immutable_conflicts(live, ing.normalize_wanted(params())) == []


def test_create_params_use_api_vocabulary():
    wanted = ing.normalize_wanted(params(
        listener_port=443, listener_protocol='HTTPS', load_balance_type='alb', slb_id='alb-1', cert_ids=['b', 'a'],
        default_rule=dict(app_id=APP, container_port=8080, backend_protocol=None),
        rules=[rule('a.example.com', '/x', rewrite_path='/y')], enable_gzip=True))
    api = ing.create_params(wanted)
    assert api['NamespaceId'] == 'cn-beijing:prod' and api['Description'] == 'web'
    assert api['SlbId'] == 'alb-1' and api['LoadBalanceType'] == 'alb'
    assert api['CertIds'] == 'a,b'
    assert api['DefaultRule'] == {'appId': APP, 'containerPort': 8080}
    assert api['Rules'] == [{'appId': APP, 'containerPort': 8080, 'domain': 'a.example.com', 'path': '/x',
                             'rewritePath': '/y'}]
    assert api['EnableGzip'] is True


def test_create_without_rules_sends_an_empty_list_and_sae_alb_fields():
    wanted = ing.normalize_wanted(params(
        slb_id=None, load_balance_type='alb', listener_port=80, address_type='Intranet',
        zone_mappings=[dict(zone_id='z-1', vswitch_id='vsw-1')], default_rule=dict(app_id=APP, container_port=80)))
    api = ing.create_params(wanted)
    assert api['Rules'] == [] and 'SlbId' not in api
    assert api['AddressType'] == 'Intranet' and api['ZoneMappings'] == [{'VSwitchId': 'vsw-1', 'ZoneId': 'z-1'}]
    predicted = ing.predict_created(wanted)
    assert predicted['created_by_sae'] is True and predicted['slb_type'] == 'intranet'
    assert predicted['request_timeout'] == 60 and predicted['idle_timeout'] == 15


def test_predict_applies_changes_without_touching_input():
    live = ing.normalize_live(DESCRIBE)
    snapshot = copy.deepcopy(live)
    after = ing.predict(live, {'name': 'renamed', 'listener_port': 8080})
    assert after['name'] == after['description'] == 'renamed' and after['listener_port'] == 8080
    assert live == snapshot


def test_normalize_wanted_does_not_mutate_params():
    original = params(rules=[rule('a', '/')], cert_ids=['b', 'a'])
    snapshot = copy.deepcopy(original)
    ing.normalize_wanted(original)
    assert original == snapshot


def test_find_by_name_reports_every_id_when_ambiguous():
    rows = [dict(Id=3, Description='web', NamespaceId='ns'), dict(Id=1, Description='web', NamespaceId='ns'),
            dict(Id=2, Description='api', NamespaceId='ns')]
    with pytest.raises(ing.AmbiguousName) as err:
        ing.find_by_name(rows, 'web')
    assert err.value.ids == [1, 3] and 'ids: 1, 3' in str(err.value)
    assert ing.find_by_name(rows, 'api')['Id'] == 2
    assert ing.find_by_name(rows, 'none') is None


def _assert_documented_shape(value, contains, where):
    """`value` has exactly the keys `contains` (a RETURN `contains` block) documents, recursively."""
    if value is None:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _assert_documented_shape(item, contains, '%s[%d]' % (where, index))
        return
    assert isinstance(value, dict), (where, value)
    assert sorted(value) == sorted(contains), where
    for key, spec in contains.items():
        if spec.get('contains'):
            _assert_documented_shape(value[key], spec['contains'], '%s.%s' % (where, key))


def test_result_has_every_documented_key():
    # The reference is the module's RETURN documentation, not the code's own list of keys.
    from ansible_collections.alibabacloud.sae.plugins.modules import sae_ingress  # pylint: disable=import-outside-toplevel
    documented = yaml.safe_load(sae_ingress.RETURN)['ingress']['contains']
    live = copy.deepcopy(DESCRIBE)
    live['CorsConfig'] = {'Enable': True, 'AllowOrigin': '*', 'AllowMethods': 'GET', 'AllowHeaders': '',
                          'ExposeHeaders': '', 'AllowCredentials': False, 'MaxAge': 600}
    live['Rules'][0]['RuleActions'] = [{'ActionType': 'redirect', 'ActionConfig': '{"httpCode": "301"}'}]
    result = ing.result_from_live(ing.normalize_live(live))
    assert result['rules'] and result['rules'][0]['rule_actions'] and result['default_rule'], result
    _assert_documented_shape(result, documented, 'ingress')


@pytest.mark.parametrize('kwargs', [
    dict(slb_id='alb-1', listener_protocol='HTTPS', cert_ids=['c'], rules=[rule('a', '/', backend_protocol='grpc')]),
    dict(slb_id='alb-1', rules=[rule('a', '/', backend_protocol='https')]),  # listener protocol known once read
    dict(slb_id='lb-1', rules=[rule('a', '/', backend_protocol='http')]),
])
def test_backend_protocol_allowed_where_reported_or_not_yet_known(kwargs):
    ing.validate_load_balancer(ing.normalize_wanted(params(**kwargs)))


def test_alb_prefix_means_alb_for_validation_create_and_prediction():
    wanted = ing.normalize_wanted(params(slb_id='alb-1', listener_port=80, default_rule=dict(app_id=APP, container_port=80)))
    assert wanted['load_balance_type'] == 'alb'
    ing.validate_effective(wanted, None)
    assert ing.create_params(wanted)['LoadBalanceType'] == 'alb'
    assert ing.predict_created(wanted)['load_balance_type'] == 'alb'
    with pytest.raises(ing.IngressInputError, match='cert_id is for CLB'):
        ing.validate_effective(ing.normalize_wanted(params(slb_id='alb-1', cert_id='c')), None)


def test_cors_max_age_zero_is_a_value():
    cors = dict(enable=None, allow_origin=None, allow_methods=None, allow_headers=None, expose_headers=None,
                allow_credentials=None, max_age=0)
    changes = changes_for(DESCRIBE, cors_config=cors)
    assert changes['cors_config']['max_age'] == 0
    assert ing.update_params(changes, changes)['CorsConfig']['MaxAge'] == '0'
    live = dict(DESCRIBE, CorsConfig={'Enable': 'false', 'MaxAge': '0'})
    assert ing.normalize_live(live)['cors_config']['max_age'] == 0
    assert changes_for(live, cors_config=cors) == {}


def test_update_sends_what_changed_and_the_certificate_with_the_protocol():
    live = ing.normalize_live(dict(DESCRIBE, CertId='c-1'))
    wanted = ing.normalize_wanted(params(listener_port=80, request_timeout=30, listener_protocol='HTTPS', cert_id='c-1'))
    desired = ing.desired_values(live, wanted)
    changes = ing.compute_changes(live, desired)
    assert changes == {'request_timeout': 30, 'listener_protocol': 'HTTPS'}
    assert ing.update_params(changes, desired) == {'RequestTimeout': 30, 'ListenerProtocol': 'HTTPS', 'CertId': 'c-1'}


def test_rules_carrying_actions_are_named():
    live = ing.normalize_live(dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], RuleActions=[
        {'ActionType': 'redirect', 'ActionConfig': '{}'}])] + DESCRIBE['Rules'][1:]))
    changes = ing.compute_changes(live, ing.desired_values(live, ing.normalize_wanted(params(
        rules=[rule('a.example.com', '/api', app=APP2, port=9000)])), purge_rules=False))
    conflicts = ing.rules_with_actions(changes['rules'])
    assert conflicts == [('a.example.com', '/', ['redirect'])]
    assert 'domain a.example.com path / (redirect)' in ing.rule_actions_message(conflicts)
    purged = ing.compute_changes(live, ing.desired_values(live, ing.normalize_wanted(params(
        rules=[rule('a.example.com', '/api', app=APP2, port=9000)]))))
    assert ing.rules_with_actions(purged['rules']) == []  # a rule the task removes takes its actions with it


def test_port_holder_reads_string_ports_of_list_rows():
    rows = [{'Id': 1, 'SlbId': 'lb-1', 'ListenerPort': '80'}, {'Id': 2, 'SlbId': 'lb-1', 'ListenerPort': '81'}]
    assert ing.port_holder(rows, 'lb-1', 81)['Id'] == 2
    assert ing.port_holder(rows, 'lb-2', 81) is None
