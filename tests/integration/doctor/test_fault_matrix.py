"""The fault matrix: break a real setup on purpose, then doctor must name the cause.

Each row starts from the tutorial profile written by sso_kit against the real sandbox over
loopback, breaks it the way learners do (config edits, cache files, environment variables, the
sandbox's fault switches, the real `aws` CLI v1), runs doctor, and checks the finding id.
For problems the named cause must be the *first* problem doctor reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sso_kit.course.exercises import Practice
from sso_kit.diagnose import EXIT_CODES, doctor
from sso_kit.sandbox import Sandbox

PROFILE, SESSION, ACCOUNT, ROLE = "t", "s", "111122223333", "PowerUserAccess"
SEED = Path(__file__).resolve().parents[3] / "sso_kit" / "sandbox" / "default_seed.json"


@dataclass
class Learner:
    """The learner's machine (temporary HOME) plus handles to break it."""

    sandbox: Sandbox
    home: Path
    monkeypatch: pytest.MonkeyPatch
    removed_assignment: bool = False

    @property
    def config_file(self) -> Path:
        return self.home / ".aws" / "config"

    def __post_init__(self) -> None:
        # the working setup notebook 10's exercises start from, on this test's names
        self.practice = Practice(self.sandbox, profile=PROFILE, sso_session=SESSION)

    def configure(self, **over: Any) -> None:
        self.practice.configure(**over)

    def login(self) -> None:
        self.practice.login()

    def edit_config(self, old: str, new: str) -> None:
        text = self.config_file.read_text("utf-8")
        assert old in text, f"{old!r} not in config:\n{text}"
        self.config_file.write_text(text.replace(old, new, 1), "utf-8")

    def token_path(self) -> Path:
        from sso_kit.cache import token_cache_path

        return token_cache_path(SESSION)

    def edit_token(self, **changes: Any) -> None:
        path = self.token_path()
        doc = json.loads(path.read_text("utf-8"))
        for key, value in changes.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        path.write_text(json.dumps(doc), "utf-8")


@pytest.fixture
def learner(auto_sandbox, isolated_aws_home, monkeypatch) -> Learner:
    return Learner(auto_sandbox, isolated_aws_home, monkeypatch)


@pytest.fixture(scope="module")
def nos3_sandbox(tmp_path_factory) -> Iterator[Sandbox]:
    """A sandbox process whose learner also has a permission set that cannot list S3."""
    seed = json.loads(SEED.read_text("utf-8"))
    seed["permission_sets"]["NoS3"] = {
        "description": "Can call STS only (for the troubleshooting tests)",
        "inline_policy": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
        },
        "session_duration": "PT1H",
    }
    for user in seed["users"]:
        user["assignments"].append({"account": ACCOUNT, "permission_set": "NoS3"})
    folder = tmp_path_factory.mktemp("nos3")
    (folder / "seed.json").write_text(json.dumps(seed), "utf-8")
    sb = Sandbox.spawn(
        state_file=folder / "sandbox.json", seed=folder / "seed.json", auto_approve=True
    )
    try:
        yield sb
    finally:
        sb.terminate()


def logged_in(learner: Learner, **over) -> None:
    learner.configure(**over)
    learner.login()


def never_logged_in(learner: Learner) -> None:
    learner.configure()


def sso_kit_logout(learner: Learner) -> None:
    from sso_kit.logout import logout

    logged_in(learner)
    logout(SESSION)


