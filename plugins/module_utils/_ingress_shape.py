# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The shape of an SAE ingress in the module's vocabulary: the live ingress (a DescribeIngress
answer or a ListIngresses row, PascalCase) and the wanted one (module options) normalised into
one snake_case form, the returned result, and what a ListIngresses row says (name, applications,
listener). Shared by sae_ingress and sae_ingress_info; pure functions of plain dicts."""

from __future__ import annotations

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
    'default_rule', 'rules', 'created_by_sae', 'create_time', 'mse_gateway_id', 'mse_gateway_port',
    'mse_gateway_protocol',
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

# ---------------------------------------------------------------------------------------------
# Values
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

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


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
    # ListIngresses rows only: when the ingress was created, and the MSE gateway of a gateway route.
    if 'CreateTime' in data:
        live['create_time'] = _to_int(data['CreateTime'])
    for option, api in (('mse_gateway_id', 'MseGatewayId'), ('mse_gateway_protocol', 'MseGatewayProtocol')):
        if api in data:
            live[option] = _blank_to_none(data[api])
    if 'MseGatewayPort' in data:
        live['mse_gateway_port'] = _to_int(_blank_to_none(data['MseGatewayPort']))
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
# Load balancer type
# ---------------------------------------------------------------------------------------------


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

# ---------------------------------------------------------------------------------------------
# ListIngresses rows
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


def is_gateway_route(row):
    """True for a ListIngresses row of an MSE gateway's route (MseGatewayId set): not an ingress sae_ingress manages."""
    return bool(_blank_to_none(row.get('MseGatewayId')))


def gateway_routes_named(rows, name):
    """The ListIngresses rows of MSE gateway routes named `name`."""
    return [row for row in rows if is_gateway_route(row) and row_name(row) == name]


def find_by_name(rows, name):
    """The ListIngresses row named `name`, or None; rows of MSE gateway routes never match. Raises AmbiguousName
    if several are."""
    matches = [row for row in rows if row_name(row) == name and not is_gateway_route(row)]
    if len(matches) > 1:
        raise AmbiguousName(name, rows[0].get('NamespaceId'), sorted(_to_int(row.get('Id')) for row in matches))
    return matches[0] if matches else None


def port_holder(rows, slb_id, listener_port):
    """The ListIngresses row that holds `listener_port` on `slb_id`, or None (never a row of an MSE gateway route)."""
    if not slb_id or listener_port is None:
        return None
    for row in rows:
        if not is_gateway_route(row) and row.get('SlbId') == slb_id and _to_int(row.get('ListenerPort')) == listener_port:
            return row
    return None


def routed_apps(row):
    """The application ids an ingress (a ListIngresses row or DescribeIngress answer) routes to."""
    rules = [row.get('DefaultRule') or {}] + list(row.get('Rules') or [])
    return set(rule.get('AppId') for rule in rules if isinstance(rule, dict) and rule.get('AppId'))
