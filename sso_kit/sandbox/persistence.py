"""``--data-dir``: save and restore the directory, sessions and S3 buckets across restarts.

The state is one JSON file (written atomically, owner-only) holding the directory as a seed,
the OIDC state (clients, device authorizations, tokens) and every bucket with its tags and
objects. moto's backends are rebuilt from it through their own methods on start.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

STATE_NAME = "sandbox-state.json"


def export_buckets() -> dict[str, list[dict[str, Any]]]:
    from moto.s3.models import s3_backends

    result: dict[str, list[dict[str, Any]]] = {}
    for account_id, regions in list(s3_backends.items()):
        backend = regions["aws"]
        rows = []
        for name, bucket in list(backend.buckets.items()):
            objects = []
            for key in list(bucket.keys.values()):
                if key is None or getattr(key, "name", None) is None:
                    continue
                objects.append(
                    {
                        "key": key.name,
                        "body": base64.b64encode(key.value).decode("ascii"),
                        "content_type": key.content_type if hasattr(key, "content_type") else None,
                    }
                )
            tags = backend.get_bucket_tagging(name).get("Tags", [])
            rows.append(
                {"name": name, "region": bucket.region_name, "tags": tags, "objects": objects}
            )
        if rows:
            result[account_id] = rows
    return result


def restore_buckets(data: dict[str, list[dict[str, Any]]]) -> None:
    from moto.s3.models import s3_backends

    for account_id, rows in data.items():
        backend = s3_backends[account_id]["aws"]
        for row in rows:
            if row["name"] not in backend.buckets:
                backend.create_bucket(row["name"], row["region"])
            if row["tags"]:
                backend.put_bucket_tagging(row["name"], {t["Key"]: t["Value"] for t in row["tags"]})
            for obj in row["objects"]:
                backend.put_object(row["name"], obj["key"], base64.b64decode(obj["body"]))


def write_json_private(path: Path, data: dict[str, Any]) -> None:
    """Atomic, owner-only (0600) JSON write: the file may hold sandbox credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(data_dir: Path) -> dict[str, Any] | None:
    path = data_dir / STATE_NAME
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            f"The sandbox state in {path} cannot be read ({type(err).__name__}).",
            hint="Move the file aside to start clean, or restore it from a backup.",
        ) from None
