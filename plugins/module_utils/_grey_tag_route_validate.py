# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Checks of a canary route task: before any call (``route_task``: the options alone) and before any write (against
the live route or the application's routes). Each raises InputError with a message that names the option and the fix.
Pure functions of plain dicts."""

from __future__ import annotations

from collections import namedtuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_shape import (
    ALB,
    ALB_CONDS,
    ALB_OPERATORS,
    DUBBO,
    MAX_DESCRIPTION,
    MAX_NAME,
    NAME_RE,
    SC,
    normalize_wanted,
)

# A task, checked: ``app_id`` / ``app_name`` name the base application (at most one), ``route_id`` is
# grey_tag_route_id, ``wanted`` what the task sets (normalize_wanted).
RouteTask = namedtuple('RouteTask', 'state namespace_id app_id app_name name route_id wanted')


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def check_name(name):
    if len(name) > MAX_NAME or not NAME_RE.match(name):
        raise InputError('name %r is not a name SAE takes for a canary route: up to %d characters, lower-case letters, '
                         'digits and hyphens, starting with a letter and ending with a letter or a digit (for example '
                         "'web-canary')." % (name, MAX_NAME))


def check_description(description):
    if len(description) > MAX_DESCRIPTION:
        raise InputError('description is %d characters long; SAE takes at most %d. Shorten it.'
                         % (len(description), MAX_DESCRIPTION))


def _check_path(label, path):
    if path is not None and not str(path).startswith('/'):
        raise InputError("%s.path %r must start with '/' (for example '/' or '/api')." % (label, path))


def _check_items(label, items, required):
    if not items:
        raise InputError('%s.items must list at least one condition (type, name, value).' % label)
    for number, item in enumerate(items):
        where = '%s.items[%d]' % (label, number)
        for option in required:
            if option == 'name' and item.get('type') == 'source_ip':
                continue
            if _blank(item.get(option)):
                what = ' (the header, cookie or parameter to match)' if option == 'name' else ''
                raise InputError('%s.%s is required%s.' % (where, option, what))
        if 'index' in required and item.get('index') is not None and item['index'] < 0:
            raise InputError('%s.index must be 0 or more (0 is the first argument of the method), got %s.'
                             % (where, item['index']))


def check_alb_rules(rules):
    for number, rule in enumerate(rules):
        label = 'alb_rules[%d]' % number
        if (rule.get('ingress_id') is None) == _blank(rule.get('ingress_name')):
            raise InputError('%s needs exactly one of ingress_id and ingress_name: the ALB ingress in front of the '
                             'application whose requests the rule sends to the canary.' % label)
        _check_path(label, rule.get('path'))
        _check_items(label, rule.get('items'), ('type', 'name', 'value'))
        for index, item in enumerate(rule['items']):
            where = '%s.items[%d]' % (label, index)
            if item.get('cond') not in ALB_CONDS:
                raise InputError("%s.cond %r: ALB canary rules take only '==' (an exact match). Leave cond out, or "
                                 "set it to '=='." % (where, item.get('cond')))
            if item.get('operator') not in ALB_OPERATORS:
                raise InputError("%s.operator %r: ALB canary rules take only 'rawvalue' (the value as written). Leave "
                                 "operator out, or set it to 'rawvalue'." % (where, item.get('operator')))


def check_sc_rules(rules):
    for number, rule in enumerate(rules):
        label = 'sc_rules[%d]' % number
        _check_path(label, rule.get('path'))
        _check_items(label, rule.get('items'), ('type', 'name', 'value'))


def check_dubbo_rules(rules):
    for number, rule in enumerate(rules):
        label = 'dubbo_rules[%d]' % number
        for option in ('service_name', 'method_name'):
            if _blank(rule.get(option)):
                raise InputError('%s.%s is required (the Dubbo service and method the rule applies to).'
                                 % (label, option))
        _check_items(label, rule.get('items'), ('index', 'value'))


def check_exclusive(sc_rules, dubbo_rules, live=None):
    """SAE refuses Spring Cloud and Dubbo rules on one route. ``sc_rules`` / ``dubbo_rules``: what the task sets
    (None: unset, so the live list stays)."""
    sc = sc_rules if sc_rules is not None else (live or {}).get(SC) or []
    dubbo = dubbo_rules if dubbo_rules is not None else (live or {}).get(DUBBO) or []
    if not (sc and dubbo):
        return
    if sc_rules and dubbo_rules:
        raise InputError('sc_rules and dubbo_rules cannot both be set: a canary route holds Spring Cloud rules or Dubbo '
                         'rules, not both. Keep the ones of the application\'s framework.')
    kept, added = ('dubbo_rules', 'sc_rules') if sc_rules else ('sc_rules', 'dubbo_rules')
    raise InputError('canary route %s has %s, and a route holds Spring Cloud rules or Dubbo rules, not both: nothing '
                     'was changed. To replace them with %s, set %s: [] in the same task.'
                     % (live.get('name'), kept, added, kept))


def route_task(params):
    """The task's options, checked before any call; raises InputError."""
    state = params.get('state') or 'present'
    for option in ('app_id', 'app_name', 'name'):
        if params.get(option) is not None and _blank(params[option]):
            raise InputError('%s must not be empty.' % option)
    if params.get('app_id') is not None and params.get('app_name') is not None:
        raise InputError('app_id and app_name name the same application: set one of them.')
    route_id = params.get('grey_tag_route_id')
    if route_id is not None and route_id < 1:
        raise InputError('grey_tag_route_id must be a route id (1 or more), got %s.' % route_id)
    has_app = params.get('app_id') is not None or params.get('app_name') is not None
    if route_id is None and not (has_app and params.get('name') is not None):
        raise InputError('The task needs the route\'s name and its base application (app_id or app_name), or '
                         'grey_tag_route_id: SAE finds a canary route by its id, or by its name among the routes of '
                         'the application.')
    if params.get('name') is not None:
        check_name(params['name'])
    wanted = normalize_wanted(params)
    if state == 'present':
        if wanted.get('description') is not None:
            check_description(wanted['description'])
        check_alb_rules(wanted.get(ALB) or [])
        check_sc_rules(wanted.get(SC) or [])
        check_dubbo_rules(wanted.get(DUBBO) or [])
        check_exclusive(wanted.get(SC), wanted.get(DUBBO))
    return RouteTask(state, params['namespace_id'], params.get('app_id'), params.get('app_name'), params.get('name'),
                     route_id, wanted)


