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
# Modules import the errors they catch (SaeApiError, SaeUnknownOutcomeError) from here, never from the transport
# (_http, _http_errors): this file re-exports them (__all__), and the transport stays an implementation detail of the
# API client.
from ansible_collections.alibabacloud.sae.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HttpClient, Operation
from ansible_collections.alibabacloud.sae.plugins.module_utils._http_errors import AcsCallError, AcsUnknownOutcomeError
from ansible_collections.alibabacloud.sae.plugins.module_utils._http_retry import DEFAULT_RETRY_TIMEOUT

__all__ = [
    'CredentialsError', 'DEFAULT_RETRY_TIMEOUT', 'ERROR_HINTS', 'ERROR_HINT_FAMILIES', 'HAS_REQUESTS',
    'INCOMPLETE_LISTING', 'REQUESTS_IMPORT_ERROR', 'SaeApi', 'SaeApiError', 'SaeUnknownOutcomeError', 'THROTTLING_HINT',
    'connect', 'is_not_found',
]

# The transport's errors under the names the modules know: every failed SAE call, and a write whose outcome is
# unknown (it may have been applied).
SaeApiError = AcsCallError
SaeUnknownOutcomeError = AcsUnknownOutcomeError

API_VERSION = '2019-05-06'
INGRESS_PATH = '/pop/v1/sam/ingress/Ingress'
INGRESS_LIST_PATH = '/pop/v1/sam/ingress/IngressList'

# Refusals for a passing reason, after which nothing was applied (SAE's common error list; Terraform retries the
# two Application codes on its SAE SLB resources): retried with the transport's backoff for every operation, a
# CreateIngress included.
TRANSIENT_REFUSALS = frozenset([
    'System.Upgrading',  # 400, the service is being upgraded: try again later
    'Application.ChangerOrderRunning',  # 400, a change order of the application is running
    'Application.InvalidStatus',  # 400, the application's state refuses changes for now
    'OperationFailed.RPCError',  # 500 (DeleteIngress), an internal call failed
])
# 404 "the response of API is empty": an internal failure that says nothing about the ingress. Retried where a
# repeat is harmless (reads, updates, deletes); on CreateIngress the outcome is unknown (see create_ingress).
EMPTY_RESPONSE = 'InvalidResponse.Api'
_REPEATABLE = TRANSIENT_REFUSALS | {EMPTY_RESPONSE}

# "This ingress does not exist", as each operation answers it: only codes that can be about the ingress. No public
# page documents the answer to an unknown IngressId: a not-found code of the ingress, or InvalidParameter.WithMessage.
# DescribeIngress takes a single parameter, so that code can only be about the id (the public Terraform provider
# reads it the same way, for DescribeIngress only); on DeleteIngress it is confirmed with a DescribeIngress (see
# delete_ingress). The code may sit in Code or in ErrorCode (the transport reads both). Every other answer, a 404
# included (InvalidResponse.Api, InvalidAppId.NotFound, InvalidNamespaceId.NotFound...), is a failure: it does not
# say that the ingress is missing.
INGRESS_NOT_FOUND = frozenset(['Ingress.NotFound', 'InvalidIngress.NotFound', 'Ingress.Not.Exist',
                               'InvalidParameter.WithMessage'])

CREATE_INGRESS = Operation('CreateIngress', 'POST', INGRESS_PATH, ('Rules',), TRANSIENT_REFUSALS)
UPDATE_INGRESS = Operation('UpdateIngress', 'PUT', INGRESS_PATH, ('Rules',), _REPEATABLE)
DESCRIBE_INGRESS = Operation('DescribeIngress', 'GET', INGRESS_PATH, (), _REPEATABLE, INGRESS_NOT_FOUND)
DELETE_INGRESS = Operation('DeleteIngress', 'DELETE', INGRESS_PATH, (), _REPEATABLE, INGRESS_NOT_FOUND)
LIST_INGRESSES = Operation('ListIngresses', 'GET', INGRESS_LIST_PATH, (), _REPEATABLE)
LIST_APPLICATIONS = Operation('ListApplications', 'GET', '/pop/v1/sam/app/listApplications', (), _REPEATABLE)

