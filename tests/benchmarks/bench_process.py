# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-process and single-process measurements: client overhead per API call, module imports, profiles."""

from __future__ import annotations

import cProfile
import datetime
import http.client
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
import uuid

import sae_emulator

from bench_playbooks import seed  # pylint: disable=import-error

COLLECTION_PREFIX = 'ansible_collections.alibabacloud.sae.'
CREDENTIALS_STACK = ('alibabacloud_credentials', 'alibabacloud_tea', 'aiohttp', 'apscheduler')
# What `import requests` brings that an ansible.builtin.ping module process does not load already.
REQUESTS_STACK = ('requests', 'urllib3', 'charset_normalizer', 'chardet', 'idna', 'certifi', 'socks', 'brotli',
                  'brotlicffi', 'simplejson', 'backports')


# -- client overhead per API call -------------------------------------------------------------------

class StdlibFloor:
    """The least a client can do per call: the collection's signer over one http.client connection."""

    def __init__(self, emulator):
        from ansible_collections.alibabacloud.sae.plugins.module_utils import _signer  # pylint: disable=import-outside-toplevel
        self.signer = _signer
        self.host = emulator.endpoint
        self.connection = http.client.HTTPConnection(emulator.host, emulator.port, timeout=10)

    def describe(self, ingress_id):
        path = '/pop/v1/sam/ingress/Ingress'
        query = {'IngressId': str(ingress_id)}
        headers = {
            'host': self.host, 'x-acs-action': 'DescribeIngress', 'x-acs-version': '2019-05-06',
            'x-acs-date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'x-acs-signature-nonce': uuid.uuid4().hex, 'x-acs-content-sha256': self.signer.content_sha256(b''),
            'accept': 'application/json', 'user-agent': 'benchmark',
        }
        headers['authorization'] = self.signer.authorization('GET', path, query, headers, b'',
                                                             sae_emulator.DEFAULT_ACCESS_KEY_ID,
                                                             sae_emulator.DEFAULT_ACCESS_KEY_SECRET)
        self.connection.request('GET', path + '?' + self.signer.canonical_query(query), headers=headers)
        response = self.connection.getresponse()
        body = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(body)
        return body['Data']


def _time_server(emulator):
    """Record the emulator's own time per request (from the request line read to the answer sent)."""
    times = []
    handle = emulator.handle_http

    def timed(handler):
        started = time.perf_counter()
        try:
            handle(handler)
        finally:
            times.append(time.perf_counter() - started)

    emulator.handle_http = timed
    return times


def client_overhead(rounds=20, per_round=10):
    """DescribeIngress through the collection's HttpClient + SaeApi, the official SDK and the stdlib floor.

    The three clients take turns, `per_round` calls each, for `rounds` rounds (the starting client
    rotates), so machine noise falls on all of them alike. Returns medians in seconds and a profile.
    """
    # pylint: disable=import-outside-toplevel
    from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import StaticCredentials
    from ansible_collections.alibabacloud.sae.plugins.module_utils._http import HttpClient
    from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import API_VERSION, SaeApi
    from alibabacloud_sae20190506 import models as sdk_models
    from alibabacloud_sae20190506.client import Client as SdkClient
    from alibabacloud_tea_openapi.models import Config as SdkConfig

    with sae_emulator.Emulator() as emulator:
        ingress_id = seed(emulator, 'overhead', 80)
        ours = SaeApi(HttpClient(emulator.url, StaticCredentials(sae_emulator.DEFAULT_ACCESS_KEY_ID,
                                                                 sae_emulator.DEFAULT_ACCESS_KEY_SECRET), API_VERSION))
        sdk = SdkClient(SdkConfig(access_key_id=sae_emulator.DEFAULT_ACCESS_KEY_ID,
                                  access_key_secret=sae_emulator.DEFAULT_ACCESS_KEY_SECRET,
                                  endpoint=emulator.endpoint, protocol='http'))
        request = sdk_models.DescribeIngressRequest(ingress_id=ingress_id)
        floor = StdlibFloor(emulator)
        clients = [
            ('ours', lambda: ours.describe_ingress(ingress_id)),
            ('sdk', lambda: sdk.describe_ingress(request)),
            ('floor', lambda: floor.describe(ingress_id)),
        ]
        for _name, call in clients:  # warm-up: connections open, lazy imports done
            for _dummy in range(10):
                call()
        server = _time_server(emulator)
        times = {name: [] for name, _call in clients}
        for round_index in range(rounds):
            order = clients[round_index % 3:] + clients[:round_index % 3]
            for name, call in order:
                for _dummy in range(per_round):
                    started = time.perf_counter()
                    call()
                    times[name].append(time.perf_counter() - started)
        server_times = list(server)
        profiler = cProfile.Profile()
        profiler.enable()
        for _dummy in range(rounds * per_round):
            ours.describe_ingress(ingress_id)
        profiler.disable()
    result = {name: statistics.median(values) for name, values in times.items()}
    result['calls'] = rounds * per_round
    result['server'] = statistics.median(server_times)
    result['profile'] = profile_groups(profiler, rounds * per_round)
    return result


CLIENT_PHASES = (
    ('HttpClient.call (everything, per call)', '_http.py', 'call'),
    ('  signing (collection signer)', '_signer.py', 'authorization'),
    ('  preparing the request (requests PreparedRequest)', '_http.py', '_prepare'),
    ('  requests Session.send', 'requests/sessions.py', 'send'),
    ('    HTTPAdapter.send (urllib3 pool, http.client)', 'requests/adapters.py', 'send'),
    ('      socket receive (waiting for the emulator)', '~', "<method 'recv_into' of '_socket.socket' objects>"),
    ('  parsing the answer (JSON)', '_http_errors.py', 'parse_answer'),
    ('requests Session.request, merge_environment_settings (environment read per call)', 'requests/sessions.py',
     'merge_environment_settings'),
)


