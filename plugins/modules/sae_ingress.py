# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_ingress
short_description: Create, update or delete an Alibaba Cloud SAE ingress (CLB or ALB routing rules)
version_added: 1.0.0
description:
  - Creates, updates or deletes one Serverless App Engine (SAE) ingress, the routing rules that put a CLB or ALB
    listener in front of SAE applications.
  - Finds the ingress by O(ingress_id), else by O(name) in O(namespace_id), else by its listener, O(slb_id) with
    O(listener_port); the task needs one of O(name), O(ingress_id), or O(slb_id) with O(listener_port). Without
    O(name) and O(ingress_id), the listener finds, creates (without a name) and deletes the ingress on it. Two
    ingresses with the same name make the task fail with their ids; set O(ingress_id) then.
  - Only the options the task sets are compared and changed; an option left unset, or a sub-option set to null, keeps
    its live value. A task that matches the live ingress makes no write. Check mode and diff mode show what a run
    would do.
  - The R(idempotency guide, ansible_collections.alibabacloud.sae.docsite.idempotency) says how each option is
    compared, which calls each task makes, what the service does not report, and how several playbooks share one
    listener's rules.
  - Bad input, and conflicts the module can see, fail before any change with a message that names the option. A
    refusal of the service returns its code in RV(error); the
    R(troubleshooting guide, ansible_collections.alibabacloud.sae.docsite.troubleshooting) explains each one.
    Retries, and what is never repeated blindly (a create whose answer was lost), follow the retry policy in the notes.
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
attributes:
  check_mode:
    support: full
    description: Makes no write call and returns the RV(ingress) a real run would produce (for a new ingress, C(id)
      and C(slb_type) stay null until the service assigns them). It fails where a real run would fail before its
      write; a refusal only the service can make (a listener held by an ingress the module did not list, an ingress
      with no rules where SAE needs one) shows in the real run only.
  diff_mode:
    support: full
    description: Returns C(diff.before) and C(diff.after) in the module's own option vocabulary.
