"""The handout: a card per learner, eight to a page on A4 and Letter, through WeasyPrint."""

from __future__ import annotations

import pytest

from sso_kit.errors import SandboxError
from sso_kit.workshop.handout import Card, render_html, write_handout


def cards(n: int) -> list[Card]:
    return [
        Card(
            f"learner{i:02d}",
            f"pw-{i:02d}-Secret",
            f"2{i:011d}",
            "https://my-sso-portal.awsapps.com/start",
            "us-east-1",
            "http://127.0.0.1:8765/device",
        )
        for i in range(1, n + 1)
    ]


def test_each_card_has_what_a_learner_types_and_a_qr_code():
    page = render_html(cards(3))
    assert page.count('class="card"') == 3
    for text in ("learner02", "pw-02-Secret", "https://my-sso-portal.awsapps.com/start", "us-east-1"):
        assert text in page
    assert page.count("<svg") == 3


def test_the_repr_of_a_card_never_shows_the_password():
    assert "pw-01" not in repr(cards(1)[0])


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 215.9)])
def test_the_pdf_has_eight_cards_per_page_on_the_chosen_paper(tmp_path, paper, width_mm):
    from weasyprint import HTML

    document = HTML(string=render_html(cards(17), paper=paper)).render()
    assert len(document.pages) == 3  # 8 + 8 + 1
    assert document.pages[0].width == pytest.approx(width_mm / 25.4 * 96, abs=1)
    target = write_handout(cards(2), tmp_path / "cards.pdf", fmt="pdf", paper=paper)
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_mode & 0o777 == 0o600


def test_unknown_paper_or_format_is_a_clear_error(tmp_path):
    with pytest.raises(SandboxError, match="a4 or letter"):
        render_html(cards(1), paper="a5")
    with pytest.raises(SandboxError, match="html or pdf"):
        write_handout(cards(1), tmp_path / "x", fmt="docx")
