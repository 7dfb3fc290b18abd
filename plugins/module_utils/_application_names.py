# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Application names to ids, for any resource whose options name an application (``app_name``): one ListApplications
read of the namespace, every page, made only when a name has to be resolved, and shared by every name (and every
entry) of the task."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._application_shape import names_by_id, resolve_names


class ApplicationNames:
    """The applications of ``namespace_id`` as ``api`` (a ``_sae_api.SaeApi``) lists them, read at most once."""

    def __init__(self, api, namespace_id):
        self.api = api
        self.namespace_id = namespace_id
        self._rows = None

    def resolve(self, wanted):
        """``(ids_by_name, names_by_id)`` for ``wanted`` (``[(label, name)]``, the label naming the option, such as
        ``rules[1]``). Raises AppNameError (an InputError) before any write when a name matches no application or
        several. The AppName filter of the API takes one name and its matching is not documented: the whole
        namespace is read."""
        if self._rows is None:
            self._rows = self.api.list_applications(self.namespace_id)
        return resolve_names(self._rows, wanted, self.namespace_id), names_by_id(self._rows)
