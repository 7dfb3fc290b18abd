# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's files a module run carries, read from the tree: the table of docs/performance.md.

Ansible ships a module to its host as an AnsiballZ zip holding the module and every module_utils file it imports,
directly or through another one; Python compiles each of them at every run. `listing()` finds those files by
following the imports of the module's source (as Ansible's module_utils finder does), with their line counts, so the
benchmark (tests/benchmarks/run.py) and the check of the page (tests/repo) read the same list from the tree.
Standard library only: tests/repo imports it without the benchmark's setup.
"""

from __future__ import annotations

import ast
import os
import statistics
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = ('ansible_collections', 'alibabacloud', 'sae')
MODULE_UTILS = PACKAGE + ('plugins', 'module_utils')
MODULE = 'sae_ingress'  # the module the benchmark runs


def _module_utils_file(root, parts):
    """The file of the module_utils module `parts` (names after module_utils), or None."""
    base = os.path.join(root, 'plugins', 'module_utils', *parts)
    for candidate in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.isfile(candidate):
            return candidate
    return None


def _imported(root, path, package_parts):
    """The module_utils files `path` imports (module_utils names of its package in `package_parts`)."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [(alias.name.split('.'), []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[:len(package_parts) - node.level + 1])
                module = list(MODULE_UTILS) + base + (node.module.split('.') if node.module else [])
            else:
                module = (node.module or '').split('.')
            targets = [(module, [alias.name for alias in node.names])]
        else:
            continue
        for module, names in targets:
            if tuple(module[:len(MODULE_UTILS)]) != MODULE_UTILS:
                continue
            parts = module[len(MODULE_UTILS):]
            # `from ...module_utils import _signer` imports a module; `from ...module_utils._x import y`, a name.
            candidates = [parts + [name] for name in names] + [parts] if names else [parts]
            for candidate in candidates:
                found_file = _module_utils_file(root, candidate) if candidate else None
                if found_file:
                    found.append((found_file, candidate))
    return found


def listing(root=ROOT, module=MODULE):
    """[(path relative to the collection root, line count)] of the module and the module_utils it carries."""
    start = os.path.join(root, 'plugins', 'modules', module + '.py')
    seen = {}
    pending = [(start, [])]
    while pending:
        path, parts = pending.pop()
        if path in seen:
            continue
        seen[path] = parts
        package = parts[:-1] if not path.endswith('__init__.py') else parts
        pending.extend(_imported(root, path, package))
    utils = sorted(os.path.relpath(path, root) for path in seen if path != start)
    files = [os.path.relpath(start, root)] + utils
    result = []
    for relative in files:
        with open(os.path.join(root, relative), encoding='utf-8') as handle:
            result.append((relative, handle.read().count('\n')))
    return result


def compile_times(root=ROOT, module=MODULE, runs=7):
    """[(relative path, line count, median seconds to compile it)] for `listing()`, as zipimport compiles each file at
    every module run."""
    costs = []
    for relative, line_count in listing(root, module):
        with open(os.path.join(root, relative), encoding='utf-8') as handle:
            source = handle.read()
        times = []
        for _dummy in range(runs):
            started = time.perf_counter()
            compile(source, relative, 'exec', dont_inherit=True)
            times.append(time.perf_counter() - started)
        costs.append((relative, line_count, statistics.median(times)))
    return costs
