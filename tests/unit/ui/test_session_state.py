"""The kernel's one session state: library events and outside cache changes reach every view."""

from __future__ import annotations

import types
from datetime import datetime, timedelta, timezone

from sso_kit import events
from sso_kit.ui.badges import StatusBadge
from sso_kit.ui.session import SessionState

START_URL = "https://x.awsapps.com/start"


def _profile(profile, session):
    from sso_kit.config import configure_profile

    configure_profile(profile, sso_session=session, start_url=START_URL, sso_region="us-east-1")


def _token(session):
    """A token file as any tool writes it (the library's own writer; no event is sent)."""
    from sso_kit import cache

    cache.save_token(session, start_url=START_URL, region="us-east-1",
                     access_token="not-a-real-token", client_id="client",
                     client_secret="not-a-real-secret",
                     expires_at=datetime.now(timezone.utc) + timedelta(hours=1),
                     registration_expires_at="2099-01-01T00:00:00Z")  # fmt: skip


def _fake(state):
    def status(profile, session):
        until = datetime.now(timezone.utc) + timedelta(hours=1)
        return types.SimpleNamespace(profile=profile, sso_session=session, expires_at=until,
                                     logged_in=state["logged_in"], refreshable=False,
                                     message="Not logged in to s. Run sso-kit login.")  # fmt: skip

    return status


def test_views_redraw_when_the_state_refreshes_from_another_thread():
    import threading

    flag = {"logged_in": True}
    state = SessionState("p", "s", status=_fake(flag))
    first, second = StatusBadge(state=state), StatusBadge(state=state)
    assert "Logged in (s)" in first.badge.text and "Logged in (s)" in second.badge.text
    flag["logged_in"] = False
    worker = threading.Thread(target=state.refresh, args=("logout",))
    worker.start()
    worker.join()
    for badge in (first, second):
        assert badge.badge.kind == "warn" and badge.badge.text.startswith("Logged out."), (
            badge.badge.text
        )


def test_a_status_error_becomes_the_message_not_an_exception():
    def broken(profile, session):
        from sso_kit.errors import ProfileNotFoundError

        raise ProfileNotFoundError("No profile p in the config.", hint="Save it in step 05.")

    state = SessionState("p", None, status=broken)
    assert not state.logged_in and state.status is None
    assert StatusBadge(state=state).badge.text.startswith("No profile p")


def test_shared_state_follows_library_events(isolated_aws_home):
    from sso_kit import cache

    _profile("p", "s")
    state = SessionState.shared("p")
    assert state is SessionState.shared("p") and not state.logged_in
    _token("s")
    events.publish("login")
    assert state.logged_in and state.reason == "login"
    cache.token_cache_path("s").unlink()
    events.publish("logout")
    assert not state.logged_in and state.reason == "logout"


def test_shared_state_notices_a_token_written_by_another_process(isolated_aws_home):
    import time

    _profile("q", "t")
    state = SessionState.shared("q")
    assert not state.logged_in
    _token("t")  # no event: as if `aws sso login` wrote it in a terminal
    deadline = time.monotonic() + 30
    while not state.logged_in:
        assert time.monotonic() < deadline, "the watcher never saw the new token file"
        time.sleep(0.05)
    assert state.reason == "cache"
