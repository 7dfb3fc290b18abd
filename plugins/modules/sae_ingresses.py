# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_ingresses
short_description: Create, update or delete many Alibaba Cloud SAE ingresses of one namespace in one task
version_added: 1.2.0
description:
  - Converges a list of Serverless App Engine (SAE) ingresses of one namespace in one task. Each entry of O(ingresses)
    takes the options of M(alibabacloud.sae.sae_ingress), which finds, compares, creates, updates and deletes its
    ingress the same way. An entry needs O(ingresses[].name), O(ingresses[].ingress_id), or O(ingresses[].slb_id)
    with O(ingresses[].listener_port).
  - The task reads the ingresses of the namespace once for all entries, and writes only where an ingress differs. The
    R(recipes guide, ansible_collections.alibabacloud.sae.docsite.recipes.sae_ingresses) says which calls a task
    makes, and how entries are found and purged.
  - Every entry is checked before any write, against the others and the live ingresses. An input error fails the task,
    naming each entry with a problem, and nothing is changed.
  - A call the service refuses fails its entry alone. The other entries still converge; the task then fails, naming
    the failed entries, with the result of every entry in RV(ingresses).
  - Deletions are made first (they free names and listeners), then the entries in their order.
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
attributes:
  check_mode:
    support: full
    description: Makes no write call and returns for every entry, and every ingress a purge would delete, the result a
      real run would give. It fails where a real run would fail before its first write; a refusal only the service can
      make shows in the real run only.
  diff_mode:
    support: full
    description:
      - Returns C(diff.before) and C(diff.after) of the whole namespace, keyed by ingress name (or C(id 87) for an
        ingress without one). They hold every ingress the task changes, creates (only in C(after)) or deletes (only in
        C(before)), in the option vocabulary of M(alibabacloud.sae.sae_ingress).
      - Each entry of RV(ingresses) that changes has its own C(diff) too.
