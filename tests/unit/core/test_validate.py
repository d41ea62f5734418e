"""Validation: every accepted form and every rejection, table-driven with sentence ids."""

from __future__ import annotations

import warnings

import pytest

from sso_kit.errors import ValidationError
from sso_kit.validate import (
    sso_regions,
    validate_account_id,
    validate_endpoint_url,
    validate_name,
    validate_role_name,
    validate_scopes,
    validate_sso_region,
    validate_start_url,
)

GOOD_URLS = [
    pytest.param(
        "https://d-1234567890.awsapps.com/start",
        "https://d-1234567890.awsapps.com/start",
        id="classic awsapps.com start URL is kept as typed",
    ),
    pytest.param(
        "https://my-sso-portal.awsapps.com/start",
        "https://my-sso-portal.awsapps.com/start",
        id="vanity alias on awsapps.com is accepted",
    ),
    pytest.param(
        "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
        "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
        id="new app.aws portal host is accepted",
    ),
    pytest.param(
        "https://identitycenter.amazonaws.com/ssoins-1234567890abcdef",
        "https://identitycenter.amazonaws.com/ssoins-1234567890abcdef",
        id="identitycenter.amazonaws.com with an instance id is accepted",
    ),
    pytest.param(
        "https://identitycenter.us-gov.amazonaws.com/ssoins-1234567890abcdef",
        "https://identitycenter.us-gov.amazonaws.com/ssoins-1234567890abcdef",
        id="GovCloud identitycenter form is accepted",
    ),
    pytest.param(
        "https://d-1234567890.awsapps.cn/start",
        "https://d-1234567890.awsapps.cn/start",
        id="China awsapps.cn form is accepted",
    ),
    pytest.param(
        "  https://d-1234567890.awsapps.com/start  ",
        "https://d-1234567890.awsapps.com/start",
        id="surrounding spaces from a paste are stripped silently",
    ),
]

FIXED_URLS = [
    pytest.param("https://d-1234567890.awsapps.com/start#/", id="pasted trailing #/ is removed"),
    pytest.param("https://d-1234567890.awsapps.com/start/#/", id="pasted /#/ is removed"),
    pytest.param("https://d-1234567890.awsapps.com/start/", id="trailing slash is removed"),
]

BAD_URLS = [
    pytest.param("http://d-1234567890.awsapps.com/start", "https", id="http is refused"),
    pytest.param("", "empty", id="empty URL is refused"),
    pytest.param("https://example.com/start", "not an AWS", id="non-AWS host is refused"),
    pytest.param("https://awsapps.com/start", "not an AWS", id="bare awsapps.com is refused"),
    pytest.param(
        "https://d-1234567890.awsapps.com/login", "/start", id="awsapps path other than /start"
    ),
    pytest.param(
        "https://identitycenter.amazonaws.com/", "ssoins", id="identitycenter needs an instance"
    ),
    pytest.param(
        "https://d-1234567890.awsapps.com:8443/start", "port", id="explicit port is refused"
    ),
    pytest.param("https://d-1234567890.awsapps.com/start?x=1", "'?'", id="query string is refused"),
    pytest.param(
        "https://d-1234567890.awsapps.com/start\n[profile x]",
        "line breaks",
        id="newline injection is refused",
    ),
    pytest.param("d-1234567890.awsapps.com/start", "https", id="missing scheme is refused"),
]


