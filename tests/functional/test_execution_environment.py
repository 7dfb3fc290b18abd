# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment example (docs/execution-environment/) and the collection's EE metadata.

Building an image needs a container engine, which CI does not have. These tests run what can run
without one and without network access: ``ansible-builder create`` on the example (the build context
and its Containerfile), then the galaxy stage's collection install and the builder stage's
introspection, both from the generated context, so the dependencies the image would get are checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import yaml
from bindep.depends import Depends

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE_DIR = os.path.join(COLLECTION_ROOT, 'docs', 'execution-environment')
BIN_DIR = os.path.dirname(sys.executable)
PYTHON_REQUIREMENTS = ('requests', 'alibabacloud-credentials')


def run(args, cwd, tmp_path):
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_NOCOLOR='1')
    # As in a fresh image: the checkout must not count as an installed copy of the collection.
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
    proc = subprocess.run(args, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, '%s failed:\n%s\n%s' % (' '.join(args), proc.stdout[-4000:], proc.stderr[-4000:])
    return proc.stdout


def collection_version():
    with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['version']


def requirement_names(lines):
    names = []
    for line in lines:
        line = line.split('#', 1)[0].strip()
        if line:
            for separator in '<>=!~; [':
                line = line.split(separator, 1)[0]
            names.append(line.strip().lower())
    return names


def test_collection_metadata_for_ansible_builder():
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    assert meta == {'version': 1, 'dependencies': {'python': 'requirements.txt', 'system': 'bindep.txt'}}
    with open(os.path.join(COLLECTION_ROOT, 'requirements.txt'), encoding='utf-8') as handle:
        assert sorted(requirement_names(handle)) == sorted(PYTHON_REQUIREMENTS)
    with open(os.path.join(COLLECTION_ROOT, 'bindep.txt'), encoding='utf-8') as handle:
        depends = Depends(handle.read())
    for profiles in (['platform:rpm'], ['platform:dpkg']):
        assert [rule[0] for rule in depends.active_rules(profiles)] == ['python3']


def test_example_build_context(tmp_path):
    version = collection_version()
    example = tmp_path / 'example'
    shutil.copytree(EXAMPLE_DIR, str(example))
    run([os.path.join(BIN_DIR, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(example), COLLECTION_ROOT],
        COLLECTION_ROOT, tmp_path)
    tarball_name = 'alibabacloud-sae-%s.tar.gz' % version
    assert (example / tarball_name).is_file()

    context = tmp_path / 'context'
    run([os.path.join(BIN_DIR, 'ansible-builder'), 'create', '--file', str(example / 'execution-environment.yml'),
         '--context', str(context), '--output-filename', 'Containerfile'], example, tmp_path)

    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    assert 'COPY _build /build' in containerfile
    assert 'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in containerfile
    assert 'introspect.py introspect' in containerfile
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        requires_ansible = yaml.safe_load(handle)['requires_ansible']
    assert 'ansible-core%s,' % requires_ansible in containerfile

    build = context / '_build'
    with open(str(build / 'requirements.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert galaxy['collections'] == [{'name': 'collections/%s' % tarball_name, 'type': 'file'}]
    tarball = build / 'collections' / tarball_name
    assert tarball.is_file()
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
        for member in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt', 'plugins/modules/sae_ingress.py'):
            assert member in names, member
        packed = archive.extractfile('requirements.txt').read().decode('utf-8').splitlines()
    assert sorted(requirement_names(packed)) == sorted(PYTHON_REQUIREMENTS)

    # The galaxy stage, as the Containerfile runs it (from /build, which is _build), offline.
    installed = tmp_path / 'usr-share-ansible' / 'collections'
    run([os.path.join(BIN_DIR, 'ansible-galaxy'), 'collection', 'install', '--offline', '-r', 'requirements.yml',
         '--collections-path', str(installed)], build, tmp_path)
    assert (installed / 'ansible_collections' / 'alibabacloud' / 'sae' / 'meta' / 'execution-environment.yml').is_file()

    # The builder stage's introspection, with the script the context carries.
    pip_out, bindep_out = tmp_path / 'requirements.txt', tmp_path / 'bindep.txt'
    run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(installed),
         '--write-pip', str(pip_out), '--write-bindep', str(bindep_out)], tmp_path, tmp_path)
    pip_lines = pip_out.read_text(encoding='utf-8').splitlines()
    assert sorted(requirement_names(pip_lines)) == sorted(PYTHON_REQUIREMENTS)
    assert all(line.endswith('# from collection alibabacloud.sae') for line in pip_lines if line.strip())
    assert requirement_names(bindep_out.read_text(encoding='utf-8').splitlines()) == ['python3']
