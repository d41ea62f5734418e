"""No secret in DEBUG logs: the learner's ``logging.basicConfig(level=DEBUG)`` and
``sso-kit --debug``, for configure, login, the portal calls, S3, status and logout, against the
real sandbox. The secrets looked for are the real ones, read back from the caches."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from sso_kit import redaction

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DRIVER = Path(__file__).with_name("cli_driver.py")


def drive(mode: str, sandbox, tmp_path: Path) -> dict:
    from test_safety_cache_matrix import driver_env

    home = tmp_path / "driver-home"
    (home / ".aws").mkdir(parents=True)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"mode": mode, "url": sandbox.url, "start_url": sandbox.start_url}))
    subprocess.run(
        [sys.executable, str(DRIVER), str(spec), str(tmp_path / "out.json")],
        env=driver_env(home),
        check=True,
        timeout=300,
    )
    return json.loads((tmp_path / "out.json").read_text())


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [f"{s[:4]}…({len(s)} chars)" for s in secrets if s in text]


def test_basicconfig_debug_shows_no_secret(auto_sandbox, tmp_path) -> None:
    result = drive("debug_flow", auto_sandbox, tmp_path)
    log, secrets = result["log"], result["secrets"]
    assert len(secrets) >= 5, "the flow should have produced tokens and credentials"
    for logger in ("botocore.endpoint", "botocore.parsers", "botocore.auth", "urllib3"):
        assert f":{logger}" in log, f"nothing from {logger}: DEBUG was not really on"
    for operation in ("CreateToken", "ListAccounts", "GetRoleCredentials", "ListBuckets", "Logout"):
        assert operation in log
    assert leaks(log, secrets) == []
    assert '"accessToken": "***"' in log and "'x-amz-sso_bearer_token': b'***'" in log


def test_cli_debug_is_safe_to_paste(auto_sandbox, tmp_path) -> None:
    result = drive("debug_cli", auto_sandbox, tmp_path)
    for outcome in result["runs"]:
        assert outcome["traceback"] is None, outcome["traceback"]
        assert outcome["rc"] == 0, outcome
        text = outcome["stdout"] + outcome["stderr"]
        assert leaks(text, result["secrets"]) == [], outcome["argv"]
    login_log = result["runs"][1]["stderr"]
    assert "DEBUG botocore.endpoint" in login_log and "***" in login_log


SECRET_RECORDS = [
    ("botocore.endpoint", "params: %s", ({"headers": {"x-amz-sso_bearer_token": "TOPSECRET1"}},)),
    ("botocore.endpoint", "headers=%s", ({"x-amz-sso_bearer_token": b"TOPSECRET1"},)),
    ("botocore.parsers", "Response body:\n%r", (b'{"accessToken": "TOPSECRET1", "x": 1}',)),
    ("botocore.parsers", "%r", (b'{"refreshToken":"TOPSECRET1"}',)),
    ("botocore.parsers", "%r", (b'{"clientSecret": "TOPSECRET1"}',)),
    ("botocore.parsers", "%r", (b'{"secretAccessKey": "TOPSECRET1", "sessionToken": "T2"}',)),
    ("botocore.auth", "CanonicalRequest:\nx-amz-security-token:TOPSECRET1\n", ()),
    ("botocore.endpoint", "%s", ({"X-Amz-Security-Token": b"TOPSECRET1"},)),
    ("botocore.parsers", "<SessionToken>TOPSECRET1</SessionToken>", ()),
    ("botocore.parsers", "<SecretAccessKey>TOPSECRET1</SecretAccessKey>", ()),
    ("urllib3.connectionpool", "Authorization: Bearer TOPSECRET1", ()),
    ("botocore.endpoint", "%s", ({"body": b'{"code": "TOPSECRET1", "codeVerifier": "V"}'},)),
    ("botocore.endpoint", "%s", ({"body": b"client_secret=TOPSECRET1&grant_type=x"},)),
    ("botocore.endpoint", "%s", ({"body": b'{"deviceCode": "TOPSECRET1"}'},)),
]


@pytest.mark.parametrize(("name", "msg", "args"), SECRET_RECORDS)
def test_filter_masks_every_secret_shape(name, msg, args) -> None:
    redaction.install()
    record = logging.getLogger(name).makeRecord(name, logging.DEBUG, __file__, 1, msg, args, None)
    for logger_filter in logging.getLogger(name).filters:
        logger_filter.filter(record)
    assert "TOPSECRET1" not in record.getMessage()
    assert "***" in record.getMessage()


def test_install_reaches_child_loggers_created_later() -> None:
    child = logging.getLogger("botocore.some.new.module")
    redaction.install()
    assert any(isinstance(f, redaction.RedactingFilter) for f in child.filters)
    redaction.install()
    assert sum(isinstance(f, redaction.RedactingFilter) for f in child.filters) == 1
