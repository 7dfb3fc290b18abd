"""The cloud resources the emulated SAE service knows about: SLBs, certificates and applications.

An inventory is given as a plain dict (JSON-friendly)::

    {
        'region': 'cn-beijing',
        'slbs': [{'id': 'lb-...', 'type': 'clb' | 'alb', 'address': 'internet' | 'intranet'}],
        'clb_certs': ['<CLB certificate id>', ...],
        'alb_certs': ['<digits>-<region>', ...],
        'apps': [{'id': '<uuid>', 'name': 'demo-web', 'namespace': 'cn-beijing:demo', 'ports': [8080, 8443],
                  'instances': 2, 'running_instances': 2, 'base_app_id': '<uuid of the base application>'}],
    }

An application with ``base_app_id`` is a canary of that application (ListApplications reports it with
``BaseAppId`` and among the base application's ``Children``). Every application belongs to one namespace (required: an ingress may only route to applications of
its own namespace). Missing keys mean "none of those" (the region defaults to cn-beijing). ``default_inventory()``
returns a fresh copy of the default below, to extend in a test.
"""

import copy

REGION = 'cn-beijing'
NAMESPACE_ID = 'cn-beijing:demo'
OTHER_NAMESPACE_ID = 'cn-beijing:staging'

CLB_INTERNET_ID = 'lb-2zeclbinternet001'
CLB_INTRANET_ID = 'lb-2zeclbintranet002'
CLB_SPARE_ID = 'lb-2zeclbinternet003'
ALB_INTERNET_ID = 'alb-2zealbinternet01'
ALB_INTRANET_ID = 'alb-2zealbintranet02'
CLB_IDS = (CLB_INTERNET_ID, CLB_INTRANET_ID, CLB_SPARE_ID)
ALB_IDS = (ALB_INTERNET_ID, ALB_INTRANET_ID)

CLB_CERT_ID = '1880770869023456_176993d5f6b_1814375133_1087243210'
CLB_CERT_ID_2 = '1880770869023456_18a2c4e7d10_1935541207_1087243211'
CLB_CERT_IDS = (CLB_CERT_ID, CLB_CERT_ID_2)
ALB_CERT_ID = '8736535-cn-beijing'
ALB_CERT_ID_2 = '8123423-cn-beijing'
ALB_CERT_ID_3 = '9054017-cn-beijing'
ALB_CERT_IDS = (ALB_CERT_ID, ALB_CERT_ID_2, ALB_CERT_ID_3)

APP_WEB_ID = '395b60e4-0550-458d-9c54-a265d0361a01'
APP_API_ID = '666403ce-d25b-47cf-87fe-497565d2c4b2'
APP_ADMIN_ID = 'bbf3a590-6d13-46fe-8ca9-c947a20b5d73'
APP_WEB_NAME = 'demo-web'
APP_API_NAME = 'demo-api'
APP_ADMIN_NAME = 'demo-admin'
APP_IDS = (APP_WEB_ID, APP_API_ID, APP_ADMIN_ID)
# An application of the other namespace (an ingress of NAMESPACE_ID may not route to it).
APP_STAGING_ID = '5f0c7a1e-3b2d-4e8f-9a61-0d2c4b7e8f93'
APP_STAGING_NAME = 'staging-web'
APP_PORTS = (8080, 8443)
# A canary of demo-web (same name, BaseAppId set), and an application whose name starts with demo-web's.
APP_WEB_CANARY_ID = '8d2e4a6c-1f3b-4d5e-8a7c-9b0d1e2f3a4b'
APP_WEB_GREEN_ID = 'c4a1e7d2-9b3f-4a6e-8d5c-2f1b0e9a7c63'
APP_WEB_GREEN_NAME = 'demo-web-green'

