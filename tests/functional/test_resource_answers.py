# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingress against the service's answers that no public source settles, or that the public record shows: fields
the service does not report, domains and paths as SAE treats them, an ingress with no rules, conflicts check mode can
see, and one result whatever path found the ingress (tests/sae_emulator/FIDELITY.md). Modules run directly."""

from __future__ import annotations

import pytest

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, agree, operations, seed, task, writes  # pylint: disable=import-error

LATE = {'enable_gzip': True, 'enable_x_forwarded_for': True, 'idle_timeout': 30}


def _warnings(result):
    """The module's warnings about unreported fields (a string each, or ansible-core 2.19's structured form)."""
    texts = [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings') or []]
    return [text for text in texts if 'does not report' in text]


# -- fields the service does not report ------------------------------------------------------------------------------

@pytest.mark.parametrize('by', ['name', 'id'])
def test_a_field_the_service_does_not_report_converges_without_writes(run_tasks, emulator_factory, by):
    emulator = emulator_factory(variants={'late_fields': 'omitted'})
    created = run_tasks(dict(task(dict(CLB, **LATE)), register='created'), emulator=emulator).result
    assert created['changed'] and not created['failed'], created
    ident = {'ingress_id': created['ingress']['id']} if by == 'id' else {}
    again = dict(CLB, **dict(LATE, **ident))
    emulator.clear_log()
    run = run_tasks([task(again, check_mode=True, diff=True), task(again, diff=True)], emulator=emulator)
    for result in run.results:
        assert not result['failed'] and result['changed'] is False, run
        assert 'diff' not in result or result['diff']['before'] == result['diff']['after'], result
        warned = _warnings(result)
        assert len(warned) == 1, result.get('warnings')
        assert 'enable_gzip, enable_x_forwarded_for, idle_timeout of ingress %s' % created['ingress']['id'] in warned[0]
        assert result['ingress']['enable_gzip'] is None and result['ingress']['idle_timeout'] is None  # not read
    assert writes(emulator) == []
    assert operations(emulator) == (['DescribeIngress'] if by == 'id' else ['ListIngresses', 'DescribeIngress']) * 2
    stored = emulator.ingresses[created['ingress']['id']]
    assert (stored['EnableGzip'], stored['EnableXForwardedFor'], stored['IdleTimeout']) == (True, True, 30)


def test_a_field_the_service_does_not_report_travels_with_another_change(run_tasks, emulator_factory):
    emulator = emulator_factory(variants={'late_fields': 'omitted'})
    ingress_id = seed(emulator)
    args = dict(CLB, enable_gzip=True, request_timeout=20)
    run = run_tasks([task(args, check_mode=True, diff=True), task(args, diff=True), task(args)], emulator=emulator)
    check, real, again = run.results
    assert check['changed'] and real['changed'] and not again['changed'], run
    assert check['diff'] == real['diff'] and check['ingress'] == real['ingress']
    assert real['diff']['after']['enable_gzip'] is True and 'enable_gzip' not in real['diff']['before']
    (update,) = writes(emulator)
    assert update['params']['EnableGzip'] == 'true' and update['params']['RequestTimeout'] == '20'
    assert emulator.ingresses[ingress_id]['EnableGzip'] is True


def test_fields_the_service_reports_give_no_warning(run_tasks, emulator_factory):
    emulator = emulator_factory(variants={'late_fields': 'reported'})
    seed(emulator)
    run = run_tasks([task(dict(CLB, **LATE)), task(dict(CLB, **LATE))], emulator=emulator)
    assert [r['changed'] for r in run.results] == [True, False] and not any(_warnings(r) for r in run.results), run


# -- domains and paths -----------------------------------------------------------------------------------------------

MIXED_CASE = dict(CLB, rules=[dict(CLB['rules'][0], domain='WWW.Example.com'), CLB['rules'][1]])


@pytest.mark.parametrize('domain_case', ['kept', 'lowered'])
def test_domains_are_compared_case_insensitively(run_tasks, emulator_factory, domain_case):
    emulator = emulator_factory(variants={'domain_case': domain_case})
    run = run_tasks([task(MIXED_CASE), task(MIXED_CASE), task(dict(CLB, purge_rules=False, rules=CLB['rules'][:1]))],
                    emulator=emulator)
    created, again, lower = run.results
    assert created['changed'] and not again['changed'] and not lower['changed'], run
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress']
    assert [r['domain'] for r in again['ingress']['rules']] == ['www.example.com'] * 2


@pytest.mark.parametrize('rules, fragment', [
    ([dict(CLB['rules'][0]), dict(CLB['rules'][0], domain='WWW.EXAMPLE.COM')],
     "rules[0] and rules[1] have the same domain 'www.example.com' and path '/' ('www.example.com' and "
     "'WWW.EXAMPLE.COM': domains are case-insensitive)"),
    ([dict(CLB['rules'][0], domain='www.*.example.com')],
     "rules[0] (domain 'www.*.example.com', path '/'): the only wildcard domain SAE accepts"),
    ([dict(CLB['rules'][0], path='api')], "rules[0] (domain 'www.example.com', path 'api'): a path starts with \"/\""),
    ([dict(CLB['rules'][0], path='/' + 'a' * 80)], 'has 1 to 80 characters (this one has 81)'),
])
def test_rules_the_service_refuses_fail_before_any_call(run_tasks, emulator, rules, fragment):
    seed(emulator)
    result = run_tasks(task(dict(CLB, rules=rules))).result
    assert result['failed'] and fragment in result['msg'], result
    assert emulator.log == []


# -- an ingress with no rules ----------------------------------------------------------------------------------------

NO_RULES = dict(CLB, rules=None)


def test_no_rules_where_the_service_needs_one(run_tasks, emulator_factory):
    emulator = emulator_factory(variants={'empty_rules': 'refused'})
    run = run_tasks([task({k: v for k, v in NO_RULES.items() if v is not None}), task(dict(CLB, name='other', listener_port=81)),
                     task(dict(CLB, name='other', listener_port=81, rules=[]))], emulator=emulator)
    create, other, emptied = run.results
    assert create['failed'] and 'SAE refused an ingress with no rules (it may need at least one)' in create['msg'], create
    assert '(it lists no rules to keep): keep or add a rule in rules. Nothing was changed.' in create['msg']
    assert create['error']['code'] == 'InvalidParameter.NotEmpty'
    assert other['changed'] and emptied['failed'] and 'SAE refused an ingress with no rules' in emptied['msg'], run
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress', 'CreateIngress', 'UpdateIngress']  # none repeated
    assert [len(i['Rules']) for i in emulator.ingresses.values()] == [2]


def test_no_rules_where_the_service_takes_none(run_tasks, emulator_factory):
    emulator = emulator_factory(variants={'empty_rules': 'accepted'})
    bare = {k: v for k, v in NO_RULES.items() if v is not None}
    run = run_tasks([task(bare), task(bare), task(dict(CLB, name='other', listener_port=81)),
                     task(dict(CLB, name='other', listener_port=81, rules=[]))], emulator=emulator)
    assert [r['changed'] for r in run.results] == [True, False, True, True], run
    assert [i['Rules'] for i in emulator.ingresses.values()] == [[], []]


# -- what check mode can see ----------------------------------------------------------------------------------------

@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # exact call counts
@pytest.mark.parametrize('check', [True, False], ids=['check', 'run'])
@pytest.mark.parametrize('scenario', ['create', 'update'])
def test_a_listener_a_listed_ingress_holds_fails_before_any_write(run_tasks, emulator, check, scenario):
    holder = seed(emulator)
    if scenario == 'update':
        seed(emulator, dict(CLB, name='other', listener_port=81))
    emulator.clear_log()
    result = run_tasks(task(dict(CLB, name='other')), check=check).result
    assert result['failed'], result
    assert "Listener port 80 of %s is held by ingress %s, named 'web'" % (CLB['slb_id'], holder) in result['msg']
    assert operations(emulator) == ['ListIngresses']


@pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)  # exact call counts
@pytest.mark.parametrize('check', [True, False], ids=['check', 'run'])
def test_a_merged_rule_list_over_40_fails_before_any_write(run_tasks, emulator, check):
    rules = [dict(CLB['rules'][0], domain='d%d.example.com' % n) for n in range(38)]
    seed(emulator, dict(CLB, rules=rules))
    added = [dict(CLB['rules'][0], domain='new%d.example.com' % n) for n in range(3)]
    emulator.clear_log()
    result = run_tasks(task(dict(CLB, purge_rules=False, rules=added)), check=check).result
    assert result['failed'], result
    assert 'With purge_rules: false the ingress would hold 41 rules (the 3 listed ones' in result['msg']
    assert operations(emulator) == ['ListIngresses']
    fits = run_tasks(task(dict(CLB, purge_rules=False, rules=added[:2])), check=check).result
    assert fits['changed'] and len(fits['ingress']['rules']) == 40, fits


# -- one result, whatever found the ingress -------------------------------------------------------------------------

def _agree(results, where):
    """Every result has the same keys, and where two give a value it is the same one."""
    assert len({tuple(sorted(result)) for result in results}) == 1, where
    for key in results[0]:
        values = [result[key] for result in results]
        assert all(agree(value, other) for value in values for other in values), (where, key, values)


@pytest.mark.parametrize('args', [MIXED_CASE, dict(ALB, rules=[dict(ALB['rules'][0], domain='Shop.Example.com')])],
                         ids=['clb', 'alb'])
def test_one_result_whatever_found_the_ingress(run_tasks, emulator_factory, args):
    emulator = emulator_factory(variants={'domain_case': 'lowered'})
    by_id = {'namespace_id': NS, 'ingress_id': '{{ created.ingress.id }}'}
    by_listener = {'namespace_id': NS, 'slb_id': args['slb_id'], 'listener_port': args['listener_port']}
    changed = dict(args, request_timeout=33)
    run = run_tasks([
        task(args, check_mode=True), dict(task(args), register='created'), task(by_id), task(args), task(by_listener),
        task(changed, check_mode=True), task(changed), task(by_id), task(dict(by_listener, request_timeout=33)),
    ], emulator=emulator)
    assert not any(result['failed'] for result in run.results), run
    results = [result['ingress'] for result in run.results]
    assert [result['changed'] for result in run.results] == [True, True, False, False, False, True, True, False, False]
    _agree(results[:5], 'before the update')
    _agree(results[5:], 'after the update')
    assert results[0]['id'] is None and results[1]['id'] == results[2]['id']
    # not read: a flag the create left out (no documented default), and what a list row lacks
    assert results[0]['enable_gzip'] is results[1]['enable_gzip'] is None and results[2]['enable_gzip'] is False
    assert results[3]['created_by_sae'] is results[4]['security_policy_id'] is None
    assert [rule['domain'] for rule in results[1]['rules']] == [rule['domain'].lower() for rule in args['rules']]