# Canary routes (GreyTagRoute): every parameter in the query string, the rule lists as JSON. "This route does not
# exist": InvalidParameter.WithMessage is how DescribeGreyTagRoute answers an unknown id (the public Terraform provider
# reads it so), but the code also means bad input: describe_grey_tag_route confirms it before concluding "gone".
GREY_TAG_ROUTE_PATH = '/pop/v1/sam/tagroute/greyTagRoute'
GREY_TAG_ROUTE_NOT_FOUND = frozenset(['InvalidGreyTagRoute.NotFound', 'GreyTagRoute.NotFound',
                                      'InvalidParameter.WithMessage'])
CREATE_GREY_TAG_ROUTE = Operation('CreateGreyTagRoute', 'POST', GREY_TAG_ROUTE_PATH, (), TRANSIENT_REFUSALS)
UPDATE_GREY_TAG_ROUTE = Operation('UpdateGreyTagRoute', 'PUT', GREY_TAG_ROUTE_PATH, (), _REPEATABLE)
DESCRIBE_GREY_TAG_ROUTE = Operation('DescribeGreyTagRoute', 'GET', GREY_TAG_ROUTE_PATH, (), _REPEATABLE,
                                    GREY_TAG_ROUTE_NOT_FOUND)
DELETE_GREY_TAG_ROUTE = Operation('DeleteGreyTagRoute', 'DELETE', GREY_TAG_ROUTE_PATH, (), _REPEATABLE,
                                  GREY_TAG_ROUTE_NOT_FOUND)
LIST_GREY_TAG_ROUTE = Operation('ListGreyTagRoute', 'GET', '/pop/v1/sam/tagroute/greyTagRouteList', (), _REPEATABLE)

# The page size ListIngresses is asked for. No public source states the maximum (the SDK has none): 50 stays
# within every plausible cap. See list_ingresses for how the end of the list is recognised.
LIST_PAGE_SIZE = 50
# A listing that needs more pages than this fails rather than run on (the service keeps inventing rows).
LIST_MAX_PAGES = 400
INCOMPLETE_LISTING = 'IncompleteListing'

# The hint of a throttled call, with the way to fewer calls that the resource knows (%s).
THROTTLING_HINT = ('the API is throttling requests: SAE admits about 60 API calls a minute per account. Make fewer '
                   'calls (%s); raise retry_timeout; calls_per_minute paces only the module processes of this host, '
                   'so lower it when other hosts, AWX jobs or tools share the account (and raise it only when SAE has '
                   "raised the account's limit).")
# Hints for codes any SAE call may answer (gateway, transport, SAE's common error list). A resource adds its own.
ERROR_HINTS = {
    'Throttling': THROTTLING_HINT % 'lower forks',
    'ServiceUnavailable': 'the service is unavailable: try again later, or raise retry_timeout.',
    'InternalError': 'the service failed: try again later, or raise retry_timeout.',
    'SignatureDoesNotMatch': 'the signature was refused: check access_key_secret.',
    'IncompleteSignature': 'the signature was refused: check access_key_id and access_key_secret.',
    'InvalidAccessKeyId.NotFound': 'check access_key_id and that the key is enabled.',
    'InvalidTimeStamp.Expired': "the controller's clock is off by more than 15 minutes: sync it with NTP.",
    'SignatureNonceUsed': 'a request nonce was reused: an earlier attempt reached the service; check what it changed, then run again.',
    'InvalidSecurityToken': 'the STS token was refused: check that security_token belongs to access_key_id and has not expired.',
    'SSLError': 'set ca_path to a PEM bundle that trusts the endpoint, or (not recommended) validate_certs: false.',
    'CredentialsError': 'check the credentials options, environment variables or profile.',
    'System.Upgrading': 'SAE is being upgraded in this region: wait until the upgrade is over, then run again (or raise retry_timeout).',
    'Application.ChangerOrderRunning': 'a change order of the application is still running: wait until it finishes '
                                       '(the application\'s change records in the SAE console), then run again.',
    'Application.InvalidStatus': 'the application is in a state that refuses changes (a deployment or another change '
                                 'in progress): wait until it is running normally, then run again.',
    'OperationFailed.RPCError': 'an internal call of SAE failed: wait a minute and run again, or raise retry_timeout.',
    EMPTY_RESPONSE: 'an internal failure of SAE (its answer was empty); it says nothing about the resource. Try again '
                    'later; if it persists, check namespace_id, the ids the task gives, and region.',
    'InvalidNamespaceId.NotFound': 'no namespace with that id in this region: check namespace_id and region.',
    'InvalidVpcId.NotFound': "the VPC of the namespace was not found: check the namespace's VPC in the SAE console.",
    INCOMPLETE_LISTING: 'the pages of the listing did not add up, so nothing was concluded from it: run again once the '
                        'service answers it consistently.',
}
# Code families: every code that starts with one of these takes its hint.
ERROR_HINT_FAMILIES = ('Throttling', 'InvalidSecurityToken')
# The page size ListApplications is asked for: within the SDK's documented range (0..10000).
APPLICATIONS_PAGE_SIZE = 100
# The listings read page by page: the list in Data, the field that tells its rows apart, what a row is (one, many).
LISTINGS = {
    LIST_INGRESSES.action: ('IngressList', 'Id', 'ingress', 'ingresses'),
    LIST_APPLICATIONS.action: ('Applications', 'AppId', 'application', 'applications'),
}


