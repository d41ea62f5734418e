"""A learner's kit that joined the shared sandbox holds no admin key, and says what that means."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sso_kit.course.admin import admin_credentials
from sso_kit.course.checks import bucket_lister
from sso_kit.errors import SandboxError
from sso_kit.sandbox import Sandbox
from sso_kit.workshop.join import join


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.delenv("SSO_KIT_SANDBOX_ADMIN_KEY", raising=False)
    return tmp_path / "sandbox.json"


@pytest.fixture
def joined(workshop, state):
    join(workshop.sandbox.url, "learner03", state_file=state)
    return Sandbox.ensure_running(state_file=state)


def kit_on(handle):
    """What the course helpers read of a Setup: the sandbox handle and that it is in use."""
    return SimpleNamespace(use_sandbox=True, sandbox=handle, endpoint_url=handle.url)


def test_a_joined_kit_finds_the_shared_sandbox_without_its_secret(workshop, joined, state):
    assert joined.url == workshop.sandbox.url
    assert not joined.admin_key
    assert workshop.sandbox.app.auth.secret not in state.read_text("utf-8")


def test_the_administrators_steps_say_the_instructor_is_the_administrator(joined):
    with pytest.raises(SandboxError, match="instructor") as err:
        admin_credentials(kit_on(joined))
    assert "01 and 03" in err.value.hint


def test_step_09_lists_buckets_with_the_admin_key_only(workshop, joined):
    assert bucket_lister(kit_on(joined), "09") is None  # as on real AWS: no key left to list
    assert bucket_lister(kit_on(workshop.sandbox), "09") is not None  # the owner's handle
