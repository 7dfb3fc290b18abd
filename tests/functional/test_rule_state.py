# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules one at a time: the per-rule ``state`` of sae_ingress, a delete that takes only what finds the ingress and
says what it deleted, domains checked before any call, the rules sae_ingress_info returns written back as they are,
and its ``routes``. The emulator's request log is the witness of every call."""

from __future__ import annotations

import json
import os
import re
import textwrap

import pytest
import yaml

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

# Exact call counts, as the documented service answers (with TotalSize).
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)

INFO = 'alibabacloud.sae.sae_ingress_info'
API = {'domain': 'www.example.com', 'path': '/api', 'state': 'absent'}
REDIRECT = [{'actionType': 'redirect', 'actionConfig': '{"host":"www.example.org","httpCode":"301"}'}]


def sent_rules(entry):
    """The (domain, path) pairs an UpdateIngress or CreateIngress of the log sent."""
    return [(rule.get('domain'), rule.get('path')) for rule in json.loads(entry['params']['Rules'])]


def live_rules(emulator, ingress_id):
    return [(rule['Domain'], rule['Path']) for rule in emulator.ingresses[ingress_id]['Rules']]


# -- state: absent in rules ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('purge', [False, True], ids=['keep-others', 'purge'])
def test_an_absent_entry_removes_its_rule_check_diff_then_once(run_tasks, emulator, purge):
    ingress_id = seed(emulator)
    emulator.clear_log()
    # purge_rules: false, the entry alone; purge_rules: true, the rule to keep listed beside it
    rules = [API] if not purge else [CLB['rules'][0], dict(API, domain='WWW.Example.COM')]
    args = {'namespace_id': NS, 'name': 'web', 'purge_rules': purge, 'rules': rules}
    run = run_tasks([task(args, check_mode=True), task(args), task(args)], diff=True)
    check, changed, again = run.results
    assert check['changed'] and changed['changed'] and not again['changed'], run
    for result in (check, changed, again):
        assert [(r['domain'], r['path']) for r in result['ingress']['rules']] == [('www.example.com', '/')]
    assert [(r['domain'], r['path']) for r in check['diff']['before']['rules']] == [
        ('www.example.com', '/'), ('www.example.com', '/api')]
    assert [(r['domain'], r['path']) for r in check['diff']['after']['rules']] == [('www.example.com', '/')]
    update = writes(emulator)
    assert [e['operation'] for e in update] == ['UpdateIngress']  # none in check mode, none the second time
    assert sent_rules(update[0]) == [('www.example.com', '/')]
    assert live_rules(emulator, ingress_id) == [('www.example.com', '/')]


