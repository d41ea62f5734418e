"""Fakes for the widget tests: the widgets get every AWS-touching function injected."""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sso_kit.errors import ValidationError
from sso_kit.login import DeviceLogin


def _start_url(url: str) -> str:
    if not url.startswith("https://"):
        raise ValidationError("start_url", "The start URL must begin with https://.")
    return url.removesuffix("#/")


def _region(region: str) -> str:
    if region not in {"us-east-1", "eu-west-1"}:
        raise ValidationError("sso_region", f"{region!r} is not an SSO region.")
    return region


def _name(name: str, *, kind: str = "profile") -> str:
    if not name or " " in name:
        raise ValidationError(kind, f"The {kind} name must not be empty or contain spaces.")
    return name


@pytest.fixture
def fake_validate():
    return types.SimpleNamespace(
        validate_start_url=_start_url,
        validate_sso_region=_region,
        validate_name=_name,
        sso_regions=lambda: ["eu-west-1", "us-east-1"],
    )


@dataclass
class FakeChange:
    path: Path
    profile: str
    sso_session: str
    section_text: str
    backup: Path | None = None
    created: bool = True


@dataclass
class FakeConfig:
    """Records configure_profile calls and answers read_profile from them."""

    calls: list[dict] = field(default_factory=list)

    def configure(self, profile, **kw):
        self.calls.append({"profile": profile, **kw})
        text = f"[profile {profile}]\nsso_session = {kw['sso_session']}\n"
        if kw.get("account_id"):
            text += f"sso_account_id = {kw['account_id']}\nsso_role_name = {kw['role_name']}\n"
        return FakeChange(Path("/tmp/config"), profile, kw["sso_session"], text)

    def read_profile(self, profile):
        last = [c for c in self.calls if c["profile"] == profile][-1]
        return {
            "sso_session": last["sso_session"],
            "sso_start_url": last["start_url"],
            "sso_region": last["sso_region"],
            "endpoint_url": last.get("endpoint_url"),
        }


@pytest.fixture
def fake_config():
    return FakeConfig()


@dataclass
class Pending:
    verification_uri: str
    user_code: str
    verification_uri_complete: str
    expires_at: datetime
    interval: int


@dataclass
class Result:
    sso_session: str
    start_url: str
    expires_at: datetime
    skipped: bool = False
    token_path: Path | None = None


class FakeDeviceLogin(DeviceLogin):
    """The real flow's wait loop over a fake service: pending for ``pending_polls`` polls,
    then logged in (or raises ``error``)."""

    def __init__(self, pending_polls: int = 2, error: Exception | None = None) -> None:
        config = types.SimpleNamespace(
            label="sso-session 'sso-kit'", login_hint="sso-kit login", cache_name="sso-kit"
        )
        super().__init__(config=config, lock=False)
        self.pending_polls, self.error = pending_polls, error
        self.polls = 0
        self.cancelled = False
        self.interval = 0.01

    def start(self) -> Pending:
        now = datetime.now(timezone.utc)
        self.pending = Pending(
            "http://127.0.0.1:1/device",
            "ABCD-EFGH",
            "http://127.0.0.1:1/device?user_code=ABCD-EFGH",
            now + timedelta(minutes=10),
            1,
        )
        return self.pending

    def poll_once(self):
        self.polls += 1
        if self.error is not None:
            raise self.error
        if self.cancelled or self.polls <= self.pending_polls:
            return None
        return Result("sso-kit", "https://x", datetime.now(timezone.utc) + timedelta(hours=8))

    def cancel(self) -> None:
        self.cancelled = True
        super().cancel()


@pytest.fixture
def fake_login_factory():
    made: list[FakeDeviceLogin] = []

    def factory(**kw):
        def make(profile, sso_session):
            flow = FakeDeviceLogin(**kw)
            made.append(flow)
            return flow

        make.made = made
        return make

    return factory
