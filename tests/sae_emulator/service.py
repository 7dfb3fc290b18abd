"""The SAE Ingress service itself: validation, defaults, state, and the five ingress operations (the canary-route
operations are the ``GreyTagRouteService`` mixin of grey_routes.py; ListApplications is applications.py).

Parameters arrive as a dict of strings (query and form merged, as the gateway hands them over).
State is in memory behind one lock, optionally persisted to a JSON file after every write.
Internal records use the PascalCase field names of DescribeIngress (plus CreateTime, AddressType,
LoadBalancerEdition, ZoneMappings), so tests can assert on them directly. A record keeps what was
sent (e.g. every rule's BackendProtocol); rendering decides what a response shows.
Behaviours no public source settles follow ``self.variants`` (see variants.py and FIDELITY.md).
"""

import copy
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from typing import Any, Callable, NamedTuple

from . import errors
from .applications import list_applications
from .grey_routes import GreyTagRouteService
from .inventory import Inventory
from .variants import resolve_variants

FIRST_INGRESS_ID = 1001
DEFAULT_REQUEST_TIMEOUT = 60
DEFAULT_IDLE_TIMEOUT = 15
DEFAULT_BACKEND_PROTOCOL = 'http'

LOAD_BALANCE_TYPES = ('clb', 'alb')
LISTENER_PROTOCOLS = ('HTTP', 'HTTPS')
BACKEND_PROTOCOLS = ('http', 'https', 'grpc')
ADDRESS_TYPES = ('Internet', 'Intranet')
LOAD_BALANCER_EDITIONS = ('Standard', 'StandardWithWaf')
BOOL_FIELDS = (
    'EnableGzip', 'EnableXForwardedFor', 'EnableXForwardedForClientSrcPort', 'EnableXForwardedForProto',
    'EnableXForwardedForSlbId', 'EnableXForwardedForSlbPort',
)
CORS_FIELDS = ('Enable', 'AllowOrigin', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders', 'AllowCredentials', 'MaxAge')
CORS_CHOICES = {'Enable': ('true', 'false'), 'AllowCredentials': ('on', 'off')}
CORS_MAX_AGE = (-1, 172800)
DEFAULT_CORS = {'Enable': 'false'}
# Rows a ListIngresses page holds at most under list_paging=capped.
LIST_CAP = 10

# Left out of DescribeIngress (and, IdleTimeout, of the ListIngresses rows) under late_fields=omitted.
LATE_FIELDS = BOOL_FIELDS + ('IdleTimeout',)

DESCRIBE_FIELDS = (
    'Id', 'Name', 'Description', 'NamespaceId', 'SlbId', 'SlbType', 'LoadBalanceType', 'ListenerPort',
    'ListenerProtocol', 'CertId', 'CertIds', 'SecurityPolicyId', 'RequestTimeout', 'IdleTimeout',
) + BOOL_FIELDS + ('CreatedBySae', 'DefaultRule', 'Rules', 'CorsConfig')
LIST_FIELDS = (
    'Id', 'Name', 'Description', 'NamespaceId', 'SlbId', 'SlbType', 'LoadBalanceType', 'ListenerPort',
    'ListenerProtocol', 'CertId', 'CertIds', 'RequestTimeout', 'IdleTimeout', 'CorsConfig', 'DefaultRule',
    'Rules', 'CreateTime', 'MseGatewayId', 'MseGatewayPort', 'MseGatewayProtocol',
)

MAX_PATH_LENGTH = 80

_INT_RE = re.compile(r'^[+-]?\d{1,10}$')
_NAMESPACE_RE = re.compile(r'^(?P<region>[a-z]+(?:-[a-z0-9]+)+)(?::(?P<name>[A-Za-z0-9][A-Za-z0-9_-]{0,63}))?$')
_BOOLS = {'true': True, 'True': True, 'false': False, 'False': False}


# ---------------------------------------------------------------- parameter helpers

def _present(params, name):
    value = params.get(name)
    return value is not None and value != ''


def _required(params, name):
    if not _present(params, name):
        raise errors.not_empty(name)
    return params[name]


def parse_int(value, name, low, high):
    if isinstance(value, bool):
        raise errors.obviously(name)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INT_RE.match(value):
        number = int(value)
    else:
        raise errors.obviously(name)
    if not low <= number <= high:
        raise errors.obviously(name)
    return number


def _int_param(params, name, low, high, zero=None):
    """The integer, None when not sent; ``zero``: what a 0 stands for."""
    if not _present(params, name):
        return None
    number = parse_int(params[name], name, low, high)
    return zero if number == 0 and zero is not None else number


def _bool_param(params, name):
    if not _present(params, name):
        return None
    value = _BOOLS.get(params[name])
    if value is None:
        raise errors.obviously(name)
    return value


def _enum_param(params, name, allowed):
    if not _present(params, name):
        return None
    if params[name] not in allowed:
        raise errors.obviously(name)
    return params[name]


def _json_param(params, name, kind):
    if not _present(params, name):
        return None
    try:
        value = json.loads(params[name])
    except ValueError:
        raise errors.obviously(name) from None
    if not isinstance(value, kind):
        raise errors.obviously(name)
    return value


def _cors(params, name):
    """CorsConfig: one wire form only, a JSON object with PascalCase keys and string values
    (the UpdateIngress page's example, the SDK's response model)."""
    obj = _json_param(params, name, dict)
    if obj is None:
        return None
    for key, value in obj.items():
        if key not in CORS_FIELDS or not isinstance(value, str):
            raise errors.obviously('CorsConfig.' + str(key))
        if key in CORS_CHOICES and value not in CORS_CHOICES[key]:
            raise errors.obviously('CorsConfig.' + key)
        if key == 'MaxAge':
            parse_int(value, 'CorsConfig.MaxAge', *CORS_MAX_AGE)
    return dict(obj)


def _zone_mappings(params, name):
    zones = _json_param(params, name, list)
    if zones is None:
        return None
    for zone in zones:
        if not isinstance(zone, dict) or not isinstance(zone.get('VSwitchId'), str) or not isinstance(zone.get('ZoneId'), str):
            raise errors.obviously(name)
    return [{'VSwitchId': zone['VSwitchId'], 'ZoneId': zone['ZoneId']} for zone in zones]


def _plain(parse, *args):
    """A row parser (see Param) from a helper that reads the parameter alone: ``parse(params, name, *args)``."""
    return lambda service, params, name, record, trusted: parse(params, name, *args)


class Param(NamedTuple):
    """One parameter of CreateIngress/UpdateIngress, and the record field of the same name it sets.

    ``parse(service, params, name, record, trusted)``: its value, None when not sent; it may read the fields
    of the rows above it in ``record``. ``default``: what CreateIngress stores when it is not sent (a callable
    is called). ``required``: CreateIngress answers NotEmpty without it. ``update``: UpdateIngress parses it
    as CreateIngress does (True), not at all (False), or with this other parser. ``late``: parsed after all
    the other rows (its presence is still checked in its place).
    """
    name: str
    parse: Callable
    default: Any = None
    required: bool = False
    update: Any = True
    late: bool = False


def _string_field(obj, key, where):
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.obviously(where)
    return value


def to_wire_params(fields):
    """Python-typed PascalCase fields (as tests pass them) -> the strings the SDK would send."""
    params = {}
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            params[key] = json.dumps(value)
        elif isinstance(value, bool):
            params[key] = 'True' if value else 'False'
        else:
            params[key] = str(value)
    return params


def rule_actions(actions, where):
    """ruleActions of a rule ([{actionType, actionConfig}], PascalCase accepted too) -> RuleActions."""
    if actions is None:
        return []
    if not isinstance(actions, list):
        raise errors.obviously(where)
    result = []
    for action in actions:
        if not isinstance(action, dict):
            raise errors.obviously(where)
        kind = action.get('actionType', action.get('ActionType'))
        config = action.get('actionConfig', action.get('ActionConfig', ''))
        if not isinstance(kind, str) or not kind:
            raise errors.obviously(where + '.actionType')
        if isinstance(config, (dict, list)):
            config = json.dumps(config, separators=(',', ':'))
        if not isinstance(config, str):
            raise errors.obviously(where + '.actionConfig')
        result.append({'ActionType': kind, 'ActionConfig': config})
    return result


class IngressService(GreyTagRouteService):
    """All state and rules of the emulated service. Every public method is thread-safe."""

    def __init__(self, inventory=None, state_file=None, clock=None, variants=None):
        self.inventory = Inventory(inventory)
        self.variants = resolve_variants(variants)
        self.state_file = state_file
        self._clock = clock or time.time
        self._lock = threading.RLock()
        self._ingresses = {}
        self._next_id = FIRST_INGRESS_ID
        self._provisioned = 0
        self._init_grey_tag_routes()
        if state_file and os.path.exists(state_file) and os.path.getsize(state_file) > 0:
            self._load()

    # ------------------------------------------------------------ persistence

    def _load(self):
        with open(self.state_file, encoding='utf-8') as handle:
            state = json.load(handle)
        for slb in state.get('provisioned_slbs', ()):
            self.inventory.add_slb(slb['id'], slb['type'], slb['address'], True, slb.get('edition'))
        self._ingresses = {int(rec['Id']): rec for rec in state.get('ingresses', ())}
        self._next_id = max(int(state.get('next_id', FIRST_INGRESS_ID)), max(self._ingresses, default=0) + 1)
        self._provisioned = int(state.get('provisioned_count', 0))
        self._load_grey_tag_routes(state)

    def _save(self):
        if not self.state_file:
            return
        state = {
            'version': 1,
            'next_id': self._next_id,
            'provisioned_count': self._provisioned,
            'provisioned_slbs': self.inventory.provisioned_slbs(),
            'ingresses': [self._ingresses[key] for key in sorted(self._ingresses)],
        }
        state.update(self._grey_tag_route_state())
        directory = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(prefix='.sae-emulator-state-', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                json.dump(state, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.state_file)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # ------------------------------------------------------------ read access

    def snapshot(self):
        with self._lock:
            return copy.deepcopy(self._ingresses)

    def provisioned_slbs(self):
        with self._lock:
            return self.inventory.provisioned_slbs()

    # ------------------------------------------------------------ validation pieces

    def _namespace(self, value, name='NamespaceId'):
        match = _NAMESPACE_RE.match(value)
        if not match:
            raise errors.obviously(name)
        if match.group('region') != self.inventory.region:
            raise errors.with_message(name, 'the namespace must belong to region %s, not %s' % (self.inventory.region, match.group('region')))
        return value

    def _rule(self, obj, where, lb_type, is_default, namespace, with_actions=False):
        """One rule of the request (camelCase keys) -> its record (PascalCase). Unknown keys (e.g. the
        appName the Terraform provider sends) are ignored; ruleActions too unless ``with_actions``."""
        if not isinstance(obj, dict):
            raise errors.obviously(where)
        app_id = obj.get('appId')
        if app_id is None or app_id == '':
            raise errors.not_empty(where + '.appId')
        if not isinstance(app_id, str):
            raise errors.obviously(where + '.appId')
        app = self.inventory.apps.get(app_id)
        if app is None:
            raise errors.with_message(where + '.appId', 'the application [%s] does not exist' % app_id)
        if app['namespace'] != namespace:
            raise errors.cross_namespace_app(where + '.appId', app_id, app['namespace'], namespace)
        port = obj.get('containerPort')
        if port is None or port == '':
            raise errors.not_empty(where + '.containerPort')
        port = parse_int(port, where + '.containerPort', 1, 65535)
        protocol = obj.get('backendProtocol')
        if protocol is None or protocol == '':
            protocol = DEFAULT_BACKEND_PROTOCOL
        elif protocol not in BACKEND_PROTOCOLS:
            raise errors.obviously(where + '.backendProtocol')
        if is_default:
            return {'AppId': app_id, 'ContainerPort': port, 'BackendProtocol': protocol}
        domain = _string_field(obj, 'domain', where + '.domain') or ''
        path = _string_field(obj, 'path', where + '.path')
        if '*' in domain and not (domain.startswith('*.') and '*' not in domain[2:] and domain[2:].strip('.')):
            raise errors.obviously(where + '.domain')  # the one wildcard form: *.example.com
        if path is not None and (not path.startswith('/') or len(path) > MAX_PATH_LENGTH):
            raise errors.obviously(where + '.path')  # 1 to 80 characters, starting with /
        if self.variants['domain_case'] == 'lowered':
            domain = domain.lower()
        rule = {
            'AppId': app_id,
            'ContainerPort': port,
            'Domain': domain,
            'Path': path or '',
            'BackendProtocol': protocol,
        }
        rewrite = _string_field(obj, 'rewritePath', where + '.rewritePath')
        if rewrite:
            if lb_type != 'alb':
                raise errors.with_message(where + '.rewritePath', 'rewritePath is supported only by ALB ingresses (LoadBalanceType alb)')
            rule['RewritePath'] = rewrite
        rule['RuleActions'] = rule_actions(obj.get('ruleActions'), where + '.ruleActions') if with_actions else []
        return rule

    def _rules(self, params, name, record, trusted):
        rules = _json_param(params, name, list)
        if rules is None:
            return None
        if len(rules) > errors.MAX_RULES:
            raise errors.exceed_rules()
        if not rules and not trusted and self.variants['empty_rules'] == 'refused':
            raise errors.not_empty(name)
        with_actions = trusted or self.variants['rule_actions_in_request'] == 'honoured'
        return [self._rule(obj, name, record['LoadBalanceType'], False, record['NamespaceId'], with_actions) for obj in rules]

    def _default_rule(self, params, name, record, trusted):
        obj = _json_param(params, name, dict)
        if obj is None:
            return None
        return self._rule(obj, name, record['LoadBalanceType'], True, record['NamespaceId'])

    def _load_balance_type(self, params, name, record, trusted):
        wanted = _enum_param(params, name, LOAD_BALANCE_TYPES)
        if record.get(name) is not None and wanted not in (None, record[name]):
            raise errors.with_message(name, 'the load balancer type of an ingress cannot be changed (it is %s)' % record[name])
        return wanted

    def _slb(self, params, name, record, trusted):
        """The SlbId given, or None when SAE is to provision an ALB."""
        lb_type = record['LoadBalanceType']
        if not _present(params, name):
            if lb_type == 'clb':
                raise errors.not_empty(name)
            return None
        slb = self.inventory.slbs.get(params[name])
        if slb is None:
            raise errors.slb_not_found(params[name])
        if slb['type'] != lb_type:
            raise errors.with_message('LoadBalanceType', 'the SLB instance [%s] is a %s instance, not %s' % (slb['id'], slb['type'], lb_type))
        return slb['id']

    def _cert_id(self, params, name, record, trusted):
        """CertId; first, the certificate parameter of the other load balancer type (either one) is refused."""
        if record['LoadBalanceType'] == 'clb' and _present(params, 'CertIds'):
            raise errors.with_message('CertIds', 'CertIds applies to ALB ingresses only; use CertId for a CLB ingress')
        if not _present(params, name):
            return None
        if record['LoadBalanceType'] == 'alb':
            raise errors.with_message(name, 'CertId applies to CLB ingresses only; use CertIds for an ALB ingress')
        if params[name] not in self.inventory.clb_certs:
            raise errors.cert_not_found(params[name])
        return params[name]

    def _cert_ids(self, params, name, record, trusted):
        if not _present(params, name):
            return None
        ids = [part.strip() for part in params[name].split(',') if part.strip()]
        if not ids:
            raise errors.obviously(name)
        for one in ids:
            if one not in self.inventory.alb_certs:
                raise errors.cert_not_found(one)
        return ','.join(ids)

    # The parameters of CreateIngress and UpdateIngress, in the order both check them (the first bad one is named;
    # FIDELITY.md, "CreateIngress validation").
    PARAMS = (
        Param('NamespaceId', lambda service, params, name, record, trusted: service._namespace(params[name]),
              required=True, update=False),
        Param('ListenerPort', _plain(_int_param, 1, 65535), required=True),
        Param('Rules', _rules, required=True, late=True),
        Param('DefaultRule', _default_rule, required=True, late=True),
        Param('LoadBalanceType', _load_balance_type, 'clb'),
        Param('AddressType', _plain(_enum_param, ADDRESS_TYPES), update=False),
        Param('LoadBalancerEdition', _plain(_enum_param, LOAD_BALANCER_EDITIONS), update=False),
        Param('ZoneMappings', _plain(_zone_mappings), update=False),
        Param('SlbId', _slb, update=False),
        Param('ListenerProtocol', _plain(_enum_param, LISTENER_PROTOCOLS)),
        Param('RequestTimeout', _plain(_int_param, 1, 180), DEFAULT_REQUEST_TIMEOUT),
        Param('IdleTimeout', _plain(_int_param, 1, 60), DEFAULT_IDLE_TIMEOUT,
              update=_plain(_int_param, 0, 60, DEFAULT_IDLE_TIMEOUT)),
    ) + tuple(Param(name, _plain(_bool_param), False) for name in BOOL_FIELDS) + (
        Param('CertId', _cert_id, ''),
        Param('CertIds', _cert_ids, ''),
        Param('CorsConfig', _plain(_cors), lambda: dict(DEFAULT_CORS)),
        Param('Description', _plain(dict.get), ''),
        Param('SecurityPolicyId', _plain(dict.get), ''),
    )

    def _apply(self, record, params, trusted):
        """Set the record's fields from the request, row by row of PARAMS; a record without an Id is a create."""
        creating = 'Id' not in record
        steps = [(param, param.late) for param in self.PARAMS] + [(param, False) for param in self.PARAMS if param.late]
        for param, deferred in steps:
            if creating and param.required and not _present(params, param.name):
                raise errors.not_empty(param.name)
            parse = param.parse if creating or param.update is True else param.update
            if deferred or not parse:
                continue
            value = parse(self, params, param.name, record, trusted)
            if value is not None:
                record[param.name] = value
            elif creating:
                record[param.name] = param.default() if callable(param.default) else param.default
        return record

    @staticmethod
    def _check_https(record):
        if record.get('ListenerProtocol') == 'HTTPS':
            cert = record['CertIds'] if record['LoadBalanceType'] == 'alb' else record['CertId']
            if not cert:
                which = 'CertIds' if record['LoadBalanceType'] == 'alb' else 'CertId'
                raise errors.with_message('ListenerProtocol', 'an HTTPS listener needs a certificate: set %s' % which)

    def _check_port(self, slb_id, port, own_id=None):
        for other in self._ingresses.values():
            if other['Id'] != own_id and other['SlbId'] == slb_id and other['ListenerPort'] == port:
                raise errors.port_not_available(slb_id, port)

    def _ingress_id(self, params):
        value = _required(params, 'IngressId')
        ingress_id = parse_int(value, 'IngressId', 1, 2 ** 63 - 1)
        if ingress_id not in self._ingresses:
            raise errors.ingress_not_found(value, self.variants['not_found'])
        return ingress_id

    def _generated_name(self, record):
        """``<SlbId>-<ListenerPort>-<6 hex>``, like ``lb-uf6jt0nu4z6ior943****-80-f5****``: set once at
        creation and kept (a port change does not rename the ingress)."""
        digest = hashlib.sha1(('%s/%s' % (self.inventory.region, record['Id'])).encode('ascii')).hexdigest()
        return '%s-%d-%s' % (record['SlbId'], record['ListenerPort'], digest[:6])

    def _provision_alb(self, address_type, edition):
        self._provisioned += 1
        digest = hashlib.sha1(('%s-%d' % (self.inventory.region, self._provisioned)).encode('ascii')).hexdigest()
        slb_id = 'alb-sae%s' % digest[:17]
        return self.inventory.add_slb(slb_id, 'alb', address_type.lower(), True, edition)

    # ------------------------------------------------------------ operations

    def create(self, params, trusted=False):
        with self._lock:
            record = self._build_create(params, trusted)
            self._ingresses[record['Id']] = record
            self._save()
            return {'IngressId': record['Id']}, record['Id'], True

    def _build_create(self, params, trusted=False):
        record = self._apply({}, params, trusted)
        record['CreateTime'] = int(self._clock() * 1000)
        self._check_https(record)
        record['CreatedBySae'] = record['SlbId'] is None
        if record['SlbId'] is not None:
            self._check_port(record['SlbId'], record['ListenerPort'])
            slb = self.inventory.slbs[record['SlbId']]
        else:
            slb = self._provision_alb(record['AddressType'] or 'Internet', record['LoadBalancerEdition'] or 'Standard')
        record.update(Id=self._next_id, SlbId=slb['id'], SlbType=slb['address'])
        self._next_id += 1
        record['Name'] = self._generated_name(record)
        return record

    def update(self, params):
        with self._lock:
            ingress_id = self._ingress_id(params)
            current = self._ingresses[ingress_id]
            port = _int_param(params, 'ListenerPort', 1, 65535)
            if self.variants['update_port_resend'] == 'refused' and port == current['ListenerPort']:
                # The port counts as taken, by this very ingress.
                raise errors.port_not_available(current['SlbId'], port)
            record = self._build_update(current, params)
            applied = record != current
            if applied:
                self._ingresses[ingress_id] = record
                self._save()
            return {'IngressId': ingress_id}, ingress_id, applied

    def _build_update(self, current, params, trusted=False):
        record = self._apply(copy.deepcopy(current), params, trusted)
        self._check_https(record)
        if record['ListenerPort'] != current['ListenerPort']:
            self._check_port(record['SlbId'], record['ListenerPort'], current['Id'])
        return record

    def describe(self, params):
        with self._lock:
            ingress_id = self._ingress_id(params)
            return self.render_describe(self._ingresses[ingress_id]), ingress_id, False

    def delete(self, params):
        with self._lock:
            if self.variants['delete_unknown'] == 'success':
                value = _required(params, 'IngressId')
                unknown = parse_int(value, 'IngressId', 1, 2 ** 63 - 1)
                if unknown not in self._ingresses:
                    return {'IngressId': unknown}, unknown, False
            ingress_id = self._ingress_id(params)
            record = self._ingresses.pop(ingress_id)
            slb = self.inventory.slbs.get(record['SlbId'])
            if record['CreatedBySae'] and slb and slb['created_by_sae']:
                if not any(other['SlbId'] == slb['id'] for other in self._ingresses.values()):
                    del self.inventory.slbs[slb['id']]
            self._save()
            return {'IngressId': ingress_id}, ingress_id, True

    def list(self, params):
        namespace = self._namespace(_required(params, 'NamespaceId'))
        if self.variants['list_paging'] == 'ignored':
            # CurrentPage and PageSize are not parameters of this service: not read, not checked.
            params = dict((key, value) for key, value in params.items() if key not in ('CurrentPage', 'PageSize'))
        app_id = params.get('AppId') or None
        page = _int_param(params, 'CurrentPage', 1, 2 ** 31 - 1) or 1
        largest = self.variants['page_size_max']
        size = _int_param(params, 'PageSize', 1, 2 ** 31 - 1) or errors.PAGE_SIZE_DEFAULT
        if size > largest:
            if self.variants['page_size_over_max'] == 'refused':
                raise errors.obviously('PageSize')
            size = largest
        paging = self.variants['list_paging']
        if paging == 'capped':
            size = min(size, LIST_CAP)
        with self._lock:
            matches = [rec for key, rec in sorted(self._ingresses.items()) if rec['NamespaceId'] == namespace]
            if app_id is not None:
                matches = [rec for rec in matches if self._targets(rec, app_id)]
            if paging == 'ignored':
                return {'IngressList': [self.render_list_row(rec) for rec in matches]}, None, False
            chosen = matches[(page - 1) * size:page * size]
            if paging == 'clamped' and not chosen and matches:
                last = (len(matches) - 1) // size
                chosen = matches[last * size:(last + 1) * size]
            rows = [self.render_list_row(rec) for rec in chosen]
        if paging in ('capped', 'clamped'):
            return {'CurrentPage': page, 'IngressList': rows}, None, False
        return {'CurrentPage': page, 'PageSize': size, 'TotalSize': len(matches), 'IngressList': rows}, None, False

    def list_applications(self, params):
        """ListApplications: read-only, from the inventory (applications.py)."""
        return list_applications(self.inventory, self.variants, params, self._namespace), None, False

    def _targets(self, record, app_id):
        if any(rule['AppId'] == app_id for rule in record['Rules']):
            return True
        default = record['DefaultRule']
        return self.variants['app_filter'] == 'rules_and_default' and bool(default) and default['AppId'] == app_id

    # ------------------------------------------------------------ rendering

    def _render_rules(self, record):
        """BackendProtocol is shown only for an ALB ingress with an HTTPS listener (SDK models)."""
        shows_protocol = record['LoadBalanceType'] == 'alb' and record.get('ListenerProtocol') == 'HTTPS'
        default = dict(record['DefaultRule'])
        default['AppName'] = self.inventory.app_name(default['AppId'])
        rules = []
        for rule in record['Rules']:
            out = dict(rule)
            out['AppName'] = self.inventory.app_name(rule['AppId'])
            out['RuleActions'] = [dict(action) for action in rule.get('RuleActions') or ()]
            rules.append(out)
        if not shows_protocol:
            for out in [default] + rules:
                out.pop('BackendProtocol', None)
        return default, rules

    def _render_common(self, record):
        default, rules = self._render_rules(record)
        data = {
            'Id': record['Id'],
            'Name': record.get('Name') or self._generated_name(record),
            'Description': record['Description'],
            'NamespaceId': record['NamespaceId'],
            'SlbId': record['SlbId'],
            'SlbType': record['SlbType'],
            'LoadBalanceType': record['LoadBalanceType'],
            'ListenerPort': record['ListenerPort'],
            'CertId': record['CertId'],
            'CertIds': record['CertIds'],
            'RequestTimeout': record['RequestTimeout'],
            'IdleTimeout': record['IdleTimeout'],
            'CorsConfig': dict(record['CorsConfig']),
            'DefaultRule': default,
            'Rules': rules,
        }
        if record['ListenerProtocol'] is not None:
            data['ListenerProtocol'] = record['ListenerProtocol']
        return data

    def render_describe(self, record):
        """DescribeIngress Data: the fields of DescribeIngressResponseBodyData."""
        data = self._render_common(record)
        data['SecurityPolicyId'] = record['SecurityPolicyId']
        data['CreatedBySae'] = record['CreatedBySae']
        for name in BOOL_FIELDS:
            data[name] = record[name]
        if self.variants['late_fields'] == 'omitted':
            for name in LATE_FIELDS:
                data.pop(name, None)
        return data

    def render_list_row(self, record):
        """A ListIngresses row: the fields of ListIngressesResponseBodyDataIngressList (ListenerPort a string)."""
        row = self._render_common(record)
        row['ListenerPort'] = str(record['ListenerPort'])
        row['CreateTime'] = record['CreateTime']
        for key in ('MseGatewayId', 'MseGatewayPort', 'MseGatewayProtocol'):
            row[key] = record.get(key) or ''
        if self.variants['late_fields'] == 'omitted':
            row.pop('IdleTimeout', None)
        return row

    # ------------------------------------------------------------ behind the client's back

    def seed(self, fields):
        """Create as the console would: rules may carry ``ruleActions`` whatever the variant."""
        return self.create(to_wire_params(fields), trusted=True)[1]

    def seed_gateway_route(self, fields):
        """A route of an MSE gateway, as the SAE console creates one: listed by ListIngresses with MseGatewayId,
        MseGatewayPort and MseGatewayProtocol set, on no SLB. ``fields``: NamespaceId, Description, MseGatewayId,
        and optionally MseGatewayPort (80), MseGatewayProtocol (HTTP), DefaultRule/Rules (camelCase, as in a
        request; DefaultRule defaults to the first application of the namespace on port 8080). Returns the id."""
        fields = dict(fields)
        with self._lock:
            namespace = self._namespace(fields['NamespaceId'])
            default = fields.get('DefaultRule') or {
                'appId': next(app for app, info in sorted(self.inventory.apps.items()) if info['namespace'] == namespace),
                'containerPort': 8080}
            record = {
                'Id': self._next_id, 'Name': 'mse-%s-%d' % (fields['MseGatewayId'], self._next_id),
                'Description': fields.get('Description') or '', 'NamespaceId': namespace, 'SlbId': '', 'SlbType': '',
                'LoadBalanceType': '', 'ListenerPort': int(fields.get('MseGatewayPort') or 80),
                'ListenerProtocol': fields.get('MseGatewayProtocol') or 'HTTP', 'CertId': '', 'CertIds': '',
                'SecurityPolicyId': '', 'RequestTimeout': DEFAULT_REQUEST_TIMEOUT, 'IdleTimeout': DEFAULT_IDLE_TIMEOUT,
                'CreatedBySae': False,
                'DefaultRule': self._rule(default, 'DefaultRule', 'alb', True, namespace),
                'Rules': [self._rule(rule, 'Rules', 'alb', False, namespace, True) for rule in fields.get('Rules') or []],
                'CorsConfig': dict(DEFAULT_CORS), 'CreateTime': int(self._clock() * 1000), 'AddressType': None,
                'LoadBalancerEdition': None, 'ZoneMappings': None, 'MseGatewayId': fields['MseGatewayId'],
                'MseGatewayPort': str(fields.get('MseGatewayPort') or 80),
                'MseGatewayProtocol': fields.get('MseGatewayProtocol') or 'HTTP',
            }
            for name in BOOL_FIELDS:
                record[name] = False
            self._next_id += 1
            self._ingresses[record['Id']] = record
            self._save()
            return record['Id']

    def modify(self, ingress_id, fields):
        """Update semantics for Update parameters; NamespaceId, SlbId, LoadBalanceType, CreatedBySae,
        CreateTime are set as given (no API could change them)."""
        raw_keys = ('NamespaceId', 'SlbId', 'LoadBalanceType', 'CreatedBySae', 'CreateTime')
        fields = dict(fields)
        raw = {key: fields.pop(key) for key in raw_keys if key in fields}
        params = to_wire_params(fields)
        params['IngressId'] = str(ingress_id)
        with self._lock:
            ingress_id = self._ingress_id(params)
            current = copy.deepcopy(self._ingresses[ingress_id])
            current.update(raw)
            if 'SlbId' in raw and raw['SlbId'] in self.inventory.slbs:
                current['SlbType'] = self.inventory.slbs[raw['SlbId']]['address']
            record = self._build_update(current, params, trusted=True)
            self._ingresses[ingress_id] = record
            self._save()
            return copy.deepcopy(record)

    def set_rule_actions(self, ingress_id, domain, path, actions):
        """Set the RuleActions of the rule (domain, path), as the console or saectl would. ``actions``:
        dicts with actionType/actionConfig (or ActionType/ActionConfig); ActionConfig a string (a dict
        or list is stored as its JSON)."""
        with self._lock:
            record = self._ingresses.get(int(ingress_id))
            if record is None:
                raise KeyError('no ingress %s' % ingress_id)
            for rule in record['Rules']:
                if (rule['Domain'].lower(), rule['Path']) == ((domain or '').lower(), path or ''):
                    rule['RuleActions'] = rule_actions(actions, 'RuleActions')
                    self._save()
                    return copy.deepcopy(record)
            raise KeyError('ingress %s has no rule for domain %r, path %r' % (ingress_id, domain, path))

    def remove(self, ingress_id):
        with self._lock:
            existed = self._ingresses.pop(int(ingress_id), None) is not None
            if existed:
                self._save()
            return existed
