"""The read delay: reads answer a set time after taking their snapshot, so that two read-modify-write cycles overlap
on purpose (a lost update a client can be tested against)."""

import os
import subprocess
import sys
import threading
import time

import pytest
import requests

import sae_emulator as se

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELAY = 0.4


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def test_reads_are_delayed_and_writes_are_not(make_emulator, kit):
    emu = make_emulator(read_delay=DELAY)
    raw = kit.RawClient(emu)
    created = raw.create(kit.clb_fields())
    assert created.status_code == 200
    ingress_id = created.json()['Data']['IngressId']
    for call in (lambda: raw.describe(ingress_id), raw.list,
                 lambda: raw.call('ListGreyTagRoute', {'AppId': se.APP_WEB_ID})):
        response, took = timed(call)
        assert response.status_code == 200 and took >= DELAY, response.text
    raw.call('ListApplications', {})  # not a read of the state a module changes
    raw.describe(99999)  # a failed read answers at once
    # the log marks the delayed answers (writes, ListApplications and failed reads are not)
    assert [entry.get('read_delay') for entry in emu.log] == [None, DELAY, DELAY, DELAY, None, None]


def test_the_answer_is_the_snapshot_taken_before_the_delay(make_emulator, kit):
    emu = make_emulator(read_delay=DELAY)
    raw = kit.RawClient(emu)
    ingress_id = raw.create(kit.clb_fields(Description='before')).json()['Data']['IngressId']
    answers = {}
    reader = threading.Thread(target=lambda: answers.update(read=raw.describe(ingress_id)))
    reader.start()
    time.sleep(DELAY / 4)
    assert raw.update(ingress_id, {'Description': 'after'}).status_code == 200  # while the read waits
    reader.join(10)
    assert answers['read'].json()['Data']['Description'] == 'before'
    assert emu.ingresses[ingress_id]['Description'] == 'after'


def test_two_read_modify_write_cycles_overlap(make_emulator, kit):
    """Each writer reads the ingress, appends its own rule to what it read, and writes the list back: with the read
    delay both read the same list, so the second write drops the first writer's rule (a lost update)."""
    emu = make_emulator(read_delay=DELAY)
    raw = kit.RawClient(emu)
    ingress_id = raw.create(kit.clb_fields()).json()['Data']['IngressId']
    barrier = threading.Barrier(2)
    answers = []

    def writer(path):
        barrier.wait()
        rules = raw.describe(ingress_id).json()['Data']['Rules']
        wanted = [{'appId': rule['AppId'], 'containerPort': rule['ContainerPort'], 'domain': rule['Domain'],
                   'path': rule['Path']} for rule in rules]
        wanted.append({'appId': se.APP_ADMIN_ID, 'containerPort': 8080, 'domain': 'api.example.com', 'path': path})
        answers.append(raw.update(ingress_id, {'Rules': wanted}).status_code)

    threads = [threading.Thread(target=writer, args=(path,)) for path in ('/a', '/b')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == [200, 200]
    paths = [rule['Path'] for rule in emu.ingresses[ingress_id]['Rules']]
    assert len(paths) == 2 and paths[0] == '/v1' and paths[1] in ('/a', '/b')  # one writer's rule is lost
    reads = [entry for entry in emu.log if entry['operation'] == 'DescribeIngress']
    writes = [entry for entry in emu.log if entry['operation'] == 'UpdateIngress']
    assert max(entry['time'] for entry in reads) < min(entry['time'] for entry in writes)  # both read before a write


def test_read_delay_at_run_time(emu, raw, kit):
    assert emu.read_delay == 0 and emu.read_delay_operations == se.READ_OPERATIONS
    emu.read_delay = DELAY
    _response, took = timed(raw.list)
    assert took >= DELAY
    emu.set_read_delay(DELAY, operations=['ListApplications'])
    raw.list()
    assert 'read_delay' not in emu.log[-1]
    _response, took = timed(lambda: raw.call('ListApplications', {}))
    assert took >= DELAY and emu.log[-1]['read_delay'] == DELAY
    emu.set_read_delay(0)
    assert emu.read_delay_operations == se.READ_OPERATIONS
    raw.list()
    assert 'read_delay' not in emu.log[-1]
    for bad in (-1, 'soon', 4000):
        with pytest.raises(ValueError):
            emu.read_delay = bad
    with pytest.raises(ValueError):
        emu.set_read_delay(1, operations=['Nope'])


def test_read_delay_admin_endpoint(emu, raw):
    url = emu.url + '/_emulator/read-delay'
    assert requests.get(url, timeout=5).json() == {'seconds': 0.0, 'operations': list(se.READ_OPERATIONS)}
    answer = requests.put(url, params={'seconds': DELAY, 'operations': 'ListIngresses'}, timeout=5).json()
    assert answer == {'seconds': DELAY, 'operations': ['ListIngresses']}
    _response, took = timed(raw.list)
    assert took >= DELAY
    assert requests.put(url, params={'seconds': 'x'}, timeout=5).status_code == 400
    assert requests.put(url, params={'seconds': 0}, timeout=5).json()['seconds'] == 0.0


def test_read_delay_from_the_environment(monkeypatch):
    monkeypatch.setenv('SAE_EMULATOR_READ_DELAY', '0.25')
    assert se.Emulator(variants={}).read_delay == 0.25
    assert se.Emulator(variants={}, read_delay=0).read_delay == 0  # an explicit value wins
    monkeypatch.setenv('SAE_EMULATOR_READ_DELAY', 'slow')
    with pytest.raises(ValueError):
        se.Emulator(variants={})


def test_cli_read_delay(tmp_path):
    url_file = tmp_path / 'url'
    env = dict(os.environ, PYTHONPATH=TESTS_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    env.pop('SAE_EMULATOR_READ_DELAY', None)
    command = [sys.executable, '-m', 'sae_emulator', '--url-file', str(url_file), '--read-delay', '0.3']
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not url_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        url = url_file.read_text().strip()
        assert requests.get(url + '/_emulator/read-delay', timeout=5).json()['seconds'] == 0.3
    finally:
        process.terminate()
        stdout, _stderr = process.communicate(timeout=10)
    assert 'read delay: 0.3 s (DescribeIngress, ListIngresses, DescribeGreyTagRoute, ListGreyTagRoute)' in stdout
    bad = subprocess.run(command[:3] + ['--read-delay', 'soon'], env=env, capture_output=True, text=True, timeout=30,
                         check=False)
    assert bad.returncode == 2 and 'read delay' in bad.stderr
