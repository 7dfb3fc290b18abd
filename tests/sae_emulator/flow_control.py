"""Flow control, as the API gateway applies it: per-operation token buckets and one account-wide limit.

SAE documents one limit: 60 API calls a minute per user, all APIs together; above it the gateway answers HTTP 400
``Throttling.User`` ("Request was denied due to user flow control."). FIDELITY.md ("Flow control") gives the sources.
How that limit counts is not public, so the emulator lets a test choose:

* ``set_account(calls, window=60.0, burst=None)``: at most ``calls`` admitted calls per ``window`` seconds over every
  operation and every access key of the emulator (one emulator is one account). How the window works is the
  ``window`` setting (variant ``flow_window``): ``sliding`` (no ``window`` seconds ever hold more than ``calls``
  admitted calls), ``fixed`` (the count starts again at each multiple of ``window`` seconds of the clock) or ``bucket``
  (a token bucket of ``burst`` tokens, default ``calls``, refilled at ``calls / window`` a second). Whether a refused
  call uses the quota too is ``refused_calls_count`` (variant of the same name): ``no``, or ``yes`` (a refused call
  counts as if admitted, so a client that keeps calling while refused stays refused).
* ``set(rate, burst=None, operation=None)``: the emulator's own test instrument, a token bucket per access key and
  per operation (``rate`` requests a second, bursts of ``burst``); ``operation=None`` is the default of every
  operation without a limit of its own. A refused request takes nothing from these buckets.

Limits are off until set, read at every request (switch them while the emulator runs); ``off()`` removes all of them.
``throttled`` counts the refusals per operation (whichever limit refused), ``account_throttled`` those of the
account-wide limit alone, ``admitted`` the calls let through per operation while any limit was on.
"""

import collections
import math
import threading
import time

OPERATIONS = (
    'CreateIngress', 'UpdateIngress', 'DescribeIngress', 'DeleteIngress', 'ListIngresses', 'ListApplications',
    'CreateGreyTagRoute', 'UpdateGreyTagRoute', 'DescribeGreyTagRoute', 'DeleteGreyTagRoute', 'ListGreyTagRoute',
)
WINDOWS = ('sliding', 'fixed', 'bucket')
REFUSED_CALLS_COUNT = ('no', 'yes')
# SAE's documented limit: 60 API calls a minute per user (its FAQ on throttling).
SAE_ACCOUNT_LIMIT = (60, 60.0)
# What check() answers when a limit refuses the call.
OPERATION_LIMIT = 'operation'
ACCOUNT_LIMIT = 'account'


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


def parse_account_limit(text):
    """``'60'`` (a minute), ``'60/60'`` (calls/window seconds) or ``'60/60/10'`` (.../burst) -> (calls, window, burst)."""
    parts = str(text).split('/')
    try:
        if len(parts) > 3:
            raise ValueError(text)
        calls = int(parts[0])
        window = float(parts[1]) if len(parts) > 1 and parts[1] else SAE_ACCOUNT_LIMIT[1]
        burst = float(parts[2]) if len(parts) > 2 and parts[2] else None
    except ValueError:
        raise ValueError('an account limit is written CALLS[/WINDOW_SECONDS[/BURST]], e.g. 60/60, not %r' % (text,)) from None
    _check_account(calls, window, burst)
    return calls, window, burst


def _check_account(calls, window, burst):
    if isinstance(calls, bool) or not isinstance(calls, int) or calls < 1:
        raise ValueError('an account limit needs a whole number of calls of at least 1, not %r' % (calls,))
    if not window > 0 or math.isinf(window):
        raise ValueError('an account limit needs a window above 0 seconds, not %r' % (window,))
    if burst is not None and not burst >= 1:
        raise ValueError('an account limit needs a burst of at least 1, not %r' % (burst,))


def _choice(name, value, allowed):
    if value is not None and value not in allowed:
        raise ValueError('%s must be one of %s, not %r' % (name, ', '.join(allowed), value))
    return value


