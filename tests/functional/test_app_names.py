# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applications by name: app_name in the rules of sae_ingress (resolved with one ListApplications read, only when a
create or a rule change needs it), app_name in every result and diff, the app_name filter of sae_ingress_info, and
sae_application_info. The emulator's request log is the witness of every call."""

from __future__ import annotations

import pytest

import sae_emulator
from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

# Exact call counts, as the documented service answers (with TotalSize); test_service_answers.py counts the
# listings of a service without it.
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)

APPS = 'alibabacloud.sae.sae_application_info'
# Whether the emulator of this run lists a canary application as a row of its own (canary_rows).
CANARY_ROWS = harness.VARIANTS['canary_rows'] == 'listed'
INFO = 'alibabacloud.sae.sae_ingress_info'

# CLB (harness) written with names: demo-web on / and the default rule, demo-api on /api.
BY_NAME = dict(
    CLB,
    default_rule={'app_name': inv.APP_WEB_NAME, 'container_port': 8080},
    rules=[
        {'domain': 'www.example.com', 'path': '/', 'app_name': inv.APP_WEB_NAME, 'container_port': 8080},
        {'domain': 'www.example.com', 'path': '/api', 'app_name': inv.APP_API_NAME, 'container_port': 8443},
    ],
)


def with_api_rule_on(app_name):
    rules = [dict(rule) for rule in BY_NAME['rules']]
    rules[1]['app_name'] = app_name
    return dict(BY_NAME, rules=rules)


def routed(emulator, ingress_id):
    record = emulator.ingresses[ingress_id]
    return [record['DefaultRule']['AppId']] + [rule['AppId'] for rule in record['Rules']]


def run_one(run_tasks, emulator, args, **kwargs):
    emulator.clear_log()
    run = run_tasks(task(args, module=kwargs.pop('module', 'alibabacloud.sae.sae_ingress')), emulator=emulator, **kwargs)
    return run.result, operations(emulator)


# -- the calls ---------------------------------------------------------------------------------------

def test_a_task_written_with_names_is_a_no_op_in_one_call(run_tasks, emulator):
    seed(emulator)  # created with ids
    result, ops = run_one(run_tasks, emulator, BY_NAME)
    assert result['changed'] is False and not result['failed'], result
    assert ops == ['ListIngresses']
    ingress = result['ingress']
    assert (ingress['default_rule']['app_id'], ingress['default_rule']['app_name']) == (inv.APP_WEB_ID, inv.APP_WEB_NAME)
    assert [(rule['app_id'], rule['app_name']) for rule in ingress['rules']] == [
        (inv.APP_WEB_ID, inv.APP_WEB_NAME), (inv.APP_API_ID, inv.APP_API_NAME)]


def test_an_update_of_another_option_reads_no_applications(run_tasks, emulator):
    seed(emulator)
    result, ops = run_one(run_tasks, emulator, dict(BY_NAME, request_timeout=30))
    assert result['changed'] is True and not result['failed'], result
    assert ops == ['ListIngresses', 'UpdateIngress']
    assert 'Rules' not in emulator.log[1]['params']


def test_an_update_of_the_rules_by_name_is_three_calls_and_reads_as_names(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.clear_log()
    run = run_tasks([task(with_api_rule_on(inv.APP_ADMIN_NAME), check_mode=True, diff=True),
                     task(with_api_rule_on(inv.APP_ADMIN_NAME), diff=True)])
    preview, switched = run.results
    assert preview['changed'] and switched['changed'] and not switched['failed'], run
    assert operations(emulator) == ['ListIngresses', 'ListApplications'] * 2 + ['UpdateIngress']
    assert routed(emulator, ingress_id) == [inv.APP_WEB_ID, inv.APP_WEB_ID, inv.APP_ADMIN_ID]
    # check mode predicted the ids and names the update produced
    assert preview['ingress'] == switched['ingress']
    assert switched['ingress']['rules'][1]['app_id'] == inv.APP_ADMIN_ID
    before, after = switched['diff']['before']['rules'][1], switched['diff']['after']['rules'][1]
    assert (before['app_name'], after['app_name']) == (inv.APP_API_NAME, inv.APP_ADMIN_NAME)
    described = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id})).result['ingress']
    assert (described['default_rule'], described['rules']) == (switched['ingress']['default_rule'], switched['ingress']['rules'])


def test_a_create_with_slb_id_by_name_is_three_calls(run_tasks, emulator):
    emulator.clear_log()
    run = run_tasks([task(BY_NAME, check_mode=True), task(BY_NAME)])
    check, created = run.results
    assert created['changed'] and not created['failed'], run
    assert operations(emulator) == ['ListIngresses', 'ListApplications'] * 2 + ['CreateIngress']
    assert dict(check['ingress'], id=created['ingress']['id']) == created['ingress']
    # demo-web is the application, not its canary of the same name nor demo-web-green
    assert routed(emulator, created['ingress']['id']) == [inv.APP_WEB_ID, inv.APP_WEB_ID, inv.APP_API_ID]
    described = run_tasks(task({'namespace_id': NS, 'ingress_id': created['ingress']['id']})).result['ingress']
    assert (created['ingress']['default_rule'], created['ingress']['rules']) == (described['default_rule'], described['rules'])


