# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import socket
import ssl
import struct
import threading
import time
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _host_state, _http, _http_pace, _http_retry, _pacer, _version
from ansible_collections.alibabacloud.sae.plugins.module_utils._http import HttpClient, Operation
from ansible_collections.alibabacloud.sae.plugins.module_utils._http_errors import (
    AcsCallError as SaeApiError,
    AcsUnknownOutcomeError as SaeUnknownOutcomeError,
)

sdk_utils = pytest.importorskip('alibabacloud_tea_openapi.utils')

POST_OP = Operation('CreateIngress', 'POST', '/pop/v1/sam/ingress/Ingress', ('Rules',))
PUT_OP = Operation('UpdateIngress', 'PUT', '/pop/v1/sam/ingress/Ingress', ('Rules',))
GET_OP = Operation('DescribeIngress', 'GET', '/pop/v1/sam/ingress/Ingress', ())
DELETE_OP = Operation('DeleteIngress', 'DELETE', '/pop/v1/sam/ingress/Ingress', ())
LIST_OP = Operation('ListIngresses', 'GET', '/pop/v1/sam/ingress/IngressList', ())
OPS = {'POST': POST_OP, 'PUT': PUT_OP, 'GET': GET_OP, 'DELETE': DELETE_OP}

VERSION = '2019-05-06'
SECRET = 'sEcReT-value-123'
TOKEN = 'sts-token-value-456'
OK = ('json', 200, {'RequestId': 'req-ok', 'Code': '200', 'Message': 'success', 'Success': True, 'Data': {'IngressId': 7}})


def error_answer(status, code, message='failed', error_code=None, request_id='req-err'):
    body = {'RequestId': request_id, 'Code': code, 'Message': message, 'Success': False}
    if error_code is not None:
        body['ErrorCode'] = error_code
    return ('json', status, body)


class Creds:
    """Credentials object counting get() calls."""

    def __init__(self, token=None):
        self.token = token
        self.calls = 0

    def get(self):
        self.calls += 1
        return 'test-id', SECRET, self.token


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def setup(self):
        super().setup()
        with self.server.lock:
            self.server.connections += 1
        self._dead = False

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        parts = urlsplit(self.path)
        with self.server.lock:
            self.server.requests.append(types.SimpleNamespace(
                method=self.command, target=self.path, path=parts.path, raw_query=parts.query,
                query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                body=body, headers={k.lower(): v for k, v in self.headers.items()}))
            action = self.server.script.pop(0) if self.server.script else OK
        kind = action[0]
        if kind == 'sleep':
            time.sleep(action[1])
            action = action[2]
            kind = action[0]
        if kind == 'reset':
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.close()
            self._dead = True
            self.close_connection = True
            return
        if kind == 'close':
            self.connection.shutdown(socket.SHUT_RDWR)
            self._dead = True
            self.close_connection = True
            return
        if kind == 'json':
            payload = json.dumps(action[2]).encode('utf-8')
            content_type = 'application/json;charset=utf-8'
        else:
            payload = action[2].encode('utf-8')
            content_type = 'text/html'
        self.send_response(action[1])
        for name, value in (action[3] if len(action) > 3 else {}).items():
            self.send_header(name, value)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def finish(self):
        if self._dead:
            return
        try:
            super().finish()
        except OSError:
            pass


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), _Handler)
        self.lock = threading.Lock()
        self.script = []
        self.requests = []
        self.connections = 0

    def handle_error(self, request, client_address):
        pass

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]


@pytest.fixture
def server():
    srv = ScriptedServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(server, sleeps):
    """A client whose waits are recorded in `sleeps` instead of slept; its clock is the sum of the waits."""
    def factory(**kwargs):
        kwargs.setdefault('credentials', Creds())
        kwargs.setdefault('version', VERSION)
        kwargs.setdefault('timeout', 2)
        kwargs.setdefault('sleep', sleeps.append)
        kwargs.setdefault('clock', lambda: sum(sleeps))
        endpoint = kwargs.pop('endpoint', server.url)
        return HttpClient(endpoint, **kwargs)
    return factory


def verify_signature(req, secret=SECRET):
    """Recompute the Authorization header of a recorded request with the official SDK."""
    auth = req.headers['authorization']
    match = re.match(r'^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$', auth)
    assert match, auth
    signed = match.group(2).split(';')
    sdk_request = types.SimpleNamespace(
        pathname=req.path, method=req.method, query=req.query, headers={name: req.headers[name] for name in signed})
    expected = sdk_utils.Utils.get_authorization(
        sdk_request, 'ACS3-HMAC-SHA256', hashlib.sha256(req.body).hexdigest(), match.group(1), secret)
    assert auth == expected
    return signed


# -- request building -------------------------------------------------------------------------

