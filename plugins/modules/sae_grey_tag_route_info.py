# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sae_grey_tag_route_info
short_description: List or describe the canary routes of Alibaba Cloud SAE applications
version_added: 1.2.0
description:
  - Returns SAE canary routes (C(GreyTagRoute)) in the shape M(alibabacloud.sae.sae_grey_tag_route) returns
    RV(alibabacloud.sae.sae_grey_tag_route#module:grey_tag_route).
  - With O(app_id) or O(app_name), lists the routes of that application (one C(ListGreyTagRoute) call; SAE keeps one
    route per application), keeping only the route O(grey_tag_route_id) when it is set too.
  - With O(grey_tag_route_id) alone, describes that route (one C(DescribeGreyTagRoute) call). SAE answers an unknown
    id with C(InvalidParameter.WithMessage), an error it also gives for bad input, so that answer fails the task;
    with the application set as well, an unknown id returns an empty list.
  - Read-only. Needs the RAM actions C(sae:ListGreyTagRoute) and C(sae:DescribeGreyTagRoute), and
    C(sae:ListApplications) with O(app_name).
author:
  - Alibaba Cloud SAE collection maintainers (@alibabacloud)
extends_documentation_fragment:
  - alibabacloud.sae.common
  - alibabacloud.sae.attributes
  - alibabacloud.sae.attributes.info_module
options:
  namespace_id:
    description:
      - The namespace of the application, C(<region>:<name>) or a bare region. Required with O(app_name).
      - When O(region) is not set, the region is taken from the part before the colon.
    type: str
  app_id:
    description:
      - The routes of this application.
    type: str
  app_name:
    description:
      - The routes of the application of this name in O(namespace_id) (exact; canary release applications do not
        count), resolved with one C(ListApplications) read.
    type: str
  grey_tag_route_id:
    description:
      - Only this route.
    type: int
seealso:
  - module: alibabacloud.sae.sae_grey_tag_route
  - name: SAE ListGreyTagRoute API
    description: The API reference of the fields this module returns.
    link: https://www.alibabacloud.com/help/en/sae/api-sae-2019-05-06-listgreytagroute
"""

EXAMPLES = r"""
- name: The canary routes of demo-api
  alibabacloud.sae.sae_grey_tag_route_info:
    namespace_id: cn-beijing:demo
    app_name: demo-api
  register: api_routes

- name: Show the id of each route by name
  ansible.builtin.debug:
    msg: "{{ api_routes.grey_tag_routes | items2dict(key_name='name', value_name='grey_tag_route_id') }}"
"""

RETURN = r"""
grey_tag_routes:
  description:
    - The routes found, sorted by id, each in the shape of
      RV(alibabacloud.sae.sae_grey_tag_route#module:grey_tag_route).
  returned: always
  type: list
  elements: dict
  contains:
    grey_tag_route_id:
      description: The route's id.
      returned: always
      type: int
      sample: 12
    name:
      description: The route's name.
      returned: always
      type: str
      sample: web-canary
    description:
      description: The route's description; null when empty.
      returned: always
      type: str
      sample: Testers first
    app_id:
      description: The id of the application the route belongs to.
      returned: always
      type: str
      sample: 395b60e4-0550-458d-9c54-a265d0361a01
    create_time:
      description: When the route was created, in milliseconds since the epoch.
      returned: always
      type: int
      sample: 1767225600000
    update_time:
      description: When the route was last changed, in milliseconds since the epoch.
      returned: always
      type: int
      sample: 1767225600000
    alb_rules:
      description:
        - The ALB rules, with the keys of O(alibabacloud.sae.sae_grey_tag_route#module:alb_rules) (the ingress by
          id; the path null unless the service reports it).
      returned: always
      type: list
      elements: dict
      sample: [{ingress_id: 87, path: null, items: [{type: header, name: x-canary, value: 'true', cond: '==',
                                                     operator: rawvalue}]}]
    sc_rules:
      description: The Spring Cloud rules, with the keys of O(alibabacloud.sae.sae_grey_tag_route#module:sc_rules).
      returned: always
      type: list
      elements: dict
      sample: []
    dubbo_rules:
      description: The Dubbo rules, with the keys of O(alibabacloud.sae.sae_grey_tag_route#module:dubbo_rules).
      returned: always
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
        - The error code of the answer, for example V(InvalidAppId.NotFound); or, for a call that got no usable
          answer, the module's own (V(ConnectTimeout), V(ReadTimeout), V(ConnectionError), V(SSLError),
          V(RequestError), V(CredentialsError), V(InvalidResponse), V(IncompleteListing)).
      returned: always
      type: str
      sample: InvalidAppId.NotFound
    message:
      description: The message of the answer, or what went wrong without one.
      returned: always
      type: str
      sample: The specified application ID does not exist.
    request_id:
      description: The RequestId of the answer, to give to support; null when no answer came.
      returned: always
      type: str
      sample: 2A3B8C3E-6F1D-5C7B-9E0A-4D2F1B6C8A90
    status:
      description: The HTTP status of the answer; null when no answer came.
      returned: always
      type: int
      sample: 404
    operation:
      description: The API operation that failed, for example V(ListGreyTagRoute).
      returned: always
      type: str
      sample: ListGreyTagRoute
"""

from ansible_collections.alibabacloud.sae.plugins.module_utils._common import SaeModule
from ansible_collections.alibabacloud.sae.plugins.module_utils._grey_tag_route_resource import GreyTagRouteInfo


def argument_spec():
    return dict(
        namespace_id=dict(type='str'),
        app_id=dict(type='str'),
        app_name=dict(type='str'),
        grey_tag_route_id=dict(type='int'),
    )


def main():
    sae = SaeModule(argument_spec=argument_spec(), supports_check_mode=True,
                    mutually_exclusive=[('app_id', 'app_name')],
                    required_one_of=[('app_id', 'app_name', 'grey_tag_route_id')],
                    required_by={'app_name': 'namespace_id'})
    sae.module.exit_json(**GreyTagRouteInfo(sae).run())


if __name__ == '__main__':
    main()
