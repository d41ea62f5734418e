"""A learner's walk-through of steps 05-09 in a JupyterLab terminal with the real AWS CLI v2, timed.

Why: the tutorial promises that steps 05-09 can be done entirely in a Lab terminal and that every
step's **Check my work** then goes green. This script does exactly what a learner does, in a
fresh HOME: ``sso-kit lab`` (the real command), headless Chromium typing into the Lab terminal
(``aws configure sso``, ``aws sso login --use-device-code`` approved in a second tab on the
sandbox's sign-in pages, ``aws s3 ls``, ``aws sts get-caller-identity``, ``aws sso logout``,
``aws s3 rb``), and after each step the step's notebook, run, with its Check my work clicked.
It prints one row per step: seconds (machine time, no reading or thinking) and the check's
outcome. Screenshots go to ``artifacts/walkthrough/``.

    .venv/bin/python scripts/walkthrough.py --awscli-from PATH   # a CLI v2 wheel or sdist

``--awscli-from`` is only needed when ``~/.sso-kit``'s CLI v2 cache (``--awscli-dir``) is
empty; the default cache is the one the CLI v2 tests fill (``.venv/awscli-v2``).

The only thing the script changes in the learner's set-up is JupyterLab's terminal
``screenReaderMode`` (xterm then keeps its text in the page, where the script reads it).
Exit status: 0 when every check went green, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the browser test's helpers, not duplicated

from e2e_harness import CHROMIUM, CHROMIUM_ARGS, JupyterServer  # noqa: E402
from test_e2e_learner_journey import TIMEOUT, USER_CODE, open_and_run  # noqa: E402
from test_e2e_terminal import terminal_text, type_in_terminal  # noqa: E402

SHOTS = ROOT / "artifacts" / "walkthrough"
PROFILE = "sso-kit-tutorial"
SESSION = "sso-kit"
PS1 = "learner$ "  # a prompt the script can find (root's "#" prompt would do, but less clearly)
PROMPT = re.compile(r"^learner\$ ", re.M)


@dataclass
class User:
    name: str
    password: str


@dataclass
class Row:
    step: str
    what: str
    seconds: float
    check: str


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


# -- the lab, as a learner starts it -------------------------------------------------------------
def start_lab(home: Path, log: Path) -> tuple[subprocess.Popen[Any], dict[str, Any], str]:
    """``sso-kit lab`` in ``home`` on free ports; returns the process, lab.json and its banner."""
    notebooks = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns("*.ipynb"))
    settings = home / ".sso-kit" / "lab" / "settings" / "@jupyterlab" / "terminal-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"screenReaderMode": True}))
    env = {**os.environ, "HOME": str(home), "BROWSER": "true"}
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"):
        env.pop(name, None)
    out = open(log, "w")  # noqa: SIM115 (kept open for the lab's lifetime)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sso_kit", "lab", "--port", "0", "--no-browser",
         "--notebook-dir", str(notebooks)],
        env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    state_file = home / ".sso-kit" / "lab.json"
    deadline = time.monotonic() + 300
    while not state_file.exists() or "Sign in as" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"sso-kit lab did not start; see {log}:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    return proc, json.loads(state_file.read_text()), log.read_text()


def stop_lab(proc: subprocess.Popen[Any]) -> None:
    """Ctrl-C, as the learner stops it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


