"""Config writer: the AWS CLI's byte-preservation rules, atomicity, backups, modes, locking."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sso_kit import config
from sso_kit.errors import ConfigError, ProfileNotFoundError, ValidationError

URL = "https://d-1234567890.awsapps.com/start"
NEW_SECTIONS = (
    "[profile dev]\n"
    "sso_session = my-sso\n"
    "sso_account_id = 111122223333\n"
    "sso_role_name = PowerUserAccess\n"
    "region = us-west-2\n"
    "output = json\n"
    "[sso-session my-sso]\n"
    f"sso_start_url = {URL}\n"
    "sso_region = us-east-1\n"
    "sso_registration_scopes = sso:account:access\n"
)
SESSION_SECTION = NEW_SECTIONS[NEW_SECTIONS.index("[sso-session") :]


def configure(**overrides: object) -> config.ConfigChange:
    kwargs: dict[str, object] = {
        "sso_session": "my-sso",
        "start_url": URL,
        "sso_region": "us-east-1",
        "account_id": "111122223333",
        "role_name": "PowerUserAccess",
        "region": "us-west-2",
    }
    kwargs.update(overrides)
    profile = str(kwargs.pop("profile", "dev"))
    return config.configure_profile(profile, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def cfg_file(isolated_aws_home: Path) -> Path:
    return isolated_aws_home / ".aws" / "config"


def test_config_path_honours_aws_config_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "elsewhere" / "cfg"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(target))
    configure()
    assert config.config_path() == target
    assert target.read_text() == NEW_SECTIONS


def test_new_file_is_created_0600_with_cli_layout(cfg_file: Path) -> None:
    change = configure()
    assert change.created and change.backup is None
    assert cfg_file.read_text() == NEW_SECTIONS
    assert stat.S_IMODE(cfg_file.stat().st_mode) == 0o600
    assert change.section_text == NEW_SECTIONS


PRESERVE_CASES = [
    pytest.param(
        "[profile dev]\nregion = x\n\n# c\n[profile b]\nregion = y\n",
        "[profile dev]\nregion = us-west-2\nsso_session = my-sso\nsso_account_id = 111122223333\n"
        "sso_role_name = PowerUserAccess\noutput = json\n\n# c\n[profile b]\nregion = y\n"
        "[sso-session my-sso]\n"
        f"sso_start_url = {URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
        id="new keys go after the last option, before blank lines and comments",
    ),
    pytest.param(
        "[profile a]\nregion = x",
        "[profile a]\nregion = x\n" + NEW_SECTIONS,
        id="file without final newline gets one, then sections with no blank line",
    ),
    pytest.param(
        "[profile dev]\n# sso_region = old\nregion=x\n\n[profile z]\n",
        "[profile dev]\n# sso_region = old\nregion = us-west-2\nsso_session = my-sso\n"
        "sso_account_id = 111122223333\nsso_role_name = PowerUserAccess\noutput = json\n\n"
        "[profile z]\n[sso-session my-sso]\n"
        f"sso_start_url = {URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
        id="commented-out key is kept and an updated key is normalised to key = value",
    ),
    pytest.param(
        "[profile dev]\n[profile b]\nx = 1\n",
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\n"
        "sso_role_name = PowerUserAccess\nregion = us-west-2\noutput = json\n"
        "[profile b]\nx = 1\n[sso-session my-sso]\n"
        f"sso_start_url = {URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
        id="empty section gets keys directly under its header",
    ),
    pytest.param(
        "; top comment\n[default]\nregion=eu-west-1\n\n[services local]\ns3 =\n"
        "  endpoint_url = http://127.0.0.1:1\n\n[profile other]\nkey = a = b\n",
        "; top comment\n[default]\nregion=eu-west-1\n\n[services local]\ns3 =\n"
        "  endpoint_url = http://127.0.0.1:1\n\n[profile other]\nkey = a = b\n" + NEW_SECTIONS,
        id="comments, default profile, nested services keys and odd values are untouched",
    ),
    pytest.param(
        "[profile dev]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_account_id = 111122223333\n",
        "[profile dev]\nsso_account_id = 111122223333\nsso_session = my-sso\n"
        "sso_role_name = PowerUserAccess\nregion = us-west-2\noutput = json\n" + SESSION_SECTION,
        id="legacy keys are moved out of the profile into the session",
    ),
]


@pytest.mark.parametrize(("before", "after"), PRESERVE_CASES)
def test_writer_preserves_every_other_byte(cfg_file: Path, before: str, after: str) -> None:
    cfg_file.write_text(before)
    configure()
    assert cfg_file.read_text() == after


def test_existing_mode_is_kept_and_a_backup_is_made(cfg_file: Path) -> None:
    cfg_file.write_text("[profile a]\nregion = x\n")
    os.chmod(cfg_file, 0o640)
    change = configure()
    assert stat.S_IMODE(cfg_file.stat().st_mode) == 0o640
    assert change.backup is not None
    assert change.backup.read_text() == "[profile a]\nregion = x\n"


def test_backups_are_bounded(cfg_file: Path) -> None:
    cfg_file.write_text("")
    for i in range(config.KEEP_BACKUPS + 3):
        configure(region=f"us-west-{1 + i % 2}", output=["json", "text", "table"][i % 3])
    backups = list(cfg_file.parent.glob("config" + config.BACKUP_PREFIX + "*"))
    assert len(backups) == config.KEEP_BACKUPS


def test_unchanged_config_is_not_rewritten(cfg_file: Path) -> None:
    configure()
    mtime = cfg_file.stat().st_mtime_ns
    change = configure()
    assert change.backup is None
    assert cfg_file.stat().st_mtime_ns == mtime


BAD_INPUTS = [
    pytest.param({"profile": "my profile"}, "profile", id="profile name with a space"),
    pytest.param({"sso_session": "a]\n[x"}, "sso_session", id="session name with INI injection"),
    pytest.param({"start_url": "http://x.awsapps.com/start"}, "start_url", id="http start URL"),
    pytest.param({"sso_region": "mars-1"}, "sso_region", id="unknown SSO region"),
    pytest.param({"account_id": "1234"}, "account_id", id="short account id"),
    pytest.param({"role_name": "a b"}, "role_name", id="role name with a space"),
    pytest.param({"region": "nowhere"}, "region", id="bad default region"),
    pytest.param({"output": "xml"}, "output", id="unknown output format"),
    pytest.param({"scopes": "a b"}, "scopes", id="scope with a space"),
    pytest.param({"endpoint_url": "file:///etc"}, "endpoint_url", id="non-http endpoint"),
]


@pytest.mark.parametrize(("override", "field"), BAD_INPUTS)
def test_bad_input_leaves_config_byte_identical(
    cfg_file: Path, override: dict[str, object], field: str
) -> None:
    original = b"# keep me\n[profile dev]\nregion=x\n"
    cfg_file.write_bytes(original)
    with pytest.raises(ValidationError) as info:
        configure(**override)
    assert info.value.field == field
    assert cfg_file.read_bytes() == original
    assert not list(cfg_file.parent.glob("config" + config.BACKUP_PREFIX + "*"))


def test_unparseable_config_is_reported_and_untouched(cfg_file: Path) -> None:
    original = b"this is not ini\n[profile a\n"
    cfg_file.write_bytes(original)
    with pytest.raises(ConfigError, match="cannot be parsed"):
        configure()
    assert cfg_file.read_bytes() == original


def test_read_profile_merges_session_via_botocore(cfg_file: Path) -> None:
    configure(endpoint_url="http://127.0.0.1:4566")
    values = config.read_profile("dev")
    assert values["sso_start_url"] == URL
    assert values["endpoint_url"] == "http://127.0.0.1:4566"
    assert values["sso_registration_scopes"] == "sso:account:access"
    with pytest.raises(ProfileNotFoundError, match="sso-kit configure"):
        config.read_profile("missing")


def test_default_profile_is_written_as_default_section(cfg_file: Path) -> None:
    configure(profile="default")
    assert cfg_file.read_text().startswith("[default]\n")
    assert config.read_profile("default")["sso_session"] == "my-sso"


def test_quoted_existing_header_is_found(cfg_file: Path) -> None:
    cfg_file.write_text('[profile "dev"]\nregion = x\n')
    configure()
    text = cfg_file.read_text()
    assert text.count("[profile") == 1
    assert text.startswith('[profile "dev"]\nregion = us-west-2\nsso_session = my-sso\n')


def test_remove_profile_and_session(cfg_file: Path) -> None:
    cfg_file.write_text("# top\n[profile keep]\nregion = x\n")
    configure()
    assert config.remove_profile("dev") is True
    assert config.remove_sso_session("my-sso") is True
    assert config.remove_profile("dev") is False
    assert cfg_file.read_text() == "# top\n[profile keep]\nregion = x\n"


def test_legacy_profiles_are_detected_and_migrated(cfg_file: Path) -> None:
    cfg_file.write_text(
        "[profile legacy]\n"
        f"sso_start_url = {URL}\nsso_region = us-east-1\n"
        "sso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
        "[profile mixed]\nsso_session = s\nsso_region = eu-west-1\n"
        "[profile modern]\nsso_session = s\n"
    )
    found = {p.profile: p for p in config.find_legacy_profiles()}
    assert set(found) == {"legacy", "mixed"}
    assert found["mixed"].mixed and not found["legacy"].mixed
    config.migrate_legacy_profile("legacy", "my-sso")
    values = config.read_profile("legacy")
    assert values["sso_session"] == "my-sso"
    assert values["sso_start_url"] == URL
    raw = config.load_config()["profiles"]["legacy"]
    assert "sso_start_url" not in raw and raw["sso_role_name"] == "ReadOnly"
    assert {p.profile for p in config.find_legacy_profiles()} == {"mixed"}


def test_session_config_resolution(cfg_file: Path) -> None:
    configure(endpoint_url="http://127.0.0.1:9")
    by_session = config.session_config(sso_session="my-sso")
    assert by_session.client_profile == "dev"
    assert by_session.scopes == ["sso:account:access"]
    assert by_session.cache_name == "my-sso"
    with pytest.raises(ProfileNotFoundError, match="sso-kit configure --sso-session nope"):
        config.session_config(sso_session="nope")


def test_symlinked_config_is_edited_through_the_link(cfg_file: Path) -> None:
    # dotfile managers keep ~/.aws/config as a symlink; replacing the link would silently
    # detach it from the managed file
    target = cfg_file.parent / "dotfiles" / "aws-config"
    target.parent.mkdir()
    target.write_text("[profile keep]\nregion = x\n")
    target.chmod(0o600)
    cfg_file.symlink_to(target)
    change = configure()
    assert cfg_file.is_symlink() and os.readlink(cfg_file) == str(target)
    assert target.read_text().startswith("[profile keep]\nregion = x\n[profile dev]\n")
    assert change.backup is not None and change.backup.read_text() == "[profile keep]\nregion = x\n"


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The paths botocore's config loader parses from now on, in order."""
    import botocore.configloader

    seen: list[str] = []
    real = botocore.configloader.load_config
    monkeypatch.setattr(botocore.configloader, "load_config", lambda p: seen.append(p) or real(p))
    return seen


