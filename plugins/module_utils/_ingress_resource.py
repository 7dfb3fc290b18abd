# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The find-decide-act flow of the ingress modules, over the pure shape, validation and plan functions
and the SAE API client: ``IngressResource(sae).run()`` for sae_ingress (on the skeleton of ``_resource``),
``ingress_info(sae)`` for sae_ingress_info. ``sae`` is the module base (``_common.SaeModule``). Application names
in the rules are resolved to ids by ``_application_resource`` (one ListApplications read, only when needed)."""

from __future__ import annotations

import re

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_resource import resolve_app_names
from ansible_collections.alibabacloud.sae.plugins.module_utils._application_shape import AppNameError

from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_plan import (
    compute_changes,
    create_params,
    desired_values,
    diff_view,
    known_app_names,
    predict,
    predict_created,
    rule_actions_message,
    rules_with_actions,
    unresolved_names,
    update_params,
    with_applications,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import (
    AmbiguousName,
    find_by_name,
    gateway_routes_named,
    missing_from_live,
    normalize_live,
    normalize_wanted,
    port_holder,
    result_from_live,
    routed_app_names,
    routed_apps,
    row_name,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import (
    MAX_RULES,
    IngressInputError,
    immutable_conflicts,
    immutable_message,
    merged_rules_message,
    validate_effective,
    validate_load_balancer,
    validate_static,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import SaeResource
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError, SaeUnknownOutcomeError

# Hints for the error codes of the ingress operations, in the options' words (the module base adds those of the
# API layer).
INGRESS_HINTS = {
    'InvalidParameter.NotEmpty': 'a required parameter is empty: check the options the task sets.',
    'InvalidParameter.Obviously': 'a parameter is invalid: read the message, then check the option it names.',
    'InvalidParameter.WithMessage': 'a parameter is invalid: read the message, then check the option it names.',
    'Slb.NotFound': 'no SLB with that slb_id in this region: check slb_id and region.',
    'Exceed.IngressRule': 'an ingress has at most 40 rules: remove some from rules.',
    'SlbListenerPort.NotAvailable': 'the port is taken on that SLB by another ingress: pick another listener_port or remove that ingress.',
    'SSLCert.NotFound': 'no certificate with that id: check cert_id / cert_ids and region.',
    'ListIngresses/IncompleteListing': 'set ingress_id to address the ingress directly (one DescribeIngress, no '
                                       'listing), or run again once the service answers ListIngresses consistently.',
    'ListApplications/IncompleteListing': 'give app_id instead of app_name in default_rule and rules (no '
                                          'ListApplications call), or run again once the service answers '
                                          'ListApplications consistently.',
}

_APP_ID_RE = re.compile(r'^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$')


class IngressResource(SaeResource):
    """One sae_ingress task: find the ingress, decide, act. ``run()`` returns the module result; every
    failure ends in fail_json with a clear message, before any write when it is an input error."""

    result_key = 'ingress'
    input_errors = (IngressInputError, AppNameError)

    def __init__(self, sae):
        super().__init__(sae)
        self.wanted = None
        self.rows = None  # the namespace's ListIngresses rows, once read
        sae.add_hints(INGRESS_HINTS)

    def validate(self):
        validate_static(self.params)
        self.wanted = normalize_wanted(self.params)
        if self.params['state'] == 'present':
            validate_load_balancer(self.wanted)

    def fail_api(self, err, msg=None, **result):
        """An application the service does not know, named by an app_id that is no id, gets a hint to use app_name."""
        suspects = ['%s.app_id %r' % (label, rule['app_id']) for label, rule in self.labelled_rules()
                    if rule.get('app_id') and not _APP_ID_RE.match(rule['app_id'])]
        if msg is None and suspects and err.operation in ('CreateIngress', 'UpdateIngress'):
            msg = ('%s (%s: not an application id, which looks like 395b60e4-0550-458d-9c54-a265d0361a01; to route '
                   'to an application by its name, write app_name instead of app_id)' % (err.operation, ', '.join(suspects)))
        super().fail_api(err, msg=msg, **result)

    def labelled_rules(self):
        wanted = self.wanted or {}
        rules = [('default_rule', wanted['default_rule'])] if wanted.get('default_rule') else []
        return rules + [('rules[%d]' % index, rule) for index, rule in enumerate(wanted.get('rules') or [])]

    def resolve_names(self, names):
        """Fill in the app_id of every rule of the task named by app_name (one ListApplications read)."""
        ids_by_name, names_by_id = resolve_app_names(self.api, self.params['namespace_id'], names)
        self.wanted = with_applications(self.wanted, ids_by_name, names_by_id)

    # -- reads ----------------------------------------------------------------------------

    def describe(self, ingress_id):
        data = self.api.describe_ingress(ingress_id)
        return normalize_live(data) if data else None

    def find(self):
        """The live ingress (possibly from a ListIngresses row, see missing_from_live) or None.

        By ingress_id (one DescribeIngress), else by name, else by listener (slb_id and listener_port, which
        identify an ingress); the last two read every page of ListIngresses in namespace_id.
        """
        if self.params['ingress_id'] is not None:
            return self.describe(self.params['ingress_id'])
        row = self.find_row()
        return normalize_live(row) if row else None

    def find_row(self):
        """The ListIngresses row of the task's ingress, by name or else by listener, or None (rows read again)."""
        if self.params['name'] is not None:
            row = self.find_named()
            if row is None:
                self.fail_gateway_route()
            return row
        return port_holder(self.list_rows(), self.wanted.get('slb_id'), self.wanted.get('listener_port'))

    def fail_gateway_route(self):
        """Fails when the task's name belongs only to routes of MSE gateways, which this module does not manage."""
        routes = gateway_routes_named(self.rows or [], self.params['name'])
        if routes:
            ids = sorted(normalize_live(row)['id'] for row in routes)
            self.fail('The only ingress named %r in %s is %s, a route of MSE gateway %s, which sae_ingress does not manage: '
                      'nothing was changed. Give the ingress of this task another name, or set ingress_id.'
                      % (self.params['name'], self.params['namespace_id'], ', '.join(str(i) for i in ids),
                         ', '.join(sorted(set(row['MseGatewayId'] for row in routes)))), ingress_ids=ids)

    def list_rows(self):
        self.rows = self.api.list_ingresses(self.params['namespace_id'])
        return self.rows

    def find_named(self, name=None):
        """The ListIngresses row named `name` (the task's by default) in namespace_id (every page), or None;
        fails on an ambiguous name."""
        try:
            return find_by_name(self.list_rows(), name or self.params['name'])
        except AmbiguousName as ambiguous:
            self.fail(str(ambiguous), ingress_ids=ambiguous.ids)
        return None

    # -- decide and act -------------------------------------------------------------------

    def present(self, found):
        live = found  # the live ingress, or None
        if live is None:
            if self.params['ingress_id'] is not None:
                self.fail('No ingress has ingress_id %s. An id cannot be chosen at creation: remove ingress_id and set '
                          'name to create the ingress.' % self.params['ingress_id'])
            return self.create()
        return self.converge(live, full=self.params['ingress_id'] is not None)

    def absent(self, found):
        live = found
        if live is None:
            return self.get_result({}, diff=dict(before={}, after={}))
        if live.get('namespace_id') not in (None, self.params['namespace_id']):
            self.fail('Ingress %s belongs to namespace %s, not %s: nothing was deleted. Check ingress_id and namespace_id.'
                      % (live['id'], live['namespace_id'], self.params['namespace_id']), ingress=result_from_live(live))
        if self.params['name'] is not None and live.get('name') != self.params['name']:
            self.fail('Ingress %s is named %r, not %r: nothing was deleted. Check ingress_id, or leave name out to '
                      'delete by id alone.' % (live['id'], live.get('name'), self.params['name']),
                      ingress=result_from_live(live))
        if not self.module.check_mode:
            self.api.delete_ingress(live['id'])
        return self.get_result({}, changed=True, diff=dict(before=diff_view(result_from_live(live)), after={}))

    def converge(self, live, full=False):
        """`live`: the ingress found; `full`: whether it comes from DescribeIngress (else from a ListIngresses row)."""
        conflicts = immutable_conflicts(live, self.wanted)
        if conflicts:
            self.fail(immutable_message(conflicts), ingress=result_from_live(live))
        validate_effective(self.wanted, live)
        unreported = missing_from_live(live, self.wanted)
        if unreported and not full:
            described = self.describe(live['id'])
            if described is None:
                # Deleted between the list and the describe: create it as if never found.
                return self.create(gone=live['id'])
            live = described
            unreported = missing_from_live(live, self.wanted)
        if unreported:
            self.warn_unreported(live, unreported)
        # Rules compare by the AppName the live ingress reports: names are resolved only for a rule change.
        self.wanted = with_applications(self.wanted, {}, known_app_names(live))
        desired, changes = self.plan(live, unreported)
        names = unresolved_names(desired) if 'rules' in changes or 'default_rule' in changes else []
        if names:
            self.resolve_names(names)
            desired, changes = self.plan(live, unreported)
        if not changes:
            return self.get_result(result_from_live(live))
        changes.update((option, desired[option]) for option in unreported if option in desired)
        self.check_update(live, changes)
        if not self.module.check_mode:
            params = update_params(changes, desired)
            try:
                self.api.update_ingress(live['id'], params)
            except SaeApiError as err:
                self.fail_port_taken(err, live)
                self.fail_no_rules(err, params)
                raise
        return self.changed(live, predict(live, changes))

    def plan(self, live, unreported):
        """(desired, changes): the task's values against `live`, and those that differ. A value the service does not
        report is never compared (with a default or anything else): it travels with an update made for another
        option, and never causes one."""
        desired = desired_values(live, self.wanted, self.params['purge_rules'])
        return desired, compute_changes(live, dict((k, v) for k, v in desired.items() if k not in unreported))

    def warn_unreported(self, live, options):
        self.module.warn('The service does not report %s of ingress %s, so the module cannot compare %s: %s sent '
                         'when the ingress is created or along with a change of another option, never on %s own. Check '
                         'the value in the SAE console.'
                         % (', '.join(options), live.get('id'), 'it' if len(options) == 1 else 'them',
                            'it is' if len(options) == 1 else 'they are', 'its' if len(options) == 1 else 'their'))

    def check_update(self, live, changes):
        """Refusals that depend on what the update would change; still before any write."""
        conflicts = rules_with_actions(changes.get('rules') or [])
        if conflicts:
            self.fail(rule_actions_message(conflicts), ingress=result_from_live(live))
        if len(changes.get('rules') or []) > MAX_RULES:
            self.fail(merged_rules_message(len(changes['rules']), len(self.wanted['rules'])), ingress=result_from_live(live))
        if 'name' in changes and self.params['ingress_id'] is not None:
            holder = self.find_named(changes['name'])
            if holder is not None and normalize_live(holder).get('id') != live['id']:
                self.fail('Ingress %s cannot be renamed to %r: ingress %s in %s already has that name, and a name '
                          'must identify one ingress. Choose another name.'
                          % (live['id'], changes['name'], holder.get('Id'), self.params['namespace_id']),
                          ingress=result_from_live(live))
        if 'listener_port' in changes:
            self.check_port_free(live.get('slb_id'), changes['listener_port'], live['id'], ingress=result_from_live(live))

    def check_port_free(self, slb_id, port, own_id=None, **result):
        """Fails, before any write, when the rows already listed show another ingress on that listener (the
        service would refuse the write with SlbListenerPort.NotAvailable). Costs no call: without a listing
        (an ingress found by ingress_id) the service is the only judge."""
        holder = port_holder(self.rows or [], slb_id, port)
        if holder is not None and normalize_live(holder).get('id') != own_id:
            self.fail('Listener port %s of %s is held by ingress %s, named %r, in %s: nothing was changed. Choose another '
                      'listener_port, or manage that ingress (its name or ingress_id).'
                      % (port, slb_id, holder.get('Id'), row_name(holder), self.params['namespace_id']), **result)

    def create(self, gone=None):
        """Create the wanted ingress (`gone`: the id of the ingress found, then missing, in its place)."""
        validate_effective(self.wanted, None)
        self.check_port_free(self.wanted.get('slb_id'), self.wanted.get('listener_port'), gone)
        names = unresolved_names(self.wanted)
        if names:
            self.resolve_names(names)
        if self.module.check_mode:
            return self.changed(None, self.predict_created())
        params = create_params(self.wanted)
        try:
            ingress_id = self.api.create_ingress(params)
        except SaeUnknownOutcomeError as err:
            return self.after_uncertain_create(err)
        except SaeApiError as err:
            if err.code != 'SlbListenerPort.NotAvailable':
                self.fail_no_rules(err, params)
                raise
            return self.after_uncertain_create(err)
        return self.created(ingress_id)

    def fail_no_rules(self, err, params):
        """A write with no rules that the service refuses as invalid: SAE needs at least one rule (every public
        client sends one; whether the API takes none is not documented)."""
        if params.get('Rules') != [] or not (err.code or '').startswith('InvalidParameter.'):
            return
        noted = SaeApiError(err.code, '%s SAE needs at least one rule on an ingress, and this task leaves it with none: '
                            'add a rule to rules. Nothing was changed.' % err.message.rstrip(),
                            request_id=err.request_id, status=err.status, operation=err.operation)
        self.sae.fail_api(noted)

    def predict_created(self, ingress_id=None):
        """The ingress a create produces: the request, the service's answer (its id) and, for the SLB's address
        type, a row of the same SLB if the namespace listing just read shows one."""
        slb_rows = [row for row in self.rows or [] if self.wanted.get('slb_id') and row.get('SlbId') == self.wanted['slb_id']]
        slb_type = normalize_live(slb_rows[0]).get('slb_type') if slb_rows else None
        return predict_created(dict(self.wanted, id=ingress_id), slb_type)

    def created(self, ingress_id):
        """The result of a create that the service answered with `ingress_id`. Only an ALB that SAE creates needs
        a DescribeIngress: its id is not known otherwise."""
        if self.wanted.get('slb_id'):
            return self.changed(None, self.predict_created(ingress_id))
        result = self.changed(None, self.describe(ingress_id) or self.predict_created(ingress_id))
        self.warn_twins(ingress_id)
        return result

    def warn_twins(self, ingress_id):
        """Without slb_id, SAE provisions a load balancer for every create, so nothing refuses a second run creating
        the same ingress at the same time: list the namespace again and warn of a same-named twin. Of two racing runs,
        the one whose create lands last sees both."""
        name = self.params['name']
        if name is None:
            return
        try:
            rows = self.api.list_ingresses(self.params['namespace_id'])
        except SaeApiError as err:
            self.module.warn('Ingress %s was created; the check for another ingress named %r created at the same time '
                             'failed (%s: %s): check with sae_ingress_info.' % (ingress_id, name, err.code, err.message))
            return
        twins = sorted(str(row.get('Id')) for row in rows if row_name(row) == name and str(row.get('Id')) != str(ingress_id))
        if twins:
            self.module.warn('Ingress %s was created, and %s named %r too: another run created it at the same time (without '
                             'slb_id SAE provisions a load balancer for each create, so neither was refused). Keep one: '
                             'remove the other with state=absent and its ingress_id, and its load balancer with it.'
                             % (ingress_id, 'ingress %s is' % twins[0] if len(twins) == 1 else 'ingresses %s are'
                                % ', '.join(twins), name))

    def after_uncertain_create(self, err):
        """The create may have happened (`err` is its unknown outcome) or lost a race (`err` is the port refusal):
        look before creating again."""
        row = self.look_after_create(err)
        if row is not None:
            return self.converge_created(row, err)
        if not isinstance(err, SaeUnknownOutcomeError) or not self.wanted.get('slb_id'):
            # Without slb_id nothing refuses a duplicate of a create that may still be in flight (a timeout):
            # report the unknown outcome rather than risk a second ingress.
            self.fail_port_taken(err)
            raise err
        return self.create_again(err)

    def look_after_create(self, err):
        """The task's ListIngresses row after a create that failed with `err`, or None. When the lookup fails too and
        the create may have been applied, the task fails with the create's outcome first."""
        try:
            return self.find_row()
        except SaeApiError as lookup:
            if not isinstance(err, SaeUnknownOutcomeError):
                raise
            self.fail_unknown_create(err, lookup)
        return None  # not reached: fail_json exits

    def create_again(self, err):
        """The ingress is missing after a create of unknown outcome `err`, and slb_id is set: create it once more.
        Should the first create still land, the service refuses one of the two (same SLB and port)."""
        try:
            ingress_id = self.api.create_ingress(create_params(self.wanted))
        except SaeApiError as again:
            if not isinstance(again, SaeUnknownOutcomeError) and again.code != 'SlbListenerPort.NotAvailable':
                self.fail_unknown_create(err, again)
            # Refused, or again without an answer: look once more before reporting.
            latest = again if isinstance(again, SaeUnknownOutcomeError) else err
            row = self.look_after_create(latest)
            if row is None:
                self.fail_port_taken(again)
                raise
            return self.converge_created(row, latest)
        return self.created(ingress_id)

    def converge_created(self, row, err):
        """Converge the ingress found after a failed create; when that create's outcome was unknown, it is the one
        that went through: report it as the change it was."""
        result = self.converge(normalize_live(row))
        if isinstance(err, SaeUnknownOutcomeError):
            result['changed'] = True
            result['diff'] = dict(before={}, after=diff_view(result['ingress']))
        return result

    def fail_unknown_create(self, err, followup):
        """Fail with the unknown outcome of a create (`err`) first, then the error of the call after it."""
        self.sae.fail_api(err, detail='The ingress may exist: %s, which followed, failed too (%s: %s). A rerun finds '
                                      'it and converges.' % (followup.operation, followup.code, followup.message),
                          followup_error=followup.to_dict())

    def fail_port_taken(self, err, live=None):
        """A port conflict names the ingress holding the port, when the rows just listed show it."""
        if err.code != 'SlbListenerPort.NotAvailable' or self.rows is None:
            return
        slb_id = (live or self.wanted).get('slb_id')
        port = self.wanted.get('listener_port')
        holder = port_holder(self.rows, slb_id, port)
        if holder is not None:
            self.fail_api(err, msg='%s (listener port %s of %s is held by ingress %s, named %r)' % (
                err.operation, port, slb_id, holder.get('Id'), row_name(holder)))

    def changed(self, before, after):
        ingress = result_from_live(after)
        return self.get_result(ingress, changed=True,
                               diff=dict(before=diff_view(result_from_live(before)) if before else {}, after=diff_view(ingress)))


