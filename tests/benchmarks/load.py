# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench-load`: a fleet of 200 ingresses under flow control and an outage; writes its figures into
docs/performance.md and docs/reliability.md (section "Fleet under flow control and outages").

200 hosts (``ansible_connection=local``), each converging its own CLB ingress by name, 100 in each namespace of
the emulator, through ansible-playbook with ``forks: 20`` and ``forks: 50``. For each forks value: create, no-op and
change runs on an emulator without flow control, the same on one whose flow control admits 10 requests a second per
operation (bursts of 10) and answers Throttling.User above it, and a create run behind the same limit during which
the emulator is paused (the port refuses connections, open ones are closed) for 10 seconds once 40 tasks (a fifth)
have finished. The module's defaults are in force (retries unset, retry_timeout 60). Everything runs on 127.0.0.1;
every wait is bounded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
for _path in (TESTS, HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

# pylint: disable=wrong-import-position,import-error
from collection_link import activate  # noqa: E402

activate()

import sae_emulator  # noqa: E402
from sae_emulator import inventory as inv  # noqa: E402
from sae_emulator.errors import THROTTLING_USER  # noqa: E402
import bench_playbooks  # noqa: E402
# pylint: enable=wrong-import-position,import-error

HEADING = '## Fleet under flow control and outages'
DOCS = (os.path.join(ROOT, 'docs', 'performance.md'), os.path.join(ROOT, 'docs', 'reliability.md'))
FLEET = 200
FORKS = (20, 50)
RATE_LIMIT = '10/10'
OUTAGE_SECONDS = 10.0
PLAYBOOK_TIMEOUT = 1200
NAMESPACES = (
    (inv.NAMESPACE_ID, inv.CLB_INTERNET_ID, inv.APP_WEB_ID),
    (inv.OTHER_NAMESPACE_ID, inv.CLB_INTRANET_ID, inv.APP_STAGING_ID),
)
TASK = 'converge'


def outage_after():
    """The outage starts once this many tasks have finished: a fifth of the fleet (40 of 200)."""
    return max(1, FLEET // 5)


def step(message):
    print('[bench-load %s] %s' % (time.strftime('%H:%M:%S'), message), flush=True)


def write_inventory(workdir):
    lines = ['[fleet]']
    for index in range(FLEET):
        namespace, slb_id, app_id = NAMESPACES[index % len(NAMESPACES)]
        lines.append('f%03d ingress_name=fleet-%03d ingress_port=%d namespace=%s slb=%s app=%s'
                     % (index, index, 30000 + index, namespace, slb_id, app_id))
    lines += ['', '[fleet:vars]', 'ansible_connection=local', 'ansible_python_interpreter=%s' % sys.executable]
    path = os.path.join(workdir, 'fleet-hosts.ini')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def fleet_play(emulator, request_timeout):
    args = {
        'namespace_id': '{{ namespace }}', 'name': '{{ ingress_name }}', 'slb_id': '{{ slb }}',
        'listener_port': '{{ ingress_port }}', 'listener_protocol': 'HTTP', 'request_timeout': request_timeout,
        'default_rule': {'app_id': '{{ app }}', 'container_port': 8080},
        'rules': [{'domain': '{{ ingress_name }}.example.com', 'path': '/', 'app_id': '{{ app }}', 'container_port': 8080}],
    }
    return {'name': 'fleet', 'hosts': 'fleet', 'gather_facts': False,
            'module_defaults': bench_playbooks.module_defaults(emulator),
            'tasks': [{'name': TASK, 'alibabacloud.sae.sae_ingress': args}]}


def run_fleet(workdir, name, emulator, inventory_file, forks, request_timeout, outage=False):
    """One ansible-playbook run of the fleet; its figures from the callback's records and the emulator's log."""
    playbook = os.path.join(workdir, name + '.yml')
    record = os.path.join(workdir, name + '.jsonl')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump([fleet_play(emulator, request_timeout)], handle, indent=1)
    if os.path.exists(record):
        os.unlink(record)
    emulator.clear_log()
    emulator.flow_control.reset_counts()
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory_file, '-f', str(forks),
               playbook]
    env = bench_playbooks.ansible_env(workdir, {'SAE_BENCH_RECORD': record})
    outage_thread = None
    outage_window = []
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if outage:
        outage_thread = threading.Thread(target=_outage, args=(emulator, record, proc, outage_window), daemon=True)
        outage_thread.start()
    try:
        stdout, stderr = proc.communicate(timeout=PLAYBOOK_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    if outage_thread is not None:
        outage_thread.join(OUTAGE_SECONDS + 30)
    if emulator.paused:
        emulator.resume()
    records = _records(record)
    log = emulator.log
    ops = {}
    for entry in log:
        ops[entry['operation']] = ops.get(entry['operation'], 0) + 1
    throttled = sum(1 for entry in log if entry['code'] == THROTTLING_USER)
    failed = [r for r in records if r['status'] != 'ok']
    names = {}
    for record_ in emulator.ingresses.values():
        names[record_['Description']] = names.get(record_['Description'], 0) + 1
    result = {
        'name': name, 'forks': forks, 'tasks': len(records), 'failed': len(failed),
        'changed': sum(1 for r in records if r['changed']), 'calls': len(log), 'ops': ops, 'throttled': throttled,
        'retried': throttled + sum(1 for entry in log if (entry['status'] or 0) >= 500),
        'wall': wall, 'ingresses': len(emulator.ingresses),
        'duplicates': sum(count - 1 for count in names.values() if count > 1),
        'outage': outage_window[0] if outage_window else None, 'rc': proc.returncode,
    }
    if failed or proc.returncode not in (0, 2):
        result['failures'] = [line for line in stdout.splitlines() if line.startswith('fatal:')][:5] or [stderr[-2000:]]
    return result


def _records(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _outage(emulator, record, proc, window):
    """Pause the emulator for OUTAGE_SECONDS once outage_after() tasks have finished (bounded waits)."""
    deadline = time.monotonic() + PLAYBOOK_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None and len(_records(record)) < outage_after():
        time.sleep(0.2)
    if proc.poll() is not None:
        return
    finished = len(_records(record))
    emulator.pause()
    try:
        time.sleep(OUTAGE_SECONDS)
    finally:
        emulator.resume()
    window.append({'after_tasks': finished, 'seconds': OUTAGE_SECONDS})


def measure(workdir, forks_values=FORKS, limits=(RATE_LIMIT,), save=None, free=True):
    """Every run of every forks value: create, no-op and change without a limit and under each of `limits`, then a
    create with an outage under the last limit; `save(runs)` is called after each run."""
    inventory_file = write_inventory(workdir)
    runs = []
    save = save or (lambda runs: None)
    for forks in forks_values:
        for limit in ((None,) if free else ()) + tuple(limits):
            with sae_emulator.Emulator(rate_limits=[limit] if limit else []) as emulator:
                for label, request_timeout in (('create', 60), ('no-op', 60), ('change', 30)):
                    step('forks %d, %s, %s' % (forks, 'limit %s rps' % limit if limit else 'no limit', label))
                    run = run_fleet(workdir, '%s-%d-%s' % (label, forks, (limit or 'free').replace('/', '-')), emulator,
                                    inventory_file, forks, request_timeout)
                    run.update(label=label, limit=limit)
                    runs.append(run)
                    save(runs)
                    _report(run)
        with sae_emulator.Emulator(rate_limits=[limits[-1]]) as emulator:
            step('forks %d, limit %s rps, create with a %d s outage after %d tasks'
                 % (forks, limits[-1], OUTAGE_SECONDS, outage_after()))
            run = run_fleet(workdir, 'outage-%d' % forks, emulator, inventory_file, forks, 60, outage=True)
            run.update(label='create, %d s outage' % OUTAGE_SECONDS, limit=limits[-1])
            runs.append(run)
            save(runs)
            _report(run)
    return runs


def _limit(run):
    return run.get('limit', RATE_LIMIT if run.get('limited') else None)


def _limit_text(run):
    limit = _limit(run)
    if not limit:
        return 'none'
    rate, _sep, burst = limit.partition('/')
    return '%s rps (burst %s)' % (rate, burst or rate)


def _report(run):
    print('  failed %(failed)d, changed %(changed)d of %(tasks)d, calls %(calls)d, throttled %(throttled)d, '
          'duplicates %(duplicates)d, wall %(wall).1f s' % run, flush=True)
    for line in run.get('failures', []):
        print('    ' + line[:400], flush=True)


def _expected_changed(run):
    return 0 if run['label'] == 'no-op' else FLEET


def render(runs, date):
    free = [run['calls'] / run['wall'] for run in runs if not _limit(run) and run['wall']]
    lines = [HEADING, '',
             'Generated by `make bench-load` (`tests/benchmarks/load.py`, %s, %d cores). %d hosts, each converging its own '
             'CLB ingress by name (%d in each of the emulator\'s two namespaces, so each ListIngresses call reads 2 '
             'pages of 50), through `ansible-playbook` with the module\'s defaults (`retries` unset, `retry_timeout: '
             '60`). *Limit*: the emulator\'s flow control admits that many requests a second per operation and access '
             'key, in bursts of the size given, and answers `Throttling.User` above it. *Outage*: the emulator paused '
             '(port closed, open connections cut) for %d s once %d tasks had finished, under the last limit. Each forks '
             'value runs on fresh emulators: create, no-op, change without a limit and under each limit, then the '
             'outage run.' % (date, os.cpu_count(), FLEET, FLEET // len(NAMESPACES), OUTAGE_SECONDS, outage_after()), '']
    if free:
        lines += ['Without a limit the fleet offered %.1f to %.1f requests a second (calls / wall time): a limit below '
                  'that is what makes the runs under it throttled.' % (min(free), max(free)), '']
    lines += ['| forks | Limit | Run | Failed | Changed | Duplicates | Calls | By operation | Throttled answers '
              '| Retried answers | Wall |',
              '|---|---|---|---|---|---|---|---|---|---|---|']
    for run in runs:
        ops = ', '.join('%s %d' % (op.replace('Ingresses', '').replace('Ingress', ''), count)
                        for op, count in sorted(run['ops'].items()))
        lines.append('| %d | %s | %s | %s | %d of %d | %d | %d | %s | %d | %d | %.0f s |' % (
            run['forks'], _limit_text(run), run['label'],
            '**%d**' % run['failed'] if run['failed'] else '0', run['changed'], run['tasks'], run['duplicates'],
            run['calls'], ops, run['throttled'], run['retried'], run['wall']))
    clean = all(run['failed'] == 0 and run['duplicates'] == 0 and run['tasks'] == FLEET
                and run['changed'] == _expected_changed(run) for run in runs)
    failing = [run for run in runs if run['failed'] or run['tasks'] != FLEET or run['changed'] != _expected_changed(run)]
    gave_up = sum(1 for run in failing for line in run.get('failures', []) if 'Throttling' in line and 'gave up' in line)
    shown = sum(min(5, run['failed']) for run in failing)
    lines += ['', '**Goal: 0 failed tasks and 0 duplicates in every run: %s.** Duplicates: %d in all. Runs with a failed '
              'or missing task: %s.' % (
                  'met' if clean else 'not met', sum(run['duplicates'] for run in runs),
                  ', '.join('forks %d, %s, %s: %d failed' % (run['forks'], _limit_text(run), run['label'], run['failed'])
                            for run in failing) or 'none'), '']
    if failing:
        lines += ['Of the failures whose message the run kept (up to 5 a run: %d), %d are `Throttling.User` after '
                  '`retry_timeout` ran out.' % (shown, gave_up), '']
    lines.append('"Throttled answers": requests the flow control refused. "Retried answers": those and the 5xx answers, '
                 'each of which the module retried; the requests the outage cut or refused are not in it (a refused '
                 'connection never reaches the emulator, a cut one may have been answered into a closed socket). Calls '
                 'by operation (Create, Describe, List, Update) count every request the emulator received, refused ones '
                 'included.')
    return '\n'.join(lines), clean


def write_docs(block):
    for path in DOCS:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(replace_block(text, block))


def replace_block(text, block):
    """`text` with its HEADING section (up to the next `## ` heading) replaced by `block`, or `block` appended."""
    start = text.find('\n' + HEADING + '\n')
    if start < 0:
        return text.rstrip('\n') + '\n\n' + block + '\n'
    start += 1
    end = text.find('\n## ', start + len(HEADING))
    tail = text[end + 1:] if end >= 0 else ''
    return text[:start] + block + '\n' + ('\n' + tail if tail else '')


def carry_block(old_text, new_text):
    """`new_text` with the HEADING section of `old_text`, if it has one (`make bench` keeps these figures)."""
    start = old_text.find('\n' + HEADING + '\n')
    if start < 0:
        return new_text
    end = old_text.find('\n## ', start + 1 + len(HEADING))
    block = old_text[start + 1:end if end >= 0 else len(old_text)].rstrip('\n')
    return replace_block(new_text, block)


def main(argv=None):
    global FLEET  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--forks', type=int, action='append', help='only these forks values (repeatable; default 20, 50)')
    parser.add_argument('--limits', default=RATE_LIMIT, metavar='RATE/BURST,...',
                        help='the flow control limits to run under, comma-separated; the outage run takes the last '
                             '(default %s)' % RATE_LIMIT)
    parser.add_argument('--no-free', action='store_true', help='skip the runs without a limit')
    parser.add_argument('--add-figures', metavar='FILE', action='append', default=[],
                        help='runs measured before (a --figures file) to put in front of these in the table')
    parser.add_argument('--fleet', type=int, default=FLEET, help='hosts and ingresses (default %d)' % FLEET)
    parser.add_argument('--no-docs', action='store_true', help='print the figures, do not write them into the docs')
    parser.add_argument('--figures', metavar='FILE', help='save the measured figures to FILE as JSON')
    parser.add_argument('--from-figures', action='store_true', help='do not measure: write the docs from --figures')
    args = parser.parse_args(argv)
    FLEET = args.fleet
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    if args.from_figures:
        with open(args.figures, encoding='utf-8') as handle:
            saved = json.load(handle)
        runs, date = saved['runs'], saved['date']
    else:
        def save(runs):
            if args.figures:
                with open(args.figures, 'w', encoding='utf-8') as handle:
                    json.dump({'runs': runs, 'date': date}, handle, indent=1)

        with tempfile.TemporaryDirectory(prefix='sae-bench-load-') as workdir:
            runs = measure(workdir, tuple(args.forks or FORKS), tuple(args.limits.split(',')), save,
                           free=not args.no_free)
    earlier = []
    for path in args.add_figures:
        with open(path, encoding='utf-8') as handle:
            saved = json.load(handle)
        earlier += saved['runs']
        date = '%s and %s' % (saved['date'], date)
    block, clean = render(earlier + runs, date)
    print()
    print(block)
    if not args.no_docs:
        write_docs(block)
        print('\nUpdated %s' % ', '.join(os.path.relpath(path, ROOT) for path in DOCS))
    return 0 if clean else 1


if __name__ == '__main__':
    sys.exit(main())