def test_query_and_body_placement_and_encoding(server, make_client):
    rules = [{'appId': 'app-1', 'containerPort': 8080, 'domain': 'www.example.com', 'path': '/'}]
    result = make_client().call(POST_OP, {
        'NamespaceId': 'cn-beijing:demo',
        'Description': 'my ingress 测试 *~+&=',
        'ListenerPort': 443,
        'EnableGzip': True,
        'EnableXForwardedFor': False,
        'DefaultRule': {'appId': 'app-1', 'containerPort': 80},
        'CertId': '',
        'SlbId': None,
        'Rules': rules,
    })
    assert result['Data'] == {'IngressId': 7}
    (req,) = server.requests
    assert req.method == 'POST' and req.path == '/pop/v1/sam/ingress/Ingress'
    assert req.query == {
        'NamespaceId': 'cn-beijing:demo',
        'Description': 'my ingress 测试 *~+&=',
        'ListenerPort': '443',
        'EnableGzip': 'true',
        'EnableXForwardedFor': 'false',
        'DefaultRule': '{"appId":"app-1","containerPort":80}',
        'CertId': '',
    }
    assert '+' not in req.raw_query and '%20' in req.raw_query
    assert parse_qs(req.body.decode('utf-8')) == {'Rules': [json.dumps(rules, separators=(',', ':'))]}
    assert req.headers['content-type'] == 'application/x-www-form-urlencoded'
    assert req.headers['x-acs-content-sha256'] == hashlib.sha256(req.body).hexdigest()


def test_headers_and_signature(server, make_client):
    make_client().call(GET_OP, {'IngressId': 12})
    (req,) = server.requests
    assert req.query == {'IngressId': '12'}
    assert req.body == b''
    headers = req.headers
    assert headers['host'] == '127.0.0.1:%d' % server.server_address[1]
    assert headers['x-acs-action'] == 'DescribeIngress'
    assert headers['x-acs-version'] == '2019-05-06'
    assert headers['accept'] == 'application/json'
    assert 'content-type' not in headers
    assert 'x-acs-security-token' not in headers
    assert headers['x-acs-content-sha256'] == hashlib.sha256(b'').hexdigest()
    assert re.match(r'^[0-9a-f]{32}$', headers['x-acs-signature-nonce'])
    sent = datetime.datetime.strptime(headers['x-acs-date'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - sent).total_seconds()) < 60
    assert re.match(r'^alibabacloud\.sae/%s \(Ansible collection\) requests/\S+ Python/\S+$'
                    % re.escape(_version.COLLECTION_VERSION), headers['user-agent'])
    signed = verify_signature(req)
    assert signed == sorted(['accept', 'host', 'user-agent', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date',
                             'x-acs-signature-nonce', 'x-acs-version'])
    # what a requests session adds to each request is still sent (unsigned): compressed answers, keep-alive
    assert headers['accept-encoding'] == 'gzip, deflate'
    assert headers['connection'] == 'keep-alive'


def test_sts_token_is_sent_and_signed(server, make_client):
    make_client(credentials=Creds(token=TOKEN)).call(POST_OP, {'NamespaceId': 'cn-beijing', 'Rules': []})
    (req,) = server.requests
    assert req.headers['x-acs-security-token'] == TOKEN
    assert req.headers['x-acs-accesskey-id'] == 'test-id'
    signed = verify_signature(req)
    assert {'x-acs-security-token', 'content-type', 'host'} <= set(signed)


def test_keep_alive_connection_is_reused(server, make_client):
    client = make_client()
    for ingress_id in range(4):
        client.call(GET_OP, {'IngressId': ingress_id})
    assert len(server.requests) == 4
    assert server.connections == 1


# -- retries ----------------------------------------------------------------------------------

@pytest.mark.parametrize('code', ['Throttling', 'Throttling.User', 'Throttling.Api'])
def test_throttling_then_success_with_fresh_nonce_per_attempt(server, make_client, sleeps, code):
    creds = Creds()
    server.script = [error_answer(400, code), error_answer(400, code), OK]
    result = make_client(credentials=creds).call(GET_OP, {'IngressId': 1})
    assert result['RequestId'] == 'req-ok'
    assert len(server.requests) == 3
    assert len({r.headers['x-acs-signature-nonce'] for r in server.requests}) == 3
    assert all(r.headers['x-acs-date'] for r in server.requests)
    assert len(sleeps) == 2
    assert creds.calls == 3
    for req in server.requests:
        verify_signature(req)


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
@pytest.mark.parametrize('failure', [
    error_answer(503, 'ServiceUnavailable'),
    error_answer(500, 'InternalError'),
    error_answer(502, 'HTTP502'),
    ('raw', 502, '<html>bad gateway</html>'),
    ('reset',),
    ('close',),
], ids=['503', '500', '502-json', '502-html', 'reset', 'close'])
def test_idempotent_methods_are_retried(server, make_client, sleeps, method, failure):
    server.script = [failure, OK]
    result = make_client().call(OPS[method], {'IngressId': 1})
    assert result['RequestId'] == 'req-ok'
    assert [r.method for r in server.requests] == [method, method]
    assert len(sleeps) == 1


def test_read_timeout_is_retried_for_get(server, make_client):
    server.script = [('sleep', 0.6, OK), OK]
    result = make_client(timeout=0.2).call(GET_OP, {'IngressId': 1})
    assert result['RequestId'] == 'req-ok'
    assert len(server.requests) == 2


def test_retries_zero_fails_at_once_with_the_code(server, make_client, sleeps):
    server.script = [error_answer(400, 'Throttling.User', 'Request was denied due to user flow control.')]
    with pytest.raises(SaeApiError) as info:
        make_client(retries=0).call(GET_OP, {'IngressId': 1})
    assert info.value.code == 'Throttling.User'
    assert info.value.retryable is True
    assert info.value.status == 400
    assert info.value.operation == 'DescribeIngress'
    assert len(server.requests) == 1 and sleeps == []


