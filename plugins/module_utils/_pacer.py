# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""A pace that the processes of one user on one host share: a window of calls kept in a small file.

Nothing here knows what the calls are. A ``Pacer`` is given a key (any string: the file that holds its window is
named by the key's SHA-256, so the key itself is never written), a rate (calls a second), a burst (the most calls
that may go at once after a quiet time) and a directory. Every process that builds a Pacer with the same key and
directory takes its turns from the same window, under an exclusive ``fcntl.flock`` of the file; no process
outlives its own calls (no daemon).

    pacer = Pacer(key, rate=1.0, burst=60, state_dir=_host_state.default_state_dir(), warn=warnings.append)
    waited = pacer.acquire(max_wait=900)   # before every attempt of a call, retries included
    ... send ...
    pacer.throttled()   # the answer was the service's flow control refusing the call
    pacer.passed()      # any other answer: the call went through the flow control
    pacer.unused()      # no answer, and the request certainly never reached the service: its place is given back

The window: at most ``burst`` calls in any ``burst / rate`` seconds (60 calls in any minute at a rate of one a
second), the limit as a service that counts calls in a window states it. A call that finds the window full sleeps
until enough of its calls have left it (``acquire`` returns the seconds it slept). So a small playbook's calls go at
once, and a fleet never offers more than the window admits, whether the service's window slides or restarts at
fixed times, and whether or not it counts the calls it refuses (every attempt takes a place here). A token bucket of
the same rate and burst would let twice the limit through in the first window (the burst, then the refill). The
window is kept in ``SLOTS`` slots of ``burst / rate / SLOTS`` seconds, and a call keeps its place one to two slots
longer than the window (one to two seconds of a minute): a margin for the time a request takes to reach the service.
An attempt that never reached the service (no connection could be made: an outage, a name that does not resolve)
gives its place back, so that a fleet retrying through an outage does not spend the window on calls nobody counted.

