# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""What an ingress task does once its ingress is looked up: converge one wanted ingress (an ``IngressTask``) with
one live one, create it, or delete it. ``IngressActs`` takes its inputs and returns the task's result (``changed``,
``ingress``, ``diff``); it raises InputError, SaeApiError or ApiFailure, which the caller reports: sae_ingress for its
one task, a module that manages many ingresses for each entry. Nothing here reads module parameters."""

from __future__ import annotations

import re

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_lookup import (
    check_port_free,
    find_by_name,
    find_row,
    port_taken_message,
    row_id,
    slb_type_of,
    twins,
    twins_warning,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_plan import (
    app_id_suspects,
    app_pair_message,
    app_pairs,
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
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shared import SharedRules, merges_rules
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import (
    is_absent,
    missing_from_live,
    normalize_live,
    present_rules,
    result_from_live,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import (
    MAX_RULES,
    immutable_conflicts,
    immutable_message,
    merged_rules_message,
    unreported_warning,
    validate_effective,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import ApiFailure, create_once
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError

PORT_TAKEN = 'SlbListenerPort.NotAvailable'
# Codes by which a write may be refused for the application a rule names.
_APPLICATION_CODES = ('InvalidParameter.', 'InvalidAppId.', 'InvalidApplication.')


def changed_result(before, after):
    """The result of a change from ``before`` (None: nothing was there) to ``after``, both in the module's shape."""
    ingress = result_from_live(after)
    return dict(changed=True, ingress=ingress,
                diff=dict(before=diff_view(result_from_live(before)) if before else {}, after=diff_view(ingress)))


def _about_rules(message):
    """Whether a service's message is about the rule list (``Rules``), not only about the default rule."""
    return 'rule' in re.sub(r'default[ _]?rule', '', (message or '').lower())


def no_rules_failure(err, params, wanted=None):
    """A write that leaves no rules, refused for its rules: SAE may need at least one (every public client sends one;
    whether the API takes none is not documented). A refusal about anything else (the default rule's application)
    keeps its own diagnosis. ``wanted``: the task's wanted ingress, to say which of its entries removed the rules."""
    if params.get('Rules') != [] or not (err.code or '').startswith('InvalidParameter.') or not _about_rules(err.message):
        return None
    removed = [rule for rule in (wanted or {}).get('rules') or [] if is_absent(rule)]
    how = ('its entries with state: absent remove the last rules' if removed and not present_rules(
        (wanted or {}).get('rules')) else 'it lists no rules to keep')
    return ApiFailure(err, detail='SAE refused an ingress with no rules (it may need at least one), and this task '
                                  'leaves the ingress with none (%s): keep or add a rule in rules. Nothing was changed.'
                                  % how)


def app_id_failure(err, wanted):
    """A write refused for an application, where the task's app_id is no application id: a hint to use app_name."""
    suspects = app_id_suspects(wanted or {})
    if not suspects or err.operation not in ('CreateIngress', 'UpdateIngress') or not (err.code or '').startswith(
            _APPLICATION_CODES):
        return None
    return ApiFailure(err, msg='%s (%s: not an application id, which looks like 395b60e4-0550-458d-9c54-a265d0361a01; '
                               'to route to an application by its name, write app_name instead of app_id)'
                               % (err.operation, ', '.join(suspects)))


def write_failure(err, params, rows, slb_id, port, wanted=None):
    """The failure of a create or update: a port conflict names the ingress holding the port when the rows show it;
    an app_id that is no id says to write app_name; a refused write that leaves no rules says so (both, when both
    apply). Else ``err`` as it is."""
    if err.code == PORT_TAKEN:
        msg = port_taken_message(err.operation, rows, slb_id, port)
        if msg:
            return ApiFailure(err, msg=msg)
    app, empty = app_id_failure(err, wanted), no_rules_failure(err, params, wanted)
    if app and empty:
        return ApiFailure(err, msg=app.msg, detail=empty.detail)
    return app or empty or err


def delete(api, check_mode, task, live):
    """The result of ``state: absent`` for ``live`` (None: nothing found), over ``api`` (no write in ``check_mode``):
    ``ingress`` ``{}``, and ``deleted``, the id and name of the ingress deleted (``{}`` when none was)."""
    if live is None:
        return dict(changed=False, ingress={}, deleted={}, diff=dict(before={}, after={}))
    ingress = result_from_live(live)
    if live.get('namespace_id') not in (None, task.namespace_id):
        raise InputError('Ingress %s belongs to namespace %s, not %s: nothing was deleted. Check ingress_id and '
                         'namespace_id.' % (live['id'], live['namespace_id'], task.namespace_id), ingress=ingress)
    if task.name is not None and live.get('name') != task.name:
        raise InputError('Ingress %s is named %r, not %r: nothing was deleted. Check ingress_id, or leave name out to '
                         'delete by id alone.' % (live['id'], live.get('name'), task.name), ingress=ingress)
    # A delete that finds the ingress already gone (another writer deleted it meanwhile) changed nothing.
    changed = True if check_mode else api.delete_ingress(live['id'])
    return dict(changed=changed, ingress={}, deleted=dict(id=live['id'], name=live.get('name')) if changed else {},
                diff=dict(before=diff_view(ingress) if changed else {}, after={}))


