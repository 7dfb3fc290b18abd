"""An independent verifier for Alibaba Cloud's ACS3-HMAC-SHA256 request signatures (V3).

Written from the public signature description, not from the collection's signer: the emulator
canonicalises what it receives (the SDK sends ``+`` for spaces in the query: decode, then re-encode
per RFC 3986) and recomputes the signature.

Credentials are a dict ``{access_key_id: secret}`` for permanent keys and
``{access_key_id: {'secret': ..., 'security_token': ...}}`` for STS keys (a token is valid only with
its own key id).
"""

import calendar
import hashlib
import hmac
import re
import threading
import time
from urllib.parse import parse_qsl

from .errors import (
    ACCESS_KEY_NOT_FOUND, BODY_HASH_MISMATCH_CODE, NONCE_USED, SIGNATURE_MISMATCH, TIMESTAMP_EXPIRED,
    TIMESTAMP_FORMAT, TOKEN_MALFORMED, TOKEN_MISMATCH, ApiError, incomplete_signature,
)

ALGORITHM = 'ACS3-HMAC-SHA256'
REQUIRED_HEADERS = ('x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version')
MAX_CLOCK_SKEW = 15 * 60
NONCE_TTL = 31 * 60

_AUTH_RE = re.compile(
    r'^(?P<alg>[A-Z0-9-]+) +Credential=(?P<key>[^,\s]+), *SignedHeaders=(?P<signed>[^,\s]+), *Signature=(?P<sig>[0-9a-fA-F]+)$'
)
_DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
_UNRESERVED = frozenset(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~')
_ENCODE_TABLE = tuple(chr(b) if b in _UNRESERVED else '%%%02X' % b for b in range(256))


def percent_encode(text):
    """RFC 3986 encoding: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return ''.join([_ENCODE_TABLE[b] for b in text.encode('utf-8')])


def canonical_query(raw_query):
    """The canonical query string of a raw (as received) query string."""
    if not raw_query:
        return ''
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    pairs.sort(key=lambda kv: kv[0])
    return '&'.join('%s=%s' % (percent_encode(k), percent_encode(v)) for k, v in pairs)


def canonical_headers(headers, signed_names):
    """``headers``: dict lower-case name -> list of values. Returns the canonical header block."""
    lines = []
    for name in sorted(signed_names):
        values = sorted(v.strip() for v in headers.get(name, ()))
        lines.append('%s:%s\n' % (name, ','.join(values)))
    return ''.join(lines)


def canonical_request(method, raw_path, raw_query, headers, signed_header_list, body_hash):
    signed_names = signed_header_list.split(';')
    return '\n'.join((
        method,
        raw_path or '/',
        canonical_query(raw_query),
        canonical_headers(headers, signed_names),
        signed_header_list,
        body_hash,
    ))


def string_to_sign(canonical):
    return '%s\n%s' % (ALGORITHM, hashlib.sha256(canonical.encode('utf-8')).hexdigest())


def compute_signature(secret, to_sign):
    return hmac.new(secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def parse_date(value):
    """Seconds since the epoch of an ``x-acs-date`` value, or None if it is not well formed."""
    if not value or not _DATE_RE.match(value):
        return None
    year, month, day = int(value[0:4]), int(value[5:7]), int(value[8:10])
    hour, minute, second = int(value[11:13]), int(value[14:16]), int(value[17:19])
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and hour < 24 and minute < 60 and second < 61):
        return None
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


class ParsedAuth:
    """The parts of a structurally valid request, before any secret is involved."""

    def __init__(self, access_key_id, signed_header_list, signature, headers):
        self.access_key_id = access_key_id
        self.signed_header_list = signed_header_list
        self.signature = signature
        self.headers = headers

    def header(self, name):
        values = self.headers.get(name)
        return values[0] if values else None


def normalize_credentials(credentials):
    """Validate a credentials dict and return ``{key_id: (secret, token_or_None)}``."""
    result = {}
    for key_id, value in credentials.items():
        if isinstance(value, str):
            result[key_id] = (value, None)
        elif isinstance(value, dict) and isinstance(value.get('secret'), str):
            token = value.get('security_token')
            if token is not None and not isinstance(token, str):
                raise ValueError('security_token of %s must be a string' % key_id)
            result[key_id] = (value['secret'], token)
        else:
            raise ValueError('credentials[%r] must be a secret string or a dict with secret and security_token' % (key_id,))
    return result


class SignatureVerifier:
    """Checks requests against a credentials table; remembers nonces for NONCE_TTL seconds."""

    def __init__(self, credentials, clock=None):
        self._credentials = normalize_credentials(credentials)
        self._tokens = {token: key for key, (_secret, token) in self._credentials.items() if token}
        self._clock = clock or time.time
        self._nonces = {}
        self._nonce_lock = threading.Lock()
        self._next_prune = 0.0

    @staticmethod
    def parse(headers, has_body):
        """Structural checks (IncompleteSignature). ``headers``: dict lower-case name -> list of values."""
        auth_values = headers.get('authorization')
        if not auth_values:
            raise incomplete_signature('The Authorization header is missing.')
        match = _AUTH_RE.match(auth_values[0].strip())
        if not match:
            raise incomplete_signature('The Authorization header is malformed.')
        if match.group('alg') != ALGORITHM:
            raise incomplete_signature('The signature algorithm %s is not supported; use %s.' % (match.group('alg'), ALGORITHM))
        if len(match.group('sig')) != 64:
            raise incomplete_signature('The Signature in the Authorization header is malformed.')
        signed_list = match.group('signed')
        signed = set(signed_list.split(';'))
        if '' in signed or any(name != name.lower() for name in signed):
            raise incomplete_signature('SignedHeaders must be lower-case header names separated by ";".')
        for name in REQUIRED_HEADERS:
            if not headers.get(name):
                raise incomplete_signature('The required header %s is missing.' % name)
        if 'host' not in signed:
            raise incomplete_signature('The header host must be signed.')
        if has_body and headers.get('content-type') and 'content-type' not in signed:
            raise incomplete_signature('The header content-type must be signed.')
        for name in headers:
            if name.startswith('x-acs-') and name not in signed:
                raise incomplete_signature('The header %s must be signed.' % name)
        return ParsedAuth(match.group('key'), signed_list, match.group('sig').lower(), headers)

    def authenticate(self, parsed, method, raw_path, raw_query, body):
        """Time, key, token, body hash, signature and nonce checks; raises ApiError."""
        now = self._clock()
        when = parse_date(parsed.header('x-acs-date'))
        if when is None:
            raise ApiError(400, TIMESTAMP_FORMAT, 'Specified time stamp or date value is not well formatted.')
        if abs(now - when) > MAX_CLOCK_SKEW:
            raise ApiError(400, TIMESTAMP_EXPIRED, 'Specified time stamp or date value is expired.')
        key_id = parsed.access_key_id
        entry = self._credentials.get(key_id)
        if entry is None:
            raise ApiError(404, ACCESS_KEY_NOT_FOUND, 'Specified access key is not found.')
        secret, expected_token = entry
        header_key = parsed.header('x-acs-accesskey-id')
        if header_key is not None and header_key != key_id:
            raise ApiError(400, TOKEN_MISMATCH, 'The x-acs-accesskey-id header does not match the Credential of the signature.')
        token = parsed.header('x-acs-security-token')
        if token is not None or expected_token is not None:
            if token is not None and token != expected_token and token not in self._tokens:
                raise ApiError(400, TOKEN_MALFORMED, 'The security token you provided is malformed.')
            if token != expected_token:
                raise ApiError(400, TOKEN_MISMATCH, 'The security token you provided does not match the access key.')
        body_hash = hashlib.sha256(body).hexdigest()
        if parsed.header('x-acs-content-sha256').lower() != body_hash:
            raise ApiError(403, BODY_HASH_MISMATCH_CODE,
                           'The x-acs-content-sha256 header does not match the SHA-256 of the request body.')
        canonical = canonical_request(method, raw_path, raw_query, parsed.headers, parsed.signed_header_list, body_hash)
        to_sign = string_to_sign(canonical)
        if not hmac.compare_digest(compute_signature(secret, to_sign), parsed.signature):
            raise ApiError(403, SIGNATURE_MISMATCH,
                           'Specified signature does not match our calculation. server string to sign is:%s' % to_sign)
        self._use_nonce(key_id, parsed.header('x-acs-signature-nonce'), now)
        return key_id

    def _use_nonce(self, key_id, nonce, now):
        key = (key_id, nonce)
        with self._nonce_lock:
            if now >= self._next_prune:
                expired = [k for k, until in self._nonces.items() if until <= now]
                for k in expired:
                    del self._nonces[k]
                self._next_prune = now + 60
            until = self._nonces.get(key)
            if until is not None and until > now:
                raise ApiError(400, NONCE_USED, 'Specified signature nonce was used already.')
            self._nonces[key] = now + NONCE_TTL
