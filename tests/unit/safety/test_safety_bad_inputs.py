"""Bad input through the Python API, the profile form and the CLI (a real subprocess).

Every case must be refused with a message that names what was wrong, with no traceback, and
must leave the config file byte-identical (sha256). Explicit cases cover the shapes learners
paste (look-alike digits, control characters, wrong types); hypothesis covers the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sso_kit import validate
from sso_kit.config import config_path, configure_profile, load_config, read_profile
from sso_kit.errors import ConfigError, SsoKitError, ValidationError
from sso_kit.ui.forms import ProfileForm

DRIVER = Path(__file__).parents[2] / "integration" / "safety" / "cli_driver.py"
ORIGINAL = (
    b"# my settings\n[default]\nregion = eu-west-1\n\n"
    b"[profile work]  ; keep me\noutput = text\nsso_session = corp\n"
    b"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
)
GOOD: dict[str, Any] = {
    "profile": "dev",
    "sso_session": "my-sso",
    "start_url": "https://d-1234567890.awsapps.com/start",
    "sso_region": "us-east-1",
    "account_id": "111122223333",
    "role_name": "ReadOnly",
}

# (field, bad value, fragment the message must contain)
CASES: list[tuple[str, Any, str]] = [
    ("start_url", "", "is empty"),
    ("start_url", "   ", "is empty"),
    ("start_url", "http://x.awsapps.com/start", "must use https"),
    ("start_url", "ftp://x.awsapps.com/start", "must use https"),
    ("start_url", "x.awsapps.com/start", "must use https"),
    ("start_url", "https://x.awsapps.com/start\x1b[31m", "control character (U+001B)"),
    ("start_url", "https://x.aws\x00apps.com/start", "control character (U+0000)"),
    ("start_url", "https://x.awsapps.com/st\x7fart", "control character (U+007F)"),
    ("start_url", "https://x.awsapps.com/start\u200b", "control character (U+200B)"),
    ("start_url", "https://x.awsapps.com/\u202etrats", "control character (U+202E)"),
    ("start_url", "https://x.awsapps.com/start\x07", "control character (U+0007)"),
    ("start_url", "https://\u0445.awsapps.com/start", "non-ASCII"),
    ("start_url", "https://x.\u0430wsapps.com/start", "non-ASCII"),
    ("start_url", "https://x.awsapps.com/start with space", "spaces"),
    ("start_url", "https://x.awsapps.com/start\nevil", "line breaks"),
    ("start_url", "https://x.awsapps.com/st\tart", "spaces"),
    ("start_url", "https://evil.example.com/start", "not an AWS access portal host"),
    ("start_url", "https://awsapps.com/start", "not an AWS access portal host"),
    ("start_url", "https://x.awsapps.com/login", "must end with /start"),
    ("start_url", "https://user:pw@x.awsapps.com/start", "no user or port"),
    ("start_url", "https://x.awsapps.com:8443/start", "no user or port"),
    ("start_url", "https://x.awsapps.com:99999/start", "not a valid URL"),
    ("start_url", "https://x.awsapps.com/start?next=1", "'?' or '#'"),
    ("start_url", "https://[::1/start", "not a valid URL"),
    ("start_url", "https://-bad-.awsapps.com/start", "not a valid host name"),
    ("start_url", "https://identitycenter.amazonaws.com/start", "ssoins-"),
    ("start_url", 5, "must be text, not int"),
    ("start_url", b"https://x.awsapps.com/start", "must be text, not bytes"),
    ("start_url", ["https://x.awsapps.com/start"], "must be text, not list"),
    ("sso_region", "", "is not a region where IAM Identity Center"),
    ("sso_region", "us-east-99", "is not a region where IAM Identity Center"),
    ("sso_region", "mars-north-1", "is not a region where IAM Identity Center"),
    ("sso_region", "us-east-1\x00", "is not a region where IAM Identity Center"),
    ("sso_region", "us east 1", "is not a region where IAM Identity Center"),
    ("sso_region", "https://us-east-1", "is not a region where IAM Identity Center"),
    ("sso_region", 1, "is not a region where IAM Identity Center"),
    ("account_id", "\uff11" * 4 + "\uff12" * 4 + "\uff13" * 4, "not 0-9"),
    ("account_id", "\u0661" * 4 + "\u0662" * 4 + "\u0663" * 4, "not 0-9"),
    ("account_id", "\u0967" * 12, "not 0-9"),
    ("account_id", "\u06f1" * 12, "not 0-9"),
    ("account_id", "11112222333", "is not an AWS account id"),
    ("account_id", "1111222233334", "is not an AWS account id"),
    ("account_id", "1111-2222-3333", "is not an AWS account id"),
    ("account_id", "abcdefghijkl", "is not an AWS account id"),
    ("account_id", "111122223333\x00", "is not an AWS account id"),
    ("account_id", " ", "is not an AWS account id"),
    ("account_id", "0x1111222233", "is not an AWS account id"),
    ("account_id", 11112222333, "is not an AWS account id"),
    ("account_id", -111122223333, "is not an AWS account id"),
    ("account_id", True, "not bool"),
    ("account_id", 1.5, "not float"),
    ("account_id", b"111122223333", "not bytes"),
    ("account_id", ["111122223333"], "not list"),
    ("role_name", "a" * 65, "is not a valid role name"),
    ("role_name", "Role Name", "is not a valid role name"),
    ("role_name", "R\u00f4le", "is not a valid role name"),
    ("role_name", "Role\x1b", "is not a valid role name"),
    ("role_name", "team/Role", "is not a valid role name"),
    ("role_name", "Role\x00", "is not a valid role name"),
    ("role_name", 5, "is not a valid role name"),
    ("role_name", b"ReadOnly", "is not a valid role name"),
    ("region", "mars", "does not look like an AWS region"),
    ("region", "us_east_1", "does not look like an AWS region"),
    ("region", "us-east-1\x00", "does not look like an AWS region"),
    ("region", "us-east-1; rm", "does not look like an AWS region"),
    ("region", 5, "does not look like an AWS region"),
    ("output", "xml", "is not an AWS CLI output format"),
    ("output", "json5", "is not an AWS CLI output format"),
    ("output", "json\x00", "is not an AWS CLI output format"),
    ("output", 5, "is not an AWS CLI output format"),
    ("scopes", 5, "not int"),
    ("scopes", b"x", "not bytes"),
    ("scopes", [None], "not NoneType"),
    ("scopes", [5], "not int"),
    ("scopes", ["sso:account:access", b"x"], "not bytes"),
    ("scopes", {"sso:account:access"}, "not set"),
    ("scopes", "", "No scope was given"),
    ("scopes", " , ,", "No scope was given"),
    ("scopes", [], "No scope was given"),
    ("scopes", "sso:account:access extra", "is not a valid scope"),
    ("scopes", "sso:account:access\x00", "is not a valid scope"),
    ("scopes", "sso:account:access\n[evil]", "is not a valid scope"),
    ("endpoint_url", "ftp://127.0.0.1:4566", "is not an http(s)://HOST[:PORT] URL"),
    ("endpoint_url", "http://127.0.0.1:4566/path", "is not an http(s)://HOST[:PORT] URL"),
    ("endpoint_url", "http://127.0.0.1:4566?x=1", "is not an http(s)://HOST[:PORT] URL"),
    ("endpoint_url", "http://", "is not an http(s)://HOST[:PORT] URL"),
    ("endpoint_url", "127.0.0.1:4566", "is not an http(s)://HOST[:PORT] URL"),
    ("endpoint_url", "http://127.0.0.1:99999", "is not a valid URL"),
    ("endpoint_url", "http://127.0.0.1:4566\x1b", "control character (U+001B)"),
    ("endpoint_url", "http://127.0.0.1:4566\x00", "control character (U+0000)"),
    ("endpoint_url", "http://127.0.0.1:4566\u200b", "control character (U+200B)"),
    ("endpoint_url", "http://\uff45xample.com", "non-ASCII"),
    ("endpoint_url", "http://exa mple.com", "spaces or line breaks"),
    ("endpoint_url", "http://127.0.0.1:4566\n[evil]", "spaces or line breaks"),
    ("endpoint_url", 5, "must be text, not int"),
    ("endpoint_url", b"http://127.0.0.1:4566", "must be text, not bytes"),
]
NAMES: list[tuple[Any, str]] = [
    ("", "is empty"),
    ("   ", "is empty"),
    (" dev", "starts or ends with a space"),
    ("dev ", "starts or ends with a space"),
    ("de v", "contains a space"),
    ("dev]", "contains ']'"),
    ("[dev", "contains '['"),
    ("de=v", "contains '='"),
    ("de#v", "contains '#'"),
    ("de;v", "contains ';'"),
    ('de"v', "contains '\"'"),
    ("de'v", 'contains "\'"'),
    ("de\\v", "contains '\\\\'"),
    ("dev\x00", "contains '\\x00'"),
    ("dev\x1b", "contains '\\x1b'"),
    ("de\tv", "contains a tab"),
    ("de\nv", "contains a line break"),
    ("a" * 129, "longer than 128"),
    (5, "must be text, not int"),
    (b"dev", "must be text, not bytes"),
    (["dev"], "must be text, not list"),
]
for _value, _fragment in NAMES:
    CASES.append(("profile", _value, _fragment))
    CASES.append(("sso_session", _value, _fragment))

WITHOUT_PROFILE = {k: v for k, v in GOOD.items() if k != "profile"}


def case_id(case: tuple[str, Any, str]) -> str:
    field, value, _ = case
    return f"{field}={value!r}"[:60]


def sha256() -> str:
    return hashlib.sha256(config_path().read_bytes()).hexdigest()


@pytest.fixture
def original_config() -> str:
    config_path().write_bytes(ORIGINAL)
    return sha256()


# ------------------------------------------------------------------ Python API


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_api_refuses_bad_input(original_config: str, case) -> None:
    field, value, fragment = case
    kwargs = {**GOOD, field: value}
    profile = kwargs.pop("profile")
    with pytest.raises(ValidationError) as info:
        configure_profile(profile, **kwargs)
    assert info.value.field == field
    assert fragment in str(info.value), str(info.value)
    assert info.value.exit_code == 2
    assert sha256() == original_config


# ------------------------------------------------------------------ the profile form

FORM_FIELDS = ("start_url", "sso_session", "profile")
FORM_CASES = [c for c in CASES if c[0] in FORM_FIELDS and isinstance(c[1], str)]
SAVE_CASES = [c for c in CASES if c[0] in ("account_id", "role_name", "endpoint_url", "region")]


@pytest.mark.parametrize("case", FORM_CASES, ids=[case_id(c) for c in FORM_CASES])
def test_form_shows_the_problem_and_cannot_save(original_config: str, case) -> None:
    field, value, fragment = case
    form = ProfileForm(**{k: GOOD[k] for k in ("start_url", "sso_session", "profile")})
    getattr(form, field).value = value
    assert fragment in form.problems[field], form.problems
    assert form.save_button.disabled
    form.save_button.click()  # a click anyway: shown in the status line, nothing written
    assert sha256() == original_config


@pytest.mark.parametrize("case", SAVE_CASES, ids=[case_id(c) for c in SAVE_CASES])
def test_form_save_refuses_bad_account_role_or_endpoint(original_config: str, case) -> None:
    field, value, fragment = case
    form = ProfileForm(
        **{k: GOOD[k] for k in ("start_url", "sso_session", "profile")},
        **{k: GOOD[k] for k in ("account_id", "role_name")},
    )
    setattr(form, field, value)
    form.save_button.click()
    assert fragment in form.status.value, form.status.value
    assert "Traceback" not in form.status.value
    assert sha256() == original_config


# ------------------------------------------------------------------ configs botocore cannot parse


def _random_bytes(seed: int) -> bytes:
    return random.Random(seed).randbytes(300)


UNPARSABLE: list[tuple[str, bytes]] = [
    ("BOM", b"\xef\xbb\xbf" + ORIGINAL),
    ("non-UTF-8 byte", ORIGINAL.replace(b"my settings", b"my s\xe9ttings")),
    ("duplicate section", ORIGINAL + b"[default]\noutput = json\n"),
    ("duplicate key", ORIGINAL.replace(b"region = eu-west-1\n", b"region = a\nregion = b\n")),
    ("option before first section", b"region = eu-west-1\n" + ORIGINAL),
    ("[default without ]", ORIGINAL.replace(b"[default]", b"[default")),
    ("UTF-16", ORIGINAL.decode().encode("utf-16")),
    ("NUL bytes", b"\x00" * 32),
    ("nested value without '='", ORIGINAL + b"[profile list]\nitems =\n  first\n  second\n"),
    ("random bytes 1", _random_bytes(1)),
    ("random bytes 2", _random_bytes(2)),
    ("random bytes 3", _random_bytes(3)),
]


def _api_calls() -> dict[str, Any]:
    from sso_kit.buckets import list_buckets
    from sso_kit.login import login
    from sso_kit.logout import logout
    from sso_kit.status import status

    def form() -> None:
        widget = ProfileForm(**{k: GOOD[k] for k in ("start_url", "sso_session", "profile")})
        widget.save_button.click()
        raise ConfigError(widget.status.value)  # what the learner sees

    return {
        "configure": lambda: configure_profile(GOOD["profile"], **WITHOUT_PROFILE),
        "read_profile": lambda: read_profile("work"),
        "load_config": load_config,
        "status": lambda: status("work"),
        "list_buckets": lambda: list_buckets("work"),
        "login": lambda: login("work"),
        "logout": lambda: logout("corp"),
        "ProfileForm": form,
    }


API_CALLS = list(_api_calls())


@pytest.mark.parametrize("call", API_CALLS)
@pytest.mark.parametrize(("name", "data"), UNPARSABLE, ids=[u[0] for u in UNPARSABLE])
def test_unparsable_config_is_a_config_error(call: str, name: str, data: bytes) -> None:
    config_path().write_bytes(data)
    before = sha256()
    with pytest.raises(ConfigError) as info:
        _api_calls()[call]()
    assert "cannot be parsed" in str(info.value), str(info.value)
    assert str(config_path()) in str(info.value)
    assert sha256() == before


# ------------------------------------------------------------------ the CLI, in a subprocess


def _argv(field: str, value: str) -> list[str]:
    values = {**GOOD, field: value}
    argv = ["configure"]
    for key in ("profile", "sso_session", "start_url", "sso_region", "account_id", "role_name"):
        argv += [f"--{key.replace('_', '-')}", values[key]]
    if field not in GOOD:
        argv += [f"--{field.replace('_', '-')}", value]
    return argv


CLI_CASES = [c for c in CASES if isinstance(c[1], str) and "\x00" not in c[1]]
CLI_CONFIG_COMMANDS = [
    ["configure", *_argv("profile", "dev")[1:]],
    ["ls", "--profile", "work"],
    ["status", "--profile", "work"],
    ["login", "--profile", "work", "--no-browser"],
    ["logout", "--sso-session", "corp"],
    ["migrate"],
]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory) -> dict[str, dict[str, Any]]:
    work = tmp_path_factory.mktemp("bad-input-cli")
    home = work / "home"
    (home / ".aws").mkdir(parents=True)
    cases = [
        {"id": case_id(c), "argv": _argv(c[0], c[1]), "config": ORIGINAL.decode("latin-1")}
        for c in CLI_CASES
    ]
    for name, data in UNPARSABLE:
        for argv in CLI_CONFIG_COMMANDS:
            cases.append(
                {"id": f"{name}:{argv[0]}", "argv": argv, "config": data.decode("latin-1")}
            )
    spec = work / "spec.json"
    spec.write_text(json.dumps({"mode": "commands", "cases": cases}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), AWS_CONFIG_FILE=str(home / ".aws" / "config"))
    subprocess.run(
        [sys.executable, str(DRIVER), str(spec), str(work / "out.json")],
        env=env,
        check=True,
        timeout=600,
    )
    return {r["id"]: r for r in json.loads((work / "out.json").read_text())}


def _check_cli(outcome: dict[str, Any], rc: int, fragment: str) -> None:
    assert outcome["traceback"] is None, outcome["traceback"]
    assert not outcome["hang"]
    assert outcome["rc"] == rc, outcome
    assert outcome["stderr"].startswith("sso-kit: error: "), outcome["stderr"]
    assert fragment in outcome["stderr"], outcome["stderr"]
    assert "Traceback" not in outcome["stdout"] + outcome["stderr"]
    assert outcome["after"] == outcome["before"], "the config changed"


@pytest.mark.parametrize("case", CLI_CASES, ids=[case_id(c) for c in CLI_CASES])
def test_cli_refuses_bad_input(cli_results, case) -> None:
    _check_cli(cli_results[case_id(case)], 2, case[2])


@pytest.mark.parametrize("command", [a[0] for a in CLI_CONFIG_COMMANDS])
@pytest.mark.parametrize("name", [u[0] for u in UNPARSABLE])
def test_cli_unparsable_config(cli_results, name: str, command: str) -> None:
    _check_cli(cli_results[f"{name}:{command}"], 3, "cannot be parsed")


# ------------------------------------------------------------------ properties (hypothesis)

# database=None: no .hypothesis folder in the checkout; every run draws fresh examples.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
ANYTHING = st.one_of(
    st.none(),
    st.text(),
    st.binary(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.one_of(st.text(), st.none(), st.integers(), st.binary()), max_size=4),
)


def only_validation_errors(fn: Any, value: Any) -> Any:
    """``fn(value)``: a cleaned value or ValidationError, never anything else."""
    try:
        return fn(value)
    except ValidationError as exc:
        assert exc.message and exc.hint, "a message names the problem and the next step"
        return None


@PROPERTY
@given(ANYTHING)
def test_every_validator_answers_with_a_validation_error(value: Any) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for fn in (
            validate.validate_start_url,
            validate.validate_sso_region,
            validate.validate_region,
            validate.validate_name,
            validate.validate_account_id,
            validate.validate_role_name,
            validate.validate_scopes,
            validate.validate_output,
            validate.validate_endpoint_url,
        ):
            only_validation_errors(fn, value)


@PROPERTY
@given(st.text(min_size=1))
def test_accepted_text_is_ascii_and_free_of_control_characters(text: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for fn in (
            validate.validate_start_url,
            validate.validate_endpoint_url,
            validate.validate_account_id,
        ):
            cleaned = only_validation_errors(fn, text)
            if cleaned is not None:
                assert cleaned.isascii() and cleaned.isprintable(), repr(cleaned)


@PROPERTY
@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=12, max_size=12))
def test_account_ids_are_ascii_digits_only(digits: str) -> None:
    if digits.isascii():
        assert validate.validate_account_id(digits) == digits
    else:
        with pytest.raises(ValidationError, match="not 0-9"):
            validate.validate_account_id(digits)


@settings(max_examples=60, deadline=None, database=None)
@given(
    profile=st.text(max_size=20),
    session=st.text(max_size=20),
    role=st.text(max_size=20),
)
def test_configure_either_writes_what_botocore_reads_or_nothing(profile, session, role) -> None:
    config_path().write_bytes(ORIGINAL)
    before = sha256()
    try:
        configure_profile(profile, **{**WITHOUT_PROFILE, "sso_session": session, "role_name": role})
    except ValidationError:
        assert sha256() == before
        return
    except SsoKitError as exc:  # anything else would be a bug in the validators
        raise AssertionError(f"unexpected {type(exc).__name__}: {exc}") from None
    loaded = load_config()
    assert loaded["profiles"][profile]["sso_session"] == session
    if role:
        assert loaded["profiles"][profile]["sso_role_name"] == role.strip()
    assert ORIGINAL.splitlines()[0] in config_path().read_bytes()
