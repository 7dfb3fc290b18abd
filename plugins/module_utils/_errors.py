# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The one exception family of the task's own failures: input that cannot work, and lookups that cannot decide
(an ambiguous name, a name that only a gateway route has). The resource base (``_resource.SaeResource.run``) turns
each into ``fail_json`` with its message and its ``result`` (extra keys of the failed result, such as the ids the
task could mean). Pure: the standard library only, so the pure shape, validation and plan files raise it too."""

from __future__ import annotations


class InputError(ValueError):
    """A task that cannot be carried out as written; the message names the option and the fix. ``result``: keys
    the failed task returns besides ``msg`` (``ingress_ids``, ``ingress``...)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result
