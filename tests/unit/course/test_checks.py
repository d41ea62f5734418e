"""Step checks over real files in a temporary HOME: each missing piece gives its own hint."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sso_kit import cache
from sso_kit.course import checks
from sso_kit.course.checks import Target, check

SANDBOX = "http://127.0.0.1:45678"
START = "https://my-sso-portal.awsapps.com/start"
TARGET = Target(start_url=START, sso_region="us-east-1", endpoint_url=SANDBOX, region="us-east-1")

CLI_CONFIG = f"""[profile sso-kit-tutorial]
sso_session = sso-kit
sso_account_id = 111122223333
sso_role_name = PowerUserAccess
region = us-east-1
output = json
endpoint_url = {SANDBOX}
[sso-session sso-kit]
sso_start_url = {START}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


def write_config(home, text: str = CLI_CONFIG, drop: tuple[str, ...] = ()) -> None:
    lines = [line for line in text.splitlines() if not line.startswith(drop)] if drop else None
    (home / ".aws" / "config").write_text("\n".join(lines) + "\n" if lines else text)


def write_token(minutes: int = 60, **changes) -> None:
    doc = {
        "startUrl": START,
        "region": "us-east-1",
        "accessToken": "aoaAAAAAsecret-access-token-value",
        "expiresAt": cache.format_timestamp(cache.utc_now() + timedelta(minutes=minutes)),
        "clientId": "cid",
        "clientSecret": "csecret-value-long-enough",
        "registrationExpiresAt": "2027-01-01T00:00:00Z",
        "refreshToken": "refresh-token-value-long",
    }
    doc.update(changes)
    doc = {k: v for k, v in doc.items() if v is not None}
    path = cache.token_cache_path("sso-kit")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


def write_role_credentials(account: str = "111122223333", role: str = "PowerUserAccess"):
    key = cache.role_credentials_cache_key(account, role, session_name="sso-kit")
    return cache.save_role_credentials(
        key,
        access_key_id="ASIAEXAMPLE",
        secret_access_key="secret",
        session_token="token",
        expiration=cache.utc_now() + timedelta(hours=1),
        account_id=account,
    )


def tutorial_kit(*, interactive: bool):
    """What a notebook's setup() gives the clean-up, for the sandbox defaults."""
    from types import SimpleNamespace

    return SimpleNamespace(
        profile="sso-kit-tutorial",
        sso_session="sso-kit",
        start_url=START,
        sso_region="us-east-1",
        use_sandbox=True,
        interactive=interactive,
    )


# -- 05 -----------------------------------------------------------------------------------------
def test_05_passes_on_the_sections_aws_configure_sso_writes(isolated_aws_home):
    write_config(isolated_aws_home)
    result = check("05", TARGET)
    assert result.ok, result.report()
    assert not result.missing
    assert "Step 05 is done." in result.report()


@pytest.mark.parametrize(
    ("drop", "missing", "notebook_hint", "terminal_hint"),
    [
        (
            ("region",),
            "has no region",
            "Default client Region in the form",
            "aws configure set region us-east-1 --profile sso-kit-tutorial",
        ),
        (
            ("sso_region",),
            "[sso-session sso-kit] has no sso_region",
            "Click Save profile",
            "aws configure set sso-session.sso-kit.sso_region us-east-1",
        ),
        (
            ("sso_registration_scopes",),
            "has no sso_registration_scopes",
            "Click Save profile",
            "sso-session.sso-kit.sso_registration_scopes sso:account:access",
        ),
        (
            ("endpoint_url",),
            "has no endpoint_url",
            "Click Save profile",
            f"aws configure set endpoint_url {SANDBOX} --profile sso-kit-tutorial",
        ),
        (
            ("sso_session =",),
            "does not say sso_session = sso-kit",
            "Click Save profile",
            "aws configure set sso_session sso-kit --profile sso-kit-tutorial",
        ),
    ],
    ids=["no client region", "no sso_region", "no scopes", "no endpoint", "no session link"],
)
def test_05_names_each_missing_key_with_a_hint_for_where_you_are(
    isolated_aws_home, drop, missing, notebook_hint, terminal_hint
):
    write_config(isolated_aws_home, drop=drop)
    in_notebook = check("05", TARGET, context="notebook")
    in_terminal = check("05", TARGET, context="terminal")
    assert not in_notebook.ok and not in_terminal.ok
    assert any(missing in m for m in in_notebook.missing), in_notebook.missing
    assert notebook_hint in in_notebook.hint
    assert terminal_hint in in_terminal.hint
    assert "aws configure sso --profile sso-kit-tutorial" in in_terminal.solution
    assert "Save profile" in in_notebook.solution


