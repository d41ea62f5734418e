"""Admin clients are built once per set of inputs, and again when any input changes."""

from __future__ import annotations

from types import SimpleNamespace

from sso_kit.course.admin import admin_client


def _kit(key: str = "AKIAADMIN", url: str = "http://127.0.0.1:1") -> SimpleNamespace:
    sandbox = SimpleNamespace(
        admin_key="k", sso_region="us-east-1", admin_credentials=lambda: (key, "secret-" + key)
    )
    return SimpleNamespace(use_sandbox=True, sandbox=sandbox, endpoint_url=url)


def test_the_same_inputs_reuse_one_client(isolated_aws_home):
    first = admin_client(_kit(), "sso-admin")
    assert admin_client(_kit(), "sso-admin") is first
    assert first.meta.endpoint_url == "http://127.0.0.1:1"
    frozen = first._request_signer._credentials.get_frozen_credentials()
    assert frozen.access_key == "AKIAADMIN"


def test_a_changed_input_builds_a_new_client(isolated_aws_home, monkeypatch):
    first = admin_client(_kit(), "s3")
    assert admin_client(_kit(), "identitystore") is not first
    assert admin_client(_kit(key="AKIAOTHER"), "s3") is not first
    assert admin_client(_kit(url="http://127.0.0.1:2"), "s3") is not first
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "7")
    assert admin_client(_kit(), "s3") is not first
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    assert admin_client(_kit(), "s3") is first
    config = isolated_aws_home / ".aws" / "config"
    config.write_text("[default]\nregion = eu-west-1\n", encoding="utf-8")
    assert admin_client(_kit(), "s3") is not first
