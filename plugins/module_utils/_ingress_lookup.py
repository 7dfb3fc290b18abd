# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""Which ingress of a namespace listing a task means, and what the listing says about a write: pure functions of
ListIngresses rows (PascalCase), for one task or for many entries over one listing. A lookup that cannot decide
raises InputError, naming the ingresses the task could mean."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_shape import ApiIngress, normalize_live, row_name
from ansible_collections.alibabacloud.sae.plugins.module_utils._ingress_values import blank_to_none, to_int


def is_gateway_route(row: ApiIngress) -> bool:
    """True for a ListIngresses row of an MSE gateway's route (MseGatewayId set): not an ingress sae_ingress manages."""
    return bool(blank_to_none(row.get('MseGatewayId')))


def row_id(row: ApiIngress) -> Optional[int]:
    return to_int(row.get('Id'))


def find_by_name(rows: List[ApiIngress], name: str, namespace_id: str) -> Optional[ApiIngress]:
    """The row named ``name``, or None. Rows of MSE gateway routes never match; a name that only they have, or that
    several ingresses have, raises InputError with their ids (``ingress_ids``)."""
    matches = [row for row in rows if row_name(row) == name and not is_gateway_route(row)]
    if len(matches) > 1:
        ids = sorted(row_id(row) for row in matches)
        raise InputError('%d ingresses in %s are named %r (ids: %s). Set ingress_id to choose one.'
                         % (len(ids), namespace_id, name, ', '.join(str(i) for i in ids)), ingress_ids=ids)
    if matches:
        return matches[0]
    routes = [row for row in rows if is_gateway_route(row) and row_name(row) == name]
    if routes:
        ids = sorted(row_id(row) for row in routes)
        raise InputError('The only ingress named %r in %s is %s, a route of MSE gateway %s, which this collection does '
                         'not manage: nothing was changed. Give the ingress another name, or set ingress_id.'
                         % (name, namespace_id, ', '.join(str(i) for i in ids),
                            ', '.join(sorted(set(str(row['MseGatewayId']) for row in routes)))), ingress_ids=ids)
    return None


def port_holder(rows: List[ApiIngress], slb_id: Optional[str], listener_port: Optional[int]) -> Optional[ApiIngress]:
    """The row that holds ``listener_port`` on ``slb_id``, or None (never a row of an MSE gateway route)."""
    if not slb_id or listener_port is None:
        return None
    for row in rows:
        if not is_gateway_route(row) and row.get('SlbId') == slb_id and to_int(row.get('ListenerPort')) == listener_port:
            return row
    return None


def find_row(rows: List[ApiIngress], namespace_id: str, name: Optional[str], wanted: Dict[str, Any]) -> Optional[ApiIngress]:
    """The row a task means: by ``name``, else by its listener (``slb_id`` and ``listener_port`` of ``wanted``)."""
    if name is not None:
        return find_by_name(rows, name, namespace_id)
    return port_holder(rows, wanted.get('slb_id'), wanted.get('listener_port'))


def check_port_free(rows: Optional[List[ApiIngress]], slb_id: Optional[str], port: Optional[int], own_id: Optional[int],
                    namespace_id: str, **result) -> None:
    """Raises InputError when the rows show another ingress on that listener (the service would refuse the write with
    SlbListenerPort.NotAvailable). Without a listing (an ingress found by ingress_id) the service is the only judge."""
    holder = port_holder(rows or [], slb_id, port)
    if holder is not None and row_id(holder) != own_id:
        raise InputError('Listener port %s of %s is held by ingress %s, named %r, in %s: nothing was changed. Choose '
                         'another listener_port, or manage that ingress (its name or ingress_id).'
                         % (port, slb_id, holder.get('Id'), row_name(holder), namespace_id), **result)


def port_taken_message(err_operation: str, rows: Optional[List[ApiIngress]], slb_id: Optional[str],
                       port: Optional[int]) -> Optional[str]:
    """For a SlbListenerPort.NotAvailable refusal: the head of the message naming the ingress on the port, when the
    rows show one."""
    holder = port_holder(rows or [], slb_id, port)
    if holder is None:
        return None
    return '%s (listener port %s of %s is held by ingress %s, named %r)' % (
        err_operation, port, slb_id, holder.get('Id'), row_name(holder))


def slb_type_of(rows: Optional[List[ApiIngress]], slb_id: Optional[str]) -> Optional[str]:
    """The address type (internet or intranet) of ``slb_id`` as another row of the same load balancer shows it."""
    for row in rows or []:
        if slb_id and row.get('SlbId') == slb_id:
            return normalize_live(row).get('slb_type')
    return None


def twins(rows: List[ApiIngress], name: Optional[str], ingress_id: int) -> List[str]:
    """The ids of the other ingresses named ``name`` (a same-named ingress created at the same moment)."""
    if name is None:
        return []
    return sorted(str(row.get('Id')) for row in rows if row_name(row) == name and str(row.get('Id')) != str(ingress_id))


def twins_warning(ingress_id, name: str, found: List[str]) -> str:
    return ('Ingress %s was created, and %s named %r too: another run created it at the same time (without slb_id SAE '
            'provisions a load balancer for each create, so neither was refused). Keep one: remove the other with '
            'state=absent and its ingress_id, and its load balancer with it.'
            % (ingress_id, 'ingress %s is' % found[0] if len(found) == 1 else 'ingresses %s are' % ', '.join(found), name))


def routed(row: ApiIngress, key: str = 'AppId') -> set:
    """The application ids (``key`` AppId) or names (AppName) an ingress, a row or a DescribeIngress answer, routes to
    through its default rule and its rules."""
    rules = [row.get('DefaultRule') or {}] + list(row.get('Rules') or [])
    return set(rule.get(key) for rule in rules if isinstance(rule, dict) and rule.get(key))
