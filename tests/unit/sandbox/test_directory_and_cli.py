"""Seeds, passwords and the `sso-kit sandbox` argument parsing (no server)."""

from __future__ import annotations

import json

import pytest

from sso_kit.errors import SandboxError
from sso_kit.sandbox.directory import Directory
from sso_kit.sandbox.seed import default_seed, load_seed


def test_default_seed_matches_the_tutorial():
    seed = default_seed()
    assert seed["start_url"] == "https://my-sso-portal.awsapps.com/start"
    assert [a["id"] for a in seed["accounts"]] == ["111122223333", "444455556666"]
    assert set(seed["permission_sets"]) == {"PowerUserAccess", "S3ReadOnly"}
    actions = seed["permission_sets"]["S3ReadOnly"]["inline_policy"]["Statement"][0]["Action"]
    assert set(actions) == {
        "s3:ListAllMyBuckets",
        "s3:ListBucket",
        "s3:GetObject",
        "s3:GetBucketLocation",
    }


def test_learners_get_their_own_passwords_and_assignments():
    seed = default_seed() | {"start_url": "https://d-learners.awsapps.com/start"}
    directory = Directory(seed)
    directory.apply_seed(learners=3)
    names = {"learner01", "learner02", "learner03"}
    assert names <= set(directory.users)
    passwords = {directory.users[n].password for n in names}
    assert len(passwords) == 3
    assert directory.authenticate("learner02", directory.users["learner02"].password)
    assert not directory.authenticate("learner02", directory.users["learner01"].password)
    assert ("111122223333", "S3ReadOnly") in directory.assignments("learner03")


def test_remembered_sign_ins_never_accept_a_wrong_or_replaced_password():
    seed = default_seed() | {"start_url": "https://d-remember.awsapps.com/start"}
    directory = Directory(seed)
    directory.apply_seed(learners=1)
    right = directory.users["learner01"].password
    assert directory.authenticate("learner01", right)
    assert directory.authenticate("learner01", right)  # the remembered, fast path
    assert not directory.authenticate("learner01", right + "x")
    assert not directory.authenticate("learner", right)
    directory.set_password("learner01", "a-new-password-1")
    assert not directory.authenticate("learner01", right)
    assert directory.authenticate("learner01", "a-new-password-1")


def test_a_first_sign_in_skips_scrypt_and_a_wrong_password_still_pays_it(monkeypatch):
    """The password just set is known: its first sign-in is as fast as a repeat one."""
    from sso_kit.sandbox import passwords

    directory = Directory(default_seed() | {"start_url": "https://d-first.awsapps.com/start"})
    directory.apply_seed(learners=1)
    right = directory.users["learner01"].password
    hashed: list[str] = []
    real_hash = passwords._hash
    monkeypatch.setattr(
        passwords, "_hash", lambda pw, salt: hashed.append(pw) or real_hash(pw, salt)
    )
    assert directory.authenticate("learner01", right)
    assert hashed == []
    assert not directory.authenticate("learner01", right + "x")
    assert not directory.authenticate("nobody", right)
    assert hashed == [right + "x", right]  # the slow hash, for a wrong name or password alike


def test_seed_file_yaml(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text("start_url: https://d-0123456789.awsapps.com/start\nregion: eu-west-1\n")
    seed = load_seed(path)
    assert seed["region"] == "eu-west-1" and seed["users"][0]["name"] == "learner"


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_bad_seed_file_is_a_clear_error(tmp_path, text):
    path = tmp_path / "org.json"
    path.write_text(text)
    with pytest.raises(SandboxError, match="seed file"):
        load_seed(path)


def test_missing_seed_file(tmp_path):
    with pytest.raises(SandboxError, match="Cannot read the seed file"):
        load_seed(tmp_path / "missing.json")


def test_command_registers_flags():
    from sso_kit.cli import build_parser

    args = build_parser().parse_args(
        ["sandbox", "--port", "0", "--auto-approve", "--learners", "2", "--data-dir", "d"]
    )
    assert args.auto_approve and args.learners == 2 and args.data_dir == "d"


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, sso_kit.sandbox, sso_kit.cli.sandbox; print('moto' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_state_json_is_valid(tmp_path):
    from sso_kit.sandbox.persistence import write_json_private

    target = tmp_path / "s.json"
    write_json_private(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    assert oct(target.stat().st_mode & 0o777) == "0o600"
