# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared pace (_pacer.Pacer): the bucket's arithmetic on a fake clock, processes sharing one file on the real
clock, the slowing on throttling and the recovery, and the safety rules (private directory, no secret, off with a
warning rather than a failure)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import stat
import time

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _host_state, _pacer
from ansible_collections.alibabacloud.sae.plugins.module_utils._pacer import Pacer, PacerTimeout

KEY = 'LTAI-test-key-id\nhttps://sae.cn-beijing.aliyuncs.com'


class FakeTime:
    """A wall clock that moves only when slept on (or when told)."""

    def __init__(self, now=1_700_000_000.0):
        self.now = now
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    return FakeTime()


@pytest.fixture
def state_dir(tmp_path):
    return str(tmp_path / 'pace')


def make(state_dir, fake, rate=1.0, burst=5, warnings=None, **kwargs):
    return Pacer(KEY, rate=rate, burst=burst, state_dir=state_dir, clock=fake.clock, sleep=fake.sleep,
                 warn=(warnings.append if warnings is not None else None), **kwargs)


def record(pacer):
    with open(pacer.path, encoding='ascii') as handle:
        return json.loads(handle.read())


# -- the window -------------------------------------------------------------------------------

def taken_at(pacer, fake, count):
    """The clock readings at which ``count`` turns were taken, one after the other."""
    times = []
    for dummy in range(count):
        pacer.acquire()
        times.append(fake.now)
    return times


def test_a_window_of_calls_goes_at_once_then_never_more_than_the_burst_in_a_window(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=5)  # 5 calls in any 5 s
    times = taken_at(pacer, fake, 20)
    assert times[:5] == [times[0]] * 5 and fake.slept[0] >= 5  # the burst at once, then a wait for a place
    # never more than the burst in any window, whoever counts (a sliding window, or one restarting at fixed times)
    assert all(times[index + 5] - times[index] >= pacer.window for index in range(len(times) - 5))
    # and no slower than the window with its margin of one to two slots, a little jitter above
    assert times[-1] - times[0] <= 3 * (pacer.window + 2 * pacer.slot) * 1.1
    assert pacer.waited == pytest.approx(sum(fake.slept))


def test_a_waiting_process_wakes_within_a_slot_of_its_place(state_dir, fake, monkeypatch):
    # the wake-up jitter at its largest: the sleep still ends within one slot of the moment the place frees (places free
    # a slot at a time); a jitter in proportion to the wait would sleep up to 6 s past a place a minute away
    monkeypatch.setattr(_pacer.random, 'uniform', lambda low, high: high)
    pacer = make(state_dir, fake, rate=1.0, burst=60)  # 60 calls in any 60 s, slots of 1 s
    times = taken_at(pacer, fake, 61)
    assert fake.slept and max(fake.slept) <= pacer.window + 3 * pacer.slot
    assert times[60] - times[0] <= pacer.window + 3 * pacer.slot


def test_a_place_given_back_is_free_again_and_only_once(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=2)
    other = make(state_dir, fake, rate=1.0, burst=2)
    assert pacer.acquire() == 0.0
    pacer.unused()  # that attempt never reached the service
    pacer.unused()  # a second word about the same place gives nothing more back
    assert [other.acquire(), other.acquire()] == [0.0, 0.0]
    assert other.acquire(max_wait=None) > 0  # the window holds the two that were sent, no more
    # a place that has already left the window is not taken from the calls in it
    fake.now += 3600
    pacer.acquire()
    fake.now += pacer.window + 3 * pacer.slot
    other.acquire()
    pacer.unused()
    assert sum(count for dummy, count in record(pacer)['slots']) == 1


def test_an_idle_window_is_full_again_but_no_more_than_the_burst(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=3)
    taken_at(pacer, fake, 3)
    fake.now += 3600  # an idle hour: the whole burst again, no more
    assert [pacer.acquire() for dummy in range(3)] == [0.0] * 3
    assert pacer.acquire() >= pacer.window


def test_two_pacers_of_one_key_share_the_window_and_other_keys_do_not(state_dir, fake):
    first, second = make(state_dir, fake, burst=2), make(state_dir, fake, burst=2)
    other = Pacer('another-key\nhttps://sae.cn-beijing.aliyuncs.com', rate=1.0, burst=2, state_dir=state_dir,
                  clock=fake.clock, sleep=fake.sleep)
    assert first.acquire() == 0.0 and second.acquire() == 0.0
    assert first.acquire() > 0  # the two took the whole burst
    assert other.acquire() == 0.0 and other.acquire() == 0.0  # a window of its own
    assert other.path != first.path


