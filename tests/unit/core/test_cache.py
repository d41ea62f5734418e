"""Caches: golden names and documents as the AWS CLI writes them, modes, interop."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sso_kit import cache
from sso_kit.errors import CacheError

LEGACY_URL = "https://d-1234567890.awsapps.com/start"


@pytest.mark.parametrize(
    ("name", "file_name"),
    [
        pytest.param("my-sso", "0ad374308c5a4e22f723adf10145eafad7c4031c.json", id="session"),
        pytest.param(LEGACY_URL, "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json", id="legacy"),
        pytest.param("admin", "d033e22ae348aeb5660fc2140aec35850c4da997.json", id="admin"),
    ],
)
def test_token_cache_file_names(isolated_aws_home: Path, name: str, file_name: str) -> None:
    path = cache.token_cache_path(name)
    assert path == isolated_aws_home / ".aws" / "sso" / "cache" / file_name


@pytest.mark.parametrize(
    ("scopes", "session", "key"),
    [
        pytest.param(None, None, "365414a68be7c9bfc776c660981dbdbd942acea4", id="legacy"),
        pytest.param(
            ["sso:account:access"],
            "my-sso",
            "a8343d65418848d0bc13a5f25cbb32508ceec5d1",
            id="session with scopes",
        ),
        pytest.param(
            None, "my-sso", "8b2cedd020fb181ad4cf906d1d27b232fd31557e", id="session no scopes"
        ),
    ],
)
def test_registration_cache_keys(scopes: list[str] | None, session: str | None, key: str) -> None:
    assert cache.registration_cache_key(LEGACY_URL, "us-east-1", scopes, session) == key


def test_role_credential_cache_keys() -> None:
    assert (
        cache.role_credentials_cache_key("111111111111", "ReadOnly", session_name="my-sso")
        == "7656329665c70f26bb8dc6f65f498aa9de8da4e0"
    )
    assert (
        cache.role_credentials_cache_key("111111111111", "ReadOnly", start_url=LEGACY_URL)
        == "368a7faaec992723098121f34c0be544b4d88baf"
    )


def write_golden_token(name: str = "my-sso") -> Path:
    return cache.save_token(
        name,
        start_url=LEGACY_URL,
        region="us-east-1",
        access_token="at-64cd851a",
        expires_at=datetime(2026, 11, 27, 16, 55, 5, 999, tzinfo=timezone.utc),
        client_id="cid-0df9dd",
        client_secret="csecret",
        registration_expires_at="2027-02-25T08:55:04Z",
        refresh_token="rt-f3676ebb",
    )


def test_full_token_document_is_byte_identical_to_the_cli() -> None:
    path = write_golden_token()
    assert path.read_bytes() == (
        b'{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", '
        b'"accessToken": "at-64cd851a", "expiresAt": "2026-11-27T16:55:05Z", '
        b'"clientId": "cid-0df9dd", "clientSecret": "csecret", '
        b'"registrationExpiresAt": "2027-02-25T08:55:04Z", "refreshToken": "rt-f3676ebb"}'
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_token_without_refresh_token_omits_the_field() -> None:
    path = cache.save_token(
        "x",
        start_url=LEGACY_URL,
        region="us-east-1",
        access_token="a",
        expires_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        client_id="c",
        client_secret="s",
        registration_expires_at="2027-01-01T00:00:00Z",
    )
    assert "refreshToken" not in json.loads(path.read_text())


def test_loaded_token_hides_secrets_in_repr() -> None:
    write_golden_token()
    token = cache.load_token("my-sso")
    assert token is not None
    assert token.expires_at == datetime(2026, 11, 27, 16, 55, 5, tzinfo=timezone.utc)
    text = repr(token) + str(token)
    for secret in ("at-64cd851a", "csecret", "rt-f3676ebb"):
        assert secret not in text


def test_reads_a_token_written_by_botocore(isolated_aws_home: Path) -> None:
    """botocore's refresh writes expiresAt via its own serializer; we must read it back."""
    from botocore.tokens import _sso_json_dumps
    from botocore.utils import JSONFileCache, SSOTokenLoader

    directory = cache.sso_cache_dir()
    loader = SSOTokenLoader(JSONFileCache(str(directory), dumps_func=_sso_json_dumps))
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    loader.save_token(
        LEGACY_URL,
        {
            "startUrl": LEGACY_URL,
            "region": "us-east-1",
            "accessToken": "at",
            "expiresAt": expires,
            "clientId": "c",
            "clientSecret": "s",
            "registrationExpiresAt": "2019-10-26T05:19:09UTC",
            "refreshToken": "r",
        },
        session_name="my-sso",
    )
    token = cache.load_token("my-sso")
    assert token is not None
    assert abs((token.expires_at - expires).total_seconds()) < 1
    assert token.registration_expires_at == datetime(2019, 10, 26, 5, 19, 9, tzinfo=timezone.utc)
    assert not token.refreshable(), "an expired registration cannot refresh"


