# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingresses end to end against the SAE emulator: many ingresses of one namespace in one task, with the
emulator's request log as witness of the one listing per task and of every write."""

from __future__ import annotations

import pytest

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

MODULE = 'alibabacloud.sae.sae_ingresses'
# Exact call counts: a ListIngresses that reports TotalSize (harness.PAGING_WITH_TOTAL), 50 rows a page.
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)


def entry(args, **changes):
    """An entry of ingresses: the options of a sae_ingress task without namespace_id."""
    return dict(dict((key, value) for key, value in args.items() if key != 'namespace_id'), **changes)


def without(args, *keys):
    return dict((key, value) for key, value in args.items() if key not in keys)


WEB, SHOP = entry(CLB), entry(ALB)
API = entry(CLB, name='api', listener_port=81,
            rules=[{'domain': 'api.example.com', 'path': '/', 'app_id': inv.APP_API_ID, 'container_port': 8080}])


def batch(entries, check_mode=False, diff=False, **options):
    """One sae_ingresses task over NS (module ``options`` besides ingresses), its result registered as `r`."""
    return task(dict({'namespace_id': NS, 'ingresses': entries}, **options), name='sae ingresses', module=MODULE,
                check_mode=check_mode, diff=diff)


def team(number):
    """The ingress of a large namespace: module options of a sae_ingress task."""
    return dict(CLB, name='team-%03d' % number, listener_port=1000 + number)


def changed_names(result):
    return [item['ingress'].get('name') or item['diff']['before']['name'] for item in result['ingresses']
            if item['changed']]


# -- create, converge, nothing to do ---------------------------------------------------------------

def test_create_several_after_a_check_then_nothing_to_do(run_tasks, emulator):
    run = run_tasks([batch([WEB, SHOP, API], check_mode=True, diff=True), batch([WEB, SHOP, API]),
                     batch([WEB, SHOP, API])])
    check, created, again = run.results
    assert check['changed'] and created['changed'] and not again['changed'], run
    assert [item['index'] for item in created['ingresses']] == [0, 1, 2]
    assert [item['changed'] for item in check['ingresses']] == [True, True, True]
    # check mode predicted each ingress as the create made it, the ids the service assigns aside
    for predicted, made in zip(check['ingresses'], created['ingresses']):
        assert dict(predicted['ingress'], id=made['ingress']['id']) == made['ingress']
    assert check['diff'] == {'before': {}, 'after': dict((item['ingress']['name'], item['diff']['after'])
                                                         for item in check['ingresses'])}
    ops = operations(emulator)
    assert ops == ['ListIngresses', 'ListIngresses'] + ['CreateIngress'] * 3 + ['ListIngresses'], ops
    assert sorted(i['Description'] for i in emulator.ingresses.values()) == ['api', 'shop', 'web']
    assert [item['ingress']['id'] for item in again['ingresses']] == [item['ingress']['id']
                                                                      for item in created['ingresses']]
    assert 'diff' not in again['ingresses'][0] and again['diff'] == {'before': {}, 'after': {}}


def test_a_rerun_of_120_ingresses_reads_three_pages_and_nothing_else(run_tasks, emulator):
    fleet = [team(number) for number in range(120)]
    for args in fleet:
        seed(emulator, args)
    emulator.clear_log()
    result = run_tasks(batch([entry(args) for args in fleet])).result
    assert result['changed'] is False and not result['failed'], result
    assert len(result['ingresses']) == 120 and not [item for item in result['ingresses'] if item['changed']]
    assert operations(emulator) == ['ListIngresses'] * 3


def test_one_change_among_200_costs_the_four_pages_and_one_update(run_tasks, emulator):
    fleet = [team(number) for number in range(200)]
    for args in fleet:
        seed(emulator, args)
    emulator.clear_log()
    entries = [entry(args) for args in fleet]
    entries[117]['request_timeout'] = 30
    result = run_tasks(batch(entries)).result
    assert result['changed'] is True, result
    assert changed_names(result) == ['team-117']
    assert result['diff']['before']['team-117']['request_timeout'] == 60
    assert result['diff']['after']['team-117']['request_timeout'] == 30
    assert operations(emulator) == ['ListIngresses'] * 4 + ['UpdateIngress']
    assert [e['ingress_id'] for e in writes(emulator)] == [result['ingresses'][117]['ingress']['id']]


