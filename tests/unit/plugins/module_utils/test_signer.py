# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.alibabacloud.sae.plugins.module_utils import _signer

sdk_utils = pytest.importorskip('alibabacloud_tea_openapi.utils')

# A fixed test vector: a CreateIngress request of the shape ACS3-HMAC-SHA256 signs (Alibaba Cloud's public signature
# documentation, "Request syntax and signature method V3"), its expected signature computed with the official SDK.
VECTOR_BODY = (b'Rules=%5B%7B%22appId%22%3A%22app-1%22%2C%22containerPort%22%3A8080%2C%22domain%22%3A%22'
               b'www.example.com%22%2C%22path%22%3A%22%2F%22%7D%5D')
VECTOR_QUERY = {
    'Description': 'my ingress 测试 *~',
    'EnableGzip': 'True',
    'ListenerPort': '443',
    'ListenerProtocol': 'HTTPS',
    'NamespaceId': 'cn-beijing:demo',
    'SlbId': 'lb-abc123',
}
VECTOR_HEADERS = {
    'host': 'sae.cn-beijing.aliyuncs.com',
    'x-acs-version': '2019-05-06',
    'x-acs-action': 'CreateIngress',
    'user-agent': 'AlibabaCloud (Linux; x86_64) Python/3.11.0 Core/0.4.3 TeaDSL/2',
    'x-acs-date': '2024-01-02T03:04:05Z',
    'x-acs-signature-nonce': '0123456789abcdef0123456789abcdef',
    'accept': 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-content-sha256': '5be9f6dc9006fd6b761348b7943a12655a6c68ac6757ea20c94cd8d264f3ef26',
    'x-acs-credentials-provider': 'static_ak',
}
VECTOR_PATH = '/pop/v1/sam/ingress/Ingress'


def test_vector_content_sha256():
    assert _signer.content_sha256(VECTOR_BODY) == '5be9f6dc9006fd6b761348b7943a12655a6c68ac6757ea20c94cd8d264f3ef26'


def test_vector_canonical_query():
    assert _signer.canonical_query(VECTOR_QUERY) == (
        'Description=my%20ingress%20%E6%B5%8B%E8%AF%95%20%2A~&EnableGzip=True&ListenerPort=443'
        '&ListenerProtocol=HTTPS&NamespaceId=cn-beijing%3Ademo&SlbId=lb-abc123')


def test_vector_authorization():
    """The published vector's signature; the steps (signed header list, canonical request, string to sign)
    are checked through it."""
    expected = '4041967c74267a167889768ac44ef2beacf1234c2935cb7dc6f97061dca8cf79'
    args = ('POST', VECTOR_PATH, VECTOR_QUERY, VECTOR_HEADERS, VECTOR_BODY)
    assert _signer.authorization(*args, access_key_id='testid', access_key_secret='testsecret') == (
        'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;content-type;host;user-agent;x-acs-action;'
        'x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,'
        'Signature=' + expected)


@pytest.mark.parametrize('value, encoded', [
    ('', ''),
    ('a b', 'a%20b'),
    ('*', '%2A'),
    ('~', '~'),
    ('-_.', '-_.'),
    ('/', '%2F'),
    ('+=&%', '%2B%3D%26%25'),
    ('é', '%C3%A9'),
    (True, 'True'),
    (443, '443'),
])
def test_query_values_are_percent_encoded(value, encoded):
    assert _signer.canonical_query({'Key': value}) == 'Key=' + encoded


def test_canonical_query_edge_cases():
    assert _signer.canonical_query({}) == ''
    assert _signer.canonical_query(None) == ''
    assert _signer.canonical_query({'B': '', 'A': None, 'C': 'x'}) == 'B=&C=x'


def test_authorization_header_itself_is_not_signed_and_names_are_case_insensitive():
    headers = {'Host': 'h', 'X-Acs-Date': ' d ', 'Authorization': 'old'}
    signed = _signer.authorization('GET', '/', {}, headers, b'', 'id', 'secret')
    assert 'SignedHeaders=host;x-acs-date,' in signed
    assert signed == _signer.authorization('GET', '/', {}, {'host': 'h', 'x-acs-date': 'd'}, b'', 'id', 'secret')


def test_empty_body_hash():
    empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    assert _signer.content_sha256(b'') == empty
    assert _signer.content_sha256(None) == empty


# -- agreement with the official SDK on generated requests -----------------------------------

_TEXT = st.text(alphabet=st.one_of(st.characters(codec='utf-8'), st.sampled_from('*~/ +=&%?#:;,')), max_size=20)
_KEYS = st.text(alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', min_size=1, max_size=12)
_HEADER_VALUE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=30)


@st.composite
def _requests(draw):
    body = draw(st.one_of(st.just(b''), st.binary(max_size=64)))
    headers = {
        'host': draw(st.sampled_from(['sae.cn-beijing.aliyuncs.com', '127.0.0.1:8080', 'sae-vpc.eu-central-1.aliyuncs.com'])),
        'x-acs-action': draw(st.sampled_from(['CreateIngress', 'UpdateIngress', 'DescribeIngress', 'ListIngresses'])),
        'x-acs-version': '2019-05-06',
        'x-acs-date': draw(st.sampled_from(['2024-01-02T03:04:05Z', '2030-12-31T23:59:59Z'])),
        'x-acs-signature-nonce': draw(st.text(alphabet='0123456789abcdef', min_size=32, max_size=32)),
        'x-acs-content-sha256': hashlib.sha256(body).hexdigest(),
        'accept': 'application/json',
        'user-agent': draw(_HEADER_VALUE),
    }
    if body:
        headers['content-type'] = 'application/x-www-form-urlencoded'
    if draw(st.booleans()):
        headers['x-acs-accesskey-id'] = 'LTAI-sts'
        headers['x-acs-security-token'] = draw(_HEADER_VALUE)
    return {
        'method': draw(st.sampled_from(['GET', 'POST', 'PUT', 'DELETE'])),
        'path': draw(st.sampled_from(['/pop/v1/sam/ingress/Ingress', '/pop/v1/sam/ingress/IngressList', '/'])),
        'query': draw(st.dictionaries(_KEYS, _TEXT, max_size=6)),
        'headers': headers,
        'body': body,
        'ak': draw(st.text(alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', min_size=1, max_size=24)),
        'secret': draw(st.text(min_size=1, max_size=30, alphabet=st.characters(codec='utf-8'))),
    }


@settings(max_examples=500, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(_requests())
def test_agrees_with_official_sdk(req):
    sdk_request = types.SimpleNamespace(pathname=req['path'], method=req['method'], query=req['query'], headers=req['headers'])
    expected = sdk_utils.Utils.get_authorization(
        sdk_request, 'ACS3-HMAC-SHA256', hashlib.sha256(req['body']).hexdigest(), req['ak'], req['secret'])
    actual = _signer.authorization(req['method'], req['path'], req['query'], req['headers'], req['body'], req['ak'], req['secret'])
    assert actual == expected
