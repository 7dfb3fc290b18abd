# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sae_ingress_info's filters and details against the emulator: what is selected, and what it costs."""

from __future__ import annotations

import pytest

from sae_emulator import inventory as inv

import harness  # pylint: disable=import-error
from harness import ALB, CLB, NS, PAGING_WITH_TOTAL, operations, seed, task  # pylint: disable=import-error

INFO = 'alibabacloud.sae.sae_ingress_info'
# Call counts of a ListIngresses that reports TotalSize (harness.PAGING_WITH_TOTAL).
pytestmark = pytest.mark.emulator_variants(**PAGING_WITH_TOTAL)


@pytest.fixture
def namespace(emulator):
    """Four ingresses: two CLB on one SLB, one on another CLB, one ALB; plus 100 fillers (pages of 50)."""
    ids = {
        'web': seed(emulator, CLB),
        'web-81': seed(emulator, dict(CLB, name='web-81', listener_port=81, rules=[])),
        'intranet': seed(emulator, dict(CLB, name='intranet', slb_id=inv.CLB_INTRANET_ID,
                                        default_rule={'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}, rules=[])),
        'shop': seed(emulator, ALB),
    }
    for port in range(2000, 2100):
        seed(emulator, dict(CLB, name='filler-%d' % port, slb_id=inv.CLB_SPARE_ID, listener_port=port, rules=[],
                            default_rule={'app_id': inv.APP_ADMIN_ID, 'container_port': 8080}))
    emulator.clear_log()
    return ids


@pytest.mark.parametrize('filters, expected', [
    ({'slb_id': inv.CLB_INTERNET_ID}, ['web', 'web-81']),
    ({'slb_id': inv.CLB_INTERNET_ID, 'listener_port': 81}, ['web-81']),
    ({'listener_port': 443}, ['shop']),
    ({'load_balance_type': 'alb'}, ['shop']),
    ({'app_id': inv.APP_API_ID}, ['shop', 'web']),
    ({'app_id': inv.APP_ADMIN_ID, 'slb_id': inv.CLB_INTRANET_ID}, ['intranet']),
    ({'name': 'web', 'load_balance_type': 'alb'}, []),
], ids=['slb', 'listener', 'port', 'type', 'app', 'app-and-slb', 'none'])
def test_filters_select_every_match_across_pages(run_tasks, emulator, namespace, filters, expected):
    run = run_tasks(task(dict({'namespace_id': NS}, **filters), module=INFO))
    result = run.result
    assert not result['failed'] and not result['changed'], run
    by_id = dict((ingress_id, name) for name, ingress_id in namespace.items())
    assert sorted(by_id[ingress['id']] for ingress in result['ingresses']) == sorted(expected)
    assert operations(emulator) == ['ListIngresses'] * 3  # 104 ingresses: every page once, no describe


def test_details_describe_every_match(run_tasks, emulator, namespace):
    run = run_tasks([task({'namespace_id': NS, 'slb_id': inv.CLB_INTERNET_ID}, module=INFO),
                     task({'namespace_id': NS, 'slb_id': inv.CLB_INTERNET_ID, 'details': True}, module=INFO)])
    rows, details = run.results
    assert [i['id'] for i in rows['ingresses']] == [i['id'] for i in details['ingresses']] == sorted(
        [namespace['web'], namespace['web-81']])
    assert all(i['enable_gzip'] is None for i in rows['ingresses'])  # a list row does not carry it
    reported = 'enable_gzip' not in harness.UNREPORTED  # a variant: the service may not report it at all
    assert all(i['enable_gzip'] is (False if reported else None) and i['created_by_sae'] is False
               for i in details['ingresses'])
    assert operations(emulator) == ['ListIngresses'] * 6 + ['DescribeIngress'] * 2


@pytest.mark.parametrize('filters, found', [
    ({'namespace_id': NS}, True),
    ({'namespace_id': inv.OTHER_NAMESPACE_ID}, False),
    ({'namespace_id': NS, 'name': 'frontdoor'}, False),
    ({'namespace_id': NS, 'app_id': inv.APP_ADMIN_ID}, False),
    ({'namespace_id': NS, 'app_id': inv.APP_API_ID}, True),
    ({'region': inv.REGION, 'slb_id': inv.CLB_INTRANET_ID}, False),
    ({'region': inv.REGION, 'listener_port': 80, 'load_balance_type': 'clb'}, True),
    ({'region': inv.REGION, 'load_balance_type': 'alb'}, False),
], ids=['namespace', 'other-namespace', 'name', 'app', 'routed-app', 'slb', 'listener', 'type'])
def test_ingress_id_is_filtered_by_the_other_options(run_tasks, emulator, filters, found):
    """ingress_id describes one ingress; namespace_id and the filters still apply to it."""
    ingress_id = seed(emulator, CLB)
    emulator.clear_log()
    result = run_tasks(task(dict(filters, ingress_id=ingress_id), module=INFO)).result
    assert not result['failed'], result
    assert [ingress['id'] for ingress in result['ingresses']] == ([ingress_id] if found else [])
    assert operations(emulator) == ['DescribeIngress']
