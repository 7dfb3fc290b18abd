"""The emulator shares no code with the collection: nothing under tests/sae_emulator imports it.

A shared helper would let a bug in the collection hide in the emulator too (both sides agreeing on the same
wrong answer), so the emulator stands on its own: its source names no collection package, and importing
every one of its modules pulls in none.
"""

import ast
import os
import pkgutil
import subprocess
import sys

import sae_emulator

EMULATOR_DIR = os.path.dirname(os.path.abspath(sae_emulator.__file__))
# Top-level packages that are the collection (or reach it).
COLLECTION_PACKAGES = ('ansible_collections', 'plugins')


def _python_files():
    for directory, _dirs, files in os.walk(EMULATOR_DIR):
        for name in sorted(files):
            if name.endswith('.py'):
                yield os.path.join(directory, name)


def _imported_names(path):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(COLLECTION_PACKAGES):
            # a dotted name handed to importlib or __import__
            yield node.value


def test_emulator_source_imports_nothing_of_the_collection():
    found = []
    for path in _python_files():
        for name in _imported_names(path):
            if name.split('.')[0] in COLLECTION_PACKAGES:
                found.append('%s: %s' % (os.path.relpath(path, EMULATOR_DIR), name))
    assert not found, found


def test_importing_the_emulator_loads_no_collection_module():
    modules = ['sae_emulator'] + ['sae_emulator.%s' % info.name for info in pkgutil.iter_modules([EMULATOR_DIR])]
    script = ('import importlib, sys\n'
              'for name in %r:\n'
              '    importlib.import_module(name)\n'
              'print(sorted(m for m in sys.modules if m.split(".")[0] in %r))\n') % (modules, COLLECTION_PACKAGES)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(EMULATOR_DIR))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    result = subprocess.run([sys.executable, '-c', script], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[]'
