# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The shape of an SAE application in the module's vocabulary (a ListApplications row, PascalCase, as a
snake_case dict) and the resolution of application names to ids. Pure functions of plain dicts."""

from __future__ import annotations

from ansible_collections.alibabacloud.sae.plugins.module_utils._errors import InputError

# (result key, API field) of a ListApplications row, in the order the result shows them.
FIELDS = (
    ('app_id', 'AppId'),
    ('app_name', 'AppName'),
    ('app_description', 'AppDescription'),
    ('namespace_id', 'NamespaceId'),
    ('namespace_name', 'NamespaceName'),
    ('region_id', 'RegionId'),
    ('base_app_id', 'BaseAppId'),
    ('instances', 'Instances'),
    ('running_instances', 'RunningInstances'),
    ('app_type', 'AppType'),
    ('programming_language', 'ProgrammingLanguage'),
    ('cpu', 'Cpu'),
    ('mem', 'Mem'),
    ('image_url', 'ImageUrl'),
    ('package_url', 'PackageUrl'),
    ('vpc_id', 'VpcId'),
    ('app_deleting_status', 'AppDeletingStatus'),
)
INT_FIELDS = ('instances', 'running_instances', 'cpu', 'mem')
CHILD_FIELDS = ('app_id', 'app_name', 'base_app_id', 'instances', 'running_instances')
# How many names of the namespace a "no such name" message lists at most.
MAX_CANDIDATES = 10


def _value(key, value):
    if value == '':
        return None
    if key in INT_FIELDS and value is not None and not isinstance(value, bool):
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    return value


def normalize_application(row):
    """A ListApplications row (``Applications[]`` or ``Children[]``) in snake_case: every key of FIELDS (None when
    the row lacks it), ``children`` (the canaries, each with CHILD_FIELDS) and ``tags`` (``key``, ``value``)."""
    app = dict((key, _value(key, row.get(api))) for key, api in FIELDS)
    app['children'] = [dict((key, child[key]) for key in CHILD_FIELDS)
                       for child in (normalize_application(item) for item in row.get('Children') or [] if isinstance(item, dict))]
    app['tags'] = [{'key': tag.get('Key'), 'value': tag.get('Value')}
                   for tag in row.get('Tags') or [] if isinstance(tag, dict)]
    return app


def is_canary(row):
    """A canary release application (``BaseAppId`` set): never what a name means."""
    return bool(row.get('BaseAppId'))


def named(rows, name):
    """The rows (not canaries) whose AppName is exactly ``name``: the service's AppName filter may match more."""
    return [row for row in rows if row.get('AppName') == name and not is_canary(row)]


class AppNameError(InputError):
    """An application name that names no application, or several; the message names the rule and the fix."""


def _candidates(rows, name):
    """The applications a mistyped ``name`` may have meant (case or part of the name), else the first of the namespace."""
    apps = [row for row in rows if not is_canary(row) and row.get('AppName')]
    lower = name.lower()
    close = [row for row in apps if lower in row['AppName'].lower() or row['AppName'].lower() in lower]
    return (close or apps)[:MAX_CANDIDATES]


def _listing(rows):
    return ', '.join('%s (%s)' % (row.get('AppName'), row.get('AppId')) for row in rows) or 'none'


def resolve_names(rows, wanted, namespace_id):
    """``{name: app_id}`` for every name of ``wanted`` (``[(label, name)]``, label such as ``rules[1]``, or '' for a
    top-level app_name) among the ListApplications ``rows`` of ``namespace_id``. Raises AppNameError naming every name
    that matches no application or several."""
    resolved, problems = {}, []
    for label, name in wanted:
        label = label + '.app_name' if label else 'app_name'
        matches = named(rows, name)
        if len(matches) == 1:
            resolved[name] = matches[0].get('AppId')
        elif not matches:
            problems.append('%s %r: no application of %s has that name (canary applications do not count). '
                            'Candidates: %s.'
                            % (label, name, namespace_id, _listing(_candidates(rows, name))))
        else:
            problems.append('%s %r: %d applications of %s have that name (ids: %s). Set app_id to choose one.'
                            % (label, name, len(matches), namespace_id, ', '.join(str(row.get('AppId')) for row in matches)))
    if problems:
        raise AppNameError(' '.join(problems) + ' Nothing was changed. Hint: list the applications with '
                           'alibabacloud.sae.sae_application_info, then correct app_name or give app_id.')
    return resolved


def names_by_id(rows):
    """``{app_id: app_name}`` of the rows and their children."""
    names = {}
    for row in rows:
        for item in [row] + [child for child in row.get('Children') or [] if isinstance(child, dict)]:
            if item.get('AppId') and item.get('AppName'):
                names[item['AppId']] = item['AppName']
    return names
