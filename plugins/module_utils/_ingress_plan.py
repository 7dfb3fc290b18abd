# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The plan of a sae_ingress task: the desired values against the live ingress (rules merged by
domain and path, unset sub-options kept), what differs, the API parameters of the create or the
update, and the ingress predicted for check mode and the diff. Pure functions of plain dicts."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_cors import (
    CORS_API,
    CORS_LISTS,
    canonical_cors,
    wanted_cors,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import (
    CREATE_ONLY,
    DEFAULT_BACKEND_PROTOCOL,
    SCALARS,
    SERVICE_DEFAULTS,
    Ingress,
    Rule,
    is_absent,
    labelled_rules,
    present_rules,
    rule_key,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import (
    infer_lb_type,
    listener_protocol_after,
    reports_backend_protocol,
)

_APP_ID_RE = re.compile(r'^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$')

# API parameters of a create or an update: PascalCase field names, Python values (the transport encodes them),
# for example {'ListenerPort': 80, 'Rules': [{'appId': 'a', 'containerPort': 8080, 'domain': ..., 'path': ...}]}.
ApiParams = Dict[str, Any]

# ---------------------------------------------------------------------------------------------
# Compare
# ---------------------------------------------------------------------------------------------


def _merge_rule(live_rule: Optional[Rule], rule: Rule, reported: bool) -> Rule:
    """A wanted rule over the live rule with its (domain, path): unset sub-options keep their live value.

    The application is the one the rule names, by app_id or app_name: the other of the two is kept from the live
    rule only when that names the same application, else it is None (an app_id None is resolved from app_name
    before any write; an app_name None is not known)."""
    live_rule = live_rule or {}
    merged = dict(live_rule or {'app_id': None, 'app_name': None, 'backend_protocol': None, 'rewrite_path': None,
                                'rule_actions': []})
    merged.update((key, value) for key, value in rule.items() if value is not None)
    for key, other in (('app_id', 'app_name'), ('app_name', 'app_id')):
        if rule.get(key) is not None and rule.get(other) is None and live_rule.get(key) != rule[key]:
            merged[other] = None
    merged['rewrite_path'] = merged.get('rewrite_path') or None
    if not reported:
        merged['backend_protocol'] = None
    return merged


def merged_rules(live_rules: Optional[List[Rule]], wanted_rules: List[Rule], purge: bool,
                 reported: bool = True) -> List[Rule]:
    """The full rule list to send: the wanted rules over their live counterparts (matched by rule_key), plus
    (purge False) the live ones not listed, in live order; an entry with ``state: absent`` is never kept. `reported`:
    whether the ingress will report (and so apply) backend protocols."""
    live_by_key = dict((rule_key(rule), rule) for rule in live_rules or [])
    removed = set(rule_key(rule) for rule in wanted_rules if is_absent(rule))
    merged = [_merge_rule(live_by_key.get(rule_key(rule)), rule, reported) for rule in present_rules(wanted_rules)]
    if purge:
        return merged
    # live order first (the listed ones changed in place), then the new ones
    merged_by_key = dict((rule_key(rule), rule) for rule in merged)
    result = [merged_by_key.pop(rule_key(rule), None) or dict(rule) for rule in live_rules or []
              if rule_key(rule) not in removed]
    return result + [rule for rule in merged if rule_key(rule) in merged_by_key]


def _comparable_rule(rule: Rule, with_backend: bool) -> Rule:
    rule = dict(rule)
    rule.pop('rule_actions', None)
    # The application is compared by id: a desired rule whose name is not the live one's has no id yet.
    rule.pop('app_name', None)
    rule['rewrite_path'] = rule.get('rewrite_path') or None
    if not with_backend:
        rule.pop('backend_protocol', None)
    return rule


def _rules_equal(live_rules: Optional[List[Rule]], rules: Optional[List[Rule]]) -> bool:
    """Rules match by (domain, path); a backend protocol is compared only where the task's side has one."""
    live_by_key = dict((rule_key(rule), rule) for rule in live_rules or [])
    if set(live_by_key) != set(rule_key(rule) for rule in rules or []) or len(rules or []) != len(live_by_key):
        return False
    for rule in rules or []:
        with_backend = rule.get('backend_protocol') is not None
        if _comparable_rule(rule, with_backend) != _comparable_rule(live_by_key[rule_key(rule)], with_backend):
            return False
    return True


def _default_rule_equal(live_rule: Optional[Rule], rule: Rule) -> bool:
    return _rules_equal([dict(live_rule, domain=None, path=None)] if live_rule else [], [dict(rule, domain=None, path=None)])


def rules_with_actions(rules: List[Rule]) -> List[Tuple[Optional[str], Optional[str], List[Any]]]:
    """``[('www.example.com', '/', ['redirect'])]``: (domain, path, action types) of the rules in `rules` that carry
    actions set outside this module."""
    return [(rule.get('domain'), rule.get('path'), [action.get('action_type') for action in rule['rule_actions']])
            for rule in rules if rule.get('rule_actions')]


def rule_actions_message(conflicts: List[Tuple[Optional[str], Optional[str], List[Any]]]) -> str:
    parts = ['domain %s path %s (%s)' % (domain, path, ', '.join(str(t) for t in types)) for domain, path, types in conflicts]
    return ('Changing rules resends the whole rule list, and these rules carry rule actions set outside this module '
            '(console or saectl) that the module cannot resend: %s. Nothing was changed. Manage the rules of this '
            'ingress where their actions are managed, or remove the actions first.' % '; '.join(parts))


def _cors_comparable(cors: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    cors = cors or {}
    result = {}
    for option in CORS_API:
        value = cors.get(option)
        if option in CORS_LISTS:
            value = sorted(value or [])
        elif option in ('enable', 'allow_credentials'):
            value = bool(value)
        result[option] = value
    return result


def desired_values(live: Ingress, wanted: Ingress, purge_rules: bool = True) -> Ingress:
    """Every comparable option the task sets, in its final form against `live` (both in the module's vocabulary,
    normalize_live and normalize_wanted; ``{}`` for a create).

    ``live={'request_timeout': 60, 'rules': [r1, r2], ...}, wanted={'request_timeout': 30, 'rules': [r2']}`` ->
    ``{'request_timeout': 30, 'rules': [r2' over r2]}`` (purge_rules true) or ``[r1, r2' over r2]`` (false);
    cors_config is the live configuration with the suboptions the task sets.
    """
    values = {}
    for scalar in SCALARS:
        if scalar.option in wanted:
            values[scalar.option] = wanted[scalar.option]
    if 'cert_ids' in wanted:
        values['cert_ids'] = wanted['cert_ids']
    reported = reports_backend_protocol(infer_lb_type(wanted, live) or SERVICE_DEFAULTS['load_balance_type'],
                                        listener_protocol_after(wanted, live))
    if 'default_rule' in wanted:
        values['default_rule'] = _merge_rule(live.get('default_rule'), wanted['default_rule'], reported)
        values['default_rule'].pop('rewrite_path', None)
        values['default_rule'].pop('rule_actions', None)
    if 'rules' in wanted:
        values['rules'] = merged_rules(live.get('rules'), wanted['rules'], purge_rules, reported)
    if 'cors_config' in wanted:
        cors = dict(live.get('cors_config') or wanted_cors({}))
        cors.update(wanted['cors_config'])
        values['cors_config'] = cors
    return values


def _equal(option: str, live_value: Any, value: Any) -> bool:
    if option == 'rules':
        return _rules_equal(live_value, value)
    if option == 'default_rule':
        return _default_rule_equal(live_value, value)
    if option == 'cert_ids':
        return sorted(live_value or []) == sorted(value)
    if option == 'cors_config':
        return _cors_comparable(live_value) == _cors_comparable(value)
    return live_value == value


def compute_changes(live: Ingress, desired: Ingress) -> Ingress:
    """``{option: value}`` for every desired value (desired_values) that differs from the live one: ``{}`` when
    the ingress matches. The caller leaves out of `desired` what `live` does not carry (missing_from_live)."""
    return dict((option, value) for option, value in desired.items() if not _equal(option, live.get(option), value))

# ---------------------------------------------------------------------------------------------
# Predict
# ---------------------------------------------------------------------------------------------


def _as_reported(after: Ingress) -> Ingress:
    """Backend protocols as the service reports them: only on ALB + HTTPS, where an unset one is http."""
    reported = reports_backend_protocol(after.get('load_balance_type'), after.get('listener_protocol'))
    for option in ('default_rule', 'rules'):
        value = after.get(option)
        rules = [value] if option == 'default_rule' and value else value or []
        rules = [dict(rule, backend_protocol=(rule.get('backend_protocol') or DEFAULT_BACKEND_PROTOCOL) if reported else None)
                 for rule in rules]
        if value is not None:
            after[option] = rules[0] if option == 'default_rule' else rules
    return after


def predict(live: Ingress, changes: Ingress) -> Ingress:
    """The ingress (module vocabulary) as the service will report it once `changes` (compute_changes) are
    applied to `live`."""
    after = dict(live)
    after.update(changes)
    if 'cors_config' in changes:
        after['cors_config'] = canonical_cors(changes['cors_config'])
    if 'name' in changes:
        after['description'] = changes['name']
    return _as_reported(after)


def predict_created(wanted: Ingress, slb_type: Optional[str] = None) -> Ingress:
    """The ingress (module vocabulary) a create of `wanted` (normalize_wanted, with ``id`` when the service gave
    one) will produce: the request over the service defaults, and the SLB's address type when known (else None)."""
    after = dict(SERVICE_DEFAULTS)
    after.update(dict((k, v) for k, v in wanted.items() if k not in CREATE_ONLY))
    after.update(desired_values({}, wanted))
    after['description'] = wanted.get('name')
    after.setdefault('rules', [])
    after['cert_ids'] = wanted.get('cert_ids')
    after['created_by_sae'] = not wanted.get('slb_id')
    after['slb_type'] = slb_type
    if after['created_by_sae']:
        after['slb_type'] = (wanted.get('address_type') or 'Internet').lower()
    if 'cors_config' in wanted:
        after['cors_config'] = canonical_cors(after['cors_config'])
    return _as_reported(after)


def diff_view(ingress: Optional[Ingress]) -> Dict[str, Any]:
    """A diff side: the ingress without keys that carry no information."""
    if not ingress:
        return {}
    return json.loads(json.dumps(dict((k, v) for k, v in ingress.items() if v is not None), sort_keys=True))

# ---------------------------------------------------------------------------------------------
# Applications by name
# ---------------------------------------------------------------------------------------------


def unresolved_names(values):
    """[(label, app_name)] of the rules of ``values`` (wanted or desired) that name an application without its id."""
    return [(label, rule['app_name']) for label, rule in labelled_rules(values)
            if rule.get('app_id') is None and rule.get('app_name') is not None]


def app_id_suspects(values):
    """``["rules[0].app_id 'web'", ...]``: the app_id values of the rules of ``values`` that are no application id
    (which looks like 395b60e4-0550-458d-9c54-a265d0361a01): an application name written where its id belongs."""
    return ['%s.app_id %r' % (label, rule['app_id']) for label, rule in labelled_rules(values)
            if rule.get('app_id') and not _APP_ID_RE.match(rule['app_id'])]


def app_pairs(values):
    """``[('rules[0]', app_id, app_name)]``: the rules of ``values`` that name their application both by id and by name
    (as sae_ingress_info returns them), which must be the same application."""
    return [(label, rule['app_id'], rule['app_name']) for label, rule in labelled_rules(values)
            if rule.get('app_id') is not None and rule.get('app_name') is not None]


def app_pair_message(conflicts):
    """The refusal of rules whose app_id and app_name name different applications: ``conflicts`` is ``[(label,
    app_id, app_name, what the service says), ...]``."""
    return ('%s. Nothing was changed. Keep one of app_id and app_name in each (to route to another application, '
            'change app_name and remove app_id, or the other way round).'
            % '; '.join('%s: app_id %s and app_name %r name different applications (%s)' % conflict
                        for conflict in conflicts))


def known_app_names(live):
    """{app_id: app_name} of the applications the live ingress routes to."""
    return dict((rule['app_id'], rule['app_name']) for dummy, rule in labelled_rules(live or {})
                if rule.get('app_id') and rule.get('app_name'))


def with_applications(wanted, ids_by_name, names_by_id):
    """``wanted`` with each rule's missing app_id (from its app_name) and app_name (from its app_id) filled in where
    known."""
    result = dict(wanted)
    for option in ('default_rule', 'rules'):
        if wanted.get(option) is None:
            continue
        rules = []
        for rule in wanted[option] if option == 'rules' else [wanted[option]]:
            rule = dict(rule)
            if rule.get('app_id') is None and rule.get('app_name') in ids_by_name:
                rule['app_id'] = ids_by_name[rule['app_name']]
            if rule.get('app_name') is None and rule.get('app_id') in names_by_id:
                rule['app_name'] = names_by_id[rule['app_id']]
            rules.append(rule)
        result[option] = rules if option == 'rules' else rules[0]
    return result

# ---------------------------------------------------------------------------------------------
# API parameters
# ---------------------------------------------------------------------------------------------


def _rule_to_api(rule: Rule, default: bool = False) -> Dict[str, Any]:
    api = {'appId': rule['app_id'], 'containerPort': rule['container_port']}
    if default:
        if rule.get('backend_protocol') is not None:
            api['backendProtocol'] = rule['backend_protocol']
        return api
    for option, key in (('domain', 'domain'), ('path', 'path'), ('backend_protocol', 'backendProtocol'),
                        ('rewrite_path', 'rewritePath')):
        if rule.get(option) is not None:
            api[key] = rule[option]
    return api


def _cors_to_api(cors: Dict[str, Any]) -> Dict[str, str]:
    api = {}
    for option, key in CORS_API.items():
        value = cors.get(option)
        if value is None:
            continue
        if option in CORS_LISTS:
            value = ','.join(value)
        elif option == 'enable':
            value = 'true' if value else 'false'
        elif option == 'allow_credentials':
            value = 'on' if value else 'off'
        else:
            value = str(value)
        api[key] = value
    return api


def _values_to_api(values: Ingress) -> ApiParams:
    params = {}
    for scalar in SCALARS:
        if scalar.option in values:
            params[scalar.api] = values[scalar.option]
    if 'cert_ids' in values:
        params['CertIds'] = ','.join(values['cert_ids'])
    if 'default_rule' in values:
        params['DefaultRule'] = _rule_to_api(values['default_rule'], default=True)
    if 'rules' in values:
        params['Rules'] = [_rule_to_api(rule) for rule in values['rules']]
    if 'cors_config' in values:
        params['CorsConfig'] = _cors_to_api(values['cors_config'])
    return params


def create_params(wanted: Ingress) -> ApiParams:
    """CreateIngress parameters for the wanted ingress (normalize_wanted): ``{'NamespaceId': ..., 'SlbId': ...,
    'ListenerPort': 80, 'LoadBalanceType': 'clb', 'DefaultRule': {'appId': ..., 'containerPort': ...},
    'Rules': [...]}`` (``Rules`` ``[]`` when the task lists none)."""
    params = _values_to_api(desired_values({}, wanted))
    params['NamespaceId'] = wanted['namespace_id']
    params['LoadBalanceType'] = wanted.get('load_balance_type') or SERVICE_DEFAULTS['load_balance_type']
    params.setdefault('Rules', [])
    if wanted.get('slb_id'):
        params['SlbId'] = wanted['slb_id']
    if wanted.get('address_type'):
        params['AddressType'] = wanted['address_type']
    if wanted.get('load_balancer_edition'):
        params['LoadBalancerEdition'] = wanted['load_balancer_edition']
    if wanted.get('zone_mappings'):
        params['ZoneMappings'] = [{'VSwitchId': z['vswitch_id'], 'ZoneId': z['zone_id']} for z in wanted['zone_mappings']]
    return params


def update_params(changes: Ingress, desired: Ingress) -> ApiParams:
    """UpdateIngress parameters: what changed (the whole rule list when rules change; ListenerPort only
    when it changes), plus the task's certificate whenever the listener protocol is sent, so that an
    HTTPS listener always arrives with its certificate."""
    values = dict(changes)
    if 'listener_protocol' in changes:
        values.update((option, desired[option]) for option in ('cert_id', 'cert_ids') if option in desired)
    return _values_to_api(values)
