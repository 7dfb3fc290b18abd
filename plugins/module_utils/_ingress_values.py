# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Scalar values as the SAE API answers them (strings for numbers and flags, empty strings for "none") and as a task
gives them, in one form: pure functions the ingress shape, its CORS settings and the lookups share."""

from __future__ import annotations


def to_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in ('true', 'on', '1', 'yes'):
        return True
    if text in ('false', 'off', '0', 'no', ''):
        return False
    return value


def to_int(value):
    if value is None or isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return value


def blank_to_none(value):
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def split_list(value):
    """A comma-separated string or a list, as a sorted list of unique non-empty strings."""
    if value is None:
        return None
    items = value.split(',') if isinstance(value, str) else value
    return sorted(set(str(item).strip() for item in items if str(item).strip()))


def cast(value, kind):
    if kind == 'int':
        return to_int(value)
    if kind == 'bool':
        return to_bool(value)
    return blank_to_none(value)