def test_botocore_reads_our_token() -> None:
    from botocore.utils import JSONFileCache, SSOTokenLoader

    write_golden_token()
    loaded = SSOTokenLoader(JSONFileCache(str(cache.sso_cache_dir())))(
        LEGACY_URL, session_name="my-sso"
    )
    assert loaded["accessToken"] == "at-64cd851a"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(b"{not json", "corrupt", id="truncated JSON"),
        pytest.param(b"[1, 2]", "corrupt", id="JSON that is not an object"),
        pytest.param(b'{"startUrl": "x"}', "no accessToken", id="missing accessToken"),
        pytest.param(
            b'{"accessToken": "a", "expiresAt": "someday"}', "timestamp", id="bad timestamp"
        ),
    ],
)
def test_corrupt_token_gives_recovery_advice(content: bytes, fragment: str) -> None:
    path = cache.token_cache_path("my-sso")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(CacheError, match=fragment) as info:
        cache.load_token("my-sso")
    assert "log in again" in str(info.value).lower()
    assert path.read_bytes() == content, "a broken file is reported, not deleted"


def test_unreadable_token_gives_recovery_advice() -> None:
    path = cache.token_cache_path("my-sso")
    path.mkdir(parents=True)  # readable by nobody as a file, even by root
    with pytest.raises(CacheError, match="is a directory") as info:
        cache.load_token("my-sso")
    assert "Move it out of" in str(info.value)


def test_role_credentials_document(isolated_aws_home: Path) -> None:
    key = cache.role_credentials_cache_key("111111111111", "ReadOnly", session_name="my-sso")
    path = cache.save_role_credentials(
        key,
        access_key_id="ASIAEXAMPLE",
        secret_access_key="secret",
        session_token="token",
        expiration=datetime.fromtimestamp(1795769716123 / 1000, timezone.utc),
        account_id="111111111111",
    )
    assert path.parent == isolated_aws_home / ".aws" / "cli" / "cache"
    assert path.read_text() == (
        '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", '
        '"SecretAccessKey": "secret", "SessionToken": "token", '
        '"Expiration": "2026-11-27T08:55:16Z", "AccountId": "111111111111"}}'
    )


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)))
def test_the_cli_timestamp_shape_parses_as_dateutil_parses_it(value):
    from dateutil import parser

    text = cache.format_timestamp(value)
    assert (
        cache.parse_timestamp(text)
        == parser.parse(text)
        == value.replace(microsecond=0, tzinfo=timezone.utc)
    )


def test_an_impossible_date_in_the_cli_shape_is_refused():
    with pytest.raises(CacheError, match="not a valid timestamp"):
        cache.parse_timestamp("2026-02-30T12:00:00Z")


def test_cache_files_skip_the_fsync_the_config_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from sso_kit import config

    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    path = write_golden_token()
    assert json.loads(path.read_text())["startUrl"]  # whole and readable
    assert synced == []  # a token can be had again by logging in
    config.configure_profile(
        "dev",
        sso_session="my-sso",
        start_url="https://d-1234567890.awsapps.com/start",
        sso_region="us-east-1",
        account_id="111122223333",
        role_name="PowerUserAccess",
    )
    assert synced  # the learner's config cannot


def test_botocore_reads_a_role_credential_file_once_with_its_expiry(
    isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's SSO fetcher on the file cache: one read per lookup, the file's expiry."""
    from botocore.credentials import SSOCredentialFetcher

    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)
    fetcher = SSOCredentialFetcher(
        "https://example.awsapps.com/start", "us-east-1", "ReadOnly", "111111111111",
        client_creator=None, token_loader=None, cache=cache.RoleCredentialCache(),
    )  # fmt: skip
    cache.save_role_credentials(
        fetcher._cache_key,
        access_key_id="ASIAEXAMPLE",
        secret_access_key="secret",
        session_token="token",
        expiration=expires,
        account_id="111111111111",
    )
    reads: list[Path] = []
    real_load = cache.load_json
    monkeypatch.setattr(
        cache, "load_json", lambda path, **kw: reads.append(path) or real_load(path, **kw)
    )
    got = fetcher.fetch_credentials()
    assert (got["access_key"], got["token"], got["account_id"]) == (
        "ASIAEXAMPLE",
        "token",
        "111111111111",
    )
    assert datetime.fromisoformat(got["expiry_time"]) == expires
    assert len(reads) == 1


@pytest.mark.parametrize("expiration", ["2026-02-30T12:00:00Z", "2026-11-27 08:55:16+00:00", 17])
def test_a_role_credential_expiry_not_in_the_cli_shape_is_left_to_botocore(
    isolated_aws_home: Path, expiration: object
) -> None:
    folder = isolated_aws_home / ".aws" / "cli" / "cache"
    folder.mkdir(parents=True)
    document = {
        "ProviderType": "sso",
        "Credentials": {"AccessKeyId": "A", "Expiration": expiration},
    }
    (folder / "k.json").write_text(json.dumps(document))
    assert cache.RoleCredentialCache()["k"] == document


def test_a_role_credential_file_that_is_not_there_or_corrupt_is_missing(
    isolated_aws_home: Path,
) -> None:
    store = cache.RoleCredentialCache()
    assert "k" not in store
    folder = isolated_aws_home / ".aws" / "cli" / "cache"
    folder.mkdir(parents=True)
    (folder / "k.json").write_text("{not json")
    assert "k" not in store
    with pytest.raises(KeyError):
        store["k"]
