"""Steps 05-09 done with the real AWS CLI v2 (through a pty) and with sso-kit: same checks.

The sandbox is real (loopback, port 0) and auto-approves sign-ins for its default user; boto3
and the CLI are unmodified. The terminal's environment is what the kit's Lab terminals give:
``AWS_ENDPOINT_URL`` pointing at the sandbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import boto3
import pexpect
import pytest

from sso_kit.course import checks
from sso_kit.course.checks import Target, check

pytestmark = pytest.mark.slow
PROFILE, SESSION = "sso-kit-tutorial", "sso-kit"


@pytest.fixture
def target(auto_sandbox) -> Target:
    return Target(
        profile=PROFILE,
        sso_session=SESSION,
        start_url=auto_sandbox.start_url,
        sso_region=auto_sandbox.sso_region,
        endpoint_url=auto_sandbox.url,
        region="us-east-1",
    )


@pytest.fixture
def terminal_env(auto_sandbox, isolated_aws_home) -> dict[str, str]:
    """A Lab terminal's environment in the sandbox: HOME, config path, AWS_ENDPOINT_URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(isolated_aws_home),
        AWS_CONFIG_FILE=os.environ["AWS_CONFIG_FILE"],
        AWS_ENDPOINT_URL=auto_sandbox.url,
        BROWSER="true",
    )
    return env


@pytest.fixture
def tutorial_bucket(auto_sandbox) -> Iterator[str]:
    """Step 03's work: the administrator creates a bucket tagged created-by=sso-kit (and
    removes it afterwards if the test did not, so other tests see no stray bucket)."""
    key_id, secret = auto_sandbox.admin_credentials()
    s3 = boto3.session.Session(
        aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1"
    ).client("s3", endpoint_url=auto_sandbox.url)
    name = f"sso-kit-tutorial-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(
        Bucket=name, Tagging={"TagSet": [{"Key": "created-by", "Value": "sso-kit"}]}
    )
    yield name
    if name in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.delete_bucket(Bucket=name)


