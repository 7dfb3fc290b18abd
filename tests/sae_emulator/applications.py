"""ListApplications: the applications of the inventory, as ``ListApplicationsResponseBodyData`` of the SDK.

Read-only (applications are not managed through the ingress API). Filters, paging and the rows follow
FIDELITY.md ("ListApplications"); what no public source settles follows the ``app_name_match`` and
``canary_rows`` variants.
"""

from . import errors

APPLICATIONS_PAGE_SIZE_DEFAULT = 10
# The SDK's ListApplicationsRequest: "The number of entries per page in a paging query. Valid values: [0,10000]."
APPLICATIONS_PAGE_SIZE_MAX = 10000
FIELD_TYPES = ('appName', 'appIds', 'slbIps', 'instanceIps')


def _page_param(params, name, default, high):
    value = params.get(name)
    if value is None or value == '':
        return default
    if not value.strip().isdigit():
        raise errors.obviously(name)
    number = int(value)
    if number > high:
        raise errors.obviously(name)
    return number or default


def _common(app, namespace_name, region):
    """The fields a base application and a canary child share."""
    return {
        'AppDeletingStatus': False,
        'AppDescription': '',
        'AppId': app['id'],
        'AppName': app['name'],
        'AppType': 'Image',
        'Cpu': 500,
        'EnableIdle': 'false',
        'Instances': app['instances'],
        'IsStateful': False,
        'Mem': 1024,
        'MseEnabled': False,
        'NamespaceId': app['namespace'],
        'NamespaceName': namespace_name,
        'NewSaeVersion': 'std',
        'ProgrammingLanguage': 'java',
        'RegionId': region,
        'ResourceType': 'default',
        'RunningInstances': app['running_instances'],
        'Tags': [],
    }


def render_child(app, region):
    """A row of ``Children`` (ListApplicationsResponseBodyDataApplicationsChildren)."""
    row = _common(app, app['namespace'].partition(':')[2] or 'default', region)
    row.update({'BaseAppId': app['base_app_id'], 'ScaleRuleEnabled': False, 'ScaleRuleType': ''})
    return row


def render_application(app, apps, region):
    """A row of ``Applications`` (ListApplicationsResponseBodyDataApplications). ``BaseAppId`` only on a canary
    (the SDK: "exists only for canary release applications")."""
    row = _common(app, app['namespace'].partition(':')[2] or 'default', region)
    row.update({
        'Children': [render_child(child, region) for child in apps if child['base_app_id'] == app['id']],
        'DiskSize': 20,
        'ImageUrl': 'registry.%s.aliyuncs.com/demo/%s:1.0' % (region, app['name']),
        'Labels': {},
        'MseNamespaceId': '',
        'PackageUrl': '',
        'RaspEnabled': False,
        'VpcId': 'vpc-2zedemo0000000000001',
    })
    if app['base_app_id']:
        row['BaseAppId'] = app['base_app_id']
    return row


def _name_matches(name, wanted, variant):
    return name == wanted if variant == 'exact' else wanted in name


def list_applications(inventory, variants, params, namespace_check):
    """ListApplications ``Data`` for the request parameters (strings), or ApiError."""
    namespace = params.get('NamespaceId') or None
    if namespace is not None:
        namespace_check(namespace)
    page = _page_param(params, 'CurrentPage', 1, 2 ** 31 - 1)
    size = _page_param(params, 'PageSize', APPLICATIONS_PAGE_SIZE_DEFAULT, APPLICATIONS_PAGE_SIZE_MAX)
    field_type = params.get('FieldType') or None
    if field_type is not None and field_type not in FIELD_TYPES:
        raise errors.obviously('FieldType')
    apps = list(inventory.apps.values())
    matches = [app for app in apps if namespace is None or app['namespace'] == namespace]
    if variants['canary_rows'] == 'children_only':
        matches = [app for app in matches if not app['base_app_id']]
    match = variants['app_name_match']
    if params.get('AppName'):
        matches = [app for app in matches if _name_matches(app['name'], params['AppName'], match)]
    value = params.get('FieldValue') or ''
    if field_type == 'appName' and value:
        matches = [app for app in matches if _name_matches(app['name'], value, match)]
    elif field_type == 'appIds' and value:
        ids = set(item.strip() for item in value.split(','))
        matches = [app for app in matches if app['id'] in ids]
    elif field_type in ('slbIps', 'instanceIps') and value:
        matches = []  # the emulated applications have no addresses
    rows = [render_application(app, apps, inventory.region) for app in matches[(page - 1) * size:page * size]]
    return {'Applications': rows, 'CurrentPage': page, 'PageSize': size, 'TotalSize': len(matches)}
