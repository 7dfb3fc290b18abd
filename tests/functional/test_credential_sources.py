# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials from the default chain of alibabacloud-credentials, end to end.

Each scenario runs the module (harness.run_tasks) with no access key anywhere: it resolves its credentials
through the library, whose source is a stand-in on 127.0.0.1 written here, and signs its calls to the
SAE emulator with what the stand-in handed out (the emulator's STS triple). The emulator's request log
shows that the calls were signed with that key.

- ECS RAM role: the library always asks http://100.100.100.200 (no setting changes the host), but it
  sends through the proxy named by HTTP_PROXY: the stand-in is that proxy and answers as the metadata
  server (IMDSv2 token, role name, role credentials). NO_PROXY keeps the module's own calls direct.
- Credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI): any URL, here the stand-in's.
- RRSA (OIDC): the library sends AssumeRoleWithOIDC to https://sts[-vpc].<region>.aliyuncs.com, always
  over TLS, and checks the certificate against certifi's bundle (requests' Session.send, which ignores
  REQUESTS_CA_BUNDLE): a loopback stand-in cannot answer it without changing the library. The test shows
  the module reads the OIDC settings and goes to STS (the CONNECT reaches the proxy), then fails cleanly
  naming the credential sources; that the STS credentials are then used is not tested.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sae_emulator

from harness import CLB, run_tasks, task  # pylint: disable=import-error

ROLE = 'sae-deployer'
IMDS_TOKEN = 'imds-session-token-0001'
OIDC_TOKEN = 'oidc-token-from-the-service-account'
STS_TRIPLE = {
    'Code': 'Success',
    'AccessKeyId': sae_emulator.STS_ACCESS_KEY_ID,
    'AccessKeySecret': sae_emulator.STS_ACCESS_KEY_SECRET,
    'SecurityToken': sae_emulator.STS_SECURITY_TOKEN,
}
SECRETS = (sae_emulator.STS_ACCESS_KEY_SECRET, sae_emulator.STS_SECURITY_TOKEN, OIDC_TOKEN)


def _expiration():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + 3600))


class StandIn(ThreadingHTTPServer):
    """On 127.0.0.1: the ECS metadata server (reached as an HTTP proxy), a credentials URI, and a CONNECT witness."""

    daemon_threads = True

    def __init__(self):
        super().__init__(('127.0.0.1', 0), _Handler)
        self.requests = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def record(self, method, target, headers):
        with self.lock:
            self.requests.append((method, target, dict((k.lower(), v) for k, v in headers.items())))


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _answer(self, status, body, content_type='application/json'):
        data = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):  # pylint: disable=invalid-name
        self.server.record('PUT', self.path, self.headers)
        if self.path == 'http://100.100.100.200/latest/api/token':
            self._answer(200, IMDS_TOKEN, 'text/plain')
        else:
            self._answer(404, '{}')

    def do_GET(self):  # pylint: disable=invalid-name
        self.server.record('GET', self.path, self.headers)
        metadata = 'http://100.100.100.200/latest/meta-data/ram/security-credentials/'
        if self.path.startswith(metadata) and self.headers.get('X-aliyun-ecs-metadata-token') != IMDS_TOKEN:
            self._answer(401, '{}')
        elif self.path == metadata:
            self._answer(200, ROLE, 'text/plain')
        elif self.path == metadata + ROLE:
            self._answer(200, json.dumps(dict(STS_TRIPLE, Expiration=_expiration(), LastUpdated=_expiration())))
        elif self.path.startswith('/credentials'):
            self._answer(200, json.dumps(dict(STS_TRIPLE, Expiration=_expiration())))
        else:
            self._answer(404, '{}')

    def do_CONNECT(self):  # pylint: disable=invalid-name
        # A TLS tunnel request: recorded, then refused (the stand-in cannot present a certificate the library trusts).
        self.server.record('CONNECT', self.path, self.headers)
        self.send_response(403)
        self.send_header('Content-Length', '0')
        self.end_headers()


def _run_without_keys(tmp_path, emulator, env):
    """A find-or-create task with no access key: the module's credentials come from the library's default chain."""
    defaults = {'endpoint': emulator.url, 'retries': 0}
    env = dict({'NO_PROXY': '127.0.0.1,localhost', 'no_proxy': '127.0.0.1,localhost'}, **env)
    # No emulator= here: the harness would add the emulator's permanent keys to the module's arguments.
    return run_tasks(tmp_path, [task(CLB)], defaults=defaults, env=env)


