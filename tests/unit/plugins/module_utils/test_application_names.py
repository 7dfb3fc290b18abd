# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of applications by name: ListApplications rows in snake_case, exact resolution without canaries, the
rules' application compared by the name the service reports, and the ids and names filled in."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _application_shape as apps
from ansible_collections.alibabacloud.sae.plugins.module_utils import _sae_api
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_validate as validate
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApi, SaeApiError
from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.ingress_data import APP, APP2, DESCRIBE, params, rule

ROWS = [
    {'AppId': 'id-web', 'AppName': 'web', 'NamespaceId': 'cn-beijing:prod', 'Instances': '2', 'RunningInstances': 1,
     'Children': [{'AppId': 'id-web-canary', 'AppName': 'web', 'BaseAppId': 'id-web', 'Instances': 1}],
     'Tags': [{'Key': 'team', 'Value': 'shop'}], 'AppDescription': ''},
    {'AppId': 'id-web-canary', 'AppName': 'web', 'BaseAppId': 'id-web'},
    {'AppId': 'id-web-green', 'AppName': 'web-green'},
    {'AppId': 'id-api', 'AppName': 'api'},
]


def named_rule(domain, path, name, port=8080):
    return dict(rule(domain, path, app=None, port=port), app_name=name)


def test_a_row_in_snake_case():
    app = apps.normalize_application(ROWS[0])
    assert (app['app_id'], app['app_name'], app['instances'], app['running_instances']) == ('id-web', 'web', 2, 1)
    assert app['base_app_id'] is None and app['app_description'] is None
    assert app['children'] == [{'app_id': 'id-web-canary', 'app_name': 'web', 'base_app_id': 'id-web', 'instances': 1,
                                'running_instances': None}]
    assert app['tags'] == [{'key': 'team', 'value': 'shop'}]


def test_names_resolve_exactly_and_never_to_a_canary():
    assert apps.resolve_names(ROWS, [('default_rule', 'web'), ('rules[0]', 'api')], 'ns') == {'web': 'id-web', 'api': 'id-api'}


@pytest.mark.parametrize('wanted, fragments', [
    ([('rules[2]', 'WEB')], ["rules[2].app_name 'WEB': no application of ns", 'web (id-web)', 'web-green (id-web-green)']),
    ([('rules[0]', 'nothing-like-it')], ["rules[0].app_name 'nothing-like-it'", 'api (id-api)']),
    ([('default_rule', 'web'), ('rules[1]', 'gone')], ["rules[1].app_name 'gone'"]),
])
def test_an_unknown_name_names_the_rule_and_the_candidates(wanted, fragments):
    with pytest.raises(apps.AppNameError) as err:
        apps.resolve_names(ROWS, wanted, 'ns')
    for fragment in fragments:
        assert fragment in str(err.value)
    assert 'id-web-canary' not in str(err.value) and 'Nothing was changed' in str(err.value)


def test_a_name_of_two_applications_lists_both_ids():
    rows = ROWS + [{'AppId': 'id-api-2', 'AppName': 'api'}]
    with pytest.raises(apps.AppNameError) as err:
        apps.resolve_names(rows, [('rules[1]', 'api')], 'ns')
    assert '2 applications of ns have that name (ids: id-api, id-api-2)' in str(err.value)


def test_names_by_id_include_the_children():
    assert apps.names_by_id(ROWS[:1]) == {'id-web': 'web', 'id-web-canary': 'web'}

# -- the plan ------------------------------------------------------------------------------------------


@pytest.mark.parametrize('kwargs, changed', [
    # DESCRIBE routes a.example.com/ and the default rule to APP ('one'), /api to APP2 ('two')
    (dict(default_rule={'app_name': 'one', 'container_port': 8080},
          rules=[named_rule('a.example.com', '/', 'one'), named_rule('a.example.com', '/api', 'two', 8443)]), set()),
    (dict(rules=[named_rule('a.example.com', '/', 'one'), named_rule('a.example.com', '/api', 'one', 8443)]), {'rules'}),
    (dict(default_rule={'app_name': 'two', 'container_port': 8080}), {'default_rule'}),
    (dict(default_rule={'app_id': APP, 'container_port': 8080}), set()),
])
def test_names_compare_with_the_names_the_service_reports(kwargs, changed):
    live = shape.normalize_live(DESCRIBE)
    wanted = shape.normalize_wanted(params(**kwargs))
    changes = plan.compute_changes(live, plan.desired_values(live, wanted))
    assert set(changes) == changed


