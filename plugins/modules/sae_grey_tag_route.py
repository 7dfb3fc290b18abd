# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_grey_tag_route
short_description: Create, update or delete the canary route of an Alibaba Cloud SAE application
version_added: 1.2.0
description:
  - Creates, updates or deletes the canary route (SAE's C(GreyTagRoute)) of a Serverless App Engine (SAE) application,
    the rules that send matching requests (a header, a cookie, a source address...) to the application's canary
    release instead of the base application.
  - SAE keeps one canary route per application. Its rules are O(alb_rules), for requests through an ALB ingress
    (M(alibabacloud.sae.sae_ingress) with V(alb)), and either O(sc_rules) for a Spring Cloud application or
    O(dubbo_rules) for a Dubbo application.
  - Finds the route by O(grey_tag_route_id), else by O(name) among the routes of the application (O(app_id) or
    O(app_name)).
  - Only the options the task sets are compared; an option left unset keeps its live value. A task that matches the
    live route makes no write. Check mode and diff mode show what a run would do.
  - The R(idempotency guide, ansible_collections.alibabacloud.sae.docsite.idempotency.canary_routes) says how the
    route is found and compared, which calls each task makes, and what the service does not report.
  - Bad input, and what the module can see the service would refuse, fail before any write with a message that names
    the option. A refusal of the service returns its code in RV(error).
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
attributes:
  check_mode:
    support: full
    description: Makes no write call and returns the RV(grey_tag_route) a real run would produce (for a new route, its
      id stays null until the service assigns it). It fails where a real run would fail before its write.
  diff_mode:
    support: full
    description: Returns C(diff.before) and C(diff.after) in the module's own option vocabulary.
options:
  state:
    description:
      - V(present) creates or updates the route. V(absent) deletes it, or reports C(ok) when none is found.
    type: str
    choices: [present, absent]
    default: present
  namespace_id:
    description:
      - The application's namespace, C(<region>:<name>) (for example V(cn-beijing:prod)) or a bare region. Gives the
        region when O(region) is unset.
    type: str
    required: true
  app_id:
    description:
      - The base application's id, not its canary release's. The task needs it or O(app_name), unless
        O(grey_tag_route_id) is set. Fixed at creation.
    type: str
  app_name:
    description:
      - The base application's name, matched exactly in O(namespace_id), canary release applications aside.
    type: str
  name:
    description:
      - The route's name; required to create. Up to 64 lower-case letters, digits and hyphens, starting with a letter and
        ending with a letter or a digit. Fixed at creation.
    type: str
  grey_tag_route_id:
    description:
      - The route's id, which finds it directly and wins over O(name). Set the application too, or an unknown id fails
        even with O(state=absent).
    type: int
  description:
    description:
      - The route's description, up to 64 characters; V('') clears it.
    type: str
  alb_rules:
    description:
      - The rules for requests through an ALB ingress; a request that matches every item of a rule goes to the canary.
        V([]) removes them.
    type: list
    elements: dict
    suboptions:
      ingress_id:
        description:
          - The ALB ingress the rule applies to. Set it or O(alb_rules[].ingress_name).
        type: int
      ingress_name:
        description:
          - The ALB ingress by its O(alibabacloud.sae.sae_ingress#module:name), resolved in O(namespace_id).
        type: str
      path:
        description:
          - The path of the ingress rule the canary rule applies to, for example V(/). Compared only where SAE reports
            it.
        type: str
      items:
        description:
          - The conditions of the rule, at least one.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description: What the condition reads from the request.
            type: str
            choices: [header, cookie, source_ip]
            required: true
          name:
            description:
              - The header or cookie name, for example V(x-canary). Required unless V(source_ip).
            type: str
          value:
            description:
              - The value to match, for example V(true) (quoted in YAML, to stay a string), or the source address.
            type: str
            required: true
          cond:
            description: The comparison; ALB rules take V(==) only.
            type: str
            default: '=='
          operator:
            description: How the value is read; ALB rules take V(rawvalue) (the value as written) only.
            type: str
            default: rawvalue
  sc_rules:
    description:
      - The rules of a Spring Cloud application. V([]) removes them. Not with O(dubbo_rules).
    type: list
    elements: dict
    suboptions:
      condition:
        description: Whether a request must meet every item (V(AND)) or one of them (V(OR)).
        type: str
        choices: [AND, OR]
        default: AND
      path:
        description: The request path the rule applies to, for example V(/api).
        type: str
      items:
        description: The conditions of the rule, at least one.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description: What the condition reads from the request.
            type: str
            choices: [param, cookie, header]
            required: true
          name:
            description: The parameter, cookie or header name.
            type: str
            required: true
          value:
            description: The value to compare with.
            type: str
            required: true
          cond:
            description: The comparison.
            type: str
            choices: ['>', '<', '>=', '<=', '==', '!=']
            default: '=='
          operator:
            description:
              - How the value is read. V(rawvalue) as written, V(list) one of a comma-separated list, V(mod) the
                remainder of a division by 100, V(deterministic_proportional_steaming_division) a percentage of requests.
            type: str
            choices: [rawvalue, list, mod, deterministic_proportional_steaming_division]
            default: rawvalue
  dubbo_rules:
    description:
      - The rules of a Dubbo application. V([]) removes them. Not with O(sc_rules).
    type: list
    elements: dict
    suboptions:
      condition:
        description: Whether a call must meet every item (V(AND)) or one of them (V(OR)).
        type: str
        choices: [AND, OR]
        default: AND
      service_name:
        description: The Dubbo service, for example V(com.example.DemoService).
        type: str
        required: true
      group:
        description: The service group.
        type: str
      version:
        description: The service version, for example V(1.0.0).
        type: str
      method_name:
        description: The method the rule applies to.
        type: str
        required: true
      items:
        description: The conditions of the rule, at least one.
        type: list
        elements: dict
        required: true
        suboptions:
          index:
            description: The argument of the method the condition reads, V(0) for the first.
            type: int
            required: true
          expr:
            description:
              - What is read from the argument, for example V(.name) (its C(name) property) or V([0]) (an array's first
                element). Unset reads the argument itself.
            type: str
          value:
            description: The value to compare with.
            type: str
            required: true
          cond:
            description: The comparison.
            type: str
            choices: ['>', '<', '>=', '<=', '==', '!=']
            default: '=='
          operator:
            description: How the value is read, as for O(sc_rules[].items[].operator).
            type: str
            choices: [rawvalue, list, mod, deterministic_proportional_steaming_division]
            default: rawvalue
notes:
  - The RAM actions the module needs are listed in the
    R(credentials guide, ansible_collections.alibabacloud.sae.docsite.credentials.permissions).
seealso:
  - module: alibabacloud.sae.sae_grey_tag_route_info
  - module: alibabacloud.sae.sae_ingress
  - name: Idempotency guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/idempotency.rst
    description: How the module finds the route and compares it with the live one.
  - name: Recipes guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/recipes.rst
    description: A canary release end to end, from the ingress to the removal of the canary route.
  - name: SAE CreateGreyTagRoute API
    description: The API reference of the fields this module manages.
    link: https://www.alibabacloud.com/help/en/sae/api-sae-2019-05-06-creategreytagroute
"""

EXAMPLES = r"""
# The names below are those of the local SAE emulator's applications; shop is the ALB ingress of the
# alibabacloud.sae.sae_ingress examples, whose rule for /v1/orders sends requests to demo-api. Use your own
# namespace, applications and ingresses.

- name: Send the requests to /v1/orders with the header x-canary true to the canary release of demo-api
  alibabacloud.sae.sae_grey_tag_route:
    namespace_id: cn-beijing:demo
    app_name: demo-api
    name: api-canary
    description: Testers first
    alb_rules:
      - ingress_name: shop
        path: /v1/orders
        items:
          - type: header
            name: x-canary
            value: "true"
  register: api_canary

- name: Change the description of a route known by id
  alibabacloud.sae.sae_grey_tag_route:
    namespace_id: cn-beijing:demo
    grey_tag_route_id: "{{ api_canary.grey_tag_route.grey_tag_route_id }}"
    description: Testers only

- name: Spring Cloud rules for demo-web, by application id, for one user or the beta cookie
  alibabacloud.sae.sae_grey_tag_route:
    namespace_id: cn-beijing:demo
    app_id: 395b60e4-0550-458d-9c54-a265d0361a01
    name: web-canary
    sc_rules:
      - condition: OR
        path: /
        items:
          - type: param
            name: user
            value: "1001"
          - type: cookie
            name: beta
            value: "on"

- name: Delete the canary route of demo-web
  alibabacloud.sae.sae_grey_tag_route:
    namespace_id: cn-beijing:demo
    app_id: 395b60e4-0550-458d-9c54-a265d0361a01
    name: web-canary
    state: absent
"""

RETURN = r"""
grey_tag_route:
  description:
    - The route after the task (for a change, as the task leaves it; in check mode, as a real run would leave it).
      V({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    grey_tag_route_id:
      description: The route's id; null in check mode for a route not created yet.
      returned: when O(state=present)
      type: int
      sample: 12
    name:
      description: The route's name.
      returned: when O(state=present)
      type: str
      sample: web-canary
    description:
      description: The route's description; null when empty.
      returned: when O(state=present)
      type: str
      sample: Testers first
    app_id:
      description: The id of the application the route belongs to.
      returned: when O(state=present)
      type: str
      sample: 395b60e4-0550-458d-9c54-a265d0361a01
    create_time:
      description: When the route was created, in milliseconds since the epoch; null after a create.
      returned: when O(state=present)
      type: int
      sample: 1767225600000
    update_time:
      description: When the route was last changed, in milliseconds since the epoch; null after a change (the service
        sets it).
      returned: when O(state=present)
      type: int
      sample: 1767225600000
    alb_rules:
      description:
        - The ALB rules, each with C(ingress_id) (the ingress by id), C(path) (null unless the service reports it or
          this task sent it) and C(items), the conditions with the keys of O(alb_rules[].items).
        - In Jinja, read the conditions as C(rule['items']); C(rule.items) is the dictionary's method.
      returned: when O(state=present)
      type: list
      elements: dict
      sample: [{ingress_id: 87, path: /, items: [{type: header, name: x-canary, value: 'true', cond: '==',
                                                  operator: rawvalue}]}]
    sc_rules:
      description: The Spring Cloud rules, with the keys of O(sc_rules) (C(items) read as C(rule['items']) in Jinja).
      returned: when O(state=present)
      type: list
      elements: dict
      sample: []
    dubbo_rules:
      description: The Dubbo rules, with the keys of O(dubbo_rules).
      returned: when O(state=present)
      type: list
      elements: dict
      sample: []
error:
  description:
    - What the failed API call was answered, as data. Test RV(error.code) to react to one error in a playbook; the
      R(troubleshooting guide, ansible_collections.alibabacloud.sae.docsite.troubleshooting) says what each code means.
  returned: when an API call fails
  type: dict
  contains:
    code:
      description:
        - The error code of the answer, for example V(InvalidParameter.WithMessage); or, for a call that got no usable
          answer, the module's own (V(ConnectTimeout), V(ReadTimeout), V(ConnectionError), V(SSLError),
          V(RequestError), V(CredentialsError), V(InvalidResponse), V(IncompleteListing)).
      returned: always
      type: str
      sample: InvalidParameter.WithMessage
    message:
      description: The message of the answer, or what went wrong without one.
      returned: always
      type: str
      sample: The specified parameter is invalid.
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
      description: The API operation that failed, for example V(CreateGreyTagRoute).
      returned: always
      type: str
      sample: CreateGreyTagRoute
followup_error:
  description:
    - After a create whose outcome is unknown (RV(error)), the error of the lookup that followed it, in the shape of
      RV(error). The route may exist; a rerun finds it and converges.
  returned: when a create's outcome is unknown and the lookup after it failed too
  type: dict
  sample: {code: Throttling.User, message: Request was denied due to user flow control., request_id: 5C1E2D3F-0A4B-4C6D-8E9F-A1B2C3D4E5F6,
           status: 400, operation: ListGreyTagRoute}
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_resource import GreyTagRouteResource


def argument_spec():
    conds = ['>', '<', '>=', '<=', '==', '!=']
    operators = ['rawvalue', 'list', 'mod', 'deterministic_proportional_steaming_division']
    return dict(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        namespace_id=dict(type='str', required=True),
        app_id=dict(type='str'),
        app_name=dict(type='str'),
        name=dict(type='str'),
        grey_tag_route_id=dict(type='int'),
        description=dict(type='str'),
        alb_rules=dict(type='list', elements='dict', options=dict(
            ingress_id=dict(type='int'),
            ingress_name=dict(type='str'),
            path=dict(type='str'),
            items=dict(type='list', elements='dict', required=True, options=dict(
                type=dict(type='str', choices=['header', 'cookie', 'source_ip'], required=True),
                name=dict(type='str'),
                value=dict(type='str', required=True),
                cond=dict(type='str', default='=='),
                operator=dict(type='str', default='rawvalue'),
            )),
        ), mutually_exclusive=[('ingress_id', 'ingress_name')], required_one_of=[('ingress_id', 'ingress_name')]),
        sc_rules=dict(type='list', elements='dict', options=dict(
            condition=dict(type='str', choices=['AND', 'OR'], default='AND'),
            path=dict(type='str'),
            items=dict(type='list', elements='dict', required=True, options=dict(
                type=dict(type='str', choices=['param', 'cookie', 'header'], required=True),
                name=dict(type='str', required=True),
                value=dict(type='str', required=True),
                cond=dict(type='str', choices=conds, default='=='),
                operator=dict(type='str', choices=operators, default='rawvalue'),
            )),
        )),
        dubbo_rules=dict(type='list', elements='dict', options=dict(
            condition=dict(type='str', choices=['AND', 'OR'], default='AND'),
            service_name=dict(type='str', required=True),
            group=dict(type='str'),
            version=dict(type='str'),
            method_name=dict(type='str', required=True),
            items=dict(type='list', elements='dict', required=True, options=dict(
                index=dict(type='int', required=True),
                expr=dict(type='str'),
                value=dict(type='str', required=True),
                cond=dict(type='str', choices=conds, default='=='),
                operator=dict(type='str', choices=operators, default='rawvalue'),
            )),
        )),
    )


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True,
                    mutually_exclusive=[('app_id', 'app_name')])
    sae.module.exit_json(**GreyTagRouteResource(sae).run())


if __name__ == '__main__':
    main()
