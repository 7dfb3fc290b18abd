# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the example playbook against the local SAE emulator, twice, then a check-mode diff.

Starts the emulator (tests/sae_emulator) on a free loopback port with a state file, runs
examples/ingress.yml (it creates the ingress: changed), runs it again (nothing to do: ok), shows
what a change of request_timeout would do with --check --diff, and stops the emulator.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from sae_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET  # noqa: E402 pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(ROOT, 'examples', 'ingress.yml')


def start_emulator(workdir):
    url_file = os.path.join(workdir, 'url')
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'tests'))
    proc = subprocess.Popen([sys.executable, '-m', 'sae_emulator', '--state-file', os.path.join(workdir, 'state.json'),
                             '--url-file', url_file], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not os.path.exists(url_file):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit('The SAE emulator did not start.')
        time.sleep(0.05)
    with open(url_file, encoding='utf-8') as handle:
        return proc, handle.read().strip()


def run_playbook(title, url, *args):
    print('\n=== %s ===' % title, flush=True)
    env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEFAULT_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SAE_ENDPOINT=url,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', PLAYBOOK] + list(args)
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(proc.stdout, end='')
    if proc.returncode != 0:
        print(proc.stderr, end='')
        raise SystemExit('ansible-playbook failed (exit %d).' % proc.returncode)
    recap = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)', proc.stdout)
    return int(recap.group(2))


def main():
    with tempfile.TemporaryDirectory(prefix='sae-demo-') as workdir:
        proc, url = start_emulator(workdir)
        print('SAE emulator listening on %s' % url)
        try:
            first = run_playbook('First run: the ingress is created', url)
            second = run_playbook('Second run: nothing to change', url)
            run_playbook('What raising request_timeout to 120 would change (--check --diff, nothing is written)', url,
                         '--check', '--diff', '-e', 'request_timeout=120')
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print('\nDemo summary: first run changed=%d, second run changed=%d.' % (first, second))
    if first != 1 or second != 0:
        raise SystemExit('Unexpected result: the first run should change the ingress and the second should not.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