def is_not_found(err, operation):
    """True when ``err``, a SaeApiError of ``operation``, is one of the codes by which it says its target does not
    exist (an unknown outcome never is)."""
    if not isinstance(err, SaeApiError) or isinstance(err, SaeUnknownOutcomeError):
        return False
    return err.code in operation.not_found_codes


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


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _route_id(response, operation, default=None):
    value = _int_or_none(_data(response, operation.action).get('GreyTagRouteId', default))
    if value is None:
        raise SaeApiError('InvalidResponse', 'no GreyTagRouteId in the answer to %s' % operation.action,
                          request_id=response.get('RequestId'), operation=operation.action)
    return value


class GreyTagRouteApi:
    """The canary-route operations of SaeApi (a class of their own to keep each class small)."""

    def create_grey_tag_route(self, params):
        """CreateGreyTagRoute; returns the new route's id. InvalidResponse.Api leaves the outcome unknown, as for
        CreateIngress: raised as SaeUnknownOutcomeError."""
        try:
            return _route_id(self.http.call(CREATE_GREY_TAG_ROUTE, params), CREATE_GREY_TAG_ROUTE)
        except SaeApiError as err:
            if err.code != EMPTY_RESPONSE or isinstance(err, SaeUnknownOutcomeError):
                raise
            raise SaeUnknownOutcomeError(err.code, '%s; the outcome of this CreateGreyTagRoute is unknown, so it was not '
                                         'retried' % err.message, request_id=err.request_id, status=err.status,
                                         operation=err.operation)

    def update_grey_tag_route(self, route_id, params):
        """UpdateGreyTagRoute of ``route_id`` (it takes no Name and no AppId); returns the route id."""
        return _route_id(self.http.call(UPDATE_GREY_TAG_ROUTE, dict(params, GreyTagRouteId=route_id)),
                         UPDATE_GREY_TAG_ROUTE, default=route_id)

    def describe_grey_tag_route(self, route_id, app_id=None):
        """DescribeGreyTagRoute; ``Data``, or None when the route does not exist. InvalidParameter.WithMessage may
        also refuse the id itself: it means "gone" only when ListGreyTagRoute of ``app_id`` (the application the
        route would belong to) has no such route; without ``app_id`` it is raised."""
        try:
            return _data(self.http.call(DESCRIBE_GREY_TAG_ROUTE, {'GreyTagRouteId': route_id}),
                         DESCRIBE_GREY_TAG_ROUTE.action) or None
        except SaeApiError as err:
            if not is_not_found(err, DESCRIBE_GREY_TAG_ROUTE):
                raise
            if err.code == 'InvalidParameter.WithMessage' and (app_id is None or any(
                    str(row.get('GreyTagRouteId')) == str(route_id) for row in self.list_grey_tag_routes(app_id))):
                raise
            return None

    def delete_grey_tag_route(self, route_id, app_id=None):
        """DeleteGreyTagRoute; ``False`` when the route was already gone, as DescribeGreyTagRoute confirms."""
        try:
            self.http.call(DELETE_GREY_TAG_ROUTE, {'GreyTagRouteId': route_id})
        except SaeApiError as err:
            if is_not_found(err, DELETE_GREY_TAG_ROUTE) and self.describe_grey_tag_route(route_id, app_id) is None:
                return err.after_lost_answer
            raise
        return True

    def list_grey_tag_routes(self, app_id):
        """ListGreyTagRoute of ``app_id`` (its only parameter): the rows of ``Data.Result``, which carry no AppId. The
        service keeps one route per application and answers one page; an answer whose TotalSize says more rows exist
        raises IncompleteListing."""
        response = self.http.call(LIST_GREY_TAG_ROUTE, {'AppId': app_id})
        data = _data(response, LIST_GREY_TAG_ROUTE.action)
        rows = data.get('Result') or []
        if not isinstance(rows, list) or not all(isinstance(row, dict) and _int_or_none(row.get('GreyTagRouteId'))
                                                 is not None for row in rows):
            raise SaeApiError('InvalidResponse', 'Result is not a list of routes with a GreyTagRouteId in the answer to '
                              'ListGreyTagRoute', request_id=response.get('RequestId'), operation=LIST_GREY_TAG_ROUTE.action)
        total = _int_or_none(data.get('TotalSize'))
        if total is not None and total > len(rows):
            raise SaeApiError(INCOMPLETE_LISTING, 'ListGreyTagRoute of application %s answered %d of %d routes, so no '
                              'route is taken to be absent and nothing was changed' % (app_id, len(rows), total),
                              operation=LIST_GREY_TAG_ROUTE.action)
        return rows


