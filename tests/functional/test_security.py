# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets stay secret at the highest verbosity; TLS is verified by default; plain http is warned about.

Real ansible-playbook runs against the SAE emulator. Everything a run prints or returns is scanned for
the access key secret and the STS token. The figures are summarised in docs/reliability.md.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import re
import socket

import pytest

import sae_emulator

import harness  # pylint: disable=import-error
from harness import CLB, NS, run_playbook, task  # pylint: disable=import-error

WRONG_SECRET = 'wrong-secret-Zq7xK2pLm9'
WRONG_TOKEN = 'wrong-sts-token-Vb3nR8tY'


def scenario(bad_credentials, check_mode):
    """The kinds of test_sae_ingress.py in one play: check+diff, create, no-op, update (after a 500), failures, delete.

    (task, (failed, changed)) pairs; without `check_mode`, the three check-mode tasks are left out."""
    updated = dict(CLB, request_timeout=45)
    steps = [
        (task(CLB, 'create, check mode', check_mode=True), (False, True)),
        (task(CLB, 'create'), (False, True)),
        (task(CLB, 'no-op'), (False, False)),
        (task(updated, 'update, check mode', check_mode=True), (False, True)),
        (task(updated, 'update'), (False, True)),  # its first UpdateIngress is answered with a 500, then retried
        (task({'namespace_id': NS, 'name': 'web'}, 'read', module='alibabacloud.sae.sae_ingress_info'), (False, False)),
        (task(dict(CLB, name='web-2', listener_port=81, listener_protocol='HTTPS', cert_id='no-such-certificate'),
              'failure: unknown certificate (API error)'), (True, False)),
        (task(dict(CLB, listener_port=70000), 'failure: input error'), (True, False)),
        (task(dict(CLB, **bad_credentials), 'failure: refused credentials'), (True, False)),
        (task({'namespace_id': NS, 'name': 'web', 'state': 'absent'}, 'delete, check mode', check_mode=True),
         (False, True)),
        (task({'namespace_id': NS, 'name': 'web', 'state': 'absent'}, 'delete'), (False, True)),
    ]
    return [step for step in steps if check_mode or not step[0].get('check_mode')]


PERMANENT = (sae_emulator.DEFAULT_ACCESS_KEY_ID, sae_emulator.DEFAULT_ACCESS_KEY_SECRET, None)
STS = (sae_emulator.STS_ACCESS_KEY_ID, sae_emulator.STS_ACCESS_KEY_SECRET, sae_emulator.STS_SECURITY_TOKEN)

# (credentials, given through module_defaults or environment variables, ANSIBLE_DEBUG on, check-mode tasks too).
# Each pair of choices meets in one mode: permanent keys from the environment take the path of env-sts-keys without
# the token, and permanent keys with ANSIBLE_DEBUG that of sts-keys without the token (the secret and the refused
# values are task arguments in both), so neither needs a run of its own. The check-mode tasks print what their
# real twins print, with no credential of their own: they run in the mode with the most secrets (sts-keys).
MODES = {
    'explicit-keys-no-debug': (PERMANENT, 'module_defaults', False, False),
    'sts-keys': (STS, 'module_defaults', True, True),
    'env-sts-keys': (STS, 'environment', True, False),
}

# ansible-core's own ANSIBLE_DEBUG trace prints the arguments of each task as the task gives them, before
# the module runs and masks its no_log options (ansible-core documents that debug output can include
# secrets despite no_log). That line is the only place a secret may appear, and only one a task or
# module_defaults passed in: credentials from environment variables are read by the module itself.
CORE_DEBUG_ARGS = re.compile(r'^ *\d+ [\d.]+: done with _execute_module \(alibabacloud\.sae\.sae_ingress(_info)?, \{')
# From ansible-core 2.22 on, a module no longer masks its no_log values itself: AnsibleModule prints its result with
# the values as they are and lists them under `_ansible_new_secrets`, for the controller to mask them everywhere. The
# ANSIBLE_DEBUG trace prints that raw output on the line after this one. A secret may appear there only in what
# ansible-core adds for its masking (`_ansible_new_secrets`, and the arguments it echoes as `invocation`), and only
# when listed in `_ansible_new_secrets`: the module's own result (msg, error, warnings, ingress, diff) never has one.
CORE_DEBUG_MODULE_STDOUT = re.compile(r'^ *\d+ [\d.]+: _low_level_execute_command\(\) done: rc=-?\d+, stdout=$')
# What the invocation shows for a no_log option: the placeholder of ansible-core 2.21 and earlier, or that of 2.22.
MASKED = ('VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', '$REDACTED$')


