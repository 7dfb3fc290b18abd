# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules one at a time, table-style: per-rule state in the wanted shape, the merged list and the changes; domains and
entries checked before any call; rule actions given back; the routes view; a service refusal read as "no rules" only
when it is about the rules."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_converge as converge
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_validate as validate
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError
from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.ingress_data import APP, APP2, DESCRIBE, params, rule, changes_for

API_RULE = ('a.example.com', '/api')


def absent(domain, path):
    return dict(domain=domain, path=path, state='absent')


def keys(rules):
    return [(r['domain'], r['path']) for r in rules]


# -- the wanted shape -----------------------------------------------------------------------------------------------

def test_an_absent_entry_is_its_domain_and_path_alone():
    assert shape.wanted_rule(dict(rule('A.Example.com', '/api'), state='absent')) == {
        'domain': 'a.example.com', 'path': '/api', 'state': 'absent'}
    wanted = shape.normalize_wanted(params(rules=[rule('a.example.com', '/'), absent(*API_RULE)]))
    assert keys(shape.present_rules(wanted['rules'])) == [('a.example.com', '/')]
    assert [shape.is_absent(r) for r in wanted['rules']] == [False, True]


def test_a_present_entry_keeps_its_shape_and_null_means_unset():
    given = dict(rule('a.example.com', '/'), state=None, app_name=None, backend_protocol=None, rewrite_path=None)
    assert shape.wanted_rule(given) == shape.wanted_rule(rule('a.example.com', '/')) == {
        'app_id': APP, 'app_name': None, 'container_port': 8080, 'domain': 'a.example.com', 'path': '/',
        'backend_protocol': None, 'rewrite_path': None}
    actions = [{'action_type': 'redirect', 'action_config': '{}'}]
    assert shape.wanted_rule(dict(given, rule_actions=actions))['rule_actions'] == actions


# -- the merged list and the changes --------------------------------------------------------------------------------

@pytest.mark.parametrize('purge, listed, expected', [
    (False, [absent(*API_RULE)], [('a.example.com', '/')]),
    (False, [absent('A.EXAMPLE.COM', '/api')], [('a.example.com', '/')]),  # matched case-insensitively
    (True, [rule('a.example.com', '/'), absent(*API_RULE)], [('a.example.com', '/')]),
    (True, [absent(*API_RULE)], []),  # purge: an absent entry is simply not kept, and nothing else is listed
    (False, [absent(*API_RULE), rule('b.example.com', '/', port=9090)], [('a.example.com', '/'), ('b.example.com', '/')]),
    (False, [absent(*API_RULE), absent('a.example.com', '/')], []),
])
def test_absent_entries_are_never_kept(purge, listed, expected):
    changes = changes_for(DESCRIBE, purge=purge, rules=listed)
    assert keys(changes['rules']) == expected


@pytest.mark.parametrize('purge', [False, True])
def test_an_absent_entry_for_a_missing_rule_changes_nothing(purge):
    listed = [absent('c.example.com', '/')] + ([rule('a.example.com', '/'), rule(*API_RULE, app=APP2, port=8443)]
                                               if purge else [])
    assert changes_for(DESCRIBE, purge=purge, rules=listed) == {}


def test_an_absent_entry_leaves_the_other_rules_as_they_are():
    changes = changes_for(DESCRIBE, purge=False, rules=[absent('a.example.com', '/')])
    assert changes['rules'] == [shape.normalize_live(DESCRIBE)['rules'][1]]


def test_the_merged_limit_counts_rules_to_keep_only():
    live = dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], Path='/%d' % i) for i in range(40)])
    changes = changes_for(live, purge=False, rules=[absent('a.example.com', '/0'), rule('b.example.com', '/')])
    assert len(changes['rules']) == 40


