"""Diagnose a learner's IAM Identity Center setup from its real state, stage by stage.

``doctor(profile)`` looks at the environment, the config file, the token cache, the role
credentials and S3, in that order, and returns a :class:`Report` of :class:`Finding` objects.
Every finding has a stable id (shared with :func:`sso_kit.explain`), a status, what was found,
the cause in plain words and the fix. Doctor never logs in, never refreshes or rewrites a
cache file, and never puts a token, key or secret in a finding.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

from sso_kit.errors import redact
from sso_kit.explainer import Explanation, explain

__all__ = ["EXIT_CODES", "STAGES", "Explanation", "Finding", "Report", "doctor", "explain"]

Status = Literal["ok", "warning", "problem"]
STAGES = ("environment", "config", "token", "credentials", "s3")
#: ``sso-kit doctor`` exit code = the code of the earliest stage with a problem (0 if none).
EXIT_CODES = {"environment": 9, "config": 3, "token": 4, "credentials": 6, "s3": 7}
MIN_BOTOCORE = (1, 29, 10)  # first botocore that reads [sso-session] sections
REFRESH_WINDOW = timedelta(minutes=15)  # botocore refreshes (or gives up) inside this window
SKEW_WARNING = timedelta(seconds=60)
SKEW_PROBLEM = timedelta(minutes=5)
LOGIN = "sso-kit login --profile {profile}"


@dataclass(frozen=True)
class Finding:
    """One check's result. ``found`` is what doctor saw; ``cause``/``fix`` say why and what next."""

    id: str
    stage: str
    status: Status
    found: str
    cause: str = ""
    fix: str = ""

    def __str__(self) -> str:
        lines = [f"{_MARKS[self.status]} {self.found}  ({self.id})"]
        if self.status != "ok":
            lines += [f"     cause: {self.cause}"] if self.cause else []
            lines += [f"     fix:   {self.fix}"] if self.fix else []
        return "\n".join(lines)


_MARKS = {"ok": "OK  ", "warning": "WARN", "problem": "FAIL"}


