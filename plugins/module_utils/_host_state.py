# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""State that the processes of one user on one host share: a private directory, small files in it, their locks.

Nothing here knows what the state is for. ``_pacer`` keeps its buckets here (``open_file``, ``lock``); a lock among
the processes of the user on the host, around a read-merge-write cycle for example, is ``held_lock``::

    with held_lock('ingress\\n%s\\n%s' % (endpoint, ingress_id), timeout=30) as lock:
        if not lock:
            warn('changed without the lock of the ingress: %s' % lock.reason)
        ...  # read, merge, write

The safety rules, for every file here:
  * the directory (by default ``default_state_dir()``: ``<temporary directory>/alibabacloud-sae-<uid>``) must be a
    real directory (not a symbolic link) owned by the user, mode 0700 (tightened when it is looser); it is created
    when missing, its parent is not;
  * a file is named by the SHA-256 of its key (``file_name``), so that the key itself is never written; it is opened
    relative to the checked directory, created 0600 without following links, and must be a regular file of the user
    (tightened to 0600 when looser);
  * when a file is created, the files of its kind (its suffix) that nobody used for a day (``STALE``) are deleted,
    each while holding its lock: one in use stays;
  * a lock is an exclusive ``fcntl.flock`` of a file, waited for a bounded time;
  * what cannot be done safely raises ``Unusable`` (or ``OSError``), in words fit for a warning: the callers turn
    their feature off or go on without it, saying why, and never fail for it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # not POSIX: no private state (unavailable() says so)
    fcntl = None

# The collection's directory under the temporary directory: <tmp>/alibabacloud-sae-<uid>.
DIR_NAME = 'alibabacloud-sae'
LOCK_WAIT = 10.0  # the seconds held_lock waits by default for another process to release the lock
STALE = 86400.0  # a file of the directory untouched this long is deleted when a new one of its kind is created
_LOCK_POLL = 0.01
_NO_LOCKING = 'file locking (fcntl) and user ids are not available on this system'


class Unusable(Exception):
    """The state cannot be used safely; the text says why, ending in "it is not used"."""


def unavailable(uid=None):
    """Why no private state can be kept on this system (no file locking, no user ids), or None. ``uid``: the function
    a caller gives instead of ``os.getuid``."""
    if fcntl is None or (uid is None and not hasattr(os, 'getuid')):
        return _NO_LOCKING
    return None


def default_state_dir(name=DIR_NAME, uid=None):
    """``<temporary directory>/<name>-<uid>``: the temporary directory of ``tempfile.gettempdir()`` (``TMPDIR``,
    else ``/tmp``), one directory per user. OSError when there is no usable temporary directory."""
    if uid is None:
        uid = os.getuid() if hasattr(os, 'getuid') else 0
    return os.path.join(tempfile.gettempdir(), '%s-%d' % (name, uid))


def file_name(key, suffix):
    """The name of the file of ``key``: its hex SHA-256, then ``suffix`` (``.pace``, ``.lock``): the key is never
    written."""
    return hashlib.sha256(key.encode('utf-8')).hexdigest() + suffix


