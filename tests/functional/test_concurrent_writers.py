# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tasks that merge their rules into one ingress at the same moment (purge_rules: false). UpdateIngress replaces the
whole rule list, so two read-merge-write cycles that overlap lose the first writer's rule unless the writers take turns
(one controller: the host's lock of the ingress) or read their write back and write again (several controllers).

The emulator delays its ListIngresses answers so that the writers' reads overlap on purpose; the request log counts
the calls. A writer is a module process; writers of one controller share its temporary directory (where the lock
lives), writers of different controllers do not."""

from __future__ import annotations

import collections
import threading

import pytest

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import CLB, NS, seed, task  # pylint: disable=import-error

# Exact call counts, as the documented service answers (with TotalSize).
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)

OVERLAP = 1.0  # seconds each ListIngresses answer waits: writers that start within it read the same rule list
READBACK = '0.5'  # the modules' wait before a read-back (_SAE_READBACK_DELAY), longer than the writers' skew
BASE = [('www.example.com', '/'), ('www.example.com', '/api')]


def team(index):
    return {'domain': 'team%d.example.com' % index, 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 8080}


def merge(rules):
    return {'namespace_id': NS, 'name': 'web', 'purge_rules': False, 'rules': rules}


def live_rules(emulator, ingress_id):
    return [(rule['Domain'], rule['Path']) for rule in emulator.ingresses[ingress_id]['Rules']]


def counts(emulator):
    return dict(collections.Counter(harness.operations(emulator)))


def warm_up(tmp_path, emulator, count):
    """``count`` module processes at once, failing before any call: the launchers they fork from are ready, so that
    the writers start within a moment of each other."""
    bad = merge([{'path': '/', 'state': 'absent'}])  # needs domain: fails before any call
    threads = [threading.Thread(target=harness.run_tasks, args=(tmp_path / ('warm-%d' % i), [task(bad)]),
                                kwargs=dict(emulator=emulator, name='warm')) for i in range(count)]
    for i, thread in enumerate(threads):
        (tmp_path / ('warm-%d' % i)).mkdir()
        thread.start()
    for thread in threads:
        thread.join()
    assert emulator.log == []


def writers(tmp_path, emulator, tasks, one_controller):
    """Each task's module at once, as the hosts of one play (``one_controller``: one temporary directory for all,
    else one each); their results in order."""
    warm_up(tmp_path, emulator, len(tasks))
    emulator.clear_log()
    emulator.set_read_delay(OVERLAP, operations=['ListIngresses'])
    results = [None] * len(tasks)
    start = threading.Barrier(len(tasks))

    def one(index):
        directory = tmp_path / ('writer-%d' % index)
        directory.mkdir()
        tmpdir = tmp_path / 'controller' if one_controller else directory / 'controller'
        tmpdir.mkdir(exist_ok=True)
        start.wait()
        results[index] = harness.run_tasks(directory, [task(tasks[index])], emulator=emulator, name='writer',
                                           env={'TMPDIR': str(tmpdir), '_SAE_READBACK_DELAY': READBACK}).result

    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    emulator.set_read_delay(0)
    return results


def warnings(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings') or []]


def dropped_warnings(result):
    return [warning for warning in warnings(result) if 'dropped rules of this task' in warning]


@pytest.mark.parametrize('count', [2, 5])
def test_writers_on_one_controller_take_turns(tmp_path, emulator, count):
    """Writers adding (even) or removing (odd) their own rule: each that had to wait for the lock reads the ingress
    again, so no write drops another's rule, and no read-back finds one missing."""
    removed = [('old%d.example.com' % i, '/') for i in range(count) if i % 2]
    ingress_id = seed(emulator, dict(CLB, rules=CLB['rules'] + [
        {'domain': domain, 'path': path, 'app_id': inv.APP_API_ID, 'container_port': 8080} for domain, path in removed]))
    tasks = [merge([team(i)]) if i % 2 == 0 else merge([{'domain': 'old%d.example.com' % i, 'path': '/',
                                                         'state': 'absent'}]) for i in range(count)]
    results = writers(tmp_path, emulator, tasks, one_controller=True)
    assert all(result['changed'] and not result['failed'] for result in results), results
    added = [('team%d.example.com' % i, '/') for i in range(count) if i % 2 == 0]
    assert sorted(live_rules(emulator, ingress_id)) == sorted(BASE + added)
    # One listing and one update each; one DescribeIngress each to read the write back, and one more for each writer
    # that took its turn after another (the first one's listing is still current).
    assert counts(emulator) == {'ListIngresses': count, 'UpdateIngress': count, 'DescribeIngress': 2 * count - 1}
    assert not any(dropped_warnings(result) for result in results), results


OLD = {'domain': 'old.example.com', 'path': '/', 'app_id': inv.APP_API_ID, 'container_port': 8080}


