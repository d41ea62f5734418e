"""Benchmark: a workshop of 200 learners on one shared workshop sandbox, dashboard open.

The workshop runs as its own process (``python -m sso_kit workshop start --learners N``), as
an instructor would run it. All learners start together (one thread each, bare HTTP client),
each doing the whole flow once as themselves: RegisterClient, StartDeviceAuthorization, the
sign-in pages (code, user name and password, Allow: the learner's browser), CreateToken,
ListAccounts, GetRoleCredentials for their own account, CreateBucket, PutObject, ListBuckets,
Logout. Meanwhile the instructor's dashboard polls its progress API every 2 seconds.

Reported: errors (goal 0), p95 per call, the dashboard's refresh latency, and afterwards a
check that every learner still lists exactly their own bucket with its object, and that the
dashboard counts every learner as logged in, listed and logged out.

    python benchmarks/bench_workshop.py [--learners 200]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bare_http import BareClient, CallFailed
from benchmarks.common import Row, percentile
from sso_kit.processes import stop_process

NAME = "workshop"
P95_GOAL_MS = 1000.0


class Learner(BareClient):
    """A learner's client: the bare flow plus their own account, buckets and the sign-in pages."""

    def signed(
        self, operation: str, method: str, path: str, creds: dict[str, Any], body: bytes = b""
    ) -> bytes:
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        request = AWSRequest(
            method=method, url=f"{self.url}{path}", data=body, headers={"Host": self.host}
        )
        S3SigV4Auth(
            Credentials(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]),
            "s3",
            self.region,
        ).add_auth(request)
        began = time.perf_counter()
        try:
            status, _, raw = self.send(method, path, body or None, dict(request.headers.items()))
        finally:
            self.timings.append((operation, time.perf_counter() - began))
        if status >= 300:
            raise CallFailed(operation, status, raw)
        return raw

    def sign_in(self, user_code: str, user: str, password: str) -> None:
        from sso_kit.workshop.join import sign_in_and_approve

        began = time.perf_counter()
        try:
            sign_in_and_approve(self.url, user_code, user, password)
        finally:
            self.timings.append(("SignIn+Allow (4 pages)", time.perf_counter() - began))

    def workshop_flow(self, user: str, password: str, account: str) -> dict[str, Any]:
        reg = self.register()
        auth = self.start_device_authorization(reg)
        self.sign_in(auth["userCode"], user, password)
        token = self.create_token(reg, auth)["accessToken"]
        self.call(
            "ListAccounts", "GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": token}
        )
        creds = self.role_credentials(token, account=account, role="PowerUserAccess")
        bucket = f"bench-{user}"
        self.signed("CreateBucket", "PUT", f"/{bucket}", creds)
        self.signed("PutObject", "PUT", f"/{bucket}/hello.txt", creds, f"hi from {user}".encode())
        listing = self.signed("ListBuckets", "GET", "/", creds)
        if f"<Name>{bucket}</Name>".encode() not in listing:
            raise CallFailed("ListBuckets", 200, b"own bucket missing from the listing")
        self.call("Logout", "POST", "/logout", headers={"x-amz-sso_bearer_token": token})
        return creds


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_workshop_process(learners: int, folder: Path) -> tuple[subprocess.Popen, dict, dict]:
    port = _free_port()
    log = open(folder / "workshop.log", "wb")  # noqa: SIM115 - owned by the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sso_kit",
            "workshop",
            "start",
            "--learners",
            str(learners),
            "--data-dir",
            str(folder / "data"),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the workshop exited ({process.returncode}); see {folder}/workshop.log"
            )
        try:
            roster = json.loads((folder / "data" / "workshop.json").read_text())
            state = json.loads((folder / "data" / "sandbox-state.json").read_text())
            ready = b"Press Ctrl-C to stop." in (folder / "workshop.log").read_bytes()
            if ready and roster.get("url") and len(state["directory"]["passwords"]) >= learners:
                with urllib.request.urlopen(f"{roster['url']}/_sandbox/health", timeout=10):
                    return process, roster, state["directory"]["passwords"]
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(1)
    process.terminate()
    raise RuntimeError("the workshop did not start within 600 s")


def poll_dashboard(url: str, secret: str, stop: threading.Event, out: list[float]) -> None:
    request = urllib.request.Request(
        f"{url}/_workshop/api/progress", headers={"Authorization": f"Bearer {secret}"}
    )
    while not stop.is_set():
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        out.append(time.perf_counter() - began)
        stop.wait(2.0)