class FlowControl:
    """Per-operation token buckets keyed by (access key id, operation), and one account-wide limit; see the module
    docstring. ``window`` and ``refused_calls_count`` left None take the emulator's variants once the emulator is given
    this object (``emulator.flow_control = FlowControl(...)``), and the defaults (``sliding``, ``no``) otherwise."""

    def __init__(self, clock=time.monotonic, window=None, refused_calls_count=None):
        self._clock = clock
        self._lock = threading.Lock()
        self._limits = {}  # operation or None (every operation) -> (rate, burst)
        self._buckets = {}  # (access key id, operation) -> [tokens, last refill]
        self._account = None  # (calls, window, burst)
        self._account_state = None
        self._window = _choice('window', window, WINDOWS)
        self._refused_calls_count = _choice('refused_calls_count', refused_calls_count, REFUSED_CALLS_COUNT)
        self.throttled = {}
        self.admitted = {}
        self.account_throttled = 0

    # ------------------------------------------------------------ settings

    @property
    def window(self):
        """How the account-wide window counts: ``sliding``, ``fixed`` or ``bucket`` (None: not chosen, sliding)."""
        return self._window

    @window.setter
    def window(self, value):
        with self._lock:
            self._window = _choice('window', value, WINDOWS)
            self._account_state = None

    @property
    def refused_calls_count(self):
        """Whether a refused call uses the account-wide quota: ``no`` or ``yes`` (None: not chosen, no)."""
        return self._refused_calls_count

    @refused_calls_count.setter
    def refused_calls_count(self, value):
        with self._lock:
            self._refused_calls_count = _choice('refused_calls_count', value, REFUSED_CALLS_COUNT)

    def set(self, rate, burst=None, operation=None):
        """Limit `operation` (None: every operation without a limit of its own) to `rate` requests a second with
        bursts of `burst` (default: max(1, rate)), per access key; ``rate=None`` removes that limit."""
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

    def set_account(self, calls, window=SAE_ACCOUNT_LIMIT[1], burst=None):
        """At most `calls` calls per `window` seconds over every operation and access key (``calls=None``: off).
        `burst` applies to ``window='bucket'`` only (default: `calls`). ``set_account(*SAE_ACCOUNT_LIMIT)`` is SAE's
        documented 60 a minute. Starts with an empty window."""
        with self._lock:
            if calls is None:
                self._account = None
            else:
                window = float(window)
                burst = float(burst) if burst is not None else None
                _check_account(calls, window, burst)
                self._account = (calls, window, burst)
            self._account_state = None

    def off(self):
        """No limit on any operation, and none on the account."""
        with self._lock:
            self._limits = {}
            self._buckets = {}
            self._account = None
            self._account_state = None

    @property
    def limits(self):
        """The per-operation limits: {operation or None: (rate, burst)}."""
        with self._lock:
            return dict(self._limits)

    @property
    def account_limit(self):
        """The account-wide limit as {'calls', 'window', 'burst'}, or None."""
        with self._lock:
            if self._account is None:
                return None
            calls, window, burst = self._account
            return {'calls': calls, 'window': window, 'burst': burst}

    @property
    def enabled(self):
        with self._lock:
            return bool(self._limits) or self._account is not None

    def reset_counts(self):
        with self._lock:
            self.throttled = {}
            self.admitted = {}
            self.account_throttled = 0

    # ------------------------------------------------------------ admission

    def admit(self, access_key_id, operation):
        """True when the request may proceed; False when a limit refuses it."""
        return self.check(access_key_id, operation) is None

    def check(self, access_key_id, operation):
        """None when the request may proceed; otherwise the limit that refuses it (OPERATION_LIMIT or ACCOUNT_LIMIT)."""
        with self._lock:
            limit = self._limits.get(operation) or self._limits.get(None)
            if limit is None and self._account is None:
                return None
            now = self._clock()
            bucket = None
            refused = None
            if limit is not None:
                rate, burst = limit
                bucket = self._buckets.setdefault((access_key_id, operation), [burst, now])
                bucket[0] = min(burst, bucket[0] + (now - bucket[1]) * rate)
                bucket[1] = now
                if bucket[0] < 1:
                    refused = OPERATION_LIMIT
            if self._account is not None:
                room = self._account_room(now)
                if refused is None and not room:
                    refused = ACCOUNT_LIMIT
                if refused is None or self._refused_calls_count == 'yes':
                    self._account_take(now)
            if refused is not None:
                self.throttled[operation] = self.throttled.get(operation, 0) + 1
                if refused == ACCOUNT_LIMIT:
                    self.account_throttled += 1
                return refused
            if bucket is not None:
                bucket[0] -= 1
            self.admitted[operation] = self.admitted.get(operation, 0) + 1
            return None

    def _account_room(self, now):
        """Whether the account-wide limit admits one more call now (the state brought up to `now`)."""
        calls, window, burst = self._account
        mode = self._window or WINDOWS[0]
        state = self._account_state
        if mode == 'sliding':
            if state is None:
                state = self._account_state = collections.deque()
            while state and state[0] <= now - window:
                state.popleft()
            return len(state) < calls
        if mode == 'fixed':
            index = math.floor(now / window)
            if state is None or state[0] != index:
                state = self._account_state = [index, 0]
            return state[1] < calls
        capacity = burst if burst is not None else float(calls)
        if state is None:
            state = self._account_state = [capacity, now]
        state[0] = min(capacity, state[0] + (now - state[1]) * calls / window)
        state[1] = now
        return state[0] >= 1

    def _account_take(self, now):
        mode = self._window or WINDOWS[0]
        state = self._account_state
        if mode == 'sliding':
            state.append(now)
        elif mode == 'fixed':
            state[1] += 1
        else:
            state[0] -= 1  # below zero when refused calls count: a debt repaid at the refill rate
