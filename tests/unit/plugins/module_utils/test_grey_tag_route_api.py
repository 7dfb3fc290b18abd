# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary route operations of SaeApi: paths, parameters, and what "not found" means for each."""

from __future__ import annotations

import pytest

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

    def actions(self):
        return [operation.action for operation, _params in self.calls]


def ok(data):
    return {'RequestId': 'r', 'Code': '200', 'Message': 'success', 'Success': True, 'Data': data}


def error(code, status=400):
    return SaeApiError(code, 'the message', request_id='r', status=status, operation='X')


@pytest.mark.parametrize('method, args, action, http_method, sent', [
    ('create_grey_tag_route', ({'AppId': 'a', 'Name': 'n', 'AlbRules': []},), 'CreateGreyTagRoute', 'POST',
     {'AppId': 'a', 'Name': 'n', 'AlbRules': []}),
    ('update_grey_tag_route', (7, {'Description': 'd'}), 'UpdateGreyTagRoute', 'PUT',
     {'Description': 'd', 'GreyTagRouteId': 7}),
    ('delete_grey_tag_route', (7,), 'DeleteGreyTagRoute', 'DELETE', {'GreyTagRouteId': 7}),
])
def test_writes(method, args, action, http_method, sent):
    http = FakeHttp(ok({'GreyTagRouteId': 7}))
    result = getattr(SaeApi(http), method)(*args)
    assert result == (True if method == 'delete_grey_tag_route' else 7)
    operation, params = http.calls[0]
    assert (operation.action, operation.method, operation.path, operation.body_fields) == (
        action, http_method, '/pop/v1/sam/tagroute/greyTagRoute', ())
    assert params == sent


def test_a_create_without_an_id_is_an_error_and_an_empty_answer_an_unknown_outcome():
    with pytest.raises(SaeApiError) as info:
        SaeApi(FakeHttp(ok({}))).create_grey_tag_route({})
    assert info.value.code == 'InvalidResponse'
    with pytest.raises(SaeUnknownOutcomeError):
        SaeApi(FakeHttp(error('InvalidResponse.Api', 404))).create_grey_tag_route({})


def test_describe_and_list():
    http = FakeHttp(ok({'GreyTagRouteId': 7, 'Name': 'n'}), ok({'TotalSize': 1, 'Result': [{'GreyTagRouteId': 7}]}),
                    ok({'Result': None}))
    api = SaeApi(http)
    assert api.describe_grey_tag_route(7)['Name'] == 'n'
    assert api.list_grey_tag_routes('app') == [{'GreyTagRouteId': 7}] and api.list_grey_tag_routes('app') == []
    assert http.calls[1][0].path == '/pop/v1/sam/tagroute/greyTagRouteList' and http.calls[1][1] == {'AppId': 'app'}


@pytest.mark.parametrize('data, code', [
    ({'TotalSize': 2, 'Result': [{'GreyTagRouteId': 7}]}, 'IncompleteListing'),
    ({'Result': [{'Name': 'no id'}]}, 'InvalidResponse'),
    ({'Result': {'GreyTagRouteId': 7}}, 'InvalidResponse'),
])
def test_a_listing_that_does_not_add_up_fails(data, code):
    with pytest.raises(SaeApiError) as info:
        SaeApi(FakeHttp(ok(data))).list_grey_tag_routes('app')
    assert info.value.code == code


@pytest.mark.parametrize('code, status', [('InvalidGreyTagRoute.NotFound', 404), ('GreyTagRoute.NotFound', 400)])
def test_an_unambiguous_not_found_is_none(code, status):
    http = FakeHttp(error(code, status))
    assert SaeApi(http).describe_grey_tag_route(7) is None and http.actions() == ['DescribeGreyTagRoute']


def test_with_message_is_confirmed_by_listing_the_application():
    gone = FakeHttp(error('InvalidParameter.WithMessage'), ok({'TotalSize': 1, 'Result': [{'GreyTagRouteId': 8}]}))
    assert SaeApi(gone).describe_grey_tag_route(7, 'app') is None
    assert gone.actions() == ['DescribeGreyTagRoute', 'ListGreyTagRoute']
    there = FakeHttp(error('InvalidParameter.WithMessage'), ok({'TotalSize': 1, 'Result': [{'GreyTagRouteId': '7'}]}))
    with pytest.raises(SaeApiError):
        SaeApi(there).describe_grey_tag_route(7, 'app')
    alone = FakeHttp(error('InvalidParameter.WithMessage'))
    with pytest.raises(SaeApiError):
        SaeApi(alone).describe_grey_tag_route(7)
    assert alone.actions() == ['DescribeGreyTagRoute']


@pytest.mark.parametrize('code', ['InvalidParameter.NotEmpty', 'InvalidResponse.Api', 'InvalidAppId.NotFound'])
def test_other_errors_are_raised(code):
    with pytest.raises(SaeApiError):
        SaeApi(FakeHttp(error(code))).describe_grey_tag_route(7, 'app')


def test_a_delete_of_a_route_already_gone():
    http = FakeHttp(error('InvalidParameter.WithMessage'), error('InvalidParameter.WithMessage'), ok({'Result': []}))
    assert SaeApi(http).delete_grey_tag_route(7, 'app') is False
    assert http.actions() == ['DeleteGreyTagRoute', 'DescribeGreyTagRoute', 'ListGreyTagRoute']
    still = FakeHttp(error('InvalidParameter.WithMessage'), ok({'GreyTagRouteId': 7}))
    with pytest.raises(SaeApiError):
        SaeApi(still).delete_grey_tag_route(7, 'app')
