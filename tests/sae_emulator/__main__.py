"""Command line: ``python -m sae_emulator [--host H] [--port P] [--state-file F] [--url-file F] [--tls [--ca-file F]]
[--variant NAME=VALUE ...] [--rate-limit [OPERATION=]RATE[/BURST] ...] [--account-limit CALLS[/WINDOW[/BURST]]]
[--read-delay SECONDS]``.

Without --variant, the variants come from SAE_EMULATOR_VARIANTS (defaults when unset); without --account-limit and
--read-delay, from SAE_EMULATOR_ACCOUNT_LIMIT and SAE_EMULATOR_READ_DELAY (off when unset).

Prints the URL, the demo credentials and what the emulated account holds (namespaces, load balancers, applications
with their canaries, certificates), so that a playbook can be written against it; writes the URL to --url-file once
listening (removed again on exit), and stops cleanly (exit 0) on SIGTERM or SIGINT.
"""

import argparse
import os
import signal
import sys
import threading

from .flow_control import parse_account_limit, parse_limit
from .variants import VARIANTS, parse_variants, resolve_variants
from .server import (
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, STS_ACCESS_KEY_ID, STS_ACCESS_KEY_SECRET, STS_SECURITY_TOKEN,
)


def _parser():
    parser = argparse.ArgumentParser(prog='python -m sae_emulator', description='Local emulator of the SAE Ingress API.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port to listen on (default 0: any free port)')
    parser.add_argument('--state-file', help='JSON file holding the ingresses (loaded at start, written after each write)')
    parser.add_argument('--url-file', help='write the URL here once listening (removed on exit)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a generated private CA (its path is printed)')
    parser.add_argument('--ca-file', help='with --tls: also copy the CA bundle here (before the URL file is written)')
    parser.add_argument('--variant', action='append', default=[], metavar='NAME=VALUE',
                        help='a behaviour no public source settles (repeatable; default: SAE_EMULATOR_VARIANTS): %s'
                             % '; '.join('%s=%s' % (name, '|'.join(str(v) for v in values)) for name, values in VARIANTS.items()))
    parser.add_argument('--rate-limit', action='append', default=[], metavar='[OPERATION=]RATE[/BURST]',
                        help='flow control: at most RATE requests a second per access key and operation, in bursts of '
                             'BURST (default RATE), answered Throttling.User above it; with OPERATION=, for that '
                             'operation only (repeatable; default: off; PUT /_emulator/flow-control?limit=... switches '
                             'it while running)')
    parser.add_argument('--account-limit', metavar='CALLS[/WINDOW[/BURST]]',
                        help='account-wide flow control: at most CALLS calls per WINDOW seconds (default 60) over every '
                             'operation and access key, answered Throttling.User above it; SAE documents 60/60. The '
                             'window follows the variants flow_window and refused_calls_count; BURST is the bucket size '
                             'of flow_window=bucket (default CALLS). Default: SAE_EMULATOR_ACCOUNT_LIMIT, else off')
    parser.add_argument('--read-delay', metavar='SECONDS',
                        help='answer DescribeIngress, ListIngresses, DescribeGreyTagRoute and ListGreyTagRoute SECONDS '
                             'after reading the state, so that concurrent read-modify-write cycles overlap (default: '
                             'SAE_EMULATOR_READ_DELAY, else 0; PUT /_emulator/read-delay?seconds=S while running)')
    return parser


def _write_atomically(path, text):
    tmp = '%s.tmp-%d' % (path, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, path)


def banner(emulator):
    """The lines printed at start: endpoint, credentials, and the resources of the emulated account."""
    inventory = emulator.inventory
    lines = [
        'SAE emulator listening on %s' % emulator.url,
        '  endpoint (host:port): %s' % emulator.endpoint,
        '  access key id:     %s' % DEFAULT_ACCESS_KEY_ID,
        '  access key secret: %s' % DEFAULT_ACCESS_KEY_SECRET,
        '  STS key id / secret / token: %s / %s / %s' % (STS_ACCESS_KEY_ID, STS_ACCESS_KEY_SECRET, STS_SECURITY_TOKEN),
        '  region: %s' % emulator.region,
        '  namespaces: %s' % ', '.join(inventory.namespaces()),
        '  load balancers (id, type, address):',
    ]
    lines += ['    %s  %s  %s%s' % (slb['id'], slb['type'], slb['address'], '  (created by SAE)' if slb['created_by_sae'] else '')
              for slb in inventory.slbs.values()]
    lines.append('  applications (id, name, namespace, canary of):')
    for app in inventory.apps.values():
        canary_of = ''
        if app['base_app_id']:
            canary_of = '  canary of %s (%s)' % (app['base_app_id'], inventory.app_name(app['base_app_id']))
        lines.append('    %s  %s  %s%s' % (app['id'], app['name'], app['namespace'], canary_of))
    lines.append('  CLB certificates (cert_id): %s' % (', '.join(sorted(inventory.clb_certs)) or 'none'))
    lines.append('  ALB certificates (cert_ids): %s' % (', '.join(sorted(inventory.alb_certs)) or 'none'))
    ingresses = emulator.ingresses
    if ingresses:
        lines.append('  ingresses (id, namespace, load balancer:port, name):')
        lines += ['    %s  %s  %s:%s  %s' % (key, rec['NamespaceId'], rec['SlbId'], rec['ListenerPort'], rec['Description'])
                  for key, rec in sorted(ingresses.items())]
    lines.append('  variants: %s' % ','.join('%s=%s' % item for item in sorted(emulator.variants.items())))
    return lines


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    for text in args.rate_limit:
        try:
            parse_limit(text)
        except ValueError as exc:
            parser.error(str(exc))
    account_limit = None
    if args.account_limit is not None:
        try:
            account_limit = parse_account_limit(args.account_limit)
        except ValueError as exc:
            parser.error(str(exc))
    variants = None
    if args.variant:
        try:
            variants = resolve_variants(parse_variants(args.variant))
        except ValueError as exc:
            parser.error(str(exc))
    stop = threading.Event()

    def _on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        emulator = Emulator(host=args.host, port=args.port, state_file=args.state_file, tls=args.tls, variants=variants,
                            rate_limits=args.rate_limit, account_limit=account_limit, read_delay=args.read_delay)
    except ValueError as exc:
        parser.error(str(exc))
    emulator.start()
    try:
        for line in banner(emulator):
            print(line)
        if args.rate_limit:
            print('  flow control: %s' % ', '.join(args.rate_limit))
        account = emulator.flow_control.account_limit
        if account:
            print('  account limit: %d calls per %g s (window %s, refused calls count: %s)'
                  % (account['calls'], account['window'], emulator.flow_control.window,
                     emulator.flow_control.refused_calls_count))
        if emulator.read_delay:
            print('  read delay: %g s (%s)' % (emulator.read_delay, ', '.join(emulator.read_delay_operations)))
        if emulator.ca_path:
            print('  CA bundle: %s' % emulator.ca_path)
        if args.state_file:
            print('  state file: %s' % os.path.abspath(args.state_file))
        sys.stdout.flush()
        if args.ca_file and emulator.ca_path:
            with open(emulator.ca_path, encoding='ascii') as handle:
                _write_atomically(args.ca_file, handle.read())
        if args.url_file:
            _write_atomically(args.url_file, emulator.url + '\n')
        while not stop.wait(0.2):
            pass
    finally:
        emulator.stop()
        if args.url_file and os.path.exists(args.url_file):
            os.unlink(args.url_file)
    print('SAE emulator stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
