# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The transport's errors, and what one attempt of a call says when it fails.

``AcsCallError`` is every failed call, ``AcsUnknownOutcomeError`` a write that may or may not have been applied.
``parse_answer`` reads an answer of the service: the JSON object of a success, or the error it says (its code, from
``ErrorCode`` or ``Code``; retryable or not; uncertain or not). ``send_failure`` turns what ``requests`` raised
while sending into the error of that attempt, in words: the endpoint and the innermost cause ("connection
refused"), a host name that does not resolve, a TLS failure. Both only classify: whether and when to try again is
``_http_retry``'s, and a POST without a definite answer becomes an ``AcsUnknownOutcomeError`` here, at once (see
``attempt_error``). Nothing here knows which API is called.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import socket
from urllib.parse import urlsplit

try:
    from requests import exceptions as rexc
    from urllib3.exceptions import NewConnectionError
except ImportError:  # _http reports it (HAS_REQUESTS); nothing here runs without requests
    rexc = NewConnectionError = None

NAME_RESOLUTION_CODE = 'NameResolutionError'
_RETRYABLE_CODES = frozenset(['ServiceUnavailable', 'InternalError'])
_RETRY_AFTER_HEADERS = ('x-acs-retry-after', 'retry-after')
_ERROR_BODY_PREVIEW = 200
_UNREACHABLE_HINT = 'check endpoint, and that the controller reaches it (network, proxy, firewall)'


class AcsCallError(Exception):
    """Every failure of a ROA call: an error answer, a transport error, a bad response.

    ``retryable``: the failure is transient (throttling, 5xx, connection); ``retry_after``: the seconds the
    answer asked to wait, or None; ``uncertain``: the request may have reached the service without a
    definite answer (a timeout or a connection lost after sending, a 5xx); ``after_lost_answer``: an earlier
    attempt of this write got no definite answer (so a "not found" now may be that attempt's doing); ``unsent``: the
    request certainly never reached the service (no connection was made, or it failed before sending).
    """

    def __init__(self, code, message, request_id=None, status=None, operation=None, retryable=False, retry_after=None,
                 uncertain=False, unsent=False):
        super(AcsCallError, self).__init__('%s: %s' % (code, message))
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status
        self.operation = operation
        self.retryable = retryable
        self.retry_after = retry_after
        self.uncertain = uncertain
        self.unsent = unsent
        self.after_lost_answer = False

    def to_dict(self):
        """What the error says, as data: code, message, request_id, status, operation."""
        return dict(code=self.code, message=self.message, request_id=self.request_id, status=self.status,
                    operation=self.operation)


class AcsUnknownOutcomeError(AcsCallError):
    """A write that may or may not have been applied: a POST without a definite answer (never repeated),
    or a PUT or DELETE that gave up after an attempt without one."""


def is_throttling(code):
    """True for the codes of the service's flow control: ``Throttling``, ``Throttling.User``, ``Throttling.Api``..."""
    return bool(code) and code.startswith('Throttling')


def attempt_error(action, code, message, retryable=False, uncertain=False, is_post=False, request_id=None, status=None,
                  retry_after=None, unsent=False):
    """The error of one failed attempt of ``action``. ``uncertain``: the request may have been applied with no
    definite answer; for a POST, that is an AcsUnknownOutcomeError, never retried. ``unsent``: it never reached the
    service."""
    if uncertain and is_post:
        return AcsUnknownOutcomeError(
            code, '%s; the outcome of this %s is unknown (it may or may not have been applied), so it was not '
            'retried' % (message, action), request_id=request_id, status=status, operation=action, uncertain=True)
    return AcsCallError(code, message, request_id=request_id, status=status, operation=action, retryable=retryable,
                        retry_after=retry_after, uncertain=uncertain, unsent=unsent)


def parse_answer(response, action, is_post, retry_codes=()):
    """The JSON object of a successful answer; else raises its error. Throttling and ``retry_codes`` are definite
    refusals (retryable, nothing applied); a 5xx, ``InternalError`` or ``ServiceUnavailable`` is retryable but
    uncertain; any other error answer is final."""
    status = response.status_code
    request_id = response.headers.get('x-acs-request-id')
    retry_after = _retry_after(response.headers)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        preview = (response.text or '')[:_ERROR_BODY_PREVIEW]
        code = 'InvalidResponse' if status < 400 else 'HTTP%s' % status
        # A 2xx or 5xx answer that cannot be read may come from a request that was applied.
        raise attempt_error(action, code, 'HTTP %s with a body that is not a JSON object: %r' % (status, preview),
                            retryable=status >= 500, uncertain=status >= 500 or 200 <= status < 300, is_post=is_post,
                            request_id=request_id, status=status, retry_after=retry_after)
    request_id = body.get('RequestId') or request_id
    if 200 <= status < 300 and body.get('Success') is not False:
        return body
    code = _error_code(body, status)
    message = str(body.get('Message') or body.get('message') or '')
    if is_throttling(code) or code in retry_codes:  # a definite refusal: never applied
        raise attempt_error(action, code, message, retryable=True, request_id=request_id, status=status,
                            retry_after=retry_after)
    if status >= 500 or code in _RETRYABLE_CODES:
        raise attempt_error(action, code, message, retryable=True, uncertain=True, is_post=is_post,
                            request_id=request_id, status=status, retry_after=retry_after)
    raise attempt_error(action, code, message, request_id=request_id, status=status)


