# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The skeleton every resource of the collection runs on: validate, connect, find, decide, act.

A resource subclasses ``SaeResource``, names the key its result goes under (``result_key``, for example
``ingress``) and the input errors of its validation (``input_errors``), and implements ``find()`` and
``present()`` (and ``absent()`` when the module has ``state: absent``). ``run()`` returns the module
result; an input error ends in ``fail_json`` with its message, a ``SaeApiError`` in ``SaeModule.fail_api``
(the failure shape with ``error``: code, message, request_id, status, operation)."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError


class SaeResource:
    """One task on one kind of SAE resource. ``sae`` is the module base (``_common.SaeModule``)."""

    result_key = None
    input_errors = ()

    def __init__(self, sae):
        self.sae = sae
        self.module = sae.module
        self.params = sae.module.params
        self.api = None

    def run(self):
        try:
            self.validate()
            self.api = self.sae.connect()
            found = self.find()
            if self.params.get('state') == 'absent':
                return self.absent(found)
            return self.present(found)
        except SaeApiError as err:
            self.fail_api(err)
        except self.input_errors as err:  # pylint: disable=catching-non-exception
            self.fail(str(err))
        return None  # not reached: fail_json exits

    # -- what a resource implements -------------------------------------------------------

    def validate(self):
        """Checks of the task before any call; raise one of ``input_errors``."""

    def find(self):
        raise NotImplementedError

    def present(self, found):
        raise NotImplementedError

    def absent(self, found):
        raise NotImplementedError

    # -- results and failures -------------------------------------------------------------

    def get_result(self, value, changed=False, **extra):
        """The module result: ``changed`` and ``value`` under ``result_key``, plus ``extra`` (``diff``, ...)."""
        result = dict(changed=changed, **extra)
        result[self.result_key] = value
        return result

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **result)

    def fail_api(self, err, msg=None, **result):
        self.sae.fail_api(err, msg=msg, **result)
