# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sae.plugins.module_utils import _sae_api
from ansible_collections.alibabacloud.sae.plugins.module_utils._sae_api import SaeApi, SaeApiError, SaeUnknownOutcomeError


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
    assert operation[:4] == ('CreateIngress', 'POST', '/pop/v1/sam/ingress/Ingress', ('Rules',))
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


@pytest.mark.parametrize('code, status', [
    ('InvalidParameter.WithMessage', 400),
    ('InvalidIngress.NotFound', 404),
    ('Ingress.NotFound', 400),
    ('Ingress.Not.Exist', 400),
])
def test_describe_and_delete_not_found(code, status):
    gone = SaeApiError(code, 'gone', status=status)
    http = FakeHttp(gone, gone, gone)
    api = SaeApi(http)
    assert api.describe_ingress(5) is None
    assert api.delete_ingress(5) is False
    # a delete that reads as "not found" counts as gone once a describe confirms it
    assert [(op.action, op.method, params) for op, params in http.calls] == [
        ('DescribeIngress', 'GET', {'IngressId': 5}), ('DeleteIngress', 'DELETE', {'IngressId': 5}),
        ('DescribeIngress', 'GET', {'IngressId': 5})]


# SAE's common error list: 404s and 400s that are not about the ingress.
NOT_ABOUT_THE_INGRESS = [
    ('InvalidResponse.Api', 404), ('InvalidAppId.NotFound', 404), ('InvalidNamespaceId.NotFound', 404),
    ('InvalidVpcId.NotFound', 404), ('InvalidApplication.NotFound', 400),
]


@pytest.mark.parametrize('code, status', NOT_ABOUT_THE_INGRESS)
def test_other_not_found_codes_are_failures_of_describe_and_delete(code, status):
    failure = SaeApiError(code, 'x', status=status)
    api = SaeApi(FakeHttp(failure, failure, failure))
    for call in (api.describe_ingress, api.delete_ingress):
        with pytest.raises(SaeApiError) as info:
            call(5)
        assert info.value is failure


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
    ('Some.Other.NotFound', 404, False),
] + [(code, status, False) for code, status in NOT_ABOUT_THE_INGRESS])
def test_not_found_forms_of_describe(code, status, gone):
    assert _sae_api.is_not_found(SaeApiError(code, 'x', status=status), _sae_api.DESCRIBE_INGRESS) is gone


@pytest.mark.parametrize('operation', ['CreateIngress', 'UpdateIngress', 'ListIngresses', 'ListApplications'])
def test_not_found_is_the_operations_own(operation):
    # InvalidParameter.WithMessage means "bad input" to the operations that take more than the id.
    operations = (_sae_api.CREATE_INGRESS, _sae_api.UPDATE_INGRESS, _sae_api.LIST_INGRESSES, _sae_api.LIST_APPLICATIONS)
    op = dict((each.action, each) for each in operations)[operation]
    assert not _sae_api.is_not_found(SaeApiError('InvalidParameter.WithMessage', 'x', status=400), op)


def test_describe_and_delete_success_and_other_errors():
    http = FakeHttp(ok({'Id': 5, 'Name': 'n'}), ok(None), SaeApiError('Throttling', 'slow down'))
    api = SaeApi(http)
    assert api.describe_ingress(5) == {'Id': 5, 'Name': 'n'}
    assert api.delete_ingress(5) is True
    with pytest.raises(SaeApiError):
        api.describe_ingress(5)


def _page(rows, page, size, total=True):
    data = {'IngressList': rows[(page - 1) * size:page * size]}
    if total:
        data.update(CurrentPage=page, PageSize=size, TotalSize=len(rows))
    return ok(data)


def test_list_ingresses_reads_every_page():
    rows = [{'Id': i} for i in range(230)]
    size = _sae_api.LIST_PAGE_SIZE
    assert size <= 50  # within every plausible service maximum
    count = -(-230 // size)
    http = FakeHttp(*[_page(rows, p, size) for p in range(1, count + 1)])
    assert SaeApi(http).list_ingresses('cn-beijing:x') == rows
    assert [params for _op, params in http.calls] == [
        {'NamespaceId': 'cn-beijing:x', 'CurrentPage': page, 'PageSize': size} for page in range(1, count + 1)]
    assert all(op.action == 'ListIngresses' and op.path == '/pop/v1/sam/ingress/IngressList' for op, _params in http.calls)


def test_list_ingresses_ends_on_empty_results():
    assert SaeApi(FakeHttp(ok({'TotalSize': 0, 'IngressList': None}))).list_ingresses('cn-beijing') == []
    assert SaeApi(FakeHttp(ok(None), ok(None))).list_ingresses('cn-beijing') == []


def test_list_ingresses_without_total_reads_past_a_short_first_page():
    # A short page need not be the last: the service may cap pages below the size asked.
    rows = [{'Id': i} for i in range(25)]
    http = FakeHttp(*[_page(rows, p, 10, total=False) for p in range(1, 4)])
    assert SaeApi(http).list_ingresses('cn-beijing') == rows
    assert len(http.calls) == 3  # 10, 10, then 5: shorter than an earlier page, so the last


def test_list_ingresses_of_a_service_that_ignores_paging_while_an_ingress_is_created():
    # No paging, no TotalSize: each answer is the whole list, and an ingress created between the two calls shows
    # only in the second, which holds every row of the first: that one is the list.
    before = [{'Id': i, 'Name': 'v1'} for i in range(40)]
    after = [{'Id': i, 'Name': 'v2'} for i in range(41)]
    http = FakeHttp(ok({'IngressList': before}), ok({'IngressList': after}))
    assert SaeApi(http).list_ingresses('cn-beijing') == after
    assert [params['CurrentPage'] for _op, params in http.calls] == [1, 2]


@pytest.mark.parametrize('answers, why', [
    # TotalSize says more than the pages hold
    ([ok({'TotalSize': 500, 'IngressList': [{'Id': 1}]}), ok({'TotalSize': 500, 'IngressList': []})] * 2,
     'page 2 added no ingress while TotalSize is 500 and 1 were read'),
    # every page is the first one, cut at the size asked
    ([ok({'IngressList': [{'Id': i} for i in range(size)]}) for size in (50, 50, 49, 49)],
     'page 2 repeated ingresses already read, without a TotalSize'),
])
def test_list_ingresses_that_cannot_prove_the_end_fails(answers, why):
    http = FakeHttp(*answers)
    with pytest.raises(SaeApiError) as info:
        SaeApi(http).list_ingresses('cn-beijing:x')
    assert info.value.code == 'IncompleteListing' and info.value.operation == 'ListIngresses'
    assert why in info.value.message and 'nothing was changed' in info.value.message
    assert [params['PageSize'] for _op, params in http.calls] == [50, 50, 49, 49]


def test_list_ingresses_rows_without_an_id_are_an_invalid_response():
    with pytest.raises(SaeApiError) as info:
        SaeApi(FakeHttp(ok({'TotalSize': 1, 'IngressList': [{'Name': 'x'}]}))).list_ingresses('cn-beijing')
    assert info.value.code == 'InvalidResponse'


def test_create_answered_with_an_empty_response_has_an_unknown_outcome():
    http = FakeHttp(SaeApiError('InvalidResponse.Api', 'the response of API is empty', status=404,
                                operation='CreateIngress'))
    with pytest.raises(SaeUnknownOutcomeError) as info:
        SaeApi(http).create_ingress({})
    assert info.value.code == 'InvalidResponse.Api' and 'outcome of this CreateIngress is unknown' in info.value.message
