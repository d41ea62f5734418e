"""Pure checks of what a learner types, run before anything is written or sent.

Each function returns the cleaned value or raises :class:`~sso_kit.errors.ValidationError`
whose message says what is wrong and what a valid value looks like. Nothing here touches the
network or the file system; the SSO region list comes from botocore's own endpoint data.
"""

from __future__ import annotations

import functools
import re
import warnings
from urllib.parse import urlsplit

from sso_kit.errors import ValidationError

__all__ = [
    "DEFAULT_SCOPES",
    "sso_regions",
    "validate_account_id",
    "validate_endpoint_url",
    "validate_name",
    "validate_output",
    "validate_region",
    "validate_role_name",
    "validate_scopes",
    "validate_sso_region",
    "validate_start_url",
]

DEFAULT_SCOPES = ["sso:account:access"]
EXAMPLE_START_URL = "https://d-1234567890.awsapps.com/start"

# Hosts the AWS CLI treats as AWS-owned (never contacted). Exact hosts, then suffixes.
_EXACT_HOSTS = frozenset(
    {
        "identitycenter.amazonaws.com",
        "identitycenter.amazonaws.com.cn",
        "identitycenter.amazonaws.eu",
        "identitycenter.us-gov.amazonaws.com",
    }
)
_HOST_SUFFIXES = (
    ".awsapps.com",
    ".awsapps.cn",
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".app.amazonwebservices.com.cn",
    ".portal.amazonaws.eu",
    ".api.amazonwebservices.eu",
)
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SSOINS_PATH = re.compile(r"^/ssoins-[0-9a-f]{16}/?$")
_NAME_FORBIDDEN = re.compile(r"[\s\[\]=#;\"'\\]|[\x00-\x1f\x7f]")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_SCOPE = re.compile(r"^[A-Za-z0-9_.:/-]+$")
_OUTPUTS = ("json", "text", "table", "yaml", "yaml-stream", "off")


def _fail(field: str, message: str, hint: str) -> ValidationError:
    return ValidationError(field, message, hint=hint)


def _type_name(value: object) -> str:
    return type(value).__name__


def _control_char(text: str) -> str | None:
    """The first control or invisible format character, as U+XXXX, or None."""
    import unicodedata

    for ch in text:
        if ch.isspace():
            continue  # reported separately, with a friendlier message
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return f"U+{ord(ch):04X}"
    return None


def validate_start_url(url: str) -> str:
    """Return the start URL as it should be stored (its sha1 keys the CLI's caches)."""
    hint = (
        f"Use the AWS access portal URL from IAM Identity Center's dashboard, "
        f"for example {EXAMPLE_START_URL}."
    )
    if url is not None and not isinstance(url, str):
        raise _fail("start_url", f"The start URL must be text, not {_type_name(url)}.", hint)
    if not url or not url.strip():
        raise _fail("start_url", "The start URL is empty.", hint)
    cleaned = url.strip()
    if any(ch.isspace() for ch in cleaned):
        raise _fail("start_url", "The start URL contains spaces or line breaks.", hint)
    bad = _control_char(cleaned)
    if bad:
        raise _fail("start_url", f"The start URL contains a control character ({bad}).", hint)
    if not cleaned.isascii():
        raise _fail(
            "start_url",
            "The start URL contains non-ASCII characters (a look-alike letter or digit?).",
            hint,
        )
    fixed = cleaned
    # Browsers show the portal as ".../start/#/"; the fragment is not part of the start URL.
    while fixed.endswith(("#/", "#")):
        fixed = fixed[:-2] if fixed.endswith("#/") else fixed[:-1]
    try:
        parts = urlsplit(fixed)
        port = parts.port
    except ValueError as exc:
        raise _fail("start_url", f"The start URL is not a valid URL ({exc}).", hint) from None
    if parts.scheme.lower() != "https":
        raise _fail(
            "start_url",
            f"The start URL must use https, not {parts.scheme or 'no scheme'!r}.",
            hint,
        )
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or port is not None:
        raise _fail(
            "start_url", "The start URL must be https://HOST/PATH with no user or port.", hint
        )
    if parts.query or parts.fragment:
        raise _fail("start_url", "The start URL must not contain '?' or '#' parts.", hint)
    if not all(_LABEL.match(label) for label in host.split(".")):
        raise _fail("start_url", f"{host!r} is not a valid host name.", hint)
    path = parts.path
    if host in _EXACT_HOSTS:
        if not _SSOINS_PATH.match(path):
            raise _fail(
                "start_url",
                f"A start URL on {host} must end with your instance id, /ssoins-<16 hex digits>.",
                "For example https://identitycenter.amazonaws.com/ssoins-1234567890abcdef.",
            )
    elif host.endswith(_HOST_SUFFIXES) and host not in {s[1:] for s in _HOST_SUFFIXES}:
        if host.endswith((".awsapps.com", ".awsapps.cn")) and path.rstrip("/") != "/start":
            raise _fail(
                "start_url",
                f"A start URL on {host} must end with /start (got path {path or '/'!r}).",
                hint,
            )
    else:
        raise _fail(
            "start_url",
            f"{host!r} is not an AWS access portal host.",
            hint + " Other accepted forms: https://NAME.app.aws, "
            "https://identitycenter.amazonaws.com/ssoins-…, and the .awsapps.cn / "
            "us-gov forms.",
        )
    if path.endswith("/") and path != "/":
        path = path.rstrip("/")
    fixed = f"https://{host}{path}"
    if fixed != cleaned:
        warnings.warn(
            f"Start URL cleaned up from {cleaned!r} to {fixed!r} (the part after the portal "
            "path is added by the browser and is not part of the start URL).",
            UserWarning,
            stacklevel=2,
        )
    return fixed