def test_a_changed_name_has_no_id_until_resolved_then_compares_by_id():
    live = shape.normalize_live(DESCRIBE)
    wanted = shape.normalize_wanted(params(rules=[named_rule('a.example.com', '/', 'one'),
                                                  named_rule('a.example.com', '/api', 'three', 8443)]))
    desired = plan.desired_values(live, wanted)
    assert plan.unresolved_names(desired) == [('rules[1]', 'three')]
    assert plan.unresolved_names(wanted) == [('rules[0]', 'one'), ('rules[1]', 'three')]
    resolved = plan.with_applications(wanted, {'three': 'app-3'}, {})
    desired = plan.desired_values(live, resolved)
    changes = plan.compute_changes(live, desired)
    assert [(r['app_id'], r['app_name']) for r in changes['rules']] == [(APP, 'one'), ('app-3', 'three')]
    sent = plan.update_params(changes, desired)['Rules'][1]
    assert sent == {'appId': 'app-3', 'containerPort': 8443, 'domain': 'a.example.com', 'path': '/api'}
    # a name the service does not report resolves to the live id: no change
    same = plan.with_applications(wanted, {'one': APP, 'three': APP2}, {})
    assert plan.compute_changes(live, plan.desired_values(live, same)) == {}


def test_an_id_gets_its_name_from_the_live_ingress():
    live = shape.normalize_live(DESCRIBE)
    wanted = shape.normalize_wanted(params(default_rule={'app_id': APP2, 'container_port': 8080}))
    filled = plan.with_applications(wanted, {}, plan.known_app_names(live))
    assert filled['default_rule']['app_name'] == 'two'
    assert plan.known_app_names(live) == {APP: 'one', APP2: 'two'}


def test_a_rule_may_name_its_application_both_ways():
    """As sae_ingress_info returns a rule: app_id and app_name, checked against the service before any write."""
    validate.validate_static(params(rules=[dict(rule('a.example.com', '/'), app_id=APP, app_name='one')]))
    wanted = shape.normalize_wanted(params(default_rule={'app_id': APP, 'app_name': 'one', 'container_port': 8080},
                                           rules=[dict(rule('a.example.com', '/'), app_name='one')]))
    assert plan.app_pairs(wanted) == [('default_rule', APP, 'one'), ('rules[0]', APP, 'one')]


@pytest.mark.parametrize('app, message', [
    (dict(app_id=None, app_name=None), 'rules[0] needs app_id or app_name'),
    (dict(app_id='', app_name='one'), 'rules[0].app_id must not be empty'),
    (dict(app_id=None, app_name=''), 'rules[0].app_name must not be empty'),
])
def test_a_rule_names_its_application_once(app, message):
    with pytest.raises(validate.IngressInputError) as err:
        validate.validate_static(params(rules=[dict(rule('a.example.com', '/'), **app)]))
    assert message in str(err.value)


# -- ListApplications, every page ------------------------------------------------------------------------

class Answers:
    """An HttpClient stand-in: answers ListApplications from a list of Data objects, recording the params."""

    def __init__(self, *pages):
        self.pages = list(pages)
        self.calls = []

    def call(self, operation, params):
        self.calls.append((operation.action, dict(params)))
        return {'RequestId': 'r', 'Code': '200', 'Success': True, 'Data': self.pages.pop(0)}


def page(ids, total=None):
    data = {'Applications': [{'AppId': app_id, 'AppName': 'n-' + app_id} for app_id in ids]}
    if total is not None:
        data['TotalSize'] = total
    return data


def test_list_applications_reads_to_total_size_each_application_once():
    size = _sae_api.APPLICATIONS_PAGE_SIZE
    first = ['a%d' % n for n in range(size)]
    # page 2 repeats an application of page 1 (the list moved between the reads): read once, the end still proven
    http = Answers(page(first, total=size + 2), page(['a0', 'b1', 'b2'], total=size + 2))
    rows = SaeApi(http).list_applications('cn-beijing:prod', app_name='web')
    assert [row['AppId'] for row in rows] == first + ['b1', 'b2']
    assert [params['CurrentPage'] for dummy, params in http.calls] == [1, 2]
    assert http.calls[0] == ('ListApplications', {'NamespaceId': 'cn-beijing:prod', 'AppName': 'web', 'CurrentPage': 1,
                                                  'PageSize': size})


def test_list_applications_without_total_size_reads_past_a_capped_page():
    # a service that caps pages at 50 and gives no TotalSize: a short page ends the list only after a longer one
    http = Answers(page(['a%d' % n for n in range(50)]), page(['b%d' % n for n in range(50)]), page(['c1']))
    assert len(SaeApi(http).list_applications('ns')) == 101 and len(http.calls) == 3


@pytest.mark.parametrize('pages', [
    [page(['a1', 'a2'], total=5), page(['a1', 'a2'], total=5)],  # stuck on page 1, short of TotalSize
    [page(['a%d' % n for n in range(100)]), page(['a%d' % n for n in range(100)])],  # full page repeated, no total
])
def test_list_applications_that_cannot_prove_the_end_fails(pages):
    with pytest.raises(SaeApiError) as err:
        SaeApi(Answers(*pages)).list_applications('ns')
    assert err.value.code == 'IncompleteListing' and err.value.operation == 'ListApplications'