def test_a_turn_beyond_max_wait_fails_without_sleeping_for_nothing(state_dir, fake):
    pacer = make(state_dir, fake, rate=0.1, burst=1)  # one call in any 10 s
    pacer.acquire()
    with pytest.raises(PacerTimeout) as info:
        pacer.acquire(max_wait=5)  # the next place is 10 s (and a slot or two) away
    assert fake.slept == [] and info.value.wait == pytest.approx(10, rel=0.05) and info.value.max_wait == 5
    assert pacer.acquire(max_wait=12) == pytest.approx(10, rel=0.15)


# -- throttling: slower, then back ------------------------------------------------------------------

def test_throttling_slows_the_shared_pace(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=10)
    other = make(state_dir, fake, rate=1.0, burst=10)
    pacer.acquire()
    pacer.throttled()
    assert record(pacer)['share'] == pytest.approx(_pacer.DECREASE)
    # every process of the key now has 7 places in a window, not 10: one is taken, 6 are left
    assert [other.acquire() for dummy in range(6)] == [0.0] * 6 and other.acquire() > 0
    assert other.shared_rate == pytest.approx(_pacer.DECREASE)


def test_refusals_of_calls_already_under_way_decrease_once(state_dir, fake):
    pacers = [make(state_dir, fake, burst=10) for dummy in range(4)]
    for pacer in pacers:  # four calls under way at once, all refused
        pacer.acquire()
    for pacer in pacers:
        pacer.throttled()
    assert record(pacers[0])['share'] == pytest.approx(_pacer.DECREASE)
    # a call that took its turn after that decrease and is refused again decreases again
    pacers[0].acquire()
    pacers[0].throttled()
    assert record(pacers[0])['share'] == pytest.approx(_pacer.DECREASE ** 2)


def test_the_pace_never_falls_below_its_floor(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=20)
    for dummy in range(40):
        pacer.acquire()
        pacer.throttled()
    assert record(pacer)['share'] == pytest.approx(_pacer.FLOOR)
    fake.now += 3600
    assert [pacer.acquire() for dummy in range(2)] == [0.0, 0.0]  # a tenth of the burst: 2 places
    assert pacer.acquire() >= pacer.window


def test_the_pace_recovers_as_calls_pass(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=60)
    pacer.acquire()
    pacer.throttled()
    slowed, cut = record(pacer)['share'], fake.now
    shares = []
    while len(shares) < 40 and (not shares or shares[-1] < 1.0):
        fake.now += 1
        pacer.acquire()
        pacer.passed()
        shares.append(record(pacer)['share'])
    assert shares == sorted(shares) and shares[0] > slowed  # climbing, call by call
    assert shares[-1] == 1.0  # back to the whole burst, not above
    # RECOVERY seconds of passing calls climb by the whole burst: from 0.7 of it, about 0.3 * RECOVERY
    assert (1 - _pacer.DECREASE) * _pacer.RECOVERY - 1 <= fake.now - cut <= (1 - _pacer.DECREASE) * _pacer.RECOVERY + 3
    writes = []
    original = pacer._transact
    pacer._transact = lambda step: writes.append(step) or original(step)
    pacer.passed()
    assert writes == []  # once recovered, a passing call costs no file access


def test_no_recovery_without_calls_passing(state_dir, fake):
    pacer = make(state_dir, fake, rate=1.0, burst=60)
    pacer.acquire()
    pacer.throttled()
    for dummy in range(10):  # refused, refused again: each a new decrease, none undone
        pacer.acquire()
        pacer.throttled()
    assert record(pacer)['share'] == pytest.approx(max(_pacer.FLOOR, _pacer.DECREASE ** 11))


def test_a_process_configured_slower_is_not_sped_up_by_the_others(state_dir, fake):
    fast = make(state_dir, fake, rate=2.0, burst=2)  # both count in windows of 1 s
    slow = make(state_dir, fake, rate=1.0, burst=1)
    fast.acquire()
    assert slow.acquire() >= slow.window  # the one place its window allows is taken
    assert fast.acquire() == 0.0  # its own burst of 2: one place left beside the slow one's call
    assert record(slow)['share'] == 1.0  # the shared pace is not lowered by it


def test_pacing_off_when_the_rate_is_not_positive(state_dir, fake):
    with pytest.raises(ValueError):
        make(state_dir, fake, rate=0)
    with pytest.raises(ValueError):
        make(state_dir, fake, burst=0)


# -- processes sharing one file ------------------------------------------------------------------

RATE, BURST, PROCESSES, CALLS = 20.0, 5, 4, 10


def _worker(state_dir, start, queue):
    pacer = Pacer(KEY, rate=RATE, burst=BURST, state_dir=state_dir)
    while time.time() < start:
        time.sleep(0.005)
    taken = []
    for dummy in range(CALLS):
        pacer.acquire()
        taken.append(time.time())
    queue.put(taken)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context('forkserver' if 'forkserver' in methods else 'spawn')


