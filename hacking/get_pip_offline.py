# Stand-in for the get-pip script that ansible-test downloads to bootstrap pip in each virtualenv it
# creates. This machine class has no route to that download host, so hacking/run_ansible_test.py installs
# this file where ansible-test looks for a cached copy.
#
# ansible-test runs it as `python get_pip.py [pip options] pip==X [setuptools==Y] [--no-setuptools] [--no-wheel]`
# in a virtualenv without pip. The wheels asked for are downloaded once, from the configured package
# index, into the `wheels` directory next to this file. When pip alone is asked for, its wheel is unpacked
# there once and each virtualenv gets a .pth file that puts that copy on its path: `python -m pip` then
# works in the virtualenv and installs into it, without a copy of pip of its own. Otherwise each virtualenv
# installs the wheels in one step, running pip from its own wheel. Without a bundled pip to download with,
# it falls back to ensurepip followed by a pip install from the index.
# Each step runs in a subprocess: running ensurepip in-process turns off pip's configuration (including the
# CA bundle setting) for the rest of the process.
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

WHEELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'wheels')
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def _cached_wheel(spec):
    name, version = spec.partition('==')[::2]
    found = glob.glob(os.path.join(WHEELS, '%s-%s-*.whl' % (name.replace('-', '_'), version)))
    return found[0] if version and found else None


def _bundled_pip():
    import ensurepip  # pylint: disable=import-outside-toplevel
    found = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
    return found[-1] if found else None


def _download(specs, options):
    """Download the wheels of `specs` into WHEELS with the interpreter's bundled pip; False when there is none."""
    bundled = _bundled_pip()
    if bundled is None:
        return False
    os.makedirs(WHEELS, exist_ok=True)
    staging = tempfile.mkdtemp(dir=WHEELS, prefix='.download-')
    try:
        subprocess.check_call([sys.executable, os.path.join(bundled, 'pip'), 'download', '--no-deps', '--only-binary', ':all:',
                               '--dest', staging] + options + specs)
        for name in os.listdir(staging):
            os.replace(os.path.join(staging, name), os.path.join(WHEELS, name))  # atomic: concurrent runs may race
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _wheels_at_hand(specs, options):
    """Whether WHEELS holds the wheel of each pinned spec, after downloading what is missing."""
    return all(_cached_wheel(spec) for spec in specs) or _download(specs, options)


def _install_from_wheels(specs, options):
    """Install pinned `specs` (pip among them) from WHEELS, downloading what is missing; False when it cannot."""
    pins = dict(spec.partition('==')[::2] for spec in specs)
    if not pins.get('pip') or not all(pins.values()):
        return False
    if not _wheels_at_hand(specs, options):
        return False
    pip = os.path.join(_cached_wheel('pip==' + pins['pip']), 'pip')
    subprocess.check_call([sys.executable, pip, 'install', '--no-index', '--find-links', WHEELS] + options + specs)
    return True


def _link_pip(specs, options):
    """pip==X alone: put one unpacked copy of its wheel, shared by every virtualenv, on this one's path."""
    if len(specs) != 1 or not specs[0].startswith('pip=='):
        return False
    if not _wheels_at_hand(specs, options):
        return False
    wheel = _cached_wheel(specs[0])
    unpacked = wheel[:-len('.whl')]
    if not os.path.isdir(unpacked):
        staging = tempfile.mkdtemp(dir=WHEELS, prefix='.unpack-')
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(staging)
        try:
            os.rename(staging, unpacked)
        except OSError:  # another run unpacked it first
            shutil.rmtree(staging, ignore_errors=True)
    with open(os.path.join(sysconfig.get_paths()['purelib'], 'pip-from-cache.pth'), 'w', encoding='utf-8') as handle:
        handle.write(unpacked + '\n')
    return True


def main(argv):
    options = [arg for arg in argv if arg.startswith('-') and arg not in GET_PIP_ONLY]
    specs = [arg for arg in argv if not arg.startswith('-')]
    if _link_pip(specs, options) or _install_from_wheels(specs, options):
        return 0
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    if specs:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + options + specs)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
