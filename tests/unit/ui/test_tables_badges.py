"""BucketTable, StatusBadge and LogoutPanel with fakes."""

from __future__ import annotations

import types
from datetime import datetime, timedelta, timezone

from sso_kit.errors import NotLoggedInError
from sso_kit.ui.badges import StatusBadge
from sso_kit.ui.logout_panel import LogoutPanel
from sso_kit.ui.tables import BucketTable


def _bucket(name):
    return types.SimpleNamespace(name=name, created=datetime(2026, 1, 2, tzinfo=timezone.utc))


def test_bucket_table_lists_and_escapes():
    table = BucketTable("p", list_buckets=lambda profile: [_bucket("a<b"), _bucket("kit-2")])
    table.refresh_button.click()
    assert "a&lt;b" in table.table.value
    assert "kit-2" in table.table.value
    assert "sso-bucket-table" in table.table._dom_classes
    assert [b.name for b in table.buckets] == ["a<b", "kit-2"]


def test_bucket_table_error_has_next_step():
    def fail(profile):
        raise NotLoggedInError("No token for p.", hint="Run the login step (06) again.")

    table = BucketTable("p", list_buckets=fail)
    table.refresh_button.click()
    assert table.status.kind == "error"
    assert "06" in table.status.text


def test_status_badge_logged_in_and_out():
    state = {"logged_in": True}

    def fake_status(profile, session):
        return types.SimpleNamespace(
            profile=profile,
            sso_session=session,
            logged_in=state["logged_in"],
            expires_at=datetime.now(timezone.utc) + timedelta(hours=1),
            refreshable=True,
            message="Not logged in: run step 06.",
        )

    badge = StatusBadge("p", "s", status=fake_status)
    assert badge.badge.kind == "ok" and "Logged in (s) until" in badge.badge.text
    state["logged_in"] = False
    badge.refresh_button.click()
    assert badge.badge.kind == "warn" and "step 06" in badge.badge.text


def test_logout_summary_lists_removed_files():
    def fake_logout(session, all_sessions):
        return types.SimpleNamespace(
            removed_tokens=["/h/.aws/sso/cache/abc.json"],
            removed_credentials=[],
            sessions=[session],
            note="role credentials already issued stay valid until they expire",
        )

    panel = LogoutPanel("sso-kit", logout=fake_logout)
    panel.logout_button.click()
    assert "abc.json" in panel.summary.value
    assert "Removed 1 token cache file(s)" in panel.summary.value
    assert "sso-logout-summary" in panel.summary._dom_classes
    assert "sso-logout-button" in panel.logout_button._dom_classes