def test_gives_up_after_retries(server, make_client, sleeps):
    server.script = [error_answer(400, 'Throttling.User')] * 3
    with pytest.raises(SaeApiError) as info:
        make_client(retries=2).call(PUT_OP, {'IngressId': 1})
    assert not isinstance(info.value, SaeUnknownOutcomeError)  # throttling is a definite refusal
    assert info.value.code == 'Throttling.User'
    assert 'gave up after 3 attempts' in info.value.message and 'may have been applied' not in info.value.message
    assert len(server.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
@pytest.mark.parametrize('failures', [
    [('sleep', 0.6, OK)] * 2,
    [('close',), error_answer(400, 'Throttling.User')],
    [error_answer(503, 'ServiceUnavailable')] * 2,
], ids=['timeouts', 'lost-then-throttled', '503s'])
def test_write_giving_up_after_an_unanswered_attempt_may_have_been_applied(server, make_client, sleeps, method, failures):
    server.script = list(failures)
    with pytest.raises(SaeUnknownOutcomeError) as info:
        make_client(retries=1, timeout=0.3).call(OPS[method], {'IngressId': 1})
    assert 'may have been applied' in info.value.message and 'gave up after 2 attempts' in info.value.message
    assert info.value.operation == OPS[method].action
    assert len(server.requests) == 2


def test_read_giving_up_after_timeouts_is_a_plain_failure(server, make_client, sleeps):
    server.script = [('sleep', 0.6, OK)] * 2
    with pytest.raises(SaeApiError) as info:
        make_client(retries=1, timeout=0.3).call(GET_OP, {'IngressId': 1})
    assert type(info.value) is SaeApiError  # pylint: disable=unidiomatic-typecheck
    assert info.value.code == 'ReadTimeout' and 'may have been applied' not in info.value.message


def test_retries_go_on_until_the_time_budget_runs_out(server, make_client, sleeps):
    """Unset retries: the budget alone bounds the attempts; the waits have a floor, so they add up to it."""
    server.script = [error_answer(400, 'Throttling.User')] * 100
    with pytest.raises(SaeApiError) as info:
        make_client(retry_timeout=60).call(GET_OP, {})
    bounds = [min(4.0, 0.25 * 2 ** n) for n in range(len(sleeps))]
    assert all(bound / 2 <= wait <= bound for wait, bound in zip(sleeps, bounds)), sleeps
    # every retry whose wait ended within 60 s was made; the next one (at most 4 s) would have ended past it
    assert 56 < sum(sleeps) <= 60
    assert len(server.requests) == len(sleeps) + 1 >= 17
    assert 'gave up after %d attempts' % len(server.requests) in info.value.message


def test_retries_caps_the_attempts_within_the_budget(server, make_client, sleeps, monkeypatch):
    monkeypatch.setattr(_http_retry.random, 'uniform', lambda low, high: high)
    server.script = [error_answer(503, 'ServiceUnavailable')] * 9
    with pytest.raises(SaeApiError):
        make_client(retries=7).call(GET_OP, {})
    assert sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_backoff_has_a_floor(server, make_client, sleeps, monkeypatch):
    monkeypatch.setattr(_http_retry.random, 'uniform', lambda low, high: low)
    server.script = [error_answer(400, 'Throttling')] * 6
    with pytest.raises(SaeApiError):
        make_client(retries=5).call(GET_OP, {})
    assert sleeps == [0.125, 0.25, 0.5, 1.0, 2.0]


def test_retry_timeout_zero_disables_retrying(server, make_client, sleeps):
    server.script = [error_answer(400, 'Throttling.User')] * 2
    with pytest.raises(SaeApiError):
        make_client(retry_timeout=0).call(GET_OP, {})
    assert len(server.requests) == 1 and sleeps == []


@pytest.mark.parametrize('header', ['x-acs-retry-after', 'Retry-After'])
def test_retry_after_is_honoured_within_the_budget(server, make_client, sleeps, header):
    server.script = [error_answer(400, 'Throttling.User')[:3] + ({header: '7'},), OK]
    make_client().call(GET_OP, {})
    assert sleeps == [7.0]
    server.script = [error_answer(503, 'ServiceUnavailable')[:3] + ({header: '90'},), OK]
    with pytest.raises(SaeApiError) as info:
        make_client(retry_timeout=60).call(GET_OP, {})  # asked to wait past the budget: fails at once
    assert info.value.code == 'ServiceUnavailable' and sleeps == [7.0]


def test_retry_after_as_an_http_date(server, make_client, sleeps):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
    server.script = [error_answer(400, 'Throttling.User')[:3] + ({'Retry-After': when.strftime('%a, %d %b %Y %H:%M:%S GMT')},), OK]
    make_client().call(GET_OP, {})
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 31


@pytest.mark.parametrize('failure', [
    ('reset',),
    ('close',),
    ('sleep', 4.0, OK),
    error_answer(500, 'InternalError'),
    error_answer(503, 'ServiceUnavailable'),
    ('raw', 502, 'Bad Gateway'),
    ('raw', 200, 'not json'),
], ids=['reset', 'close', 'read-timeout', '500', '503', '502-html', '200-not-json'])
def test_post_with_unknown_outcome_is_sent_once(server, make_client, sleeps, failure):
    server.script = [failure, OK]
    # a timeout well above a loaded machine's connect time, below the answer the read-timeout case holds back
    with pytest.raises(SaeUnknownOutcomeError) as info:
        make_client(timeout=1.5).call(POST_OP, {'NamespaceId': 'cn-beijing', 'Rules': []})
    assert len(server.requests) == 1
    assert sleeps == []
    assert 'outcome' in info.value.message and 'unknown' in info.value.message
    assert info.value.operation == 'CreateIngress'
    assert info.value.retryable is False


def test_post_throttled_is_retried(server, make_client, sleeps):
    server.script = [error_answer(400, 'Throttling'), OK]
    result = make_client().call(POST_OP, {'NamespaceId': 'cn-beijing', 'Rules': []})
    assert result['Data']['IngressId'] == 7
    assert len(server.requests) == 2 and len(sleeps) == 1
    assert server.requests[0].headers['x-acs-signature-nonce'] != server.requests[1].headers['x-acs-signature-nonce']


def _closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize('method', ['POST', 'GET'])
def test_connection_refused_is_retried_for_every_method(make_client, sleeps, method):
    endpoint = 'http://127.0.0.1:%d' % _closed_port()
    client = make_client(endpoint=endpoint, retries=3)
    with pytest.raises(SaeApiError) as info:
        client.call(OPS[method], {'IngressId': 1})
    assert not isinstance(info.value, SaeUnknownOutcomeError)
    assert info.value.code == 'ConnectionError'
    assert info.value.retryable is True
    assert len(sleeps) == 3
    # the endpoint, the cause in words and what to check; none of urllib3's wording (it made no retries)
    assert info.value.message.startswith('could not connect to %s (connection refused): check endpoint' % endpoint)
    assert 'gave up after 4 attempts' in info.value.message
    for wording in ('Max retries', 'HTTPConnectionPool', 'NewConnectionError', ' object at 0x'):
        assert wording not in info.value.message


def test_connection_refused_says_how_long_it_was_retried_and_why_it_stopped(make_client, sleeps):
    endpoint = 'http://127.0.0.1:%d' % _closed_port()
    with pytest.raises(SaeApiError) as info:
        make_client(endpoint=endpoint, retry_timeout=10).call(GET_OP, {})
    message = info.value.message
    assert message.startswith('could not connect to %s (connection refused)' % endpoint)
    attempts = len(sleeps) + 1
    assert attempts > 3 and ('gave up after %d attempts over %.0f s (retry_timeout 10 s)' % (attempts, sum(sleeps))) in message


@pytest.fixture
def unresolvable(monkeypatch):
    """Host names ending in .unresolvable.test get the resolver's answer given by `unresolvable.errno`."""
    real = socket.getaddrinfo
    state = types.SimpleNamespace(errno=socket.EAI_NONAME, text='Name or service not known', lookups=0)

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith('.unresolvable.test'):
            state.lookups += 1
            raise socket.gaierror(state.errno, state.text)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, 'getaddrinfo', getaddrinfo)
    return state


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_host_name_that_does_not_resolve_fails_at_once(make_client, sleeps, unresolvable, method):
    endpoint = 'https://sae.cn-nowhere-9.unresolvable.test'
    client = make_client(endpoint=endpoint, retry_timeout=60,
                         endpoint_origin='built from region cn-nowhere-9, taken from option region')
    with pytest.raises(SaeApiError) as info:
        client.call(OPS[method], {'IngressId': 1})
    err = info.value
    # nothing was sent, so no unknown outcome
    assert type(err) is SaeApiError  # pylint: disable=unidiomatic-typecheck
    assert err.code == 'NameResolutionError' and err.retryable is False
    assert sleeps == [] and unresolvable.lookups == 1
    assert err.message.startswith('the host name sae.cn-nowhere-9.unresolvable.test of endpoint %s does not resolve '
                                  '(name or service not known); the endpoint was built from region cn-nowhere-9, taken '
                                  'from option region' % endpoint), err.message
    assert 'Not retried' in err.message and 'Max retries' not in err.message


