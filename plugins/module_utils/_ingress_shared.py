# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""A rule list that several writers merge into: tasks with ``purge_rules: false`` on one ingress.

UpdateIngress replaces the whole rule list, and nothing public offers a version or a condition on it: two tasks that
read the same list, each add their rule and write it back lose the first writer's rule to the second write. A task
that merges its rules into the list (``merges_rules``) therefore

* takes turns with the other tasks of this host on the same ingress: its read-merge-write cycle holds the host's lock
  of the ingress (``_host_state.held_lock``); when it had to wait for that lock, or another process took it since
  this task began to read, the ingress it read before may be stale, and it reads it again (one DescribeIngress);
* after a write that carried the rule list, waits a short random moment (``READBACK_DELAY``) for the writes of other
  controllers already on their way, reads the ingress back and, when one of its rules is missing (or one it removed
  is back), merges and writes again, at most ``READBACK_ROUNDS`` writes in all; then it fails, naming the rules.

A task with ``purge_rules: true`` owns the whole list: the last writer wins, without lock or read-back. A lock that
cannot be taken (no usable private directory, held too long) is only warned about: the read-back still checks."""

from __future__ import annotations

import contextlib
import os
import random
import time

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._host_state import default_state_dir, file_name, held_lock
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import is_absent, result_from_live, rule_key
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import ApiFailure
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError

LOCK_WAIT = 60.0  # seconds a task waits for the other tasks of the host to finish their turn on the ingress
READBACK_DELAY = (0.5, 1.5)  # seconds between a write and its read-back, drawn at random in this range
READBACK_ROUNDS = 3  # writes of one task at most, each followed by a read-back
# Shortens (or lengthens) READBACK_DELAY for the collection's own tests: "S" (that many seconds) or "LOW,HIGH". Not an
# interface: it may go away in any release.
DELAY_VARIABLE = '_SAE_READBACK_DELAY'
STARTED = time.time_ns()  # when the module's process loaded this file: before any read of its task


def merges_rules(task):
    """Whether ``task`` (an IngressTask) merges its rules into a list other writers may share: ``purge_rules: false``
    with rules to add, change or remove."""
    return not task.purge_rules and bool(task.wanted.get('rules'))


def readback_delay(environ=None):
    """(low, high): the range of the wait before a read-back, READBACK_DELAY unless DELAY_VARIABLE says otherwise
    (``"0.2"`` -> ``(0.2, 0.2)``, ``"0.1,0.3"`` -> ``(0.1, 0.3)``; what is not one or two numbers >= 0 is ignored)."""
    value = (os.environ if environ is None else environ).get(DELAY_VARIABLE)
    try:
        bounds = [float(part) for part in value.split(',')] if value else []
    except ValueError:
        bounds = []
    if len(bounds) not in (1, 2) or min(bounds) < 0:
        return READBACK_DELAY
    return min(bounds), max(bounds)


def lock_key(endpoint, namespace_id, ingress_id):
    """What names the lock of an ingress: the service's endpoint, the namespace and the ingress id."""
    return 'ingress\n%s\n%s\n%s' % (endpoint or '', namespace_id or '', ingress_id)


def lost_rules(wanted_rules, live_rules):
    """The entries of the task's rules (wanted_rule shape) that ``live_rules`` (normalize_live's) does not honour: a
    rule to keep that is missing, or a rule removed (``state: absent``) that is back. Matched by rule_key."""
    live = set(rule_key(rule) for rule in live_rules or [])
    return [rule for rule in wanted_rules or [] if (rule_key(rule) in live) == is_absent(rule)]


def rules_text(rules):
    """``[{domain: a.example.com, path: /x}, {..., state: absent}]`` -> ``'a.example.com /x (missing), b.example.com /
    (removed, back again)'``."""
    return ', '.join('%s %s (%s)' % (rule.get('domain'), rule.get('path'),
                                     'removed, back again' if is_absent(rule) else 'missing') for rule in rules)


def lost_message(ingress_id, rounds, lost):
    """The failure of a task whose rules another writer kept replacing."""
    return ('Ingress %s: after %d updates of its rule list, rules of this task are still not as it wrote them: %s. '
            'Another writer keeps replacing the rule list (UpdateIngress replaces the whole list). Run the task again '
            'once the other writers are done, or let one task own the list (purge_rules: true).'
            % (ingress_id, rounds, rules_text(lost)))


def after_a_write(exc):
    """A failure of a task that has updated the ingress already: the task changed it all the same."""
    if isinstance(exc, SaeApiError):
        exc = ApiFailure(exc)
    exc.result['changed'] = True
    return exc


def joined(first, latest):
    """The result of a task that wrote more than once: the latest write's, with the ingress before the first."""
    if first is None:
        return latest
    return dict(latest, diff=dict(before=first['diff']['before'], after=latest['diff']['after']))


