# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_ingress
short_description: Create, update or delete an Alibaba Cloud SAE ingress (CLB or ALB routing rules)
version_added: 1.0.0
description:
  - Manages one Serverless App Engine (SAE) ingress, the set of routing rules that puts a CLB or ALB listener in front of
    SAE applications.
  - The ingress is found by O(ingress_id), or else by O(name) inside O(namespace_id) (every page of C(ListIngresses)
    is read). Two ingresses with the same name make the task fail with their ids; set O(ingress_id) then.
  - Idempotent. Only the options a task sets are compared with the live ingress, after normalising both sides
    (values the service fills in, types, letter case, order of O(rules) and O(cert_ids)). An option left unset is
    never changed. When nothing differs no write call is made and the task reports C(ok).
  - When something differs, one C(UpdateIngress) call carries every option the task sets (the full rule list when
    O(rules) is set, since the API replaces it), so a change made by someone else between the read and the write
    cannot leave a half-applied state.
  - O(namespace_id), O(slb_id) and O(load_balance_type) cannot change once the ingress exists. A task that asks for
    another value fails before any write and names each field with its live and wanted value.
  - Input errors (ranges, choices, a missing O(default_rule) or O(listener_port) on create, duplicate rules, options
    that do not fit the load balancer type) fail before any API call, with a message that names the option.
  - A create whose outcome is unknown (timeout, connection reset or server error after the request was sent) is not
    repeated blindly; the module looks the ingress up again and only creates it if it is still missing. A create
    that loses a race to an identical task (C(SlbListenerPort.NotAvailable) while an ingress with this name appeared)
    converges to that ingress instead of failing.
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
attributes:
  check_mode:
    support: full
    description: Makes no write call and returns the RV(ingress) a real run would produce (for a new ingress, C(id)
      and C(slb_type) stay null until the service assigns them).
  diff_mode:
    support: full
    description: Returns C(diff.before) and C(diff.after) in the module's own option vocabulary.
  platform:
    platforms: alibabacloud
    support: full
    description: Calls the SAE OpenAPI (version 2019-05-06) from the Ansible controller or execution node.
  action_group:
    description: Use C(group/alibabacloud.sae.all) in O(ignore:module_defaults) to set the shared options once.
    support: full
    membership:
      - alibabacloud.sae.all
