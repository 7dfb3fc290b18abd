# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench-load`: a fleet of 200 ingresses under flow control and an outage; writes its figures into
docs/performance.md and docs/reliability.md (section "Fleet under flow control and outages").

200 sae_ingress tasks, each converging its own CLB ingress by name, 100 in each namespace of the emulator, with
the module's defaults (retries unset, retry_timeout 60), run two ways, each with `forks: 20` and `forks: 50`:

- direct: the module processes without ansible-playbook, N at a time as `forks: N` runs them, started by the
  integration harness (tests/functional/harness.py run_fleet: forked from processes that have imported
  ansible-core and requests), so that the fleet offers far more requests than the limit on any machine. Create,
  no-op and change under flow control that admits 10 requests a second per operation (bursts of 10, on the real
  clock) and answers Throttling.User above it, and a create under the same limit during which the emulator is
  paused (the port refuses connections, open ones are closed) for 10 seconds once 40 tasks (a fifth) have
  finished.
- ansible-playbook: the same tasks as a play over 200 hosts (``ansible_connection=local``). Create, no-op and
  change without a limit (what a task costs through ansible-playbook), then under each of `--limits` (none by
  default), then a create with the same outage (under the last limit, if any).

`--only direct` or `--only ansible-playbook` measures one part and keeps the other's figures in the docs.
Everything runs on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

# pylint: disable=wrong-import-position,import-error
from bench_paths import ROOT  # noqa: E402  (first: the paths and the collection)

import sae_emulator  # noqa: E402
from sae_emulator import inventory as inv  # noqa: E402
from sae_emulator.errors import THROTTLING_USER  # noqa: E402
import bench_playbooks  # noqa: E402
import harness  # noqa: E402
# pylint: enable=wrong-import-position,import-error

HEADING = '## Fleet under flow control and outages'
DOCS = (os.path.join(ROOT, 'docs', 'performance.md'), os.path.join(ROOT, 'docs', 'reliability.md'))
FLEET = 200
FORKS = (20, 50)
RATE_LIMIT = '10/10'
OUTAGE_SECONDS = 10.0
RETRY_TIMEOUT = 60  # the module's default
CALLS_PER_TASK = 3  # 2 pages of ListIngresses and a write (a no-op: 2 pages)
PLAYBOOK_TIMEOUT = 1200
NAMESPACES = (
    (inv.NAMESPACE_ID, inv.CLB_INTERNET_ID, inv.APP_WEB_ID),
    (inv.OTHER_NAMESPACE_ID, inv.CLB_INTRANET_ID, inv.APP_STAGING_ID),
)
HOST_VARS = ('ingress_name', 'ingress_port', 'namespace', 'slb', 'app')
TASK = 'converge'
RUNS = (('create', 60), ('no-op', 60), ('change', 30))  # each run's request_timeout: the change sets 30
DIRECT, PLAYBOOK = 'direct', 'ansible-playbook'
PARTS = (DIRECT, PLAYBOOK)
TITLES = {DIRECT: '### Module processes, forks at a time, without ansible-playbook',
          PLAYBOOK: '### Through ansible-playbook'}