# -- the learner's hands ---------------------------------------------------------------------------
class Learner:
    def __init__(self, context: Any, lab: JupyterServer, user: User) -> None:
        self.context, self.lab, self.user = context, lab, user
        self.page = context.new_page()
        self.terminal: Any = None
        self.shot = 0

    def screenshot(self, name: str, page: Any = None) -> Path:
        self.shot += 1
        path = SHOTS / f"{self.shot:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"
        (page or self.page).screenshot(path=str(path))
        return path

    def open_terminal(self) -> None:
        self.terminal = self.context.new_page()
        self.terminal.goto(self.lab.url("lab"))
        tile = self.terminal.locator(".jp-LauncherCard", has_text=re.compile(r"^\s*Terminal\s*$"))
        tile.first.click(timeout=TIMEOUT)
        _expect()(self.terminal.locator(".jp-Terminal .xterm-accessibility-tree")).to_contain_text(
            re.compile(r"[$#]"), timeout=TIMEOUT
        )
        type_in_terminal(self.terminal, f"PS1='{PS1}'")
        self.wait_for(PROMPT)

    def text(self) -> str:
        return terminal_text(self.terminal)

    def wait_for(self, pattern: re.Pattern[str], after: int = 0) -> re.Match[str]:
        """Poll the terminal (text after offset ``after``) until ``pattern`` shows."""
        deadline = time.monotonic() + TIMEOUT / 1000
        while time.monotonic() < deadline:
            match = pattern.search(self.text(), after)
            if match:
                return match
            time.sleep(0.3)
        self.screenshot("FAILED-terminal", self.terminal)
        raise SystemExit(f"the terminal never showed {pattern.pattern!r}:\n{self.text()[-3000:]}")

    def clear(self) -> None:
        """Ctrl-L, as a learner clears the screen: what follows starts at offset 0 of the text.

        (xterm keeps only the visible rows in the page, so a screen that scrolled would shift
        every offset.)"""
        self.terminal.locator(".jp-Terminal .xterm-screen").click()
        self.terminal.keyboard.press("Control+l")
        deadline = time.monotonic() + 30
        while len(PROMPT.findall(self.text())) != 1 and time.monotonic() < deadline:
            time.sleep(0.2)

    def type(self, command: str) -> None:
        self.clear()
        type_in_terminal(self.terminal, command)

    def run(self, command: str) -> str:
        """Type ``command`` on a clear screen, wait for the next prompt; returns the screen."""
        self.type(command)
        deadline = time.monotonic() + TIMEOUT / 1000
        while len(PROMPT.findall(self.text())) < 2:
            if time.monotonic() > deadline:
                self.screenshot("FAILED-terminal", self.terminal)
                raise SystemExit(f"{command!r} did not finish:\n{self.text()[-3000:]}")
            time.sleep(0.3)
        return self.text()

    def answer(self, prompt: str, reply: str, after: int) -> int:
        end = self.wait_for(re.compile(re.escape(prompt)), after).end()
        self.terminal.keyboard.type(reply)
        self.terminal.keyboard.press("Enter")
        return end

    def approve(self, after: int) -> int:
        """Open the printed link in a new tab, sign in, check the code, Allow."""
        url = self.wait_for(re.compile(r"http://127\.0\.0\.1:\d+/device\S*"), after)
        code = self.wait_for(USER_CODE, after)
        tab = self.context.new_page()
        tab.goto(url.group(0))
        self.sign_in(tab, code.group(0))
        self.screenshot("sandbox consent page", tab)
        tab.locator("button#allow").click()
        _expect()(tab.locator("body")).to_contain_text("Request approved", timeout=TIMEOUT)
        tab.close()
        return max(url.end(), code.end())

    def sign_in(self, tab: Any, code: str) -> None:
        """The sandbox's pages: enter the code; sign in unless this browser still is."""
        expect = _expect()
        code_box, username, allow = (
            tab.locator("input#user_code"),
            tab.locator("input#username"),
            tab.locator("button#allow"),
        )
        expect(code_box.or_(username).or_(allow)).to_be_visible(timeout=TIMEOUT)
        if code_box.is_visible():
            code_box.fill(code)
            code_box.press("Enter")
            expect(username.or_(allow)).to_be_visible(timeout=TIMEOUT)
        if username.is_visible():
            username.fill(self.user.name)
            tab.locator("input#password").fill(self.user.password)
            tab.locator("input#password").press("Enter")
        expect(allow).to_be_visible(timeout=TIMEOUT)
        expect(tab.locator("body")).to_contain_text(code)

    def login(self) -> str:
        self.type(f"aws sso login --use-device-code --profile {PROFILE}")
        self.approve(0)
        return self.wait_for(re.compile(r"Successfully logged into Start URL.*"), 0).group(0)

    def check(self, step: str, notebook: str) -> str:
        """Run the step's notebook and click Check my work; '✓' or the first thing missing."""
        panel = open_and_run(self.page, self.lab, notebook)
        button = panel.locator("button.sso-check")
        button.scroll_into_view_if_needed()
        button.click()
        outcome = panel.locator(".sso-check-outcome")
        _expect()(outcome).to_contain_text(re.compile(r"✓ Step|missing|not", re.I), timeout=TIMEOUT)
        outcome.scroll_into_view_if_needed()
        self.screenshot(f"{step} check my work")
        text = outcome.inner_text()
        if f"✓ Step {step} is done." in text:
            return "✓"
        lines = [line.strip() for line in text.splitlines() if line.strip().startswith("✗")]
        return "✗ " + (lines[0].lstrip("✗ ") if lines else text.strip().splitlines()[0])


