"""Switches for the behaviours no public source settles (see FIDELITY.md, "Variants").

``VARIANTS`` maps each switch to its allowed values, the first being the default. An emulator's
variants come from its ``variants=`` argument (a dict of some switches; the rest take their
defaults), or, when that argument is None, from the environment variable ``SAE_EMULATOR_VARIANTS``
(``name=value,name=value``), so a whole test suite can be rerun under another variant.
"""

import os

ENV_VAR = 'SAE_EMULATOR_VARIANTS'

VARIANTS = {
    # An unknown IngressId on Describe/Update/Delete: 400 InvalidParameter.WithMessage; HTTP 404 with
    # Code InvalidIngress.NotFound; or 400 with Code "400" and InvalidParameter.WithMessage in ErrorCode.
    'not_found': ('with_message', '404', 'code_in_error_code'),
    # DeleteIngress of an unknown id: the not_found answer above, or a plain success.
    'delete_unknown': ('not_found', 'success'),
    # UpdateIngress carrying the ingress's own ListenerPort: accepted, or 400 SlbListenerPort.NotAvailable.
    'update_port_resend': ('accepted', 'refused'),
    # ListIngresses: the largest PageSize, and what a larger one gets.
    'page_size_max': (100, 50),
    'page_size_over_max': ('refused', 'capped'),
    # ListIngresses paging: CurrentPage, PageSize and TotalSize as asked; ignored (the whole list on every page,
    # Data holding IngressList only); capped (at most LIST_CAP rows a page whatever PageSize asks, CurrentPage
    # followed, no TotalSize or PageSize); clamped (as asked, no TotalSize, a page past the end repeats the last).
    'list_paging': ('honoured', 'ignored', 'capped', 'clamped'),
    # ListIngresses AppId filter: rules and default rule, or rules only.
    'app_filter': ('rules_and_default', 'rules'),
    # ruleActions inside the Rules JSON of Create/Update: ignored like any unknown key, or stored.
    'rule_actions_in_request': ('ignored', 'honoured'),
    # Where an SAE (business) error puts its code: Code and ErrorCode both hold it, or Code holds the
    # HTTP status as a string and only ErrorCode holds the code.
    'business_error_code': ('in_code', 'in_error_code_only'),
    # A rule's domain (case-insensitive, per SAE's console guide): stored as sent, or lower-case.
    'domain_case': ('kept', 'lowered'),
    # Fields that reached DescribeIngress late (SDK change logs): reported, or left out of DescribeIngress
    # (EnableGzip, the EnableXForwardedFor* flags, IdleTimeout) and of the ListIngresses rows (IdleTimeout).
    'late_fields': ('reported', 'omitted'),
    # Rules=[] on CreateIngress and UpdateIngress: accepted (an ingress with no rules), or refused with
    # 400 InvalidParameter.NotEmpty (every public client sends at least one rule).
    'empty_rules': ('accepted', 'refused'),
    # ListApplications AppName (and FieldType appName): the exact name, or every name that contains it.
    'app_name_match': ('exact', 'substring'),
    # Canary applications (BaseAppId set): rows of their own as well as Children of their base
    # application, or only Children.
    'canary_rows': ('listed', 'children_only'),
    # An ALB canary rule (AlbRules of Create/UpdateGreyTagRoute) is tied to its ingress by ingressId alone, or needs
    # the path of one of that ingress's rules too (refused with InvalidParameter.WithMessage without it).
    'grey_alb_tie': ('ingress_id', 'path'),
    # An unknown GreyTagRouteId on Describe/Update/DeleteGreyTagRoute: 400 InvalidParameter.WithMessage (as the
    # Terraform provider reads DescribeGreyTagRoute), or HTTP 404 with Code InvalidGreyTagRoute.NotFound.
    'grey_not_found': ('with_message', '404'),
    # The account-wide flow control (flow_control.py, off until a test sets it): a sliding window, a window that starts
    # again at each multiple of its length, or a token bucket refilled at the same average rate.
    'flow_window': ('sliding', 'fixed', 'bucket'),
    # Whether a call the account-wide limit refuses uses the quota too.
    'refused_calls_count': ('no', 'yes'),
}

DEFAULT_VARIANTS = {name: values[0] for name, values in VARIANTS.items()}


def _coerce(name, value):
    if name not in VARIANTS:
        raise ValueError('unknown emulator variant %r; known: %s' % (name, ', '.join(sorted(VARIANTS))))
    for allowed in VARIANTS[name]:
        if value == allowed or (not isinstance(value, bool) and str(value) == str(allowed)):
            return allowed
    raise ValueError('variant %s cannot be %r; choose one of %s'
                     % (name, value, ', '.join(str(allowed) for allowed in VARIANTS[name])))


def parse_variants(text):
    """``'not_found=404,page_size_max=50'`` (or an iterable of ``name=value``) -> a dict."""
    items = text.split(',') if isinstance(text, str) else list(text)
    result = {}
    for item in items:
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition('=')
        if not sep:
            raise ValueError('an emulator variant is written name=value, not %r' % item)
        result[name.strip()] = value.strip()
    return result


def resolve_variants(variants=None, environ=None):
    """Every switch with its value: ``variants`` over the defaults, or the environment's when None."""
    if variants is None:
        variants = parse_variants((os.environ if environ is None else environ).get(ENV_VAR, ''))
    resolved = dict(DEFAULT_VARIANTS)
    for name, value in variants.items():
        resolved[name] = _coerce(name, value)
    return resolved