def outage_after():
    """The outage starts once this many tasks have finished: a fifth of the fleet (40 of 200)."""
    return max(1, FLEET // 5)


def step(message):
    print('[bench-load %s] %s' % (time.strftime('%H:%M:%S'), message), flush=True)


def hosts():
    """Each host's variables: its ingress's name and port, its namespace, CLB and application."""
    for index in range(FLEET):
        namespace, slb_id, app_id = NAMESPACES[index % len(NAMESPACES)]
        yield {'ingress_name': 'fleet-%03d' % index, 'ingress_port': 30000 + index, 'namespace': namespace,
               'slb': slb_id, 'app': app_id}


def fleet_args(ingress_name, ingress_port, namespace, slb, app, request_timeout):
    """A host's sae_ingress arguments: given its variables (direct runs) or templates of them (the play)."""
    return {
        'namespace_id': namespace, 'name': ingress_name, 'slb_id': slb, 'listener_port': ingress_port,
        'listener_protocol': 'HTTP', 'request_timeout': request_timeout,
        'default_rule': {'app_id': app, 'container_port': 8080},
        'rules': [{'domain': '%s.example.com' % ingress_name, 'path': '/', 'app_id': app, 'container_port': 8080}],
    }


def write_inventory(workdir):
    lines = ['[fleet]']
    for index, host in enumerate(hosts()):
        lines.append('f%03d %s' % (index, ' '.join('%s=%s' % (key, host[key]) for key in HOST_VARS)))
    lines += ['', '[fleet:vars]', 'ansible_connection=local', 'ansible_python_interpreter=%s' % sys.executable]
    path = os.path.join(workdir, 'fleet-hosts.ini')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def fleet_play(emulator, request_timeout):
    args = fleet_args(request_timeout=request_timeout, **{key: '{{ %s }}' % key for key in HOST_VARS})
    return {'name': 'fleet', 'hosts': 'fleet', 'gather_facts': False,
            'module_defaults': bench_playbooks.module_defaults(emulator),
            'tasks': [{'name': TASK, 'alibabacloud.sae.sae_ingress': args}]}


def _start(emulator, outage, ended, running):
    """A fresh request log and counts; with `outage`, the thread that pauses the emulator; the start time."""
    emulator.clear_log()
    emulator.flow_control.reset_counts()
    window = []
    thread = None
    if outage:
        thread = threading.Thread(target=_outage, args=(emulator, ended, running, window), daemon=True)
        thread.start()
    return thread, window, time.perf_counter()


def _outage(emulator, ended, running, window):
    """Pause the emulator for OUTAGE_SECONDS once `ended()` tasks reach outage_after(), while `running()`."""
    deadline = time.monotonic() + PLAYBOOK_TIMEOUT
    while time.monotonic() < deadline and running() and ended() < outage_after():
        time.sleep(0.2)
    if not running():
        return
    window.append({'after_tasks': ended(), 'seconds': OUTAGE_SECONDS})
    harness.outage(emulator, OUTAGE_SECONDS)


def _figures(emulator, outcomes, started, outage):
    """A run's figures: `outcomes` (failed, changed) a task, the emulator's request log and ingresses."""
    wall = time.perf_counter() - started
    thread, window = outage
    if thread is not None:
        thread.join(OUTAGE_SECONDS + 30)
    if emulator.paused:
        emulator.resume()
    log = emulator.log
    ops = {}
    for entry in log:
        ops[entry['operation']] = ops.get(entry['operation'], 0) + 1
    throttled = sum(1 for entry in log if entry['code'] == THROTTLING_USER)
    names = {}
    for record in emulator.ingresses.values():
        names[record['Description']] = names.get(record['Description'], 0) + 1
    return {
        'tasks': len(outcomes), 'failed': sum(1 for failed, _changed in outcomes if failed),
        'changed': sum(1 for _failed, changed in outcomes if changed), 'calls': len(log), 'ops': ops,
        'throttled': throttled, 'retried': throttled + sum(1 for entry in log if (entry['status'] or 0) >= 500),
        'wall': wall, 'ingresses': len(emulator.ingresses),
        'duplicates': sum(count - 1 for count in names.values() if count > 1),
        'outage': window[0] if window else None, 'load': os.getloadavg()[0], 'peak': _peak(log),
    }


def _peak(log, window=1.0):
    """The most requests of one operation the emulator received within `window` seconds, refused ones included."""
    times = {}
    for entry in log:
        times.setdefault(entry['operation'], []).append(entry['time'])
    peak = 0
    for arrivals in times.values():
        arrivals.sort()
        first = 0
        for last, arrival in enumerate(arrivals):
            while arrival - arrivals[first] >= window:
                first += 1
            peak = max(peak, last - first + 1)
    return peak


def run_fleet(workdir, name, emulator, inventory_file, forks, request_timeout, outage=False):
    """One ansible-playbook run of the fleet; its figures from the callback's records and the emulator's log."""
    playbook = os.path.join(workdir, name + '.yml')
    record = os.path.join(workdir, name + '.jsonl')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump([fleet_play(emulator, request_timeout)], handle, indent=1)
    if os.path.exists(record):
        os.unlink(record)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory_file, '-f', str(forks),
               playbook]
    env = bench_playbooks.ansible_env(workdir, {'SAE_BENCH_RECORD': record})
    processes = []
    thread, window, started = _start(emulator, outage, lambda: len(_records(record)),
                                     lambda: not processes or processes[0].poll() is None)
    proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes.append(proc)
    try:
        stdout, stderr = proc.communicate(timeout=PLAYBOOK_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    records = _records(record)
    result = _figures(emulator, [(r['status'] != 'ok', r['changed']) for r in records], started, (thread, window))
    result.update(name=name, forks=forks, via=PLAYBOOK, rc=proc.returncode)
    if result['failed'] or proc.returncode not in (0, 2):
        result['failures'] = [line for line in stdout.splitlines() if line.startswith('fatal:')][:5] or [stderr[-2000:]]
    return result


def run_direct(workdir, name, emulator, forks, request_timeout, outage=False):
    """One direct run of the fleet: each host's task as its own module process, `forks` at a time."""
    fleet = [fleet_args(request_timeout=request_timeout, **host) for host in hosts()]
    directory = pathlib.Path(workdir) / name
    directory.mkdir()
    # exactly the play's module_defaults: the endpoint and the access key, nothing else
    defaults = bench_playbooks.module_defaults(emulator)['group/alibabacloud.sae.all']
    ended = [0]
    running = [True]

    def finished(count):
        ended[0] = max(ended[0], count)

    thread, window, started = _start(emulator, outage, lambda: ended[0], lambda: running[0])
    try:
        results = harness.run_fleet(directory, fleet, forks, defaults=defaults, name='host', finished=finished)
    finally:
        running[0] = False
    result = _figures(emulator, [(r['failed'], r['changed']) for r in results], started, (thread, window))
    result.update(name=name, forks=forks, via=DIRECT)
    if result['failed']:
        result['failures'] = [json.dumps({'msg': r.get('msg'), 'error': r.get('error')}) for r in results
                              if r['failed']][:5]
    return result


def _records(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def measure_direct(workdir, forks_values=FORKS, limit=RATE_LIMIT, save=None):
    """Per forks value, on fresh emulators under `limit`: create, no-op, change, then a create with an outage."""
    runs = []
    save = save or (lambda runs: None)
    try:
        for forks in forks_values:
            with sae_emulator.Emulator(rate_limits=[limit]) as emulator:
                for label, request_timeout in RUNS:
                    step('direct, forks %d, limit %s rps, %s' % (forks, limit, label))
                    run = run_direct(workdir, 'direct-%s-%d' % (label, forks), emulator, forks, request_timeout)
                    _keep(runs, run, save, label=label, limit=limit)
            with sae_emulator.Emulator(rate_limits=[limit]) as emulator:
                step('direct, forks %d, limit %s rps, create with a %d s outage after %d tasks'
                     % (forks, limit, OUTAGE_SECONDS, outage_after()))
                run = run_direct(workdir, 'direct-outage-%d' % forks, emulator, forks, 60, outage=True)
                _keep(runs, run, save, label='create, %d s outage' % OUTAGE_SECONDS, limit=limit)
    finally:
        harness.close_launchers()
    return runs


def measure_playbook(workdir, forks_values=FORKS, limits=(), save=None):
    """Per forks value: create, no-op and change without a limit and under each of `limits`, then a create with
    an outage under the last limit (none if `limits` is empty); `save(runs)` is called after each run."""
    inventory_file = write_inventory(workdir)
    runs = []
    save = save or (lambda runs: None)
    for forks in forks_values:
        for limit in (None,) + tuple(limits):
            with sae_emulator.Emulator(rate_limits=[limit] if limit else []) as emulator:
                for label, request_timeout in RUNS:
                    step('ansible-playbook, forks %d, %s, %s' % (forks, 'limit %s rps' % limit if limit else 'no limit',
                                                                 label))
                    run = run_fleet(workdir, '%s-%d-%s' % (label, forks, (limit or 'free').replace('/', '-')), emulator,
                                    inventory_file, forks, request_timeout)
                    _keep(runs, run, save, label=label, limit=limit)
        last = limits[-1] if limits else None
        with sae_emulator.Emulator(rate_limits=[last] if last else []) as emulator:
            step('ansible-playbook, forks %d, %s, create with a %d s outage after %d tasks'
                 % (forks, 'limit %s rps' % last if last else 'no limit', OUTAGE_SECONDS, outage_after()))
            run = run_fleet(workdir, 'outage-%d' % forks, emulator, inventory_file, forks, 60, outage=True)
            _keep(runs, run, save, label='create, %d s outage' % OUTAGE_SECONDS, limit=last)
    return runs


def _keep(runs, run, save, **extra):
    run.update(extra)
    runs.append(run)
    save(runs)
    _report(run)


def _via(run):
    return run.get('via', PLAYBOOK)  # figures saved before the direct runs existed are ansible-playbook ones


def _limit(run):
    return run.get('limit', RATE_LIMIT if run.get('limited') else None)


def _rate(limit):
    return float(limit.partition('/')[0])


def _beyond_capacity(run):
    """Whether the run's forks need more of `retry_timeout` than the limit gives: a task waits about forks x
    calls a task / requests a second for its turn."""
    limit = _limit(run)
    return bool(limit) and run['forks'] * CALLS_PER_TASK / _rate(limit) > RETRY_TIMEOUT


def _limit_text(run):
    limit = _limit(run)
    if not limit:
        return 'none'
    rate, _sep, burst = limit.partition('/')
    text = '%s rps (burst %s)' % (rate, burst or rate)
    if not run['throttled']:
        return text + ', never reached: nothing refused'
    if _beyond_capacity(run):
        return text + ', beyond capacity'
    return text


def _offered(run):
    """Requests a second the emulator received (refused ones included), all and of the busiest operation."""
    if not run['wall']:
        return 0.0, 0.0
    return run['calls'] / run['wall'], max(run['ops'].values() or [0]) / run['wall']


def _report(run):
    print('  failed %(failed)d, changed %(changed)d of %(tasks)d, calls %(calls)d, throttled %(throttled)d, '
          'duplicates %(duplicates)d, peak %(peak)d a second, wall %(wall).1f s' % run
          + ', offered %.1f rps (busiest operation %.1f)' % _offered(run), flush=True)
    for line in run.get('failures', []):
        print('    ' + line[:400], flush=True)


def _expected_changed(run):
    return 0 if run['label'] == 'no-op' else FLEET


def _clean(run):
    return (run['failed'] == 0 and run['duplicates'] == 0 and run['tasks'] == FLEET
            and run['changed'] == _expected_changed(run))


def _table(runs):
    lines = ['| forks | Limit | Run | Failed | Changed | Duplicates | Calls | By operation | Throttled answers '
             '| Retried answers | Offered (busiest operation) | Peak | Wall |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for run in runs:
        ops = ', '.join('%s %d' % (op.replace('Ingresses', '').replace('Ingress', ''), count)
                        for op, count in sorted(run['ops'].items()))
        lines.append('| %d | %s | %s | %s | %d of %d | %d | %d | %s | %d | %d | %.1f rps (%.1f) | %s | %.0f s |' % (
            (run['forks'], _limit_text(run), run['label'], '**%d**' % run['failed'] if run['failed'] else '0',
             run['changed'], run['tasks'], run['duplicates'], run['calls'], ops, run['throttled'], run['retried'])
            + _offered(run) + ('%d' % run['peak'] if 'peak' in run else 'n/a', run['wall'])))
    return lines


def _measured(date, runs):
    loads = [run['load'] for run in runs if run.get('load') is not None]
    text = 'Measured %s on %d cores shared with other work' % (date, os.cpu_count())
    if loads:
        text += ' (load average %.1f to %.1f at the ends of the runs)' % (min(loads), max(loads))
    return text + ': the counts are exact, the times indicative.'


def _failing(runs):
    return ', '.join('forks %d, %s, %s: %d failed%s' % (
        run['forks'], _limit_text(run), run['label'], run['failed'],
        '' if run['tasks'] == FLEET else ' (%d tasks ran)' % run['tasks']) for run in runs if not _clean(run)) or 'none'


def _gave_up(runs):
    shown = sum(min(5, run['failed']) for run in runs)
    gave_up = sum(1 for run in runs for line in run.get('failures', []) if 'Throttling' in line and 'gave up' in line)
    return shown, gave_up


def _admitted(runs):
    """The most requests of one operation the limit of `runs` admits within a second, its burst and its rate."""
    rate, _sep, burst = (_limit(runs[0]) if runs else RATE_LIMIT).partition('/')
    rate, burst = float(rate), float(burst or rate)
    return rate + burst, burst, rate


def render_direct(runs, date):
    """The direct part's subsection and whether its goal is met (every run throttled and clean)."""
    clean = bool(runs) and all(_clean(run) for run in runs)
    limited = bool(runs) and all(run['throttled'] for run in runs)
    offered = [_offered(run)[1] for run in runs]
    peaks = [run.get('peak', 0) for run in runs]
    lines = [TITLES[DIRECT], '',
             _measured(date, runs) + ' The %d tasks as module processes without ansible-playbook, each given what '
             'the play gives it (the same arguments, the endpoint and access key as its `module_defaults`, the '
             'module\'s defaults otherwise), forks at a time as `forks:` runs them: a task starts as soon as one ends. '
             'The harness (`tests/functional/harness.py`, `run_fleet`) forks each from a process that has imported '
             'ansible-core and requests, so a task costs a fraction of what ansible-playbook adds to it and the fleet '
             'offers more than the limit admits, even on a loaded machine (Peak: more than the %g that a burst of %g '
             'and %g a second admit within a second). Flow control on the real clock.' % ((FLEET,) + _admitted(runs)),
             '']
    lines += _table(runs)
    lines += ['', '**Goal: 0 failed tasks and 0 duplicates in every throttled run (%g requests a second) and after a '
              '%g-second outage: %s.** Throttled in every run (the limit refused requests): %s; the busiest operation '
              'was offered %.1f to %.1f requests a second on average over a run, and %d to %d within its busiest '
              'second. Runs with a failed or missing task: %s.' % (
                  _admitted(runs)[2], OUTAGE_SECONDS, 'met' if clean and limited else 'not met',
                  'yes' if limited else '**no**',
                  min(offered or [0]), max(offered or [0]), min(peaks or [0]), max(peaks or [0]), _failing(runs))]
    failing = [run for run in runs if not _clean(run)]
    if failing:
        lines += ['', 'Of the failures whose message the run kept (up to 5 a run: %d), %d are `Throttling.User` after '
                      '`retry_timeout` ran out.' % _gave_up(failing)]
    return '\n'.join(lines), clean and limited


def render_playbook(runs, date):
    """The ansible-playbook part's subsection and whether its runs within capacity are clean."""
    free = [run['calls'] / run['wall'] for run in runs if not run['throttled'] and run['wall']]
    lines = [TITLES[PLAYBOOK], '',
             _measured(date, runs) + ' %d hosts (`ansible_connection=local`) in one play, each converging its '
             'ingress, through `ansible-playbook` with `-f` forks.' % FLEET, '']
    if free:
        lines += ['The runs that nothing refused offered %.1f to %.1f requests a second in all (calls / wall time): '
                  'ansible-playbook\'s own cost per task, not the service, sets the pace on this machine, so a limit '
                  'of 10 requests a second per operation is never reached here (rows "never reached": not throttled '
                  'runs, the same as without a limit; the direct runs above are the throttled ones).'
                  % (min(free), max(free)), '']
    lines += _table(runs)
    edge = [run for run in runs if _beyond_capacity(run) and run['throttled']]
    within = [run for run in runs if run not in edge]
    clean = all(_clean(run) for run in within)
    lines += ['', '**Every run within capacity clean (0 failed tasks, 0 duplicates): %s.** Duplicates: %d in all. '
              'Runs with a failed or missing task: %s.' % (
                  'yes' if clean else '**no**', sum(run['duplicates'] for run in runs), _failing(runs))]
    if edge:
        estimates = sorted({(run['forks'], _rate(_limit(run))) for run in edge})
        lines += ['', '"Beyond capacity": a task waits about forks x %d calls / requests a second for its turn, more than '
                      'the %d s of `retry_timeout` here (%s): the capacity edge, where tasks may give up, by design, with '
                      'a definite refusal (nothing applied; a rerun converges). Of the failures whose message the run '
                      'kept (up to 5 a run: %d), %d are `Throttling.User` after `retry_timeout` ran out.' % (
                          (CALLS_PER_TASK, RETRY_TIMEOUT,
                           ', '.join('forks %d at %g a second: %.0f s' % (forks, rate, forks * CALLS_PER_TASK / rate)
                                     for forks, rate in estimates))
                          + _gave_up([run for run in edge if not _clean(run)]))]
    return '\n'.join(lines), clean


def intro():
    return '\n'.join([
        HEADING, '',
        'Generated by `make bench-load` (`tests/benchmarks/load.py`). %d `sae_ingress` tasks, each converging its own '
        'CLB ingress by name (%d in each of the emulator\'s two namespaces, so each ListIngresses call reads 2 pages '
        'of 50), with the module\'s defaults (`retries` unset, `retry_timeout: %d`), run two ways, each with forks 20 '
        'and 50 on fresh emulators. *Limit*: the emulator\'s flow control admits that many requests a second per '
        'operation and access key, in bursts of the size given, and answers `Throttling.User` above it. *Outage*: the '
        'emulator paused (port closed, open connections cut) for %d s once %d tasks had finished. Each part is '
        'measured (and rerun alone with `--only`) on the date its subsection gives.'
        % (FLEET, FLEET // len(NAMESPACES), RETRY_TIMEOUT, OUTAGE_SECONDS, outage_after()), '',
        '"Throttled answers": requests the flow control refused. "Retried answers": those and the 5xx answers, each '
        'of which the module retried; the requests the outage cut or refused are not in it (a refused connection '
        'never reaches the emulator, a cut one may have been answered into a closed socket). Calls by operation '
        '(Create, Describe, List, Update) count every request the emulator received, refused ones included. '
        '"Offered": those calls a second over the run\'s wall time, in all and of the busiest operation (the limit '
        'is per operation); an average, lower than the rate at the moments the tasks crowd in. "Peak": the most '
        'requests of one operation the emulator received within one second (n/a: figures measured before it was '
        'recorded).'])


def subsection(text, part):
    """The subsection of `part` in the HEADING section of `text` (the docs as they are), or None."""
    start = text.find('\n' + HEADING + '\n')
    if start < 0:
        return None
    end = text.find('\n## ', start + 1 + len(HEADING))
    section = text[start + 1:end if end >= 0 else len(text)]
    begin = section.find(TITLES[part] + '\n')
    if begin < 0:
        return None
    stop = section.find('\n### ', begin + len(TITLES[part]))
    return section[begin:stop if stop >= 0 else len(section)].rstrip('\n')


def render(parts, kept):
    """The section: the intro, then each part's subsection, rendered (`parts`: part -> text) or kept."""
    blocks = [intro()]
    for part in PARTS:
        text = parts.get(part) or kept.get(part)
        blocks.append(text or '%s\n\nNot measured yet: `tests/benchmarks/load.py --only %s`.' % (TITLES[part], part))
    return '\n\n'.join(blocks)


def write_docs(parts):
    for path in DOCS:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        kept = {part: subsection(text, part) for part in PARTS}
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(replace_block(text, render(parts, kept)))


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


def _load_figures(paths):
    runs, dates = [], []
    for path in paths:
        with open(path, encoding='utf-8') as handle:
            saved = json.load(handle)
        runs += saved['runs']
        if saved['date'] not in dates:
            dates.append(saved['date'])
    return runs, ' and '.join(dates)


def main(argv=None):
    global FLEET  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--only', choices=PARTS, help='measure only this part; the docs keep the other\'s figures')
    parser.add_argument('--forks', type=int, action='append', help='only these forks values (repeatable; default 20, 50)')
    parser.add_argument('--limit', default=RATE_LIMIT, metavar='RATE/BURST',
                        help='the direct runs\' flow control limit (default %s)' % RATE_LIMIT)
    parser.add_argument('--limits', default='', metavar='RATE/BURST,...',
                        help='the ansible-playbook runs\' limits besides none, comma-separated; the outage run takes '
                             'the last (default: none)')
    parser.add_argument('--fleet', type=int, default=FLEET, help='hosts and ingresses (default %d)' % FLEET)
    parser.add_argument('--no-docs', action='store_true', help='print the figures, do not write them into the docs')
    parser.add_argument('--figures', metavar='FILE', help='save the measured figures to FILE as JSON')
    parser.add_argument('--from-figures', metavar='FILE', action='append', default=[],
                        help='do not measure: render the runs saved in FILE (repeatable; with --only, of that part)')
    args = parser.parse_args(argv)
    FLEET = args.fleet
    parts = [args.only] if args.only else list(PARTS)
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    if args.from_figures:
        runs, date = _load_figures(args.from_figures)
    else:
        runs = []

        def save(more):
            if args.figures:
                with open(args.figures, 'w', encoding='utf-8') as handle:
                    json.dump({'runs': runs + more, 'date': date}, handle, indent=1)

        forks_values = tuple(args.forks or FORKS)
        with tempfile.TemporaryDirectory(prefix='sae-bench-load-') as workdir:
            if DIRECT in parts:
                runs += measure_direct(workdir, forks_values, args.limit, save)
            if PLAYBOOK in parts:
                runs += measure_playbook(workdir, forks_values, tuple(filter(None, args.limits.split(','))), save)
    rendered, clean = {}, True
    for part, render_part in ((DIRECT, render_direct), (PLAYBOOK, render_playbook)):
        if part in parts:
            rendered[part], part_clean = render_part([run for run in runs if _via(run) == part], date)
            clean = clean and part_clean
    print()
    print('\n\n'.join(rendered[part] for part in PARTS if part in rendered))
    if not args.no_docs:
        write_docs(rendered)
        print('\nUpdated %s' % ', '.join(os.path.relpath(path, ROOT) for path in DOCS))
    return 0 if clean else 1


if __name__ == '__main__':
    sys.exit(main())