def test_05_without_any_config_says_to_save_or_run_configure_sso(isolated_aws_home):
    nb = check("05", TARGET)
    term = check("05", TARGET, context="terminal")
    assert "no [sso-session sso-kit] section" in nb.missing[0]
    assert nb.hint == "Fill in the form and click Save profile."
    assert "aws configure sso --profile sso-kit-tutorial" in term.hint


def test_05_reports_a_stale_sandbox_port(isolated_aws_home):
    write_config(isolated_aws_home, CLI_CONFIG.replace(SANDBOX, "http://127.0.0.1:1"))
    result = check("05", TARGET, context="terminal")
    assert "but the sandbox now runs at" in result.missing[0]
    assert f"endpoint_url {SANDBOX}" in result.hint


def test_05_accepts_the_lab_terminals_endpoint_variable(isolated_aws_home, monkeypatch):
    write_config(isolated_aws_home, drop=("endpoint_url",))
    monkeypatch.setenv("AWS_ENDPOINT_URL", SANDBOX)
    assert check("05", TARGET).ok


def test_05_a_wrong_start_url_is_named(isolated_aws_home):
    write_config(isolated_aws_home, CLI_CONFIG.replace(START, "https://other.awsapps.com/start"))
    result = check("05", TARGET)
    assert "but this tutorial uses" in result.missing[0]


def test_an_unparsable_config_is_a_failed_check_not_a_crash(isolated_aws_home):
    (isolated_aws_home / ".aws" / "config").write_text("[profile x\nkey\n")
    result = check("05", TARGET)
    assert not result.ok
    assert "cannot be parsed" in result.missing[0]


