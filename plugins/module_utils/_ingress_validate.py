# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Checks of a sae_ingress task before any write: what the task alone says (validate_static,
validate_load_balancer: before any call), and what it says against the live ingress or its absence
(validate_effective, immutable_conflicts). Each problem is a sentence that names the option and the fix."""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import (
    CREATE_ONLY,
    IMMUTABLE,
    SCALARS,
    SERVICE_DEFAULTS,
    Ingress,
    Params,
    is_absent,
    labelled_rules,
    normalize_wanted,
    present_rules,
    rule_key,
    wanted_rule,
)

MAX_RULES = 40

# A rule's path, per SAE's console guide: 1 to 80 characters, starting with "/".
MAX_PATH_LENGTH = 80

RANGES = {
    'listener_port': (1, 65535),
    'request_timeout': (1, 180),
    'idle_timeout': (1, 60),
}


class IngressInputError(InputError):
    """A task argument that cannot work; the message names the option and the fix."""


# One ingress task, validated: its identity (``ingress_id``, else ``name``, else the listener of ``wanted``), the
# options it sets in the shape of _ingress_shape (``wanted``), and ``purge_rules``.
IngressTask = namedtuple('IngressTask', 'namespace_id ingress_id name wanted purge_rules')


def ingress_task(params: Params) -> IngressTask:
    """The task of the module's parameters (or of one entry of a list of ingresses), checked as far as the task alone
    decides. Raises IngressInputError listing every problem found."""
    validate_static(params)
    wanted = normalize_wanted(params)
    if params.get('state', 'present') == 'present':
        validate_load_balancer(wanted)
    return IngressTask(params.get('namespace_id'), params.get('ingress_id'), params.get('name'), wanted,
                       params.get('purge_rules', True))


def _check_range(errors: List[str], label: str, value: Optional[int], low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        errors.append('%s must be between %d and %d, got %s.' % (label, low, high, value))

# ---------------------------------------------------------------------------------------------
# Load balancer type
# ---------------------------------------------------------------------------------------------


def infer_lb_type(wanted: Ingress, live: Optional[Ingress] = None) -> Optional[str]:
    """The ingress's load balancer type as far as it is known: the task's (or its slb_id's), else the live one."""
    if wanted.get('load_balance_type'):
        return wanted['load_balance_type']
    if live and live.get('load_balance_type'):
        return live['load_balance_type']
    return None


def reports_backend_protocol(lb_type: Optional[str], listener_protocol: Optional[str]) -> bool:
    """The service applies and reports a backend protocol only on an ALB ingress with an HTTPS listener."""
    return lb_type == 'alb' and listener_protocol == 'HTTPS'


def listener_protocol_after(wanted: Ingress, live: Optional[Ingress]) -> str:
    """The listener protocol once the task is applied: the task's, else the live one, else the default HTTP."""
    return wanted.get('listener_protocol') or (live or {}).get('listener_protocol') or SERVICE_DEFAULTS['listener_protocol']

# ---------------------------------------------------------------------------------------------
# The task alone
# ---------------------------------------------------------------------------------------------


def validate_static(params: Params) -> None:
    """Checks that need no API call, of the module's parameters (``{'state': 'present', 'name': 'web',
    'rules': [{'domain': ..., 'path': ..., ...}], ...}``). Raises IngressInputError listing every problem found."""
    errors = []
    # namespace_id is checked by the module base (_common.namespace_region), for every module.
    if params.get('name') is not None and not params['name'].strip():
        errors.append('name must not be empty: give the routing rule a name, or identify it with ingress_id.')
    if params.get('ingress_id') is not None and params['ingress_id'] < 1:
        errors.append('ingress_id must be a positive integer, got %s.' % params['ingress_id'])
    if params.get('name') is None and params.get('ingress_id') is None and (
            params.get('slb_id') is None or params.get('listener_port') is None):
        errors.append('Set name (the routing rule name that identifies the ingress in namespace_id), ingress_id, or '
                      'slb_id and listener_port (the listener, which identifies an ingress too).')
    if params.get('state') == 'absent':
        errors.extend(_absent_errors(params))
    else:
        errors.extend(_option_errors(params))
    if errors:
        raise IngressInputError(' '.join(errors))


# The options that find the ingress: all that state: absent takes besides namespace_id.
IDENTITY = ('name', 'ingress_id', 'slb_id', 'listener_port')

# The options that describe an ingress to keep (state: present), besides those that identify it.
PRESENT_ONLY = tuple(scalar.option for scalar in SCALARS if scalar.option not in IDENTITY) + (
    'load_balance_type', 'cert_ids', 'default_rule', 'rules', 'cors_config') + CREATE_ONLY


def _absent_errors(params: Params) -> List[str]:
    """state: absent deletes the whole ingress: an option that describes the ingress to keep means another task."""
    options = [option for option in PRESENT_ONLY if params.get(option) is not None]
    if params.get('purge_rules') is False:
        options.append('purge_rules')
    if not options:
        return []
    return ['state: absent deletes the whole ingress, found by %s; %s describe%s an ingress to keep: remove %s. To '
            'remove some rules and keep the ingress, use state: present and list those rules in rules with '
            'state: absent (and purge_rules: false to keep the rules not listed).'
            % (', '.join(('namespace_id',) + IDENTITY), ', '.join(options), 's' if len(options) == 1 else '',
               'it' if len(options) == 1 else 'them')]


def _app_label(rule: Dict[str, Any]) -> str:
    if rule.get('app_name') is not None:
        return 'app_name %s' % rule['app_name']
    return 'app_id %s' % rule.get('app_id')


def _app_errors(label: str, rule: Dict[str, Any]) -> List[str]:
    """A rule names its application by app_id or app_name (both, as sae_ingress_info returns them, when they name
    the same application: checked against the service before any write), not empty."""
    app_id, app_name = rule.get('app_id'), rule.get('app_name')
    if app_id is None and app_name is None:
        return ['%s needs app_id or app_name: the application the rule routes to.' % label]
    return ['%s.%s must not be empty.' % (label, option) for option in ('app_id', 'app_name')
            if rule.get(option) is not None and not rule[option].strip()]


def _option_errors(params: Params) -> List[str]:
    """What is wrong with the options that describe the ingress (not checked for state: absent)."""
    errors = []
    for option in ('cert_id', 'security_policy_id'):
        if params.get(option) is not None and not params[option].strip():
            errors.append('%s must not be empty: leave %s out to keep the live value (an empty value cannot be compared '
                          'with what the service reports, and the API has no documented way to remove one).'
                          % (option, option))
    cert_ids = params.get('cert_ids')
    if cert_ids is not None and (not cert_ids or any(not (item or '').strip() for item in cert_ids)):
        errors.append('cert_ids must list at least one certificate id and no empty ones: leave cert_ids out to keep '
                      'the live certificates.')
    for option, (low, high) in RANGES.items():
        _check_range(errors, option, params.get(option), low, high)
    default_rule = params.get('default_rule')
    if default_rule is not None:
        _check_range(errors, 'default_rule.container_port', default_rule.get('container_port'), 1, 65535)
        errors.extend(_app_errors('default_rule', default_rule))
    if params.get('rules') is not None:
        errors.extend(_rules_errors(params['rules']))
    cors = params.get('cors_config')
    if cors is not None and cors.get('max_age') is not None:
        _check_range(errors, 'cors_config.max_age', cors['max_age'], -1, 172800)
    return errors


def _rules_errors(rules: List[Dict[str, Any]]) -> List[str]:
    """What is wrong with the entries of O(rules): a rule to keep needs its application and port, every entry its
    domain and path (what identifies it), each (domain, path) once."""
    errors = []
    if len(present_rules(rules)) > MAX_RULES:
        errors.append('rules lists %d rules to keep; an ingress holds at most %d. Split the routing across several '
                      'ingresses.' % (len(present_rules(rules)), MAX_RULES))
    seen = {}
    for index, rule in enumerate(rules):
        label = 'rules[%d]' % index
        if not is_absent(rule):
            errors.extend(_present_rule_errors(label, rule))
        missing = [key for key in ('domain', 'path') if not (rule.get(key) or '').strip()]
        if missing:
            errors.append('%s (%s) needs %s: every rule routes a domain and a path (for example path: /); send other '
                          'traffic with default_rule.' % (label, _rule_label(rule), ' and '.join(missing)))
            continue
        errors.extend(_domain_and_path_errors(label, rule['domain'], rule['path']))
        key = rule_key(wanted_rule(rule))
        if key in seen:
            first = rules[seen[key]]
            notes = [] if first['domain'] == rule['domain'] else [
                '%r and %r: domains are case-insensitive' % (first['domain'], rule['domain'])]
            if is_absent(first) != is_absent(rule):
                notes.append('one to keep, one with state: absent')
            errors.append('rules[%d] and %s have the same domain %r and path %r%s; each (domain, path) may appear once.'
                          % (seen[key], label, first['domain'], rule['path'],
                             ' (%s)' % '; '.join(notes) if notes else ''))
        else:
            seen[key] = index
    return errors


def _rule_label(rule: Dict[str, Any]) -> str:
    return 'state absent' if is_absent(rule) else _app_label(rule)


def _present_rule_errors(label: str, rule: Dict[str, Any]) -> List[str]:
    errors = _app_errors(label, rule)
    if rule.get('container_port') is None:
        errors.append('%s (%s) needs container_port: the port of the application the rule routes to (an entry with '
                      'state: absent needs none).' % (label, _app_label(rule)))
    _check_range(errors, label + '.container_port', rule.get('container_port'), 1, 65535)
    return errors


def _domain_and_path_errors(label: str, domain: str, path: str) -> List[str]:
    """A rule's domain and path as SAE's console guide allows them: a host name, whose only wildcard is a leading
    ``*.`` label (``*.example.com``); a path of 1 to 80 characters that starts with ``/``."""
    errors = []
    where = '%s (domain %r, path %r)' % (label, domain, path)
    flaws = _domain_flaws(domain)
    if flaws:
        host = '.'.join(part for part in _host(domain).split('.') if part)
        errors.append('%s: a domain is a host name alone, and this one has %s: write %s instead.'
                      % (where, ' and '.join([', '.join(flaws[:-1])] + flaws[-1:] if len(flaws) > 1 else flaws),
                         repr(host) if host else 'the host name'))
    elif '*' in domain and not (domain.startswith('*.') and '*' not in domain[2:] and domain[2:].strip('.')):
        errors.append('%s: the only wildcard domain SAE accepts is a leading "*." label, as in *.example.com; '
                      'write the domain that way or list each host.' % where)
    if not path.startswith('/') or len(path) > MAX_PATH_LENGTH:
        errors.append('%s: a path starts with "/" and has 1 to %d characters (this one has %d); for example path: /api.'
                      % (where, MAX_PATH_LENGTH, len(path)))
    return errors


def _host(domain: str) -> str:
    """The host name in what a task wrote as a domain: without scheme, path, port and spaces."""
    rest = domain.partition('://')[2] if '://' in domain else domain
    return ''.join(rest.partition('/')[0].partition(':')[0].split())


def _domain_flaws(domain: str) -> List[str]:
    """What makes ``domain`` more than a host name: ``['a scheme', 'a port', ...]``."""
    rest = domain.partition('://')[2] if '://' in domain else domain
    found = (('a scheme', '://' in domain), ('a port', ':' in rest.partition('/')[0]), ('a path', '/' in rest),
             ('spaces', any(char.isspace() for char in domain)),
             ('an empty label (a dot at either end, or two in a row)', '' in _host(domain).split('.')))
    return [flaw for flaw, present in found if present]


# ---------------------------------------------------------------------------------------------
# Against the load balancer and the live ingress
# ---------------------------------------------------------------------------------------------


def _backend_protocol_errors(wanted: Ingress, lb_type: Optional[str], listener_protocol: Optional[str]) -> List[str]:
    """backend_protocol https or grpc where the service neither applies nor reports one."""
    if lb_type != 'clb' and (lb_type is None or listener_protocol is None):
        return []  # not known yet: checked again once the live ingress is read
    if reports_backend_protocol(lb_type, listener_protocol):
        return []
    where = 'a CLB ingress' if lb_type == 'clb' else 'an ALB ingress with an %s listener' % listener_protocol
    return ['%s.backend_protocol %s: SAE applies and reports a backend protocol only on an ALB ingress with an HTTPS '
            'listener, and this is %s. Remove backend_protocol (backends are reached over http).'
            % (label, rule['backend_protocol'], where)
            for label, rule in labelled_rules(wanted) if rule.get('backend_protocol') not in (None, 'http')]


def _lb_type_errors(wanted: Ingress, lb_type: Optional[str], live: Optional[Ingress],
                    listener_protocol: Optional[str] = None) -> List[str]:
    errors = _backend_protocol_errors(wanted, lb_type, listener_protocol)
    if lb_type == 'clb':
        if wanted.get('cert_ids'):
            errors.append('cert_ids is for ALB ingresses; this ingress uses a CLB: set cert_id instead.')
        if any(rule.get('rewrite_path') for rule in wanted.get('rules') or []):
            errors.append('rewrite_path is only supported by ALB ingresses; remove it from rules or use load_balance_type: alb.')
        for option in CREATE_ONLY:
            if wanted.get(option) is not None:
                errors.append('%s applies only to an ALB that SAE creates (load_balance_type: alb without slb_id).' % option)
    elif lb_type == 'alb':
        if wanted.get('cert_id') is not None:
            errors.append('cert_id is for CLB ingresses; this ingress uses an ALB: set cert_ids instead.')
        if wanted.get('slb_id') and not live:
            for option in CREATE_ONLY:
                if wanted.get(option) is not None:
                    errors.append('%s applies only when SAE creates the ALB: remove it, or remove slb_id.' % option)
    if wanted.get('listener_protocol') == 'HTTPS' and not wanted.get('cert_ids') and not wanted.get('cert_id'):
        errors.append('listener_protocol HTTPS needs its certificate in the same task: set %s.'
                      % {'alb': 'cert_ids', 'clb': 'cert_id'}.get(lb_type, 'cert_id (CLB) or cert_ids (ALB)'))
    return errors


def validate_load_balancer(wanted: Ingress) -> None:
    """The load-balancer-type checks that the task alone decides (load_balance_type or an slb_id says the type), of
    the wanted ingress (normalize_wanted). Raises IngressInputError."""
    errors = _lb_type_errors(wanted, infer_lb_type(wanted), None, wanted.get('listener_protocol'))
    if errors:
        raise IngressInputError(' '.join(errors))


def validate_effective(wanted: Ingress, live: Optional[Ingress] = None) -> None:
    """Checks that depend on the live ingress (normalize_live), or on its absence (None: a create), still before
    any write. Raises IngressInputError."""
    live = live or {}
    lb_type = infer_lb_type(wanted, live) or SERVICE_DEFAULTS['load_balance_type']
    errors = _lb_type_errors(wanted, lb_type, live, listener_protocol_after(wanted, live))
    if not live:
        if wanted.get('listener_port') is None:
            errors.append('listener_port is required to create an ingress.')
        if wanted.get('default_rule') is None:
            errors.append('default_rule (app_id and container_port) is required to create an ingress.')
        if lb_type == 'clb' and not wanted.get('slb_id'):
            errors.append('slb_id is required to create a CLB ingress (only an ALB can be created by SAE without one).')
    errors.extend(_rule_actions_errors(wanted, live))
    if errors:
        raise IngressInputError(' '.join(errors))


def _rule_actions_errors(wanted: Ingress, live: Ingress) -> List[str]:
    """rule_actions in a rule of the task (as sae_ingress_info returns it) that are not the live rule's: the API has
    no documented way to set them."""
    live_actions = dict((rule_key(rule), rule.get('rule_actions') or []) for rule in live.get('rules') or [])
    errors = []
    for label, rule in labelled_rules(wanted):
        given, there = rule.get('rule_actions'), live_actions.get(rule_key(rule), [])
        if given is None or given == there:
            continue
        given_types, live_types = _action_types(given), _action_types(there)
        errors.append('%s (domain %r, path %r): rule_actions %s are not the live rule\'s (%s), and the module cannot '
                      'set or change rule actions (set them in the SAE console or with saectl). Leave rule_actions out, '
                      'or give it as sae_ingress_info returns it.'
                      % (label, rule['domain'], rule['path'], given_types,
                         live_types if live_types != given_types else live_types + ', configured otherwise'))
    return errors


def _action_types(actions: List[Dict[str, Any]]) -> str:
    return '[%s]' % ', '.join(str(action.get('action_type')) for action in actions) if actions else 'none'


def immutable_conflicts(live: Ingress, wanted: Ingress) -> List[Tuple[str, Any, Any]]:
    """``[('slb_id', 'lb-1', 'lb-2'), ...]``: (option, live value, wanted value) for every fixed field the task
    would change."""
    conflicts = []
    for option in IMMUTABLE:
        if wanted.get(option) is not None and option in live and wanted[option] != live[option]:
            conflicts.append((option, live[option], wanted[option]))
    if wanted.get('address_type') and live.get('created_by_sae') and live.get('slb_type'):
        if wanted['address_type'].lower() != live['slb_type'].lower():
            conflicts.append(('address_type', live['slb_type'], wanted['address_type']))
    return conflicts


def immutable_message(conflicts: List[Tuple[str, Any, Any]]) -> str:
    parts = ['%s (live: %s, wanted: %s)' % conflict for conflict in conflicts]
    return ('These fields cannot change on an existing ingress: %s. Set them to the live values, or remove the ingress '
            '(state: absent) and create it again.' % ', '.join(parts))


def merged_rules_message(count: int, listed: int) -> str:
    """The refusal of a rule change whose merged list (purge_rules: false) exceeds what an ingress holds."""
    return ('With purge_rules: false the ingress would hold %d rules (the %d listed ones merged with the live ones it '
            'keeps); an ingress holds at most %d. Nothing was changed. Remove rules from the ingress, list fewer, or set '
            'purge_rules: true to replace the live rules.' % (count, listed, MAX_RULES))


def unreported_warning(ingress_id: Any, options: List[str]) -> str:
    """The warning for options the task sets that the service does not report (missing_from_live)."""
    one = len(options) == 1
    return ('The service does not report %s of ingress %s, so the module cannot compare %s: %s sent when the ingress is '
            'created or along with a change of another option, never on %s own. Check the value in the SAE console.'
            % (', '.join(options), ingress_id, 'it' if one else 'them', 'it is' if one else 'they are',
               'its' if one else 'their'))
