# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# alibabacloud-credentials reads its environment variables once, at import time: every case that
# may reach it runs in a subprocess with a controlled environment and a temporary HOME.

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _credentials
from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import CredentialsError, resolve_credentials

pytest.importorskip('alibabacloud_credentials')

RUNNER = textwrap.dedent('''
    import json, sys
    mode, payload = sys.argv[1], json.loads(sys.argv[2])
    if payload.pop('_hide_library', False):
        sys.modules['alibabacloud_credentials'] = None
    out = {}

    class Failed(Exception):
        pass

    def fail_json(self, **kwargs):
        raise Failed(kwargs['msg'])

    try:
        if mode == 'resolve':
            from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import resolve_credentials
            creds = resolve_credentials(**payload)
        else:
            from ansible.module_utils.basic import AnsibleModule
            try:
                from ansible.module_utils.testing import patch_module_args
            except ImportError:  # ansible-core before 2.19
                from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.module_args import patch_module_args
            from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
            AnsibleModule.fail_json = fail_json
            with patch_module_args(payload):
                base = SaeModule(dict(namespace_id=dict(type='str')))
                creds = base.connect().http.credentials
        out.update(ok=True, value=list(creds.get()), source=creds.source)
    except Failed as exc:
        out.update(ok=False, type='fail_json', error=exc.args[0])
    except Exception as exc:
        out.update(ok=False, type=type(exc).__name__, error=str(exc))
    out['imported'] = sorted(name for name in sys.modules if name.startswith('alibabacloud_credentials') and sys.modules[name])
    print(json.dumps(out))
''')


@pytest.fixture
def home(tmp_path):
    path = tmp_path / 'home'
    path.mkdir()
    return path


