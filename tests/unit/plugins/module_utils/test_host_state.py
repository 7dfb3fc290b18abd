# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The private state of the user on the host (_host_state): the lock of a key among processes, and the safety rules
that make an unsafe directory or file a reason to go on without the lock, never a failure."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import threading
import time

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _host_state
from ansible_collections.alibabacloud.sae.plugins.module_utils._host_state import held_lock

KEY = 'ingress\nhttps://sae.cn-beijing.aliyuncs.com\ning-42'
HOLD = 0.6  # seconds the first process holds the lock


@pytest.fixture
def state_dir(tmp_path):
    return str(tmp_path / 'state')


def lock_path(state_dir, key=KEY):
    return os.path.join(state_dir, hashlib.sha256(key.encode()).hexdigest() + '.lock')


# -- processes contending -------------------------------------------------------------------------

def _holder(state_dir, ready, released):
    with held_lock(KEY, state_dir=state_dir) as lock:
        if not lock:
            released.put(('not held', lock.reason))
            ready.set()
            return
        ready.set()
        time.sleep(HOLD)
        released.put(('released', time.time()))


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context('forkserver' if 'forkserver' in methods else 'spawn')


def test_a_second_process_waits_until_the_first_releases_the_lock(state_dir):
    context = _context()
    ready, released = context.Event(), context.Queue()
    holder = context.Process(target=_holder, args=(state_dir, ready, released))
    holder.start()
    try:
        assert ready.wait(30)
        asked = time.time()
        with held_lock(KEY, timeout=30, state_dir=state_dir) as lock:
            taken = time.time()
            assert lock and lock.held and lock.reason is None and lock.path == lock_path(state_dir)
        what, when = released.get(timeout=30)
    finally:
        holder.join(30)
    assert what == 'released', when
    assert taken >= when and taken - asked >= HOLD / 2  # it waited for the release, not for nothing
    assert holder.exitcode == 0


def test_other_keys_do_not_wait(state_dir):
    with held_lock(KEY, state_dir=state_dir) as first:
        started = time.monotonic()
        with held_lock('another key', timeout=5, state_dir=state_dir) as second:
            assert first and second and time.monotonic() - started < 1


def test_a_lock_held_past_the_timeout_is_not_held_with_a_reason(state_dir):
    with held_lock(KEY, state_dir=state_dir) as first:  # one open file per held_lock: they contend in one process too
        started = time.monotonic()
        with held_lock(KEY, timeout=0.3, state_dir=state_dir) as second:
            assert first and not second and not second.held
            assert 0.3 <= time.monotonic() - started < 3
            assert second.reason == 'the lock file %s stayed locked for 0.3 s; it is not used' % lock_path(state_dir)


def test_the_block_raises_through_and_the_lock_is_released(state_dir):
    with pytest.raises(KeyError):
        with held_lock(KEY, state_dir=state_dir) as lock:
            assert lock
            raise KeyError('the block failed')
    with held_lock(KEY, timeout=0, state_dir=state_dir) as again:
        assert again


def test_a_waiter_whose_file_was_replaced_takes_the_new_one(state_dir):
    """A process that waited on a file deleted meanwhile (a stale lock swept) does not take the lock of a file nobody
    else can see: it opens the file of the name again, and waits for its holder."""
    first = held_lock(KEY, state_dir=state_dir)
    assert first.__enter__()
    got = []
    waiter = threading.Thread(target=lambda: got.append(_hold_briefly(state_dir)))
    waiter.start()
    time.sleep(0.2)  # the waiter has opened the first file and waits for its lock
    os.unlink(lock_path(state_dir))
    with held_lock(KEY, timeout=0, state_dir=state_dir) as second:
        assert second  # a new file under the name
        first.__exit__(None, None, None)
        time.sleep(0.3)
        assert got == []  # the old file's lock is free, but the waiter waits for the holder of the new one
    waiter.join(10)
    assert got == [True]


def _hold_briefly(state_dir):
    with held_lock(KEY, timeout=10, state_dir=state_dir) as lock:
        return bool(lock)


# -- the safety rules -----------------------------------------------------------------------------

def test_the_directory_and_the_file_are_private_and_do_not_name_the_key(state_dir):
    with held_lock(KEY, state_dir=state_dir) as lock:
        assert lock
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700
    assert os.listdir(state_dir) == [hashlib.sha256(KEY.encode()).hexdigest() + '.lock']
    assert stat.S_IMODE(os.stat(lock_path(state_dir)).st_mode) == 0o600


