"""Command line: ``python -m sae_emulator [--host H] [--port P] [--state-file F] [--url-file F] [--tls [--ca-file F]]
[--variant NAME=VALUE ...] [--rate-limit [OPERATION=]RATE[/BURST] ...]``.

Without --variant, the variants come from SAE_EMULATOR_VARIANTS (defaults when unset).

Prints the URL and the demo credentials, writes the URL to --url-file once the socket is bound
(removed again on exit), and stops cleanly (exit 0) on SIGTERM or SIGINT.
"""

import argparse
import os
import signal
import sys
import threading

from .flow_control import parse_limit
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
    return parser


def _write_atomically(path, text):
    tmp = '%s.tmp-%d' % (path, os.getpid())
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    for text in args.rate_limit:
        try:
            parse_limit(text)
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
    emulator = Emulator(host=args.host, port=args.port, state_file=args.state_file, tls=args.tls, variants=variants,
                        rate_limits=args.rate_limit)
    emulator.start()
    try:
        print('SAE emulator listening on %s' % emulator.url)
        print('  access key id:     %s' % DEFAULT_ACCESS_KEY_ID)
        print('  access key secret: %s' % DEFAULT_ACCESS_KEY_SECRET)
        print('  STS key id / secret / token: %s / %s / %s' % (STS_ACCESS_KEY_ID, STS_ACCESS_KEY_SECRET, STS_SECURITY_TOKEN))
        print('  region: %s' % emulator.region)
        print('  variants: %s' % ','.join('%s=%s' % item for item in sorted(emulator.variants.items())))
        if args.rate_limit:
            print('  flow control: %s' % ', '.join(args.rate_limit))
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
