"""Run ``sso-kit`` commands in this (fresh) process and report each outcome as JSON.

Used by the safety tests as a subprocess: ``python cli_driver.py SPEC.json OUT.json``. Each
command goes through ``sso_kit.cli.main`` exactly as the console script does; an exception
that escapes it is reported as a traceback, and a command still running after
``timeout`` seconds (SIGALRM) is reported as a hang. One process runs many commands so the
imports are paid once. HOME must already point at the test's home when this starts: botocore
fixes its token folder at import time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import signal
import sys
import traceback
from pathlib import Path
from typing import Any


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def run(argv: list[str], timeout: int = 60) -> dict[str, Any]:
    """One CLI run: rc, stdout, stderr, traceback (text or None), hang (bool)."""
    from sso_kit.cli import main

    out, err = io.StringIO(), io.StringIO()
    result: dict[str, Any] = {"argv": argv, "rc": None, "traceback": None, "hang": False}
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result["rc"] = main(argv)
    except Hang:
        result["hang"] = True
    except SystemExit as exc:  # argparse
        result["rc"] = exc.code
    except BaseException:
        result["traceback"] = traceback.format_exc()
    finally:
        signal.alarm(0)
    result["stdout"], result["stderr"] = out.getvalue(), err.getvalue()
    return result


def fingerprint(path: Path) -> str | None:
    """sha256 of a regular file's bytes, a kind name for anything else, None if absent."""
    import os
    import stat

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link:" + os.readlink(path)
    if not stat.S_ISREG(mode):
        return f"mode:{stat.S_IFMT(mode)}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _configure_p(spec: dict[str, Any]) -> None:
    """Profile ``p`` on sso-session ``s``, pointed at the test's sandbox."""
    from sso_kit.config import configure_profile

    configure_profile(
        "p",
        sso_session="s",
        start_url=spec["start_url"],
        sso_region="us-east-1",
        account_id="111122223333",
        role_name="PowerUserAccess",
        endpoint_url=spec["url"],
    )


def cache_matrix(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each cache variant x status, ls, doctor, login, logout (see test_safety_cache_matrix)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from cache_variants import place

    from sso_kit.cache import load_token, token_cache_path

    _configure_p(spec)
    path = token_cache_path("s")
    commands = {
        "status": ["status", "--profile", "p"],
        "ls": ["ls", "--profile", "p"],
        "doctor": ["doctor", "--profile", "p"],
        "login": ["login", "--profile", "p", "--no-browser"],
        "logout": ["logout", "--sso-session", "s"],
    }
    results = []
    for variant in spec["variants"]:
        for name, argv in commands.items():
            place(variant, path)
            before = fingerprint(path)
            outcome = run(argv)
            outcome.update(variant=variant, command=name, before=before, after=fingerprint(path))
            try:
                outcome["token_ok_after"] = load_token("s") is not None
            except Exception as exc:
                outcome["token_ok_after"] = False
                outcome["token_error_after"] = type(exc).__name__
            results.append(outcome)
    return results


def commands(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Plain list of argv lists, each with an optional config text written first."""
    from sso_kit.config import config_path

    results = []
    for case in spec["cases"]:
        path = config_path()
        if "config" in case:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(case["config"].encode("latin-1"))
        before = fingerprint(path)
        outcome = run(case["argv"])
        outcome.update(id=case["id"], before=before, after=fingerprint(path))
        results.append(outcome)
    return results


def _secrets_on_disk() -> set[str]:
    """Every token, client secret and role credential now in the caches."""
    from sso_kit.cache import cli_cache_dir, sso_cache_dir

    found: set[str] = set()
    for folder in (sso_cache_dir(), cli_cache_dir()):
        for path in folder.glob("*.json") if folder.is_dir() else []:
            doc = json.loads(path.read_text())
            creds = doc.get("Credentials", {})
            for value in (
                doc.get("accessToken"),
                doc.get("refreshToken"),
                doc.get("clientSecret"),
                creds.get("SecretAccessKey"),
                creds.get("SessionToken"),
            ):
                if value:
                    found.add(value)
    return found


def debug_flow(spec: dict[str, Any]) -> dict[str, Any]:
    """The whole tutorial flow with the learner's ``logging.basicConfig(level=DEBUG)``."""
    import logging

    log = io.StringIO()
    logging.basicConfig(level=logging.DEBUG, stream=log, force=True)
    from sso_kit.buckets import create_tutorial_bucket, delete_tutorial_buckets, list_buckets
    from sso_kit.login import login
    from sso_kit.logout import logout
    from sso_kit.portal import get_role_credentials, list_account_roles, list_accounts

    _configure_p(spec)
    login("p", force=True)
    accounts = list_accounts(profile="p")
    list_account_roles(accounts[0].account_id, profile="p")
    credentials = get_role_credentials(profile="p")
    create_tutorial_bucket("p")
    list_buckets("p")
    delete_tutorial_buckets("p")
    secrets = _secrets_on_disk() | {credentials.secret_access_key, credentials.session_token}
    logout("s")
    return {"log": log.getvalue(), "secrets": sorted(secrets)}


def debug_cli(spec: dict[str, Any]) -> dict[str, Any]:
    """``sso-kit --debug`` for configure, login, status, ls, logout: what a learner pastes."""
    argv_list = [
        [
            "--debug",
            "configure",
            "--profile",
            "p",
            "--sso-session",
            "s",
            "--start-url",
            spec["start_url"],
            "--sso-region",
            "us-east-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "PowerUserAccess",
            "--endpoint-url",
            spec["url"],
        ],
        ["--debug", "login", "--profile", "p", "--no-browser", "--force"],
        ["--debug", "status", "--profile", "p"],
        ["--debug", "ls", "--profile", "p"],
    ]
    runs = [run(argv) for argv in argv_list]
    secrets = _secrets_on_disk()
    runs.append(run(["--debug", "logout", "--sso-session", "s"]))
    return {"runs": runs, "secrets": sorted(secrets)}


def _kill_at_random(
    work: Any, rng: Any, low: float, high: float, watch: Path | None = None
) -> None:
    """Fork a child that runs ``work`` forever; SIGKILL it after a random delay.

    With ``watch``, the kill instead comes a few random microseconds after a temp file
    appears there (or at the deadline): a kill while the write is in flight.
    """
    import os
    import time

    pid = os.fork()
    if pid == 0:  # child: no cleanup handlers, no return
        try:
            while True:
                work()
        finally:
            os._exit(1)
    if watch is None:
        time.sleep(rng.uniform(low, high))
    else:
        deadline = time.monotonic() + high * 10
        while time.monotonic() < deadline and not _temp_files(watch):
            time.sleep(0.0002)
        time.sleep(rng.uniform(0, 0.003))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _run_to_completion(work: Any) -> int:
    """``work()`` once in a forked child (fresh connections); its exit status."""
    import os

    pid = os.fork()
    if pid == 0:
        try:
            work()
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".*.tmp")) if folder.is_dir() else []


