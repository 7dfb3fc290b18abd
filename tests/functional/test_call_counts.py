# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API cost of each sae_ingress scenario, read from the emulator's request log.

Targets (see docs/performance.md): no-op by ingress_id 1 call; no-op by name or by listener 1 call
when the ListIngresses row carries every option the task sets, else 2; create with slb_id List + Create
(a Describe only when SAE creates the ALB); update at most 3; delete at most 2; check mode reads only;
every call of one task on one HTTP connection. And the explicit-key path never imports
alibabacloud-credentials.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import sae_emulator

import harness  # pylint: disable=import-error
from harness import NS, operations, task, writes  # pylint: disable=import-error

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_PATH = os.path.join(COLLECTION_ROOT, 'plugins', 'modules', 'sae_ingress.py')
READS = ('DescribeIngress', 'ListIngresses')
# Top-level packages the explicit-key path must never load (alibabacloud-credentials and what it pulls in).
CREDENTIALS_STACK = ('alibabacloud_credentials', 'alibabacloud_tea', 'aiohttp', 'apscheduler')

CLB = dict(harness.CLB, request_timeout=60)
# Call counts of a ListIngresses that reports TotalSize (harness.PAGING_WITH_TOTAL).
pytestmark = pytest.mark.emulator_variants(**harness.PAGING_WITH_TOTAL)


def seed(emulator, name='web', port=80):
    return harness.seed(emulator, dict(CLB, name=name, listener_port=port))


def run_one(run_tasks, emulator, args, check_mode=False):
    """Run one sae_ingress task from a clean log; return (result, operations)."""
    emulator.clear_log()
    run = run_tasks(task(args), check=check_mode)
    result = run.result
    assert not result.get('failed'), run
    assert_one_connection(emulator)
    return result, operations(emulator)


def assert_one_connection(emulator):
    peers = {entry['peer'] for entry in emulator.log}
    assert len(peers) == 1, 'the calls of one task used %d connections: %s' % (len(peers), sorted(peers))


# -- no-op ---------------------------------------------------------------------------------------

def test_noop_by_id_is_one_describe(run_tasks, emulator):
    ingress_id = seed(emulator)
    result, ops = run_one(run_tasks, emulator, dict(CLB, ingress_id=ingress_id))
    assert result['changed'] is False
    assert ops == ['DescribeIngress']


def test_noop_by_name_with_options_the_list_row_carries_is_one_list(run_tasks, emulator):
    seed(emulator)
    result, ops = run_one(run_tasks, emulator, CLB)
    assert result['changed'] is False
    assert ops == ['ListIngresses']


@pytest.mark.parametrize('option, value', [
    ('enable_gzip', False),
    ('security_policy_id', None),
    ('enable_x_forwarded_for', False),
])
def test_noop_by_name_with_an_option_the_row_lacks_adds_one_describe(run_tasks, emulator, option, value):
    ingress_id = seed(emulator)
    if value is None:
        emulator.modify_ingress(ingress_id, SecurityPolicyId='tls_cipher_policy_1_2')
        value = 'tls_cipher_policy_1_2'
    result, ops = run_one(run_tasks, emulator, dict(CLB, **{option: value}))
    assert result['changed'] is False
    assert ops == ['ListIngresses', 'DescribeIngress']


# -- writes --------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind', ['clb', 'alb'])
def test_create_with_slb_id_is_list_and_create(run_tasks, emulator, kind):
    args = CLB if kind == 'clb' else harness.ALB
    emulator.clear_log()
    run = run_tasks([task(args, check_mode=True), task(args)])
    check, created = run.results
    assert created['changed'] is True, run
    assert operations(emulator) == ['ListIngresses', 'ListIngresses', 'CreateIngress']
    # the result comes from the request and the answer: what check mode predicted, with the new id
    assert dict(check['ingress'], id=created['ingress']['id']) == created['ingress']
    described = run_tasks(task({'namespace_id': NS, 'ingress_id': created['ingress']['id']})).result['ingress']
    # slb_type is known only from another ingress of the same SLB; the flags the task leaves out have no documented
    # default, so a create does not present one as read
    unknown_to_a_create = ('slb_type', 'enable_gzip', 'enable_x_forwarded_for', 'enable_x_forwarded_for_client_src_port',
                           'enable_x_forwarded_for_proto', 'enable_x_forwarded_for_slb_id',
                           'enable_x_forwarded_for_slb_port')
    assert all(created['ingress'][key] is None for key in unknown_to_a_create if key not in args)
    # what the service does not report (a variant) is null when read, and what the create sent
    unknown_to_a_read = harness.UNREPORTED
    assert all(described[key] is None for key in unknown_to_a_read)
    assert dict(created['ingress'], **{k: described[k] for k in unknown_to_a_create + unknown_to_a_read}) == \
        without_app_names(described)
    # A create by app_id reads no application list, so it does not know the names (test_app_names: by name)
    assert [rule['app_name'] for rule in created['ingress']['rules']] == [None, None]


