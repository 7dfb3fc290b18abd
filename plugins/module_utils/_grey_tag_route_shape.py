# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The shape of a canary route (GreyTagRoute) in the module's vocabulary: its three rule lists, the values each
takes, and the route a DescribeGreyTagRoute answer or a ListGreyTagRoute row describes, as the module returns it
(snake_case). The same normalisation applies to the task's rules, so both sides compare alike. Pure functions of
plain dicts.

The service answers rule and item keys in camelCase (``serviceName``, ``ingressId``...), the route's own keys in
PascalCase; an ALB rule's ``path`` is not in the answers the SDK models (``DescribeGreyTagRouteResponseBodyDataAlbRules``
has ``condition``, ``ingressId``, ``items`` and ``serviceId`` only)."""

from __future__ import annotations

import re

ALB, SC, DUBBO = 'alb_rules', 'sc_rules', 'dubbo_rules'
RULE_LISTS = (ALB, SC, DUBBO)
# The request parameter of each rule list, and its key in the answers.
API_RULE_LISTS = {ALB: 'AlbRules', SC: 'ScRules', DUBBO: 'DubboRules'}

MAX_NAME = 64
MAX_DESCRIPTION = 64
# The SDK's CreateGreyTagRouteRequest: up to 64 characters, lower-case letters, digits, hyphens (and Chinese
# characters), starting with a lower-case letter and ending with a lower-case letter or a digit.
NAME_RE = re.compile(r'^[a-z](?:[a-z0-9\u4e00-\u9fff-]*[a-z0-9])?$')

CONDITIONS = ('AND', 'OR')
CONDS = ('>', '<', '>=', '<=', '==', '!=')
OPERATORS = ('rawvalue', 'list', 'mod', 'deterministic_proportional_steaming_division')
SC_TYPES = ('param', 'cookie', 'header')
# ALB rules: "Only AND", "Currently supports ==", "Only rawvalue" (the SDK's DescribeGreyTagRouteResponseBodyDataAlbRules*).
ALB_CONDITION = 'AND'
ALB_CONDS = ('==',)
ALB_OPERATORS = ('rawvalue',)
# An ALB item's type: option value -> API value.
ALB_TYPES = {'header': 'header', 'cookie': 'cookie', 'source_ip': 'sourceIp'}
DEFAULT_COND = '=='
DEFAULT_OPERATOR = 'rawvalue'

# (option, API key) of the fields of a rule (items aside) and of an item, per rule list, in the order results show them.
RULE_FIELDS = {
    ALB: (('ingress_id', 'ingressId'), ('path', 'path')),
    SC: (('condition', 'condition'), ('path', 'path')),
    DUBBO: (('condition', 'condition'), ('service_name', 'serviceName'), ('group', 'group'), ('version', 'version'),
            ('method_name', 'methodName')),
}
ITEM_FIELDS = {
    ALB: (('type', 'type'), ('name', 'name'), ('value', 'value'), ('cond', 'cond'), ('operator', 'operator')),
    SC: (('type', 'type'), ('name', 'name'), ('value', 'value'), ('cond', 'cond'), ('operator', 'operator')),
    DUBBO: (('index', 'index'), ('expr', 'expr'), ('value', 'value'), ('cond', 'cond'), ('operator', 'operator')),
}
INT_FIELDS = ('ingress_id', 'index')
# The keys of the route, in the order results show them.
ROUTE_KEYS = ('grey_tag_route_id', 'name', 'description', 'app_id', 'create_time', 'update_time') + RULE_LISTS


def text(value):
    """A string as compared: None for None and '' (the service answers '' for an unset group, version or expr)."""
    if value is None or value == '':
        return None
    return value if isinstance(value, str) else str(value)


def to_int(value):
    if value is None or value == '' or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _field(option, value):
    if option in INT_FIELDS:
        number = to_int(value)
        return value if number is None and value not in (None, '') else number
    return text(value)


def alb_type_option(value):
    """The option value of an ALB item type the service reports (``sourceIp`` -> ``source_ip``)."""
    for option, api in ALB_TYPES.items():
        if value == api:
            return option
    return text(value)


def normalize_item(kind, item, api=False):
    """An item of a ``kind`` rule list as compared and returned: every key of ITEM_FIELDS[kind] (None when unset).
    ``api``: ``item`` is an answer's (camelCase keys, ``sourceIp``), else a task's (option names; ``cond`` and
    ``operator`` default to ``==`` and ``rawvalue``, as in the argument spec)."""
    out = {}
    for option, key in ITEM_FIELDS[kind]:
        out[option] = _field(option, item.get(key if api else option))
    if kind == ALB and api:
        out['type'] = alb_type_option(out['type'])
    if not api:
        out['cond'] = out['cond'] or DEFAULT_COND
        out['operator'] = out['operator'] or DEFAULT_OPERATOR
    return out


def normalize_rule(kind, rule, api=False):
    """A rule of a ``kind`` rule list as compared and returned (see normalize_item). A task's ALB rule keeps its
    ``ingress_name`` until it is resolved; a task's Spring Cloud or Dubbo rule without ``condition`` takes ``AND``."""
    out = {}
    for option, key in RULE_FIELDS[kind]:
        out[option] = _field(option, rule.get(key if api else option))
    if kind == ALB and not api and rule.get('ingress_name') is not None:
        out['ingress_name'] = rule['ingress_name']
    if kind != ALB and not api and out['condition'] is None:
        out['condition'] = 'AND'
    items = rule.get('items')
    out['items'] = [normalize_item(kind, item, api) for item in items if isinstance(item, dict)] \
        if isinstance(items, list) else []
    return out


