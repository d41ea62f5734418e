"""Check my work: one check per step, over the real files, whichever path made them.

A learner can do steps 05–09 with the notebook's widgets or with the AWS CLI v2 in a terminal.
Both leave the same files (the ``[sso-session]`` and ``[profile]`` sections as
``aws configure sso`` writes them, the token in ``~/.aws/sso/cache``, the CLI's role-credential
cache), so each check reads those files, never the widgets. A check returns a
:class:`CheckResult`: ok, what is already right, what is missing, a hint for the first missing
piece and a full solution. Hints and solutions are worded for where the learner is
(``context="notebook"``: what to click; ``"terminal"``: the command to type).

Anything that needs the network (listing buckets) is passed in as a function, so the checks
stay pure over what they are given and unit tests need no server. :func:`record` appends each
result to ``~/.sso-kit/checks.json`` (format in ``docs/checks.md``) for the workshop views.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sso_kit import cache
from sso_kit.errors import SsoKitError

__all__ = [
    "STEPS",
    "CheckResult",
    "Context",
    "Target",
    "bucket_lister",
    "check",
    "check_my_work",
    "checks_path",
    "hosted_jupyter",
    "load_results",
    "mask",
    "record",
    "role_credential_files",
    "terminal_steps",
    "token_summary",
]

Context = Literal["notebook", "terminal"]
STEPS = ("05", "06", "07", "08", "09")
TUTORIAL_BUCKET_PREFIX = "sso-kit-tutorial-"
TOKEN_KEYS = ("startUrl", "region", "accessToken", "expiresAt")
SECRET_KEYS = frozenset(
    {"accessToken", "refreshToken", "clientSecret", "SecretAccessKey", "SessionToken"}
)
#: How many results checks.json keeps (oldest dropped first).
KEEP_RESULTS = 500


@dataclass(frozen=True)
class Target:
    """What the learner was asked to build: names, and the values the portal gave them."""

    profile: str = "sso-kit-tutorial"
    sso_session: str = "sso-kit"
    start_url: str | None = None
    sso_region: str | None = None
    #: The sandbox URL a profile must reach (None on real AWS).
    endpoint_url: str | None = None
    #: The "Default client Region" to suggest when the profile has none.
    region: str | None = None

    @classmethod
    def from_setup(cls, kit: Any) -> Target:
        """From a notebook's ``setup(...)`` result."""
        return cls(
            profile=kit.profile,
            sso_session=kit.sso_session,
            start_url=kit.start_url or None,
            sso_region=kit.sso_region or None,
            endpoint_url=kit.endpoint_url,
            region=kit.sso_region or None,
        )

    @property
    def use_sandbox(self) -> bool:
        return self.endpoint_url is not None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one step's check; ``hint`` and ``solution`` suit ``context``."""

    step: str
    ok: bool
    context: str
    passed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    hint: str = ""
    solution: str = ""
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Plain text: ✓ lines, then what is missing and the hint (no solution: it is asked for)."""
        lines = [f"✓ {p}" for p in self.passed]
        lines += [f"✗ {m}" for m in self.missing]
        if self.ok:
            lines.append(f"Step {self.step} is done.")
        else:
            lines.append(f"Hint: {self.hint}")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


# -- building blocks ---------------------------------------------------------------------------
@dataclass
class _Findings:
    """Collects what a check saw; the first missing piece decides the hint."""

    context: str
    passed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def good(self, text: str) -> None:
        self.passed.append(text)

    def need(self, what: str, *, notebook: str, terminal: str) -> None:
        self.missing.append(what)
        self.hints.append(notebook if self.context == "notebook" else terminal)

    def result(self, step: str, solution: str) -> CheckResult:
        return CheckResult(
            step=step,
            ok=not self.missing,
            context=self.context,
            passed=self.passed,
            missing=self.missing,
            hint=self.hints[0] if self.hints else "",
            solution=solution,
            notes=self.notes,
        )


def hosted_jupyter(environ: dict[str, str] | None = None) -> bool:
    """True on JupyterHub or Binder, where the learner's browser is not on the kernel's machine.

    There the PKCE login cannot work (its redirect goes to 127.0.0.1 on the server), so the
    commands use ``--use-device-code``.
    """
    env = os.environ if environ is None else environ
    return any(k in env for k in ("JUPYTERHUB_API_URL", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL"))


def mask(value: Any, keep: int = 4) -> str:
    """A secret shown by its length and last characters only, e.g. ``***(1042 chars)…x9Qa``."""
    text = str(value)
    if len(text) <= keep * 3:
        return "***"
    return f"***({len(text)} chars)…{text[-keep:]}"


def _config() -> dict[str, Any]:
    from sso_kit.config import load_config

    return load_config()


def _config_file() -> Path:
    from sso_kit.config import config_path

    return config_path()


def _token_doc(sso_session: str) -> tuple[Path, dict[str, Any] | None, str | None]:
    """(path, JSON document or None, error text when the file is unreadable)."""
    path = cache.token_cache_path(sso_session)
    try:
        return path, cache.load_json(path), None
    except SsoKitError as exc:
        return path, None, str(exc)


def role_credential_files() -> list[tuple[Path, dict[str, Any]]]:
    """Every ``ProviderType: sso`` file in ``~/.aws/cli/cache`` (the CLI's role credentials),
    found as ``aws sso logout`` finds them."""
    from sso_kit.logout import _sso_credential_files

    found = []
    for path in _sso_credential_files():
        try:
            found.append((path, cache.load_json(path) or {}))
        except SsoKitError:  # removed or rewritten meanwhile
            continue
    return found


def _role_key(profile_values: dict[str, Any], sso_session: str) -> str | None:
    account, role = profile_values.get("sso_account_id"), profile_values.get("sso_role_name")
    if not account or not role:
        return None
    return cache.role_credentials_cache_key(str(account), str(role), session_name=sso_session)


def token_summary(sso_session: str) -> str:
    """The token file's keys with every secret masked: what ``aws sso login`` left behind."""
    path, doc, error = _token_doc(sso_session)
    if error:
        return f"{path}: {error}"
    if doc is None:
        return f"{path}: no such file (not logged in)."
    lines = [f"{path.name}  (sha1 of the session name {sso_session!r})"]
    for key, value in doc.items():
        lines.append(f"  {key:22} {mask(value) if key in SECRET_KEYS else value}")
    return "\n".join(lines)


# -- the terminal path, one recipe per step ----------------------------------------------------
def _login_command(target: Target, hosted: bool) -> str:
    flag = " --use-device-code" if hosted else ""
    return f"aws sso login --profile {target.profile}{flag}"


def terminal_steps(step: str, target: Target, *, hosted: bool | None = None) -> str:
    """The exact AWS CLI v2 commands (and prompt answers) that do ``step`` in a terminal."""
    hosted = hosted_jupyter() if hosted is None else hosted
    p = target.profile
    sandbox_note = (
        "# Sandbox: JupyterLab terminals already have AWS_ENDPOINT_URL set to "
        f"{target.endpoint_url},\n# so every aws command reaches the sandbox.\n"
        if target.use_sandbox
        else ""
    )
    if step == "05":
        device = " --use-device-code" if hosted else ""
        region = target.region or target.sso_region or "us-east-1"
        lines = [
            sandbox_note + f"aws configure sso --profile {p}{device}",
            f"  SSO session name (Recommended): {target.sso_session}",
            f"  SSO start URL [None]: {target.start_url or '<your AWS access portal URL>'}",
            f"  SSO region [None]: {target.sso_region or '<the Region of IAM Identity Center>'}",
            "  SSO registration scopes [sso:account:access]: <Enter>",
            "  -> the CLI logs you in now: open the link it prints, sign in, check the code, Allow",
            "  -> pick the account, then the role (PowerUserAccess) with the arrow keys and Enter",
            f"  Default client Region [None]: {region}",
            "  CLI default output format (json if not specified) [None]: json",
        ]
        if target.use_sandbox:
            lines += [
                "# Let the notebooks (and terminals outside JupyterLab) find the sandbox too:",
                f"aws configure set endpoint_url {target.endpoint_url} --profile {p}",
            ]
        return "\n".join(lines)
    if step == "06":
        why = (
            "# --use-device-code: your browser is not on this server, so the PKCE redirect to\n"
            "# 127.0.0.1 could not reach the CLI; the device code works from any browser."
            if hosted
            else "# Browser on this machine: PKCE (the default) sends the browser back to the CLI\n"
            "# at http://127.0.0.1:<port>/oauth/callback. On Binder or JupyterHub add "
            "--use-device-code."
        )
        return (
            f"{sandbox_note}{why}\n{_login_command(target, hosted)}\n"
            "# If the profile has no account and role yet (step 05 in the notebook):\n"
            f"aws configure set sso_account_id 111122223333 --profile {p}\n"
            f"aws configure set sso_role_name PowerUserAccess --profile {p}"
        )
    if step == "07":
        return (
            f"{sandbox_note}aws s3 ls --profile {p}\n"
            f"aws sts get-caller-identity --profile {p}   # which role and account you are"
        )
    if step == "08":
        return (
            f"{sandbox_note}aws sso logout --profile {p}\n"
            "# It signs out of every session and deletes every cached token and role credential;\n"
            "# --profile only tells the CLI where the service is (the profile's endpoint_url)."
        )
    if step == "09":
        return (
            f"{sandbox_note}{_login_command(target, hosted)}   # deleting needs credentials\n"
            f"aws s3 ls --profile {p}\n"
            f"aws s3 rb s3://{TUTORIAL_BUCKET_PREFIX}<id> --force --profile {p}   "
            "# once per tutorial bucket\n"
            f"aws sso logout --profile {p}\n"
            "# then put your config back as the solution below says"
        )
    raise ValueError(f"no terminal recipe for step {step!r}")


# -- the checks ----------------------------------------------------------------------------------
def _check_config(f: _Findings, target: Target, config: dict[str, Any]) -> dict[str, Any] | None:
    """Step 05's pieces; returns the profile's own keys (None when the profile is missing)."""
    p, s = target.profile, target.sso_session
    redo = (
        f"Run aws configure sso --profile {p} and answer its prompts "
        "(sso-kit check 05 --solution shows every answer)."
    )
    session = config["sso_sessions"].get(s)
    if session is None:
        f.need(
            f"{_config_file()} has no [sso-session {s}] section.",
            notebook="Fill in the form and click Save profile.",
            terminal=redo,
        )
    else:
        f.good(f"[sso-session {s}] is there.")
        for key, expected in (
            ("sso_start_url", target.start_url),
            ("sso_region", target.sso_region),
            ("sso_registration_scopes", None),
        ):
            value = session.get(key)
            if not value:
                f.need(
                    f"[sso-session {s}] has no {key}.",
                    notebook="Click Save profile again: the form writes every key.",
                    terminal=f"aws configure set sso-session.{s}.{key} "
                    f"{expected or 'sso:account:access'}",
                )
            elif expected and value.rstrip("/") != expected.rstrip("/"):
                f.need(
                    f"[sso-session {s}] has {key} = {value}, but this tutorial uses {expected}.",
                    notebook=f"Correct {key} in the form and click Save profile.",
                    terminal=f"aws configure set sso-session.{s}.{key} {expected}",
                )
            else:
                f.good(f"{key} = {value}")
    profile = config["profiles"].get(p)
    if profile is None:
        f.need(
            f"{_config_file()} has no [profile {p}] section.",
            notebook="Fill in the form and click Save profile.",
            terminal=redo,
        )
        return None
    if profile.get("sso_session") != s:
        f.need(
            f"[profile {p}] does not say sso_session = {s}.",
            notebook="Click Save profile: it links the profile to the session.",
            terminal=f"aws configure set sso_session {s} --profile {p}",
        )
    else:
        f.good(f"[profile {p}] uses sso_session = {s}.")
    if not profile.get("region"):
        region = target.region or "us-east-1"
        f.need(
            f"[profile {p}] has no region (the Default client Region), so AWS calls with it "
            "fail with 'You must specify a region'.",
            notebook="Choose a Default client Region in the form and click Save profile.",
            terminal=f"aws configure set region {region} --profile {p}",
        )
    else:
        f.good(f"region = {profile['region']} (for ordinary AWS calls)")
    if target.use_sandbox:
        here = profile.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL")
        if not here:
            f.need(
                f"[profile {p}] has no endpoint_url, so boto3 in the notebooks would call real "
                "AWS instead of the sandbox.",
                notebook="Click Save profile: in the sandbox it writes endpoint_url.",
                terminal=f"aws configure set endpoint_url {target.endpoint_url} --profile {p}",
            )
        elif here.rstrip("/") != str(target.endpoint_url).rstrip("/"):
            f.need(
                f"The profile reaches {here}, but the sandbox now runs at {target.endpoint_url}.",
                notebook="Click Save profile to point the profile at the running sandbox.",
                terminal=f"aws configure set endpoint_url {target.endpoint_url} --profile {p}",
            )
        else:
            f.good(f"endpoint_url = {here} (the sandbox)")
    return dict(profile)


def _check_token(
    f: _Findings, target: Target, config: dict[str, Any], now: datetime | None
) -> dict[str, Any] | None:
    """Step 06's token pieces; returns the token document when it is usable."""
    login_nb = "Click Log in, open the link and approve the code."
    login_term = _login_command(target, hosted_jupyter())
    path, doc, error = _token_doc(target.sso_session)
    if error:
        f.need(f"The token file {path} is unreadable.", notebook=login_nb, terminal=login_term)
        return None
    if doc is None:
        f.need(
            f"There is no token file for sso-session {target.sso_session} ({path.name}): "
            "you are not logged in.",
            notebook=login_nb,
            terminal=login_term,
        )
        return None
    absent = [k for k in TOKEN_KEYS if not doc.get(k)]
    if absent:
        f.need(
            f"The token file {path.name} lacks {', '.join(absent)}.",
            notebook=login_nb,
            terminal=login_term,
        )
        return None
    f.good(f"Token file {path.name} has {', '.join(TOKEN_KEYS)}.")
    session = config["sso_sessions"].get(target.sso_session) or {}
    if session.get("sso_start_url") and doc["startUrl"] != session["sso_start_url"]:
        f.need(
            f"The token is for {doc['startUrl']}, not this session's {session['sso_start_url']}.",
            notebook=login_nb,
            terminal=login_term,
        )
    expires = cache.parse_timestamp(doc["expiresAt"], path=path)
    now = now or cache.utc_now()
    if expires <= now:
        refresh = all(doc.get(k) for k in ("refreshToken", "clientId", "clientSecret"))
        f.need(
            f"The access token expired at {cache.format_timestamp(expires)}"
            + (" (the next AWS call may refresh it)." if refresh else "."),
            notebook=login_nb,
            terminal=login_term,
        )
        return None
    left = int((expires - now).total_seconds() // 60)
    f.good(f"The access token is valid for {left} more minutes.")
    return doc


def _check_role(f: _Findings, target: Target, profile: dict[str, Any]) -> None:
    p = target.profile
    for key, example in (("sso_account_id", "111122223333"), ("sso_role_name", "PowerUserAccess")):
        if profile.get(key):
            f.good(f"{key} = {profile[key]}")
        else:
            f.need(
                f"[profile {p}] has no {key}.",
                notebook="Pick an account and a role below the login panel and click Use.",
                terminal=f"aws configure set {key} {example} --profile {p}",
            )


def _buckets(
    f: _Findings, target: Target, list_buckets: Callable[[], Sequence[str]]
) -> list[str] | None:
    try:
        return list(list_buckets())
    except SsoKitError as exc:
        f.need(
            f"Listing buckets with {target.profile} failed: {exc.message}",
            notebook="Log in again in step 06 (click Log in), then click Check my work.",
            terminal=f"{_login_command(target, hosted_jupyter())}, then aws s3 ls --profile "
            f"{target.profile}",
        )
        return None


def _solution(step: str, target: Target, context: str, extra: str = "") -> str:
    if context == "terminal":
        return terminal_steps(step, target) + (f"\n{extra}" if extra else "")
    clicks = {
        "05": "Fill in the form (start URL, SSO region, Default client Region, names) and click "
        "Save profile. The cell under it shows the same answers for aws configure sso.",
        "06": "Click Log in, open the link (or scan the QR code), sign in, check that the page "
        "shows the same code and click Allow. Then pick the account and role and click Use.",
        "07": "Run the cells of this step: the table lists the buckets with the profile's role.",
        "08": "Click Log out.",
        "09": "If the badge says you are signed out, click Log in first; then click Clean up now.",
    }
    return clicks[step] + (f"\n{extra}" if extra else "")


def _check_05(f: _Findings, target: Target, **_: Any) -> str:
    _check_config(f, target, _config())
    return ""


def _check_06(f: _Findings, target: Target, now: datetime | None = None, **_: Any) -> str:
    config = _config()
    profile = config["profiles"].get(target.profile)
    if profile is None or target.sso_session not in config["sso_sessions"]:
        _check_config(f, target, config)  # says what step 05 still lacks
        return ""
    _check_token(f, target, config, now)
    _check_role(f, target, profile)
    return ""


def _check_07(
    f: _Findings,
    target: Target,
    now: datetime | None = None,
    list_buckets: Callable[[], Sequence[str]] | None = None,
    **_: Any,
) -> str:
    config = _config()
    profile = config["profiles"].get(target.profile)
    if profile is None:
        _check_config(f, target, config)
        return ""
    if _check_token(f, target, config, now) is None:
        return ""
    names = _buckets(f, target, list_buckets) if list_buckets else None
    if names is not None:
        f.good(f"The profile lists {len(names)} bucket(s).")
        if target.use_sandbox and not any(n.startswith(TUTORIAL_BUCKET_PREFIX) for n in names):
            f.need(
                "The listing lacks the tutorial buckets of step 03.",
                notebook="Run the first cell of this step: it creates them if they are missing.",
                terminal="Run step 03's notebook (the administrator creates the buckets).",
            )
    key = _role_key(profile, target.sso_session)
    cached = [doc for path, doc in role_credential_files() if path.stem == key]
    if cached:
        expiry = cached[0].get("Credentials", {}).get("Expiration", "?")
        f.notes.append(
            f"The AWS CLI cached this role's credentials in ~/.aws/cli/cache/{key}.json "
            f"(expiring {expiry}); boto3 keeps them in memory only."
        )
    return ""


def _check_08(f: _Findings, target: Target, **_: Any) -> str:
    path, doc, _error = _token_doc(target.sso_session)
    if doc is not None and doc.get("accessToken"):
        f.need(
            f"The token file {path.name} is still there: you are signed in.",
            notebook="Click Log out.",
            terminal=f"aws sso logout --profile {target.profile}",
        )
    else:
        f.good(f"No token for sso-session {target.sso_session} is cached.")
    creds = role_credential_files()
    if creds:
        f.need(
            f"{len(creds)} cached role credential file(s) remain in ~/.aws/cli/cache.",
            notebook="Click Log out: it deletes the cached role credentials too.",
            terminal=f"aws sso logout --profile {target.profile}",
        )
    else:
        f.good("No cached role credentials are left in ~/.aws/cli/cache.")
    f.notes.append("Role credentials handed out before the logout keep working until they expire.")
    return ""


def _check_09(
    f: _Findings,
    target: Target,
    list_buckets: Callable[[], Sequence[str]] | None = None,
    keep_profile: bool = False,
    **_: Any,
) -> str:
    from sso_kit.course import leftovers

    if list_buckets is not None:
        names = _buckets(f, target, list_buckets)
        left = [n for n in names or [] if n.startswith(TUTORIAL_BUCKET_PREFIX)]
        if left:
            f.need(
                f"{len(left)} tutorial bucket(s) remain: {', '.join(left)}.",
                notebook="Click Clean up now (log in first if the badge says signed out).",
                terminal="; ".join(
                    f"aws s3 rb s3://{n} --force --profile {target.profile}" for n in left
                ),
            )
        elif names is not None:
            f.good("No tutorial bucket is left.")
    else:
        f.notes.append("Buckets were not checked here (no credentials to list them).")
    _check_08(f, target)
    f.notes.pop()  # the logout note belongs to step 08
    extra = ""
    if keep_profile:
        f.good(f"You kept profile {target.profile}, as asked.")
    else:
        restored, detail, command = leftovers.config_state(target)
        if restored:
            f.good(detail)
        else:
            f.need(detail, notebook="Click Clean up now.", terminal=command)
            extra = command
    stray = leftovers.kit_leftovers(
        sso_session=target.sso_session, start_url=target.start_url, sso_region=target.sso_region
    )
    if stray:
        shown = ", ".join(str(p) for p in stray[:4]) + (" …" if len(stray) > 4 else "")
        remove = "rm -rf " + " ".join(f"'{p}'" for p in stray)
        f.need(
            f"Files the kit created are still there: {shown}.",
            notebook="Click Clean up now.",
            terminal=remove,
        )
        extra = f"{extra}\n{remove}" if extra else remove  # the solution says it too
    else:
        f.good("No lock, backup or cache file of the kit is left in ~/.aws.")
    f.notes.append(leftovers.WHAT_STAYS)
    return extra


_CHECKS: dict[str, Callable[..., str]] = {
    "05": _check_05,
    "06": _check_06,
    "07": _check_07,
    "08": _check_08,
    "09": _check_09,
}


def check(
    step: str,
    target: Target | None = None,
    *,
    context: Context = "notebook",
    now: datetime | None = None,
    list_buckets: Callable[[], Sequence[str]] | None = None,
    keep_profile: bool = False,
) -> CheckResult:
    """Check one step (``"05"``…``"09"``) against the real config and caches.

    ``list_buckets`` (07, 09) returns bucket names, e.g. with the profile's role; without it
    the buckets are not checked. Errors reading the config come back as a failed check.
    """
    step = step.zfill(2)
    if step not in _CHECKS:
        raise ValueError(f"unknown step {step!r}: choose one of {', '.join(STEPS)}")
    target = target or Target()
    f = _Findings(context)
    try:
        extra = _CHECKS[step](
            f, target, now=now, list_buckets=list_buckets, keep_profile=keep_profile
        )
    except SsoKitError as exc:
        f.need(
            exc.message,
            notebook=exc.hint or "Fix the file it names, then click Check my work again.",
            terminal=exc.hint or "Fix the file it names, then run the check again.",
        )
        extra = ""
    return f.result(step, _solution(step, target, context, extra))


# -- results recorded for the workshop -----------------------------------------------------------
def checks_path() -> Path:
    """``~/.sso-kit/checks.json``."""
    return Path(os.path.expanduser("~")) / ".sso-kit" / "checks.json"


def load_results() -> list[dict[str, Any]]:
    """Every recorded result, oldest first ([] when there is none or the file is unreadable)."""
    try:
        data = json.loads(checks_path().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    results = data.get("results") if isinstance(data, dict) else None
    return list(results) if isinstance(results, list) else []


def record(result: CheckResult, *, profile: str | None = None) -> Path:
    """Append ``result`` to ``checks.json`` (atomic replace, owner-only); returns the path."""
    entry = {
        "step": result.step,
        "ok": result.ok,
        "time": cache.format_timestamp(cache.utc_now()),
        "path": result.context,
        "missing": list(result.missing),
    }
    if profile:
        entry["profile"] = profile
    results = [*load_results(), entry][-KEEP_RESULTS:]
    path = checks_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "results": results}, fh, indent=1)
    os.replace(tmp, path)
    return path


def as_dict(result: CheckResult) -> dict[str, Any]:
    """The result as plain data (for JSON output)."""
    return asdict(result)


# -- for the notebooks ---------------------------------------------------------------------------
def bucket_lister(kit: Any, step: str) -> Callable[[], Sequence[str]] | None:
    """How a step lists buckets: 07 with the profile's role; 09 with the sandbox admin's key
    (the profile may already be gone); None on real AWS for 09 (no credentials left)."""
    if step == "07":

        def with_role() -> list[str]:
            from sso_kit.buckets import list_buckets

            return [b.name for b in list_buckets(kit.profile)]

        return with_role
    # A workshop learner has no admin key (the room's is the instructor's): as on real AWS.
    if step == "09" and getattr(getattr(kit, "sandbox", None), "admin_key", None):

        def as_admin() -> list[str]:
            from sso_kit.course.admin import admin_client

            buckets = admin_client(kit, "s3").list_buckets().get("Buckets", [])
            return [b["Name"] for b in buckets]

        return as_admin
    return None


def check_my_work(step: str, kit: Any, *, keep_profile: bool = False, buckets: bool = True) -> Any:
    """The "Check my work" widget for a notebook step; headless runs check at once and raise
    AssertionError (with what is missing and the hint) when the step is not done."""
    from sso_kit.ui.check import CheckWork

    target = Target.from_setup(kit)
    lister = bucket_lister(kit, step) if buckets else None

    def run() -> CheckResult:
        return check(step, target, list_buckets=lister, keep_profile=keep_profile)

    widget = CheckWork(run, on_result=lambda r: record(r, profile=target.profile))
    if not kit.interactive:
        result = widget.check()
        if not result.ok:
            raise AssertionError(result.report())
    return widget
