"""Flow control (a token bucket per access key and per operation, and the account-wide limit SAE documents: 60 calls
a minute) and outages, observed from a client."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

import sae_emulator as se
from sae_emulator.errors import THROTTLING_USER, WITH_MESSAGE
from sae_emulator.flow_control import ACCOUNT_LIMIT, OPERATION_LIMIT, FlowControl, parse_account_limit, parse_limit

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


def test_an_outage_counts_the_requests_it_cut_before_the_log_had_them(emu):
    # a request whose body is still on its way when the outage comes, and a connection opened for a request not sent
    # yet: each a request its client will get no answer to, never in the log
    host, port = emu.url.split('//')[1].split(':')
    sending = socket.create_connection((host, int(port)), timeout=5)
    opened = socket.create_connection((host, int(port)), timeout=5)
    try:
        sending.sendall(b'POST /pop/v1/sam/ingress/Ingress HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nNames')
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (len(emu._server._connections) == 2 and any(
                handler for handler in emu._server._connections.values())):
            time.sleep(0.01)  # until the emulator has both connections and the request line
        emu.clear_log()
        emu.pause()
        assert sending.recv(100) == b'' and opened.recv(100) == b''  # cut, no answer
    finally:
        sending.close()
        opened.close()
        emu.resume()
    assert emu.log == [] and emu.cut_requests == 2
    emu.clear_log()
    assert emu.cut_requests == 0


# ---------------------------------------------------------------- the account-wide limit (SAE: 60 calls a minute)

def account_flow(window, refused='no', calls=3, period=10.0, burst=None):
    clock = Clock()
    flow = FlowControl(clock=clock, window=window, refused_calls_count=refused)
    flow.set_account(calls, period, burst=burst)
    return flow, clock


def mixed(flow, times, keys=('key', 'other-key')):
    """`times` calls spread over several operations and access keys."""
    operations = ('ListIngresses', 'DescribeIngress', 'CreateGreyTagRoute', 'ListApplications')
    return [flow.admit(keys[index % len(keys)], operations[index % len(operations)]) for index in range(times)]


def test_account_limit_spans_operations_and_access_keys():
    flow, _clock = account_flow('sliding')
    assert mixed(flow, 4) == [True, True, True, False]
    assert flow.account_throttled == 1 and flow.throttled == {'ListApplications': 1}
    assert flow.check('key', 'UpdateIngress') == ACCOUNT_LIMIT
    assert flow.account_limit == {'calls': 3, 'window': 10.0, 'burst': None} and flow.enabled
    flow.set_account(None)
    assert not flow.enabled and all(mixed(flow, 10))


def test_account_window_sliding():
    flow, clock = account_flow('sliding')
    assert mixed(flow, 2) == [True, True]
    clock.now += 6
    assert mixed(flow, 2) == [True, False]  # 3 in the last 10 s
    clock.now += 4.5  # the first two left the window, the third not yet
    assert mixed(flow, 3) == [True, True, False]
    clock.now += 10
    assert mixed(flow, 4) == [True, True, True, False]


def test_account_window_fixed_starts_again_at_each_multiple():
    flow, clock = account_flow('fixed')
    clock.now = 109.0  # window [100, 110)
    assert mixed(flow, 4) == [True, True, True, False]
    clock.now = 110.0  # a new window: a burst of twice the limit across the boundary
    assert mixed(flow, 4) == [True, True, True, False]
    clock.now = 119.9
    assert mixed(flow, 1) == [False]


def test_account_window_bucket_refills_at_the_average_rate():
    flow, clock = account_flow('bucket', burst=2)  # 3 calls per 10 s: a token every 3.33 s, at most 2 held
    assert mixed(flow, 3) == [True, True, False]
    clock.now += 3.4
    assert mixed(flow, 2) == [True, False]
    clock.now += 100
    assert mixed(flow, 3) == [True, True, False]
    default, _clock = account_flow('bucket')  # the burst defaults to the whole quota
    assert mixed(default, 4) == [True, True, True, False]


@pytest.mark.parametrize('window', ['sliding', 'fixed', 'bucket'])
def test_refused_calls_count(window):
    """A client that calls once a second against 3 calls per 10 s: refused calls that count keep it refused."""
    results = {}
    for refused in ('no', 'yes'):
        flow, clock = account_flow(window, refused)
        clock.now = 100.0
        answers = []
        for _second in range(30):
            answers.append(flow.admit('key', 'ListIngresses'))
            clock.now += 1
        results[refused] = answers.count(True)
    assert results['no'] >= 9  # about 3 every 10 s
    if window == 'fixed':
        assert results['yes'] == results['no']  # the count starts again at each boundary either way
    else:
        assert results['yes'] == 3  # never again while the calls keep coming


def test_refused_calls_count_recovers_after_a_pause():
    flow, clock = account_flow('sliding', 'yes')
    assert mixed(flow, 6) == [True, True, True, False, False, False]
    clock.now += 10.01  # the window empties: counted refusals leave it too
    assert mixed(flow, 4) == [True, True, True, False]


def test_per_operation_limits_and_the_account_limit_together():
    flow, _clock = account_flow('sliding', calls=5)
    flow.set(1, burst=1, operation='ListIngresses')
    assert flow.check('key', 'ListIngresses') is None
    assert flow.check('key', 'ListIngresses') == OPERATION_LIMIT  # not charged to the account (refused_calls_count=no)
    assert [flow.admit('key', 'DescribeIngress') for _attempt in range(5)] == [True] * 4 + [False]
    assert flow.throttled == {'ListIngresses': 1, 'DescribeIngress': 1} and flow.account_throttled == 1
    flow.off()
    assert flow.account_limit is None and flow.limits == {}


@pytest.mark.parametrize('text, parsed', [
    ('60', (60, 60.0, None)), ('60/60', (60, 60.0, None)), ('10/2.5', (10, 2.5, None)), ('60/60/5', (60, 60.0, 5.0)),
])
def test_parse_account_limit(text, parsed):
    assert parse_account_limit(text) == parsed


@pytest.mark.parametrize('text', ['', 'x', '0', '-1/60', '60/0', '60/x', '60/60/0', '1.5/60', '60/60/5/1'])
def test_parse_account_limit_refuses(text):
    with pytest.raises(ValueError):
        parse_account_limit(text)


def test_flow_control_settings_refuse_unknown_values():
    with pytest.raises(ValueError):
        FlowControl(window='leaky')
    with pytest.raises(ValueError):
        FlowControl(refused_calls_count=True)
    with pytest.raises(ValueError):
        FlowControl().set_account(0)
    with pytest.raises(ValueError):
        FlowControl().set('CreateIngress', operation='Nope')


def test_sae_documented_limit_end_to_end(make_emulator, kit):
    """SAE's 60 calls a minute, all operations and keys together: the 61st call of the minute is refused with
    Throttling.User, applies nothing, and is logged as refused by the account-wide limit."""
    emu = make_emulator()
    clock = Clock()
    emu.flow_control = FlowControl(clock=clock)
    emu.flow_control.set_account(*se.SAE_ACCOUNT_LIMIT)
    raw = kit.RawClient(emu)
    sts = kit.RawClient(emu, key_id=se.STS_ACCESS_KEY_ID, secret=se.STS_ACCESS_KEY_SECRET, token=se.STS_SECURITY_TOKEN)
    assert raw.create(kit.clb_fields()).status_code == 200
    for index in range(59):
        client = sts if index % 2 else raw
        response = client.list() if index % 3 else client.call('ListApplications', {})
        assert response.status_code == 200, (index, response.text)
    body = kit.assert_error(sts.create(kit.clb_fields(ListenerPort=81)), 400, THROTTLING_USER)
    assert body['Message'] == 'Request was denied due to user flow control.'
    assert len(emu.ingresses) == 1
    refused = emu.log[-1]
    assert (refused['operation'], refused['applied'], refused['flow_control'], refused['flow_limit']) == (
        'CreateIngress', False, True, 'account')
    clock.now += 60
    assert sts.create(kit.clb_fields(ListenerPort=81)).status_code == 200


def test_account_limit_from_the_emulator_its_variants_and_the_environment(make_emulator, kit, monkeypatch):
    emu = make_emulator(account_limit='2/3600', variants={'flow_window': 'fixed', 'refused_calls_count': 'yes'})
    assert emu.flow_control.account_limit == {'calls': 2, 'window': 3600.0, 'burst': None}
    assert (emu.flow_control.window, emu.flow_control.refused_calls_count) == ('fixed', 'yes')
    # a FlowControl given later takes the emulator's variants where it sets none, and keeps its own otherwise
    emu.flow_control = FlowControl(clock=Clock())
    assert (emu.flow_control.window, emu.flow_control.refused_calls_count) == ('fixed', 'yes')
    emu.flow_control = FlowControl(window='bucket', refused_calls_count='no')
    assert (emu.flow_control.window, emu.flow_control.refused_calls_count) == ('bucket', 'no')
    assert make_emulator(account_limit=(5, 1.0)).flow_control.account_limit['calls'] == 5
    monkeypatch.setenv('SAE_EMULATOR_ACCOUNT_LIMIT', '1/3600')
    from_env = make_emulator()
    assert from_env.flow_control.account_limit == {'calls': 1, 'window': 3600.0, 'burst': None}
    raw = kit.RawClient(from_env)
    assert raw.list().status_code == 200
    kit.assert_error(raw.call('DescribeGreyTagRoute', {'GreyTagRouteId': 1}), 400, THROTTLING_USER)
    monkeypatch.setenv('SAE_EMULATOR_ACCOUNT_LIMIT', 'lots')
    with pytest.raises(ValueError):
        se.Emulator(variants={})


def test_cli_account_limit(tmp_path):
    url_file = tmp_path / 'url'
    env = dict(os.environ, PYTHONPATH=TESTS_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    command = [sys.executable, '-m', 'sae_emulator', '--url-file', str(url_file), '--account-limit', '60/60',
               '--variant', 'refused_calls_count=yes']
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not url_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        url = url_file.read_text().strip()
        state = requests.get(url + '/_emulator/flow-control', timeout=5).json()
        assert state['account'] == {'calls': 60, 'window': 60.0, 'burst': None}
        assert (state['window'], state['refused_calls_count']) == ('sliding', 'yes')
    finally:
        process.terminate()
        stdout, _stderr = process.communicate(timeout=10)
    assert 'account limit: 60 calls per 60 s (window sliding, refused calls count: yes)' in stdout
    bad = subprocess.run(command[:3] + ['--account-limit', '0/60'], env=env, capture_output=True, text=True, timeout=30,
                         check=False)
    assert bad.returncode == 2 and 'CALLS' in bad.stderr
