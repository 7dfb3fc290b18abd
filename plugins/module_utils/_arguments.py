# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The loading of a module's arguments: values on which ansible-core's argument validation would raise (a traceback
and "MODULE FAILURE") are made to fail it cleanly, with ansible-core's own message naming the option.

``DefusingAnsibleModule`` is the AnsibleModule of the module base (``_common.SaeModule``); ``defuse`` is what it
does to the parameters right after loading them, before validation runs.
"""

from __future__ import annotations

import decimal

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.validation import check_type_dict, check_type_list


def _unconvertible_number(value):
    """True for a float or numeric string ansible-core's check_type_int cannot handle: infinite (OverflowError),
    or with more than 100 digits (its conversion can take minutes, e.g. "1e999999", and the invocation log
    raises ValueError past 4300 digits)."""
    if isinstance(value, (bool, int)) or not isinstance(value, (float, str)):
        return False
    try:
        number = decimal.Decimal(value)
    except (decimal.DecimalException, ValueError):
        return False
    return number.is_infinite() or (number.is_finite() and number.adjusted() > 100)


def _as_dict(value):
    """``value`` as ansible-core would turn it into a dict (a dict, JSON or key=value text), or None."""
    if isinstance(value, dict):
        return value
    try:
        return check_type_dict(value)
    except (TypeError, ValueError):
        return None


def _dicts_wanted(name, option):
    """A type checker for ``option`` that refuses what is not a dict, saying what the option takes."""
    listed = ', '.join(option['options'])
    if option.get('type') == 'dict':
        reason = '%s takes a dict (in YAML, a mapping) of %s' % (name, listed)
    else:
        reason = '%s takes a list of dicts (in YAML, one "- key: value" mapping per item) of %s' % (name, listed)

    def dict_checker(value):
        if _as_dict(value) is None:
            raise TypeError(reason)
        return value

    dict_checker.__name__ = 'dict'
    return dict_checker


def defuse(spec, params):
    """Make values that ansible-core's argument validation raises on, or refuses with a message naming
    no option, fail it cleanly instead, naming the option.

    An infinite number (``.inf``, ``"inf"``) for an int option raises OverflowError in check_type_int (2.19 to
    2.21; 2.22 reports it): it becomes a string that is not a number. Something that is not a dict where a dict
    with suboptions is wanted (``rules: www.example.com``, ``default_rule: 5``, a list holding a null) raises
    TypeError in the sub-option validation or fails with "dictionary requested, could not parse JSON or key=value" alone:
    that option loses its suboptions and gets a type check whose message says what it takes. Mutates ``spec``.
    """
    if not isinstance(params, dict):
        return
    for name, option in list(spec.items()):
        kind = option.get('type')
        for key in [name] + list(option.get('aliases') or ()):
            value = params.get(key)
            if value is None:
                continue
            if kind == 'int' and _unconvertible_number(value):
                params[key] = '%s (not a usable number)' % value
            elif option.get('options') and (kind == 'dict' or option.get('elements') == 'dict'):
                try:
                    items = [value] if kind == 'dict' else check_type_list(value)
                except TypeError:
                    continue  # not a list: ansible-core's type check names the option
                if any(_as_dict(item) is None for item in items):
                    checker = _dicts_wanted(name, option)
                    spec[name] = dict((k, v) for k, v in option.items() if k not in ('options', 'elements'))
                    spec[name]['type' if kind == 'dict' else 'elements'] = checker
                    continue
                for item in items:
                    defuse(option['options'], item)


class DefusingAnsibleModule(AnsibleModule):
    """AnsibleModule whose argument validation fails cleanly on every malformed value (see defuse).

    Why override parameter loading: ansible-core's argument validation (ansible.module_utils.common.
    validation: tests/unit/plugins/module_utils/test_common.py test_ansible_core_still_crashes_where_defuse_steps_in
    says in which versions) raises instead of reporting for a few values a playbook can pass:
    OverflowError from check_type_int for an infinite number, TypeError in the sub-option validation for
    a scalar given to a dict option with suboptions, and ValueError (or minutes of CPU) for numbers of
    thousands of digits. The task then dies with a traceback and "MODULE FAILURE" instead of a message
    naming the option. Defusing the values right after loading, before validation runs, keeps
    ansible-core's own message. tests/functional/test_bad_input.py
    (test_values_ansible_core_raises_on_fail_cleanly) fails if this override goes.
    """

    def _load_params(self):
        super()._load_params()
        defuse(self.argument_spec, self.params)