@functools.lru_cache(maxsize=1)
def _regions_by_partition() -> dict[str, tuple[str, ...]]:
    # botocore's endpoint data, read without a botocore Session: a Session would read the
    # learner's AWS config, and a config botocore cannot parse must not break validation.
    # "oidc" is sso-oidc's endpoint prefix in that data.
    from botocore.loaders import create_loader
    from botocore.regions import EndpointResolver

    resolver = EndpointResolver(create_loader().load_data("endpoints"))
    return {
        partition: tuple(resolver.get_available_endpoints("oidc", partition))
        for partition in resolver.get_available_partitions()
    }


def sso_regions() -> list[str]:
    """Every region where IAM Identity Center's OIDC service exists (botocore's data)."""
    return sorted({r for regions in _regions_by_partition().values() for r in regions})


def validate_sso_region(region: str) -> str:
    """The SSO region is where Identity Center lives, not where your buckets live."""
    cleaned = region.strip().lower() if isinstance(region, str) else ""
    if cleaned in sso_regions():
        return cleaned
    raise _fail(
        "sso_region",
        f"{region!r} is not a region where IAM Identity Center is available.",
        "Use the region shown in the Identity Center console's Settings page, for example "
        "us-east-1 or eu-west-1.",
    )


def validate_region(region: str) -> str:
    """Default region for ordinary API calls: any AWS-shaped region name."""
    cleaned = region.strip().lower() if isinstance(region, str) else ""
    if re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d{1,2}", cleaned):
        return cleaned
    raise _fail(
        "region",
        f"{region!r} does not look like an AWS region.",
        "Use a region code such as us-west-2 or eu-central-1.",
    )


def validate_name(name: str, *, kind: str = "profile") -> str:
    """Names become INI section headers, so anything that could break a header is refused."""
    if kind not in ("profile", "sso-session"):
        raise ValueError(f"kind must be 'profile' or 'sso-session', not {kind!r}")
    field = "profile" if kind == "profile" else "sso_session"
    hint = (
        f"Use letters, digits and - _ . @ + : / only, for example "
        f"{'my-dev-profile' if kind == 'profile' else 'my-sso'}."
    )
    if name is not None and not isinstance(name, str):
        raise _fail(field, f"The {kind} name must be text, not {_type_name(name)}.", hint)
    if not name or not name.strip():
        raise _fail(field, f"The {kind} name is empty.", hint)
    if name != name.strip():
        raise _fail(field, f"The {kind} name {name!r} starts or ends with a space.", hint)
    bad = _NAME_FORBIDDEN.search(name)
    if bad:
        shown = {"\n": "a line break", "\r": "a line break", "\t": "a tab", " ": "a space"}
        char = shown.get(bad.group(), repr(bad.group()))
        raise _fail(field, f"The {kind} name {name!r} contains {char}.", hint)
    if len(name) > 128:
        raise _fail(field, f"The {kind} name is longer than 128 characters.", hint)
    return name


