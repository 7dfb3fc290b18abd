# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_ingress_info
short_description: List or describe Alibaba Cloud SAE ingresses
version_added: 1.0.0
description:
  - Returns SAE ingresses in the shape M(alibabacloud.sae.sae_ingress) returns RV(alibabacloud.sae.sae_ingress#module:ingress).
  - With O(ingress_id), describes that one ingress (one C(DescribeIngress) call) and returns it only if it
    also passes every other option set (O(namespace_id), O(name), O(app_id), O(slb_id), O(listener_port),
    O(load_balance_type)); otherwise the list is empty.
  - Otherwise lists the ingresses of O(namespace_id) (every page of C(ListIngresses); paging is the module's
    business), keeping those that match every filter set (O(name), O(app_id), O(app_name), O(slb_id), O(listener_port),
    O(load_balance_type)).
  - Ingresses selected by O(name), and every match with O(details=true), are described in full (one
    C(DescribeIngress) each). For the others, the keys a C(ListIngresses) answer does not carry (C(enable_gzip),
    C(security_policy_id), C(created_by_sae) and the C(enable_x_forwarded_for*) flags) are null.
  - To manage many ingresses of a large namespace, read them once with this module and loop
    M(alibabacloud.sae.sae_ingress) over their O(alibabacloud.sae.sae_ingress#module:ingress_id), as the examples show;
    each task then costs one C(DescribeIngress) instead of every page of C(ListIngresses).
  - Read-only.
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
  - alibabacloud.sae.attributes.info_module
options:
  namespace_id:
    description:
      - The namespace to list, C(<region>:<name>) or a bare region. Required unless O(ingress_id) is set.
      - When O(region) is not set, the region is taken from the part before the colon.
    type: str
  ingress_id:
    description:
      - Describe this ingress only. An id that does not exist, or whose ingress does not match the other options
        (an ingress of another O(namespace_id), for example), returns an empty list.
    type: int
    aliases: [id]
  name:
    description:
      - Only ingresses with this routing rule name.
    type: str
    aliases: [description]
  app_id:
    description:
      - Only ingresses that route to this application, through O(alibabacloud.sae.sae_ingress#module:default_rule) or
        any of O(alibabacloud.sae.sae_ingress#module:rules).
      - Applied to the rows of C(ListIngresses) by the module, not sent as the API's C(AppId) filter, whose handling of
        the default rule no public reference states.
    type: str
  app_name:
    description:
      - Only ingresses that route to the application of this name (exact), through any rule. Compared with the
        application name the service reports for every rule, so no other call is made.
    type: str
    version_added: 1.1.0
  slb_id:
    description:
      - Only ingresses on this CLB or ALB instance.
    type: str
    version_added: 1.1.0
  listener_port:
    description:
      - Only ingresses listening on this port. With O(slb_id), selects at most one ingress.
    type: int
    version_added: 1.1.0
  load_balance_type:
    description:
      - Only ingresses of this load balancer type.
    type: str
    choices: [clb, alb]
    version_added: 1.1.0
  details:
    description:
      - Describe every match in full (one C(DescribeIngress) each), so that every key of the result is filled in.
    type: bool
    default: false
    version_added: 1.1.0
seealso:
  - module: alibabacloud.sae.sae_ingress
  - name: Recipes guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/recipes.rst
    description: Reading a large namespace once, then managing its ingresses by id.
"""

EXAMPLES = r"""
- name: Describe the ingress named web
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
    name: web
  register: web_info

- name: Describe one ingress by id
  alibabacloud.sae.sae_ingress_info:
    ingress_id: "{{ web_info.ingresses[0].id }}"
    region: cn-beijing

- name: Every ingress of a namespace that routes to an application, by its name
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
    app_name: demo-api
  register: routed

- name: The same by the application's id
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
    app_id: 666403ce-d25b-47cf-87fe-497565d2c4b2

- name: Show their listener ports
  ansible.builtin.debug:
    msg: "{{ routed.ingresses | map(attribute='listener_port') | list }}"

- name: Print where each domain and path goes, one line per rule
  ansible.builtin.debug:
    msg: "{{ table.splitlines() }}"
  vars:
    table: |
      {% for route in routed.routes %}
      {{ '%-10s %-5s %-20s %-12s -> %s:%s' % (route.ingress_name, route.listener_port, route.domain or '(default)',
                                              route.path or '', route.app_name, route.container_port) }}
      {% endfor %}

- name: The ingress on port 443 of an ALB, with every field
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
    slb_id: alb-2zealbinternet01
    listener_port: 443
    details: true

- name: Read a large namespace once, then manage its ingresses by id (see the recipes guide)
  alibabacloud.sae.sae_ingress_info:
    namespace_id: cn-beijing:demo
  run_once: true
  register: namespace_ingresses

- name: Index them by name once
  ansible.builtin.set_fact:
    ids_by_name: "{{ namespace_ingresses.ingresses | items2dict(key_name='name', value_name='id') }}"
  run_once: true

- name: Converge the managed ones by id, one DescribeIngress each
  alibabacloud.sae.sae_ingress:
    namespace_id: cn-beijing:demo
    ingress_id: "{{ ids_by_name[item] }}"
    idle_timeout: 30
  loop: [web, shop]
  when: item in ids_by_name
"""

RETURN = r"""
ingresses:
  description:
    - The ingresses found, ordered by id, each in the shape of RV(alibabacloud.sae.sae_ingress#module:ingress), with
      the keys below.
    - Routes of MSE gateways that C(ListIngresses) lists are included, with C(mse_gateway_id), C(mse_gateway_port)
      and C(mse_gateway_protocol) set; C(create_time) comes with every listed ingress.
    - C(enable_gzip) and the C(enable_x_forwarded_for*) flags are null unless the ingress was described in full
      (O(ingress_id), O(name) or O(details=true)), and where the service does not report them.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 87
      name: web
      description: web
      namespace_id: cn-beijing:demo
      slb_id: lb-2zeclbinternet001
      slb_type: internet
      load_balance_type: clb
      listener_port: 80
      listener_protocol: HTTP
      cert_id: null
      cert_ids: []
      security_policy_id: null
      request_timeout: 60
      idle_timeout: 15
      enable_gzip: false
      enable_x_forwarded_for: false
      enable_x_forwarded_for_client_src_port: false
      enable_x_forwarded_for_proto: false
      enable_x_forwarded_for_slb_id: false
      enable_x_forwarded_for_slb_port: false
      cors_config: null
      default_rule: {app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080, backend_protocol: null}
      rules: []
      created_by_sae: false
      create_time: 1767225600000
      mse_gateway_id: null
      mse_gateway_port: null
      mse_gateway_protocol: null
  contains:
    id:
      description: The ingress id.
      returned: always
      type: int
      sample: 87
    name:
      description:
      - The routing rule's name.
      - Null for an ingress without one.
      returned: always
      type: str
      sample: web
    description:
      description: The same as RV(ingresses[].name) (the API calls the name C(Description)).
      returned: always
      type: str
      sample: web
    namespace_id:
      description: The namespace.
      returned: always
      type: str
      sample: cn-beijing:prod
    slb_id:
      description: The load balancer id.
      returned: always
      type: str
      sample: lb-2zeclbinternet001
    slb_type:
      description: Whether the load balancer faces the internet or the VPC.
      returned: always
      type: str
      sample: internet
    load_balance_type:
      description: V(clb) or V(alb).
      returned: always
      type: str
      sample: clb
    listener_port:
      description: The listener port.
      returned: always
      type: int
      sample: 80
    listener_protocol:
      description: V(HTTP) or V(HTTPS).
      returned: always
      type: str
      sample: HTTP
    cert_id:
      description:
      - The CLB certificate.
      - Null when none.
      returned: always
      type: str
      sample: null
    cert_ids:
      description: The ALB certificates, sorted.
      returned: always
      type: list
      elements: str
      sample: []
    security_policy_id:
      description:
      - The TLS security policy.
      - Null unless the ingress was described in full (O(ingress_id), O(name) or O(details=true)), and when none.
      returned: always
      type: str
      sample: null
    request_timeout:
      description: The request timeout in seconds.
      returned: always
      type: int
      sample: 60
    idle_timeout:
      description:
      - The idle timeout in seconds.
      - Null where the service does not report it.
      returned: always
      type: int
      sample: 15
    enable_gzip:
      description:
      - Whether responses are compressed.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    enable_x_forwarded_for:
      description:
      - Whether C(X-Forwarded-For) is added.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    enable_x_forwarded_for_client_src_port:
      description:
      - Whether the client source port header is added.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    enable_x_forwarded_for_proto:
      description:
      - Whether C(X-Forwarded-Proto) is added.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    enable_x_forwarded_for_slb_id:
      description:
      - Whether C(SLB-ID) is added.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    enable_x_forwarded_for_slb_port:
      description:
      - Whether C(X-Forwarded-Port) is added.
      - Null as RV(ingresses) says.
      returned: always
      type: bool
      sample: false
    cors_config:
      description:
      - The CORS settings, with the keys of O(alibabacloud.sae.sae_ingress#module:cors_config).
      - Null when never set.
      returned: always
      type: dict
      sample: {enable: true, allow_origin: ['*'], allow_methods: [GET], allow_headers: [], expose_headers: [], allow_credentials: false,
        max_age: 600}
    default_rule:
      description: The default rule.
      returned: always
      type: dict
      sample: {app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080, backend_protocol: null}
      contains:
        app_id:
          description: The application id.
          returned: always
          type: str
        app_name:
          description: The application's name, as the service reports it.
          returned: always
          type: str
        container_port:
          description: The container port.
          returned: always
          type: int
        backend_protocol:
          description: The backend protocol; null where the service does not report one (all but ALB with HTTPS).
          returned: always
          type: str
    rules:
      description:
      - The forwarding rules, with the keys of O(alibabacloud.sae.sae_ingress#module:rules) but C(state).
      - Valid entries of O(alibabacloud.sae.sae_ingress#module:rules) as they are, to read, filter and write back.
      returned: always
      type: list
      elements: dict
      sample: [{app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080, domain: www.example.com,
        path: /, backend_protocol: null, rewrite_path: null, rule_actions: []}]
      contains:
        app_id:
          description: The application id.
          returned: always
          type: str
        app_name:
          description: The application's name (see RV(ingresses[].default_rule.app_name)).
          returned: always
          type: str
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
    created_by_sae:
      description:
      - Whether SAE created the load balancer.
      - Null unless the ingress was described in full (O(ingress_id), O(name) or O(details=true)).
      returned: always
      type: bool
      sample: false
    create_time:
      description:
      - When the ingress was created, in milliseconds since the epoch, as C(ListIngresses) reports it.
      - Null for an ingress described by O(ingress_id), which C(DescribeIngress) alone reports.
      returned: always
      type: int
      sample: 1767225600000
    mse_gateway_id:
      description:
      - The MSE gateway of a gateway route (C(ListIngresses) lists them beside the ingresses).
      - Null for an SAE ingress.
      returned: always
      type: str
      sample: null
    mse_gateway_port:
      description:
      - The port of the MSE gateway route.
      - Null for an SAE ingress.
      returned: always
      type: int
      sample: null
    mse_gateway_protocol:
      description:
      - The protocol of the MSE gateway route.
      - Null for an SAE ingress.
      returned: always
      type: str
      sample: null
routes:
  description:
    - The same ingresses as a flat table, one row per rule and one per default rule (RV(routes[].path) null), in the
      order of RV(ingresses) and of their rules, the default rule last. To print, or to check where a request goes.
  returned: always
  type: list
  elements: dict
  version_added: 1.2.0
  sample:
    - {ingress_id: 87, ingress_name: web, slb_id: lb-2zeclbinternet001, listener_port: 80, listener_protocol: HTTP,
       domain: www.example.com, path: /api, app_id: 666403ce-d25b-47cf-87fe-497565d2c4b2, app_name: demo-api,
       container_port: 8080}
    - {ingress_id: 87, ingress_name: web, slb_id: lb-2zeclbinternet001, listener_port: 80, listener_protocol: HTTP,
       domain: null, path: null, app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080}
  contains:
    ingress_id:
      description: The ingress id.
      returned: always
      type: int
    ingress_name:
      description: The ingress's routing rule name; null for an ingress without one.
      returned: always
      type: str
    slb_id:
      description: The load balancer id.
      returned: always
      type: str
    listener_port:
      description: The listener port.
      returned: always
      type: int
    listener_protocol:
      description: V(HTTP) or V(HTTPS).
      returned: always
      type: str
    domain:
      description: The rule's domain, lower-case; null for the default rule.
      returned: always
      type: str
    path:
      description: The rule's path; null for the default rule, which takes what no rule matches.
      returned: always
      type: str
    app_id:
      description: The application id.
      returned: always
      type: str
    app_name:
      description: The application's name, as the service reports it.
      returned: always
      type: str
    container_port:
      description: The application's container port.
      returned: always
      type: int
error:
  description:
    - What the failed API call was answered, as data. Test RV(error.code) to react to one error in a playbook; the
      R(troubleshooting guide, ansible_collections.alibabacloud.sae.docsite.troubleshooting) says what each code means.
  returned: when an API call fails
  type: dict
  contains:
    code:
      description:
        - The error code of the answer, for example V(Throttling.User) or V(InvalidNamespaceId.NotFound); or, for a
          call that got no usable answer, the module's own (V(ConnectTimeout), V(ReadTimeout), V(ConnectionError),
          V(SSLError), V(RequestError), V(CredentialsError), V(InvalidResponse), V(IncompleteListing)).
      returned: always
      type: str
      sample: Throttling.User
    message:
      description: The message of the answer, or what went wrong without one.
      returned: always
      type: str
      sample: Request was denied due to user flow control.
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
      description: The API operation that failed, for example V(ListIngresses).
      returned: always
      type: str
      sample: ListIngresses
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_resource import IngressInfo


def argument_spec():
    return dict(
        namespace_id=dict(type='str'),
        ingress_id=dict(type='int', aliases=['id']),
        name=dict(type='str', aliases=['description']),
        app_id=dict(type='str'),
        app_name=dict(type='str'),
        slb_id=dict(type='str'),
        listener_port=dict(type='int'),
        load_balance_type=dict(type='str', choices=['clb', 'alb']),
        details=dict(type='bool', default=False),
    )


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True,
                    required_one_of=[('namespace_id', 'ingress_id')])
    sae.module.exit_json(**IngressInfo(sae).run())


if __name__ == '__main__':
    main()