def test_processes_sharing_a_file_keep_the_rate_together(state_dir):
    context = _context()
    queue = context.Queue()
    start = time.time() + 1.5  # every process ready before the first turn
    workers = [context.Process(target=_worker, args=(state_dir, start, queue)) for dummy in range(PROCESSES)]
    for worker in workers:
        worker.start()
    taken = sorted(stamp for dummy in workers for stamp in queue.get(timeout=60))
    for worker in workers:
        worker.join(30)
    assert len(taken) == PROCESSES * CALLS
    # After the burst, one turn every 1/RATE s, whichever process takes it: never more than BURST + RATE * t turns
    # in any t seconds (a little slack for the clock readings around the lock).
    for first in range(len(taken)):
        for last in range(first, len(taken)):
            span = taken[last] - taken[first]
            assert last - first + 1 <= BURST + RATE * span + 1, (first, last, span)
    total = taken[-1] - taken[0]
    assert total >= (PROCESSES * CALLS - BURST) / RATE * 0.9
    assert total < 30  # and no process starved


# -- safety -------------------------------------------------------------------------------------

def test_directory_and_file_are_private_and_hold_no_secret(state_dir, fake):
    pacer = make(state_dir, fake)
    pacer.acquire()
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(pacer.path).st_mode) == 0o600
    assert os.path.basename(pacer.path) == hashlib.sha256(KEY.encode()).hexdigest() + '.pace'
    with open(pacer.path, encoding='ascii') as handle:
        content = handle.read()
    assert 'LTAI' not in content and 'aliyuncs' not in content
    assert set(json.loads(content)) == {'v', 'slots', 'share', 'cuts', 'raised'}


def test_a_loose_directory_of_the_user_is_made_private(state_dir, fake):
    os.mkdir(state_dir, 0o777)
    os.chmod(state_dir, 0o777)
    make(state_dir, fake).acquire()
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700


def test_a_directory_of_another_user_is_not_used(state_dir, fake):
    warnings = []
    os.mkdir(state_dir, 0o700)
    uid = os.stat(state_dir).st_uid
    pacer = make(state_dir, fake, burst=1, warnings=warnings, uid=lambda: uid + 1)
    assert [pacer.acquire() for dummy in range(5)] == [0.0] * 5  # not paced, not failing
    assert not pacer.enabled and len(warnings) == 1
    assert state_dir in warnings[0] and 'belongs to user id %d' % uid in warnings[0]
    assert os.listdir(state_dir) == []  # nothing written there


def test_a_symlinked_directory_is_not_used(tmp_path, fake):
    target = tmp_path / 'elsewhere'
    target.mkdir(mode=0o700)
    link = tmp_path / 'pace'
    link.symlink_to(target)
    warnings = []
    pacer = make(str(link), fake, burst=1, warnings=warnings)
    assert pacer.acquire() == 0.0 and pacer.acquire() == 0.0
    assert len(warnings) == 1 and 'symbolic link' in warnings[0] and str(link) in warnings[0]
    assert os.listdir(target) == []


def test_a_symlinked_file_is_not_followed(state_dir, fake, tmp_path):
    pacer = make(state_dir, fake, burst=1)
    os.mkdir(state_dir, 0o700)
    victim = tmp_path / 'victim'
    victim.write_text('keep me')
    os.symlink(str(victim), pacer.path)
    warnings = []
    pacer = make(state_dir, fake, burst=1, warnings=warnings)
    assert pacer.acquire() == 0.0
    assert victim.read_text() == 'keep me' and len(warnings) == 1 and 'symbolic link' in warnings[0]


def test_a_file_of_another_user_is_not_used(state_dir, fake):
    pacer = make(state_dir, fake)
    pacer.acquire()
    owner = os.stat(pacer.path).st_uid
    calls = []

    def uid():  # the directory passes, the file does not
        calls.append(1)
        return owner if len(calls) <= 2 else owner + 1

    warnings = []
    other = make(state_dir, fake, warnings=warnings, uid=uid)
    assert other.acquire() == 0.0
    assert len(warnings) == 1 and 'pace file' in warnings[0] and 'belongs to user id' in warnings[0]