# -- 06 -----------------------------------------------------------------------------------------
def test_06_passes_with_a_valid_token_and_a_role(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token()
    result = check("06", TARGET)
    assert result.ok, result.report()
    assert any("valid for" in p for p in result.passed)


def test_06_without_a_token_says_click_log_in_or_the_cli_command(isolated_aws_home, monkeypatch):
    write_config(isolated_aws_home)
    nb = check("06", TARGET)
    assert "you are not logged in" in nb.missing[0]
    assert nb.hint.startswith("Click Log in")
    for name in ("JUPYTERHUB_API_URL", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL"):
        monkeypatch.delenv(name, raising=False)  # a laptop: PKCE
    assert check("06", TARGET, context="terminal").hint == (
        "aws sso login --profile sso-kit-tutorial"
    )
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://hub/api")
    term = check("06", TARGET, context="terminal")
    assert term.hint == "aws sso login --profile sso-kit-tutorial --use-device-code"
    assert "127.0.0.1 could not reach the CLI" in term.solution


def test_06_an_expired_token_is_not_a_login(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token(minutes=-5)
    result = check("06", TARGET)
    assert "expired at" in result.missing[0]
    assert "may refresh it" in result.missing[0]


def test_06_a_token_without_access_token_is_named(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token(accessToken=None)
    assert "lacks accessToken" in check("06", TARGET).missing[0]


def test_06_a_token_of_another_start_url_is_named(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token(startUrl="https://other.awsapps.com/start")
    assert "The token is for https://other.awsapps.com/start" in check("06", TARGET).missing[0]


def test_06_a_corrupt_token_file_is_unreadable(isolated_aws_home):
    write_config(isolated_aws_home)
    path = cache.token_cache_path("sso-kit")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert "unreadable" in check("06", TARGET).missing[0]


def test_06_no_role_chosen_yet_points_at_the_picker(isolated_aws_home):
    write_config(isolated_aws_home, drop=("sso_role_name",))
    write_token()
    nb = check("06", TARGET)
    term = check("06", TARGET, context="terminal")
    assert nb.missing == ["[profile sso-kit-tutorial] has no sso_role_name."]
    assert "Pick an account and a role" in nb.hint
    assert term.hint == "aws configure set sso_role_name PowerUserAccess --profile sso-kit-tutorial"


def test_06_before_step_05_says_what_05_lacks(isolated_aws_home):
    assert "no [sso-session sso-kit] section" in check("06", TARGET).missing[0]


# -- 07 -----------------------------------------------------------------------------------------
def test_07_passes_when_the_profile_lists_the_tutorial_buckets(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token()
    path = write_role_credentials()
    result = check("07", TARGET, list_buckets=lambda: ["sso-kit-tutorial-abc", "other"])
    assert result.ok, result.report()
    assert any(path.name in n and "memory only" in n for n in result.notes)


def test_07_without_tutorial_buckets_in_the_sandbox(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token()
    result = check("07", TARGET, list_buckets=lambda: ["other"])
    assert result.missing == ["The listing lacks the tutorial buckets of step 03."]


def test_07_a_listing_error_is_reported_with_its_message(isolated_aws_home):
    from sso_kit.errors import NotLoggedInError

    def refuse():
        raise NotLoggedInError("The SSO session has expired.", hint="Run sso-kit login.")

    write_config(isolated_aws_home)
    write_token()
    term = check("07", TARGET, context="terminal", list_buckets=refuse)
    assert "The SSO session has expired." in term.missing[0]
    assert "aws s3 ls --profile sso-kit-tutorial" in term.hint
    nb = check("07", TARGET, list_buckets=refuse)
    assert "sso-kit login" not in nb.hint and "click Log in" in nb.hint


def test_07_needs_a_login_first(isolated_aws_home):
    write_config(isolated_aws_home)
    result = check("07", TARGET, list_buckets=lambda: [])
    assert "not logged in" in result.missing[0]


# -- 08 -----------------------------------------------------------------------------------------
def test_08_passes_when_token_and_role_credentials_are_gone(isolated_aws_home):
    write_config(isolated_aws_home)
    result = check("08", TARGET)
    assert result.ok
    assert any("keep working until they expire" in n for n in result.notes)


def test_08_a_token_left_means_still_signed_in(isolated_aws_home):
    write_config(isolated_aws_home)
    write_token()
    nb, term = check("08", TARGET), check("08", TARGET, context="terminal")
    assert "you are signed in" in nb.missing[0]
    assert nb.hint == "Click Log out."
    assert term.hint == "aws sso logout --profile sso-kit-tutorial"


def test_08_cached_role_credentials_left_are_named(isolated_aws_home):
    write_config(isolated_aws_home)
    write_role_credentials()
    result = check("08", TARGET)
    assert "1 cached role credential file(s) remain" in result.missing[0]


def test_08_a_registration_file_is_not_a_login(isolated_aws_home):
    write_config(isolated_aws_home)
    key = cache.registration_cache_key(START, "us-east-1", ["sso:account:access"], "sso-kit")
    cache.save_registration(key, {"clientId": "c", "clientSecret": "s", "expiresAt": "x"})
    assert check("08", TARGET).ok


# -- 09 -----------------------------------------------------------------------------------------
def test_09_after_restore_with_nothing_left_passes(isolated_aws_home):
    from sso_kit import course as steps
    from sso_kit.course import leftovers

    original = "# mine\n[profile mine]\nregion = eu-west-1\n"
    (isolated_aws_home / ".aws" / "config").write_text(original)
    leftovers.remember_first_seen()
    steps.remember_original_config()
    write_config(isolated_aws_home, original + CLI_CONFIG)
    result = check("09", TARGET, context="terminal", list_buckets=lambda: [])
    assert not result.ok
    assert "still differs from its copy" in result.missing[0]
    assert result.hint.startswith("cp '")
    assert result.hint in result.solution
    (isolated_aws_home / ".aws" / "config").write_text(original)  # the learner's cp
    result = check("09", TARGET, list_buckets=lambda: [])
    assert result.ok, result.report()
    assert any("What stays" in n for n in result.notes)


def test_09_buckets_left_are_listed_with_the_rb_commands(isolated_aws_home):
    result = check("09", TARGET, context="terminal", list_buckets=lambda: ["sso-kit-tutorial-x"])
    assert result.missing[0] == "1 tutorial bucket(s) remain: sso-kit-tutorial-x."
    assert result.hint == "aws s3 rb s3://sso-kit-tutorial-x --force --profile sso-kit-tutorial"


def test_09_kit_files_left_in_aws_are_named(isolated_aws_home):
    from sso_kit.config import configure_profile
    from sso_kit.course import leftovers

    leftovers.remember_first_seen()
    (isolated_aws_home / ".aws" / "config").write_text("[default]\nregion = eu-west-1\n")
    configure_profile(
        "sso-kit-tutorial",
        sso_session="sso-kit",
        start_url=START,
        sso_region="us-east-1",
        region="us-east-1",
        endpoint_url=SANDBOX,
    )
    configure_profile(
        "sso-kit-tutorial",
        sso_session="sso-kit",
        start_url=START,
        sso_region="us-east-1",
        region="us-west-2",
        endpoint_url=SANDBOX,
    )
    stray = leftovers.kit_leftovers(sso_session="sso-kit")
    names = sorted(p.name for p in stray)
    assert "config.sso-kit.lock" in names
    assert sum(n.startswith("config.sso-kit-backup-") for n in names) == 2
    result = check("09", TARGET, keep_profile=True)
    assert any("Files the kit created are still there" in m for m in result.missing)
    solution = check("09", TARGET, keep_profile=True, context="terminal").solution
    assert all(f"'{p}'" in solution for p in stray), "the terminal solution removes them too"
    removed = leftovers.remove_kit_leftovers(sso_session="sso-kit")
    assert sorted(p.name for p in removed) == names
    assert not leftovers.kit_leftovers(sso_session="sso-kit")
    assert (isolated_aws_home / ".aws" / "config").exists()


def test_09_removes_cache_folders_only_when_the_tutorial_created_them(isolated_aws_home):
    from sso_kit.course import leftovers

    mine = isolated_aws_home / ".aws" / "cli" / "cache" / "assume-role.json"
    mine.parent.mkdir(parents=True)
    mine.write_text("{}")
    leftovers.remember_first_seen()  # ~/.aws/cli was already there; ~/.aws/sso was not
    write_token()
    write_role_credentials()
    stray = leftovers.kit_leftovers(sso_session="sso-kit")
    assert stray == [isolated_aws_home / ".aws" / "sso"]
    leftovers.remove_kit_leftovers(sso_session="sso-kit")
    assert mine.exists()


def test_09_backups_from_before_the_tutorial_stay(isolated_aws_home):
    from sso_kit.course import leftovers

    old = isolated_aws_home / ".aws" / "config.sso-kit-backup-20200101T000000000000Z"
    old.write_text("old")
    leftovers.remember_first_seen()
    assert old not in leftovers.kit_leftovers()


# -- terminal recipes, masking, records -----------------------------------------------------------
@pytest.mark.parametrize(
    ("step", "command"),
    [
        ("05", "aws configure sso --profile sso-kit-tutorial"),
        ("06", "aws sso login --profile sso-kit-tutorial"),
        ("07", "aws sts get-caller-identity --profile sso-kit-tutorial"),
        ("08", "aws sso logout --profile sso-kit-tutorial"),
        ("09", "aws s3 rb s3://sso-kit-tutorial-"),
    ],
)
def test_terminal_steps_give_the_cli_v2_commands(step, command):
    text = checks.terminal_steps(step, TARGET, hosted=False)
    assert command in text
    assert "AWS_ENDPOINT_URL" in text


def test_terminal_step_05_gives_every_prompt_its_answer():
    text = checks.terminal_steps("05", TARGET, hosted=True)
    for prompt in (
        "SSO session name (Recommended): sso-kit",
        f"SSO start URL [None]: {START}",
        "SSO region [None]: us-east-1",
        "SSO registration scopes [sso:account:access]: <Enter>",
        "Default client Region [None]: us-east-1",
        "CLI default output format (json if not specified) [None]: json",
    ):
        assert prompt in text
    assert "--use-device-code" in text


def test_token_summary_masks_every_secret(isolated_aws_home):
    write_token()
    text = checks.token_summary("sso-kit")
    for secret in ("secret-access-token-value", "csecret-value", "refresh-token-value"):
        assert secret not in text
    assert "accessToken" in text and "***(" in text
    assert START in text


def test_mask_hides_short_values_entirely():
    assert checks.mask("abc") == "***"
    assert checks.mask("x" * 40 + "WXYZ").endswith("…WXYZ")


def test_record_appends_results_for_the_workshop(isolated_aws_home):
    write_config(isolated_aws_home)
    first = check("05", TARGET)
    second = check("06", TARGET, context="terminal")
    checks.record(first, profile="sso-kit-tutorial")
    path = checks.record(second)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert [(r["step"], r["ok"], r["path"]) for r in data["results"]] == [
        ("05", True, "notebook"),
        ("06", False, "terminal"),
    ]
    assert data["results"][1]["missing"] == second.missing
    assert data["results"][0]["time"].endswith("Z")
    assert path.stat().st_mode & 0o777 == 0o600


def test_record_keeps_only_the_latest_results(isolated_aws_home, monkeypatch):
    monkeypatch.setattr(checks.results, "KEEP_RESULTS", 3)
    result = check("08", TARGET)
    for _ in range(5):
        checks.record(result)
    assert len(checks.load_results()) == 3


def test_an_unknown_step_is_refused():
    with pytest.raises(ValueError, match="unknown step"):
        check("04")


def test_clean_up_restores_the_config_and_removes_what_the_tutorial_created(isolated_aws_home):
    """Defect: the 'byte for byte' clean-up left the lock, backups, caches and ~/.aws/cli."""

    from sso_kit import course as steps
    from sso_kit.config import configure_profile
    from sso_kit.course import leftovers

    original = b"# my own settings\n[default]\nregion = eu-west-1\n"
    config = isolated_aws_home / ".aws" / "config"
    config.write_bytes(original)
    leftovers.remember_first_seen()
    steps.remember_original_config()
    for region in ("us-east-1", "us-west-2"):
        configure_profile(
            "sso-kit-tutorial",
            sso_session="sso-kit",
            start_url=START,
            sso_region="us-east-1",
            region=region,
            endpoint_url=SANDBOX,
        )
    write_token(region=None)  # (no region: nothing to call at logout)
    key = cache.registration_cache_key(START, "us-east-1", ["sso:account:access"], "sso-kit")
    cache.save_registration(key, {"clientId": "c", "clientSecret": "s", "expiresAt": "x"})
    cli = isolated_aws_home / ".aws" / "cli" / "cache"
    cli.mkdir(parents=True)
    (cli / "session.db").write_bytes(b"sqlite")
    kit = tutorial_kit(interactive=False)
    message = leftovers.clean_up(kit, delete_buckets=False)
    assert config.read_bytes() == original
    assert sorted(p.name for p in (isolated_aws_home / ".aws").iterdir()) == ["config"]
    assert "~/.aws/config.sso-kit.lock" in message and "~/.aws/cli" in message
    assert "What stays, on purpose" in message
    result = check("09", TARGET)
    assert result.ok, result.report()
    assert "Nothing else the tutorial created" in leftovers.clean_up(kit, delete_buckets=False)


def test_clean_up_before_login_says_what_to_click(isolated_aws_home):

    from sso_kit.config import configure_profile
    from sso_kit.course import leftovers
    from sso_kit.errors import SsoKitError

    configure_profile(
        "sso-kit-tutorial",
        sso_session="sso-kit",
        start_url=START,
        sso_region="us-east-1",
        account_id="111122223333",
        role_name="PowerUserAccess",
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
    )
    kit = tutorial_kit(interactive=True)
    with pytest.raises(SsoKitError) as caught:
        leftovers.clean_up(kit)
    assert "Click Log in above" in str(caught.value)
    assert "sso-kit login" not in str(caught.value)
