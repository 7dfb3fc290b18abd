# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingresses' own pure parts (_ingresses_plan): entries validated together, matched with one listing, and the
task's result. Tables of entries and ListIngresses rows."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingresses_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError

NS = 'cn-beijing:prod'
RULE = {'app_id': 'a', 'container_port': 8080, 'domain': 'www.example.com', 'path': '/'}
ROWS = [
    dict(Id=3, Description='web', SlbId='lb-1', ListenerPort='80', LoadBalanceType='clb'),
    dict(Id=1, Description='api', SlbId='lb-1', ListenerPort='81', LoadBalanceType='clb'),
    dict(Id=2, Description='old', SlbId='lb-1', ListenerPort='82', LoadBalanceType='clb'),
    dict(Id=9, Description='gw', SlbId='', ListenerPort='80', MseGatewayId='gw-1'),
    dict(Id=5, Description='dup', SlbId='lb-2', ListenerPort='80', LoadBalanceType='clb'),
    dict(Id=6, Description='dup', SlbId='lb-2', ListenerPort='81', LoadBalanceType='clb'),
]


def entries(*items, state='present'):
    return plan.validate_entries(list(items), NS, state)


@pytest.mark.parametrize('item, label', [
    ({'name': 'web', 'ingress_id': 7}, 'ingresses[2] (name web)'),
    ({'ingress_id': 7}, 'ingresses[2] (ingress_id 7)'),
    ({'slb_id': 'lb-1', 'listener_port': 80}, 'ingresses[2] (slb_id lb-1, listener_port 80)'),
    ({'slb_id': 'lb-1'}, 'ingresses[2]'),
])
def test_entry_label(item, label):
    assert plan.entry_label(2, item) == label


@pytest.mark.parametrize('own, state, expected', [(None, 'present', 'present'), (None, 'absent', 'absent'),
                                                  ('absent', 'present', 'absent')])
def test_entry_params_take_the_module_namespace_and_state(own, state, expected):
    item = {'name': 'web', 'state': own}
    params = plan.entry_params(item, NS, state)
    assert params == {'name': 'web', 'state': expected, 'namespace_id': NS}
    assert item == {'name': 'web', 'state': own}  # the entry itself is left as it was


def test_valid_entries_become_tasks():
    found = entries({'name': 'web', 'request_timeout': 30}, {'ingress_id': 4, 'state': 'absent'})
    assert [(e.index, e.label, e.state) for e in found] == [
        (0, 'ingresses[0] (name web)', 'present'), (1, 'ingresses[1] (ingress_id 4)', 'absent')]
    assert found[0].task.namespace_id == NS and found[0].task.wanted['request_timeout'] == 30
    assert found[1].task.ingress_id == 4


@pytest.mark.parametrize('items, fragments', [
    ([{'name': 'web'}, {'name': 'web', 'listener_port': 0}],
     ['ingresses[1] (name web): listener_port must be between 1 and 65535']),
    ([{'name': 'a', 'request_timeout': 0}, {'request_timeout': 5}],
     ['ingresses[0] (name a): request_timeout must be', 'ingresses[1]: Set name']),
    ([{'name': 'web'}, {'name': 'web'}], ["ingresses[1] (name web) has the same name 'web' as ingresses[0] (name web)"]),
    ([{'ingress_id': 4}, {'ingress_id': 4, 'name': 'x'}], ['ingresses[1] (name x) has the same ingress_id 4 as']),
    ([{'ingress_id': 4, 'name': 'x'}, {'name': 'x', 'state': 'absent'}], ["has the same name 'x'"]),
    ([{'slb_id': 'lb-1', 'listener_port': 80}, {'slb_id': 'lb-1', 'listener_port': 80, 'state': 'absent'}],
     ['has the same listener (listener_port 80 of slb_id lb-1) as']),
])
def test_input_errors_name_every_entry_that_has_one(items, fragments):
    with pytest.raises(InputError) as err:
        entries(*items)
    for fragment in fragments:
        assert fragment in str(err.value), str(err.value)
    problems = err.value.result['ingresses']
    assert all(item['failed'] and not item['changed'] and item['msg'] in str(err.value) for item in problems)
    assert [item['index'] for item in problems] == sorted(item['index'] for item in problems)


def test_an_entry_by_name_and_one_by_listener_may_share_neither():
    assert len(entries({'name': 'web'}, {'slb_id': 'lb-1', 'listener_port': 80})) == 2


# -- over one listing ----------------------------------------------------------------------------------

def ids(rows):
    return [row and row['Id'] for row in rows]


def test_entries_find_their_rows_by_id_name_and_listener():
    found = entries({'ingress_id': 3}, {'name': 'api'}, {'slb_id': 'lb-1', 'listener_port': 82}, {'name': 'new'})
    layout = plan.match_entries(found, ROWS, purge=False)
    assert ids(layout.rows) == [3, 1, 2, None]
    assert layout.purged == [] and layout.remaining == ROWS and layout.problems == {}


