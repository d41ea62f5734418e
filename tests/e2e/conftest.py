"""Fixtures of the browser test: Debian's Chromium and JupyterLab servers (see e2e_harness)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import JupyterServer, copy_notebooks

from sso_kit.course.lab_setup import lab_environment


@pytest.fixture
def browser(launch_chromium: Any) -> Any:
    """Debian's Chromium, headless (tests/conftest.py launches and closes it)."""
    return launch_chromium()


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