def _cumulative(stats, file_part, function):
    best = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        if name == function and file_part in filename.replace('\\', '/'):
            best = max(best, cumulative)
    return best


def profile_groups(profiler, calls):
    """Cumulative time per call (seconds, under the profiler) of the phases of HttpClient.call."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    return [(label, _cumulative(stats, file_part, function) / calls) for label, file_part, function in CLIENT_PHASES]


# -- module process: imports and profile ------------------------------------------------------------

def _importtime(payload, env):
    proc = subprocess.run([sys.executable, '-X', 'importtime', payload], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith('import time:') or 'self [us]' in line:
            continue
        self_us, cumulative_us, name = line[len('import time:'):].split('|')
        rows.append((name.rstrip(), int(self_us), int(cumulative_us)))
    return rows, json.loads(proc.stdout)


def import_analysis(ping_payload, sae_payload, env):
    """`python -X importtime` of both AnsiballZ payloads: totals, what only sae_ingress imports, by package."""
    ping_rows, _ping_result = _importtime(ping_payload, env)
    sae_rows, sae_result = _importtime(sae_payload, env)
    ping_names = {name.strip() for name, _s, _c in ping_rows}
    extra = [(name.strip(), self_us) for name, self_us, _c in sae_rows if name.strip() not in ping_names]
    groups = {}
    for name, self_us in extra:
        top = name.split('.')[0]
        if top == 'ansible_collections':
            label = 'the collection (modules and module_utils, compiled from the zipped source)'
        elif top in REQUESTS_STACK:
            label = 'requests and its dependencies (%s)' % ', '.join(REQUESTS_STACK[:5])
        else:
            label = 'standard library modules ping does not load (http.client, ssl, email, http.cookiejar, ...)'
        groups[label] = groups.get(label, 0) + self_us
    cumulative = {name.strip(): c for name, _s, c in sae_rows}
    collection = [(name.strip()[len(COLLECTION_PREFIX):], self_us) for name, self_us, _c in sae_rows
                  if name.strip().startswith(COLLECTION_PREFIX)]
    return {
        'ping_total': sum(s for _n, s, _c in ping_rows) / 1e6,
        'sae_total': sum(s for _n, s, _c in sae_rows) / 1e6,
        'extra_groups': sorted(((label, value / 1e6) for label, value in groups.items()), key=lambda item: -item[1]),
        'requests_cumulative': cumulative.get('requests', 0) / 1e6,
        # http.client (with ssl and email) is first imported under requests; a stdlib transport still needs it.
        'http_client_cumulative': cumulative.get('http.client', 0) / 1e6,
        'collection_modules': sorted(((name, value / 1e6) for name, value in collection), key=lambda item: -item[1]),
        'credentials_stack': sorted(n for n in (name.strip() for name, _s, _c in sae_rows)
                                    if n.split('.')[0].lower() in CREDENTIALS_STACK),
        'sae_failed': bool(sae_result.get('failed')),
    }


def payload_wall(ping_payload, sae_payload, env, runs=25):
    """Wall time of the module process alone: each AnsiballZ payload run directly, interleaved."""
    times = {'ping': [], 'sae': []}
    for _dummy in range(runs):
        for name, payload in (('ping', ping_payload), ('sae', sae_payload)):
            started = time.perf_counter()
            subprocess.run([sys.executable, payload], env=env, capture_output=True, timeout=120, check=True)
            times[name].append(time.perf_counter() - started)
    result = {name: statistics.median(values) for name, values in times.items()}
    result['runs'] = runs
    return result


MODULE_PHASES = (
    ('main(): everything after the imports', 'plugins/modules/', 'main'),
    ('  AnsibleModule(): argument spec validation', 'module_utils/basic.py', '__init__'),
    ('  SaeResource.run(): find, decide, act', 'plugins/module_utils/_resource.py', 'run'),
    ('    HttpClient.call', 'module_utils/_http.py', 'call'),
    ('      requests Session.request', 'requests/sessions.py', 'request'),
    ('  exit_json(): the result as JSON', 'module_utils/basic.py', 'exit_json'),
    ('compiling the zipped sources (zipimport)', 'zipimport', '_compile_source'),
)


_PROFILE_DRIVER = '''
import cProfile, runpy, sys
profiler = cProfile.Profile()
profiler.enable()
try:
    runpy.run_path(sys.argv[1], run_name='__main__')
except SystemExit:
    pass
profiler.disable()
profiler.dump_stats(sys.argv[2])
'''


def module_profile(payload, env, workdir):
    """cProfile of one module run (its AnsiballZ payload): cumulative time of each phase."""
    output = os.path.join(workdir, os.path.basename(payload) + '.prof')
    # Not `python -m cProfile`: the payload drops its __main__'s directory from sys.path, which would then be the
    # standard library's. runpy gives it a __main__ of its own.
    subprocess.run([sys.executable, '-c', _PROFILE_DRIVER, payload, output], env=env, capture_output=True,
                   timeout=120, check=True)
    stats = pstats.Stats(output, stream=io.StringIO())
    compiled = sum(nc for (filename, _l, name), (_cc, nc, _tt, _ct, _callers) in stats.stats.items()
                   if name == '_compile_source' and 'zipimport' in filename)
    phases = [(label, _cumulative(stats, file_part, function)) for label, file_part, function in MODULE_PHASES]
    return {'total': stats.total_tt, 'phases': phases, 'compiled_files': compiled,  # pylint: disable=no-member
            'compile': phases[-1][1]}