DEFAULT_INVENTORY = {
    'region': REGION,
    'slbs': [
        {'id': CLB_INTERNET_ID, 'type': 'clb', 'address': 'internet'},
        {'id': CLB_INTRANET_ID, 'type': 'clb', 'address': 'intranet'},
        {'id': CLB_SPARE_ID, 'type': 'clb', 'address': 'internet'},
        {'id': ALB_INTERNET_ID, 'type': 'alb', 'address': 'internet'},
        {'id': ALB_INTRANET_ID, 'type': 'alb', 'address': 'intranet'},
    ],
    'clb_certs': list(CLB_CERT_IDS),
    'alb_certs': list(ALB_CERT_IDS),
    'apps': [
        {'id': APP_WEB_ID, 'name': APP_WEB_NAME, 'namespace': NAMESPACE_ID, 'ports': list(APP_PORTS)},
        {'id': APP_API_ID, 'name': APP_API_NAME, 'namespace': NAMESPACE_ID, 'ports': list(APP_PORTS)},
        {'id': APP_ADMIN_ID, 'name': APP_ADMIN_NAME, 'namespace': NAMESPACE_ID, 'ports': list(APP_PORTS)},
        {'id': APP_WEB_CANARY_ID, 'name': APP_WEB_NAME, 'namespace': NAMESPACE_ID, 'ports': list(APP_PORTS),
         'base_app_id': APP_WEB_ID, 'instances': 1, 'running_instances': 1},
        {'id': APP_WEB_GREEN_ID, 'name': APP_WEB_GREEN_NAME, 'namespace': NAMESPACE_ID, 'ports': list(APP_PORTS)},
        {'id': APP_STAGING_ID, 'name': APP_STAGING_NAME, 'namespace': OTHER_NAMESPACE_ID, 'ports': list(APP_PORTS)},
    ],
}


def default_inventory():
    return copy.deepcopy(DEFAULT_INVENTORY)


class Inventory:
    """The resources of one emulated account and region (mutable: SAE may provision ALBs)."""

    def __init__(self, spec=None):
        spec = DEFAULT_INVENTORY if spec is None else spec
        self.region = spec.get('region') or REGION
        self.slbs = {}
        for slb in spec.get('slbs') or ():
            self.add_slb(slb['id'], slb['type'], slb.get('address', 'internet'))
        self.clb_certs = frozenset(spec.get('clb_certs') or ())
        self.alb_certs = frozenset(spec.get('alb_certs') or ())
        self.apps = {}
        for app in spec.get('apps') or ():
            if not app.get('namespace'):
                raise ValueError('inventory application %r has no namespace' % (app.get('id'),))
            self.apps[app['id']] = {'id': app['id'], 'name': app.get('name', app['id']), 'namespace': app['namespace'],
                                    'ports': list(app.get('ports') or ()), 'base_app_id': app.get('base_app_id'),
                                    'instances': app.get('instances', 2), 'running_instances': app.get('running_instances', 2)}

    def add_slb(self, slb_id, slb_type, address, created_by_sae=False, edition=None):
        if slb_type not in ('clb', 'alb'):
            raise ValueError('SLB type must be clb or alb: %r' % (slb_type,))
        if address not in ('internet', 'intranet'):
            raise ValueError('SLB address must be internet or intranet: %r' % (address,))
        self.slbs[slb_id] = {'id': slb_id, 'type': slb_type, 'address': address, 'created_by_sae': created_by_sae, 'edition': edition}
        return self.slbs[slb_id]

    def provisioned_slbs(self):
        return [dict(slb) for slb in self.slbs.values() if slb['created_by_sae']]

    def namespaces(self):
        """The namespaces the inventory's applications live in, sorted."""
        return sorted({app['namespace'] for app in self.apps.values()})

    def canaries(self):
        """(base application id, canary application id) pairs, in inventory order."""
        return [(app['base_app_id'], app['id']) for app in self.apps.values() if app['base_app_id']]

    def app_name(self, app_id):
        app = self.apps.get(app_id)
        return app['name'] if app else ''

    def to_dict(self):
        return {
            'region': self.region,
            'slbs': [dict(slb) for slb in self.slbs.values()],
            'clb_certs': sorted(self.clb_certs),
            'alb_certs': sorted(self.alb_certs),
            'apps': [copy.deepcopy(app) for app in self.apps.values()],
        }
