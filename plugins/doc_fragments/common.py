# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options, credentials and retry behaviour shared by every module of alibabacloud.sae.
    DOCUMENTATION = r'''
options:
  access_key_id:
    description:
      - Alibaba Cloud AccessKey ID.
      - If not set, the first of the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALICLOUD_ACCESS_KEY)
        and E(ALICLOUD_ACCESS_KEY_ID) that is set is used.
      - Needs O(access_key_secret). Cannot be combined with O(profile).
      - The key ID is not secret and is not masked in the output; the secret and the token are.
    type: str
    aliases: [alicloud_access_key, access_key]
  access_key_secret:
    description:
      - Alibaba Cloud AccessKey secret.
      - If not set, the first of the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_SECRET), E(ALICLOUD_SECRET_KEY)
        and E(ALICLOUD_SECRET_ACCESS_KEY) that is set is used.
      - Marked C(no_log), so the module keeps it out of its results, warnings and errors, and C(-vvvv) masks it.
        ansible-core itself prints task arguments as written under E(ANSIBLE_DEBUG) and in some of its own failures;
        prefer the environment variable, or C(module_defaults) fed from Ansible Vault.
      - Never pass it on an ad-hoc C(-a) line (C(ansible -m ... -a "access_key_secret=...")), because ansible-core
        prints that line unmasked when it cannot parse it, and the shell history and the process list keep it. Set
        the environment variable instead.
    type: str
    aliases: [alicloud_secret_key, secret_key]
  security_token:
    description:
      - STS security token, for temporary credentials. Needs O(access_key_id) and O(access_key_secret)
        of the same STS credentials.
      - If not set, the first of the environment variables E(ALIBABA_CLOUD_SECURITY_TOKEN) and E(ALICLOUD_SECURITY_TOKEN)
        that is set is used.
      - Marked C(no_log), so the module keeps it out of its results, warnings and errors, and C(-vvvv) masks it.
        ansible-core itself prints task arguments as written under E(ANSIBLE_DEBUG) and in some of its own failures;
        prefer the environment variable, or C(module_defaults) fed from Ansible Vault.
      - Like O(access_key_secret), never pass it on an ad-hoc C(-a) line.
    type: str
    aliases: [alicloud_security_token]
  profile:
    description:
      - Named credentials profile, looked up first in the Alibaba Cloud CLI file C(~/.aliyun/config.json), then in
        C(~/.alibabacloud/credentials.ini) (or the file in E(ALIBABA_CLOUD_CREDENTIALS_FILE)).
      - If not set, the first of the environment variables E(ALIBABA_CLOUD_PROFILE) and E(ALICLOUD_PROFILE) that is set is used.
      - Setting it together with O(access_key_id), O(access_key_secret) or O(security_token) (from options or from
        their environment variables) is an error.
      - Needs the C(alibabacloud-credentials) Python library.
    type: str
    aliases: [alicloud_profile]
  region:
    description:
      - Region ID, for example V(cn-beijing). Used to build the default endpoint.
      - If not set, the first of the environment variables E(ALIBABA_CLOUD_REGION_ID), E(ALICLOUD_REGION) and
        E(ALICLOUD_REGION_ID) that is set is used; else the region prefix of the module's C(namespace_id)
        (V(cn-beijing) from V(cn-beijing:prod), or the bare region of the default namespace).
      - Not needed when O(endpoint) is set.
      - When O(endpoint) is not set, a region (from the option or from an environment variable) that differs from the
        region prefix of the module's C(namespace_id) is an error, raised before any API call.
    type: str
    aliases: [alicloud_region, region_id]
  endpoint:
    description:
      - SAE API endpoint, a host name (V(sae-vpc.cn-beijing.aliyuncs.com), used with C(https://)) or a full URL
        with an optional port (V(http://127.0.0.1:8080) for a local emulator).
      - If not set, the environment variable E(ALIBABA_CLOUD_SAE_ENDPOINT) is used, else V(https://sae.<region>.aliyuncs.com).
      - An C(http://) endpoint whose host is not a loopback address gives a warning, because requests and answers then
        travel unencrypted.
    type: str
    aliases: [endpoint_url]
  validate_certs:
    description:
      - Whether to check the TLS certificate of the endpoint.
      - Setting it to V(false) turns verification off (O(ca_path) is then ignored) and gives a warning; prefer O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM bundle of CA certificates (or a directory of them) to trust for the endpoint, instead of the ones
        C(requests) trusts by default. The path must exist.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP attempt (to connect, and for the answer). At least V(1).
    type: int
    default: 10
  retries:
    description:
      - At most this many attempts after the first for a retryable failure (see the retry policy in the notes), within
        O(retry_timeout). V(0) disables retrying.
      - If not set, the number of attempts is bounded by O(retry_timeout) alone.
      - Until 1.1.0 the default was V(5), with at most 7.75 seconds of waiting; setting V(5) keeps that number of
        attempts (each wait now has a floor, half of its bound, see O(retry_timeout)).
    type: int
  retry_timeout:
    description:
      - Seconds, counted from the first attempt of an API call, during which a retryable failure is retried. A retry
        whose wait would end later is not made, so a call takes at most about O(retry_timeout) plus one O(timeout).
      - Before retry n (counted from 0) the module waits between b/2 and b seconds, b = min(4, 0.25 * 2^n) (exponential
        backoff with equal jitter; the first waits are 0.125 to 0.25, 0.25 to 0.5, 0.5 to 1 seconds, later ones 2 to 4), or
        longer when the answer asks for it in C(x-acs-retry-after) or C(Retry-After); a wait that would end past the
        budget fails the call at once.
      - V(0) disables retrying.
      - Time spent waiting for a turn of the pace of O(calls_per_minute) does not count.
    type: int
    default: 60
    version_added: 1.1.0
  calls_per_minute:
    description:
      - The API calls a minute that the module processes of this collection on one host share, per access key ID and
        endpoint (at most that many in any minute). SAE admits 60 API calls a minute per account; pacing makes calls
        wait for their turn instead of being refused.
      - If not set, the environment variable E(ALIBABA_CLOUD_SAE_CALLS_PER_MINUTE) is used, else V(60). V(0) turns
        pacing off.
      - Waiting for a turn does not count against O(retry_timeout); one call waits at most 15 minutes.
      - Other hosts and other AWX jobs pace separately. How the pace is kept and shared is in the
        R(endpoints guide, ansible_collections.alibabacloud.sae.docsite.endpoints.pacing).
    type: int
    default: 60
    version_added: 1.2.0
notes:
  - >-
    Credentials are resolved in this order. 1. O(access_key_id) and O(access_key_secret) (and O(security_token)),
    from the options or their environment variables; requests are then signed by the collection itself and the
    C(alibabacloud-credentials) library is not needed. 2. O(profile). 3. The default chain of C(alibabacloud-credentials):
    environment, OIDC/RRSA (E(ALIBABA_CLOUD_OIDC_TOKEN_FILE), E(ALIBABA_CLOUD_ROLE_ARN), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN)),
    the current CLI profile in C(~/.aliyun/config.json), the default profile of C(~/.alibabacloud/credentials.ini),
    the ECS RAM role (unless E(ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)), and a credentials URI
    (E(ALIBABA_CLOUD_CREDENTIALS_URI)). When none gives credentials the module fails and says what to set.
  - >-
    Retry policy. Retried, with the backoff and budget described under O(retry_timeout) and O(retries): error codes
    starting with V(Throttling) (the API's flow control, per user and per API), V(ServiceUnavailable), V(InternalError),
    any other HTTP 5xx answer, connection errors and timeouts; SAE's refusals for a passing reason, after which nothing
    was applied (V(System.Upgrading), V(Application.ChangerOrderRunning), V(Application.InvalidStatus),
    V(OperationFailed.RPCError)), for every call, a create included; and V(InvalidResponse.Api), an internal failure,
    for every call but a create, whose outcome it leaves unknown. Not retried: every other error answer (for example
    V(SignatureDoesNotMatch), V(InvalidAccessKeyId.NotFound), V(InvalidTimeStamp.Expired), V(SignatureNonceUsed)) and TLS
    certificate failures. A create (HTTP POST) answered by a 5xx, a read timeout or a connection lost after sending has
    an unknown outcome: it is not retried, and the module looks the resource up again before it creates anything; if
    that lookup fails too, the task fails with the create's unknown outcome first (the resource may exist, a rerun
    converges) and returns the lookup's error as C(followup_error). An update or delete that gives up after an
    attempt without a definite answer says it may have been applied. Throttling and connection failures before sending
    are retried for every call. A host name that does not resolve (a wrong O(region) or O(endpoint)) is not retried:
    the module fails at once, naming the endpoint and where its host came from. A temporary failure of the name
    resolver is retried as a connection error. A call that gives up says after how many attempts and how long, and,
    when throttled, how long it waited for its turns of the pace (O(calls_per_minute)).
  - Every request is signed with ACS3-HMAC-SHA256 (signature V3) and sent with a fresh nonce and timestamp; the
    controller's clock must be within 15 minutes of the real time.
requirements:
  - python >= 3.9
  - requests
  - alibabacloud-credentials (only for a profile or the default credentials chain, not with explicit keys)
seealso:
  - name: Credentials guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/credentials.rst
    description: Every place the modules take credentials from, in order, and the RAM actions they need.
  - name: Region, namespace and endpoint guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/endpoints.rst
    description: Region, namespace and endpoint; TLS, proxies, timeouts and retries.
  - name: Troubleshooting guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/troubleshooting.rst
    description: What each error code the modules report means, and what to do about it.
'''
