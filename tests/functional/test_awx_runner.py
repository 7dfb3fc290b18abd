# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Ansible Automation Platform credential type, exercised the way AWX runs a job.

AWX renders the credential type's ``env`` injectors with Jinja2 against the credential's inputs and
hands the result to ansible-runner as ``envvars``. These tests do the same with the files of
``meta/awx_credential_type/``, run a playbook whose task has no credentials through
``ansible_runner.run`` against the SAE emulator, and check what the emulator saw and what the job
output contains.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import types

import ansible_runner
import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import sae_argument_spec

import sae_emulator
from sae_emulator import inventory as inv

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
CREDENTIAL_TYPE_DIR = os.path.join(COLLECTION_ROOT, 'meta', 'awx_credential_type')
PLAYBOOK = os.path.join(HERE, 'playbooks', 'awx_create_ingress.yml')

# The shared options of every module: each credential field is one of them, injected under the first
# environment variable of its fallback (the ALIBABA_CLOUD_* name) and secret exactly when the option is no_log.
SPEC = sae_argument_spec()
SECRET_FIELDS = tuple(sorted(name for name, option in SPEC.items() if option.get('no_log')))
# Field types and injector kinds AWX accepts for a custom credential type.
AWX_FIELD_TYPES = ('string', 'boolean')
AWX_INJECTOR_KINDS = ('env', 'extra_vars', 'file')
# Environment variables AWX refuses to let a credential type inject.
AWX_ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))


def load_credential_type():
    with open(os.path.join(CREDENTIAL_TYPE_DIR, 'inputs.yml'), encoding='utf-8') as handle:
        inputs = yaml.safe_load(handle)
    with open(os.path.join(CREDENTIAL_TYPE_DIR, 'injectors.yml'), encoding='utf-8') as handle:
        injectors = yaml.safe_load(handle)
    return inputs, injectors


def awx_env(inputs, injectors, credential):
    """The environment variables AWX adds to a job for ``credential`` (a dict of field values).

    As AWX does it: fields left empty are not in the template namespace (they render as an empty
    string), missing boolean fields are False, and each ``env`` template is rendered in an immutable
    Jinja2 sandbox.
    """
    namespace = {'tower': types.SimpleNamespace()}
    for field_id, value in credential.items():
        if isinstance(value, bool) or value:
            namespace[field_id] = value
    for field in inputs['fields']:
        if field['type'] == 'boolean' and field['id'] not in credential:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in injectors.get('env', {}).items() if name not in AWX_ENV_BLOCKLIST)


