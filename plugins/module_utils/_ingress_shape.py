# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The shape of an SAE ingress in the module's vocabulary: the live ingress (a DescribeIngress
answer or a ListIngresses row, PascalCase) and the wanted one (module options) normalised into
one snake_case form, and the returned result. Shared by every ingress module; pure functions of plain dicts."""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_cors import canonical_cors, live_cors, wanted_cors
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_values import (
    blank_to_none,
    cast,
    split_list,
    to_bool,
    to_int,
)

# The dict shapes that travel between the functions of the ingress module_utils:
#   ApiIngress  a DescribeIngress `Data` or a ListIngresses row, PascalCase, as the service answers;
#   Params      the module's parameters (AnsibleModule.params), snake_case, None for "not set";
#   Ingress     the module's vocabulary of an ingress (normalize_live, normalize_wanted), snake_case keys
#               of the options and of RV(ingress), only the keys known (see missing_from_live);
#   Rule        one rule in that vocabulary: {app_id, container_port, domain, path, backend_protocol,
#               rewrite_path[, rule_actions]}.
ApiIngress = Dict[str, Any]
Params = Dict[str, Any]
Ingress = Dict[str, Any]
Rule = Dict[str, Any]


class Scalar(NamedTuple):
    """A scalar option: its name, its API field, and its kind ('str', 'int' or 'bool')."""
    option: str
    api: str
    kind: str


# Scalar options. Their live values come from DescribeIngress or a ListIngresses row; `None` on the
# wanted side means "not set, leave alone".
SCALARS = (
    Scalar('name', 'Description', 'str'),
    Scalar('listener_port', 'ListenerPort', 'int'),
    Scalar('listener_protocol', 'ListenerProtocol', 'str'),
    Scalar('cert_id', 'CertId', 'str'),
    Scalar('security_policy_id', 'SecurityPolicyId', 'str'),
    Scalar('request_timeout', 'RequestTimeout', 'int'),
    Scalar('idle_timeout', 'IdleTimeout', 'int'),
    Scalar('enable_gzip', 'EnableGzip', 'bool'),
    Scalar('enable_x_forwarded_for', 'EnableXForwardedFor', 'bool'),
    Scalar('enable_x_forwarded_for_client_src_port', 'EnableXForwardedForClientSrcPort', 'bool'),
    Scalar('enable_x_forwarded_for_proto', 'EnableXForwardedForProto', 'bool'),
    Scalar('enable_x_forwarded_for_slb_id', 'EnableXForwardedForSlbId', 'bool'),
    Scalar('enable_x_forwarded_for_slb_port', 'EnableXForwardedForSlbPort', 'bool'),
)

# Fields fixed at creation: a difference fails before any write.
IMMUTABLE = ('namespace_id', 'slb_id', 'load_balance_type')

# Only meaningful when SAE provisions the ALB; the API does not return them, so they are not compared.
CREATE_ONLY = ('address_type', 'load_balancer_edition', 'zone_mappings')

# Everything the module returns as `ingress`, in a stable order.
RESULT_KEYS = (
    'id', 'name', 'description', 'namespace_id', 'slb_id', 'slb_type', 'load_balance_type',
    'listener_port', 'listener_protocol', 'cert_id', 'cert_ids', 'security_policy_id',
    'request_timeout', 'idle_timeout', 'enable_gzip', 'enable_x_forwarded_for',
    'enable_x_forwarded_for_client_src_port', 'enable_x_forwarded_for_proto',
    'enable_x_forwarded_for_slb_id', 'enable_x_forwarded_for_slb_port', 'cors_config',
    'default_rule', 'rules', 'created_by_sae', 'create_time', 'mse_gateway_id', 'mse_gateway_port',
    'mse_gateway_protocol',
)

# Values the service documents for what a request leaves out (the Create page, the SDK's model comments). The
# flags (enable_gzip, enable_x_forwarded_for*) have no documented default: a create that leaves them out returns
# them null (not read), and nothing is ever compared with a default.
SERVICE_DEFAULTS = {
    'load_balance_type': 'clb',
    'listener_protocol': 'HTTP',
    'request_timeout': 60,
    'idle_timeout': 15,
}

DEFAULT_BACKEND_PROTOCOL = 'http'

# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def _domain(value):
    """A rule's domain: domains are case-insensitive (SAE's console guide), so the module holds them lower-case."""
    value = blank_to_none(value)
    return value.lower() if value else None


def _protocol(value):
    value = blank_to_none(value)
    return value.lower() if value else None


def _rule_actions(actions, type_key='ActionType', config_key='ActionConfig'):
    """A live rule's RuleActions ([{ActionType, ActionConfig}]), or a task's rule_actions ([{action_type,
    action_config}], as sae_ingress_info returns them), in the module's vocabulary."""
    return [{'action_type': blank_to_none(action.get(type_key)),
             'action_config': blank_to_none(action.get(config_key))}
            for action in actions or [] if isinstance(action, dict)]

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def live_rule(rule: Dict[str, Any]) -> Rule:
    """One rule of a DescribeIngress answer or ListIngresses row, in the module's vocabulary.

    ``{'AppId': 'a', 'ContainerPort': 8080, 'Domain': 'WWW.Example.com', 'Path': '/', 'RuleActions': []}``
    -> ``{'app_id': 'a', 'app_name': None, 'container_port': 8080, 'domain': 'www.example.com', 'path': '/',
    'backend_protocol': None, 'rewrite_path': None, 'rule_actions': []}``. app_name is the rule's AppName;
    backend_protocol is None where the service does not report it; rule_actions lists the actions set outside
    this module (console, saectl).
    """
    return {
        'app_id': blank_to_none(rule.get('AppId')),
        'app_name': blank_to_none(rule.get('AppName')),
        'container_port': to_int(rule.get('ContainerPort')),
        'domain': _domain(rule.get('Domain')),
        'path': blank_to_none(rule.get('Path')),
        'backend_protocol': _protocol(rule.get('BackendProtocol')),
        'rewrite_path': blank_to_none(rule.get('RewritePath')),
        'rule_actions': _rule_actions(rule.get('RuleActions')),
    }


