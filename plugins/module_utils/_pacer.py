# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""A pace that the processes of one user on one host share: a token bucket kept in a small file.

Nothing here knows what the calls are. A ``Pacer`` is given a key (any string: the file that holds its bucket is
named by the key's SHA-256, so the key itself is never written), a rate (calls a second), a burst (the most calls
that may go at once after a quiet time) and a directory. Every process that builds a Pacer with the same key and
directory takes its turns from the same bucket, under an exclusive ``fcntl.flock`` of the file; no process
outlives its own calls (no daemon).

    pacer = Pacer(key, rate=1.0, burst=60, state_dir=_host_state.default_state_dir(), warn=warnings.append)
    waited = pacer.acquire(max_wait=900)   # before every attempt of a call, retries included
    ... send ...
    pacer.throttled()   # the answer was the service's flow control refusing the call
    pacer.passed()      # any other answer: the call went through the flow control

The bucket: it holds at most ``burst`` tokens and gains ``rate`` tokens a second; each call takes one, and a call
that finds it empty sleeps until its turn (``acquire`` returns the seconds it slept). A throttling answer empties
the bucket and multiplies the shared fill rate by ``DECREASE`` (not below ``FLOOR`` times the configured rate),
once for the calls that were already under way when it came (only a call that took its token after the last
decrease decreases again), as the adaptive client-side rate limiters of the cloud SDKs do (botocore's ``adaptive``
retry mode, per process there). The rate then climbs back while calls pass: each passing call adds
``rate * elapsed / RECOVERY`` for the seconds since the rate last moved, up to the configured rate.

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

