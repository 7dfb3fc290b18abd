# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""What sae_ingress and sae_ingresses both declare about one ingress: its options (the argument spec of sae_ingress,
and of each entry of sae_ingresses) and the hints of the ingress operations' error codes, in those options' words."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import THROTTLING_HINT

# Hints for the error codes of the ingress operations, in the options' words (the module base adds those of the
# API layer). A key ``Operation/Code`` is the hint of that code from that operation alone.
INGRESS_HINTS = {
    'Throttling': THROTTLING_HINT % ("manage a namespace's ingresses in one alibabacloud.sae.sae_ingresses task "
                                     'instead of one task per ingress, or lower forks'),
    'SignatureNonceUsed': 'a request nonce was reused: an earlier attempt reached the service; check the ingress, then '
                          'run again.',
    'InvalidParameter.NotEmpty': 'a required parameter is empty: check the options the task sets.',
    'InvalidParameter.Obviously': 'a parameter is invalid: read the message, then check the option it names.',
    'InvalidParameter.WithMessage': 'a parameter is invalid: read the message, then check the option it names.',
    'InvalidAppId.NotFound': 'no application with that id: check the app_id of default_rule and rules.',
    'InvalidApplication.NotFound': 'no such application: check the app_id of default_rule and rules.',
    'Slb.NotFound': 'no SLB with that slb_id in this region: check slb_id and region.',
    'Exceed.IngressRule': 'an ingress has at most 40 rules: remove some from rules.',
    'SlbListenerPort.NotAvailable': 'the port is taken on that SLB by another ingress: pick another listener_port or remove that ingress.',
    'SSLCert.NotFound': 'no certificate with that id: check cert_id / cert_ids and region.',
    'ListIngresses/IncompleteListing': 'set ingress_id to address the ingress directly (one DescribeIngress, no '
                                       'listing), or run again once the service answers ListIngresses consistently.',
    'ListApplications/IncompleteListing': 'give app_id instead of app_name in default_rule and rules (no '
                                          'ListApplications call), or run again once the service answers '
                                          'ListApplications consistently.',
}


# -- the argument spec of an ingress ---------------------------------------------------------

class _OrNull(tuple):
    """Choices that also take null: a sub-option given as null is unset (keeps the live value), as in the rules
    sae_ingress_info returns, which are valid input as they are. AnsibleModule checks the choices of a key given as
    null (and only then fills in its default), so plain choices would refuse them."""

    def __contains__(self, value):
        return value is None or tuple.__contains__(self, value)


def ingress_options():
    """The options of one ingress (sae_ingress's, and those of each entry of sae_ingresses), all but namespace_id and
    the shared connection options."""
    backend_protocol = dict(type='str', choices=_OrNull(('http', 'https', 'grpc')))
    return dict(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        name=dict(type='str', aliases=['description']),
        ingress_id=dict(type='int', aliases=['id']),
        load_balance_type=dict(type='str', choices=['clb', 'alb']),
        slb_id=dict(type='str'),
        listener_port=dict(type='int'),
        listener_protocol=dict(type='str', choices=['HTTP', 'HTTPS']),
        cert_id=dict(type='str'),
        cert_ids=dict(type='list', elements='str'),
        security_policy_id=dict(type='str'),
        # app_id and app_name together are allowed when they name the same application (sae_ingress_info returns
        # both): checked against the service, not declared mutually exclusive here.
        default_rule=dict(type='dict', required_one_of=[('app_id', 'app_name')], options=dict(
            app_id=dict(type='str'),
            app_name=dict(type='str'),
            container_port=dict(type='int', required=True),
            backend_protocol=backend_protocol,
        )),
        # An entry with state absent needs only domain and path: the rest of a rule to keep is checked in
        # _ingress_validate, which names the entry.
        rules=dict(type='list', elements='dict', options=dict(
            state=dict(type='str', default='present', choices=_OrNull(('present', 'absent'))),
            app_id=dict(type='str'),
            app_name=dict(type='str'),
            container_port=dict(type='int'),
            domain=dict(type='str'),
            path=dict(type='str'),
            backend_protocol=backend_protocol,
            rewrite_path=dict(type='str'),
            rule_actions=dict(type='list', elements='dict', options=dict(
                action_type=dict(type='str'),
                action_config=dict(type='str'),
            )),
        )),
        purge_rules=dict(type='bool', default=True),
        request_timeout=dict(type='int'),
        idle_timeout=dict(type='int'),
        enable_gzip=dict(type='bool'),
        enable_x_forwarded_for=dict(type='bool'),
        enable_x_forwarded_for_client_src_port=dict(type='bool'),
        enable_x_forwarded_for_proto=dict(type='bool'),
        enable_x_forwarded_for_slb_id=dict(type='bool'),
        enable_x_forwarded_for_slb_port=dict(type='bool'),
        cors_config=dict(type='dict', options=dict(
            enable=dict(type='bool'),
            allow_origin=dict(type='list', elements='str'),
            allow_methods=dict(type='list', elements='str'),
            allow_headers=dict(type='list', elements='str'),
            expose_headers=dict(type='list', elements='str'),
            allow_credentials=dict(type='bool'),
            max_age=dict(type='int'),
        )),
        address_type=dict(type='str', choices=['Internet', 'Intranet']),
        load_balancer_edition=dict(type='str', choices=['Standard', 'StandardWithWaf']),
        zone_mappings=dict(type='list', elements='dict', options=dict(
            zone_id=dict(type='str', required=True),
            vswitch_id=dict(type='str', required=True),
        )),
    )
