"""Canary routes (GreyTagRoute): Create/Update/Describe/Delete/ListGreyTagRoute, as the official SDK sends them.

Every parameter arrives in the query string (the SDK's ``*_grey_tag_route_with_options``). ``ScRules``, ``DubboRules``
and ``AlbRules`` are JSON lists of rules with camelCase keys; the answers carry them back under the keys of the SDK's
``DescribeGreyTagRouteResponseBodyData*`` and ``ListGreyTagRouteResponseBodyDataResult*`` models. FIDELITY.md
("Canary routes") gives the evidence for each rule below, and marks what is assumed.

``GreyTagRouteService`` is a mixin of ``IngressService``: it shares that service's lock, inventory, ingresses (an ALB
canary rule names an ingress), clock, variants and state file.
"""

import copy
import hashlib
import json
import re

from . import errors

FIRST_GREY_TAG_ROUTE_ID = 1
MAX_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 64
# "lowercase letters, digits, hyphens (-), and Chinese characters; starts with a lowercase letter and ends with a
# lowercase letter or a digit; up to 64 characters" (the SDK's CreateGreyTagRouteRequest).
_NAME_RE = re.compile(r'^[a-z](?:[a-z0-9\u4e00-\u9fff-]{0,62}[a-z0-9])?$')
_ID_RE = re.compile(r'^\d{1,18}$')

CONDITIONS = ('AND', 'OR')
CONDS = ('>', '<', '>=', '<=', '==', '!=')
OPERATORS = ('rawvalue', 'list', 'mod', 'deterministic_proportional_steaming_division')
SC_TYPES = ('param', 'cookie', 'header')
ALB_TYPES = ('sourceIp', 'cookie', 'header')
ALB_CONDITIONS = ('AND',)
ALB_CONDS = ('==',)
ALB_OPERATORS = ('rawvalue',)
RULE_LISTS = ('ScRules', 'DubboRules', 'AlbRules')
ITEM_KEYS = ('type', 'name', 'cond', 'operator', 'value', 'expr', 'index')


def _present(value):
    return value is not None and value != ''


def _text(obj, key, where, required=True, allowed=None):
    """A string field of a rule or item: None when absent and optional; NotEmpty when required and absent."""
    value = obj.get(key)
    if not _present(value):
        if required:
            raise errors.not_empty('%s.%s' % (where, key))
        return None
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        raise errors.obviously('%s.%s' % (where, key))
    return value


def _index(obj, where, required):
    value = obj.get('index')
    if value is None or value == '':
        if required:
            raise errors.not_empty(where + '.index')
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise errors.obviously(where + '.index')
    return value


def _path(obj, where, required=False):
    value = _text(obj, 'path', where, required=False)
    if value is None:
        if required:
            raise errors.with_message(where + '.path', 'an ALB canary rule names the path of its ingress rule')
        return None
    if not value.startswith('/'):
        raise errors.obviously(where + '.path')
    return value


def _rule_list(params, name):
    """The JSON list of rule objects sent as `name`, or None when not sent."""
    if not _present(params.get(name)):
        return None
    try:
        rules = json.loads(params[name])
    except ValueError:
        raise errors.obviously(name) from None
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise errors.obviously(name)
    return rules


def _items(rule, where, parse_item):
    items = rule.get('items')
    if not items:
        raise errors.not_empty(where + '.items')
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise errors.obviously(where + '.items')
    return [parse_item(item, where + '.items') for item in items]


def _sc_item(item, where):
    out = {
        'type': _text(item, 'type', where, allowed=SC_TYPES),
        'name': _text(item, 'name', where),
        'cond': _text(item, 'cond', where, allowed=CONDS),
        'operator': _text(item, 'operator', where, allowed=OPERATORS),
        'value': _text(item, 'value', where),
    }
    return _with_optional(out, item, where)


def _dubbo_item(item, where):
    out = {
        'index': _index(item, where, required=True),
        'expr': _text(item, 'expr', where, required=False) or '',
        'cond': _text(item, 'cond', where, allowed=CONDS),
        'operator': _text(item, 'operator', where, allowed=OPERATORS),
        'value': _text(item, 'value', where),
    }
    return out


def _alb_item(item, where):
    kind = _text(item, 'type', where, allowed=ALB_TYPES)
    out = {
        'type': kind,
        'name': _text(item, 'name', where, required=kind != 'sourceIp'),
        'cond': _text(item, 'cond', where, allowed=ALB_CONDS),
        'operator': _text(item, 'operator', where, allowed=ALB_OPERATORS),
        'value': _text(item, 'value', where),
    }
    return _with_optional(out, item, where)


def _with_optional(out, item, where):
    """``expr`` and ``index`` ("not used" for Spring Cloud and ALB rules): kept when sent."""
    if _present(item.get('expr')):
        out['expr'] = _text(item, 'expr', where, required=False)
    index = _index(item, where, required=False)
    if index is not None:
        out['index'] = index
    return {key: value for key, value in out.items() if value is not None}


