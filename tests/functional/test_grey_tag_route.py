# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_grey_tag_route and sae_grey_tag_route_info against the emulator, under each canary-route variant: the
lifecycle (check mode, create, the same task again, update, delete, delete again) with the exact calls each step
makes, and every refusal before a write, with the request log as witness."""

from __future__ import annotations

import json

import pytest

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, operations, seed  # pylint: disable=import-error

ROUTE = 'alibabacloud.sae.sae_grey_tag_route'
INFO = 'alibabacloud.sae.sae_grey_tag_route_info'
GREY_WRITES = ('CreateGreyTagRoute', 'UpdateGreyTagRoute', 'DeleteGreyTagRoute')
WEB, WEB_NAME, CANARY = inv.APP_WEB_ID, inv.APP_WEB_NAME, inv.APP_WEB_CANARY_ID
HEADER = {'type': 'header', 'name': 'x-canary', 'value': 'true'}
COOKIE = {'type': 'cookie', 'name': 'canary', 'value': 'on'}
# Each value of the two canary-route switches (FIDELITY.md, "Canary routes"), which act on different calls: the
# documented service, and the other value of both.
VARIANTS = [{'grey_alb_tie': 'ingress_id', 'grey_not_found': 'with_message'},
            {'grey_alb_tie': 'path', 'grey_not_found': '404'}]
VARIANT_IDS = ['%s-%s' % (v['grey_alb_tie'], v['grey_not_found']) for v in VARIANTS]


@pytest.fixture(params=VARIANTS, ids=VARIANT_IDS)
def grey(request, emulator_factory, tmp_path):
    """(emulator, run) under one variant: an ALB ingress 'shop' (rules on / and /v1/orders) and a CLB ingress 'web'."""
    # Exact call counts, as the documented service answers ListIngresses (with TotalSize), as the other scenarios.
    emu = emulator_factory(variants=harness.variants_with(**dict(harness.PAGING_WITH_TOTAL, **request.param)))
    emu.shop = seed(emu, ALB)
    emu.web = seed(emu, CLB)
    emu.variant = request.param
    emu.clear_log()
    counter = [0]

    def run(tasks, **kwargs):
        counter[0] += 1
        tasks = tasks if isinstance(tasks, list) else [tasks]
        return harness.run_tasks(tmp_path, tasks, emulator=emu, name='grey%d' % counter[0], **kwargs)

    return emu, run


def route(args, module=ROUTE, **extra):
    return dict({'name': module, module: dict({'namespace_id': NS}, **args), 'register': 'r'}, **extra)


def writes(emulator):
    return [entry for entry in emulator.log if entry['operation'] in GREY_WRITES]


def stored(emulator):
    """The routes the emulator holds, as {name: record}."""
    return dict((record['Name'], record) for record in emulator.grey_tag_routes.values())


def canary_task(items=None, **args):
    base = {'app_name': WEB_NAME, 'name': 'web-canary', 'description': 'testers first',
            'alb_rules': [{'ingress_name': 'shop', 'path': '/', 'items': items or [HEADER]}]}
    return route(dict(base, **args))


def test_lifecycle_with_exact_calls(grey):
    emulator, run = grey
    names = ['ListApplications', 'ListGreyTagRoute', 'ListIngresses']

    preview = run(canary_task(), check=True, diff=True).result
    assert preview['changed'] and not preview['failed'], preview
    assert operations(emulator) == names and not writes(emulator)
    assert preview['grey_tag_route']['grey_tag_route_id'] is None
    assert preview['diff']['before'] == {} and preview['diff']['after']['alb_rules'] == [
        {'ingress_id': emulator.shop, 'path': '/', 'items': [dict(HEADER, cond='==', operator='rawvalue')]}]

    emulator.clear_log()
    created = run(canary_task(), diff=True).result
    assert created['changed'] and not created['failed'], created
    assert operations(emulator) == names + ['CreateGreyTagRoute']
    route_id = created['grey_tag_route']['grey_tag_route_id']
    assert created['grey_tag_route'] == dict(preview['grey_tag_route'], grey_tag_route_id=route_id)
    assert created['grey_tag_route']['app_id'] == WEB and created['diff'] == dict(preview['diff'], after=dict(
        preview['diff']['after'], grey_tag_route_id=route_id))
    record = stored(emulator)['web-canary']
    assert record['AppId'] == WEB and record['Description'] == 'testers first'
    assert record['AlbRules'] == [{'condition': 'AND', 'ingressId': emulator.shop, 'path': '/', 'items': [
        {'type': 'header', 'name': 'x-canary', 'cond': '==', 'operator': 'rawvalue', 'value': 'true'}]}]

    emulator.clear_log()
    again = run(canary_task()).result
    assert not again['changed'] and not again['failed'], again
    assert operations(emulator) == names  # no write, and one read beyond the names
    assert harness.agree(again['grey_tag_route'], created['grey_tag_route'])

    emulator.clear_log()
    by_ids = run(route({'app_id': WEB, 'name': 'web-canary', 'alb_rules': [
        {'ingress_id': emulator.shop, 'path': '/', 'items': [HEADER]}]})).result
    assert not by_ids['changed'] and operations(emulator) == ['ListGreyTagRoute']

    widened = [HEADER, COOKIE]
    emulator.clear_log()
    preview = run(canary_task(items=widened), check=True, diff=True).result
    assert preview['changed'] and not writes(emulator), preview
    emulator.clear_log()
    updated = run(canary_task(items=widened), diff=True).result
    assert updated['changed'] and operations(emulator) == names + ['UpdateGreyTagRoute'], updated
    assert updated['grey_tag_route'] == preview['grey_tag_route'] and updated['diff'] == preview['diff']
    assert [item['name'] for item in updated['diff']['before']['alb_rules'][0]['items']] == ['x-canary']
    assert [item['name'] for item in updated['diff']['after']['alb_rules'][0]['items']] == ['x-canary', 'canary']
    sent = json.loads(writes(emulator)[0]['params']['AlbRules'])
    assert sent == [{'condition': 'AND', 'ingressId': emulator.shop, 'path': '/', 'items': [
        {'type': 'header', 'name': 'x-canary', 'value': 'true', 'cond': '==', 'operator': 'rawvalue'},
        {'type': 'cookie', 'name': 'canary', 'value': 'on', 'cond': '==', 'operator': 'rawvalue'}]}]
    assert 'Name' not in writes(emulator)[0]['params'] and 'AppId' not in writes(emulator)[0]['params']

    emulator.clear_log()
    assert not run(canary_task(items=widened)).result['changed'] and not writes(emulator)

    emulator.clear_log()
    by_id = run(route({'grey_tag_route_id': route_id, 'description': 'testers and beta'})).result
    assert by_id['changed'] and operations(emulator) == ['DescribeGreyTagRoute', 'UpdateGreyTagRoute'], by_id
    assert stored(emulator)['web-canary']['Description'] == 'testers and beta'
    assert len(stored(emulator)['web-canary']['AlbRules'][0]['items']) == 2  # a rule list not set is kept

    absent = {'app_name': WEB_NAME, 'name': 'web-canary', 'state': 'absent'}
    emulator.clear_log()
    preview = run(route(absent), check=True, diff=True).result
    assert preview['changed'] and preview['grey_tag_route'] == {} and not writes(emulator), preview
    assert preview['diff']['before']['name'] == 'web-canary' and preview['diff']['after'] == {}
    emulator.clear_log()
    deleted = run(route(absent), diff=True).result
    assert deleted['changed'] and deleted['diff'] == preview['diff'], deleted
    assert operations(emulator) == ['ListApplications', 'ListGreyTagRoute', 'DeleteGreyTagRoute']
    assert stored(emulator) == {}

    emulator.clear_log()
    gone = run(route(absent)).result
    assert not gone['changed'] and not gone['failed'] and gone['grey_tag_route'] == {}, gone
    assert operations(emulator) == ['ListApplications', 'ListGreyTagRoute']


def test_an_alb_rule_without_path_works_or_says_to_set_path(grey):
    emulator, run = grey
    result = run(route({'app_id': WEB, 'name': 'web-canary', 'alb_rules': [
        {'ingress_id': emulator.shop, 'items': [HEADER]}]})).result
    if emulator.variant['grey_alb_tie'] == 'ingress_id':
        assert result['changed'] and not result['failed'], result
        assert result['grey_tag_route']['alb_rules'][0]['path'] is None
        assert not run(route({'app_id': WEB, 'name': 'web-canary', 'alb_rules': [
            {'ingress_id': emulator.shop, 'items': [HEADER]}]})).result['changed']
        return
    assert result['failed'] and result['error']['code'] == 'InvalidParameter.WithMessage', result
    assert 'alb_rules[0] has no path' in result['msg'] and 'set path' in result['msg'], result['msg']
    assert [entry['applied'] for entry in writes(emulator)] == [False] and stored(emulator) == {}


REFUSED_BEFORE_ANY_CALL = [
    ({'sc_rules': [{'items': [{'type': 'header', 'name': 'a', 'value': 'b'}]}],
      'dubbo_rules': [{'service_name': 's', 'method_name': 'm', 'items': [{'index': 0, 'value': 'v'}]}]},
     'sc_rules and dubbo_rules cannot both be set'),
    ({'alb_rules': [{'ingress_name': 'shop', 'items': [dict(HEADER, cond='!=')]}]}, "alb_rules[0].items[0].cond '!='"),
    ({'alb_rules': [{'ingress_name': 'shop', 'items': [dict(HEADER, operator='list')]}]},
     "alb_rules[0].items[0].operator 'list'"),
    ({'alb_rules': [{'ingress_name': 'shop', 'items': [{'type': 'cookie', 'value': 'x'}]}]},
     'alb_rules[0].items[0].name is required'),
    ({'alb_rules': [{'ingress_name': 'shop', 'path': 'v1', 'items': [HEADER]}]}, "alb_rules[0].path 'v1'"),
    ({'alb_rules': [{'ingress_name': 'shop', 'items': []}]}, 'alb_rules[0].items must list at least one'),
    ({'name': 'Web_Canary'}, "name 'Web_Canary'"),
    ({'name': '9-canary'}, "name '9-canary'"),
    ({'name': 'canary-\u8def'}, "name 'canary-\u8def'"),  # a Chinese character, but not at the end
    ({'name': 'canary-'}, "name 'canary-'"),
    ({'name': 'c' * 65}, 'name %r' % ('c' * 65)),
    ({'description': 'd' * 65}, 'description is 65 characters long'),
    ({'app_name': None, 'app_id': None}, 'or grey_tag_route_id'),
    ({'app_id': WEB}, 'parameters are mutually exclusive: app_id|app_name'),
]


def test_refused_before_any_call(grey):
    """Each refusal names the option, and no call reaches the service (one module run per case)."""
    emulator, run = grey
    tasks = []
    for args, _words in REFUSED_BEFORE_ANY_CALL:
        task = canary_task()
        task[ROUTE] = dict((key, value) for key, value in dict(task[ROUTE], **args).items() if value is not None)
        tasks.append(task)
    results = run(tasks).results
    for (args, words), result in zip(REFUSED_BEFORE_ANY_CALL, results):
        assert result['failed'] and words in result['msg'] and 'Traceback' not in result['msg'], (args, result['msg'])
    assert len(results) == len(REFUSED_BEFORE_ANY_CALL) and operations(emulator) == []


def test_a_second_route_for_the_application_is_refused_naming_the_first(grey):
    emulator, run = grey
    other = emulator.seed_grey_tag_route(AppId=WEB, Name='old-canary', ScRules=[])
    result = run(canary_task()).result
    assert result['failed'] and "already has canary route 'old-canary' (grey_tag_route_id %s)" % other in result['msg']
    assert "app_name 'demo-web'" in result['msg'] and result['grey_tag_route']['name'] == 'old-canary', result
    assert operations(emulator) == ['ListApplications', 'ListGreyTagRoute'] and list(stored(emulator)) == ['old-canary']


IMMUTABLE = [
    ({'name': 'renamed'}, ["it is named 'web-canary' and the task says name 'renamed'"]),
    ({'app_id': inv.APP_API_ID}, ['it belongs to application %s and the task says app_id %s' % (WEB, inv.APP_API_ID)]),
    ({'app_name': inv.APP_API_NAME, 'name': 'other'},
     ["the task says app_name 'demo-api' (application %s)" % inv.APP_API_ID, "the task says name 'other'"]),
]


def test_name_and_application_cannot_change(grey):
    """UpdateGreyTagRoute takes neither: refused before any write, naming both values, for an update or a delete."""
    emulator, run = grey
    route_id = emulator.seed_grey_tag_route(AppId=WEB, Name='web-canary')
    cases = [(args, words, state) for args, words in IMMUTABLE for state in ('present', 'absent')]
    results = run([route(dict(args, grey_tag_route_id=route_id, state=state, description='x'))
                   for args, _words, state in cases]).results
    for (args, words, state), result in zip(cases, results):
        assert result['failed'] and all(word in result['msg'] for word in words), (args, state, result['msg'])
        assert 'cannot rename' in result['msg']
    assert len(results) == len(cases) and not writes(emulator) and list(stored(emulator)) == ['web-canary']


def test_rules_of_the_other_framework_are_replaced_only_when_asked(grey):
    emulator, run = grey
    dubbo = [{'condition': 'AND', 'serviceName': 'com.example.Demo', 'methodName': 'sayHello', 'items': [
        {'index': 0, 'cond': '==', 'operator': 'rawvalue', 'value': 'beta'}]}]
    emulator.seed_grey_tag_route(AppId=WEB, Name='web-canary', DubboRules=dubbo)
    sc = [{'path': '/api', 'items': [{'type': 'header', 'name': 'x-canary', 'value': 'true'}]}]
    emulator.clear_log()
    refused = run(route({'app_id': WEB, 'name': 'web-canary', 'sc_rules': sc})).result
    assert refused['failed'] and 'has dubbo_rules' in refused['msg'] and 'set dubbo_rules: []' in refused['msg']
    assert not writes(emulator)
    replaced = run(route({'app_id': WEB, 'name': 'web-canary', 'sc_rules': sc, 'dubbo_rules': []})).result
    assert replaced['changed'] and not replaced['failed'], replaced
    record = stored(emulator)['web-canary']
    assert record['DubboRules'] == [] and record['ScRules'][0]['path'] == '/api'
    assert not run(route({'app_id': WEB, 'name': 'web-canary', 'sc_rules': sc, 'dubbo_rules': []})).result['changed']


def test_dubbo_rules_compare_as_the_service_reports_them(grey):
    """Unset group, version and expr come back as '': no change on the next run."""
    emulator, run = grey
    task = route({'app_id': WEB, 'name': 'web-canary', 'dubbo_rules': [
        {'service_name': 'com.example.Demo', 'method_name': 'sayHello', 'items': [{'index': 0, 'value': 'beta'}]}]})
    assert run(task).result['changed']
    emulator.clear_log()
    again = run(task).result
    assert not again['changed'] and operations(emulator) == ['ListGreyTagRoute'], again
    assert again['grey_tag_route']['dubbo_rules'] == [{
        'condition': 'AND', 'service_name': 'com.example.Demo', 'group': None, 'version': None,
        'method_name': 'sayHello', 'items': [{'index': 0, 'expr': None, 'value': 'beta', 'cond': '==',
                                              'operator': 'rawvalue'}]}]


@pytest.mark.parametrize('rule, words', [
    ({'ingress_name': 'nope'}, "alb_rules[0].ingress_name 'nope': no ingress of cn-beijing:demo has that name"),
    ({'ingress_name': 'web'}, "ingress_name 'web': ingress"),
], ids=['unknown', 'clb'])
def test_ingress_names_that_cannot_work_are_refused(grey, rule, words):
    emulator, run = grey
    result = run(route({'app_id': WEB, 'name': 'web-canary', 'alb_rules': [dict(rule, items=[HEADER])]})).result
    assert result['failed'] and words in result['msg'], result['msg']
    assert operations(emulator) == ['ListGreyTagRoute', 'ListIngresses']


def test_an_application_name_that_is_only_a_canary_or_unknown_is_refused(grey):
    emulator, run = grey
    result = run(canary_task(app_name='demo-wbe')).result
    assert result['failed'] and "app_name 'demo-wbe': no application of cn-beijing:demo" in result['msg'], result
    assert operations(emulator) == ['ListApplications']


def test_an_unknown_id(grey):
    """With the application known, an unknown id is confirmed gone by listing its routes; without, the ambiguous
    InvalidParameter.WithMessage fails the task and says how to tell."""
    emulator, run = grey
    emulator.seed_grey_tag_route(AppId=WEB, Name='web-canary')
    emulator.clear_log()
    with_app = run(route({'grey_tag_route_id': 999, 'app_id': WEB, 'state': 'absent'})).result
    assert not with_app['failed'] and not with_app['changed'], with_app
    confirm = ['ListGreyTagRoute'] if emulator.variant['grey_not_found'] == 'with_message' else []
    assert operations(emulator) == ['DescribeGreyTagRoute'] + confirm
    emulator.clear_log()
    alone = run(route({'grey_tag_route_id': 999, 'state': 'absent'})).result
    if emulator.variant['grey_not_found'] == '404':
        assert not alone['failed'] and not alone['changed'], alone
    else:
        assert alone['failed'] and alone['error']['code'] == 'InvalidParameter.WithMessage', alone
        assert 'set app_id or app_name too' in alone['msg']
    assert operations(emulator) == ['DescribeGreyTagRoute']
    present = run(route({'grey_tag_route_id': 999, 'app_id': WEB, 'description': 'x'})).result
    assert present['failed'] and 'No canary route has grey_tag_route_id 999' in present['msg'], present
    assert not writes(emulator) and list(stored(emulator)) == ['web-canary']


def test_a_delete_that_finds_the_route_gone_changes_nothing(grey):
    emulator, run = grey
    route_id = emulator.seed_grey_tag_route(AppId=WEB, Name='web-canary')
    emulator.faults.arm('callback', operation='DeleteGreyTagRoute', fn=lambda emu: emu.remove_grey_tag_route(route_id))
    result = run(route({'grey_tag_route_id': route_id, 'state': 'absent'})).result
    assert not result['failed'] and not result['changed'], result


def test_a_create_whose_answer_was_lost_is_looked_up_not_repeated(grey):
    emulator, run = grey
    emulator.faults.arm('apply_then_drop', operation='CreateGreyTagRoute')
    result = run(canary_task(), defaults={'retries': 3}).result
    assert result['changed'] and not result['failed'], result
    assert [entry['operation'] for entry in writes(emulator)] == ['CreateGreyTagRoute']
    assert operations(emulator)[-1] == 'ListGreyTagRoute' and list(stored(emulator)) == ['web-canary']
    assert result['grey_tag_route']['grey_tag_route_id'] == stored(emulator)['web-canary']['GreyTagRouteId']


def test_info_lists_by_application_or_describes_by_id(grey):
    emulator, run = grey
    route_id = emulator.seed_grey_tag_route(AppId=WEB, Name='web-canary', Description='d', AlbRules=[
        {'condition': 'AND', 'ingressId': emulator.shop, 'path': '/', 'items': [
            {'type': 'sourceIp', 'cond': '==', 'operator': 'rawvalue', 'value': '10.0.0.1'}]}])
    emulator.clear_log()
    run_ = run([route({'app_name': WEB_NAME}, module=INFO),
                route({'grey_tag_route_id': route_id}, module=INFO, check_mode=True),
                route({'app_id': WEB, 'grey_tag_route_id': route_id + 1}, module=INFO),
                route({'app_id': inv.APP_API_ID}, module=INFO)])
    by_name, by_id, other_id, none = run_.results
    assert not any(result['failed'] or result['changed'] for result in run_.results), run_.results
    listed = by_name['grey_tag_routes']
    assert [r['grey_tag_route_id'] for r in listed] == [route_id] and listed[0]['app_id'] == WEB
    assert listed[0]['alb_rules'] == [{'ingress_id': emulator.shop, 'path': None, 'items': [
        {'type': 'source_ip', 'name': None, 'value': '10.0.0.1', 'cond': '==', 'operator': 'rawvalue'}]}]
    assert by_id['grey_tag_routes'] == listed and other_id['grey_tag_routes'] == [] and none['grey_tag_routes'] == []
    assert operations(emulator) == ['ListApplications', 'ListGreyTagRoute', 'DescribeGreyTagRoute',
                                    'ListGreyTagRoute', 'ListGreyTagRoute']


def test_a_route_read_with_the_info_module_is_written_back_unchanged(grey):
    # read-filter-write: the info module's route, fed back to the module as it is, is a valid task and changes nothing
    emulator, run = grey
    created = run(canary_task(items=[HEADER, COOKIE])).result
    assert created['changed'] and not created['failed'], created
    read = run(route({'app_id': WEB}, module=INFO)).result['grey_tag_routes'][0]
    options = set(('app_id', 'name', 'grey_tag_route_id', 'description', 'alb_rules', 'sc_rules', 'dubbo_rules'))
    emulator.clear_log()
    again = run(route(dict((key, value) for key, value in read.items() if key in options))).result
    assert not again['failed'] and not again['changed'], again
    assert harness.agree(again['grey_tag_route'], created['grey_tag_route']) and writes(emulator) == []
    assert operations(emulator) == ['DescribeGreyTagRoute']