class SaeApi(GreyTagRouteApi):
    """SAE ingress operations over an ``HttpClient``-like object with ``call(operation, params)``."""

    def __init__(self, http_client):
        self.http = http_client

    def create_ingress(self, params):
        """CreateIngress; returns the new ingress id.

        InvalidResponse.Api (an internal failure) says nothing of whether the ingress was created: it is raised as
        SaeUnknownOutcomeError, so that the caller looks before it creates again.
        """
        try:
            response = self.http.call(CREATE_INGRESS, params)
        except SaeApiError as err:
            if err.code != EMPTY_RESPONSE or isinstance(err, SaeUnknownOutcomeError):
                raise
            raise SaeUnknownOutcomeError(
                err.code, '%s; the outcome of this CreateIngress is unknown (it may or may not have been applied), '
                'so it was not retried' % err.message, request_id=err.request_id, status=err.status,
                operation=err.operation)
        return _ingress_id(response, CREATE_INGRESS.action)

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
            if is_not_found(err, DESCRIBE_INGRESS):
                return None
            raise
        return _data(response, DESCRIBE_INGRESS.action) or None

    def delete_ingress(self, ingress_id):
        """DeleteIngress; returns ``False`` when the ingress was already gone (another writer deleted it).

        An error that reads as "not found" counts as gone only once DescribeIngress confirms it: on
        DeleteIngress, InvalidParameter.WithMessage might be about something else. Gone after an attempt whose
        answer was lost is this call's doing: ``True``.
        """
        try:
            self.http.call(DELETE_INGRESS, {'IngressId': ingress_id})
        except SaeApiError as err:
            if is_not_found(err, DELETE_INGRESS) and self.describe_ingress(ingress_id) is None:
                return err.after_lost_answer
            raise
        return True

    def list_ingresses(self, namespace_id):
        """ListIngresses: every row of ``Data.IngressList`` in the namespace.

        Raises SaeApiError ``IncompleteListing`` when the answers do not show that every row was read, so that no
        caller concludes from a partial list that an ingress is absent. The pages are read at LIST_PAGE_SIZE and,
        if they leave a doubt (a full page repeated, as from a service that answers a page past the end with the
        last one), once more at a page size whose pages end elsewhere.
        """
        params = {'NamespaceId': namespace_id}
        rows, doubt = self._read_pages(LIST_INGRESSES, params, LIST_PAGE_SIZE)
        if doubt:
            rows, doubt = self._read_pages(LIST_INGRESSES, params, LIST_PAGE_SIZE - 1)
        if doubt:
            raise SaeApiError(INCOMPLETE_LISTING, 'the answers of ListIngresses in %s do not show that every ingress was '
                              'read (%s, at page sizes %d and %d), so no ingress is taken to be absent and nothing was '
                              'changed' % (namespace_id, doubt, LIST_PAGE_SIZE, LIST_PAGE_SIZE - 1),
                              operation=LIST_INGRESSES.action)
        return rows

    def list_applications(self, namespace_id, app_name=None):
        """ListApplications in ``namespace_id`` (optionally with its ``AppName`` filter): the rows of
        ``Data.Applications``, every page, each once (by AppId). Whether ``AppName`` matches exactly is not
        documented: callers match the names themselves. Raises SaeApiError ``IncompleteListing`` when the answers do
        not show that every application was read: a name is resolved only from a complete list, since a second
        application of the name may be on a page not read."""
        params = {'NamespaceId': namespace_id, 'AppName': app_name}
        rows, doubt = self._read_pages(LIST_APPLICATIONS, params, APPLICATIONS_PAGE_SIZE)
        if doubt:
            raise SaeApiError(INCOMPLETE_LISTING, 'the answers of ListApplications in %s do not show that every '
                              'application was read (%s), so no application name was resolved and nothing was changed'
                              % (namespace_id, doubt), operation=LIST_APPLICATIONS.action)
        return rows

    def _read_pages(self, operation, params, size):
        """Every page of a listing at ``size``: ``(rows, None)`` when the answers prove the list complete, else
        ``(rows, why)``. LISTINGS names the list in ``Data`` and the field that tells its rows apart.

        The proof, in order: TotalSize (when the service gives it) reached; page 2 holding every row of a page 1
        that had another number of rows than asked (the service does not page: its answer does not depend on
        CurrentPage and is not cut at the size asked, so each is the whole list, page 2 the newer one, rows created
        between the two calls included); an empty page; a page shorter than an earlier one (pages of a constant size
        end with the short one). A page that repeats rows already read in any other way, or runs short of
        TotalSize, leaves a doubt.
        """
        rows_key, id_key, one, many = LISTINGS[operation.action]
        seen = {}
        first_ids = None
        longest = 0
        for page in range(1, LIST_MAX_PAGES + 1):
            response = self.http.call(operation, dict(params, CurrentPage=page, PageSize=size))
            data = _data(response, operation.action)
            batch = data.get(rows_key) or []
            if not isinstance(batch, list) or not all(isinstance(row, dict) and row.get(id_key) not in (None, '')
                                                      for row in batch):
                raise SaeApiError('InvalidResponse', '%s is not a list of %s with an %s in the answer to %s'
                                  % (rows_key, many, id_key, operation.action), request_id=response.get('RequestId'),
                                  operation=operation.action)
            ids = [str(row[id_key]) for row in batch]
            total = _int_or_none(data.get('TotalSize'))
            if total is None and page == 2 and len(first_ids) != size and set(first_ids) <= set(ids):
                return list(dict(zip(ids, batch)).values()), None
            added = 0
            for key, row in zip(ids, batch):
                if key not in seen:
                    seen[key] = row
                    added += 1
            if first_ids is None:
                first_ids = ids
            if total is not None:
                if len(seen) >= total:
                    return list(seen.values()), None
                if not added:
                    return list(seen.values()), 'page %d added no %s while TotalSize is %d and %d were read' % (
                        page, one, total, len(seen))
                continue
            if not batch or len(batch) < longest:
                return list(seen.values()), None
            if not added:
                return list(seen.values()), 'page %d repeated %s already read, without a TotalSize' % (page, many)
            longest = max(longest, len(batch))
        return list(seen.values()), 'more than %d pages' % LIST_MAX_PAGES


def connect(endpoint, credentials, timeout=10, retries=None, retry_timeout=DEFAULT_RETRY_TIMEOUT, validate_certs=True,
            ca_path=None, calls_per_minute=0, warn=None, endpoint_origin=None):
    """An SaeApi for ``endpoint`` over a signed HTTP client speaking API_VERSION.

    ``credentials``: the credential options (access_key_id, access_key_secret, security_token, profile),
    resolved here; raises CredentialsError when none can be found.
    """
    return SaeApi(HttpClient(endpoint, resolve_credentials(**credentials), API_VERSION, timeout=timeout, retries=retries,
                             retry_timeout=retry_timeout, validate_certs=validate_certs, ca_path=ca_path,
                             calls_per_minute=calls_per_minute, warn=warn, endpoint_origin=endpoint_origin))