def test_purge_takes_the_rows_no_entry_means_but_gateway_routes():
    found = entries({'name': 'web'}, {'name': 'dup', 'ingress_id': 6, 'state': 'absent'})
    layout = plan.match_entries(found, ROWS, purge=True)
    assert ids(layout.purged) == [1, 2, 5]
    assert ids(layout.remaining) == [3, 9]  # the listed absent one and the purged ones are gone
    assert ids(plan.match_entries(found, ROWS, purge=False).remaining) == [3, 1, 2, 9, 5]


@pytest.mark.parametrize('items, index, fragment', [
    ([{'name': 'dup'}], 0, "2 ingresses in cn-beijing:prod are named 'dup'"),
    ([{'name': 'gw'}], 0, 'a route of MSE gateway gw-1'),
    ([{'name': 'web'}, {'ingress_id': 3}], 1, "ingresses[1] (ingress_id 3) means ingress 3 (named 'web'), as ingresses[0]"),
    ([{'ingress_id': 3, 'state': 'absent'}, {'name': 'web'}], 1, 'means ingress 3'),
    ([{'ingress_id': 77}], 0, 'No ingress of cn-beijing:prod has ingress_id 77'),
    ([{'ingress_id': 3, 'name': 'api'}], 0, "Ingress 3 cannot be renamed to 'api': ingress 1"),
    ([{'name': 'new', 'slb_id': 'lb-1', 'listener_port': 80}, {'name': 'web'}], 1,
     'ingresses[0] (name new) and ingresses[1] (name web) would both hold listener_port 80 of lb-1'),
    ([{'name': 'api', 'listener_port': 80}, {'name': 'web'}], 1, 'would both hold listener_port 80 of lb-1'),
])
def test_problems_the_listing_reveals(items, index, fragment):
    layout = plan.match_entries(entries(*items), ROWS, purge=False)
    assert list(layout.problems) == [index]
    assert fragment in str(layout.problems[index]), str(layout.problems[index])


@pytest.mark.parametrize('items', [
    [{'ingress_id': 77, 'state': 'absent'}],  # nothing to delete: not an error
    [{'ingress_id': 3, 'name': 'old'}, {'ingress_id': 2, 'state': 'absent'}],  # renamed into a name the task frees
    [{'name': 'old', 'state': 'absent'}, {'name': 'new', 'slb_id': 'lb-1', 'listener_port': 82}],  # a freed listener
    [{'ingress_id': 3, 'name': 'web'}, {'name': 'api', 'listener_port': 81}],  # their own names and listeners
])
def test_what_the_listing_allows(items):
    assert plan.match_entries(entries(*items), ROWS, purge=False).problems == {}


def test_a_name_freed_by_a_purge_may_be_taken():
    found = entries({'ingress_id': 3, 'name': 'api'})
    assert plan.match_entries(found, ROWS, purge=True).problems == {}


def test_purge_task_deletes_by_id_alone():
    task = plan.purge_task(NS, ROWS[2])
    assert (task.namespace_id, task.ingress_id, task.name, task.wanted) == (NS, 2, None, {})


# -- the task's result -----------------------------------------------------------------------------------

@pytest.mark.parametrize('view, taken, key', [
    ({'name': 'web', 'id': 3}, (), 'web'),
    ({'name': 'web', 'id': 3}, ('web',), 'web (id 3)'),
    ({'name': None, 'id': 3}, (), 'id 3'),
    ({'slb_id': 'lb-1', 'listener_port': 80}, (), 'lb-1:80'),
    ({'listener_port': 80}, (), 'new load balancer:80'),
])
def test_diff_key(view, taken, key):
    assert plan.diff_key(view, taken) == key


def test_task_diff_holds_what_changes():
    results = [
        {'changed': False, 'ingress': {'name': 'same'}},
        {'changed': True, 'diff': {'before': {'name': 'web', 'id': 3, 'request_timeout': 60},
                                   'after': {'name': 'web', 'id': 3, 'request_timeout': 30}}},
        {'changed': True, 'diff': {'before': {}, 'after': {'name': 'new', 'listener_port': 80}}},
        {'changed': True, 'diff': {'before': {'name': 'old', 'id': 2}, 'after': {}}},
        {'changed': True, 'diff': {'before': {'name': 'old', 'id': 5}, 'after': {}}},
        {'changed': False, 'failed': True, 'msg': 'x'},
    ]
    assert plan.task_diff(results) == {
        'before': {'web': results[1]['diff']['before'], 'old': {'name': 'old', 'id': 2},
                   'old (id 5)': {'name': 'old', 'id': 5}},
        'after': {'web': results[1]['diff']['after'], 'new': {'name': 'new', 'listener_port': 80}},
    }


def test_failure_message_counts_and_names_the_failed_entries():
    results = [{'changed': True}, {'changed': False, 'failed': True, 'msg': 'ingresses[1] (name a): boom.'},
               {'changed': False, 'failed': True, 'msg': 'ingress 4 (purged): bang.'}]
    assert plan.failure_message(results) == ('2 of 3 ingresses failed (1 changed): ingresses[1] (name a): boom. '
                                             'ingress 4 (purged): bang.')
    assert plan.failure_message(results[:1]) is None
