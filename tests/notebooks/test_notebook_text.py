"""What the notebooks say agrees with what the tutorial does (issue 11's text defects, one each)."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "notebooks"
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
STEP_TITLE = re.compile(r"^# (\d\d) · Step (\d+):", re.M)


def _text(name: str) -> str:
    return next(NB.glob(f"{name}_*.md")).read_text("utf-8")


def _steps() -> list[int]:
    """The step numbers the notebooks' titles announce ("# 05 · Step 5: …")."""
    found = [STEP_TITLE.search(p.read_text("utf-8")) for p in sorted(NB.glob("[0-9][0-9]_*.md"))]
    return [int(m.group(2)) for m in found if m]


def test_start_here_counts_and_lists_every_step():
    steps = _steps()
    assert steps == list(range(1, len(steps) + 1)) and len(steps) == 9, steps
    text = _text("00")
    said = re.findall(r"\bthe (\w+) steps\b", text)
    assert said, "00 does not say how many steps there are"
    assert all(NUMBER_WORDS.index(word) == len(steps) for word in said), said
    plan = re.search(r"In this tutorial you will (.+?)\.\s", text, re.S)
    assert plan, "00 has no list of the steps"
    assert [int(n) for n in re.findall(r"\((\d+)\)", plan.group(1))] == steps


def test_step_01_does_not_send_bucket_creation_to_step_07():
    text = _text("01")
    assert not re.search(r"step 07 creates", text, re.I)
    assert "step 03" in text.lower()  # buckets are step 03's job


def test_step_09_shows_the_badge_it_mentions():
    nb = jupytext.read(next(NB.glob("09_*.md")))
    mentions = [
        i for i, c in enumerate(nb.cells) if "badge" in c.source and c.cell_type == "markdown"
    ]
    assert mentions
    for i in mentions:
        following = next(c for c in nb.cells[i + 1 :] if c.cell_type == "code")
        assert "StatusBadge(" in following.source, "the badge is not the next thing shown"


def test_role_credentials_live_where_every_step_says():
    """CLI v2 caches role credentials in ~/.aws/cli/cache; only boto3 keeps them in memory."""
    for name in ("07", "08", "10"):
        text = _text(name)
        assert "~/.aws/cli/cache/" in text, f"{name} does not say where the CLI caches them"
        for sentence in re.split(r"(?<=[.;])\s", text):
            if "in memory" in sentence:
                assert "boto3" in sentence, f"{name}: {sentence!r}"
