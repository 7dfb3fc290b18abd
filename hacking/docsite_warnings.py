# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail on every warning of the docsite build (make docs) except those of intersphinx, offline.

    python hacking/docsite_warnings.py .build/docsite/build.log

Offline, intersphinx cannot fetch the inventories of docs.python.org, jinja and docs.ansible.com: it warns once per
inventory, and the references that only those inventories resolve stay unresolved. antsibull-docs writes such
references on every module page and on its environment variables page (E(ANSIBLE_...) in the docs, the labels of
ansible-core's own documentation); they resolve on docs.ansible.com. Any other warning or error fails.
Sphinx colours its warnings when the environment asks for it (FORCE_COLOR, a terminal): the colour codes are removed
before a line is judged.
"""

import re
import sys

ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
INTERSPHINX = (
    re.compile(r'WARNING: failed to reach any of the inventories'),
    re.compile(r"WARNING: 'envvar' reference target not found: ANSIBLE_[A-Z_]+ \[ref\.envvar\]$"),
    re.compile(r"WARNING: undefined label: '(common_return_values|ansible_configuration_settings)' \[ref\.ref\]$"),
)


def main(path):
    with open(path, encoding='utf-8') as handle:
        lines = ANSI_ESCAPE.sub('', handle.read()).splitlines()
    allowed, other = [], []
    for line in lines:
        if 'WARNING' not in line and 'ERROR' not in line and 'CRITICAL' not in line:
            continue
        if line.lstrip().startswith('intersphinx inventory '):  # the lines of a failed inventory's report
            allowed.append(line)
        elif any(pattern.search(line) for pattern in INTERSPHINX):
            allowed.append(line)
        else:
            other.append(line)
    for line in other:
        print(line)
    print('docsite build: %d warnings of intersphinx (offline), %d others' % (len(allowed), len(other)))
    return 1 if other else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
