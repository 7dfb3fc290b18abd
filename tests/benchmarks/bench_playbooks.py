# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark playbooks: ansible-playbook runs against the emulator, timed by the task_timer callback.

Each run returns the callback's records (host, task, status, changed, start, end in epoch seconds) and
the wall time of the whole ansible-playbook process. The emulator's request log (entry ``time`` is the
epoch second the request arrived) is matched to the task windows to count calls per task.
"""

from __future__ import annotations

import glob
import json
import os
import statistics
import subprocess
import sys
import time

import sae_emulator
from sae_emulator import inventory as inv

HERE = os.path.dirname(os.path.abspath(__file__))
NS = inv.NAMESPACE_ID
READS = ('DescribeIngress', 'ListIngresses')
WRITES = ('CreateIngress', 'UpdateIngress', 'DeleteIngress')

RULES = [
    {'domain': 'www.example.com', 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 8080},
    {'domain': 'www.example.com', 'path': '/api', 'app_id': inv.APP_API_ID, 'container_port': 8443},
]


def spec(name, port, **extra):
    """A full CLB sae_ingress task argument set: every option a ListIngresses row carries."""
    args = {
        'namespace_id': NS, 'name': name, 'slb_id': inv.CLB_INTERNET_ID, 'listener_port': port,
        'listener_protocol': 'HTTP', 'request_timeout': 60, 'idle_timeout': 15,
        'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080}, 'rules': RULES,
    }
    args.update(extra)
    return args


def seed(emulator, name, port, slb_id=inv.CLB_INTERNET_ID):
    """The ingress `spec(name, port)` describes, created directly in the emulator (nothing logged)."""
    rules = []
    for rule in RULES:
        api = {'appId': rule['app_id'], 'containerPort': rule['container_port'], 'domain': rule['domain'],
               'path': rule['path']}
        if rule.get('backend_protocol'):
            api['backendProtocol'] = rule['backend_protocol']
        rules.append(api)
    return emulator.seed_ingress(NamespaceId=NS, Description=name, SlbId=slb_id, ListenerPort=port,
                                 ListenerProtocol='HTTP', DefaultRule={'appId': inv.APP_WEB_ID, 'containerPort': 8080},
                                 Rules=rules)


def sae_task(name, args, **extra):
    return dict({'name': name, 'alibabacloud.sae.sae_ingress': args}, **extra)


def module_defaults(emulator):
    return {'group/alibabacloud.sae.all': {
        'endpoint': emulator.url,
        'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
    }}


def ansible_env(workdir, extra=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_'))}
    env.update({
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
        'ANSIBLE_CALLBACKS_ENABLED': 'task_timer',
        'ANSIBLE_STDOUT_CALLBACK': 'default',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_HOME': os.path.join(workdir, '.ansible'),
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
        'HOME': workdir,
    })
    env.update(extra or {})
    return env


class PlaybookRun:
    def __init__(self, records, wall, stdout):
        self.records = records
        self.wall = wall
        self.stdout = stdout

    def durations(self, prefix):
        return [r['end'] - r['start'] for r in self.records if r['task'].startswith(prefix)]


def run_playbook(workdir, name, plays, inventory='localhost,', forks=None, env=None):
    """Run `plays` (a list of play dicts) with ansible-playbook; fail loudly if any task failed."""
    playbook = os.path.join(workdir, name + '.yml')
    record = os.path.join(workdir, name + '.jsonl')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump(plays, handle, indent=1)
    if os.path.exists(record):
        os.unlink(record)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, playbook]
    if inventory == 'localhost,':
        command += ['-c', 'local']
    if forks:
        command += ['-f', str(forks)]
    started = time.perf_counter()
    proc = subprocess.run(command, env=ansible_env(workdir, dict(env or {}, SAE_BENCH_RECORD=record)), cwd=workdir,
                          capture_output=True, text=True, timeout=900, check=False)
    wall = time.perf_counter() - started
    records = []
    if os.path.exists(record):
        with open(record, encoding='utf-8') as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    if proc.returncode != 0 or any(r['status'] != 'ok' for r in records):
        raise RuntimeError('ansible-playbook %s failed (rc %s):\n%s\n%s'
                           % (name, proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:]))
    return PlaybookRun(records, wall, proc.stdout)


def local_play(emulator, tasks):
    return {'name': 'bench', 'hosts': 'localhost', 'gather_facts': False, 'module_defaults': module_defaults(emulator),
            'tasks': tasks}


# -- API calls per scenario -------------------------------------------------------------------------

def call_scenarios(emulator, workdir):
    """One playbook, one task per scenario; the calls of each task found by its time window."""
    by_id = seed(emulator, 'calls-a', 81)
    seed(emulator, 'calls-b', 82)
    seed(emulator, 'calls-c', 83)
    emulator.clear_log()
    scenarios = [
        ('no-op by ingress_id', spec('calls-a', 81, ingress_id=by_id), {}, 'DescribeIngress', '1'),
        ('no-op by name (the list row carries every option set)', spec('calls-a', 81), {}, 'ListIngresses', '1'),
        ('no-op by name with enable_gzip (not in a list row)', spec('calls-a', 81, enable_gzip=False), {},
         'ListIngresses DescribeIngress', '2'),
        ('create', spec('calls-d', 84), {}, None, '2 (List + Create)'),
        ('update by ingress_id', spec('calls-a', 81, ingress_id=by_id, request_timeout=30), {}, None, '<= 3'),
        ('update by name with enable_gzip', spec('calls-b', 82, enable_gzip=True), {}, None, '<= 3'),
        ('check mode: create', spec('calls-e', 85), {'check_mode': True}, None, 'reads only'),
        ('check mode: update', spec('calls-c', 83, enable_gzip=True), {'check_mode': True}, None, 'reads only'),
        ('check mode: delete', {'namespace_id': NS, 'name': 'calls-c', 'state': 'absent'}, {'check_mode': True}, None,
         'reads only'),
        ('delete by name', {'namespace_id': NS, 'name': 'calls-b', 'state': 'absent'}, {}, None, '<= 2'),
        ('delete by ingress_id', {'namespace_id': NS, 'ingress_id': by_id, 'state': 'absent'}, {}, None, '<= 2'),
    ]
    tasks = [sae_task('scenario %d' % index, args, **extra) for index, (_t, args, extra, _e, _g) in enumerate(scenarios)]
    run = run_playbook(workdir, 'calls', [local_play(emulator, tasks)])
    log = emulator.log
    results = []
    for index, (title, _args, extra, _exact, target) in enumerate(scenarios):
        record = [r for r in run.records if r['task'] == 'scenario %d' % index][0]
        entries = [e for e in log if record['start'] <= e['time'] <= record['end']]
        ops = [e['operation'] for e in entries]
        results.append({
            'title': title, 'operations': ops, 'peers': len({e['peer'] for e in entries}), 'changed': record['changed'],
            'target': target, 'met': _calls_met(title, ops, extra.get('check_mode', False)),
        })
    unattributed = len(log) - sum(len(r['operations']) for r in results)
    return results, unattributed


def _calls_met(title, ops, check_mode):
    writes = [op for op in ops if op in WRITES]
    if check_mode:
        return not writes and all(op in READS for op in ops)
    if title == 'no-op by ingress_id':
        return ops == ['DescribeIngress']
    if title.startswith('no-op by name (the list'):
        return ops == ['ListIngresses']
    if title.startswith('no-op by name with'):
        return ops == ['ListIngresses', 'DescribeIngress']
    if title == 'create':
        return ops == ['ListIngresses', 'CreateIngress']
    if title.startswith('update'):
        return len(ops) <= 3 and writes == ['UpdateIngress']
    return len(ops) <= 2 and writes == ['DeleteIngress']


# -- per-task wall time -----------------------------------------------------------------------------

def per_task(emulator, workdir, iterations=50, warmup=2):
    """ping and a no-op sae_ingress task by name, interleaved, `iterations` each after `warmup` rounds."""
    seed(emulator, 'pertask', 90)
    tasks = []
    for index in range(warmup + iterations):
        tag = 'warmup' if index < warmup else 'run'
        tasks.append({'name': '%s ping %d' % (tag, index), 'ansible.builtin.ping': {}})
        tasks.append(sae_task('%s sae %d' % (tag, index), spec('pertask', 90)))
    emulator.clear_log()
    run = run_playbook(workdir, 'per_task', [local_play(emulator, tasks)])
    if any(r['changed'] for r in run.records):
        raise RuntimeError('a no-op task reported changed')
    return {
        'ping': statistics.median(run.durations('run ping')),
        'sae': statistics.median(run.durations('run sae')),
        'iterations': iterations,
        'warmup': warmup,
        'calls': len(emulator.log),
        'wall': run.wall,
    }


def keep_payloads(emulator, workdir):
    """One ping and one no-op sae_ingress task run with ANSIBLE_KEEP_REMOTE_FILES: their AnsiballZ payloads."""
    ingress_id = seed(emulator, 'payload', 91)
    remote_tmp = os.path.join(workdir, 'remote-tmp')
    tasks = [{'name': 'ping', 'ansible.builtin.ping': {}}, sae_task('sae', spec('payload', 91, ingress_id=ingress_id))]
    run_playbook(workdir, 'payloads', [local_play(emulator, tasks)],
                 env={'ANSIBLE_KEEP_REMOTE_FILES': '1', 'ANSIBLE_REMOTE_TMP': remote_tmp})
    ping = glob.glob(os.path.join(remote_tmp, '*', 'AnsiballZ_ping.py'))
    sae = glob.glob(os.path.join(remote_tmp, '*', 'AnsiballZ_sae_ingress.py'))
    if len(ping) != 1 or len(sae) != 1:
        raise RuntimeError('expected one kept AnsiballZ payload per module, found %s and %s' % (ping, sae))
    return ping[0], sae[0]


# -- scale ------------------------------------------------------------------------------------------

BY_NAME = 'by name'
BY_ID = 'by id after one read'
SCALE_PATTERNS = (BY_NAME, BY_ID)
SCALE_RUNS = ('change', 'no-op')
READ_TASK = 'read the namespace once'
CONVERGE_TASK = 'converge'


def list_page_size():
    """Rows per ListIngresses page, as the module asks for them."""
    from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import LIST_PAGE_SIZE  # pylint: disable=import-outside-toplevel
    return LIST_PAGE_SIZE


def scale_expected(pattern, label, pages, managed):
    """The calls a scale run must make, by operation."""
    updates = managed if label == 'change' else 0
    if pattern == BY_NAME:
        expected = {'ListIngresses': pages * managed}
    else:
        expected = {'ListIngresses': pages, 'DescribeIngress': managed}
    if updates:
        expected['UpdateIngress'] = updates
    return expected


def scale_play(emulator, pattern):
    """Every host converges its own ingress: by name, or by the id a single sae_ingress_info read found."""
    args = spec('{{ ingress_name }}', '{{ ingress_port }}', request_timeout=30)
    if pattern == BY_NAME:
        tasks = [sae_task(CONVERGE_TASK, args)]
    else:
        tasks = [
            {'name': READ_TASK, 'alibabacloud.sae.sae_ingress_info': {'namespace_id': NS}, 'run_once': True,
             'register': 'namespace_ingresses'},
            # the name -> id map is computed once for every host (run_once sets the fact on all of them)
            {'name': 'index the ingresses by name', 'run_once': True, 'ansible.builtin.set_fact': {
                'ids_by_name': "{{ namespace_ingresses.ingresses | items2dict(key_name='name', value_name='id') }}"}},
            sae_task(CONVERGE_TASK, dict(args, ingress_id='{{ ids_by_name[ingress_name] }}'),
                     when='ingress_name in ids_by_name'),
        ]
    return {'name': 'scale, %s' % pattern, 'hosts': 'ingresses', 'gather_facts': False,
            'module_defaults': module_defaults(emulator), 'tasks': tasks}


def _comparable(ingresses):
    """The emulator's ingresses without what differs between two seedings (generated name, creation time)."""
    return {key: {field: value for field, value in record.items() if field not in ('Name', 'CreateTime')}
            for key, record in ingresses.items()}


