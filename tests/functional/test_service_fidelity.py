# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingress where the real service differs from a naive stand-in (tests/sae_emulator/FIDELITY.md).

Each scenario is one behaviour the public evidence (API reference, SDK models, the public Terraform
provider) establishes, or one variant of a behaviour no public source settles: the module must
converge, or refuse with a clear message before any write, under every variant.
"""

from __future__ import annotations

import copy

import pytest

import sae_emulator
from sae_emulator import inventory as inv

from harness import ALB, CLB, NS, operations, seed, task, writes  # pylint: disable=import-error


def sent(emulator, operation):
    return [entry['params'] for entry in emulator.log if entry['operation'] == operation]


# -- backend_protocol: applied and reported only on ALB + HTTPS -----------------------------------------

@pytest.mark.parametrize('args', [
    dict(CLB, rules=[dict(CLB['rules'][0], backend_protocol='https')]),
    dict(CLB, default_rule=dict(CLB['default_rule'], backend_protocol='grpc')),
    dict(ALB, listener_protocol='HTTP', cert_ids=None, listener_port=80,
         rules=[dict(ALB['rules'][0], backend_protocol='https')]),
], ids=['clb-rule-https', 'clb-default-grpc', 'alb-http-listener'])
def test_backend_protocol_where_the_service_does_not_report_it_is_refused_before_any_call(run_tasks, emulator, args):
    args = dict((k, v) for k, v in args.items() if v is not None)
    run = run_tasks(task(args))
    assert run.result['failed'], run
    assert 'backend_protocol' in run.result['msg'] and 'HTTPS listener' in run.result['msg'], run.result['msg']
    assert emulator.log == []


def test_backend_protocol_on_alb_https_converges(run_tasks, emulator):
    args = copy.deepcopy(ALB)
    args['rules'][1]['backend_protocol'] = 'grpc'
    args['default_rule']['backend_protocol'] = 'https'
    run = run_tasks([task(args, check_mode=True), task(args), task(args)])
    check, created, again = run.results
    assert created['changed'] and not again['changed'], run
    protocols = dict((r['path'], r['backend_protocol']) for r in created['ingress']['rules'])
    assert protocols == {'/v1/orders': 'http', '/': 'grpc'}
    assert created['ingress']['default_rule']['backend_protocol'] == 'https'
    assert dict(check['ingress'], id=created['ingress']['id']) == created['ingress']
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress']


def test_unset_rule_suboptions_keep_their_live_values(run_tasks, emulator):
    args = copy.deepcopy(ALB)
    args['rules'][0]['backend_protocol'] = 'https'
    ingress_id = run_tasks(task(args)).result['ingress']['id']
    # Edit one rule's port only, keeping the others (purge_rules: false): protocol and rewrite stay as they are.
    edited = {'domain': 'shop.example.com', 'path': '/v1/orders', 'app_id': inv.APP_API_ID, 'container_port': 8443}
    edit = dict(ALB, purge_rules=False, rules=[edited])
    run = run_tasks([task(edit), task(edit)])
    changed, again = run.results
    assert changed['changed'] and not again['changed'], run
    rule = [r for r in emulator.ingresses[ingress_id]['Rules'] if r['Path'] == '/v1/orders'][0]
    assert (rule['ContainerPort'], rule['BackendProtocol'], rule['RewritePath']) == (8443, 'https', '/orders')
    assert len(emulator.ingresses[ingress_id]['Rules']) == 2


def test_an_empty_rewrite_path_removes_the_rewrite(run_tasks, emulator):
    ingress_id = seed(emulator, ALB)
    edit = dict(ALB, purge_rules=False, rules=[dict(ALB['rules'][0], rewrite_path='')])
    run = run_tasks([task(edit), task(edit)])
    assert run.results[0]['changed'] and not run.results[1]['changed'], run
    rule = [r for r in emulator.ingresses[ingress_id]['Rules'] if r['Path'] == '/v1/orders'][0]
    assert not rule.get('RewritePath')


# -- rule actions set outside the module ---------------------------------------------------------------

REDIRECT = [{'actionType': 'redirect', 'actionConfig': '{"host":"www.example.org","httpCode":"301"}'}]


def test_rule_actions_are_returned_and_never_silently_dropped(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.set_rule_actions(ingress_id, 'www.example.com', '/', REDIRECT)
    emulator.clear_log()
    extra = {'domain': 'www.example.com', 'path': '/new', 'app_id': inv.APP_WEB_ID, 'container_port': 8080}
    run = run_tasks([
        task(CLB),  # nothing to change: the actions are reported
        task(dict(CLB, purge_rules=False, rules=[extra])),  # would resend the rule that carries them
        task(dict(CLB, rules=[CLB['rules'][1]])),  # removes that rule: its actions go with it
    ])
    same, keep, remove = run.results
    assert not same['changed'] and not same['failed'], run
    actions = dict(((r['domain'], r['path']), r['rule_actions']) for r in same['ingress']['rules'])
    assert actions[('www.example.com', '/')] == [
        {'action_type': 'redirect', 'action_config': '{"host":"www.example.org","httpCode":"301"}'}]
    assert actions[('www.example.com', '/api')] == []
    assert keep['failed'] and 'domain www.example.com path / (redirect)' in keep['msg'], keep
    assert remove['changed'] and not remove['failed'], remove
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']
    assert [(r['Domain'], r['Path']) for r in emulator.ingresses[ingress_id]['Rules']] == [('www.example.com', '/api')]


# -- one load balancer type everywhere -----------------------------------------------------------------

def test_alb_slb_id_without_load_balance_type_is_an_alb_everywhere(run_tasks, emulator):
    args = dict((k, v) for k, v in ALB.items() if k != 'load_balance_type')
    run = run_tasks([task(args, check_mode=True), task(args), task(args)], diff=True)
    check, created, again = run.results
    assert created['changed'] and not again['changed'], run
    assert sent(emulator, 'CreateIngress')[0]['LoadBalanceType'] == 'alb'
    assert check['ingress']['load_balance_type'] == created['ingress']['load_balance_type'] == 'alb'
    assert check['diff']['after']['load_balance_type'] == 'alb'


# -- empty values ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('change, fragment', [
    ({'cert_id': ''}, 'cert_id must not be empty'),
    ({'security_policy_id': ''}, 'security_policy_id must not be empty'),
    ({'cert_ids': []}, 'cert_ids must list at least one certificate id'),
], ids=['cert_id', 'security_policy_id', 'cert_ids'])
def test_empty_values_are_refused_before_any_call(run_tasks, emulator, change, fragment):
    run = run_tasks(task(dict(CLB, **change)))
    assert run.result['failed'] and fragment in run.result['msg'], run
    assert emulator.log == []


def test_cors_max_age_zero_converges(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    args = dict(CLB, cors_config={'max_age': 0})  # CORS off, and only max_age set: still a configuration
    run = run_tasks([task(args, check_mode=True), task(args), task(args)])
    check, changed, again = run.results
    assert changed['changed'] and not again['changed'], run
    assert check['ingress']['cors_config'] == changed['ingress']['cors_config'] == again['ingress']['cors_config']
    assert again['ingress']['cors_config']['max_age'] == 0
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']


# -- what an update carries --------------------------------------------------------------------------------

def test_update_sends_the_listener_port_only_when_it_changes(run_tasks, emulator_factory):
    emulator = emulator_factory(variants=dict(update_port_resend='refused'))
    seed(emulator)
    run = run_tasks([task(dict(CLB, request_timeout=30)), task(dict(CLB, request_timeout=30)),
                     task(dict(CLB, listener_port=8081))], emulator=emulator)
    timeout, again, port = run.results
    assert timeout['changed'] and not timeout['failed'] and not again['changed'], run
    assert port['changed'] and not port['failed'], run
    first, second = sent(emulator, 'UpdateIngress')
    assert 'ListenerPort' not in first and first['RequestTimeout'] == '30'
    assert second['ListenerPort'] == '8081'


# -- rules need domain and path ---------------------------------------------------------------------------

@pytest.mark.parametrize('rule, fragment', [
    ({'app_id': inv.APP_WEB_ID, 'container_port': 8080, 'path': '/'}, 'rules[1] (app_id %s) needs domain' % inv.APP_WEB_ID),
    ({'app_id': inv.APP_WEB_ID, 'container_port': 8080, 'domain': 'a.example.com'}, 'needs path'),
], ids=['no-domain', 'no-path'])
def test_a_rule_without_domain_or_path_is_refused_before_any_call(run_tasks, emulator, rule, fragment):
    run = run_tasks(task(dict(CLB, rules=[CLB['rules'][0], rule])))
    assert run.result['failed'] and fragment in run.result['msg'], run
    assert emulator.log == []


# -- deletion ------------------------------------------------------------------------------------------------

def test_delete_answered_with_message_while_the_ingress_exists_fails_with_the_code(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.faults.arm('throttle', operation='DeleteIngress', code='InvalidParameter.WithMessage')
    run = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'}))
    assert run.result['failed'] and 'InvalidParameter.WithMessage' in run.result['msg'], run
    assert ingress_id in emulator.ingresses
    assert operations(emulator) == ['DescribeIngress', 'DeleteIngress', 'DescribeIngress']


def test_delete_of_an_ingress_another_writer_deleted_meanwhile_changes_nothing(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.faults.arm('callback', operation='DeleteIngress', fn=lambda emu: emu.remove_ingress(ingress_id))
    run = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'}))
    assert not run.result['failed'], run
    # A delete answered "not found" is confirmed by a read, and the other writer made the change; one answered
    # success (variant delete_unknown) cannot be told from this task's own delete.
    unknown_is_success = emulator.variants['delete_unknown'] == 'success'
    assert run.result['changed'] is unknown_is_success, run
    confirm = [] if unknown_is_success else ['DescribeIngress']
    assert operations(emulator) == ['DescribeIngress', 'DeleteIngress'] + confirm


def test_load_balancer_checks_never_block_a_delete(run_tasks, emulator):
    # What finds the ingress is all a delete takes: an ALB-looking listener of a CLB ingress deletes it (the options
    # that describe an ingress to keep are refused before any call: test_rule_state.py).
    ingress_id = seed(emulator)
    seed(emulator, dict(CLB, name='other', listener_port=81))
    args = {'namespace_id': NS, 'name': 'web', 'slb_id': inv.ALB_INTERNET_ID, 'listener_port': 443, 'state': 'absent'}
    run = run_tasks(task(args))
    assert run.result['changed'] and not run.result['failed'], run
    assert ingress_id not in emulator.ingresses and len(emulator.ingresses) == 1


def test_delete_by_id_with_another_name_is_refused(run_tasks, emulator):
    ingress_id = seed(emulator)
    run = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id, 'name': 'shop', 'state': 'absent'}))
    assert run.result['failed'] and "is named 'web', not 'shop'" in run.result['msg'], run
    assert ingress_id in emulator.ingresses and writes(emulator) == []


# -- identity ---------------------------------------------------------------------------------------------

def test_renaming_by_id_to_a_name_in_use_is_refused(run_tasks, emulator):
    web = seed(emulator)
    seed(emulator, dict(CLB, name='web2', listener_port=81))
    run = run_tasks([task({'namespace_id': NS, 'ingress_id': web, 'name': 'web2'}),
                     task({'namespace_id': NS, 'ingress_id': web, 'name': 'web3'})])
    taken, free = run.results
    assert taken['failed'] and "renamed to 'web2'" in taken['msg'], run
    assert free['changed'] and not free['failed'], run
    assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']
    assert emulator.ingresses[web]['Description'] == 'web3'


def test_the_generated_name_is_not_the_name(run_tasks, emulator):
    ingress_id = seed(emulator)
    run = run_tasks([task(CLB), task({'namespace_id': NS, 'ingress_id': ingress_id})])
    by_name, by_id = run.results
    assert not by_name['changed'] and by_name['ingress']['id'] == ingress_id, run
    assert by_id['ingress']['name'] == 'web' and by_id['ingress']['description'] == 'web'
    assert [e['operation'] for e in writes(emulator)] == []


def test_a_port_conflict_names_the_ingress_that_holds_the_port(run_tasks, emulator):
    """The holder of a listener that the lookup's listing shows is reported before any write."""
    holder = seed(emulator)
    run = run_tasks(task(dict(CLB, name='other')))
    assert run.result['failed'], run
    assert "Listener port 80 of %s is held by ingress %s, named 'web'" % (CLB['slb_id'], holder) in run.result['msg']
    assert writes(emulator) == []