options:
  state:
    description:
      - V(present) creates or updates the ingress. V(absent) deletes it, or reports C(ok) when none is found.
      - V(absent) takes only O(namespace_id) and the options that find the ingress. To remove single rules, use
        O(rules[].state).
    type: str
    choices: [present, absent]
    default: present
  namespace_id:
    description:
      - The SAE namespace, C(<region>:<name>) (for example V(cn-beijing:prod)), or a bare region for the default
        namespace. Gives the region when O(region) is unset. Fixed at creation.
    type: str
    required: true
  name:
    description:
      - The routing rule's name (API C(Description)), which identifies the ingress in O(namespace_id), so keep it
        unique there. With O(ingress_id), another name renames the ingress.
    type: str
    aliases: [description]
  ingress_id:
    description:
      - The ingress id. Finds the ingress with one call and wins over O(name). An id cannot be chosen at creation.
    type: int
    aliases: [id]
  load_balance_type:
    description:
      - The load balancer type; V(clb) when creating. Fixed at creation.
    type: str
    choices: [clb, alb]
  slb_id:
    description:
      - The CLB or ALB that carries the listener. Required to create a CLB ingress; leave it out with
        O(load_balance_type=alb) to let SAE create the ALB. An id starting with C(alb-) or C(lb-) implies
        O(load_balance_type). Fixed at creation.
    type: str
  listener_port:
    description:
      - The listener port, 1 to 65535; one ingress per port of a load balancer. Required to create.
    type: int
  listener_protocol:
    description:
      - The listener protocol; V(HTTP) when never set. V(HTTPS) needs O(cert_id) or O(cert_ids) in the same task.
    type: str
    choices: [HTTP, HTTPS]
  cert_id:
    description:
      - The certificate of a CLB HTTPS listener (an ALB takes O(cert_ids)).
    type: str
  cert_ids:
    description:
      - The certificates of an ALB HTTPS listener, for example V(1234567-cn-beijing); a set, order does not matter.
        A CLB takes O(cert_id).
    type: list
    elements: str
  security_policy_id:
    description:
      - The TLS security policy of an HTTPS listener, for example V(tls_cipher_policy_1_2).
    type: str
  default_rule:
    description:
      - Where requests that match no rule go. Required to create.
    type: dict
    suboptions:
      app_id:
        description:
          - The application id. Set it, O(default_rule.app_name), or both when they name the same application.
        type: str
      app_name:
        description:
          - The application's name, resolved in O(namespace_id) (see O(rules[].app_name)).
        type: str
        version_added: 1.1.0
      container_port:
        description: The application's container port, 1 to 65535.
        type: int
        required: true
      backend_protocol:
        description:
          - The protocol from the load balancer to the application. Applied only on an ALB with an HTTPS listener;
            elsewhere only V(http) is accepted.
        type: str
        choices: [http, https, grpc]
  rules:
    description:
      - The forwarding rules, at most 40, each identified by its O(rules[].domain) and O(rules[].path), so order does not
        matter and a pair may appear once.
      - With O(purge_rules=true) the ingress keeps exactly the listed rules that are not V(absent). With
        O(purge_rules=false) the listed rules are added, changed or removed, and the others kept.
      - Unset leaves the rules alone. The rules M(alibabacloud.sae.sae_ingress_info) returns are valid entries as
        they are.
      - Rules that carry rule actions, and an ingress left without rules, have limits the
        R(idempotency guide, ansible_collections.alibabacloud.sae.docsite.idempotency) explains.
    type: list
    elements: dict
    suboptions:
      state:
        description:
          - V(absent) removes the rule with this domain and path, if there is one; it needs no application or port.
        type: str
        choices: [present, absent]
        default: present
        version_added: 1.2.0
      app_id:
        description:
          - The application id. A rule to keep sets it, O(rules[].app_name), or both when they name the same
            application.
        type: str
      app_name:
        description:
          - The application's name. It must match exactly one application of O(namespace_id), canary applications
            aside.
        type: str
        version_added: 1.1.0
      container_port:
        description: The application's container port, 1 to 65535. Required unless O(rules[].state=absent).
        type: int
      domain:
        description:
          - The host the rule matches, case-insensitive, for example V(www.example.com) or V(*.example.com). No
            scheme, port or path.
        type: str
      path:
        description: The request path the rule matches, 1 to 80 characters starting with C(/), for example V(/api).
        type: str
      backend_protocol:
        description:
          - As O(default_rule.backend_protocol).
        type: str
        choices: [http, https, grpc]
      rewrite_path:
        description:
          - ALB only. The path the request is rewritten to; an empty string removes the rewrite.
        type: str
      rule_actions:
        description:
          - The rule's actions, as M(alibabacloud.sae.sae_ingress_info) returns them. Compared, never set; a value
            other than the live rule's fails. Set actions in the console or with C(saectl).
        type: list
        elements: dict
        version_added: 1.2.0
        suboptions:
          action_type:
            description: The action type, for example V(redirect).
            type: str
          action_config:
            description: The action's configuration, a JSON document.
            type: str
  purge_rules:
    description:
      - Whether live rules that O(rules) does not list are removed. No effect when O(rules) is unset.
    type: bool
    default: true
  request_timeout:
    description: Seconds the load balancer waits for the application, 1 to 180. The service default is 60.
    type: int
  idle_timeout:
    description: Seconds an idle connection is kept, 1 to 60. The service default is 15.
    type: int
  enable_gzip:
    description: Whether the load balancer compresses responses.
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
      - Cross-origin resource sharing settings of the listener. Only the suboptions a task sets are compared.
    type: dict
    suboptions:
      enable:
        description: Whether CORS is enabled.
        type: bool
      allow_origin:
        description: Allowed origins, for example V(*) or V(https://www.example.com). A set.
        type: list
        elements: str
      allow_methods:
        description: Allowed methods, for example V(GET) and V(POST). A set.
        type: list
        elements: str
      allow_headers:
        description: Allowed request headers. A set.
        type: list
        elements: str
      expose_headers:
        description: Response headers exposed to the browser. A set.
        type: list
        elements: str
      allow_credentials:
        description: Whether credentials are allowed.
        type: bool
      max_age:
        description: Seconds a browser may cache a preflight answer, -1 to 172800.
        type: int
  address_type:
    description:
      - Whether the ALB that SAE creates (O(load_balance_type=alb) without O(slb_id)) faces the internet, the
        default, or the VPC. Fixed at creation.
    type: str
    choices: [Internet, Intranet]
  load_balancer_edition:
    description:
      - The edition of the ALB that SAE creates. Used only to create.
    type: str
    choices: [Standard, StandardWithWaf]
  zone_mappings:
    description:
      - The zones and vSwitches of the ALB that SAE creates. Used only to create.
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
  - Tasks with O(purge_rules=false) that merge rules into one ingress at the same moment take turns on one host and
    read their update back (one more C(DescribeIngress)), writing again when another writer dropped their rules; see
    R(writers at the same moment, ansible_collections.alibabacloud.sae.docsite.idempotency.concurrent_writers).
seealso:
  - module: alibabacloud.sae.sae_ingress_info
  - name: Idempotency guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/idempotency.rst
    description: How the module finds the ingress and compares each option with the live one.
  - name: Recipes guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/recipes.rst
    description: Many ingresses of a large namespace, and a blue/green switch in one update.
  - name: SAE CreateIngress API
    description: The API reference of the fields this module manages.
    link: https://www.alibabacloud.com/help/en/sae/serverless-app-engine-upgrade/developer-reference/api-sae-2019-05-06-createingress
"""

EXAMPLES = r"""
# The ids and names below are examples, each example on a listener of its own: use your own namespace, load
# balancer, certificate and application names or ids.

- name: Route www.example.com to two applications, named, through a CLB HTTP listener
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    name: web
    slb_id: lb-2zeclbinternet001
    listener_port: 80
    listener_protocol: HTTP
    default_rule:
      app_name: demo-web
      container_port: 8080
    rules:
      - domain: www.example.com
        path: /
        app_name: demo-web
        container_port: 8080
      - domain: www.example.com
        path: /api
        app_name: demo-api
        container_port: 8080
  register: web

- name: Terminate HTTPS on a CLB listener, the application given by id
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
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
    namespace_id: cn-beijing:demo
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
        app_name: demo-api
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
    namespace_id: cn-beijing:demo
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
    namespace_id: cn-beijing:demo
    name: web
    purge_rules: false
    rules:
      - domain: status.example.com
        path: /
        app_name: demo-admin
        container_port: 8080

- name: Remove one rule, keep the others (a no-op once it is gone)
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    name: web
    purge_rules: false
    rules:
      - domain: status.example.com
        path: /
        state: absent

- name: Read the ingress web
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
    name: web
  register: web_info

- name: Write its rules back without the one for /api (what sae_ingress_info returns is valid input)
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    name: web
    rules: "{{ web_info.ingresses[0].rules | rejectattr('path', 'equalto', '/api') }}"

- name: Change the request timeout of an ingress known by id
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    ingress_id: "{{ web.ingress.id }}"
    request_timeout: 120

# The keys come from variables of an Ansible Vault file (ansible-vault encrypt_string, or a vaulted vars file);
# without module_defaults, the modules read ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET
# from the environment themselves.
- name: Set credentials and region once for every module of the collection
  module_defaults:
    group/alibabacloud.sae.all:
      access_key_id: "{{ vault_sae_access_key_id }}"
      access_key_secret: "{{ vault_sae_access_key_secret }}"
      region: cn-beijing
  block:
    - name: Keep idle connections to the shop ingress for 30 seconds
      alibabacloud.sae.sae_ingress:
        namespace_id: cn-beijing:demo
        name: shop
        idle_timeout: 30

- name: Delete an ingress
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    name: web-https
    state: absent
  register: gone

- name: Say which one was deleted
  ansible.builtin.debug:
    msg: "{{ 'deleted ingress %s (%s)' % (gone.deleted.id, gone.deleted.name) if gone.deleted else 'nothing to delete' }}"
"""

RETURN = r"""
ingress:
  description:
    - The ingress after the task (in check mode, as the task would leave it). V({}) after O(state=absent).
    - The same keys whatever found the ingress (O(ingress_id), O(name), the listener, a create, a check-mode
      prediction), with the same value where two of them give one.
    - A value the module has not read is null, never a default presented as read. I(Not read by a list row) below
      means the ingress was found by O(name) or by its listener and the task sets none of the options a
      C(ListIngresses) row lacks, so it was not described in full. The C(enable_*) flags are also null after a create
      that does not set them (the service documents no default), and where the service does not report them (unless
      this task sent them).
  returned: always
  type: dict
  contains:
    id:
      description: The ingress id; null in check mode for an ingress not created yet.
      returned: when O(state=present)
      type: int
      sample: 87
    name:
      description: The routing rule's name; null for an ingress without one (created by its listener).
      returned: when O(state=present)
      type: str
      sample: web
    description:
      description: The same as RV(ingress.name) (the API calls the name C(Description)).
      returned: when O(state=present)
      type: str
      sample: web
    namespace_id:
      description: The namespace.
      returned: when O(state=present)
      type: str
      sample: cn-beijing:prod
    slb_id:
      description: The load balancer id; null in check mode for the ALB that SAE would create.
      returned: when O(state=present)
      type: str
      sample: lb-2zeclbinternet001
    slb_type:
      description:
        - Whether the load balancer faces the internet or the VPC.
        - Null when not read, after a create or in its check-mode prediction on an O(slb_id) that no ingress of
          the namespace listing uses (the service reports it only for an existing ingress).
      returned: when O(state=present)
      type: str
      sample: internet
    load_balance_type:
      description: V(clb) or V(alb).
      returned: when O(state=present)
      type: str
      sample: clb
    listener_port:
      description: The listener port.
      returned: when O(state=present)
      type: int
      sample: 80
    listener_protocol:
      description: V(HTTP) or V(HTTPS).
      returned: when O(state=present)
      type: str
      sample: HTTP
    cert_id:
      description: The CLB certificate; null when none.
      returned: when O(state=present)
      type: str
      sample: null
    cert_ids:
      description: The ALB certificates, sorted.
      returned: when O(state=present)
      type: list
      elements: str
      sample: []
    security_policy_id:
      description: The TLS security policy; null when none, or not read by a list row.
      returned: when O(state=present)
      type: str
      sample: null
    request_timeout:
      description: The request timeout in seconds.
      returned: when O(state=present)
      type: int
      sample: 60
    idle_timeout:
      description: The idle timeout in seconds; null where the service does not report it (unless this task sent it).
      returned: when O(state=present)
      type: int
      sample: 15
    enable_gzip:
      description: Whether responses are compressed. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    enable_x_forwarded_for:
      description: Whether C(X-Forwarded-For) is added. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    enable_x_forwarded_for_client_src_port:
      description: Whether the client source port header is added. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    enable_x_forwarded_for_proto:
      description: Whether C(X-Forwarded-Proto) is added. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    enable_x_forwarded_for_slb_id:
      description: Whether C(SLB-ID) is added. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    enable_x_forwarded_for_slb_port:
      description: Whether C(X-Forwarded-Port) is added. Null as RV(ingress) says.
      returned: when O(state=present)
      type: bool
      sample: false
    cors_config:
      description: The CORS settings, with the keys of O(cors_config); null when never set.
      returned: when O(state=present)
      type: dict
      sample: {enable: true, allow_origin: ["*"], allow_methods: [GET], allow_headers: [], expose_headers: [],
               allow_credentials: false, max_age: 600}
    default_rule:
      description: The default rule.
      returned: when O(state=present)
      type: dict
      contains:
        app_id:
          description: The application id.
          returned: always
          type: str
        app_name:
          description:
            - The application's name, as the service reports it (predicted from the names the task resolved in check
              mode and on create).
            - Null where the module has not read it, for example after creating an ingress by O(default_rule.app_id)
              or routing to an application by id that the ingress did not route to before; the next run reports it.
          returned: always
          type: str
          version_added: 1.1.0
        container_port:
          description: The container port.
          returned: always
          type: int
        backend_protocol:
          description: The backend protocol; null where the service does not report one (all but ALB with HTTPS).
          returned: always
          type: str
      sample: {app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080, backend_protocol: null}
    rules:
      description: The forwarding rules, with the keys of O(rules) but O(rules[].state); valid O(rules) entries as they are.
      returned: when O(state=present)
      type: list
      elements: dict
      contains:
        app_id:
          description: The application id.
          returned: always
          type: str
        app_name:
          description: The application's name (see RV(ingress.default_rule.app_name)).
          returned: always
          type: str
          version_added: 1.1.0
        container_port:
          description: The container port.
          returned: always
          type: int
        domain:
          description: The domain, lower-case.
          returned: always
          type: str
        path:
          description: The path.
          returned: always
          type: str
        backend_protocol:
          description: The backend protocol; null where the service does not report one (all but ALB with HTTPS).
          returned: always
          type: str
        rewrite_path:
          description: The rewrite path (ALB).
          returned: always
          type: str
        rule_actions:
          description: Actions of the rule set outside this module (console, C(saectl)), such as redirects.
          returned: always
          type: list
          elements: dict
          contains:
            action_type:
              description: The action type, for example C(redirect).
              returned: always
              type: str
            action_config:
              description: The action's configuration, a JSON document as the service reports it.
              returned: always
              type: str
      sample: [{app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080, domain: www.example.com, path: /,
                backend_protocol: null, rewrite_path: null, rule_actions: []}]
    created_by_sae:
      description: Whether SAE created the load balancer; null when not read by a list row.
      returned: when O(state=present)
      type: bool
      sample: false
    create_time:
      description:
        - When the ingress was created, in milliseconds since the epoch, as C(ListIngresses) reports it; null when
          the ingress was read with C(DescribeIngress) only (by O(ingress_id), or just created).
      returned: when O(state=present)
      type: int
      sample: 1767225600000
    mse_gateway_id:
      description:
        - The MSE gateway of a gateway route (C(ListIngresses) lists them beside the ingresses);
          null for an SAE ingress, which is all this module manages, and when not read from C(ListIngresses).
      returned: when O(state=present)
      type: str
      sample: null
    mse_gateway_port:
      description: The port of the MSE gateway route; null as for RV(ingress.mse_gateway_id).
      returned: when O(state=present)
      type: int
      sample: null
    mse_gateway_protocol:
      description: The protocol of the MSE gateway route; null as for RV(ingress.mse_gateway_id).
      returned: when O(state=present)
      type: str
      sample: null
