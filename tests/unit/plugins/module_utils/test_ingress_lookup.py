# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which ingress of a listing a task means (_ingress_lookup): tables of rows and answers."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_lookup as lookup
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError

NS = 'cn-beijing:prod'
ROWS = [
    dict(Id=3, Description='web', SlbId='lb-1', ListenerPort='80'),
    dict(Id=1, Description='web', SlbId='lb-1', ListenerPort='81'),
    dict(Id=2, Description='api', SlbId='lb-1', ListenerPort='82'),
    dict(Id=9, Description='gw', SlbId='', ListenerPort='80', MseGatewayId='gw-1'),
    dict(Id=8, Description='shared', SlbId='lb-1', ListenerPort='83'),
    dict(Id=7, Description='shared', SlbId='', ListenerPort='83', MseGatewayId='gw-2'),
]


@pytest.mark.parametrize('name, wanted, expected', [
    ('api', {}, 2),
    ('none', {}, None),
    ('shared', {}, 8),  # the gateway route of the same name does not count
    (None, {'slb_id': 'lb-1', 'listener_port': 82}, 2),  # by listener, a string port in the row
    (None, {'slb_id': 'lb-2', 'listener_port': 82}, None),
    (None, {'slb_id': 'lb-1'}, None),
])
def test_find_row(name, wanted, expected):
    row = lookup.find_row(ROWS, NS, name, wanted)
    assert (row and row['Id']) == expected


@pytest.mark.parametrize('name, ids, words', [
    ('web', [1, 3], ['2 ingresses in cn-beijing:prod', 'ids: 1, 3', 'Set ingress_id']),
    ('gw', [9], ['route of MSE gateway gw-1', 'nothing was changed']),
])
def test_a_name_that_cannot_decide_fails_with_the_ids(name, ids, words):
    with pytest.raises(InputError) as err:
        lookup.find_by_name(ROWS, name, NS)
    assert err.value.result == {'ingress_ids': ids}
    for word in words:
        assert word in str(err.value)


def test_port_checks_name_the_holder():
    with pytest.raises(InputError) as err:
        lookup.check_port_free(ROWS, 'lb-1', 82, None, NS, ingress={'id': 5})
    assert "held by ingress 2, named 'api'" in str(err.value) and err.value.result == {'ingress': {'id': 5}}
    lookup.check_port_free(ROWS, 'lb-1', 82, 2, NS)  # its own port
    lookup.check_port_free(None, 'lb-1', 82, None, NS)  # no listing: the service judges
    assert lookup.port_taken_message('UpdateIngress', ROWS, 'lb-1', 80).startswith('UpdateIngress (listener port 80')
    assert lookup.port_taken_message('UpdateIngress', None, 'lb-1', 80) is None


def test_twins_and_routed_applications():
    assert lookup.twins(ROWS, 'web', 3) == ['1']
    assert lookup.twins(ROWS, None, 3) == []
    row = {'DefaultRule': {'AppId': 'a', 'AppName': 'web'}, 'Rules': [{'AppId': 'b', 'AppName': None}, 'junk']}
    assert lookup.routed(row) == {'a', 'b'}
    assert lookup.routed(row, 'AppName') == {'web'}
