"""Fixtures of the browser test: Debian's Chromium and JupyterLab servers (see e2e_harness)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import CHROMIUM, CHROMIUM_ARGS, JupyterServer, copy_notebooks

from sso_kit.course.lab_setup import lab_environment


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; never a browser downloaded by Playwright."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/ensure-system-deps.sh` "
            "(make test does this) to install Debian's chromium."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def start_jupyter(tmp_path: Path) -> Iterator[Any]:
    """Factory: ``start_jupyter(name, sandbox, env=..., base_url=...)``; all stopped after.

    The server's environment is what ``sso-kit lab`` gives JupyterLab for that sandbox.
    """
    servers: list[JupyterServer] = []

    def start(
        name: str, sandbox: Any, env: dict[str, str] | None = None, base_url: str = "/"
    ) -> JupyterServer:
        state = tmp_path / f"jupyter-{name}"
        state.mkdir()
        server = JupyterServer(
            root=copy_notebooks(state / "notebooks"),
            state_dir=state,
            env=lab_environment(
                sandbox,
                {
                    **os.environ,
                    "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                    **(env or {}),
                },
            ),
            base_url=base_url,
        )
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
