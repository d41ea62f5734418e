"""Where a handle's admin secret comes from: the environment, else the matching state file."""

from __future__ import annotations

import json

from sso_kit.sandbox import ENV_ADMIN_KEY, ENV_URL, Sandbox


def test_admin_key_for_reads_the_environment_then_the_matching_state_file(tmp_path, monkeypatch):
    state = tmp_path / "sandbox.json"
    state.write_text(json.dumps({"url": "http://127.0.0.1:4000", "admin_key": "k" * 32}))
    monkeypatch.delenv(ENV_ADMIN_KEY, raising=False)
    assert Sandbox.admin_key_for("http://127.0.0.1:4000/", state) == "k" * 32
    assert Sandbox.admin_key_for("http://127.0.0.1:4001", state) is None  # another sandbox
    assert Sandbox.admin_key_for("http://127.0.0.1:4000", tmp_path / "missing.json") is None
    monkeypatch.setenv(ENV_ADMIN_KEY, "e" * 32)
    assert Sandbox.admin_key_for("http://127.0.0.1:4001", state) == "e" * 32


def test_a_handle_from_a_state_file_carries_its_secret_into_the_environment():
    handle = Sandbox.from_state(
        {"url": "http://127.0.0.1:4000", "public_url": "http://x/", "admin_key": "k" * 32}
    )
    env = handle.environment()
    assert env[ENV_URL] == "http://127.0.0.1:4000" and env[ENV_ADMIN_KEY] == "k" * 32
    assert ENV_ADMIN_KEY not in Sandbox.from_state({"url": "http://127.0.0.1:1"}).environment()
