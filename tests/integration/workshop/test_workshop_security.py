"""Learners cannot open the dashboard or call the admin API, directly or cross-site."""

from __future__ import annotations

import pytest
import requests


def url(workshop, path: str) -> str:
    return f"{workshop.sandbox.url}{path}"


ADMIN_CALLS = [
    ("/_sandbox/admin/invite", {"user": "learner01", "password": "attacker-pass-123"}),
    ("/_sandbox/admin/admin_credentials", {}),
    ("/_sandbox/admin/set_fault", {"operation": "*", "kind": "server_error"}),
    ("/_workshop/api/reset", {"learner": "learner01"}),
    ("/_workshop/api/end", {}),
]


@pytest.mark.parametrize(("path", "body"), ADMIN_CALLS, ids=[p for p, _ in ADMIN_CALLS])
def test_a_learner_on_loopback_cannot_call_admin_or_dashboard_apis(workshop, path, body):
    answer = requests.post(url(workshop, path), json=body)
    assert answer.status_code in (401, 403)
    assert "password" not in answer.text


@pytest.mark.parametrize(("path", "body"), ADMIN_CALLS, ids=[p for p, _ in ADMIN_CALLS])
def test_a_cross_site_form_or_no_cors_fetch_is_refused(workshop, path, body):
    import json

    # what a hostile page can send without a preflight: text/plain, its own Origin
    answer = requests.post(
        url(workshop, path),
        data=json.dumps(body),
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
    )
    assert answer.status_code in (401, 403, 415)


def test_a_learners_sso_token_does_not_open_the_dashboard(workshop, learner):
    from sso_kit.cache import load_token

    learner("learner01")
    token = load_token("ws-learner01").access_token
    answer = requests.get(
        url(workshop, "/_workshop/api/progress"), headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 401


def test_a_foreign_host_header_is_refused_even_with_the_secret(workshop):
    # DNS rebinding: the browser sends the attacker's host name to our port
    answer = requests.get(
        url(workshop, "/_workshop/api/progress"),
        headers={"Host": "evil.example", "Authorization": f"Bearer {workshop.roster.secret}"},
    )
    assert answer.status_code == 421


def test_the_dashboard_page_asks_for_the_secret_and_sets_a_strict_cookie(workshop):
    session = requests.Session()
    page = session.get(url(workshop, "/_workshop/"))
    assert page.status_code == 200 and 'name="secret"' in page.text
    wrong = session.post(url(workshop, "/_workshop/login"), data={"secret": "guess"})
    assert wrong.status_code == 401
    right = session.post(
        url(workshop, "/_workshop/login"),
        data={"secret": workshop.roster.secret},
        allow_redirects=False,
    )
    assert right.status_code == 303
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert workshop.roster.secret not in cookie
    assert session.get(url(workshop, "/_workshop/api/progress")).status_code == 200
    # the cookie alone does not make a cross-site POST work
    hostile = session.post(
        url(workshop, "/_workshop/api/end"),
        data="{}",
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
    )
    assert hostile.status_code == 403


def test_the_sandbox_handle_keeps_working_with_its_key(workshop):
    # the instructor's own Sandbox handle (same process) still steers the sandbox
    workshop.sandbox.set_lifetimes(device_code=600)
    workshop.sandbox.reset_faults()
