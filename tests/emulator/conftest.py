"""Fixtures for the emulator's own tests: an emulator per test, the official SDK pointed at it, and a
raw client that signs with the SDK's own signing function (so a request can be tampered with after
signing)."""

import datetime
import hashlib
import json
import types
import uuid
from urllib.parse import quote_plus, urlencode

import pytest
import requests
from alibabacloud_sae20190506.client import Client
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_openapi.utils import Utils

import sae_emulator as se
from sae_emulator.server import API_VERSION, INGRESS_PATH, ROUTES

ALGORITHM = 'ACS3-HMAC-SHA256'
FORM = 'application/x-www-form-urlencoded'
OPERATION_ROUTES = {action: (method, path) for (method, path), action in ROUTES.items()}


def sdk_client(emu, key_id=se.DEFAULT_ACCESS_KEY_ID, secret=se.DEFAULT_ACCESS_KEY_SECRET, token=None):
    config = Config(access_key_id=key_id, access_key_secret=secret, security_token=token, endpoint=emu.endpoint,
                    protocol='https' if emu.tls else 'http', ca=emu.ca_path if emu.tls else None,
                    read_timeout=5000, connect_timeout=2000)
    return Client(config)


def utc_date(offset_seconds=0, now=None):
    when = datetime.datetime.fromtimestamp((now if now is not None else datetime.datetime.now().timestamp()) + offset_seconds,
                                           tz=datetime.timezone.utc)
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


class SignedRequest:
    """Everything that goes on the wire; mutate any part after signing to tamper with it."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.raw_query = urlencode(query, quote_via=quote_plus) if query else ''


class RawClient:
    """Builds requests like the SDK does and signs them with the SDK's Utils.get_authorization."""

    def __init__(self, emu, key_id=se.DEFAULT_ACCESS_KEY_ID, secret=se.DEFAULT_ACCESS_KEY_SECRET, token=None):
        self.emu = emu
        self.key_id = key_id
        self.secret = secret
        self.token = token

    def prepare(self, action, query=None, form=None, method=None, path=None, date=None, nonce=None, headers=None,
                body=None, content_type=FORM, sign=True, signed_names=None):
        route_method, route_path = OPERATION_ROUTES.get(action, ('GET', INGRESS_PATH))
        method = method or route_method
        path = path or route_path
        query = {key: str(value) for key, value in (query or {}).items()}
        if body is None and form:
            body = urlencode({key: value if isinstance(value, str) else json.dumps(value) for key, value in form.items()},
                             quote_via=quote_plus).encode('utf-8')
        body = body or b''
        all_headers = {
            'host': self.emu.endpoint,
            'x-acs-version': API_VERSION,
            'x-acs-action': action,
            'user-agent': 'AlibabaCloud (Linux; x86_64) Python/3.11 Core/0.4.3 TeaDSL/2',
            'x-acs-date': date or utc_date(now=self.emu.clock()),
            'x-acs-signature-nonce': nonce or uuid.uuid4().hex,
            'accept': 'application/json',
            'x-acs-content-sha256': hashlib.sha256(body).hexdigest(),
        }
        if body and content_type:
            all_headers['content-type'] = content_type
        if self.token:
            all_headers['x-acs-accesskey-id'] = self.key_id
            all_headers['x-acs-security-token'] = self.token
        all_headers.update(headers or {})
        if sign:
            to_sign = all_headers if signed_names is None else {k: v for k, v in all_headers.items() if k in signed_names}
            fake = types.SimpleNamespace(pathname=path, method=method, query=query, headers=to_sign)
            all_headers['Authorization'] = Utils.get_authorization(fake, ALGORITHM, all_headers['x-acs-content-sha256'], self.key_id, self.secret)
        return SignedRequest(method, path, query, all_headers, body)

    def send(self, request, session=None, **kwargs):
        url = self.emu.url + request.path + ('?' + request.raw_query if request.raw_query else '')
        sender = session or requests
        kwargs.setdefault('timeout', 5)
        if self.emu.tls:
            kwargs.setdefault('verify', self.emu.ca_path)
        return sender.request(request.method, url, headers=request.headers, data=request.body, **kwargs)

    def call(self, action, query=None, form=None, **kwargs):
        send_kwargs = {key: kwargs.pop(key) for key in ('session', 'timeout') if key in kwargs}
        return self.send(self.prepare(action, query, form, **kwargs), **send_kwargs)

    # The five operations with plain dict arguments (Python values become the SDK's strings).
    def create(self, fields):
        fields = se.service.to_wire_params(fields)
        rules = fields.pop('Rules', None)
        return self.call('CreateIngress', fields, {'Rules': rules} if rules is not None else None)

    def update(self, ingress_id, fields):
        fields = se.service.to_wire_params(fields)
        rules = fields.pop('Rules', None)
        fields['IngressId'] = str(ingress_id)
        return self.call('UpdateIngress', fields, {'Rules': rules} if rules is not None else None)

    def describe(self, ingress_id):
        return self.call('DescribeIngress', {'IngressId': ingress_id})

    def delete(self, ingress_id):
        return self.call('DeleteIngress', {'IngressId': ingress_id})

    def list(self, namespace_id=se.NAMESPACE_ID, **query):
        query['NamespaceId'] = namespace_id
        return self.call('ListIngresses', query)


def clb_fields(**overrides):
    fields = {
        'NamespaceId': se.NAMESPACE_ID,
        'SlbId': se.CLB_INTERNET_ID,
        'ListenerPort': 80,
        'Description': 'web',
        'DefaultRule': {'appId': se.APP_WEB_ID, 'containerPort': 8080},
        'Rules': [{'appId': se.APP_API_ID, 'containerPort': 8080, 'domain': 'api.example.com', 'path': '/v1'}],
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def alb_fields(**overrides):
    fields = {
        'NamespaceId': se.NAMESPACE_ID,
        'SlbId': se.ALB_INTERNET_ID,
        'LoadBalanceType': 'alb',
        'ListenerPort': 443,
        'ListenerProtocol': 'HTTPS',
        'CertIds': se.ALB_CERT_ID,
        'Description': 'alb-web',
        'DefaultRule': {'appId': se.APP_WEB_ID, 'containerPort': 8080},
        'Rules': [{'appId': se.APP_API_ID, 'containerPort': 8443, 'domain': 'api.example.com', 'path': '/v1',
                   'backendProtocol': 'https', 'rewritePath': '/'}],
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def assert_error(response, status, code):
    body = response.json()
    assert (response.status_code, body.get('Code')) == (status, code), body
    assert body['RequestId'] and body['Message']
    return body


@pytest.fixture
def emu():
    # The emulator's own tests pin the default variants (SAE_EMULATOR_VARIANTS is for client suites).
    with se.Emulator(variants={}) as emulator:
        yield emulator


@pytest.fixture
def make_emulator():
    started = []

    def make(**kwargs):
        kwargs.setdefault('variants', {})
        emulator = se.Emulator(**kwargs).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture
def sdk(emu):
    return sdk_client(emu)


@pytest.fixture
def raw(emu):
    return RawClient(emu)


@pytest.fixture
def make_raw():
    return RawClient


@pytest.fixture
def kit():
    """The helpers above, for test modules (which cannot import this conftest by name)."""
    return types.SimpleNamespace(
        RawClient=RawClient, sdk_client=sdk_client, clb_fields=clb_fields, alb_fields=alb_fields,
        assert_error=assert_error, utc_date=utc_date, FORM=FORM,
    )
