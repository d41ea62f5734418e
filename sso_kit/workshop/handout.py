"""The handout: one card per learner (start URL, SSO region, user, password, QR code).

HTML first (print it from a browser), PDF through WeasyPrint. Cards are sized so that eight
fit on a page of A4 or US Letter, two columns by four rows, and never break across pages.
Passwords appear here and nowhere else a learner can see; the files are written owner-only.
"""

from __future__ import annotations

import functools
import html
import io
import os
from importlib import resources
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError

__all__ = ["Card", "cards_from_data_dir", "render_html", "write_handout"]

PAPERS = {"a4": "A4", "letter": "letter"}


class Card:
    """What one learner needs to sign in; ``repr`` hides the password."""

    def __init__(
        self, user: str, password: str, account: str, start_url: str, region: str, sign_in_url: str
    ) -> None:
        self.user, self.password, self.account = user, password, account
        self.start_url, self.region, self.sign_in_url = start_url, region, sign_in_url

    def __repr__(self) -> str:
        return f"Card(user={self.user!r}, account={self.account!r})"


@functools.lru_cache(maxsize=64)
def qr_svg(data: str) -> str:
    """An inline SVG QR code (vector: sharp on paper at any size); one per URL, made once."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


def render_html(
    cards: list[Card], *, paper: str = "a4", title: str = "Workshop sign-in cards"
) -> str:
    """The whole handout as one self-contained HTML page."""
    if paper not in PAPERS:
        raise SandboxError(f"Unknown paper size {paper!r}.", hint="Use a4 or letter.")
    css = (
        resources.files("sso_kit.workshop").joinpath("templates", "handout.css").read_text("utf-8")
    )
    css = css.replace("@page { size: A4; }", f"@page {{ size: {PAPERS[paper]}; }}")
    esc = html.escape
    items = []
    for card in cards:
        items.append(
            f"""<section class="card" aria-label="Sign-in card for {esc(card.user)}">
  <h2>IAM Identity Center workshop</h2>
  <div class="qr" role="img" aria-label="QR code of the sign-in page {esc(card.sign_in_url)}">{qr_svg(card.sign_in_url)}</div>
  <table><col class="key"><col>
    <tr><th scope="row">Start URL</th><td class="start-url">{esc(card.start_url)}</td></tr>
    <tr><th scope="row">SSO region</th><td>{esc(card.region)}</td></tr>
    <tr><th scope="row">User</th><td class="user">{esc(card.user)}</td></tr>
    <tr><th scope="row">Password</th><td class="password"><code>{esc(card.password)}</code></td></tr>
    <tr><th scope="row">Account</th><td>{esc(card.account)}</td></tr>
    <tr><th scope="row">Sign in at</th><td class="url">{esc(card.sign_in_url)}</td></tr>
  </table>
  <p class="note">Keep this card to yourself. Your instructor can reset the password.</p>
</section>"""
        )
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{css}</style></head><body>\n" + "\n".join(items) + "\n</body></html>\n"
    )


def cards_from_data_dir(data_dir: Path, public_url: str | None = None) -> list[Card]:
    """Cards for every learner of the workshop kept in ``data_dir`` (server not needed)."""
    from sso_kit.workshop.roster import Roster, saved_passwords

    roster = Roster.load(data_dir)
    if roster is None:
        raise SandboxError(
            f"There is no workshop in {data_dir}.",
            hint="Start one with sso-kit workshop start --learners N (or pass --data-dir).",
        )
    passwords = saved_passwords(data_dir)
    state = _saved_seed(data_dir)
    base = (public_url or roster.public_url or roster.url).rstrip("/")
    cards = []
    for name in roster.learners:
        if name not in passwords:
            raise SandboxError(
                f"No password is recorded for {name} in {data_dir}.",
                hint="Start the workshop once (sso-kit workshop start) so it saves its state.",
            )
        cards.append(
            Card(
                name,
                passwords[name],
                roster.accounts.get(name, ""),
                state["start_url"],
                state["region"],
                f"{base}/device",
            )
        )
    return cards


def _saved_seed(data_dir: Path) -> dict[str, Any]:
    import json

    from sso_kit.sandbox.persistence import STATE_NAME

    try:
        return dict(json.loads((data_dir / STATE_NAME).read_text("utf-8"))["directory"]["seed"])
    except (OSError, ValueError, KeyError) as err:
        raise SandboxError(
            f"The sandbox state in {data_dir} cannot be read ({type(err).__name__}).",
            hint="Start the workshop once (sso-kit workshop start) so it saves its state.",
        ) from None


def write_handout(cards: list[Card], target: Path, *, fmt: str = "html", paper: str = "a4") -> Path:
    """Write the handout as HTML or PDF (WeasyPrint), owner-only: it holds passwords."""
    page = render_html(cards, paper=paper)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        data = page.encode("utf-8")
    elif fmt == "pdf":
        try:
            from weasyprint import HTML
        except ImportError:
            raise SandboxError(
                "PDF handouts need WeasyPrint, which is not installed.",
                hint="pip install weasyprint (or use --format html and print from a browser).",
            ) from None
        data = HTML(string=page).write_pdf()
    else:
        raise SandboxError(f"Unknown handout format {fmt!r}.", hint="Use html or pdf.")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target
