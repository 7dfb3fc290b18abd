# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The skeleton every resource of the collection runs on: validate, connect, find, decide, act.

A resource subclasses ``SaeResource``, names the key its result goes under (``result_key``, for example
``ingress``) and its error hints (``hints``), and implements ``validate()``, ``find()`` and ``present()`` (and
``absent()`` when the module has ``state: absent``). ``run()`` returns the module result. Failures are raised, never
reported from deep inside: an ``InputError`` (``_errors``) ends in ``fail_json`` with its message, a ``SaeApiError`` or
an ``ApiFailure`` (an API error with the resource's own words around it) in the failure shape with ``error``: code,
message, request_id, status, operation. ``failure()`` builds that shape without failing, for a module that reports
one failure per entry of a list.

``create_once()`` is the create of any resource whose create is a POST: an answer that was lost (the create may have
been applied), or a refusal that says another writer got there first, makes it look again before anything else."""

from __future__ import annotations

from collections import namedtuple

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApiError, SaeUnknownOutcomeError

# What create_once() did: ``created``, the create's answer when it went through; ``found``, what the look after a
# failed create found; ``applied``, whether this task's create is the one that made the resource (an answer was lost,
# then the resource was found).
CreateOutcome = namedtuple('CreateOutcome', 'created found applied')


class ApiFailure(Exception):
    """A failed API call (``err``) with what the resource knows about it: ``msg`` replaces the operation's name at the
    head of the message, ``detail`` follows the service's message, ``result`` goes into the failed result."""

    def __init__(self, err, msg=None, detail=None, **result):
        super().__init__(err.message)
        self.err = err
        self.msg = msg
        self.detail = detail
        self.result = result


def _uncertain(err):
    return isinstance(err, SaeUnknownOutcomeError)


def create_once(create, look, race_codes=(), repeat=False, noun='resource'):
    """Run ``create()`` (a POST); returns a CreateOutcome.

    When the create's outcome is unknown (its answer was lost), or the service refuses it with one of ``race_codes``
    (another writer created the same resource first), ``look()`` finds the resource (or None) before anything else.
    Found: that is the outcome. Not found after a refusal: the refusal is raised. Not found after a lost answer: the
    create is repeated only when ``repeat`` says the service would refuse a duplicate (else the unknown outcome is
    raised rather than risk two resources), and looked for once more if that fails the same way. A look that fails
    after a lost answer raises an ApiFailure that reports both errors (``noun`` names what may exist)."""
    try:
        return CreateOutcome(create(), None, True)
    except SaeApiError as err:
        if not _uncertain(err) and err.code not in race_codes:
            raise
        first = err
    found = _look_after(first, look, noun)
    if found is None and (not _uncertain(first) or not repeat):
        raise first
    if found is not None:
        return CreateOutcome(None, found, _uncertain(first))
    try:
        return CreateOutcome(create(), None, True)
    except SaeApiError as again:
        if not _uncertain(again) and again.code not in race_codes:
            raise _both(first, again, noun)
        latest = again if _uncertain(again) else first
        found = _look_after(latest, look, noun)
        if found is None:
            raise
    return CreateOutcome(None, found, _uncertain(latest))


def _look_after(err, look, noun):
    try:
        return look()
    except SaeApiError as lookup:
        if not _uncertain(err):
            raise
        raise _both(err, lookup, noun)


def _both(err, followup, noun):
    return ApiFailure(err, detail='The %s may exist: %s, which followed, failed too (%s: %s). A rerun finds it and '
                                  'converges.' % (noun, followup.operation, followup.code, followup.message),
                      followup_error=followup.to_dict())


class SaeResource:
    """One task on one kind of SAE resource. ``sae`` is the module base (``_common.SaeModule``)."""

    result_key = None
    hints = {}

    def __init__(self, sae):
        self.sae = sae
        self.module = sae.module
        self.params = sae.module.params
        self.api = None
        sae.add_hints(self.hints)

    def run(self):
        try:
            self.validate()
            self.api = self.sae.connect()
            found = self.find()
            if self.params.get('state') == 'absent':
                return self.absent(found)
            return self.present(found)
        except (InputError, SaeApiError, ApiFailure) as exc:
            self.module.fail_json(**self.failure(exc))
        return None  # fail_json exits

    # -- what a resource implements -------------------------------------------------------

    def validate(self):
        """Checks of the task before any call; raise InputError."""

    def find(self):
        raise NotImplementedError

    def present(self, found):
        raise NotImplementedError

    def absent(self, found):
        raise NotImplementedError

    def explain(self, err):
        """An ApiFailure that says more about ``err`` than the service does, or None (a resource overrides it)."""
        return None

    # -- results and failures -------------------------------------------------------------

    def get_result(self, value, changed=False, **extra):
        """The module result: ``changed`` and ``value`` under ``result_key``, plus ``extra`` (``diff``, ...)."""
        result = dict(changed=changed, **extra)
        result[self.result_key] = value
        return result

    def failure(self, exc):
        """The failed result (``msg`` and what goes with it) of an InputError, a SaeApiError or an ApiFailure."""
        if isinstance(exc, InputError):
            return dict(exc.result, msg=str(exc))
        if isinstance(exc, SaeApiError):
            exc = self.explain(exc) or ApiFailure(exc)
        return self.sae.api_failure(exc.err, msg=exc.msg, detail=exc.detail, **exc.result)
