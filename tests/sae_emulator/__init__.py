"""A faithful local stand-in for the Alibaba Cloud SAE Ingress API (version 2019-05-06).

Usage::

    from sae_emulator import Emulator
    with Emulator() as emu:          # http://127.0.0.1:<free port>
        emu.url, emu.log, emu.ingresses, emu.faults.arm('throttle', operation='DescribeIngress')
    with Emulator(variants={'not_found': '404'}) as emu:   # or SAE_EMULATOR_VARIANTS=not_found=404
        emu.variants
    with Emulator(account_limit=SAE_ACCOUNT_LIMIT, read_delay=0.5) as emu:   # 60 calls a minute; slow reads
        emu.flow_control.set_account(60, 60.0); emu.read_delay = 0.2

The package exports the emulator, its demo credentials, the variants API and the inventory's ids; error
codes are in ``sae_emulator.errors``, routes in ``sae_emulator.server``, the whole inventory in
``sae_emulator.inventory``. ``VARIANTS`` lists the switches for behaviours no public source settles;
FIDELITY.md is the ledger of every behaviour and its evidence.

Run ``python -m sae_emulator --help`` (with ``tests/`` on sys.path) for the command line.
ListApplications answers from the inventory (applications.py); the canary routes (GreyTagRoute) are grey_routes.py.
Standard library only, plus ``cryptography`` for the HTTPS mode.
"""

from .inventory import (
    ALB_CERT_ID, ALB_CERT_ID_2, ALB_CERT_ID_3, ALB_IDS, ALB_INTERNET_ID, ALB_INTRANET_ID, APP_ADMIN_ID, APP_ADMIN_NAME,
    APP_API_ID, APP_API_NAME, APP_STAGING_ID, APP_STAGING_NAME, APP_WEB_CANARY_ID, APP_WEB_GREEN_ID, APP_WEB_GREEN_NAME,
    APP_WEB_ID, APP_WEB_NAME, CLB_CERT_ID, CLB_CERT_ID_2, CLB_INTERNET_ID, CLB_INTRANET_ID, CLB_SPARE_ID, NAMESPACE_ID,
    OTHER_NAMESPACE_ID, REGION,
)
from .flow_control import SAE_ACCOUNT_LIMIT
from .server import (
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, READ_OPERATIONS, STS_ACCESS_KEY_ID, STS_ACCESS_KEY_SECRET,
    STS_SECURITY_TOKEN, Emulator,
)
from .variants import DEFAULT_VARIANTS, ENV_VAR as VARIANTS_ENV_VAR, VARIANTS, parse_variants, resolve_variants

__all__ = [
    'ALB_CERT_ID', 'ALB_CERT_ID_2', 'ALB_CERT_ID_3', 'ALB_IDS', 'ALB_INTERNET_ID', 'ALB_INTRANET_ID', 'APP_ADMIN_ID',
    'APP_ADMIN_NAME', 'APP_API_ID', 'APP_API_NAME', 'APP_STAGING_ID', 'APP_STAGING_NAME', 'APP_WEB_CANARY_ID',
    'APP_WEB_GREEN_ID', 'APP_WEB_GREEN_NAME', 'APP_WEB_ID', 'APP_WEB_NAME', 'CLB_CERT_ID', 'CLB_CERT_ID_2',
    'CLB_INTERNET_ID', 'CLB_INTRANET_ID', 'CLB_SPARE_ID', 'NAMESPACE_ID', 'OTHER_NAMESPACE_ID', 'REGION',
    'DEFAULT_ACCESS_KEY_ID', 'DEFAULT_ACCESS_KEY_SECRET', 'STS_ACCESS_KEY_ID', 'STS_ACCESS_KEY_SECRET', 'STS_SECURITY_TOKEN',
    'Emulator', 'READ_OPERATIONS', 'SAE_ACCOUNT_LIMIT', 'DEFAULT_VARIANTS', 'VARIANTS', 'VARIANTS_ENV_VAR', 'parse_variants', 'resolve_variants',
]
