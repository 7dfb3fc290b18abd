# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The ingress modules on the skeleton of ``_resource``: ``IngressResource(sae).run()`` for sae_ingress (validate the
task, find its ingress, then the acts of ``_ingress_converge``) and ``IngressInfo(sae).run()`` for sae_ingress_info.
``sae`` is the module base (``_common.SaeModule``)."""

from __future__ import annotations

from collections import namedtuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_names import ApplicationNames
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_converge import IngressActs, app_id_failure, delete
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_lookup import find_row, routed
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import normalize_live, result_from_live, routes
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import ingress_task
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import SaeResource

# Hints for the error codes of the ingress operations, in the options' words (the module base adds those of the
# API layer). A key ``Operation/Code`` is the hint of that code from that operation alone.
INGRESS_HINTS = {
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
# What find() found: the live ingress or None; the namespace's ListIngresses rows when they were read (by name or
# listener), else None; whether ``live`` comes from DescribeIngress (every field) rather than a row.
Found = namedtuple('Found', 'live rows full')


class IngressResource(SaeResource):
    """One sae_ingress task: find the ingress, then converge, create or delete it."""

    result_key = 'ingress'
    hints = INGRESS_HINTS

    def __init__(self, sae):
        super().__init__(sae)
        self.task = None

    def validate(self):
        self.task = ingress_task(self.params)

    def explain(self, err):
        return app_id_failure(err, self.task.wanted if self.task else None)

    def find(self):
        """By ingress_id (one DescribeIngress), else by name, else by listener (slb_id and listener_port, which identify
        an ingress): the last two read every page of ListIngresses in namespace_id."""
        task = self.task
        if task.ingress_id is not None:
            data = self.api.describe_ingress(task.ingress_id)
            return Found(normalize_live(data) if data else None, None, True)
        rows = self.api.list_ingresses(task.namespace_id)
        row = find_row(rows, task.namespace_id, task.name, task.wanted)
        return Found(normalize_live(row) if row else None, rows, False)

    def acts(self):
        return IngressActs(self.api, self.module.check_mode, self.module.warn,
                           ApplicationNames(self.api, self.task.namespace_id))

    def present(self, found):
        if found.live is None and self.task.ingress_id is not None:
            raise InputError('No ingress has ingress_id %s. An id cannot be chosen at creation: remove ingress_id and set '
                             'name to create the ingress.' % self.task.ingress_id)
        return self.acts().ensure(self.task, found.live, found.rows, found.full)

    def absent(self, found):
        return delete(self.api, self.module.check_mode, self.task, found.live)


_INFO_FILTERS = ('name', 'slb_id', 'listener_port', 'load_balance_type')


class IngressInfo(SaeResource):
    """One sae_ingress_info task: the ingresses the options select, sorted by id."""

    result_key = 'ingresses'
    hints = INGRESS_HINTS

    def matches(self, data, filters=_INFO_FILTERS):
        """Whether an ingress (a DescribeIngress answer or a ListIngresses row) passes every filter that is set."""
        live = normalize_live(data)
        if not all(self.params[option] is None or live.get(option) == self.params[option] for option in filters):
            return False
        # app_id is matched here, not with ListIngresses' AppId: whether that filter also matches the default rule is
        # not documented, and app_id means "routes to the application" through any rule. app_name by the AppName the
        # service reports for every rule: no ListApplications read.
        return all(self.params[option] is None or self.params[option] in routed(data, key)
                   for option, key in (('app_id', 'AppId'), ('app_name', 'AppName')))

    def find(self):
        params = self.params
        if params['ingress_id'] is not None:
            data = self.api.describe_ingress(params['ingress_id'])
            # The ingress asked for, kept only if it passes the other filters too: namespace_id among them (a
            # ListIngresses of namespace_id applies that one by itself).
            return [data] if data and self.matches(data, ('namespace_id',) + _INFO_FILTERS) else []
        rows = [row for row in self.api.list_ingresses(params['namespace_id']) if self.matches(row)]
        if params['name'] is None and not params['details']:
            return rows
        # DescribeIngress leaves out what only a row carries (CreateTime, the MSE gateway fields): kept from the row.
        return [dict(row, **(self.api.describe_ingress(row['Id']) or {})) for row in rows]

    def present(self, found):
        ingresses = sorted((result_from_live(normalize_live(data)) for data in found), key=lambda item: item['id'] or 0)
        # routes: the same ingresses one row per rule, for a table or a check of where a domain and path go.
        return self.get_result(ingresses, routes=[route for ingress in ingresses for route in routes(ingress)])


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
