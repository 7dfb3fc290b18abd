# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The retry policy of the transport: whether a failed attempt is tried again, after how long, and the error a call
ends with when it gives up.

Retry policy (also in the ``alibabacloud.sae.common`` doc fragment, for users)
  * Retryable: error codes starting with ``Throttling`` (``Throttling``, ``Throttling.User``,
    ``Throttling.Api``...), ``ServiceUnavailable``, ``InternalError``, any other HTTP 5xx answer,
    and connection errors and timeouts.
  * Not retryable, failing at once: every other error answer (4xx), among them
    ``SignatureDoesNotMatch``, ``IncompleteSignature``, ``InvalidAccessKeyId.NotFound``,
    ``InvalidTimeStamp.Expired`` and ``SignatureNonceUsed`` (each attempt has a fresh nonce, so a
    reused one means an earlier attempt reached the service); TLS certificate failures
    (code ``SSLError``).
  * A POST (a create) whose outcome is unknown is never retried: a read timeout, a connection
    reset or closed after the request was sent, a 5xx answer, or an ``InternalError`` /
    ``ServiceUnavailable`` code raise ``AcsUnknownOutcomeError`` at once; the caller looks
    before it creates again. A connection error before anything was sent (refused, connect
    timeout, DNS failure) is safe and retried for every method; so is throttling, which is a
    definite rejection, and so are the codes an operation lists in ``Operation.retry_codes`` (the API
    layer names them: refusals for a passing reason that applied nothing).
  * GET, PUT and DELETE are retried on every retryable failure. A PUT or DELETE that gives up
    after an attempt that got no answer (read timeout, connection lost after sending, 5xx) raises
    ``AcsUnknownOutcomeError``: that attempt may have been applied.
  * Budget: retries go on until ``retry_timeout`` seconds have passed since the first attempt (the
    next wait would end past it), and at most ``retries`` of them when that is set. Before retry
    ``n`` (0-based) the client waits ``b / 2 + random.uniform(0, b / 2)`` seconds with
    ``b = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** n)`` (exponential backoff with equal jitter: at
    least half of the bound, so a burst of failures cannot use up the attempts in a moment), or
    longer when the answer asks for it with ``x-acs-retry-after`` or ``Retry-After``; a wait that
    would end past the budget is not waited: the call fails at once. Time spent queueing for a turn of the pace
    (``_http_pace``) does not count against ``retry_timeout``.
  * Host names that do not resolve: a DNS answer that the name does not exist (``socket.gaierror`` other than
    ``EAI_AGAIN``) fails at once with code ``NameResolutionError``, naming the endpoint and, when the caller says
    (``endpoint_origin``), where it came from: a wrong name is a mistake, not an outage. A temporary failure of the
    resolver (``EAI_AGAIN``) is retried as a connection error.

Which failures are retryable, uncertain or final is decided where they are read (``_http_errors``); this file
decides what to do with them.
"""

from __future__ import annotations

import random

from ansible_collections.alibabacloud.sae.plugins.module_utils import _http_errors

BACKOFF_BASE = 0.25
BACKOFF_CAP = 4.0
DEFAULT_RETRY_TIMEOUT = 60
_BACKOFF_DOUBLINGS = 16  # 2 ** n past BACKOFF_CAP / BACKOFF_BASE changes nothing (and would overflow)


class Tally:
    """What one call has spent so far: when it began, the seconds it queued for turns, its throttling answers."""

    def __init__(self, started):
        self.started = started
        self.queued = 0.0
        self.throttled = 0

    def fought(self, now):
        """Seconds of the call not spent queueing for turns: what ``retry_timeout`` bounds."""
        return max(0.0, now - self.started - self.queued)


class RetryPolicy:
    """``retries``: the most retries of one call (None: as many as ``retry_timeout`` allows); ``retry_timeout``: the
    seconds of one call, queueing for turns aside, after which no retry starts; ``clock``: monotonic seconds."""

    def __init__(self, retries, retry_timeout, clock):
        self.retries = retries
        self.retry_timeout = retry_timeout
        self.clock = clock

    def wait(self, err, attempt, tally):
        """The seconds to wait before retrying after failed attempt ``attempt`` (0-based), or None: do not retry.
        The budget, ``retry_timeout``, counts the seconds since the first attempt minus those queued for turns."""
        if not err.retryable or isinstance(err, _http_errors.AcsUnknownOutcomeError):
            return None
        if self.retries is not None and attempt >= self.retries:
            return None
        bound = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(attempt, _BACKOFF_DOUBLINGS))
        wait = bound / 2 + random.uniform(0, bound / 2)
        if err.retry_after is not None:
            wait = max(wait, err.retry_after)
        if tally.fought(self.clock()) + wait > self.retry_timeout:
            return None
        return wait

    def given_up(self, err, attempt, tally, uncertain, pacing):
        """The error a call ends with: the last attempt's, saying how long it was retried and why it stopped, how long
        it queued and was refused when it ends throttled (``pacing``: what the pace did, in words, from ``, after
        queueing`` or ``; calls were not paced``), and, for a write that may have been applied, so."""
        err.after_lost_answer = uncertain
        if not err.retryable or isinstance(err, _http_errors.AcsUnknownOutcomeError):
            return err
        message = err.message.rstrip().rstrip('.')
        fought = tally.fought(self.clock())
        if self.retries is not None and attempt >= self.retries:
            why = 'retries %d' % self.retries
        else:
            why = 'retry_timeout %s s' % self.retry_timeout
        if attempt:
            message = '%s; gave up after %d attempts over %.0f s (%s)' % (message, attempt + 1, fought, why)
        else:
            message = '%s; not retried (%s)' % (message, why)
        if _http_errors.is_throttling(err.code):
            message += '; refused by flow control %d time%s%s' % (
                tally.throttled, '' if tally.throttled == 1 else 's', pacing)
        if not uncertain:
            err.message = message
            return err
        which = 'its last attempt' if err.uncertain else 'an earlier attempt'
        return _http_errors.AcsUnknownOutcomeError(
            err.code, '%s; %s got no definite answer, so this %s may have been applied' % (message, which, err.operation),
            request_id=err.request_id, status=err.status, operation=err.operation, uncertain=True)
