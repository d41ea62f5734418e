"""botocore's data files kept as marshal entries: same data, a miss whenever in doubt."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from botocore.loaders import JSONFileLoader

from sso_kit import model_cache
from sso_kit.model_cache import MarshalFileLoader

DOCUMENT = {"version": "1.0", "shapes": {"B": {"type": "string"}, "A": {"type": "list"}}}


@pytest.fixture
def data_file(isolated_aws_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small model file, old enough to be kept; the path is botocore's (no ending)."""
    monkeypatch.setattr(model_cache, "_RACY_NS", 0)
    path = tmp_path / "data" / "service-2.json"
    path.parent.mkdir()
    path.write_text(json.dumps(DOCUMENT))
    return path.with_suffix("")


def _entries(home: Path) -> list[Path]:
    folder = home / ".sso-kit" / "models"
    return sorted(folder.iterdir()) if folder.exists() else []


def _no_json(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every JSON parse botocore's loader does from here on."""
    parsed: list[str] = []
    real = JSONFileLoader.load_file

    def load_file(self: JSONFileLoader, file_path: str) -> object:
        parsed.append(file_path)
        return real(self, file_path)

    monkeypatch.setattr(JSONFileLoader, "load_file", load_file)
    return parsed


def test_a_new_process_reads_the_kept_parse_not_the_json(
    data_file: Path, isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = MarshalFileLoader().load_file(str(data_file))
    assert first == DOCUMENT
    (entry,) = _entries(isolated_aws_home)
    assert entry.stat().st_mode & 0o777 == 0o600
    parsed = _no_json(monkeypatch)
    again = MarshalFileLoader().load_file(str(data_file))  # a fresh loader: a new process
    assert parsed == []
    assert again == DOCUMENT
    assert list(again["shapes"]) == ["B", "A"]  # botocore's order


def test_a_changed_data_file_is_parsed_again(
    data_file: Path, isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    MarshalFileLoader().load_file(str(data_file))
    source = data_file.with_suffix(".json")
    source.write_text(json.dumps({**DOCUMENT, "version": "2.0"}))
    os.utime(source, ns=(1, 1))
    parsed = _no_json(monkeypatch)
    assert MarshalFileLoader().load_file(str(data_file))["version"] == "2.0"
    assert parsed == [str(data_file)]
    assert MarshalFileLoader().load_file(str(data_file))["version"] == "2.0"
    assert len(parsed) == 1  # the entry was rewritten


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9\x03\x00\x00"])
def test_an_unreadable_entry_is_a_miss(
    data_file: Path, isolated_aws_home: Path, damage: bytes
) -> None:
    MarshalFileLoader().load_file(str(data_file))
    (entry,) = _entries(isolated_aws_home)
    entry.write_bytes(damage)
    assert MarshalFileLoader().load_file(str(data_file)) == DOCUMENT
    assert MarshalFileLoader().load_file(str(data_file)) == DOCUMENT


def test_an_entry_someone_else_owns_is_not_read(
    data_file: Path, isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    MarshalFileLoader().load_file(str(data_file))
    monkeypatch.setattr(os, "getuid", lambda: os.stat(data_file.parent).st_uid + 1)
    parsed = _no_json(monkeypatch)
    assert MarshalFileLoader().load_file(str(data_file)) == DOCUMENT
    assert parsed == [str(data_file)]


def test_a_file_changed_just_now_is_not_kept(
    data_file: Path, isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_cache, "_RACY_NS", 10**18)
    assert MarshalFileLoader().load_file(str(data_file)) == DOCUMENT
    assert _entries(isolated_aws_home) == []


def test_a_missing_file_is_none_and_an_unwritable_home_only_costs_the_parse(
    data_file: Path, isolated_aws_home: Path
) -> None:
    assert MarshalFileLoader().load_file(str(data_file.parent / "nothing")) is None
    shutil.rmtree(isolated_aws_home / ".sso-kit", ignore_errors=True)  # the test HOME's own
    (isolated_aws_home / ".sso-kit").write_text("a file where the folder should be")
    assert MarshalFileLoader().load_file(str(data_file)) == DOCUMENT


def test_botocore_models_load_as_botocore_loads_them(isolated_aws_home: Path) -> None:
    """The real files a login and ``sso-kit ls`` read: equal to botocore's parse, twice."""
    import botocore

    root = Path(botocore.__file__).parent / "data"
    for name in ("endpoints", "sso-oidc/2019-06-10/service-2", "s3/2006-03-01/service-2"):
        expected = JSONFileLoader().load_file(str(root / name))
        assert MarshalFileLoader().load_file(str(root / name)) == expected
        assert MarshalFileLoader().load_file(str(root / name)) == expected
    assert len(_entries(isolated_aws_home)) == 3
