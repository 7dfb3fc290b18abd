# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The CORS settings of an ingress listener (O(cors_config)) in one form for the live and the wanted side: pure
functions of plain dicts."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_values import blank_to_none, split_list, to_bool, to_int

CORS_LISTS = ('allow_origin', 'allow_methods', 'allow_headers', 'expose_headers')

CORS_API = {
    'enable': 'Enable', 'allow_origin': 'AllowOrigin', 'allow_methods': 'AllowMethods',
    'allow_headers': 'AllowHeaders', 'expose_headers': 'ExposeHeaders',
    'allow_credentials': 'AllowCredentials', 'max_age': 'MaxAge',
}


def _cors_value_set(value: Any) -> bool:
    """True for a CORS value that says something (0 does: max_age 0 is a real value)."""
    return value is not None and value is not False and value != []


def canonical_cors(cors: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """None for a configuration that is off and sets nothing: the same as no configuration at all."""
    if cors and (cors.get('enable') or any(_cors_value_set(v) for k, v in cors.items() if k != 'enable')):
        return cors
    return None


def _cors(values: Dict[str, Any]) -> Dict[str, Any]:
    """CORS settings by option name -> every key present; lists sorted, flags as booleans, max_age an int."""
    result = {}
    for option in CORS_API:
        value = values.get(option)
        if option in CORS_LISTS:
            value = split_list(value)
        elif option == 'max_age':
            value = to_int(blank_to_none(value))
        else:
            value = to_bool(value)
        result[option] = value
    return result


def live_cors(cors: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """A CorsConfig answer ``{'Enable': 'true', 'AllowOrigin': 'b,a', 'MaxAge': '600'}`` -> ``{'enable': True,
    'allow_origin': ['a', 'b'], 'allow_methods': None, ..., 'max_age': 600}`` (every key of O(cors_config))."""
    if cors is None:
        return None
    return _cors(dict((option, cors.get(api)) for option, api in CORS_API.items()))


def wanted_cors(cors: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The task's O(cors_config) with every key present, normalised as live_cors normalises an answer."""
    if cors is None:
        return None
    return _cors(cors)
