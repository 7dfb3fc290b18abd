# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""SAE applications: ``ApplicationInfo(sae).run()`` for sae_application_info, and with ``routes`` the rules of the
namespace's ingresses that route to them (one more read: the ListIngresses pages, whose rows carry the rules)."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_shape import normalize_application
from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import results_and_routes
from ansible_collections.alibabacloud.sae.plugins.module_utils._resource import SaeResource


class ApplicationInputError(InputError):
    """A sae_application_info argument that cannot work; the message names the option and the fix."""


class ApplicationInfo(SaeResource):
    """One sae_application_info task: the applications of namespace_id that pass the filters, sorted by name."""

    result_key = 'applications'

    def validate(self):
        # namespace_id is checked by the module base (every module): here the filters.
        if self.params['app_name'] is not None and not self.params['app_name'].strip():
            raise ApplicationInputError('app_name must not be empty: leave it out to list every application.')
        if self.params['app_ids'] is not None and not [item for item in self.params['app_ids'] if item.strip()]:
            raise ApplicationInputError('app_ids must list at least one application id: leave it out to list every '
                                        'application.')

    def find(self):
        # AppName narrows the read; it may match more than the exact name (not documented), so the rows are
        # matched again here. app_ids are matched here too: the format FieldType appIds expects is not documented.
        apps = self.api.list_applications(self.params['namespace_id'], app_name=self.params['app_name'])
        return apps, (self.api.list_ingresses(self.params['namespace_id']) if self.params['routes'] else None)

    def present(self, found):
        rows, ingress_rows = found
        apps = [normalize_application(row) for row in rows]
        if self.params['app_name'] is not None:
            apps = [app for app in apps if app['app_name'] == self.params['app_name']]
        if self.params['app_ids'] is not None:
            wanted = set(item.strip() for item in self.params['app_ids'])
            apps = [app for app in apps if app['app_id'] in wanted]
        apps.sort(key=lambda app: (app['app_name'] or '', app['base_app_id'] or '', app['app_id'] or ''))
        if ingress_rows is None:
            return self.get_result(apps)
        listed = set(app['app_id'] for app in apps)
        routes = results_and_routes(ingress_rows)[1]
        return self.get_result(apps, routes=[route for route in routes if route['app_id'] in listed])
