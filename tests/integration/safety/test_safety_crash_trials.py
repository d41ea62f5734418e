"""kill -9 at random points of configure and of login (real sandbox on loopback).

Workers fork a child that configures (or logs in) in a loop and SIGKILL it after a random
delay (every other trial: a few random microseconds after a temp file appears, i.e. during a
write), then run the command once more to completion, as the learner's next attempt. After
every kill the config is one whole version (never torn) and every token or registration file
is whole; after the next run no temp file of ours is left and backups stay bounded.
"""

from __future__ import annotations

import json

import pytest
from test_safety_cache_matrix import start_driver

from sso_kit.config import KEEP_BACKUPS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROFILES = "".join(
    f"# team {n}\n[profile team-{n}]\nrole_arn = arn:aws:iam::111122223333:role/R{n}\n"
    "source_profile = default\n\n"
    for n in range(300)
)
CONFIGURE_TRIALS = 100
LOGIN_WORKERS, LOGIN_TRIALS = 2, 50


@pytest.fixture(scope="module")
def trials(auto_sandbox, tmp_path_factory) -> dict[str, list[dict]]:
    specs = [
        (
            "configure",
            {
                "mode": "crash_configure",
                "seed": 1,
                "trials": CONFIGURE_TRIALS,
                "config": "[default]\nregion = eu-west-1\n" + PROFILES,
            },
        )
    ]
    for worker in range(LOGIN_WORKERS):
        specs.append(
            (
                "login",
                {
                    "mode": "crash_login",
                    "seed": 10 + worker,
                    "trials": LOGIN_TRIALS,
                    "max_delay": 0.5,
                    "url": auto_sandbox.url,
                    "start_url": auto_sandbox.start_url,
                },
            )
        )
    jobs = []
    for index, (kind, spec) in enumerate(specs):
        work = tmp_path_factory.mktemp(f"crash-{kind}-{index}")
        home = work / "home"
        (home / ".aws").mkdir(parents=True)
        process = start_driver(work, home, spec)
        jobs.append((kind, process, work))
    results: dict[str, list[dict]] = {"configure": [], "login": []}
    for kind, process, work in jobs:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output.decode(errors="replace")[-3000:]
        results[kind] += json.loads((work / "out.json").read_text())["trials"]
    return results


def summary(kind: str, runs: list[dict]) -> str:
    mid_write = sum(bool(t["left_after_kill"]) for t in runs)
    return f"{kind}: {len(runs)} kill -9 trials, {mid_write} killed mid-write (temp file left)"


def test_configure_survives_kill_9(trials) -> None:
    runs = trials["configure"]
    print(summary("configure", runs))
    assert len(runs) == CONFIGURE_TRIALS
    assert [t for t in runs if t["torn"]] == [], "a kill left a torn config"
    assert [t for t in runs if t["next_run_status"] != 0] == []
    assert [t for t in runs if t["left_after_next_run"]] == [], "a temp file outlived the next run"
    assert max(t["backups"] for t in runs) <= KEEP_BACKUPS
    assert sum(t["torn_backups"] for t in runs) == 0, "a kill left a torn backup"


def test_login_survives_kill_9(trials) -> None:
    runs = trials["login"]
    print(summary("login", runs))
    assert len(runs) == LOGIN_WORKERS * LOGIN_TRIALS
    assert [t["problems"] for t in runs if t["torn"]] == []
    assert [t for t in runs if t["next_run_status"] != 0] == []
    assert all(t["token_ok_after_next_run"] for t in runs)
    assert [t for t in runs if t["left_after_next_run"]] == [], "a temp file outlived the next run"
