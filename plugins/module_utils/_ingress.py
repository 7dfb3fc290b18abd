# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.
#
# The decide part of sae_ingress as pure functions of plain dicts: normalise the live ingress
# (PascalCase API output) and the wanted one (module options) into one snake_case shape, validate,
# compare, and compute the API parameters, the diff and the predicted result.

from __future__ import annotations

import json

MAX_RULES = 40

# Scalar options: (option, API field, kind). Their live values come from DescribeIngress or a
# ListIngresses row; `None` on the wanted side means "not set, leave alone".
SCALARS = (
    ('name', 'Description', 'str'),
    ('listener_port', 'ListenerPort', 'int'),
    ('listener_protocol', 'ListenerProtocol', 'str'),
    ('cert_id', 'CertId', 'str'),
    ('security_policy_id', 'SecurityPolicyId', 'str'),
    ('request_timeout', 'RequestTimeout', 'int'),
    ('idle_timeout', 'IdleTimeout', 'int'),
    ('enable_gzip', 'EnableGzip', 'bool'),
    ('enable_x_forwarded_for', 'EnableXForwardedFor', 'bool'),
    ('enable_x_forwarded_for_client_src_port', 'EnableXForwardedForClientSrcPort', 'bool'),
    ('enable_x_forwarded_for_proto', 'EnableXForwardedForProto', 'bool'),
    ('enable_x_forwarded_for_slb_id', 'EnableXForwardedForSlbId', 'bool'),
    ('enable_x_forwarded_for_slb_port', 'EnableXForwardedForSlbPort', 'bool'),
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
    'default_rule', 'rules', 'created_by_sae',
)

# Values the service fills in when a request leaves them out.
SERVICE_DEFAULTS = {
    'load_balance_type': 'clb',
    'listener_protocol': 'HTTP',
    'request_timeout': 60,
    'idle_timeout': 15,
    'enable_gzip': False,
    'enable_x_forwarded_for': False,
    'enable_x_forwarded_for_client_src_port': False,
    'enable_x_forwarded_for_proto': False,
    'enable_x_forwarded_for_slb_id': False,
    'enable_x_forwarded_for_slb_port': False,
}
DEFAULT_BACKEND_PROTOCOL = 'http'

CORS_LISTS = ('allow_origin', 'allow_methods', 'allow_headers', 'expose_headers')
CORS_API = {
    'enable': 'Enable', 'allow_origin': 'AllowOrigin', 'allow_methods': 'AllowMethods',
    'allow_headers': 'AllowHeaders', 'expose_headers': 'ExposeHeaders',
    'allow_credentials': 'AllowCredentials', 'max_age': 'MaxAge',
}


class IngressInputError(ValueError):
    """A task argument that cannot work; the message names the option and the fix."""


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

def _to_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in ('true', 'on', '1', 'yes'):
        return True
    if text in ('false', 'off', '0', 'no', ''):
        return False
    return value


def _to_int(value):
    if value is None or isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return value


def _blank_to_none(value):
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def _split_list(value):
    """A comma-separated string or a list, as a sorted list of unique non-empty strings."""
    if value is None:
        return None
    items = value.split(',') if isinstance(value, str) else value
    return sorted(set(str(item).strip() for item in items if str(item).strip()))


def _cast(value, kind):
    if kind == 'int':
        return _to_int(value)
    if kind == 'bool':
        return _to_bool(value)
    return _blank_to_none(value)


def _protocol(value):
    value = _blank_to_none(value)
    return value.lower() if value else None


def _rule_actions(actions):
    """A live rule's RuleActions ([{ActionType, ActionConfig}]) in the module's vocabulary."""
    return [{'action_type': _blank_to_none(action.get('ActionType')),
             'action_config': _blank_to_none(action.get('ActionConfig'))}
            for action in actions or [] if isinstance(action, dict)]


