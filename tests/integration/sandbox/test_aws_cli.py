"""`aws s3 ls` from the PyPI awscli against the sandbox, with a hand-written SSO profile.

The config and token cache are written by hand here in the AWS CLI v2 format;
engineer B's tests cover the variant written by sso_kit itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from _sandbox_flows import login, role_s3

pytestmark = pytest.mark.integration

AWS = Path(sys.executable).with_name("aws")


def write_profile(home: Path, sandbox, token: str, role: str) -> None:
    config = home / ".aws" / "config"
    config.write_text(
        f"[profile sb]\nsso_session = sbs\nsso_account_id = 111122223333\n"
        f"sso_role_name = {role}\nregion = us-east-1\noutput = json\n"
        f"endpoint_url = {sandbox.url}\n"
        f"[sso-session sbs]\nsso_start_url = {sandbox.start_url}\n"
        f"sso_region = {sandbox.sso_region}\nsso_registration_scopes = sso:account:access\n"
    )
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    name = hashlib.sha1(b"sbs").hexdigest() + ".json"
    (cache / name).write_text(
        json.dumps(
            {
                "startUrl": sandbox.start_url,
                "region": sandbox.sso_region,
                "accessToken": token,
                "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    )


def aws(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AWS), *args], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def test_aws_s3_ls_with_sso_profile(sandbox, isolated_aws_home):
    token = login(sandbox)
    bucket = f"cli-{secrets.token_hex(4)}"
    role_s3(sandbox, token, "PowerUserAccess").create_bucket(Bucket=bucket)
    write_profile(isolated_aws_home, sandbox, token, "S3ReadOnly")
    result = aws("s3", "ls", "--profile", "sb")
    assert result.returncode == 0, result.stderr
    assert bucket in result.stdout
    denied = aws("s3", "mb", f"s3://{bucket}-x", "--profile", "sb")
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr


def test_aws_cli_reports_expired_session(sandbox, isolated_aws_home):
    token = login(sandbox)
    write_profile(isolated_aws_home, sandbox, token, "S3ReadOnly")
    sandbox.revoke_tokens("learner")
    result = aws("s3", "ls", "--profile", "sb")
    assert result.returncode != 0
    assert "UnauthorizedException" in result.stderr or "expired" in result.stderr
    assert token not in result.stderr
