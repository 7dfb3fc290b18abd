"""The emulator's own ACS3-HMAC-SHA256 verifier: the published test vector, requests signed by the
SDK's signing function, and one tampered element at a time."""

import hashlib
import uuid
from urllib.parse import quote_plus, urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sae_emulator as se
from sae_emulator import signature
from sae_emulator.errors import (
    ACCESS_KEY_NOT_FOUND, BODY_HASH_MISMATCH_CODE, INCOMPLETE_SIGNATURE, INVALID_ACTION, INVALID_VERSION,
    NONCE_USED, SIGNATURE_MISMATCH, TIMESTAMP_EXPIRED, TIMESTAMP_FORMAT, TOKEN_MALFORMED, TOKEN_MISMATCH,
)
from sae_emulator.server import DEFAULT_CREDENTIALS, INGRESS_LIST_PATH, INGRESS_PATH

VECTOR_QUERY = {
    'Description': 'my ingress 测试 *~', 'EnableGzip': 'True', 'ListenerPort': '443', 'ListenerProtocol': 'HTTPS',
    'NamespaceId': 'cn-beijing:demo', 'SlbId': 'lb-abc123',
}
VECTOR_BODY = (b'Rules=%5B%7B%22appId%22%3A%22app-1%22%2C%22containerPort%22%3A8080%2C%22domain%22%3A%22www.example.com'
               b'%22%2C%22path%22%3A%22%2F%22%7D%5D')
VECTOR_HEADERS = {
    'host': ['sae.cn-beijing.aliyuncs.com'], 'x-acs-action': ['CreateIngress'], 'x-acs-version': ['2019-05-06'],
    'x-acs-date': ['2024-01-02T03:04:05Z'], 'x-acs-signature-nonce': ['0123456789abcdef0123456789abcdef'],
    'user-agent': ['AlibabaCloud (Linux; x86_64) Python/3.11.0 Core/0.4.3 TeaDSL/2'], 'accept': ['application/json'],
    'content-type': ['application/x-www-form-urlencoded'], 'x-acs-credentials-provider': ['static_ak'],
    'x-acs-content-sha256': ['5be9f6dc9006fd6b761348b7943a12655a6c68ac6757ea20c94cd8d264f3ef26'],
}
VECTOR_SIGNED = ('accept;content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;'
                 'x-acs-signature-nonce;x-acs-version')


def test_published_vector():
    assert hashlib.sha256(VECTOR_BODY).hexdigest() == VECTOR_HEADERS['x-acs-content-sha256'][0]
    wire_query = urlencode(VECTOR_QUERY, quote_via=quote_plus)  # '+' for spaces, as the SDK sends it
    assert signature.canonical_query(wire_query) == (
        'Description=my%20ingress%20%E6%B5%8B%E8%AF%95%20%2A~&EnableGzip=True&ListenerPort=443&ListenerProtocol=HTTPS'
        '&NamespaceId=cn-beijing%3Ademo&SlbId=lb-abc123')
    canonical = signature.canonical_request('POST', INGRESS_PATH, wire_query, VECTOR_HEADERS, VECTOR_SIGNED,
                                            VECTOR_HEADERS['x-acs-content-sha256'][0])
    assert hashlib.sha256(canonical.encode()).hexdigest() == '7e42e7b577480d0e0faa12744fdb0d37ae7663bd22657f40ef4fa6b191b4bbf8'
    assert signature.compute_signature('testsecret', signature.string_to_sign(canonical)) == (
        '4041967c74267a167889768ac44ef2beacf1234c2935cb7dc6f97061dca8cf79')


def test_percent_encoding():
    assert signature.percent_encode('a b*~+/:é') == 'a%20b%2A~%2B%2F%3A%C3%A9'
    assert signature.canonical_query('b=2&a=x+y&c=%2B') == 'a=x%20y&b=2&c=%2B'
    assert signature.canonical_query('') == ''


def test_signed_raw_request_accepted(raw, emu):
    response = raw.list()
    assert response.status_code == 200, response.text
    entry = emu.log[-1]
    assert (entry['operation'], entry['status'], entry['code'], entry['access_key_id']) == (
        'ListIngresses', 200, None, se.DEFAULT_ACCESS_KEY_ID)
    assert entry['nonce'] and entry['params'] == {'NamespaceId': se.NAMESPACE_ID}


def _create_request(raw, kit, **kwargs):
    fields = se.service.to_wire_params(kit.clb_fields(Description='tamper me'))
    rules = fields.pop('Rules')
    return raw.prepare('CreateIngress', fields, {'Rules': rules}, **kwargs)


