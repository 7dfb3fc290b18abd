# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""What sae_ingresses adds to the ingress parts for a list of ingresses of one namespace: every entry validated
before any call (``validate_entries``), the entries matched with the rows of one listing and checked against each
other (``match_entries``), the ingresses a purge deletes, and the task's result (its diff keyed by ingress, the
message of failed entries). Pure: the ingress tasks, lookups and shapes of the sae_ingress parts, over plain dicts."""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_lookup import (
    find_row,
    is_gateway_route,
    row_id,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import (
    ApiIngress,
    Params,
    normalize_live,
    result_from_live,
    row_name,
    to_int,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import IngressTask, ingress_task

# One entry of the ingresses option, validated: its position, how messages name it (``ingresses[3] (name web)``),
# its state (its own, else the module's) and its IngressTask.
Entry = namedtuple('Entry', 'index label state task')

# The entries over one listing: ``rows``, the row each entry means (None: not found), in entry order; ``purged``, the
# rows a purge deletes (by id); ``remaining``, the rows that stay once the task's deletions are done; ``problems``,
# the input errors of the entries that cannot be matched, as ``{index: InputError}``.
Layout = namedtuple('Layout', 'rows purged remaining problems')


def entry_label(index: int, entry: Params) -> str:
    """``ingresses[3] (name web)``: the entry's position and what identifies it (name, else ingress_id, else the
    listener)."""
    label = 'ingresses[%d]' % index
    if entry.get('name') is not None:
        return '%s (name %s)' % (label, entry['name'])
    if entry.get('ingress_id') is not None:
        return '%s (ingress_id %s)' % (label, entry['ingress_id'])
    if entry.get('slb_id') is not None and entry.get('listener_port') is not None:
        return '%s (slb_id %s, listener_port %s)' % (label, entry['slb_id'], entry['listener_port'])
    return label


def entry_params(entry: Params, namespace_id: str, state: str) -> Params:
    """The sae_ingress parameters of one entry: its options, the module's namespace_id, and its state (the module's
    when the entry has none)."""
    params = dict(entry)
    params['namespace_id'] = namespace_id
    params['state'] = entry.get('state') or state
    return params


def failed_entries(problems: List[Tuple[Entry, InputError]]) -> InputError:
    """One InputError for the input errors of several entries: their messages, each after the entry's label, and
    ``ingresses``, an item per entry (``index``, ``msg`` and what its error returns besides)."""
    items = [dict(exc.result, index=entry.index, changed=False, failed=True, msg='%s: %s' % (entry.label, exc))
             for entry, exc in problems]
    return InputError(' '.join(item['msg'] for item in items), ingresses=items)


def validate_entries(entries: List[Params], namespace_id: str, state: str) -> List[Entry]:
    """Every entry as an Entry, checked as sae_ingress checks its task, and against the other entries. Raises one
    InputError naming every entry with a problem (failed_entries)."""
    validated, problems = [], []
    for index, entry in enumerate(entries):
        params = entry_params(entry, namespace_id, state)
        label = entry_label(index, params)
        try:
            validated.append(Entry(index, label, params['state'], ingress_task(params)))
        except InputError as exc:
            problems.append((Entry(index, label, params['state'], None), exc))
    problems.extend(_same_identity(validated))
    if problems:
        raise failed_entries(sorted(problems, key=lambda problem: problem[0].index))
    return validated


def _identities(task: IngressTask) -> List[Tuple[str, Any]]:
    """What an entry claims: its ingress_id, its name, and, without either, its listener."""
    found = []
    if task.ingress_id is not None:
        found.append(('ingress_id', task.ingress_id))
    if task.name is not None:
        found.append(('name', task.name))
    if not found:
        found.append(('listener', (task.wanted.get('slb_id'), task.wanted.get('listener_port'))))
    return found


def _identity_text(kind: str, value: Any) -> str:
    if kind == 'listener':
        return 'listener (listener_port %s of slb_id %s)' % (value[1], value[0])
    return '%s %r' % (kind, value) if kind == 'name' else '%s %s' % (kind, value)


def _same_identity(entries: List[Entry]) -> List[Tuple[Entry, InputError]]:
    """Entries that claim the same ingress_id, name or listener: each ingress may be listed once, and a name
    identifies one ingress of the namespace."""
    first, problems = {}, []
    for entry in entries:
        for identity in _identities(entry.task):
            if identity in first:
                problems.append((entry, InputError('%s has the same %s as %s: list each ingress once (a name identifies '
                                                   'one ingress of the namespace).'
                                                   % (entry.label, _identity_text(*identity), first[identity].label))))
            else:
                first[identity] = entry
    return problems


def _row_of(rows: List[ApiIngress], entry: Entry) -> Optional[ApiIngress]:
    task = entry.task
    if task.ingress_id is not None:
        return next((row for row in rows if row_id(row) == task.ingress_id), None)
    return find_row(rows, task.namespace_id, task.name, task.wanted)


def _listener(entry: Entry, row: Optional[ApiIngress]) -> Optional[Tuple[str, int]]:
    """The listener (slb_id, listener_port) the entry's ingress will hold, when the task and the row tell."""
    live = normalize_live(row) if row is not None else {}
    slb_id = entry.task.wanted.get('slb_id') or live.get('slb_id')
    port = entry.task.wanted.get('listener_port') or live.get('listener_port')
    return (slb_id, port) if slb_id and port else None


