# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The transport: builds a signed ROA request from an operation, sends it, parses it, retries it.

It knows nothing of the API it carries: the caller gives the API version (``HttpClient(version=...)``)
and the operations (``Operation``); its errors are ``AcsCallError`` (every failed call) and
``AcsUnknownOutcomeError`` (a write that may or may not have been applied).

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
    (below) does not count against ``retry_timeout``.
  * Host names that do not resolve: a DNS answer that the name does not exist (``socket.gaierror`` other than
    ``EAI_AGAIN``) fails at once with code ``NameResolutionError``, naming the endpoint and, when the caller says
    (``endpoint_origin``), where it came from: a wrong name is a mistake, not an outage. A temporary failure of the
    resolver (``EAI_AGAIN``) is retried as a connection error.

Pacing (``calls_per_minute``, off when 0): every attempt of every call, retries included, first takes a turn from a
``_pacer.Pacer`` shared by every process of the user on the host for one access key id and endpoint (its file is in
``_pacer.default_state_dir(PACE_DIR_NAME)`` unless ``pace_dir`` says otherwise): bursts of up to a minute's worth of
calls, then ``calls_per_minute / 60`` a second. A throttling answer slows the shared pace, calls that pass let it
recover (see ``_pacer``). A call queues for its turns at most ``max_queue`` seconds in all (``MAX_QUEUE``, 15
minutes), then fails with code ``Throttling.Client`` without being sent. When the pace cannot be kept safely (see
``_pacer``), calls are not paced and ``warn`` is told why, once.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import math
import os
import platform
import random
import socket
import time
import warnings
from collections import namedtuple
from urllib.parse import urlencode, urlsplit

from ansible_collections.alibabacloud.sae.plugins.module_utils import _pacer, _signer
from ansible_collections.alibabacloud.sae.plugins.module_utils._version import COLLECTION_VERSION

try:
    import requests
    from requests import exceptions as rexc
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
except ImportError as exc:  # handled by the module base with missing_required_lib('requests')
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

BACKOFF_BASE = 0.25
BACKOFF_CAP = 4.0
DEFAULT_RETRY_TIMEOUT = 60
_BACKOFF_DOUBLINGS = 16  # 2 ** n past BACKOFF_CAP / BACKOFF_BASE changes nothing (and would overflow)
_RETRY_AFTER_HEADERS = ('x-acs-retry-after', 'retry-after')
# The longest one call may queue, in all its attempts, for its turns of the pace before it fails unsent.
MAX_QUEUE = 900
# The directory of the pace files, under the temporary directory: <tmp>/alibabacloud-sae-<uid>.
PACE_DIR_NAME = 'alibabacloud-sae'
# The code of a call that gave up queueing for its turn (it was not sent).
PACE_TIMEOUT_CODE = 'Throttling.Client'
NAME_RESOLUTION_CODE = 'NameResolutionError'

Operation = namedtuple('Operation', 'action method path body_fields retry_codes not_found_codes',
                       defaults=(frozenset(), frozenset()))
Operation.__doc__ = """One API operation: action name, HTTP method, path, the names of the parameters
sent in the form body (every other parameter goes to the query string), ``retry_codes``: error codes
the caller knows to be definite refusals for a passing reason (nothing was applied), retried like
throttling for every method, a POST included, and ``not_found_codes``: the codes by which the operation
says its target does not exist (the transport raises them like any error; the caller reads them)."""

_RETRYABLE_CODES = frozenset(['ServiceUnavailable', 'InternalError'])
_ERROR_BODY_PREVIEW = 200
_UNREACHABLE_HINT = 'check endpoint, and that the controller reaches it (network, proxy, firewall)'


class AcsCallError(Exception):
    """Every failure of a ROA call: an error answer, a transport error, a bad response.

    ``retryable``: the failure is transient (throttling, 5xx, connection); ``retry_after``: the seconds the
    answer asked to wait, or None; ``uncertain``: the request may have reached the service without a
    definite answer (a timeout or a connection lost after sending, a 5xx); ``after_lost_answer``: an earlier
    attempt of this write got no definite answer (so a "not found" now may be that attempt's doing).
    """

    def __init__(self, code, message, request_id=None, status=None, operation=None, retryable=False, retry_after=None,
                 uncertain=False):
        super(AcsCallError, self).__init__('%s: %s' % (code, message))
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status
        self.operation = operation
        self.retryable = retryable
        self.retry_after = retry_after
        self.uncertain = uncertain
        self.after_lost_answer = False

    def to_dict(self):
        """What the error says, as data: code, message, request_id, status, operation."""
        return dict(code=self.code, message=self.message, request_id=self.request_id, status=self.status,
                    operation=self.operation)