@contextlib.contextmanager
def turn(key, since, timeout=LOCK_WAIT, state_dir=None):
    """The host's lock of ``key`` for the ``with`` block: yields ``(lock, stale)``. ``stale``: another process held the
    lock first, or took it after ``since`` (``time.time_ns()``: when this task began to read), so that what the
    task read before may be stale. A false lock (not to be had: the caller goes on without it) carries its
    ``reason``."""
    try:
        path = os.path.join(state_dir or default_state_dir(), file_name(key, '.lock'))
        # each take sets the file's time, to the nanosecond (_host_state), so the two readings compare exactly
        taken = os.stat(path, follow_symlinks=False).st_mtime_ns >= since
    except (OSError, ValueError):
        taken = False
    with held_lock(key, timeout=0, state_dir=state_dir) as lock:
        if lock:
            yield lock, taken
            return
    with held_lock(key, timeout=timeout, state_dir=state_dir) as lock:
        yield lock, bool(lock) or taken


class SharedRules:
    """The write of a task that merges its rules (``merges_rules``) over ``acts`` (``_ingress_converge.IngressActs``:
    its ``update(task, live, rows, full)`` gives the result and whether the write carried the rule list, its
    ``read_back(ingress_id)`` the ingress as DescribeIngress gives it now, its ``warn``). ``delay``: the range of the
    wait before a read-back (readback_delay()); ``since``: when the task began to read (STARTED); ``sleep``,
    ``state_dir``: for tests."""

    def __init__(self, acts, endpoint, delay=None, since=None, sleep=time.sleep, state_dir=None, rounds=READBACK_ROUNDS,
                 lock_wait=LOCK_WAIT):
        self.acts = acts
        self.endpoint = endpoint
        self.delay = delay or readback_delay()
        self.read_at = STARTED if since is None else since
        self.sleep = sleep
        self.state_dir = state_dir
        self.rounds = rounds
        self.lock_wait = lock_wait

    def converge(self, task, live, rows, full=False):
        """The result of bringing ``live`` to the task, as ``acts.update`` does, in turns and checked by read-backs;
        None when the ingress is gone before the first write."""
        ingress_id, result, lost = live['id'], None, []
        for write in range(1, self.rounds + 1):
            try:
                live, outcome, sent_rules = self.turn(task, live, rows, full, write)
            except (InputError, ApiFailure, SaeApiError) as exc:
                raise exc if result is None else after_a_write(exc)
            if outcome is None:
                if result is None:
                    return None
                raise self.gone(ingress_id, result)
            if not outcome['changed']:  # nothing (more) to write: another writer restored the rules meanwhile
                return result or outcome
            result = joined(result, outcome)
            if not sent_rules:
                return result
            live, full = self.read_back(ingress_id, result), True
            if live is None:
                return result
            lost = lost_rules(task.wanted['rules'], live.get('rules'))
            if not lost:
                return result
            if write < self.rounds:
                self.acts.warn('Ingress %s: an update by another writer dropped rules of this task (%s); merged and '
                               'written again (update %d of at most %d).'
                               % (ingress_id, rules_text(lost), write + 1, self.rounds))
        raise InputError(lost_message(ingress_id, self.rounds, lost), changed=True, ingress=result_from_live(live))

    def turn(self, task, live, rows, full, write):
        """One read-merge-write cycle in the host's turn: ``(live, outcome, sent_rules)``, ``live`` as read again when
        another task of the host took its turn since this one read (None: gone), then acts.update's answer."""
        with turn(lock_key(self.endpoint, task.namespace_id, live['id']), self.read_at, self.lock_wait,
                  self.state_dir) as (lock, stale):
            if not lock and write == 1:
                self.acts.warn('Ingress %s: this task merges its rules (purge_rules: false) without the lock by which '
                               'the tasks of this host take turns on an ingress (%s); the read-back after its update '
                               'still checks its rules.' % (live['id'], lock.reason))
            if stale:
                live, full = self.read(live['id']), True
            if live is None:
                return None, None, False
            return (live,) + tuple(self.acts.update(task, live, rows, full))

    def read(self, ingress_id):
        self.read_at = time.time_ns()
        return self.acts.read_back(ingress_id)

    def read_back(self, ingress_id, result):
        """The ingress after a random moment, or None when the read fails (warned: the write itself went through).
        Raises InputError when the ingress is gone."""
        self.sleep(random.uniform(*self.delay))
        try:
            live = self.read(ingress_id)
        except SaeApiError as err:
            self.acts.warn('Ingress %s was updated; the read-back that checks that no other writer dropped the rules '
                           'of this task failed (%s: %s): check with sae_ingress_info.'
                           % (ingress_id, err.code, err.message))
            return None
        if live is None:
            raise self.gone(ingress_id, result)
        return live

    @staticmethod
    def gone(ingress_id, result):
        return InputError('Ingress %s was updated by this task, then deleted by another writer: its rules are gone with '
                          'it. Run the task again to create it.' % ingress_id, changed=True, ingress={},
                          diff=dict(before=result['diff']['before'], after={}))
