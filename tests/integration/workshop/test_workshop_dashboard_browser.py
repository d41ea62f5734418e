"""The dashboard in headless Chromium: sign in with the secret, watch a learner's step change live,
reset them (the new password shows once), and a learner's browser cannot read it."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture
def page():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure-system-deps.sh`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_the_dashboard_updates_live_and_resets_a_learner(workshop, learner, page):
    from playwright.sync_api import expect

    from sso_kit.buckets import list_buckets

    dashboard = f"{workshop.sandbox.url}/_workshop/"
    page.goto(dashboard)
    page.fill("#secret", "not it")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("not the workshop secret")
    page.fill("#secret", workshop.roster.secret)
    page.click("button[type=submit]")
    row = page.locator('tr.ws-row[data-learner="learner03"]')
    listed = row.locator('td.ws-step[data-step="listed_buckets"]')
    expect(row).to_be_visible(timeout=30_000)

    profile = learner("learner03")
    expect(row.locator('td.ws-step[data-step="logged_in"]')).to_have_attribute(
        "data-done", "true", timeout=30_000
    )
    list_buckets(profile)
    expect(listed).to_have_attribute("data-done", "true", timeout=30_000)  # by polling

    page.on("dialog", lambda dialog: dialog.accept())  # the confirm()
    row.locator(".ws-reset").click()
    message = page.locator(".ws-dialog-text")
    expect(message).to_contain_text("shown once", timeout=30_000)
    password = message.inner_text().rsplit(" ", 1)[-1]
    assert workshop.sandbox.app.directory.authenticate("learner03", password)
    expect(listed).to_have_attribute("data-done", "false", timeout=30_000)
    assert password not in page.locator(".ws-table").inner_text()


def test_a_learners_browser_sees_only_the_sign_in_form(workshop, page):
    page.goto(f"{workshop.sandbox.url}/_workshop/")
    assert page.locator("#secret").is_visible()
    status = page.evaluate(
        "async () => (await fetch('api/progress', {credentials: 'same-origin'})).status"
    )
    assert status == 401
