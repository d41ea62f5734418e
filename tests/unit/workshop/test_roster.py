"""The workshop's organisation: an account and a user per learner, with the tutorial's roles."""

from __future__ import annotations

import pytest

from sso_kit.errors import SandboxError
from sso_kit.workshop.roster import Roster, learner_names, workshop_seed


def test_each_learner_gets_their_own_account_and_the_tutorials_permission_sets():
    seed = workshop_seed(3, spares=1)
    users = {u["name"]: u for u in seed["users"]}
    assert list(users) == ["learner01", "learner02", "learner03", "spare01"]
    accounts = [{a["account"] for a in u["assignments"]} for u in users.values()]
    assert all(len(a) == 1 for a in accounts)
    assert len(set.union(*accounts)) == 4  # nobody shares
    assert {a["permission_set"] for a in users["learner01"]["assignments"]} == {
        "PowerUserAccess",
        "S3ReadOnly",
    }
    assert {a["id"] for a in seed["accounts"]} >= set.union(*accounts)
    assert "learner" not in users  # the single-user default is not part of a workshop


def test_names_grow_a_digit_past_99():
    assert learner_names(100, 0)[0][-1] == "learner100"
    assert learner_names(9, 0)[0][0] == "learner01"


@pytest.mark.parametrize("count", [0, -1, 1000])
def test_learner_count_out_of_range_is_a_clear_error(count):
    with pytest.raises(SandboxError, match="between 1 and 999"):
        workshop_seed(count)


def test_roster_round_trips_owner_only(tmp_path):
    roster = Roster.new(2)
    path = roster.save(tmp_path / "ws")
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "ws").stat().st_mode & 0o777 == 0o700
    again = Roster.load(tmp_path / "ws")
    assert again == roster and len(again.secret) >= 32


def test_a_corrupt_roster_is_a_clear_error(tmp_path):
    (tmp_path / "workshop.json").write_text("[1, 2]")
    with pytest.raises(SandboxError, match="not one sso-kit wrote"):
        Roster.load(tmp_path)