# -- checked before any call ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('domain, fragment', [
    ('https://api.example.com', "has a scheme: write 'api.example.com' instead"),
    ('api.example.com:8080', "has a port: write 'api.example.com' instead"),
    ('api.example.com/v1', "has a path: write 'api.example.com' instead"),
    ('api .example.com', "has spaces: write 'api.example.com' instead"),
    ('\tapi.example.com', "has spaces: write 'api.example.com' instead"),
    ('a..b.com', "has an empty label (a dot at either end, or two in a row): write 'a.b.com' instead"),
    ('.example.com', "has an empty label (a dot at either end, or two in a row): write 'example.com' instead"),
    ('example.com.', "has an empty label (a dot at either end, or two in a row): write 'example.com' instead"),
    ('HTTP://Api.Example.com:80/x', "has a scheme, a port and a path: write 'Api.Example.com' instead"),
    ('https://', 'has a scheme and an empty label (a dot at either end, or two in a row): write the host name instead'),
])
def test_a_domain_is_a_host_name_alone(domain, fragment):
    for entry in (rule(domain, '/'), absent(domain, '/')):
        with pytest.raises(validate.IngressInputError) as err:
            validate.validate_static(params(rules=[entry]))
        assert 'rules[0] (domain %r, path \'/\'): a domain is a host name alone, and this one %s' % (domain, fragment) \
            in str(err.value)


@pytest.mark.parametrize('domain', ['*.example.com', 'WWW.Example.COM', 'a-b.example.com', 'localhost', 'xn--fiq228c.com'])
def test_host_names_and_the_one_wildcard_pass(domain):
    validate.validate_static(params(rules=[rule(domain, '/'), absent(domain, '/x')]))


@pytest.mark.parametrize('entries, fragment', [
    ([rule(*API_RULE), absent('A.example.com', '/api')],
     "rules[0] and rules[1] have the same domain 'a.example.com' and path '/api' ('a.example.com' and 'A.example.com': "
     "domains are case-insensitive; one to keep, one with state: absent)"),
    ([absent(*API_RULE), absent(*API_RULE)], "rules[0] and rules[1] have the same domain 'a.example.com' and path '/api';"),
    ([dict(rule(*API_RULE), container_port=None)], "rules[0] (app_id app-1) needs container_port"),
    ([dict(rule(*API_RULE), app_id=None)], 'rules[0] needs app_id or app_name'),
    ([dict(domain='a.example.com', state='absent')], 'rules[0] (state absent) needs path'),
    ([absent(*API_RULE)] * 41, "rules[0] and rules[1] have the same domain"),
])
def test_entries_that_cannot_work(entries, fragment):
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_static(params(rules=entries))
    assert fragment in str(err.value)


def test_absent_entries_need_no_application_nor_port_and_do_not_count_to_40():
    entries = [rule('a.example.com', '/%d' % i) for i in range(40)] + [absent('a.example.com', '/gone')]
    validate.validate_static(params(rules=entries))


@pytest.mark.parametrize('live_actions, given, fragment', [
    ([], [{'action_type': 'redirect', 'action_config': '{}'}], "rule_actions [redirect] are not the live rule's (none)"),
    ([{'ActionType': 'redirect', 'ActionConfig': '{}'}], [], "rule_actions none are not the live rule's ([redirect])"),
])
def test_rule_actions_are_compared_never_set(live_actions, given, fragment):
    live = shape.normalize_live(dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], RuleActions=live_actions)]))
    wanted = shape.normalize_wanted(params(rules=[dict(rule('a.example.com', '/'), rule_actions=given)]))
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_effective(wanted, live)
    assert fragment in str(err.value) and 'the module cannot set or change rule actions' in str(err.value)
    same = shape.normalize_wanted(params(rules=[dict(rule('a.example.com', '/'), rule_actions=[
        {'action_type': a['ActionType'], 'action_config': a['ActionConfig']} for a in live_actions])]))
    validate.validate_effective(same, live)
    assert plan.compute_changes(live, plan.desired_values(live, same, False)) == {}


# -- routes ---------------------------------------------------------------------------------------------------------

