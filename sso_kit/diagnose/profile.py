"""Stage 2, config: the profile and its sso-session, read with botocore's own loader."""

from __future__ import annotations

import os
import re
from typing import Any

from sso_kit.diagnose.base import Checks, Stop
from sso_kit.net import endpoint_listening, is_loopback_url


class ConfigStage(Checks):
    """Stage 2, config: the profile and its sso-session, read with botocore's own loader."""

    # -- config ---------------------------------------------------------------------------
    def config(self) -> None:
        import botocore.configloader
        import botocore.exceptions
        import botocore.session

        try:
            full = botocore.session.Session().full_config
        except botocore.exceptions.ConfigParseError as exc:
            self.add("config.unparsable", "problem", str(exc))
            raise Stop from None
        profiles, sessions = full.get("profiles", {}), full.get("sso_sessions", {})
        if self.profile not in profiles:
            self._profile_missing(profiles, botocore.configloader)
            raise Stop
        pc = profiles[self.profile]
        self.session_name = pc.get("sso_session")
        self.account_id, self.role_name = pc.get("sso_account_id"), pc.get("sso_role_name")
        self.region = pc.get("region") or os.environ.get("AWS_REGION")
        self.region = self.region or os.environ.get("AWS_DEFAULT_REGION")
        self.endpoint_url = pc.get("endpoint_url")
        if self.session_name is not None:
            self._session_profile(pc, sessions)
        elif "sso_start_url" in pc or "sso_region" in pc:
            self.start_url, self.sso_region = pc.get("sso_start_url"), pc.get("sso_region")
            self.add(
                "config.legacy",
                "warning",
                f"profile '{self.profile}' keeps sso_start_url/sso_region itself (legacy)",
            )
        else:
            self.add(
                "config.not_sso",
                "problem",
                f"profile '{self.profile}' has no sso_session or sso_start_url",
            )
            raise Stop
        missing = [
            k
            for k, v in (
                ("sso_start_url", self.start_url),
                ("sso_region", self.sso_region),
                ("sso_account_id", self.account_id),
                ("sso_role_name", self.role_name),
            )
            if not v
        ]
        if missing:
            self.add("config.sso_incomplete", "problem", f"missing {', '.join(missing)}")
            if not self.start_url or not self.sso_region:
                raise Stop
        self._start_url_check()
        self._sso_region_check()
        if self.account_id and not re.fullmatch(r"\d{12}", str(self.account_id)):
            self.add("config.account_id_invalid", "problem", f"sso_account_id = {self.account_id}")
        if not self.region:
            self.add(
                "config.region_missing",
                "warning",
                f"profile '{self.profile}' has no region (and no AWS_REGION)",
            )
        if self.endpoint_url:
            if is_loopback_url(self.endpoint_url) and not endpoint_listening(self.endpoint_url):
                # a warning: the network stage says "unreachable" when it gets that far
                self.add(
                    "config.endpoint_dead",
                    "warning",
                    f"endpoint_url = {self.endpoint_url}, but nothing listens there",
                )
            else:
                self.add("config.endpoint", "ok", f"endpoint_url = {self.endpoint_url}")

    def _profile_missing(self, profiles: dict[str, Any], configloader: Any) -> None:
        try:
            raw_sections = set(configloader.raw_config_parse(str(self.config_file)))
        except Exception:  # already parsed once above; be defensive about odd files
            raw_sections = set()
        known = ", ".join(sorted(profiles)) or "none"
        if self.profile != "default" and self.profile in raw_sections:
            self.add(
                "config.profile_syntax",
                "problem",
                f"section [{self.profile}] in {self.config_file} (needs [profile ...])",
            )
            return
        self.add(
            "config.profile_missing",
            "problem",
            f"no profile '{self.profile}' in {self.config_file} (profiles: {known})",
        )

    def _session_profile(self, pc: dict[str, Any], sessions: dict[str, Any]) -> None:
        name = self.session_name
        if name not in sessions:
            self.add(
                "config.session_missing",
                "problem",
                f"profile '{self.profile}' uses sso_session = {name}, but there is no "
                f"[sso-session {name}]",
            )
            raise Stop
        session = sessions[name]
        self.start_url, self.sso_region = session.get("sso_start_url"), session.get("sso_region")
        for key in ("sso_start_url", "sso_region"):
            if key not in pc:
                continue
            if key in session and pc[key] != session[key]:
                self.add(
                    "config.inconsistent",
                    "problem",
                    f"{key} is {pc[key]} in the profile but {session[key]} in [sso-session {name}]",
                )
                raise Stop
            self.add(
                "config.mixed_keys",
                "warning",
                f"{key} appears in both the profile and [sso-session {name}]",
            )
        if not session.get("sso_registration_scopes"):
            self.add(
                "config.scopes_missing",
                "warning",
                f"[sso-session {name}] has no sso_registration_scopes",
                session=name,
            )
        else:
            self.add("config.session", "ok", f"sso-session '{name}' is complete")

    def _start_url_check(self) -> None:
        import warnings

        from sso_kit.errors import ValidationError
        from sso_kit.validate import validate_start_url

        url = str(self.start_url)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)  # a "cleaned up" URL is a problem
                validate_start_url(url)
        except (ValidationError, UserWarning) as exc:
            self.add("config.start_url_invalid", "problem", f"sso_start_url = {url}: {exc}")

    def _sso_region_check(self) -> None:
        from sso_kit.errors import ValidationError
        from sso_kit.validate import validate_sso_region

        try:
            if validate_sso_region(str(self.sso_region)) != self.sso_region:
                raise ValidationError("sso_region", "not in canonical form")
        except ValidationError:
            self.add("config.sso_region_invalid", "problem", f"sso_region = {self.sso_region}")
        else:
            hint = "" if self.sso_region == self.region else f" (API calls use {self.region})"
            self.add("config.sso_region", "ok", f"sso_region = {self.sso_region}{hint}")