def _assert_signed_with_the_sts_triple(run, emulator):
    result = run.result
    assert not result['failed'] and result['changed'] is True, run
    log = emulator.log
    assert [entry['operation'] for entry in log] == ['ListIngresses', 'CreateIngress'], log
    assert all(entry['status'] == 200 and entry['access_key_id'] == sae_emulator.STS_ACCESS_KEY_ID for entry in log), log
    assert list(emulator.ingresses) == [result['ingress']['id']]
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


def test_ecs_ram_role_through_the_metadata_server(tmp_path):
    with StandIn() as stand_in, sae_emulator.Emulator() as emulator:
        run = _run_without_keys(tmp_path, emulator, {
            'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'false',
            'ALIBABA_CLOUD_IMDSV1_DISABLED': 'true',
            'HTTP_PROXY': stand_in.url, 'http_proxy': stand_in.url,
        })
        _assert_signed_with_the_sts_triple(run, emulator)
        asked = [(method, target) for method, target, _headers in stand_in.requests]
    base = 'http://100.100.100.200/latest'
    # The role name, then its credentials, each with a fresh IMDSv2 token.
    assert asked == [('PUT', base + '/api/token'), ('GET', base + '/meta-data/ram/security-credentials/'),
                     ('PUT', base + '/api/token'), ('GET', base + '/meta-data/ram/security-credentials/' + ROLE)], asked


def test_ecs_ram_role_with_the_role_name_set(tmp_path):
    with StandIn() as stand_in, sae_emulator.Emulator() as emulator:
        run = _run_without_keys(tmp_path, emulator, {
            'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'false',
            'ALIBABA_CLOUD_ECS_METADATA': ROLE,
            'HTTP_PROXY': stand_in.url, 'http_proxy': stand_in.url,
        })
        _assert_signed_with_the_sts_triple(run, emulator)
        asked = [(method, target) for method, target, _headers in stand_in.requests]
    assert asked == [('PUT', 'http://100.100.100.200/latest/api/token'),
                     ('GET', 'http://100.100.100.200/latest/meta-data/ram/security-credentials/' + ROLE)], asked


def test_credentials_uri(tmp_path):
    with StandIn() as stand_in, sae_emulator.Emulator() as emulator:
        run = _run_without_keys(tmp_path, emulator, {'ALIBABA_CLOUD_CREDENTIALS_URI': stand_in.url + '/credentials'})
        _assert_signed_with_the_sts_triple(run, emulator)
        asked = [(method, target) for method, target, _headers in stand_in.requests]
    assert asked == [('GET', '/credentials')], asked


def _rrsa_run(tmp_path, region='cn-beijing'):
    token_file = tmp_path / 'oidc-token'
    token_file.write_text(OIDC_TOKEN)
    with StandIn() as stand_in, sae_emulator.Emulator() as emulator:
        run = _run_without_keys(tmp_path, emulator, {
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(token_file),
            'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1234567890123456:role/sae-deployer',
            'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1234567890123456:oidc-provider/ack-rrsa',
            'ALIBABA_CLOUD_STS_REGION': region,
            'HTTPS_PROXY': stand_in.url, 'https_proxy': stand_in.url,
        })
        return run, emulator.log, [(method, target) for method, target, _headers in stand_in.requests]


def test_rrsa_goes_to_sts_and_fails_cleanly_when_sts_cannot_be_reached(tmp_path):
    run, log, asked = _rrsa_run(tmp_path)
    result = run.result
    assert result['failed'] is True, run
    assert log == []
    # The library went for AssumeRoleWithOIDC at the regional STS endpoint (through the proxy: a CONNECT).
    assert asked == [('CONNECT', 'sts.cn-beijing.aliyuncs.com:443')], asked
    assert result['msg'].startswith('no credentials found: set access_key_id and access_key_secret'), result['msg']
    assert 'OIDCRoleArnCredentialsProvider' in result['msg'] and 'Traceback' not in result['msg'], result['msg']


def test_rrsa_failure_does_not_print_the_oidc_token(tmp_path):
    """The library's error quotes the AssumeRoleWithOIDC URL, OIDC token included: the module removes it."""
    run, _log, _asked = _rrsa_run(tmp_path)
    assert run.result['failed'] is True, run
    assert OIDC_TOKEN not in run.result['msg']
    assert OIDC_TOKEN not in run.stdout + run.stderr
