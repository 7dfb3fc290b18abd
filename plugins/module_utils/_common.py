# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The base every module of the collection uses: shared options, API client, error reporting."""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleFallbackNotFound, env_fallback, missing_required_lib

from ansible_collections.alibabacloud.sae.plugins.module_utils._arguments import DefusingAnsibleModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import (
    DEFAULT_RETRY_TIMEOUT,
    ERROR_HINT_FAMILIES,
    ERROR_HINTS,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    CredentialsError,
    SaeUnknownOutcomeError,
    connect,
)

REGION_ENV = ('ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALICLOUD_REGION_ID')
ENDPOINT_ENV = 'ALIBABA_CLOUD_SAE_ENDPOINT'
CALLS_PER_MINUTE_ENV = 'ALIBABA_CLOUD_SAE_CALLS_PER_MINUTE'
# A region id: cn-beijing, cn-hangzhou-finance, ap-southeast-1, us-west-1.
REGION_ID_RE = re.compile(r'^[a-z]{2,}(-[a-z0-9]+)+$')
NAMESPACE_FORM = ("'<region>:<name>' (for example 'cn-beijing:prod'), or a bare region id for the region's default "
                  "namespace (for example 'cn-beijing')")

UNKNOWN_OUTCOME_HINT = ('the outcome is unknown: the request may have been applied; check the current state (the '
                        'info module of the resource) before running again.')


def set_env_fallback(*names):
    """Like env_fallback, for a number: the first of ``names`` set to a value that is not empty (an AWX credential
    field left empty is injected as an empty variable, which means "not set", not an invalid number)."""
    for name in names:
        if os.environ.get(name, '').strip():
            return os.environ[name]
    raise AnsibleFallbackNotFound


