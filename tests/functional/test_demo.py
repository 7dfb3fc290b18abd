# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` keeps working: the example playbook changes on the first run and is ok on the second."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.long
def test_demo_creates_then_reports_ok():
    env = dict(os.environ)
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'hacking', 'demo.py')], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Demo summary: first run changed=1, second run changed=0.' in proc.stdout
    assert '+    "request_timeout": 120,' in proc.stdout
    assert 'routes to demo-web, demo-api' in proc.stdout  # the applications, named in the playbook and the result
    assert 'Traceback' not in proc.stderr