deleted:
  description:
    - The ingress O(state=absent) deleted (in check mode, would delete), so that a run without C(--diff) says which
      one; V({}) when nothing was deleted.
  returned: when O(state=absent)
  type: dict
  version_added: 1.2.0
  contains:
    id:
      description: The id of the deleted ingress.
      returned: when an ingress was deleted
      type: int
      sample: 87
    name:
      description: Its routing rule name; null for an ingress without one.
      returned: when an ingress was deleted
      type: str
      sample: web
error:
  description:
    - What the failed API call was answered, as data. Test RV(error.code) to react to one error in a playbook; the
      R(troubleshooting guide, ansible_collections.alibabacloud.sae.docsite.troubleshooting) says what each code means.
  returned: when an API call fails
  type: dict
  contains:
    code:
      description:
        - The error code of the answer, for example V(SlbListenerPort.NotAvailable) or V(Throttling.User); or, for a
          call that got no usable answer, the module's own (V(ConnectTimeout), V(ReadTimeout), V(ConnectionError),
          V(SSLError), V(RequestError), V(CredentialsError), V(InvalidResponse), V(IncompleteListing)).
      returned: always
      type: str
      sample: SlbListenerPort.NotAvailable
    message:
      description: The message of the answer, or what went wrong without one.
      returned: always
      type: str
      sample: The listener port is not available.
    request_id:
      description: The RequestId of the answer, to give to support; null when no answer came.
      returned: always
      type: str
      sample: 2A3B8C3E-6F1D-5C7B-9E0A-4D2F1B6C8A90
    status:
      description: The HTTP status of the answer; null when no answer came.
      returned: always
      type: int
      sample: 400
    operation:
      description: The API operation that failed, for example V(CreateIngress).
      returned: always
      type: str
      sample: CreateIngress
followup_error:
  description:
    - After a create whose outcome is unknown (RV(error)), the error of the lookup that followed it, in the shape of
      RV(error). The ingress may exist; a rerun finds it and converges.
  returned: when a create's outcome is unknown and the lookup after it failed too
  type: dict
  sample: {code: Throttling.User, message: Request was denied due to user flow control., request_id: 5C1E2D3F-0A4B-4C6D-8E9F-A1B2C3D4E5F6,
           status: 400, operation: ListIngresses}
ingress_ids:
  description:
    - The ids of the ingresses the task could mean, when it cannot choose one (several ingresses with O(name), or a
      O(name) that only routes of MSE gateways have). Set O(ingress_id) to one of them.
  returned: when the ingress to manage is ambiguous
  type: list
  elements: int
  sample: [87, 93]
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_resource import IngressResource, ingress_options


def argument_spec():
    return dict(namespace_id=dict(type='str', required=True), **ingress_options())


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True,
                    mutually_exclusive=[('cert_id', 'cert_ids')])
    sae.module.exit_json(**IngressResource(sae).run())


if __name__ == '__main__':
    main()
