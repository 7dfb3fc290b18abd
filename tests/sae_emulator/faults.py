"""Fault injection: a test arms faults; each authenticated API request consumes at most one.

Kinds (keyword arguments in brackets):

* ``throttle`` [code='Throttling.User', retry_after=None]: 400 with that code (retry_after, in
  seconds, also sends the ``x-acs-retry-after`` header).
* ``unavailable``: 503 ServiceUnavailable.
* ``internal``: 500 InternalError.
* ``reset``: the connection is closed with a TCP RST before any response; nothing is applied.
* ``apply_then_drop`` [rst=False]: the operation runs (state changes), then the connection is closed
  without a response (FIN, or RST with rst=True).
* ``error`` [code, status=None, message=None]: an SAE error answer (``ErrorCode``, ``Success: false``) with that
  code; status and message default to those of SAE's common error list (``errors.SAE_COMMON_ERRORS``), and
  another code needs a status. Nothing is applied.
* ``stuck_page`` [page=1]: ListIngresses answers the rows of page ``page`` whatever CurrentPage asks, without
  TotalSize: a listing no client can read to the end (use ``times=None``).
* ``latency`` [seconds]: sleep, then answer normally.
* ``callback`` [fn, after=False]: call ``fn(emulator)`` before handling the request (after=True: after
  handling it, before the response is sent), then answer normally.

``operation=None`` matches any operation; ``times`` counts matching requests (None: forever). Faults
are consumed in arming order. Faults act after authentication (a request the gateway rejects
consumes none), as a per-user flow control would. Each kind is a ``FaultKind`` whose hooks the server calls
around the operation (``KINDS``).
"""

import threading
import time
import traceback

from . import errors
from .errors import ApiError


class FaultKind:
    """What a fault of one kind does to the request it takes; the hooks run in this order, each a no-op here.

    ``before``: ahead of the operation; raises ApiError to answer with it, returns True to drop the connection (RST).
    ``params`` and ``data``: the parameters the operation runs with, the Data its answer carries.
    ``after``: once the operation ran (``error``: the ApiError it failed with, or None); returns the ``rst`` flag to
    drop the connection instead of answering, None to answer.
    """

    options = frozenset()

    def check(self, operation, options):
        """Validate arm()'s options (ValueError); returns the operation the fault acts on."""
        return operation

    def before(self, fault, emulator, entry):
        return False

    def params(self, fault, params):
        return params

    def data(self, fault, data):
        return data

    def after(self, fault, emulator, entry, error):
        return None


class _Throttle(FaultKind):
    options = frozenset(('code', 'retry_after'))

    def before(self, fault, emulator, entry):
        code = fault.options.get('code', errors.THROTTLING_USER)
        headers = None
        if fault.options.get('retry_after') is not None:
            headers = {'x-acs-retry-after': str(fault.options['retry_after'])}
        raise ApiError(400, code, errors.GATEWAY_MESSAGES.get(code, 'Request was denied due to flow control.'), headers=headers)


class _Gateway(FaultKind):
    """``unavailable``, ``internal``: the gateway's answer with this status and code."""

    def __init__(self, status, code):
        self.status, self.code = status, code

    def before(self, fault, emulator, entry):
        raise ApiError(self.status, self.code, errors.GATEWAY_MESSAGES[self.code])


class _Error(FaultKind):
    options = frozenset(('code', 'status', 'message'))

    def check(self, operation, options):
        if not isinstance(options.get('code'), str):
            raise ValueError('an error fault needs code=')
        if options.get('status') is None and options['code'] not in errors.SAE_COMMON_ERRORS:
            raise ValueError('an error fault with code %r needs status=' % options['code'])
        return operation

    def before(self, fault, emulator, entry):
        code = fault.options['code']
        status, message = errors.SAE_COMMON_ERRORS.get(code, (None, 'The request failed.'))
        raise ApiError(fault.options.get('status') or status, code, fault.options.get('message') or message, True)


class _Reset(FaultKind):
    def before(self, fault, emulator, entry):
        entry['code'] = errors.CONNECTION_RESET
        return True


class _ApplyThenDrop(FaultKind):
    options = frozenset(('rst',))

    def after(self, fault, emulator, entry, error):
        entry['code'] = errors.CONNECTION_DROPPED
        if error is not None:
            entry['result_code'] = error.code
        return bool(fault.options.get('rst'))


