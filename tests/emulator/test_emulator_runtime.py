"""Runtime behaviour: persistence, the CLI, HTTPS, the admin endpoint, keep-alive, concurrency."""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import types

import pytest
import requests
from alibabacloud_sae20190506 import models

import sae_emulator as se
from sae_emulator.__main__ import banner

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_state_file_shared_by_two_emulators(make_emulator, kit, tmp_path):
    state = str(tmp_path / 'state.json')
    first = make_emulator(state_file=state)
    raw = kit.RawClient(first)
    clb = raw.create(kit.clb_fields()).json()['Data']['IngressId']
    alb = raw.create(kit.alb_fields(SlbId=None, ListenerProtocol=None, CertIds=None)).json()['Data']['IngressId']
    assert raw.update(clb, {'RequestTimeout': 120}).status_code == 200
    provisioned = first.ingresses[alb]['SlbId']
    # A second emulator on the same file, while the first still runs, sees the same state.
    second = make_emulator(state_file=state)
    assert second.ingresses == first.ingresses
    assert second.ingresses[clb]['RequestTimeout'] == 120
    assert provisioned in second.inventory.slbs
    first.stop()
    raw2 = kit.RawClient(second)
    assert raw2.describe(alb).json()['Data']['SlbId'] == provisioned
    new_id = raw2.create(kit.clb_fields(ListenerPort=81)).json()['Data']['IngressId']
    assert new_id > alb
    assert raw2.delete(clb).status_code == 200
    third = make_emulator(state_file=state)
    assert sorted(third.ingresses) == [alb, new_id]
    with open(state, encoding='utf-8') as handle:
        assert json.load(handle)['version'] == 1


def _wait_for_file(path, process, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                content = handle.read().strip()
            if content:
                return content
        if process.poll() is not None:
            raise AssertionError('emulator exited early: %s' % (process.communicate(),))
        time.sleep(0.02)
    raise AssertionError('no url file after %s s' % timeout)


@pytest.mark.parametrize('signum, tls', [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGTERM, True)])
def test_cli(tmp_path, kit, signum, tls):
    url_file = str(tmp_path / 'url')
    state_file = str(tmp_path / 'state.json')
    ca_file = str(tmp_path / 'ca.pem')
    env = dict(os.environ, PYTHONPATH=TESTS_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''))
    command = [sys.executable, '-m', 'sae_emulator', '--host', '127.0.0.1', '--port', '0', '--url-file', url_file, '--state-file', state_file]
    if tls:
        command += ['--tls', '--ca-file', ca_file]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = _wait_for_file(url_file, process)
        assert url.startswith('https://127.0.0.1:' if tls else 'http://127.0.0.1:')
        verify = ca_file if tls else True
        health = requests.get(url + '/_emulator/health', timeout=5, verify=verify)
        assert health.status_code == 200 and health.json()['status'] == 'ok'
        remote = types.SimpleNamespace(url=url, endpoint=url.split('://', 1)[1], clock=time.time, tls=tls, ca_path=ca_file)
        response = kit.RawClient(remote).create(kit.clb_fields())
        assert response.status_code == 200, response.text
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert 'Traceback' not in stderr
    assert 'SAE emulator listening on %s' % url in stdout
    assert se.DEFAULT_ACCESS_KEY_ID in stdout and se.DEFAULT_ACCESS_KEY_SECRET in stdout and se.STS_SECURITY_TOKEN in stdout
    # what the account holds, for a playbook written against it
    for expected in ('namespaces: %s, %s' % (se.NAMESPACE_ID, se.OTHER_NAMESPACE_ID),
                     '%s  alb  internet' % se.ALB_INTERNET_ID, '%s  clb  intranet' % se.CLB_INTRANET_ID,
                     '%s  %s  %s  canary of %s (%s)' % (se.APP_WEB_CANARY_ID, se.APP_WEB_NAME, se.NAMESPACE_ID, se.APP_WEB_ID,
                                                        se.APP_WEB_NAME),
                     '%s  %s  %s\n' % (se.APP_STAGING_ID, se.APP_STAGING_NAME, se.OTHER_NAMESPACE_ID),
                     se.CLB_CERT_ID, se.ALB_CERT_ID_3):
        assert expected in stdout, expected
    assert not os.path.exists(url_file)
    with open(state_file, encoding='utf-8') as handle:
        assert len(json.load(handle)['ingresses']) == 1


def test_banner_lists_the_account(make_emulator):
    inventory = se.inventory.default_inventory()
    inventory['alb_certs'] = []
    emu = make_emulator(inventory=inventory)
    ingress_id = emu.seed_ingress(NamespaceId=se.NAMESPACE_ID, LoadBalanceType='alb', ListenerPort=80, Description='shop',
                                  DefaultRule={'appId': se.APP_WEB_ID, 'containerPort': 8080}, Rules=[])
    slb_id = emu.ingresses[ingress_id]['SlbId']
    lines = banner(emu)
    assert lines[0] == 'SAE emulator listening on %s' % emu.url
    assert '  endpoint (host:port): %s' % emu.endpoint in lines
    assert '    %s  alb  internet  (created by SAE)' % slb_id in lines
    assert '  ALB certificates (cert_ids): none' in lines
    assert '    %s  %s  %s:80  shop' % (ingress_id, se.NAMESPACE_ID, slb_id) in lines
    assert lines[-1].startswith('  variants: ')
    apps = lines[lines.index('  applications (id, name, namespace, canary of):') + 1:][:len(emu.inventory.apps)]
    assert [line.split()[0] for line in apps] == list(emu.inventory.apps)


