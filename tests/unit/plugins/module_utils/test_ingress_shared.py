# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rule lists several writers merge into (_ingress_shared): which tasks merge, the rules a read-back finds lost, the
turn of the host's lock and what it says about a stale read, and the write-read-back rounds over fake acts."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shared as shared
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._host_state import held_lock
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import IngressTask
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError

NS = 'cn-beijing:demo'
ENDPOINT = 'https://sae.cn-beijing.aliyuncs.com'


def rule(domain, path='/', state=None):
    entry = dict(domain=domain, path=path, app_id='app-1', container_port=8080)
    if state:
        entry = dict(domain=domain, path=path, state=state)
    return entry


def task(rules, purge_rules=False):
    return IngressTask(NS, None, 'web', dict(rules=rules), purge_rules)


# -- which tasks merge ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('rules, purge, merges', [
    ([rule('a.example.com')], False, True),
    ([rule('a.example.com', state='absent')], False, True),
    ([rule('a.example.com')], True, False),  # the task owns the list: the last writer wins
    ([], False, False),  # no rules: the list is never sent
    (None, False, False),
])
def test_a_task_merges_with_purge_rules_false_and_rules(rules, purge, merges):
    wanted = {} if rules is None else dict(rules=rules)
    assert shared.merges_rules(IngressTask(NS, None, 'web', wanted, purge)) is merges


@pytest.mark.parametrize('value, delay', [
    (None, shared.READBACK_DELAY),
    ('', shared.READBACK_DELAY),
    ('0.2', (0.2, 0.2)),
    ('0.3,0.1', (0.1, 0.3)),
    ('0', (0.0, 0.0)),
    ('-1', shared.READBACK_DELAY),
    ('soon', shared.READBACK_DELAY),
    ('1,2,3', shared.READBACK_DELAY),
])
def test_the_readback_delay_and_its_test_variable(value, delay):
    environ = {} if value is None else {shared.DELAY_VARIABLE: value}
    assert shared.readback_delay(environ) == delay


def test_the_lock_key_names_endpoint_namespace_and_ingress():
    assert shared.lock_key(ENDPOINT, NS, 42) == 'ingress\n%s\n%s\n42' % (ENDPOINT, NS)
    assert shared.lock_key(ENDPOINT, NS, 42) != shared.lock_key('https://sae.cn-hangzhou.aliyuncs.com', NS, 42)
    assert shared.lock_key(None, None, 7) == 'ingress\n\n\n7'


# -- what a read-back finds lost --------------------------------------------------------------------------------------

LIVE = [dict(domain='a.example.com', path='/'), dict(domain='b.example.com', path='/api')]


@pytest.mark.parametrize('wanted, lost', [
    ([rule('a.example.com')], []),
    ([rule('A.Example.COM')], []),  # domains match case-insensitively
    ([rule('c.example.com')], [('c.example.com', '/')]),  # merged, then dropped
    ([rule('b.example.com', '/')], [('b.example.com', '/')]),  # same domain, another path
    ([rule('b.example.com', '/api', 'absent')], [('b.example.com', '/api')]),  # removed, then back
    ([rule('c.example.com', '/', 'absent')], []),
    ([rule('a.example.com'), rule('c.example.com'), rule('b.example.com', '/api', 'absent')],
     [('c.example.com', '/'), ('b.example.com', '/api')]),
])
def test_lost_rules(wanted, lost):
    assert [(r['domain'], r['path']) for r in shared.lost_rules(wanted, LIVE)] == lost


def test_lost_rules_of_an_ingress_without_rules():
    assert shared.lost_rules([rule('a.example.com')], None) == [rule('a.example.com')]


def test_the_failure_names_each_rule_and_what_became_of_it():
    msg = shared.lost_message(42, 3, [rule('c.example.com', '/x'), rule('b.example.com', '/api', 'absent')])
    assert msg.startswith('Ingress 42: after 3 updates of its rule list, rules of this task are still not as it wrote '
                          'them: c.example.com /x (missing), b.example.com /api (removed, back again). ')
    assert 'purge_rules: true' in msg