def check_update(api, task, live, changes, rows):
    """Refusals that depend on what the update would change; still before any write."""
    ingress = result_from_live(live)
    conflicts = rules_with_actions(changes.get('rules') or [])
    if conflicts:
        raise InputError(rule_actions_message(conflicts), ingress=ingress)
    if len(changes.get('rules') or []) > MAX_RULES:
        listed = len(present_rules(task.wanted['rules']))
        raise InputError(merged_rules_message(len(changes['rules']), listed), ingress=ingress)
    if 'name' in changes and rows is None:
        holder = find_by_name(api.list_ingresses(task.namespace_id), changes['name'], task.namespace_id)
        if holder is not None and row_id(holder) != live['id']:
            raise InputError('Ingress %s cannot be renamed to %r: ingress %s in %s already has that name, and a name '
                             'must identify one ingress. Choose another name.'
                             % (live['id'], changes['name'], holder.get('Id'), task.namespace_id), ingress=ingress)
    if 'listener_port' in changes:
        check_port_free(rows, live.get('slb_id'), changes['listener_port'], live['id'], task.namespace_id,
                        ingress=ingress)


def warn_twins(api, warn, task, ingress_id):
    """Without slb_id, SAE provisions a load balancer for every create, so nothing refuses a second run creating
    the same ingress at the same time: list the namespace again and warn of a same-named twin. Of two racing runs,
    the one whose create lands last sees both."""
    if task.name is None:
        return
    try:
        found = twins(api.list_ingresses(task.namespace_id), task.name, ingress_id)
    except SaeApiError as err:
        warn('Ingress %s was created; the check for another ingress named %r created at the same time failed '
             '(%s: %s): check with sae_ingress_info.' % (ingress_id, task.name, err.code, err.message))
        return
    if found:
        warn(twins_warning(ingress_id, task.name, found))


