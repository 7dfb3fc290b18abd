# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of the canary route's shape: answers (Describe, List rows) and tasks normalised alike."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _grey_tag_route_shape as shape

# A DescribeGreyTagRoute Data, keys as the SDK models name them.
DESCRIBE = {
    'GreyTagRouteId': 12, 'Name': 'web-canary', 'Description': '', 'AppId': 'app-1', 'CreateTime': 1767225600000,
    'UpdateTime': '1767225600001',
    'AlbRules': [{'condition': 'AND', 'ingressId': '87', 'serviceId': 'sgp-1', 'items': [
        {'type': 'sourceIp', 'cond': '==', 'operator': 'rawvalue', 'value': '10.0.0.1', 'expr': '', 'index': 0},
        {'type': 'header', 'name': 'x-canary', 'cond': '==', 'operator': 'rawvalue', 'value': 'true'}]}],
    'ScRules': [],
    'DubboRules': [{'condition': 'OR', 'serviceName': 'com.example.Demo', 'group': '', 'version': '1.0.0',
                    'methodName': 'sayHello', 'items': [{'index': '1', 'expr': '', 'cond': '!=', 'operator': 'list',
                                                         'value': 'a,b', 'name': '', 'type': ''}]}],
}


def test_a_describe_answer_in_the_module_shape():
    route = shape.normalize_live(DESCRIBE)
    assert list(route) == list(shape.ROUTE_KEYS)
    assert (route['grey_tag_route_id'], route['name'], route['description'], route['app_id']) == (
        12, 'web-canary', None, 'app-1')
    assert route['update_time'] == 1767225600001 and route['sc_rules'] == []
    assert route['alb_rules'] == [{'ingress_id': 87, 'path': None, 'items': [
        {'type': 'source_ip', 'name': None, 'value': '10.0.0.1', 'cond': '==', 'operator': 'rawvalue'},
        {'type': 'header', 'name': 'x-canary', 'value': 'true', 'cond': '==', 'operator': 'rawvalue'}]}]
    assert route['dubbo_rules'] == [{'condition': 'OR', 'service_name': 'com.example.Demo', 'group': None,
                                     'version': '1.0.0', 'method_name': 'sayHello', 'items': [
                                         {'index': 1, 'expr': None, 'value': 'a,b', 'cond': '!=', 'operator': 'list'}]}]


def test_a_list_row_takes_the_application_listed():
    row = dict((key, value) for key, value in DESCRIBE.items() if key != 'AppId')
    assert shape.normalize_live(row, 'app-1') == shape.normalize_live(DESCRIBE)
    assert shape.normalize_live({'GreyTagRouteId': 3})['alb_rules'] == []


@pytest.mark.parametrize('kind, task, answer', [
    (shape.ALB, {'ingress_id': 87, 'path': '/', 'items': [{'type': 'source_ip', 'value': '10.0.0.1'}]},
     {'condition': 'AND', 'ingressId': '87', 'path': '/', 'items': [
         {'type': 'sourceIp', 'cond': '==', 'operator': 'rawvalue', 'value': '10.0.0.1'}]}),
    (shape.SC, {'path': '/api', 'items': [{'type': 'param', 'name': 'u', 'value': '1', 'cond': '>='}]},
     {'condition': 'AND', 'path': '/api', 'items': [
         {'type': 'param', 'name': 'u', 'cond': '>=', 'operator': 'rawvalue', 'value': '1', 'expr': '', 'index': 0}]}),
    (shape.DUBBO, {'service_name': 's', 'method_name': 'm', 'group': '', 'items': [{'index': 0, 'value': 'v'}]},
     {'condition': 'AND', 'serviceName': 's', 'group': '', 'version': '', 'methodName': 'm', 'items': [
         {'index': 0, 'expr': '', 'cond': '==', 'operator': 'rawvalue', 'value': 'v'}]}),
], ids=['alb', 'sc', 'dubbo'])
def test_a_task_rule_and_its_answer_normalise_alike(kind, task, answer):
    """Defaults (cond, operator, condition) on the task's side, '' and unreported keys on the answer's."""
    assert shape.normalize_rule(kind, task) == shape.normalize_rule(kind, answer, api=True)


def test_a_task_alb_rule_keeps_its_ingress_name_until_resolved():
    header = {'type': 'header', 'name': 'a', 'value': 'b'}
    rule = shape.normalize_rule(shape.ALB, {'ingress_name': 'shop', 'items': [header]})
    assert rule['ingress_name'] == 'shop' and rule['ingress_id'] is None
    assert 'ingress_name' not in shape.public_rule(shape.ALB, rule)


@pytest.mark.parametrize('params, wanted', [
    ({'name': 'a', 'description': None, 'alb_rules': None, 'sc_rules': None, 'dubbo_rules': None}, {'name': 'a'}),
    ({'description': '', 'sc_rules': [], 'dubbo_rules': None}, {'description': '', 'sc_rules': []}),
], ids=['unset-left-out', 'empty-kept'])
def test_wanted_holds_what_the_task_sets(params, wanted):
    assert shape.normalize_wanted(params) == wanted


@pytest.mark.parametrize('value, text', [(None, None), ('', None), ('a', 'a'), (0, '0')])
def test_text(value, text):
    assert shape.text(value) == text


@pytest.mark.parametrize('name, ok', [
    ('a', True), ('web-canary', True), ('w1', True), ('a' * 64, True), ('灰度-1', False), ('a灰度', False), ('a灰度1', True),
    ('A', False), ('1a', False), ('a-', False), ('-a', False), ('a_b', False), ('a b', False), ('', False),
])
def test_names_sae_takes(name, ok):
    assert bool(shape.NAME_RE.match(name)) is ok


def test_diff_view_and_by_name():
    route = shape.normalize_live(DESCRIBE)
    assert 'create_time' not in shape.diff_view(route) and shape.diff_view({}) == {}
    assert shape.by_name([route], 'web-canary') is route and shape.by_name([route], 'other') is None


@pytest.mark.parametrize('rules, unreported', [
    ([], False), ([{'ingress_id': 1, 'path': None, 'items': []}], True),
    ([{'ingress_id': 1, 'path': '/', 'items': []}, {'ingress_id': 1, 'path': None, 'items': []}], False),
])
def test_paths_unreported(rules, unreported):
    assert shape.paths_unreported({'alb_rules': rules}) is unreported
    assert shape.paths_unreported(None) is False


def test_a_diff_from_a_route_without_paths_leaves_them_out():
    route = shape.normalize_live(DESCRIBE)
    assert 'path' in shape.diff_view(route)['alb_rules'][0]
    assert 'path' not in shape.diff_view(route, paths=False)['alb_rules'][0]
    assert route['alb_rules'][0]['path'] is None  # the route itself is untouched
