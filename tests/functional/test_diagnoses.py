# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fast, right diagnoses of identity and network input: a host name that does not resolve, an endpoint that refuses
connections, a region that contradicts the namespace, a namespace_id without a region. Each scenario runs the
module's process as ansible-playbook would; the emulator's request log (or the absence of any server) is the
witness."""

from __future__ import annotations

import re
import socket
import time

import sae_emulator
from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error

NS = inv.NAMESPACE_ID  # cn-beijing:demo
INFO = 'alibabacloud.sae.sae_ingress_info'
KEYS = {'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID, 'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
        'calls_per_minute': 0}


def info_task(**args):
    return harness.task(dict({'namespace_id': NS}, **args), module=INFO)


def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_host_name_that_does_not_resolve_fails_at_once(run_tasks):
    # .invalid never resolves (RFC 6761); retry_timeout 60 and no cap on retries: an outage would be retried for a minute
    endpoint = 'http://sae.cn-nowhere-9.invalid:8080'
    started = time.monotonic()
    result = run_tasks(info_task(endpoint=endpoint), emulator=None,
                       defaults=dict(KEYS, retry_timeout=60, timeout=5)).result
    elapsed = time.monotonic() - started
    assert result['failed'] and result['error']['code'] == 'NameResolutionError', result
    msg = result['msg']
    assert ('the host name sae.cn-nowhere-9.invalid of endpoint %s does not resolve' % endpoint) in msg, msg
    assert 'the endpoint was set by option endpoint' in msg and 'Not retried' in msg, msg
    assert 'gave up' not in msg and elapsed < 30, (elapsed, msg)


def test_an_unresolvable_endpoint_from_the_environment_says_so(run_tasks):
    result = run_tasks(info_task(), emulator=None, defaults=KEYS,
                       env={'ALIBABA_CLOUD_SAE_ENDPOINT': 'sae-vpc.cn-nowhere-9.invalid'}).result
    assert result['failed'] and result['error']['code'] == 'NameResolutionError', result
    assert 'of endpoint https://sae-vpc.cn-nowhere-9.invalid does not resolve' in result['msg'], result['msg']
    assert 'the endpoint was taken from environment variable ALIBABA_CLOUD_SAE_ENDPOINT' in result['msg'], result['msg']


def test_a_refused_connection_says_how_long_it_was_retried_and_why_it_stopped(run_tasks):
    endpoint = 'http://127.0.0.1:%d' % closed_port()
    result = run_tasks(info_task(endpoint=endpoint), emulator=None,
                       defaults=dict(KEYS, retry_timeout=3, timeout=2)).result
    assert result['failed'] and result['error']['code'] == 'ConnectionError', result
    msg = result['msg']
    assert 'could not connect to %s (connection refused)' % endpoint in msg, msg
    match = re.search(r'gave up after (\d+) attempts over (\d+) s \(retry_timeout 3 s\)', msg)
    assert match and int(match.group(1)) >= 3 and int(match.group(2)) <= 4, msg


def test_a_region_that_contradicts_the_namespace_fails_before_any_call(run_tasks, emulator):
    # no endpoint: the region decides which API is asked
    by_option = run_tasks(info_task(region='cn-hangzhou'), emulator=None, defaults=KEYS).result
    by_env = run_tasks(info_task(), emulator=None, defaults=KEYS, env={'ALICLOUD_REGION_ID': 'cn-hangzhou'}).result
    by_both = run_tasks(info_task(alicloud_region='cn-shanghai'), emulator=None, defaults=KEYS,
                        env={'ALIBABA_CLOUD_REGION_ID': 'cn-hangzhou'}).result
    for result, source, region in ((by_option, 'option region', 'cn-hangzhou'),
                                   (by_env, 'environment variable ALICLOUD_REGION_ID', 'cn-hangzhou'),
                                   (by_both, 'option region', 'cn-shanghai')):
        assert result['failed'], result
        assert result['msg'].startswith('region %s (from %s) contradicts namespace_id %s, whose region is cn-beijing'
                                        % (region, source, NS)), result['msg']
        assert 'Set region to cn-beijing' in result['msg'] and 'set endpoint explicitly' in result['msg']
    # an endpoint set explicitly is the user's word: the same region goes through to it
    agreed = run_tasks(info_task(region='cn-hangzhou')).result
    assert not agreed['failed'] and harness.operations(emulator) == ['ListIngresses'], agreed


def test_a_namespace_id_without_region_fails_before_any_call(run_tasks, emulator):
    for module, args in ((INFO, {}), ('alibabacloud.sae.sae_ingress', {'name': 'web'}),
                         ('alibabacloud.sae.sae_application_info', {})):
        result = run_tasks(harness.task(dict(args, namespace_id='demo'), module=module)).result
        assert result['failed'], result
        assert result['msg'].startswith("namespace_id 'demo' names no region"), result['msg']
        assert "'<region>:<name>' (for example 'cn-beijing:prod')" in result['msg']
    assert emulator.log == []
