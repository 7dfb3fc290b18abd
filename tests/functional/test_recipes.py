# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recipe playbooks in examples/ run unchanged against the emulator and cost what the docs say."""

from __future__ import annotations

import os

import pytest

import sae_emulator
from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, operations, run_playbook, seed, writes  # pylint: disable=import-error

# Exact call counts, as the documented service answers (with TotalSize); test_service_answers.py counts the
# listings of a service without it.
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'examples')
BLUE, GREEN = inv.APP_WEB_ID, inv.APP_WEB_GREEN_ID
NAMES = {BLUE: inv.APP_WEB_NAME, GREEN: inv.APP_WEB_GREEN_NAME}


def run_example(tmp_path, emulator, playbook, *extra_vars):
    env = {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
        'ALIBABA_CLOUD_SAE_ENDPOINT': emulator.url,
    }
    args = [item for extra in extra_vars for item in ('-e', extra)]
    run = run_playbook(tmp_path, None, env=env, args=args, playbook=os.path.join(EXAMPLES, playbook))
    assert run.rc == 0, run
    return dict((record['task'], record['result']) for record in run.records), run


def apps(emulator, ingress_id):
    record = emulator.ingresses[ingress_id]
    return [record['DefaultRule']['AppId']] + [rule['AppId'] for rule in record['Rules']]


@pytest.mark.long
def test_blue_green_switches_every_rule_in_one_update_after_a_preview(tmp_path, emulator):
    ingress_id = run_example(tmp_path, emulator, 'blue_green.yml')[0]['Switch to blue']['ingress']['id']
    assert set(apps(emulator, ingress_id)) == {BLUE}
    for color, app in (('green', GREEN), ('blue', BLUE)):
        emulator.clear_log()
        results, run = run_example(tmp_path, emulator, 'blue_green.yml', 'color=%s' % color)
        preview, switched = results['Preview the switch to %s' % color], results['Switch to %s' % color]
        assert preview['changed'] and switched['changed'], run
        assert preview['ingress'] == switched['ingress']
        assert [e['operation'] for e in writes(emulator)] == ['UpdateIngress']  # the preview wrote nothing
        assert set(apps(emulator, ingress_id)) == {app}
        before, after = (BLUE, GREEN) if app == GREEN else (GREEN, BLUE)
        assert "[%r, %r] -> [%r, %r]" % (NAMES[before], NAMES[before], NAMES[after], NAMES[after]) in run.stdout
        assert operations(emulator) == ['ListIngresses', 'ListApplications'] * 2 + ['UpdateIngress']
        assert 'unsafe' not in run.stdout + run.stderr and '[WARNING]' not in run.stderr, run
        if color == 'green':  # the switched-to colour converged: a rerun changes nothing (one colour is enough)
            again = run_example(tmp_path, emulator, 'blue_green.yml', 'color=green')[0]['Switch to green']
            assert not again['changed']


@pytest.mark.long
def test_many_ingresses_cost_one_read_each_plus_the_pages_once(tmp_path, emulator):
    web, shop = seed(emulator, CLB), seed(emulator, ALB)
    for port in range(1000, 1098):  # 100 ingresses in all: two pages of ListIngresses
        seed(emulator, dict(CLB, name='team-%d' % port, listener_port=port))
    emulator.clear_log()
    results, run = run_example(tmp_path, emulator, 'many_ingresses.yml')
    assert results['Converge each managed ingress by id']['changed'], run
    ops = operations(emulator)
    assert ops.count('ListIngresses') == 2 and ops.count('DescribeIngress') == 2 and ops.count('UpdateIngress') == 2, ops
    assert emulator.ingresses[web]['RequestTimeout'] == emulator.ingresses[shop]['RequestTimeout'] == 90
    emulator.clear_log()
    results, run = run_example(tmp_path, emulator, 'many_ingresses.yml')
    assert not results['Converge each managed ingress by id']['changed'], run
    assert sorted(operations(emulator)) == ['DescribeIngress'] * 2 + ['ListIngresses'] * 2
    assert NS == 'cn-beijing:demo'  # the namespace the example playbook names


@pytest.mark.long
def test_canary_release_header_then_cookie_then_removed_with_a_diff_each(tmp_path, emulator):
    steps = [('testers', True), ('testers', False), ('beta', True), ('done', True), ('done', False)]
    write_of = {'testers': 'CreateGreyTagRoute', 'beta': 'UpdateGreyTagRoute', 'done': 'DeleteGreyTagRoute'}
    for step, changes in steps:
        emulator.clear_log()
        results, run = run_example(tmp_path, emulator, 'canary_release.yml', 'step=%s' % step)
        canary = results['Canary route, step %s' % step]
        assert canary['changed'] is changes and not canary['failed'], (step, run)
        ops = operations(emulator)
        grey_writes = [op for op in ops if op in write_of.values()]
        assert grey_writes == ([write_of[step]] if changes else []), (step, ops)
        assert ops.count('ListGreyTagRoute') == 1 and 'unsafe' not in run.stdout + run.stderr, (step, ops)
        assert '[WARNING]' not in run.stderr, run
        routes = list(emulator.grey_tag_routes.values())
        if step == 'done':
            assert routes == [] and canary['grey_tag_route'] == {}
        else:
            items = [[item['type'] for item in rule['items']] for rule in routes[0]['AlbRules']]
            assert items == ([['header']] if step == 'testers' else [['header'], ['cookie']]), items
            assert routes[0]['AppId'] == inv.APP_WEB_ID and routes[0]['Name'] == 'storefront-canary'
        if changes:  # the diff of the step, as ansible-playbook prints it
            shown = {'testers': '"name": "x-canary"', 'beta': '+            "items": [', 'done': '-    "name": '}[step]
            assert shown in run.stdout and '"path": null' not in run.stdout, run.stdout
    ingress = next(i for i in emulator.ingresses.values() if i['Description'] == 'storefront-alb')
    assert ingress['LoadBalanceType'] == 'alb' and ingress['DefaultRule']['AppId'] == inv.APP_WEB_ID
