"""doctor() on real config and cache files (no server: the endpoint is a closed loopback port).

Every case writes the broken state to the temporary HOME the root conftest provides, runs
doctor, and checks the finding id that names the cause. The live-server cases (portal, S3,
clock skew, revoked tokens) are in tests/integration/doctor.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from kit_cli import run_kit

from sso_kit.cache import (
    cli_cache_dir,
    role_credentials_cache_key,
    save_role_credentials,
    save_token,
    token_cache_path,
    utc_now,
)
from sso_kit.diagnose import EXIT_CODES, Report, doctor

START = "https://my-sso-portal.awsapps.com/start"
CLOSED = "http://127.0.0.1:1"  # nothing listens on port 1: the clock check fails fast
SECRET = "SECRETVALUE-must-never-appear"

GOOD = f"""\
[profile t]
sso_session = s
sso_account_id = 111122223333
sso_role_name = PowerUserAccess
region = us-east-1
endpoint_url = {CLOSED}
[sso-session s]
sso_start_url = {START}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


def write_config(home: Path, text: str) -> None:
    (home / ".aws" / "config").write_text(text, encoding="utf-8")


def write_token(key: str = "s", *, expires_in: timedelta = timedelta(hours=1), **over) -> Path:
    fields = {
        "start_url": START,
        "region": "us-east-1",
        "access_token": SECRET,
        "expires_at": utc_now() + expires_in,
        "client_id": "client-id",
        "client_secret": SECRET,
        "registration_expires_at": (utc_now() + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "refresh_token": SECRET,
    }
    fields.update(over)
    return save_token(key, **fields)


def edited(**changes: str | None) -> str:
    """GOOD with lines replaced (key -> new 'key = value' line) or removed (None)."""
    lines = []
    for line in GOOD.splitlines():
        key = line.split("=")[0].strip()
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key} = {changes[key]}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def run(profile: str | None = "t") -> Report:
    report = doctor(profile)
    text = str(report) + json.dumps(report.to_dict())
    assert SECRET not in text
    return report


# (sentence id, config text, token writer, expected id, expected status)
CONFIG_CASES = [
    (
        "profile name has a typo",
        GOOD.replace("[profile t]", "[profile tt]"),
        "config.profile_missing",
        "problem",
    ),
    (
        "profile written as a bare section",
        GOOD.replace("[profile t]", "[t]"),
        "config.profile_syntax",
        "problem",
    ),
    (
        "sso-session section is missing",
        GOOD.replace("[sso-session s]", "[sso-session other]"),
        "config.session_missing",
        "problem",
    ),
    ("sso-session lacks sso_region", edited(sso_region=None), "config.sso_incomplete", "problem"),
    ("profile lacks the role name", edited(sso_role_name=None), "config.sso_incomplete", "problem"),
    (
        "profile keeps a different start URL than its session",
        GOOD.replace(
            "sso_session = s", "sso_session = s\nsso_start_url = https://other.awsapps.com/start"
        ),
        "config.inconsistent",
        "problem",
    ),
    (
        "profile repeats the session's region",
        GOOD.replace("sso_session = s", "sso_session = s\nsso_region = us-east-1"),
        "config.mixed_keys",
        "warning",
    ),
    (
        "legacy profile without an sso-session",
        f"[profile t]\nsso_start_url = {START}\nsso_region = us-east-1\n"
        f"sso_account_id = 111122223333\nsso_role_name = R\nregion = us-east-1\n"
        f"endpoint_url = {CLOSED}\n",
        "config.legacy",
        "warning",
    ),
    (
        "session has no registration scopes",
        edited(sso_registration_scopes=None),
        "config.scopes_missing",
        "warning",
    ),
    (
        "start URL pasted with #/",
        edited(sso_start_url=START + "/#/"),
        "config.start_url_invalid",
        "problem",
    ),
    (
        "start URL uses http",
        edited(sso_start_url=START.replace("https", "http")),
        "config.start_url_invalid",
        "problem",
    ),
    (
        "sso_region has a typo",
        edited(sso_region="us-east-9"),
        "config.sso_region_invalid",
        "problem",
    ),
    ("profile has no region", edited(region=None), "config.region_missing", "warning"),
    (
        "account id too short",
        edited(sso_account_id="11112222333"),
        "config.account_id_invalid",
        "problem",
    ),
    ("profile does not use SSO", "[profile t]\nregion = us-east-1\n", "config.not_sso", "problem"),
    ("config file is not INI", "[profile t\nregion", "config.unparsable", "problem"),
]


@pytest.mark.parametrize(
    ("text", "expected", "status"),
    [pytest.param(t, e, s, id=sid) for sid, t, e, s in CONFIG_CASES],
)
def test_config_faults_are_named(isolated_aws_home, text, expected, status):
    write_config(isolated_aws_home, text)
    report = run()
    finding = report.get(expected)
    assert finding is not None, str(report)
    assert finding.status == status
    assert finding.cause and finding.fix
    if status == "problem":
        assert report.exit_code == EXIT_CODES["config"]


def _chown_other(path: Path) -> None:
    os.chown(path, 65534, 65534)


