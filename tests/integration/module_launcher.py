# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starts module processes the way `python <module.py> <args.json>` would, by forking a process that has
already imported what every module of the collection imports (ansible.module_utils.basic, requests).

A module process spends most of its life importing those two; forking skips that and nothing else: the
child gets the requested environment, working directory, argv, sys.path and standard streams, then runs the
module file as `__main__` and exits the way the interpreter would (SystemExit's code, or a traceback and 1).
Nothing of the collection is imported before the fork. The launcher itself is single-threaded, so forking it
is safe.

Protocol: one JSON request per line on stdin,
    {"argv": [module_path, *args], "env": {...}, "cwd": dir, "stdout": path, "stderr": path, "timeout": seconds}
and one JSON answer per line on stdout, {"returncode": n}, negative when a signal ended the module (as with
subprocess). A module still running after `timeout` seconds is ended by SIGALRM.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys

import ansible.module_utils.basic  # noqa: F401  pylint: disable=unused-import
import requests  # noqa: F401  pylint: disable=unused-import


def _become(request):
    """In the child: take the requested process state, then run the module file as a script."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd, path in ((1, request['stdout']), (2, request['stderr'])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.close(devnull)
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    argv = request['argv']
    sys.argv = list(argv)
    # As the interpreter builds it: the script's directory, then PYTHONPATH, then the rest.
    entries = [os.path.dirname(os.path.abspath(argv[0]))]
    entries += [entry for entry in request['env'].get('PYTHONPATH', '').split(os.pathsep) if entry]
    sys.path[:] = entries + [entry for entry in sys.path[1:] if entry not in entries]
    signal.alarm(int(request['timeout']))
    runpy.run_path(argv[0], run_name='__main__')


def main():
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _become(request)
            # A module that returns without exiting ends as a script does, with 0; SystemExit and uncaught
            # exceptions leave through the interpreter, which runs atexit handlers and flushes the streams.
            sys.exit(0)
        status = os.waitpid(pid, 0)[1]
        sys.stdout.write(json.dumps({'returncode': os.waitstatus_to_exitcode(status)}) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