DECREASE = 0.7  # the shared fill rate is multiplied by this on a throttling answer
FLOOR = 0.1  # ... but never goes below this fraction of the configured rate
RECOVERY = 60.0  # seconds of passing calls for the fill rate to climb by the whole configured rate
LOCK_WAIT = 10.0  # seconds to wait for the file's lock before pacing is given up
_RECORD_SIZE = 256  # bytes of the state record: rewritten in place, always this long
_FORMAT = 1
_FIELDS = ('tokens', 'at', 'rate', 'cut', 'raised')


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
    """A token bucket shared through a file; see the module docstring.

    ``rate``: calls a second (above 0); ``burst``: the bucket's size (at least 1); ``warn(text)``: told once why
    pacing went off; ``clock`` (wall-clock seconds: the processes compare their readings), ``sleep`` and ``uid``
    (a function giving the user id the directory and file must belong to) are there for tests.
    """

    def __init__(self, key, rate, burst, state_dir, warn=None, clock=time.time, sleep=time.sleep, uid=None):
        if not rate > 0 or not burst >= 1:
            raise ValueError('a pace needs a rate above 0 and a burst of at least 1')
        self.rate = float(rate)
        self.burst = float(burst)
        self.floor = self.rate * FLOOR
        self.state_dir = state_dir
        self.path = os.path.join(state_dir, state_file_name(key))
        self._warn = warn
        self._clock = clock
        self._sleep = sleep
        self._uid = uid or getattr(os, 'getuid', None)
        self.enabled = True
        self.off_reason = None
        self.waited = 0.0  # seconds this pacer slept for turns, in all
        self.shared_rate = self.rate  # the shared fill rate as last read (calls a second)
        self._taken_at = None  # when this process last took a token
        off = _host_state.unavailable(self._uid)
        if off:
            self._turn_off(off)

    # -- what callers use -----------------------------------------------------------------------

    def acquire(self, max_wait=None):
        """Take a turn, sleeping until there is one; the seconds slept. Raises PacerTimeout, having slept only
        as long as the turn still looked reachable, when it would come more than ``max_wait`` seconds after this
        call began. Returns 0 at once when pacing is off."""
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
            # a little jitter, so that processes waiting for the same token do not all wake at once
            self._sleep(wait * random.uniform(1.0, 1.1))
        waited = max(0.0, self._clock() - started)
        self.waited += waited
        return waited

    def throttled(self):
        """The service refused the call that took the last turn for flow control: slow the shared pace."""
        if self.enabled:
            self._transact(self._slow_down)

    def passed(self):
        """The call that took the last turn went through the service's flow control: let the pace recover."""
        if self.enabled and self.shared_rate < self.rate:
            self._transact(self._recover)

    # -- the bucket, under the lock ---------------------------------------------------------------

    def _fresh(self, now):
        return dict(tokens=self.burst, at=now, rate=self.rate, cut=0.0, raised=now)

    def _refill(self, state, now):
        """Bring the bucket to ``now``; the fill rate in force for this process: the shared rate, within this
        process's own bounds (a process configured slower is not sped up by the others)."""
        rate = min(self.rate, max(self.floor, state['rate']))
        elapsed = now - state['at']
        tokens = max(0.0, state['tokens'])
        if elapsed > 0:
            tokens += elapsed * rate
        state.update(tokens=min(self.burst, tokens), at=now)
        self.shared_rate = rate
        return rate

    def _take(self, state, now):
        rate = self._refill(state, now)
        if state['tokens'] >= 1:
            state['tokens'] -= 1
            self._taken_at = now
            return 0.0
        return (1 - state['tokens']) / rate

    def _slow_down(self, state, now):
        rate = self._refill(state, now)
        # Calls already under way when the last decrease came were sent at the old pace: their refusals are
        # the same news, and decrease once.
        if self._taken_at is None or self._taken_at > state['cut']:
            state.update(rate=max(self.floor, rate * DECREASE), cut=now, raised=now)
            self.shared_rate = state['rate']
        state['tokens'] = 0.0

    def _recover(self, state, now):
        rate = self._refill(state, now)
        gained = self.rate * max(0.0, now - state['raised']) / RECOVERY
        state.update(rate=min(self.rate, rate + gained), raised=now)
        self.shared_rate = state['rate']

    # -- the file ---------------------------------------------------------------------------------

    def _transact(self, step):
        """Run ``step(state, now)`` on the state under the file's lock and write the state back; its result. On any
        problem, pacing goes off (with one warning) and the result is None."""
        try:
            fd = _host_state.open_file(self.state_dir, os.path.basename(self.path), 'pace', self._uid, self._clock)
            try:
                _host_state.lock(fd, self.path, 'pace', LOCK_WAIT)
                now = self._clock()
                state = _read(fd, self.path, now) or self._fresh(now)
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


# -- the record in the file ---------------------------------------------------------------------

def _read(fd, path, now):
    """The state the file of ``fd`` holds, brought to a clock that may have gone back; None for a new (empty) file.
    Raises Unusable when it is not a pace record."""
    data = os.pread(fd, 4096, 0)
    if not data.strip():
        return None
    try:
        record = json.loads(data.decode('ascii'))
        if not isinstance(record, dict) or record.get('v') != _FORMAT:
            raise ValueError('unknown format')
        state = dict((name, _number(record[name])) for name in _FIELDS)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _host_state.Unusable('the pace file %s is not a pace record (%s); it is not used: delete it to pace calls '
                                   'again' % (path, _host_state.describe(exc)))
    if state['rate'] <= 0:
        raise _host_state.Unusable('the pace file %s holds a rate of %s; it is not used: delete it to pace calls again'
                                   % (path, state['rate']))
    if state['at'] > now:  # the clock went back: count from now
        state['at'] = now
    state['raised'] = min(state['raised'], now)
    return state


def _write(fd, state):
    record = dict(state, v=_FORMAT)
    data = json.dumps(record, sort_keys=True).encode('ascii')
    # One write of a fixed size, in place: the record is never seen empty or half old, half new.
    data = data.ljust(_RECORD_SIZE - 1) + b'\n'
    os.pwrite(fd, data, 0)
    os.ftruncate(fd, len(data))  # whatever followed (a longer, foreign content) goes


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError('not a finite number: %r' % (value,))
    return float(value)