def wanted_rule(rule: Dict[str, Any]) -> Rule:
    """One rule of the task's O(rules), in the module's vocabulary.

    ``{'app_id': 'a', 'app_name': None, 'container_port': 8080, 'domain': 'WWW.Example.com', 'path': '/',
    'backend_protocol': None, 'rewrite_path': ''}`` -> the same keys, the domain lower-case. A sub-option left unset
    (or null) stays None ("keep the live value"); rewrite_path ``''`` asks for no rewrite; ``rule_actions`` is there
    only when the task gives it (as sae_ingress_info returns it). An entry with ``state: absent`` is ``{'domain': ...,
    'path': ..., 'state': 'absent'}``: what identifies the rule to remove, nothing else.
    """
    if is_absent(rule):
        return {'domain': _domain(rule.get('domain')), 'path': blank_to_none(rule.get('path')), 'state': 'absent'}
    rewrite_path = rule.get('rewrite_path')
    wanted = {
        'app_id': blank_to_none(rule.get('app_id')),
        'app_name': blank_to_none(rule.get('app_name')),
        'container_port': to_int(rule.get('container_port')),
        'domain': _domain(rule.get('domain')),
        'path': blank_to_none(rule.get('path')),
        'backend_protocol': _protocol(rule.get('backend_protocol')),
        # '' asks for no rewrite (kept apart from None, which keeps the live value)
        'rewrite_path': None if rewrite_path is None else (blank_to_none(rewrite_path) or ''),
    }
    if rule.get('rule_actions') is not None:
        wanted['rule_actions'] = _rule_actions(rule['rule_actions'], 'action_type', 'action_config')
    return wanted


def is_absent(rule: Rule) -> bool:
    """Whether an entry of O(rules) (a task's or wanted_rule's) asks for its rule to be removed."""
    return rule.get('state') == 'absent'


def present_rules(rules: Optional[List[Rule]]) -> List[Rule]:
    """The entries of O(rules) that describe a rule to keep: those without ``state: absent``."""
    return [rule for rule in rules or [] if not is_absent(rule)]


def _default_rule(app_id: Any, app_name: Any, container_port: Any, backend_protocol: Any) -> Rule:
    return {
        'app_id': blank_to_none(app_id),
        'app_name': blank_to_none(app_name),
        'container_port': to_int(container_port),
        'backend_protocol': _protocol(backend_protocol),
    }


def live_default_rule(rule: Optional[Dict[str, Any]]) -> Optional[Rule]:
    """``{'AppId': 'a', 'AppName': 'web', 'ContainerPort': 8080[, 'BackendProtocol': 'http']}`` -> ``{'app_id': 'a',
    'app_name': 'web', 'container_port': 8080, 'backend_protocol': 'http' or None}``; None stays None."""
    if rule is None:
        return None
    return _default_rule(rule.get('AppId'), rule.get('AppName'), rule.get('ContainerPort'), rule.get('BackendProtocol'))