def parse_sc_rules(params):
    rules = _rule_list(params, 'ScRules')
    if rules is None:
        return None
    result = []
    for rule in rules:
        out = {'condition': _text(rule, 'condition', 'ScRules', allowed=CONDITIONS)}
        path = _path(rule, 'ScRules')
        if path is not None:
            out['path'] = path
        out['items'] = _items(rule, 'ScRules', _sc_item)
        result.append(out)
    return result


def parse_dubbo_rules(params):
    rules = _rule_list(params, 'DubboRules')
    if rules is None:
        return None
    result = []
    for rule in rules:
        out = {
            'condition': _text(rule, 'condition', 'DubboRules', allowed=CONDITIONS),
            'serviceName': _text(rule, 'serviceName', 'DubboRules'),
            'methodName': _text(rule, 'methodName', 'DubboRules'),
            'group': _text(rule, 'group', 'DubboRules', required=False) or '',
            'version': _text(rule, 'version', 'DubboRules', required=False) or '',
        }
        out['items'] = _items(rule, 'DubboRules', _dubbo_item)
        result.append(out)
    return result


class GreyTagRouteService:
    """The five canary-route operations (mixed into IngressService; see the module docstring)."""

    def _init_grey_tag_routes(self):
        self._grey_routes = {}
        self._next_grey_id = FIRST_GREY_TAG_ROUTE_ID

    def _load_grey_tag_routes(self, state):
        self._grey_routes = {int(rec['GreyTagRouteId']): rec for rec in state.get('grey_tag_routes', ())}
        self._next_grey_id = max(int(state.get('next_grey_tag_route_id', FIRST_GREY_TAG_ROUTE_ID)),
                                 max(self._grey_routes, default=0) + 1)

    def _grey_tag_route_state(self):
        return {
            'next_grey_tag_route_id': self._next_grey_id,
            'grey_tag_routes': [self._grey_routes[key] for key in sorted(self._grey_routes)],
        }

    def grey_tag_route_snapshot(self):
        with self._lock:
            return copy.deepcopy(self._grey_routes)

    # ------------------------------------------------------------ validation pieces

    def _grey_app(self, params):
        app_id = params.get('AppId')
        if not _present(app_id):
            raise errors.not_empty('AppId')
        app = self.inventory.apps.get(app_id)
        if app is None:
            raise errors.app_id_not_found(app_id)
        return app

    def _grey_route_id(self, params):
        value = params.get('GreyTagRouteId')
        if not _present(value):
            raise errors.not_empty('GreyTagRouteId')
        if not _ID_RE.match(value) or int(value) < 1:
            raise errors.obviously('GreyTagRouteId')
        route_id = int(value)
        if route_id not in self._grey_routes:
            raise errors.grey_tag_route_not_found(value, self.variants['grey_not_found'])
        return route_id

    @staticmethod
    def _grey_description(params):
        value = params.get('Description')
        if value is None:
            return None
        if len(value) > MAX_DESCRIPTION_LENGTH:
            raise errors.obviously('Description')
        return value

    def _alb_rules(self, params, app):
        rules = _rule_list(params, 'AlbRules')
        if rules is None:
            return None
        tie = self.variants['grey_alb_tie']
        result = []
        for rule in rules:
            where = 'AlbRules'
            out = {'condition': _text(rule, 'condition', where, allowed=ALB_CONDITIONS)}
            ingress = self._alb_ingress(rule.get('ingressId'), app)
            out['ingressId'] = ingress['Id']
            path = _path(rule, where, required=tie == 'path')
            if path is not None:
                if tie == 'path' and path not in [item['Path'] for item in ingress['Rules']]:
                    raise errors.with_message(where + '.path', 'the ingress [%s] has no rule for the path %s'
                                              % (ingress['Id'], path))
                out['path'] = path
            out['items'] = _items(rule, where, _alb_item)
            result.append(out)
        return result

    def _alb_ingress(self, value, app):
        where = 'AlbRules.ingressId'
        if value is None or value == '':
            raise errors.not_empty(where)
        if isinstance(value, str) and _ID_RE.match(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.obviously(where)
        ingress = self._ingresses.get(value)
        if ingress is None:
            raise errors.with_message(where, 'the ingress [%s] does not exist' % value)
        if ingress['NamespaceId'] != app['namespace']:
            raise errors.with_message(where, 'the ingress [%s] belongs to namespace %s, not to %s of the application'
                                      % (value, ingress['NamespaceId'], app['namespace']))
        if ingress['LoadBalanceType'] != 'alb':
            raise errors.with_message(where, 'the ingress [%s] is not an ALB ingress' % value)
        return ingress

    @staticmethod
    def _check_exclusive(record):
        if record['ScRules'] and record['DubboRules']:
            raise errors.with_message('DubboRules', 'ScRules and DubboRules cannot be used together')

    # ------------------------------------------------------------ operations

    def create_grey_tag_route(self, params):
        with self._lock:
            record = self._build_grey_create(params)
            self._grey_routes[record['GreyTagRouteId']] = record
            self._save()
            return {'GreyTagRouteId': record['GreyTagRouteId']}, record['GreyTagRouteId'], True

    def _build_grey_create(self, params):
        app = self._grey_app(params)
        name = params.get('Name')
        if not _present(name):
            raise errors.not_empty('Name')
        if len(name) > MAX_NAME_LENGTH or not _NAME_RE.match(name):
            raise errors.obviously('Name')
        description = self._grey_description(params)
        record = {
            'AppId': app['id'], 'Name': name, 'Description': description or '',
            'ScRules': parse_sc_rules(params) or [],
            'DubboRules': parse_dubbo_rules(params) or [],
            'AlbRules': self._alb_rules(params, app) or [],
        }
        self._check_exclusive(record)
        if any(other['AppId'] == app['id'] for other in self._grey_routes.values()):
            raise errors.with_message('AppId', 'the application [%s] already has a canary rule (one per application)'
                                      % app['id'])
        now = int(self._clock() * 1000)
        record.update(GreyTagRouteId=self._next_grey_id, CreateTime=now, UpdateTime=now)
        self._next_grey_id += 1
        return record

    def update_grey_tag_route(self, params):
        with self._lock:
            route_id = self._grey_route_id(params)
            current = self._grey_routes[route_id]
            record = copy.deepcopy(current)
            description = self._grey_description(params)
            if description is not None:
                record['Description'] = description
            app = self.inventory.apps[record['AppId']]
            parsed = {'ScRules': parse_sc_rules(params), 'DubboRules': parse_dubbo_rules(params),
                      'AlbRules': self._alb_rules(params, app)}
            for name, rules in parsed.items():
                if rules is not None:
                    record[name] = rules
            self._check_exclusive(record)
            applied = record != current
            if applied:
                record['UpdateTime'] = max(int(self._clock() * 1000), current['UpdateTime'])
                self._grey_routes[route_id] = record
                self._save()
            return {'GreyTagRouteId': route_id}, route_id, applied

    def describe_grey_tag_route(self, params):
        with self._lock:
            route_id = self._grey_route_id(params)
            return self.render_grey_tag_route(self._grey_routes[route_id]), route_id, False

    def delete_grey_tag_route(self, params):
        with self._lock:
            route_id = self._grey_route_id(params)
            del self._grey_routes[route_id]
            self._save()
            return {'GreyTagRouteId': route_id}, route_id, True

    def list_grey_tag_routes(self, params):
        with self._lock:
            app = self._grey_app(params)
            rows = [self.render_grey_tag_route(record, list_row=True)
                    for _key, record in sorted(self._grey_routes.items()) if record['AppId'] == app['id']]
            return {'CurrentPage': 1, 'PageSize': 1, 'TotalSize': len(rows), 'Result': rows}, None, False

    # ------------------------------------------------------------ rendering

    def render_grey_tag_route(self, record, list_row=False):
        """DescribeGreyTagRoute Data, or (``list_row``) a ListGreyTagRoute row: no AppId; ALB rules with serviceName
        instead of serviceId; every ALB rule's ingressId a string; an ALB rule's path is not reported."""
        data = {
            'GreyTagRouteId': record['GreyTagRouteId'],
            'Name': record['Name'],
            'Description': record['Description'],
            'CreateTime': record['CreateTime'],
            'UpdateTime': record['UpdateTime'],
            'ScRules': copy.deepcopy(record['ScRules']),
            'DubboRules': copy.deepcopy(record['DubboRules']),
            'AlbRules': [self._render_alb_rule(rule, record['AppId'], list_row) for rule in record['AlbRules']],
        }
        if not list_row:
            data['AppId'] = record['AppId']
        return data

    def _render_alb_rule(self, rule, app_id, list_row):
        out = {'condition': rule['condition'], 'ingressId': str(rule['ingressId']),
               'items': copy.deepcopy(rule['items'])}
        if list_row:
            out['serviceName'] = self.inventory.app_name(app_id) or app_id
        else:
            digest = hashlib.sha1(('%s/%s/%s' % (self.inventory.region, rule['ingressId'], app_id)).encode('utf-8'))
            out['serviceId'] = 'sgp-%s' % digest.hexdigest()[:17]
        return out

    # ------------------------------------------------------------ behind the client's back

    def seed_grey_tag_route(self, fields):
        """CreateGreyTagRoute semantics without HTTP or log: ``fields`` as the request has them (rule lists as Python
        lists or JSON strings). Returns the id."""
        params = {}
        for key, value in fields.items():
            if value is None:
                continue
            params[key] = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
        return self.create_grey_tag_route(params)[1]

    def remove_grey_tag_route(self, route_id):
        with self._lock:
            existed = self._grey_routes.pop(int(route_id), None) is not None
            if existed:
                self._save()
            return existed
