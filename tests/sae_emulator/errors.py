"""Error codes the emulator returns, and the exception that carries them.

Documented by the CreateIngress/UpdateIngress pages (400 unless noted): InvalidParameter.NotEmpty,
InvalidParameter.Obviously, InvalidParameter.WithMessage, Slb.NotFound, Exceed.IngressRule,
SlbListenerPort.NotAvailable, SSLCert.NotFound. Gateway codes: Throttling.User (400),
ServiceUnavailable (503), InternalError (500), SignatureDoesNotMatch (403), IncompleteSignature (400),
InvalidAccessKeyId.NotFound (404), SignatureNonceUsed (400), InvalidTimeStamp.Expired (400).

Choices for the cases no page documents (module constants below; FIDELITY.md is the full ledger):

* Unknown ingress id (Describe/Update/Delete): by default (variant ``not_found=with_message``)
  400 ``InvalidParameter.WithMessage`` whose message says the ingress does not exist. Evidence for
  DescribeIngress only: the public Terraform provider's DescribeSaeIngress reads exactly
  ``InvalidParameter.WithMessage`` as "not found". Nothing public says what Update or Delete answer,
  and the code is a generic one, so the other variants are ``not_found=404`` (HTTP 404, Code
  ``InvalidIngress.NotFound``, distinct from 404 ``InvalidAccessKeyId.NotFound`` and
  ``InvalidAction.NotFound``) and ``not_found=code_in_error_code`` (400, Code ``"400"``,
  ``InvalidParameter.WithMessage`` in ErrorCode). ``delete_unknown=success`` makes DeleteIngress
  of an unknown id a success instead.
* A rule naming an application of another namespace: 400 ``InvalidParameter.WithMessage`` (the
  CreateIngress page says cross-namespace applications are not supported; the code is assumed).
* An application id a rule names that does not exist: 400 ``InvalidParameter.WithMessage`` (assumed).
* Unknown path, method+path pair, or an ``x-acs-action`` that does not match them: 404
  ``InvalidAction.NotFound``.
* ``x-acs-version`` other than 2019-05-06: 400 ``InvalidVersion``.
* ``x-acs-content-sha256`` not the SHA-256 of the body: 403 ``SignatureDoesNotMatch`` (the message
  names the body hash).
* STS: a token sent with a key that is not its own, an STS key id without its token, or a token with a
  permanent key: 400 ``InvalidSecurityToken.MismatchWithAccessKey``; a token nobody issued: 400
  ``InvalidSecurityToken.Malformed``.
* ``x-acs-date`` not ``YYYY-MM-DDTHH:MM:SSZ``: 400 ``InvalidTimeStamp.Format``.
* Unknown GreyTagRouteId (Describe/Update/DeleteGreyTagRoute): by default (variant ``grey_not_found=with_message``)
  400 ``InvalidParameter.WithMessage``, which the public Terraform provider's DescribeSaeGreyTagRoute reads as "not
  found"; ``grey_not_found=404``: HTTP 404 ``InvalidGreyTagRoute.NotFound`` (the code is assumed).
* An AppId (CreateGreyTagRoute, ListGreyTagRoute) the account does not have: 404 ``InvalidAppId.NotFound``, from SAE's
  common error list ("The specified application ID does not exist").
"""

NOT_EMPTY = 'InvalidParameter.NotEmpty'
OBVIOUSLY = 'InvalidParameter.Obviously'
WITH_MESSAGE = 'InvalidParameter.WithMessage'
SLB_NOT_FOUND = 'Slb.NotFound'
EXCEED_INGRESS_RULE = 'Exceed.IngressRule'
PORT_NOT_AVAILABLE = 'SlbListenerPort.NotAvailable'
CERT_NOT_FOUND = 'SSLCert.NotFound'

# The default variant's answer to an unknown ingress id, and the code of variant not_found=404.
INGRESS_NOT_FOUND_CODE = WITH_MESSAGE
INGRESS_NOT_FOUND_STATUS = 400
INGRESS_NOT_FOUND_404_CODE = 'InvalidIngress.NotFound'
LOAD_BALANCE_TYPE_CHANGE_CODE = WITH_MESSAGE
APP_NOT_FOUND_CODE = WITH_MESSAGE

# The answers to an unknown GreyTagRouteId (variant grey_not_found) and to an unknown AppId of the canary operations.
GREY_TAG_ROUTE_NOT_FOUND_CODE = WITH_MESSAGE
GREY_TAG_ROUTE_NOT_FOUND_404_CODE = 'InvalidGreyTagRoute.NotFound'
APP_ID_NOT_FOUND = 'InvalidAppId.NotFound'

INVALID_ACTION = 'InvalidAction.NotFound'
INVALID_VERSION = 'InvalidVersion'
INCOMPLETE_SIGNATURE = 'IncompleteSignature'
SIGNATURE_MISMATCH = 'SignatureDoesNotMatch'
BODY_HASH_MISMATCH_CODE = SIGNATURE_MISMATCH
ACCESS_KEY_NOT_FOUND = 'InvalidAccessKeyId.NotFound'
TIMESTAMP_EXPIRED = 'InvalidTimeStamp.Expired'
TIMESTAMP_FORMAT = 'InvalidTimeStamp.Format'
NONCE_USED = 'SignatureNonceUsed'
TOKEN_MISMATCH = 'InvalidSecurityToken.MismatchWithAccessKey'
TOKEN_MALFORMED = 'InvalidSecurityToken.Malformed'

