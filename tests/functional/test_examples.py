# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' EXAMPLES run unchanged against the emulator: first they change, then they are idempotent."""

from __future__ import annotations

import os
import re
import textwrap

import pytest
import yaml

import sae_emulator

from harness import MODULES, operations, writes  # pylint: disable=import-error

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


def results_of(run, name):
    return next(record['result'] for record in run.records if record['task'] == name)


def writes_ingresses(task):
    """True for a task (or a block holding one) of a module that can change anything."""
    if 'block' in task:
        return any(writes_ingresses(inner) for inner in task['block'])
    # A check-mode task (a preview) reports the change it would make every time.
    writers = ['alibabacloud.sae.%s' % module for module in MODULES if not module.endswith('_info')]
    return any(module in task for module in writers) and not task.get('check_mode')


@pytest.mark.long
def test_examples_run_against_the_emulator_and_are_idempotent(play, emulator_factory):
    # The service as documented: the examples set fields that some variants do not report (test_resource_answers.py).
    emulator = emulator_factory(variants={})
    tasks = []
    # Each task that can change something runs twice; the read-only ones (the info modules, set_fact, debug) once.
    # The canary-route examples use the ALB ingress of the sae_ingress examples: they run after them.
    for task in [task for module in sorted(MODULES, key=lambda name: name.startswith('sae_grey_tag_route'))
                 for task in examples(module)]:
        tasks.extend([task, again(task)] if writes_ingresses(task) else [task])
    env = {
        'ALIBABA_CLOUD_ACCESS_KEY_ID': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
        'ALIBABA_CLOUD_SAE_ENDPOINT': emulator.url,
    }
    # The module_defaults example reads its keys from Vault variables.
    vault = ['-e', 'vault_sae_access_key_id=%s' % sae_emulator.DEFAULT_ACCESS_KEY_ID,
             '-e', 'vault_sae_access_key_secret=%s' % sae_emulator.DEFAULT_ACCESS_KEY_SECRET]
    run = play(tasks, emulator=None, env=env, ignore_errors=False, args=vault)
    assert run.rc == 0 and 'failed' not in [record['status'] for record in run.records], run
    changed = [record['task'] for record in run.records if record['result'].get('changed')]
    # Every example that can change something changes it the first time (the ten of sae_ingress, the recipe of
    # sae_ingress_info, the four of sae_grey_tag_route and the four of sae_ingresses, its check-mode purge preview
    # among them), and nothing when run again at once.
    assert len(changed) == 19 and not [name for name in changed if name.endswith('(again)')], changed
    # one of sae_ingress, the two that sae_ingresses creates and deletes
    assert [entry['operation'] for entry in writes(emulator)].count('DeleteIngress') == 3
    preview = results_of(run, 'Preview which ingresses of the namespace a purge would delete')
    assert sorted(item['diff']['before']['name'] for item in preview['ingresses'] if item.get('purged')) == [
        'internal-api', 'shop', 'web']
    assert 'ListIngresses' in operations(emulator) and 'ListApplications' in operations(emulator)
    results = dict((record['task'], record['result']) for record in run.records)
    assert [app['app_id'] for app in results['The application named demo-web, with its canaries']['applications']] == [
        sae_emulator.APP_WEB_ID, sae_emulator.APP_WEB_CANARY_ID]
    names = sorted(ingress['Description'] for ingress in emulator.ingresses.values())
    assert names == ['internal-api', 'shop', 'web']
    web = next(i for i in emulator.ingresses.values() if i['Description'] == 'web')
    # status.example.com added, then removed by its state: absent entry; /api left out of the rules written back
    assert web['RequestTimeout'] == 120 and web['IdleTimeout'] == 30
    assert [(rule['Domain'], rule['Path']) for rule in web['Rules']] == [('www.example.com', '/')]
    assert [route['Name'] for route in emulator.grey_tag_routes.values()] == ['api-canary']
    shop = next(i for i in emulator.ingresses.values() if i['Description'] == 'shop')
    assert shop['IdleTimeout'] == 30 and shop['EnableGzip'] is True


# -- every example on a listener of its own ------------------------------------------------------------

ROOT = os.path.dirname(MODULES_DIR.rstrip(os.sep).rsplit(os.sep, 1)[0])
TEMPLATE = re.compile(r'^\{\{\s*(\w+)\s*\}\}$')


def _ingress_tasks(tasks, variables):
    for item in tasks or []:
        if 'block' in item:
            yield from _ingress_tasks(item['block'], variables)
        args = item.get('alibabacloud.sae.sae_ingress')
        if isinstance(args, dict) and args.get('listener_port') is not None and args.get('state') != 'absent':
            resolved = {}
            for key in ('name', 'slb_id', 'listener_port'):
                value = args.get(key)
                match = TEMPLATE.match(value) if isinstance(value, str) else None
                resolved[key] = variables.get(match.group(1), value) if match else value
            yield resolved


def example_listeners():
    """(source, name, slb_id, listener_port) of every sae_ingress example that creates or converges an ingress."""
    found = []
    for module in MODULES:
        found += [('%s EXAMPLES' % module, args) for args in _ingress_tasks(examples(module), {})]
    directory = os.path.join(ROOT, 'examples')
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding='utf-8') as handle:
            for play in yaml.safe_load(handle):
                found += [(name, args) for args in _ingress_tasks(play.get('tasks'), play.get('vars') or {})]
    with open(os.path.join(ROOT, 'docs', 'docsite', 'rst', 'recipes.rst'), encoding='utf-8') as handle:
        blocks = re.findall(r'\.\. code-block:: yaml\n\n((?:    .*\n|\n)+)', handle.read())
    for block in blocks:
        loaded = yaml.safe_load(textwrap.dedent(block))
        tasks = loaded.get('tasks') if isinstance(loaded, dict) else loaded
        found += [('recipes.rst', args) for args in _ingress_tasks(tasks, {})]
    return found


def test_examples_and_recipes_use_a_listener_each():
    """Run one after another against one account, no two examples fight over a listener or an ingress name."""
    found = example_listeners()
    sources = set(source for source, _args in found)
    assert {'sae_ingress EXAMPLES', 'blue_green.yml', 'ingress.yml', 'recipes.rst'} <= sources, sources
    names_on, listeners_of = {}, {}
    for source, args in found:
        listener = (args['slb_id'], args['listener_port'])
        if args['slb_id'] is None:  # an ALB that SAE creates: a load balancer of its own
            listener = ('created for %s' % args['name'], args['listener_port'])
        names_on.setdefault(listener, set()).add(args['name'])
        listeners_of.setdefault(args['name'], set()).add(listener)
    shared = dict((listener, names) for listener, names in names_on.items() if len(names) > 1)
    moved = dict((name, listeners) for name, listeners in listeners_of.items() if len(listeners) > 1)
    assert not shared and not moved, (shared, moved)


def test_examples_take_keys_from_vault_variables_not_the_environment():
    """An environment lookup copied into task arguments puts the key where ansible-core may print it; the modules read
    the environment themselves."""
    sources = []
    for module in MODULES:
        with open(os.path.join(MODULES_DIR, module + '.py'), encoding='utf-8') as handle:
            sources.append(handle.read())
    for name in os.listdir(os.path.join(ROOT, 'examples')):
        with open(os.path.join(ROOT, 'examples', name), encoding='utf-8') as handle:
            sources.append(handle.read())
    assert not [source for source in sources if "lookup('ansible.builtin.env'" in source or 'lookup("env"' in source]
    assert any('{{ vault_sae_access_key_secret }}' in source for source in sources)