@pytest.mark.parametrize('variants', [{'app_name_match': 'substring'}, {'canary_rows': 'children_only'}],
                         ids=['app_name_match=substring', 'canary_rows=children_only'])
def test_names_resolve_the_same_under_every_variant(run_tasks, emulator_factory, variants):
    emulator = emulator_factory(variants=variants)
    run = run_tasks([task(BY_NAME), task(BY_NAME)], emulator=emulator)
    created, again = run.results
    assert created['changed'] and not again['changed'] and not again['failed'], run
    assert routed(emulator, created['ingress']['id']) == [inv.APP_WEB_ID, inv.APP_WEB_ID, inv.APP_API_ID]


def test_every_page_of_applications_is_read_once(run_tasks, emulator_factory):
    inventory = inv.default_inventory()
    inventory['apps'] += [{'id': 'app-%04d' % n, 'name': 'filler-%04d' % n, 'namespace': NS} for n in range(150)]
    emulator = emulator_factory(inventory=inventory)
    args = dict(BY_NAME, rules=BY_NAME['rules'] + [
        {'domain': 'www.example.com', 'path': '/late', 'app_name': 'filler-0149', 'container_port': 8080}])
    result, ops = run_one(run_tasks, emulator, args)
    assert result['changed'] and not result['failed'], result
    assert ops == ['ListIngresses', 'ListApplications', 'ListApplications', 'CreateIngress']
    assert [entry['params']['CurrentPage'] for entry in emulator.log if entry['operation'] == 'ListApplications'] == ['1', '2']
    assert result['ingress']['rules'][2]['app_id'] == 'app-0149'


# -- names that do not resolve -----------------------------------------------------------------------

def test_an_unknown_name_fails_before_any_write_naming_the_rule_and_the_candidates(run_tasks, emulator):
    ingress_id = seed(emulator)
    result, ops = run_one(run_tasks, emulator, with_api_rule_on('demo-ap'))
    assert result['failed'], result
    assert "rules[1].app_name 'demo-ap'" in result['msg'] and NS in result['msg']
    assert '%s (%s)' % (inv.APP_API_NAME, inv.APP_API_ID) in result['msg']
    assert 'sae_application_info' in result['msg']
    assert ops == ['ListIngresses', 'ListApplications'] and writes(emulator) == []
    assert routed(emulator, ingress_id) == [inv.APP_WEB_ID, inv.APP_WEB_ID, inv.APP_API_ID]


def test_a_name_of_two_applications_fails_with_both_ids(run_tasks, emulator_factory):
    inventory = inv.default_inventory()
    inventory['apps'].append({'id': 'b9d1c3e5-0000-4000-8000-000000000001', 'name': inv.APP_API_NAME, 'namespace': NS})
    emulator = emulator_factory(inventory=inventory)
    result, ops = run_one(run_tasks, emulator, BY_NAME)
    assert result['failed'], result
    assert "rules[1].app_name 'demo-api': 2 applications" in result['msg']
    assert inv.APP_API_ID in result['msg'] and 'b9d1c3e5-0000-4000-8000-000000000001' in result['msg']
    assert 'default_rule' not in result['msg']  # demo-web has a canary of its name, which does not count
    assert writes(emulator) == [] and ops == ['ListIngresses', 'ListApplications']


def test_an_application_of_another_namespace_is_no_candidate(run_tasks, emulator):
    result, ops = run_one(run_tasks, emulator, with_api_rule_on(inv.APP_STAGING_NAME))
    assert result['failed'] and "rules[1].app_name 'staging-web': no application of cn-beijing:demo" in result['msg']
    assert inv.APP_STAGING_ID not in result['msg']
    assert writes(emulator) == []


@pytest.mark.parametrize('rule, message', [
    ({'app_id': inv.APP_API_ID, 'app_name': inv.APP_WEB_NAME}, 'rules[1]: app_id %s and app_name %r name different '
                                                               'applications' % (inv.APP_API_ID, inv.APP_WEB_NAME)),
    ({}, 'rules[1] needs app_id or app_name'),
    ({'app_name': ' '}, 'rules[1].app_name must not be empty'),
])
def test_a_rule_names_its_application_once(run_tasks, emulator, rule, message):
    rules = [dict(BY_NAME['rules'][0]), dict({'domain': 'www.example.com', 'path': '/api', 'container_port': 8443}, **rule)]
    result, ops = run_one(run_tasks, emulator, dict(BY_NAME, rules=rules))
    assert result['failed'] and message in result['msg'], result
    # Both ways, checked against the service (one ListApplications read); otherwise refused before any call.
    assert ops == (['ListIngresses', 'ListApplications'] if 'different' in message else [])


