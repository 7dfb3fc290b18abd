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
# ingress_options: the module file takes its argument spec from here.
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_options import (  # noqa: F401 pylint: disable=unused-import
    INGRESS_HINTS,
    ingress_options,
)
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import normalize_live, results_and_routes
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_validate import ingress_task
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import SaeResource

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
        # routes: the same ingresses one row per rule, for a table or a check of where a domain and path go.
        ingresses, routes = results_and_routes(found)
        return self.get_result(ingresses, routes=routes)
