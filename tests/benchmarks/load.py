# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench-load`: fleets of ingresses under SAE's account-wide flow control and an outage, paced by the
collection; writes its figures into docs/performance.md and docs/reliability.md (section "Fleet under flow control
and outages").

The emulator's account-wide limit (tests/sae_emulator/flow_control.py, a sliding window: the variant `flow_window`
at its default) refuses calls with Throttling.User beyond it, under each reading of variant `refused_calls_count`
(`no`: a refused call does not use the quota; `yes`: it does). Two scales:

- real: 60 ingresses at SAE's documented limit, 60 calls a minute (a window of 60 calls in 60 s), the modules at
  their default pace (`calls_per_minute` unset: 60);
- scaled: 200 ingresses at 600 calls a minute, the same ratios in a tenth of the time (a window of 60 calls in 6 s),
  the modules at `calls_per_minute: 600`.

At each scale and under each reading:

- sae_ingress: one task per ingress (the emulator's two namespaces, half each), as module processes without
  ansible-playbook, `forks` at a time (20, then 50; tests/functional/harness.py run_tasks, forked from a process that
  has imported ansible-core and requests). Create; the same tasks again by name (nothing to do); again by
  ingress_id; a change of every ingress; then, on a fresh emulator, a create during which the emulator is paused for
  10 s (the port refuses connections, open ones are cut) once a fifth of the tasks have finished.
- sae_ingresses: the same ingresses (in one namespace) as one task: create, by name, by id, every one changed, one
  changed, and the create with the outage (once a fifth of the ingresses exist).

Each run starts with an empty window at the emulator and a fresh pace file (its own TMPDIR): as after a quiet
minute. Per run: failed tasks (entries for sae_ingresses), duplicates, useful calls (answered without a refusal),
refused answers, wall time, and the floor: the least time in which the window admits the useful calls (see
`floor_seconds`), with the wall time as a ratio of it.

The streams run one after the other, each against its own emulator (its own account and pace file): run side by
side, the fleets' module processes shared the machine's two cores, and their wall time measured the machine, not the
pace. Everything runs on 127.0.0.1; every wait is bounded.

The figures measured before the account-wide limit and the shared pace (a per-operation limit of 10 requests a
second, no pacing; and through ansible-playbook) stay in the docs beside the new ones, unchanged.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import pathlib
import sys
import tempfile
import threading
import time
import traceback

# pylint: disable=wrong-import-position,import-error
from bench_paths import ROOT  # noqa: E402  (first: the paths and the collection)

import sae_emulator  # noqa: E402
from sae_emulator import inventory as inv  # noqa: E402
import harness  # noqa: E402
# pylint: enable=wrong-import-position,import-error

HEADING = '## Fleet under flow control and outages'
DOCS = (os.path.join(ROOT, 'docs', 'performance.md'), os.path.join(ROOT, 'docs', 'reliability.md'))
TITLE = '### Under the account-wide limit, paced'
BEFORE_TITLE = '### Before the account-wide limit and the shared pace'
# The subsections the earlier version of this benchmark wrote: kept, under BEFORE_TITLE, as they are.
OLD_TITLES = ('### Module processes, forks at a time, without ansible-playbook', '### Through ansible-playbook')

SINGLE, BATCH = 'sae_ingress', 'sae_ingresses'
MODULES = (SINGLE, BATCH)
READINGS = ('no', 'yes')  # variant refused_calls_count: whether a refused call uses the quota
FLOW_WINDOW = 'sliding'  # variant flow_window: its default
FORKS = (20, 50)
OUTAGE_SECONDS = 10.0
OUTAGE_WAIT = 1200  # seconds the outage waits at most for its moment
REFUSED_TARGET = 0.05  # refused answers under 5 % of the calls sent
FLOOR_TARGET = 1.3  # wall time within 1.3x the floor
BATCH_NOOP_CALLS, BATCH_ONE_CHANGE_CALLS = 4, 5  # sae_ingresses over 200: a no-op, one change

CREATE, BY_NAME, BY_ID, CHANGE, ONE_CHANGE, OUTAGE = (
    'create', 're-run by name', 're-run by id', 'change', 'one change', 'create + %d s outage' % OUTAGE_SECONDS)
SINGLE_RUNS = (CREATE, BY_NAME, BY_ID, CHANGE, OUTAGE)
BATCH_RUNS = (CREATE, BY_NAME, BY_ID, CHANGE, ONE_CHANGE, OUTAGE)

NAMESPACES = (
    (inv.NAMESPACE_ID, inv.CLB_INTERNET_ID, inv.APP_WEB_ID),
    (inv.OTHER_NAMESPACE_ID, inv.CLB_INTRANET_ID, inv.APP_STAGING_ID),
)


class Scale:
    """A fleet size and a limit: `calls` admitted in any `window` seconds; the modules' `calls_per_minute` (None: the
    module's default, 60)."""

    def __init__(self, name, fleet, calls, window, calls_per_minute, title):
        self.name = name
        self.fleet = fleet
        self.calls = calls
        self.window = window
        self.calls_per_minute = calls_per_minute
        self.title = title

    @property
    def rate(self):
        """Calls a second the limit admits on average."""
        return self.calls / self.window

    @property
    def per_minute(self):
        return self.rate * 60

    def pace(self):
        return self.calls_per_minute or 60


SCALES = {
    'real': Scale('real', 60, 60, 60.0, None, '60 ingresses at 60 calls a minute (SAE\'s limit)'),
    'scaled': Scale('scaled', 200, 60, 6.0, 600, '200 ingresses at 600 calls a minute (60 calls in 6 s)'),
}


def step(message):
    print('[bench-load %s] %s' % (time.strftime('%H:%M:%S'), message), flush=True)


# -- the fleet ---------------------------------------------------------------------------------------------------------

def ingress_args(index, namespace, slb_id, app_id, request_timeout=60):
    """The options (namespace_id aside) of the ingress `index` of a fleet."""
    name = 'fleet-%03d' % index
    return {
        'namespace_id': namespace, 'name': name, 'slb_id': slb_id, 'listener_port': 30000 + index,
        'listener_protocol': 'HTTP', 'request_timeout': request_timeout,
        'default_rule': {'app_id': app_id, 'container_port': 8080},
        'rules': [{'domain': '%s.example.com' % name, 'path': '/', 'app_id': app_id, 'container_port': 8080}],
    }


def single_fleet(size, request_timeout=60, ids=None):
    """The sae_ingress tasks' arguments: ingress `index` in namespace index % 2; with `ids`, each by its ingress_id."""
    fleet = []
    for index in range(size):
        args = ingress_args(index, *NAMESPACES[index % len(NAMESPACES)], request_timeout=request_timeout)
        if ids is not None:
            args['ingress_id'] = ids[index]
        fleet.append(args)
    return fleet


def batch_args(size, request_timeout=60, ids=None, changed=None):
    """The sae_ingresses task's arguments: the same ingresses in the first namespace; `changed`: (index, timeout)."""
    namespace, slb_id, app_id = NAMESPACES[0]
    entries = []
    for index in range(size):
        timeout = changed[1] if changed is not None and changed[0] == index else request_timeout
        entry = ingress_args(index, namespace, slb_id, app_id, request_timeout=timeout)
        del entry['namespace_id']
        if ids is not None:
            entry['ingress_id'] = ids[index]
        entries.append(entry)
    return {'namespace_id': namespace, 'ingresses': entries}


# -- one run -----------------------------------------------------------------------------------------------------------

def floor_seconds(useful, calls, window, outage=None):
    """The least time in which a sliding window of `calls` calls per `window` seconds, empty at the start, admits
    `useful` calls: each call as early as the window allows (the first `calls` at once, each further one a window
    after the call `calls` places before it), so window x ceil((useful - calls) / calls) without an outage.
    `outage`: (the calls sent before it began, its seconds): no call goes while the service is away, and under a
    sliding window a call it held back holds back the one `calls` places after it too."""
    times = []
    for index in range(useful):
        at = times[index - calls] + window if index >= calls else 0.0
        if outage is not None and index >= outage[0]:
            at = max(at, (times[outage[0] - 1] if outage[0] else 0.0) + outage[1])
        times.append(at)
    return times[-1] if times else 0.0


class Progress:
    """How far a run is: tasks ended (sae_ingress) or ingresses created (sae_ingresses)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ended = 0
        self.running = True


def _outage(emulator, progress, threshold, count, window):
    """Pause the emulator for OUTAGE_SECONDS once `count()` reaches `threshold`, while the run goes on."""
    deadline = time.monotonic() + OUTAGE_WAIT
    while time.monotonic() < deadline and progress.running and count() < threshold:
        time.sleep(0.1)
    if not progress.running:
        return
    useful = sum(1 for entry in emulator.log if not entry.get('flow_control'))
    window.append({'after': count(), 'at': time.monotonic(), 'calls': useful})
    harness.outage(emulator, OUTAGE_SECONDS)


def module_defaults(emulator, scale):
    """What a play's module_defaults would give every task: the endpoint, the access key and, where the scale needs
    it, calls_per_minute; the module's defaults otherwise (retries unset, retry_timeout 60)."""
    defaults = {
        'endpoint': emulator.url,
        'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID,
        'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
    }
    if scale.calls_per_minute is not None:
        defaults['calls_per_minute'] = scale.calls_per_minute
    return defaults


def run_fleet(directory, tasks, forks, defaults, tmpdir, progress, window):
    """Each task (a harness.task) as its own module process, `forks` at a time (a task starts as soon as one ends), all
    with TMPDIR `tmpdir` (one pace file for the run) and the pace's window scaled as the limit's (`window` seconds);
    the results in order."""
    env = {'TMPDIR': str(tmpdir), 'ALIBABA_CLOUD_SAE_PACE_WINDOW': str(window)}

    def one(index):
        task_dir = directory / ('task-%03d' % index)
        task_dir.mkdir()
        result = harness.run_tasks(task_dir, [tasks[index]], defaults=defaults, env=env, name='task').result
        with progress.lock:
            progress.ended += 1
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=forks) as pool:
        return list(pool.map(one, range(len(tasks))))


