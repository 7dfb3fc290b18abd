# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make emulator`: the local SAE emulator in the foreground, for playbooks of your own.

    python hacking/emulator.py [EMULATOR OPTIONS]    (python -m sae_emulator --help lists them)

Starts the emulator (tests/sae_emulator, `python -m sae_emulator` with the options given), which prints its
endpoint, the demo credentials and what it knows; once it listens, prints the environment that points
ansible-playbook at it and at this checkout's collection. Ctrl-C (or SIGTERM) stops it.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, 'tests')
COLLECTIONS = os.path.join(ROOT, '.build', 'collections')
sys.path.insert(0, TESTS)

from sae_emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET  # noqa: E402 pylint: disable=wrong-import-position


def environment_hint(url):
    """The lines to paste into another shell: the endpoint, the demo keys, this checkout as alibabacloud.sae, and
    this Python (the one with the collection's requirements) for the modules."""
    settings = [('ALIBABA_CLOUD_SAE_ENDPOINT', url), ('ALIBABA_CLOUD_ACCESS_KEY_ID', DEFAULT_ACCESS_KEY_ID),
                ('ALIBABA_CLOUD_ACCESS_KEY_SECRET', DEFAULT_ACCESS_KEY_SECRET),
                ('ANSIBLE_COLLECTIONS_PATH', COLLECTIONS), ('ANSIBLE_PYTHON_INTERPRETER', sys.executable)]
    bin_dir = os.path.dirname(sys.executable)
    return '\n'.join(
        ['', 'In another shell, run your playbook against it (plays with hosts: localhost and connection: local):', '']
        + ['  export %s=%s' % (name, shlex.quote(value)) for name, value in settings]
        + ['  export PATH=%s:$PATH' % shlex.quote(bin_dir),
           '  ansible-playbook -i localhost, examples/ingress.yml    # or a playbook of your own',
           '', 'Ctrl-C stops the emulator.', ''])


def main(argv):
    if any(arg in ('-h', '--help') for arg in argv):
        return subprocess.call([sys.executable, '-m', 'sae_emulator'] + argv, env=dict(os.environ, PYTHONPATH=TESTS))
    with tempfile.TemporaryDirectory(prefix='sae-emulator-') as workdir:
        url_file = os.path.join(workdir, 'url')
        env = dict(os.environ, PYTHONPATH=TESTS)
        # From the current directory, so that a relative --state-file is where the user means it.
        proc = subprocess.Popen([sys.executable, '-m', 'sae_emulator', '--url-file', url_file] + argv, env=env)

        def _stop(_signum, _frame):
            proc.terminate()

        signal.signal(signal.SIGTERM, _stop)
        try:
            while not os.path.exists(url_file):
                if proc.poll() is not None:
                    return proc.returncode
                time.sleep(0.05)
            with open(url_file, encoding='utf-8') as handle:
                url = handle.read().strip()
            print(environment_hint(url), flush=True)
            return proc.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the emulator too (same process group): it stops on its own.
            try:
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.terminate()
                return proc.wait()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