A throttling answer (the service's limit is lower than ours, or other clients share it) cuts the share of the burst
in force by ``DECREASE`` (not below ``FLOOR``), once for the calls that were already under way when it came (only a
call that took its place after the last cut cuts again: the record counts the cuts), as the adaptive client-side limiters of the cloud SDKs do
(botocore's ``adaptive`` retry mode, per process there). The share then climbs back while calls pass: each passing
call adds the seconds since the share last moved over ``RECOVERY``, up to the whole burst.

Safety: the file is kept by the rules of ``_host_state`` (a private directory of the user, mode 0700, not a symbolic
link; the file created 0600 without following links; pace files nobody used for a day deleted when a new one is
created) and holds numbers only. When the directory or the file cannot be used safely, or the file cannot be read,
locked or parsed, the pacer turns itself off for the rest of the process (every ``acquire`` returns at once) and
reports why once, through ``warn``: pacing is a courtesy to the service, never a reason for a call to fail.
"""

from __future__ import annotations

import json
import math
import os
import random
import time

from ansible_collections.alibabacloud.sae.plugins.module_utils import _host_state

DECREASE = 0.7  # the share of the burst in force is multiplied by this on a throttling answer
FLOOR = 0.1  # ... but never goes below this fraction of the burst
RECOVERY = 60.0  # seconds of passing calls for the share to climb back by the whole burst
SLOTS = 60  # the window is counted in this many slots; a call keeps its place one to two slots longer
LOCK_WAIT = 10.0  # seconds to wait for the file's lock before pacing is given up
_RECORD_SIZE = 2048  # bytes of the state record: rewritten in place, always this long
_FORMAT = 2
_FIELDS = ('share', 'cuts', 'raised')


class PacerTimeout(Exception):
    """A turn that would not come within ``max_wait``: ``waited`` seconds spent, ``wait`` the seconds still ahead."""

    def __init__(self, waited, wait, max_wait):
        super(PacerTimeout, self).__init__('no turn within %s s (waited %.0f s, %.0f s more ahead)' % (max_wait, waited, wait))
        self.waited = waited
        self.wait = wait
        self.max_wait = max_wait


def state_file_name(key):
    """The file name of the bucket of ``key``: the hex SHA-256 of the key, so that the key is never written."""
    return _host_state.file_name(key, '.pace')


class Pacer:
    """A window of calls shared through a file; see the module docstring.

    ``rate``: calls a second (above 0); ``burst``: the calls of one window (at least 1); ``warn(text)``: told once why
    pacing went off; ``clock`` (wall-clock seconds: the processes compare their readings), ``sleep`` and ``uid``
    (a function giving the user id the directory and file must belong to) are there for tests.
    """

    def __init__(self, key, rate, burst, state_dir, warn=None, clock=time.time, sleep=time.sleep, uid=None):
        if not rate > 0 or not burst >= 1:
            raise ValueError('a pace needs a rate above 0 and a burst of at least 1')
        self.rate = float(rate)
        self.burst = int(burst)
        self.window = self.burst / self.rate
        self.slot = self.window / SLOTS
        self.state_dir = state_dir
        self.path = os.path.join(state_dir, state_file_name(key))
        self._warn = warn
        self._clock = clock
        self._sleep = sleep
        self._uid = uid or getattr(os, 'getuid', None)
        self.enabled = True
        self.off_reason = None
        self.waited = 0.0  # seconds this pacer slept for turns, in all
        self.shared_rate = self.rate  # the pace in force as last read (calls a second over a window)
        self._taken_after = None  # the number of cuts the shared pace had had when this process last took a place
        self._taken_slot = None  # the slot of the place this process last took, until it is given back
        off = _host_state.unavailable(self._uid)
        if off:
            self._turn_off(off)

    # -- what callers use -----------------------------------------------------------------------

    def acquire(self, max_wait=None):
        """Take a place in the window, sleeping until there is one; the seconds slept. Raises PacerTimeout, having
        slept only as long as the place still looked reachable, when it would come more than ``max_wait`` seconds
        after this call began. Returns 0 at once when pacing is off."""
        started = self._clock()
        while self.enabled:
            wait = self._transact(self._take)
            now = self._clock()
            waited = max(0.0, now - started)
            if not wait:
                self.waited += waited
                return waited
            if max_wait is not None and waited + wait > max_wait:
                self.waited += waited
                raise PacerTimeout(waited, wait, max_wait)
            # a little jitter (at most a slot: places free a slot at a time), so that processes waiting for the same
            # place do not all wake at once
            self._sleep(wait + random.uniform(0, self.slot))
        waited = max(0.0, self._clock() - started)
        self.waited += waited
        return waited

    def throttled(self):
        """The service refused the call that took the last place for flow control: slow the shared pace."""
        if self.enabled:
            self._transact(self._slow_down)

    def unused(self):
        """The attempt that took the last place never reached the service: give the place back to the window."""
        if self.enabled and self._taken_slot is not None:
            slot, self._taken_slot = self._taken_slot, None
            self._transact(lambda state, now: _give_back(state, slot))

    def passed(self):
        """The call that took the last place went through the service's flow control: let the pace recover."""
        if self.enabled and self.shared_rate < self.rate:
            self._transact(self._recover)

    # -- the window, under the lock ---------------------------------------------------------------

    def _current(self, state, now):
        """Drop the slots that have left the window (a call leaves it one to two slots after the window's length);
        the places this process may use (the burst at the shared share, within [FLOOR, 1])."""
        oldest = math.floor((now - self.window - 2 * self.slot) / self.slot)
        current = math.floor(now / self.slot)
        slots = {}
        for index, count in state['slots']:
            if index > oldest:  # a call from a clock that has since gone back counts as now
                slots[min(index, current)] = slots.get(min(index, current), 0) + count
        state['slots'] = [[index, slots[index]] for index in sorted(slots)]
        share = min(1.0, max(FLOOR, state['share']))
        self.shared_rate = self.rate * share
        return max(1, int(self.burst * share))

    def _take(self, state, now):
        places = self._current(state, now)
        used = sum(count for dummy, count in state['slots'])
        if used < places:
            index = math.floor(now / self.slot)
            if state['slots'] and state['slots'][-1][0] == index:
                state['slots'][-1][1] += 1
            else:
                state['slots'].append([index, 1])
            self._taken_after = state['cuts']
            self._taken_slot = index
            return 0.0
        # Sleep until enough of the window's calls have left it for one place.
        need, freed = used - places + 1, 0
        for index, count in state['slots']:
            freed += count
            if freed >= need:
                return max(self.slot / 10, (index + 2) * self.slot + self.window - now)
        return self.window  # not reached: the slots hold `used` calls

    def _slow_down(self, state, now):
        self._current(state, now)
        # Calls already under way when the last cut came were sent at the old pace: their refusals are the same
        # news, and cut once.
        if self._taken_after is None or self._taken_after == state['cuts']:
            state.update(share=max(FLOOR, min(1.0, state['share']) * DECREASE), cuts=state['cuts'] + 1, raised=now)
            self.shared_rate = self.rate * state['share']

    def _recover(self, state, now):
        self._current(state, now)
        gained = max(0.0, now - state['raised']) / RECOVERY
        state.update(share=min(1.0, state['share'] + gained), raised=now)
        self.shared_rate = self.rate * state['share']

    # -- the file ---------------------------------------------------------------------------------

    def _transact(self, step):
        """Run ``step(state, now)`` on the state under the file's lock and write the state back; its result. On any
        problem, pacing goes off (with one warning) and the result is None."""
        try:
            fd = _host_state.open_file(self.state_dir, os.path.basename(self.path), 'pace', self._uid, self._clock)
            try:
                _host_state.lock(fd, self.path, 'pace', LOCK_WAIT)
                now = self._clock()
                state = _read(fd, self.path, now) or dict(slots=[], share=1.0, cuts=0, raised=now)
                result = step(state, now)
                _write(fd, state)
            finally:
                os.close(fd)  # closing releases the lock
            return result
        except _host_state.Unusable as exc:
            self._turn_off(str(exc))
        except (OSError, ValueError) as exc:
            self._turn_off('the pace file %s could not be used (%s)' % (self.path, _host_state.describe(exc)))
        return None

    def _turn_off(self, reason):
        self.enabled = False
        self.off_reason = reason
        if self._warn is not None:
            self._warn(reason)


def _give_back(state, slot):
    """One place less in ``slot`` (a slot that has left the window counts for nothing either way)."""
    for entry in state['slots']:
        if entry[0] == slot:
            entry[1] -= 1
    state['slots'] = [entry for entry in state['slots'] if entry[1] > 0]


# -- the record in the file ---------------------------------------------------------------------

def _read(fd, path, now):
    """The state the file of ``fd`` holds, brought to a clock that may have gone back; None for a new (empty) file.
    Raises Unusable when it is not a pace record."""
    data = os.pread(fd, _RECORD_SIZE * 2, 0)
    if not data.strip():
        return None
    try:
        record = json.loads(data.decode('ascii'))
        if not isinstance(record, dict) or record.get('v') != _FORMAT:
            raise ValueError('unknown format')
        state = dict((name, _number(record[name])) for name in _FIELDS)
        slots = record['slots']
        if not isinstance(slots, list) or len(slots) > 2 * SLOTS + 2:
            raise ValueError('not a list of slots')
        state['slots'] = [[int(_number(index)), int(_number(count))] for index, count in slots]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _host_state.Unusable('the pace file %s is not a pace record (%s); it is not used: delete it to pace calls '
                                   'again' % (path, _host_state.describe(exc)))
    if not 0 < state['share'] <= 1:
        raise _host_state.Unusable('the pace file %s holds a share of %s; it is not used: delete it to pace calls again'
                                   % (path, state['share']))
    state['raised'] = min(state['raised'], now)
    return state


def _write(fd, state):
    record = dict(state, v=_FORMAT)
    data = json.dumps(record, sort_keys=True, separators=(',', ':')).encode('ascii')
    # One write of a fixed size, in place: the record is never seen empty or half old, half new.
    data = data.ljust(_RECORD_SIZE - 1) + b'\n'
    os.pwrite(fd, data, 0)
    os.ftruncate(fd, len(data))  # whatever followed (a longer, foreign content) goes


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError('not a finite number: %r' % (value,))
    return float(value)
