# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Alibaba Cloud request signature V3 (ACS3-HMAC-SHA256), as pure functions.

Nothing here knows about SAE, HTTP sessions or Ansible: every function is a function of its
arguments only (method, path, query dict, headers dict, body bytes, access key id and secret).
The transport calls three: ``canonical_query()`` (the query string it sends), ``content_sha256()`` (the
body hash header) and ``authorization()`` (the signature header); the steps between are private.

What is signed
  * the method and the path, as given (the collection's paths are plain ASCII, so the SDK and
    the service use them unencoded too);
  * the query: keys sorted, ``key=value`` pairs joined with ``&``, keys and values
    percent-encoded per RFC 3986 (only ``A-Z a-z 0-9 - _ . ~`` stay literal); ``None`` values
    are left out, an empty string gives ``key=``;
  * EVERY header passed in except ``authorization``, like the official SDK: the caller passes
    exactly the headers it sends (``host``, ``content-type`` when there is a body, every
    ``x-acs-*`` header, ``accept``, ``user-agent``). Names are lower-cased, values trimmed,
    repeated names (differing only in case) joined with ``,`` in sorted order;
  * the hex SHA-256 of the exact body bytes (of ``b''`` when there is no body). The caller must
    send the same value in the ``x-acs-content-sha256`` header: see ``content_sha256()``.
"""

from __future__ import annotations

import hashlib
import hmac

from urllib.parse import quote

ALGORITHM = 'ACS3-HMAC-SHA256'

# Headers never signed: the one carrying the signature itself.
_UNSIGNED_HEADERS = frozenset(['authorization'])


def _to_text(value):
    if isinstance(value, bytes):
        return value.decode('utf-8')
    return value if isinstance(value, str) else str(value)


def _percent_encode(value):
    """RFC 3986 percent-encoding: only ``A-Z a-z 0-9 - _ . ~`` stay literal (space is ``%20``)."""
    return quote(_to_text(value), safe='~', encoding='utf-8')


def canonical_query(query):
    """The canonical query string of a dict of parameters (``''`` when there is none)."""
    if not query:
        return ''
    pairs = sorted((_to_text(key), _to_text(value)) for key, value in query.items() if value is not None)
    return '&'.join('%s=%s' % (_percent_encode(key), _percent_encode(value)) for key, value in pairs)


def content_sha256(body):
    """Hex SHA-256 of the exact body bytes (``None`` counts as an empty body)."""
    if body is None:
        body = b''
    elif not isinstance(body, bytes):
        body = _to_text(body).encode('utf-8')
    return hashlib.sha256(body).hexdigest()


def _signed_header_map(headers):
    merged = {}
    for name, value in (headers or {}).items():
        if value is None:
            continue
        lname = _to_text(name).strip().lower()
        if lname in _UNSIGNED_HEADERS:
            continue
        merged.setdefault(lname, []).append(_to_text(value).strip())
    return merged


def _canonical_headers(merged, names):
    return ''.join('%s:%s\n' % (name, ','.join(sorted(merged[name]))) for name in names)


def _canonical_request(method, path, query, merged, names, body):
    return '\n'.join([
        method.upper(),
        path or '/',
        canonical_query(query),
        _canonical_headers(merged, names),
        ';'.join(names),
        content_sha256(body),
    ])


def _string_to_sign(canonical):
    return '%s\n%s' % (ALGORITHM, hashlib.sha256(canonical.encode('utf-8')).hexdigest())


def _hmac_hex(access_key_secret, to_sign):
    return hmac.new(access_key_secret.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def authorization(method, path, query, headers, body, access_key_id, access_key_secret):
    """The value of the ``Authorization`` header for this request (the headers are read once)."""
    merged = _signed_header_map(headers)
    names = sorted(merged)
    to_sign = _string_to_sign(_canonical_request(method, path, query, merged, names, body))
    return '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (
        ALGORITHM, access_key_id, ';'.join(names), _hmac_hex(access_key_secret, to_sign))