def validate_account_id(account_id: str | int) -> str:
    """Account ids are 12 digits and stored as text (leading zeros matter)."""
    hint = (
        "An account id is exactly 12 digits 0-9, for example 111122223333 "
        "(pass it as text if it starts with 0)."
    )
    if isinstance(account_id, bool) or not isinstance(account_id, (str, int)):
        raise _fail(
            "account_id",
            f"The account id must be text or a whole number, not {_type_name(account_id)}.",
            hint,
        )
    text = str(account_id).strip()
    if re.fullmatch(r"\d{12}", text) and not text.isascii():
        raise _fail(
            "account_id",
            f"{account_id!r} uses digits that are not 0-9 (full-width or another script).",
            hint,
        )
    if not re.fullmatch(r"[0-9]{12}", text):
        raise _fail("account_id", f"{account_id!r} is not an AWS account id.", hint)
    return text


def validate_role_name(name: str) -> str:
    """Permission-set role names follow IAM's role-name rules."""
    cleaned = name.strip() if isinstance(name, str) else ""
    if not _ROLE_NAME.match(cleaned):
        raise _fail(
            "role_name",
            f"{name!r} is not a valid role name.",
            "Use 1-64 letters, digits or + = , . @ _ -, for example PowerUserAccess.",
        )
    return cleaned


def validate_scopes(scopes: str | list[str] | None) -> list[str]:
    """Split and check OAuth scopes; None means the tutorial's default sso:account:access."""
    hint = "Separate scopes with commas, for example sso:account:access."
    if scopes is None:
        return list(DEFAULT_SCOPES)
    if isinstance(scopes, str):
        pieces = scopes.split(",")
    elif isinstance(scopes, (list, tuple)):
        pieces = list(scopes)
        wrong = [p for p in pieces if not isinstance(p, str)]
        if wrong:
            raise _fail("scopes", f"Each scope must be text, not {_type_name(wrong[0])}.", hint)
    else:
        raise _fail(
            "scopes",
            f"Scopes must be text or a list of text, not {_type_name(scopes)}.",
            hint,
        )
    cleaned = [p.strip() for p in pieces if p.strip()]
    if not cleaned:
        raise _fail("scopes", "No scope was given.", hint)
    for scope in cleaned:
        if not _SCOPE.match(scope):
            raise _fail("scopes", f"{scope!r} is not a valid scope.", hint)
    return cleaned


def validate_output(output: str) -> str:
    """The AWS CLI's output formats."""
    cleaned = output.strip().lower() if isinstance(output, str) else ""
    if cleaned not in _OUTPUTS:
        raise _fail(
            "output", f"{output!r} is not an AWS CLI output format.", f"Use one of {_OUTPUTS}."
        )
    return cleaned


def validate_endpoint_url(url: str) -> str:
    """Endpoint override (the sandbox): http(s)://HOST[:PORT] with no path or query."""
    hint = "For the offline sandbox this looks like http://127.0.0.1:4566."
    if not isinstance(url, str):
        raise _fail("endpoint_url", f"The endpoint URL must be text, not {_type_name(url)}.", hint)
    cleaned = url.strip()
    bad = _control_char(cleaned)
    if bad:
        raise _fail("endpoint_url", f"The endpoint URL contains a control character ({bad}).", hint)
    if not cleaned.isascii():
        raise _fail("endpoint_url", "The endpoint URL contains non-ASCII characters.", hint)
    if any(ch.isspace() for ch in cleaned):
        raise _fail("endpoint_url", "The endpoint URL contains spaces or line breaks.", hint)
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise _fail("endpoint_url", f"{url!r} is not a valid URL.", hint) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or any(ch.isspace() for ch in cleaned)
    ):
        raise _fail("endpoint_url", f"{url!r} is not an http(s)://HOST[:PORT] URL.", hint)
    return cleaned.rstrip("/")