@pytest.mark.parametrize('content', [
    'not json at all',
    '{"v": 2, "share": 1}',
    '{"v": 2, "share": "one", "cuts": 0, "raised": 1, "slots": []}',
    '{"v": 2, "share": NaN, "cuts": 0, "raised": 1, "slots": []}',
    '{"v": 2, "share": -2, "cuts": 0, "raised": 1, "slots": []}',
    '{"v": 2, "share": 1, "cuts": 0, "raised": 1, "slots": 5}',
    '{"v": 2, "share": 1, "cuts": 0, "raised": 1, "slots": [[1, "x"]]}',
    '{"v": 1, "tokens": 1, "at": 1, "rate": 1, "cut": 0, "raised": 1}',
    '{"v": 99, "share": 1, "cuts": 0, "raised": 1, "slots": []}',
    '[1, 2, 3]',
    '\xff\xfe garbage',
])
def test_a_corrupt_file_means_no_pacing_with_a_warning(state_dir, fake, content):
    pacer = make(state_dir, fake, burst=1)
    pacer.acquire()
    with open(pacer.path, 'w', encoding='latin-1') as handle:
        handle.write(content)
    warnings = []
    pacer = make(state_dir, fake, burst=1, warnings=warnings)
    assert [pacer.acquire() for dummy in range(3)] == [0.0] * 3
    pacer.throttled()
    pacer.passed()
    assert len(warnings) == 1 and pacer.path in warnings[0] and 'delete it' in warnings[0]
    with open(pacer.path, encoding='latin-1') as handle:
        assert handle.read() == content  # left as found


def test_an_unreadable_file_means_no_pacing_with_a_warning(state_dir, fake, monkeypatch):
    pacer = make(state_dir, fake)
    pacer.acquire()

    def fail(*_args):
        raise OSError(5, 'Input/output error')

    monkeypatch.setattr(_pacer.os, 'pread', fail)
    warnings = []
    pacer = make(state_dir, fake, warnings=warnings)
    assert pacer.acquire() == 0.0
    assert len(warnings) == 1 and 'input/output error' in warnings[0]


def test_an_unwritable_directory_means_no_pacing_with_a_warning(tmp_path, fake):
    warnings = []
    pacer = make(str(tmp_path / 'missing-parent' / 'pace'), fake, warnings=warnings)
    assert pacer.acquire() == 0.0
    assert len(warnings) == 1 and 'could not be used' in warnings[0]


def test_a_file_locked_too_long_means_no_pacing(state_dir, fake, monkeypatch):
    fcntl = pytest.importorskip('fcntl')
    pacer = make(state_dir, fake)
    pacer.acquire()
    monkeypatch.setattr(_pacer, 'LOCK_WAIT', 0.2)
    with open(pacer.path, 'rb') as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        warnings = []
        other = make(state_dir, fake, warnings=warnings)
        assert other.acquire() == 0.0
    assert len(warnings) == 1 and 'stayed locked' in warnings[0]


def test_an_empty_file_is_a_fresh_bucket(state_dir, fake):
    pacer = make(state_dir, fake, burst=2)
    os.mkdir(state_dir, 0o700)
    open(pacer.path, 'w').close()  # created by a process that had not written yet
    assert pacer.acquire() == 0.0 and pacer.acquire() == 0.0 and pacer.acquire() > 0
    assert pacer.enabled


def test_a_clock_gone_back_does_not_stall_or_overfill(state_dir, fake):
    pacer = make(state_dir, fake, burst=2)
    pacer.acquire()
    pacer.acquire()
    fake.now -= 3600
    assert pacer.acquire() == pytest.approx(pacer.window, rel=0.2)  # a window, not an hour


def test_without_file_locking_pacing_is_off_with_a_warning(state_dir, fake, monkeypatch):
    monkeypatch.setattr(_host_state, 'fcntl', None)
    warnings = []
    pacer = make(state_dir, fake, burst=1, warnings=warnings)
    assert [pacer.acquire() for dummy in range(3)] == [0.0] * 3
    assert not pacer.enabled and len(warnings) == 1 and 'fcntl' in warnings[0]
    assert not os.path.exists(state_dir)


def test_creating_a_bucket_deletes_the_pace_files_unused_for_a_day(state_dir, fake):
    old = Pacer('old-key', rate=1.0, burst=1, state_dir=state_dir, clock=fake.clock, sleep=fake.sleep)
    recent = Pacer('recent-key', rate=1.0, burst=1, state_dir=state_dir, clock=fake.clock, sleep=fake.sleep)
    old.acquire()
    recent.acquire()
    os.utime(old.path, (fake.now - _host_state.STALE - 60, fake.now - _host_state.STALE - 60))
    os.utime(recent.path, (fake.now - 60, fake.now - 60))
    other = os.path.join(state_dir, 'notes.txt')
    with open(other, 'w', encoding='ascii') as handle:
        handle.write('not a pace file')
    os.utime(other, (0, 0))
    make(state_dir, fake).acquire()  # a new key: its file is created
    assert sorted(os.listdir(state_dir)) == sorted([os.path.basename(recent.path), 'notes.txt',
                                                   _pacer.state_file_name(KEY)])
