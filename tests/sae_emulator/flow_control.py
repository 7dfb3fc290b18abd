"""Flow control, as the API gateway applies it: a token bucket per access key and per operation.

Alibaba Cloud's OpenAPI limits the calls of each user to each API (per-user, per-API flow control) and
refuses the excess with HTTP 400 ``Throttling.User`` ("Request was denied due to user flow control.");
FIDELITY.md gives the sources. The rates of the real service are not public: here they are set by the
test, the benchmark or the command line, and off by default.

A bucket holds at most ``burst`` tokens and gains ``rate`` tokens a second; each admitted request takes
one, and a request that finds the bucket empty is refused (it takes nothing, as a rejected call costs
the gateway nothing). ``FlowControl.set(rate, burst, operation=None)`` sets the limit of one operation,
or the default of every operation; ``rate=None`` turns it off. Limits are read at every request, so they
can be switched while the emulator runs; ``throttled`` counts the refusals per operation.
"""

import threading
import time

OPERATIONS = ('CreateIngress', 'UpdateIngress', 'DescribeIngress', 'DeleteIngress', 'ListIngresses')


def parse_limit(text):
    """``'10'``, ``'10/20'`` (rate/burst) or ``'ListIngresses=5/5'`` -> (operation or None, rate, burst)."""
    operation, sep, value = text.partition('=')
    if not sep:
        operation, value = None, text
    elif operation not in OPERATIONS:
        raise ValueError('unknown operation %r in a rate limit; choose one of %s' % (operation, ', '.join(OPERATIONS)))
    rate, _sep, burst = value.partition('/')
    try:
        rate = float(rate)
        burst = float(burst) if burst else max(1.0, rate)
    except ValueError:
        raise ValueError('a rate limit is written RATE[/BURST] or OPERATION=RATE[/BURST], not %r' % text) from None
    if rate <= 0 or burst < 1:
        raise ValueError('a rate limit needs a rate above 0 and a burst of at least 1, not %r' % text)
    return operation, rate, burst


class FlowControl:
    """Token buckets keyed by (access key id, operation); see the module docstring."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._limits = {}  # operation or None (every operation) -> (rate, burst)
        self._buckets = {}  # (access key id, operation) -> [tokens, last refill]
        self.throttled = {}
        self.admitted = {}

    def set(self, rate, burst=None, operation=None):
        """Limit `operation` (None: every operation without a limit of its own) to `rate` requests a second with
        bursts of `burst` (default: max(1, rate)); ``rate=None`` removes that limit."""
        if operation is not None and operation not in OPERATIONS:
            raise ValueError('unknown operation %r; choose one of %s' % (operation, ', '.join(OPERATIONS)))
        with self._lock:
            if rate is None:
                self._limits.pop(operation, None)
            else:
                if rate <= 0 or (burst is not None and burst < 1):
                    raise ValueError('rate must be above 0 and burst at least 1')
                self._limits[operation] = (float(rate), float(burst if burst is not None else max(1.0, rate)))
            self._buckets = {}

    def off(self):
        """No limit on any operation."""
        with self._lock:
            self._limits = {}
            self._buckets = {}

    @property
    def limits(self):
        with self._lock:
            return dict(self._limits)

    @property
    def enabled(self):
        with self._lock:
            return bool(self._limits)

    def reset_counts(self):
        with self._lock:
            self.throttled = {}
            self.admitted = {}

    def admit(self, access_key_id, operation):
        """True when the request may proceed; False when it is refused (its bucket is empty)."""
        with self._lock:
            limit = self._limits.get(operation) or self._limits.get(None)
            if limit is None:
                return True
            rate, burst = limit
            now = self._clock()
            bucket = self._buckets.setdefault((access_key_id, operation), [burst, now])
            bucket[0] = min(burst, bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            if bucket[0] >= 1:
                bucket[0] -= 1
                self.admitted[operation] = self.admitted.get(operation, 0) + 1
                return True
            self.throttled[operation] = self.throttled.get(operation, 0) + 1
            return False
