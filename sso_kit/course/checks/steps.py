"""One check per step (05–09) over the real files, and :func:`check`, which runs one.

Each check adds to a :class:`~sso_kit.course.checks.model.Findings`: what is right, what is
missing with a hint for both paths. Anything that needs the network (listing buckets) is passed
in as a function, so the checks stay pure over what they are given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sso_kit import cache
from sso_kit.buckets import TUTORIAL_PREFIX
from sso_kit.course.checks.evidence import (
    TOKEN_KEYS,
    config_file,
    hosted_jupyter,
    load_config,
    role_credential_files,
    role_key,
    token_doc,
)
from sso_kit.course.checks.model import STEPS, CheckResult, Context, Findings, Target
from sso_kit.course.checks.recipes import login_command, solution
from sso_kit.errors import SsoKitError

__all__ = ["check"]


def _check_session(f: Findings, target: Target, config: dict[str, Any], redo: str) -> None:
    """Step 05's ``[sso-session]`` half: the section and its three keys."""
    s = target.sso_session
    session = config["sso_sessions"].get(s)
    if not f.confirm(
        session is not None,
        f"[sso-session {s}] is there.",
        missing=f"{config_file()} has no [sso-session {s}] section.",
        notebook="Fill in the form and click Save profile.",
        terminal=redo,
    ):
        return
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
        else:
            f.confirm(
                not expected or value.rstrip("/") == expected.rstrip("/"),
                f"{key} = {value}",
                missing=f"[sso-session {s}] has {key} = {value}, but this tutorial uses {expected}.",
                notebook=f"Correct {key} in the form and click Save profile.",
                terminal=f"aws configure set sso-session.{s}.{key} {expected}",
            )


def _check_endpoint(f: Findings, target: Target, profile: dict[str, Any]) -> None:
    """In the sandbox, the profile (or the lab terminal's variable) must reach it."""
    here = profile.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL")
    terminal = f"aws configure set endpoint_url {target.endpoint_url} --profile {target.profile}"
    if not here:
        f.need(
            f"[profile {target.profile}] has no endpoint_url, so boto3 in the notebooks would "
            "call real AWS instead of the sandbox.",
            notebook="Click Save profile: in the sandbox it writes endpoint_url.",
            terminal=terminal,
        )
        return
    f.confirm(
        here.rstrip("/") == str(target.endpoint_url).rstrip("/"),
        f"endpoint_url = {here} (the sandbox)",
        missing=f"The profile reaches {here}, but the sandbox now runs at {target.endpoint_url}.",
        notebook="Click Save profile to point the profile at the running sandbox.",
        terminal=terminal,
    )


def _check_config(f: Findings, target: Target, config: dict[str, Any]) -> dict[str, Any] | None:
    """Step 05's pieces; returns the profile's own keys (None when the profile is missing)."""
    p, s = target.profile, target.sso_session
    redo = (
        f"Run aws configure sso --profile {p} and answer its prompts "
        "(sso-kit check 05 --solution shows every answer)."
    )
    _check_session(f, target, config, redo)
    profile = config["profiles"].get(p)
    if profile is None:
        f.need(
            f"{config_file()} has no [profile {p}] section.",
            notebook="Fill in the form and click Save profile.",
            terminal=redo,
        )
        return None
    f.confirm(
        profile.get("sso_session") == s,
        f"[profile {p}] uses sso_session = {s}.",
        missing=f"[profile {p}] does not say sso_session = {s}.",
        notebook="Click Save profile: it links the profile to the session.",
        terminal=f"aws configure set sso_session {s} --profile {p}",
    )
    f.confirm(
        bool(profile.get("region")),
        f"region = {profile.get('region')} (for ordinary AWS calls)",
        missing=f"[profile {p}] has no region (the Default client Region), so AWS calls with "
        "it fail with 'You must specify a region'.",
        notebook="Choose a Default client Region in the form and click Save profile.",
        terminal=f"aws configure set region {target.region or 'us-east-1'} --profile {p}",
    )
    if target.use_sandbox:
        _check_endpoint(f, target, profile)
    return dict(profile)