def test_joined_keeps_the_ingress_before_the_first_write():
    first = dict(changed=True, ingress={'v': 1}, diff=dict(before={'v': 0}, after={'v': 1}))
    latest = dict(changed=True, ingress={'v': 2}, diff=dict(before={'v': 1.5}, after={'v': 2}))
    assert shared.joined(None, latest) is latest
    assert shared.joined(first, latest) == dict(changed=True, ingress={'v': 2}, diff=dict(before={'v': 0}, after={'v': 2}))


# -- the turn ---------------------------------------------------------------------------------------------------------

KEY = shared.lock_key(ENDPOINT, NS, 42)


def test_an_uncontended_turn_holds_the_lock_and_reads_nothing_again(tmp_path):
    since = time.time_ns()
    with shared.turn(KEY, since, state_dir=str(tmp_path)) as (lock, stale):
        assert lock and not stale


def test_a_turn_another_process_took_since_the_read_is_stale(tmp_path):
    since = time.time_ns()
    with held_lock(KEY, state_dir=str(tmp_path)):
        pass  # another writer's whole turn, after this task read and before it came to the lock
    with shared.turn(KEY, since, state_dir=str(tmp_path)) as (lock, stale):
        assert lock and stale
    # A turn taken before this task began to read says nothing about its read.
    with shared.turn(KEY, time.time_ns() + 10 ** 9, state_dir=str(tmp_path)) as (lock, stale):
        assert lock and not stale


def test_a_turn_that_waits_is_stale(tmp_path):
    holding, release = threading.Event(), threading.Event()

    def holder():
        with held_lock(KEY, state_dir=str(tmp_path)):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    with shared.turn(KEY, time.time_ns() + 60 * 10 ** 9, state_dir=str(tmp_path)) as (lock, stale):
        assert lock and stale
        assert time.monotonic() - started >= 0.15
    thread.join()