def measure_run(workdir, emulator, scale, module, label, tasks, forks=None, outage=False, expected_changed=0):
    """One run: the window emptied, a fresh pace file, `tasks` run `forks` at a time (one task for sae_ingresses);
    its figures and results."""
    directory = pathlib.Path(workdir) / ('%s-%s' % (module, ''.join(c if c.isalnum() else '-' for c in label)))
    directory.mkdir(parents=True)
    tmpdir = directory / 'tmp'
    tmpdir.mkdir()
    emulator.flow_control.set_account(scale.calls, scale.window)  # an empty window, as after a quiet minute
    emulator.clear_log()
    emulator.flow_control.reset_counts()
    progress = Progress()
    window, thread = [], None
    fleet = scale.fleet
    if outage:
        def count():
            return progress.ended if module == SINGLE else len(emulator.ingresses)

        thread = threading.Thread(target=_outage, args=(emulator, progress, max(1, fleet // 5), count, window),
                                  daemon=True)
        thread.start()
    defaults = module_defaults(emulator, scale)
    started = time.perf_counter()
    try:
        results = run_fleet(directory, tasks, forks or 1, defaults, tmpdir, progress, scale.window)
    finally:
        progress.running = False
    wall = time.perf_counter() - started
    if thread is not None:
        thread.join(OUTAGE_SECONDS + 30)
    if emulator.paused:
        emulator.resume()
    figures = _figures(emulator, scale, module, label, results, wall, window)
    figures.update(forks=forks, expected_changed=expected_changed, load=os.getloadavg()[0], pace=_pace_shares(tmpdir))
    return figures, results


def _pace_shares(tmpdir):
    """The share of calls_per_minute the run's pace files were left at: below 1 when throttling slowed the pace and
    it had not recovered yet."""
    shares = []
    for path in sorted(pathlib.Path(tmpdir).glob('*/*.pace')):
        try:
            shares.append(round(json.loads(path.read_text(encoding='ascii'))['share'], 2))
        except (OSError, ValueError, KeyError):
            continue
    return shares


def _figures(emulator, scale, module, label, results, wall, window):
    log = emulator.log
    start = log[0]['time'] if log else 0.0
    refused = [entry for entry in log if entry.get('flow_control')]
    useful = [entry for entry in log if not entry.get('flow_control')]
    ops = collections.Counter(entry['operation'] for entry in useful)
    names = collections.Counter(record['Description'] for record in emulator.ingresses.values())
    if module == SINGLE:
        outcomes = [(r['failed'], r['changed']) for r in results]
        failures = [json.dumps({'msg': r.get('msg'), 'error': r.get('error')}) for r in results if r['failed']]
    else:
        result = results[0]
        items = result.get('ingresses') or []
        outcomes = [(bool(item.get('error')), item.get('changed')) for item in items]
        if result['failed'] and not any(failed for failed, _changed in outcomes):
            outcomes.append((True, False))  # the task failed before its entries
        failures = [json.dumps({'msg': result.get('msg'), 'error': result.get('error')})] if result['failed'] else []
    return {
        'scale': scale.name, 'reading': emulator.flow_control.refused_calls_count, 'module': module, 'label': label,
        'tasks': len(results), 'entries': len(outcomes), 'failed': sum(1 for failed, _changed in outcomes if failed),
        'changed': sum(1 for _failed, changed in outcomes if changed), 'ingresses': len(emulator.ingresses),
        'duplicates': sum(count - 1 for count in names.values() if count > 1),
        'sent': len(log), 'useful': len(useful), 'refused': len(refused), 'cut': emulator.cut_requests,
        'account_refused': emulator.flow_control.account_throttled, 'ops': dict(ops),
        'wall': wall, 'outage': window[0]['after'] if window else None,
        # a request the outage cut before the emulator logged it was sent, and its client cannot know whether it
        # counted: the pace keeps its place, and so does the floor
        'floor': floor_seconds(len(useful) + emulator.cut_requests, scale.calls, scale.window,
                               (window[0]['calls'], OUTAGE_SECONDS) if window else None),
        'failures': failures[:5],
        # seconds after the run's first call at which the refusals came (the emulator's clock)
        'refused_at': [round(entry['time'] - start, 1) for entry in refused],
    }


# -- the streams -------------------------------------------------------------------------------------------------------

def _emulator(reading):
    return sae_emulator.Emulator(variants=harness.variants_with(
        refused_calls_count=reading, flow_window=FLOW_WINDOW, **harness.PAGING_WITH_TOTAL))


def _ids(results, size):
    """The ingress ids by fleet index, from a create's results (sae_ingress tasks or one sae_ingresses task)."""
    if len(results) == size:
        return [r['ingress']['id'] for r in results]
    return [item['ingress']['id'] for item in results[0]['ingresses']]


def run_tasks_of(module, label, size, ids=None):
    """The tasks of a run (harness.task dicts) and how many entries it should change."""
    if module == SINGLE:
        if label == BY_ID:
            return [harness.task(args) for args in single_fleet(size, ids=ids)], 0
        timeout = 30 if label == CHANGE else 60
        expected = 0 if label == BY_NAME else size
        return [harness.task(args) for args in single_fleet(size, request_timeout=timeout)], expected
    if label == BY_ID:
        args, expected = batch_args(size, ids=ids), 0
    elif label == CHANGE:
        args, expected = batch_args(size, request_timeout=30), size
    elif label == ONE_CHANGE:  # after CHANGE: one of them back to 60
        args, expected = batch_args(size, request_timeout=30, changed=(size * 7 // 12, 60)), 1
    else:
        args, expected = batch_args(size), 0 if label == BY_NAME else size
    return [harness.task(args, name='sae ingresses', module='alibabacloud.sae.sae_ingresses')], expected


def measure_stream(workdir, scale, reading, module, forks, labels, keep):
    """The runs of `labels` in order, for `module` at `scale` under `reading` (sae_ingress tasks `forks` at a time):
    those after a create on the emulator it created on, the outage run on a fresh one."""
    size = scale.fleet
    base = os.path.join(workdir, '%s-%s-%s-%s' % (scale.name, reading, module, forks or 1))
    sequence = [label for label in labels if label != OUTAGE]
    if sequence and sequence[0] != CREATE:
        sequence.insert(0, CREATE)  # what the re-runs need; measured, not reported
    if sequence:
        with _emulator(reading) as emulator:
            ids = None
            for label in sequence:
                tasks, expected = run_tasks_of(module, label, size, ids)
                figures, results = measure_run(base, emulator, scale, module, label, tasks, forks=forks,
                                               expected_changed=expected)
                if label in labels:
                    keep(figures)
                if label == CREATE:
                    if figures['failed']:
                        break  # nothing to re-run
                    ids = _ids(results, size)
    if OUTAGE in labels:
        with _emulator(reading) as emulator:
            tasks, expected = run_tasks_of(module, OUTAGE, size)
            figures, _results = measure_run(base, emulator, scale, module, OUTAGE, tasks, forks=forks, outage=True,
                                            expected_changed=expected)
            keep(figures)


def plan(scales, readings, forks_values, modules, labels):
    """The streams to run: (scale, reading, module, forks or None, labels); real-scale ones first."""
    streams = []
    for scale in scales:
        for reading in readings:
            if SINGLE in modules:
                for forks in forks_values:
                    streams.append((scale, reading, SINGLE, forks, [label for label in SINGLE_RUNS if label in labels]))
            if BATCH in modules:
                streams.append((scale, reading, BATCH, None, [label for label in BATCH_RUNS if label in labels]))
    return [stream for stream in streams if stream[4]]


def measure(workdir, streams, save):
    """Run the streams, one after the other."""
    runs = []
    lock = threading.Lock()

    def keep(figures):
        with lock:
            runs.append(figures)
            save(runs)
        _report(figures)

    def run_stream(planned):
        scale, reading, module, forks, labels = planned
        title = '%s, refused calls count: %s, %s%s' % (scale.title, reading, module,
                                                       ', forks %d' % forks if forks else '')
        step('%s: %s' % (title, ', '.join(labels)))
        try:
            measure_stream(workdir, scale, reading, module, forks, labels, keep)
        except Exception:  # pylint: disable=broad-exception-caught
            step('%s: stopped by an error, the other streams go on\n%s' % (title, traceback.format_exc()))

    try:
        for stream in streams:
            run_stream(stream)
    finally:
        harness.close_launchers()
    return runs


# -- figures and the docs ---------------------------------------------------------------------------------------------

def _report(run):
    print('  %s, refused calls count %s, %s%s, %s: failed %d, changed %d of %d, duplicates %d, useful %d, '
          'refused %d of %d sent (%.1f %%), wall %.1f s, floor %.0f s%s' % (
              run['scale'], run['reading'], run['module'], ', forks %d' % run['forks'] if run['forks'] else '',
              run['label'], run['failed'], run['changed'], run['entries'], run['duplicates'], run['useful'],
              run['refused'], run['sent'], 100.0 * _refused_share(run), run['wall'], run['floor'],
              ', %.2fx' % (run['wall'] / run['floor']) if run['floor'] else ''), flush=True)
    for line in run.get('failures', []):
        print('    ' + line[:400], flush=True)


def _refused_share(run):
    return run['refused'] / float(run['sent']) if run['sent'] else 0.0


def _clean(run):
    size = SCALES[run['scale']].fleet
    return (run['failed'] == 0 and run['duplicates'] == 0 and run['entries'] == size
            and run['changed'] == run['expected_changed'] and run['ingresses'] == size)


def _ratio(run):
    return run['wall'] / run['floor'] if run['floor'] else None


def _ratio_text(run):
    ratio = _ratio(run)
    if ratio is None:
        return 'n/a (one window)'
    text = '%.2fx' % ratio
    return '**%s**' % text if ratio > FLOOR_TARGET else text


def _order(run):
    return (list(SCALES).index(run['scale']), READINGS.index(run['reading']), MODULES.index(run['module']),
            run['forks'] or 0, (SINGLE_RUNS if run['module'] == SINGLE else BATCH_RUNS).index(run['label']))


def _table(runs):
    lines = ['| Refused calls count | Module | forks | Run | Failed | Changed | Duplicates | Useful calls | Refused '
             '(of sent) | Wall | Floor | Wall / floor |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for run in sorted(runs, key=_order):
        share = _refused_share(run)
        refused = '%d of %d (%.1f %%)' % (run['refused'], run['sent'], 100 * share)
        useful = '%d' % run['useful'] + (' + %d cut' % run['cut'] if run.get('cut') else '')
        lines.append('| %s | %s | %s | %s | %s | %d of %d | %s | %s | %s | %.0f s | %.0f s | %s |' % (
            run['reading'], '`%s`' % run['module'], run['forks'] or '1 task', run['label'],
            '**%d**' % run['failed'] if run['failed'] else '0', run['changed'], run['entries'],
            '**%d**' % run['duplicates'] if run['duplicates'] else '0', useful,
            '**%s**' % refused if share >= REFUSED_TARGET else refused, run['wall'], run['floor'], _ratio_text(run)))
    return lines


def _measured(date, runs):
    loads = [run['load'] for run in runs if run.get('load') is not None]
    text = 'Measured %s on %d cores shared with other work' % (date, os.cpu_count())
    if loads:
        text += ' (load average %.1f to %.1f at the ends of the runs)' % (min(loads), max(loads))
    return text + ': the counts are exact, the times indicative.'


def _missed(missing, runs):
    """Which runs miss a target: each of them when they are few, else how many at each scale and reading."""
    if len(missing) <= 4:
        return '; '.join('%s scale, %s, `%s`%s, %s' % (run['scale'], run['reading'], run['module'],
                                                       ' forks %d' % run['forks'] if run['forks'] else '', run['label'])
                         for run in sorted(missing, key=_order))
    counts = collections.Counter((run['scale'], run['reading']) for run in missing)
    return '%d of %d runs, the figures in bold: %s' % (len(missing), len(runs), ', '.join(
        '%d at the %s scale under `%s`' % (counts[key], key[0], key[1]) for key in sorted(counts, key=lambda key: (
            list(SCALES).index(key[0]), READINGS.index(key[1])))))


def verdicts(runs):
    """Each target of the benchmark: (text, met, the runs that miss it)."""
    unclean = [run for run in runs if not _clean(run)]
    refused = [run for run in runs if _refused_share(run) >= REFUSED_TARGET]
    slow = [run for run in runs if _ratio(run) is not None and _ratio(run) > FLOOR_TARGET]
    batch = [run for run in runs if run['module'] == BATCH and run['scale'] == 'scaled'
             and run['label'] in (BY_NAME, ONE_CHANGE)]
    allowed = {BY_NAME: BATCH_NOOP_CALLS, ONE_CHANGE: BATCH_ONE_CHANGE_CALLS}
    costly = [run for run in batch if run['sent'] > allowed[run['label']]]
    return [
        ('every run ends with 0 failed tasks, 0 duplicates and every ingress as wanted', not unclean, unclean),
        ('refused answers under %d %% of the calls sent' % (REFUSED_TARGET * 100), not refused, refused),
        ('wall time within %.1fx of the floor (where the floor is above 0)' % FLOOR_TARGET, not slow, slow),
        ('a no-op sae_ingresses task over 200 ingresses makes at most %d calls, one with one change at most %d'
         % (BATCH_NOOP_CALLS, BATCH_ONE_CHANGE_CALLS), (not costly) if batch else None, costly),
    ]


def render_part(runs, date, elapsed=None):
    """The subsection of the runs measured now (`elapsed`: the seconds they took, if known)."""
    measured = _measured(date, runs)
    if elapsed:
        measured += ' The whole run took %.0f minutes.' % (elapsed / 60.0)
    lines = [TITLE, '', measured, '']
    for scale in SCALES.values():
        mine = [run for run in runs if run['scale'] == scale.name]
        if not mine:
            continue
        lines += ['#### %s' % scale.title[:1].upper() + scale.title[1:], '',
                  'The limit: %d calls in any %g s (%g a minute); the modules at `calls_per_minute: %d`%s.' % (
                      scale.calls, scale.window, scale.per_minute, scale.pace(),
                      ' (their default)' if scale.calls_per_minute is None else ''), '']
        lines += _table(mine) + ['']
    lines.append('Targets, under both readings:')
    lines.append('')
    for text, met, missing in verdicts(runs):
        if met is None:
            lines.append('- %s: not measured in this run' % text)
            continue
        lines.append('- %s: **%s**%s' % (text, 'met' if met else 'not met',
                                         '' if met else ' (%s)' % _missed(missing, runs)))
    return '\n'.join(lines)


def intro():
    real, scaled = SCALES['real'], SCALES['scaled']
    return '\n'.join([
        HEADING, '',
        'Generated by `make bench-load` (`tests/benchmarks/load.py`; about 40 minutes, a part alone with `--scales`, '
        '`--readings`, `--modules`, `--forks`, `--runs`); `tests/functional/test_load.py` is its short form in `make '
        'test`. The emulator applies SAE\'s documented limit to the account, every operation and access key together: '
        'at most N calls in any window of W seconds (a sliding window: variant `flow_window` at its default), '
        '`Throttling.User` above it, under both readings of variant `refused_calls_count`: a refused call does not use '
        'the quota (`no`), or does (`yes`: a client that keeps calling while refused stays refused). Two scales: %d '
        'ingresses at the real limit, %d calls a minute (N = %d, W = %g s), the modules at their default '
        '`calls_per_minute`; and %d ingresses at %g a minute, the same ratios in a tenth of the time (N = %d, '
        'W = %g s), the modules at `calls_per_minute: %d`. (A window of 600 calls in 60 s would admit every run of '
        'the 200 at once: nothing to measure.)' % (
            real.fleet, real.per_minute, real.calls, real.window, scaled.fleet, scaled.per_minute, scaled.calls,
            scaled.window, scaled.calls_per_minute), '',
        '`sae_ingress`: one task per ingress (half of them in each of the emulator\'s two namespaces, so that a '
        'listing reads 1 page of 50 at the real scale and 2 at the scaled one), as module processes without '
        'ansible-playbook, forks at a time as `forks:` runs them (the harness forks each from a process that has '
        'imported ansible-core and requests), with the module\'s defaults (`retries` unset, `retry_timeout: 60`, '
        'which does not count the time queued for the pace). Runs, in order: create; the same tasks again by name '
        '(nothing to do); again by `ingress_id` (nothing to do); a change of every ingress (`request_timeout`); then, '
        'on a fresh emulator, a create during which the emulator is paused for %d s (port closed, open connections '
        'cut) once a fifth of the tasks have finished. `sae_ingresses`: the same ingresses, in one namespace, as one '
        'task (forks do not apply): create, by name, by id, every one changed, one changed, and the create with the '
        'outage (once a fifth of the ingresses exist).' % OUTAGE_SECONDS, '',
        'Each run starts with an empty window and a fresh pace file (a TMPDIR of its own), as after a quiet minute. '
        '"Useful calls": the calls the emulator answered without a flow-control refusal (each page of a listing is '
        'one). "Refused": the `Throttling.User` answers, of all the calls the emulator received (calls the outage '
        'refused never reach it). "Floor": the least time in which the window admits the useful calls: N at once, '
        'each further N one window later, so W x ceil((useful - N) / N); 0 when they fit in one window (no client '
        'need wait: the wall time is then the machine\'s alone, and there is no ratio). It is not (useful - N) / '
        'rate: under a sliding window the call after the first N cannot go before the first of them is W seconds '
        'old. For an outage run, the floor is that of a client that sends each call as early as the window allows and '
        'none while the service is away, the outage beginning after as many calls as the emulator had received when '
        'it began: under a sliding window, a call the outage held back holds back the one N places after it too. It '
        'counts as calls the requests the outage cut before the emulator read them ("+ n cut"): sent, with no '
        'answer, so their clients cannot know whether the service counted them, and the pace keeps their places (it '
        'gives back those of attempts that could not connect). The streams run one after the other, each against an emulator and a '
        'pace file of its own (side by side, the fleets\' processes would share the machine\'s cores, and the wall '
        'time would measure the machine, not the pace).',
        '',
        'The ansible-playbook part of the earlier benchmark is no longer run (ansible-playbook\'s own cost per task, '
        'not the service, set its pace: it did not reach the limit it ran under); its figures, and those of the module '
        'processes under the earlier per-operation limit without pacing, stay below.'])


def _section(text):
    """The HEADING section of `text`, or None."""
    start = text.find('\n' + HEADING + '\n')
    if start < 0:
        return None
    end = text.find('\n## ', start + 1 + len(HEADING))
    return text[start + 1:end if end >= 0 else len(text)]


def _subsections(section):
    """The `### ` subsections of a section, in order: [(title, text)]."""
    found = []
    begin = section.find('\n### ')
    while begin >= 0:
        stop = section.find('\n### ', begin + 1)
        text = section[begin + 1:stop if stop >= 0 else len(section)].rstrip('\n')
        found.append((text.split('\n', 1)[0], text))
        begin = stop
    return found


def render(part, text):
    """The section: the intro, the runs measured now (`part`; None: the docs' own), then every other subsection the
    docs hold (the notes written beside the figures, the earlier figures), as they are. The subsections of the earlier
    version of this benchmark become one, BEFORE_TITLE, their headings one level down."""
    subsections = _subsections(_section(text) or '')
    own = [body for title, body in subsections if title == TITLE]
    part = part or (own[0] if own else '%s\n\nNot measured yet.' % TITLE)
    kept = [body for title, body in subsections if title not in (TITLE,) + OLD_TITLES]
    old = ['#' + body for title, body in subsections if title in OLD_TITLES]
    if old:
        kept.append('\n\n'.join([
            BEFORE_TITLE, 'Figures of the earlier version of this benchmark, kept for comparison: the emulator limited '
            'each operation apart (10 requests a second per operation and access key) instead of the account, and the '
            'modules did not pace their calls; 200 `sae_ingress` tasks, the same outage.'] + old))
    return '\n\n'.join([intro(), part] + kept)


def write_docs(part):
    for path in DOCS:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(replace_block(text, render(part, text)))


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
    block = _section(old_text)
    if block is None:
        return new_text
    return replace_block(new_text, block.rstrip('\n'))


def _load_figures(paths):
    runs, dates, elapsed = [], [], 0.0
    for path in paths:
        with open(path, encoding='utf-8') as handle:
            saved = json.load(handle)
        runs += saved['runs']
        elapsed += saved.get('elapsed') or 0.0
        if saved['date'] not in dates:
            dates.append(saved['date'])
    return runs, ' and '.join(dates), elapsed


def _choices(allowed):
    def parse(text):
        values = [value.strip() for value in text.split(',') if value.strip()]
        unknown = [value for value in values if value not in allowed]
        if unknown or not values:
            raise argparse.ArgumentTypeError('choose among %s, comma-separated' % ', '.join(allowed))
        return values
    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--scales', type=_choices(tuple(SCALES)), default=list(SCALES), help='default: real,scaled')
    parser.add_argument('--readings', type=_choices(READINGS), default=list(READINGS),
                        help='refused_calls_count readings (default: no,yes)')
    parser.add_argument('--modules', type=_choices(MODULES), default=list(MODULES))
    parser.add_argument('--forks', type=int, action='append', help='sae_ingress forks (repeatable; default 20, 50)')
    parser.add_argument('--runs', type=_choices(BATCH_RUNS), default=list(BATCH_RUNS),
                        help='only these runs (comma-separated; a create runs first whenever a later run needs it)')
    parser.add_argument('--no-docs', action='store_true', help='print the figures, do not write them into the docs')
    parser.add_argument('--figures', metavar='FILE', help='save the measured figures to FILE as JSON')
    parser.add_argument('--from-figures', metavar='FILE', action='append', default=[],
                        help='do not measure: render the runs saved in FILE (repeatable)')
    args = parser.parse_args(argv)
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    started = time.monotonic()
    if args.from_figures:
        runs, date, elapsed = _load_figures(args.from_figures)
    else:
        def save(runs):
            if args.figures:
                with open(args.figures, 'w', encoding='utf-8') as handle:
                    json.dump({'runs': runs, 'date': date, 'elapsed': time.monotonic() - started}, handle, indent=1)

        streams = plan([SCALES[name] for name in args.scales], args.readings, tuple(args.forks or FORKS),
                       args.modules, args.runs)
        with tempfile.TemporaryDirectory(prefix='sae-bench-load-') as workdir:
            runs = measure(workdir, streams, save)
        elapsed = time.monotonic() - started
    part = render_part(runs, date, elapsed)
    print()
    print(part)
    if not args.no_docs:
        write_docs(part)
        print('\nUpdated %s' % ', '.join(os.path.relpath(path, ROOT) for path in DOCS))
    return 0 if all(met is not False for _text, met, _runs in verdicts(runs)) else 1


if __name__ == '__main__':
    sys.exit(main())