def _app_label(task, app_id):
    if task.app_name is not None:
        return 'app_name %r (application %s)' % (task.app_name, app_id)
    return 'app_id %s' % app_id


def immutable_conflicts(task, app_id, live):
    """Raises InputError when the task's name or application is not the live route's: UpdateGreyTagRoute takes
    neither, so they cannot change."""
    problems = []
    if task.name is not None and task.name != live.get('name'):
        problems.append('it is named %r and the task says name %r' % (live.get('name'), task.name))
    if app_id is not None and live.get('app_id') not in (None, app_id):
        problems.append('it belongs to application %s and the task says %s' % (live['app_id'], _app_label(task, app_id)))
    if problems:
        raise InputError('Canary route %s cannot be changed as asked: %s. SAE cannot rename a canary route or move it '
                         'to another application: nothing was changed. Correct the task, or delete the route '
                         '(state: absent) and create it anew.' % (live.get('grey_tag_route_id'), '; '.join(problems)),
                         grey_tag_route=live)


def second_route_message(task, app_id, other):
    """The refusal of a create for an application whose one canary route has another name (``other``)."""
    return ('The application of %s already has canary route %r (grey_tag_route_id %s), and SAE keeps one canary route '
            'per application: nothing was created. Manage that route (name: %s), or delete it (state: absent) before '
            'creating %r.' % (_app_label(task, app_id), other.get('name'), other.get('grey_tag_route_id'),
                              other.get('name'), task.name))