def test_an_unresolvable_name_without_an_origin_names_the_endpoint(make_client, sleeps, unresolvable):
    with pytest.raises(SaeApiError) as info:
        make_client(endpoint='http://sae.unresolvable.test:8080').call(GET_OP, {})
    assert info.value.code == 'NameResolutionError' and 'of endpoint http://sae.unresolvable.test:8080 ' in info.value.message
    assert 'the endpoint was' not in info.value.message


def test_a_temporary_failure_of_the_resolver_is_retried(make_client, sleeps, unresolvable):
    unresolvable.errno, unresolvable.text = socket.EAI_AGAIN, 'Temporary failure in name resolution'
    with pytest.raises(SaeApiError) as info:
        make_client(endpoint='https://sae.unresolvable.test', retries=2).call(GET_OP, {})
    assert info.value.code == 'ConnectionError' and info.value.retryable is True
    assert 'temporary failure in name resolution' in info.value.message
    assert len(sleeps) == 2 and unresolvable.lookups == 3
    assert 'gave up after 3 attempts' in info.value.message and '(retries 2)' in info.value.message


@pytest.mark.parametrize('code', ['SignatureDoesNotMatch', 'IncompleteSignature', 'InvalidTimeStamp.Expired',
                                  'SignatureNonceUsed', 'InvalidParameter.NotEmpty', 'SlbListenerPort.NotAvailable'])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_other_4xx_fail_at_once(server, make_client, sleeps, code, method):
    server.script = [error_answer(400, code, 'nope')]
    with pytest.raises(SaeApiError) as info:
        make_client().call(OPS[method], {'IngressId': 1})
    assert type(info.value) is SaeApiError  # pylint: disable=unidiomatic-typecheck
    assert info.value.code == code and info.value.retryable is False
    assert len(server.requests) == 1 and sleeps == []