def test_an_absent_entry_for_a_rule_not_there_changes_nothing(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    gone = {'domain': 'old.example.com', 'path': '/', 'state': 'absent'}
    run = run_tasks([task({'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [gone]}),
                     task(dict(CLB, rules=CLB['rules'] + [gone]))])
    assert [(r['changed'], r['failed']) for r in run.results] == [(False, False), (False, False)], run
    assert writes(emulator) == []


def test_rules_added_and_removed_in_one_update(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.clear_log()
    admin = {'domain': 'admin.example.com', 'path': '/', 'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}
    args = {'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [admin, API]}
    run = run_tasks([task(args), task(args)])
    assert [r['changed'] for r in run.results] == [True, False], run
    assert live_rules(emulator, ingress_id) == [('www.example.com', '/'), ('admin.example.com', '/')]
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']


@pytest.mark.parametrize('rules, fragment', [
    ([CLB['rules'][1], API], "rules[0] and rules[1] have the same domain 'www.example.com' and path '/api' (one to keep, "
                             "one with state: absent)"),
    ([{'domain': 'www.example.com', 'path': '/x', 'app_id': inv.APP_WEB_ID}],
     'rules[0] (app_id %s) needs container_port' % inv.APP_WEB_ID),
    ([{'domain': 'www.example.com', 'path': '/x', 'container_port': 8080}], 'rules[0] needs app_id or app_name'),
    ([{'path': '/x', 'state': 'absent'}], 'rules[0] (state absent) needs domain'),
])
def test_entries_that_cannot_work_fail_before_any_call(run_tasks, emulator, rules, fragment):
    seed(emulator)
    emulator.clear_log()
    result = run_tasks(task({'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': rules})).result
    assert result['failed'] and fragment in result['msg'], result
    assert emulator.log == []


@pytest.mark.parametrize('empty_rules', ['accepted', 'refused'])
def test_removing_the_last_rule_is_the_services_call(run_tasks, emulator_factory, empty_rules):
    emulator = emulator_factory(variants=harness.variants_with(empty_rules=empty_rules, **harness.PAGING_WITH_TOTAL))
    ingress_id = seed(emulator, dict(CLB, rules=CLB['rules'][:1]))
    last = dict(API, path='/')
    args = {'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [last]}
    run = run_tasks([task(args, check_mode=True), task(args)], emulator=emulator)
    check, real = run.results
    assert check['changed'] and check['ingress']['rules'] == [], check  # check mode cannot know the service's answer
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']
    if empty_rules == 'accepted':
        assert real['changed'] and real['ingress']['rules'] == [], real
        assert live_rules(emulator, ingress_id) == []
    else:
        assert real['failed'] and real['error']['code'] == 'InvalidParameter.NotEmpty', real
        assert ('SAE refused an ingress with no rules (it may need at least one), and this task leaves the ingress with '
                'none (its entries with state: absent remove the last rules): keep or add a rule in rules. '
                'Nothing was changed.') in real['msg']
        assert live_rules(emulator, ingress_id) == [('www.example.com', '/')]


# -- state: absent of the whole ingress ------------------------------------------------------------------------------

@pytest.mark.parametrize('extra, named', [
    ({'rules': [API]}, 'rules describes an ingress to keep'),
    ({'purge_rules': False}, 'purge_rules describes'),
    ({'default_rule': CLB['default_rule'], 'listener_protocol': 'HTTP'}, 'listener_protocol, default_rule describe'),
])
def test_a_delete_with_options_of_an_ingress_to_keep_fails_before_any_call(run_tasks, emulator, extra, named):
    ingress_id = seed(emulator)
    emulator.clear_log()
    result = run_tasks(task(dict({'namespace_id': NS, 'name': 'web', 'state': 'absent'}, **extra))).result
    assert result['failed'] and named in result['msg'], result
    assert 'use state: present and list those rules in rules with state: absent' in result['msg']
    assert emulator.log == [] and ingress_id in emulator.ingresses


def test_a_delete_says_which_ingress_it_deleted_without_diff(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.clear_log()
    by_listener = {'namespace_id': NS, 'slb_id': CLB['slb_id'], 'listener_port': 80, 'state': 'absent'}
    run = run_tasks([task(by_listener, check_mode=True), task(by_listener), task(by_listener)])
    check, deleted, again = run.results
    assert check['deleted'] == deleted['deleted'] == {'id': ingress_id, 'name': 'web'}, run
    assert check['ingress'] == deleted['ingress'] == {}
    assert again['deleted'] == {} and not again['changed']
    assert [e['operation'] for e in writes(emulator)] == ['DeleteIngress']


# -- a service error read as "no rules" only when it is about the rules ---------------------------------------------

@pytest.mark.parametrize('empty_rules', ['accepted', 'refused'])
def test_an_application_name_in_app_id_gets_the_app_name_hint(run_tasks, emulator_factory, empty_rules):
    emulator = emulator_factory(variants=harness.variants_with(empty_rules=empty_rules))
    args = {k: v for k, v in CLB.items() if k != 'rules'}
    args['default_rule'] = {'app_id': inv.APP_WEB_NAME, 'container_port': 8080}
    result = run_tasks(task(args), emulator=emulator).result
    assert result['failed'], result
    assert ("CreateIngress (default_rule.app_id 'demo-web': not an application id, which looks like "
            "395b60e4-0550-458d-9c54-a265d0361a01; to route to an application by its name, write app_name instead of "
            "app_id) failed") in result['msg']
    # Where the service refuses the empty rule list first, the task hears of both; else only of the application.
    assert ('SAE refused an ingress with no rules' in result['msg']) is (empty_rules == 'refused'), result
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress'] and emulator.ingresses == {}


# -- domains ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('domain, fragment', [
    ('https://api.example.com', "has a scheme: write 'api.example.com' instead"),
    ('api.example.com:8080', "has a port: write 'api.example.com' instead"),
    ('api.example.com/v1', "has a path: write 'api.example.com' instead"),
    ('api .example.com', "has spaces: write 'api.example.com' instead"),
    ('a..example.com', "has an empty label (a dot at either end, or two in a row): write 'a.example.com' instead"),
    ('.example.com', "has an empty label"),
    ('example.com.', "has an empty label"),
])
def test_a_domain_that_is_no_host_name_fails_before_any_call(run_tasks, emulator, domain, fragment):
    rule = dict(CLB['rules'][0], domain=domain)
    absent = dict(API, domain=domain)
    run = run_tasks([task(dict(CLB, rules=[rule])), task({'namespace_id': NS, 'name': 'web', 'purge_rules': False,
                                                          'rules': [absent]})])
    for result, label in zip(run.results, ('rules[0] (domain %r, path \'/\')' % domain,
                                           'rules[0] (domain %r, path \'/api\')' % domain)):
        assert result['failed'] and '%s: a domain is a host name alone' % label in result['msg'], result
        assert fragment in result['msg']
    assert emulator.log == []


def test_a_wildcard_domain_stays_valid(run_tasks, emulator):
    rule = dict(CLB['rules'][0], domain='*.example.com')
    result = run_tasks(task(dict(CLB, rules=[rule]))).result
    assert result['changed'] and result['ingress']['rules'][0]['domain'] == '*.example.com', result


# -- what sae_ingress_info returns is input --------------------------------------------------------------------------

def read_then_write(run_tasks, args, rules=None, **write):
    """sae_ingress_info of the ingress, then sae_ingress with its rules (``rules(read)`` when given) and default rule
    as they came: (the info result, the sae_ingress result)."""
    info = run_tasks(task({'namespace_id': NS, 'name': args['name']}, module=INFO)).result
    ingress = info['ingresses'][0]
    written = run_tasks(task(dict({'namespace_id': NS, 'name': args['name'], 'default_rule': ingress['default_rule'],
                                   'rules': rules(ingress['rules']) if rules else ingress['rules']}, **write))).result
    return info, written


@pytest.mark.parametrize('kind', ['clb', 'alb'])
def test_rules_read_with_the_info_module_are_written_back_unchanged(run_tasks, emulator, kind):
    args = {'clb': CLB, 'alb': ALB}[kind]
    seed(emulator, args)
    emulator.clear_log()
    info, write = read_then_write(run_tasks, args)
    rules = info['ingresses'][0]['rules']
    assert all(set(rule) >= {'app_name', 'backend_protocol', 'rewrite_path', 'rule_actions'} for rule in rules)
    if kind == 'clb':
        assert info['ingresses'][0]['default_rule']['backend_protocol'] is None
    assert not write['failed'] and not write['changed'], write
    assert operations(emulator) == ['ListIngresses', 'DescribeIngress', 'ListIngresses']


def test_rules_with_actions_are_written_back_and_their_actions_compared(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.set_rule_actions(ingress_id, 'www.example.com', '/', REDIRECT)
    emulator.clear_log()
    info, same = read_then_write(run_tasks, CLB)
    assert not same['failed'] and not same['changed'], same
    assert info['ingresses'][0]['rules'][0]['rule_actions'][0]['action_type'] == 'redirect'
    dropped = read_then_write(run_tasks, CLB, rules=lambda rules: [dict(rule, rule_actions=[]) for rule in rules],
                              purge_rules=False)[1]
    assert dropped['failed'], dropped
    assert ("rules[0] (domain 'www.example.com', path '/'): rule_actions none are not the live rule's ([redirect]), "
            "and the module cannot set or change rule actions") in dropped['msg']
    assert writes(emulator) == []


def test_app_id_and_app_name_that_name_two_applications_are_refused(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    # The live ingress says which application app_id is: refused with no other call.
    known = dict(CLB['rules'][0], app_name=inv.APP_API_NAME)
    result = run_tasks(task({'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [known]})).result
    assert result['failed'] and ("rules[0]: app_id %s and app_name 'demo-api' name different applications (app_id %s is "
                                 "application 'demo-web')" % (inv.APP_WEB_ID, inv.APP_WEB_ID)) in result['msg'], result
    assert operations(emulator) == ['ListIngresses']
    emulator.clear_log()
    # An application the ingress does not route to yet: its name is resolved before any write.
    new = {'domain': 'new.example.com', 'path': '/', 'app_id': inv.APP_ADMIN_ID, 'app_name': inv.APP_API_NAME,
           'container_port': 8080}
    result = run_tasks(task({'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [new]})).result
    assert result['failed'] and ("rules[0]: app_id %s and app_name 'demo-api' name different applications "
                                 "(application 'demo-api' has id %s)" % (inv.APP_ADMIN_ID, inv.APP_API_ID)) in result['msg']
    assert operations(emulator) == ['ListIngresses', 'ListApplications']
    emulator.clear_log()
    agreed = dict(new, app_name=inv.APP_ADMIN_NAME)
    result = run_tasks(task({'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': [agreed]})).result
    assert result['changed'] and not result['failed'], result
    # The rules merged into the live ones (purge_rules: false) are read back once after the write.
    assert operations(emulator) == ['ListIngresses', 'ListApplications', 'UpdateIngress', 'DescribeIngress']


@pytest.mark.long
def test_read_filter_write_in_a_playbook(play, emulator):
    """The round trip a user writes: sae_ingress_info, then sae_ingress with its rules filtered in Jinja."""
    ingress_id = seed(emulator, ALB)
    emulator.clear_log()
    run = play([
        {'name': 'read', INFO: {'namespace_id': NS, 'name': 'shop'}, 'register': 'info'},
        {'name': 'write', 'alibabacloud.sae.sae_ingress': {
            'namespace_id': NS, 'name': 'shop',
            'rules': "{{ info.ingresses[0].rules | rejectattr('path', 'equalto', '/v1/orders') }}",
            'default_rule': '{{ info.ingresses[0].default_rule }}'}, 'register': 'written'},
        {'name': 'again', 'alibabacloud.sae.sae_ingress': {
            'namespace_id': NS, 'name': 'shop',
            'rules': "{{ info.ingresses[0].rules | rejectattr('path', 'equalto', '/v1/orders') }}",
            'default_rule': '{{ info.ingresses[0].default_rule }}'}},
    ])
    read, written, again = run.results
    assert not read['failed'] and written['changed'] and not written['failed'], run
    assert not again['changed'] and not again['failed'], run
    update = writes(emulator)
    assert [e['operation'] for e in update] == ['UpdateIngress']
    assert sent_rules(update[0]) == [('shop.example.com', '/')]
    assert 'DefaultRule' not in update[0]['params']
    assert live_rules(emulator, ingress_id) == [('shop.example.com', '/')]


# -- routes ----------------------------------------------------------------------------------------------------------

def test_the_info_module_returns_one_route_per_rule(run_tasks, emulator):
    web = seed(emulator)
    shop = seed(emulator, ALB)
    result = run_tasks(task({'namespace_id': NS}, module=INFO)).result
    head = {'ingress_id': web, 'ingress_name': 'web', 'slb_id': CLB['slb_id'], 'listener_port': 80,
            'listener_protocol': 'HTTP'}
    assert result['routes'][:3] == [
        dict(head, domain='www.example.com', path='/', app_id=inv.APP_WEB_ID, app_name=inv.APP_WEB_NAME,
             container_port=8080),
        dict(head, domain='www.example.com', path='/api', app_id=inv.APP_API_ID, app_name=inv.APP_API_NAME,
             container_port=8443),
        dict(head, domain=None, path=None, app_id=inv.APP_WEB_ID, app_name=inv.APP_WEB_NAME, container_port=8080),
    ]
    assert [(r['ingress_id'], r['path']) for r in result['routes'][3:]] == [(shop, '/v1/orders'), (shop, '/'), (shop, None)]
    assert all(r['listener_port'] == 443 and r['listener_protocol'] == 'HTTPS' for r in result['routes'][3:])


@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # exact call counts
def test_the_application_info_module_returns_what_routes_to_the_applications(run_tasks, emulator):
    web = seed(emulator)
    shop = seed(emulator, ALB)
    emulator.clear_log()
    apps = 'alibabacloud.sae.sae_application_info'
    result = run_tasks(task({'namespace_id': NS, 'app_name': inv.APP_API_NAME, 'routes': True}, module=apps)).result
    # the rules of both ingresses that route to demo-api, as sae_ingress_info reports them; one listing read more
    everything = run_tasks(task({'namespace_id': NS}, module=INFO)).result['routes']
    assert result['routes'] == [route for route in everything if route['app_id'] == inv.APP_API_ID]
    assert [(r['ingress_id'], r['path']) for r in result['routes']] == [(web, '/api'), (shop, '/v1/orders')]
    assert operations(emulator)[:2] == ['ListApplications', 'ListIngresses']
    # without routes: no listing of ingresses, and no routes key
    emulator.clear_log()
    plain = run_tasks(task({'namespace_id': NS, 'app_name': inv.APP_API_NAME}, module=apps)).result
    assert 'routes' not in plain and operations(emulator) == ['ListApplications']


# -- the idempotency guide's playbooks -------------------------------------------------------------------------------

def guide_blocks():
    """The YAML code blocks of the idempotency guide, each a list of tasks."""
    with open(os.path.join(harness.COLLECTION_ROOT, 'docs', 'docsite', 'rst', 'idempotency.rst'), encoding='utf-8') as handle:
        text = handle.read()
    return [yaml.safe_load(textwrap.dedent(block))
            for block in re.findall(r'\.\. code-block:: yaml\n\n((?:   .*\n|\n)+)', text)]


def guide_tasks(marker):
    """The tasks of the guide's block that mentions ``marker``, on the emulator's namespace."""
    block = next(block for block in guide_blocks() if marker in json.dumps(block))
    return json.loads(json.dumps(block).replace('cn-beijing:prod', NS))


@pytest.mark.long
def test_the_guides_routes_table_prints_one_line_per_rule(play, emulator):
    seed(emulator)
    run = play(guide_tasks('namespace_routes'))
    assert run.rc == 0 and run.results[1]['msg'] == [
        'web        lb-2zeclbinternet001   80    www.example.com      /            -> demo-web:8080',
        'web        lb-2zeclbinternet001   80    www.example.com      /api         -> demo-api:8443',
        'web        lb-2zeclbinternet001   80    (default)                         -> demo-web:8080',
    ], run


@pytest.mark.long
def test_the_guides_read_filter_write_drops_one_rule(play, emulator):
    old = {'domain': 'www.example.com', 'path': '/old', 'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}
    ingress_id = seed(emulator, dict(CLB, rules=CLB['rules'] + [old]))
    emulator.clear_log()
    run = play(guide_tasks('rejectattr'))
    assert run.rc == 0 and run.results[1]['changed'], run
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']
    assert live_rules(emulator, ingress_id) == [('www.example.com', '/'), ('www.example.com', '/api')]