def run(home, mode='resolve', payload=None, **env):
    environ = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'HOME': str(home),
        'PYTHONPATH': os.pathsep.join(p for p in sys.path if p),
        'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
        'NO_PROXY': '127.0.0.1,localhost',
    }
    environ.update(env)
    proc = subprocess.run([sys.executable, '-c', RUNNER, mode, json.dumps(payload or {})],
                          env=environ, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_cli_config(home, name='dev', key_id='cli-id', secret='cli-secret'):
    (home / '.aliyun').mkdir(exist_ok=True)
    (home / '.aliyun' / 'config.json').write_text(json.dumps({
        'current': name,
        'profiles': [{'name': name, 'mode': 'AK', 'access_key_id': key_id, 'access_key_secret': secret, 'region_id': 'cn-beijing'}],
    }))


def write_ini(home, name='dev', key_id='ini-id', secret='ini-secret'):
    (home / '.alibabacloud').mkdir(exist_ok=True)
    (home / '.alibabacloud' / 'credentials.ini').write_text(
        '[%s]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n' % (name, key_id, secret))


# -- explicit keys: no import of the library --------------------------------------------------

def test_explicit_keys_do_not_import_the_library(home):
    out = run(home, payload={'access_key_id': 'id1', 'access_key_secret': 's1', 'security_token': 't1'})
    assert out == {'ok': True, 'value': ['id1', 's1', 't1'], 'source': 'explicit', 'imported': []}


def test_env_fallbacks_through_the_argument_spec_in_order(home):
    out = run(home, 'module', {'region': 'cn-beijing'},
              ALIBABA_CLOUD_ACCESS_KEY_ID='env-id-1', ALICLOUD_ACCESS_KEY='env-id-2', ALICLOUD_ACCESS_KEY_ID='env-id-3',
              ALICLOUD_SECRET_KEY='env-secret-2', ALICLOUD_SECRET_ACCESS_KEY='env-secret-3',
              ALICLOUD_SECURITY_TOKEN='env-token-2')
    assert out == {'ok': True, 'value': ['env-id-1', 'env-secret-2', 'env-token-2'], 'source': 'explicit', 'imported': []}
    out = run(home, 'module', {'region': 'cn-beijing'}, ALICLOUD_ACCESS_KEY_ID='env-id-3', ALICLOUD_SECRET_ACCESS_KEY='env-secret-3')
    assert out['value'] == ['env-id-3', 'env-secret-3', None] and out['imported'] == []


def test_explicit_option_wins_over_environment(home):
    out = run(home, 'module', {'access_key_id': 'opt-id', 'access_key_secret': 'opt-secret', 'region': 'cn-beijing'},
              ALIBABA_CLOUD_ACCESS_KEY_ID='env-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET='env-secret')
    assert out['value'] == ['opt-id', 'opt-secret', None]


# -- profiles ---------------------------------------------------------------------------------

def test_named_profile_from_cli_config(home):
    write_cli_config(home, 'dev')
    out = run(home, payload={'profile': 'dev'})
    assert out['ok'] and out['value'] == ['cli-id', 'cli-secret', None] and out['source'] == 'profile:dev'


def test_named_profile_from_ini_file(home):
    write_ini(home, 'dev')
    out = run(home, payload={'profile': 'dev'})
    assert out['ok'] and out['value'] == ['ini-id', 'ini-secret', None] and out['source'] == 'profile:dev'


def test_cli_profile_wins_over_ini_profile(home):
    write_cli_config(home, 'dev')
    write_ini(home, 'dev')
    assert run(home, payload={'profile': 'dev'})['value'] == ['cli-id', 'cli-secret', None]


def test_profile_from_environment_through_the_argument_spec(home):
    write_ini(home, 'staging', 'stg-id', 'stg-secret')
    out = run(home, 'module', {'region': 'cn-beijing'}, ALICLOUD_PROFILE='staging')
    assert out['ok'] and out['value'] == ['stg-id', 'stg-secret', None] and out['source'] == 'profile:staging'


def test_missing_profile_is_a_clear_error(home):
    write_cli_config(home, 'dev')
    out = run(home, payload={'profile': 'nope'})
    assert not out['ok'] and out['type'] == 'CredentialsError'
    assert 'profile nope' in out['error'] and 'config.json' in out['error'] and 'credentials.ini' in out['error']
    assert 'cli-secret' not in out['error']


def test_profile_with_explicit_keys_is_an_error(home):
    write_cli_config(home, 'dev')
    out = run(home, 'module', {'profile': 'dev', 'region': 'cn-beijing'}, ALIBABA_CLOUD_ACCESS_KEY_ID='id', ALIBABA_CLOUD_ACCESS_KEY_SECRET='s')
    assert not out['ok'] and 'profile' in out['error'] and 'access_key_id' in out['error']
    assert out['imported'] == []


# -- the default chain ------------------------------------------------------------------------

def test_nothing_at_all_is_a_clear_error(home):
    out = run(home, payload={})
    assert not out['ok'] and out['type'] == 'CredentialsError'
    for text in ('access_key_id', 'access_key_secret', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
                 'profile', 'ALIBABA_CLOUD_PROFILE', 'RAM role', 'OIDC', 'credentials URI'):
        assert text in out['error']
    assert 'Traceback' not in out['error']


def test_nothing_at_all_through_the_module_fails_cleanly(home):
    out = run(home, 'module', {'region': 'cn-beijing'})
    assert not out['ok'] and out['type'] == 'fail_json'
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID' in out['error'] and 'Traceback' not in out['error']


def test_default_chain_reads_the_current_cli_profile(home):
    write_cli_config(home, 'main', 'main-id', 'main-secret')
    out = run(home, payload={})
    assert out['ok'] and out['value'] == ['main-id', 'main-secret', None] and out['source'] == 'default-chain'


class _CredentialsUri(BaseHTTPRequestHandler):
    def do_GET(self):  # pylint: disable=invalid-name
        self.server.hits += 1
        payload = json.dumps({'Code': 'Success', 'AccessKeyId': 'uri-id', 'AccessKeySecret': 'uri-secret',
                              'SecurityToken': 'uri-token', 'Expiration': '2099-01-01T00:00:00Z'}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def test_default_chain_reaches_a_credentials_uri(home):
    server = ThreadingHTTPServer(('127.0.0.1', 0), _CredentialsUri)
    server.hits = 0
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    try:
        out = run(home, payload={}, ALIBABA_CLOUD_CREDENTIALS_URI='http://127.0.0.1:%d/creds' % server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert out['ok'], out
    assert out['value'] == ['uri-id', 'uri-secret', 'uri-token'] and out['source'] == 'default-chain'
    assert server.hits >= 1


def test_missing_library_is_a_clear_error(home):
    out = run(home, payload={'profile': 'dev', '_hide_library': True})
    assert not out['ok'] and out['type'] == 'CredentialsError'
    assert 'alibabacloud-credentials' in out['error'] and 'access_key_id' in out['error']


# -- argument checks (no library needed) ------------------------------------------------------

@pytest.mark.parametrize('kwargs, words', [
    ({'access_key_id': 'id'}, ['access_key_secret', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']),
    ({'access_key_secret': 'secret'}, ['access_key_id', 'ALIBABA_CLOUD_ACCESS_KEY_ID']),
    ({'security_token': 'token'}, ['security_token', 'access_key_id']),
    ({'profile': 'p', 'access_key_id': 'id', 'access_key_secret': 'secret'}, ['profile', 'access_key_id']),
    ({'profile': 'p', 'security_token': 'token'}, ['profile', 'security_token']),
])
def test_incomplete_or_conflicting_arguments(kwargs, words):
    with pytest.raises(CredentialsError) as info:
        resolve_credentials(**kwargs)
    for word in words:
        assert word in str(info.value)
    assert 'secret' not in kwargs.values() or "'secret'" not in str(info.value)


def test_static_credentials_get_is_cheap_and_stable():
    creds = resolve_credentials('id', 'secret', '')
    assert creds.get() == ('id', 'secret', None) == creds.get()
    assert 'secret' not in repr(creds)


@pytest.mark.parametrize('library_error, secret', [
    ('Max retries exceeded with url: https://sts.cn-beijing.aliyuncs.com/?Action=AssumeRoleWithOIDC&OIDCToken=eyJ.tok.sig'
     '&RoleArn=acs:ram::1:role/r (Caused by SSLError)', 'eyJ.tok.sig'),
    ('refused: {"AccessKeySecret": "s3cr3t-value", "Code": "Forbidden"}', 's3cr3t-value'),
    ('bad answer SecurityToken=CAIS-token-value from metadata', 'CAIS-token-value'),
])
def test_library_errors_lose_query_strings_and_secret_values(library_error, secret):
    text = _credentials._library_text(Exception(library_error))
    assert secret not in text
    assert text.startswith(library_error.split(secret)[0][:20])
