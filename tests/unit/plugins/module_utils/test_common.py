# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest
import yaml
from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, env_fallback
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    from ansible_collections.alibabacloud.sae.tests.unit.plugins.module_utils.module_args import patch_module_args

from ansible_collections.alibabacloud.sae.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.alibabacloud.sae.plugins.module_utils import _common
from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule, sae_argument_spec
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_options import INGRESS_HINTS
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApi, SaeApiError, SaeUnknownOutcomeError

# The shared options table of contract.md.
CONTRACT = {
    'access_key_id': (['alicloud_access_key', 'access_key'], ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID']),
    'access_key_secret': (['alicloud_secret_key', 'secret_key'],
                          ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY']),
    'security_token': (['alicloud_security_token'], ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN']),
    'profile': (['alicloud_profile'], ['ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE']),
    'region': (['alicloud_region', 'region_id'], ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALICLOUD_REGION_ID']),
    'endpoint': (['endpoint_url'], ['ALIBABA_CLOUD_SAE_ENDPOINT']),
    'validate_certs': ([], []),
    'ca_path': ([], []),
    'timeout': ([], []),
    'retries': ([], []),
    'retry_timeout': ([], []),
    'calls_per_minute': ([], ['ALIBABA_CLOUD_SAE_CALLS_PER_MINUTE']),
}
ENV_VARS = sorted({name for _aliases, names in CONTRACT.values() for name in names})
KEYS = {'access_key_id': 'test-id', 'access_key_secret': 'test-secret'}


class FailJson(Exception):
    pass


@pytest.fixture
def harness(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    warnings = []

    def fail_json(self, **kwargs):  # pylint: disable=unused-argument
        raise FailJson(kwargs)

    monkeypatch.setattr(AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))

    def build(args=None, spec=None):
        with patch_module_args(args or {}):
            return SaeModule(spec if spec is not None else dict(namespace_id=dict(type='str')), supports_check_mode=True)

    build.warnings = warnings
    return build


# -- the argument spec ------------------------------------------------------------------------

def test_argument_spec_matches_the_contract():
    spec = sae_argument_spec()
    assert list(spec) == list(CONTRACT)
    for name, (aliases, env) in CONTRACT.items():
        option = spec[name]
        assert option.get('aliases', []) == aliases, name
        if env:
            # a number takes the first variable that is set and not empty (an empty AWX credential field)
            expected = _common.set_env_fallback if option.get('type') == 'int' else env_fallback
            assert option['fallback'] == (expected, env), name
        else:
            assert 'fallback' not in option, name
    assert spec['access_key_id']['no_log'] is False
    assert spec['access_key_secret']['no_log'] is True
    assert spec['security_token']['no_log'] is True
    assert {name for name, option in spec.items() if option.get('no_log')} == {'access_key_secret', 'security_token'}
    assert spec['validate_certs'] == dict(type='bool', default=True)
    assert spec['ca_path'] == dict(type='path')
    assert spec['timeout'] == dict(type='int', default=10)
    assert spec['retries'] == dict(type='int')
    assert spec['retry_timeout'] == dict(type='int', default=60)
    assert spec['calls_per_minute']['type'] == 'int' and spec['calls_per_minute']['default'] == 60
    assert sae_argument_spec() is not spec  # a fresh dict each time: modules may extend it


@pytest.mark.parametrize('environ, expected', [
    ({'A': '', 'B': '30'}, '30'),
    ({'A': ' ', 'B': ''}, None),
    ({'A': '0', 'B': '30'}, '0'),
    ({}, None),
])
def test_set_env_fallback_skips_empty_variables(monkeypatch, environ, expected):
    for name in ('A', 'B'):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    if expected is None:
        with pytest.raises(AnsibleFallbackNotFound):
            _common.set_env_fallback('A', 'B')
    else:
        assert _common.set_env_fallback('A', 'B') == expected


def test_doc_fragment_matches_the_argument_spec():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    spec = sae_argument_spec()
    assert list(doc['options']) == list(spec)
    for name, option in spec.items():
        documented = doc['options'][name]
        assert documented['type'] == option['type'], name
        assert documented.get('default') == option.get('default'), name
        assert documented.get('aliases', []) == option.get('aliases', []), name
        text = ' '.join(documented['description'])
        env = CONTRACT[name][1]
        positions = [text.index('E(%s)' % var) for var in env]
        assert positions == sorted(positions), name
    notes = ' '.join(doc['notes'])
    assert 'min(4, 0.25 * 2^n)' in ' '.join(doc['options']['retry_timeout']['description'])
    assert 'retry_timeout' in ' '.join(doc['options']['retries']['description'])
    assert 'Throttling' in notes and 'unknown outcome' in notes
    assert any(req.startswith('requests') for req in doc['requirements'])
    assert any('python >= 3.9' in req for req in doc['requirements'])


@pytest.mark.parametrize('name', [name for name, (_aliases, env) in CONTRACT.items() if env and name != 'calls_per_minute'])
def test_env_fallbacks_first_set_wins(harness, monkeypatch, name):
    env = CONTRACT[name][1]
    for index, var in enumerate(env):
        monkeypatch.setenv(var, 'value-%d' % index)
    assert harness().params[name] == 'value-0'
    monkeypatch.delenv(env[0])
    expected = 'value-1' if len(env) > 1 else None
    assert harness().params[name] == expected


def test_option_wins_over_env_and_aliases_work(harness, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-shanghai')
    module = harness({'alicloud_region': 'cn-hangzhou', 'access_key': 'aliased-id', 'secret_key': 'aliased-secret'})
    assert module.params['region'] == 'cn-hangzhou'
    assert module.params['access_key_id'] == 'aliased-id'
    assert module.params['access_key_secret'] == 'aliased-secret'
    assert module.params['timeout'] == 10 and module.params['retries'] is None
    assert module.params['retry_timeout'] == 60 and module.params['validate_certs'] is True


def test_module_spec_is_merged(harness):
    module = harness({'name': 'x'}, spec=dict(name=dict(type='str')))
    assert module.params['name'] == 'x' and 'access_key_id' in module.params
    assert isinstance(module.module, AnsibleModule)


@pytest.mark.parametrize('args, words', [
    ({'timeout': 0}, ['timeout', 'at least 1']),
    ({'retries': -1}, ['retries', '0 or more']),
    ({'retry_timeout': -1}, ['retry_timeout', '0 or more']),
    ({'calls_per_minute': -1}, ['calls_per_minute must be 0 (no pacing) or more', 'got -1']),
])
def test_timeout_and_retries_are_validated(harness, args, words):
    with pytest.raises(FailJson) as info:
        harness(args)
    for word in words:
        assert word in info.value.args[0]['msg']


# -- region and endpoint ----------------------------------------------------------------------

@pytest.mark.parametrize('args, endpoint', [
    ({'region': 'cn-beijing', 'namespace_id': 'cn-beijing:prod'}, 'https://sae.cn-beijing.aliyuncs.com'),
    ({'region': 'cn-hangzhou', 'namespace_id': 'cn-beijing:prod', 'endpoint': 'sae.cn-hangzhou.aliyuncs.com'},
     'https://sae.cn-hangzhou.aliyuncs.com'),
    ({'namespace_id': 'cn-beijing:prod'}, 'https://sae.cn-beijing.aliyuncs.com'),
    ({'namespace_id': 'ap-southeast-1'}, 'https://sae.ap-southeast-1.aliyuncs.com'),
    ({'region': 'eu-central-1', 'endpoint': 'sae-vpc.eu-central-1.aliyuncs.com'}, 'https://sae-vpc.eu-central-1.aliyuncs.com'),
    ({'endpoint': 'http://127.0.0.1:8080'}, 'http://127.0.0.1:8080'),
    ({'endpoint': 'https://sae.example.test:8443/'}, 'https://sae.example.test:8443'),
    ({'endpoint': 'http://[::1]:9000'}, 'http://[::1]:9000'),
])
def test_endpoint_resolution(harness, args, endpoint):
    args = dict(KEYS, **args)
    module = harness(args)
    assert module.endpoint == endpoint
    assert module.connect().http.endpoint == endpoint


def test_endpoint_from_environment(harness, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_SAE_ENDPOINT', 'http://localhost:1234')
    assert harness(KEYS).endpoint == 'http://localhost:1234'


def test_no_region_fails_naming_the_option_and_env(harness):
    with pytest.raises(FailJson) as info:
        harness(KEYS).connect()
    assert 'region' in info.value.args[0]['msg'] and 'ALIBABA_CLOUD_REGION_ID' in info.value.args[0]['msg']


@pytest.mark.parametrize('args', [
    {'region': 'cn beijing'},
    {'region': 'demo'},
    {'endpoint': 'ftp://sae.example.com'},
    {'endpoint': 'https://sae.example.com/some/path'},
    {'endpoint': 'https://user:pass@sae.example.com'},
    {'endpoint': 'https://sae.example.com:99999'},
    {'endpoint': 'https://'},
])
def test_bad_region_or_endpoint_fails_cleanly(harness, args):
    with pytest.raises(FailJson) as info:
        harness(dict(KEYS, **args)).connect()
    msg = info.value.args[0]['msg']
    assert ('endpoint' in msg or 'region' in msg) and 'Traceback' not in msg


@pytest.mark.parametrize('endpoint, warned', [
    ('http://sae.example.com', True),
    ('http://10.0.0.5:8080', True),
    ('http://127.0.0.1:8080', False),
    ('http://127.9.9.9', False),
    ('http://localhost:8080', False),
    ('http://[::1]:8080', False),
    ('https://sae.example.com', False),
])
def test_plain_http_warning(harness, endpoint, warned):
    module = harness(dict(KEYS, endpoint=endpoint))
    module.connect()
    module.connect()
    assert len(harness.warnings) == (1 if warned else 0)
    if warned:
        assert 'http' in harness.warnings[0] and 'unencrypted' in harness.warnings[0]


def test_validate_certs_false_warns_once_and_client_settings(harness, tmp_path):
    module = harness(dict(KEYS, region='cn-beijing', validate_certs=False, timeout=3, retries=0, retry_timeout=7))
    api = module.connect()
    assert module.connect() is api and isinstance(api, SaeApi)
    assert len(harness.warnings) == 1 and 'validate_certs' in harness.warnings[0]
    assert (api.http.timeout, api.http.retries, api.http.retry_timeout, api.http.verify) == (3, 0, 7, False)
    assert api.http.version == '2019-05-06'
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('')
    module = harness(dict(KEYS, region='cn-beijing', ca_path=str(bundle)))
    assert module.connect().http.verify == str(bundle)


def test_missing_ca_path_fails_cleanly(harness, tmp_path):
    with pytest.raises(FailJson) as info:
        harness(dict(KEYS, region='cn-beijing', ca_path=str(tmp_path / 'nope.pem')))
    assert 'ca_path' in info.value.args[0]['msg'] and 'nope.pem' in info.value.args[0]['msg']


def test_api_is_lazy_and_credentials_errors_fail_cleanly(harness):
    module = harness({'access_key_id': 'only-id', 'region': 'cn-beijing'})
    with pytest.raises(FailJson) as info:
        module.connect()
    assert 'access_key_secret' in info.value.args[0]['msg']


def test_explicit_keys_give_explicit_credentials(harness):
    creds = harness(dict(KEYS, security_token='tok', region='cn-beijing')).connect().http.credentials
    assert creds.source == 'explicit' and creds.get() == ('test-id', 'test-secret', 'tok')


# -- namespace_id, region and where they came from ---------------------------------------------

@pytest.mark.parametrize('namespace_id, region', [
    ('cn-beijing:prod', 'cn-beijing'),
    ('cn-beijing', 'cn-beijing'),
    ('cn-hangzhou-finance:ledger', 'cn-hangzhou-finance'),
    ('ap-southeast-1', 'ap-southeast-1'),
    ('us-west-1:web_2', 'us-west-1'),
    (None, None),
])
def test_namespace_region(namespace_id, region):
    assert _common.namespace_region(namespace_id) == region


@pytest.mark.parametrize('namespace_id, words', [
    ('demo', 'names no region'),
    (':demo', 'does not start with a region id'),
    ('Cn-Beijing:demo', 'does not start with a region id'),
    ('beijing:demo', 'does not start with a region id'),
    ('', 'is empty'),
    ('cn-beijing:', 'the name after "cn-beijing:"'),
    ('cn-beijing:a:b', 'the name after "cn-beijing:"'),
    ('cn-beijing:my ns', 'the name after "cn-beijing:"'),
    (' cn-beijing:prod', 'does not start with a region id'),
])
def test_namespace_region_refuses_what_has_no_region(namespace_id, words):
    with pytest.raises(ValueError) as info:
        _common.namespace_region(namespace_id)
    message = str(info.value)
    assert message.startswith('namespace_id %r' % namespace_id) and words in message
    assert "'<region>:<name>' (for example 'cn-beijing:prod')" in message and "(for example 'cn-beijing')" in message


def test_a_namespace_id_without_region_fails_when_the_module_starts(harness):
    with pytest.raises(FailJson) as info:
        harness(dict(KEYS, namespace_id='demo', endpoint='http://127.0.0.1:1'))
    assert info.value.args[0]['msg'].startswith("namespace_id 'demo' names no region")


@pytest.mark.parametrize('args, env, words', [
    ({'region': 'cn-hangzhou'}, {}, 'region cn-hangzhou (from option region) contradicts namespace_id cn-beijing:prod, '
                                    'whose region is cn-beijing'),
    ({'alicloud_region': 'cn-hangzhou'}, {'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou'},
     'region cn-hangzhou (from option region) contradicts'),
    ({}, {'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou'},
     'region cn-hangzhou (from environment variable ALIBABA_CLOUD_REGION_ID) contradicts namespace_id cn-beijing:prod'),
    ({}, {'ALICLOUD_REGION_ID': 'cn-hangzhou'}, '(from environment variable ALICLOUD_REGION_ID)'),
])
def test_a_region_that_contradicts_the_namespace_fails_naming_both_sources(harness, monkeypatch, args, env, words):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = harness(dict(KEYS, namespace_id='cn-beijing:prod', **args))
    with pytest.raises(FailJson) as info:
        module.connect()
    msg = info.value.args[0]['msg']
    assert words in msg, msg
    assert 'Set region to cn-beijing' in msg and 'set endpoint explicitly' in msg


def test_the_default_namespace_of_a_region_is_its_bare_id(harness, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-beijing')
    assert harness(dict(KEYS, namespace_id='cn-beijing')).endpoint == 'https://sae.cn-beijing.aliyuncs.com'
    with pytest.raises(FailJson) as info:
        harness(dict(KEYS, namespace_id='cn-shanghai')).endpoint  # pylint: disable=expression-not-assigned
    assert 'contradicts namespace_id cn-shanghai, whose region is cn-shanghai' in info.value.args[0]['msg']


def test_an_explicit_endpoint_lifts_the_contradiction(harness, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_SAE_ENDPOINT', 'http://127.0.0.1:9')
    module = harness(dict(KEYS, namespace_id='cn-beijing:prod', region='cn-hangzhou'))
    assert module.connect().http.endpoint == 'http://127.0.0.1:9'


@pytest.mark.parametrize('args, env, origin', [
    ({'endpoint': 'http://127.0.0.1:9'}, {}, 'set by option endpoint'),
    ({'endpoint_url': 'http://127.0.0.1:9'}, {}, 'set by option endpoint'),
    ({}, {'ALIBABA_CLOUD_SAE_ENDPOINT': 'http://127.0.0.1:9'}, 'taken from environment variable ALIBABA_CLOUD_SAE_ENDPOINT'),
    ({'region': 'cn-beijing'}, {}, 'built from region cn-beijing, taken from option region'),
    ({'region_id': 'cn-beijing'}, {'ALICLOUD_REGION': 'cn-beijing'}, 'built from region cn-beijing, taken from option region'),
    ({}, {'ALICLOUD_REGION': 'cn-beijing'}, 'built from region cn-beijing, taken from environment variable ALICLOUD_REGION'),
    ({'namespace_id': 'cn-beijing:prod'}, {},
     'built from region cn-beijing, taken from the prefix of namespace_id cn-beijing:prod'),
])
def test_the_transport_is_told_where_the_endpoint_came_from(harness, monkeypatch, args, env, origin):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    http = harness(dict(KEYS, **args)).connect().http
    assert http.endpoint_origin == origin


def test_option_source_without_the_raw_arguments():
    params = {'region': 'cn-beijing'}
    assert _common.option_source(params, 'region', (), ('A_REGION',)) == 'option region'
    os.environ['A_REGION'] = 'cn-beijing'
    try:
        assert _common.option_source(params, 'region', (), ('A_REGION',)) == 'environment variable A_REGION'
        assert _common.option_source({'region': 'cn-shanghai'}, 'region', (), ('A_REGION',)) == 'option region'
    finally:
        del os.environ['A_REGION']
    assert _common.option_source({'region': None}, 'region', (), ()) is None


# -- calls_per_minute ---------------------------------------------------------------------------

def test_calls_per_minute_defaults_to_sae_limit_and_reaches_the_transport(harness, monkeypatch):
    http = harness(dict(KEYS, region='cn-beijing')).connect().http
    assert http.calls_per_minute == 60 and http.pacer is None  # built on the first call
    monkeypatch.setenv('ALIBABA_CLOUD_SAE_CALLS_PER_MINUTE', '0')
    assert harness(dict(KEYS, region='cn-beijing')).connect().http.calls_per_minute == 0
    assert harness(dict(KEYS, region='cn-beijing', calls_per_minute=30)).connect().http.calls_per_minute == 30


def test_pace_warnings_reach_the_module(harness):
    module = harness(dict(KEYS, region='cn-beijing'))
    module.connect().http.warn('the pace file is odd')
    assert harness.warnings == ['the pace file is odd']


# -- api_failure --------------------------------------------------------------------------------

def _fail(harness, err, **kwargs):
    sae = harness()
    sae.add_hints(INGRESS_HINTS)
    return sae.api_failure(err, **kwargs)


def test_api_failure_message_hint_and_error_data(harness):
    err = SaeApiError('SlbListenerPort.NotAvailable', 'The listener port is not available.', request_id='ABC-123',
                      status=400, operation='CreateIngress')
    result = _fail(harness, err, changed=False, ingress={})
    assert result['msg'] == ('CreateIngress failed: SlbListenerPort.NotAvailable: The listener port is not available. '
                             '(RequestId: ABC-123) Hint: the port is taken on that SLB by another ingress: pick another '
                             'listener_port or remove that ingress.')
    assert result['error'] == {'code': 'SlbListenerPort.NotAvailable', 'message': 'The listener port is not available.',
                               'request_id': 'ABC-123', 'status': 400, 'operation': 'CreateIngress'}
    assert result['changed'] is False and result['ingress'] == {}


def test_api_failure_custom_msg_without_request_id_or_hint(harness):
    err = SaeApiError('Some.Unknown', 'odd', status=400, operation='UpdateIngress')
    assert _fail(harness, err, msg='Updating ingress 12')['msg'] == 'Updating ingress 12 failed: Some.Unknown: odd'


@pytest.mark.parametrize('err, words', [
    (SaeApiError('Throttling.User', 'slow'), ['retry_timeout', 'forks']),
    (SaeApiError('InvalidTimeStamp.Expired', 'clock'), ['NTP', '15 minutes']),
    (SaeApiError('SignatureDoesNotMatch', 'sig'), ['access_key_secret']),
    (SaeApiError('InvalidAccessKeyId.NotFound', 'id'), ['access_key_id', 'enabled']),
    (SaeApiError('SSLError', 'tls'), ['ca_path', 'validate_certs']),
    (SaeUnknownOutcomeError('ReadTimeout', 'late', operation='CreateIngress'), ['outcome is unknown']),
])
def test_api_failure_hints(harness, err, words):
    msg = _fail(harness, err)['msg']
    assert ' Hint: ' in msg
    for word in words:
        assert word in msg


def test_every_documented_code_has_a_hint(harness):
    sae = harness()
    sae.add_hints(INGRESS_HINTS)
    documented = ['InvalidParameter.NotEmpty', 'InvalidParameter.Obviously', 'InvalidParameter.WithMessage', 'Slb.NotFound',
                  'Exceed.IngressRule', 'SlbListenerPort.NotAvailable', 'SSLCert.NotFound', 'InvalidResponse.Api',
                  'Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'InternalError',
                  'SignatureDoesNotMatch', 'IncompleteSignature', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired',
                  'SignatureNonceUsed', 'SSLError', 'System.Upgrading', 'Application.ChangerOrderRunning',
                  'Application.InvalidStatus', 'OperationFailed.RPCError', 'InvalidAppId.NotFound',
                  'InvalidNamespaceId.NotFound', 'InvalidVpcId.NotFound', 'InvalidApplication.NotFound',
                  'IncompleteListing']
    for code in documented:
        hint = _common.error_hint(SaeApiError(code, 'x'), sae.hints)
        assert hint and '\n' not in hint, code
    assert _common.error_hint(SaeApiError('Nothing.Known', 'x'), sae.hints) is None
    # the module base holds no hint of its own: an ingress code has one only once the resource adds its table
    assert _common.error_hint(SaeApiError('Slb.NotFound', 'x'), harness().hints) is None
    # ... and no resource's words: sae_ingresses is the way to fewer calls for ingresses, not for canary routes
    base = _common.error_hint(SaeApiError('Throttling.User', 'x'), harness().hints)
    assert 'sae_ingresses' not in base and 'sae_ingresses' in _common.error_hint(SaeApiError('Throttling.User', 'x'),
                                                                                 sae.hints)
    assert 'ingress' not in _common.error_hint(SaeApiError('SignatureNonceUsed', 'x'), harness().hints)
    assert not [name for name in vars(_common) if 'HINTS' in name and name != 'ERROR_HINTS']


PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(_common.__file__)))
LICENSE_LINE = '# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)'
PRIVATE_LINES = (
    '# This file is private to the alibabacloud.sae collection and is not a public API: it may change',
    '# in any release without notice. Do not import it from other collections.',
)


def _plugin_files():
    """Every Python file under plugins/ (module_utils, modules, doc_fragments, and any later subdirectory)."""
    found = []
    for directory, subdirectories, files in os.walk(PLUGINS):
        subdirectories[:] = sorted(d for d in subdirectories if d != '__pycache__')
        found.extend(os.path.relpath(os.path.join(directory, name), PLUGINS) for name in sorted(files) if name.endswith('.py'))
    return found


PLUGIN_FILES = _plugin_files()


def test_the_header_check_sees_every_plugin_directory():
    # Guards the check below against finding nothing: each kind of plugin, the ingress files included.
    for expected in ('module_utils/_common.py', 'module_utils/_ingress_resource.py', 'modules/sae_ingress.py',
                     'modules/sae_ingress_info.py', 'doc_fragments/common.py'):
        assert expected in PLUGIN_FILES, PLUGIN_FILES


@pytest.mark.parametrize('relative', PLUGIN_FILES)
def test_plugin_files_carry_the_header(relative):
    with open(os.path.join(PLUGINS, relative), encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    if lines and lines[0] == '# -*- coding: utf-8 -*-':
        lines = lines[1:]
    assert lines and lines[0] == LICENSE_LINE, relative
    if relative.split(os.sep)[0] == 'module_utils':
        # Private files say so, in the same words, right under the licence line.
        assert tuple(lines[1:4]) == ('#',) + PRIVATE_LINES, relative


def test_an_incomplete_listing_gets_the_hint_of_the_listing_that_failed(harness):
    """The way around an incomplete ListIngresses (ingress_id) does not avoid ListApplications (app_id does), and
    sae_application_info, which has neither, gets the service-wide hint."""
    ingress = harness()
    ingress.add_hints(INGRESS_HINTS)
    listing = 'IncompleteListing'
    assert 'set ingress_id' in _common.error_hint(SaeApiError(listing, 'x', operation='ListIngresses'), ingress.hints)
    by_names = _common.error_hint(SaeApiError(listing, 'x', operation='ListApplications'), ingress.hints)
    assert 'app_id instead of app_name' in by_names and 'ingress_id' not in by_names
    applications = _common.error_hint(SaeApiError(listing, 'x', operation='ListApplications'), harness().hints)
    assert 'run again' in applications and 'app_id' not in applications and 'ingress_id' not in applications


@pytest.mark.parametrize('spec, value, reported_since', [
    ({'type': 'int'}, float('inf'), (2, 22)),
    ({'type': 'int'}, 'inf', (2, 22)),
    ({'type': 'dict', 'options': {'app_id': {'type': 'str'}}}, 5, None),
])
def test_ansible_core_still_crashes_where_defuse_steps_in(spec, value, reported_since):
    """_arguments.defuse (and the parameter loading that calls it) exists because ansible-core's argument validation raises on
    these values instead of reporting them. ``reported_since``: the ansible-core version that reports the value itself
    (an infinite number for an int: 2.22); this test fails when another version changes, so that defuse can be kept
    to the versions that still raise."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.ansible_release import __version__ as core  # pylint: disable=import-outside-toplevel
    if reported_since is not None and tuple(int(part) for part in core.split('.')[:2]) >= reported_since:
        errors = ArgumentSpecValidator({'option': spec}).validate({'option': value}).errors
        assert 'cannot be converted to an int' in str(errors[0])
        return
    with pytest.raises((OverflowError, TypeError)):
        ArgumentSpecValidator({'option': spec}).validate({'option': value})