@pytest.mark.parametrize(("url", "expected"), GOOD_URLS)
def test_start_url_accepted(url: str, expected: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate_start_url(url) == expected


@pytest.mark.parametrize("url", FIXED_URLS)
def test_start_url_fixed_with_warning(url: str) -> None:
    with pytest.warns(UserWarning, match="cleaned up"):
        assert validate_start_url(url) == "https://d-1234567890.awsapps.com/start"


@pytest.mark.parametrize(("url", "fragment"), BAD_URLS)
def test_start_url_rejected_with_example(url: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_start_url(url)
    assert info.value.field == "start_url"
    assert fragment in str(info.value)
    assert "https://" in str(info.value), "the message must show what a valid value looks like"


def test_sso_regions_come_from_botocore_partitions() -> None:
    regions = sso_regions()
    assert {"us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1"} <= set(regions)
    assert regions == sorted(regions)


@pytest.mark.parametrize(
    "region",
    [
        pytest.param("us-east-1", id="commercial region"),
        pytest.param("us-gov-west-1", id="GovCloud region"),
        pytest.param("cn-northwest-1", id="China region"),
        pytest.param(" EU-WEST-1 ", id="case and spaces are normalised"),
    ],
)
def test_sso_region_accepted(region: str) -> None:
    assert validate_sso_region(region) == region.strip().lower()


@pytest.mark.parametrize(
    ("name", "what"),
    [
        pytest.param("my sso", "a space", id="space in a name"),
        pytest.param("a\tb", "a tab", id="tab in a name"),
        pytest.param("a\nb", "a line break", id="newline in a name"),
        pytest.param("a]b", "']'", id="closing bracket in a name"),
        pytest.param("[a", "'['", id="opening bracket in a name"),
        pytest.param("a=b", "'='", id="equals sign in a name"),
        pytest.param("a#b", "'#'", id="comment hash in a name"),
        pytest.param("a;b", "';'", id="semicolon in a name"),
        pytest.param("", "empty", id="empty name"),
        pytest.param(" a", "space", id="leading space in a name"),
    ],
)
@pytest.mark.parametrize("kind", ["profile", "sso-session"])
def test_name_rejected(name: str, what: str, kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_name(name, kind=kind)
    assert what in str(info.value)
    assert "for example" in str(info.value)


@pytest.mark.parametrize("name", ["dev", "my-sso", "PowerUser-111122223333", "a.b_c@d+e"])
def test_name_accepted(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("111122223333", "111122223333", id="12 digits as text"),
        pytest.param(444455556666, "444455556666", id="12 digits as int"),
        pytest.param(" 012345678901 ", "012345678901", id="leading zero kept as text"),
    ],
)
def test_account_id_accepted(value: str | int, expected: str) -> None:
    assert validate_account_id(value) == expected


@pytest.mark.parametrize("name", ["PowerUserAccess", "S3ReadOnly", "a+b=c,d.e@f_g-h"])
def test_role_name_accepted(name: str) -> None:
    assert validate_role_name(name) == name


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        pytest.param(None, ["sso:account:access"], id="none means the default scope"),
        pytest.param("sso:account:access, sso:foo", ["sso:account:access", "sso:foo"], id="csv"),
        pytest.param(
            ["openid", " sso:account:access "], ["openid", "sso:account:access"], id="list"
        ),
        pytest.param("a,,b,", ["a", "b"], id="empty pieces dropped like botocore"),
    ],
)
def test_scopes_accepted(scopes: object, expected: list[str]) -> None:
    assert validate_scopes(scopes) == expected  # type: ignore[arg-type]


def test_endpoint_url_accepted() -> None:
    assert validate_endpoint_url("http://127.0.0.1:4566/") == "http://127.0.0.1:4566"


# What each validator refuses, and the example its message gives: {case: refused value}.
REFUSALS = {
    (validate_sso_region, "us-east-1"): {
        "region that does not exist": "us-east-9",
        "region without dashes": "useast1",
        "empty region": "",
    },
    (validate_account_id, "12 digits"): {
        "11 digits": "11112222333",
        "13 digits": "1111222233334",
        "dashes": "1111-2222-3333",
        "int that lost its zero": 12345678901,
        "boolean": True,
    },
    (validate_role_name, "PowerUserAccess"): {
        "empty role": "",
        "space in role": "Power User",
        "role longer than 64": "x" * 65,
        "slash in role": "role/path",
    },
    (validate_scopes, "sso:account:access"): {
        "empty scopes": "",
        "space in scope": "sso:account access",
    },
    (validate_endpoint_url, "127.0.0.1"): {
        "not http": "ftp://127.0.0.1:1",
        "path": "http://127.0.0.1:1/path",
        "bad port": "http://127.0.0.1:99999",
    },
}
REJECTED = [
    pytest.param(validator, value, example, id=case)
    for (validator, example), cases in REFUSALS.items()
    for case, value in cases.items()
]


@pytest.mark.parametrize(("validator", "value", "example"), REJECTED)
def test_rejected_with_the_field_and_an_example(validator, value: object, example: str) -> None:
    with pytest.raises(ValidationError) as info:
        validator(value)
    assert info.value.field == validator.__name__.removeprefix("validate_")
    assert example in str(info.value)