def test_credential_type_is_valid_for_awx():
    inputs, injectors = load_credential_type()
    fields = inputs['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids)), 'field ids must be unique'
    # every option with an environment fallback except profile (a file on the controller, not a credential)
    assert sorted(ids) == sorted(name for name, option in SPEC.items() if option.get('fallback') and name != 'profile')
    for field in fields:
        assert field['type'] in AWX_FIELD_TYPES
        assert field['label'] and field.get('help_text'), field
        assert re.match(r'^[a-z_][a-z0-9_]*$', field['id'])
        assert bool(field.get('secret')) == bool(SPEC[field['id']].get('no_log')), field['id']
    assert sorted(inputs['required']) == ['access_key_id', 'access_key_secret']
    assert set(injectors) <= set(AWX_INJECTOR_KINDS)
    # each field reaches the module through the environment variable its option reads first
    assert injectors['env'] == dict((SPEC[field]['fallback'][1][0], '{{ %s }}' % field) for field in ids)
    # AWX validates injectors by rendering them with every field defined; an unknown name fails.
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    values = dict((field_id, 'x') for field_id in ids)
    for template in injectors['env'].values():
        strict.from_string(template).render(tower=types.SimpleNamespace(), **values)


def test_empty_optional_fields_inject_empty_variables():
    inputs, injectors = load_credential_type()
    env = awx_env(inputs, injectors, {'access_key_id': 'id', 'access_key_secret': 'secret', 'security_token': ''})
    assert env == {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'secret',
        'ALIBABA_CLOUD_SECURITY_TOKEN': '',
        'ALIBABA_CLOUD_REGION_ID': '',
        'ALIBABA_CLOUD_SAE_ENDPOINT': '',
        # an empty number field means "not set": the modules keep their default pace
        'ALIBABA_CLOUD_SAE_CALLS_PER_MINUTE': '',
    }


CREDENTIALS = {
    # A permanent AccessKey pair; region and token left empty, as most users fill the form.
    'access-key': {
        'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
    },
    # Temporary STS credentials with every optional field set.
    'sts': {
        'access_key_id': sae_emulator.STS_ACCESS_KEY_ID,
        'access_key_secret': sae_emulator.STS_ACCESS_KEY_SECRET,
        'security_token': sae_emulator.STS_SECURITY_TOKEN,
        'region': inv.REGION,
    },
}


@pytest.mark.parametrize('kind', sorted(CREDENTIALS))
def test_job_with_injected_credentials(kind, emulator, tmp_path, monkeypatch):
    # The job must get its credentials from the injected variables only.
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    credential = dict(CREDENTIALS[kind], endpoint=emulator.url)
    inputs, injectors = load_credential_type()
    injected = awx_env(inputs, injectors, credential)

    private_data_dir = tmp_path / 'job'
    (private_data_dir / 'project').mkdir(parents=True)
    shutil.copy(PLAYBOOK, str(private_data_dir / 'project'))
    bin_dir = os.path.dirname(sys.executable)
    envvars = dict(injected)
    envvars.update({
        'ANSIBLE_COLLECTIONS_PATH': os.environ['ANSIBLE_COLLECTIONS_PATH'],
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
        # ansible-runner's job does not keep HOME for the module's shell: its temporary files go under tmp_path too.
        'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-home' / 'tmp'),
        'ANSIBLE_REMOTE_TMP': str(tmp_path / 'ansible-home' / 'tmp'),
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_NOCOLOR': '1',
        # ansible-core 2.21 shows a task's arguments (invocation) only when asked; AWX users see them at -vvv.
        'ANSIBLE_INJECT_INVOCATION': '1',
        'HOME': str(tmp_path),
        'PATH': bin_dir + os.pathsep + os.environ.get('PATH', ''),
    })
    runner = ansible_runner.run(
        private_data_dir=str(private_data_dir),
        playbook=os.path.basename(PLAYBOOK),
        inventory='localhost ansible_connection=local',
        envvars=envvars,
        extravars={
            'sae_namespace_id': inv.NAMESPACE_ID,
            'sae_slb_id': inv.CLB_INTERNET_ID,
            'sae_app_id': inv.APP_WEB_ID,
            'sae_ingress_name': 'awx-%s' % kind,
        },
        ident='job',
        verbosity=4,
        quiet=True,
    )
    stdout = runner.stdout.read()
    events = list(runner.events)
    assert runner.status == 'successful', stdout[-6000:]
    assert runner.rc == 0

    creates = emulator.calls('CreateIngress')
    assert len(creates) == 1
    assert creates[0]['access_key_id'] == credential['access_key_id']
    assert [record['Description'] for record in emulator.ingresses.values()] == ['awx-%s' % kind]

    ok = [event for event in events if event['event'] == 'runner_on_ok'
          and event['event_data'].get('resolved_action', event['event_data'].get('task_action')) == 'alibabacloud.sae.sae_ingress']
    assert len(ok) == 1 and ok[0]['event_data']['res']['changed'] is True

    event_dir = private_data_dir / 'artifacts' / 'job' / 'job_events'
    written = ''.join(path.read_text(encoding='utf-8') for path in sorted(event_dir.iterdir()))
    stdout_file = (private_data_dir / 'artifacts' / 'job' / 'stdout').read_text(encoding='utf-8')
    # At -vvvv the output shows the module arguments: the key id in clear, the secrets masked.
    assert credential['access_key_id'] in stdout
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in stdout or '$REDACTED$' in stdout
    for field in SECRET_FIELDS:
        secret = credential.get(field)
        if not secret:
            continue
        for label, text in (('stdout', stdout), ('stdout artifact', stdout_file), ('events', json.dumps(events)),
                            ('event files', written)):
            assert secret not in text, '%s (%s) appears in the job %s' % (field, kind, label)