def test_a_port_conflict_the_listing_did_not_show_names_the_holder_after_the_refusal(run_tasks, emulator):
    """Found by ingress_id nothing is listed before the update: the service refuses, the message names the holder
    when the listing made then (a rename check) shows it."""
    seed(emulator)
    moving = seed(emulator, dict(CLB, name='moving', listener_port=81))
    emulator.clear_log()
    run = run_tasks(task({'namespace_id': NS, 'ingress_id': moving, 'listener_port': 80}))
    assert run.result['failed'], run
    assert 'UpdateIngress failed: SlbListenerPort.NotAvailable' in run.result['msg'], run.result['msg']
    assert [e['operation'] for e in emulator.log] == ['DescribeIngress', 'UpdateIngress']


# -- creates whose outcome is unknown ------------------------------------------------------------------------

def test_a_repeated_create_whose_outcome_is_again_unknown_looks_before_it_reports(run_tasks, emulator):
    emulator.faults.arm('internal', operation='CreateIngress')
    emulator.faults.arm('apply_then_drop', operation='CreateIngress')
    run = run_tasks([task(CLB), task(CLB)])
    created, again = run.results
    assert created['changed'] and not created['failed'], run
    assert not again['changed'], run
    assert len(emulator.ingresses) == 1
    assert created['ingress']['id'] in emulator.ingresses
    assert operations(emulator).count('CreateIngress') == 2