def test_an_unchanged_old_config_is_parsed_once_and_callers_get_their_own_copy(
    isolated_aws_home, parses, monkeypatch
):
    from sso_kit import config_read

    path = isolated_aws_home / ".aws" / "config"
    path.write_text(NEW_SECTIONS)
    monkeypatch.setattr(config_read, "_RACY_NS", 0)  # the file counts as old at once
    first = config.load_config()
    first["profiles"]["dev"]["region"] = "changed by a caller"
    second = config.load_config()
    assert second["profiles"]["dev"]["region"] == "us-west-2"
    assert len(parses) == 1
    path.write_text(NEW_SECTIONS.replace("us-west-2", "eu-west-1"))
    os.utime(path, ns=(1, 1))  # mtime back in time: the change time still moves
    assert config.load_config()["profiles"]["dev"]["region"] == "eu-west-1"
    assert len(parses) == 2


def test_a_config_changed_just_now_is_parsed_every_time(isolated_aws_home, parses):
    path = isolated_aws_home / ".aws" / "config"
    path.write_text(NEW_SECTIONS)
    config.load_config()
    config.load_config()
    assert len(parses) == 2  # a second write within the same clock tick would keep the stamp


def test_the_s3_preflight_parses_a_fresh_config_once(isolated_aws_home, parses):
    """A config written just now is parsed on every read: each check reads it only once."""
    from sso_kit.status import check_cached_login

    path = isolated_aws_home / ".aws" / "config"
    path.write_text(NEW_SECTIONS)
    check_cached_login("dev")
    assert len(parses) == 1