options:
  namespace_id:
    description:
      - The namespace of every ingress, C(<region>:<name>) or a bare region. See
        O(alibabacloud.sae.sae_ingress#module:namespace_id).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the listed ingresses; V(absent) deletes them. O(ingresses[].state) overrides it
        per entry.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also delete every ingress of O(namespace_id) that no entry means, MSE gateway routes
        aside. With O(ingresses=[]), that is all of them.
    type: bool
    default: false
  ingresses:
    description:
      - The ingresses. Each entry takes the options of M(alibabacloud.sae.sae_ingress) but O(namespace_id). No two
        entries may mean one ingress, name or listener.
    type: list
    elements: dict
    required: true
    suboptions:
      state:
        description:
          - V(present) creates or updates this ingress, V(absent) deletes it. Unset takes O(state).
        type: str
        choices: [present, absent]
      name:
        description:
          - The ingress's name, which finds it in O(namespace_id). See O(alibabacloud.sae.sae_ingress#module:name).
        type: str
        aliases: [description]
      ingress_id:
        description:
          - The ingress id, among those of O(namespace_id); wins over O(ingresses[].name). See
            O(alibabacloud.sae.sae_ingress#module:ingress_id).
        type: int
        aliases: [id]
      load_balance_type:
        description:
          - The load balancer type; V(clb) when creating. Fixed at creation.
        type: str
        choices: [clb, alb]
      slb_id:
        description:
          - The CLB or ALB that carries the listener. See O(alibabacloud.sae.sae_ingress#module:slb_id).
        type: str
      listener_port:
        description:
          - The listener port, 1 to 65535. Required to create.
        type: int
      listener_protocol:
        description:
          - The listener protocol. V(HTTPS) needs O(ingresses[].cert_id) or O(ingresses[].cert_ids) in the same entry.
        type: str
        choices: [HTTP, HTTPS]
      cert_id:
        description: The certificate of a CLB HTTPS listener.
        type: str
      cert_ids:
        description: The certificates of an ALB HTTPS listener; a set.
        type: list
        elements: str
      security_policy_id:
        description: The TLS security policy of an HTTPS listener.
        type: str
      default_rule:
        description:
          - Where requests that match no rule go. Required to create. See
            O(alibabacloud.sae.sae_ingress#module:default_rule).
        type: dict
        suboptions:
          app_id:
            description:
              - The application id. Set it, O(ingresses[].default_rule.app_name), or both naming the same application.
            type: str
          app_name:
            description: The application's name, resolved in O(namespace_id).
            type: str
          container_port:
            description: The application's container port, 1 to 65535.
            type: int
            required: true
          backend_protocol:
            description:
              - The protocol from the load balancer to the application. See
                O(alibabacloud.sae.sae_ingress#module:default_rule.backend_protocol).
            type: str
            choices: [http, https, grpc]
      rules:
        description:
          - The forwarding rules, each identified by its domain and path. Unset leaves the rules alone. See
            O(alibabacloud.sae.sae_ingress#module:rules).
        type: list
        elements: dict
        suboptions:
          state:
            description:
              - V(absent) removes the rule with this domain and path; it needs no application or port.
            type: str
            choices: [present, absent]
            default: present
          app_id:
            description:
              - The application id. A rule to keep sets it, O(ingresses[].rules[].app_name), or both.
            type: str
          app_name:
            description: The application's name, resolved in O(namespace_id).
            type: str
          container_port:
            description:
              - The application's container port, 1 to 65535. Required unless O(ingresses[].rules[].state=absent).
            type: int
          domain:
            description: The host the rule matches, for example V(www.example.com) or V(*.example.com).
            type: str
          path:
            description: The request path the rule matches, starting with C(/), for example V(/api).
            type: str
          backend_protocol:
            description: As O(ingresses[].default_rule.backend_protocol).
            type: str
            choices: [http, https, grpc]
          rewrite_path:
            description: ALB only. The path the request is rewritten to; an empty string removes the rewrite.
            type: str
          rule_actions:
            description:
              - The rule's actions, compared, never set. See O(alibabacloud.sae.sae_ingress#module:rules[].rule_actions).
            type: list
            elements: dict
            suboptions:
              action_type:
                description: The action type, for example V(redirect).
                type: str
              action_config:
                description: The action's configuration, a JSON document.
                type: str
      purge_rules:
        description:
          - Whether live rules that O(ingresses[].rules) does not list are removed. No effect when O(ingresses[].rules)
            is unset.
        type: bool
        default: true
      request_timeout:
        description: Seconds the load balancer waits for the application, 1 to 180.
        type: int
      idle_timeout:
        description: Seconds an idle connection is kept, 1 to 60.
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
          - Cross-origin resource sharing settings of the listener. See
            O(alibabacloud.sae.sae_ingress#module:cors_config).
        type: dict
        suboptions:
          enable:
            description: Whether CORS is enabled.
            type: bool
          allow_origin:
            description: Allowed origins; a set.
            type: list
            elements: str
          allow_methods:
            description: Allowed methods; a set.
            type: list
            elements: str
          allow_headers:
            description: Allowed request headers; a set.
            type: list
            elements: str
          expose_headers:
            description: Response headers exposed to the browser; a set.
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
          - Whether the ALB that SAE creates faces the internet or the VPC. Fixed at creation.
        type: str
        choices: [Internet, Intranet]
      load_balancer_edition:
        description: The edition of the ALB that SAE creates. Used only to create.
        type: str
        choices: [Standard, StandardWithWaf]
      zone_mappings:
        description: The zones and vSwitches of the ALB that SAE creates. Used only to create.
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
  - The RV(ingresses[].ingress) of an entry that needed no change comes from the C(ListIngresses) row, which does not
    carry C(enable_gzip), C(security_policy_id), C(created_by_sae) and the C(enable_x_forwarded_for*) flags; those keys
    are null there unless the entry sets them.
  - The entries are checked against the ingresses as they were read. A change that only works in two steps (an ingress
    leaves a listener or a name that another entry takes, in the same task) fails before any write; run it as two tasks.
seealso:
  - module: alibabacloud.sae.sae_ingress
    description: One ingress per task, with every option described in full.
  - module: alibabacloud.sae.sae_ingress_info
  - name: Recipes guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/recipes.rst
    description: Many ingresses of a large namespace, in one task or one task each.
  - name: Idempotency guide
    link: https://github.com/alibabacloud/ansible-collection-sae/blob/main/docs/docsite/rst/idempotency.rst
    description: How each option of an entry is compared with the live ingress.
"""

EXAMPLES = r"""
# The ids and names below are examples: use your own namespace, load balancers, certificates and applications.

- name: Converge the ingresses of a namespace in one task (one listing of the namespace for all of them)
  alibabacloud.sae.sae_ingresses:
    namespace_id: cn-beijing:demo
    ingresses:
      - name: blog
        slb_id: lb-2zeclbinternet001
        listener_port: 8081
        default_rule: {app_name: demo-web, container_port: 8080}
        rules:
          - {domain: blog.example.com, path: /, app_name: demo-web, container_port: 8080}
          - {domain: blog.example.com, path: /api, app_name: demo-api, container_port: 8080}
      - name: docs
        slb_id: lb-2zeclbinternet001
        listener_port: 8082
        request_timeout: 30
        default_rule: {app_id: 395b60e4-0550-458d-9c54-a265d0361a01, container_port: 8080}
  register: demo_ingresses

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ demo_ingresses.ingresses | selectattr('changed') | map(attribute='ingress.name') | list }}"

- name: Change one option of several existing ingresses, leaving the rest of each alone
  alibabacloud.sae.sae_ingresses:
    namespace_id: cn-beijing:demo
    ingresses:
      - {name: blog, request_timeout: 120}
      - {name: docs, idle_timeout: 30}

# An entry by name alone changes nothing on an existing ingress; an ingress that does not exist makes the task fail
# before any change (creating one needs listener_port and default_rule).
- name: Preview which ingresses of the namespace a purge would delete
  alibabacloud.sae.sae_ingresses:
    namespace_id: cn-beijing:demo
    purge: true
    ingresses:
      - name: blog
      - name: docs
  check_mode: true
  diff: true
  register: purge_preview

- name: Show the names a purge would delete
  ansible.builtin.debug:
    msg: "{{ purge_preview.ingresses | selectattr('purged') | map(attribute='diff.before.name') | list }}"

- name: Delete several ingresses (those already gone report ok)
  alibabacloud.sae.sae_ingresses:
    namespace_id: cn-beijing:demo
    state: absent
    ingresses:
      - name: blog
      - name: docs
"""

RETURN = r"""
ingresses:
  description:
    - One item per entry of O(ingresses), in their order, then one per ingress a purge deletes (or would delete, in
      check mode), by id.
    - After an input error, when nothing was changed, only the entries that have one, each with its RV(ingresses[].msg).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: The position of the entry in O(ingresses); null for an ingress a purge deletes.
      returned: always
      type: int
      sample: 0
    purged:
      description: Whether the ingress is deleted by O(purge) rather than listed.
      returned: always
      type: bool
      sample: false
    changed:
      description: Whether the entry changed (in check mode, would change) its ingress.
      returned: always
      type: bool
      sample: true
    ingress:
      description:
        - The ingress after the task (in check mode, as the task would leave it), in the shape of
          RV(alibabacloud.sae.sae_ingress#module:ingress), with the same keys and the same rules for null values.
          V({}) once it is deleted.
        - For a failed entry, the ingress as the listing showed it before the failed call (V({}) when it did not exist).
      returned: always
      type: dict
      sample: {id: 87, name: web, namespace_id: "cn-beijing:demo", slb_id: lb-2zeclbinternet001, listener_port: 80,
               listener_protocol: HTTP, request_timeout: 120, default_rule: {app_id: 395b60e4-0550-458d-9c54-a265d0361a01,
               app_name: demo-web, container_port: 8080, backend_protocol: null}, rules: []}
    diff:
      description: The entry's C(before) and C(after), as M(alibabacloud.sae.sae_ingress) returns them.
      returned: when the entry changed
      type: dict
      sample: {before: {request_timeout: 60}, after: {request_timeout: 120}}
    failed:
      description: True for an entry that failed; the other entries are not affected.
      returned: when the entry failed
      type: bool
      sample: true
    msg:
      description: Why the entry failed, after the entry's position and what identifies it, as in C(ingresses[3] (name web)).
      returned: when the entry failed
      type: str
      sample: "ingresses[1] (name shop): UpdateIngress failed: SSLCert.NotFound: The certificate does not exist."
    error:
      description: The failed call's answer, as the top-level RV(error) describes it.
      returned: when a call of the entry failed
      type: dict
      sample: {code: SSLCert.NotFound, message: The certificate does not exist., request_id: 2A3B8C3E-6F1D-5C7B-9E0A-4D2F1B6C8A90,
               status: 400, operation: UpdateIngress}
    followup_error:
      description: After a create of the entry whose outcome is unknown, the error of the lookup that followed it.
      returned: when a create's outcome is unknown and the lookup after it failed too
      type: dict
      sample: {code: Throttling.User, message: Request was denied due to user flow control., request_id: null,
               status: 400, operation: ListIngresses}
    ingress_ids:
      description: The ids of the ingresses the entry could mean, when its name is ambiguous.
      returned: when the ingress of an entry is ambiguous
      type: list
      elements: int
      sample: [87, 93]
error:
  description:
    - What the failed API call that ended the whole task (the listing of the namespace) was answered, as data. A call of
      one entry reports in that entry's RV(ingresses[].error) instead.
  returned: when the listing of the namespace fails
  type: dict
  contains:
    code:
      description:
        - The error code of the answer, for example V(Throttling.User); or, for a call that got no usable answer, the
          module's own (V(ConnectTimeout), V(ReadTimeout), V(ConnectionError), V(SSLError), V(RequestError),
          V(CredentialsError), V(InvalidResponse), V(IncompleteListing)).
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
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingresses_resource import IngressesResource, ingress_options


def entry_spec():
    """The suboptions of one entry of ingresses: those of sae_ingress but the shared options and namespace_id, and a
    state of its own without a default (the module's state)."""
    return dict(ingress_options(), state=dict(type='str', choices=['present', 'absent']))


def argument_spec():
    return dict(
        namespace_id=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        purge=dict(type='bool', default=False),
        ingresses=dict(type='list', elements='dict', required=True, options=entry_spec(),
                       mutually_exclusive=[('cert_id', 'cert_ids')]),
    )


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True)
    sae.module.exit_json(**IngressesResource(sae).run())


if __name__ == '__main__':
    main()