def test_tls_failure_is_not_retried(server, make_client, sleeps):
    client = make_client(endpoint='https://127.0.0.1:%d' % server.server_address[1])
    with pytest.raises(SaeApiError) as info:
        client.call(GET_OP, {'IngressId': 1})
    assert info.value.code == 'SSLError'
    assert 'ca_path' in info.value.message and 'validate_certs' in info.value.message
    assert sleeps == []


def _self_signed(tmp_path):
    """A self-signed certificate for 127.0.0.1: (cert path, key path)."""
    crypto = pytest.importorskip('cryptography')  # noqa: F841 pylint: disable=unused-variable
    # pylint: disable=import-outside-toplevel
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_tls_with_ca_path_validate_certs_and_untrusted_certificate(server, make_client, sleeps, tmp_path):
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    endpoint = 'https://127.0.0.1:%d' % server.server_address[1]
    assert make_client(endpoint=endpoint, ca_path=cert_path).call(GET_OP, {})['RequestId'] == 'req-ok'
    assert make_client(endpoint=endpoint, validate_certs=False).call(GET_OP, {})['RequestId'] == 'req-ok'
    assert make_client(endpoint=endpoint, validate_certs=False, ca_path=cert_path).verify is False
    with pytest.raises(SaeApiError) as info:
        make_client(endpoint=endpoint).call(GET_OP, {})
    assert info.value.code == 'SSLError' and 'ca_path' in info.value.message
    assert len(server.requests) == 2 and sleeps == []


def test_unreadable_ca_path_is_an_api_error(make_client, tmp_path):
    client = make_client(endpoint='https://127.0.0.1:1', ca_path=str(tmp_path / 'missing.pem'))
    with pytest.raises(SaeApiError) as info:
        client.call(POST_OP, {'Rules': []})
    assert type(info.value) is SaeApiError  # pylint: disable=unidiomatic-typecheck
    assert info.value.code == 'RequestError' and 'missing.pem' in info.value.message


# -- proxies, CA bundle and netrc from the environment -----------------------------------------

ENVIRONMENT_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE',
                         'NETRC')


@pytest.fixture
def environ(monkeypatch):
    """No proxy, CA bundle or netrc variable set, in either case; returns monkeypatch to set some."""
    for name in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


class ConnectProxy:
    """A loopback HTTP proxy stand-in for HTTPS: answers CONNECT, relays the tunnel, records each request line."""

    def __init__(self):
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.request_lines = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client):
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        line = head.split(b'\r\n', 1)[0].decode('ascii')
        self.request_lines.append(line)
        method, target, _protocol = line.split(' ')
        if method != 'CONNECT':
            client.sendall(b'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n')
            client.close()
            return
        host, port = target.rsplit(':', 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n')
        threading.Thread(target=self._relay, args=(upstream, client), daemon=True).start()
        self._relay(client, upstream)

    @staticmethod
    def _relay(source, destination):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


@pytest.fixture
def tls_emulator():
    sae_emulator = pytest.importorskip('sae_emulator')
    pytest.importorskip('cryptography')
    with sae_emulator.Emulator(tls=True) as emulator:
        yield emulator


def _emulator_client(emulator, **kwargs):
    sae_emulator = pytest.importorskip('sae_emulator')
    credentials = types.SimpleNamespace(
        get=lambda: (sae_emulator.DEFAULT_ACCESS_KEY_ID, sae_emulator.DEFAULT_ACCESS_KEY_SECRET, None))
    kwargs.setdefault('endpoint', emulator.url)
    return HttpClient(kwargs.pop('endpoint'), credentials, VERSION, timeout=5, retries=0, **kwargs)


def _list_ingresses(client):
    return client.call(LIST_OP, {'NamespaceId': 'cn-beijing:demo', 'CurrentPage': 1, 'PageSize': 10})


@pytest.mark.parametrize('variable', ['HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'])
def test_proxy_from_the_environment_is_used(server, make_client, environ, variable):
    # the scripted server stands in for the proxy: it records the absolute-form target a proxy receives
    environ.setenv(variable, server.url)
    make_client(endpoint='http://sae.example.invalid').call(GET_OP, {'IngressId': 3})
    (req,) = server.requests
    assert req.target == 'http://sae.example.invalid/pop/v1/sam/ingress/Ingress?IngressId=3'
    assert req.headers['host'] == 'sae.example.invalid'
    verify_signature(req)


@pytest.mark.parametrize('variable', ['NO_PROXY', 'no_proxy'])
def test_no_proxy_from_the_environment_is_honoured(server, make_client, environ, sleeps, variable):
    environ.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % _closed_port())
    environ.setenv(variable, 'localhost,127.0.0.1')
    make_client().call(GET_OP, {'IngressId': 3})
    (req,) = server.requests
    assert req.target == '/pop/v1/sam/ingress/Ingress?IngressId=3' and sleeps == []


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_ca_bundle_from_the_environment_is_used(tls_emulator, environ, variable):
    with pytest.raises(SaeApiError) as info:
        _list_ingresses(_emulator_client(tls_emulator))
    assert info.value.code == 'SSLError'
    environ.setenv(variable, tls_emulator.ca_path)
    assert 'IngressList' in _list_ingresses(_emulator_client(tls_emulator))['Data']