def normalize_rules(kind, rules, api=False):
    return [normalize_rule(kind, rule, api) for rule in rules or [] if isinstance(rule, dict)]


def normalize_live(data, app_id=None):
    """The route of a DescribeGreyTagRoute ``Data`` or a ListGreyTagRoute row, in the module's shape. A row carries
    no AppId: ``app_id`` (the application listed) fills it in."""
    route = {
        'grey_tag_route_id': to_int(data.get('GreyTagRouteId')),
        'name': text(data.get('Name')),
        'description': text(data.get('Description')),
        'app_id': text(data.get('AppId')) or app_id,
        'create_time': to_int(data.get('CreateTime')),
        'update_time': to_int(data.get('UpdateTime')),
    }
    for kind in RULE_LISTS:
        route[kind] = normalize_rules(kind, data.get(API_RULE_LISTS[kind]), api=True)
    return route


def normalize_wanted(params):
    """What the task sets, in the route's shape: ``name``, ``description`` and each rule list the task sets (an
    unset option is left out: it is not compared and not sent)."""
    wanted = {}
    if params.get('name') is not None:
        wanted['name'] = params['name']
    if params.get('description') is not None:
        wanted['description'] = params['description']
    for kind in RULE_LISTS:
        if params.get(kind) is not None:
            wanted[kind] = normalize_rules(kind, params[kind])
    return wanted


def public_rule(kind, rule):
    """A rule as results show it: without the ``ingress_name`` a task's ALB rule was written with."""
    return dict((key, value) for key, value in rule.items() if key != 'ingress_name')


def paths_unreported(route):
    """Whether ``route`` (a live one) has ALB rules and reports the path of none of them, as the SDK's models have it."""
    rules = (route or {}).get(ALB) or []
    return bool(rules) and all(rule.get('path') is None for rule in rules)


def diff_view(route, paths=True):
    """A route as diff mode shows it: what the options set, without the service's timestamps; without the paths of
    its ALB rules when ``paths`` is false (a change from a live route that does not report them: they are not
    compared, and a diff from null to the path sent would show a change that is not one)."""
    if not route:
        return {}
    view = dict((key, route[key]) for key in ROUTE_KEYS if key not in ('create_time', 'update_time'))
    if not paths:
        view[ALB] = [dict((key, value) for key, value in rule.items() if key != 'path') for rule in view[ALB]]
    return view


def by_name(routes, name):
    """The route of ``routes`` (in the module's shape) named ``name``, or None."""
    for route in routes:
        if route.get('name') == name:
            return route
    return None