def normalize_rule(rule, live=False):
    """One forwarding rule in the module's vocabulary (from a module option or an API rule).

    A sub-option the task leaves unset stays None ("keep the live value"); on the live side
    backend_protocol is None where the service does not report it, and rule_actions lists the
    actions set outside this module (console, saectl).
    """
    if live:
        return {
            'app_id': _blank_to_none(rule.get('AppId')),
            'container_port': _to_int(rule.get('ContainerPort')),
            'domain': _blank_to_none(rule.get('Domain')),
            'path': _blank_to_none(rule.get('Path')),
            'backend_protocol': _protocol(rule.get('BackendProtocol')),
            'rewrite_path': _blank_to_none(rule.get('RewritePath')),
            'rule_actions': _rule_actions(rule.get('RuleActions')),
        }
    rewrite_path = rule.get('rewrite_path')
    return {
        'app_id': _blank_to_none(rule.get('app_id')),
        'container_port': _to_int(rule.get('container_port')),
        'domain': _blank_to_none(rule.get('domain')),
        'path': _blank_to_none(rule.get('path')),
        'backend_protocol': _protocol(rule.get('backend_protocol')),
        # '' asks for no rewrite (kept apart from None, which keeps the live value)
        'rewrite_path': None if rewrite_path is None else (_blank_to_none(rewrite_path) or ''),
    }


def normalize_default_rule(rule, live=False):
    if rule is None:
        return None
    if live:
        rule = {'app_id': rule.get('AppId'), 'container_port': rule.get('ContainerPort'),
                'backend_protocol': rule.get('BackendProtocol')}
    return {
        'app_id': _blank_to_none(rule.get('app_id')),
        'container_port': _to_int(rule.get('container_port')),
        'backend_protocol': _protocol(rule.get('backend_protocol')),
    }


def _cors_value_set(value):
    """True for a CORS value that says something (0 does: max_age 0 is a real value)."""
    return value is not None and value is not False and value != []


def canonical_cors(cors):
    """None for a configuration that is off and sets nothing: the same as no configuration at all."""
    if cors and (cors.get('enable') or any(_cors_value_set(v) for k, v in cors.items() if k != 'enable')):
        return cors
    return None


def normalize_cors(cors, live=False):
    """CORS settings with every key present; lists sorted, flags as booleans, max_age an int."""
    if cors is None:
        return None
    if live:
        cors = dict((option, cors.get(api)) for option, api in CORS_API.items())
    result = {}
    for option in CORS_API:
        value = cors.get(option)
        if option in CORS_LISTS:
            value = _split_list(value)
        elif option == 'max_age':
            value = _to_int(_blank_to_none(value))
        else:
            value = _to_bool(value)
        result[option] = value
    return result


def rule_key(rule):
    return (rule.get('domain') or '', rule.get('path') or '')


def normalize_live(data):
    """The module's shape of a DescribeIngress `Data` or a ListIngresses row.

    Only the keys the API returned are present, so a caller can tell what a ListIngresses row
    does not carry (see missing_from_live).
    """
    live = {}
    if 'Id' in data:
        live['id'] = _to_int(data['Id'])
    if 'Description' in data:
        live['name'] = live['description'] = row_name(data)
    simple = (('namespace_id', 'NamespaceId'), ('slb_id', 'SlbId'), ('slb_type', 'SlbType'))
    for option, api in simple:
        if api in data:
            live[option] = _blank_to_none(data[api])
    if 'LoadBalanceType' in data:
        live['load_balance_type'] = (_blank_to_none(data['LoadBalanceType']) or SERVICE_DEFAULTS['load_balance_type']).lower()
    for option, api, kind in SCALARS:
        if option != 'name' and api in data:
            live[option] = _cast(data[api], kind)
    if 'ListenerPort' in data or 'ListenerProtocol' in data or 'Id' in data:
        # The service omits ListenerProtocol on listeners created without one: they are HTTP.
        protocol = _blank_to_none(data.get('ListenerProtocol'))
        live['listener_protocol'] = protocol.upper() if protocol else SERVICE_DEFAULTS['listener_protocol']
    if 'CertIds' in data:
        live['cert_ids'] = _split_list(data['CertIds']) or []
    if 'DefaultRule' in data:
        live['default_rule'] = normalize_default_rule(data['DefaultRule'], live=True)
    if 'Rules' in data:
        live['rules'] = [normalize_rule(rule, live=True) for rule in data['Rules'] or []]
    if 'CorsConfig' in data:
        live['cors_config'] = canonical_cors(normalize_cors(data['CorsConfig'], live=True))
    if 'CreatedBySae' in data:
        live['created_by_sae'] = _to_bool(data['CreatedBySae'])
    return live


