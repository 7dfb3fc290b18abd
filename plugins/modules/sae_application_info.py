# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_application_info
short_description: List the applications of an Alibaba Cloud SAE namespace
version_added: 1.1.0
description:
  - Returns the Serverless App Engine (SAE) applications of O(namespace_id), each with its id and name, to find the
    O(alibabacloud.sae.sae_ingress#module:rules[].app_id) of an application or check the
    O(alibabacloud.sae.sae_ingress#module:rules[].app_name) an ingress task uses.
  - Reads every page of C(ListApplications) (paging is the module's business) and keeps the applications that match
    every filter set (O(app_name), O(app_ids)).
  - Canary release applications are returned too, with RV(applications[].base_app_id) set to the application they
    are a canary of; M(alibabacloud.sae.sae_ingress) never resolves a name to one of them.
  - Read-only. Needs the RAM action C(sae:ListApplications).
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
  - alibabacloud.sae.attributes.info_module
options:
  namespace_id:
    description:
      - The namespace to list, C(<region>:<name>) or a bare region for the default namespace.
      - When O(region) is not set, the region is taken from the part before the colon.
    type: str
    required: true
  app_name:
    description:
      - Only the applications with exactly this name (sent as the API's C(AppName) filter to narrow the read, and
        matched exactly by the module whatever that filter matches).
    type: str
  app_ids:
    description:
      - Only the applications with these ids.
    type: list
    elements: str
  routes:
    description:
      - Also return RV(routes), what routes to these applications. It costs one more read, the C(ListIngresses)
        pages of the namespace.
    type: bool
    default: false
    version_added: 1.2.0
seealso:
  - module: alibabacloud.sae.sae_ingress
  - name: SAE ListApplications API
    description: The API reference of the fields this module returns.
    link: https://www.alibabacloud.com/help/en/sae/serverless-app-engine-upgrade/developer-reference/api-sae-2019-05-06-listapplications
"""

EXAMPLES = r"""
# The names below are those of the local SAE emulator's applications; use your own namespace and names.

- name: Every application of a namespace
  alibabacloud.sae.sae_application_info:
    namespace_id: cn-beijing:demo
  register: demo_apps

- name: Show their names and ids
  ansible.builtin.debug:
    msg: "{{ demo_apps.applications | items2dict(key_name='app_name', value_name='app_id') }}"

- name: What routes to demo-web
  alibabacloud.sae.sae_application_info:
    namespace_id: cn-beijing:demo
    app_name: demo-web
    routes: true
  register: web

- name: Print it, one line per rule
  ansible.builtin.debug:
    msg: "{{ item.ingress_name }} port {{ item.listener_port }}: {{ item.domain or '(default)' }}{{ item.path or '' }}
      -> {{ item.app_name }}:{{ item.container_port }}"
  loop: "{{ web.routes }}"
  loop_control:
    label: "{{ item.ingress_id }}"

- name: The application named demo-web, with its canaries
  alibabacloud.sae.sae_application_info:
    namespace_id: cn-beijing:demo
    app_name: demo-web
  register: web_app

- name: Two applications by id
  alibabacloud.sae.sae_application_info:
    namespace_id: cn-beijing:demo
    app_ids:
      - 395b60e4-0550-458d-9c54-a265d0361a01
      - 666403ce-d25b-47cf-87fe-497565d2c4b2
"""

RETURN = r"""
applications:
  description:
    - The applications found, sorted by name (an application before its canaries).
  returned: always
  type: list
  elements: dict
  contains:
    app_id:
      description: The application id.
      returned: always
      type: str
      sample: 395b60e4-0550-458d-9c54-a265d0361a01
    app_name:
      description: The application name.
      returned: always
      type: str
      sample: demo-web
    app_description:
      description: The application description; null when empty.
      returned: always
      type: str
      sample: null
    namespace_id:
      description: The namespace.
      returned: always
      type: str
      sample: cn-beijing:demo
    namespace_name:
      description: The namespace's name.
      returned: always
      type: str
      sample: demo
    region_id:
      description: The region.
      returned: always
      type: str
      sample: cn-beijing
    base_app_id:
      description: For a canary release application, the id of the application it is a canary of; else null.
      returned: always
      type: str
      sample: null
    instances:
      description: The number of instances the application is set to run.
      returned: always
      type: int
      sample: 2
    running_instances:
      description: The number of instances running.
      returned: always
      type: int
      sample: 2
    app_type:
      description: How the application is deployed, for example C(Image).
      returned: always
      type: str
      sample: Image
    programming_language:
      description: The application's programming language, for example C(java).
      returned: always
      type: str
      sample: java
    cpu:
      description: The CPU of each instance, in millicores.
      returned: always
      type: int
      sample: 500
    mem:
      description: The memory of each instance, in MB.
      returned: always
      type: int
      sample: 1024
    image_url:
      description: The image of an application deployed from an image; else null.
      returned: always
      type: str
      sample: registry.cn-beijing.aliyuncs.com/demo/demo-web:1.0
    package_url:
      description: The package of an application deployed from a package; else null.
      returned: always
      type: str
      sample: null
    vpc_id:
      description: The VPC of the application.
      returned: always
      type: str
      sample: vpc-2zedemo0000000000001
    app_deleting_status:
      description: Whether the application is being deleted.
      returned: always
      type: bool
      sample: false
    children:
      description: The canary release applications of this application.
      returned: always
      type: list
      elements: dict
      contains:
        app_id:
          description: The canary's id.
          returned: always
          type: str
        app_name:
          description: The canary's name.
          returned: always
          type: str
        base_app_id:
          description: The id of this application.
          returned: always
          type: str
        instances:
          description: The number of instances the canary is set to run.
          returned: always
          type: int
        running_instances:
          description: The number of the canary's instances running.
          returned: always
          type: int
      sample: []
    tags:
      description: The application's tags.
      returned: always
      type: list
      elements: dict
      contains:
        key:
          description: The tag key.
          returned: always
          type: str
        value:
          description: The tag value.
          returned: always
          type: str
      sample: []
routes:
  description:
    - With O(routes), the rules of the namespace's ingresses that route to the applications of RV(applications), one
      row per rule and one per default rule, in the order of the ingresses' ids and of their rules, each with the keys
      of RV(alibabacloud.sae.sae_ingress_info#module:routes) (the ingress, its load balancer and listener, the rule's
      domain and path, the application and its port).
  returned: when O(routes) is true
  type: list
  elements: dict
  version_added: 1.2.0
  sample:
    - {ingress_id: 87, ingress_name: web, slb_id: lb-2zeclbinternet001, listener_port: 80, listener_protocol: HTTP,
       domain: null, path: null, app_id: 3f6a2b1c-0d4e-4f5a-9b8c-7d6e5f4a3b21, app_name: demo-web, container_port: 8080}
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
      description: The API operation that failed, for example V(ListApplications).
      returned: always
      type: str
      sample: ListApplications
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._application_resource import ApplicationInfo


def argument_spec():
    return dict(
        namespace_id=dict(type='str', required=True),
        app_name=dict(type='str'),
        app_ids=dict(type='list', elements='str'),
        routes=dict(type='bool', default=False),
    )


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True)
    sae.module.exit_json(**ApplicationInfo(sae).run())


if __name__ == '__main__':
    main()
