# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of the checks of a canary route task: each refusal names the option and the fix."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _grey_tag_route_validate as validate
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError

HEADER = {'type': 'header', 'name': 'x-canary', 'value': 'true', 'cond': '==', 'operator': 'rawvalue'}
SC = {'condition': 'AND', 'path': '/', 'items': [{'type': 'param', 'name': 'u', 'value': '1', 'cond': '==',
                                                  'operator': 'rawvalue'}]}
DUBBO = {'condition': 'AND', 'service_name': 's', 'method_name': 'm', 'group': None, 'version': None,
         'items': [{'index': 0, 'expr': None, 'value': 'v', 'cond': '==', 'operator': 'rawvalue'}]}


def params(**overrides):
    base = {'state': 'present', 'namespace_id': 'cn-beijing:demo', 'app_id': None, 'app_name': 'demo-web',
            'name': 'web-canary', 'grey_tag_route_id': None, 'description': None,
            'alb_rules': [{'ingress_id': None, 'ingress_name': 'shop', 'path': '/', 'items': [HEADER]}],
            'sc_rules': None, 'dubbo_rules': None}
    base.update(overrides)
    return base


def test_a_task_that_works():
    task = validate.route_task(params())
    assert (task.state, task.app_name, task.name, task.route_id) == ('present', 'demo-web', 'web-canary', None)
    assert task.wanted['alb_rules'][0]['ingress_name'] == 'shop'


@pytest.mark.parametrize('overrides, words', [
    ({'app_name': ' '}, 'app_name must not be empty'),
    ({'app_id': 'x'}, 'app_id and app_name name the same application'),
    ({'grey_tag_route_id': 0}, 'grey_tag_route_id must be a route id'),
    ({'app_name': None}, 'or grey_tag_route_id'),
    ({'name': None}, 'or grey_tag_route_id'),
    ({'name': 'Canary'}, "name 'Canary' is not a name SAE takes"),
    ({'description': 'd' * 65}, 'description is 65 characters long; SAE takes at most 64'),
    ({'alb_rules': [{'ingress_id': 1, 'ingress_name': 'shop', 'items': [HEADER]}]},
     'alb_rules[0] needs exactly one of ingress_id and ingress_name'),
    ({'alb_rules': [{'items': [HEADER]}]}, 'alb_rules[0] needs exactly one of ingress_id and ingress_name'),
    ({'alb_rules': [{'ingress_id': 1, 'path': 'x', 'items': [HEADER]}]}, "alb_rules[0].path 'x' must start with '/'"),
    ({'alb_rules': [{'ingress_id': 1, 'items': []}]}, 'alb_rules[0].items must list at least one condition'),
    ({'alb_rules': [{'ingress_id': 1, 'items': [dict(HEADER, cond='>')]}]},
     "alb_rules[0].items[0].cond '>': ALB canary rules take only '=='"),
    ({'alb_rules': [{'ingress_id': 1, 'items': [HEADER, dict(HEADER, operator='mod')]}]},
     "alb_rules[0].items[1].operator 'mod': ALB canary rules take only 'rawvalue'"),
    ({'alb_rules': [{'ingress_id': 1, 'items': [dict(HEADER, name=None)]}]}, 'alb_rules[0].items[0].name is required'),
    ({'alb_rules': [{'ingress_id': 1, 'items': [dict(HEADER, value='')]}]}, 'alb_rules[0].items[0].value is required'),
    ({'sc_rules': [dict(SC, items=[])]}, 'sc_rules[0].items must list at least one'),
    ({'sc_rules': [dict(SC, path='api')]}, "sc_rules[0].path 'api' must start with '/'"),
    ({'dubbo_rules': [dict(DUBBO, method_name='')]}, 'dubbo_rules[0].method_name is required'),
    ({'dubbo_rules': [dict(DUBBO, items=[dict(DUBBO['items'][0], index=-1)])]}, 'dubbo_rules[0].items[0].index must be 0'),
    ({'sc_rules': [SC], 'dubbo_rules': [DUBBO]}, 'sc_rules and dubbo_rules cannot both be set'),
], ids=['empty-app-name', 'both-apps', 'route-id', 'no-app', 'no-name', 'name', 'description',
        'both-ingresses', 'no-ingress', 'path', 'no-items', 'alb-cond', 'alb-operator', 'item-name', 'item-value',
        'sc-items', 'sc-path', 'dubbo-method', 'dubbo-index', 'sc-and-dubbo'])
