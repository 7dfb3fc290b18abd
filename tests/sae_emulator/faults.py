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
consumes none), as a per-user flow control would.
"""

import threading

from .errors import SAE_COMMON_ERRORS

FAULT_KINDS = ('throttle', 'unavailable', 'internal', 'reset', 'apply_then_drop', 'latency', 'callback', 'error', 'stuck_page')
OPERATIONS = ('CreateIngress', 'UpdateIngress', 'DescribeIngress', 'DeleteIngress', 'ListIngresses', 'ListApplications')


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
        if kind == 'latency' and not isinstance(options.get('seconds'), (int, float)):
            raise ValueError('a latency fault needs seconds=')
        if kind == 'callback' and not callable(options.get('fn')):
            raise ValueError('a callback fault needs fn=')
        if kind == 'error' and not isinstance(options.get('code'), str):
            raise ValueError('an error fault needs code=')
        if kind == 'error' and options.get('status') is None and options['code'] not in SAE_COMMON_ERRORS:
            raise ValueError('an error fault with code %r needs status=' % options['code'])
        if kind == 'stuck_page':
            if operation not in (None, 'ListIngresses'):
                raise ValueError('a stuck_page fault acts on ListIngresses only')
            operation = 'ListIngresses'
        allowed = {
            'throttle': {'code', 'retry_after'}, 'latency': {'seconds'}, 'callback': {'fn', 'after'},
            'apply_then_drop': {'rst'}, 'error': {'code', 'status', 'message'}, 'stuck_page': {'page'},
        }.get(kind, set())
        unknown = set(options) - allowed
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
