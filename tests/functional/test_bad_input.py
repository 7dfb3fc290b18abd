# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Arbitrary module arguments never make sae_ingress traceback; a refused task says why and writes nothing.

A refusal names an option the arguments set wrong (or give no value for), or gives a generic reason: the
service's error code for the request it refused, or an unknown option.

Property-based (hypothesis, derandomized, a fixed number of examples per shard). For speed the module
runs directly (``python sae_ingress.py args.json``) rather than through ansible-playbook; every run talks
to the SAE emulator, whose request log shows what each run sent. The figures are summarised in
docs/reliability.md.
"""

from __future__ import annotations

import collections
import importlib
import json
import os
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers as hypothesis_providers

import sae_emulator
from sae_emulator import inventory as inv

from harness import module_env, run_module  # pylint: disable=import-error

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(COLLECTION_ROOT, 'plugins', 'modules', 'sae_ingress.py')
EXAMPLES_PER_SHARD = 50
WRITES = ('CreateIngress', 'UpdateIngress', 'DeleteIngress')
API_WRITE_FAILURE = re.compile(r'^(CreateIngress|UpdateIngress|DeleteIngress) failed: \S+: ')


def _import_collection_code():
    """Import every plugin of the collection in this process.

    hypothesis also draws from constants found in the local modules already imported, so without this
    the examples would depend on which other tests ran first in the same process.
    """
    plugins = os.path.join(COLLECTION_ROOT, 'plugins')
    for kind in sorted(os.listdir(plugins)):
        directory = os.path.join(plugins, kind)
        if not os.path.isdir(directory):
            continue
        for filename in sorted(os.listdir(directory)):
            if filename.endswith('.py') and filename != '__init__.py':
                importlib.import_module('ansible_collections.alibabacloud.sae.plugins.%s.%s' % (kind, filename[:-3]))


_import_collection_code()

# pylint: disable-next=wrong-import-position,wrong-import-order
from ansible_collections.alibabacloud.sae.plugins.module_utils._common import sae_argument_spec  # noqa: E402
# pylint: disable-next=wrong-import-position,wrong-import-order
from ansible_collections.alibabacloud.sae.plugins.modules.sae_ingress import argument_spec  # noqa: E402

SPEC = dict(sae_argument_spec(), **argument_spec())

VALID = {
    'namespace_id': inv.NAMESPACE_ID,
    'name': 'fuzz',
    'slb_id': inv.CLB_SPARE_ID,
    'listener_port': 80,
    'listener_protocol': 'HTTP',
    'default_rule': {'app_id': inv.APP_WEB_ID, 'container_port': 8080},
    'rules': [{'domain': 'fuzz.example.com', 'path': '/', 'app_id': inv.APP_API_ID, 'container_port': 8443}],
}

# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------

TEXT = st.text(max_size=24)
SCALAR_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), TEXT,
)
JUNK = st.recursive(SCALAR_JUNK, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(TEXT, inner, max_size=4)), max_leaves=8)
INT_EDGES = st.sampled_from([0, 1, -1, 15, 59, 60, 61, 179, 180, 181, 65535, 65536, 2 ** 31, 2 ** 63, -2 ** 63])
NUMBER = st.one_of(INT_EDGES, st.integers(min_value=-10, max_value=70000),
                   st.sampled_from(['80', ' 80', '8o', '1e3', '0x50', '', 'NaN', 'inf', '-Infinity', '1e5000', float('inf')]),
                   st.floats(min_value=-10, max_value=70000, allow_nan=False))
BOOLISH = st.one_of(st.booleans(), st.sampled_from(['yes', 'no', 'on', 'off', 'true', 'False', 'maybe', 0, 1, 2, '']))


def choice(values):
    variants = list(values) + [v.lower() for v in values] + [v.upper() for v in values] + [v + ' ' for v in values]
    return st.one_of(st.sampled_from(variants), TEXT)


APP_ID = st.one_of(st.sampled_from(inv.APP_IDS), st.sampled_from(['', 'no-such-app']), TEXT)
PORT = st.one_of(st.sampled_from(inv.APP_PORTS), NUMBER)
PROTOCOL = choice(['http', 'https', 'grpc'])
DOMAIN = st.one_of(st.sampled_from(['a.example.com', 'b.example.com', '', '*.example.com']), TEXT)
PATH = st.one_of(st.sampled_from(['/', '/api', '', '/a b', '/\u00e9']), TEXT)

RULE = st.fixed_dictionaries(
    {'app_id': APP_ID, 'container_port': PORT},
    optional={'domain': DOMAIN, 'path': PATH, 'backend_protocol': PROTOCOL, 'rewrite_path': PATH, 'extra': JUNK},
)
BROKEN_RULE = st.one_of(
    JUNK,
    st.fixed_dictionaries({}, optional={'app_id': APP_ID, 'container_port': PORT, 'domain': JUNK, 'path': JUNK}),
    RULE.map(lambda rule: dict(rule, container_port=None)),
)
RULES = st.one_of(
    st.lists(RULE, max_size=6),
    st.lists(st.one_of(RULE, BROKEN_RULE), max_size=6),
    st.lists(RULE, min_size=38, max_size=60),  # around and beyond the 40-rule limit
    st.lists(RULE, min_size=2, max_size=4).map(lambda rules: rules + [dict(rules[0])]),  # a duplicate (domain, path)
    JUNK,
)
DEFAULT_RULE = st.one_of(
    st.fixed_dictionaries({'app_id': APP_ID, 'container_port': PORT}, optional={'backend_protocol': PROTOCOL}),
    BROKEN_RULE,
)
CORS = st.one_of(
    st.fixed_dictionaries({}, optional={
        'enable': BOOLISH, 'allow_origin': st.one_of(st.lists(TEXT, max_size=3), JUNK),
        'allow_methods': st.lists(st.sampled_from(['GET', 'POST', 'get', '', 'BREW']), max_size=3),
        'allow_headers': st.lists(TEXT, max_size=3), 'expose_headers': JUNK, 'allow_credentials': BOOLISH,
        'max_age': st.one_of(st.sampled_from([-2, -1, 0, 172800, 172801]), NUMBER), 'bogus': JUNK,
    }),
    JUNK,
)
CERT_IDS = st.one_of(st.lists(st.one_of(st.sampled_from(inv.ALB_CERT_IDS), TEXT), max_size=4), st.lists(TEXT, min_size=50, max_size=80), JUNK)
ZONES = st.one_of(
    st.lists(st.fixed_dictionaries({'zone_id': TEXT, 'vswitch_id': TEXT}, optional={'other': JUNK}), max_size=3),
    JUNK,
)
SLB_ID = st.one_of(st.sampled_from(inv.CLB_IDS + inv.ALB_IDS + ('lb-missing',)), TEXT)
NAMESPACE = st.one_of(st.sampled_from([inv.NAMESPACE_ID, inv.OTHER_NAMESPACE_ID, 'cn-beijing', 'cn-hangzhou:x', ':demo', 'cn-beijing:', '']),
                      TEXT)
UNKNOWN_KEYS = st.dictionaries(st.text(min_size=1, max_size=12), JUNK, max_size=2)


def arguments(option_values, drop_from=tuple(VALID)):
    """Module arguments: VALID with some options dropped, some replaced, and possibly unknown keys added."""
    return st.builds(_compose, st.fixed_dictionaries({}, optional=option_values),
                     st.sets(st.sampled_from(drop_from), max_size=3), st.one_of(st.just({}), UNKNOWN_KEYS))


def _compose(overrides, dropped, unknown):
    args = dict(VALID)
    for key in dropped:
        args.pop(key, None)
    args.update(overrides)
    for key, value in unknown.items():
        args.setdefault(key, value)
    return args


OPTION_TYPES = {
    # Any option may get a value of any type (or None), unicode text, nested junk, unknown keys.
    option: JUNK for option in (
        'state', 'namespace_id', 'name', 'ingress_id', 'load_balance_type', 'slb_id', 'listener_port',
        'listener_protocol', 'cert_id', 'cert_ids', 'security_policy_id', 'default_rule', 'rules', 'purge_rules',
        'request_timeout', 'idle_timeout', 'enable_gzip', 'enable_x_forwarded_for', 'cors_config', 'address_type',
        'load_balancer_edition', 'zone_mappings', 'description', 'id', 'retries', 'timeout', 'region',
    )
}
OPTION_RANGES = {
    # Values of the right kind around and beyond the documented ranges and choices.
    'state': choice(['present', 'absent']),
    'namespace_id': NAMESPACE,
    'name': st.one_of(st.sampled_from(['fuzz', 'fuzz-2', '', ' ']), TEXT),
    'ingress_id': st.one_of(st.none(), NUMBER),
    'load_balance_type': choice(['clb', 'alb']),
    'slb_id': SLB_ID,
    'listener_port': NUMBER,
    'listener_protocol': choice(['HTTP', 'HTTPS']),
    'cert_id': st.one_of(st.sampled_from(inv.CLB_CERT_IDS), TEXT),
    'security_policy_id': TEXT,
    'purge_rules': BOOLISH,
    'request_timeout': NUMBER,
    'idle_timeout': NUMBER,
    'enable_gzip': BOOLISH,
    'enable_x_forwarded_for_proto': BOOLISH,
    'address_type': choice(['Internet', 'Intranet']),
    'load_balancer_edition': choice(['Standard', 'StandardWithWaf']),
    'retries': st.one_of(st.sampled_from([-1, 0, 1, '2', 'x']), st.none()),
    'timeout': st.one_of(st.sampled_from([-1, 0, 1, 3, '5', 'x']), st.none()),
}
OPTION_STRUCTURES = {
    # Malformed, huge and duplicate rules; broken nested options.
    'rules': RULES,
    'default_rule': DEFAULT_RULE,
    'cors_config': CORS,
    'cert_ids': CERT_IDS,
    'zone_mappings': ZONES,
    'load_balance_type': st.sampled_from(['clb', 'alb']),
    'slb_id': st.one_of(st.none(), SLB_ID),
    'purge_rules': st.booleans(),
    'listener_protocol': st.sampled_from(['HTTP', 'HTTPS']),
}
SHARDS = {
    'types': arguments(OPTION_TYPES),
    'ranges': arguments(OPTION_RANGES),
    'structures': arguments(OPTION_STRUCTURES),
}


# Per shard, as docs/reliability.md states them: (refused before any call, refused after reads or by the
# service, succeeded), out of EXAMPLES_PER_SHARD.
FIGURES = {
    'types': (46, 0, 4),
    'ranges': (43, 0, 7),
    'structures': (41, 2, 7),
}
SLACK = 2

# ---------------------------------------------------------------------------------------------
# The property
# ---------------------------------------------------------------------------------------------

# A service refusal: `<Operation> failed: <Code>: <message>`; the code must be the one the emulator answered.
API_FAILURE = re.compile(r'^(?P<operation>[A-Za-z]+) failed: (?P<code>[^:\s]+): ')
# ansible-core's refusal of unknown options, followed by the full list of supported ones (which names every option,
# so it is cut before looking for names).
UNSUPPORTED = re.compile(r'^Unsupported parameters for \(.*?\) module: (?P<names>.*?)\. Supported parameters include: ')


def _option_names(name):
    option = SPEC.get(name)
    if option is None:
        return {name}
    return {name} | set(option.get('aliases') or ())


def _canonical(key):
    for name, option in SPEC.items():
        if key == name or key in (option.get('aliases') or ()):
            return name
    return None


def _sub_option_names(option):
    names = set()
    for name, sub in (option.get('options') or {}).items():
        names |= {name} | set(sub.get('aliases') or ()) | _sub_option_names(sub)
    return names


def _departures(args):
    """The option names a refusal of `args` may blame: each option set to something else than in VALID (or
    dropped from it), with its aliases and sub-option names, and each unknown key."""
    names = set()
    for key in set(VALID) | set(args):
        if key in args and key in VALID and args[key] == VALID[key]:
            continue
        name = _canonical(key)
        if name is None:
            names.add(key)
            continue
        names |= _option_names(name) | _sub_option_names(SPEC[name]) | {key}
    return names


def _names(text, names):
    """The names of `names` that `text` mentions as a word of its own."""
    return sorted(name for name in names if name and re.search(r'(?<![\w.-])%s(?![\w-])' % re.escape(name), text))


def blame(args, msg, log):
    """Why a refusal of `args` is acceptable: the option it names, or the generic reason it gives.

    Fails (AssertionError) when the message names no option the arguments could be refused for and gives no
    generic reason. A refusal before any call must name an option that departs from VALID: the rest of the
    arguments are valid. A refusal after reads may name any option the task sets, since the live ingress
    (created by an earlier example) may be what it conflicts with.
    """
    api = API_FAILURE.match(msg)
    if api:
        # The service refused: the code is the one the emulator answered the last request with.
        assert log and log[-1]['operation'] == api.group('operation') and log[-1]['code'] == api.group('code'), msg
        assert log[-1]['status'] >= 400, msg
        return 'refused by the service (%s)' % api.group('code')
    unsupported = UNSUPPORTED.match(msg)
    if unsupported:
        listed = set(unsupported.group('names').split(', '))
        given = set()
        for key, value in args.items():
            if _canonical(key) is None:
                given.add(key)
            elif isinstance(value, dict) and SPEC[_canonical(key)].get('options'):
                given |= {'%s.%s' % (key, sub) for sub in value if sub not in _sub_option_names(SPEC[_canonical(key)])}
            # An unknown key inside a list of dicts is reported as <option>.<key> as well.
            elif isinstance(value, list) and SPEC[_canonical(key)].get('options'):
                given |= {'%s.%s' % (key, sub) for item in value if isinstance(item, dict) for sub in item
                          if sub not in _sub_option_names(SPEC[_canonical(key)])}
        assert listed and listed <= given, (msg, given)
        return 'unknown option'
    candidates = _departures(args) if not log else set(args) | _departures(args)
    named = _names(msg, candidates)
    assert named, 'the message names none of %s: %s' % (sorted(candidates), msg)
    return 'names an option'


class ModuleRunner:
    """Runs sae_ingress.py with given arguments against the emulator and checks one outcome."""

    def __init__(self, tmp_path, emulator):
        self.args_file = tmp_path / 'args.json'
        self.emulator = emulator
        self.env = module_env(tmp_path, no_proxy='*', NO_PROXY='*')
        self.stats = collections.Counter()

    def connection(self):
        # Never fuzzed: where the traffic goes and with which credentials.
        return {'endpoint': self.emulator.url, 'access_key_id': sae_emulator.DEFAULT_ACCESS_KEY_ID,
                'access_key_secret': sae_emulator.DEFAULT_ACCESS_KEY_SECRET}

    def check(self, args):
        module_args = dict(args, **self.connection())
        self.args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}))
        seen = len(self.emulator.log)
        proc = run_module(MODULE, self.args_file, self.env, timeout=120)
        log = self.emulator.log[seen:]
        context = 'args=%r\nrc=%s\nstdout=%s\nstderr=%s\nlog=%r' % (args, proc.returncode, proc.stdout[-2000:],
                                                                    proc.stderr[-2000:], log)
        self.stats['runs'] += 1
        assert 'Traceback' not in proc.stdout and 'Traceback' not in proc.stderr, context
        try:
            result = json.loads(proc.stdout)
        except ValueError:
            pytest.fail('the module printed no JSON result\n' + context)
        assert isinstance(result, dict), context
        writes = [entry for entry in log if entry['operation'] in WRITES]
        if result.get('failed'):
            assert proc.returncode == 1, context
            assert isinstance(result.get('msg'), str) and result['msg'].strip(), context
            assert 'exception' not in result, context
            # Nothing was half applied.
            assert not any(entry['applied'] for entry in writes), context
            try:
                reason = blame(args, result['msg'], log)
            except AssertionError as err:
                raise AssertionError('%s\n%s' % (err, context)) from None
            self.stats['reason: %s' % reason.split(' (')[0]] += 1
            if API_WRITE_FAILURE.match(result['msg']):
                # The one write was refused by the service (e.g. an unknown certificate): sent, not applied.
                assert len(writes) == 1 and writes[0]['status'] >= 400, context
                self.stats['refused by the service'] += 1
            else:
                # Any other failure sent no write call at all.
                assert writes == [], context
                self.stats['refused before any call' if not log else 'refused after reads only'] += 1
        else:
            assert proc.returncode == 0, context
            assert isinstance(result.get('changed'), bool) and isinstance(result.get('ingress'), dict), context
            assert len(writes) <= 1 and all(entry['status'] == 200 for entry in writes), context
            assert bool(writes) is result['changed'], context
            self.stats['succeeded (changed)' if result['changed'] else 'succeeded (no change)'] += 1
        assert self.emulator.server_errors == [], context


@pytest.fixture
def generators_only(monkeypatch):
    """Examples drawn from the strategies alone: Hypothesis also mixes in string and number literals of the Python
    files it finds imported (the emulator and the collection among them), so an edited message would otherwise change
    the derandomized examples and the figures below."""
    monkeypatch.setattr(hypothesis_providers, '_get_local_constants', hypothesis_providers.Constants)


@pytest.mark.long
@pytest.mark.parametrize('shard', sorted(SHARDS))
def test_arbitrary_arguments_end_in_a_clean_result(tmp_path, shard, generators_only):
    with sae_emulator.Emulator() as emulator:
        runner = ModuleRunner(tmp_path, emulator)

        @settings(derandomize=True, database=None, max_examples=EXAMPLES_PER_SHARD, deadline=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
        @given(args=SHARDS[shard])
        def property_holds(args):
            runner.check(args)

        property_holds()
    stats = runner.stats
    print('shard %s: %s' % (shard, dict(sorted(stats.items()))))
    assert stats['runs'] == EXAMPLES_PER_SHARD, stats
    assert stats['runs'] == EXAMPLES_PER_SHARD, stats
    # The figures of docs/reliability.md, as bounds a regression breaks: fewer refusals before any call (a
    # check moved after the reads, or lost), more refusals after reads or by the service, fewer successes
    # (valid arguments refused). A change of the generators moves the derandomized examples: update the figures
    # then (the literals of the code do not, see generators_only).
    before, later, succeeded = FIGURES[shard]
    outcomes = {
        'refused before any call': stats['refused before any call'],
        'refused later': stats['refused after reads only'] + stats['refused by the service'],
        'succeeded': stats['succeeded (changed)'] + stats['succeeded (no change)'],
    }
    assert outcomes['refused before any call'] >= before - SLACK, (outcomes, FIGURES[shard])
    assert outcomes['refused later'] <= later + SLACK, (outcomes, FIGURES[shard])
    assert outcomes['succeeded'] >= max(1, succeeded - SLACK), (outcomes, FIGURES[shard])


# Values ansible-core's own argument validation raises on, or refuses with a message that names no option
# ("dictionary requested, could not parse JSON or key=value"), each through ansible-playbook as a user would meet
# it: SaeModule defuses them so that validation fails cleanly and names the option.
CORE_DEFECT_INPUTS = [
    # (option, value, what the message says besides the option's name)
    ('cors_config', True, 'cors_config takes a dict'),
    ('default_rule', 5, 'default_rule takes a dict'),
    ('cors_config', [None], 'cors_config takes a dict'),
    ('rules', 'www.example.com', 'rules takes a list of dicts'),
    ('default_rule', 'www.example.com', 'default_rule takes a dict'),
    ('zone_mappings', [None], 'zone_mappings takes a list of dicts'),
    ('request_timeout', float('inf'), 'not a usable number'),
    ('listener_port', 'inf', 'not a usable number'),
    ('idle_timeout', '1e5000', 'not a usable number'),
]


@pytest.mark.long
def test_values_ansible_core_raises_on_fail_cleanly(play, emulator):
    tasks = [{'name': '%s=%r' % (option, value), 'alibabacloud.sae.sae_ingress': dict(VALID, **{option: value})}
             for option, value, _said in CORE_DEFECT_INPUTS]
    run = play(tasks)
    assert len(run.results) == len(CORE_DEFECT_INPUTS), run
    assert emulator.log == []
    for (option, _value, said), result in zip(CORE_DEFECT_INPUTS, run.results):
        assert result['failed'] is True
        assert option in result['msg'] and 'Module failed' not in result['msg'], (option, result)
        assert said in result['msg'], (option, result)
        assert 'Traceback' not in result.get('exception', '') + result.get('module_stderr', ''), (option, result)