class AcsUnknownOutcomeError(AcsCallError):
    """A write that may or may not have been applied: a POST without a definite answer (never repeated),
    or a PUT or DELETE that gave up after an attempt without one."""


def default_user_agent():
    requests_version = getattr(requests, '__version__', 'unknown') if HAS_REQUESTS else 'unknown'
    return 'alibabacloud.sae/%s (Ansible collection) requests/%s Python/%s' % (
        COLLECTION_VERSION, requests_version, platform.python_version())


def encode_value(value):
    """A parameter's wire form: JSON for dict/list, ``true``/``false`` for bool, ``str`` otherwise."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    return value if isinstance(value, str) else str(value)


def _is_throttling(code):
    return bool(code) and code.startswith('Throttling')


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


class _Tally:
    """What one call has spent so far: when it began, the seconds it queued for turns, its throttling answers."""

    def __init__(self, started):
        self.started = started
        self.queued = 0.0
        self.throttled = 0

    def fought(self, now):
        """Seconds of the call not spent queueing for turns: what ``retry_timeout`` bounds."""
        return max(0.0, now - self.started - self.queued)


class HttpClient:
    """Signed HTTP calls to one endpoint, over one ``requests.Session`` (connections are reused)."""

    def __init__(self, endpoint, credentials, version, timeout=10, retries=None, retry_timeout=DEFAULT_RETRY_TIMEOUT,
                 validate_certs=True, ca_path=None, user_agent=None, sleep=time.sleep, clock=time.monotonic,
                 calls_per_minute=0, pace_dir=None, max_queue=MAX_QUEUE, pacer=None, warn=None, endpoint_origin=None):
        """``calls_per_minute``: the shared pace (0: none); ``pace_dir``: the directory of its files (default
        ``_pacer.default_state_dir(PACE_DIR_NAME)``); ``max_queue``: the seconds one call may queue for its turns;
        ``pacer``: a ready ``_pacer.Pacer`` instead (tests); ``warn(text)``: told when the pace cannot be kept;
        ``endpoint_origin``: where the endpoint came from, in words, for the message of a name that does not
        resolve."""
        parts = urlsplit(endpoint)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise ValueError('endpoint must be an http:// or https:// URL, got %r' % endpoint)
        self.endpoint = '%s://%s' % (parts.scheme, parts.netloc)
        self.host = parts.netloc
        self.credentials = credentials
        self.version = version
        self.timeout = timeout
        self.retries = retries  # None: as many as retry_timeout allows
        self.retry_timeout = retry_timeout
        self.user_agent = user_agent or default_user_agent()
        self.sleep = sleep
        self.clock = clock
        self.session = requests.Session()
        # With trust_env, requests reads the proxy and CA bundle variables and ~/.netrc again at every
        # call. This client has one endpoint and a short life: they are read once, here, and passed to
        # every send. ~/.netrc is not read at all: its Basic credentials would replace the signature.
        self.session.trust_env = False
        self.proxies = requests.utils.get_environ_proxies(self.endpoint)
        # validate_certs: false turns verification off even with a ca_path (the user asked for no checks);
        # an explicit ca_path wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, as in requests.
        self.verify = (ca_path or _environ_ca_bundle() or True) if validate_certs else False
        # The headers requests adds to each request of a session (Accept-Encoding, Connection) that the
        # client does not set itself; sent after signing, unsigned, as Session.request would send them.
        self._session_headers = [(name.lower(), value) for name, value in self.session.headers.items()]
        self.calls_per_minute = calls_per_minute or 0
        self.pace_dir = pace_dir
        self.max_queue = max_queue
        self.pacer = pacer
        self.warn = warn
        self.endpoint_origin = endpoint_origin

    # -- request building -------------------------------------------------------------------

    def _split_params(self, operation, params):
        query, body = {}, {}
        for key, value in (params or {}).items():
            if value is None:
                continue
            target = body if key in operation.body_fields else query
            target[key] = encode_value(value)
        return query, body

    def _headers(self, operation, body_sha256, has_body, credentials):
        access_key_id, _secret, token = credentials
        headers = {
            'host': self.host,
            'x-acs-action': operation.action,
            'x-acs-version': self.version,
            'x-acs-date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'x-acs-signature-nonce': os.urandom(16).hex(),
            'x-acs-content-sha256': body_sha256,
            'accept': 'application/json',
            'user-agent': self.user_agent,
        }
        if has_body:
            headers['content-type'] = 'application/x-www-form-urlencoded'
        if token:
            headers['x-acs-accesskey-id'] = access_key_id
            headers['x-acs-security-token'] = token
        return headers

    def _prepare(self, method, url, headers, body):
        """The request to send, prepared step by step rather than by ``Session.request``.

        ``Session.request`` would merge the session's settings and the environment's into every
        request again, and parse and re-quote the URL. The URL is final already: the endpoint's
        scheme and host (checked in ``__init__``), the operation's path, and a query percent-encoded
        by the signer's rules.
        """
        request = requests.PreparedRequest()
        request.prepare_method(method)
        request.url = url
        request.prepare_headers(headers)  # rejects a header value with a line break (an injected header)
        request.prepare_body(body, None)
        if self.session.cookies:  # cookies the endpoint has set, sent back as a session would
            request.prepare_cookies(self.session.cookies)
        request.prepare_hooks(None)
        return request

    def _get_credentials(self, operation):
        try:
            access_key_id, secret, token = self.credentials.get()
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise AcsCallError('CredentialsError', str(exc), operation=operation.action)
        return access_key_id, secret, token

    # -- the call ----------------------------------------------------------------------------

    def call(self, operation, params):
        """Send ``operation`` with ``params``; return the parsed JSON body of the success."""
        query, body = self._split_params(operation, params)
        canonical_query = _signer.canonical_query(query)
        url = self.endpoint + operation.path + ('?' + canonical_query if canonical_query else '')
        body_bytes = urlencode(sorted(body.items())).encode('utf-8') if body else b''
        body_sha256 = _signer.content_sha256(body_bytes)
        is_post = operation.method.upper() == 'POST'
        is_write = operation.method.upper() != 'GET'

        tally = _Tally(self.clock())
        attempt = 0
        uncertain = False  # a write attempt that may have been applied without a definite answer
        while True:
            credentials = self._get_credentials(operation)
            self._take_turn(operation, credentials[0], tally)
            try:
                response = self._attempt(operation, url, query, body_bytes, body_sha256, bool(body), credentials, is_post)
            except AcsCallError as err:
                self._pace_answer(err)
                if _is_throttling(err.code):
                    tally.throttled += 1
                uncertain = uncertain or (is_write and err.uncertain)
                wait = self._retry_wait(err, attempt, tally)
                if wait is None:
                    raise _scrub(self._given_up(err, attempt, tally, uncertain), [s for s in credentials[1:] if s])
            else:
                self._pace_answer(None)
                return response
            self.sleep(wait)
            attempt += 1

    # -- pacing -------------------------------------------------------------------------------

    def _pacer_for(self, access_key_id):
        """The pace of this access key id at this endpoint (built on the first call), or None: not paced."""
        if self.pacer is None and self.calls_per_minute > 0:
            try:
                state_dir = self.pace_dir or _pacer.default_state_dir(PACE_DIR_NAME)
            except OSError as exc:  # tempfile found no usable temporary directory
                self.calls_per_minute = 0
                self._pace_warning('no temporary directory for the pace file (%s)' % exc)
                return None
            self.pacer = _pacer.Pacer(
                '%s\n%s' % (access_key_id, self.endpoint), rate=self.calls_per_minute / 60.0, burst=self.calls_per_minute,
                state_dir=state_dir, warn=self._pace_warning, sleep=self.sleep)
        return self.pacer

    def _pace_warning(self, reason):
        if self.warn is not None:
            self.warn('calls to %s are not paced (calls_per_minute is not applied in this task): %s'
                      % (self.endpoint, reason))

    def _take_turn(self, operation, access_key_id, tally):
        """Wait for this attempt's turn of the pace; the wait goes to ``tally.queued``. Raises the call's failure,
        unsent, when the turn would come after ``max_queue`` seconds of queueing in all."""
        pacer = self._pacer_for(access_key_id)
        if pacer is None:
            return
        try:
            tally.queued += pacer.acquire(max_wait=max(0.0, self.max_queue - tally.queued))
        except _pacer.PacerTimeout as exc:
            tally.queued += exc.waited
            raise AcsCallError(
                PACE_TIMEOUT_CODE, 'not sent: it had queued %.0f s for its turns under the pace that the module processes '
                'of this host share for this access key and endpoint (%s), and its next turn was %.0f s further away, '
                'past the %d s one call may queue: too many calls are waiting for turns on this host'
                % (tally.queued, self._pace_text(pacer), exc.wait, self.max_queue), operation=operation.action)

    def _pace_answer(self, err):
        """Tell the pace how the service took the attempt: refused for flow control, or through it."""
        if self.pacer is None:
            return
        if err is not None and _is_throttling(err.code):
            self.pacer.throttled()
        elif err is None or err.status is not None:
            self.pacer.passed()

    @staticmethod
    def _pace_text(pacer):
        """The pace in words: "calls_per_minute 60", or "42 calls a minute, slowed by throttling from calls_per_minute 60"."""
        configured = pacer.rate * 60
        if pacer.enabled and pacer.shared_rate < pacer.rate:
            return '%.0f calls a minute, slowed by throttling from calls_per_minute %.0f' % (pacer.shared_rate * 60, configured)
        return 'calls_per_minute %.0f' % configured

    # -- retrying -----------------------------------------------------------------------------

    def _retry_wait(self, err, attempt, tally):
        """The seconds to wait before retrying after failed attempt ``attempt`` (0-based), or None: do not retry.
        The budget, ``retry_timeout``, counts the seconds since the first attempt minus those queued for turns."""
        if not err.retryable or isinstance(err, AcsUnknownOutcomeError):
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

    def _given_up(self, err, attempt, tally, uncertain):
        """The error a call ends with: the last attempt's, saying how long it was retried and why it stopped, how long
        it queued and was refused when it ends throttled, and, for a write that may have been applied, so."""
        err.after_lost_answer = uncertain
        if not err.retryable or isinstance(err, AcsUnknownOutcomeError):
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
        if _is_throttling(err.code):
            message += '; refused by flow control %d time%s' % (tally.throttled, '' if tally.throttled == 1 else 's')
            if self.pacer is not None and self.pacer.enabled:
                message += ', after queueing %.0f s in all for its turns at this host\'s shared pace (%s)' % (
                    tally.queued, self._pace_text(self.pacer))
            elif self.pacer is not None:
                message += '; calls were not paced (%s)' % self.pacer.off_reason
            else:
                message += '; calls were not paced (calls_per_minute 0)'
        if not uncertain:
            err.message = message
            return err
        which = 'its last attempt' if err.uncertain else 'an earlier attempt'
        return AcsUnknownOutcomeError(
            err.code, '%s; %s got no definite answer, so this %s may have been applied' % (message, which, err.operation),
            request_id=err.request_id, status=err.status, operation=err.operation, uncertain=True)

    def _attempt(self, operation, url, query, body_bytes, body_sha256, has_body, credentials, is_post):
        headers = self._headers(operation, body_sha256, has_body, credentials)
        headers['authorization'] = _signer.authorization(
            operation.method, operation.path, query, headers, body_bytes, credentials[0], credentials[1])
        for name, value in self._session_headers:
            headers.setdefault(name, value)
        action = operation.action
        try:
            request = self._prepare(operation.method, url, headers, body_bytes if has_body else None)
        except rexc.InvalidHeader:  # its message quotes the value, which may be a credential
            raise self._error(action, 'RequestError', 'request to %s not sent: a header value holds a line break or '
                              'starts with a space (check the access key id and the security token)' % self.endpoint)
        except ValueError as exc:  # requests' InvalidURL is a ValueError too; nothing was sent
            raise self._error(action, 'RequestError', 'request to %s not sent: %s' % (self.endpoint, exc))
        try:
            with warnings.catch_warnings():
                if self.verify is False:
                    # the module base warns once; urllib3 would print a warning per request
                    warnings.simplefilter('ignore', InsecureRequestWarning)
                response = self.session.send(request, timeout=self.timeout, verify=self.verify, proxies=self.proxies,
                                             allow_redirects=False)
        except rexc.SSLError as exc:
            raise self._error(action, 'SSLError', 'TLS verification of %s failed (%s): set ca_path to a PEM bundle '
                              'that trusts the endpoint or, not recommended, validate_certs: false'
                              % (self.endpoint, _cause(exc)))
        except rexc.ConnectTimeout as exc:
            raise self._error(action, 'ConnectTimeout', 'could not connect to %s within %s s (%s): %s'
                              % (self.endpoint, self.timeout, _cause(exc), _UNREACHABLE_HINT), retryable=True)
        except rexc.ReadTimeout:
            raise self._error(action, 'ReadTimeout', 'no answer from %s within %s s' % (self.endpoint, self.timeout),
                              retryable=True, uncertain=True, is_post=is_post)
        except rexc.ConnectionError as exc:
            unresolved = _unresolved_name(exc)
            if unresolved is not None:
                origin = '; the endpoint was %s' % self.endpoint_origin if self.endpoint_origin else ''
                raise self._error(action, NAME_RESOLUTION_CODE, 'the host name %s of endpoint %s does not resolve (%s)%s. '
                                  'Not retried: a name that does not exist is a mistake to correct, not an outage'
                                  % (urlsplit(self.endpoint).hostname, self.endpoint, unresolved, origin))
            if _before_send(exc):
                raise self._error(action, 'ConnectionError', 'could not connect to %s (%s): %s'
                                  % (self.endpoint, _cause(exc), _UNREACHABLE_HINT), retryable=True)
            raise self._error(action, 'ConnectionError', 'connection to %s lost after sending (%s)'
                              % (self.endpoint, _cause(exc)), retryable=True, uncertain=True, is_post=is_post)
        except rexc.RequestException as exc:
            raise self._error(action, 'RequestError', 'request to %s failed (%s)' % (self.endpoint, _cause(exc)),
                              uncertain=True, is_post=is_post)
        except OSError as exc:  # local setup errors raised before sending, e.g. an unreadable ca_path
            raise self._error(action, 'RequestError', 'request to %s not sent: %s' % (self.endpoint, exc))
        return self._parse(response, action, is_post, operation.retry_codes)

    @staticmethod
    def _error(action, code, message, retryable=False, uncertain=False, is_post=False, request_id=None, status=None,
               retry_after=None):
        """The error of one failed attempt of ``action``. ``uncertain``: the request may have been applied with no
        definite answer; for a POST, that is an AcsUnknownOutcomeError, never retried."""
        if uncertain and is_post:
            return AcsUnknownOutcomeError(
                code, '%s; the outcome of this %s is unknown (it may or may not have been applied), so it was not '
                'retried' % (message, action), request_id=request_id, status=status, operation=action, uncertain=True)
        return AcsCallError(code, message, request_id=request_id, status=status, operation=action, retryable=retryable,
                            retry_after=retry_after, uncertain=uncertain)

    def _parse(self, response, action, is_post, retry_codes=()):
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
            raise self._error(action, code, 'HTTP %s with a body that is not a JSON object: %r' % (status, preview),
                              retryable=status >= 500, uncertain=status >= 500 or 200 <= status < 300, is_post=is_post,
                              request_id=request_id, status=status, retry_after=retry_after)
        request_id = body.get('RequestId') or request_id
        if 200 <= status < 300 and body.get('Success') is not False:
            return body
        code = _error_code(body, status)
        message = str(body.get('Message') or body.get('message') or '')
        if _is_throttling(code) or code in retry_codes:  # a definite refusal: never applied
            raise self._error(action, code, message, retryable=True, request_id=request_id, status=status,
                              retry_after=retry_after)
        if status >= 500 or code in _RETRYABLE_CODES:
            raise self._error(action, code, message, retryable=True, uncertain=True, is_post=is_post,
                              request_id=request_id, status=status, retry_after=retry_after)
        raise self._error(action, code, message, request_id=request_id, status=status)


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


def _environ_ca_bundle():
    """The CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, as requests reads them (or None)."""
    return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or None


def _before_send(exc):
    """True when a requests ConnectionError happened before the request was sent."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)
    return isinstance(reason, NewConnectionError)


def _scrub(err, secrets):
    """Remove any secret or token that would appear in an error's message."""
    for secret in secrets:
        if secret and secret in err.message:
            err.message = err.message.replace(secret, '********')
    err.args = ('%s: %s' % (err.code, err.message),)
    return err
