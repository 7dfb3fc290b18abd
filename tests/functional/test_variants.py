# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One lifecycle of sae_ingress and sae_ingress_info under every variant the emulator offers for what no public
source settles (tests/sae_emulator/FIDELITY.md, "Variants"): the module converges under each of them.

The whole integration suite runs under one variant with `SAE_EMULATOR_VARIANTS=name=value` (make test-variants).
"""

from __future__ import annotations

import pytest

import sae_emulator
from sae_emulator import inventory as inv

from harness import CLB, NS, seed, task, writes  # pylint: disable=import-error

NON_DEFAULT = [(switch, value) for switch, values in sorted(sae_emulator.VARIANTS.items()) for value in values[1:]]


@pytest.mark.parametrize('switch, value', NON_DEFAULT, ids=['%s=%s' % item for item in NON_DEFAULT])
def test_a_lifecycle_converges_under_the_variant(run_tasks, emulator_factory, switch, value):
    emulator = emulator_factory(variants={switch: value})
    for port in range(3000, 3060):  # the ingress is found past the first page of 50
        seed(emulator, dict(CLB, name='filler-%d' % port, slb_id=inv.CLB_SPARE_ID, listener_port=port, rules=[]))
    updated = dict(CLB, listener_port=8081, request_timeout=30)
    by_id = {'namespace_id': NS, 'ingress_id': '{{ created.ingress.id }}'}
    tasks = [
        dict(task(CLB), register='created'),
        task(CLB),
        task(updated),
        task(updated),
        task(dict(by_id, request_timeout=20)),
        task(dict(by_id, request_timeout=20)),
        task({'namespace_id': NS, 'app_id': inv.APP_API_ID}, module='alibabacloud.sae.sae_ingress_info'),
        task(dict(by_id, state='absent')),
        task(dict(by_id, state='absent')),
        task({'namespace_id': NS, 'name': 'web', 'state': 'absent'}),
    ]
    run = run_tasks(tasks, emulator=emulator)
    results = run.results
    assert not any(result['failed'] for result in results), run
    assert [result['changed'] for result in results] == [True, False, True, False, True, False, False, True, False, False]
    assert [ingress['name'] for ingress in results[6]['ingresses']] == ['web']
    expected_writes = ['CreateIngress', 'UpdateIngress', 'UpdateIngress', 'DeleteIngress']
    assert [entry['operation'] for entry in writes(emulator)] == expected_writes
    assert len(emulator.ingresses) == 60