def describe(exc):
    """An exception in words for a warning: an OSError's ``strerror`` ("permission denied"), else its text."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def open_file(state_dir, name, what, uid=None, clock=time.time):
    """A read-write descriptor of file ``name`` of ``state_dir``, both checked (and created) by the safety rules.
    ``what`` names the state in messages ("the pace file ..."); ``uid``: a function giving the user id the directory
    and the file must belong to (default ``os.getuid``); ``clock``: wall-clock seconds, for the age of stale files.
    Raises Unusable or OSError."""
    uid = uid or os.getuid
    dir_fd = _open_dir(state_dir, what, uid)
    path = os.path.join(state_dir, name)
    try:
        fd, created = _open_in(dir_fd, name, what, path)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise Unusable('the %s file %s is not a regular file; it is not used' % (what, path))
            _check_owner(st, uid, what, 'file', path)
            if stat.S_IMODE(st.st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            if created:  # a good moment to delete the files of its kind nobody used for a day
                _sweep(dir_fd, name, st.st_uid, clock() - STALE)
        except BaseException:
            os.close(fd)
            raise
    finally:
        os.close(dir_fd)
    return fd


def lock(fd, path, what, wait, deadline=None):
    """Take the exclusive lock of the file of ``fd``, waiting at most ``wait`` seconds (or until ``deadline``, in
    ``time.monotonic()`` seconds) for the process that holds it. Raises Unusable when it stays locked longer (OSError
    when locking fails). Closing ``fd`` releases it."""
    if deadline is None:
        deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
        if time.monotonic() > deadline:
            raise Unusable('the %s file %s stayed locked for %g s; it is not used' % (what, path, wait))
        time.sleep(_LOCK_POLL)


class Lock:
    """What ``held_lock`` yields: true while the lock is held; false when it could not be taken, with ``reason`` in
    words for a warning. ``path``: the lock file (None when there is no directory for it)."""

    def __init__(self, path, fd=None, reason=None):
        self.path = path
        self.reason = reason
        self._fd = fd

    @property
    def held(self):
        return self._fd is not None

    def __bool__(self):
        return self.held

    def release(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def held_lock(key, timeout=LOCK_WAIT, state_dir=None, uid=None):
    """Hold the lock of ``key`` (any string) among the processes of the user on this host for the ``with`` block;
    yields a Lock.

    The lock is an exclusive ``flock`` of the file ``file_name(key, '.lock')`` of ``state_dir`` (default
    ``default_state_dir()``, where the pace files are), under the safety rules of this file. A process that finds it
    held waits up to ``timeout`` seconds for its release. When it cannot be taken safely (no file locking on this
    system, an unusable directory or file, still held after ``timeout``), the Lock is false with its ``reason``: the
    caller goes on without it, warning. Nothing is raised for the lock's sake; what the block raises goes through, the
    lock released. ``uid``: a function giving the user id the directory and the file must belong to (tests)."""
    held = _take(key, timeout, state_dir, uid)
    try:
        yield held
    finally:
        held.release()


def _take(key, timeout, state_dir, uid):
    name = file_name(key, '.lock')
    path = None
    try:
        path = os.path.join(state_dir or default_state_dir(), name)
        off = unavailable(uid)
        if off:
            return Lock(path, reason=off)
        deadline = time.monotonic() + timeout
        while True:
            fd = open_file(os.path.dirname(path), name, 'lock', uid)
            try:
                lock(fd, path, 'lock', timeout, deadline)
                if _is_named(fd, path):
                    if os.utime in os.supports_fd:
                        # in use: not stale; and when it was taken, to the nanosecond of the wall clock (the file
                        # system's own "now" may lag the clock by a tick)
                        now = time.time_ns()
                        os.utime(fd, ns=(now, now))
                    return Lock(path, fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the file was deleted as stale while this process waited for it: take the new one
    except Unusable as exc:
        return Lock(path, reason=str(exc))
    except (OSError, ValueError) as exc:
        return Lock(path, reason='the lock file %s could not be used (%s)' % (path or name, describe(exc)))


def _is_named(fd, path):
    """True when ``path`` still names the file of ``fd``."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _check_owner(st, uid, what, kind, path):
    owner = uid()
    if st.st_uid != owner:
        raise Unusable('the %s %s %s belongs to user id %d, not to this user (%d); it is not used'
                       % (what, kind, path, st.st_uid, owner))


def _open_dir(path, what, uid):
    created = False
    try:
        os.mkdir(path, 0o700)
        created = True
    except FileExistsError:
        pass
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise Unusable('the %s directory %s is a symbolic link; it is not used' % (what, path))
    if not stat.S_ISDIR(st.st_mode):
        raise Unusable('the %s directory %s is not a directory; it is not used' % (what, path))
    _check_owner(st, uid, what, 'directory', path)
    fd = os.open(path, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0)
                 | getattr(os, 'O_CLOEXEC', 0))
    try:
        st = os.fstat(fd)  # what was opened is what was checked
        _check_owner(st, uid, what, 'directory', path)
        if created or stat.S_IMODE(st.st_mode) != 0o700:
            os.fchmod(fd, 0o700)  # whatever the umask made of it: private to the user
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_in(dir_fd, name, what, path):
    """The descriptor of file ``name`` of the directory, and whether this call created it."""
    flags = os.O_RDWR | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
    try:
        try:
            return os.open(name, flags | os.O_CREAT | os.O_EXCL, 0o600, dir_fd=dir_fd), True
        except FileExistsError:
            return os.open(name, flags | os.O_CREAT, 0o600, dir_fd=dir_fd), False
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unusable('the %s file %s is a symbolic link; it is not used' % (what, path))
        raise


def _sweep(dir_fd, keep, uid, limit):
    """Delete the files of the directory with the suffix of ``keep`` (other keys of the past) last modified before
    ``limit``; each under its lock, so that none in use goes; nothing else, and never a file of another user."""
    suffix = os.path.splitext(keep)[1]
    try:
        names = os.listdir(dir_fd)
    except OSError:
        return
    for name in names:
        if name == keep or not name.endswith(suffix):
            continue
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if not (stat.S_ISREG(st.st_mode) and st.st_uid == uid and st.st_mtime < limit):
                continue
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0),
                         dir_fd=dir_fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by another process: in use, kept
                now = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                if (now.st_ino, now.st_mtime) == (os.fstat(fd).st_ino, st.st_mtime):
                    os.unlink(name, dir_fd=dir_fd)
            finally:
                os.close(fd)
        except OSError:
            continue
