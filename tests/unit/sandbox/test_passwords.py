"""Generated sandbox passwords, tokens and secrets survive being typed after an option.

A run of the suite once drew an access token starting with ``-`` and CLI v1's
``aws sso logout --access-token <token>`` stopped with "expected one argument".
"""

from __future__ import annotations

import argparse
import secrets

import pytest

from sso_kit.sandbox import passwords
from sso_kit.sandbox.admin import auth
from sso_kit.sandbox.oidc import records


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


@pytest.mark.parametrize(
    ("draw", "length"),
    [(lambda: records.new_secret(64), 86), (lambda: records.new_secret(48), 64), (auth.new_secret, 43)],
    ids=["access token", "device code", "admin secret"],
)
def test_every_token_and_secret_parses_as_an_option_value(draw, length) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--access-token")
    for _ in range(2000):
        token = draw()
        assert len(token) == length and not token.startswith("-")
        assert parser.parse_args(["--access-token", token]).access_token == token


def test_a_drawn_token_with_a_leading_dash_is_drawn_again(monkeypatch) -> None:
    drawn = iter(["-x" * 20, "ok" * 20])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))
    assert records.new_secret() == "ok" * 20
