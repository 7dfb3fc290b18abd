# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration harness: runs of the collection's modules against the SAE emulator, through ansible-playbook or directly.

`run_playbook(tasks)` writes a playbook around the given tasks (with module_defaults pointing the
alibabacloud.sae.all group at the emulator), runs ansible-playbook in a subprocess, and returns
the per-task results recorded by the test callback.

`run_tasks(tasks)` runs the same tasks without ansible-playbook: each module process gets the arguments
ansible-playbook would give it (module_defaults merged under the task's own, check and diff mode) and its
result is recorded the same way. It is for the scenarios about what a module does, which it runs several
times faster; what ansible-core adds (output, module_defaults, no_log, templating, packaging) is covered by
the scenarios that run ansible-playbook and by the ansible-test targets.

The emulator's request log is the witness for what the modules did.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sae_emulator
from sae_emulator import inventory as inv

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
WRITES = ('CreateIngress', 'UpdateIngress', 'DeleteIngress')
# The collection's modules, from the one place a module is added: plugins/modules.
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(COLLECTION_ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))
# The emulator variants of this run (SAE_EMULATOR_VARIANTS, make test-variants), for the tests whose expectations
# depend on one.
VARIANTS = sae_emulator.resolve_variants()
UNREPORTED = ('enable_gzip', 'enable_x_forwarded_for', 'enable_x_forwarded_for_client_src_port',
              'enable_x_forwarded_for_proto', 'enable_x_forwarded_for_slb_id', 'enable_x_forwarded_for_slb_port',
              'idle_timeout') if VARIANTS['late_fields'] == 'omitted' else ()


class Run:
    """The outcome of one ansible-playbook run."""

    def __init__(self, proc, records):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.records = records

    @property
    def results(self):
        return [record['result'] for record in self.records]

    @property
    def result(self):
        """The result of the (only or first) module task."""
        assert self.records, 'no task ran:\n%s\n%s' % (self.stdout, self.stderr)
        return self.records[0]['result']

    def __repr__(self):
        return 'Run(rc=%s)\nSTDOUT:\n%s\nSTDERR:\n%s' % (self.rc, self.stdout[-4000:], self.stderr[-4000:])


def variants_with(**switches):
    """The variants of SAE_EMULATOR_VARIANTS with `switches` over them (for an Emulator(variants=...))."""
    return dict(sae_emulator.parse_variants(os.environ.get(sae_emulator.VARIANTS_ENV_VAR, '')), **switches)


# The call counts of the cost targets (docs/performance.md) are those of a ListIngresses that reports TotalSize:
# a service that does not costs one more call for each listing, the page that shows the end
# (test_service_answers.py counts them).
PAGING_WITH_TOTAL = {'list_paging': 'honoured'}


def credentials_defaults(emulator):
    return {
        'endpoint': emulator.url,
        'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
        'retries': 2,
        'timeout': 5,
        # Paced, as by default, at a rate no scenario reaches: the pacer's turns and state file in every call, its
        # waits only where a scenario throttles (tests/functional/test_pacing.py paces at the service's rate).
        'calls_per_minute': 600,
    }


