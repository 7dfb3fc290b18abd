# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run ansible-test on a copy of this checkout laid out as ansible_collections/alibabacloud/sae.

    python hacking/run_ansible_test.py --tree NAME [--home DIR] -- units --venv --python 3.13

Uses the ansible-test next to the running interpreter (the one of the virtualenv that runs this script).

* The tree lives in .build/trees/NAME/ansible_collections/alibabacloud/sae. It holds the files git sees
  (tracked, and untracked but not ignored) and is a git repository of its own, because ansible-test lists
  files through git. Its tests/output (the virtualenvs ansible-test creates) is kept between runs.
* ansible-test runs with HOME set to a directory under .build (default .build/home), so that everything it
  caches under ~ (the pip bootstrap script below, pip's cache) stays there and the user's home is never
  written. The machine's pip configuration (/etc/pip.conf, PIP_* variables) still applies.
* ansible-test bootstraps pip in each virtualenv it creates with a get-pip script it downloads, unless one
  is cached at ~/.ansible/test/cache/get_pip_<version>.py. get_pip_offline.py (next to this file) is put
  there under the name the running ansible-test looks for.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, '.build')
KEEP_AT_TOP = ('.git', 'tests')
KEEP_IN_TESTS = ('output',)


def checkout_files():
    out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                         check=True, capture_output=True).stdout
    return [name for name in out.decode('utf-8').split('\0') if name]


def _clear(directory, keep):
    if not os.path.isdir(directory):
        return
    for name in os.listdir(directory):
        if name in keep:
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def sync_tree(name):
    tree = os.path.join(BUILD, 'trees', name, 'ansible_collections', 'alibabacloud', 'sae')
    os.makedirs(tree, exist_ok=True)
    _clear(tree, KEEP_AT_TOP)
    _clear(os.path.join(tree, 'tests'), KEEP_IN_TESTS)
    for relative in checkout_files():
        source = os.path.join(ROOT, relative)
        if not os.path.lexists(source):  # deleted but not yet staged
            continue
        target = os.path.join(tree, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    git = ['git', '-c', 'init.defaultBranch=main']
    if not os.path.isdir(os.path.join(tree, '.git')):
        subprocess.run(git + ['init', '-q'], cwd=tree, check=True)
    subprocess.run(git + ['add', '-A'], cwd=tree, check=True)
    return tree


def ansible_test_pip_version():
    """The pip version the running ansible-test bootstraps (what names its get-pip cache file)."""
    import ansible_test  # pylint: disable=import-outside-toplevel
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit('cannot tell which pip version %s bootstraps' % source)
    return match.group(1)


def prepare_home(home):
    cache = os.path.join(home, '.ansible', 'test', 'cache')
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, 'get_pip_%s.py' % ansible_test_pip_version().replace('.', '_'))
    # Replaced in one step: another ansible-test run (make test runs several at once) may be executing it.
    staging = '%s.%d' % (target, os.getpid())
    shutil.copyfile(os.path.join(ROOT, 'hacking', 'get_pip_offline.py'), staging)
    os.replace(staging, target)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--tree', required=True, help='name of the collection tree under .build/trees')
    parser.add_argument('--home', default=os.path.join(BUILD, 'home'), help='HOME of ansible-test (default .build/home)')
    parser.add_argument('args', nargs=argparse.REMAINDER, help='ansible-test arguments (after --)')
    options = parser.parse_args(argv)
    args = options.args[1:] if options.args[:1] == ['--'] else options.args
    home = os.path.abspath(options.home)
    prepare_home(home)
    tree = sync_tree(options.tree)
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env['HOME'] = home
    env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)  # the tree is the collection
    env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
    command = [os.path.join(bin_dir, 'ansible-test')] + args
    print('+ (cd %s && HOME=%s %s)' % (tree, home, ' '.join(command)), flush=True)
    return subprocess.run(command, cwd=tree, env=env, check=False).returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