# -- endpoint ---------------------------------------------------------------------------------------------

def test_an_endpoint_without_scheme_says_so(run_tasks, emulator):
    run = run_tasks(task(CLB), defaults={'endpoint': emulator.endpoint, 'retries': 0})
    assert run.result['failed'], run
    assert 'has no scheme, so https://%s was used' % emulator.endpoint in run.result['msg'], run.result['msg']
    assert 'write http://%s' % emulator.endpoint in run.result['msg']


# -- variants no public source settles ----------------------------------------------------------------------

@pytest.mark.parametrize('not_found', sae_emulator.VARIANTS['not_found'])
def test_an_unknown_id_under_every_not_found_answer(run_tasks, emulator_factory, not_found):
    emulator = emulator_factory(variants=dict(not_found=not_found))
    run = run_tasks([task({'namespace_id': NS, 'ingress_id': 4242, 'state': 'absent'}),
                     task({'namespace_id': NS, 'ingress_id': 4242, 'listener_port': 80})], emulator=emulator)
    absent, present = run.results
    assert not absent['changed'] and not absent['failed'], run
    assert present['failed'] and 'No ingress has ingress_id 4242' in present['msg'], run
    assert writes(emulator) == []


@pytest.mark.parametrize('not_found', sae_emulator.VARIANTS['not_found'])
@pytest.mark.parametrize('delete_unknown', sae_emulator.VARIANTS['delete_unknown'])
def test_a_delete_racing_another_delete_under_every_variant(run_tasks, emulator_factory, not_found, delete_unknown):
    emulator = emulator_factory(variants=dict(not_found=not_found, delete_unknown=delete_unknown))
    ingress_id = seed(emulator)
    emulator.faults.arm('callback', operation='DeleteIngress', fn=lambda emu: emu.remove_ingress(ingress_id))
    run = run_tasks([task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'}),
                     task({'namespace_id': NS, 'ingress_id': ingress_id, 'state': 'absent'})], emulator=emulator)
    first, second = run.results
    # The other delete removed it first: this one changed nothing, unless the service answers an unknown id with
    # success (then the two cannot be told apart).
    assert first['changed'] is (delete_unknown == 'success') and not first['failed'], run
    assert not second['changed'] and not second['failed'], run