def _clean_env(tmp_path):
    """The environment of a run: no Alibaba Cloud credentials of the machine, HOME in the test's directory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_'))}
    env.update({'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true', 'HOME': str(tmp_path)})
    return env


def module_env(tmp_path, **extra):
    """The environment of a module process started without ansible-playbook: that of a run, with this
    checkout importable as the collection (tests/conftest.py sets ANSIBLE_COLLECTIONS_PATH), plus `extra`."""
    env = _clean_env(tmp_path)
    # TMPDIR: the pace files of the module processes in the test's directory (ansible-playbook keeps the machine's:
    # its sockets need a short path).
    env['TMPDIR'] = os.path.join(str(tmp_path), 'tmp')
    os.makedirs(env['TMPDIR'], exist_ok=True)
    collections_path = os.environ['ANSIBLE_COLLECTIONS_PATH'].split(os.pathsep)[0]
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [collections_path, env.get('PYTHONPATH')]))
    env.update(extra)
    return env


LAUNCHER = os.path.join(HERE, 'module_launcher.py')


class _Launcher:
    """One module_launcher.py process: starts module processes by forking (see its docstring)."""

    def __init__(self):
        # Its own environment matters only to the imports it makes; each module gets the one of its request.
        self.proc = subprocess.Popen([sys.executable, LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def run(self, request):
        self.proc.stdin.write(json.dumps(request) + '\n')
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError('module_launcher.py ended with %s' % self.proc.wait())
        return json.loads(answer)['returncode']

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


_IDLE_LAUNCHERS = []
_LAUNCHERS_LOCK = threading.Lock()


def close_launchers():
    with _LAUNCHERS_LOCK:
        while _IDLE_LAUNCHERS:
            _IDLE_LAUNCHERS.pop().close()


def run_module(path, args_file, env, timeout=300):
    """`python <path> <args_file>` in `env`, as a subprocess.CompletedProcess (text output).

    The process is forked from a launcher that has imported ansible.module_utils.basic and requests already
    (module_launcher.py), one launcher per concurrent caller; SAE_TEST_MODULE_PROCESS=spawn starts a fresh
    interpreter for each module instead."""
    argv = [path, str(args_file)]
    if os.environ.get('SAE_TEST_MODULE_PROCESS') == 'spawn':
        return subprocess.run([sys.executable] + argv, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    streams = {name: '%s.%s' % (args_file, name) for name in ('stdout', 'stderr')}
    with _LAUNCHERS_LOCK:
        launcher = _IDLE_LAUNCHERS.pop() if _IDLE_LAUNCHERS else None
    launcher = launcher or _Launcher()
    try:
        returncode = launcher.run(dict(streams, argv=argv, env=env, cwd=os.getcwd(), timeout=timeout))
    except BaseException:
        launcher.proc.kill()
        raise
    with _LAUNCHERS_LOCK:
        _IDLE_LAUNCHERS.append(launcher)
    output = {}
    for name, stream in streams.items():
        with open(stream, encoding='utf-8', errors='surrogateescape') as handle:
            output[name] = handle.read()
        os.unlink(stream)
    return subprocess.CompletedProcess([sys.executable] + argv, returncode, output['stdout'], output['stderr'])


def _group_defaults(emulator, defaults):
    group = dict(credentials_defaults(emulator) if emulator is not None else {})
    group.update(defaults or {})
    return group


def run_playbook(tmp_path, tasks, emulator=None, check=False, diff=False, defaults=None, env=None,
                 args=(), name='play', verbosity=0, ignore_errors=True, playbook=None):
    """Run `tasks` in a playbook of their own, or (`playbook`: a path) that playbook file as it is."""
    if playbook is None:
        tasks = [dict(task, ignore_errors=ignore_errors) if ignore_errors else task for task in tasks]
        play = {'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}
        if emulator is not None or defaults:
            play['module_defaults'] = {'group/alibabacloud.sae.all': _group_defaults(emulator, defaults)}
        playbook = tmp_path / ('%s.yml' % name)
        playbook.write_text(json.dumps([play], indent=2))
    record = tmp_path / ('%s.jsonl' % name)
    if record.exists():
        record.unlink()
    run_env = _clean_env(tmp_path)
    run_env.update({
        'SAE_TEST_RECORD': str(record),
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
        'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_HOME': str(tmp_path / '.ansible'),
        'ANSIBLE_LOCAL_TEMP': str(tmp_path / '.ansible' / 'tmp'),
        'ANSIBLE_REMOTE_TMP': str(tmp_path / '.ansible' / 'tmp'),
    })
    run_env.update(env or {})
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
               str(playbook)]
    if check:
        command.append('--check')
    if diff:
        command.append('--diff')
    if verbosity:
        command.append('-' + 'v' * verbosity)
    command.extend(args)
    proc = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=300, check=False)
    records = []
    if record.exists():
        records = [json.loads(line) for line in record.read_text().splitlines() if line.strip()]
    for entry in records:
        # ansible-core reports a failure through the callback status rather than always in the result.
        entry['result'].setdefault('failed', entry['status'] == 'failed')
    return Run(proc, records)


MODULE_PREFIX = 'alibabacloud.sae.'
REFERENCE = re.compile(r'^\{\{\s*([A-Za-z_][\w.]*)\s*\}\}$')


def _resolve(value, registered):
    """`{{ name.key... }}` (a whole string) taken from a registered result; other values as they are."""
    if isinstance(value, dict):
        return {key: _resolve(item, registered) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, registered) for item in value]
    match = REFERENCE.match(value) if isinstance(value, str) else None
    if not match:
        return value
    path = match.group(1).split('.')
    value = registered[path[0]]
    for key in path[1:]:
        value = value[key]
    return value


def run_tasks(tmp_path, tasks, emulator=None, check=False, diff=False, defaults=None, env=None, name='play',
              ignore_errors=True):
    """Run each task's module as ansible-playbook would give it its arguments, without ansible-playbook.

    Module arguments: the group defaults (the emulator's endpoint and credentials, then `defaults`) under the
    task's own, `_ansible_check_mode` from the task's check_mode (else `check`), `_ansible_diff` likewise.
    A task's arguments may name a registered result as a whole string: `{{ created.ingress.id }}`.
    A failed task stops the run unless `ignore_errors`, as in a playbook.
    """
    run_env = module_env(tmp_path, **(env or {}))
    group = _group_defaults(emulator, defaults)
    registered, records, outputs, errors, returncode = {}, [], [], [], 0
    for number, spec in enumerate(tasks):
        module = next(key for key in spec if key.startswith(MODULE_PREFIX))
        args = dict(group, **_resolve(spec[module], registered))
        args['_ansible_check_mode'] = bool(spec.get('check_mode', check))
        args['_ansible_diff'] = bool(spec.get('diff', diff))
        args_file = tmp_path / ('%s-%d.json' % (name, number))
        args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        path = os.path.join(COLLECTION_ROOT, 'plugins', 'modules', module[len(MODULE_PREFIX):] + '.py')
        proc = run_module(path, args_file, run_env)
        outputs.append(proc.stdout)
        errors.append(proc.stderr)
        try:
            result = json.loads(proc.stdout)
        except ValueError:
            result = {'failed': True, 'msg': 'MODULE FAILURE', 'rc': proc.returncode, 'module_stdout': proc.stdout,
                      'module_stderr': proc.stderr}
        failed = bool(result.get('failed')) or proc.returncode != 0
        result['failed'] = failed
        result.setdefault('changed', False)
        records.append({'task': spec.get('name', module), 'status': 'failed' if failed else 'ok', 'result': result})
        if spec.get('register'):
            registered[spec['register']] = result
        if failed and not (spec.get('ignore_errors', ignore_errors)):
            returncode = 2
            break
    # As the process of the run: ansible-playbook's exit code, and the modules' output.
    finished = subprocess.CompletedProcess(tasks, returncode, ''.join(outputs), ''.join(errors))
    return Run(finished, records)


def run_fleet(tmp_path, fleet, workers, emulator=None, defaults=None, name='fleet', finished=None, env=None):
    """One sae_ingress task per item of `fleet` (its module arguments), each through run_tasks, `workers` at a
    time as ansible-playbook runs one task over that many hosts with `forks: workers` (a task starts as soon as
    one ends); the results in fleet order. `finished(count)` is called as each task ends, `count` the tasks ended
    so far. Each task's files are in a directory of its own under `tmp_path` (a pathlib.Path); their temporary
    directory (TMPDIR, where the pace file is) is the fleet's, `tmp_path`/tmp, as the forks of one host share one.
    `env`: more environment of the module processes."""
    lock = threading.Lock()
    ended = []
    shared_tmp = tmp_path / 'tmp'
    shared_tmp.mkdir(exist_ok=True)
    fleet_env = dict(env or {}, TMPDIR=str(shared_tmp))

    def one(index):
        directory = tmp_path / ('%s-%03d' % (name, index))
        directory.mkdir()
        result = run_tasks(directory, [task(fleet[index])], emulator=emulator, defaults=defaults, name=name,
                           env=fleet_env).result
        with lock:
            ended.append(index)
            count = len(ended)
        if finished is not None:
            finished(count)
        return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(len(fleet))))


def outage(emulator, seconds):
    """The emulator paused (port closed, open connections cut) for `seconds`, then resumed whatever happens."""
    emulator.pause()
    try:
        time.sleep(seconds)
    finally:
        emulator.resume()


def writes(emulator):
    return [entry for entry in emulator.log if entry['operation'] in WRITES]


def agree(first, second):
    """Whether two results say the same wherever both give a value: a value one of them has not read (None),
    at any depth of dicts and lists, is not compared."""
    if first is None or second is None:
        return True
    if isinstance(first, dict) and isinstance(second, dict):
        return set(first) == set(second) and all(agree(first[key], second[key]) for key in first)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(agree(a, b) for a, b in zip(first, second))
    return first == second


def operations(emulator):
    return [entry['operation'] for entry in emulator.log]


# -- the ingresses the scenarios converge -------------------------------------------------------

NS = inv.NAMESPACE_ID

CLB = {
    'namespace_id': NS,
    'name': 'web',
    'slb_id': inv.CLB_INTERNET_ID,
    'listener_port': 80,
    'listener_protocol': 'HTTP',
    'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080},
    'rules': [
        {'domain': 'www.example.com', 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 8080},
        {'domain': 'www.example.com', 'path': '/api', 'app_id': inv.APP_API_ID, 'container_port': 8443},
    ],
}

ALB = {
    'namespace_id': NS,
    'name': 'shop',
    'load_balance_type': 'alb',
    'slb_id': inv.ALB_INTERNET_ID,
    'listener_port': 443,
    'listener_protocol': 'HTTPS',
    'cert_ids': [inv.ALB_CERT_ID, inv.ALB_CERT_ID_2],
    'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080},
    'rules': [
        {'domain': 'shop.example.com', 'path': '/v1/orders', 'rewrite_path': '/orders', 'app_id': inv.APP_API_ID,
         'container_port': 8080},
        {'domain': 'shop.example.com', 'path': '/', 'app_id': inv.APP_WEB_ID, 'container_port': 8080},
    ],
}


def task(args, name='sae ingress', module='alibabacloud.sae.sae_ingress', **extra):
    """One module task, its result registered as `r`."""
    return dict({'name': name, module: args, 'register': 'r'}, **extra)


def _api_rule(rule):
    api = {'appId': rule['app_id'], 'containerPort': rule['container_port']}
    for option, key in (('domain', 'domain'), ('path', 'path'), ('backend_protocol', 'backendProtocol'),
                        ('rewrite_path', 'rewritePath')):
        if rule.get(option):
            api[key] = rule[option]
    return api


def seed(emulator, args=None):
    """Create the ingress of `args` (module options; CLB by default) directly in the emulator: no request logged."""
    args = args or CLB
    fields = {
        'NamespaceId': args['namespace_id'], 'Description': args['name'], 'SlbId': args['slb_id'],
        'ListenerPort': args['listener_port'], 'LoadBalanceType': args.get('load_balance_type', 'clb'),
        'DefaultRule': {'appId': args['default_rule']['app_id'], 'containerPort': args['default_rule']['container_port']},
        'Rules': [_api_rule(rule) for rule in args.get('rules', [])],
    }
    if args.get('listener_protocol'):
        fields['ListenerProtocol'] = args['listener_protocol']
    if args.get('cert_ids'):
        fields['CertIds'] = ','.join(args['cert_ids'])
    if args.get('cert_id'):
        fields['CertId'] = args['cert_id']
    return emulator.seed_ingress(**fields)
