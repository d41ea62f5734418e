"""Notebook helpers on real files: the pre-tutorial config backup and its byte-exact restore."""

from __future__ import annotations

import types

import pytest

from sso_kit import course as steps
from sso_kit.config import config_path, configure_profile

ORIGINAL = b"# my own settings\n[default]\nregion = eu-west-1\n\n[profile work]  ; keep me\noutput = text\n"


def _tutorial_writes():
    configure_profile(
        "sso-kit-tutorial",
        sso_session="sso-kit",
        start_url="https://my-sso-portal.awsapps.com/start",
        sso_region="us-east-1",
        endpoint_url="http://127.0.0.1:1",
    )


def test_restore_is_byte_identical_and_keeps_the_tutorial_version_aside():
    path = config_path()
    path.write_bytes(ORIGINAL)
    record = steps.remember_original_config()
    assert record["existed"] and record["backup"]
    _tutorial_writes()
    assert b"sso-kit-tutorial" in path.read_bytes()
    steps.remember_original_config()  # a second run of step 05 must not replace the copy
    message = steps.restore_original_config()
    assert path.read_bytes() == ORIGINAL
    assert "Restored" in message
    aside = list((steps.kit_dir() / "backups").glob("config.after-tutorial.*"))
    assert aside and b"sso-kit-tutorial" in aside[0].read_bytes()
    assert steps.config_restored()[0]


def test_restore_removes_a_config_that_did_not_exist():
    path = config_path()
    assert not path.exists()
    steps.remember_original_config()
    _tutorial_writes()
    steps.restore_original_config()
    assert not path.exists()
    assert steps.config_restored()[0]


def test_config_restored_notices_later_changes_and_missing_restore():
    assert not steps.config_restored()[0]  # nothing restored yet
    steps.remember_original_config()
    _tutorial_writes()
    assert not steps.config_restored()[0]
    steps.restore_original_config()
    config_path().write_text("[default]\n")
    ok, detail = steps.config_restored()
    assert not ok and "changed" in detail
    assert steps.config_restored(keep_profile=True)[0]


def test_restore_without_record_changes_nothing():
    config_path().write_bytes(ORIGINAL)
    assert "Nothing to restore" in steps.restore_original_config()
    assert config_path().read_bytes() == ORIGINAL


def test_missing_backup_is_an_error_that_keeps_the_file():
    config_path().write_bytes(ORIGINAL)
    record = steps.remember_original_config()
    _tutorial_writes()
    current = config_path().read_bytes()
    import os

    os.remove(record["backup"])
    with pytest.raises(Exception, match="keep_profile=True"):
        steps.restore_original_config()
    assert config_path().read_bytes() == current


def test_self_check_headless_raises_interactive_guides(capsys):
    steps.self_check(True, "fine", "todo", interactive=False)
    assert "✓ fine" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="click Save"):
        steps.self_check(False, "fine", "click Save", interactive=False)
    steps.self_check(False, "fine", "click Save", interactive=True)
    assert "Not done yet: click Save" in capsys.readouterr().out


def test_profile_ready_uses_botocore_view():
    ok, detail = steps.profile_ready("sso-kit-tutorial")
    assert not ok and "sso-kit-tutorial" in detail
    _tutorial_writes()
    ok, detail = steps.profile_ready("sso-kit-tutorial")
    assert ok, detail


def test_setup_for_real_aws_needs_both_values():
    with pytest.raises(Exception, match="start_url or sso_region"):
        steps.setup(use_sandbox=False, start_url="https://x.awsapps.com/start")
    kit = steps.setup(
        use_sandbox=False,
        start_url="https://x.awsapps.com/start",
        sso_region="eu-west-1",
        interactive=False,
    )
    assert kit.endpoint_url is None and "real AWS" in kit.describe()


def test_sign_in_hint_shows_password_only_interactively():
    user = types.SimpleNamespace(name="learner", password="pw-123")
    kit = types.SimpleNamespace(use_sandbox=True, sandbox=types.SimpleNamespace(default_user=user))
    kit.interactive = False
    assert "pw-123" not in steps.sign_in_hint(kit)
    kit.interactive = True
    assert "pw-123" in steps.sign_in_hint(kit)


def test_bucket_helpers_guide_an_interactive_learner_who_is_not_logged_in():
    _tutorial_writes()  # a profile exists, but there is no token
    kit = types.SimpleNamespace(use_sandbox=True, interactive=True, profile="sso-kit-tutorial")
    assert "Log in (step 06)" in steps.ensure_buckets(kit)
    ok, detail = steps.tutorial_buckets_visible(kit)
    assert not ok and "sso-kit-tutorial" in detail
    kit.interactive = False
    with pytest.raises(Exception, match=r"(?i)log"):
        steps.ensure_buckets(kit)


def test_running_clean_up_again_reports_done_and_keeps_the_restored_config():
    """Step 09 run twice: the profile is gone after the first run; the second must not fail."""
    path = config_path()
    path.write_bytes(ORIGINAL)
    steps.remember_original_config()
    _tutorial_writes()
    kit = types.SimpleNamespace(
        use_sandbox=True, interactive=False, profile="sso-kit-tutorial", sso_session="sso-kit"
    )
    steps.clean_up(kit, delete_buckets=False)
    assert path.read_bytes() == ORIGINAL
    assert not steps.clean_up_needs_login(kit, delete_buckets=True)
    message = steps.clean_up(kit, delete_buckets=True)
    assert "already" in message.lower() and "steps 05 and 06" in message
    assert "never wrote" not in message
    assert path.read_bytes() == ORIGINAL
    assert steps.config_restored()[0]


def test_step_results_are_recorded_in_the_tutorial_state(isolated_aws_home):
    from sso_kit.course import state

    assert state.step_results() == {}
    state.record_step_result("06", False, "Not logged in")
    state.record_step_result("05", True, "Profile saved")
    entry = state.record_step_result("06", True, "Logged in")
    assert entry["ok"] and entry["at"].endswith("Z")
    assert list(state.step_results()) == ["05", "06"]
    assert state.step_results()["06"]["detail"] == "Logged in"
    assert state.load_state()["checks"]["05"]["ok"] is True
