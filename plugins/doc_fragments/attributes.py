# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The attributes every module of alibabacloud.sae shares: where it runs, and its action group.
    DOCUMENTATION = r'''
options: {}
attributes:
  platform:
    platforms: alibabacloud
    support: full
    description: Calls the SAE OpenAPI (version 2019-05-06) from the Ansible controller or execution node.
  action_group:
    description: Use C(group/alibabacloud.sae.all) in O(ignore:module_defaults) to set the shared options once.
    support: full
    membership:
      - alibabacloud.sae.all
'''

    # A module that only reads (the *_info modules): check mode runs it unchanged, and it has no diff.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs the same way in check mode.
  diff_mode:
    support: N/A
    description: The module changes nothing.
'''