class IngressActs:
    """The acts of ingress tasks over ``api`` (``_sae_api.SaeApi``). ``check_mode``: no write, the result predicted;
    ``warn``: a function that shows the user a warning; ``names``: the ``ApplicationNames`` of the namespace."""

    def __init__(self, api, check_mode, warn, names):
        self.api = api
        self.check_mode = check_mode
        self.warn = warn
        self.names = names

    def describe(self, ingress_id):
        """The ingress as DescribeIngress gives it (a module acting on many may answer from what it read before)."""
        return self.read_back(ingress_id)

    def with_ids(self, wanted, pairs=()):
        """``wanted`` with the app_id of every rule named by app_name (one ListApplications read, when one is).
        ``pairs`` (app_pairs): rules named both ways, whose name must resolve to their id, else InputError."""
        names = unresolved_names(wanted) + [(label, app_name) for label, dummy, app_name in pairs]
        if not names:
            return wanted
        ids_by_name, names_by_id = self.names.resolve(names)
        conflicts = [(label, app_id, app_name, 'application %r has id %s' % (app_name, ids_by_name[app_name]))
                     for label, app_id, app_name in pairs if ids_by_name[app_name] != app_id]
        if conflicts:
            raise InputError(app_pair_message(conflicts))
        return with_applications(wanted, ids_by_name, names_by_id)

    def ensure(self, task, live, rows=None, full=False):
        """The result of ``state: present``: ``live`` (None: not found; ``full``: read by DescribeIngress, else a
        ListIngresses row of ``rows``, the namespace listing) converged, or the ingress created."""
        gone = None
        if live is not None:
            result = self.converge(task, live, rows, full)
            if result is not None:
                return result
            gone = live['id']  # deleted between the listing and the DescribeIngress: created as if never found
        outcome = self.create(task, rows, gone)
        if isinstance(outcome, dict):
            return outcome
        result = self.converge(task, normalize_live(outcome.found), None)
        if result is None:
            raise InputError('The ingress found after the create is gone again: nothing more was changed. Run the task '
                             'again.')
        if outcome.applied:
            # The create whose answer was lost went through: the change it was.
            result.update(changed=True, diff=dict(before={}, after=diff_view(result['ingress'])))
        return result

    def converge(self, task, live, rows, full=False):
        """The result of bringing ``live`` to the task, or None when the ingress is gone (a row whose DescribeIngress
        finds nothing). A task that merges its rules into the live ones (purge_rules: false) takes turns with the
        other tasks of the host and reads its write back (``_ingress_shared``); in check mode it only predicts."""
        if self.check_mode or not merges_rules(task):
            return self.update(task, live, rows, full)[0]
        return SharedRules(self, getattr(getattr(self.api, 'http', None), 'endpoint', None)).converge(
            task, live, rows, full)

    def read_back(self, ingress_id):
        """The ingress as DescribeIngress answers now (None: gone), never an answer read before."""
        data = self.api.describe_ingress(ingress_id)
        return normalize_live(data) if data else None

    def update(self, task, live, rows, full=False):
        """``(result, sent_rules)``: the result of bringing ``live`` to the task (None when the ingress is gone) and
        whether its UpdateIngress carried the rule list. A value the service does not report is never compared: it
        travels with an update made for another option, and never causes one."""
        conflicts = immutable_conflicts(live, task.wanted)
        if conflicts:
            raise InputError(immutable_message(conflicts), ingress=result_from_live(live))
        validate_effective(task.wanted, live)
        unreported = missing_from_live(live, task.wanted)
        if unreported and not full:
            live = self.describe(live['id'])
            if live is None:
                return None, False
            unreported = missing_from_live(live, task.wanted)
        if unreported:
            self.warn(unreported_warning(live.get('id'), unreported))
        # Rules compare by the AppName the live ingress reports: names are resolved only for a rule change.
        known = known_app_names(live)
        conflicts = [(label, app_id, app_name, 'app_id %s is application %r' % (app_id, known[app_id]))
                     for label, app_id, app_name in app_pairs(task.wanted) if known.get(app_id) not in (None, app_name)]
        if conflicts:
            raise InputError(app_pair_message(conflicts), ingress=result_from_live(live))
        wanted = with_applications(task.wanted, {}, known)
        desired = desired_values(live, wanted, task.purge_rules)
        changes = compute_changes(live, dict((k, v) for k, v in desired.items() if k not in unreported))
        if 'rules' in changes or 'default_rule' in changes:
            desired = self.with_ids(desired, [pair for pair in app_pairs(task.wanted) if pair[1] not in known])
            changes = compute_changes(live, dict((k, v) for k, v in desired.items() if k not in unreported))
        if not changes:
            return dict(changed=False, ingress=result_from_live(live)), False
        changes.update((option, desired[option]) for option in unreported if option in desired)
        check_update(self.api, task, live, changes, rows)
        if not self.check_mode:
            params = update_params(changes, desired)
            try:
                self.api.update_ingress(live['id'], params)
            except SaeApiError as err:
                raise write_failure(err, params, rows, live.get('slb_id'), task.wanted.get('listener_port'), task.wanted)
        return changed_result(live, predict(live, changes)), 'rules' in changes

    def create(self, task, rows, gone=None):
        """The result of creating the task's ingress (``gone``: the id of the ingress found, then missing, in its
        place), or, when a failed create finds the ingress afterwards, the CreateOutcome to converge."""
        validate_effective(task.wanted, None)
        check_port_free(rows, task.wanted.get('slb_id'), task.wanted.get('listener_port'), gone, task.namespace_id)
        wanted = self.with_ids(task.wanted, app_pairs(task.wanted))
        slb_type = slb_type_of(rows, wanted.get('slb_id'))
        if self.check_mode:
            return changed_result(None, predict_created(wanted, slb_type))
        params = create_params(wanted)

        def look():
            return find_row(self.api.list_ingresses(task.namespace_id), task.namespace_id, task.name, wanted)

        try:
            # Without slb_id nothing refuses a duplicate of a create that may still be in flight: not repeated.
            outcome = create_once(lambda: self.api.create_ingress(params), look, race_codes=(PORT_TAKEN,),
                                  repeat=bool(wanted.get('slb_id')), noun='ingress')
        except SaeApiError as err:
            raise write_failure(err, params, rows, wanted.get('slb_id'), wanted.get('listener_port'), task.wanted)
        if outcome.found is not None:
            return outcome
        return self.created(task, wanted, outcome.created, slb_type)

    def created(self, task, wanted, ingress_id, slb_type):
        """The result of a create the service answered with ``ingress_id``. Only an ALB that SAE creates needs a
        DescribeIngress: its load balancer is not known otherwise."""
        predicted = predict_created(dict(wanted, id=ingress_id), slb_type)
        if wanted.get('slb_id'):
            return changed_result(None, predicted)
        result = changed_result(None, self.describe(ingress_id) or predicted)
        self.after_provisioned(task, ingress_id)
        return result

    def after_provisioned(self, task, ingress_id):
        """After a create on a load balancer SAE provisions: the warning of a same-named twin (a module that creates
        many looks for them once, at the end)."""
        warn_twins(self.api, self.warn, task, ingress_id)