THROTTLING_USER = 'Throttling.User'
SERVICE_UNAVAILABLE = 'ServiceUnavailable'
INTERNAL_ERROR = 'InternalError'
GATEWAY_MESSAGES = {
    THROTTLING_USER: 'Request was denied due to user flow control.',
    SERVICE_UNAVAILABLE: 'The request has failed due to a temporary failure of the server.',
    INTERNAL_ERROR: 'The request processing has failed due to some unknown error, exception or failure.',
}

# SAE's common error list (status, the gist of its message) for the codes an `error` fault answers by default;
# OperationFailed.RPCError as DeleteIngress documents it.
SAE_COMMON_ERRORS = {
    'InvalidResponse.Api': (404, 'The response of the API is empty.'),
    'InvalidAppId.NotFound': (404, 'The specified application ID does not exist.'),
    'InvalidNamespaceId.NotFound': (404, 'The specified namespace ID does not exist.'),
    'InvalidVpcId.NotFound': (404, 'The specified VPC ID does not exist.'),
    'InvalidApplication.NotFound': (400, 'The current application does not exist.'),
    'System.Upgrading': (400, 'The system is being upgraded. Please try again later.'),
    'Application.ChangerOrderRunning': (400, 'A change order of the application is running. Please try again later.'),
    'Application.InvalidStatus': (400, 'The current status of the application does not allow this operation.'),
    'OperationFailed.RPCError': (500, 'The operation failed because an internal call failed.'),
}

# Log codes for faults that send no response at all.
CONNECTION_RESET = 'connection-reset'
CONNECTION_DROPPED = 'connection-dropped'

MAX_RULES = 40
PAGE_SIZE_DEFAULT = 10
PAGE_SIZE_MAX = 100


class ApiError(Exception):
    """An error answer: HTTP status, code, message. ``business`` marks SAE (not gateway) errors."""

    def __init__(self, status, code, message, business=False, headers=None, body_code=None):
        super().__init__('%s %s: %s' % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.business = business
        self.headers = headers
        # What the body's Code holds when it is not the error code (a variant: the HTTP status).
        self.body_code = body_code


def not_empty(name):
    return ApiError(400, NOT_EMPTY, 'You must specify the parameter %s.' % name, True)


def obviously(name):
    return ApiError(400, OBVIOUSLY, 'The specified parameter is invalid {%s}.' % name, True)


def with_message(name, detail):
    return ApiError(400, WITH_MESSAGE, 'The parameter is invalid {%s}: %s' % (name, detail), True)


def slb_not_found(slb_id):
    return ApiError(400, SLB_NOT_FOUND, 'The SLB instance does not exist: slbId [%s]' % slb_id, True)


def exceed_rules():
    return ApiError(400, EXCEED_INGRESS_RULE, 'The number of Ingress related rules must be less than or equal to %d.' % MAX_RULES, True)


def port_not_available(slb_id, port):
    return ApiError(400, PORT_NOT_AVAILABLE, 'The SLB listening port is unavailable: slbId [%s], port [%s]' % (slb_id, port), True)


def cert_not_found(cert_id):
    return ApiError(400, CERT_NOT_FOUND, 'The specified SSL certificate cannot be found: [%s]' % cert_id, True)


def ingress_not_found(ingress_id, variant='with_message'):
    """The answer to an unknown ingress id under variant ``not_found``."""
    if variant == '404':
        return ApiError(404, INGRESS_NOT_FOUND_404_CODE, 'The specified ingress [%s] does not exist.' % ingress_id, True)
    error = ApiError(INGRESS_NOT_FOUND_STATUS, INGRESS_NOT_FOUND_CODE,
                     'The parameter is invalid {IngressId}: the ingress [%s] does not exist' % ingress_id, True)
    if variant == 'code_in_error_code':
        error.body_code = str(INGRESS_NOT_FOUND_STATUS)
    return error


def grey_tag_route_not_found(route_id, variant='with_message'):
    """The answer to an unknown GreyTagRouteId under variant ``grey_not_found``."""
    if variant == '404':
        return ApiError(404, GREY_TAG_ROUTE_NOT_FOUND_404_CODE, 'The specified canary rule [%s] does not exist.' % route_id, True)
    return with_message('GreyTagRouteId', 'the canary rule [%s] does not exist' % route_id)


def app_id_not_found(app_id):
    return ApiError(404, APP_ID_NOT_FOUND, 'The specified application ID does not exist: [%s]' % app_id, True)


def cross_namespace_app(where, app_id, app_namespace, namespace_id):
    return with_message(where, 'the application [%s] belongs to namespace %s, not %s: cross-namespace applications '
                               'are not supported' % (app_id, app_namespace, namespace_id))


def invalid_action():
    return ApiError(404, INVALID_ACTION, 'Specified api is not found, please check your url and method.')


def incomplete_signature(detail):
    return ApiError(400, INCOMPLETE_SIGNATURE, 'The request signature does not conform to Aliyun standards. %s' % detail)
