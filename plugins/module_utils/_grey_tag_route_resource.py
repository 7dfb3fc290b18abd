# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The canary route modules on the skeleton of ``_resource``: ``GreyTagRouteResource(sae).run()`` for
sae_grey_tag_route (validate the task, resolve the application, find the route, then create, update or delete it)
and ``GreyTagRouteInfo(sae).run()`` for sae_grey_tag_route_info. ``sae`` is the module base (``_common.SaeModule``)."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_names import ApplicationNames
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_plan import (
    compute_changes,
    create_params,
    ingress_names,
    predict,
    predict_created,
    update_params,
    with_ingress_ids,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_shape import (
    by_name,
    diff_view,
    normalize_live,
    paths_unreported,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_validate import (
    check_exclusive,
    immutable_conflicts,
    route_task,
    second_route_message,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_lookup import find_by_name
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import ApiFailure, SaeResource, create_once

# Hints for the error codes of the canary route operations, in the options' words (the module base adds those of the
# API layer). A key ``Operation/Code`` is the hint of that code from that operation alone.
GREY_TAG_ROUTE_HINTS = {
    'InvalidParameter.NotEmpty': 'a required parameter is empty: check the options the task sets.',
    'InvalidParameter.Obviously': 'a parameter is invalid: read the message, then check the option it names.',
    'InvalidParameter.WithMessage': 'a parameter was refused: read the message, then check the option it names.',
    'DescribeGreyTagRoute/InvalidParameter.WithMessage':
        'SAE answers this both for a grey_tag_route_id that no route has and for an id it refuses. Check '
        'grey_tag_route_id; set app_id or app_name too, and the module tells the two apart by listing the routes of '
        'the application.',
    'InvalidAppId.NotFound': 'no application with that id: check app_id (or the application app_name names).',
    'InvalidApplication.NotFound': 'no such application: check app_id or app_name.',
    'InvalidGreyTagRoute.NotFound': 'no canary route with that id: check grey_tag_route_id.',
    'ListApplications/IncompleteListing': 'give app_id instead of app_name (no ListApplications call), or run again '
                                          'once the service answers ListApplications consistently.',
    'ListIngresses/IncompleteListing': 'give alb_rules[].ingress_id instead of ingress_name (no ListIngresses call), '
                                       'or run again once the service answers ListIngresses consistently.',
}
WRITES = ('CreateGreyTagRoute', 'UpdateGreyTagRoute')
# A create refused for the application (one canary route per application, perhaps created meanwhile by another run):
# the routes are looked up again before the refusal is reported.
RACE_CODES = ('InvalidParameter.WithMessage',)


def path_failure(err, params):
    """A create or update refused for its ALB rules, some of which have no path: how the service ties a rule to its
    ingress is not public, and it may need the path of the ingress rule the canary applies to."""
    rules = params.get('AlbRules') or []
    missing = [number for number, rule in enumerate(rules) if not rule.get('path')]
    if err.operation not in WRITES or not missing or not (err.code or '').startswith('InvalidParameter.'):
        return None
    return ApiFailure(err, detail='%s no path: if the message is about the ALB rules, set path on each one, to the path '
                                  'of the ingress rule that sends the requests to the application (for example /).'
                      % ', '.join('alb_rules[%d] has' % number for number in missing))


def resolve_app(api, task):
    """The application id of the task: app_id, or app_name resolved in namespace_id (one ListApplications read;
    canary applications never match); None when the task names no application."""
    if task.app_name is None:
        return task.app_id
    ids_by_name = ApplicationNames(api, task.namespace_id).resolve([('', task.app_name)])[0]
    return ids_by_name[task.app_name]


def resolve_ingresses(api, task, wanted):
    """``wanted`` with the ingress id of every ALB rule named by ingress_name: one ListIngresses read of namespace_id.
    A name that no ingress or several have, or a CLB ingress, fails before any write."""
    names = ingress_names(wanted)
    if not names:
        return wanted
    rows = api.list_ingresses(task.namespace_id)
    ids = {}
    for label, name in names:
        row = find_by_name(rows, name, task.namespace_id)
        if row is None:
            raise InputError('%s.ingress_name %r: no ingress of %s has that name: nothing was changed. Check the name '
                             '(alibabacloud.sae.sae_ingress_info lists them), or give ingress_id.'
                             % (label, name, task.namespace_id))
        if str(row.get('LoadBalanceType') or '').lower() != 'alb':
            raise InputError('%s.ingress_name %r: ingress %s is a %s ingress, and canary rules apply to ALB ingresses '
                             'only: nothing was changed.' % (label, name, row.get('Id'),
                                                             str(row.get('LoadBalanceType') or 'CLB').upper()))
        ids[label] = int(row['Id'])
    return with_ingress_ids(wanted, ids)


def changed_result(before, after):
    paths = not paths_unreported(before)
    return dict(changed=True, grey_tag_route=after,
                diff=dict(before=diff_view(before, paths), after=diff_view(after, paths)))


class GreyTagRouteResource(SaeResource):
    """One sae_grey_tag_route task."""

    result_key = 'grey_tag_route'
    hints = GREY_TAG_ROUTE_HINTS

    def __init__(self, sae):
        super().__init__(sae)
        self.task = None
        self.app_id = None
        self.routes = None  # the application's routes, when they were listed
        self.sent = {}

    def validate(self):
        self.task = route_task(self.params)

    def explain(self, err):
        return path_failure(err, self.sent)

    def find(self):
        """By grey_tag_route_id (one DescribeGreyTagRoute), else by name among the application's routes (one
        ListGreyTagRoute, which takes the application only)."""
        task = self.task
        self.app_id = resolve_app(self.api, task)
        if task.route_id is not None:
            data = self.api.describe_grey_tag_route(task.route_id, self.app_id)
            return normalize_live(data, self.app_id) if data else None
        self.routes = self.list_routes()
        return by_name(self.routes, task.name)

    def list_routes(self):
        return [normalize_live(row, self.app_id) for row in self.api.list_grey_tag_routes(self.app_id)]

    def present(self, found):
        task = self.task
        if found is None and task.route_id is not None:
            raise InputError('No canary route has grey_tag_route_id %s. An id cannot be chosen at creation: remove '
                             'grey_tag_route_id and set name and app_id or app_name to create the route.' % task.route_id)
        if found is not None:
            immutable_conflicts(task, self.app_id, found)
        elif self.routes:
            raise InputError(second_route_message(task, self.app_id, self.routes[0]), grey_tag_route=self.routes[0])
        wanted = resolve_ingresses(self.api, task, task.wanted)
        if found is None:
            return self.create(wanted)
        return self.converge(found, wanted)

    def converge(self, live, wanted):
        try:
            check_exclusive(wanted.get('sc_rules'), wanted.get('dubbo_rules'), live)
        except InputError as exc:
            raise InputError(str(exc), grey_tag_route=live)
        if not compute_changes(live, wanted):
            return self.get_result(live)
        if not self.module.check_mode:
            self.sent = update_params(wanted)
            self.api.update_grey_tag_route(live['grey_tag_route_id'], self.sent)
        return changed_result(live, predict(live, wanted))

    def create(self, wanted):
        task, app_id = self.task, self.app_id
        if self.module.check_mode:
            return changed_result(None, predict_created(app_id, task.name, wanted))
        self.sent = create_params(app_id, task.name, wanted)

        def look():
            return by_name(self.list_routes(), task.name)

        outcome = create_once(lambda: self.api.create_grey_tag_route(self.sent), look, race_codes=RACE_CODES,
                              repeat=True, noun='canary route')
        if outcome.found is None:
            return changed_result(None, predict_created(app_id, task.name, wanted, outcome.created))
        result = self.converge(outcome.found, wanted)
        if outcome.applied:  # the create whose answer was lost went through: the change it was
            result.update(changed=True, diff=dict(before={}, after=diff_view(result['grey_tag_route'])))
        return result

    def absent(self, found):
        task = self.task
        if found is None:
            return dict(changed=False, grey_tag_route={}, diff=dict(before={}, after={}))
        immutable_conflicts(task, self.app_id, found)
        changed = True
        if not self.module.check_mode:
            # Gone meanwhile (another run deleted it): no change of this task's doing.
            changed = self.api.delete_grey_tag_route(found['grey_tag_route_id'], found['app_id'])
        before = diff_view(found, not paths_unreported(found)) if changed else {}
        return dict(changed=changed, grey_tag_route={}, diff=dict(before=before, after={}))


class GreyTagRouteInfo(SaeResource):
    """One sae_grey_tag_route_info task: the routes of an application, or the one of grey_tag_route_id."""

    result_key = 'grey_tag_routes'
    hints = GREY_TAG_ROUTE_HINTS

    def validate(self):
        params = self.params
        for option in ('app_id', 'app_name'):
            if params.get(option) is not None and not params[option].strip():
                raise InputError('%s must not be empty.' % option)
        if params.get('app_name') is not None and not params.get('namespace_id'):
            raise InputError('app_name needs namespace_id: an application name is resolved within its namespace.')

    def find(self):
        params = self.params
        app_id = params.get('app_id')
        if params.get('app_name') is not None:
            app_id = ApplicationNames(self.api, params['namespace_id']).resolve([('', params['app_name'])])[0][
                params['app_name']]
        if app_id is None:
            data = self.api.describe_grey_tag_route(params['grey_tag_route_id'])
            return [normalize_live(data)] if data else []
        routes = [normalize_live(row, app_id) for row in self.api.list_grey_tag_routes(app_id)]
        return [route for route in routes
                if params.get('grey_tag_route_id') in (None, route['grey_tag_route_id'])]

    def present(self, found):
        return self.get_result(sorted(found, key=lambda route: route['grey_tag_route_id'] or 0))
