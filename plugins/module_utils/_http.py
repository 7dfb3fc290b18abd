# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The transport: builds a signed ROA request from an operation, sends it, parses it, retries it.

It knows nothing of the API it carries: the caller gives the API version (``HttpClient(version=...)``)
and the operations (``Operation``); its errors are those of ``_http_errors``: ``AcsCallError`` (every failed
call) and ``AcsUnknownOutcomeError`` (a write that may or may not have been applied).

``HttpClient.call`` builds the request (query and form body, the ``x-acs-*`` headers, the ACS3-HMAC-SHA256
signature of ``_signer``), takes a turn of the shared pace (``_http_pace``), sends it over one ``requests.Session``,
reads the answer or the failure into an error (``_http_errors``), and retries what the retry policy allows
(``_http_retry``, where the policy is written out).
"""

from __future__ import annotations

import json
import os
import platform
import time
import warnings
from collections import namedtuple
from urllib.parse import urlencode, urlsplit

from ansible_collections.alibabacloud.sae.plugins.module_utils import _http_errors, _http_pace, _http_retry, _signer
from ansible_collections.alibabacloud.sae.plugins.module_utils._version import COLLECTION_VERSION

try:
    import requests
    from requests import exceptions as rexc
    from urllib3.exceptions import InsecureRequestWarning
except ImportError as exc:  # handled by the module base with missing_required_lib('requests')
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

Operation = namedtuple('Operation', 'action method path body_fields retry_codes not_found_codes',
                       defaults=(frozenset(), frozenset()))
Operation.__doc__ = """One API operation: action name, HTTP method, path, the names of the parameters
sent in the form body (every other parameter goes to the query string), ``retry_codes``: error codes
the caller knows to be definite refusals for a passing reason (nothing was applied), retried like
throttling for every method, a POST included, and ``not_found_codes``: the codes by which the operation
says its target does not exist (the transport raises them like any error; the caller reads them)."""


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


def split_params(operation, params):
    """``params`` in their wire form (``encode_value``), None left out: the query and the form body of ``operation``."""
    query, body = {}, {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        target = body if key in operation.body_fields else query
        target[key] = encode_value(value)
    return query, body


def _kept_by(part, name):
    """An attribute of the client that is attribute ``name`` of its ``part`` (``retry`` or ``pace``)."""
    return property(lambda client: getattr(getattr(client, part), name))


class HttpClient:
    """Signed HTTP calls to one endpoint, over one ``requests.Session`` (connections are reused)."""

    # The settings of its retry policy and of its pace, read where they are kept (pacer: None until the first call)
    retries = _kept_by('retry', 'retries')
    retry_timeout = _kept_by('retry', 'retry_timeout')
    calls_per_minute = _kept_by('pace', 'calls_per_minute')
    pacer = _kept_by('pace', 'pacer')
    warn = _kept_by('pace', 'warn')

    def __init__(self, endpoint, credentials, version, timeout=10, retries=None,
                 retry_timeout=_http_retry.DEFAULT_RETRY_TIMEOUT, validate_certs=True, ca_path=None, user_agent=None,
                 sleep=time.sleep, clock=time.monotonic, calls_per_minute=0, pace_dir=None,
                 max_queue=_http_pace.MAX_QUEUE, pacer=None, warn=None, endpoint_origin=None):
        """``retries``, ``retry_timeout``: see ``_http_retry.RetryPolicy``; ``calls_per_minute``, ``pace_dir``,
        ``max_queue``, ``pacer``, ``warn``: see ``_http_pace.CallPace``; ``endpoint_origin``: where the endpoint came
        from, in words, for the message of a name that does not resolve."""
        parts = urlsplit(endpoint)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise ValueError('endpoint must be an http:// or https:// URL, got %r' % endpoint)
        self.endpoint = '%s://%s' % (parts.scheme, parts.netloc)
        self.host = parts.netloc
        self.credentials = credentials
        self.version = version
        self.timeout = timeout
        self.retry = _http_retry.RetryPolicy(retries, retry_timeout, clock)
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
        self.pace = _http_pace.CallPace(self.endpoint, calls_per_minute, pace_dir, max_queue, pacer, warn, sleep)
        self.endpoint_origin = endpoint_origin

    # -- request building -------------------------------------------------------------------

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
        """The request to send, prepared step by step: ``Session.request`` would merge the session's settings and the
        environment's into every request again, and parse and re-quote the URL, which is final already (the endpoint's
        scheme and host, checked in ``__init__``, the path, a query percent-encoded by the signer's rules)."""
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
            raise _http_errors.AcsCallError('CredentialsError', str(exc), operation=operation.action)
        return access_key_id, secret, token

    # -- the call ----------------------------------------------------------------------------

    def call(self, operation, params):
        """Send ``operation`` with ``params``; return the parsed JSON body of the success."""
        query, body = split_params(operation, params)
        canonical_query = _signer.canonical_query(query)
        url = self.endpoint + operation.path + ('?' + canonical_query if canonical_query else '')
        body_bytes = urlencode(sorted(body.items())).encode('utf-8') if body else b''
        body_sha256 = _signer.content_sha256(body_bytes)
        is_post = operation.method.upper() == 'POST'
        is_write = operation.method.upper() != 'GET'

        tally = _http_retry.Tally(self.clock())
        attempt = 0
        uncertain = False  # a write attempt that may have been applied without a definite answer
        while True:
            credentials = self._get_credentials(operation)
            self.pace.take_turn(operation.action, credentials[0], tally)
            try:
                response = self._attempt(operation, url, query, body_bytes, body_sha256, bool(body), credentials, is_post)
            except _http_errors.AcsCallError as err:
                self.pace.answered(err)
                if _http_errors.is_throttling(err.code):
                    tally.throttled += 1
                uncertain = uncertain or (is_write and err.uncertain)
                wait = self.retry.wait(err, attempt, tally)
                if wait is None:
                    err = self.retry.given_up(err, attempt, tally, uncertain, self.pace.note(tally))
                    raise _http_errors.scrub(err, [s for s in credentials[1:] if s])
            else:
                self.pace.answered(None)
                return response
            self.sleep(wait)
            attempt += 1

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
            raise _http_errors.attempt_error(
                action, 'RequestError', 'request to %s not sent: a header value holds a line break or starts with a '
                'space (check the access key id and the security token)' % self.endpoint, unsent=True)
        except ValueError as exc:  # requests' InvalidURL is a ValueError too; nothing was sent
            raise _http_errors.attempt_error(action, 'RequestError',
                                             'request to %s not sent: %s' % (self.endpoint, exc), unsent=True)
        try:
            with warnings.catch_warnings():
                if self.verify is False:
                    # the module base warns once; urllib3 would print a warning per request
                    warnings.simplefilter('ignore', InsecureRequestWarning)
                response = self.session.send(request, timeout=self.timeout, verify=self.verify, proxies=self.proxies,
                                             allow_redirects=False)
        except OSError as exc:  # requests' exceptions, and local setup errors such as an unreadable ca_path
            raise _http_errors.send_failure(exc, action, self.endpoint, self.timeout, is_post, self.endpoint_origin)
        return _http_errors.parse_answer(response, action, is_post, operation.retry_codes)


def _environ_ca_bundle():
    """The CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, as requests reads them (or None)."""
    return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or None
