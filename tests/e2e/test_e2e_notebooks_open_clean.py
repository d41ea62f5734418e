"""Opening a notebook in JupyterLab does not mark it modified, and running it leaves the .md clean.

A learner who opens a step and closes it again must not be asked to save changes nobody made
(Lab adds the kernel's ``kernelspec`` and ``language_info`` on connect; the kit's contents
manager fills them in when it reads the text notebook). A notebook that was run and saved keeps
its reviewed MyST source byte for byte: outputs, kernel metadata and widget state stay out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_harness import ROOT, Steps
from test_e2e_learner_journey import TIMEOUT, open_and_run

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
DIRTY = re.compile(r"\bjp-mod-dirty\b")
RUN_AND_SAVE = ("00_start_here.md", "04_install_cli.md")  # they run without a click


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def notebook_tab(page: Any, notebook: str) -> Any:
    return page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=notebook)


def test_every_notebook_opens_unmodified_and_saves_clean(browser, start_jupyter):
    from sso_kit.sandbox import Sandbox

    expect = _expect()
    assert len(NOTEBOOKS) >= 11, NOTEBOOKS
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    with Sandbox(host="127.0.0.1", port=0, auto_approve=False) as sandbox:
        lab = start_jupyter("open-clean", sandbox)
        steps = Steps(page, "open-clean")
        try:
            # one Lab page for all of them: each notebook is opened as a learner's double click
            # does (docmanager:open), checked, closed, and its kernel shut down
            page.goto(lab.url("lab?reset"))
            status = page.locator("#jp-main-statusbar")
            expect(status).to_be_visible(timeout=TIMEOUT)
            for notebook in NOTEBOOKS:
                with steps.step(f"{notebook} opens without the modified marker"):
                    page.evaluate(
                        "async (path) => { await window.jupyterapp.commands"
                        ".execute('docmanager:open', {path}); }",
                        notebook,
                    )
                    tab = notebook_tab(page, notebook)
                    expect(tab).to_be_visible(timeout=TIMEOUT)
                    expect(status.get_by_text("Idle")).to_be_visible(timeout=TIMEOUT)
                    # the kernel is connected and idle: Lab has written what it writes on load
                    expect(status).to_contain_text("Python 3 (ipykernel)", timeout=TIMEOUT)
                    page.wait_for_timeout(1000)
                    expect(tab).not_to_have_class(DIRTY, timeout=1)
                    dirty = page.evaluate(
                        "() => window.jupyterapp.shell.currentWidget.context.model.dirty"
                    )
                    assert dirty is False, f"{notebook}: the model is modified right after opening"
                    page.evaluate("() => { window.jupyterapp.commands.execute('application:close'); }")
                    expect(tab).to_have_count(0, timeout=TIMEOUT)
                    lab.shutdown_kernels()

            for notebook in RUN_AND_SAVE:
                source = lab.root / notebook
                before = source.read_bytes()
                with steps.step(f"{notebook} run and saved: the .md is unchanged"):
                    open_and_run(page, lab, notebook)
                    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
                    expect(notebook_tab(page, notebook)).not_to_have_class(DIRTY, timeout=TIMEOUT)
                    after = source.read_bytes()
                    assert after == before, (
                        f"saving {notebook} rewrote its source:\n"
                        + after.decode("utf-8", "replace")[:2000]
                    )
        finally:
            lab.stop()
    context.close()