def _scale_run(emulator, workdir, pattern, label, inventory_file, forks, pages, managed):
    emulator.clear_log()
    run = run_playbook(workdir, 'scale-%s-%s' % (pattern.replace(' ', '-'), label), [scale_play(emulator, pattern)],
                       inventory=inventory_file, forks=forks)
    log = emulator.log
    ops = {}
    for entry in log:
        ops[entry['operation']] = ops.get(entry['operation'], 0) + 1
    reads = [r for r in run.records if r['task'] == READ_TASK]
    once = [e for e in log if any(r['start'] <= e['time'] <= r['end'] for r in reads)]
    converge = [r for r in run.records if r['task'] == CONVERGE_TASK]
    changed = sum(1 for r in converge if r['changed'])
    expected = scale_expected(pattern, label, pages, managed)
    return {
        'wall': run.wall, 'tasks': len(run.records), 'converge_tasks': len(converge), 'changed': changed,
        'calls': len(log), 'ops': ops, 'peers': len({e['peer'] for e in log}), 'read_calls': len(once),
        'per_task': (len(log) - len(once)) / float(managed),
        'task_median': statistics.median(r['end'] - r['start'] for r in converge),
        'read_wall': sum(r['end'] - r['start'] for r in reads),
        'expected': expected,
        'met': (ops == expected and len(converge) == managed and len(reads) == (1 if pattern == BY_ID else 0)
                and len(once) == (pages if pattern == BY_ID else 0)
                and changed == (managed if label == 'change' else 0)),
    }


