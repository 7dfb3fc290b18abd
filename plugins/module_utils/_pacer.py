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

    pacer = Pacer(key, rate=1.0, burst=60, state_dir=default_state_dir('my-tool'), warn=warnings.append)
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

Safety: the directory must be a real directory (not a symbolic link) owned by the user, mode 0700 (tightened when it
is looser); the file is created 0600 without following links and holds numbers only. When a new file is created, the
pace files of the directory that nobody used for a day (``STALE``) are deleted. When the directory or the file
cannot be used safely, or the file cannot be read, locked or parsed, the pacer turns itself off for the rest of the
process (every ``acquire`` returns at once) and reports why once, through ``warn``: pacing is a courtesy to the
service, never a reason for a call to fail.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import random
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # not POSIX: pacing is off, with a warning
    fcntl = None

DECREASE = 0.7  # the shared fill rate is multiplied by this on a throttling answer
FLOOR = 0.1  # ... but never goes below this fraction of the configured rate
RECOVERY = 60.0  # seconds of passing calls for the fill rate to climb by the whole configured rate
LOCK_WAIT = 10.0  # seconds to wait for the file's lock before pacing is given up
STALE = 86400.0  # a pace file untouched this long is deleted when a new one is created beside it
_LOCK_POLL = 0.01
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


class _Unusable(Exception):
    """The state cannot be used safely: pacing goes off, saying why."""


def default_state_dir(name, uid=None):
    """``<temporary directory>/<name>-<uid>``: the temporary directory of ``tempfile.gettempdir()`` (``TMPDIR``,
    else ``/tmp``), one directory per user."""
    if uid is None:
        uid = os.getuid() if hasattr(os, 'getuid') else 0
    return os.path.join(tempfile.gettempdir(), '%s-%d' % (name, uid))


def state_file_name(key):
    """The file name of the bucket of ``key``: the hex SHA-256 of the key, so that the key is never written."""
    return hashlib.sha256(key.encode('utf-8')).hexdigest() + '.pace'


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError('not a finite number: %r' % (value,))
    return float(value)


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
        self._uid = uid or (os.getuid if hasattr(os, 'getuid') else None)
        self.enabled = True
        self.off_reason = None
        self.waited = 0.0  # seconds this pacer slept for turns, in all
        self.shared_rate = self.rate  # the shared fill rate as last read (calls a second)
        self._taken_at = None  # when this process last took a token
        if fcntl is None or self._uid is None:
            self._turn_off('file locking (fcntl) and user ids are not available on this system')

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
            fd = self._open()
            try:
                self._lock(fd)
                now = self._clock()
                state = self._read(fd, now)
                result = step(state, now)
                self._write(fd, state)
            finally:
                os.close(fd)  # closing releases the lock
            return result
        except _Unusable as exc:
            self._turn_off(str(exc))
        except (OSError, ValueError) as exc:
            self._turn_off('the pace file %s could not be used (%s)' % (self.path, _reason(exc)))
        return None

    def _turn_off(self, reason):
        self.enabled = False
        self.off_reason = reason
        if self._warn is not None:
            self._warn(reason)

    def _check_owner(self, st, what, path):
        uid = self._uid()
        if st.st_uid != uid:
            raise _Unusable('the pace %s %s belongs to user id %d, not to this user (%d); it is not used'
                            % (what, path, st.st_uid, uid))

    def _open_dir(self):
        path = self.state_dir
        created = False
        try:
            os.mkdir(path, 0o700)
            created = True
        except FileExistsError:
            pass
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise _Unusable('the pace directory %s is a symbolic link; it is not used' % path)
        if not stat.S_ISDIR(st.st_mode):
            raise _Unusable('the pace directory %s is not a directory; it is not used' % path)
        self._check_owner(st, 'directory', path)
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0)
                     | getattr(os, 'O_CLOEXEC', 0))
        try:
            st = os.fstat(fd)  # what was opened is what was checked
            self._check_owner(st, 'directory', path)
            if created or stat.S_IMODE(st.st_mode) != 0o700:
                os.fchmod(fd, 0o700)  # whatever the umask made of it: private to the user
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _open(self):
        dir_fd = self._open_dir()
        try:
            fd = os.open(os.path.basename(self.path),
                         os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0), 0o600,
                         dir_fd=dir_fd)
        except OSError as exc:
            os.close(dir_fd)
            if exc.errno == errno.ELOOP:
                raise _Unusable('the pace file %s is a symbolic link; it is not used' % self.path)
            raise
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _Unusable('the pace file %s is not a regular file; it is not used' % self.path)
            self._check_owner(st, 'file', self.path)
            if stat.S_IMODE(st.st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            if st.st_size == 0:  # a new bucket: a good moment to delete those nobody used for a day
                self._sweep(dir_fd, st.st_uid)
        except BaseException:
            os.close(fd)
            raise
        finally:
            os.close(dir_fd)
        return fd

    def _sweep(self, dir_fd, uid):
        """Delete the pace files of the directory that were not used for STALE seconds (other keys and endpoints
        of the past); nothing else, and never a file of another user."""
        mine = os.path.basename(self.path)
        limit = self._clock() - STALE
        try:
            names = os.listdir(dir_fd)
        except OSError:
            return
        for name in names:
            if name == mine or not name.endswith('.pace'):
                continue
            try:
                st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_uid == uid and st.st_mtime < limit:
                    os.unlink(name, dir_fd=dir_fd)
            except OSError:
                continue

    def _lock(self, fd):
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            if time.monotonic() > deadline:
                raise _Unusable('the pace file %s stayed locked for %d s; it is not used' % (self.path, LOCK_WAIT))
            time.sleep(_LOCK_POLL)

    def _read(self, fd, now):
        data = os.pread(fd, 4096, 0)
        if not data.strip():
            return self._fresh(now)  # a new file
        try:
            record = json.loads(data.decode('ascii'))
            if not isinstance(record, dict) or record.get('v') != _FORMAT:
                raise ValueError('unknown format')
            state = dict((name, _number(record[name])) for name in _FIELDS)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise _Unusable('the pace file %s is not a pace record (%s); it is not used: delete it to pace calls '
                            'again' % (self.path, _reason(exc)))
        if state['rate'] <= 0:
            raise _Unusable('the pace file %s holds a rate of %s; it is not used: delete it to pace calls again'
                            % (self.path, state['rate']))
        if state['at'] > now:  # the clock went back: count from now
            state['at'] = now
        state['raised'] = min(state['raised'], now)
        return state

    @staticmethod
    def _write(fd, state):
        record = dict(state, v=_FORMAT)
        data = json.dumps(record, sort_keys=True).encode('ascii')
        # One write of a fixed size, in place: the record is never seen empty or half old, half new.
        data = data.ljust(_RECORD_SIZE - 1) + b'\n'
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))  # whatever followed (a longer, foreign content) goes


def _reason(exc):
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__