def run(quick: bool, workdir: Path, learners: int | None = None) -> list[Row]:
    count = learners or (20 if quick else 200)
    workdir.mkdir(parents=True, exist_ok=True)
    began_start = time.perf_counter()
    process, roster, passwords = start_workshop_process(count, workdir)
    start_seconds = time.perf_counter() - began_start
    url, secret = roster["url"], roster["secret"]

    start_url = json.loads(urllib.request.urlopen(f"{url}/_sandbox/health").read())["start_url"]
    stop, dashboard = threading.Event(), []
    poller = threading.Thread(
        target=poll_dashboard, args=(url, secret, stop, dashboard), daemon=True
    )
    results: dict[str, dict[str, Any]] = {}
    barrier = threading.Barrier(count + 1)

    def learner(name: str) -> None:
        client = Learner(url, start_url, timeout=120)
        out: dict[str, Any] = {"errors": []}
        results[name] = out
        try:
            barrier.wait(timeout=300)
            out["creds"] = client.workshop_flow(name, passwords[name], roster["accounts"][name])
        except Exception as exc:  # counted; messages carry no secrets (CallFailed redacts)
            out["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            out["timings"] = client.timings
            client.close()

    try:
        poller.start()
        threads = [
            threading.Thread(target=learner, args=(n,), daemon=True) for n in roster["learners"]
        ]
        for t in threads:
            t.start()
        barrier.wait(timeout=300)
        began = time.perf_counter()
        for t in threads:
            t.join(timeout=1800)
        wall = time.perf_counter() - began
        stop.set()
        poller.join(timeout=120)

        # afterwards: every learner's bucket intact, listed by them alone
        intact = 0
        for name in roster["learners"]:
            creds = results[name].get("creds")
            if not creds:
                continue
            client = Learner(url, start_url, timeout=120)
            try:
                listing = client.signed("ListBuckets", "GET", "/", creds)
                names = [p.split(b"</Name>")[0] for p in listing.split(b"<Name>")[1:]]
                body = client.signed("GetObject", "GET", f"/bench-{name}/hello.txt", creds)
                intact += names == [f"bench-{name}".encode()] and body == f"hi from {name}".encode()
            finally:
                client.close()
        request = urllib.request.Request(
            f"{url}/_workshop/api/progress", headers={"Authorization": f"Bearer {secret}"}
        )
        rows_now = json.loads(urllib.request.urlopen(request, timeout=60).read())["learners"]
        counted = sum(
            1
            for r in rows_now
            if r["learner"] in roster["learners"]
            and all(
                r["steps"][s] for s in ("configured", "logged_in", "listed_buckets", "logged_out")
            )
        )
    finally:
        stop_process(process, 120.0)  # it saves 200 accounts' state first: give it time

    errors = [e for r in results.values() for e in r["errors"]]
    per_op: dict[str, list[float]] = defaultdict(list)
    for r in results.values():
        for op, seconds in r["timings"]:
            per_op[op].append(seconds)
    rows = [
        Row(
            NAME,
            f"{count} learners: errors",
            float(len(errors)),
            "errors",
            goal="0",
            note="; ".join(sorted(set(errors)))[:300],
            headline=True,
        ),
        Row(
            NAME,
            f"{count} learners: buckets intact afterwards",
            float(intact),
            "learners",
            goal=f"{count}",
            headline=True,
        ),
        Row(
            NAME,
            f"{count} learners: dashboard counts them done",
            float(counted),
            "learners",
            goal=f"{count}",
        ),
        Row(NAME, "whole room, wall clock", wall, "s"),
        Row(NAME, "workshop start (process, seeding)", start_seconds, "s"),
        Row(
            NAME,
            "dashboard refresh p95 (during the burst)",
            percentile(dashboard, 95) * 1000,
            "ms",
            note=f"{len(dashboard)} refreshes, max {max(dashboard, default=0) * 1000:.0f} ms",
            headline=True,
        ),
    ]
    for op in sorted(per_op, key=lambda o: -percentile(per_op[o], 95)):
        rows.append(
            Row(
                NAME,
                f"p95 {op}",
                percentile(per_op[op], 95) * 1000,
                "ms",
                goal=f"< {P95_GOAL_MS:.0f}",
                note=f"{len(per_op[op])} calls",
            )
        )
    return rows


if __name__ == "__main__":
    import argparse
    import tempfile

    from benchmarks.common import markdown_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-workshop-") as tmp:
        os.environ.setdefault("HOME", tmp)
        print(markdown_table(run(False, Path(tmp), args.learners)))
