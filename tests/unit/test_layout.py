"""The size rule of docs/architecture.md: no module in sso_kit/ over 500 lines and no class over
300, except the declarative tables the page names (so that each entry is written once)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sso_kit"
TABLES = {"diagnose/catalogue.py"}  # the failure catalogue: one entry per finding id
ALL = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


MODULES = [p for p in ALL if _name(p) not in TABLES]


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_modules_and_classes_stay_small(path: Path) -> None:
    text = path.read_text("utf-8")
    assert len(text.splitlines()) <= 500, f"{_name(path)}: split it by its concepts"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            assert length <= 300, f"{_name(path)}: class {node.name} has {length} lines"


def test_the_named_tables_exist() -> None:
    assert {_name(p) for p in ALL} >= TABLES
    assert len(MODULES) > 100
