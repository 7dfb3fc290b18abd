"""Flow control (a token bucket per access key and per operation) and outages, observed from a client."""

import os
import subprocess
import sys
import time

import pytest
import requests

import sae_emulator as se
from sae_emulator.errors import THROTTLING_USER, WITH_MESSAGE
from sae_emulator.flow_control import FlowControl, parse_limit

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def admitted(flow, operation, times, key='key'):
    return [flow.admit(key, operation) for _attempt in range(times)]


def test_token_bucket_per_key_and_operation():
    clock = Clock()
    flow = FlowControl(clock=clock)
    assert flow.admit('key', 'ListIngresses')  # off: everything passes
    flow.set(2, burst=3)
    assert admitted(flow, 'ListIngresses', 4) == [True, True, True, False]
    # another operation and another key have buckets of their own
    assert flow.admit('key', 'DescribeIngress') and flow.admit('other-key', 'ListIngresses')
    clock.now += 0.5  # one token back at 2 a second
    assert admitted(flow, 'ListIngresses', 2) == [True, False]
    clock.now += 60  # never more than the burst
    assert admitted(flow, 'ListIngresses', 4) == [True, True, True, False]
    assert flow.throttled == {'ListIngresses': 3}
    flow.set(1, burst=1, operation='CreateIngress')  # an operation's own limit wins over the default
    assert admitted(flow, 'CreateIngress', 2) == [True, False]
    flow.off()
    assert all(admitted(flow, 'ListIngresses', 10))


@pytest.mark.parametrize('text, parsed', [
    ('10', (None, 10.0, 10.0)), ('10/20', (None, 10.0, 20.0)), ('0.5', (None, 0.5, 1.0)),
    ('ListIngresses=5/2', ('ListIngresses', 5.0, 2.0)),
])
def test_parse_limit(text, parsed):
    assert parse_limit(text) == parsed


@pytest.mark.parametrize('text', ['', 'fast', '0', '10/0', 'Nope=1', 'ListIngresses=x'])
def test_parse_limit_refuses(text):
    with pytest.raises(ValueError):
        parse_limit(text)


def test_throttled_requests_answer_throttling_user_and_apply_nothing(make_emulator, kit):
    emu = make_emulator(rate_limits=['CreateIngress=0.001/1'])
    raw = kit.RawClient(emu)
    assert raw.create(kit.clb_fields()).status_code == 200
    body = kit.assert_error(raw.create(kit.clb_fields(ListenerPort=81)), 400, THROTTLING_USER)
    assert body['Message'] == 'Request was denied due to user flow control.' and 'ErrorCode' not in body
    assert raw.list().status_code == 200  # no limit on ListIngresses
    sts = kit.RawClient(emu, key_id=se.STS_ACCESS_KEY_ID, secret=se.STS_ACCESS_KEY_SECRET, token=se.STS_SECURITY_TOKEN)
    assert sts.create(kit.clb_fields(ListenerPort=82)).status_code == 200  # a bucket of its own
    assert len(emu.ingresses) == 2
    throttled = [entry for entry in emu.log if entry['code'] == THROTTLING_USER]
    assert [(e['operation'], e['applied'], e.get('flow_control'), e['fault']) for e in throttled] == [
        ('CreateIngress', False, True, None)]
    # a throttled request consumes no fault
    fault = emu.faults.arm('internal', operation='CreateIngress')
    kit.assert_error(raw.create(kit.clb_fields(ListenerPort=83)), 400, THROTTLING_USER)
    assert fault.hits == 0


def test_flow_control_admin_endpoint(emu, raw, kit):
    url = emu.url + '/_emulator/flow-control'
    assert requests.get(url, timeout=5).json() == {
        'limits': {}, 'account': None, 'window': 'sliding', 'refused_calls_count': 'no', 'throttled': {},
        'account_throttled': 0}
    answer = requests.put(url, params={'limit': 'ListIngresses=0.001/1'}, timeout=5)
    assert answer.json()['limits'] == {'ListIngresses': {'rate': 0.001, 'burst': 1.0}}
    assert raw.list().status_code == 200
    kit.assert_error(raw.list(), 400, THROTTLING_USER)
    assert requests.get(url, timeout=5).json()['throttled'] == {'ListIngresses': 1}
    assert requests.put(url, params={'limit': 'fast'}, timeout=5).status_code == 400
    assert requests.put(url, timeout=5).status_code == 400
    assert requests.delete(url, timeout=5).json()['limits'] == {}
    assert raw.list().status_code == 200
    # the account-wide limit: set, refused above it, switched off
    answer = requests.put(url, params={'account': '1/3600'}, timeout=5).json()
    assert answer['account'] == {'calls': 1, 'window': 3600.0, 'burst': None}
    kit.assert_error(raw.describe(1), 400, WITH_MESSAGE)  # admitted (an unknown ingress) and counted
    kit.assert_error(raw.list(), 400, THROTTLING_USER)
    assert requests.get(url, timeout=5).json()['account_throttled'] == 1
    assert requests.put(url, params={'account': '0/60'}, timeout=5).status_code == 400
    assert requests.put(url, params={'account': 'off'}, timeout=5).json()['account'] is None
    assert raw.list().status_code == 200


def test_cli_rate_limit(tmp_path, kit):
    url_file = tmp_path / 'url'
    env = dict(os.environ, PYTHONPATH=TESTS_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    command = [sys.executable, '-m', 'sae_emulator', '--url-file', str(url_file), '--rate-limit', 'ListIngresses=0.001/2']
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not url_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        url = url_file.read_text().strip()
        limits = requests.get(url + '/_emulator/flow-control', timeout=5).json()['limits']
        assert limits == {'ListIngresses': {'rate': 0.001, 'burst': 2.0}}
    finally:
        process.terminate()
        stdout, _stderr = process.communicate(timeout=10)
    assert 'flow control: ListIngresses=0.001/2' in stdout
    bad = subprocess.run(command[:3] + ['--rate-limit', 'fast'], env=env, capture_output=True, text=True, timeout=30,
                         check=False)
    assert bad.returncode == 2 and 'RATE[/BURST]' in bad.stderr


def test_pause_refuses_connections_and_resume_keeps_port_and_state(emu, raw, kit):
    raw.create(kit.clb_fields())
    port = emu.port
    emu.pause()
    assert emu.paused
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(emu.url + '/_emulator/health', timeout=5)
    emu.resume()
    assert not emu.paused and emu.port == port
    assert requests.get(emu.url + '/_emulator/health', timeout=5).json()['ingresses'] == 1
    assert raw.list().status_code == 200
