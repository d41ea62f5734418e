"""Refresh interop with unmodified botocore, and logout removing exactly the right files."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from sso_core_helpers import ACCOUNT, PROFILE, ROLE, SESSION, configure_for, run

from sso_kit import cache, config, portal
from sso_kit.login import login
from sso_kit.logout import logout
from sso_kit.status import status

pytestmark = pytest.mark.integration

CALLER = (
    "import boto3\n"
    "print(len(boto3.Session(profile_name='dev').client('s3').list_buckets()['Buckets']))\n"
)


def rewrite_expiry(minutes: int) -> None:
    """Move the cached token's expiry into botocore's 15-minute refresh window."""
    token = cache.load_token(SESSION)
    assert token is not None
    cache.save_token(
        SESSION,
        start_url=token.start_url,
        region=token.region,
        access_token=token.access_token,
        expires_at=cache.utc_now() + timedelta(minutes=minutes),
        client_id=token.client_id or "",
        client_secret=token.client_secret or "",
        registration_expires_at=json.loads(token.path.read_text())["registrationExpiresAt"],
        refresh_token=token.refresh_token,
    )


def test_botocore_refreshes_our_token_and_we_read_its_file(auto_sandbox, isolated_aws_home):
    configure_for(auto_sandbox)
    login(PROFILE)
    rewrite_expiry(5)
    before = status(PROFILE)
    assert before.logged_in and before.refreshable
    old = cache.load_token(SESSION)
    assert old is not None

    proc = run([sys.executable, "-c", CALLER], isolated_aws_home)
    assert proc.returncode == 0, proc.stderr

    after = status(PROFILE)
    new = cache.load_token(SESSION)
    assert new is not None and new.access_token != old.access_token
    assert after.expires_at is not None and before.expires_at is not None
    assert after.expires_at - before.expires_at > timedelta(minutes=20)
    assert after.logged_in and after.refreshable
    # botocore wrote the file: same fields in the CLI's order, still parseable by us
    doc = json.loads(new.path.read_text())
    assert list(doc)[:3] == ["startUrl", "region", "accessToken"]
    assert doc["startUrl"] == auto_sandbox.start_url


def test_status_makes_no_network_call(auto_sandbox, isolated_aws_home):
    configure_for(auto_sandbox, profile="offline")
    # the endpoint points nowhere; status must still answer from the cache alone
    from sso_kit import config

    config.configure_profile(
        "offline",
        sso_session="nowhere",
        start_url=auto_sandbox.start_url,
        sso_region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
    )
    st = status("offline")
    assert not st.logged_in and "sso-kit login --sso-session nowhere" in st.message


def test_logout_removes_exactly_the_session_files(auto_sandbox, isolated_aws_home):
    configure_for(auto_sandbox)
    configure_for(auto_sandbox, profile="other", session="other-sso")
    login(PROFILE)
    login("other")
    creds = portal.get_role_credentials(profile=PROFILE)
    assert creds.secret_access_key not in repr(creds)
    key = cache.role_credentials_cache_key(ACCOUNT, ROLE, session_name=SESSION)
    cred_file = cache.cli_cache_dir() / f"{key}.json"
    assert json.loads(cred_file.read_text())["ProviderType"] == "sso"
    assume_role = cache.cli_cache_dir() / "assume-role.json"
    assume_role.write_text('{"ProviderType": "assume-role", "Credentials": {}}')
    old_token = cache.load_token(SESSION)
    assert old_token is not None
    registrations = {
        p for p in cache.sso_cache_dir().glob("*.json") if "accessToken" not in p.read_text()
    }
    assert registrations

    result = logout(SESSION)

    assert result.removed_tokens == [cache.token_cache_path(SESSION)]
    assert result.removed_credentials == [cred_file]
    assert "stay valid until they expire" in result.note
    assert not cache.token_cache_path(SESSION).exists()
    assert cache.token_cache_path("other-sso").exists(), "other sessions stay logged in"
    assert assume_role.exists()
    assert all(p.exists() for p in registrations), "registrations are kept, like the CLI"
    # the sandbox no longer accepts the old token
    client = boto3.Session(profile_name=PROFILE).client(
        "sso", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
    )
    with pytest.raises(client.exceptions.UnauthorizedException):
        client.list_accounts(accessToken=old_token.access_token)

    everything = logout(all=True)
    assert everything.removed_tokens == [cache.token_cache_path("other-sso")]
    assert not status("other").logged_in


def test_portal_lists_accounts_and_roles(auto_sandbox, isolated_aws_home):
    configure_for(auto_sandbox)
    login(PROFILE)
    accounts = portal.list_accounts(profile=PROFILE)
    assert ACCOUNT in {a.account_id for a in accounts}
    roles = portal.list_account_roles(ACCOUNT, profile=PROFILE)
    assert ROLE in roles and roles == sorted(roles, key=str.lower)


def test_logout_all_revokes_a_legacy_profile_token_at_its_endpoint(auto_sandbox, isolated_aws_home):
    # A legacy profile (no sso-session) keeps its endpoint in the profile; logging out of
    # everything must call the portal there, not at the real AWS endpoint.
    config.config_path().write_text(
        "[profile legacy]\n"
        f"sso_start_url = {auto_sandbox.start_url}\n"
        f"sso_region = {auto_sandbox.sso_region}\n"
        f"sso_account_id = {ACCOUNT}\n"
        f"sso_role_name = {ROLE}\n"
        f"endpoint_url = {auto_sandbox.url}\n"
    )
    login("legacy")
    token = cache.load_token(auto_sandbox.start_url)
    assert token is not None

    result = logout(all=True)

    assert result.removed_tokens == [cache.token_cache_path(auto_sandbox.start_url)]
    client = boto3.Session(profile_name="legacy").client(
        "sso", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
    )
    with pytest.raises(client.exceptions.UnauthorizedException):
        client.list_accounts(accessToken=token.access_token)