def aws_cli_v1_logout(learner: Learner) -> None:
    """CLI v1's `aws sso logout` is the bare API call: server-side only, the file stays."""
    logged_in(learner)
    token = json.loads(learner.token_path().read_text("utf-8"))["accessToken"]
    aws = Path(sys.executable).parent / "aws"
    env = {**os.environ, "AWS_ENDPOINT_URL": learner.sandbox.url}
    out = subprocess.run(
        [str(aws), "sso", "logout", "--region", "us-east-1", f"--access-token={token}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert learner.token_path().exists()


def server_expired(learner: Learner) -> None:
    logged_in(learner)
    assert learner.sandbox.expire_tokens() >= 1


def server_revoked(learner: Learner) -> None:
    logged_in(learner)
    assert learner.sandbox.revoke_tokens() >= 1


def assignment_removed(learner: Learner) -> None:
    logged_in(learner)
    sb = learner.sandbox
    assert sb.remove_assignment(sb.default_user.name, ACCOUNT, ROLE)
    learner.removed_assignment = True  # restored after the test (the sandbox is shared)


def misspelled_role(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(f"sso_role_name = {ROLE}", "sso_role_name = PowerUserAcess")


def unassigned_account(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(f"sso_account_id = {ACCOUNT}", "sso_account_id = 444455556666")


def workload_sso_region(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config("sso_region = us-east-1", "sso_region = eu-central-1")


def scopes_dropped(learner: Learner) -> None:
    logged_in(learner, scopes=None)


def expired_unrefreshable(learner: Learner) -> None:
    """An expired token that another tool wrote without a refresh token."""
    learner.sandbox.set_lifetimes(access_token=1)
    logged_in(learner)
    time.sleep(1.5)
    learner.edit_token(refreshToken=None)


def token_without_refresh(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_token(refreshToken=None)


def expired_refreshable(learner: Learner) -> None:
    learner.sandbox.set_lifetimes(access_token=1)
    logged_in(learner)
    time.sleep(1.5)


def server_clock_ahead(learner: Learner) -> None:
    logged_in(learner)
    learner.sandbox.skew_clock(2 * 3600)


def stale_static_keys(learner: Learner) -> None:
    logged_in(learner)
    learner.monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    learner.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "stale-secret-from-last-week")


def bare_profile_header(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(f"[profile {PROFILE}]", f"[{PROFILE}]")


def profile_typo_in_env(learner: Learner) -> None:
    logged_in(learner)
    learner.monkeypatch.setenv("AWS_PROFILE", "tutorial")


def session_renamed(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(f"[sso-session {SESSION}]", "[sso-session sso-kit-new]")


def start_url_with_fragment(learner: Learner) -> None:
    logged_in(learner)
    url = learner.sandbox.start_url
    learner.edit_config(f"sso_start_url = {url}", f"sso_start_url = {url}#/")


def inconsistent_start_url(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(
        f"sso_session = {SESSION}",
        f"sso_session = {SESSION}\nsso_start_url = https://d-9999999999.awsapps.com/start",
    )


def region_removed(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config("region = us-east-1\n", "")


def config_file_elsewhere(learner: Learner) -> None:
    logged_in(learner)
    learner.monkeypatch.setenv("AWS_CONFIG_FILE", str(learner.home / "nowhere" / "config"))


def kernel_has_another_home(learner: Learner) -> None:
    logged_in(learner)
    other = learner.home.parent / "kernel-home"
    other.mkdir()
    learner.monkeypatch.setenv("AWS_CONFIG_FILE", str(learner.config_file))
    learner.monkeypatch.setenv("HOME", str(other))


def cache_world_readable(learner: Learner) -> None:
    logged_in(learner)
    os.chmod(learner.token_path(), 0o644)


def cache_owned_by_other_user(learner: Learner) -> None:
    logged_in(learner)
    os.chown(learner.token_path(), 65534, 65534)


def token_from_another_tool(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_token(accessToken=None)


def cached_credentials_outlive_session(learner: Learner) -> None:
    from sso_kit.portal import get_role_credentials

    logged_in(learner)
    get_role_credentials(profile=PROFILE)  # cached in ~/.aws/cli/cache like the CLI does
    learner.sandbox.revoke_tokens()


def sandbox_not_running(learner: Learner) -> None:
    logged_in(learner)
    learner.edit_config(
        f"endpoint_url = {learner.sandbox.url}", "endpoint_url = http://127.0.0.1:9"
    )


def missing_ca_bundle(learner: Learner) -> None:
    logged_in(learner)
    learner.monkeypatch.setenv("AWS_CA_BUNDLE", str(learner.home / "corp-ca.pem"))


# (sentence id, how to break it, finding id doctor must report, its status)
MATRIX: list[tuple[str, Callable[[Learner], None], str, str]] = [
    ("the learner never logged in", never_logged_in, "token.missing", "problem"),
    ("sso-kit logout removed the token", sso_kit_logout, "token.missing", "problem"),
    (
        "aws sso logout (CLI v1) ended the session on the server",
        aws_cli_v1_logout,
        "credentials.unauthorized",
        "problem",
    ),
    (
        "the sandbox expired the session server-side",
        server_expired,
        "credentials.unauthorized",
        "problem",
    ),
    ("the session was revoked elsewhere", server_revoked, "credentials.unauthorized", "problem"),
    (
        "the administrator removed the assignment",
        assignment_removed,
        "credentials.no_access",
        "problem",
    ),
    ("the role name is misspelled", misspelled_role, "credentials.no_access", "problem"),
    (
        "the account is not assigned to the learner",
        unassigned_account,
        "credentials.no_access",
        "problem",
    ),
    (
        "sso_region was changed to a workload region",
        workload_sso_region,
        "config.sso_region_wrong",
        "problem",
    ),
    (
        "the scopes were dropped before logging in",
        scopes_dropped,
        "config.scopes_missing",
        "warning",
    ),
    (
        "another tool wrote a token without refresh token",
        token_without_refresh,
        "token.no_refresh",
        "warning",
    ),
    ("the token expired and cannot refresh", expired_unrefreshable, "token.expired", "problem"),
    (
        "the token expired but can refresh",
        expired_refreshable,
        "token.expired_refreshable",
        "warning",
    ),
    ("the server clock is two hours ahead", server_clock_ahead, "clock.skew", "problem"),
    ("stale static keys are exported", stale_static_keys, "env.static_keys", "problem"),
    (
        "the profile header lacks the word profile",
        bare_profile_header,
        "config.profile_syntax",
        "problem",
    ),
    (
        "AWS_PROFILE names a profile that does not exist",
        profile_typo_in_env,
        "config.profile_missing",
        "problem",
    ),
    ("the sso-session section was renamed", session_renamed, "config.session_missing", "problem"),
    (
        "the start URL was pasted with #/",
        start_url_with_fragment,
        "config.start_url_invalid",
        "problem",
    ),
    (
        "the profile keeps another start URL than its session",
        inconsistent_start_url,
        "config.inconsistent",
        "problem",
    ),
    ("the profile has no region", region_removed, "config.region_missing", "warning"),
    (
        "AWS_CONFIG_FILE points at a missing file",
        config_file_elsewhere,
        "env.config_file_missing",
        "problem",
    ),
    ("the kernel runs with another HOME", kernel_has_another_home, "token.missing", "problem"),
    (
        "the token cache is readable by everyone",
        cache_world_readable,
        "token.permissions",
        "warning",
    ),
    (
        "the token cache belongs to another user",
        cache_owned_by_other_user,
        "token.foreign_owner",
        "warning",
    ),
    (
        "another tool wrote a token without accessToken",
        token_from_another_tool,
        "token.invalid",
        "problem",
    ),
    (
        "cached role credentials outlive the session",
        cached_credentials_outlive_session,
        "credentials.cached_after_logout",
        "warning",
    ),
    (
        "the sandbox is not running at endpoint_url",
        sandbox_not_running,
        "net.unreachable",
        "problem",
    ),
    (
        "AWS_CA_BUNDLE points at a missing file",
        missing_ca_bundle,
        "net.ca_bundle_missing",
        "problem",
    ),
]


@pytest.fixture
def restore_assignment(learner) -> Iterator[None]:
    yield
    if learner.removed_assignment:
        learner.sandbox.add_assignment(learner.sandbox.default_user.name, ACCOUNT, ROLE)


@pytest.mark.integration
def test_healthy_setup_has_no_problems(learner):
    logged_in(learner)
    report = doctor(PROFILE)
    assert report.ok, str(report)
    assert report.exit_code == 0
    for finding_id in ("config.session", "token.valid", "clock.ok", "credentials.ok", "s3.ok"):
        assert report.get(finding_id) is not None, str(report)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("breaks", "expected", "status"),
    [pytest.param(b, e, s, id=sid) for sid, b, e, s in MATRIX],
)
def test_doctor_names_the_cause(learner, restore_assignment, breaks, expected, status):
    breaks(learner)
    report = doctor(None if breaks is profile_typo_in_env else PROFILE)
    finding = report.get(expected)
    assert finding is not None, f"{expected} missing from:\n{report}"
    assert finding.status == status, str(report)
    assert finding.cause and finding.fix
    if status == "problem":
        assert report.problems[0].id == expected, str(report)
        assert report.exit_code == EXIT_CODES[finding.stage]
    for secret in ("stale-secret-from-last-week",):
        assert secret not in str(report)


@pytest.mark.integration
def test_permission_set_without_list_buckets(nos3_sandbox, isolated_aws_home, monkeypatch):
    learner = Learner(nos3_sandbox, isolated_aws_home, monkeypatch)
    logged_in(learner, role_name="NoS3")
    report = doctor(PROFILE)
    finding = report.get("s3.access_denied")
    assert finding is not None, str(report)
    assert "NoS3" in finding.found and "s3:ListAllMyBuckets" in finding.cause
    assert report.problems[0].id == "s3.access_denied"
    assert report.exit_code == EXIT_CODES["s3"]