def test_https(make_emulator, kit):
    emu = make_emulator(tls=True)
    assert emu.url.startswith('https://127.0.0.1:')
    assert os.path.exists(emu.ca_path)
    assert requests.get(emu.url + '/_emulator/health', verify=emu.ca_path, timeout=5).status_code == 200
    localhost = emu.url.replace('127.0.0.1', 'localhost')
    assert requests.get(localhost + '/_emulator/health', verify=emu.ca_path, timeout=5).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(emu.url + '/_emulator/health', timeout=5)
    raw = kit.RawClient(emu)
    assert raw.create(kit.clb_fields()).status_code == 200
    client = kit.sdk_client(emu)
    assert client.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID)).body.data.total_size == 1
    ca_path = emu.ca_path
    emu.stop()
    assert not os.path.exists(ca_path)


def test_admin_endpoints(emu, raw, kit):
    ingress_id = raw.create(kit.clb_fields()).json()['Data']['IngressId']
    log = requests.get(emu.url + '/_emulator/log', timeout=5).json()
    assert log == emu.log and log[0]['operation'] == 'CreateIngress'
    state = requests.get(emu.url + '/_emulator/ingresses', timeout=5).json()
    assert state == {str(ingress_id): emu.ingresses[ingress_id]}
    health = requests.get(emu.url + '/_emulator/health', timeout=5).json()
    assert health == {'status': 'ok', 'region': se.REGION, 'ingresses': 1, 'grey_tag_routes': 0}
    assert requests.get(emu.url + '/_emulator/other', timeout=5).status_code == 404
    assert requests.post(emu.url + '/_emulator/log', timeout=5).status_code == 404
    assert requests.delete(emu.url + '/_emulator/ingresses', timeout=5).status_code == 404
    assert len(emu.log) == 1  # admin requests are not API calls
    emu.clear_log()
    assert emu.log == [] and emu.calls() == []


def test_keep_alive_and_content_length(emu, raw):
    connection = http.client.HTTPConnection('127.0.0.1', emu.port, timeout=5)
    try:
        sockets = set()
        for attempt in range(3):
            request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID, 'CurrentPage': attempt + 1})
            connection.request(request.method, request.path + '?' + request.raw_query, headers=request.headers)
            response = connection.getresponse()
            payload = response.read()
            assert response.status == 200
            assert int(response.getheader('Content-Length')) == len(payload)
            assert response.getheader('Content-Type') == 'application/json;charset=utf-8'
            assert response.getheader('x-acs-request-id') == json.loads(payload)['RequestId']
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
        # An error keeps the connection usable too.
        request = raw.prepare('DescribeIngress', {'IngressId': 1})
        connection.request(request.method, request.path + '?' + request.raw_query, headers=request.headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 400 and len(sockets | {id(connection.sock)}) == 1
    finally:
        connection.close()


def test_concurrent_writes(emu, kit):
    failures = []

    def worker(offset):
        session = requests.Session()
        raw = kit.RawClient(emu)
        for n in range(5):
            response = raw.create(kit.clb_fields(ListenerPort=2000 + offset * 10 + n, Description='w%d-%d' % (offset, n)))
            if response.status_code != 200:
                failures.append(response.text)
        session.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(emu.ingresses) == 40
    assert sorted(entry['seq'] for entry in emu.log) == list(range(1, 41))
    assert len({entry['ingress_id'] for entry in emu.write_calls()}) == 40


def test_stop_closes_idle_connections(make_emulator, kit):
    emu = make_emulator()
    session = requests.Session()
    raw = kit.RawClient(emu)
    assert raw.send(raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}), session=session).status_code == 200
    request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID})
    emu.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        raw.send(request, session=session)


def test_server_work_per_request_is_small(emu, raw, kit):
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    session = requests.Session()
    request_count = 200
    cpu_times = []
    original = emu.handle_http

    def timed(handler):
        started = time.thread_time()  # CPU of the handler thread: immune to the client sharing the GIL
        original(handler)
        cpu_times.append(time.thread_time() - started)

    emu.handle_http = timed
    requests_to_send = [raw.prepare('DescribeIngress', {'IngressId': ingress_id}, nonce='n-%d' % count) for count in range(request_count)]
    for request in requests_to_send:
        assert raw.send(request, session=session).status_code == 200
    cpu_times.sort()
    assert cpu_times[request_count // 2] < 0.001, cpu_times[request_count // 2]