def scale(workdir, namespace_size=500, managed=100, forks=10):
    """`managed` hosts each converge their own ingress in a namespace of `namespace_size`, in both patterns.

    Each pattern has its own emulator, seeded identically; the runs alternate between the patterns (change by
    name, change by id, no-op by name, no-op by id) so that both see the same load of the machine.
    """
    step = namespace_size // managed
    lines = ['[ingresses]']
    for host in range(managed):
        index = host * step + step - 1  # spread over every page of ListIngresses
        lines.append('h%03d ingress_name=scale-%03d ingress_port=%d' % (host, index, 20000 + index))
    lines += ['', '[ingresses:vars]', 'ansible_connection=local', 'ansible_python_interpreter=%s' % sys.executable]
    inventory_file = os.path.join(workdir, 'scale-hosts.ini')
    with open(inventory_file, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')
    page_size = list_page_size()
    pages = -(-namespace_size // page_size)
    emulators = {pattern: sae_emulator.Emulator(inventory=inv.default_inventory()) for pattern in SCALE_PATTERNS}
    results = {pattern: {} for pattern in SCALE_PATTERNS}
    try:
        for emulator in emulators.values():
            emulator.start()
            for index in range(namespace_size):
                seed(emulator, 'scale-%03d' % index, 20000 + index)
        states = [_comparable(emulators[pattern].ingresses) for pattern in SCALE_PATTERNS]
        if any(state != states[0] for state in states):
            raise RuntimeError('the emulators of the scale patterns were not seeded identically')
        for label in SCALE_RUNS:
            for pattern in SCALE_PATTERNS:
                results[pattern][label] = _scale_run(emulators[pattern], workdir, pattern, label, inventory_file, forks,
                                                     pages, managed)
        states = [_comparable(emulators[pattern].ingresses) for pattern in SCALE_PATTERNS]
        same_end = all(state == states[0] for state in states)
        converged = sum(1 for record in states[0].values() if record['RequestTimeout'] == 30)
    finally:
        for emulator in emulators.values():
            emulator.stop()
    return {'namespace_size': namespace_size, 'managed': managed, 'forks': forks, 'pages': pages,
            'page_size': page_size, 'patterns': results, 'same_end_state': same_end and converged == managed}