def wanted_default_rule(rule: Optional[Dict[str, Any]]) -> Optional[Rule]:
    """The task's O(default_rule) ``{app_id, app_name, container_port, backend_protocol}``, normalised; None stays None."""
    if rule is None:
        return None
    return _default_rule(rule.get('app_id'), rule.get('app_name'), rule.get('container_port'), rule.get('backend_protocol'))


def rule_key(rule: Rule) -> Tuple[str, str]:
    """What identifies a rule (module vocabulary): its domain, case-insensitively, and its path."""
    return ((rule.get('domain') or '').lower(), rule.get('path') or '')


def normalize_live(data: ApiIngress) -> Ingress:
    """The module's shape of a DescribeIngress `Data` or a ListIngresses row.

    ``{'Id': 7, 'Description': 'web', 'ListenerPort': '80', 'CertIds': 'b,a', 'Rules': [...], ...}`` ->
    ``{'id': 7, 'name': 'web', 'description': 'web', 'listener_port': 80, 'listener_protocol': 'HTTP',
    'cert_ids': ['a', 'b'], 'rules': [Rule, ...], ...}``. Only the keys the API returned are present, so a
    caller can tell what the answer does not carry (see missing_from_live).
    """
    live = {}
    if 'Id' in data:
        live['id'] = to_int(data['Id'])
    if 'Description' in data:
        live['name'] = live['description'] = row_name(data)
    simple = (('namespace_id', 'NamespaceId'), ('slb_id', 'SlbId'), ('slb_type', 'SlbType'))
    for option, api in simple:
        if api in data:
            live[option] = blank_to_none(data[api])
    if 'LoadBalanceType' in data:
        live['load_balance_type'] = (blank_to_none(data['LoadBalanceType']) or SERVICE_DEFAULTS['load_balance_type']).lower()
    for scalar in SCALARS:
        # A number or flag the service answers null for is not reported, like one it leaves out.
        value = data.get(scalar.api)
        if scalar.option != 'name' and scalar.api in data and not (scalar.kind != 'str' and value is None):
            live[scalar.option] = cast(value, scalar.kind)
    if 'ListenerPort' in data or 'ListenerProtocol' in data or 'Id' in data:
        # The service omits ListenerProtocol on listeners created without one: they are HTTP.
        protocol = blank_to_none(data.get('ListenerProtocol'))
        live['listener_protocol'] = protocol.upper() if protocol else SERVICE_DEFAULTS['listener_protocol']
    if 'CertIds' in data:
        # No certificate reads as null, as an empty CertId does: a value the service does not give.
        live['cert_ids'] = split_list(data['CertIds']) or None
    if 'DefaultRule' in data:
        live['default_rule'] = live_default_rule(data['DefaultRule'])
    if 'Rules' in data:
        live['rules'] = [live_rule(rule) for rule in data['Rules'] or []]
    if 'CorsConfig' in data:
        live['cors_config'] = canonical_cors(live_cors(data['CorsConfig']))
    if 'CreatedBySae' in data:
        live['created_by_sae'] = to_bool(data['CreatedBySae'])
    # ListIngresses rows only: when the ingress was created, and the MSE gateway of a gateway route.
    if 'CreateTime' in data:
        live['create_time'] = to_int(data['CreateTime'])
    for option, api in (('mse_gateway_id', 'MseGatewayId'), ('mse_gateway_protocol', 'MseGatewayProtocol')):
        if api in data:
            live[option] = blank_to_none(data[api])
    if 'MseGatewayPort' in data:
        live['mse_gateway_port'] = to_int(blank_to_none(data['MseGatewayPort']))
    return live