def test_only_an_entry_whose_row_lacks_an_option_is_described_and_only_once(run_tasks, emulator):
    for args in (CLB, ALB, dict(CLB, name='api', listener_port=81)):
        seed(emulator, args)
    emulator.clear_log()
    entries = [WEB, entry(ALB, security_policy_id='tls_cipher_policy_1_2'), entry(CLB, name='api', listener_port=81)]
    run = run_tasks([batch(entries, check_mode=True), batch(entries), batch(entries)])
    check, changed, again = run.results
    assert check['changed'] and changed['changed'] and not again['changed'], run
    assert changed_names(changed) == ['shop']
    assert changed['ingresses'][1]['ingress']['security_policy_id'] == 'tls_cipher_policy_1_2'
    # the plan's DescribeIngress serves the write of the same run: one each time, never two
    assert operations(emulator) == ['ListIngresses', 'DescribeIngress'] * 2 + ['UpdateIngress'] + [
        'ListIngresses', 'DescribeIngress']


def test_albs_sae_provisions_are_described_and_checked_for_twins_once_for_the_task(run_tasks, emulator):
    albs = [{'name': name, 'load_balance_type': 'alb', 'listener_port': 80, 'rules': API['rules'],
             'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080}} for name in ('edge-a', 'edge-b')]
    result = run_tasks(batch(albs)).result
    assert result['changed'] and not result.get('warnings'), result
    assert all(item['ingress']['slb_id'].startswith('alb-') for item in result['ingresses'])
    assert operations(emulator) == ['ListIngresses'] + ['CreateIngress', 'DescribeIngress'] * 2 + ['ListIngresses']


# -- purge and absent --------------------------------------------------------------------------------

def test_purge_shows_each_ingress_in_check_mode_first_then_deletes_them_but_gateway_routes(run_tasks, emulator):
    web, shop, api = seed(emulator, CLB), seed(emulator, ALB), seed(emulator, dict(CLB, name='api', listener_port=81))
    route = emulator.seed_gateway_route(NamespaceId=NS, Description='gw', MseGatewayId='gw-0a1b2c3d4e5f',
                                        MseGatewayPort='8080', MseGatewayProtocol='HTTP')
    emulator.clear_log()
    run = run_tasks([batch([WEB], purge=True, check_mode=True, diff=True), batch([WEB], purge=True),
                     batch([WEB], purge=True)])
    check, purged, again = run.results
    assert check['changed'] and purged['changed'] and not again['changed'], run
    for result in (check, purged):
        assert [(item['index'], item['purged'], item['changed']) for item in result['ingresses']] == [
            (0, False, False), (None, True, True), (None, True, True)]
        assert [item['diff']['before']['id'] for item in result['ingresses'][1:]] == sorted([shop, api])
        assert sorted(result['diff']['before']) == ['api', 'shop'] and result['diff']['after'] == {}
        assert result['ingresses'][1]['ingress'] == {}
    assert [e['operation'] for e in writes(emulator)] == ['DeleteIngress', 'DeleteIngress']
    assert sorted(emulator.ingresses) == sorted([web, route])
    assert operations(emulator)[-1:] == ['ListIngresses'] and len(again['ingresses']) == 1


def test_absent_deletes_the_listed_ingresses_and_leaves_the_rest(run_tasks, emulator):
    web, shop = seed(emulator, CLB), seed(emulator, ALB)
    emulator.clear_log()
    entries = [{'name': 'web'}, {'name': 'gone'}, {'ingress_id': 999999}]
    run = run_tasks([batch(entries, state='absent', check_mode=True), batch(entries, state='absent'),
                     batch(entries, state='absent')])
    check, deleted, again = run.results
    assert [item['changed'] for item in check['ingresses']] == [True, False, False], check
    assert [item['changed'] for item in deleted['ingresses']] == [True, False, False], deleted
    assert not again['changed'] and deleted['diff']['before']['web']['id'] == web
    assert operations(emulator) == ['ListIngresses', 'ListIngresses', 'DeleteIngress', 'ListIngresses']
    assert list(emulator.ingresses) == [shop]


def test_deletions_go_first_and_free_the_listener_a_new_entry_takes(run_tasks, emulator):
    old = seed(emulator, dict(CLB, name='old'))
    emulator.clear_log()
    result = run_tasks(batch([API, WEB], purge=True)).result
    assert not result['failed'] and [item['changed'] for item in result['ingresses']] == [True, True, True], result
    assert result['ingresses'][2]['purged'] and result['ingresses'][2]['diff']['before']['id'] == old
    assert [e['operation'] for e in writes(emulator)] == ['DeleteIngress', 'CreateIngress', 'CreateIngress']
    assert sorted(i['Description'] for i in emulator.ingresses.values()) == ['api', 'web']


def test_an_entry_state_overrides_the_module_state(run_tasks, emulator):
    seed(emulator, CLB)
    result = run_tasks(batch([{'name': 'web', 'state': 'absent'}, API])).result
    assert [item['changed'] for item in result['ingresses']] == [True, True], result
    assert [e['operation'] for e in writes(emulator)] == ['DeleteIngress', 'CreateIngress']
    assert sorted(i['Description'] for i in emulator.ingresses.values()) == ['api']


def test_an_entry_removes_one_rule_and_keeps_the_others(run_tasks, emulator):
    web = seed(emulator, CLB)
    emulator.clear_log()
    gone = {'domain': 'WWW.example.com', 'path': '/api', 'state': 'absent'}  # domains match case-insensitively
    entries = [{'name': 'web', 'purge_rules': False, 'rules': [gone]}]
    check, removed, again = run_tasks([batch(entries, check_mode=True, diff=True), batch(entries), batch(entries)]).results
    assert check['changed'] and removed['changed'] and not again['changed'], (check, removed, again)
    assert [(r['domain'], r['path']) for r in check['ingresses'][0]['diff']['after']['rules']] == [('www.example.com', '/')]
    assert [(r['Domain'], r['Path']) for r in emulator.ingresses[web]['Rules']] == [('www.example.com', '/')]
    # one listing per task, the one update, and its read-back (the entry merges rules)
    assert operations(emulator) == ['ListIngresses', 'ListIngresses', 'UpdateIngress', 'DescribeIngress',
                                    'ListIngresses']


def test_a_deleted_entry_with_options_of_an_ingress_to_keep_fails_before_any_call(run_tasks, emulator):
    seed(emulator, CLB)
    emulator.clear_log()
    result = run_tasks(batch([{'name': 'web', 'state': 'absent', 'purge_rules': False,
                               'rules': [{'domain': 'www.example.com', 'path': '/api', 'state': 'absent'}]}])).result
    assert result['failed'] and 'ingresses[0] (name web)' in result['msg'], result
    assert 'state: absent deletes the whole ingress' in result['msg'], result['msg']
    assert 'use state: present and list those rules in rules with state: absent' in result['msg']
    assert operations(emulator) == [] and len(emulator.ingresses) == 1


# -- input errors: every entry checked before any write ----------------------------------------------

@pytest.mark.parametrize('entries, fragments', [
    ([WEB, entry(ALB, request_timeout=500)], ['ingresses[1] (name shop): request_timeout must be between 1 and 180']),
    ([entry(CLB, listener_port=0), without(entry(ALB, cert_id='c'), 'cert_ids')],
     ['ingresses[0] (name web): listener_port must be between', 'ingresses[1] (name shop): cert_id is for CLB']),
    ([WEB, entry(ALB, name='web')], ['ingresses[1] (name web) has the same name', 'as ingresses[0] (name web)']),
    ([WEB, entry(API, name='web2', listener_port=80)],
     ['ingresses[0] (name web) and ingresses[1] (name web2) would both hold listener_port 80 of lb-2zeclbinternet001']),
    ([{'slb_id': inv.CLB_SPARE_ID, 'listener_port': 90}] * 2, ['has the same listener (listener_port 90 of slb_id']),
    ([{'request_timeout': 30}], ['ingresses[0]: Set name']),
])
def test_input_errors_of_every_entry_fail_before_any_write(run_tasks, emulator, entries, fragments):
    result = run_tasks(batch(entries)).result
    assert result['failed'] is True, result
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']
    assert writes(emulator) == [] and emulator.ingresses == {}
    assert all(item['failed'] and item['msg'].startswith('ingresses[') for item in result['ingresses'])


def test_input_errors_the_listing_reveals_fail_before_any_write(run_tasks, emulator):
    web = seed(emulator, CLB)
    twin = seed(emulator, dict(ALB, name='twin'))
    seed(emulator, dict(ALB, name='twin', listener_port=444))
    emulator.clear_log()
    entries = [API, entry(CLB, slb_id=inv.CLB_SPARE_ID), {'name': 'twin', 'request_timeout': 30},
               {'ingress_id': web, 'request_timeout': 30}, {'ingress_id': twin + 1000, 'request_timeout': 30}]
    result = run_tasks(batch(entries)).result
    assert result['failed'] is True, result
    msg = result['msg']
    assert 'ingresses[1] (name web): These fields cannot change' in msg and 'slb_id (live: lb-2zeclbinternet001' in msg
    assert "ingresses[2] (name twin): 2 ingresses in cn-beijing:demo are named 'twin'" in msg
    assert 'ingresses[3] (ingress_id %d) means ingress %d' % (web, web) in msg
    assert 'ingresses[4] (ingress_id %d): No ingress of cn-beijing:demo has ingress_id' % (twin + 1000) in msg
    assert [item['index'] for item in result['ingresses']] == [1, 2, 3, 4]
    assert len(result['ingresses'][1]['ingress_ids']) == 2
    # the one new entry, valid, was not created: one listing, no write
    assert operations(emulator) == ['ListIngresses']


def test_a_rule_that_is_present_needs_its_port(run_tasks, emulator):
    rules = [{'domain': 'www.example.com', 'path': '/', 'app_id': inv.APP_WEB_ID}]
    result = run_tasks(batch([entry(CLB, rules=rules)])).result
    assert result['failed'] and 'container_port' in result['msg'] and 'ingresses' in result['msg'], result
    assert operations(emulator) == []


# -- API failures: one entry's failure does not hide the others' results -----------------------------

def test_a_refused_write_fails_its_entry_and_the_others_converge(run_tasks, emulator):
    seed(emulator, CLB)
    emulator.clear_log()
    emulator.faults.arm('error', operation='CreateIngress', code='SSLCert.NotFound', status=400,
                        message='The certificate does not exist.')
    entries = [entry(CLB, request_timeout=30), SHOP, API]
    run = run_tasks([batch(entries), batch(entries)])
    failed, rerun = run.results
    assert failed['failed'] is True and failed['changed'] is True, failed
    assert failed['msg'].startswith('1 of 3 ingresses failed (2 changed): ingresses[1] (name shop): CreateIngress '
                                    'failed: SSLCert.NotFound'), failed['msg']
    web, shop, api = failed['ingresses']
    assert web['changed'] and web['ingress']['request_timeout'] == 30 and api['changed'] and api['ingress']['id']
    assert shop['failed'] and not shop['changed'] and shop['error']['code'] == 'SSLCert.NotFound'
    assert shop['error']['operation'] == 'CreateIngress' and shop['ingress'] == {} and 'Hint' in shop['msg']
    assert sorted(failed['diff']['after']) == ['api', 'web']
    # the next run creates the one that failed, and only it
    assert not rerun['failed'] and changed_names(rerun) == ['shop'], rerun
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress'] + ['CreateIngress'] * 3
    assert sorted(i['Description'] for i in emulator.ingresses.values()) == ['api', 'shop', 'web']


def test_a_failed_listing_fails_the_task_with_its_error(run_tasks, emulator):
    emulator.faults.arm('error', operation='ListIngresses', code='InvalidNamespaceId.NotFound')
    result = run_tasks(batch([WEB])).result
    assert result['failed'] and result['error']['code'] == 'InvalidNamespaceId.NotFound', result
    assert 'ListIngresses failed' in result['msg'] and operations(emulator) == ['ListIngresses']


# -- application names ---------------------------------------------------------------------------------

def by_name(args):
    named = entry(args, default_rule=dict(args['default_rule'], app_id=None, app_name=inv.APP_WEB_NAME))
    named['rules'] = [dict(rule, app_id=None, app_name=inv.APP_API_NAME) for rule in args['rules']]
    return named


def test_names_of_every_entry_are_resolved_with_one_listapplications(run_tasks, emulator):
    entries = [by_name(CLB), by_name(ALB), by_name(dict(CLB, name='api', listener_port=81))]
    run = run_tasks([batch(entries, check_mode=True), batch(entries), batch(entries)])
    check, created, again = run.results
    assert check['changed'] and created['changed'] and not again['changed'], run
    assert operations(emulator) == ['ListIngresses', 'ListApplications', 'ListIngresses', 'ListApplications'] + [
        'CreateIngress'] * 3 + ['ListIngresses']
    assert {item['ingress']['default_rule']['app_id'] for item in created['ingresses']} == {inv.APP_WEB_ID}


def test_an_unknown_application_name_fails_before_any_write(run_tasks, emulator):
    bad = by_name(ALB)
    bad['rules'][0]['app_name'] = 'no-such-app'
    result = run_tasks(batch([by_name(CLB), bad])).result
    assert result['failed'] and "ingresses[1] (name shop): rules[0].app_name 'no-such-app'" in result['msg'], result
    assert operations(emulator) == ['ListIngresses', 'ListApplications']