def sae_argument_spec():
    """The shared options of every module (see the ``alibabacloud.sae.common`` doc fragment)."""
    return dict(
        access_key_id=dict(type='str', aliases=['alicloud_access_key', 'access_key'], no_log=False,
                           fallback=(env_fallback, ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID'])),
        access_key_secret=dict(type='str', aliases=['alicloud_secret_key', 'secret_key'], no_log=True,
                               fallback=(env_fallback, ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY'])),
        security_token=dict(type='str', aliases=['alicloud_security_token'], no_log=True,
                            fallback=(env_fallback, ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'])),
        profile=dict(type='str', aliases=['alicloud_profile'],
                     fallback=(env_fallback, ['ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'])),
        region=dict(type='str', aliases=['alicloud_region', 'region_id'], fallback=(env_fallback, list(REGION_ENV))),
        endpoint=dict(type='str', aliases=['endpoint_url'], fallback=(env_fallback, [ENDPOINT_ENV])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=10),
        retries=dict(type='int'),
        retry_timeout=dict(type='int', default=DEFAULT_RETRY_TIMEOUT),
        # SAE's documented limit: 60 API calls a minute per account
        calls_per_minute=dict(type='int', default=60, fallback=(set_env_fallback, [CALLS_PER_MINUTE_ENV])),
    )


def error_hint(err, hints, families=ERROR_HINT_FAMILIES):
    """A one-line hint for ``err`` from ``hints`` (error code -> hint; ``Operation/code`` -> the hint of that code
    from that operation alone, which goes first; a code that starts with one of ``families`` takes that family's
    hint), or None."""
    if isinstance(err, SaeUnknownOutcomeError):
        return UNKNOWN_OUTCOME_HINT
    code = err.code or ''
    if '%s/%s' % (err.operation, code) in hints:
        return hints['%s/%s' % (err.operation, code)]
    for family in families:
        if code.startswith(family) and family in hints:
            return hints[family]
    return hints.get(code)


def namespace_region(namespace_id):
    """The region of ``namespace_id`` (``cn-beijing`` from ``cn-beijing:prod``, or from the bare ``cn-beijing`` of the
    region's default namespace); None when it is None. ValueError, naming namespace_id and the form it takes, when it
    is not of that form (``demo`` alone has no region)."""
    if namespace_id is None:
        return None
    text = namespace_id if isinstance(namespace_id, str) else str(namespace_id)
    region, colon, name = text.partition(':')
    if not REGION_ID_RE.match(region):
        if not text.strip():
            problem = 'is empty'
        elif colon:
            problem = 'does not start with a region id'
        else:
            problem = 'names no region'
        raise ValueError('namespace_id %r %s: it must be %s.' % (text, problem, NAMESPACE_FORM))
    if colon and (not name or ':' in name or name != ''.join(name.split())):
        raise ValueError('namespace_id %r: the name after "%s:" must be one word without spaces or colons; '
                         'namespace_id must be %s.' % (text, region, NAMESPACE_FORM))
    return region


def _raw_module_args():
    """The module's arguments as the task gave them (before aliases, environment fallbacks and defaults), or None
    when they cannot be read again."""
    try:
        from ansible.module_utils.basic import _load_params  # pylint: disable=import-outside-toplevel
        args = _load_params()
    except Exception:  # pylint: disable=broad-exception-caught
        return None
    return args if isinstance(args, dict) else None


def option_source(params, name, aliases, env_names, raw_args=None):
    """Where the value of option ``name`` came from, in words: "option region" (the task, an alias or
    module_defaults), "environment variable ALIBABA_CLOUD_REGION_ID" (its fallback), or None when unset.

    ``raw_args``: the task's arguments as given (``_raw_module_args()``); without them, a value equal to that of the
    first environment variable set is taken to come from it."""
    value = params.get(name)
    if value is None:
        return None
    if raw_args is not None and any(raw_args.get(key) is not None for key in (name,) + tuple(aliases)):
        return 'option %s' % name
    for env in env_names:
        if env in os.environ:  # as env_fallback: the first set, even empty
            if raw_args is not None or os.environ[env] == value:
                return 'environment variable %s' % env
            break
    return 'option %s' % name


def is_loopback(host):
    if not host:
        return False
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_endpoint(endpoint):
    """``https://host`` from a bare host; a full ``http(s)://host[:port]`` URL is kept. ValueError when bad."""
    value = endpoint.strip()
    if '://' not in value:
        value = 'https://' + value
    parts = urlsplit(value)
    if parts.scheme not in ('http', 'https'):
        raise ValueError('endpoint %r: the scheme must be https:// (or http:// for a local emulator)' % endpoint)
    if not parts.hostname or parts.username or parts.password:
        raise ValueError('endpoint %r: expected a host name or a URL like https://sae.cn-beijing.aliyuncs.com' % endpoint)
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise ValueError('endpoint %r: give the host only, without a path or query' % endpoint)
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise ValueError('endpoint %r: the port is not a number in 1..65535' % endpoint)
    return '%s://%s' % (parts.scheme, parts.netloc)


class SaeModule:
    """An AnsibleModule with the shared options, the SaeApi (connect()) and SAE error reporting."""

    def __init__(self, argument_spec, **kwargs):
        spec = sae_argument_spec()
        spec.update(argument_spec or {})
        self.module = DefusingAnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self._api = None
        # error code -> hint: those of the API layer; a resource adds its own (add_hints)
        self.hints = dict(ERROR_HINTS)
        if self.params['timeout'] is None or self.params['timeout'] < 1:
            self.module.fail_json(msg='timeout must be at least 1 (seconds per HTTP attempt), got %s' % self.params['timeout'])
        if self.params['retries'] is not None and self.params['retries'] < 0:
            self.module.fail_json(msg='retries must be 0 or more (attempts after the first), got %s' % self.params['retries'])
        if self.params['retry_timeout'] is None or self.params['retry_timeout'] < 0:
            self.module.fail_json(msg='retry_timeout must be 0 or more (seconds of retrying per API call), got %s'
                                      % self.params['retry_timeout'])
        ca_path = self.params.get('ca_path')
        if ca_path and not os.path.exists(ca_path):
            self.module.fail_json(msg='ca_path %s does not exist: give the path of a PEM bundle of CA certificates' % ca_path)
        if self.params['calls_per_minute'] is None or self.params['calls_per_minute'] < 0:
            self.module.fail_json(msg='calls_per_minute must be 0 (no pacing) or more (API calls a minute that the module '
                                      'processes of this host share per account and endpoint), got %s'
                                      % self.params['calls_per_minute'])
        try:
            namespace_region(self.params.get('namespace_id'))
        except ValueError as exc:
            self.module.fail_json(msg=str(exc))
        self._raw_args = _raw_module_args()  # to tell an option from its environment variable in messages

    @property
    def region(self):
        """The region option (or its environment variables), else the region of namespace_id; fails when there is
        none, when it is not a region id, and when it contradicts the region of namespace_id."""
        region = self.params.get('region')
        namespace_id = self.params.get('namespace_id')
        try:
            from_namespace = namespace_region(namespace_id)
        except ValueError as exc:
            self.module.fail_json(msg=str(exc))
        if not region:
            if not from_namespace:
                self.module.fail_json(msg='no region: set region (or ALIBABA_CLOUD_REGION_ID), or give a namespace_id '
                                          'like cn-beijing:prod, or set endpoint')
            return from_namespace
        source = self._region_source()
        if not REGION_ID_RE.match(region):
            self.module.fail_json(msg='region %r (from %s) is not a region id like cn-beijing' % (region, source))
        if from_namespace and region != from_namespace:
            self.module.fail_json(
                msg='region %s (from %s) contradicts namespace_id %s, whose region is %s: the API of region %s would be '
                    'asked about a namespace of %s. Set region to %s (an option wins over the environment variables), '
                    'or unset it to take the region of namespace_id, or set endpoint explicitly'
                    % (region, source, namespace_id, from_namespace, region, from_namespace, from_namespace))
        return region

    def _region_source(self):
        return option_source(self.params, 'region', ('alicloud_region', 'region_id'), REGION_ENV,
                             getattr(self, '_raw_args', None))

    @property
    def endpoint(self):
        """The endpoint URL: the endpoint option, else https://sae.<region>.aliyuncs.com."""
        if self.params.get('endpoint'):
            try:
                return normalize_endpoint(self.params['endpoint'])
            except ValueError as exc:
                self.module.fail_json(msg=str(exc))
        return 'https://sae.%s.aliyuncs.com' % self.region

    @property
    def endpoint_origin(self):
        """Where the endpoint came from, in words: "set by option endpoint", "taken from environment variable
        ALIBABA_CLOUD_SAE_ENDPOINT", or "built from region cn-beijing, taken from option region" (or from an
        environment variable, or from the prefix of namespace_id)."""
        raw_args = getattr(self, '_raw_args', None)
        if self.params.get('endpoint'):
            source = option_source(self.params, 'endpoint', ('endpoint_url',), (ENDPOINT_ENV,), raw_args)
            return ('taken from %s' if source.startswith('environment') else 'set by %s') % source
        if self.params.get('region'):
            return 'built from region %s, taken from %s' % (self.params['region'], self._region_source())
        return 'built from region %s, taken from the prefix of namespace_id %s' % (
            namespace_region(self.params.get('namespace_id')), self.params.get('namespace_id'))

    def connect(self):
        """The SaeApi, built on the first call: resolves the credentials, warns about an unencrypted or unverified
        endpoint, and fails the task when the credentials or requests are missing. Later calls return the same one.
        The pace of calls_per_minute is shared with the module processes of this host; why it cannot be kept, if so,
        reaches the module's warnings."""
        if self._api is None:
            if not HAS_REQUESTS:
                self.module.fail_json(msg='%s: %s' % (missing_required_lib('requests'), REQUESTS_IMPORT_ERROR))
            endpoint = self.endpoint
            parts = urlsplit(endpoint)
            if parts.scheme == 'http' and not is_loopback(parts.hostname):
                self.module.warn('endpoint %s uses plain http: requests and answers travel unencrypted; '
                                 'use https outside a local emulator' % endpoint)
            if parts.scheme == 'https' and not self.params['validate_certs']:
                self.module.warn('validate_certs is false: the TLS certificate of %s is not checked; '
                                 'prefer ca_path with a CA bundle' % parts.hostname)
            credentials = dict((option, self.params.get(option))
                               for option in ('access_key_id', 'access_key_secret', 'security_token', 'profile'))
            try:
                self._api = connect(endpoint, credentials, timeout=self.params['timeout'], retries=self.params['retries'],
                                    retry_timeout=self.params['retry_timeout'], validate_certs=self.params['validate_certs'],
                                    ca_path=self.params.get('ca_path'), calls_per_minute=self.params['calls_per_minute'],
                                    warn=self.module.warn, endpoint_origin=self.endpoint_origin)
            except CredentialsError as exc:
                self.module.fail_json(msg=str(exc))
        return self._api

    def add_hints(self, hints):
        """Hints (error code -> one line) of a resource, used by fail_api over those of the API layer."""
        self.hints.update(hints)

    def api_failure(self, err, msg=None, detail=None, **result):
        """The failed result of a SaeApiError: ``msg`` (code, message, RequestId, ``detail``, a hint), ``error`` as
        data, and ``result``."""
        text = '%s failed: %s: %s' % (msg or err.operation or 'API call', err.code, err.message)
        if err.request_id:
            text += ' (RequestId: %s)' % err.request_id
        if detail:
            text += ' ' + detail
        hint = error_hint(err, self.hints)
        endpoint = self.params.get('endpoint') or ''
        if err.code == 'SSLError' and endpoint and '://' not in endpoint:
            hint = ('endpoint %r has no scheme, so https://%s was used and its TLS handshake failed. If that server speaks '
                    'plain HTTP (a local emulator), write http://%s; if it speaks HTTPS, %s'
                    % (endpoint, endpoint.strip(), endpoint.strip(), self.hints['SSLError']))
        if hint:
            text += ' Hint: %s' % hint
        return dict(result, msg=text, error=err.to_dict())
