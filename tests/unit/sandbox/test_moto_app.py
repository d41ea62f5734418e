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
