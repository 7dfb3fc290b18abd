# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: the performance benchmarks of alibabacloud.sae; prints a table and writes docs/performance.md.

Every measurement runs against an SAE emulator this script starts on 127.0.0.1 (port 0) and stops:
API calls per scenario, per-task wall time against ansible.builtin.ping, module imports, the client's
overhead per API call against the official SDK, and 100 hosts converging 100 of 500 ingresses, by name and by
id after one read of the namespace, side by side.
`--client-only` runs the client benchmark alone (repeated) and updates only its figures in the document;
`--only calls,scale,files` runs those phases alone and updates only their figures (`files`: the table of the
collection's files a module run compiles, listed from the tree by collection_files.py, with their import and
compile times; `make bench-files`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import tempfile
import time

# pylint: disable=wrong-import-position,import-error
from bench_paths import ROOT  # noqa: E402  (first: the paths and the collection)

from ansible.release import __version__ as ansible_version  # noqa: E402
import sae_emulator  # noqa: E402
import bench_playbooks  # noqa: E402
import bench_process  # noqa: E402
import collection_files  # noqa: E402
import load  # noqa: E402
# pylint: enable=wrong-import-position,import-error

DOC = os.path.join(ROOT, 'docs', 'performance.md')
CLIENT_ROW = 'Client time per DescribeIngress'
CLIENT_SECTION = '### Client time per API call'
PER_TASK_TARGET = 1.3
CLIENT_TARGET = 1.0  # the client's time per call at most the official SDK's, measured side by side
PHASES = ('calls', 'scale', 'files')  # the phases --only can run alone
PHASE_TITLES = {'calls': 'API calls per scenario', 'scale': 'scale', 'files': 'the table of the collection\'s files'}
FILES_HEADER = '| File | Lines | Import (self) | Compile (warm) |'
RERUN_BULLET = '- Rerun alone: '
SCALE_SECTION = '### Scale: where the calls and the time go'


def ms(seconds):
    return '%.0f ms' % (seconds * 1000) if seconds >= 0.1 else '%.1f ms' % (seconds * 1000)


def secs(seconds):
    return '%.1f s' % seconds if seconds >= 1 else ms(seconds)


def us(seconds):
    return '%.0f µs' % (seconds * 1e6)


def yes(flag):
    return 'yes' if flag else '**no**'


def machine():
    cpu = 'unknown'
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        'cpu': cpu, 'cores': os.cpu_count(), 'python': platform.python_version(),
        'ansible': ansible_version,
        'os': '%s %s' % (platform.system(), platform.release()),
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
    }


def step(message):
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), message), flush=True)


def measure_calls(workdir):
    with sae_emulator.Emulator() as emulator:
        return bench_playbooks.call_scenarios(emulator, workdir)


def measure_scale(workdir):
    step('scale: 100 hosts, forks 10, 100 of 500 ingresses, by name and by id after one read (alternating)')
    return bench_playbooks.scale(workdir)


def measure(workdir):
    figures = {}
    env = bench_playbooks.ansible_env(workdir)
    step('API calls per scenario')
    figures['calls'], figures['unattributed'] = measure_calls(workdir)
    with sae_emulator.Emulator() as emulator:
        step('per-task wall time: 50 x ping, 50 x sae_ingress no-op by name (interleaved)')
        figures['per_task'] = bench_playbooks.per_task(emulator, workdir)
        step('module process: AnsiballZ payloads, imports, profile')
        ping_payload, sae_payload = bench_playbooks.keep_payloads(emulator, workdir)
        figures['imports'] = bench_process.import_analysis(ping_payload, sae_payload, env)
        figures['payload_wall'] = bench_process.payload_wall(ping_payload, sae_payload, env)
        figures['compile'] = collection_files.compile_times(ROOT)
        figures['module_profile'] = bench_process.module_profile(sae_payload, env, workdir)
        figures['ping_profile'] = bench_process.module_profile(ping_payload, env, workdir)
    step('client overhead: 200 DescribeIngress calls each, ours / official SDK / stdlib floor')
    figures['client'] = bench_process.client_overhead()
    figures['scale'] = measure_scale(workdir)
    return figures