options:
  state:
    description:
      - V(present) creates the ingress or updates it to match the task.
      - V(absent) deletes the ingress found by O(ingress_id) or O(name); if none is found the task reports C(ok).
    type: str
    choices: [present, absent]
    default: present
  namespace_id:
    description:
      - The SAE namespace, C(<region>:<name>) (for example V(cn-beijing:prod)), or the bare region for the default
        namespace.
      - When O(region) is not set, the region is taken from the part before the colon.
      - Cannot change once the ingress exists.
    type: str
    required: true
  name:
    description:
      - The routing rule's name (API C(Description)). Identifies the ingress inside O(namespace_id) when O(ingress_id)
        is not set, so it should be unique there.
      - With O(ingress_id) set, a different O(name) renames the ingress.
      - One of O(name) and O(ingress_id) is required; O(name) is required to create.
    type: str
    aliases: [description]
  ingress_id:
    description:
      - The ingress id. Identifies the ingress directly (one C(DescribeIngress) call) and wins over O(name).
      - An O(ingress_id) that does not exist fails with O(state=present) (an id cannot be chosen at creation;
        use O(name) to create) and reports C(ok) with O(state=absent).
    type: int
    aliases: [id]
  load_balance_type:
    description:
      - The load balancer type. Defaults to V(clb) when creating.
      - Cannot change once the ingress exists.
    type: str
    choices: [clb, alb]
  slb_id:
    description:
      - The CLB or ALB instance that carries the listener. Required to create a CLB ingress.
      - May be omitted with O(load_balance_type=alb); SAE then creates an ALB (see O(address_type),
        O(load_balancer_edition) and O(zone_mappings)).
      - Cannot change once the ingress exists.
    type: str
  listener_port:
    description:
      - The listener port on the load balancer, 1 to 65535. Required to create.
      - Another ingress may not use the same port on the same load balancer.
    type: int
  listener_protocol:
    description:
      - The listener protocol. The service treats a listener created without one as V(HTTP).
      - V(HTTPS) needs its certificate in the same task, O(cert_id) for CLB or O(cert_ids) for ALB.
    type: str
    choices: [HTTP, HTTPS]
  cert_id:
    description:
      - The certificate of a CLB HTTPS listener. Not valid for ALB; use O(cert_ids) there.
    type: str
  cert_ids:
    description:
      - The certificates of an ALB HTTPS listener, for example V(1234567-cn-beijing). Not valid for CLB.
      - Compared as a set; sent comma-separated.
    type: list
    elements: str
  security_policy_id:
    description:
      - The TLS security policy of an HTTPS listener, for example V(tls_cipher_policy_1_2).
    type: str
  default_rule:
    description:
      - Where requests that match no rule in O(rules) go. Required to create.
    type: dict
    suboptions:
      app_id:
        description: The SAE application id.
        type: str
        required: true
      container_port:
        description: The application's container port, 1 to 65535.
        type: int
        required: true
      backend_protocol:
        description: The protocol from the load balancer to the application. Unset means V(http), the service default.
        type: str
        choices: [http, https, grpc]
  rules:
    description:
      - Forwarding rules by domain and path, at most 40.
      - Rules are matched by their (O(rules[].domain), O(rules[].path)) pair, so their order does not matter; two
        rules with the same pair are an input error.
      - With O(purge_rules=true) (the default) the ingress ends up with exactly these rules. With
        O(purge_rules=false) the listed rules are added or changed and the others are kept.
      - Leave O(rules) unset to leave the rules alone. On create, an unset O(rules) means no rules.
    type: list
    elements: dict
    suboptions:
      app_id:
        description: The SAE application id.
        type: str
        required: true
      container_port:
        description: The application's container port, 1 to 65535.
        type: int
        required: true
      domain:
        description: The request host the rule matches, for example V(www.example.com).
        type: str
      path:
        description: The request path the rule matches, for example V(/api).
        type: str
      backend_protocol:
        description: The protocol from the load balancer to the application. Unset means V(http), the service default.
        type: str
        choices: [http, https, grpc]
      rewrite_path:
        description: The path the request is rewritten to before it reaches the application. ALB only.
        type: str
  purge_rules:
    description:
      - Whether rules on the ingress that are not listed in O(rules) are removed.
      - Has no effect when O(rules) is not set.
    type: bool
    default: true
  request_timeout:
    description: Seconds the load balancer waits for the application, 1 to 180. The service default is 60.
    type: int
  idle_timeout:
    description: Seconds an idle connection is kept, 1 to 60. The service default is 15.
    type: int
  enable_gzip:
    description: Whether the load balancer compresses responses. The service default is V(false).
    type: bool
  enable_x_forwarded_for:
    description: Whether the client address is passed in the C(X-Forwarded-For) header.
    type: bool
  enable_x_forwarded_for_client_src_port:
    description: Whether the client's source port is passed in the C(X-Forwarded-Client-srcport) header.
    type: bool
  enable_x_forwarded_for_proto:
    description: Whether the listener protocol is passed in the C(X-Forwarded-Proto) header.
    type: bool
  enable_x_forwarded_for_slb_id:
    description: Whether the load balancer id is passed in the C(SLB-ID) header.
    type: bool
  enable_x_forwarded_for_slb_port:
    description: Whether the listener port is passed in the C(X-Forwarded-Port) header.
    type: bool
  cors_config:
    description:
      - Cross-origin resource sharing settings of the listener. Only the suboptions a task sets are compared; an
        update sends the whole configuration (live values for the suboptions left unset).
    type: dict
    suboptions:
      enable:
        description: Whether CORS is enabled.
        type: bool
      allow_origin:
        description: Allowed origins, for example V(*) or V(https://www.example.com). Compared as a set.
        type: list
        elements: str
      allow_methods:
        description: Allowed methods, for example V(GET) and V(POST). Compared as a set.
        type: list
        elements: str
      allow_headers:
        description: Allowed request headers. Compared as a set.
        type: list
        elements: str
      expose_headers:
        description: Response headers exposed to the browser. Compared as a set.
        type: list
        elements: str
      allow_credentials:
        description: Whether credentials are allowed (sent as C(on) or C(off)).
        type: bool
      max_age:
        description: Seconds a browser may cache a preflight answer, -1 to 172800.
        type: int
  address_type:
    description:
      - Whether the ALB that SAE creates faces the internet or the VPC. Only with O(load_balance_type=alb) and no
        O(slb_id); the service default is V(Internet).
      - Used only to create. It is compared with the live C(slb_type) of an ALB that SAE created.
    type: str
    choices: [Internet, Intranet]
  load_balancer_edition:
    description:
      - The edition of the ALB that SAE creates. Only with O(load_balance_type=alb) and no O(slb_id).
      - Used only to create; the API does not report it afterwards, so it is not compared.
    type: str
    choices: [Standard, StandardWithWaf]
  zone_mappings:
    description:
      - The zones and vSwitches of the ALB that SAE creates. Only with O(load_balance_type=alb) and no O(slb_id).
      - Used only to create; the API does not report it afterwards, so it is not compared.
    type: list
    elements: dict
    suboptions:
      zone_id:
        description: The zone, for example V(cn-beijing-h).
        type: str
        required: true
      vswitch_id:
        description: A vSwitch in that zone.
        type: str
        required: true
notes:
  - The RV(ingress) returned for an ingress found by O(name) that needed no change comes from the C(ListIngresses)
    answer, which does not carry C(enable_gzip), C(security_policy_id), C(created_by_sae) and the
    C(enable_x_forwarded_for*) flags; those keys are null there unless the task sets them (then they are read with
    one C(DescribeIngress) call). Use O(ingress_id) or M(alibabacloud.sae.sae_ingress_info) with O(ingress_id) for all of them.
  - Two tasks that create the same ingress at the same moment on the same O(slb_id) and O(listener_port) end with
    one ingress. Without O(slb_id) (an ALB created by SAE) the service has nothing to detect the race with.
seealso:
  - module: alibabacloud.sae.sae_ingress_info
  - name: SAE CreateIngress API
    description: The API reference of the fields this module manages.
    link: https://www.alibabacloud.com/help/en/sae/serverless-app-engine-upgrade/developer-reference/api-sae-2019-05-06-createingress
"""

EXAMPLES = r"""
# The ids below are those of the local SAE emulator that `make demo` starts (tests/sae_emulator), so every
# example runs against it unchanged; use your own namespace, load balancer, certificate and application ids.

- name: Route www.example.com to two applications through a CLB HTTP listener
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: web
    slb_id: lb-2zeclbinternet001
    listener_port: 80
    listener_protocol: HTTP
    default_rule:
      app_id: 395b60e4-0550-458d-9c54-a265d0361a01
      container_port: 8080
    rules:
      - domain: www.example.com
        path: /
        app_id: 395b60e4-0550-458d-9c54-a265d0361a01
        container_port: 8080
      - domain: www.example.com
        path: /api
        app_id: 666403ce-d25b-47cf-87fe-497565d2c4b2
        container_port: 8080
  register: web

- name: Terminate HTTPS on a CLB listener
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: web-https
    slb_id: lb-2zeclbinternet001
    listener_port: 443
    listener_protocol: HTTPS
    cert_id: 1880770869023456_176993d5f6b_1814375133_1087243210
    default_rule:
      app_id: 395b60e4-0550-458d-9c54-a265d0361a01
      container_port: 8080

- name: ALB with several certificates, path rewriting and CORS
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: shop
    load_balance_type: alb
    slb_id: alb-2zealbinternet01
    listener_port: 443
    listener_protocol: HTTPS
    cert_ids:
      - 8736535-cn-beijing
      - 8123423-cn-beijing
    request_timeout: 30
    enable_gzip: true
    enable_x_forwarded_for: true
    default_rule:
      app_id: 395b60e4-0550-458d-9c54-a265d0361a01
      container_port: 8080
    rules:
      - domain: shop.example.com
        path: /v1/orders
        rewrite_path: /orders
        app_id: 666403ce-d25b-47cf-87fe-497565d2c4b2
        container_port: 8080
        backend_protocol: http
    cors_config:
      enable: true
      allow_origin: ["https://www.example.com"]
      allow_methods: [GET, POST]
      allow_credentials: true
      max_age: 600

- name: Let SAE create an intranet ALB for the ingress
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: internal-api
    load_balance_type: alb
    address_type: Intranet
    load_balancer_edition: Standard
    zone_mappings:
      - zone_id: cn-beijing-h
        vswitch_id: vsw-2zeh0000000000001
      - zone_id: cn-beijing-i
        vswitch_id: vsw-2zei0000000000001
    listener_port: 80
    default_rule:
      app_id: 666403ce-d25b-47cf-87fe-497565d2c4b2
      container_port: 8080

- name: Add one rule and keep the rules other teams manage on the same ingress
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: web
    purge_rules: false
    rules:
      - domain: status.example.com
        path: /
        app_id: bbf3a590-6d13-46fe-8ca9-c947a20b5d73
        container_port: 8080

- name: Change the request timeout of an ingress known by id
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    ingress_id: "{{ web.ingress.id }}"
    request_timeout: 120

- name: Set credentials and region once for every module of the collection
  module_defaults:
    group/alibabacloud.sae.all:
      access_key_id: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_ID') }}"
      access_key_secret: "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"
      region: cn-beijing
  block:
    - name: Keep idle connections to the shop ingress for 30 seconds
      alibabacloud.sae.sae_ingress:
        namespace_id: cn-beijing:prod
        name: shop
        idle_timeout: 30

- name: Delete an ingress
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:prod
    name: web-https
    state: absent
"""

RETURN = r"""
ingress:
  description:
    - The ingress after the task (in check mode, as the task would leave it). V({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The ingress id (null in check mode for an ingress not created yet).
      type: int
      sample: 87
    name:
      description: The routing rule's name.
      type: str
      sample: web
    description:
      description: The same as RV(ingress.name) (the API calls the name C(Description)).
      type: str
      sample: web
    namespace_id:
      description: The namespace.
      type: str
      sample: cn-beijing:prod
    slb_id:
      description: The load balancer id.
      type: str
      sample: lb-2zeclbinternet001
    slb_type:
      description: Whether the load balancer faces the internet or the VPC.
      type: str
      sample: internet
    load_balance_type:
      description: V(clb) or V(alb).
      type: str
      sample: clb
    listener_port:
      description: The listener port.
      type: int
      sample: 80
    listener_protocol:
      description: V(HTTP) or V(HTTPS).
      type: str
      sample: HTTP
    cert_id:
      description: The CLB certificate.
      type: str
      sample: null
    cert_ids:
      description: The ALB certificates, sorted.
      type: list
      elements: str
      sample: []
    security_policy_id:
      description: The TLS security policy.
      type: str
      sample: null
    request_timeout:
      description: The request timeout in seconds.
      type: int
      sample: 60
    idle_timeout:
      description: The idle timeout in seconds.
      type: int
      sample: 15
    enable_gzip:
      description: Whether responses are compressed.
      type: bool
      sample: false
    enable_x_forwarded_for:
      description: Whether C(X-Forwarded-For) is added.
      type: bool
      sample: false
    enable_x_forwarded_for_client_src_port:
      description: Whether the client source port header is added.
      type: bool
      sample: false
    enable_x_forwarded_for_proto:
      description: Whether C(X-Forwarded-Proto) is added.
      type: bool
      sample: false
    enable_x_forwarded_for_slb_id:
      description: Whether C(SLB-ID) is added.
      type: bool
      sample: false
    enable_x_forwarded_for_slb_port:
      description: Whether C(X-Forwarded-Port) is added.
      type: bool
      sample: false
    cors_config:
      description: The CORS settings, with the keys of O(cors_config); null when never set.
      type: dict
      sample: {enable: true, allow_origin: ["*"], allow_methods: [GET], allow_headers: [], expose_headers: [],
               allow_credentials: false, max_age: 600}
    default_rule:
      description: The default rule.
      type: dict
      contains:
        app_id:
          description: The application id.
          type: str
        container_port:
          description: The container port.
          type: int
        backend_protocol:
          description: The backend protocol.
          type: str
      sample: {app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, container_port: 8080, backend_protocol: http}
    rules:
      description: The forwarding rules, with the keys of O(rules).
      type: list
      elements: dict
      contains:
        app_id:
          description: The application id.
          type: str
        container_port:
          description: The container port.
          type: int
        domain:
          description: The domain.
          type: str
        path:
          description: The path.
          type: str
        backend_protocol:
          description: The backend protocol.
          type: str
        rewrite_path:
          description: The rewrite path (ALB).
          type: str
      sample: [{app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, container_port: 8080, domain: www.example.com, path: /,
                backend_protocol: http, rewrite_path: null}]
    created_by_sae:
      description: Whether SAE created the load balancer.
      type: bool
      sample: false
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._http import SaeApiError, SaeUnknownOutcomeError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress import (
    AmbiguousName,
    IngressInputError,
    compute_changes,
    create_params,
    desired_values,
    diff_view,
    find_by_name,
    immutable_conflicts,
    immutable_message,
    missing_from_live,
    normalize_live,
    normalize_wanted,
    predict,
    predict_created,
    result_from_live,
    update_params,
    validate_effective,
    validate_load_balancer,
    validate_static,
)


def argument_spec():
    backend_protocol = dict(type='str', choices=['http', 'https', 'grpc'])
    return dict(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        namespace_id=dict(type='str', required=True),
        name=dict(type='str', aliases=['description']),
        ingress_id=dict(type='int', aliases=['id']),
        load_balance_type=dict(type='str', choices=['clb', 'alb']),
        slb_id=dict(type='str'),
        listener_port=dict(type='int'),
        listener_protocol=dict(type='str', choices=['HTTP', 'HTTPS']),
        cert_id=dict(type='str'),
        cert_ids=dict(type='list', elements='str'),
        security_policy_id=dict(type='str'),
        default_rule=dict(type='dict', options=dict(
            app_id=dict(type='str', required=True),
            container_port=dict(type='int', required=True),
            backend_protocol=backend_protocol,
        )),
        rules=dict(type='list', elements='dict', options=dict(
            app_id=dict(type='str', required=True),
            container_port=dict(type='int', required=True),
            domain=dict(type='str'),
            path=dict(type='str'),
            backend_protocol=backend_protocol,
            rewrite_path=dict(type='str'),
        )),
        purge_rules=dict(type='bool', default=True),
        request_timeout=dict(type='int'),
        idle_timeout=dict(type='int'),
        enable_gzip=dict(type='bool'),
        enable_x_forwarded_for=dict(type='bool'),
        enable_x_forwarded_for_client_src_port=dict(type='bool'),
        enable_x_forwarded_for_proto=dict(type='bool'),
        enable_x_forwarded_for_slb_id=dict(type='bool'),
        enable_x_forwarded_for_slb_port=dict(type='bool'),
        cors_config=dict(type='dict', options=dict(
            enable=dict(type='bool'),
            allow_origin=dict(type='list', elements='str'),
            allow_methods=dict(type='list', elements='str'),
            allow_headers=dict(type='list', elements='str'),
            expose_headers=dict(type='list', elements='str'),
            allow_credentials=dict(type='bool'),
            max_age=dict(type='int'),
        )),
        address_type=dict(type='str', choices=['Internet', 'Intranet']),
        load_balancer_edition=dict(type='str', choices=['Standard', 'StandardWithWaf']),
        zone_mappings=dict(type='list', elements='dict', options=dict(
            zone_id=dict(type='str', required=True),
            vswitch_id=dict(type='str', required=True),
        )),
    )


class IngressTask:
    """Find the ingress, decide, act; every failure ends in fail_json with a clear message."""

    def __init__(self, sae, wanted):
        self.sae = sae
        self.module = sae.module
        self.params = sae.module.params
        self.wanted = wanted

    def fail(self, msg, **kwargs):
        self.module.fail_json(msg=msg, **kwargs)

    # -- reads ----------------------------------------------------------------------------

    def describe(self, ingress_id):
        data = self.sae.api.describe_ingress(ingress_id)
        return normalize_live(data) if data else None

    def find(self):
        """The live ingress (possibly from a ListIngresses row, see missing_from_live) or None."""
        if self.params['ingress_id'] is not None:
            return self.describe(self.params['ingress_id'])
        row = self.find_named()
        return normalize_live(row) if row else None

    # -- decide and act -------------------------------------------------------------------

    def run(self):
        live = self.find()
        if self.params['state'] == 'absent':
            return self.absent(live)
        if live is None:
            if self.params['ingress_id'] is not None:
                self.fail('No ingress has ingress_id %s. An id cannot be chosen at creation: remove ingress_id and set '
                          'name to create the ingress.' % self.params['ingress_id'])
            return self.create()
        return self.converge(live)

    def absent(self, live):
        if live is None:
            return dict(changed=False, ingress={}, diff=dict(before={}, after={}))
        if live.get('namespace_id') not in (None, self.params['namespace_id']):
            self.fail('Ingress %s belongs to namespace %s, not %s: nothing was deleted. Check ingress_id and namespace_id.'
                      % (live['id'], live['namespace_id'], self.params['namespace_id']), ingress=result_from_live(live))
        if not self.module.check_mode:
            self.sae.api.delete_ingress(live['id'])
        return dict(changed=True, ingress={}, diff=dict(before=diff_view(result_from_live(live)), after={}))

    def converge(self, live):
        conflicts = immutable_conflicts(live, self.wanted)
        if conflicts:
            self.fail(immutable_message(conflicts), ingress=result_from_live(live))
        self.validate(live)
        if missing_from_live(live, self.wanted):
            full = self.describe(live['id'])
            if full is None:
                # Deleted between the list and the describe: create it as if never found.
                return self.create()
            live = full
        desired = desired_values(live, self.wanted, self.params['purge_rules'])
        if not compute_changes(live, desired):
            return dict(changed=False, ingress=result_from_live(live))
        # The update carries every option the task sets, not only the ones that differ: a field changed by
        # someone else since our read then ends as the task asks too.
        if not self.module.check_mode:
            self.sae.api.update_ingress(live['id'], update_params(desired))
        return self.changed(live, predict(live, desired))

    def create(self):
        self.validate(None)
        if self.module.check_mode:
            return self.changed(None, predict_created(self.wanted))
        try:
            ingress_id = self.sae.api.create_ingress(create_params(self.wanted))
        except SaeUnknownOutcomeError as err:
            return self.after_uncertain_create(err)
        except SaeApiError as err:
            if err.code != 'SlbListenerPort.NotAvailable':
                raise
            return self.after_uncertain_create(err)
        return self.created(ingress_id)

    def created(self, ingress_id):
        """The result of a create that the service answered with `ingress_id`."""
        return self.changed(None, self.describe(ingress_id) or predict_created(dict(self.wanted, id=ingress_id)))

    def after_uncertain_create(self, err):
        """The create may have happened (lost answer) or lost a race: look before creating again."""
        row = self.find_named()
        if row is None:
            if not isinstance(err, SaeUnknownOutcomeError) or not self.wanted.get('slb_id'):
                # Without slb_id nothing refuses a duplicate of a create that may still be in flight (a timeout):
                # report the unknown outcome rather than risk a second ingress.
                raise err
            # Missing now. Should the first create still land, the service refuses one of the two (same SLB and port).
            try:
                ingress_id = self.sae.api.create_ingress(create_params(self.wanted))
            except SaeApiError as again:
                if again.code != 'SlbListenerPort.NotAvailable':
                    raise
                row = self.find_named()
                if row is None:
                    raise
            else:
                return self.created(ingress_id)
        result = self.converge(normalize_live(row))
        if isinstance(err, SaeUnknownOutcomeError):
            # Our create went through: report it as the change it was.
            result['changed'] = True
            result['diff'] = dict(before={}, after=diff_view(result['ingress']))
        return result

    def find_named(self):
        """The ListIngresses row named `name` in namespace_id (every page), or None; fails on an ambiguous name."""
        rows = self.sae.api.list_ingresses(self.params['namespace_id'])
        try:
            return find_by_name(rows, self.params['name'])
        except AmbiguousName as ambiguous:
            self.fail(str(ambiguous), ingress_ids=ambiguous.ids)
        return None

    def validate(self, live):
        try:
            validate_effective(self.wanted, live)
        except IngressInputError as err:
            self.fail(str(err))

    def changed(self, before, after):
        ingress = result_from_live(after)
        return dict(changed=True, ingress=ingress,
                    diff=dict(before=diff_view(result_from_live(before)) if before else {}, after=diff_view(ingress)))


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        validate_static(sae.module.params)
        wanted = normalize_wanted(sae.module.params)
        validate_load_balancer(wanted)
    except IngressInputError as err:
        sae.module.fail_json(msg=str(err))
    try:
        result = IngressTask(sae, wanted).run()
    except SaeApiError as err:
        sae.fail_api(err)
    sae.module.exit_json(**result)


if __name__ == '__main__':
    main()