def test_tampered_query_character(raw, kit, emu):
    request = _create_request(raw, kit)
    request.raw_query = request.raw_query.replace('tamper+me', 'tamper+mE')
    body = kit.assert_error(raw.send(request), 403, SIGNATURE_MISMATCH)
    assert 'string to sign' in body['Message']
    assert emu.ingresses == {}


def test_tampered_signed_header(raw, kit):
    request = _create_request(raw, kit)
    request.headers['user-agent'] += ' evil'
    kit.assert_error(raw.send(request), 403, SIGNATURE_MISMATCH)


def test_tampered_body_byte(raw, kit, emu):
    request = _create_request(raw, kit)
    request.body = request.body.replace(b'8080', b'8081')
    body = kit.assert_error(raw.send(request), 403, BODY_HASH_MISMATCH_CODE)
    assert 'x-acs-content-sha256' in body['Message']
    # Even with a matching body hash the signature no longer matches.
    request = _create_request(raw, kit)
    request.body = request.body.replace(b'8080', b'8081')
    request.headers['x-acs-content-sha256'] = hashlib.sha256(request.body).hexdigest()
    kit.assert_error(raw.send(request), 403, SIGNATURE_MISMATCH)
    assert emu.ingresses == {}
    assert [(e['operation'], e['code'], e['applied']) for e in emu.calls('CreateIngress')] == [
        ('CreateIngress', BODY_HASH_MISMATCH_CODE, False), ('CreateIngress', SIGNATURE_MISMATCH, False)]


def test_expired_and_malformed_dates(raw, kit, emu):
    now = emu.clock()
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date=kit.utc_date(-16 * 60, now)), 400, TIMESTAMP_EXPIRED)
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date=kit.utc_date(16 * 60, now)), 400, TIMESTAMP_EXPIRED)
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date=kit.utc_date(-14 * 60, now)).status_code == 200
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date='2024-01-02 03:04:05'), 400, TIMESTAMP_FORMAT)


def test_injected_clock(make_emulator, kit):
    emu = make_emulator(clock=lambda: 1704164645.0)  # 2024-01-02T03:04:05Z
    raw = kit.RawClient(emu)
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date='2024-01-02T03:04:05Z').status_code == 200
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date='2024-01-02T03:18:00Z').status_code == 200
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, date='2024-01-02T03:20:06Z'), 400, TIMESTAMP_EXPIRED)
    ingress_id = emu.seed_ingress(**kit.clb_fields())
    assert emu.ingresses[ingress_id]['CreateTime'] == 1704164645000


def test_reused_nonce(raw, kit, emu):
    request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID})
    assert raw.send(request).status_code == 200
    kit.assert_error(raw.send(request), 400, NONCE_USED)
    # A fresh signature with the same nonce is refused too; a new nonce is fine.
    nonce = request.headers['x-acs-signature-nonce']
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, nonce=nonce), 400, NONCE_USED)
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, nonce=uuid.uuid4().hex).status_code == 200
    assert [entry['code'] for entry in emu.log] == [None, NONCE_USED, NONCE_USED, None]


def test_nonce_forgotten_after_31_minutes(make_emulator, kit):
    now = [1704164645.0]
    emu = make_emulator(clock=lambda: now[0])
    raw = kit.RawClient(emu)
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, nonce='n-1').status_code == 200
    now[0] += 30 * 60
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, nonce='n-1'), 400, NONCE_USED)
    now[0] += 2 * 60
    assert raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, nonce='n-1').status_code == 200


def test_unsigned_acs_header(raw, kit):
    request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID})
    request.headers['x-acs-extra'] = 'sneaky'
    body = kit.assert_error(raw.send(request), 400, INCOMPLETE_SIGNATURE)
    assert 'x-acs-extra' in body['Message']


@pytest.mark.parametrize('left_out', ['content-type', 'host', 'x-acs-date', 'x-acs-signature-nonce'])
def test_required_header_not_signed(raw, kit, left_out):
    names = set(_create_request(raw, kit, sign=False).headers) - {left_out}
    request = _create_request(raw, kit, signed_names=names)
    body = kit.assert_error(raw.send(request), 400, INCOMPLETE_SIGNATURE)
    assert left_out in body['Message']


@pytest.mark.parametrize('missing', list(signature.REQUIRED_HEADERS))
def test_required_header_missing(raw, kit, missing):
    request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID})
    del request.headers[missing]
    body = kit.assert_error(raw.send(request), 400, INCOMPLETE_SIGNATURE)
    assert missing in body['Message']


