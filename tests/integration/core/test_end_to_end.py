"""configure -> login -> unmodified boto3 and the `aws` CLI list buckets -> clean-up."""

from __future__ import annotations

import json
import re
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from sso_core_helpers import AWS, PROFILE, SESSION, configure_for, run

from sso_kit import buckets, cache
from sso_kit.errors import AuthorizationDeniedError
from sso_kit.login import DeviceLogin, login

pytestmark = pytest.mark.integration

LIST_BUCKETS = (
    "import boto3\n"
    "for b in boto3.Session(profile_name='dev').client('s3').list_buckets()['Buckets']:\n"
    "    print(b['Name'])\n"
)


def test_configure_login_then_boto3_and_aws_cli_list_buckets(auto_sandbox, botocore_home):
    configure_for(auto_sandbox)
    seen = []
    result = login(PROFILE, on_pending=seen.append)
    assert len(seen) == 1 and seen[0].user_code
    assert result.token_path == cache.token_cache_path(SESSION)

    mine = buckets.create_tutorial_bucket(PROFILE)
    client = buckets.s3_client(PROFILE)
    other = f"not-the-kits-{mine[-8:]}"
    client.create_bucket(Bucket=other)

    # unmodified boto3 in a fresh process: only the files sso_kit wrote, no AWS_* variables
    proc = run([sys.executable, "-c", LIST_BUCKETS], botocore_home)
    assert proc.returncode == 0, proc.stderr
    assert {mine, other} <= set(proc.stdout.split())

    proc = run([AWS, "s3", "ls", "--profile", PROFILE], botocore_home)
    assert proc.returncode == 0, proc.stderr
    line = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+)$")
    names = {line.match(x).group(1) for x in proc.stdout.splitlines()}  # type: ignore[union-attr]
    assert {mine, other} <= names

    # only kit-tagged buckets are deleted by clean-up (the session-wide sandbox may hold
    # other tests' tagged buckets in the same account: those go too, untagged ones stay)
    deleted = buckets.delete_tutorial_buckets(PROFILE)
    assert mine in deleted and other not in deleted
    remaining = {b.name for b in buckets.list_buckets(PROFILE)}
    assert other in remaining and mine not in remaining
    client.delete_bucket(Bucket=other)

    written = sorted(p.relative_to(botocore_home).as_posix() for p in botocore_home.rglob("*"))
    assert ".aws/config" in written
    assert f".aws/sso/cache/{cache.token_cache_path(SESSION).name}" in written
    assert not any(p.startswith(".aws/credentials") for p in written)


def test_manual_approval_through_the_sandbox_form(sandbox, isolated_aws_home):
    configure_for(sandbox)
    flow = DeviceLogin(PROFILE)
    pending = flow.start()
    assert pending.verification_uri.startswith(sandbox.public_url)
    outcome = {}
    poller = threading.Thread(target=lambda: outcome.setdefault("r", flow.wait()))
    poller.start()
    sandbox.approve(pending.user_code)
    poller.join(60)
    assert outcome["r"].expires_at > cache.utc_now()
    doc = json.loads(cache.token_cache_path(SESSION).read_text())
    assert doc["refreshToken"] and doc["startUrl"] == sandbox.start_url


def test_denied_login_raises_and_writes_nothing(sandbox, isolated_aws_home):
    configure_for(sandbox)
    flow = DeviceLogin(PROFILE)
    pending = flow.start()
    sandbox.approve(pending.user_code, allow=False)
    with pytest.raises(AuthorizationDeniedError):
        flow.wait()
    assert not cache.token_cache_path(SESSION).exists()


def test_two_concurrent_logins_open_one_authorization(sandbox, isolated_aws_home, monkeypatch):
    configure_for(sandbox)
    pendings, results = [], []
    approved = threading.Event()
    # the logins overlap for sure: the first approves only once the second is at the lock
    # (a login that starts after the first one's token is written rightly logs in again,
    # with force; on a busy machine the second thread sometimes started that late)
    at_the_lock = threading.Semaphore(0)
    real_acquire = DeviceLogin.acquire

    def acquire(self, *args, **kwargs):
        at_the_lock.release()
        return real_acquire(self, *args, **kwargs)

    monkeypatch.setattr(DeviceLogin, "acquire", acquire)

    def on_pending(p):
        pendings.append(p)
        for _ in range(2):
            assert at_the_lock.acquire(timeout=60), "a login never reached the lock"
        sandbox.approve(p.user_code)
        approved.set()

    def run_login():
        results.append(login(PROFILE, force=True, on_pending=on_pending))

    threads = [threading.Thread(target=run_login) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(pendings) == 1, "the second login must wait and reuse the first one's token"
    assert sorted(r.skipped for r in results) == [False, True]


def test_pkce_login_with_a_loopback_callback(auto_sandbox, isolated_aws_home):
    configure_for(auto_sandbox)

    def browser(pending):
        assert "code_challenge_method=S256" in pending.verification_uri
        # the sandbox approves and redirects to our 127.0.0.1 listener, like a browser would
        threading.Thread(target=urllib.request.urlopen, args=(pending.verification_uri,)).start()

    result = login(PROFILE, method="pkce", force=True, on_pending=browser)
    assert not result.skipped
    key = cache.registration_cache_key(
        auto_sandbox.start_url, auto_sandbox.sso_region, ["sso:account:access"], SESSION
    )
    reg = json.loads((cache.sso_cache_dir() / f"{key}.json").read_text())
    assert reg["grantTypes"] == ["authorization_code", "refresh_token"]


def test_files_are_private(auto_sandbox, isolated_aws_home: Path):
    configure_for(auto_sandbox)
    login(PROFILE)
    for path in (cache.token_cache_path(SESSION), isolated_aws_home / ".aws" / "config"):
        assert path.stat().st_mode & 0o077 == 0, path
    assert cache.sso_cache_dir().stat().st_mode & 0o077 == 0
