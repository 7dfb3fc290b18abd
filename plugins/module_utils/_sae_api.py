# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The SAE API, one method per operation: paths and body fields, nothing about HTTP or Ansible.

Parameters are PascalCase API field names with Python values (the transport encodes them). This is the
layer the modules and the resource logic talk to: it exports the errors they catch (``SaeApiError``,
``SaeUnknownOutcomeError``, ``CredentialsError``), decides per operation what "not found" means, and
``connect()`` builds the transport under it. Nothing above this file imports the transport.
"""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._credentials import CredentialsError, resolve_credentials
# Modules import the errors they catch (SaeApiError, SaeUnknownOutcomeError) from here, never from _http:
# this file re-exports them (__all__), and the transport stays an implementation detail of the API client.
from ansible_collections.alibabacloud.sae.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    HttpClient,
    Operation,
    SaeApiError,
    SaeUnknownOutcomeError,
)

__all__ = [
    'CredentialsError', 'HAS_REQUESTS', 'REQUESTS_IMPORT_ERROR', 'SaeApi', 'SaeApiError', 'SaeUnknownOutcomeError',
    'connect', 'is_not_found',
]

INGRESS_PATH = '/pop/v1/sam/ingress/Ingress'
INGRESS_LIST_PATH = '/pop/v1/sam/ingress/IngressList'

CREATE_INGRESS = Operation('CreateIngress', 'POST', INGRESS_PATH, ('Rules',))
UPDATE_INGRESS = Operation('UpdateIngress', 'PUT', INGRESS_PATH, ('Rules',))
DESCRIBE_INGRESS = Operation('DescribeIngress', 'GET', INGRESS_PATH, ())
DELETE_INGRESS = Operation('DeleteIngress', 'DELETE', INGRESS_PATH, ())
LIST_INGRESSES = Operation('ListIngresses', 'GET', INGRESS_LIST_PATH, ())

# "This ingress does not exist", as DescribeIngress answers it. No public page documents the answer to an
# unknown IngressId, so every plausible form counts: InvalidParameter.WithMessage (DescribeIngress takes
# a single parameter, so the code can only be about that id; the public Terraform provider reads it the
# same way, for DescribeIngress only), a not-found code of the ingress, or an HTTP 404 whose code is not
# about the credentials or the API path. The code may sit in Code or in ErrorCode (the transport reads both).
NOT_FOUND_CODES = frozenset([
    'Ingress.NotFound',
    'InvalidIngress.NotFound',
    'Ingress.Not.Exist',
    'InvalidParameter.WithMessage',
])
_NOT_FOUND_404_EXCLUDED = frozenset(['InvalidAccessKeyId.NotFound', 'InvalidAction.NotFound'])

# The page size ListIngresses is asked for. No public source states the maximum (the SDK has none): 50
# stays within every plausible cap, and paging follows TotalSize, so a service that returns fewer
# rows per page than asked is read to the end all the same.
LIST_PAGE_SIZE = 50


def is_not_found(err):
    """True when a SaeApiError of DescribeIngress says the ingress does not exist."""
    if not isinstance(err, SaeApiError) or isinstance(err, SaeUnknownOutcomeError):
        return False
    if err.code in NOT_FOUND_CODES:
        return True
    return err.status == 404 and err.code not in _NOT_FOUND_404_EXCLUDED and not err.code.startswith('HTTP')


def _data(response, operation):
    data = response.get('Data')
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SaeApiError('InvalidResponse', 'Data is not an object in the answer to %s' % operation,
                          request_id=response.get('RequestId'), operation=operation)
    return data


def _ingress_id(response, operation, default=None):
    value = _data(response, operation).get('IngressId', default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SaeApiError('InvalidResponse', 'no IngressId in the answer to %s' % operation,
                          request_id=response.get('RequestId'), operation=operation)


class SaeApi:
    """SAE ingress operations over an ``HttpClient``-like object with ``call(operation, params)``."""

    def __init__(self, http_client):
        self.http = http_client

    def create_ingress(self, params):
        """CreateIngress; returns the new ingress id."""
        return _ingress_id(self.http.call(CREATE_INGRESS, params), CREATE_INGRESS.action)

    def update_ingress(self, ingress_id, params):
        """UpdateIngress of ``ingress_id``; returns the ingress id."""
        request = dict(params)
        request['IngressId'] = ingress_id
        return _ingress_id(self.http.call(UPDATE_INGRESS, request), UPDATE_INGRESS.action, default=ingress_id)

    def describe_ingress(self, ingress_id):
        """DescribeIngress; returns ``Data``, or ``None`` when the ingress does not exist."""
        try:
            response = self.http.call(DESCRIBE_INGRESS, {'IngressId': ingress_id})
        except SaeApiError as err:
            if is_not_found(err):
                return None
            raise
        return _data(response, DESCRIBE_INGRESS.action) or None

    def delete_ingress(self, ingress_id):
        """DeleteIngress; returns ``False`` when the ingress was already gone.

        An error that reads as "not found" counts as gone only once DescribeIngress confirms it: on
        DeleteIngress, InvalidParameter.WithMessage might be about something else.
        """
        try:
            self.http.call(DELETE_INGRESS, {'IngressId': ingress_id})
        except SaeApiError as err:
            if is_not_found(err) and self.describe_ingress(ingress_id) is None:
                return False
            raise
        return True

    def list_ingresses(self, namespace_id, app_id=None):
        """ListIngresses, every page; returns the rows of ``Data.IngressList``."""
        rows = []
        page = 1
        while True:
            response = self.http.call(LIST_INGRESSES, {
                'NamespaceId': namespace_id,
                'AppId': app_id,
                'CurrentPage': page,
                'PageSize': LIST_PAGE_SIZE,
            })
            data = _data(response, LIST_INGRESSES.action)
            batch = data.get('IngressList') or []
            rows.extend(batch)
            try:
                total = int(data.get('TotalSize'))
            except (TypeError, ValueError):
                total = None
            if not batch or (total is None and len(batch) < LIST_PAGE_SIZE) or (total is not None and len(rows) >= total):
                return rows
            page += 1


def connect(endpoint, credentials, timeout=10, retries=5, validate_certs=True, ca_path=None):
    """An SaeApi for ``endpoint`` over a signed HTTP client.

    ``credentials``: the credential options (access_key_id, access_key_secret, security_token, profile),
    resolved here; raises CredentialsError when none can be found.
    """
    return SaeApi(HttpClient(endpoint, resolve_credentials(**credentials), timeout=timeout, retries=retries,
                             validate_certs=validate_certs, ca_path=ca_path))