def normalize_wanted(params):
    """The options the user set, normalised the way normalize_live normalises the live side."""
    wanted = {}
    for option in ('namespace_id', 'slb_id', 'address_type', 'load_balancer_edition'):
        if params.get(option) is not None:
            wanted[option] = params[option]
    lb_type = params.get('load_balance_type') or lb_type_of_slb(params.get('slb_id'))
    if lb_type:
        wanted['load_balance_type'] = lb_type.lower()
    for option, dummy, kind in SCALARS:
        if params.get(option) is not None:
            wanted[option] = _cast(params[option], kind) if kind != 'str' else params[option]
    if wanted.get('listener_protocol'):
        wanted['listener_protocol'] = wanted['listener_protocol'].upper()
    if params.get('cert_ids') is not None:
        wanted['cert_ids'] = _split_list(params['cert_ids'])
    if params.get('default_rule') is not None:
        wanted['default_rule'] = normalize_default_rule(params['default_rule'])
    if params.get('rules') is not None:
        wanted['rules'] = [normalize_rule(rule) for rule in params['rules']]
    if params.get('cors_config') is not None:
        cors = normalize_cors(params['cors_config'])
        wanted['cors_config'] = dict((k, v) for k, v in cors.items() if v is not None)
    if params.get('zone_mappings') is not None:
        wanted['zone_mappings'] = [dict(zone_id=z['zone_id'], vswitch_id=z['vswitch_id']) for z in params['zone_mappings']]
    return wanted


def result_from_live(live):
    """The `ingress` return value: every documented key, None where unknown."""
    return dict((key, live.get(key)) for key in RESULT_KEYS)


def missing_from_live(live, wanted):
    """Options the task sets that `live` (for example a ListIngresses row) does not carry."""
    comparable = [key for key in wanted if key not in IMMUTABLE and key not in CREATE_ONLY]
    return sorted(key for key in comparable if key not in live)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

RANGES = {
    'listener_port': (1, 65535),
    'request_timeout': (1, 180),
    'idle_timeout': (1, 60),
}


def _check_range(errors, label, value, low, high):
    if value is not None and not low <= value <= high:
        errors.append('%s must be between %d and %d, got %s.' % (label, low, high, value))


def validate_static(params):
    """Checks that need no API call. Raises IngressInputError listing every problem found."""
    errors = []
    namespace_id = params.get('namespace_id')
    if namespace_id is not None:
        region, dummy, name = namespace_id.partition(':')
        if not region.strip() or (dummy and not name.strip()) or namespace_id != namespace_id.strip():
            errors.append("namespace_id must look like '<region>:<name>' (for example 'cn-beijing:prod') "
                          "or be a bare region for the default namespace, got %r." % namespace_id)
    if params.get('name') is not None and not params['name'].strip():
        errors.append('name must not be empty: give the routing rule a name, or identify it with ingress_id.')
    if params.get('ingress_id') is not None and params['ingress_id'] < 1:
        errors.append('ingress_id must be a positive integer, got %s.' % params['ingress_id'])
    if params.get('name') is None and params.get('ingress_id') is None:
        errors.append('Set name (the routing rule name that identifies the ingress in namespace_id) or ingress_id.')
    if params.get('state') != 'absent':
        errors.extend(_option_errors(params))
    if errors:
        raise IngressInputError(' '.join(errors))


def _option_errors(params):
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
        if not (default_rule.get('app_id') or '').strip():
            errors.append('default_rule.app_id must not be empty.')
    rules = params.get('rules')
    if rules is not None:
        if len(rules) > MAX_RULES:
            errors.append('rules has %d entries; an ingress holds at most %d. Split the routing across several ingresses.'
                          % (len(rules), MAX_RULES))
        seen = {}
        for index, rule in enumerate(rules):
            label = 'rules[%d]' % index
            _check_range(errors, label + '.container_port', rule.get('container_port'), 1, 65535)
            if not (rule.get('app_id') or '').strip():
                errors.append('%s.app_id must not be empty.' % label)
            missing = [key for key in ('domain', 'path') if not (rule.get(key) or '').strip()]
            if missing:
                errors.append('%s (app_id %s) needs %s: every rule routes a domain and a path (for example path: /); '
                              'send other traffic with default_rule.' % (label, rule.get('app_id'), ' and '.join(missing)))
                continue
            key = rule_key(normalize_rule(rule))
            if key in seen:
                errors.append('rules[%d] and %s have the same domain %r and path %r; each (domain, path) may appear once.'
                              % (seen[key], label, key[0], key[1]))
            else:
                seen[key] = index
    cors = params.get('cors_config')
    if cors is not None and cors.get('max_age') is not None:
        _check_range(errors, 'cors_config.max_age', cors['max_age'], -1, 172800)
    return errors