def table_rows(figures):
    """(figure, ours, reference, ratio, target, met) rows."""
    rows = calls_rows(figures)
    imports = figures['imports']
    rows.append(('Explicit keys: alibabacloud-credentials stack imported', 'no' if not imports['credentials_stack']
                 else ', '.join(imports['credentials_stack'][:3]), '', '', 'no', yes(not imports['credentials_stack'])))
    rows.append(('Module imports (AnsiballZ payload, -X importtime, sum of self times)', ms(imports['sae_total']),
                 'ping %s' % ms(imports['ping_total']), '%.2fx' % (imports['sae_total'] / imports['ping_total']), '', ''))
    per_task = figures['per_task']
    ratio = per_task['sae'] / per_task['ping']
    rows.append(('Per-task wall time, no-op by name (median of %d)' % per_task['iterations'], ms(per_task['sae']),
                 'ping %s' % ms(per_task['ping']), '%.2fx' % ratio, '<= %.1fx' % PER_TASK_TARGET,
                 yes(ratio <= PER_TASK_TARGET)))
    payload = figures['payload_wall']
    rows.append(('Module process alone (AnsiballZ payload run directly, median of %d)' % payload['runs'], ms(payload['sae']),
                 'ping %s' % ms(payload['ping']), '%.2fx' % (payload['sae'] / payload['ping']), '', ''))
    rows += client_rows(figures['client'])
    rows += scale_rows(figures['scale'])
    return rows


CALLS_ROW_PREFIXES = ('API calls: ', 'HTTP connections per task')
SCALE_ROW_PREFIX = 'Scale, '


def calls_rows(figures):
    """The Results rows of the API call scenarios (their figures start with CALLS_ROW_PREFIXES)."""
    rows = []
    for scenario in figures['calls']:
        ops = scenario['operations']
        writes = sum(1 for op in ops if op in bench_playbooks.WRITES)
        rows.append(('API calls: %s' % scenario['title'], '%d (%s)' % (len(ops), ', '.join(ops) or 'none'),
                     '', '', scenario['target'] + (', 0 writes' if scenario['target'] == 'reads only' else ''),
                     yes(scenario['met'] and (writes == 0 or scenario['target'] != 'reads only'))))
    connections = max(scenario['peers'] for scenario in figures['calls'])
    rows.append(('HTTP connections per task (most of any scenario above)', str(connections), '', '', '1',
                 yes(connections == 1 and figures['unattributed'] == 0)))
    return rows


def _per_task(scale, pattern, run):
    """Calls per converge task, and the pages read once for the play."""
    text = _fmt(run['per_task']) + ' per task'
    if pattern == bench_playbooks.BY_ID:
        text += ' + %d pages once' % run['read_calls']
    return text


def _expected(scale, pattern, label):
    update = ' + 1 Update' if label == 'change' else ''
    if pattern == bench_playbooks.BY_NAME:
        return '%d per task (%d ListIngresses%s)' % (scale['pages'] + (1 if update else 0), scale['pages'], update)
    return '%d ListIngresses once + %d per task (1 Describe%s)' % (scale['pages'], 2 if update else 1, update)


def scale_rows(scale):
    """The Results rows of the scale benchmark (their figures start with SCALE_ROW_PREFIX)."""
    rows = []
    for label in bench_playbooks.SCALE_RUNS:
        by_name = scale['patterns'][bench_playbooks.BY_NAME][label]
        for pattern in bench_playbooks.SCALE_PATTERNS:
            run = scale['patterns'][pattern][label]
            title = '%s%s, %s: %d hosts, forks %d, namespace of %d' % (
                SCALE_ROW_PREFIX, label, pattern, scale['managed'], scale['forks'], scale['namespace_size'])
            reference = ratio = ''
            if pattern != bench_playbooks.BY_NAME:
                reference = 'by name %.1f s' % by_name['wall']
                ratio = '%.2fx' % (run['wall'] / by_name['wall'])
            rows.append((title, '%.1f s, %d calls (%s)' % (run['wall'], run['calls'], _per_task(scale, pattern, run)),
                         reference, ratio, _expected(scale, pattern, label), yes(run['met'])))
    return rows


def client_rows(client):
    """The Results rows of the client benchmark (the first one's figure names it: see CLIENT_ROW)."""
    ratio = client['ours'] / client['sdk']
    return [
        (CLIENT_ROW + ' (median of %d, emulator included)' % client['calls'], us(client['ours']),
         'SDK %s' % us(client['sdk']), '%.2fx' % ratio, '<= %.1fx' % CLIENT_TARGET, yes(ratio <= CLIENT_TARGET)),
        ('  stdlib http.client + the collection signer (the floor)', us(client['floor']), 'SDK %s' % us(client['sdk']),
         '%.2fx' % (client['floor'] / client['sdk']), '', ''),
        ('  the emulator\'s own time per request (in all three figures)', us(client['server']), '', '', '', ''),
    ]


def _fmt(value):
    return ('%d' % value) if value == int(value) else ('%.2f' % value)


def render_table(rows):
    header = ('Figure', 'Ours', 'Reference', 'Ratio', 'Target', 'Met')
    lines = ['| %s |' % ' | '.join(header), '|%s|' % '|'.join(['---'] * len(header))]
    for row in rows:
        lines.append('| %s |' % ' | '.join(_indent(cell.replace('|', '/')) for cell in row))
    return '\n'.join(lines)


