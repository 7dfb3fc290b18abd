# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""What a canary route task changes: the ingresses its ALB rules name, the comparison with the live route, the
parameters of CreateGreyTagRoute and UpdateGreyTagRoute, and the route a write leaves (the result, check mode
included). Pure functions of plain dicts in the shape of ``_grey_tag_route_shape``."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_shape import (
    ALB,
    ALB_CONDITION,
    ALB_TYPES,
    API_RULE_LISTS,
    ITEM_FIELDS,
    RULE_FIELDS,
    RULE_LISTS,
    public_rule,
    text,
)


def ingress_names(wanted):
    """``[(label, ingress name)]`` of the task's ALB rules that name their ingress by ``ingress_name``."""
    return [('alb_rules[%d]' % number, rule['ingress_name'])
            for number, rule in enumerate(wanted.get(ALB) or []) if rule.get('ingress_name') is not None]


def with_ingress_ids(wanted, ids_by_label):
    """``wanted`` with the ``ingress_id`` of every ALB rule named by ``ingress_name`` (``ids_by_label``: label such
    as ``alb_rules[0]`` -> ingress id)."""
    if not ids_by_label:
        return wanted
    rules = []
    for number, rule in enumerate(wanted[ALB]):
        label = 'alb_rules[%d]' % number
        rules.append(dict(rule, ingress_id=ids_by_label[label]) if label in ids_by_label else rule)
    return dict(wanted, **{ALB: rules})


def _rule_equal(kind, live, wanted):
    for option, _key in RULE_FIELDS[kind]:
        if kind == ALB and option == 'path' and (live.get('path') is None or wanted.get('path') is None):
            continue  # the service does not report an ALB rule's path (and an unset path is no wish)
        if live.get(option) != wanted.get(option):
            return False
    return live['items'] == wanted['items']


def rules_equal(kind, live_rules, wanted_rules):
    """Whether two rule lists of ``kind`` are the same, in order (the service answers them in the order sent)."""
    return len(live_rules) == len(wanted_rules) and all(
        _rule_equal(kind, live, wanted) for live, wanted in zip(live_rules, wanted_rules))


def compute_changes(live, wanted):
    """``{option: wanted value}`` of what the task sets and the live route does not have: ``description`` and each
    rule list. Name and application are compared elsewhere (they cannot change)."""
    changes = {}
    if 'description' in wanted and text(wanted['description']) != live.get('description'):
        changes['description'] = wanted['description']
    for kind in RULE_LISTS:
        if kind in wanted and not rules_equal(kind, live.get(kind) or [], wanted[kind]):
            changes[kind] = wanted[kind]
    return changes


def _api_item(kind, item):
    api = {}
    for option, key in ITEM_FIELDS[kind]:
        value = item.get(option)
        if value is None:
            continue
        api[key] = ALB_TYPES.get(value, value) if kind == ALB and option == 'type' else value
    return api


def api_rules(kind, rules):
    """A rule list as the request carries it (camelCase keys; JSON on the wire). ALB rules get the one condition
    they take, ``AND``, their ingress as ``ingressId`` and, when the task gives one, the ``path``."""
    out = []
    for rule in rules:
        api = {'condition': ALB_CONDITION} if kind == ALB else {}
        for option, key in RULE_FIELDS[kind]:
            if rule.get(option) is not None:
                api[key] = rule[option]
        api['items'] = [_api_item(kind, item) for item in rule['items']]
        out.append(api)
    return out


def _write_params(wanted):
    params = {}
    if 'description' in wanted:
        params['Description'] = wanted['description']
    for kind in RULE_LISTS:
        if kind in wanted:
            params[API_RULE_LISTS[kind]] = api_rules(kind, wanted[kind])
    return params


def create_params(app_id, name, wanted):
    """CreateGreyTagRoute's parameters: AppId, Name, and what the task sets."""
    return dict(_write_params(wanted), AppId=app_id, Name=name)


def update_params(wanted):
    """UpdateGreyTagRoute's parameters (GreyTagRouteId aside): every option the task sets, changed or not, since
    whether the service keeps a rule list an update leaves out is not documented; the lists the task does not set are
    left out."""
    return _write_params(wanted)


def _rules(wanted, kind):
    return [public_rule(kind, rule) for rule in wanted[kind]]


def predict(live, wanted):
    """The route after an update that sends what the task sets (update_params). The service sets ``update_time``:
    null until read again."""
    route = dict(live, update_time=None)
    if 'description' in wanted:
        route['description'] = text(wanted['description'])
    for kind in RULE_LISTS:
        if kind in wanted:
            route[kind] = _rules(wanted, kind)
    return route


def predict_created(app_id, name, wanted, route_id=None):
    """The route a create makes (``route_id``: the id the service answered; None in check mode)."""
    route = {'grey_tag_route_id': route_id, 'name': name, 'description': text(wanted.get('description')),
             'app_id': app_id, 'create_time': None, 'update_time': None}
    for kind in RULE_LISTS:
        route[kind] = _rules(wanted, kind) if kind in wanted else []
    return route
