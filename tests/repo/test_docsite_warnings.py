# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hacking/docsite_warnings.py lets through the warnings of intersphinx offline, coloured or not, and nothing else."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, 'hacking', 'docsite_warnings.py')

OFFLINE = [
    "rst/collections/alibabacloud/sae/sae_ingress_module.rst:181: WARNING: 'envvar' reference target not found: "
    "ANSIBLE_DEBUG [ref.envvar]",
    "rst/collections/alibabacloud/sae/sae_ingress_module.rst:2868: WARNING: undefined label: 'common_return_values' "
    "[ref.ref]",
    "WARNING: failed to reach any of the inventories with the following issues:",
]
OTHER = "rst/collections/alibabacloud/sae/sae_ingress_module.rst:12: WARNING: Unknown target name: \"slb_id\"."


def _colour(line):
    """Sphinx's colouring of a warning line (red, then the reset code) when FORCE_COLOR is set."""
    return '\x1b[91m%s\x1b[39;49;00m' % line


def _run(tmp_path, lines):
    log = tmp_path / 'build.log'
    log.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return subprocess.run([sys.executable, SCRIPT, str(log)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize('paint', [str, _colour], ids=['plain', 'coloured'])
def test_intersphinx_warnings_alone_pass(tmp_path, paint):
    result = _run(tmp_path, ['building [html]: targets for 3 source files'] + [paint(line) for line in OFFLINE])
    assert result.returncode == 0, result.stdout
    assert 'docsite build: 3 warnings of intersphinx (offline), 0 others' in result.stdout


@pytest.mark.parametrize('paint', [str, _colour], ids=['plain', 'coloured'])
def test_any_other_warning_fails_and_is_printed(tmp_path, paint):
    result = _run(tmp_path, [paint(line) for line in OFFLINE + [OTHER]])
    assert result.returncode == 1
    assert OTHER in result.stdout
    assert '3 warnings of intersphinx (offline), 1 others' in result.stdout