@dataclass
class Report:
    """All findings for one profile, in stage order."""

    profile: str
    profile_source: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "problem"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing is a problem (warnings are allowed)."""
        return not self.problems

    @property
    def ids(self) -> list[str]:
        """Ids of every finding that is not ok, in stage order."""
        return [f.id for f in self.findings if f.status != "ok"]

    @property
    def exit_code(self) -> int:
        stages = {f.stage for f in self.problems}
        return next((EXIT_CODES[s] for s in STAGES if s in stages), 0)

    def get(self, finding_id: str) -> Finding | None:
        """The first finding with this id, or None."""
        return next((f for f in self.findings if f.id == finding_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_source": self.profile_source,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "findings": [asdict(f) for f in self.findings],
        }

    def __str__(self) -> str:
        lines = [f"sso-kit doctor: profile '{self.profile}' ({self.profile_source})"]
        for stage in STAGES:
            found = [f for f in self.findings if f.stage == stage]
            if found:
                lines.append(f"\n[{stage}]")
                lines += ["  " + str(f).replace("\n", "\n  ") for f in found]
        verdict = "no problems found" if self.ok else f"{len(self.problems)} problem(s) found"
        lines.append(f"\n{verdict}; {len(self.warnings)} warning(s).")
        return "\n".join(lines)


def doctor(profile: str | None = None) -> Report:
    """Check the setup behind ``profile`` (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, default)."""
    return _Doctor(profile).run()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _parse_time(value: Any) -> datetime | None:
    """Parse the cache's ``YYYY-MM-DDTHH:MM:SSZ`` (or any ISO 8601) timestamp; None if bad."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _when(moment: datetime) -> str:
    delta = moment - _utcnow()
    minutes = int(abs(delta.total_seconds()) // 60)
    span = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    rel = f"in {span}" if delta.total_seconds() >= 0 else f"{span} ago"
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S UTC')} ({rel})"


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def is_loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


def endpoint_listening(url: str, timeout: float = 2.0) -> bool:
    """Whether anything accepts a TCP connection at ``url``'s host and port (no request sent)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


class _Stop(Exception):
    """Raised inside a stage when later checks would only repeat the same problem."""


class _Doctor:
    """One diagnosis run; holds what earlier stages learned for later ones."""

    def __init__(self, profile: str | None) -> None:
        env = os.environ
        if profile:
            self.profile, self.source = profile, "given explicitly"
        elif env.get("AWS_PROFILE"):
            self.profile, self.source = env["AWS_PROFILE"], "from AWS_PROFILE"
        elif env.get("AWS_DEFAULT_PROFILE"):
            self.profile, self.source = env["AWS_DEFAULT_PROFILE"], "from AWS_DEFAULT_PROFILE"
        else:
            self.profile, self.source = "default", "the default profile"
        self.report = Report(self.profile, self.source)
        self.login = LOGIN.format(profile=self.profile)
        self.config_file = Path(os.path.expanduser(env.get("AWS_CONFIG_FILE") or "~/.aws/config"))
        self.profile_config: dict[str, Any] = {}
        self.session_name: str | None = None
        self.start_url: str | None = None
        self.sso_region: str | None = None
        self.region: str | None = None
        self.account_id: str | None = None
        self.role_name: str | None = None
        self.endpoint_url: str | None = None
        self.token: dict[str, Any] | None = None
        self.role_credentials: dict[str, Any] | None = None

    # -- plumbing -------------------------------------------------------------------------
    def add(self, id: str, stage: str, status: Status, found: str, cause: str = "", fix: str = ""):
        self.report.findings.append(Finding(id, stage, status, redact(found), cause, fix))

    def run(self) -> Report:
        stages = (self.environment, self.config, self.token_cache, self.credentials, self.s3)
        for stage in stages:
            try:
                stage()
            except _Stop:
                break
        return self.report

    # -- environment ----------------------------------------------------------------------
    def environment(self) -> None:
        import botocore

        version = botocore.__version__
        if _version_tuple(version) < MIN_BOTOCORE:
            self.add(
                "env.botocore_old",
                "environment",
                "problem",
                f"botocore {version} in {sys.executable}",
                "This botocore predates sso-session profiles (added in 1.29.10), so boto3 in "
                "this Python cannot use the profile.",
                "Upgrade in this environment: `python -m pip install -U boto3 botocore` "
                "(in a notebook `%pip install -U boto3 botocore`), then restart the kernel.",
            )
        else:
            self.add("env.botocore", "environment", "ok", f"botocore {version} reads sso-session")
        self._aws_cli()
        self._where_config_comes_from()
        self._profile_variables()
        self._static_keys()
        bundle = os.environ.get("AWS_CA_BUNDLE")
        if bundle and not Path(bundle).is_file():
            self.add(
                "net.ca_bundle_missing",
                "environment",
                "problem",
                f"AWS_CA_BUNDLE={bundle} does not exist",
                "Every HTTPS call fails TLS validation when the CA bundle file is missing.",
                "Point AWS_CA_BUNDLE at your company CA file, or `unset AWS_CA_BUNDLE`.",
            )

    def _aws_cli(self) -> None:
        aws = shutil.which("aws") or shutil.which("aws", path=str(Path(sys.executable).parent))
        if aws is None:
            self.add(
                "env.aws_cli_missing",
                "environment",
                "warning",
                "no `aws` command on PATH",
                "The tutorial's terminal commands need the AWS CLI.",
                "Install the AWS CLI v2, or use the `sso-kit` commands instead.",
            )
            return
        text = _aws_version(aws)
        match = re.search(r"aws-cli/(\d+)\.", text)
        if match and match.group(1) == "1":
            self.add(
                "env.aws_cli_v1",
                "environment",
                "warning",
                f"{aws}: {text.split()[0]} (version 1)",
                "AWS CLI v1 (what `pip install awscli` gives) has no `aws sso login` or "
                "`aws configure sso`; it can only use a token someone else cached.",
                "Use the AWS CLI v2 or `sso-kit login`; then v1 commands such as "
                f"`aws s3 ls --profile {self.profile}` work.",
            )
        elif match:
            self.add("env.aws_cli", "environment", "ok", f"{aws}: {text.split()[0]}")
        else:
            self.add(
                "env.aws_cli_unknown",
                "environment",
                "warning",
                f"{aws}: unrecognised version output: {text[:80]}",
                "This `aws` did not report an AWS CLI version.",
                "Check which `aws` is first on PATH (`which -a aws`).",
            )

    def _where_config_comes_from(self) -> None:
        import pwd

        from sso_kit.cache import sso_cache_dir

        user = pwd.getpwuid(os.getuid())
        home = os.environ.get("HOME")
        origin = "AWS_CONFIG_FILE" if os.environ.get("AWS_CONFIG_FILE") else "~/.aws/config"
        found = f"config {self.config_file} (from {origin}); user {user.pw_name}, HOME={home}"
        if not self.config_file.is_file():
            self.add(
                "env.config_file_missing",
                "environment",
                "problem",
                found + " - the file does not exist",
                "No AWS config file at the path this process reads: never configured, "
                "AWS_CONFIG_FILE points elsewhere, or this kernel runs with another HOME/user.",
                "Create the profile with `sso-kit configure`, or fix AWS_CONFIG_FILE / HOME.",
            )
            raise _Stop
        self.add("env.config_file", "environment", "ok", found)
        if home and os.path.realpath(home) != os.path.realpath(user.pw_dir):
            self.add(
                "env.home_mismatch",
                "environment",
                "warning",
                f"HOME={home} but the home directory of {user.pw_name} is {user.pw_dir}",
                "The kernel reads ~/.aws under HOME; your terminal may use another directory.",
                "If the terminal and notebook disagree, set the same HOME (or AWS_CONFIG_FILE).",
            )
        loaded = sys.modules.get("botocore.credentials")
        cache_dir = str(sso_cache_dir())
        stale = getattr(getattr(loaded, "SSOProvider", None), "_SSO_TOKEN_CACHE_DIR", cache_dir)
        if stale != cache_dir:
            self.add(
                "env.home_changed",
                "environment",
                "warning",
                f"boto3 in this process looks for tokens in {stale}, not {cache_dir}",
                "botocore fixes the token cache directory when it is first imported; HOME "
                "changed since then.",
                "Restart the kernel after changing HOME.",
            )

    def _profile_variables(self) -> None:
        prof, default = os.environ.get("AWS_PROFILE"), os.environ.get("AWS_DEFAULT_PROFILE")
        if prof and default and prof != default:
            self.add(
                "env.profile_conflict",
                "environment",
                "warning",
                f"AWS_PROFILE={prof} but AWS_DEFAULT_PROFILE={default}",
                "AWS_PROFILE wins, but some tools read only AWS_DEFAULT_PROFILE, so two "
                "commands can use two different profiles.",
                "Keep one: `unset AWS_DEFAULT_PROFILE`.",
            )

    def _static_keys(self) -> None:
        names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        present = [n for n in names if os.environ.get(n)]
        if not present:
            return
        self.add(
            "env.static_keys",
            "environment",
            "problem",
            f"{', '.join(present)} set in the environment",
            "Access keys in the environment beat AWS_PROFILE and the default profile, so "
            "commands without an explicit --profile use these (often stale) keys instead of "
            "your SSO login.",
            "`unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN` (in a notebook: "
            "`os.environ.pop(name)`), or always pass `--profile`.",
        )

    # -- config ---------------------------------------------------------------------------
    def config(self) -> None:
        import botocore.configloader
        import botocore.exceptions
        import botocore.session

        try:
            full = botocore.session.Session().full_config
        except botocore.exceptions.ConfigParseError as exc:
            self.add(
                "config.unparsable",
                "config",
                "problem",
                str(exc),
                "The config file is not valid INI (a missing `]`, a line without `=` ...).",
                f"Open {self.config_file} and fix the line, or write it with `sso-kit configure`.",
            )
            raise _Stop from None
        profiles, sessions = full.get("profiles", {}), full.get("sso_sessions", {})
        if self.profile not in profiles:
            self._profile_missing(profiles, botocore.configloader)
            raise _Stop
        pc = self.profile_config = profiles[self.profile]
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
                "config",
                "warning",
                f"profile '{self.profile}' keeps sso_start_url/sso_region itself (legacy)",
                "Legacy SSO profiles get a fixed 8-hour token that never refreshes.",
                "Move them into an [sso-session] with `sso-kit configure` (it writes the "
                "modern format with sso_registration_scopes).",
            )
        else:
            self.add(
                "config.not_sso",
                "config",
                "problem",
                f"profile '{self.profile}' has no sso_session or sso_start_url",
                "This profile does not use IAM Identity Center at all.",
                f"Configure it with `sso-kit configure --profile {self.profile}`.",
            )
            raise _Stop
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
            self.add(
                "config.sso_incomplete",
                "config",
                "problem",
                f"missing {', '.join(missing)}",
                "botocore refuses (or silently skips) an SSO profile without these keys.",
                "Write the profile again with `sso-kit configure` or add the missing keys "
                "(sso_start_url/sso_region in [sso-session], account/role in the profile).",
            )
            if not self.start_url or not self.sso_region:
                raise _Stop
        self._start_url_check()
        self._sso_region_check()
        if self.account_id and not re.fullmatch(r"\d{12}", str(self.account_id)):
            self.add(
                "config.account_id_invalid",
                "config",
                "problem",
                f"sso_account_id = {self.account_id}",
                "An AWS account id is exactly 12 digits.",
                "Copy the account id from the access portal (keep leading zeros).",
            )
        if not self.region:
            self.add(
                "config.region_missing",
                "config",
                "warning",
                f"profile '{self.profile}' has no region (and no AWS_REGION)",
                "sso_region only locates Identity Center; API calls need `region`, so many "
                "clients fail with 'You must specify a region.'",
                f"Add `region = {self.sso_region}` (or your workload region) to the profile.",
            )
        if self.endpoint_url:
            if is_loopback_url(self.endpoint_url) and not endpoint_listening(self.endpoint_url):
                self.add(
                    "config.endpoint_dead",
                    "config",
                    "warning",  # the network stage says "unreachable" when it gets that far
                    f"endpoint_url = {self.endpoint_url}, but nothing listens there",
                    "The profile points at a local sandbox that is not running (or that came "
                    "back on another port), so every login fails to connect.",
                    "Start the lab (`make lab`: it repairs the profile) or `sso-kit sandbox`, or "
                    "set endpoint_url to the address it prints.",
                )
            else:
                self.add("config.endpoint", "config", "ok", f"endpoint_url = {self.endpoint_url}")

    def _profile_missing(self, profiles: dict[str, Any], configloader: Any) -> None:
        try:
            raw_sections = set(configloader.raw_config_parse(str(self.config_file)))
        except Exception:  # already parsed once above; be defensive about odd files
            raw_sections = set()
        known = ", ".join(sorted(profiles)) or "none"
        if self.profile != "default" and self.profile in raw_sections:
            self.add(
                "config.profile_syntax",
                "config",
                "problem",
                f"section [{self.profile}] in {self.config_file} (needs [profile ...])",
                "In ~/.aws/config every profile except [default] must be written "
                "[profile NAME]; a bare [NAME] is ignored.",
                f"Rename the header to [profile {self.profile}].",
            )
            return
        self.add(
            "config.profile_missing",
            "config",
            "problem",
            f"no profile '{self.profile}' in {self.config_file} (profiles: {known})",
            "A typo in the name, a profile written to another file, or a different HOME.",
            f"Create it with `sso-kit configure --profile {self.profile}` or pick one of: {known}.",
        )

    def _session_profile(self, pc: dict[str, Any], sessions: dict[str, Any]) -> None:
        name = self.session_name
        if name not in sessions:
            self.add(
                "config.session_missing",
                "config",
                "problem",
                f"profile '{self.profile}' uses sso_session = {name}, but there is no "
                f"[sso-session {name}]",
                "The sso-session section was renamed, removed, or the name has a typo.",
                "Add the section with `sso-kit configure`, or fix `sso_session` in the profile.",
            )
            raise _Stop
        session = sessions[name]
        self.start_url, self.sso_region = session.get("sso_start_url"), session.get("sso_region")
        for key in ("sso_start_url", "sso_region"):
            if key not in pc:
                continue
            if key in session and pc[key] != session[key]:
                self.add(
                    "config.inconsistent",
                    "config",
                    "problem",
                    f"{key} is {pc[key]} in the profile but {session[key]} in [sso-session {name}]",
                    "botocore refuses a profile whose SSO keys disagree with its sso-session.",
                    f"Delete {key} from [profile {self.profile}]; keep it only in the session.",
                )
                raise _Stop
            self.add(
                "config.mixed_keys",
                "config",
                "warning",
                f"{key} appears in both the profile and [sso-session {name}]",
                "A half-migrated legacy profile: harmless while equal, an error once they differ.",
                f"Delete {key} from [profile {self.profile}].",
            )
        if not session.get("sso_registration_scopes"):
            self.add(
                "config.scopes_missing",
                "config",
                "warning",
                f"[sso-session {name}] has no sso_registration_scopes",
                "Without scopes the device-code login gets a token with no refresh token, so "
                "you must log in again every hour.",
                f"Add `sso_registration_scopes = sso:account:access` to [sso-session {name}] "
                "and log in again.",
            )
        else:
            self.add("config.session", "config", "ok", f"sso-session '{name}' is complete")

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
            self.add(
                "config.start_url_invalid",
                "config",
                "problem",
                f"sso_start_url = {url}: {exc}",
                "The start URL must be the exact https AWS access portal URL, without a `#/` "
                "copied from the browser; otherwise login fails or the token lands under "
                "another key.",
                "Set it to e.g. https://d-xxxxxxxxxx.awsapps.com/start with `sso-kit configure`.",
            )

    def _sso_region_check(self) -> None:
        from sso_kit.errors import ValidationError
        from sso_kit.validate import validate_sso_region

        try:
            if validate_sso_region(str(self.sso_region)) != self.sso_region:
                raise ValidationError("sso_region", "not in canonical form")
        except ValidationError:
            self.add(
                "config.sso_region_invalid",
                "config",
                "problem",
                f"sso_region = {self.sso_region}",
                "This is not a region where IAM Identity Center runs (a typo, or a stray "
                "character).",
                "Use the region shown in your access portal, e.g. us-east-1.",
            )
        else:
            hint = "" if self.sso_region == self.region else f" (API calls use {self.region})"
            self.add("config.sso_region", "config", "ok", f"sso_region = {self.sso_region}{hint}")

    # -- token ----------------------------------------------------------------------------
    def token_cache(self) -> None:
        from sso_kit.cache import sso_cache_dir, token_cache_path

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
            self.add(
                "token.missing",
                "token",
                "problem",
                f"no token for '{label}' at {path}{hint}",
                "You have not logged in (or logged out), the sso-session was renamed, or this "
                "process has another HOME/user than the one that logged in.",
                self.login,
            )
            return
        self._permissions(path)
        try:
            token = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.add(
                "token.unreadable",
                "token",
                "problem",
                f"cannot read {path}: {exc.strerror or exc.__class__.__name__}",
                "The cache file belongs to another user, or is not a regular file (for example "
                "a container with a different UID than the one that logged in).",
                f"Run as the user that logged in, or log in here: `{self.login}`. Do not make "
                "the cache world-readable: it holds refresh tokens.",
            )
            return
        except ValueError:
            token = None
        if not isinstance(token, dict) or "accessToken" not in token or "expiresAt" not in token:
            self.add(
                "token.invalid",
                "token",
                "problem",
                f"{path} is not a complete token (no accessToken/expiresAt)",
                "Another tool or a hand edit left a file botocore cannot use.",
                f"Log in again: `{self.login}`.",
            )
            return
        self._token_contents(token, path)

    def _permissions(self, path: Path) -> None:
        info = path.stat()
        if info.st_uid != os.getuid():
            self.add(
                "token.foreign_owner",
                "token",
                "warning",
                f"{path.name} belongs to uid {info.st_uid}, this process runs as {os.getuid()}",
                "Cache files are owner-only; a different user (container UID, kernel user) "
                "usually cannot read them.",
                f"Run as the same user, or log in as this one: `{self.login}`.",
            )
        if info.st_mode & 0o077:
            self.add(
                "token.permissions",
                "token",
                "warning",
                f"{path.name} has mode {oct(info.st_mode & 0o777)}",
                "The token cache holds refresh tokens and client secrets; others can read it.",
                f"`chmod 600 {path}`",
            )

    def _token_contents(self, token: dict[str, Any], path: Path) -> None:
        now = _utcnow()
        expires = _parse_time(token.get("expiresAt"))
        registration = _parse_time(token.get("registrationExpiresAt"))
        refreshable = bool(
            token.get("refreshToken")
            and token.get("clientId")
            and token.get("clientSecret")
            and registration
            and registration > now
        )
        if token.get("region") and token.get("region") != self.sso_region:
            self.add(
                "config.sso_region_wrong",
                "config",
                "problem",
                f"sso_region = {self.sso_region}, but you logged in through {token.get('region')}",
                "sso_region must be the region where IAM Identity Center lives (where you "
                "logged in); a workload region there sends token refreshes and portal calls "
                "to the wrong place.",
                f"Set `sso_region = {token.get('region')}` in the [sso-session] (or log in "
                "again after fixing it).",
            )
        if token.get("startUrl") and token.get("startUrl") != self.start_url:
            self.add(
                "token.start_url_mismatch",
                "token",
                "problem",
                f"token was issued for {token.get('startUrl')}, config says {self.start_url}",
                "The start URL changed after you logged in, so this token belongs to another "
                "portal.",
                f"Log in again: `{self.login}`.",
            )
        if expires is None or expires <= now:
            if refreshable:
                self.add(
                    "token.expired_refreshable",
                    "token",
                    "warning",
                    f"access token expired {_when(expires) if expires else '(unknown)'}",
                    "The access token expired, but botocore will refresh it on the next call "
                    "(doctor does not refresh it, so it skips the portal checks).",
                    f"Nothing to do; if the next call still fails, log in again: `{self.login}`.",
                )
                return
            else:
                self.add(
                    "token.expired",
                    "token",
                    "problem",
                    f"token expired {_when(expires) if expires else '(unreadable expiresAt)'}"
                    + ("" if token.get("refreshToken") else "; it has no refresh token"),
                    "The access token ran out and cannot be refreshed, so every call fails "
                    "with 'Token has expired and refresh failed'.",
                    f"Log in again: `{self.login}`.",
                )
                return
        elif expires - now < REFRESH_WINDOW and not refreshable:
            self.add(
                "token.expiring_soon",
                "token",
                "warning",
                f"token expires {_when(expires)} and cannot be refreshed",
                "Tools treat a token with less than 15 minutes left as expired.",
                f"Log in again soon: `{self.login}`.",
            )
        else:
            self.add("token.valid", "token", "ok", f"token valid until {_when(expires)}")
        if not token.get("refreshToken") and self.session_name:
            self.add(
                "token.no_refresh",
                "token",
                "warning",
                "the cached token has no refresh token",
                "The login was made without scopes (or by another tool), so the token dies "
                "after about an hour with 'Token has expired and refresh failed'.",
                "Add `sso_registration_scopes = sso:account:access` to the sso-session and "
                f"log in again: `{self.login}`.",
            )
        elif registration and registration <= now:
            self.add(
                "token.registration_expired",
                "token",
                "warning",
                f"client registration expired {_when(registration)}",
                "botocore cannot refresh with an expired client registration.",
                f"Log in again to register a new client: `{self.login}`.",
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
                "clock.unchecked",
                "token",
                "warning",
                f"could not reach {base} to compare clocks ({reason})",
                "Without a server answer doctor cannot measure clock skew.",
                "Check the network (or that the sandbox runs) and run doctor again.",
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
            self.add(
                "clock.skew",
                "token",
                "problem" if abs(skew) > SKEW_PROBLEM else "warning",
                found,
                "Token expiry and request signatures are judged by the clock; a skewed clock "
                "makes fresh tokens look expired or rejects signed requests.",
                "Synchronise the clock (`timedatectl set-ntp true`, or restart chrony / the "
                "VM / WSL), then run doctor again.",
            )
        else:
            self.add("clock.ok", "token", "ok", f"clock within {SKEW_WARNING.seconds} s of server")

    # -- credentials ----------------------------------------------------------------------
    def credentials(self) -> None:
        if not (self.account_id and self.role_name):
            raise _Stop
        if self.token is None:
            self._cached_role_credentials("no usable SSO token")
            raise _Stop
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        sso = self._client(boto3, "sso", region_name=self.sso_region)
        try:
            response = sso.get_role_credentials(
                roleName=self.role_name,
                accountId=str(self.account_id),
                accessToken=self.token["accessToken"],
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code == "UnauthorizedException":
                self.add(
                    "credentials.unauthorized",
                    "credentials",
                    "problem",
                    "the access portal rejected the cached token (UnauthorizedException)",
                    "The token expired on the server, was revoked, or you logged out elsewhere; "
                    "the local file can still look valid.",
                    f"Log in again: `{self.login}`.",
                )
                self._cached_role_credentials("the SSO token is no longer accepted")
            elif code == "ForbiddenException":
                self._no_access(sso)
            else:
                self._unexpected("credentials", exc)
            raise _Stop from None
        except BotoCoreError as exc:
            self._network("credentials", exc)
            raise _Stop from None
        creds = response["roleCredentials"]
        expires = datetime.fromtimestamp(creds["expiration"] / 1000, timezone.utc)
        self.add(
            "credentials.ok",
            "credentials",
            "ok",
            f"role credentials for {self.role_name} in {self.account_id}, valid until "
            f"{_when(expires)}",
        )
        self.role_credentials = creds

    def _client(self, boto3: Any, service: str, **kw: Any) -> Any:
        """A client for the profile's endpoint that fails fast and never signs (for sso)."""
        from botocore import UNSIGNED
        from botocore.config import Config

        config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=15)
        if service == "sso":
            config = config.merge(Config(signature_version=UNSIGNED))
        session = boto3.Session(profile_name=self.profile, **kw.pop("session_kw", {}))
        return session.client(service, config=config, **kw)

    def _no_access(self, sso: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        account, role, token = str(self.account_id), self.role_name, self.token or {}
        try:
            accounts = [
                a["accountId"]
                for page in sso.get_paginator("list_accounts").paginate(
                    accessToken=token["accessToken"]
                )
                for a in page["accountList"]
            ]
            roles = (
                [
                    r["roleName"]
                    for page in sso.get_paginator("list_account_roles").paginate(
                        accessToken=token["accessToken"], accountId=account
                    )
                    for r in page["roleList"]
                ]
                if account in accounts
                else []
            )
        except (BotoCoreError, ClientError):
            accounts, roles = [], []
        if account not in accounts:
            seen = f"your accounts: {', '.join(accounts) or 'none'}"
        else:
            seen = f"your roles in {account}: {', '.join(roles) or 'none'}"
        self.add(
            "credentials.no_access",
            "credentials",
            "problem",
            f"no access to role {role} in account {account} (ForbiddenException); {seen}",
            "The role/account pair is not assigned to you: a typo in sso_role_name or "
            "sso_account_id, or the administrator removed the assignment.",
            "Fix sso_role_name / sso_account_id in the profile to one listed here, or ask "
            "the administrator to assign the permission set.",
        )

    def _cached_role_credentials(self, why: str) -> None:
        """Warn when the CLI's role-credential cache still holds live keys for this profile."""
        from sso_kit.cache import cli_cache_dir, role_credentials_cache_key

        key = role_credentials_cache_key(
            str(self.account_id),
            str(self.role_name),
            session_name=self.session_name,
            start_url=self.start_url,
        )
        path = cli_cache_dir() / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        expires = _parse_time((data.get("Credentials") or {}).get("Expiration"))
        if data.get("ProviderType") != "sso" or not expires or expires <= _utcnow():
            return
        self.add(
            "credentials.cached_after_logout",
            "credentials",
            "warning",
            f"{why}, yet cached role credentials in {path} stay valid until {_when(expires)}",
            "Logging out (or an expired SSO session) does not revoke role credentials already "
            "issued; the AWS CLI keeps using this cache until they expire.",
            "Run `sso-kit logout` (it removes cached role credentials too) and unset exported "
            "AWS_* keys; log in again when you need access.",
        )

    def _network(self, stage: str, exc: Exception) -> None:
        from botocore.exceptions import ProxyConnectionError, SSLError
        from botocore.httpsession import mask_proxy_url

        # a proxy URL may carry user:password; botocore's own mask hides both
        env = {
            k: mask_proxy_url(os.environ[k])
            for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "NO_PROXY", "AWS_CA_BUNDLE")
            if os.environ.get(k)
        }
        settings = ", ".join(f"{k}={v}" for k, v in env.items()) or "no proxy or CA settings"
        if isinstance(exc, SSLError):
            fid, cause = "net.tls", "TLS validation failed: an inspecting proxy or a bad CA bundle."
        elif isinstance(exc, ProxyConnectionError):
            fid, cause = "net.proxy", "The configured proxy does not answer."
        else:
            fid, cause = "net.unreachable", "The endpoint cannot be reached from here."
        self.add(
            fid,
            stage,
            "problem",
            f"{exc} ({settings})",
            cause,
            explain(exc).fix,
        )

    def _unexpected(self, stage: str, exc: Exception) -> None:
        explanation = explain(exc)
        self.add(
            explanation.id if explanation.id != "unknown" else f"{stage}.error",
            stage,
            "problem",
            str(exc),
            explanation.cause,
            explanation.fix,
        )

    # -- S3 -------------------------------------------------------------------------------
    def s3(self) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        creds = self.role_credentials or {}
        s3 = self._client(
            boto3,
            "s3",
            region_name=self.region or "us-east-1",
            session_kw={
                "aws_access_key_id": creds["accessKeyId"],
                "aws_secret_access_key": creds["secretAccessKey"],
                "aws_session_token": creds["sessionToken"],
            },
        )
        try:
            buckets = s3.list_buckets().get("Buckets", [])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("AccessDenied", "403"):
                self.add(
                    "s3.access_denied",
                    "s3",
                    "problem",
                    f"ListBuckets denied for permission set {self.role_name}",
                    f"The permission set {self.role_name} does not allow s3:ListAllMyBuckets.",
                    "Use a profile whose permission set allows s3:ListAllMyBuckets (sandbox: "
                    "S3ReadOnly or PowerUserAccess), or ask the administrator to add it.",
                )
            else:
                self._unexpected("s3", exc)
            return
        except BotoCoreError as exc:
            self._network("s3", exc)
            return
        self.add("s3.ok", "s3", "ok", f"ListBuckets allowed: {len(buckets)} bucket(s)")


@functools.lru_cache(maxsize=8)
def _aws_version(aws: str) -> str:
    """``aws --version`` output (cached: the CLI takes seconds to start)."""
    try:
        out = subprocess.run(
            [aws, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"could not run ({exc.__class__.__name__})"
    return (out.stdout or out.stderr).strip()


def _json_files(directory: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Yield (path, parsed dict) for each readable JSON object file in ``directory``."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            yield path, data
