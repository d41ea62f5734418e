"""Stage 3, token: the cached SSO token, its file, its lifetime and the clock."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sso_kit.cache import SsoToken
from sso_kit.diagnose.base import (
    REFRESH_WINDOW,
    SKEW_PROBLEM,
    SKEW_WARNING,
    Checks,
    _json_files,
    _utcnow,
    _when,
)
from sso_kit.errors import CacheError


class TokenStage(Checks):
    """Stage 3, token: the cached SSO token, its file, its lifetime and the clock."""

    # -- token ----------------------------------------------------------------------------
    def token_cache(self) -> None:
        from sso_kit.cache import load_json, load_token, sso_cache_dir, token_cache_path
        from sso_kit.errors import CacheUnreadableError

        cache_dir = sso_cache_dir()
        path = token_cache_path(self.session_name or str(self.start_url))
        label = self.session_name or self.start_url
        self._clock()
        if not path.exists():
            others = [
                p.name
                for p, data in _json_files(cache_dir)
                if data.get("startUrl") == self.start_url and "accessToken" in data
            ]
            hint = f"; other token files for this start URL: {', '.join(others)}" if others else ""
            self.add("token.missing", "problem", f"no token for '{label}' at {path}{hint}")
            return
        self._permissions(path)
        try:  # the library's load_token judges the file, exactly as the commands do
            loaded = load_token(self.session_name or str(self.start_url))
            token = load_json(path)
        except CacheError as exc:  # the message names the file and the fault, never contents
            unreadable = isinstance(exc, CacheUnreadableError)
            self.add("token.unreadable" if unreadable else "token.invalid", "problem", exc.message)
            return
        if loaded is None or token is None:  # removed between the checks above
            self.add("token.missing", "problem", f"no token for '{label}' at {path}")
            return
        self._token_contents(loaded, token)

    def _permissions(self, path: Path) -> None:
        info = path.stat()
        if info.st_uid != os.getuid():
            self.add(
                "token.foreign_owner",
                "warning",
                f"{path.name} belongs to uid {info.st_uid}, this process runs as {os.getuid()}",
            )
        if info.st_mode & 0o077:
            self.add(
                "token.permissions",
                "warning",
                f"{path.name} has mode {oct(info.st_mode & 0o777)}",
                path=path,
            )

    def _token_contents(self, loaded: SsoToken, token: dict[str, Any]) -> None:
        """Judge the token as botocore would: the library's SsoToken says when and whether."""
        now = _utcnow()
        expires, registration = loaded.expires_at, loaded.registration_expires_at
        refreshable = loaded.refreshable(now)
        if token.get("region") and token.get("region") != self.sso_region:
            self.add(
                "config.sso_region_wrong",
                "problem",
                f"sso_region = {self.sso_region}, but you logged in through {token.get('region')}",
            )
        if token.get("startUrl") and token.get("startUrl") != self.start_url:
            self.add(
                "token.start_url_mismatch",
                "problem",
                f"token was issued for {token.get('startUrl')}, config says {self.start_url}",
            )
        if expires is None or expires <= now:
            if refreshable:
                self.add(
                    "token.expired_refreshable",
                    "warning",
                    f"access token expired {_when(expires) if expires else '(unknown)'}",
                )
                return
            else:
                self.add(
                    "token.expired",
                    "problem",
                    f"token expired {_when(expires) if expires else '(unreadable expiresAt)'}"
                    + ("" if token.get("refreshToken") else "; it has no refresh token"),
                )
                return
        elif expires - now < REFRESH_WINDOW and not refreshable:
            self.add(
                "token.expiring_soon",
                "warning",
                f"token expires {_when(expires)} and cannot be refreshed",
            )
        else:
            self.add("token.valid", "ok", f"token valid until {_when(expires)}")
        if not token.get("refreshToken") and self.session_name:
            self.add("token.no_refresh", "warning", "the cached token has no refresh token")
        elif registration and registration <= now:
            self.add(
                "token.registration_expired",
                "warning",
                f"client registration expired {_when(registration)}",
            )
        self.token = token

    def _clock(self) -> None:
        base = (
            self.endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL_SSO")
            or os.environ.get("AWS_ENDPOINT_URL")
            or f"https://portal.sso.{self.sso_region}.amazonaws.com"
        )
        try:
            with urllib.request.urlopen(base.rstrip("/") + "/", timeout=5) as resp:
                dates = resp.headers.get_all("Date") or []
        except urllib.error.HTTPError as exc:
            dates = exc.headers.get_all("Date") or []
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            self.add(
                "clock.unchecked", "warning", f"could not reach {base} to compare clocks ({reason})"
            )
            return
        if not dates:
            return
        # the application's Date comes last (a WSGI dev server may add its own first)
        server = parsedate_to_datetime(dates[-1])
        skew = _utcnow() - server
        seconds = int(skew.total_seconds())
        found = f"this clock is {abs(seconds)} s {'ahead of' if seconds > 0 else 'behind'} {base}"
        if abs(skew) > SKEW_WARNING:
            self.add("clock.skew", "problem" if abs(skew) > SKEW_PROBLEM else "warning", found)
        else:
            self.add("clock.ok", "ok", f"clock within {SKEW_WARNING.seconds} s of server")
