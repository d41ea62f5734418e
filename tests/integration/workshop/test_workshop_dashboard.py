"""The instructor's dashboard API: who may call it, what it shows, resets, faults, exports."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from sso_kit.buckets import create_tutorial_bucket, list_buckets
from sso_kit.errors import SandboxError
from sso_kit.logout import logout


def api(workshop, path: str) -> str:
    return f"{workshop.sandbox.url}/_workshop{path}"


def instructor(workshop) -> dict[str, str]:
    return {"Authorization": f"Bearer {workshop.roster.secret}"}


def progress_of(workshop, name: str) -> dict:
    rows = requests.get(api(workshop, "/api/progress"), headers=instructor(workshop)).json()
    return next(r for r in rows["learners"] if r["learner"] == name)


def test_progress_follows_a_learners_calls(workshop, learner):
    before = progress_of(workshop, "learner03")
    assert not any(before["steps"].values())
    profile = learner("learner03")
    after_login = progress_of(workshop, "learner03")
    assert after_login["steps"]["configured"] and after_login["steps"]["logged_in"]
    assert not after_login["steps"]["listed_buckets"]
    create_tutorial_bucket(profile)
    list_buckets(profile)
    logout("ws-learner03")
    row = progress_of(workshop, "learner03")
    assert row["steps"] == {
        "configured": True,
        "logged_in": True,
        "listed_buckets": True,
        "logged_out": True,
        "cleaned_up": False,
    }
    assert row["state"] == "working"


def test_a_fault_for_one_learner_shows_with_its_error_name(workshop, learner):
    profile = learner("learner02")
    answer = requests.post(
        api(workshop, "/api/fault"),
        json={"learner": "learner02", "kind": "s3_denied"},
        headers=instructor(workshop),
    )
    assert answer.status_code == 200, answer.text
    try:
        with pytest.raises(ClientError) as err:
            boto3.Session(profile_name=profile).client("s3").list_buckets()
        assert err.value.response["Error"]["Code"] == "AccessDenied"
        row = progress_of(workshop, "learner02")
        assert row["fault"] == "s3_denied" and row["errors"].get("AccessDenied", 0) >= 1
        assert progress_of(workshop, "learner01")["fault"] is None
    finally:
        requests.post(
            api(workshop, "/api/fault"),
            json={"learner": "learner02", "kind": None},
            headers=instructor(workshop),
        )
    boto3.Session(profile_name=profile).client("s3").list_buckets()


def test_reset_gives_a_new_password_once_and_clears_tokens_and_buckets(workshop, learner):
    from sso_kit.workshop.service import delete_account_buckets

    old = workshop.sandbox.users["spare01"].password
    profile = learner("spare01", old)
    made = create_tutorial_bucket(profile)
    answer = requests.post(
        api(workshop, "/api/reset"), json={"learner": "spare01"}, headers=instructor(workshop)
    )
    assert answer.status_code == 200
    data = answer.json()
    # every bucket of the account goes: this one, and any an earlier test in this process left
    # there (moto's state is per process; other workshop modules seed the same account ids)
    assert data["password"] != old and made in data["buckets"] and data["tokens"] >= 1
    assert not delete_account_buckets(workshop.roster.accounts["spare01"])
    with pytest.raises(SandboxError, match="refused the step /signin"):
        learner("spare01", old)  # the old password no longer signs in
    learner("spare01", data["password"])
    assert data["password"] not in requests.get(
        api(workshop, "/api/progress"), headers=instructor(workshop)
    ).text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_hold_progress_and_never_a_password(workshop, learner, fmt):
    learner("learner01")
    answer = requests.get(api(workshop, f"/api/export.{fmt}"), headers=instructor(workshop))
    assert answer.status_code == 200
    assert "learner01" in answer.text and "logged_in" in answer.text
    for user in workshop.sandbox.users.values():
        assert user.password not in answer.text
    assert workshop.roster.secret not in answer.text


def test_end_every_session_revokes_all_tokens(workshop, learner):
    from sso_kit.status import status

    profile = learner("learner01")
    answer = requests.post(api(workshop, "/api/end"), json={}, headers=instructor(workshop))
    assert answer.json()["tokens"] >= 1
    assert status(profile).logged_in  # the cache still has it, but the portal says no:
    with pytest.raises(ClientError) as err:
        from sso_kit.cache import load_token

        boto3.client("sso", endpoint_url=workshop.sandbox.url, region_name="us-east-1").list_accounts(
            accessToken=load_token("ws-learner01").access_token
        )
    assert err.value.response["Error"]["Code"] == "UnauthorizedException"


def test_a_learner_reports_checks_with_their_own_token(workshop, learner):
    from sso_kit.cache import load_token
    from sso_kit.workshop.join import report_checks

    learner("learner01")
    accepted = report_checks(workshop.sandbox.url, {"09": {"ok": True}}, sso_session="ws-learner01")
    assert accepted == ["09"]
    assert progress_of(workshop, "learner01")["steps"]["cleaned_up"] is True
    assert progress_of(workshop, "learner02")["checks"].get("09") is None
    assert load_token("ws-learner01") is not None
    refused = requests.post(
        api(workshop, "/report"), json={"checks": {"05": {"ok": True}}}, headers=instructor(workshop)
    )
    assert refused.status_code == 401  # the instructor's secret is not a learner's token
