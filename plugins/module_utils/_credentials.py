# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Credential resolution.

Order:
  1. explicit keys (``access_key_id`` + ``access_key_secret``, optionally ``security_token``;
     their environment fallbacks are applied by the argument spec): used as they are, without
     importing ``alibabacloud_credentials``;
  2. a named ``profile``: the CLI profile of that name in ``~/.aliyun/config.json``, else the
     section of that name in ``~/.alibabacloud/credentials.ini`` (or ``ALIBABA_CLOUD_CREDENTIALS_FILE``);
  3. otherwise the default chain of ``alibabacloud_credentials``: environment, OIDC/RRSA, CLI profile,
     INI profile, ECS RAM role, credentials URI (``ALIBABA_CLOUD_CREDENTIALS_URI``).

Every object returned has ``get()`` -> ``(access_key_id, access_key_secret, security_token or None)``
and a ``source`` string (``explicit``, ``profile:NAME``, ``default-chain``).
"""

from __future__ import annotations

import logging
import re

from ansible.module_utils.basic import missing_required_lib

CREDENTIALS_LIBRARY = 'alibabacloud-credentials'

HOW_TO_SET = (
    'set access_key_id and access_key_secret (or ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET), '
    'or profile (ALIBABA_CLOUD_PROFILE), or configure a credentials source of the default chain '
    '(RAM role, OIDC, credentials URI)'
)

_MAX_LIBRARY_MESSAGE = 600


class CredentialsError(Exception):
    """No usable credentials; the message says what to set."""


class StaticCredentials:
    """Keys given explicitly (options or their environment variables)."""

    def __init__(self, access_key_id, access_key_secret, security_token=None, source='explicit'):
        self._value = (access_key_id, access_key_secret, security_token or None)
        self.source = source

    def get(self):
        return self._value

    def __repr__(self):
        return '<StaticCredentials source=%s>' % self.source


class LibraryCredentials:
    """Credentials from an ``alibabacloud_credentials`` client (cached and refreshed by the library)."""

    def __init__(self, client, source):
        self._client = client
        self.source = source

    def get(self):
        try:
            return _fetch(self._client)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise CredentialsError('could not get credentials from %s: %s' % (self.source, _library_text(exc)))

    def __repr__(self):
        return '<LibraryCredentials source=%s>' % self.source


def _fetch(client):
    credential = client.get_credential()
    if not credential.access_key_id or not credential.access_key_secret:
        raise ValueError('the source gave no access key')
    return credential.access_key_id, credential.access_key_secret, credential.security_token or None


# The library quotes the URLs it called in its errors: an STS AssumeRoleWithOIDC URL carries the OIDC token
# in its query string. Query strings go, and so does any value of a parameter named like a secret.
_URL_QUERY = re.compile(r'(https?://[^\s?#]+)\?[^\s#]*', re.IGNORECASE)
_SECRET_PARAMETER = re.compile(r'((?:[A-Za-z_-]*(?:token|secret|signature|password)[A-Za-z_-]*)["\']?\s*[=:]\s*["\']?)[^\s&,;"\']+',
                               re.IGNORECASE)


def _library_text(exc):
    """A library error as one line of bounded length (never a traceback), without query strings or secrets."""
    text = ' '.join(str(exc).split()) or type(exc).__name__
    text = _URL_QUERY.sub(r'\1?(query removed)', text)
    text = _SECRET_PARAMETER.sub(r'\1********', text)
    if len(text) > _MAX_LIBRARY_MESSAGE:
        text = text[:_MAX_LIBRARY_MESSAGE] + '...'
    return text


def _import_library():
    try:
        # pylint: disable-next=import-outside-toplevel
        from alibabacloud_credentials import client as credentials_client
        # pylint: disable-next=import-outside-toplevel
        from alibabacloud_credentials import provider as credentials_provider
    except ImportError as exc:
        raise CredentialsError('%s (needed for credentials from a profile or the default chain; '
                               'or set access_key_id and access_key_secret instead). Import error: %s'
                               % (missing_required_lib(CREDENTIALS_LIBRARY), exc))
    _quiet_library_log()
    return credentials_client, credentials_provider


# The library logs through the `credentials` logger, to which it adds a handler writing to stderr: a failed
# refresh quotes the URL it called (an STS AssumeRoleWithOIDC URL carries the OIDC token) with a traceback,
# and its debug records print the credentials it got. ansible-core prints a module's stderr in some cases
# (ANSIBLE_DEBUG, a module that fails to return JSON). The module reports what matters in its own messages,
# scrubbed (_library_text); the library's records go nowhere.
LIBRARY_LOGGER = 'credentials'


def _quiet_library_log():
    logging.getLogger(LIBRARY_LOGGER).disabled = True


def resolve_credentials(access_key_id=None, access_key_secret=None, security_token=None, profile=None):
    """Return the credentials to sign with, or raise CredentialsError with a clear message."""
    if profile and (access_key_id or access_key_secret or security_token):
        raise CredentialsError(
            'profile (%s) cannot be used together with access_key_id, access_key_secret or security_token: '
            'use one or the other (check ALIBABA_CLOUD_PROFILE, ALICLOUD_PROFILE and the access key '
            'environment variables too)' % profile)
    if access_key_id and not access_key_secret:
        raise CredentialsError('access_key_id is set but access_key_secret is not: set access_key_secret '
                               '(or ALIBABA_CLOUD_ACCESS_KEY_SECRET) too')
    if access_key_secret and not access_key_id:
        raise CredentialsError('access_key_secret is set but access_key_id is not: set access_key_id '
                               '(or ALIBABA_CLOUD_ACCESS_KEY_ID) too')
    if security_token and not access_key_id:
        raise CredentialsError('security_token is set without access_key_id and access_key_secret: set the '
                               'temporary STS access key id and secret too (or ALIBABA_CLOUD_ACCESS_KEY_ID / '
                               'ALIBABA_CLOUD_ACCESS_KEY_SECRET)')
    if access_key_id:
        return StaticCredentials(access_key_id, access_key_secret, security_token)

    credentials_client, credentials_provider = _import_library()
    if profile:
        return _profile_credentials(credentials_client, credentials_provider, profile)
    try:
        client = credentials_client.Client()
        _fetch(client)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        raise CredentialsError('no credentials found: %s. Details from the default chain: %s'
                               % (HOW_TO_SET, _library_text(exc)))
    return LibraryCredentials(client, 'default-chain')


def _profile_credentials(credentials_client, credentials_provider, profile):
    errors = []
    candidates = (
        ('~/.aliyun/config.json', credentials_provider.CLIProfileCredentialsProvider),
        ('~/.alibabacloud/credentials.ini', credentials_provider.ProfileCredentialsProvider),
    )
    for label, provider_class in candidates:
        try:
            client = credentials_client.Client(provider=provider_class(profile_name=profile))
            _fetch(client)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors.append('%s: %s' % (label, _library_text(exc)))
            continue
        return LibraryCredentials(client, 'profile:%s' % profile)
    raise CredentialsError('profile %s gave no credentials (%s). Add it to ~/.aliyun/config.json '
                           '(aliyun configure --profile %s) or ~/.alibabacloud/credentials.ini, or %s'
                           % (profile, '; '.join(errors), profile, HOW_TO_SET))