def test_a_loose_directory_of_the_user_is_made_private(state_dir):
    os.mkdir(state_dir, 0o777)
    os.chmod(state_dir, 0o777)
    with held_lock(KEY, state_dir=state_dir) as lock:
        assert lock
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700


def test_a_symlinked_directory_is_not_used(tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir(mode=0o700)
    link = tmp_path / 'state'
    link.symlink_to(target)
    with held_lock(KEY, state_dir=str(link)) as lock:
        assert not lock and lock.reason == 'the lock directory %s is a symbolic link; it is not used' % link
    assert os.listdir(str(target)) == []


def test_a_directory_of_another_user_is_not_used(state_dir):
    os.mkdir(state_dir, 0o700)
    owner = os.stat(state_dir).st_uid
    with held_lock(KEY, state_dir=state_dir, uid=lambda: owner + 1) as lock:
        assert not lock and 'the lock directory %s belongs to user id %d' % (state_dir, owner) in lock.reason
    assert os.listdir(state_dir) == []


def test_a_symlinked_file_is_not_followed(state_dir, tmp_path):
    os.mkdir(state_dir, 0o700)
    victim = tmp_path / 'victim'
    victim.write_text('keep me')
    os.symlink(str(victim), lock_path(state_dir))
    with held_lock(KEY, state_dir=state_dir) as lock:
        assert not lock and lock.reason == 'the lock file %s is a symbolic link; it is not used' % lock_path(state_dir)
    assert victim.read_text() == 'keep me'


def test_a_file_that_is_not_a_regular_file_is_not_used(state_dir):
    os.mkdir(state_dir, 0o700)
    os.mkdir(lock_path(state_dir))
    with held_lock(KEY, state_dir=state_dir) as lock:
        assert not lock and 'could not be used' in lock.reason and lock_path(state_dir) in lock.reason


def test_an_unusable_directory_is_a_reason_not_a_failure(tmp_path):
    missing = str(tmp_path / 'missing-parent' / 'state')
    with held_lock(KEY, state_dir=missing) as lock:
        assert not lock and lock.reason.startswith('the lock file %s could not be used (' % lock_path(missing))


def test_without_file_locking_the_lock_is_not_held(state_dir, monkeypatch):
    monkeypatch.setattr(_host_state, 'fcntl', None)
    with held_lock(KEY, state_dir=state_dir) as lock:
        assert not lock and 'fcntl' in lock.reason
    assert not os.path.exists(state_dir)


def test_no_temporary_directory_is_a_reason_not_a_failure(monkeypatch):
    def no_tempdir(*_args):
        raise FileNotFoundError(2, 'No usable temporary directory found')

    monkeypatch.setattr(_host_state, 'default_state_dir', no_tempdir)
    with held_lock(KEY) as lock:
        assert not lock and lock.path is None and 'no usable temporary directory found' in lock.reason


def test_the_default_directory_is_the_pace_files_one_per_user(monkeypatch, tmp_path):
    monkeypatch.setattr(_host_state.tempfile, 'tempdir', str(tmp_path))
    assert _host_state.default_state_dir('tool', uid=1234) == os.path.join(str(tmp_path), 'tool-1234')
    assert _host_state.default_state_dir() == os.path.join(str(tmp_path), 'alibabacloud-sae-%d' % os.getuid())
    with held_lock(KEY) as lock:
        assert lock and lock.path == lock_path(_host_state.default_state_dir())


def test_a_new_lock_file_deletes_the_lock_files_unused_for_a_day_but_not_a_held_one(state_dir):
    stale = time.time() - _host_state.STALE - 60
    for key in ('old', 'held'):
        with held_lock(key, state_dir=state_dir):
            pass
    pace = os.path.join(state_dir, 'a' * 64 + '.pace')  # another kind of file: not this sweep's
    with open(pace, 'w', encoding='ascii') as handle:
        handle.write('{}')
    with held_lock('held', state_dir=state_dir) as busy:
        for path in (lock_path(state_dir, 'old'), lock_path(state_dir, 'held'), pace):
            os.utime(path, (stale, stale))
        with held_lock(KEY, state_dir=state_dir) as lock:
            assert busy and lock
    assert sorted(os.listdir(state_dir)) == sorted(os.path.basename(path) for path in (
        lock_path(state_dir, 'held'), lock_path(state_dir), pace))