def aws(aws_v2: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [aws_v2, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def configure_sso(aws_v2: str, env: dict[str, str], sb, client_region: str) -> str:
    """``aws configure sso --use-device-code``, answering each prompt as step 05 says."""
    child = pexpect.spawn(
        aws_v2,
        ["configure", "sso", "--profile", PROFILE, "--use-device-code"],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(40, 200),
    )
    answers = [
        ("SSO session name", SESSION),
        ("SSO start URL", sb.start_url),
        ("SSO region", sb.sso_region),
        ("SSO registration scopes", ""),
    ]
    for prompt, answer in answers:
        child.expect(prompt)
        child.sendline(answer)
    if child.expect(["accounts available", "only AWS account"]) == 0:
        child.expect("111122223333")
        child.send("\r")
    if child.expect(["roles available", "only role"]) == 0:
        child.expect("S3ReadOnly")  # the menu is drawn; PowerUserAccess is highlighted first
        child.send("\r")
    child.expect("Default client Region")
    child.sendline(client_region)
    child.expect("output format")
    child.sendline("json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


def test_every_check_passes_after_the_cli_v2_path(
    aws_v2, auto_sandbox, terminal_env, target, tutorial_bucket, isolated_aws_home
):
    # 05: aws configure sso, but Enter at "Default client Region": the check names it
    configure_sso(aws_v2, terminal_env, auto_sandbox, client_region="")
    result = check("05", target, context="terminal")
    assert not result.ok
    assert [m for m in result.missing if "has no region" in m]
    assert result.hint == f"aws configure set region us-east-1 --profile {PROFILE}"
    assert aws(aws_v2, terminal_env, *result.hint.split()[1:]).returncode == 0
    # this test process, like a notebook kernel, has no AWS_ENDPOINT_URL: the next hint is the
    # recipe's last line, which lets kernels and terminals outside Lab find the sandbox too
    result = check("05", target, context="terminal")
    assert [m for m in result.missing if "has no endpoint_url" in m], result.report()
    assert result.hint == checks.terminal_steps("05", target).splitlines()[-1]
    assert aws(aws_v2, terminal_env, *result.hint.split()[1:]).returncode == 0
    assert check("05", target, context="terminal").ok

    # 06: configure sso logged in already; the checks see the CLI's token and the role
    result = check("06", target, context="terminal")
    assert result.ok, result.report()
    assert "accessToken" in checks.token_summary(SESSION)

    # 07: aws s3 ls and sts get-caller-identity work; the CLI caches role credentials
    listing = aws(aws_v2, terminal_env, "s3", "ls", "--profile", PROFILE)
    assert listing.returncode == 0, listing.stderr
    assert tutorial_bucket in listing.stdout
    who = aws(aws_v2, terminal_env, "sts", "get-caller-identity", "--profile", PROFILE)
    assert who.returncode == 0, who.stderr
    assert "assumed-role/AWSReservedSSO_PowerUserAccess" in who.stdout
    result = check("07", target, context="terminal", list_buckets=_lister(PROFILE))
    assert result.ok, result.report()
    assert any("~/.aws/cli/cache/" in n for n in result.notes)

    # 08: before logout the check says what to type; after it, it passes
    assert check("08", target, context="terminal").hint == f"aws sso logout --profile {PROFILE}"
    out = aws(aws_v2, terminal_env, "sso", "logout", "--profile", PROFILE)
    assert out.returncode == 0, out.stderr
    assert check("08", target, context="terminal").ok

    # 09 (terminal): rb the bucket after logging in again; then the check says what is left
    login = aws(aws_v2, terminal_env, "sso", "login", "--profile", PROFILE, "--use-device-code")
    assert login.returncode == 0, login.stderr
    rb = aws(
        aws_v2, terminal_env, "s3", "rb", f"s3://{tutorial_bucket}", "--force", "--profile", PROFILE
    )
    assert rb.returncode == 0, rb.stderr
    aws(aws_v2, terminal_env, "sso", "logout", "--profile", PROFILE)
    admin = SimpleNamespace(sandbox=auto_sandbox, use_sandbox=True, endpoint_url=auto_sandbox.url)
    lister = checks.bucket_lister(admin, "09")  # the profile has no login left: the admin's key
    result = check("09", target, context="terminal", list_buckets=lister, keep_profile=True)
    assert not [m for m in result.missing if "bucket" in m], result.report()
    registration = [m for m in result.missing if "Files the kit created" in m]
    assert registration and ".aws/sso/cache/" in registration[0]  # the tutorial's client
    assert result.hint.startswith("rm -rf ")
    subprocess.run(["sh", "-c", result.hint], check=True)
    assert check("09", target, context="terminal", list_buckets=lister, keep_profile=True).ok


def test_the_sso_kit_cli_check_command_in_a_terminal(aws_v2, auto_sandbox, terminal_env):
    def sso_kit_check(step: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sso_kit", "check", step, "--start-url", auto_sandbox.start_url],
            env=terminal_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    before = sso_kit_check("05")
    assert before.returncode == 10
    assert f"Run aws configure sso --profile {PROFILE}" in before.stdout
    assert "sso-kit: error" not in before.stderr
    configure_sso(aws_v2, terminal_env, auto_sandbox, client_region="us-east-1")
    after = sso_kit_check("05")
    assert after.returncode == 0, after.stdout
    assert "Step 05 is done." in after.stdout
    assert sso_kit_check("06").returncode == 0
    recorded = checks.load_results()
    assert [(r["step"], r["ok"], r["path"]) for r in recorded] == [
        ("05", False, "terminal"),
        ("05", True, "terminal"),
        ("06", True, "terminal"),
    ]


def test_every_check_passes_after_the_sso_kit_path_and_the_files_match_the_cli(
    aws_v2, auto_sandbox, terminal_env, target, tutorial_bucket, isolated_aws_home
):
    from sso_kit.config import configure_profile, load_config
    from sso_kit.login import login
    from sso_kit.logout import logout

    def save_form(**role: str) -> None:  # what step 05's form (and 06's picker) write
        configure_profile(PROFILE, sso_session=SESSION, start_url=auto_sandbox.start_url,
                          sso_region=auto_sandbox.sso_region, region="us-east-1",
                          endpoint_url=auto_sandbox.url, **role)  # fmt: skip

    save_form()
    kit_config = load_config()
    assert check("05", target).ok
    assert "no token file" in check("06", target).missing[0]
    login(sso_session=SESSION)
    assert check("06", target).missing == [
        f"[profile {PROFILE}] has no sso_account_id.",
        f"[profile {PROFILE}] has no sso_role_name.",
    ]
    save_form(account_id="111122223333", role_name="PowerUserAccess")
    assert check("06", target).ok
    assert check("07", target, list_buckets=_lister(PROFILE)).ok
    # the real CLI reads what sso-kit wrote
    listing = aws(aws_v2, terminal_env, "s3", "ls", "--profile", PROFILE)
    assert tutorial_bucket in listing.stdout, listing.stderr
    logout(SESSION)
    result = check("08", target)
    assert [m for m in result.missing if "role credential" in m] == []
    assert result.ok, result.report()

    # the same keys as aws configure sso writes (sso-kit adds endpoint_url for the sandbox)
    os.rename(os.environ["AWS_CONFIG_FILE"], os.environ["AWS_CONFIG_FILE"] + ".kit")
    configure_sso(aws_v2, terminal_env, auto_sandbox, client_region="us-east-1")
    cli_config = load_config()
    kit_keys = set(kit_config["profiles"][PROFILE]) - {"endpoint_url"}
    assert kit_keys | {"sso_account_id", "sso_role_name"} == set(cli_config["profiles"][PROFILE])
    assert kit_config["sso_sessions"][SESSION] == cli_config["sso_sessions"][SESSION]


def _lister(profile: str):
    def names() -> list[str]:
        from sso_kit.buckets import list_buckets

        return [b.name for b in list_buckets(profile)]

    return names
