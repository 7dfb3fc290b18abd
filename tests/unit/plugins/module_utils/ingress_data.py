# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ingress data the table tests of the ingress module_utils share: API answers and task options."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_plan as plan
from ansible_collections.alibabacloud.sae.plugins.module_utils import _ingress_shape as shape

APP = 'app-1'

APP2 = 'app-2'

DESCRIBE = {
    'Id': 7, 'Name': 'web', 'Description': 'web', 'NamespaceId': 'cn-beijing:prod', 'SlbId': 'lb-1',
    'SlbType': 'internet', 'LoadBalanceType': 'clb', 'ListenerPort': 80, 'CertId': None, 'CertIds': None,
    'SecurityPolicyId': None, 'RequestTimeout': 60, 'IdleTimeout': 15, 'EnableGzip': False,
    'EnableXForwardedFor': True, 'EnableXForwardedForClientSrcPort': False, 'EnableXForwardedForProto': False,
    'EnableXForwardedForSlbId': False, 'EnableXForwardedForSlbPort': False, 'CreatedBySae': False,
    'DefaultRule': {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080},
    'Rules': [
        {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'Domain': 'a.example.com', 'Path': '/',
         'RewritePath': None, 'RuleActions': []},
        {'AppId': APP2, 'AppName': 'two', 'ContainerPort': 8443, 'Domain': 'a.example.com', 'Path': '/api',
         'RewritePath': '', 'RuleActions': []},
    ],
}

ALB_HTTPS = dict(
    DESCRIBE, SlbId='alb-1', LoadBalanceType='alb', ListenerPort=443, ListenerProtocol='HTTPS', CertIds='c-1',
    DefaultRule={'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'BackendProtocol': 'http'},
    Rules=[
        {'AppId': APP, 'AppName': 'one', 'ContainerPort': 8080, 'Domain': 'a.example.com', 'Path': '/',
         'BackendProtocol': 'http', 'RewritePath': None, 'RuleActions': []},
        {'AppId': APP2, 'AppName': 'two', 'ContainerPort': 8443, 'Domain': 'a.example.com', 'Path': '/api',
         'BackendProtocol': 'https', 'RewritePath': '/v1', 'RuleActions': []},
    ])


def params(**kwargs):
    base = dict(state='present', namespace_id='cn-beijing:prod', name='web', ingress_id=None, load_balance_type=None,
                slb_id='lb-1', listener_port=None, listener_protocol=None, cert_id=None, cert_ids=None,
                security_policy_id=None, default_rule=None, rules=None, purge_rules=True, request_timeout=None,
                idle_timeout=None, enable_gzip=None, enable_x_forwarded_for=None,
                enable_x_forwarded_for_client_src_port=None, enable_x_forwarded_for_proto=None,
                enable_x_forwarded_for_slb_id=None, enable_x_forwarded_for_slb_port=None, cors_config=None,
                address_type=None, load_balancer_edition=None, zone_mappings=None)
    base.update(kwargs)
    return base


def rule(domain, path, app=APP, port=8080, **kwargs):
    return dict(dict(app_id=app, container_port=port, domain=domain, path=path, backend_protocol=None, rewrite_path=None), **kwargs)


def changes_for(live_data, purge=True, **kwargs):
    live = shape.normalize_live(live_data)
    wanted = shape.normalize_wanted(params(**kwargs))
    return plan.compute_changes(live, plan.desired_values(live, wanted, purge))