def test_https_proxy_tunnel_with_the_ca_bundle_from_the_environment(tls_emulator, environ):
    proxy = ConnectProxy()
    try:
        environ.setenv('HTTPS_PROXY', proxy.url)
        environ.setenv('REQUESTS_CA_BUNDLE', tls_emulator.ca_path)
        client = _emulator_client(tls_emulator)
        assert 'IngressList' in _list_ingresses(client)['Data']
        assert 'IngressList' in _list_ingresses(client)['Data']
    finally:
        proxy.close()
    # one tunnel, reused by both calls
    assert [line.rsplit(' ', 1)[0] for line in proxy.request_lines] == ['CONNECT 127.0.0.1:%d' % tls_emulator.port]


def test_ca_path_and_validate_certs_win_over_the_environment(tls_emulator, environ, tmp_path):
    environ.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'missing.pem'))
    assert 'IngressList' in _list_ingresses(_emulator_client(tls_emulator, ca_path=tls_emulator.ca_path))['Data']
    assert 'IngressList' in _list_ingresses(_emulator_client(tls_emulator, validate_certs=False))['Data']
    with pytest.raises(SaeApiError) as info:
        _list_ingresses(_emulator_client(tls_emulator))
    assert info.value.code == 'RequestError' and 'missing.pem' in info.value.message


def test_environment_is_read_once_when_the_client_is_built(server, make_client, environ, sleeps, tmp_path):
    client = make_client()
    environ.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % _closed_port())
    environ.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'missing.pem'))
    client.call(GET_OP, {'IngressId': 3})
    assert len(server.requests) == 1 and sleeps == []


def test_netrc_does_not_replace_the_signature(server, make_client, environ, tmp_path):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login someone password something\n')
    netrc.chmod(0o600)
    environ.setenv('NETRC', str(netrc))
    make_client().call(GET_OP, {'IngressId': 3})
    (req,) = server.requests
    assert req.headers['authorization'].startswith('ACS3-HMAC-SHA256 ')
    verify_signature(req)


def test_cookies_the_endpoint_sets_are_sent_back(server, make_client):
    server.script = [OK[:3] + ({'Set-Cookie': 'lb=node-2; Path=/'},), OK]
    client = make_client()
    client.call(GET_OP, {'IngressId': 1})
    client.call(GET_OP, {'IngressId': 1})
    first, second = server.requests
    assert 'cookie' not in first.headers
    assert second.headers['cookie'] == 'lb=node-2'
    verify_signature(second)


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_header_with_a_line_break_is_not_sent(server, make_client, sleeps, method):
    with pytest.raises(SaeApiError) as info:
        make_client(credentials=Creds(token=TOKEN + '\r\nx-injected: 1')).call(OPS[method], {'Rules': []})
    assert type(info.value) is SaeApiError  # pylint: disable=unidiomatic-typecheck
    assert info.value.code == 'RequestError' and 'not sent' in info.value.message
    assert TOKEN not in info.value.message
    assert server.requests == [] and sleeps == []


def test_credentials_failure_is_an_api_error(make_client):
    class Broken:
        def get(self):
            raise RuntimeError('no credentials here')
    with pytest.raises(SaeApiError) as info:
        make_client(credentials=Broken()).call(GET_OP, {})
    assert info.value.code == 'CredentialsError' and 'no credentials here' in info.value.message


# -- response parsing -------------------------------------------------------------------------

def test_success_false_in_a_200_is_a_failure(server, make_client):
    server.script = [error_answer(200, '200', 'the ingress is busy', error_code='Ingress.Busy', request_id='rid-1')]
    with pytest.raises(SaeApiError) as info:
        make_client().call(GET_OP, {})
    err = info.value
    assert (err.code, err.message, err.request_id, err.status) == ('Ingress.Busy', 'the ingress is busy', 'rid-1', 200)
    assert len(server.requests) == 1


@pytest.mark.parametrize('status, code, error_code, expected', [
    (400, 'InvalidParameter.NotEmpty', None, 'InvalidParameter.NotEmpty'),
    (400, '400', 'Slb.NotFound', 'Slb.NotFound'),
    (400, 'InvalidParameter.Obviously', 'SlbListenerPort.NotAvailable', 'SlbListenerPort.NotAvailable'),
    (400, 'Exceed.IngressRule', '400', 'Exceed.IngressRule'),
    (404, '404', None, 'HTTP404'),
    (404, None, None, 'HTTP404'),
    (400, '400', '12345', '12345'),
])
def test_error_code_precedence(server, make_client, status, code, error_code, expected):
    server.script = [error_answer(status, code, error_code=error_code)]
    with pytest.raises(SaeApiError) as info:
        make_client().call(GET_OP, {})
    assert info.value.code == expected
    assert info.value.status == status
    assert info.value.request_id == 'req-err'


