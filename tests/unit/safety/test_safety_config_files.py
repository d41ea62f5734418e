"""The learner's config file on real file systems: odd file types, write failures, CRLF, a
symlinked dotfile, temp files of killed writers, folder modes. Nothing here may hang, replace
a file that is not a regular file, or print a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.configloader import load_config as botocore_load

from sso_kit import cache
from sso_kit import course as steps
from sso_kit.config import config_path, configure_profile, load_config, replace_config
from sso_kit.errors import ConfigError, ConfigWriteError
from sso_kit.files import STALE_SECONDS

SSO = {
    "sso_session": "my-sso",
    "start_url": "https://d-1234567890.awsapps.com/start",
    "sso_region": "us-east-1",
    "account_id": "111122223333",
    "role_name": "ReadOnly",
}


def configure(profile: str = "dev") -> None:
    configure_profile(profile, **SSO)


@contextlib.contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block blocks, e.g. on a FIFO."""

    def alarm(signum, frame):
        raise AssertionError(f"blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def point_config_at(monkeypatch, path: Path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))


# ------------------------------------------------------------------ non-regular files


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_char_device(path: Path) -> None:
    """A character device like /dev/null: mknod as root, else a link to /dev/null itself."""
    if os.geteuid() == 0:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        path.symlink_to("/dev/null")  # not replaceable by a non-root user either way


def make_directory(path: Path) -> None:
    path.mkdir()


NON_REGULAR = [
    pytest.param(make_fifo, "named pipe", id="FIFO"),
    pytest.param(make_char_device, "character device", id="character device"),
    pytest.param(make_directory, "directory", id="directory"),
]


@pytest.mark.parametrize(("make", "kind"), NON_REGULAR)
def test_configure_refuses_a_non_regular_config(tmp_path, monkeypatch, make, kind) -> None:
    target = tmp_path / "config"
    make(target)
    before = os.lstat(target)
    point_config_at(monkeypatch, target)
    with no_hang(), pytest.raises(ConfigError) as info:
        configure()
    assert info.value.exit_code == 3
    assert kind in str(info.value) and "not a regular file" in str(info.value)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), "it was replaced"


@pytest.mark.parametrize(("make", "kind"), NON_REGULAR)
def test_reading_a_non_regular_config_never_blocks(tmp_path, monkeypatch, make, kind) -> None:
    target = tmp_path / "config"
    make(target)
    point_config_at(monkeypatch, target)
    with no_hang(), pytest.raises(ConfigError, match=kind):
        load_config()