TOKEN_CASES = [
    ("never logged in", lambda: None, "token.missing", "problem"),
    (
        "token file is not JSON",
        lambda: (
            token_cache_path("s").parent.mkdir(parents=True, exist_ok=True)
            or token_cache_path("s").write_text("{nope")
        ),
        "token.invalid",
        "problem",
    ),
    (
        "token path is a directory",
        lambda: token_cache_path("s").mkdir(parents=True),
        "token.unreadable",
        "problem",
    ),
    (
        "token expired with no refresh token",
        lambda: write_token(expires_in=-timedelta(minutes=5), refresh_token=None),
        "token.expired",
        "problem",
    ),
    (
        "token expired but refreshable",
        lambda: write_token(expires_in=-timedelta(minutes=5)),
        "token.expired_refreshable",
        "warning",
    ),
    (
        "token has no refresh token",
        lambda: write_token(refresh_token=None),
        "token.no_refresh",
        "warning",
    ),
    (
        "client registration expired",
        lambda: write_token(registration_expires_at="2020-01-01T00:00:00Z"),
        "token.registration_expired",
        "warning",
    ),
    (
        "token expires within fifteen minutes and cannot refresh",
        lambda: write_token(expires_in=timedelta(minutes=5), refresh_token=None),
        "token.expiring_soon",
        "warning",
    ),
    (
        "logged in through another region than sso_region",
        lambda: write_token(region="eu-central-1"),
        "config.sso_region_wrong",
        "problem",
    ),
    (
        "token belongs to another start URL",
        lambda: write_token(start_url="https://other.awsapps.com/start"),
        "token.start_url_mismatch",
        "problem",
    ),
    (
        "token readable by others",
        lambda: os.chmod(write_token(), 0o644),
        "token.permissions",
        "warning",
    ),
    (
        "token owned by another user",
        lambda: _chown_other(write_token()),
        "token.foreign_owner",
        "warning",
    ),
]


@pytest.mark.parametrize(
    ("make", "expected", "status"),
    [pytest.param(m, e, s, id=sid) for sid, m, e, s in TOKEN_CASES],
)
def test_token_cache_faults_are_named(isolated_aws_home, make, expected, status):
    write_config(isolated_aws_home, GOOD)
    make()
    report = run()
    finding = report.get(expected)
    assert finding is not None, str(report)
    assert finding.status == status
    if expected == "token.missing":
        assert str(token_cache_path("s")) in finding.found
        assert report.exit_code == EXIT_CODES["token"]


def test_missing_config_file_stops_in_the_environment_stage(isolated_aws_home):
    report = run()
    assert report.get("env.config_file_missing").status == "problem"
    assert report.exit_code == EXIT_CODES["environment"]
    assert {f.stage for f in report.findings} == {"environment"}


def test_static_keys_are_named_without_their_values(isolated_aws_home, monkeypatch):
    write_config(isolated_aws_home, GOOD)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASTALEKEYEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    report = run()
    finding = report.get("env.static_keys")
    assert finding.status == "problem"
    assert "AWS_ACCESS_KEY_ID" in finding.found
    assert "AKIASTALEKEYEXAMPLE" not in str(report)


def test_profile_variables_that_disagree(isolated_aws_home, monkeypatch):
    write_config(isolated_aws_home, GOOD)
    monkeypatch.setenv("AWS_PROFILE", "t")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "other")
    report = run(None)
    assert report.profile == "t" and report.profile_source == "from AWS_PROFILE"
    assert report.get("env.profile_conflict").status == "warning"


def test_old_botocore_is_a_problem(isolated_aws_home, monkeypatch):
    import botocore

    write_config(isolated_aws_home, GOOD)
    monkeypatch.setattr(botocore, "__version__", "1.29.9")
    assert run().get("env.botocore_old").status == "problem"


def test_aws_cli_v1_from_pypi_is_recognised(isolated_aws_home, monkeypatch):
    write_config(isolated_aws_home, GOOD)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    finding = run().get("env.aws_cli_v1")
    assert finding is not None and "sso-kit login" in finding.fix


def test_cached_role_credentials_after_logout(isolated_aws_home):
    write_config(isolated_aws_home, GOOD)
    key = role_credentials_cache_key("111122223333", "PowerUserAccess", session_name="s")
    save_role_credentials(
        key,
        access_key_id="ASIAEXAMPLE",
        secret_access_key=SECRET,
        session_token=SECRET,
        expiration=utc_now() + timedelta(minutes=50),
        account_id="111122223333",
    )
    assert (cli_cache_dir() / f"{key}.json").exists()
    report = run()
    assert report.get("token.missing").status == "problem"
    assert report.get("credentials.cached_after_logout").status == "warning"


def test_cli_json_and_exit_code(isolated_aws_home):
    write_config(isolated_aws_home, GOOD.replace("[profile t]", "[t]"))
    out = run_kit("doctor", "--profile", "t", "--json")
    assert out.returncode == EXIT_CODES["config"], out.stderr
    data = json.loads(out.stdout)
    assert "config.profile_syntax" in [f["id"] for f in data["findings"]]


def test_cli_explain_reads_stdin(isolated_aws_home):
    out = run_kit(
        "explain",
        "-",
        "--json",
        input="An error occurred (ForbiddenException) when calling the GetRoleCredentials "
        "operation: No access",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["id"] == "credentials.no_access"
    unknown = run_kit("explain", "hello")
    assert unknown.returncode == 1 and "sso-kit doctor" in unknown.stdout
    empty = run_kit("explain", " ")
    assert empty.returncode == 2 and "paste the error message" in empty.stderr


def test_network_finding_masks_proxy_passwords(isolated_aws_home, monkeypatch):
    """The proxy settings doctor echoes must not carry the password in a proxy URL."""
    write_config(isolated_aws_home, GOOD)
    write_token()
    monkeypatch.setenv("HTTPS_PROXY", "http://bob:hunter2-proxy-pass@proxy.example:3128")
    report = run()
    finding = report.get("net.unreachable")
    assert finding is not None and finding.status == "problem"
    assert "proxy.example:3128" in finding.found
    assert "hunter2-proxy-pass" not in str(report) + json.dumps(report.to_dict())