@pytest.mark.parametrize('first', ['adds', 'removes'])
def test_writers_on_two_controllers_repair_the_lost_rule(tmp_path, emulator, first):
    """Two controllers, no shared lock: both read the same list, and the second write undoes the first writer's
    change (drops the rule it added, or brings back the rule it removed); that writer's read-back finds it, merges
    and writes again."""
    ingress_id = seed(emulator, dict(CLB, rules=CLB['rules'] + [OLD]))
    change = merge([team(0)]) if first == 'adds' else merge([dict(OLD, state='absent')])
    results = writers(tmp_path, emulator, [change, merge([team(1)])], one_controller=False)
    assert all(result['changed'] and not result['failed'] for result in results), results
    kept = [('old.example.com', '/')] if first == 'adds' else []
    added = [('team0.example.com', '/')] if first == 'adds' else []
    assert sorted(live_rules(emulator, ingress_id)) == sorted(BASE + kept + added + [('team1.example.com', '/')])
    # Both lost-update writes, one repair; a read-back after each of the three.
    assert counts(emulator) == {'ListIngresses': 2, 'UpdateIngress': 3, 'DescribeIngress': 3}
    repaired = [result for result in results if dropped_warnings(result)]
    assert len(repaired) == 1, results
    assert repaired[0]['ingress']['rules'] and len(repaired[0]['ingress']['rules']) == len(BASE + kept + added) + 1


def test_a_rule_another_writer_keeps_dropping_fails_the_task(run_tasks, emulator):
    """A writer that drops the task's rule after each of its updates: three updates, three read-backs, then a failure
    that names the rule instead of a success."""
    ingress_id = seed(emulator)
    emulator.clear_log()
    original = [{'appId': inv.APP_WEB_ID, 'containerPort': 8080, 'domain': 'www.example.com', 'path': '/'},
                {'appId': inv.APP_API_ID, 'containerPort': 8443, 'domain': 'www.example.com', 'path': '/api'}]
    stop = threading.Event()

    def other_writer():
        seen = 0
        while not stop.wait(0.005):
            updates = len(emulator.calls('UpdateIngress'))
            if updates > seen:
                seen = updates
                emulator.modify_ingress(ingress_id, Rules=original)

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        result = run_tasks(task(merge([team(0)])), env={'_SAE_READBACK_DELAY': '0.2'}).result
    finally:
        stop.set()
        thread.join()
    assert result['failed'] and result['changed'], result
    assert result['msg'].startswith('Ingress %d: after 3 updates of its rule list, rules of this task are still not as '
                                    'it wrote them: team0.example.com / (missing). Another writer keeps replacing the '
                                    'rule list' % ingress_id), result
    assert harness.operations(emulator) == ['ListIngresses'] + ['UpdateIngress', 'DescribeIngress'] * 3
    assert len(dropped_warnings(result)) == 2


def test_purge_rules_true_owns_the_list_without_lock_or_read_back(run_tasks, emulator):
    ingress_id = seed(emulator)
    emulator.clear_log()
    result = run_tasks(task(dict(CLB, rules=CLB['rules'][:1]))).result
    assert result['changed'], result
    assert harness.operations(emulator) == ['ListIngresses', 'UpdateIngress']
    assert live_rules(emulator, ingress_id) == BASE[:1]


def test_a_merge_reads_back_once_and_a_no_op_reads_nothing(run_tasks, emulator):
    seed(emulator)
    emulator.clear_log()
    args = merge([team(0)])
    run = run_tasks([task(args, check_mode=True), task(args), task(args)], env={'_SAE_READBACK_DELAY': '0'})
    check, changed, again = run.results
    assert check['changed'] and changed['changed'] and not again['changed'], run
    # check mode: the listing alone; the update: one read-back; the same task again: the listing alone
    assert harness.operations(emulator) == ['ListIngresses', 'ListIngresses', 'UpdateIngress', 'DescribeIngress',
                                            'ListIngresses']
    assert check['ingress'] == changed['ingress']


def test_an_entry_of_sae_ingresses_that_merges_rules_reads_its_update_back(run_tasks, emulator):
    """The read-back is a DescribeIngress of its own, never the answer the task's plan read before the write."""
    ingress_id = seed(emulator)
    emulator.clear_log()
    entry = dict(merge([team(0)]), enable_gzip=True)  # not in a ListIngresses row: the plan describes the ingress
    del entry['namespace_id']
    result = run_tasks(task({'namespace_id': NS, 'ingresses': [entry]}, module='alibabacloud.sae.sae_ingresses'),
                       env={'_SAE_READBACK_DELAY': '0'}).result
    assert result['changed'] and not result['failed'], result
    assert harness.operations(emulator) == ['ListIngresses', 'DescribeIngress', 'UpdateIngress', 'DescribeIngress']
    assert sorted(live_rules(emulator, ingress_id)) == sorted(BASE + [('team0.example.com', '/')])
