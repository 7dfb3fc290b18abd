# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _sae_api
from ansible_collections.alibabacloud.sae.plugins.module_utils._http import SaeApiError
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApi


class FakeHttp:
    """Records (operation, params) and answers from a list of bodies or exceptions."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def call(self, operation, params):
        self.calls.append((operation, dict(params)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(data):
    return {'RequestId': 'r', 'Code': '200', 'Message': 'success', 'Success': True, 'Data': data}


def test_create_ingress():
    http = FakeHttp(ok({'IngressId': 42}))
    assert SaeApi(http).create_ingress({'NamespaceId': 'cn-beijing:x', 'Rules': []}) == 42
    operation, params = http.calls[0]
    assert operation == ('CreateIngress', 'POST', '/pop/v1/sam/ingress/Ingress', ('Rules',))
    assert params == {'NamespaceId': 'cn-beijing:x', 'Rules': []}


def test_create_ingress_without_id_is_an_error():
    with pytest.raises(SaeApiError) as info:
        SaeApi(FakeHttp(ok({}))).create_ingress({})
    assert info.value.code == 'InvalidResponse'


def test_update_ingress_sends_the_id_and_does_not_mutate_params():
    http = FakeHttp(ok({'IngressId': '9'}), ok(None))
    params = {'ListenerPort': 80, 'Rules': []}
    api = SaeApi(http)
    assert api.update_ingress(9, params) == 9
    assert api.update_ingress(9, params) == 9
    assert params == {'ListenerPort': 80, 'Rules': []}
    operation, sent = http.calls[0]
    assert operation.method == 'PUT' and operation.body_fields == ('Rules',)
    assert sent == {'ListenerPort': 80, 'Rules': [], 'IngressId': 9}


@pytest.mark.parametrize('code', ['Ingress.NotFound', 'InvalidIngress.NotFound', 'Ingress.Not.Exist', 'InvalidParameter.WithMessage'])
def test_describe_and_delete_not_found(code):
    gone = SaeApiError(code, 'gone', status=400)
    http = FakeHttp(gone, gone, gone)
    api = SaeApi(http)
    assert api.describe_ingress(5) is None
    assert api.delete_ingress(5) is False
    # a delete that reads as "not found" counts as gone once a describe confirms it
    assert [(op.action, op.method, params) for op, params in http.calls] == [
        ('DescribeIngress', 'GET', {'IngressId': 5}), ('DeleteIngress', 'DELETE', {'IngressId': 5}),
        ('DescribeIngress', 'GET', {'IngressId': 5})]


def test_delete_refused_with_message_while_the_ingress_exists_fails_with_the_code():
    refused = SaeApiError('InvalidParameter.WithMessage', 'the ingress is in use', status=400)
    api = SaeApi(FakeHttp(refused, ok({'Id': 5})))
    with pytest.raises(SaeApiError) as info:
        api.delete_ingress(5)
    assert info.value is refused


@pytest.mark.parametrize('code, status, gone', [
    ('InvalidIngress.NotFound', 404, True),
    ('InvalidParameter.WithMessage', 400, True),
    ('InvalidAccessKeyId.NotFound', 404, False),
    ('InvalidAction.NotFound', 404, False),
    ('HTTP404', 404, False),
    ('InvalidParameter.Obviously', 400, False),
])
def test_not_found_forms_of_describe(code, status, gone):
    assert _sae_api.is_not_found(SaeApiError(code, 'x', status=status)) is gone


def test_describe_and_delete_success_and_other_errors():
    http = FakeHttp(ok({'Id': 5, 'Name': 'n'}), ok(None), SaeApiError('Throttling', 'slow down'))
    api = SaeApi(http)
    assert api.describe_ingress(5) == {'Id': 5, 'Name': 'n'}
    assert api.delete_ingress(5) is True
    with pytest.raises(SaeApiError):
        api.describe_ingress(5)


def test_list_ingresses_reads_every_page():
    rows = [{'Id': i} for i in range(230)]
    size = _sae_api.LIST_PAGE_SIZE
    assert size <= 50  # within every plausible service maximum
    count = -(-230 // size)
    pages = [ok({'CurrentPage': p + 1, 'PageSize': size, 'TotalSize': 230, 'IngressList': rows[p * size:(p + 1) * size]})
             for p in range(count)]
    http = FakeHttp(*pages)
    assert SaeApi(http).list_ingresses('cn-beijing:x', app_id='app-1') == rows
    assert [params for _op, params in http.calls] == [
        {'NamespaceId': 'cn-beijing:x', 'AppId': 'app-1', 'CurrentPage': page, 'PageSize': size}
        for page in range(1, count + 1)]
    assert all(op.action == 'ListIngresses' and op.path == '/pop/v1/sam/ingress/IngressList' for op, _params in http.calls)


def test_list_ingresses_stops_on_an_empty_page_and_on_empty_results():
    http = FakeHttp(ok({'TotalSize': 500, 'IngressList': [{'Id': 1}]}), ok({'TotalSize': 500, 'IngressList': []}))
    assert SaeApi(http).list_ingresses('cn-beijing') == [{'Id': 1}]
    assert SaeApi(FakeHttp(ok({'TotalSize': 0, 'IngressList': None}))).list_ingresses('cn-beijing') == []
    assert SaeApi(FakeHttp(ok(None))).list_ingresses('cn-beijing') == []