def lb_type_of_slb(slb_id):
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


def infer_lb_type(wanted, live=None):
    """The ingress's load balancer type as far as it is known: the task's (or its slb_id's), else the live one."""
    if wanted.get('load_balance_type'):
        return wanted['load_balance_type']
    if live and live.get('load_balance_type'):
        return live['load_balance_type']
    return None


def reports_backend_protocol(lb_type, listener_protocol):
    """The service applies and reports a backend protocol only on an ALB ingress with an HTTPS listener."""
    return lb_type == 'alb' and listener_protocol == 'HTTPS'


def listener_protocol_after(wanted, live):
    return wanted.get('listener_protocol') or (live or {}).get('listener_protocol') or SERVICE_DEFAULTS['listener_protocol']


def _wanted_rules(wanted):
    rules = [('default_rule', wanted['default_rule'])] if wanted.get('default_rule') else []
    return rules + [('rules[%d]' % index, rule) for index, rule in enumerate(wanted.get('rules') or [])]


def _backend_protocol_errors(wanted, lb_type, listener_protocol):
    """backend_protocol https or grpc where the service neither applies nor reports one."""
    if lb_type != 'clb' and (lb_type is None or listener_protocol is None):
        return []  # not known yet: checked again once the live ingress is read
    if reports_backend_protocol(lb_type, listener_protocol):
        return []
    where = 'a CLB ingress' if lb_type == 'clb' else 'an ALB ingress with an %s listener' % listener_protocol
    return ['%s.backend_protocol %s: SAE applies and reports a backend protocol only on an ALB ingress with an HTTPS '
            'listener, and this is %s. Remove backend_protocol (backends are reached over http).'
            % (label, rule['backend_protocol'], where)
            for label, rule in _wanted_rules(wanted) if rule.get('backend_protocol') not in (None, 'http')]


def _lb_type_errors(wanted, lb_type, live, listener_protocol=None):
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


def validate_load_balancer(wanted):
    """The load-balancer-type checks that the task alone decides (load_balance_type or an slb_id says the type)."""
    errors = _lb_type_errors(wanted, infer_lb_type(wanted), None, wanted.get('listener_protocol'))
    if errors:
        raise IngressInputError(' '.join(errors))


def validate_effective(wanted, live=None):
    """Checks that depend on the live ingress, or on its absence (still before any write)."""
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
    if errors:
        raise IngressInputError(' '.join(errors))


def immutable_conflicts(live, wanted):
    """[(option, live value, wanted value)] for every fixed field the task would change."""
    conflicts = []
    for option in IMMUTABLE:
        if wanted.get(option) is not None and option in live and wanted[option] != live[option]:
            conflicts.append((option, live[option], wanted[option]))
    if wanted.get('address_type') and live.get('created_by_sae') and live.get('slb_type'):
        if wanted['address_type'].lower() != live['slb_type'].lower():
            conflicts.append(('address_type', live['slb_type'], wanted['address_type']))
    return conflicts


def immutable_message(conflicts):
    parts = ['%s (live: %s, wanted: %s)' % conflict for conflict in conflicts]
    return ('These fields cannot change on an existing ingress: %s. Set them to the live values, or remove the ingress '
            '(state: absent) and create it again.' % ', '.join(parts))


# ---------------------------------------------------------------------------------------------
# Compare and plan
# ---------------------------------------------------------------------------------------------

