"""Browser harness (helpers; the fixtures are in conftest.py): a real sandbox, a real JupyterLab and Debian's Chromium driven by Playwright.

Chromium itself is launched by the ``launch_chromium`` fixture of tests/conftest.py.
Everything starts from the test's temporary HOME on free loopback ports. JupyterLab gets its own
JUPYTER_* and IPython dirs, a random token and the kit's settings (no news pop-up), and serves a
*copy* of notebooks/ so autosave never writes outputs into the repository. Each step saves a
screenshot in artifacts/e2e/; a step that does not happen fails with its name, what was seen
(errors printed by the notebook included) and the screenshot's path.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sso_kit.course.lab import wait_for_jupyter
from sso_kit.course.lab_setup import jupyter_command, write_lab_settings
from sso_kit.net import free_port
from sso_kit.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
TIMEOUT = 90_000  # ms a browser step may take; kernels start slowly on a busy 2-core machine


@dataclass
class JupyterServer:
    """One JupyterLab on a free port; ``base`` ends with the server's base URL (slash-terminated)."""

    root: Path
    state_dir: Path
    env: dict[str, str]
    base_url: str = "/"
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen[Any] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return self.origin + self.base_url

    def start(self) -> JupyterServer:
        """Start JupyterLab the way ``sso-kit lab`` does, isolated from the machine's Jupyter."""
        env = dict(self.env)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
            env[name] = str(self.state_dir / name.lower())
        env.pop("SSO_KIT_HEADLESS", None)  # a "person" clicks here
        cmd = jupyter_command(
            port=self.port,
            token=self.token,
            notebook_dir=self.root,
            settings_dir=write_lab_settings(self.state_dir / "settings"),
            workspaces_dir=self.state_dir / "workspaces",
            base_url=self.base_url,
        )
        self.log = self.state_dir / "jupyter.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_jupyter(self.base, self.token, self.proc)
        return self

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Close every notebook session so each notebook starts with a fresh kernel."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, 20.0, group=True)


def copy_notebooks(dest: Path) -> Path:
    """A working copy of notebooks/ (without checkpoints or executed outputs) for one server."""
    shutil.copytree(
        ROOT / "notebooks", dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.tmp")
    )
    return dest


class Steps:
    """Numbered steps with a screenshot each; a failing step says which, why, and where to look."""

    def __init__(self, page: Any, prefix: str) -> None:
        self.page, self.prefix, self.count = page, prefix, 0
        self.shots: list[Path] = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def step(self, name: str, page: Any = None) -> Iterator[None]:
        self.count += 1
        page = page or self.page
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        shot = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{slug}.png"
        try:
            yield
        except Exception as exc:
            failed = shot.with_name(shot.stem + "-FAILED.png")
            with contextlib.suppress(Exception):
                page.screenshot(path=str(failed), full_page=True)
            errors = notebook_errors(page)
            seen = f"\nErrors shown by the notebook:\n{errors}" if errors else ""
            pytest.fail(
                f"Step {self.count} '{name}' did not happen: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}{seen}\nScreenshot: {failed}",
                pytrace=False,
            )
        page.screenshot(path=str(shot))
        self.shots.append(shot)


def notebook_errors(page: Any) -> str:
    """Tracebacks and stderr the open notebook printed (what a learner would see), if any."""
    with contextlib.suppress(Exception):
        texts = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        return "\n".join(t.strip()[-1500:] for t in texts if t.strip())
    return ""


def playwright_expect() -> Any:
    """Playwright's ``expect`` (imported late: collecting the tests needs no browser)."""
    from playwright.sync_api import expect

    return expect


CLOSE_EVERYTHING = """() => {
    const app = window.jupyterapp;
    for (const widget of Array.from(app.shell.widgets('main'))) {
        // a run notebook is "modified" (outputs): close it as a learner who discards them
        if (widget.context) { widget.context.model.dirty = false; }
        widget.close();
    }
}"""


def open_lab(page: Any, lab: JupyterServer) -> Any:
    """The Lab page of ``lab`` in ``page`` (loaded once, with a reset workspace); its status bar."""
    expect = playwright_expect()
    status = page.locator("#jp-main-statusbar")
    loaded = page.url.startswith(lab.base + "lab") and page.evaluate(
        "() => Boolean(window.jupyterapp && window.jupyterapp.shell)"
    )
    if not loaded:
        page.goto(lab.url("lab?reset"))
        expect(status).to_be_visible(timeout=TIMEOUT)
    return status


def open_and_run(page: Any, lab: JupyterServer, notebook: str, *, ready: str = "") -> Any:
    """Open a notebook with a fresh kernel and Run All; returns its panel once every cell ran
    (and, given ``ready``, once the element it selects is visible).

    As a learner does, in the one Lab page: the notebook open before is closed (its kernel shut
    down), this one opened from the file browser's command (``docmanager:open``). Reloading
    JupyterLab for each notebook cost seconds of a core each time and tested nothing more.
    """
    expect = playwright_expect()
    status = open_lab(page, lab)
    panel = page.locator(".jp-NotebookPanel")
    page.evaluate(CLOSE_EVERYTHING)
    expect(panel).to_have_count(0, timeout=TIMEOUT)
    lab.shutdown_kernels()
    page.evaluate(
        "async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
        notebook,
    )
    expect(panel).to_be_visible(timeout=TIMEOUT)
    expect(status.get_by_text("Idle")).to_be_visible(timeout=TIMEOUT)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # every code cell has run: no "[*]" or "[ ]" prompt left
    expect(
        panel.locator(".jp-CodeCell .jp-InputPrompt", has_text=re.compile(r"\[[ *]\]"))
    ).to_have_count(0, timeout=TIMEOUT)
    if ready:
        expect(panel.locator(ready)).to_be_visible(timeout=TIMEOUT)
    return panel