def _scan(text, secrets):
    return [secret for secret in secrets if secret in text]


def _raw_module_output_leaks(line, secrets):
    """The secrets of a module's raw output (ansible-core's debug trace) that ansible-core does not mask."""
    try:
        raw = json.loads(line)
    except ValueError:
        return _scan(line, secrets)
    announced = raw.pop('_ansible_new_secrets', [])
    raw.pop('invocation', None)
    return sorted(set(secret for secret in _scan(line, secrets) if secret not in announced)
                  | set(_scan(json.dumps(raw), secrets)))


def _output_leaks(text, secrets, allowed):
    """Lines of ansible-playbook output that carry a secret, apart from ansible-core's debug trace of `allowed` ones
    and the masking channel of a module's raw output in that trace."""
    leaks = []
    previous = ''
    for line in text.splitlines():
        found = _scan(line, secrets)
        if CORE_DEBUG_MODULE_STDOUT.match(previous):
            found = _raw_module_output_leaks(line, found)
        if found and not (CORE_DEBUG_ARGS.match(line) and set(found) <= set(allowed)):
            leaks.append(line)
        previous = line
    return leaks


@pytest.mark.long
@pytest.mark.parametrize('mode', sorted(MODES))
def test_secrets_never_appear_at_the_highest_verbosity(tmp_path, emulator, mode):
    (key_id, secret, token), channel, debug, check_mode = MODES[mode]
    defaults = {'endpoint': emulator.url, 'retries': 2, 'timeout': 5}
    # ansible-core 2.21 adds a task's arguments to its result (invocation) only when asked: ask, so that the masking
    # of the secret and the token there is checked on every version.
    env = {'ANSIBLE_DEBUG': '1' if debug else '0', 'ANSIBLE_INJECT_INVOCATION': '1'}
    if channel == 'module_defaults':
        defaults.update(access_key_id=key_id, access_key_secret=secret)
        if token:
            defaults['security_token'] = token
    else:
        env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=key_id, ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret)
        if token:
            env['ALIBABA_CLOUD_SECURITY_TOKEN'] = token
    bad = {'security_token': WRONG_TOKEN} if token else {'access_key_secret': WRONG_SECRET}
    steps = scenario(bad, check_mode)
    emulator.faults.arm('internal', operation='UpdateIngress')
    run = run_playbook(tmp_path, [step for step, _expected in steps], defaults=defaults, env=env, diff=True,
                       verbosity=4)

    assert [(r['failed'], r['changed']) for r in run.results] == [expected for _step, expected in steps], run
    results = dict((record['task'], record['result']) for record in run.records)
    assert 'CreateIngress failed: SSLCert.NotFound' in results['failure: unknown certificate (API error)']['msg']
    assert 'listener_port' in results['failure: input error']['msg']
    refused = results['failure: refused credentials']
    assert refused['error']['code'] == ('InvalidSecurityToken.Malformed' if token else 'SignatureDoesNotMatch')
    assert ['%s ' % e['access_key_id'] for e in emulator.log] == ['%s ' % key_id] * len(emulator.log)
    assert bool(re.search(r'^ *\d+ [\d.]+: starting run$', run.stdout, re.MULTILINE)) is debug, run
    assert 'ESTABLISH LOCAL CONNECTION' in run.stdout, run  # and -vvvv

    secrets = [secret, WRONG_SECRET] + ([token, WRONG_TOKEN] if token else [])
    captured = {
        'results': json.dumps(run.records),
        'warnings': json.dumps([r.get('warnings') for r in run.results]),
        'messages': json.dumps([r.get('msg') for r in run.results] + [r.get('error') for r in run.results]),
        # What went over the wire outside the signature headers: parameters and query strings.
        'requests': json.dumps([e['params'] for e in emulator.log]),
    }
    for where, text in captured.items():
        assert _scan(text, secrets) == [], where
    # Given as task arguments: the credentials of module_defaults, and the refused secret or token.
    as_arguments = ([secret, token] if channel == 'module_defaults' else []) + [WRONG_SECRET, WRONG_TOKEN]
    allowed = as_arguments if debug else []
    for where, text in (('stdout', run.stdout), ('stderr', run.stderr)):
        assert _output_leaks(text, secrets, allowed) == [], where
    # The invocation shows the secret options masked (ansible-core's placeholder) or not at all, never their value.
    invocation = results['create']['invocation']['module_args']
    if channel == 'module_defaults':
        for option, value in (('access_key_secret', secret), ('security_token', token)):
            if value:
                assert invocation.get(option) in MASKED + (None,), (option, invocation.get(option))
                assert value not in json.dumps(invocation), option