def test_a_turn_without_a_usable_lock_goes_on_with_its_reason(tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir()
    link = tmp_path / 'state'
    os.symlink(str(target), str(link))
    with shared.turn(KEY, 0, state_dir=str(link)) as (lock, stale):
        assert not lock and not stale
        assert 'symbolic link' in lock.reason


@pytest.mark.parametrize('taken_since_the_read', [False, True])
def test_a_lock_held_too_long_is_given_up(tmp_path, taken_since_the_read):
    since = time.time_ns()
    with held_lock(KEY, state_dir=str(tmp_path)):
        since = since if taken_since_the_read else time.time_ns() + 10 ** 9
        with shared.turn(KEY, since, timeout=0.05, state_dir=str(tmp_path)) as (lock, stale):
            assert not lock and 'stayed locked' in lock.reason
            # the task goes on without the lock; it reads again when the holder took the lock after its read
            assert stale is taken_since_the_read


# -- the rounds -------------------------------------------------------------------------------------------------------

def ingress(*keys):
    return dict(id=42, rules=[dict(domain=d, path=p) for d, p in keys])


def changed(before, after):
    return dict(changed=True, ingress=after, diff=dict(before=before, after=after))


class FakeActs:
    """IngressActs as SharedRules sees it: ``update`` adds the task's rules to what it is given, the read-backs answer
    from ``answers`` (an ingress, None, or an exception)."""

    def __init__(self, answers=(), sent_rules=True):
        self.answers = list(answers)
        self.sent_rules = sent_rules
        self.calls = []
        self.warnings = []

    def warn(self, msg):
        self.warnings.append(msg)

    def update(self, task_, live, rows, full):
        self.calls.append(('update', [(r['domain'], r['path']) for r in live['rules']], full))
        keys = [(r['domain'], r['path']) for r in live['rules']]
        wanted = [(r['domain'], r['path']) for r in task_.wanted['rules'] if r.get('state') != 'absent']
        removed = [(r['domain'], r['path']) for r in task_.wanted['rules'] if r.get('state') == 'absent']
        after = [key for key in keys if key not in removed] + [key for key in wanted if key not in keys]
        if after == keys:
            return dict(changed=False, ingress=live), False
        return changed(live, ingress(*after)), self.sent_rules

    def read_back(self, ingress_id):
        self.calls.append(('read', ingress_id))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


ADD = task([rule('c.example.com')])
BASE = ingress(('a.example.com', '/'))
WITH_C = ingress(('a.example.com', '/'), ('c.example.com', '/'))
OTHER = ingress(('a.example.com', '/'), ('d.example.com', '/'))  # another writer's list, without this task's rule


def rounds(acts, tmp_path, since=None, **kwargs):
    sleeps = []
    runner = shared.SharedRules(acts, ENDPOINT, delay=(0.5, 1.5), since=time.time_ns() if since is None else since,
                                sleep=sleeps.append, state_dir=str(tmp_path), **kwargs)
    return runner, sleeps


def test_an_update_is_read_back_once_after_a_random_moment(tmp_path):
    acts = FakeActs([WITH_C])
    runner, sleeps = rounds(acts, tmp_path)
    result = runner.converge(ADD, BASE, None)
    assert result == changed(BASE, WITH_C)
    assert acts.calls == [('update', [('a.example.com', '/')], False), ('read', 42)]
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.5
    assert acts.warnings == []


def test_a_no_op_reads_nothing_back(tmp_path):
    acts = FakeActs()
    runner, sleeps = rounds(acts, tmp_path)
    assert runner.converge(ADD, WITH_C, None) == dict(changed=False, ingress=WITH_C)
    assert acts.calls == [('update', [('a.example.com', '/'), ('c.example.com', '/')], False)] and sleeps == []


def test_an_update_that_leaves_the_rules_alone_reads_nothing_back(tmp_path):
    acts = FakeActs(sent_rules=False)
    runner, sleeps = rounds(acts, tmp_path)
    assert runner.converge(ADD, BASE, None)['changed']
    assert [call[0] for call in acts.calls] == ['update'] and sleeps == []


def test_a_rule_another_writer_dropped_is_merged_and_written_again(tmp_path):
    both = ingress(('a.example.com', '/'), ('d.example.com', '/'), ('c.example.com', '/'))
    acts = FakeActs([OTHER, both])
    runner, sleeps = rounds(acts, tmp_path)
    result = runner.converge(ADD, BASE, None)
    # the second write starts from the read-back: the other writer's rule is kept
    assert acts.calls == [('update', [('a.example.com', '/')], False), ('read', 42),
                          ('update', [('a.example.com', '/'), ('d.example.com', '/')], True), ('read', 42)]
    assert result == dict(changed=True, ingress=both, diff=dict(before=BASE, after=both))
    assert len(sleeps) == 2
    assert acts.warnings == ['Ingress 42: an update by another writer dropped rules of this task (c.example.com / '
                             '(missing)); merged and written again (update 2 of at most 3).']


def test_a_removed_rule_that_comes_back_is_removed_again(tmp_path):
    remove = task([rule('a.example.com', state='absent')])
    acts = FakeActs([BASE, ingress()])
    runner, dummy = rounds(acts, tmp_path)
    assert runner.converge(remove, BASE, None)['ingress'] == ingress()
    assert [call[0] for call in acts.calls] == ['update', 'read', 'update', 'read']
    assert '(a.example.com / (removed, back again))' in acts.warnings[0]


def test_rules_lost_at_every_round_fail_the_task_naming_them(tmp_path):
    acts = FakeActs([OTHER, OTHER, OTHER])
    runner, sleeps = rounds(acts, tmp_path)
    with pytest.raises(InputError) as caught:
        runner.converge(ADD, BASE, None)
    assert [call[0] for call in acts.calls] == ['update', 'read'] * shared.READBACK_ROUNDS
    assert len(sleeps) == shared.READBACK_ROUNDS
    assert str(caught.value).startswith('Ingress 42: after 3 updates of its rule list, rules of this task are still '
                                        'not as it wrote them: c.example.com / (missing).')
    assert caught.value.result['changed'] is True
    assert caught.value.result['ingress']['rules'] == OTHER['rules']  # the ingress as the last read-back found it
    assert len(acts.warnings) == shared.READBACK_ROUNDS - 1


def test_another_writer_that_restores_the_rules_ends_the_rounds(tmp_path):
    # The read-back finds the rule dropped; by the next turn, another task of this host has put it back.
    acts = FakeActs([OTHER, WITH_C])
    runner, sleeps = rounds(acts, tmp_path)
    original = acts.read_back

    def read_back(ingress_id):
        answer = original(ingress_id)
        if answer is OTHER:
            with held_lock(KEY, state_dir=str(tmp_path)):
                pass  # its turn, after this read-back
        return answer

    acts.read_back = read_back
    result = runner.converge(ADD, BASE, None)
    assert result == changed(BASE, WITH_C)  # the first write's result
    assert [call[0] for call in acts.calls] == ['update', 'read', 'read', 'update']
    assert len(sleeps) == 1


def test_a_failed_read_back_warns_and_keeps_the_result(tmp_path):
    acts = FakeActs([SaeApiError('ServiceUnavailable', 'busy', operation='DescribeIngress')])
    runner, dummy = rounds(acts, tmp_path)
    assert runner.converge(ADD, BASE, None) == changed(BASE, WITH_C)
    assert acts.warnings == ['Ingress 42 was updated; the read-back that checks that no other writer dropped the rules '
                             'of this task failed (ServiceUnavailable: busy): check with sae_ingress_info.']


def test_an_ingress_deleted_after_the_write_fails_the_task(tmp_path):
    acts = FakeActs([None])
    runner, dummy = rounds(acts, tmp_path)
    with pytest.raises(InputError) as caught:
        runner.converge(ADD, BASE, None)
    assert 'then deleted by another writer' in str(caught.value)
    assert caught.value.result['changed'] is True and caught.value.result['diff']['before'] == BASE


def test_a_stale_read_is_read_again_and_a_gone_ingress_is_none(tmp_path):
    with held_lock(KEY, state_dir=str(tmp_path)):
        pass
    acts = FakeActs([WITH_C, WITH_C])
    runner, dummy = rounds(acts, tmp_path, since=0)
    assert runner.converge(ADD, BASE, None) == dict(changed=False, ingress=WITH_C)
    assert acts.calls == [('read', 42), ('update', [('a.example.com', '/'), ('c.example.com', '/')], True)]
    acts = FakeActs([None])
    runner, dummy = rounds(acts, tmp_path, since=0)
    assert runner.converge(ADD, BASE, None) is None  # deleted meanwhile: the caller creates it


def test_a_lock_that_cannot_be_taken_is_warned_about_once(tmp_path):
    link = tmp_path / 'link'
    os.symlink(str(tmp_path), str(link))
    acts = FakeActs([OTHER, WITH_C])
    runner = shared.SharedRules(acts, ENDPOINT, delay=(0, 0), since=time.time_ns(), sleep=lambda s: None,
                                state_dir=str(link))
    assert runner.converge(ADD, BASE, None)['changed']
    assert [call[0] for call in acts.calls] == ['update', 'read', 'update', 'read']
    assert acts.warnings[0].startswith('Ingress 42: this task merges its rules (purge_rules: false) without the lock')
    assert len([w for w in acts.warnings if 'without the lock' in w]) == 1


@pytest.mark.parametrize('failure', [
    InputError('With purge_rules: false the ingress would hold 41 rules'),
    SaeApiError('Exceed.IngressRule', 'too many rules', operation='UpdateIngress'),
])
def test_a_failure_after_a_first_write_reports_the_change(tmp_path, failure):
    acts = FakeActs([OTHER])
    update = acts.update

    def failing(*args):
        if acts.calls:
            acts.calls.append(('update failed',))
            raise failure
        return update(*args)

    acts.update = failing
    runner, dummy = rounds(acts, tmp_path)
    with pytest.raises(Exception) as caught:
        runner.converge(ADD, BASE, None)
    assert caught.value.result['changed'] is True
    if isinstance(failure, SaeApiError):
        assert caught.value.err is failure  # an ApiFailure around it, reported as the service's error
    # the same failure at the first write changed nothing
    acts = FakeActs()

    def fails(*args):
        raise failure

    acts.update = fails
    runner, dummy = rounds(acts, tmp_path)
    with pytest.raises(type(failure)):
        runner.converge(ADD, BASE, None)
