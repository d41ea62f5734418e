"""The notebook's "break it on purpose" exercises, run for real against the sandbox."""

from __future__ import annotations

import os

import pytest

from sso_kit.course.exercises import EXERCISES, Practice

ORIGINAL = "# the learner's own config\n[profile mine]\nregion = eu-west-1\n"


@pytest.mark.integration
def test_every_exercise_is_diagnosed_fixed_and_restored(auto_sandbox, isolated_aws_home):
    config = isolated_aws_home / ".aws" / "config"
    config.write_text(ORIGINAL, encoding="utf-8")
    practice = Practice(auto_sandbox)
    try:
        assert practice.start().ok
        for key, exercise in EXERCISES.items():
            finding = practice.break_it(key)
            assert finding.id == exercise.expected
            if key == "cached_credentials":  # list_buckets raises if the cached keys were refused
                assert practice.buckets_with_cached_credentials() >= 0
            assert finding.status != "ok" and finding.fix
            assert "no problems" in practice.fix(key)
    finally:
        message = practice.restore()
    assert "byte for byte" in message
    assert practice.is_restored()
    assert config.read_text(encoding="utf-8") == ORIGINAL
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert not list((isolated_aws_home / ".aws" / "cli" / "cache").glob("*.json"))


@pytest.mark.integration
def test_an_unfixed_fault_is_reported_not_hidden(auto_sandbox, isolated_aws_home):
    practice = Practice(auto_sandbox)
    try:
        practice.start()
        practice.break_it("misspelled_role")
        with pytest.raises(AssertionError, match="not fixed yet"):
            practice.fix("stale_keys")  # the wrong fix leaves the role typo in place
    finally:
        practice.restore()
    assert not (isolated_aws_home / ".aws" / "config").exists()


def test_exercises_need_the_sandbox():
    with pytest.raises(ValueError, match="use_sandbox=True"):
        Practice(None)