def _merge_rule(live_rule, rule, reported):
    """A wanted rule over the live rule with its (domain, path): unset sub-options keep their live value."""
    merged = dict(live_rule or {'backend_protocol': None, 'rewrite_path': None, 'rule_actions': []})
    merged.update((key, value) for key, value in rule.items() if value is not None)
    merged['rewrite_path'] = merged.get('rewrite_path') or None
    if not reported:
        merged['backend_protocol'] = None
    return merged


def merged_rules(live_rules, wanted_rules, purge, reported=True):
    """The full rule list to send: the wanted rules over their live counterparts, plus (purge False) the
    live ones not listed. `reported`: whether the ingress will report (and so apply) backend protocols."""
    live_by_key = dict((rule_key(rule), rule) for rule in live_rules or [])
    merged = [_merge_rule(live_by_key.get(rule_key(rule)), rule, reported) for rule in wanted_rules]
    if purge:
        return merged
    # live order first (the listed ones changed in place), then the new ones
    merged_by_key = dict((rule_key(rule), rule) for rule in merged)
    result = [merged_by_key.pop(rule_key(rule), None) or dict(rule) for rule in live_rules or []]
    return result + [rule for rule in merged if rule_key(rule) in merged_by_key]


def _comparable_rule(rule, with_backend):
    rule = dict(rule)
    rule.pop('rule_actions', None)
    rule['rewrite_path'] = rule.get('rewrite_path') or None
    if not with_backend:
        rule.pop('backend_protocol', None)
    return rule


def _rules_equal(live_rules, rules):
    """Rules match by (domain, path); a backend protocol is compared only where the task's side has one."""
    live_by_key = dict((rule_key(rule), rule) for rule in live_rules or [])
    if set(live_by_key) != set(rule_key(rule) for rule in rules or []) or len(rules or []) != len(live_by_key):
        return False
    for rule in rules or []:
        with_backend = rule.get('backend_protocol') is not None
        if _comparable_rule(rule, with_backend) != _comparable_rule(live_by_key[rule_key(rule)], with_backend):
            return False
    return True


def _default_rule_equal(live_rule, rule):
    return _rules_equal([dict(live_rule, domain=None, path=None)] if live_rule else [], [dict(rule, domain=None, path=None)])


def rules_with_actions(rules):
    """[(domain, path, action types)] of the rules in `rules` that carry actions set outside this module."""
    return [(rule.get('domain'), rule.get('path'), [action.get('action_type') for action in rule['rule_actions']])
            for rule in rules if rule.get('rule_actions')]


def rule_actions_message(conflicts):
    parts = ['domain %s path %s (%s)' % (domain, path, ', '.join(str(t) for t in types)) for domain, path, types in conflicts]
    return ('Changing rules resends the whole rule list, and these rules carry rule actions set outside this module '
            '(console or saectl) that the module cannot resend: %s. Nothing was changed. Manage the rules of this '
            'ingress where their actions are managed, or remove the actions first.' % '; '.join(parts))


def _cors_comparable(cors):
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


def desired_values(live, wanted, purge_rules=True):
    """Every comparable option the task sets, in its final form against `live`.

    Rules are merged with the live ones when purge_rules is false; cors_config is the live configuration
    with the suboptions the task sets.
    """
    values = {}
    for option, dummy, dummy_kind in SCALARS:
        if option in wanted:
            values[option] = wanted[option]
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
        cors = dict(live.get('cors_config') or normalize_cors({}))
        cors.update(wanted['cors_config'])
        values['cors_config'] = cors
    return values


def _equal(option, live_value, value):
    if option == 'rules':
        return _rules_equal(live_value, value)
    if option == 'default_rule':
        return _default_rule_equal(live_value, value)
    if option == 'cert_ids':
        return sorted(live_value or []) == sorted(value)
    if option == 'cors_config':
        return _cors_comparable(live_value) == _cors_comparable(value)
    if live_value is None:
        live_value = SERVICE_DEFAULTS.get(option)
    return live_value == value


def compute_changes(live, desired):
    """{option: value} for every desired value that differs from the live one."""
    return dict((option, value) for option, value in desired.items() if not _equal(option, live.get(option), value))


def _as_reported(after):
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


