# Stand-in for the get-pip script that ansible-test downloads to bootstrap pip in its sanity
# virtualenvs. This machine class has no route to that download host, so `make test` installs this
# file where ansible-test looks for a cached copy. It bootstraps pip from the interpreter's bundled
# wheel, then installs the requested pip version from the configured package index.
# Each step runs in a subprocess: running ensurepip in-process turns off pip's configuration
# (including the CA bundle setting) for the rest of the process.
import subprocess
import sys


def main(argv):
    wanted = [arg for arg in argv if arg not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    if wanted:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check'] + wanted)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