@pytest.mark.parametrize('authorization', [
    None,
    'garbage',
    'ACS3-HMAC-SHA256 Credential=x,Signature=%s' % ('0' * 64),
    'ACS3-HMAC-SM3 Credential=%s,SignedHeaders=host,Signature=%s' % (se.DEFAULT_ACCESS_KEY_ID, '0' * 64),
    'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=host,Signature=abc' % se.DEFAULT_ACCESS_KEY_ID,
])
def test_malformed_authorization(raw, kit, authorization):
    request = raw.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID})
    if authorization is None:
        del request.headers['Authorization']
    else:
        request.headers['Authorization'] = authorization
    kit.assert_error(raw.send(request), 400, INCOMPLETE_SIGNATURE)


def test_wrong_secret_and_unknown_key(emu, kit):
    kit.assert_error(kit.RawClient(emu, secret='not-the-secret').list(), 403, SIGNATURE_MISMATCH)
    kit.assert_error(kit.RawClient(emu, key_id='LTAInobody').list(), 404, ACCESS_KEY_NOT_FOUND)
    assert [entry['access_key_id'] for entry in emu.log] == [se.DEFAULT_ACCESS_KEY_ID, 'LTAInobody']


def test_sts_tokens_bound_to_their_key(make_emulator, kit):
    emu = make_emulator(credentials=dict(DEFAULT_CREDENTIALS, **{'STS.other': {'secret': 'other-secret', 'security_token': 'other-token'}}))
    ok = kit.RawClient(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET, se.STS_SECURITY_TOKEN)
    assert ok.list().status_code == 200
    wrong_token = kit.RawClient(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET, 'other-token')
    kit.assert_error(wrong_token.list(), 400, TOKEN_MISMATCH)
    no_token = kit.RawClient(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET)
    kit.assert_error(no_token.list(), 400, TOKEN_MISMATCH)
    token_on_permanent_key = kit.RawClient(emu, token=se.STS_SECURITY_TOKEN)
    kit.assert_error(token_on_permanent_key.list(), 400, TOKEN_MISMATCH)
    forged = kit.RawClient(emu, se.STS_ACCESS_KEY_ID, se.STS_ACCESS_KEY_SECRET, 'forged-token')
    kit.assert_error(forged.list(), 400, TOKEN_MALFORMED)
    request = ok.prepare('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, headers={'x-acs-accesskey-id': 'STS.other'})
    kit.assert_error(ok.send(request), 400, TOKEN_MISMATCH)


def test_version_action_and_path(raw, kit, emu):
    kit.assert_error(raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID}, headers={'x-acs-version': '2017-08-01'}), 400, INVALID_VERSION)
    kit.assert_error(raw.call('DescribeIngress', {'NamespaceId': se.NAMESPACE_ID}, method='GET', path=INGRESS_LIST_PATH), 404, INVALID_ACTION)
    kit.assert_error(raw.call('DescribeApplication', {'AppId': se.APP_WEB_ID}, path=INGRESS_PATH), 404, INVALID_ACTION)
    kit.assert_error(raw.call('ListIngresses', {}, method='POST', path=INGRESS_LIST_PATH), 404, INVALID_ACTION)
    kit.assert_error(raw.call('ListIngresses', {}, path='/pop/v1/sam/ingress/Nope'), 404, INVALID_ACTION)
    response = requests.get(emu.url + '/', timeout=5)
    kit.assert_error(response, 404, INVALID_ACTION)
    assert [entry['operation'] for entry in emu.log] == ['ListIngresses', None, None, None, None, None]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(min_size=0, max_size=40))
def test_any_query_value_round_trips(raw, emu, value):
    response = raw.call('ListIngresses', {'NamespaceId': se.NAMESPACE_ID, 'AppId': value.replace('\x00', '')})
    assert response.status_code == 200, response.text
    assert emu.log[-1]['params']['AppId'] == value.replace('\x00', '')


def test_sdk_signed_unicode_and_specials(sdk, emu):
    from alibabacloud_sae20190506 import models  # pylint: disable=import-outside-toplevel
    body = sdk.list_ingresses(models.ListIngressesRequest(namespace_id=se.NAMESPACE_ID, app_id="a b+c*d~e/f?g=h&i%j'k\"l 测试 ✓")).body
    assert body.success
    assert emu.log[-1]['params']['AppId'] == "a b+c*d~e/f?g=h&i%j'k\"l 测试 ✓"