def without_app_names(ingress):
    return dict(ingress, default_rule=dict(ingress['default_rule'], app_name=None),
                rules=[dict(rule, app_name=None) for rule in ingress['rules']])


def test_create_of_an_alb_sae_provisions_adds_a_describe_and_a_list(run_tasks, emulator):
    """The describe reads the id of the ALB SAE made; the second list looks for a twin a concurrent run made."""
    args = {'namespace_id': NS, 'name': 'sae-alb', 'load_balance_type': 'alb', 'listener_port': 80,
            'default_rule': {'app_id': harness.inv.APP_WEB_ID, 'container_port': 8080}, 'rules': CLB['rules']}
    result, ops = run_one(run_tasks, emulator, args)
    assert result['changed'] is True
    assert ops == ['ListIngresses', 'CreateIngress', 'DescribeIngress', 'ListIngresses']
    assert result['ingress']['slb_id'].startswith('alb-')
    assert not result.get('warnings')


def test_slb_type_of_a_create_comes_from_another_ingress_of_the_same_slb(run_tasks, emulator):
    seed(emulator)
    result, ops = run_one(run_tasks, emulator, dict(CLB, name='web2', listener_port=81))
    assert ops == ['ListIngresses', 'CreateIngress']
    assert result['ingress']['slb_type'] == 'internet'


def test_identity_by_listener(run_tasks, emulator):
    """Without name and ingress_id, slb_id and listener_port find the ingress (and may create one)."""
    listener = {'namespace_id': NS, 'slb_id': CLB['slb_id'], 'listener_port': 8088}
    create = dict(listener, default_rule=CLB['default_rule'], rules=CLB['rules'])
    emulator.clear_log()
    run = run_tasks([task(create), task(dict(listener, request_timeout=45)), task(dict(listener, request_timeout=45)),
                     task(dict(listener, state='absent'))])
    created, updated, again, deleted = run.results
    assert created['changed'] and created['ingress']['name'] is None, run
    assert updated['changed'] and not again['changed'] and deleted['changed'], run
    assert updated['ingress']['id'] == created['ingress']['id']
    assert [e['operation'] for e in writes(emulator)] == ['CreateIngress', 'UpdateIngress', 'DeleteIngress']
    assert emulator.ingresses == {}


@pytest.mark.parametrize('by, change, expected', [
    ('id', {'request_timeout': 30}, ['DescribeIngress', 'UpdateIngress']),
    ('id', {'security_policy_id': 'tls_cipher_policy_1_2'}, ['DescribeIngress', 'UpdateIngress']),
    ('name', {'request_timeout': 30}, ['ListIngresses', 'UpdateIngress']),
    ('name', {'security_policy_id': 'tls_cipher_policy_1_2'}, ['ListIngresses', 'DescribeIngress', 'UpdateIngress']),
])
def test_update_costs_at_most_three_calls(run_tasks, emulator, by, change, expected):
    ingress_id = seed(emulator)
    args = dict(CLB, **change)
    if by == 'id':
        args['ingress_id'] = ingress_id
    result, ops = run_one(run_tasks, emulator, args)
    assert result['changed'] is True
    assert ops == expected
    assert len(ops) <= 3


@pytest.mark.parametrize('by', ['id', 'name'])
def test_delete_costs_at_most_two_calls(run_tasks, emulator, by):
    ingress_id = seed(emulator)
    args = {'namespace_id': NS, 'state': 'absent'}
    args.update({'ingress_id': ingress_id} if by == 'id' else {'name': 'web'})
    result, ops = run_one(run_tasks, emulator, args)
    assert result['changed'] is True
    assert ops == ['DescribeIngress' if by == 'id' else 'ListIngresses', 'DeleteIngress']
    assert ingress_id not in emulator.ingresses


