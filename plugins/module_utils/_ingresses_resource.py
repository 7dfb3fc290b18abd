# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""sae_ingresses on the skeleton of ``_resource``: ``IngressesResource(sae).run()`` converges a list of ingresses of
one namespace over one ListIngresses read, with the acts of sae_ingress (``_ingress_converge``).

The task first plans every entry (the acts in check mode: reads only, a DescribeIngress where a row lacks an option
the entry sets, one ListApplications for every application name of the task), so that the input errors of every
entry, those only the live ingresses reveal included, fail the task before any write. Then it writes what differs:
the deletions first (they free names and listeners), then the entries in their order, reusing what the plan read.
An entry whose call fails is reported in its result, and the others still converge."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_names import ApplicationNames
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_converge import IngressActs, app_id_failure, delete
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_lookup import twins, twins_warning
# ingress_options: the module file takes the options of its entries from here.
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_options import (  # noqa: F401 pylint: disable=unused-import
    INGRESS_HINTS,
    ingress_options,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import normalize_live, result_from_live
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingresses_plan import (
    failed_entries,
    failure_message,
    match_entries,
    purge_task,
    task_diff,
    validate_entries,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import ApiFailure, SaeResource
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError

_FAILURES = (InputError, SaeApiError, ApiFailure)


class NamesOnce(ApplicationNames):
    """ApplicationNames whose failed read is not repeated: every entry that needs a name gets the same error."""

    def __init__(self, api, namespace_id):
        super().__init__(api, namespace_id)
        self.error = None

    def resolve(self, wanted):
        if self.error is not None:
            raise self.error
        try:
            return super().resolve(wanted)
        except SaeApiError as err:
            self.error = err
            raise


class BatchActs(IngressActs):
    """The acts of sae_ingress for many entries of one task. ``described``: the DescribeIngress answers of the plan,
    by id, which the act of the same entry takes instead of a second call; ``created``: the (task, id) of the ingresses
    created on a load balancer SAE provisioned, whose twins the task looks for once, at the end."""

    def __init__(self, api, check_mode, warn, names, described, created):
        super().__init__(api, check_mode, warn, names)
        self.described = described
        self.provisioned = created

    def describe(self, ingress_id):
        if ingress_id in self.described:
            return self.described.pop(ingress_id)
        live = super().describe(ingress_id)
        if self.check_mode:
            self.described[ingress_id] = live
        return live

    def after_provisioned(self, task, ingress_id):
        self.provisioned.append((task, ingress_id))


class IngressesResource(SaeResource):
    """One sae_ingresses task: validate every entry, read the namespace once, plan, then act."""

    result_key = 'ingresses'
    hints = INGRESS_HINTS

    def __init__(self, sae):
        super().__init__(sae)
        self.namespace_id = self.params['namespace_id']
        self.entries = []
        self.current = None  # the entry being planned or acted on: its warnings and failures name it
        self.warned = set()

    def validate(self):
        self.entries = validate_entries(self.params['ingresses'], self.namespace_id, self.params['state'])

    def find(self):
        return self.api.list_ingresses(self.namespace_id)

    def present(self, found):
        return self.converge(found)

    def absent(self, found):
        return self.converge(found)

    def explain(self, err):
        return app_id_failure(err, self.current.task.wanted if self.current else None)

    def warn(self, msg):
        text = '%s: %s' % (self.current.label if self.current else 'purge', msg)
        if text not in self.warned:
            self.warned.add(text)
            self.module.warn(text)

    def converge(self, rows):
        layout = match_entries(self.entries, rows, self.params['purge'] and self.params['state'] == 'present')
        names, described, created = NamesOnce(self.api, self.namespace_id), {}, []
        plan = BatchActs(self.api, True, self.warn, names, described, created)
        results = self.plan(plan, layout)
        if not self.module.check_mode:
            acts = BatchActs(self.api, False, self.warn, names, described, created)
            results = self.act(acts, layout, results)
            self.look_for_twins(created)
        diff = task_diff(results)
        msg = failure_message(results)
        if msg:
            self.module.fail_json(msg=msg, changed=any(result['changed'] for result in results), ingresses=results,
                                  diff=diff)
        return self.get_result(results, changed=any(result['changed'] for result in results), diff=diff)

    def one(self, acts, entry, row, remaining):
        """The result of one entry (the Entry, or None for a purged row) with ``acts``."""
        self.current = entry
        live = normalize_live(row) if row is not None else None
        if entry is None:
            return delete(self.api, acts.check_mode, purge_task(self.namespace_id, row), live)
        if entry.state == 'absent':
            return delete(self.api, acts.check_mode, entry.task, live)
        return acts.ensure(entry.task, live, remaining, False)

    def plan(self, acts, layout):
        """Every entry's result in check mode, then each purged row's. Input errors (those of the lookup, ``layout``'s
        problems, and those of the plan) fail the task, naming every entry that has one; a failed call fails its entry
        alone."""
        results, problems = [], [(entry, layout.problems[entry.index]) for entry in self.entries
                                 if entry.index in layout.problems]
        for entry, row in zip(self.entries, layout.rows):
            if entry.index in layout.problems:
                continue
            try:
                results.append(self.entry_result(entry, self.one(acts, entry, row, layout.remaining)))
            except InputError as exc:
                problems.append((entry, exc))
            except (SaeApiError, ApiFailure) as exc:
                results.append(self.entry_failure(entry, row, exc))
        self.current = None
        if problems:
            raise failed_entries(sorted(problems, key=lambda problem: problem[0].index))
        return results + [self.entry_result(None, self.one(acts, None, row, None)) for row in layout.purged]

    def act(self, acts, layout, planned):
        """The planned changes made: the deletions first, then the other entries in their order."""
        work = list(zip(self.entries, layout.rows)) + [(None, row) for row in layout.purged]
        order = sorted(range(len(work)), key=lambda i: work[i][0] is not None and work[i][0].state == 'present')
        results = list(planned)
        for i in order:
            entry, row = work[i]
            if not planned[i]['changed'] or planned[i].get('failed'):
                continue
            try:
                results[i] = self.entry_result(entry, self.one(acts, entry, row, layout.remaining))
            except _FAILURES as exc:
                results[i] = self.entry_failure(entry, row, exc)
        self.current = None
        return results

    def entry_result(self, entry, result):
        """An entry's result: its position (``index``, None for a purged ingress), ``purged``, and the result of the
        acts, with its diff only where it changed."""
        item = dict(result, index=entry.index if entry else None, purged=entry is None)
        if not item['changed']:
            item.pop('diff', None)
        return item

    def entry_failure(self, entry, row, exc):
        """A failed entry's result: the failure sae_ingress would report, its message after the entry's label, and the
        ingress as the listing showed it."""
        self.current = entry
        failure = self.failure(exc)
        label = entry.label if entry else 'ingress %s (purged)' % row.get('Id')
        item = dict(ingress=result_from_live(normalize_live(row)) if row is not None else {})
        item.update(failure)
        item.update(index=entry.index if entry else None, purged=entry is None, changed=False, failed=True,
                    msg='%s: %s' % (label, failure['msg']))
        return item

    def look_for_twins(self, created):
        """Once for the task, after its creates: same-named ingresses another run created at the same moment on a load
        balancer SAE provisioned (nothing refuses those)."""
        if not created:
            return
        try:
            rows = self.api.list_ingresses(self.namespace_id)
        except SaeApiError as err:
            self.module.warn('The check for same-named ingresses created at the same time as %s failed (%s: %s): check '
                             'with sae_ingress_info.' % (', '.join(str(i) for dummy, i in created), err.code, err.message))
            return
        for task, ingress_id in created:
            found = twins(rows, task.name, ingress_id)
            if found:
                self.module.warn(twins_warning(ingress_id, task.name, found))