def test_routes_are_one_row_per_rule_then_the_default_rule():
    rows = shape.routes(shape.result_from_live(shape.normalize_live(DESCRIBE)))
    head = {'ingress_id': 7, 'ingress_name': 'web', 'slb_id': 'lb-1', 'listener_port': 80, 'listener_protocol': 'HTTP'}
    assert rows == [
        dict(head, domain='a.example.com', path='/', app_id=APP, app_name='one', container_port=8080),
        dict(head, domain='a.example.com', path='/api', app_id=APP2, app_name='two', container_port=8443),
        dict(head, domain=None, path=None, app_id=APP, app_name='one', container_port=8080),
    ]
    assert all(tuple(row) == shape.ROUTE_KEYS for row in rows)
    assert shape.routes(shape.result_from_live({'id': 3})) == []


# -- what a refusal of the service is about -------------------------------------------------------------------------

def _refusal(code, message, operation='CreateIngress'):
    return SaeApiError(code, message, request_id='R', status=400, operation=operation)


@pytest.mark.parametrize('message, about_rules', [
    ('You must specify the parameter Rules.', True),
    ('The parameter is invalid {Rules}: rule list is empty', True),
    ('The parameter is invalid {DefaultRule.appId}: the application [demo-web] does not exist', False),
    ('default rule invalid', False),
    ('The specified parameter is invalid {NamespaceId}.', False),
])
def test_a_refusal_is_read_as_no_rules_only_when_it_is_about_the_rules(message, about_rules):
    failure = converge.no_rules_failure(_refusal('InvalidParameter.WithMessage', message), {'Rules': []})
    assert (failure is not None) is about_rules
    assert converge.no_rules_failure(_refusal('InvalidParameter.WithMessage', message), {'Rules': [{}]}) is None


def test_an_app_id_that_is_a_name_gets_the_app_name_hint_and_the_no_rules_detail_when_both_apply():
    wanted = shape.normalize_wanted(params(default_rule={'app_id': 'demo-web', 'container_port': 8080}))
    on_app = converge.write_failure(_refusal('InvalidParameter.WithMessage', 'The parameter is invalid '
                                             '{DefaultRule.appId}: the application [demo-web] does not exist'),
                                    {'Rules': []}, None, 'lb-1', 80, wanted)
    assert "default_rule.app_id 'demo-web': not an application id" in on_app.msg and on_app.detail is None
    on_rules = converge.write_failure(_refusal('InvalidParameter.NotEmpty', 'You must specify the parameter Rules.'),
                                      {'Rules': []}, None, 'lb-1', 80, wanted)
    assert "write app_name instead of app_id" in on_rules.msg
    assert on_rules.detail.startswith('SAE refused an ingress with no rules (it may need at least one)')
    by_id = shape.normalize_wanted(params(default_rule={'app_id': '395b60e4-0550-458d-9c54-a265d0361a01',
                                                        'container_port': 8080},
                                          rules=[absent(*API_RULE)]))
    removed = converge.write_failure(_refusal('InvalidParameter.NotEmpty', 'You must specify the parameter Rules.',
                                              'UpdateIngress'), {'Rules': []}, None, 'lb-1', 80, by_id)
    assert removed.msg is None and '(its entries with state: absent remove the last rules)' in removed.detail


def test_rule_actions_that_differ_in_configuration_only_are_named_so():
    live = shape.normalize_live(dict(DESCRIBE, Rules=[dict(DESCRIBE['Rules'][0], RuleActions=[
        {'ActionType': 'redirect', 'ActionConfig': '{"httpCode":"301"}'}])]))
    wanted = shape.normalize_wanted(params(rules=[dict(rule('a.example.com', '/'), rule_actions=[
        {'action_type': 'redirect', 'action_config': '{"httpCode":"302"}'}])]))
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_effective(wanted, live)
    assert "rule_actions [redirect] are not the live rule's ([redirect], configured otherwise)" in str(err.value)