class _Latency(FaultKind):
    options = frozenset(('seconds',))

    def check(self, operation, options):
        if not isinstance(options.get('seconds'), (int, float)):
            raise ValueError('a latency fault needs seconds=')
        return operation

    def before(self, fault, emulator, entry):
        time.sleep(fault.options['seconds'])
        return False


class _Callback(FaultKind):
    options = frozenset(('fn', 'after'))

    def check(self, operation, options):
        if not callable(options.get('fn')):
            raise ValueError('a callback fault needs fn=')
        return operation

    def before(self, fault, emulator, entry):
        if not fault.options.get('after'):
            self._call(fault, emulator, entry)
        return False

    def after(self, fault, emulator, entry, error):
        if error is None and fault.options.get('after'):
            self._call(fault, emulator, entry)

    @staticmethod
    def _call(fault, emulator, entry):
        try:
            fault.options['fn'](emulator)
        except Exception:
            entry['callback_error'] = traceback.format_exc()
            raise ApiError(500, errors.INTERNAL_ERROR, 'The emulator test callback failed: see the log entry.') from None


class _StuckPage(FaultKind):
    options = frozenset(('page',))

    def check(self, operation, options):
        if operation not in (None, 'ListIngresses'):
            raise ValueError('a stuck_page fault acts on ListIngresses only')
        return 'ListIngresses'

    def params(self, fault, params):
        return dict(params, CurrentPage=str(fault.options.get('page', 1)))

    def data(self, fault, data):
        return {'IngressList': data['IngressList']}


# No fault taken: every hook a no-op.
NO_FAULT = FaultKind()
KINDS = {
    'throttle': _Throttle(), 'unavailable': _Gateway(503, errors.SERVICE_UNAVAILABLE),
    'internal': _Gateway(500, errors.INTERNAL_ERROR), 'reset': _Reset(), 'apply_then_drop': _ApplyThenDrop(),
    'latency': _Latency(), 'callback': _Callback(), 'error': _Error(), 'stuck_page': _StuckPage(),
}
FAULT_KINDS = tuple(KINDS)
OPERATIONS = ('CreateIngress', 'UpdateIngress', 'DescribeIngress', 'DeleteIngress', 'ListIngresses', 'ListApplications',
              'CreateGreyTagRoute', 'UpdateGreyTagRoute', 'DescribeGreyTagRoute', 'DeleteGreyTagRoute', 'ListGreyTagRoute')


class Fault:
    """An armed fault; ``hits`` counts the requests it has acted on, ``remaining`` what is left."""

    def __init__(self, kind, operation, times, options):
        self.kind = kind
        self.operation = operation
        self.remaining = times
        self.options = options
        self.hits = 0
        self.cancelled = False

    @property
    def exhausted(self):
        return self.cancelled or (self.remaining is not None and self.remaining <= 0)

    def matches(self, operation):
        return not self.exhausted and (self.operation is None or self.operation == operation)

    def __repr__(self):
        return 'Fault(%r, operation=%r, remaining=%r, hits=%d)' % (self.kind, self.operation, self.remaining, self.hits)


class FaultInjector:

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def arm(self, kind, operation=None, times=1, **options):
        if kind not in FAULT_KINDS:
            raise ValueError('unknown fault kind %r; choose one of %s' % (kind, ', '.join(FAULT_KINDS)))
        if operation is not None and operation not in OPERATIONS:
            raise ValueError('unknown operation %r; choose one of %s' % (operation, ', '.join(OPERATIONS)))
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError('times must be a positive integer or None')
        operation = KINDS[kind].check(operation, options)
        unknown = set(options) - KINDS[kind].options
        if unknown:
            raise ValueError('unknown options for %s: %s' % (kind, ', '.join(sorted(unknown))))
        fault = Fault(kind, operation, times, options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation):
        """The first armed fault matching ``operation`` (consumed), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(operation):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    fault.hits += 1
                    if fault.exhausted:
                        self._faults.remove(fault)
                    return fault
        return None

    def cancel(self, fault):
        with self._lock:
            fault.cancelled = True
            if fault in self._faults:
                self._faults.remove(fault)

    def clear(self):
        with self._lock:
            for fault in self._faults:
                fault.cancelled = True
            self._faults = []

    @property
    def armed(self):
        with self._lock:
            return list(self._faults)