def render_console(rows):
    widths = [max(len(str(row[i])) for row in rows + [('Figure', 'Ours', 'Reference', 'Ratio', 'Target', 'Met')])
              for i in range(6)]
    widths[0] = min(widths[0], 70)
    out = []
    for row in [('Figure', 'Ours', 'Reference', 'Ratio', 'Target', 'Met')] + rows:
        out.append('  '.join(str(cell)[:widths[i]].ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return '\n'.join(out)


def _indent(label):
    stripped = label.lstrip(' ')
    return '&nbsp;' * (len(label) - len(stripped)) + stripped


def explanations(figures):
    """Sections on where the time goes, and on each target that is not met."""
    parts = []
    imports = figures['imports']
    per_task = figures['per_task']
    payload = figures['payload_wall']
    client = figures['client']
    ratio_task = per_task['sae'] / per_task['ping']
    extra = imports['sae_total'] - imports['ping_total']
    saving = imports['requests_cumulative'] - imports['http_client_cumulative']

    lines = ['### Per-task wall time: where the difference to ping comes from%s' % (
        ' (target not met: %.2fx, target %.1fx)' % (ratio_task, PER_TASK_TARGET) if ratio_task > PER_TASK_TARGET else ''),
        '',
        'Ansible\'s own cost per task (templating, forking a worker, the AnsiballZ payload, starting Python) is the same '
        'for both modules; the difference is the module process. Run directly, the sae_ingress payload takes %s '
        'against %s for ping (%s more). Its extra imports account for %s of that; the API call itself is about a '
        'millisecond on loopback (profile below).'
        % (ms(payload['sae']), ms(payload['ping']), ms(payload['sae'] - payload['ping']), ms(extra)),
        '',
        'From `python -X importtime` of both AnsiballZ payloads (self times summed):', '',
        '| Imported only by sae_ingress | Time |', '|---|---|']
    lines += ['| %s | %s |' % (label, ms(seconds)) for label, seconds in imports['extra_groups']]
    lines += ['', '`import requests` costs %s cumulative in the module process, of which %s is `http.client` (with '
              '`ssl` and `email`), which any HTTP client needs.'
              % (ms(imports['requests_cumulative']), ms(imports['http_client_cumulative'])),
              '', 'The collection\'s own files: Ansible ships them as source in the AnsiballZ zip, where Python keeps no '
              'compiled cache, so every module run compiles them again. Import time (`-X importtime` self time: compile '
              'and execute, one cold run) and compile time alone (`compile()` of the file, warm, median of 7):',
              '', files_table(figures)]
    lines += ['', 'The largest part that can go is `requests` and what only it pulls in (`urllib3`, '
              '`charset_normalizer`, `idna`, `certifi`, `http.cookiejar`, `urllib.request`): %s per task. With the '
              'medians above, a transport on the standard library\'s `http.client` '
              '(`plugins/module_utils/_http.py`) would bring the per-task ratio to about %.2fx.' % (
                  ms(saving), (per_task['sae'] - saving) / per_task['ping'])]
    parts.append('\n'.join(lines))

    profile = figures['module_profile']
    ping_profile = figures['ping_profile']
    lines = ['### One module run under cProfile', '',
             'A no-op `sae_ingress` task by `ingress_id` (one DescribeIngress): its AnsiballZ payload run under cProfile '
             '(total %s; the profiler slows Python code down, so compare the phases with each other):' %
             ms(profile['total']), '', '| Phase | Cumulative |', '|---|---|']
    lines += ['| %s | %s |' % (_indent(label), ms(seconds)) for label, seconds in profile['phases']]
    lines += ['', 'Each run compiles every file it imports from the payload: %d files for sae_ingress, %d for ping (%s and '
              '%s under the profiler, one run each; most of the files are `ansible.module_utils`).' % (
                  profile['compiled_files'], ping_profile['compiled_files'], ms(profile['compile']),
                  ms(ping_profile['compile']))]
    parts.append('\n'.join(lines))

    parts.append(client_section(client))

    parts.append(scale_section(figures['scale']))
    return parts


def files_table(figures):
    """The table of the collection's files the sae_ingress payload carries (collection_files.listing(): from the
    tree), with their line counts, import self times (figures['imports']) and warm compile times (figures['compile'])."""
    lines = [FILES_HEADER, '|---|---|---|---|']
    imported = dict(figures['imports']['collection_modules'])
    for relative, line_count, seconds in figures['compile']:
        name = relative[:-3].replace(os.sep, '.')
        own = ms(imported[name]) if name in imported else 'run, not imported'
        lines.append('| %s | %d | %s | %s |' % (relative, line_count, own, ms(seconds)))
    lines.append('| total | %d | %s | %s |' % (sum(c[1] for c in figures['compile']), ms(sum(imported.values())),
                                               ms(sum(c[2] for c in figures['compile']))))
    return '\n'.join(lines)


def measure_files(workdir):
    """The figures of files_table() alone: the sae_ingress payload's import self times and the compile times."""
    env = bench_playbooks.ansible_env(workdir)
    with sae_emulator.Emulator() as emulator:
        ping_payload, sae_payload = bench_playbooks.keep_payloads(emulator, workdir)
        imports = bench_process.import_analysis(ping_payload, sae_payload, env)
    return {'imports': {'collection_modules': imports['collection_modules']},
            'compile': collection_files.compile_times(ROOT)}


def _replace_files_table(text, table):
    """Replace the table that starts with FILES_HEADER (up to the first line that is not a table row)."""
    lines = text.split('\n')
    first = lines.index(FILES_HEADER)
    last = first
    while last < len(lines) and lines[last].startswith('|'):
        last += 1
    return '\n'.join(lines[:first] + table.split('\n') + lines[last:])


def calls_detail(calls):
    """The section "API calls per scenario"."""
    lines = ['## API calls per scenario', '', '| Scenario | Calls | Connections | changed |', '|---|---|---|---|']
    for scenario in calls:
        lines.append('| %s | %s | %d | %s |' % (
            scenario['title'], ', '.join(scenario['operations']) or 'none', scenario['peers'],
            str(scenario['changed']).lower()))
    return '\n'.join(lines)


def scale_detail(scale):
    """The section "Scale": both patterns, change and no-op, side by side."""
    lines = ['## Scale', '',
             '%d hosts, `forks %d`, each converging its own ingress in a namespace of %d (%d pages of %d rows); runs in '
             'the order of the table.' % (scale['managed'], scale['forks'], scale['namespace_size'], scale['pages'],
                                          scale['page_size']), '',
             '| Run | Pattern | Wall | Wall / by name | Tasks | changed | Calls | Calls per task | By operation '
             '| Connections | Converge task (median) | Counts as expected |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for label in bench_playbooks.SCALE_RUNS:
        by_name = scale['patterns'][bench_playbooks.BY_NAME][label]
        for pattern in bench_playbooks.SCALE_PATTERNS:
            run = scale['patterns'][pattern][label]
            lines.append('| %s | %s | %.1f s | %s | %d | %d | %d | %s | %s | %d | %s | %s |' % (
                label, pattern, run['wall'], '' if run is by_name else '%.2fx' % (run['wall'] / by_name['wall']),
                run['tasks'], run['changed'],
                run['calls'], _per_task(scale, pattern, run),
                ', '.join('%s %d' % item for item in sorted(run['ops'].items())), run['peers'],
                secs(run['task_median']), yes(run['met'])))
    return '\n'.join(lines)


def scale_method(scale):
    """The Method bullet of the scale benchmark."""
    return (
        '- **Scale**: two emulators, each seeded with the same %d ingresses in one namespace (distinct listener ports '
        'on one CLB); an inventory of %d hosts (`ansible_connection=local`), `forks %d`, each host owning one ingress '
        '(spread over every page of ListIngresses). *By name*: one `sae_ingress` task that finds its ingress by '
        '`name`. *By id after one read* (the recipe of `docs/docsite/rst/recipes.rst`): `sae_ingress_info` with '
        '`run_once: true`, registered, a `set_fact` with `run_once: true` that indexes it once for every host '
        '(`ids_by_name`: `namespace_ingresses.ingresses | items2dict(key_name=\'name\', value_name=\'id\')`), then '
        'the same `sae_ingress` task with `ingress_id: "{{ ids_by_name[ingress_name] }}"`. '
        'Each pattern runs on its own emulator a change of `request_timeout`, then the same playbook again (no-op); '
        'the four runs alternate (change by name, change by id, no-op by name, no-op by id) so that both patterns '
        'meet the same load of the machine. Wall time of `ansible-playbook`; calls from the emulator\'s request log '
        'of each run, those of the read task by its time window. Expected: by name, %d ListIngresses per task (+ 1 '
        'UpdateIngress on the change run); by id, %d ListIngresses once + 1 DescribeIngress per task (+ 1 '
        'UpdateIngress on the change run); `changed` on every converge task of the change run and none of the no-op '
        'run.' % (scale['namespace_size'], scale['managed'], scale['forks'], scale['pages'], scale['pages']))


def scale_section(scale):
    """The section on where the scale benchmark's calls and time go (its title starts with SCALE_SECTION)."""
    runs = scale['patterns']
    name, by_id = runs[bench_playbooks.BY_NAME], runs[bench_playbooks.BY_ID]
    held = all(run['met'] for pattern in runs.values() for run in pattern.values())
    lines = [SCALE_SECTION + ('' if held else ' (expected counts not held: see the Scale table)'), '',
             'By name, each task reads the namespace. ListIngresses has no name filter and returns at most %d rows a '
             'page, so in a namespace of %d ingresses each task reads %d pages. The module cannot stop at the page '
             'where the name first appears: the contract makes two ingresses with the same name an error (the task '
             'fails and lists both ids), and only the last page can prove there is no second one; stopping early would '
             'let a task update one of two same-named ingresses. The reads are therefore (pages of the namespace) x '
             '(ingresses managed): %d ListIngresses for %d hosts.' % (
                 scale['page_size'], scale['namespace_size'], scale['pages'], scale['pages'] * scale['managed'],
                 scale['managed']),
             '',
             'By id after one read, the play reads the namespace once (`run_once: true`: %d ListIngresses, %s for the '
             'read task on the change run) and each task then costs one DescribeIngress (plus its update), whatever '
             'the size of the namespace: %d calls against %d on the change run (%.2fx), %d against %d on the no-op run '
             '(%.2fx).' % (
                 by_id['change']['read_calls'], secs(by_id['change']['read_wall']), by_id['change']['calls'],
                 name['change']['calls'], by_id['change']['calls'] / float(name['change']['calls']),
                 by_id['no-op']['calls'], name['no-op']['calls'], by_id['no-op']['calls'] / float(name['no-op']['calls'])),
             '',
             'Wall time, same run: %.1f s against %.1f s on the change run (%.2fx), %.1f s against %.1f s on the no-op '
             'run (%.2fx); the median converge task took %s by id against %s by name (change), %s against %s (no-op), '
             '%d tasks at a time on %s cores. %s most of a task\'s time is Ansible\'s own cost per task and host (a '
             'worker, the AnsiballZ payload, a Python process and the module\'s imports; see the per-task figures), the '
             'same in both patterns. The recipe adds its own: two tasks (the read and the index) before any host '
             'converges (%d registered rows), against the %d pages of ListIngresses it saves each task. Against the '
             'service, each call is a round trip of tens of milliseconds to the region\'s endpoint and counts against '
             'the per-user rate limit: there the calls are what the recipe saves.' % (
                 by_id['change']['wall'], name['change']['wall'], by_id['change']['wall'] / name['change']['wall'],
                 by_id['no-op']['wall'], name['no-op']['wall'], by_id['no-op']['wall'] / name['no-op']['wall'],
                 secs(by_id['change']['task_median']), secs(name['change']['task_median']),
                 secs(by_id['no-op']['task_median']), secs(name['no-op']['task_median']), scale['forks'],
                 os.cpu_count(),
                 'The wall time falls less than the calls:'
                 if max(by_id[label]['wall'] / name[label]['wall'] for label in bench_playbooks.SCALE_RUNS) < 1
                 else 'The wall time does not follow the calls:',
                 scale['namespace_size'], scale['pages'] - 1)]
    if scale['same_end_state']:
        lines += ['', 'Both emulators were seeded identically and ended in the same state: the %d managed ingresses at '
                  'the new `request_timeout`, the others untouched.' % scale['managed']]
    else:
        lines += ['', '**The two emulators did not end in the same state.**']
    return '\n'.join(lines)


def client_section(client):
    """The section on the client's time per call (its title starts with CLIENT_SECTION)."""
    ratio = client['ours'] / client['sdk']
    lines = [CLIENT_SECTION + (' (target not met: %.2fx the SDK, target %.1fx)' % (ratio, CLIENT_TARGET)
                               if ratio > CLIENT_TARGET else ''), '']
    if client.get('runs'):
        lines += ['These figures (this section and the client rows of the table) come from a later run of the client '
                  'benchmark alone, `python tests/benchmarks/run.py --client-only`, on the same machine, %s: %d runs '
                  'side by side, each a full set of rounds of the three clients; shown is the run with the median '
                  'ratio. Ratio ours / SDK of each run: %s. Absolute times follow the machine\'s load at the time '
                  '(other figures of this page come from another run): compare the ratios.' % (
                      client['date'], len(client['runs']), ', '.join('%.2fx' % r for r in client['runs'])), '']
    lines += [
        'The emulator\'s own time per request (measured in the emulator, from the parsed request to the answer sent) '
        'is %s, in all three figures; it runs in the same process, so its threads and the client share one '
        'interpreter, and only figures measured in the same rounds compare. cProfile of %d DescribeIngress calls '
        'through the collection\'s `HttpClient` (cumulative time per call under the profiler, which inflates Python '
        'code; the emulator\'s threads are not profiled):' % (us(client['server']), client['calls']),
        '', '| Phase | Per call |', '|---|---|']
    lines += ['| %s | %s |' % (_indent(label), us(seconds)) for label, seconds in client['profile']]
    lines += ['', '`HttpClient` reads the environment once, when it is built: the proxies for its endpoint '
              '(`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) and the CA bundle (`REQUESTS_CA_BUNDLE`, '
              '`CURL_CA_BUNDLE`; `ca_path` and `validate_certs: false` win over them), and passes them to every '
              '`Session.send`; the session does not read the environment itself (`trust_env` off, so `~/.netrc`, whose '
              'Basic credentials would replace the signature, is never read). Each request is prepared directly '
              '(`PreparedRequest`: method, headers, body, cookies the endpoint has set) instead of through '
              '`Session.request`, which merged the session\'s and the environment\'s settings into every request '
              'again, re-parsed the URL and scanned every environment variable twice for proxies: the last row above '
              'stays at 0. The signer reads the headers once per signature.',
              '', 'What remains is `requests`\' send path (`HTTPAdapter.send`: the urllib3 pool, `http.client`, the '
              'response object), the same the SDK goes through: it also prepares a `PreparedRequest` and calls '
              '`Session.send`, and on top of that converts its request and response models. The minimal client '
              'measured in the same rounds, `http.client` on one kept-alive connection with the collection\'s signer, '
              'takes %s (%.2fx the SDK): the floor, emulator included; the distance from it to `HttpClient` is '
              '`requests` and urllib3.' % (us(client['floor']), client['floor'] / client['sdk'])]
    if ratio > CLIENT_TARGET:
        lines += ['', 'Below the SDK\'s time, reliably, would take a transport on `http.client` (one `HTTPConnection` '
                  'or `HTTPSConnection` per client, reused; the TLS context built once from `ca_path` / '
                  '`validate_certs`; proxies resolved once, with `set_tunnel()` for HTTPS), keeping the retry and '
                  'unknown-outcome rules. A client call costs about a millisecond against a task of several hundred, '
                  'so the per-call ratio does not show in a playbook\'s run time; the import of `requests` does.']
    return '\n'.join(lines)


def client_method():
    """The Method bullet of the client benchmark."""
    return ('- **Client time per call**: in one process, DescribeIngress through the collection\'s `HttpClient` + '
            '`SaeApi`, through the official SDK (`alibabacloud_sae20190506.client.Client`, `Config(protocol=\'http\')`), '
            'and through a minimal `http.client` client with the collection\'s signer; 20 rounds of 10 calls each, the '
            'starting client rotating, after 10 warm-up calls each; medians of 200; nothing subtracted (the emulator\'s '
            'time is in all three).')


def render_doc(figures, rows, host):
    scale = figures['scale']
    sections = [
        '# Performance',
        '',
        'Generated by `make bench` (`tests/benchmarks/run.py`); do not edit by hand. Every figure comes from one run '
        'on the machine below, against the SAE emulator (`tests/sae_emulator`) on 127.0.0.1.',
        '',
        '## Results',
        '',
        render_table(rows),
        '',
        '## Machine',
        '',
        '- CPU: %s, %s cores' % (host['cpu'], host['cores']),
        '- %s, Python %s, ansible-core %s' % (host['os'], host['python'], host['ansible']),
        '- Run: %s' % host['date'],
        '',
        '## How to reproduce',
        '',
        '```',
        'make bench        # creates .venv, links the collection, runs tests/benchmarks/run.py',
        '```',
        '',
        'It takes a few minutes and rewrites this file. The benchmark is not part of `make test`; the API call '
        'counts it reports are also asserted, deterministically, by `tests/functional/test_call_counts.py`.',
        '',
        '## Method',
        '',
        '- **API calls per scenario**: one playbook, one `sae_ingress` task per scenario; the emulator\'s request log '
        'is split by the start and end time of each task (a test-only callback, '
        '`tests/benchmarks/callback_plugins/task_timer.py`). "Connections" counts distinct client address:port pairs '
        'in the log.',
        '- **Per-task wall time**: one playbook of %d `ansible.builtin.ping` tasks and %d no-op `sae_ingress` tasks, '
        'interleaved, after %d warm-up pairs (the first run of a module builds its AnsiballZ payload); each task timed '
        'from `v2_runner_on_start` to `v2_runner_on_ok`; medians. The `sae_ingress` task finds a CLB ingress by name '
        'and sets every option a ListIngresses row carries: one ListIngresses call, nothing to change.' % (
            figures['per_task']['iterations'], figures['per_task']['iterations'], figures['per_task']['warmup']),
        '- **Module process alone**: the AnsiballZ payloads of one ping and one sae_ingress task, kept with '
        '`ANSIBLE_KEEP_REMOTE_FILES=1`, run directly with the same Python, %d times each, interleaved.' % figures['payload_wall']['runs'],
        '- **Imports**: `python -X importtime` of those payloads; **profile**: cProfile of one run of each payload.',
        client_method(),
        scale_method(scale),
        '',
        calls_detail(figures['calls']),
        '',
        scale_detail(scale),
        '',
        '## Where the time goes',
        '',
        '\n\n'.join(explanations(figures)),
        '',
    ]
    return '\n'.join(sections)


def measure_client(repeat):
    """The client benchmark alone, `repeat` times; the run with the median ratio ours / SDK, with every ratio."""
    results = []
    for index in range(repeat):
        step('client overhead, run %d of %d: 200 DescribeIngress calls each, ours / official SDK / stdlib floor'
             % (index + 1, repeat))
        results.append(bench_process.client_overhead())
    results.sort(key=lambda result: result['ours'] / result['sdk'])
    chosen = dict(results[(len(results) - 1) // 2])
    chosen['runs'] = [result['ours'] / result['sdk'] for result in results]
    chosen['date'] = machine()['date']
    return chosen


def _replace_rows(text, rows):
    """Replace the client rows of the Results table (CLIENT_ROW and the indented rows after it)."""
    lines = text.split('\n')
    first = next(i for i, line in enumerate(lines) if line.startswith('| %s ' % CLIENT_ROW))
    last = first + 1
    while last < len(lines) and lines[last].startswith('| &nbsp;'):
        last += 1
    table = render_table(rows).split('\n')[2:]
    return '\n'.join(lines[:first] + table + lines[last:])


def _replace_section(text, section):
    start = text.index('\n' + CLIENT_SECTION) + 1
    following = text.find('\n### ', start)
    end = following + 1 if following >= 0 else len(text)
    return text[:start] + section + ('\n\n' if following >= 0 else '\n') + text[end:]


def _replace_method(text):
    start = text.index('- **Client time per call**')
    end = text.index('\n', start)
    return text[:start] + client_method() + text[end:]


def update_client_figures(client):
    """Rewrite only the client benchmark's rows, section and method bullet in docs/performance.md."""
    with open(DOC, encoding='utf-8') as handle:
        text = handle.read()
    text = _replace_rows(text, client_rows(client))
    text = _replace_section(text, client_section(client))
    text = _replace_method(text)
    with open(DOC, 'w', encoding='utf-8') as handle:
        handle.write(text)


def _replace_matching_rows(text, prefixes, rows):
    """Replace the Results rows whose figure starts with one of `prefixes` by `rows`, where the first one was."""
    lines = text.split('\n')
    matching = [i for i, line in enumerate(lines) if line.startswith(tuple('| %s' % prefix for prefix in prefixes))]
    if not matching:
        raise RuntimeError('no Results rows starting with %s in %s' % (prefixes, DOC))
    table = render_table(rows).split('\n')[2:]
    kept = [line for i, line in enumerate(lines) if i not in matching]
    first = matching[0]
    return '\n'.join(kept[:first] + table + kept[first:])


def _replace_block(text, heading, block):
    """Replace the block starting with the line `heading` up to the next heading of the same or a higher level."""
    start = text.index('\n' + heading) + 1
    level = heading.split(' ', 1)[0]
    ends = [text.find('\n%s ' % ('#' * depth), start + 1) for depth in range(1, len(level) + 1)]
    ends = [end for end in ends if end >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[:start] + block + ('\n\n' if ends else '\n') + text[end:]


def _replace_line(text, prefix, line):
    start = text.index('\n' + prefix) + 1
    end = text.index('\n', start)
    return text[:start] + line + text[end:]


def _rerun_bullet(phases, date, versions):
    return ('%s%s, %s%s (`python tests/benchmarks/run.py --only %s`)'
            % (RERUN_BULLET, ' and '.join(PHASE_TITLES[p] for p in phases), date, versions, ','.join(phases)))


def _rerun_note(text, phases, date, versions=''):
    """Name the phases rerun alone, and when, in the Machine section: one bullet per rerun, after the run's line. A
    phase rerun again leaves the bullet of its earlier rerun (a bullet that named other phases too keeps those)."""
    lines = text.split('\n')
    run_line = next(i for i, line in enumerate(lines) if line.startswith('- Run: '))
    kept = []
    for line in lines[run_line + 1:]:
        if not line.startswith(RERUN_BULLET):
            break
        match = re.search(r'^%s.*?, (\d{4}-\d\d-\d\d \d\d:\d\d UTC)(.*?) \(`python tests/benchmarks/run.py --only ([a-z,]+)`\)'
                          % re.escape(RERUN_BULLET), line)
        if not match:
            continue
        others = [phase for phase in match.group(3).split(',') if phase in PHASES and phase not in phases]
        if others:
            kept.append(_rerun_bullet(others, match.group(1), match.group(2)))
    end = run_line + 1
    while end < len(lines) and lines[end].startswith(RERUN_BULLET):
        end += 1
    note = kept + [_rerun_bullet(phases, date, versions) + '; the other figures come from the run above']
    return '\n'.join(lines[:run_line + 1] + note + lines[end:])


def update_phase_figures(figures, phases, date):
    """Rewrite only the figures of `phases` (rows, sections, method bullet) in docs/performance.md."""
    with open(DOC, encoding='utf-8') as handle:
        text = handle.read()
    if 'calls' in phases:
        text = _replace_matching_rows(text, CALLS_ROW_PREFIXES, calls_rows(figures))
        text = _replace_block(text, '## API calls per scenario', calls_detail(figures['calls']))
    if 'scale' in phases:
        scale = figures['scale']
        text = _replace_matching_rows(text, (SCALE_ROW_PREFIX,), scale_rows(scale))
        text = _replace_block(text, '## Scale', scale_detail(scale))
        text = _replace_line(text, '- **Scale**', scale_method(scale))
        text = _replace_block(text, '### Scale:', scale_section(scale))
    if 'files' in phases:
        text = _replace_files_table(text, files_table(figures['files']))
    host = machine()
    versions = ', Python %s, ansible-core %s' % (host['python'], host['ansible'])
    text = _rerun_note(text, [phase for phase in PHASES if phase in phases], date, versions)
    with open(DOC, 'w', encoding='utf-8') as handle:
        handle.write(text)


def _phases(value):
    phases = [phase.strip() for phase in value.split(',') if phase.strip()]
    unknown = sorted(set(phases) - set(PHASES))
    if unknown or not phases:
        raise argparse.ArgumentTypeError('phases are %s, comma-separated' % ', '.join(PHASES))
    return phases


def run_phases(phases, figures_file=None, load=False):
    """Measure `phases` alone (or load their figures from `figures_file`), print them and update their figures."""
    started = time.perf_counter()
    if load:
        with open(figures_file, encoding='utf-8') as handle:
            figures = json.load(handle)
    else:
        figures = {'date': machine()['date']}
        with tempfile.TemporaryDirectory(prefix='sae-bench-') as workdir:
            if 'calls' in phases:
                step('API calls per scenario')
                figures['calls'], figures['unattributed'] = measure_calls(workdir)
            if 'scale' in phases:
                figures['scale'] = measure_scale(workdir)
            if 'files' in phases:
                step("the collection's files: payload imports and compile times")
                figures['files'] = measure_files(workdir)
        if figures_file:
            with open(figures_file, 'w', encoding='utf-8') as handle:
                json.dump(figures, handle, indent=1)
    rows = (calls_rows(figures) if 'calls' in phases else []) + (scale_rows(figures['scale']) if 'scale' in phases else [])
    print()
    if rows:
        print(render_console(rows))
    if 'files' in phases:
        print(files_table(figures['files']))
    update_phase_figures(figures, phases, figures['date'])
    elapsed = time.perf_counter() - started
    print('\nUpdated the %s figures in %s (%.0f s)' % (' and '.join(phases), os.path.relpath(DOC, ROOT), elapsed))
    return all(row[5] != yes(False) for row in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--client-only', action='store_true',
                        help='run only the client benchmark and update only its figures in docs/performance.md')
    parser.add_argument('--repeat', type=int, default=5,
                        help='with --client-only: side-by-side runs; the one with the median ratio is kept (default 5)')
    parser.add_argument('--only', type=_phases, metavar='PHASES',
                        help='run only these phases (%s, comma-separated) and update only their figures in '
                             'docs/performance.md' % ', '.join(PHASES))
    parser.add_argument('--figures', metavar='FILE',
                        help='with --only: save the measured figures to FILE as JSON')
    parser.add_argument('--from-figures', action='store_true',
                        help='with --only and --figures: do not measure; update the document from the figures in FILE')
    args = parser.parse_args(argv)
    if args.from_figures and not (args.only and args.figures):
        parser.error('--from-figures needs --only and --figures')
    started = time.perf_counter()
    if args.only:
        run_phases(args.only, args.figures, args.from_figures)
        return
    if args.client_only:
        client = measure_client(max(1, args.repeat))
        print()
        print(render_console(client_rows(client)))
        print('ratio ours / SDK per run: %s' % ', '.join('%.2fx' % ratio for ratio in client['runs']))
        update_client_figures(client)
        print('\nUpdated the client figures in %s (%.0f s)' % (os.path.relpath(DOC, ROOT), time.perf_counter() - started))
        return
    host = machine()
    with tempfile.TemporaryDirectory(prefix='sae-bench-') as workdir:
        figures = measure(workdir)
    rows = table_rows(figures)
    print()
    print(render_console(rows))
    with open(DOC, encoding='utf-8') as handle:
        previous = handle.read()
    with open(DOC, 'w', encoding='utf-8') as handle:
        handle.write(load.carry_block(previous, render_doc(figures, rows, host)))  # make bench-load's figures stay
    print('\nWrote %s (%.0f s)' % (os.path.relpath(DOC, ROOT), time.perf_counter() - started))


if __name__ == '__main__':
    main()
