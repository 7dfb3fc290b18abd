# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of validation before any write."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_validate as validate
from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.ingress_data import APP, DESCRIBE, ALB_HTTPS, changes_for, params, rule


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(listener_port=0), 'listener_port must be between 1 and 65535'),
    (dict(request_timeout=181), 'request_timeout must be between 1 and 180'),
    (dict(idle_timeout=0), 'idle_timeout must be between 1 and 60'),
    (dict(name=' '), 'name must not be empty'),
    (dict(name=None), 'Set name'),
    (dict(rules=[rule('a', '/')] * 2), "rules[0] and rules[1] have the same domain 'a' and path '/'"),
    (dict(rules=[rule('d%d' % i, '/') for i in range(41)]), 'rules lists 41 rules to keep; an ingress holds at most 40'),
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
    # domains are case-insensitive; wildcards and paths as SAE's console guide allows them
    (dict(rules=[rule('www.example.com', '/'), rule('WWW.Example.com', '/')]),
     "rules[0] and rules[1] have the same domain 'www.example.com' and path '/' ('www.example.com' and "
     "'WWW.Example.com': domains are case-insensitive)"),
    (dict(rules=[rule('a.example.com', '/'), rule('www.*.example.com', '/')]),
     "rules[1] (domain 'www.*.example.com', path '/'): the only wildcard domain SAE accepts is a leading \"*.\" label"),
    (dict(rules=[rule('*example.com', '/')]), "rules[0] (domain '*example.com', path '/'): the only wildcard"),
    (dict(rules=[rule('*.*.example.com', '/')]), 'the only wildcard domain'),
    (dict(rules=[rule('*', '/')]), 'the only wildcard domain'),
    (dict(rules=[rule('a.example.com', 'api')]),
     "rules[0] (domain 'a.example.com', path 'api'): a path starts with \"/\" and has 1 to 80 characters (this one has 3)"),
    (dict(rules=[rule('a.example.com', '/' + 'x' * 80)]), 'has 1 to 80 characters (this one has 81)'),
])
def test_static_validation_names_the_option(kwargs, fragment):
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_static(params(**kwargs))
    assert fragment in str(err.value)


def test_static_validation_of_a_delete_checks_only_the_identity():
    validate.validate_static(params(state='absent', listener_port=0))
    with pytest.raises(validate.IngressInputError):
        validate.validate_static(params(state='absent', name=None))


@pytest.mark.parametrize('kwargs, named', [
    (dict(rules=[rule('a.example.com', '/')]), 'rules describes'),
    (dict(purge_rules=False), 'purge_rules describes'),
    (dict(default_rule={'app_id': APP, 'container_port': 8080}, request_timeout=30, cert_id=''),
     'cert_id, request_timeout, default_rule describe'),
    (dict(load_balance_type='clb', cors_config={'enable': True}, zone_mappings=[]),
     'load_balance_type, cors_config, zone_mappings describe'),
])
def test_a_delete_with_options_of_an_ingress_to_keep_is_refused(kwargs, named):
    """state: absent deletes the whole ingress: what describes an ingress to keep means another task, which the message
    names (per-rule state to remove rules)."""
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_static(params(state='absent', **kwargs))
    assert named in str(err.value)
    assert 'state: absent deletes the whole ingress, found by namespace_id, name, ingress_id, slb_id, listener_port' in str(err.value)
    assert 'list those rules in rules with state: absent' in str(err.value)


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
    wanted = shape.normalize_wanted(params(**kwargs))
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_effective(wanted, shape.normalize_live(live) if live else None)
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
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_load_balancer(shape.normalize_wanted(params(**kwargs)))
    assert fragment in str(err.value)


def test_type_unknown_from_the_task_defers_to_the_live_ingress():
    wanted = shape.normalize_wanted(params(slb_id=None, cert_ids=['x'], listener_protocol='HTTPS'))
    validate.validate_load_balancer(wanted)
    validate.validate_effective(wanted, shape.normalize_live(dict(DESCRIBE, LoadBalanceType='alb')))
    with pytest.raises(validate.IngressInputError):
        validate.validate_effective(wanted, shape.normalize_live(DESCRIBE))


def test_immutable_conflicts_name_field_live_and_wanted():
    live = shape.normalize_live(DESCRIBE)
    conflicts = validate.immutable_conflicts(live, shape.normalize_wanted(params(slb_id='lb-2', load_balance_type='alb')))
    assert conflicts == [('slb_id', 'lb-1', 'lb-2'), ('load_balance_type', 'clb', 'alb')]
    message = validate.immutable_message(conflicts)
    assert 'slb_id (live: lb-1, wanted: lb-2)' in message and 'load_balance_type (live: clb, wanted: alb)' in message
    assert validate.immutable_conflicts(live, shape.normalize_wanted(params())) == []


@pytest.mark.parametrize('kwargs', [
    dict(slb_id='alb-1', listener_protocol='HTTPS', cert_ids=['c'], rules=[rule('a', '/', backend_protocol='grpc')]),
    dict(slb_id='alb-1', rules=[rule('a', '/', backend_protocol='https')]),  # listener protocol known once read
    dict(slb_id='lb-1', rules=[rule('a', '/', backend_protocol='http')]),
])
def test_backend_protocol_allowed_where_reported_or_not_yet_known(kwargs):
    validate.validate_load_balancer(shape.normalize_wanted(params(**kwargs)))


@pytest.mark.parametrize('domain, path', [
    ('*.example.com', '/'), ('WWW.Example.com', '/api'), ('a.example.com', '/' + 'x' * 79),
])
def test_wildcards_and_paths_sae_accepts_pass(domain, path):
    validate.validate_static(params(rules=[rule(domain, path)]))


def test_rules_differing_only_in_domain_case_are_one_rule():
    """The live rule the service stores lower-case is the rule the task writes in capitals: no change."""
    live = dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], Domain='www.example.com')])
    changes = changes_for(live, rules=[rule('WWW.Example.com', '/')])
    assert changes == {}
    kept = changes_for(live, purge=False, rules=[rule('WWW.EXAMPLE.COM', '/', port=9090)])
    assert [(r['domain'], r['container_port']) for r in kept['rules']] == [('www.example.com', 9090)]


def test_identity_is_documented_as_the_code_decides():
    """ansible-doc says what validate_static allows: the listener identifies, creates and deletes an ingress."""
    import yaml  # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.modules import sae_ingress  # pylint: disable=import-outside-toplevel
    doc = yaml.safe_load(sae_ingress.DOCUMENTATION)
    assert 'required to create' not in ' '.join(doc['options']['name']['description'])
    description = ' '.join(doc['description'])
    assert 'the task needs one of O(name), O(ingress_id), or O(slb_id) with O(listener_port)' in description
    assert 'the listener finds, creates (without a name) and deletes the ingress on it' in description
    assert 'by its listener, O(slb_id) with O(listener_port)' in description
    listener = dict(name=None, slb_id='lb-1', listener_port=80)
    validate.validate_static(params(default_rule=dict(app_id=APP, container_port=8080), **listener))
    validate.validate_static(params(state='absent', **listener))
