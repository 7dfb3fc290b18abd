# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make docs` runs these tests on the HTML it has just built: --docsite names its html directory."""

import os

import pytest


def pytest_addoption(parser):
    parser.addoption('--docsite', help='the html directory of the built docsite (make docs)')


@pytest.fixture(scope='session')
def docsite(request):
    path = request.config.getoption('--docsite')
    if not path:
        pytest.fail('tests/docsite reads a built docsite: run `make docs` (or pass --docsite .build/docsite/build/html)')
    return os.path.join(path, 'collections', 'alibabacloud', 'sae')