def _check_token(
    f: Findings, target: Target, config: dict[str, Any], now: datetime | None
) -> dict[str, Any] | None:
    """Step 06's token pieces; returns the token document when it is usable."""
    hints = {
        "notebook": "Click Log in, open the link and approve the code.",
        "terminal": login_command(target, hosted_jupyter()),
    }
    path, doc, error = token_doc(target.sso_session)
    if error:
        f.need(f"The token file {path} is unreadable.", **hints)
        return None
    if doc is None:
        f.need(
            f"There is no token file for sso-session {target.sso_session} ({path.name}): "
            "you are not logged in.",
            **hints,
        )
        return None
    absent = [k for k in TOKEN_KEYS if not doc.get(k)]
    if not f.confirm(
        not absent,
        f"Token file {path.name} has {', '.join(TOKEN_KEYS)}.",
        missing=f"The token file {path.name} lacks {', '.join(absent)}.",
        **hints,
    ):
        return None
    session = config["sso_sessions"].get(target.sso_session) or {}
    if session.get("sso_start_url") and doc["startUrl"] != session["sso_start_url"]:
        f.need(
            f"The token is for {doc['startUrl']}, not this session's {session['sso_start_url']}.",
            **hints,
        )
    expires = cache.parse_timestamp(doc["expiresAt"], path=path)
    now = now or cache.utc_now()
    if expires <= now:
        refresh = all(doc.get(k) for k in ("refreshToken", "clientId", "clientSecret"))
        f.need(
            f"The access token expired at {cache.format_timestamp(expires)}"
            + (" (the next AWS call may refresh it)." if refresh else "."),
            **hints,
        )
        return None
    left = int((expires - now).total_seconds() // 60)
    f.good(f"The access token is valid for {left} more minutes.")
    return doc


def _check_role(f: Findings, target: Target, profile: dict[str, Any]) -> None:
    p = target.profile
    for key, example in (("sso_account_id", "111122223333"), ("sso_role_name", "PowerUserAccess")):
        f.confirm(
            bool(profile.get(key)),
            f"{key} = {profile.get(key)}",
            missing=f"[profile {p}] has no {key}.",
            notebook="Pick an account and a role below the login panel and click Use.",
            terminal=f"aws configure set {key} {example} --profile {p}",
        )


def _buckets(
    f: Findings, target: Target, list_buckets: Callable[[], Sequence[str]]
) -> list[str] | None:
    try:
        return list(list_buckets())
    except SsoKitError as exc:
        f.need(
            f"Listing buckets with {target.profile} failed: {exc.message}",
            notebook="Log in again in step 06 (click Log in), then click Check my work.",
            terminal=f"{login_command(target, hosted_jupyter())}, then aws s3 ls --profile "
            f"{target.profile}",
        )
        return None


def _check_05(f: Findings, target: Target, **_: Any) -> str:
    _check_config(f, target, load_config())
    return ""


def _check_06(f: Findings, target: Target, now: datetime | None = None, **_: Any) -> str:
    config = load_config()
    profile = config["profiles"].get(target.profile)
    if profile is None or target.sso_session not in config["sso_sessions"]:
        _check_config(f, target, config)  # says what step 05 still lacks
        return ""
    _check_token(f, target, config, now)
    _check_role(f, target, profile)
    return ""


def _check_07(
    f: Findings,
    target: Target,
    now: datetime | None = None,
    list_buckets: Callable[[], Sequence[str]] | None = None,
    **_: Any,
) -> str:
    config = load_config()
    profile = config["profiles"].get(target.profile)
    if profile is None:
        _check_config(f, target, config)
        return ""
    if _check_token(f, target, config, now) is None:
        return ""
    names = _buckets(f, target, list_buckets) if list_buckets else None
    if names is not None:
        f.good(f"The profile lists {len(names)} bucket(s).")
        if target.use_sandbox and not any(n.startswith(TUTORIAL_PREFIX) for n in names):
            f.need(
                "The listing lacks the tutorial buckets of step 03.",
                notebook="Run the first cell of this step: it creates them if they are missing.",
                terminal="Run step 03's notebook (the administrator creates the buckets).",
            )
    key = role_key(profile, target.sso_session)
    cached = [doc for path, doc in role_credential_files() if path.stem == key]
    if cached:
        expiry = cached[0].get("Credentials", {}).get("Expiration", "?")
        f.notes.append(
            f"The AWS CLI cached this role's credentials in ~/.aws/cli/cache/{key}.json "
            f"(expiring {expiry}); boto3 keeps them in memory only."
        )
    return ""


def _check_08(f: Findings, target: Target, **_: Any) -> str:
    path, doc, _error = token_doc(target.sso_session)
    logout = f"aws sso logout --profile {target.profile}"
    f.confirm(
        doc is None or not doc.get("accessToken"),
        f"No token for sso-session {target.sso_session} is cached.",
        missing=f"The token file {path.name} is still there: you are signed in.",
        notebook="Click Log out.",
        terminal=logout,
    )
    creds = role_credential_files()
    f.confirm(
        not creds,
        "No cached role credentials are left in ~/.aws/cli/cache.",
        missing=f"{len(creds)} cached role credential file(s) remain in ~/.aws/cli/cache.",
        notebook="Click Log out: it deletes the cached role credentials too.",
        terminal=logout,
    )
    f.notes.append("Role credentials handed out before the logout keep working until they expire.")
    return ""


def _check_09_buckets(
    f: Findings, target: Target, list_buckets: Callable[[], Sequence[str]] | None
) -> None:
    if list_buckets is None:
        f.notes.append("Buckets were not checked here (no credentials to list them).")
        return
    names = _buckets(f, target, list_buckets)
    if names is None:
        return
    left = [n for n in names if n.startswith(TUTORIAL_PREFIX)]
    f.confirm(
        not left,
        "No tutorial bucket is left.",
        missing=f"{len(left)} tutorial bucket(s) remain: {', '.join(left)}.",
        notebook="Click Clean up now (log in first if the badge says signed out).",
        terminal="; ".join(f"aws s3 rb s3://{n} --force --profile {target.profile}" for n in left),
    )


def _check_09(
    f: Findings,
    target: Target,
    list_buckets: Callable[[], Sequence[str]] | None = None,
    keep_profile: bool = False,
    **_: Any,
) -> str:
    from sso_kit.course import leftovers

    _check_09_buckets(f, target, list_buckets)
    _check_08(f, target)
    f.notes.pop()  # the logout note belongs to step 08
    extra = ""
    if keep_profile:
        f.good(f"You kept profile {target.profile}, as asked.")
    else:
        restored, detail, command = leftovers.config_state(target)
        if not f.confirm(
            restored, detail, missing=detail, notebook="Click Clean up now.", terminal=command
        ):
            extra = command
    stray = leftovers.kit_leftovers(
        sso_session=target.sso_session, start_url=target.start_url, sso_region=target.sso_region
    )
    shown = ", ".join(str(p) for p in stray[:4]) + (" …" if len(stray) > 4 else "")
    remove = "rm -rf " + " ".join(f"'{p}'" for p in stray)
    f.confirm(
        not stray,
        "No lock, backup or cache file of the kit is left in ~/.aws.",
        missing=f"Files the kit created are still there: {shown}.",
        notebook="Click Clean up now.",
        terminal=remove,
    )
    if stray:  # the solution says it too
        extra = f"{extra}\n{remove}" if extra else remove
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
    f = Findings(context)
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
    return f.result(step, solution(step, target, context, extra))
