"""moto's account look-up with the existing-account fast path: same backends, same registry."""

from __future__ import annotations

from moto.core.base_backend import AccountSpecificBackend, BackendDict
from moto.sts.models import STSBackend

from sso_kit.sandbox.moto_app import existing_accounts_first


def test_an_account_is_created_once_registered_and_made_anew_after_a_reset():
    """Only an account already there skips moto's create-and-register step."""
    existing_accounts_first()
    existing_accounts_first()  # idempotent: patched once
    backends = BackendDict(STSBackend, "sts")
    first = backends["210987654321"]
    assert isinstance(first, AccountSpecificBackend)
    assert backends["210987654321"] is first  # found, not made again
    assert backends in BackendDict._instances  # registered, so a reset reaches it
    # what moto's reset does to this dict (the real reset would wipe every test's moto state)
    BackendDict._instances.remove(backends)
    backends.clear()
    again = backends["210987654321"]
    assert again is not first
    assert backends in BackendDict._instances
    assert again["us-east-1"].account_id == "210987654321"


def test_a_keys_account_is_remembered_only_while_the_key_is_there():
    """Same answers as moto's full scan: the key's account, or the default once it is gone."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam import models

    from sso_kit.sandbox.moto_app import account_id_from
    from sso_kit.sandbox.moto_app import moto_account_id_from as full_scan

    keys = {
        account: models.iam_backends[account]["aws"].create_temp_access_key().access_key_id
        for account in ("210987654322", "210987654323")
    }
    for account, key in keys.items():
        assert account_id_from(key) == account
        assert account_id_from(key) == account  # remembered, and checked again
        assert full_scan(key) == account
    gone = keys["210987654323"]
    del models.iam_backends["210987654323"]["aws"].access_keys[gone]
    assert account_id_from(gone) == DEFAULT_ACCOUNT_ID == full_scan(gone)
    assert account_id_from("ASIANEVERISSUED0000") == DEFAULT_ACCOUNT_ID


def test_a_role_sessions_key_is_found_as_moto_scan_finds_it():
    """The first session with the key, sessions added later, a wrong token, an unknown key."""
    from types import SimpleNamespace

    import pytest
    from moto.iam.access_control import AssumedRoleAccessKey, CreateAccessKeyFailure
    from moto.sts.models import sts_backends

    from sso_kit.sandbox.moto_app import assumed_role_for, indexed_role_sessions

    indexed_role_sessions()

    def session(key: str, token: str) -> SimpleNamespace:
        return SimpleNamespace(
            access_key_id=key,
            secret_access_key="secret-" + token,
            session_token=token,
            role_arn="arn:aws:iam::210987654324:role/Reader",
            session_name="learner07",
        )

    sts = SimpleNamespace(assumed_roles=[session("ASIAONE", "t1"), session("ASIAONE", "t1b")])
    assert assumed_role_for(sts, "ASIAONE").session_token == "t1"  # the first, as the scan
    assert assumed_role_for(sts, "ASIATWO") is None
    sts.assumed_roles.append(session("ASIATWO", "t2"))
    assert assumed_role_for(sts, "ASIATWO").session_token == "t2"  # appended since
    sts.assumed_roles = [session("ASIATHREE", "t3")]  # a reset: a new list
    assert assumed_role_for(sts, "ASIAONE") is None
    assert assumed_role_for(sts, "ASIATHREE").session_token == "t3"

    real = sts_backends["210987654324"]["aws"]
    real.assumed_roles.append(session("ASIAREAL", "tok"))
    key = AssumedRoleAccessKey("210987654324", "aws", "ASIAREAL", {"X-Amz-Security-Token": "tok"})
    assert key.arn == "arn:aws:sts::210987654324:assumed-role/Reader/learner07"
    assert key.create_credentials().secret_key == "secret-tok"
    for key_id, token, reason in (
        ("ASIAREAL", "bad", "InvalidToken"),
        ("ASIANONE", "tok", "InvalidId"),
    ):
        with pytest.raises(CreateAccessKeyFailure) as err:
            AssumedRoleAccessKey("210987654324", "aws", key_id, {"X-Amz-Security-Token": token})
        assert err.value.reason == reason