def test_non_json_body(server, make_client):
    text = 'x' * 200 + 'TAIL' + 'y' * 300
    server.script = [('raw', 400, text)]
    with pytest.raises(SaeApiError) as info:
        make_client().call(GET_OP, {})
    assert info.value.code == 'HTTP400' and info.value.status == 400
    assert 'HTTP 400' in info.value.message and 'x' * 200 in info.value.message and 'TAIL' not in info.value.message
    assert len(server.requests) == 1


def test_non_json_5xx_for_get_exhausts_retries(server, make_client):
    server.script = [('raw', 502, 'Bad Gateway')] * 2
    with pytest.raises(SaeApiError) as info:
        make_client(retries=1).call(GET_OP, {})
    assert info.value.code == 'HTTP502' and 'Bad Gateway' in info.value.message
    assert len(server.requests) == 2


def test_errors_never_contain_the_secret_or_token(server, make_client):
    server.script = [error_answer(400, 'SignatureDoesNotMatch', 'expected string to sign with %s and %s' % (SECRET, TOKEN))]
    with pytest.raises(SaeApiError) as info:
        make_client(credentials=Creds(token=TOKEN)).call(GET_OP, {})
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)
    assert SECRET not in info.value.message and TOKEN not in info.value.message


@pytest.mark.parametrize('value, wire', [
    (True, 'true'), (False, 'false'), (0, '0'), (443, '443'), ('x y', 'x y'),
    ({'a': 1, 'b': [1, 2]}, '{"a":1,"b":[1,2]}'), ([], '[]'), (['a', 'é'], '["a","é"]'),
])
def test_encode_value(value, wire):
    assert _http.encode_value(value) == wire


def test_bad_endpoint_is_rejected():
    with pytest.raises(ValueError):
        HttpClient('ftp://example.com', Creds(), VERSION)


def test_the_api_client_exports_the_errors_modules_catch():
    # modules import the errors from _sae_api, never from the transport: they must be the same classes
    from ansible_collections.alibabacloud.sae.plugins.module_utils import _sae_api  # pylint: disable=import-outside-toplevel
    assert _sae_api.SaeApiError is SaeApiError
    assert _sae_api.SaeUnknownOutcomeError is SaeUnknownOutcomeError


# -- pacing -----------------------------------------------------------------------------------

class RecordingPacer:
    """A stand-in for _pacer.Pacer: each acquire 'waits' the next of `waits` on the client's fake clock (the sleeps
    list, where the queue time is recorded as a negative entry so that it can be told apart)."""

    def __init__(self, sleeps, waits=(), timeout_after=None):
        self.sleeps = sleeps
        self.waits = list(waits)
        self.events = []
        self.enabled = True
        self.rate = 1.0
        self.shared_rate = 1.0
        self.timeout_after = timeout_after
        self.off_reason = None

    def acquire(self, max_wait=None):
        self.events.append(('acquire', max_wait))
        if self.timeout_after is not None and len([e for e in self.events if e[0] == 'acquire']) > self.timeout_after:
            raise _pacer.PacerTimeout(max_wait, 120.0, max_wait)
        wait = self.waits.pop(0) if self.waits else 0.0
        self.sleeps.append(wait)  # the client's clock is the sum of this list
        return wait

    def throttled(self):
        self.events.append(('throttled',))

    def passed(self):
        self.events.append(('passed',))

    def unused(self):
        self.events.append(('unused',))


def test_every_attempt_takes_a_turn_and_tells_the_pace_how_it_went(server, make_client, sleeps):
    pacer = RecordingPacer(sleeps)
    server.script = [error_answer(400, 'Throttling.User'), error_answer(503, 'ServiceUnavailable'), OK]
    make_client(pacer=pacer).call(GET_OP, {'IngressId': 1})
    assert [event[0] for event in pacer.events] == ['acquire', 'throttled', 'acquire', 'passed', 'acquire', 'passed']
    # an answer that is not throttling went through the flow control; an attempt that could not connect never
    # reached the service, and gives its turn back
    pacer.events[:] = []
    client = make_client(endpoint='http://127.0.0.1:%d' % _closed_port(), pacer=pacer, retries=1)
    with pytest.raises(SaeApiError):
        client.call(GET_OP, {})
    assert [event[0] for event in pacer.events] == ['acquire', 'unused', 'acquire', 'unused']


def test_attempts_during_an_outage_leave_the_window_to_the_calls_that_reach_the_service(server, make_client, tmp_path,
                                                                                        sleeps):
    # 3 calls a minute, shared through one pace file: a call that retries 5 times against a closed port has taken no
    # place of them when it gives up, so the next calls to the service go at once
    pace_dir = str(tmp_path / 'pace')
    down = make_client(endpoint='http://127.0.0.1:%d' % _closed_port(), calls_per_minute=3, pace_dir=pace_dir,
                       retries=5)
    with pytest.raises(SaeApiError) as info:
        down.call(GET_OP, {})
    assert info.value.code == 'ConnectionError' and 'gave up after 6 attempts' in info.value.message
    up = make_client(calls_per_minute=3, pace_dir=pace_dir)
    for dummy in range(3):
        up.call(GET_OP, {})
    assert len(server.requests) == 3 and up.pacer.waited < 1  # no wait for a place (a minute away if there were one)
    with pytest.raises(_pacer.PacerTimeout):  # ... and the window is then full
        up.pacer.acquire(max_wait=1)