# -- the walk-through ------------------------------------------------------------------------------
@contextlib.contextmanager
def timed(rows: list[Row], step: str, what: str) -> Iterator[dict[str, str]]:
    result = {"check": "?"}
    started = time.monotonic()
    try:
        yield result
    finally:
        rows.append(Row(step, what, time.monotonic() - started, result["check"]))
        print(f"  {step}  {rows[-1].seconds:6.1f} s  {result['check']}", flush=True)


def walk(learner: Learner, sandbox: dict[str, str], rows: list[Row]) -> None:
    with timed(rows, "03", "buckets to list (notebook button; set-up, not a terminal step)") as r:
        panel = open_and_run(learner.page, learner.lab, "03_create_buckets.md")
        panel.locator("button.sso-create-buckets").click()
        created = panel.locator(".widget-vbox:has(> button.sso-create-buckets) pre")
        _expect()(created).to_contain_text(re.compile(r"\S"), timeout=TIMEOUT)
        r["check"] = "(no check)"

    learner.open_terminal()
    with timed(rows, "05", "aws configure sso, answering its prompts") as r:
        open_and_run(learner.page, learner.lab, "05_configure_profile.md")  # read it first
        learner.type(f"aws configure sso --profile {PROFILE} --use-device-code")
        at = learner.answer("SSO session name", SESSION, 0)
        at = learner.answer("SSO start URL", sandbox["start_url"], at)
        at = learner.answer("SSO region", sandbox["sso_region"], at)
        at = learner.answer("SSO registration scopes", "", at)
        at = learner.approve(at)
        for menu, chosen in (
            (r"There are \d+ AWS accounts", r"Using the account ID \d{12}"),
            (r"There are \d+ roles", r'Using the role name "\w+"'),
        ):
            found = learner.wait_for(re.compile(f"{menu}|{chosen}"), at)
            if re.match(menu, found.group(0)):
                learner.terminal.keyboard.press("Enter")
            at = learner.wait_for(re.compile(chosen), at).end()
        at = learner.answer("Default client Region", sandbox["sso_region"], at)
        at = learner.answer("CLI default output format", "json", at)
        if learner.wait_for(re.compile(r"Profile name|^learner\$ ", re.M), at).group(0) != PS1:
            learner.answer("Profile name", PROFILE, at)
        learner.wait_for(PROMPT, at)
        learner.screenshot("05 aws configure sso done", learner.terminal)
        print(learner.text().rstrip(), file=sys.stderr)
        learner.run(f"aws configure set endpoint_url $AWS_ENDPOINT_URL --profile {PROFILE}")
        r["check"] = learner.check("05", "05_configure_profile.md")

    with timed(rows, "06", "aws sso login --use-device-code, approved in a new tab") as r:
        learner.login()
        learner.screenshot("06 logged in", learner.terminal)
        r["check"] = learner.check("06", "06_login.md")

    with timed(rows, "07", "aws s3 ls, aws sts get-caller-identity") as r:
        listing = learner.run(f"aws s3 ls --profile {PROFILE}")
        learner.run(f"aws sts get-caller-identity --profile {PROFILE}")
        learner.screenshot("07 s3 ls and get-caller-identity", learner.terminal)
        r["check"] = learner.check("07", "07_s3_commands.md")

    with timed(rows, "08", "aws sso logout") as r:
        learner.run(f"aws sso logout --profile {PROFILE}")
        r["check"] = learner.check("08", "08_logout.md")

    with timed(rows, "09", "log in, aws s3 rb each tutorial bucket, log out, restore config") as r:
        learner.login()
        listing = learner.run(f"aws s3 ls --profile {PROFILE}")
        for bucket in sorted(set(re.findall(r"\b(sso-kit-tutorial-[a-z0-9.-]+)", listing))):
            learner.run(f"aws s3 rb s3://{bucket} --force --profile {PROFILE}")
        learner.run(f"aws sso logout --profile {PROFILE}")
        solution = learner.run("sso-kit check 09 --solution")
        for command in re.findall(r"^\s*((?:cp|rm|rmdir) .+)$", solution, re.M):
            learner.run(command.strip())
        learner.screenshot("09 clean-up in the terminal", learner.terminal)
        r["check"] = learner.check("09", "09_clean_up.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awscli-from", help="a CLI v2 wheel or sdist, if the cache is empty")
    parser.add_argument("--awscli-dir", default=str(ROOT / ".venv" / "awscli-v2"))
    parser.add_argument("--keep-home", action="store_true", help="leave the fresh HOME behind")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="sso-kit-walkthrough-"))
    os.environ["HOME"] = str(home)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"):
        os.environ.pop(name, None)
    from sso_kit.course.awscli import ensure_installed

    cli = ensure_installed(args.awscli_from, target=Path(args.awscli_dir), progress=lambda _l: None)
    print(f"fresh HOME {home}; {cli.version_text}", flush=True)
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)

    rows: list[Row] = []
    began = time.monotonic()
    proc, state, banner = start_lab(home, home / "lab-stdout.log")
    print(f"sso-kit lab started in {time.monotonic() - began:.1f} s", flush=True)
    try:
        from playwright.sync_api import sync_playwright

        sign_in = re.search(r"Sign in as:\s+(\S+)\s+password:\s+(\S+)", banner)
        assert sign_in, banner
        m = re.match(r"(http://[^/]+)/lab/tree/\S+\?token=(\w+)", state["url"])
        assert m, state["url"]
        lab = JupyterServer(
            root=home / "notebooks", state_dir=home, env={},
            port=int(m.group(1).rsplit(":", 1)[1]), token=m.group(2),
        )  # fmt: skip
        sandbox = {
            "start_url": re.search(r"Start URL:\s+(\S+)", banner).group(1),  # type: ignore[union-attr]
            "sso_region": re.search(r"SSO region:\s+(\S+)", banner).group(1),  # type: ignore[union-attr]
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            learner = Learner(context, lab, User(*sign_in.groups()))
            walk(learner, sandbox, rows)
            browser.close()
    finally:
        stop_lab(proc)
        if not args.keep_home:
            shutil.rmtree(home, ignore_errors=True)

    total = sum(r.seconds for r in rows)
    print("\n| step | what the learner does | seconds | Check my work |")
    print("| --- | --- | ---: | --- |")
    for r in rows:
        print(f"| {r.step} | {r.what} | {r.seconds:.1f} | {r.check} |")
    print(f"| | total | {total:.1f} | |")
    print(f"\nscreenshots: {SHOTS}")
    return 0 if all(r.check in ("✓", "(no check)") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