def send_failure(exc, action, endpoint, timeout, is_post, endpoint_origin=None):
    """The error of an attempt whose send raised ``exc`` (an exception of requests, or an OSError of the local setup
    such as an unreadable ca_path). ``endpoint_origin``: where the endpoint came from, in words, for the message of a
    host name that does not resolve."""
    if isinstance(exc, rexc.SSLError):
        return attempt_error(action, 'SSLError', 'TLS verification of %s failed (%s): set ca_path to a PEM bundle '
                             'that trusts the endpoint or, not recommended, validate_certs: false' % (endpoint, _cause(exc)))
    if isinstance(exc, rexc.ConnectTimeout):
        return attempt_error(action, 'ConnectTimeout', 'could not connect to %s within %s s (%s): %s'
                             % (endpoint, timeout, _cause(exc), _UNREACHABLE_HINT), retryable=True, unsent=True)
    if isinstance(exc, rexc.ReadTimeout):
        return attempt_error(action, 'ReadTimeout', 'no answer from %s within %s s' % (endpoint, timeout),
                             retryable=True, uncertain=True, is_post=is_post)
    if isinstance(exc, rexc.ConnectionError):
        unresolved = _unresolved_name(exc)
        if unresolved is not None:
            origin = '; the endpoint was %s' % endpoint_origin if endpoint_origin else ''
            return attempt_error(action, NAME_RESOLUTION_CODE, 'the host name %s of endpoint %s does not resolve (%s)%s. '
                                 'Not retried: a name that does not exist is a mistake to correct, not an outage'
                                 % (urlsplit(endpoint).hostname, endpoint, unresolved, origin), unsent=True)
        if _before_send(exc):
            return attempt_error(action, 'ConnectionError', 'could not connect to %s (%s): %s'
                                 % (endpoint, _cause(exc), _UNREACHABLE_HINT), retryable=True, unsent=True)
        return attempt_error(action, 'ConnectionError', 'connection to %s lost after sending (%s)'
                             % (endpoint, _cause(exc)), retryable=True, uncertain=True, is_post=is_post)
    if isinstance(exc, rexc.RequestException):
        return attempt_error(action, 'RequestError', 'request to %s failed (%s)' % (endpoint, _cause(exc)),
                             uncertain=True, is_post=is_post)
    return attempt_error(action, 'RequestError', 'request to %s not sent: %s' % (endpoint, exc), unsent=True)


def scrub(err, secrets):
    """Remove any secret or token that would appear in an error's message."""
    for secret in secrets:
        if secret and secret in err.message:
            err.message = err.message.replace(secret, '********')
    err.args = ('%s: %s' % (err.code, err.message),)
    return err


def _error_code(body, status):
    error_code = body.get('ErrorCode')
    code = body.get('Code')
    if error_code and not str(error_code).isdigit():
        return str(error_code)
    if code and not str(code).isdigit():
        return str(code)
    if error_code:
        return str(error_code)
    return 'HTTP%s' % status


def _retry_after(headers):
    """The seconds an answer asks the client to wait (``x-acs-retry-after`` or ``Retry-After``: seconds or an
    HTTP date), or None."""
    for name in _RETRY_AFTER_HEADERS:
        value = (headers.get(name) or '').strip()
        if not value:
            continue
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                continue
            if when is None:
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            seconds = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        if not math.isfinite(seconds):
            continue
        return max(0.0, seconds)
    return None


def _cause(exc):
    """The innermost reason of a requests / urllib3 exception, in words ("connection refused"), without the
    wrapping urllib3 adds ("Max retries exceeded" although it made no retries, object addresses)."""
    seen = []
    current = exc
    while current is not None and not any(current is item for item in seen):
        seen.append(current)
        nested = getattr(current, 'reason', None)
        if not isinstance(nested, BaseException):
            wrapped = [arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException)]
            nested = current.__cause__ or (wrapped[0] if wrapped else None)
        if nested is None:
            break
        current = nested
    if isinstance(current, OSError) and current.strerror:
        text = current.strerror
    else:
        text = str(current) or type(current).__name__
        text = text.split(': ', 1)[1] if text.startswith(('HTTPConnection', 'HTTPSConnection', '<urllib3')) and ': ' in text else text
    return text[:1].lower() + text[1:]


def _chain(exc):
    """``exc`` and the exceptions under it (urllib3's ``reason``, ``__cause__``, ``__context__``, exceptions in
    ``args``), each once."""
    seen, pending = [], [exc]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is item for item in seen):
            continue
        seen.append(current)
        nested = [getattr(current, 'reason', None), current.__cause__, current.__context__]
        nested += [arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException)]
        pending.extend(item for item in nested if isinstance(item, BaseException))
    return seen


def _unresolved_name(exc):
    """The resolver's words when a connection failed because the host name does not exist (a ``socket.gaierror``
    other than a temporary failure of the resolver, EAI_AGAIN), else None."""
    for item in _chain(exc):
        if isinstance(item, socket.gaierror):
            if item.errno == getattr(socket, 'EAI_AGAIN', None):
                return None
            text = item.strerror or str(item) or 'the resolver found no address'
            return text[:1].lower() + text[1:]
    return None


def _before_send(exc):
    """True when a requests ConnectionError happened before the request was sent."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)
    return isinstance(reason, NewConnectionError)