def _entry_problem(entry, row, remaining, claimed, listeners):
    """What is wrong with an entry present in the task, given its row, the rows that stay, and the rows and
    listeners of the entries before it; None when nothing is."""
    task = entry.task
    if row is not None and row_id(row) in claimed:
        other = claimed[row_id(row)]
        return InputError('%s means ingress %s (named %r), as %s does: list each ingress once.'
                          % (entry.label, row.get('Id'), row_name(row), other.label))
    if entry.state == 'absent':
        return None
    if row is None and task.ingress_id is not None:
        return InputError('No ingress of %s has ingress_id %s. An id cannot be chosen at creation: remove ingress_id '
                          'and set name to create the ingress.' % (task.namespace_id, task.ingress_id))
    if row is not None and task.name is not None and row_name(row) != task.name:
        holders = [other for other in remaining if row_name(other) == task.name and row_id(other) != row_id(row)]
        if holders:
            return InputError('Ingress %s cannot be renamed to %r: ingress %s in %s already has that name, and a name '
                              'must identify one ingress. Choose another name.'
                              % (row.get('Id'), task.name, holders[0].get('Id'), task.namespace_id),
                              ingress=result_from_live(normalize_live(row)))
    listener = _listener(entry, row)
    if listener in listeners:
        return InputError('%s and %s would both hold listener_port %s of %s, and a listener belongs to one ingress. '
                          'Choose another listener_port for one of them.'
                          % (listeners[listener].label, entry.label, listener[1], listener[0]))
    return None


def match_entries(entries: List[Entry], rows: List[ApiIngress], purge: bool) -> Layout:
    """The Layout of the entries over ``rows``, the namespace's ListIngresses rows. ``purge``: the rows no entry means
    (never a route of an MSE gateway) are deleted. Its ``problems``: the entries whose lookup cannot decide, that mean
    the ingress of another entry, that would take a name or a listener another ingress keeps, or that name by
    ingress_id an ingress the namespace does not have."""
    found, problems = [], {}
    for entry in entries:
        try:
            found.append(_row_of(rows, entry))
        except InputError as exc:
            found.append(None)
            problems[entry.index] = exc
    matched = set(row_id(row) for row in found if row is not None)
    purged = sorted((row for row in rows if purge and row_id(row) not in matched and not is_gateway_route(row)),
                    key=row_id)
    deleted = set(row_id(row) for row in purged) | set(
        row_id(row) for entry, row in zip(entries, found) if row is not None and entry.state == 'absent')
    remaining = [row for row in rows if row_id(row) not in deleted]
    claimed, listeners = {}, {}
    for entry, row in zip(entries, found):
        if entry.index in problems:
            continue
        problem = _entry_problem(entry, row, remaining, claimed, listeners)
        if problem is not None:
            problems[entry.index] = problem
            continue
        if row is not None:
            claimed[row_id(row)] = entry
        listener = _listener(entry, row) if entry.state == 'present' else None
        if listener is not None:
            listeners[listener] = entry
    return Layout(found, purged, remaining, problems)


def purge_task(namespace_id: str, row: ApiIngress) -> IngressTask:
    """The task that deletes a purged row: by its id alone."""
    return IngressTask(namespace_id, row_id(row), None, {}, True)

# ---------------------------------------------------------------------------------------------
# The task's result
# ---------------------------------------------------------------------------------------------


def diff_key(view: Dict[str, Any], taken: Any = ()) -> str:
    """How the task's diff names an ingress (a diff view): its name, else ``id 87``, else its listener
    (``lb-1:80``, an ingress without a name or an id yet); ``(id 87)`` follows a name ``taken`` already."""
    name, ingress_id = view.get('name'), to_int(view.get('id'))
    if name is not None:
        key = name if name not in taken or ingress_id is None else '%s (id %s)' % (name, ingress_id)
    elif ingress_id is not None:
        key = 'id %s' % ingress_id
    else:
        key = '%s:%s' % (view.get('slb_id') or 'new load balancer', view.get('listener_port'))
    return key


def task_diff(results: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """The diff of the whole task: ``before`` and ``after`` hold every ingress the task changes (or would change),
    keyed by diff_key; a created ingress is only in ``after``, a deleted one only in ``before``."""
    before, after, taken = {}, {}, set()
    for result in results:
        diff = result.get('diff') or {}
        if not result.get('changed') or result.get('failed') or not (diff.get('before') or diff.get('after')):
            continue
        key = diff_key(diff.get('after') or diff.get('before'), taken)
        taken.add(key)
        if diff.get('before'):
            before[key] = diff['before']
        if diff.get('after'):
            after[key] = diff['after']
    return dict(before=before, after=after)


def failure_message(results: List[Dict[str, Any]]) -> Optional[str]:
    """The message of a task whose entries failed (None when none did): how many, then each one's message."""
    failed = [result for result in results if result.get('failed')]
    if not failed:
        return None
    changed = len([result for result in results if result.get('changed')])
    return '%d of %d ingresses failed (%d changed): %s' % (len(failed), len(results), changed,
                                                           ' '.join(result['msg'] for result in failed))
