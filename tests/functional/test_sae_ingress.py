# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingress end to end against the SAE emulator, with its request log as witness: module runs (harness.run_tasks),
and ansible-playbook for what ansible-core adds (the diff output, module_defaults)."""

from __future__ import annotations

import copy

import pytest

import sae_emulator
from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, operations, seed, task, writes  # pylint: disable=import-error

KINDS = {'clb': CLB, 'alb': ALB}


# The updates the targets in tests/integration/targets/sae_ingress do not exercise (they run the others).
UPDATES = [
    ('clb', {'cors_config': {'enable': True, 'allow_origin': ['https://a.example.com'], 'allow_methods': ['GET', 'POST'],
                             'allow_credentials': True, 'max_age': 600}}),
    ('alb', {'request_timeout': 120}),
    ('alb', {'enable_gzip': True}),
    ('alb', {'security_policy_id': 'tls_cipher_policy_1_2'}),
    ('alb', {'listener_port': 8443}),
]


def _update_params():
    # a field the service does not report (a variant) never causes an update: test_resource_answers.py covers it
    return [pytest.param(kind, change, id='%s-%s' % (kind, '-'.join(change)),
                         marks=pytest.mark.skipif(bool(set(change) & set(harness.UNREPORTED)),
                                                  reason='not reported by this service'))
            for kind, change in UPDATES]


@pytest.mark.parametrize('kind, change', _update_params())
def test_each_updatable_option_alone(run_tasks, emulator, kind, change):
    args = KINDS[kind]
    ingress_id = seed(emulator, args)
    emulator.clear_log()
    wanted = dict(args, **change)
    run = run_tasks([task(wanted, check_mode=True), task(wanted), task(wanted)])
    check, changed, again = run.results
    assert check['changed'] and changed['changed'] and not again['changed'], run
    log = writes(emulator)
    assert [entry['operation'] for entry in log] == ['UpdateIngress']
    for option, value in change.items():
        assert changed['ingress'][option] == check['ingress'][option], option
        if isinstance(value, list):
            assert sorted(changed['ingress'][option]) == sorted(value)
        elif not isinstance(value, dict):
            assert changed['ingress'][option] == value
    described = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id}), name='read').result
    for option in change:
        assert described['ingress'][option] == changed['ingress'][option], option


def test_service_filled_values_never_show_as_changes(run_tasks, emulator):
    seed(emulator, CLB)
    emulator.clear_log()
    explicit = copy.deepcopy(CLB)
    explicit['default_rule']['backend_protocol'] = 'http'
    explicit['rules'][0]['backend_protocol'] = 'http'
    explicit.update(request_timeout=60, idle_timeout=15, enable_gzip=False, enable_x_forwarded_for=False)
    result = run_tasks(task(explicit)).result
    assert result['changed'] is False, result
    assert writes(emulator) == []


def _rule_keys(ingress):
    return sorted((r['domain'], r['path']) for r in ingress['rules'])


@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # one call per lookup
def test_lookup_by_name_and_by_id(run_tasks, emulator):
    ingress_id = seed(emulator, CLB)
    emulator.clear_log()
    by_name = run_tasks(task({'namespace_id': NS, 'name': 'web'}), name='by_name').result
    assert by_name['changed'] is False and by_name['ingress']['id'] == ingress_id
    assert operations(emulator) == ['ListIngresses']
    emulator.clear_log()
    by_id = run_tasks(task({'namespace_id': NS, 'ingress_id': ingress_id}), name='by_id').result
    assert by_id['changed'] is False and by_id['ingress']['name'] == 'web'
    assert operations(emulator) == ['DescribeIngress']


def test_ambiguous_name_fails_and_lists_the_ids(run_tasks, emulator):
    first = seed(emulator, CLB)
    second = seed(emulator, dict(CLB, slb_id=inv.CLB_SPARE_ID))
    emulator.clear_log()
    result = run_tasks(task(dict(CLB, request_timeout=99))).result
    assert result.get('failed') is True
    assert str(first) in result['msg'] and str(second) in result['msg'] and 'ingress_id' in result['msg']
    assert sorted(result['ingress_ids']) == sorted([first, second])
    assert writes(emulator) == []


@pytest.mark.parametrize('field, value', [
    ('slb_id', inv.CLB_SPARE_ID),
    ('load_balance_type', 'alb'),
    ('namespace_id', inv.OTHER_NAMESPACE_ID),
])
def test_immutable_change_fails_naming_the_field(run_tasks, emulator, field, value):
    ingress_id = seed(emulator, CLB)
    emulator.clear_log()
    args = dict(CLB, ingress_id=ingress_id, **{field: value})
    result = run_tasks(task(args)).result
    assert result.get('failed') is True, result
    assert field in result['msg'] and str(value) in result['msg']
    assert writes(emulator) == []


def test_absent_by_id_in_another_namespace_deletes_nothing(run_tasks, emulator):
    ingress_id = seed(emulator, CLB)
    emulator.clear_log()
    result = run_tasks(task({'namespace_id': inv.OTHER_NAMESPACE_ID, 'ingress_id': ingress_id, 'state': 'absent'})).result
    assert result['failed'] is True and inv.OTHER_NAMESPACE_ID in result['msg'] and NS in result['msg']
    assert writes(emulator) == [] and ingress_id in emulator.ingresses


def test_diff_output(play, emulator):
    seed(emulator, CLB)
    run = play(task(dict(CLB, request_timeout=45)), diff=True, check=True)
    result = run.result
    assert result['diff']['before']['request_timeout'] == 60
    assert result['diff']['after']['request_timeout'] == 45
    assert '-    "request_timeout": 60' in run.stdout and '+    "request_timeout": 45' in run.stdout
    assert writes(emulator) == []


def test_info_returns_the_same_shape(run_tasks, emulator):
    # Written with application names, so the create knows them (a create by app_id does not read them).
    by_name = dict(CLB, default_rule={'app_name': inv.APP_WEB_NAME, 'container_port': 8080},
                   rules=[{'domain': 'www.example.com', 'path': '/', 'app_name': inv.APP_WEB_NAME, 'container_port': 8080},
                          {'domain': 'www.example.com', 'path': '/api', 'app_id': inv.APP_API_ID, 'container_port': 8443}])
    created = run_tasks(task(by_name)).result['ingress']
    run = run_tasks([
        {'name': 'by id', 'alibabacloud.sae.sae_ingress_info': {'ingress_id': created['id'], 'region': inv.REGION}},
        {'name': 'by name', 'alibabacloud.sae.sae_ingress_info': {'namespace_id': NS, 'name': 'web'}},
        {'name': 'by app', 'alibabacloud.sae.sae_ingress_info': {'namespace_id': NS, 'app_id': inv.APP_API_ID}},
        {'name': 'no match', 'alibabacloud.sae.sae_ingress_info': {'namespace_id': NS, 'app_id': inv.APP_ADMIN_ID}},
    ], name='info', check=True)
    by_id, by_name, by_app, none = run.results
    # a create knows the SLB's address type only from another ingress of the same SLB, and reads none of the flags
    # the task leaves out: info reads them (as null where the service does not report them)
    described = by_id['ingresses'][0]
    not_read = ['slb_type'] + [key for key in created if key.startswith('enable_')] + list(harness.UNREPORTED)
    assert all(created[key] is None for key in not_read if key != 'idle_timeout')
    created = dict(created, **{key: described[key] for key in not_read})
    # only a ListIngresses row carries create_time: the lookup by name has it, DescribeIngress alone does not
    assert created['create_time'] is None and isinstance(by_name['ingresses'][0]['create_time'], int)
    assert by_id['ingresses'] == [created]
    assert by_name['ingresses'] == [dict(created, create_time=by_name['ingresses'][0]['create_time'])]
    assert [i['id'] for i in by_app['ingresses']] == [created['id']]
    assert set(by_app['ingresses'][0]) == set(created)
    assert none['ingresses'] == []
    assert all(result['changed'] is False for result in run.results)


def test_module_defaults_supply_credentials_and_endpoint(play, emulator):
    # Without the group defaults (and with no credentials in the environment) the task cannot authenticate.
    bare = play(task(CLB), emulator=None, name='bare').result
    assert bare.get('failed') is True and 'access_key_id' in bare['msg']
    assert emulator.log == []
    # The same task with only module_defaults set creates the ingress.
    ok = play(task(CLB), name='defaults').result
    assert ok['changed'] is True
    assert emulator.calls('CreateIngress')[0]['access_key_id'] == sae_emulator.DEFAULT_ACCESS_KEY_ID


BAD_INPUT = [
    ({'listener_port': 70000}, 'listener_port'),
    ({'listener_port': 'eighty'}, 'listener_port'),
    ({'request_timeout': 0}, 'request_timeout'),
    ({'idle_timeout': 61}, 'idle_timeout'),
    ({'load_balance_type': 'nlb'}, 'load_balance_type'),
    ({'listener_protocol': 'TCP'}, 'listener_protocol'),
    ({'rules': [{'domain': 'a', 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 1}] * 2}, 'same domain'),
    ({'rules': [{'domain': 'd%d' % i, 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 1} for i in range(41)]},
     'at most 40'),
    ({'rules': [{'domain': 'a', 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 1, 'rewrite_path': '/x'}]},
     'rewrite_path'),
    ({'rules': [{'domain': 'a', 'path': '/'}]}, 'container_port'),
    ({'rules': [{'domain': 'a', 'path': '/', 'container_port': 8080}]}, 'rules[0] needs app_id or app_name'),
    ({'cert_ids': [inv.ALB_CERT_ID]}, 'cert_ids'),
    ({'load_balance_type': 'alb', 'slb_id': inv.ALB_INTERNET_ID, 'cert_id': inv.CLB_CERT_ID}, 'cert_id'),
    ({'listener_protocol': 'HTTPS'}, 'cert_id'),
    ({'default_rule': None}, 'default_rule'),
    ({'listener_port': None}, 'listener_port'),
    ({'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 0}}, 'default_rule.container_port'),
    ({'name': None, 'listener_port': None}, 'name'),
    ({'namespace_id': ':demo'}, 'namespace_id'),
    ({'cors_config': {'max_age': 200000}}, 'cors_config.max_age'),
    ({'no_such_option': 1}, 'no_such_option'),
]


def test_input_errors_fail_before_any_call(run_tasks, emulator):
    """Every case in one run: each task fails naming the option; no write, and no call but the one read that
    tells whether the create-only options are required."""
    tasks = []
    for change, _fragment in BAD_INPUT:
        args = dict(CLB)
        for key, value in change.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        tasks.append(task(args))
    run = run_tasks(tasks)
    assert len(run.results) == len(BAD_INPUT), run
    for (change, fragment), result in zip(BAD_INPUT, run.results):
        assert result.get('failed') is True, (change, result)
        assert fragment in result['msg'], (change, result['msg'])
        assert 'Traceback' not in result.get('module_stderr', '') + result.get('exception', ''), (change, result)
    # Whether the ingress exists decides if default_rule and listener_port are required: one read each, no write.
    assert operations(emulator) == ['ListIngresses', 'ListIngresses']