def test_configure_on_dev_null_through_the_cli_exits_3(tmp_path) -> None:
    env = {**os.environ, "AWS_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path)}
    before = os.stat("/dev/null")
    result = subprocess.run(
        [sys.executable, "-m", "sso_kit", "configure", "--profile", "dev"]
        + [f"--{k.replace('_', '-')}={v}" for k, v in SSO.items()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("sso-kit: error: The AWS config file /dev/null is a character")
    assert "Traceback" not in result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


# ------------------------------------------------------------------ write-path errors


def test_parent_is_a_file_is_a_config_write_error(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("mine")
    point_config_at(monkeypatch, blocker / "config")
    with pytest.raises(ConfigWriteError) as info:
        configure()
    assert info.value.exit_code == 3
    assert "is a file where a folder is needed" in str(info.value)
    assert blocker.read_text() == "mine"


def test_uncreatable_lock_file_fails_at_once(tmp_path, monkeypatch) -> None:
    # /proc refuses new files even to root: filelock alone would retry for 30 s.
    point_config_at(monkeypatch, Path("/proc/self/sso-kit-test/config"))
    with no_hang(10), pytest.raises(ConfigWriteError, match="Could not write"):
        configure()


def test_read_only_folder_is_a_config_write_error(tmp_path, monkeypatch) -> None:
    import errno

    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(".sso-kit.lock") and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(ConfigWriteError) as info:
        configure()
    assert "Read-only file system" in str(info.value) and "writable" in str(info.value)


# ------------------------------------------------------------------ line endings


CRLF_FILE = (
    b"# team settings\r\n[default]\r\nregion = eu-west-1\r\n\r\n[profile dev]\r\noutput = text\r\n"
)


def test_crlf_file_keeps_crlf_on_new_and_updated_lines() -> None:
    path = config_path()
    path.write_bytes(CRLF_FILE)
    configure("dev")  # updates [profile dev], appends [sso-session my-sso]
    configure("second")
    data = path.read_bytes()
    assert data.startswith(CRLF_FILE.split(b"output")[0])
    assert data.count(b"\n") == data.count(b"\r\n"), data
    assert botocore_load(str(path))["profiles"]["second"]["sso_session"] == "my-sso"


def test_lf_and_mixed_files_keep_their_lines() -> None:
    path = config_path()
    mixed = b"[default]\r\nregion = eu-west-1\n[profile x]\noutput = json\r\n"
    path.write_bytes(mixed)
    configure()
    data = path.read_bytes()
    assert data.startswith(mixed), "existing lines changed"
    assert b"\r" not in data[len(mixed) :], "new lines of a mostly-LF file are LF"


# ------------------------------------------------------------------ symlinked dotfile


def test_restore_goes_through_a_symlinked_config(tmp_path, monkeypatch) -> None:
    dotfile = Path.home() / "dotfiles" / "aws-config"
    dotfile.parent.mkdir()
    original = b"# managed by my dotfiles\n[default]\nregion = eu-west-1\n"
    dotfile.write_bytes(original)
    link = Path.home() / ".aws" / "config"
    link.symlink_to(dotfile)
    steps.remember_original_config()
    configure("sso-kit-tutorial")
    assert link.is_symlink() and b"sso-kit-tutorial" in dotfile.read_bytes()
    steps.restore_original_config()
    assert link.is_symlink(), "restore replaced the link with a plain file"
    assert dotfile.read_bytes() == original
    assert steps.config_restored()[0]


def test_replace_config_keeps_the_mode_and_the_link(tmp_path) -> None:
    target = tmp_path / "real-config"
    target.write_bytes(b"[default]\n")
    os.chmod(target, 0o640)
    link = tmp_path / "link"
    link.symlink_to(target)
    assert replace_config(b"[default]\nregion = x\n", link) == target
    assert link.is_symlink() and target.read_bytes() == b"[default]\nregion = x\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ------------------------------------------------------------------ temp files of killed writers


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_of_ours_are_removed_and_nothing_else() -> None:
    folder = config_path().parent
    config_path().write_text("[default]\n")
    ours_dead = folder / f".config.sso-kit-{dead_pid()}.a1b2c3d4.tmp"
    ours_live = folder / f".config.sso-kit-{os.getppid()}.e5f6g7h8.tmp"
    legacy_old = folder / ".config.k3j4h5g6.tmp"
    legacy_young = folder / ".config.z9y8x7w6.tmp"
    users = [folder / ".config.my-notes.tmp", folder / "config.tmp", folder / ".config.bak"]
    for path in [ours_dead, ours_live, legacy_old, legacy_young, *users]:
        path.write_bytes(b"x" * 100)
    old = os.stat(legacy_old).st_mtime - STALE_SECONDS - 60
    os.utime(legacy_old, (old, old))
    configure()
    assert not ours_dead.exists() and not legacy_old.exists()
    assert ours_live.exists() and legacy_young.exists(), "a live or recent writer's file went"
    assert all(p.exists() for p in users), "a file of the learner's was removed"


def test_token_writes_clean_temp_files_of_a_killed_login() -> None:
    folder = cache.sso_cache_dir()
    folder.mkdir(parents=True)
    leftover = folder / f".{'a' * 40}.json.sso-kit-{dead_pid()}.q1w2e3r4.tmp"
    botocores = folder / "tmpab12cd34.tmp"  # botocore's own: not ours to judge
    leftover.write_text("{")
    botocores.write_text("{")
    cache.save_registration("k" * 40, {"clientId": "c", "clientSecret": "s", "expiresAt": "x"})
    assert not leftover.exists() and botocores.exists()


# ------------------------------------------------------------------ modes


def test_sso_cache_folders_are_created_owner_only(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        cache.save_registration("k" * 40, {"clientId": "c", "clientSecret": "s", "expiresAt": "x"})
        cache.save_role_credentials(
            "r" * 40,
            access_key_id="AKIA",
            secret_access_key="s",
            session_token="t",
            expiration=cache.utc_now(),
            account_id="111122223333",
        )
    finally:
        os.umask(old)
    home = Path.home()
    for folder in (".aws/sso", ".aws/sso/cache", ".aws/cli", ".aws/cli/cache"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700, folder
    for path in list(cache.sso_cache_dir().iterdir()) + list(cache.cli_cache_dir().iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_backups_are_bounded_and_complete() -> None:
    from sso_kit.config import BACKUP_PREFIX, KEEP_BACKUPS

    path = config_path()
    path.write_text("[default]\n")
    contents = []
    for index in range(KEEP_BACKUPS + 4):
        contents.append(path.read_bytes())
        configure(f"p{index}")
    backups = sorted(path.parent.glob(f"config{BACKUP_PREFIX}*"))
    assert len(backups) == KEEP_BACKUPS
    assert [b.read_bytes() for b in backups] == contents[-KEEP_BACKUPS:]


def test_backups_left_by_a_killed_writer_are_pruned_even_when_nothing_changes() -> None:
    from sso_kit.config import BACKUP_PREFIX, KEEP_BACKUPS

    path = config_path()
    path.write_text("[default]\n")
    configure()
    for index in range(KEEP_BACKUPS + 2):  # as if writers died between backup and prune
        path.with_name(f"config{BACKUP_PREFIX}20200101T0000{index:02d}000000Z").write_text("x")
    configure()  # same values: nothing to write
    assert len(list(path.parent.glob(f"config{BACKUP_PREFIX}*"))) == KEEP_BACKUPS