def normalize_wanted(params: Params) -> Ingress:
    """The options the user set, normalised the way normalize_live normalises the live side.

    ``{'name': 'web', 'slb_id': 'alb-1', 'listener_port': 443, 'cert_ids': ['b', 'a'], 'rules': None, ...}`` ->
    ``{'name': 'web', 'slb_id': 'alb-1', 'load_balance_type': 'alb', 'listener_port': 443, 'cert_ids': ['a', 'b']}``:
    only the options set (and the type an slb_id names), create-only options included.
    """
    wanted = {}
    for option in ('namespace_id', 'slb_id', 'address_type', 'load_balancer_edition'):
        if params.get(option) is not None:
            wanted[option] = params[option]
    lb_type = params.get('load_balance_type') or lb_type_of_slb(params.get('slb_id'))
    if lb_type:
        wanted['load_balance_type'] = lb_type.lower()
    for scalar in SCALARS:
        value = params.get(scalar.option)
        if value is not None:
            wanted[scalar.option] = cast(value, scalar.kind) if scalar.kind != 'str' else value
    if wanted.get('listener_protocol'):
        wanted['listener_protocol'] = wanted['listener_protocol'].upper()
    if params.get('cert_ids') is not None:
        wanted['cert_ids'] = split_list(params['cert_ids'])
    if params.get('default_rule') is not None:
        wanted['default_rule'] = wanted_default_rule(params['default_rule'])
    if params.get('rules') is not None:
        wanted['rules'] = [wanted_rule(rule) for rule in params['rules']]
    if params.get('cors_config') is not None:
        cors = wanted_cors(params['cors_config'])
        wanted['cors_config'] = dict((k, v) for k, v in cors.items() if v is not None)
    if params.get('zone_mappings') is not None:
        wanted['zone_mappings'] = [dict(zone_id=z['zone_id'], vswitch_id=z['vswitch_id']) for z in params['zone_mappings']]
    return wanted


def labelled_rules(values: Ingress) -> List[Tuple[str, Rule]]:
    """``[('default_rule', rule), ('rules[0]', rule), ...]``: the rules of an ingress in the module's shape, each with
    the option that holds it."""
    rules = [('default_rule', values['default_rule'])] if values.get('default_rule') else []
    return rules + [('rules[%d]' % index, rule) for index, rule in enumerate(values.get('rules') or [])]


def result_from_live(live: Ingress) -> Ingress:
    """The `ingress` return value: every key of RESULT_KEYS (the RETURN documentation), None where unknown."""
    return dict((key, live.get(key)) for key in RESULT_KEYS)


# What RV(routes) holds for each rule: the ingress, its listener, the rule's match and its application.
ROUTE_KEYS = ('ingress_id', 'ingress_name', 'slb_id', 'listener_port', 'listener_protocol', 'domain', 'path', 'app_id',
              'app_name', 'container_port')


def routes(ingress: Ingress) -> List[Dict[str, Any]]:
    """The rows of RV(routes) for one ``ingress`` (result_from_live): one per rule, in the ingress's order, then one
    for its default rule, whose ``domain`` and ``path`` are None."""
    head = {'ingress_id': ingress.get('id'), 'ingress_name': ingress.get('name'), 'slb_id': ingress.get('slb_id'),
            'listener_port': ingress.get('listener_port'), 'listener_protocol': ingress.get('listener_protocol')}
    rules = list(ingress.get('rules') or [])
    if ingress.get('default_rule'):
        rules.append(dict(ingress['default_rule'], domain=None, path=None))
    return [dict(head, **dict((key, rule.get(key)) for key in ROUTE_KEYS[5:])) for rule in rules]


def results_and_routes(found: List[ApiIngress]) -> Tuple[List[Ingress], List[Dict[str, Any]]]:
    """The ingresses of DescribeIngress answers or ListIngresses rows as results, sorted by id, and their routes."""
    ingresses = sorted((result_from_live(normalize_live(data)) for data in found), key=lambda item: item['id'] or 0)
    return ingresses, [route for ingress in ingresses for route in routes(ingress)]


def missing_from_live(live: Ingress, wanted: Ingress) -> List[str]:
    """Options the task sets that `live` does not carry: a ListIngresses row lacks some fields, and a service
    may leave a field out of DescribeIngress too (fields reached it at different times)."""
    comparable = [key for key in wanted if key not in IMMUTABLE and key not in CREATE_ONLY]
    return sorted(key for key in comparable if key not in live)

# ---------------------------------------------------------------------------------------------
# Load balancer type
# ---------------------------------------------------------------------------------------------


def lb_type_of_slb(slb_id: Optional[str]) -> Optional[str]:
    """The load balancer type an SLB id names by its prefix (``alb-``: ALB, ``lb-``: CLB), or None.

    normalize_wanted applies it when the task sets slb_id without load_balance_type, so validation,
    the create parameters, the check-mode prediction and the diff all see the same type.
    """
    slb_id = slb_id or ''
    if slb_id.startswith('alb-'):
        return 'alb'
    if slb_id.startswith('lb-'):
        return 'clb'
    return None


def row_name(row: ApiIngress) -> Optional[str]:
    """The routing rule name (the task's `name`) of a ListIngresses row or DescribeIngress answer.

    That is `Description`: the service generates `Name` itself (for example
    ``lb-uf6jt0nu4z6ior943****-80-f5****``), so it never matches what a task sets.
    """
    return blank_to_none(row.get('Description'))