def test_a_name_given_as_app_id_gets_a_hint(run_tasks, emulator):
    args = dict(CLB, default_rule={'app_id': 'demo-web', 'container_port': 8080})
    result, ops = run_one(run_tasks, emulator, args)
    assert result['failed'] and result['error']['code'] == 'InvalidParameter.WithMessage', result
    assert "default_rule.app_id 'demo-web'" in result['msg'] and 'write app_name instead of app_id' in result['msg']
    assert ops == ['ListIngresses', 'CreateIngress']


# -- sae_ingress_info ---------------------------------------------------------------------------------

def test_ingress_info_filters_by_application_name_in_one_call(run_tasks, emulator):
    web = seed(emulator)
    seed(emulator, dict(CLB, name='admin', listener_port=81, rules=[],
                        default_rule={'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}))
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS, 'app_name': inv.APP_API_NAME}, module=INFO)
    assert not result['failed'], result
    assert ops == ['ListIngresses']
    assert [ingress['id'] for ingress in result['ingresses']] == [web]
    assert [rule['app_name'] for rule in result['ingresses'][0]['rules']] == [inv.APP_WEB_NAME, inv.APP_API_NAME]
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS, 'app_name': 'demo'}, module=INFO)
    assert result['ingresses'] == []  # exact names only


# -- sae_application_info -----------------------------------------------------------------------------

def test_application_info_lists_a_namespace_in_snake_case(run_tasks, emulator):
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS}, module=APPS, check=True)
    assert not result['failed'] and result['changed'] is False, result
    assert ops == ['ListApplications']
    apps = result['applications']
    # The canary: a row of its own, or (a variant) only a child of demo-web; either way as the service lists it.
    canary = [(inv.APP_WEB_NAME, inv.APP_WEB_ID)] if CANARY_ROWS else []
    assert [(app['app_name'], app['base_app_id']) for app in apps] == [
        (inv.APP_ADMIN_NAME, None), (inv.APP_API_NAME, None), (inv.APP_WEB_NAME, None)] + canary + [
        (inv.APP_WEB_GREEN_NAME, None)]
    web = apps[2]
    assert (web['app_id'], web['namespace_id'], web['region_id']) == (inv.APP_WEB_ID, NS, inv.REGION)
    assert isinstance(web['instances'], int) and isinstance(web['running_instances'], int)
    assert [child['app_id'] for child in web['children']] == [inv.APP_WEB_CANARY_ID]


@pytest.mark.parametrize('app_name_match', ['exact', 'substring'])
def test_application_info_filters_by_exact_name_and_by_ids(run_tasks, emulator_factory, app_name_match):
    emulator = emulator_factory(variants={'app_name_match': app_name_match})
    emulator.clear_log()
    run = run_tasks([task({'namespace_id': NS, 'app_name': inv.APP_WEB_NAME}, module=APPS),
                     task({'namespace_id': NS, 'app_ids': [inv.APP_API_ID, inv.APP_STAGING_ID]}, module=APPS)],
                    emulator=emulator)
    by_name, by_ids = run.results
    assert [app['app_id'] for app in by_name['applications']] == [inv.APP_WEB_ID, inv.APP_WEB_CANARY_ID], run
    assert [app['app_id'] for app in by_ids['applications']] == [inv.APP_API_ID]
    assert emulator.log[0]['params']['AppName'] == inv.APP_WEB_NAME
    assert operations(emulator) == ['ListApplications'] * 2


def test_application_info_reads_every_page(run_tasks, emulator_factory):
    inventory = inv.default_inventory()
    inventory['apps'] += [{'id': 'app-%04d' % n, 'name': 'filler-%04d' % n, 'namespace': NS} for n in range(200)]
    emulator = emulator_factory(inventory=inventory)
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS}, module=APPS)
    assert len(result['applications']) == (205 if CANARY_ROWS else 204) and ops == ['ListApplications'] * 3


def test_application_info_bad_input_fails_before_any_call(run_tasks, emulator):
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS, 'app_ids': ['']}, module=APPS)
    assert result['failed'] and 'app_ids must list at least one application id' in result['msg'], result
    result, ops = run_one(run_tasks, emulator, {'namespace_id': 'cn-beijing:'}, module=APPS)
    assert result['failed'] and 'namespace_id' in result['msg'] and ops == []


def test_application_info_reports_an_api_error_with_its_error_dict(run_tasks, emulator):
    emulator.faults.arm('throttle', operation='ListApplications', times=10)
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS}, module=APPS, defaults={'retries': 0})
    assert result['failed'] and result['error']['code'] == 'Throttling.User', result
    assert result['error']['operation'] == 'ListApplications' and 'Hint:' in result['msg']
    assert sae_emulator.DEFAULT_ACCESS_KEY_SECRET not in str(result)
