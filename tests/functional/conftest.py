# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the integration tests: an emulator per test; `play`, ansible-playbook against it, and `run_tasks`,
the same tasks' modules run without ansible-playbook (harness.py)."""

from __future__ import annotations

import pytest

from sae_emulator import Emulator

import harness  # pylint: disable=import-error


@pytest.fixture(scope='session', autouse=True)
def module_launchers():
    """The launchers harness.run_module forks module processes from end with the session."""
    yield
    harness.close_launchers()


def pytest_configure(config):
    config.addinivalue_line('markers', 'emulator_variants(**switches): switches the emulator fixture pins over '
                                       'SAE_EMULATOR_VARIANTS (a test of call counts that hold for one paging only)')


@pytest.fixture
def emulator(request):
    marker = request.node.get_closest_marker('emulator_variants')
    emu = Emulator(variants=harness.variants_with(**marker.kwargs) if marker else None)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emulator_factory():
    """make(variants=None, **kwargs) -> a started Emulator, stopped at teardown. variants=None takes
    SAE_EMULATOR_VARIANTS (the defaults when unset); a dict names the switches to change."""
    started = []

    def make(variants=None, **kwargs):
        emu = Emulator(variants=variants, **kwargs)
        emu.start()
        started.append(emu)
        return emu

    try:
        yield make
    finally:
        for emu in started:
            emu.stop()


def _runner(tmp_path, emulator, run):
    counter = [0]

    def _run(tasks, **kwargs):
        if isinstance(tasks, dict):
            tasks = [tasks]
        counter[0] += 1
        kwargs.setdefault('name', 'play%d' % counter[0])
        return run(tmp_path, tasks, emulator=kwargs.pop('emulator', emulator), **kwargs)

    return _run


@pytest.fixture
def play(tmp_path, emulator):
    """play(tasks_or_task, **kwargs) -> Run: ansible-playbook against the test's emulator."""
    return _runner(tmp_path, emulator, harness.run_playbook)


@pytest.fixture
def run_tasks(tmp_path, emulator):
    """run_tasks(tasks_or_task, **kwargs) -> Run: the tasks' modules against the test's emulator, without
    ansible-playbook."""
    return _runner(tmp_path, emulator, harness.run_tasks)