@pytest.mark.parametrize('page_size_max, over_max', [(50, 'refused'), (50, 'capped'), (100, 'refused')])
def test_find_by_name_past_the_first_page_under_every_page_size(run_tasks, emulator_factory, page_size_max, over_max):
    emulator = emulator_factory(variants=dict(page_size_max=page_size_max, page_size_over_max=over_max))
    for port in range(1000, 1120):
        seed(emulator, dict(CLB, name='filler-%d' % port, listener_port=port))
    ingress_id = seed(emulator, dict(CLB, name='last'))
    emulator.clear_log()
    run = run_tasks(task(dict(CLB, name='last')), emulator=emulator)
    assert not run.result['changed'] and not run.result['failed'], run
    assert run.result['ingress']['id'] == ingress_id
    assert all(int(entry['params']['PageSize']) <= 50 for entry in emulator.calls('ListIngresses'))


@pytest.mark.parametrize('app_filter', sae_emulator.VARIANTS['app_filter'])
def test_info_app_id_matches_rules_and_the_default_rule_under_every_filter(run_tasks, emulator_factory, app_filter):
    emulator = emulator_factory(variants=dict(app_filter=app_filter))
    by_default = seed(emulator, dict(CLB, rules=[]))  # routes to APP_WEB_ID through its default rule only
    by_rule = seed(emulator, dict(CLB, name='api', listener_port=81,
                                  default_rule={'app_id': inv.APP_API_ID, 'container_port': 8080}))
    seed(emulator, dict(CLB, name='admin', listener_port=82, rules=[],
                        default_rule={'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}))
    run = run_tasks(task({'namespace_id': NS, 'app_id': inv.APP_WEB_ID}, module='alibabacloud.sae.sae_ingress_info'),
                    emulator=emulator)
    assert sorted(i['id'] for i in run.result['ingresses']) == sorted([by_default, by_rule]), run
