# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starts module processes the way `python <module.py> <args.json>` would, by forking a process that has
already imported what every module of the collection imports (ansible.module_utils.basic, requests).

A module process spends most of its life importing those two and, at exit, tearing down what it imported;
forking skips the imports and the child ends without the teardown, nothing else: it gets the requested
environment, working directory, argv, sys.path and standard streams, runs the module file as `__main__` and
exits the way the interpreter would (SystemExit's code, or a traceback and 1; threads waited for, atexit
handlers run, streams flushed).
Nothing of the collection is imported before the fork. The launcher itself is single-threaded, so forking it
is safe.

Protocol: one JSON request per line on stdin,
    {"argv": [module_path, *args], "env": {...}, "cwd": dir, "stdout": path, "stderr": path, "timeout": seconds}
and one JSON answer per line on stdout, {"returncode": n}, negative when a signal ended the module (as with
subprocess). A module still running after `timeout` seconds is ended by SIGALRM.
"""

from __future__ import annotations

import atexit
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


def _exit_code(code):
    """The exit status the interpreter gives SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xff
    sys.stderr.write('%s\n' % code)
    return 1


def _child(request):
    """Run the module and end as the interpreter would: the exit status of SystemExit, or a traceback and 1 for
    an uncaught exception; threads that are not daemons are waited for, atexit handlers run and the streams are
    flushed. Only the interpreter's teardown of everything imported is skipped (os._exit), which would otherwise
    take most of a forked child's life."""
    try:
        _become(request)
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except BaseException:  # pylint: disable=broad-exception-caught
        sys.excepthook(*sys.exc_info())
        code = 1
    # As the interpreter's exit: wait for the threads that are not daemons, then the atexit handlers.
    threading = sys.modules.get('threading')
    if threading is not None:
        threading._shutdown()  # pylint: disable=protected-access
    atexit._run_exitfuncs()  # pylint: disable=protected-access
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    return code


def main():
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os._exit(_child(request))
        status = os.waitpid(pid, 0)[1]
        sys.stdout.write(json.dumps({'returncode': os.waitstatus_to_exitcode(status)}) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