def predict(live, changes):
    """The ingress as the service will report it once `changes` are applied."""
    after = dict(live)
    after.update(changes)
    if 'cors_config' in changes:
        after['cors_config'] = canonical_cors(changes['cors_config'])
    if 'name' in changes:
        after['description'] = changes['name']
    return _as_reported(after)


def predict_created(wanted):
    """The ingress a create will produce, as far as it is known before the service answers."""
    after = dict(SERVICE_DEFAULTS)
    after.update(dict((k, v) for k, v in wanted.items() if k not in CREATE_ONLY))
    after.update(desired_values({}, wanted))
    after['description'] = wanted.get('name')
    after.setdefault('rules', [])
    after['cert_ids'] = wanted.get('cert_ids') or []
    after['created_by_sae'] = not wanted.get('slb_id')
    if after['created_by_sae']:
        after['slb_type'] = (wanted.get('address_type') or 'Internet').lower()
    if 'cors_config' in wanted:
        after['cors_config'] = canonical_cors(after['cors_config'])
    return _as_reported(after)


# ---------------------------------------------------------------------------------------------
# API parameters
# ---------------------------------------------------------------------------------------------

def _rule_to_api(rule, default=False):
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


def _cors_to_api(cors):
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


def _values_to_api(values):
    params = {}
    for option, api, dummy in SCALARS:
        if option in values:
            params[api] = values[option]
    if 'cert_ids' in values:
        params['CertIds'] = ','.join(values['cert_ids'])
    if 'default_rule' in values:
        params['DefaultRule'] = _rule_to_api(values['default_rule'], default=True)
    if 'rules' in values:
        params['Rules'] = [_rule_to_api(rule) for rule in values['rules']]
    if 'cors_config' in values:
        params['CorsConfig'] = _cors_to_api(values['cors_config'])
    return params


def create_params(wanted):
    """CreateIngress parameters (PascalCase, Python values) for the wanted ingress."""
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


def update_params(changes, desired):
    """UpdateIngress parameters: what changed (the whole rule list when rules change; ListenerPort only
    when it changes), plus the task's certificate whenever the listener protocol is sent, so that an
    HTTPS listener always arrives with its certificate."""
    values = dict(changes)
    if 'listener_protocol' in changes:
        values.update((option, desired[option]) for option in ('cert_id', 'cert_ids') if option in desired)
    return _values_to_api(values)


def diff_view(ingress):
    """A diff side: the ingress without keys that carry no information."""
    if not ingress:
        return {}
    return json.loads(json.dumps(dict((k, v) for k, v in ingress.items() if v is not None), sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Lookup (reads only; `api` is an SaeApi)
# ---------------------------------------------------------------------------------------------

class AmbiguousName(LookupError):
    def __init__(self, name, namespace_id, ids):
        self.ids = ids
        super().__init__('%d ingresses in %s are named %r (ids: %s). Set ingress_id to choose one.'
                         % (len(ids), namespace_id, name, ', '.join(str(i) for i in ids)))


def row_name(row):
    """The routing rule name (the task's `name`) of a ListIngresses row or DescribeIngress answer.

    That is `Description`: the service generates `Name` itself (for example
    ``lb-uf6jt0nu4z6ior943****-80-f5****``), so it never matches what a task sets.
    """
    return _blank_to_none(row.get('Description'))


def find_by_name(rows, name):
    """The ListIngresses row named `name`, or None. Raises AmbiguousName if several are."""
    matches = [row for row in rows if row_name(row) == name]
    if len(matches) > 1:
        raise AmbiguousName(name, rows[0].get('NamespaceId'), sorted(_to_int(row.get('Id')) for row in matches))
    return matches[0] if matches else None


def port_holder(rows, slb_id, listener_port):
    """The ListIngresses row that holds `listener_port` on `slb_id`, or None."""
    if not slb_id or listener_port is None:
        return None
    for row in rows:
        if row.get('SlbId') == slb_id and _to_int(row.get('ListenerPort')) == listener_port:
            return row
    return None


def routed_apps(row):
    """The application ids an ingress (a ListIngresses row or DescribeIngress answer) routes to."""
    rules = [row.get('DefaultRule') or {}] + list(row.get('Rules') or [])
    return set(rule.get('AppId') for rule in rules if isinstance(rule, dict) and rule.get('AppId'))
