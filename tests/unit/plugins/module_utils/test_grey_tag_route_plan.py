# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of what a canary route task changes: the comparison, the request parameters, the predicted route."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _grey_tag_route_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils import _grey_tag_route_shape as shape


def item(name='x-canary', value='true', kind='header'):
    return {'type': kind, 'name': name, 'value': value, 'cond': '==', 'operator': 'rawvalue'}


def alb(ingress_id=87, path=None, items=None, **extra):
    return dict({'ingress_id': ingress_id, 'path': path, 'items': items or [item()]}, **extra)


LIVE = {'grey_tag_route_id': 12, 'name': 'web-canary', 'description': None, 'app_id': 'app-1',
        'create_time': 1, 'update_time': 2, 'alb_rules': [alb()], 'sc_rules': [], 'dubbo_rules': []}


@pytest.mark.parametrize('wanted, changed', [
    ({}, []),
    ({'description': ''}, []),
    ({'description': 'x'}, ['description']),
    ({'alb_rules': [alb(path='/')]}, []),  # the path is not reported: not compared
    ({'alb_rules': [alb(ingress_name='shop')]}, []),
    ({'alb_rules': [alb(ingress_id=88)]}, ['alb_rules']),
    ({'alb_rules': [alb(items=[item(), item('canary', 'on', 'cookie')])]}, ['alb_rules']),
    ({'alb_rules': [alb(items=[item(value='false')])]}, ['alb_rules']),
    ({'alb_rules': [alb(), alb()]}, ['alb_rules']),
    ({'alb_rules': []}, ['alb_rules']),
    ({'sc_rules': []}, []),
    ({'dubbo_rules': [{'condition': 'AND', 'items': []}]}, ['dubbo_rules']),
], ids=['nothing', 'empty-description', 'description', 'path', 'by-name', 'ingress', 'item-added', 'value',
        'rule-added', 'cleared', 'sc-empty', 'dubbo'])
def test_changes(wanted, changed):
    assert sorted(plan.compute_changes(LIVE, wanted)) == changed


def test_order_counts_and_a_reported_path_is_compared():
    two = [item(), item('canary', 'on', 'cookie')]
    live = dict(LIVE, alb_rules=[alb(path='/', items=two)])
    assert plan.compute_changes(live, {'alb_rules': [alb(items=list(reversed(two)))]})
    assert plan.compute_changes(live, {'alb_rules': [alb(path='/v1', items=two)]})
    assert not plan.compute_changes(live, {'alb_rules': [alb(path='/', items=two)]})


def test_ingress_names_resolve_into_ids():
    wanted = {'alb_rules': [alb(ingress_id=None, ingress_name='shop'), alb(ingress_id=5)]}
    assert plan.ingress_names(wanted) == [('alb_rules[0]', 'shop')]
    resolved = plan.with_ingress_ids(wanted, {'alb_rules[0]': 87})
    assert [rule['ingress_id'] for rule in resolved['alb_rules']] == [87, 5]
    assert wanted['alb_rules'][0]['ingress_id'] is None  # not mutated
    assert plan.with_ingress_ids({'name': 'a'}, {}) == {'name': 'a'}


def test_request_rules_in_camel_case():
    source_ip = {'type': 'source_ip', 'name': None, 'value': '10.0.0.1', 'cond': '==', 'operator': 'rawvalue'}
    assert plan.api_rules(shape.ALB, [alb(path='/', items=[item(), source_ip])]) == [
        {'condition': 'AND', 'ingressId': 87, 'path': '/', 'items': [
            {'type': 'header', 'name': 'x-canary', 'value': 'true', 'cond': '==', 'operator': 'rawvalue'},
            {'type': 'sourceIp', 'value': '10.0.0.1', 'cond': '==', 'operator': 'rawvalue'}]}]
    assert plan.api_rules(shape.ALB, [alb()])[0] == {'condition': 'AND', 'ingressId': 87, 'items': [
        {'type': 'header', 'name': 'x-canary', 'value': 'true', 'cond': '==', 'operator': 'rawvalue'}]}
    dubbo = shape.normalize_rule(shape.DUBBO, {'service_name': 's', 'method_name': 'm', 'version': '1',
                                               'items': [{'index': 0, 'value': 'v'}]})
    assert plan.api_rules(shape.DUBBO, [dubbo]) == [{'condition': 'AND', 'serviceName': 's', 'version': '1',
                                                     'methodName': 'm', 'items': [
                                                         {'index': 0, 'value': 'v', 'cond': '==',
                                                          'operator': 'rawvalue'}]}]


def test_create_and_update_parameters():
    wanted = {'name': 'web-canary', 'description': 'd', 'alb_rules': [alb(ingress_name='shop')], 'sc_rules': []}
    created = plan.create_params('app-1', 'web-canary', wanted)
    assert created['AppId'] == 'app-1' and created['Name'] == 'web-canary' and created['Description'] == 'd'
    assert created['ScRules'] == [] and 'DubboRules' not in created and created['AlbRules'][0]['ingressId'] == 87
    updated = plan.update_params(wanted)
    assert 'Name' not in updated and 'AppId' not in updated and sorted(updated) == ['AlbRules', 'Description', 'ScRules']


def test_predictions():
    wanted = {'name': 'web-canary', 'description': '', 'alb_rules': [alb(path='/', ingress_name='shop')]}
    after = plan.predict(LIVE, wanted)
    assert after['alb_rules'] == [alb(path='/')] and after['description'] is None and after['update_time'] is None
    assert after['create_time'] == 1 and LIVE['update_time'] == 2
    created = plan.predict_created('app-1', 'web-canary', wanted)
    assert list(created) == list(shape.ROUTE_KEYS) and created['grey_tag_route_id'] is None
    assert created['alb_rules'] == [alb(path='/')] and created['sc_rules'] == [] == created['dubbo_rules']
    assert plan.predict_created('app-1', 'web-canary', wanted, 9)['grey_tag_route_id'] == 9
