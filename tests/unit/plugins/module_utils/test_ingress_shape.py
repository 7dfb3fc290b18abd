# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table tests of the shape of an ingress: normalising live and wanted, the result, ListIngresses rows."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape
from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.ingress_data import APP, APP2, DESCRIBE, ALB_HTTPS, params, rule


def test_normalize_live_maps_pascal_case_and_fills_service_defaults():
    live = shape.normalize_live(dict(DESCRIBE, ListenerPort='80'))
    assert live['id'] == 7 and live['name'] == live['description'] == 'web'
    assert live['listener_port'] == 80
    assert live['listener_protocol'] == 'HTTP'  # absent on the wire means HTTP
    assert live['default_rule'] == {'app_id': APP, 'app_name': 'one', 'container_port': 8080, 'backend_protocol': None}
    assert live['rules'][1] == {'app_id': APP2, 'app_name': 'two', 'container_port': 8443, 'domain': 'a.example.com', 'path': '/api',
                                'backend_protocol': None, 'rewrite_path': None, 'rule_actions': []}
    assert live['cert_ids'] is None
    alb = shape.normalize_live(ALB_HTTPS)
    assert alb['default_rule']['backend_protocol'] == 'http' and alb['rules'][1]['backend_protocol'] == 'https'


def test_name_is_the_description_not_the_generated_name():
    live = shape.normalize_live(dict(DESCRIBE, Name='lb-1-80-f5a1', Description='web'))
    assert live['name'] == live['description'] == 'web'
    assert shape.row_name({'Name': 'lb-1-80-f5a1'}) is None


def test_rule_actions_are_returned_in_the_module_vocabulary():
    rules = [dict(DESCRIBE['Rules'][0], RuleActions=[{'ActionType': 'redirect', 'ActionConfig': '{"httpCode":"301"}'}])]
    live = shape.normalize_live(dict(DESCRIBE, Rules=rules))
    assert live['rules'][0]['rule_actions'] == [{'action_type': 'redirect', 'action_config': '{"httpCode":"301"}'}]


@pytest.mark.parametrize('wire, expected', [
    ('b-cn,a-cn', ['a-cn', 'b-cn']),
    (['b-cn', 'a-cn', 'a-cn'], ['a-cn', 'b-cn']),
    ('', None),
    (None, None),
])
def test_cert_ids_are_a_sorted_set(wire, expected):
    assert shape.normalize_live(dict(DESCRIBE, CertIds=wire))['cert_ids'] == expected


def test_list_row_lacks_fields_and_missing_from_live_says_which():
    row = dict((k, v) for k, v in DESCRIBE.items() if not k.startswith('Enable') and k not in ('SecurityPolicyId', 'CreatedBySae'))
    live = shape.normalize_live(row)
    assert shape.missing_from_live(live, shape.normalize_wanted(params(listener_port=80))) == []
    assert shape.missing_from_live(live, shape.normalize_wanted(params(enable_gzip=True, security_policy_id='sp'))) == [
        'enable_gzip', 'security_policy_id']


def test_normalize_wanted_does_not_mutate_params():
    original = params(rules=[rule('a', '/')], cert_ids=['b', 'a'])
    snapshot = copy.deepcopy(original)
    shape.normalize_wanted(original)
    assert original == snapshot


def _assert_documented_shape(value, contains, where):
    """`value` has exactly the keys `contains` (a RETURN `contains` block) documents, recursively."""
    if value is None:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _assert_documented_shape(item, contains, '%s[%d]' % (where, index))
        return
    assert isinstance(value, dict), (where, value)
    assert sorted(value) == sorted(contains), where
    for key, spec in contains.items():
        if spec.get('contains'):
            _assert_documented_shape(value[key], spec['contains'], '%s.%s' % (where, key))


def test_result_has_every_documented_key():
    # The reference is the module's RETURN documentation, not the code's own list of keys.
    from ansible_collections.alibabacloud.sae.plugins.modules import sae_ingress  # pylint: disable=import-outside-toplevel
    documented = yaml.safe_load(sae_ingress.RETURN)['ingress']['contains']
    live = copy.deepcopy(DESCRIBE)
    live['CorsConfig'] = {'Enable': True, 'AllowOrigin': '*', 'AllowMethods': 'GET', 'AllowHeaders': '',
                          'ExposeHeaders': '', 'AllowCredentials': False, 'MaxAge': 600}
    live['Rules'][0]['RuleActions'] = [{'ActionType': 'redirect', 'ActionConfig': '{"httpCode": "301"}'}]
    result = shape.result_from_live(shape.normalize_live(live))
    assert result['rules'] and result['rules'][0]['rule_actions'] and result['default_rule'], result
    _assert_documented_shape(result, documented, 'ingress')
