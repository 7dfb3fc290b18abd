# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' EXAMPLES run unchanged against the emulator: first they change, then they are idempotent."""

from __future__ import annotations

import os

import yaml

import sae_emulator

from harness import operations, writes  # pylint: disable=import-error

MODULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'plugins', 'modules')


def examples(module):
    namespace = {}
    with open(os.path.join(MODULES_DIR, module + '.py'), encoding='utf-8') as handle:
        source = handle.read()
    start = source.index('EXAMPLES = r"""')
    end = source.index('"""', start + len('EXAMPLES = r"""'))
    exec(source[start:end + 3], namespace)  # pylint: disable=exec-used
    return yaml.safe_load(namespace['EXAMPLES'])


def again(task):
    """The same task under another name (inside a block, the same block with renamed tasks)."""
    copy = dict(task, name=task['name'] + ' (again)')
    if 'block' in task:
        copy['block'] = [again(inner) for inner in task['block']]
    return copy


def test_examples_run_against_the_emulator_and_are_idempotent(play, emulator_factory):
    # The service as documented: the examples set fields that some variants do not report (test_resource_answers.py).
    emulator = emulator_factory(variants={})
    tasks = []
    for task in examples('sae_ingress') + examples('sae_ingress_info'):
        tasks.extend([task, again(task)])
    env = {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
        'ALIBABA_CLOUD_SAE_ENDPOINT': emulator.url,
    }
    run = play(tasks, emulator=None, env=env, ignore_errors=False)
    assert run.rc == 0 and 'failed' not in [record['status'] for record in run.records], run
    changed = [record['task'] for record in run.records if record['result'].get('changed')]
    # Every sae_ingress example changes something the first time (the eight of sae_ingress and the recipe of
    # sae_ingress_info), and nothing when run again at once.
    assert len(changed) == 9 and not [name for name in changed if name.endswith('(again)')], changed
    assert [entry['operation'] for entry in writes(emulator)].count('DeleteIngress') == 1
    assert 'ListIngresses' in operations(emulator)
    names = sorted(ingress['Description'] for ingress in emulator.ingresses.values())
    assert names == ['internal-api', 'shop', 'web']
    web = next(i for i in emulator.ingresses.values() if i['Description'] == 'web')
    assert web['RequestTimeout'] == 120 and len(web['Rules']) == 3 and web['IdleTimeout'] == 30
    shop = next(i for i in emulator.ingresses.values() if i['Description'] == 'shop')
    assert shop['IdleTimeout'] == 30 and shop['EnableGzip'] is True