def crash_configure(spec: dict[str, Any]) -> dict[str, Any]:
    """kill -9 at random points of configure: the config is always one whole version."""
    import random

    from sso_kit.config import BACKUP_PREFIX, config_path, configure_profile

    rng = random.Random(spec["seed"])
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    original = spec["config"].encode()
    regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"]

    def write(region: str) -> None:
        configure_profile(
            "dev",
            sso_session="my-sso",
            start_url="https://d-1234567890.awsapps.com/start",
            sso_region="us-east-1",
            account_id="111122223333",
            role_name="ReadOnly",
            region=region,
        )

    valid = {hashlib.sha256(original).hexdigest()}
    for region in regions:
        path.write_bytes(original)
        write(region)
        valid.add(hashlib.sha256(path.read_bytes()).hexdigest())
    for stale in path.parent.glob(f"config{BACKUP_PREFIX}*"):
        stale.unlink()
    path.write_bytes(original)
    counter = iter(range(10**9))
    trials = []
    for index in range(spec["trials"]):
        _kill_at_random(
            lambda: write(regions[next(counter) % len(regions)]),
            rng,
            0,
            0.15,
            watch=path.parent if index % 2 else None,  # every other kill aims at a write
        )
        left = _temp_files(path.parent)
        torn = hashlib.sha256(path.read_bytes()).hexdigest() not in valid
        status = _run_to_completion(lambda: write(rng.choice(regions)))  # the next run
        backups = sorted(path.parent.glob(f"config{BACKUP_PREFIX}*"))
        trials.append(
            {
                "torn": torn,
                "left_after_kill": left,
                "left_after_next_run": _temp_files(path.parent),
                "next_run_status": status,
                "backups": len(backups),
                "torn_backups": sum(
                    hashlib.sha256(b.read_bytes()).hexdigest() not in valid for b in backups
                ),
            }
        )
    return {"trials": trials}


def crash_login(spec: dict[str, Any]) -> dict[str, Any]:
    """kill -9 at random points of login: the token file is absent or one whole token."""
    import random

    from sso_kit.cache import load_registration, load_token, sso_cache_dir
    from sso_kit.config import session_config, sso_client
    from sso_kit.login import login

    rng = random.Random(spec["seed"])
    _configure_p(spec)
    # Parse the service models here, once: forked children inherit them. (No request is made
    # here, so no connection is shared with a child.)
    sso_client("sso-oidc", session_config("p"))
    folder = sso_cache_dir()
    trials = []
    for index in range(spec["trials"]):
        _kill_at_random(
            lambda: login("p", force=True),
            rng,
            0,
            spec["max_delay"],
            watch=folder if index % 2 else None,  # every other kill aims at a write
        )
        left = _temp_files(folder)
        problems = []
        for path in folder.glob("*.json") if folder.is_dir() else []:
            try:
                if "accessToken" in path.read_text():
                    load_token("s")
                elif load_registration(path.stem) is None:
                    problems.append(f"{path.name}: unreadable registration")
            except Exception as exc:
                problems.append(f"{path.name}: {type(exc).__name__}")
        status = _run_to_completion(lambda: login("p", force=True))  # the next run
        trials.append(
            {
                "torn": bool(problems),
                "problems": problems,
                "left_after_kill": left,
                "left_after_next_run": _temp_files(folder),
                "next_run_status": status,
                "token_ok_after_next_run": load_token("s") is not None,
            }
        )
    return {"trials": trials}


if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text())
    modes = {
        "cache_matrix": cache_matrix,
        "commands": commands,
        "debug_flow": debug_flow,
        "debug_cli": debug_cli,
        "crash_configure": crash_configure,
        "crash_login": crash_login,
    }
    mode = modes[spec["mode"]]
    Path(sys.argv[2]).write_text(json.dumps(mode(spec)))
