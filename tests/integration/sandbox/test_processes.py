"""The sandbox as a process: `sso-kit sandbox` in the foreground, ensure_running, --data-dir."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest
from _sandbox_flows import client, login, role_s3

from sso_kit.errors import SandboxError
from sso_kit.sandbox import Sandbox

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def wait_for(path, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            try:
                return json.loads(path.read_text())
            except ValueError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"{path} never appeared")


@pytest.mark.parametrize("sigint", ["default", "ignored"])  # "ignored": started by `cmd &`
def test_foreground_command_prints_details_and_stops_cleanly_on_ctrl_c(tmp_path, sigint):
    state = tmp_path / "sandbox.json"
    handler = signal.SIG_IGN if sigint == "ignored" else signal.SIG_DFL
    process = subprocess.Popen(
        [sys.executable, "-m", "sso_kit", "sandbox", "--port", "0", "--state-file", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, handler),
    )
    try:
        data = wait_for(state)
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
        assert data["start_url"] == "https://my-sso-portal.awsapps.com/start"
        assert data["sso_region"] == "us-east-1" and data["default_user"] == "learner"
        assert Sandbox._health(data["url"])["service"] == "sso-kit-sandbox"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert data["url"] in out and "learner" in out and "us-east-1" in out
    assert "starting clean" in out and "Sandbox stopped." in out
    assert not state.exists()


def test_non_loopback_host_warns_and_bad_fault_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sso_kit", "sandbox", "--fault", "nonsense"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "OPERATION=KIND" in result.stderr


def test_ensure_running_finds_the_state_file_then_the_environment(tmp_path, monkeypatch):
    state = tmp_path / "sandbox.json"
    spawned = Sandbox.ensure_running(state_file=state)
    try:
        found = Sandbox.ensure_running(state_file=state)
        assert found.url == spawned.url and found.pid == spawned.pid
        assert found.default_user.name == "learner"
        token = login(found)  # approve() of a found handle goes over the admin API
        assert client(found, "sso").list_accounts(accessToken=token)["accountList"]
        monkeypatch.setenv("SSO_KIT_SANDBOX_URL", spawned.url)
        by_env = Sandbox.ensure_running(state_file=tmp_path / "other.json")
        assert by_env.url == spawned.url and by_env.start_url == spawned.start_url
        # Found by URL alone, a handle has no admin secret: admin calls are refused ...
        with pytest.raises(SandboxError, match="no valid admin secret"):
            by_env.revoke_tokens()
        # ... unless the environment hands it over too, as `sso-kit lab` and binder do.
        monkeypatch.setenv("SSO_KIT_SANDBOX_ADMIN_KEY", spawned.admin_key)
        Sandbox.ensure_running(state_file=tmp_path / "other.json").revoke_tokens()
        monkeypatch.delenv("SSO_KIT_SANDBOX_ADMIN_KEY")
        # With the same sandbox's state file at hand (as under `sso-kit lab`), the handle
        # found by URL also knows the sign-in password, so notebooks can show it.
        assert by_env.default_user is None
        with_state = Sandbox.ensure_running(state_file=state)
        assert with_state.url == spawned.url
        assert with_state.default_user.password == found.default_user.password
    finally:
        spawned.terminate()


def test_data_dir_survives_a_restart(tmp_path):
    data_dir = tmp_path / "data"
    state = tmp_path / "sandbox.json"
    first = Sandbox.spawn(state_file=state, data_dir=data_dir)
    try:
        password = first.default_user.password
        token = login(first)
        s3 = role_s3(first, token, "PowerUserAccess")
        s3.create_bucket(Bucket="kept-bucket")
        s3.put_bucket_tagging(
            Bucket="kept-bucket", Tagging={"TagSet": [{"Key": "created-by", "Value": "sso-kit"}]}
        )
        s3.put_object(Bucket="kept-bucket", Key="notes.txt", Body=b"hello")
    finally:
        first.terminate()  # SIGTERM: the sandbox saves its state before exiting
    assert stat.S_IMODE(os.stat(data_dir / "sandbox-state.json").st_mode) == 0o600

    second = Sandbox.spawn(state_file=state, data_dir=data_dir)
    try:
        assert second.url != "" and second.default_user.password == password
        accounts = client(second, "sso").list_accounts(accessToken=token)  # session kept
        assert accounts["accountList"][0]["accountId"] == "111122223333"
        s3 = role_s3(second, token, "S3ReadOnly")
        assert "kept-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
        assert s3.get_object(Bucket="kept-bucket", Key="notes.txt")["Body"].read() == b"hello"
        power = role_s3(second, token, "PowerUserAccess")
        tags = power.get_bucket_tagging(Bucket="kept-bucket")["TagSet"]
        assert tags == [{"Key": "created-by", "Value": "sso-kit"}]
    finally:
        second.terminate()


def test_learners_have_isolated_sessions(tmp_path):
    sb = Sandbox.spawn(state_file=tmp_path / "sandbox.json", learners=2)
    try:
        users = sb.users
        assert {"learner", "learner01", "learner02"} <= set(users)
        one = login(sb, "learner01", users["learner01"].password)
        two = login(sb, "learner02", users["learner02"].password)
        sso = client(sb, "sso")
        assert sb.revoke_tokens("learner01") == 1
        with pytest.raises(sso.exceptions.UnauthorizedException):
            sso.list_accounts(accessToken=one)
        assert sso.list_accounts(accessToken=two)["accountList"]
    finally:
        sb.terminate()


def test_spawned_sandbox_log_holding_passwords_is_owner_only(tmp_path):
    state = tmp_path / "sandbox.json"
    log_path = state.with_suffix(".log")
    log_path.write_text("old run\n")
    log_path.chmod(0o644)
    sb = Sandbox.spawn(state_file=state)
    try:
        # The banner (with sign-in passwords) goes to this log.
        assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    finally:
        sb.terminate()


def _cpus_of_every_thread(pid: int) -> set[str]:
    """Each thread's ``Cpus_allowed_list`` from /proc (the server's workers included)."""
    seen = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Cpus_allowed_list:"):
                    seen.add(line.split(":", 1)[1].strip())
    return seen


def test_the_sandbox_process_serves_from_one_cpu_and_all_keeps_every_cpu(tmp_path, monkeypatch):
    """``sso-kit sandbox`` keeps its threads on one CPU it may use (GIL hand-offs stay on one
    core); ``SSO_KIT_SANDBOX_CPU=all`` leaves it on all of them."""
    allowed = sorted(os.sched_getaffinity(0))
    monkeypatch.delenv("SSO_KIT_SANDBOX_CPU", raising=False)
    pinned = Sandbox.spawn(state_file=tmp_path / "pinned" / "sandbox.json")
    monkeypatch.setenv("SSO_KIT_SANDBOX_CPU", "all")
    spread = Sandbox.spawn(state_file=tmp_path / "spread" / "sandbox.json")
    try:
        for sb in (pinned, spread):  # serve a whole flow: every worker has started
            s3 = role_s3(sb, login(sb), "S3ReadOnly")
            assert "Buckets" in s3.list_buckets()
        mine = _cpus_of_every_thread(os.getpid())
        one = _cpus_of_every_thread(pinned.pid)
        if len(allowed) >= 2:  # every thread on the same one of the allowed CPUs
            assert len(one) == 1 and int(next(iter(one))) in allowed
        else:
            assert one == mine
        assert len(os.listdir(f"/proc/{pinned.pid}/task")) > 10  # the workers are there
        assert _cpus_of_every_thread(spread.pid) == mine
    finally:
        pinned.terminate()
        spread.terminate()
