"""ProfileForm and AccountRolePicker driven with `.value =` and `.click()` and fakes."""

from __future__ import annotations

import types

import pytest

from sso_kit.errors import ValidationError
from sso_kit.ui import is_interactive
from sso_kit.ui.forms import AccountRolePicker, ProfileForm


def make_form(fake_validate, fake_config, **kw):
    return ProfileForm(configure=fake_config.configure, validate=fake_validate, **kw)


def test_empty_start_url_disables_save_and_says_why(fake_validate, fake_config):
    form = make_form(fake_validate, fake_config)
    assert form.save_button.disabled
    assert "https://" in form.validation.value


def test_typing_a_valid_url_enables_save_live(fake_validate, fake_config):
    form = make_form(fake_validate, fake_config)
    form.start_url.value = "http://bad"
    assert form.save_button.disabled
    form.start_url.value = "https://my-sso-portal.awsapps.com/start"
    assert not form.save_button.disabled
    assert "Ready to save" in form.validation.value


def test_bad_profile_name_is_reported_and_nothing_written(fake_validate, fake_config):
    form = make_form(fake_validate, fake_config, start_url="https://x.awsapps.com/start")
    form.profile.value = "has space"
    assert "profile name" in form.validation.value
    form.save_button.click()
    assert fake_config.calls == []
    assert form.status.kind == "error"


def test_save_click_writes_and_shows_section(fake_validate, fake_config):
    form = make_form(
        fake_validate,
        fake_config,
        start_url="https://x.awsapps.com/start#/",
        endpoint_url="http://127.0.0.1:9",
    )
    form.sso_region.value = "eu-west-1"
    form.save_button.click()
    (call,) = fake_config.calls
    assert call["start_url"] == "https://x.awsapps.com/start"
    assert call["sso_region"] == "eu-west-1"
    assert call["endpoint_url"] == "http://127.0.0.1:9"
    assert "[profile sso-kit-tutorial]" in form.written.value
    assert form.status.kind == "ok"
    assert form.change is not None


def test_configure_error_is_shown_not_swallowed(fake_validate):
    def broken(profile, **kw):
        raise PermissionError("config is read-only")

    form = ProfileForm(configure=broken, validate=fake_validate, start_url="https://x/start")
    form.save_button.click()
    assert form.status.kind == "error"
    assert "read-only" in form.status.text


def test_answers_mirror_aws_configure_sso(fake_validate, fake_config):
    form = make_form(fake_validate, fake_config, start_url="https://x/start")
    text = form.answers()
    assert "SSO session name (Recommended): sso-kit" in text
    assert "SSO start URL [None]: https://x/start" in text


def test_css_classes_for_browser_test(fake_validate, fake_config):
    form = make_form(fake_validate, fake_config)
    assert "sso-start-url" in form.start_url._dom_classes
    assert "sso-region" in form.sso_region._dom_classes
    assert "sso-save" in form.save_button._dom_classes
    assert "sso-validation" in form.validation._dom_classes
    assert "sso-written-section" in form.written._dom_classes


@pytest.fixture
def picker(fake_config):
    """A picker over a saved profile "p" and a fake portal: two accounts, one without roles."""
    fake_config.configure("p", sso_session="s", start_url="https://x/start", sso_region="us-east-1")
    accounts = [
        types.SimpleNamespace(account_id="111122223333", name="Management", email="a@x"),
        types.SimpleNamespace(account_id="444455556666", name="Member", email="b@x"),
    ]
    roles = {"111122223333": ["S3ReadOnly", "PowerUserAccess"], "444455556666": []}
    return AccountRolePicker(
        "p",
        list_accounts=lambda profile: accounts,
        list_account_roles=lambda account_id, profile: roles[account_id],
        read_profile=fake_config.read_profile,
        configure=fake_config.configure,
    )


def test_picker_fills_from_portal_and_prefers_power_user(picker, fake_config):
    picker.load_button.click()
    assert picker.account.value == "111122223333"
    assert picker.role.value == "PowerUserAccess"
    picker.role.value = "S3ReadOnly"
    picker.use_button.click()
    last = fake_config.calls[-1]
    assert (last["account_id"], last["role_name"]) == ("111122223333", "S3ReadOnly")
    assert last["start_url"] == "https://x/start"
    assert "sso_role_name = S3ReadOnly" in picker.written.value


def test_picker_account_without_roles_disables_use(picker):
    picker.load()
    picker.account.value = "444455556666"
    assert picker.use_button.disabled


def test_picker_choose_rejects_unknown_account_with_choices(picker, fake_config):
    with pytest.raises(ValidationError, match="111122223333"):
        picker.choose("999999999999")
    assert len(fake_config.calls) == 1  # nothing new written


def test_is_interactive(monkeypatch):
    monkeypatch.delenv("SSO_KIT_HEADLESS", raising=False)
    assert is_interactive(None) is True
    monkeypatch.setenv("SSO_KIT_HEADLESS", "1")
    assert is_interactive(None) is False
    assert is_interactive(True) is True
    assert is_interactive(False) is False