_INFO_FILTERS = ('name', 'slb_id', 'listener_port', 'load_balance_type')


def _matches(data, params, filters=_INFO_FILTERS):
    """Whether an ingress (a DescribeIngress answer or a ListIngresses row) passes every filter of
    sae_ingress_info that is set (`filters`, app_id and app_name)."""
    live = normalize_live(data)
    if not all(params[option] is None or live.get(option) == params[option] for option in filters):
        return False
    # app_id is matched here, not with ListIngresses' AppId: whether that filter also matches the default rule
    # is not documented, and app_id means "routes to the application" through any rule.
    if params['app_id'] is not None and params['app_id'] not in routed_apps(data):
        return False
    # app_name by the AppName the service reports for every rule: no ListApplications read.
    return params.get('app_name') is None or params['app_name'] in routed_app_names(data)


def _gather(api, params):
    if params['ingress_id'] is not None:
        data = api.describe_ingress(params['ingress_id'])
        # The ingress asked for, kept only if it passes the other filters too: namespace_id among them (a
        # ListIngresses of namespace_id applies that one by itself).
        return [data] if data and _matches(data, params, ('namespace_id',) + _INFO_FILTERS) else []
    rows = [row for row in api.list_ingresses(params['namespace_id']) if _matches(row, params)]
    if params['name'] is None and not params['details']:
        return rows
    # DescribeIngress leaves out what only a row carries (CreateTime, the MSE gateway fields): kept from the row.
    return [dict(row, **(api.describe_ingress(row['Id']) or {})) for row in rows]


def ingress_info(sae):
    """The sae_ingress_info result: the ingresses the options select, sorted by id."""
    sae.add_hints(INGRESS_HINTS)
    try:
        found = _gather(sae.connect(), sae.module.params)
    except SaeApiError as err:
        sae.fail_api(err)
    ingresses = sorted((result_from_live(normalize_live(data)) for data in found), key=lambda item: item['id'] or 0)
    return dict(changed=False, ingresses=ingresses)