def test_refused_before_any_call(overrides, words):
    with pytest.raises(InputError) as info:
        validate.route_task(params(**overrides))
    assert words in str(info.value)


def test_source_ip_needs_no_name_and_absent_checks_no_rules():
    validate.route_task(params(alb_rules=[{'ingress_id': 1, 'items': [
        {'type': 'source_ip', 'value': '10.0.0.1', 'cond': '==', 'operator': 'rawvalue'}]}]))
    bad = [{'ingress_id': 1, 'items': [dict(HEADER, cond='!=')]}]
    assert validate.route_task(params(state='absent', alb_rules=bad)).state == 'absent'
    assert validate.route_task(params(app_name=None, name=None, grey_tag_route_id=5)).route_id == 5
    assert validate.route_task(params(sc_rules=[SC], dubbo_rules=[])).wanted['dubbo_rules'] == []


@pytest.mark.parametrize('sc, dubbo, live, words', [
    ([SC], None, {'name': 'r', 'sc_rules': [], 'dubbo_rules': [DUBBO]}, 'canary route r has dubbo_rules'),
    (None, [DUBBO], {'name': 'r', 'sc_rules': [SC], 'dubbo_rules': []}, 'set sc_rules: [] in the same task'),
    ([SC], [], {'name': 'r', 'sc_rules': [], 'dubbo_rules': [DUBBO]}, None),
    ([], None, {'name': 'r', 'sc_rules': [SC], 'dubbo_rules': [DUBBO]}, None),
    (None, None, {'name': 'r', 'sc_rules': [SC], 'dubbo_rules': []}, None),
], ids=['sc-over-dubbo', 'dubbo-over-sc', 'replaced', 'cleared', 'untouched'])
def test_the_merged_route_holds_one_framework(sc, dubbo, live, words):
    if words is None:
        validate.check_exclusive(sc, dubbo, live)
        return
    with pytest.raises(InputError) as info:
        validate.check_exclusive(sc, dubbo, live)
    assert words in str(info.value)


LIVE = {'grey_tag_route_id': 7, 'name': 'web-canary', 'app_id': 'app-1'}


@pytest.mark.parametrize('overrides, app_id, words', [
    ({'name': 'other'}, 'app-1', ["it is named 'web-canary' and the task says name 'other'"]),
    ({'app_name': None, 'app_id': 'app-2'}, 'app-2', ['it belongs to application app-1 and the task says app_id app-2']),
    ({'name': 'other'}, 'app-2', ["says name 'other'", "app_name 'demo-web' (application app-2)"]),
], ids=['name', 'app-id', 'both'])
def test_name_and_application_cannot_change(overrides, app_id, words):
    task = validate.route_task(params(grey_tag_route_id=7, **overrides))
    with pytest.raises(InputError) as info:
        validate.immutable_conflicts(task, app_id, LIVE)
    assert all(word in str(info.value) for word in words) and 'Canary route 7 cannot be changed' in str(info.value)
    assert info.value.result == {'grey_tag_route': LIVE}


def test_the_same_name_and_application_pass():
    validate.immutable_conflicts(validate.route_task(params()), 'app-1', LIVE)
    validate.immutable_conflicts(validate.route_task(params(app_name=None, name=None, grey_tag_route_id=7)), None, LIVE)


def test_a_second_route_names_the_first():
    message = validate.second_route_message(validate.route_task(params()), 'app-1',
                                            {'name': 'old', 'grey_tag_route_id': 3})
    assert ("The application of app_name 'demo-web' (application app-1) already has canary route 'old' "
            '(grey_tag_route_id 3)') in message and "before creating 'web-canary'" in message