def test_secret_options_are_no_log_in_every_module():
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils._common import sae_argument_spec

    shared = sae_argument_spec()
    assert shared['access_key_secret']['no_log'] is True
    assert shared['security_token']['no_log'] is True
    assert shared['access_key_id']['no_log'] is False
    for name in harness.MODULES:
        module = importlib.import_module('ansible_collections.alibabacloud.sae.plugins.modules.' + name)
        spec = dict(shared, **module.argument_spec())
        for option, definition in spec.items():
            names = [option] + list(definition.get('aliases', []))
            if any(word in name for name in names for word in ('secret', 'token', 'password')):
                assert definition.get('no_log') is True, (module.__name__, option)


# ---------------------------------------------------------------------------------------------
# TLS and plain http
# ---------------------------------------------------------------------------------------------

def test_tls_is_verified_by_default(tmp_path):
    # one ListIngresses per lookup (harness.PAGING_WITH_TOTAL)
    with sae_emulator.Emulator(tls=True, variants=harness.variants_with(**harness.PAGING_WITH_TOTAL)) as emu:
        run = run_playbook(tmp_path, [
            task(CLB, 'default: validate_certs true, no ca_path'),
            task(dict(CLB, ca_path=emu.ca_path), 'ca_path'),
            task(dict(CLB, validate_certs=False, request_timeout=45), 'validate_certs false'),
        ], emulator=emu, defaults={'retries': 3})
        log = emu.log
        assert emu.url.startswith('https://')
    default, with_ca, unverified = run.results
    assert default['failed'] is True, run
    assert default['error']['code'] == 'SSLError'
    assert 'certificate' in default['msg'].lower() and 'Hint: set ca_path' in default['msg'], default['msg']
    assert not with_ca['failed'] and with_ca['changed'] is True and not with_ca.get('warnings'), with_ca
    assert not unverified['failed'] and unverified['changed'] is True, unverified
    assert any('validate_certs is false' in warning for warning in unverified['warnings']), unverified
    # The refused handshake never reached the API: the log starts with the ca_path task.
    assert [e['operation'] for e in log][:2] == ['ListIngresses', 'CreateIngress']
    assert [e['operation'] for e in log].count('ListIngresses') == 2


def _loopback_alias():
    """A host name other than localhost that /etc/hosts maps to an IPv4 loopback address, or None.

    Only names listed in /etc/hosts are considered, and each is checked to resolve to loopback only,
    so no DNS query and no packet leaves the machine.
    """
    try:
        with open('/etc/hosts', encoding='utf-8') as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split('#', 1)[0].split()
        if len(fields) < 2 or fields[0] != '127.0.0.1':
            continue
        for name in fields[1:]:
            if name.lower() == 'localhost':
                continue
            try:
                addresses = {info[4][0] for info in socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)}
            except OSError:
                continue
            if addresses and all(ipaddress.ip_address(address.split('%')[0]).is_loopback for address in addresses):
                return name
    return None


def test_plain_http_warns_unless_loopback(play, emulator):
    alias = _loopback_alias()
    if alias is None:
        pytest.skip('no host name other than localhost maps to 127.0.0.1 in /etc/hosts')
    no_proxy = {'no_proxy': '*', 'NO_PROXY': '*'}
    run = play([
        task(CLB, 'loopback address'),
        task(dict(CLB, endpoint='http://localhost:%d' % emulator.port), 'localhost'),
        task(dict(CLB, endpoint='http://%s:%d' % (alias, emulator.port)), 'a name that is not loopback by itself'),
    ], env=no_proxy)
    ip, localhost, named = run.results
    assert not any(result['failed'] for result in run.results), run
    assert not ip.get('warnings') and not localhost.get('warnings')
    expected = 'endpoint http://%s:%d uses plain http' % (alias, emulator.port)
    assert any(expected in warning for warning in named['warnings']), named
    assert len(emulator.ingresses) == 1
