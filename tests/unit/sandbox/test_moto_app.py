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
