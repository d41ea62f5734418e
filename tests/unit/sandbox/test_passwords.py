"""Generated sandbox passwords survive being typed after ``--password`` in a terminal."""

from __future__ import annotations

import argparse
import secrets

from sso_kit.sandbox import passwords


def test_a_drawn_password_with_a_leading_dash_is_drawn_again(monkeypatch) -> None:
    drawn = iter(["-Ab3_xYz9QwErTy", "--Zz9_aaaaaaaaaa", "Kq7_xYz9QwErTy-1"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))
    assert passwords.new_password() == "Kq7_xYz9QwErTy-1"


def test_every_new_password_parses_as_an_option_value() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--password")
    for _ in range(2000):  # about 30 would start with "-" without the redraw
        password = passwords.new_password()
        assert len(password) == 16 and not password.startswith("-")
        assert parser.parse_args(["--password", password]).password == password