# -- check mode ----------------------------------------------------------------------------------

@pytest.mark.parametrize('scenario', ['create', 'update', 'update-describe', 'delete'])
def test_check_mode_only_reads(run_tasks, emulator, scenario):
    if scenario == 'create':
        args = CLB
    else:
        seed(emulator)
        args = {
            'update': dict(CLB, request_timeout=30),
            'update-describe': dict(CLB, security_policy_id='tls_cipher_policy_1_2'),
            'delete': {'namespace_id': NS, 'name': 'web', 'state': 'absent'},
        }[scenario]
    before = emulator.ingresses
    result, ops = run_one(run_tasks, emulator, args, check_mode=True)
    assert result['changed'] is True
    assert writes(emulator) == []
    assert ops and all(op in READS for op in ops), ops
    assert len(ops) <= 2
    assert emulator.ingresses == before


# -- connections and paging ----------------------------------------------------------------------

def test_the_peer_field_tells_connections_apart(run_tasks, emulator):
    """Two tasks run in two processes, so two connections: the one-connection check can fail."""
    ingress_id = seed(emulator)
    emulator.clear_log()
    run = run_tasks([task(dict(CLB, security_policy_id='tls_cipher_policy_1_2')),
                     task({'namespace_id': NS, 'ingress_id': ingress_id})])
    assert not any(result.get('failed') for result in run.results), run
    log = emulator.log
    assert [entry['operation'] for entry in log] == ['ListIngresses', 'DescribeIngress', 'UpdateIngress', 'DescribeIngress']
    assert len({entry['peer'] for entry in log[:3]}) == 1
    assert log[3]['peer'] != log[0]['peer']
    assert all(entry['peer'].startswith('127.0.0.1:') for entry in log)


def test_find_by_name_reads_every_page_once(run_tasks, emulator):
    """120 ingresses, pages of 50: three ListIngresses calls, whatever page the name is on."""
    for port in range(1000, 1120):
        seed(emulator, name='ingress-%d' % port, port=port)
    result, ops = run_one(run_tasks, emulator, {'namespace_id': NS, 'name': 'ingress-1010', 'listener_port': 1010})
    assert result['changed'] is False
    assert ops == ['ListIngresses'] * 3
    pages = [entry['params']['CurrentPage'] for entry in emulator.log]
    assert pages == ['1', '2', '3']


# -- imports -------------------------------------------------------------------------------------

def imported_modules(tmp_path, module_args, env=None):
    """Run the module file directly under `python -X importtime`; return (result, imported module names)."""
    args_file = tmp_path / 'args.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}))
    run_env = harness.module_env(tmp_path, PYTHONDONTWRITEBYTECODE='1', **(env or {}))
    proc = subprocess.run([sys.executable, '-X', 'importtime', MODULE_PATH, str(args_file)], env=run_env,
                          capture_output=True, text=True, timeout=120, check=False)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith('import time:') and '|' in line:
            names.add(line.rsplit('|', 1)[1].strip())
    assert names, proc.stderr
    return json.loads(proc.stdout), names


def credential_stack(names):
    return sorted(name for name in names if name.split('.')[0].lower() in CREDENTIALS_STACK)


def test_explicit_keys_never_import_the_credentials_library(tmp_path, emulator):
    ingress_id = seed(emulator)
    result, names = imported_modules(tmp_path, {
        'namespace_id': NS, 'ingress_id': ingress_id, 'endpoint': emulator.url,
        'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID, 'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
    })
    assert result.get('failed') is not True and result['changed'] is False, result
    assert result['ingress']['id'] == ingress_id
    assert 'ansible_collections.alibabacloud.sae.plugins.module_utils._credentials' in names
    assert credential_stack(names) == []


def test_profile_imports_the_credentials_library(tmp_path, emulator):
    """The same check sees the library when a profile needs it (so the test above can fail)."""
    result, names = imported_modules(tmp_path, {
        'namespace_id': NS, 'name': 'web', 'endpoint': emulator.url, 'profile': 'no-such-profile',
    })
    assert result.get('failed') is True and 'no-such-profile' in result['msg'], result
    assert 'alibabacloud_credentials' in credential_stack(names)
    assert emulator.log == []