def test_queueing_for_turns_does_not_count_against_retry_timeout(server, make_client, sleeps):
    pacer = RecordingPacer(sleeps, waits=[0.0, 50.0, 50.0, 50.0])
    server.script = [error_answer(400, 'Throttling.User')] * 3 + [OK]
    result = make_client(pacer=pacer, retry_timeout=10).call(GET_OP, {})
    assert result['RequestId'] == 'req-ok' and len(server.requests) == 4  # 150 s queued, within 10 s of retrying


def test_a_call_queues_at_most_max_queue_in_all_then_fails_unsent(server, make_client, sleeps):
    pacer = RecordingPacer(sleeps, waits=[0.0, 400.0, 450.0], timeout_after=3)
    server.script = [error_answer(400, 'Throttling.User')] * 3
    with pytest.raises(SaeApiError) as info:
        make_client(pacer=pacer, max_queue=900).call(GET_OP, {})
    assert [event[1] for event in pacer.events if event[0] == 'acquire'] == [900, 900, 500, 50]
    assert info.value.code == 'Throttling.Client' and info.value.retryable is False
    assert len(server.requests) == 3  # the fourth attempt was not sent
    message = info.value.message
    assert message.startswith('not sent: it had queued 900 s for its turns') and 'calls_per_minute 60' in message
    assert '120 s further away, past the 900 s one call may queue' in message


def test_a_throttled_give_up_says_how_long_it_queued_and_was_refused(server, make_client, sleeps, monkeypatch):
    monkeypatch.setattr(_http_retry.random, 'uniform', lambda low, high: high)
    pacer = RecordingPacer(sleeps, waits=[0.0, 20.0, 30.0])
    server.script = [error_answer(400, 'Throttling.User', 'Request was denied due to user flow control.')] * 3
    with pytest.raises(SaeApiError) as info:
        make_client(pacer=pacer, retries=2).call(GET_OP, {})
    assert info.value.message == (
        'Request was denied due to user flow control; gave up after 3 attempts over 1 s (retries 2); refused by flow '
        "control 3 times, after queueing 50 s in all for its turns at this host's shared pace (calls_per_minute 60)")


def test_a_throttled_give_up_without_pacing_says_so(server, make_client, sleeps):
    server.script = [error_answer(400, 'Throttling.User', 'Request was denied due to user flow control.')] * 2
    with pytest.raises(SaeApiError) as info:
        make_client(retries=1).call(GET_OP, {})
    assert info.value.message.endswith('refused by flow control 2 times; calls were not paced (calls_per_minute 0)')


def test_the_pace_named_when_slowed(server, make_client, sleeps):
    pacer = RecordingPacer(sleeps)
    pacer.shared_rate = 0.5
    server.script = [error_answer(400, 'Throttling.User')]
    with pytest.raises(SaeApiError) as info:
        make_client(pacer=pacer, retries=0).call(GET_OP, {})
    assert info.value.message.endswith('(30 calls a minute, slowed by throttling from calls_per_minute 60)')
    assert 'not retried (retries 0)' in info.value.message


def test_calls_per_minute_builds_a_shared_pace_per_key_and_endpoint(server, make_client, tmp_path):
    pace_dir = str(tmp_path / 'pace')
    client = make_client(calls_per_minute=120, pace_dir=pace_dir)
    client.call(GET_OP, {})
    pacer = client.pacer
    assert (pacer.rate, pacer.burst) == (2.0, 120.0)
    expected = hashlib.sha256(('test-id\n%s' % server.url).encode()).hexdigest() + '.pace'
    assert os.listdir(pace_dir) == [expected]
    assert make_client(calls_per_minute=0).call(GET_OP, {}) and make_client().pacer is None
    default = make_client(calls_per_minute=60)
    default.call(GET_OP, {})
    assert default.pacer.state_dir == _host_state.default_state_dir(_http_pace.PACE_DIR_NAME)


def test_a_pace_that_cannot_be_kept_warns_once_and_calls_go_on(server, make_client, tmp_path):
    target = tmp_path / 'target'
    target.mkdir()
    link = tmp_path / 'link'
    link.symlink_to(target)
    warnings = []
    client = make_client(calls_per_minute=60, pace_dir=str(link), warn=warnings.append)
    for dummy in range(3):
        client.call(GET_OP, {})
    assert len(warnings) == 1
    assert warnings[0].startswith('calls to %s are not paced (calls_per_minute is not applied in this task): the pace '
                                  'directory %s is a symbolic link' % (server.url, link))
    assert len(server.requests) == 3


def test_no_temporary_directory_means_no_pacing_with_a_warning(server, make_client, monkeypatch):
    def no_tempdir(name):
        raise FileNotFoundError(2, 'No usable temporary directory found')

    monkeypatch.setattr(_host_state, 'default_state_dir', no_tempdir)
    warnings = []
    client = make_client(calls_per_minute=60, warn=warnings.append)
    client.call(GET_OP, {})
    client.call(GET_OP, {})
    assert client.pacer is None and len(warnings) == 1 and 'no temporary directory' in warnings[0]
