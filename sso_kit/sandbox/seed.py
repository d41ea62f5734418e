"""Seeds: the organisation a sandbox starts with (accounts, permission sets, users).

The default is the tutorial's example organisation; ``--seed`` names a YAML or JSON file
whose keys replace the default's. A seed's shape is checked before anything is built, so a
wrong one is a start-up error that names the key, not a traceback.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def default_seed() -> dict[str, Any]:
    """The tutorial's example organisation (see docs/architecture.md)."""
    text = resources.files("sso_kit.sandbox").joinpath("default_seed.json").read_text("utf-8")
    return json.loads(text)


def load_seed(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON seed file; missing keys fall back to the default organisation."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as err:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            f"Cannot read the seed file {path}: {err.strerror}.",
            hint="Check the path given to --seed.",
        ) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as err:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            f"The seed file {path} is not valid YAML/JSON ({type(err).__name__}).",
            hint="Fix the file, or start without --seed to use the default organisation.",
        ) from None
    if not isinstance(data, dict):
        from sso_kit.errors import SandboxError

        raise SandboxError(
            f"The seed file {path} must hold a mapping at the top level.",
            hint="See the README section 'sandbox' for the format.",
        )
    merged = default_seed()
    merged.update(data)
    return check_seed(merged, str(path))


def _seed_problem(seed: dict[str, Any]) -> str | None:
    """What is wrong with a seed's shape, or None."""

    def mapping_list(value: Any, name: str, required: tuple[str, ...]) -> str | None:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return f"{name} must be a list of mappings"
        for index, item in enumerate(value):
            for key in required:
                if not isinstance(item.get(key), str | int) or item.get(key) in ("", None):
                    return f"{name}[{index}] needs {key!r}"
        return None

    for key in ("start_url", "region"):
        if not isinstance(seed.get(key), str) or not seed[key]:
            return f"{key!r} must be a non-empty string"
    problem = mapping_list(seed.get("accounts"), "accounts", ("id",))
    if problem or not seed["accounts"]:
        return problem or "accounts must name at least one account"
    if not isinstance(seed.get("permission_sets", {}), dict) or not all(
        isinstance(v, dict) for v in seed.get("permission_sets", {}).values()
    ):
        return "permission_sets must map names to mappings"
    problem = mapping_list(seed.get("users", []), "users", ("name",))
    if problem:
        return problem
    for index, user in enumerate(seed.get("users", [])):
        for key in ("password", "display_name", "email"):
            if user.get(key) is not None and not isinstance(user[key], str):
                return f"users[{index}].{key} must be a string"
        problem = mapping_list(
            user.get("assignments", []),
            f"users[{index}].assignments",
            ("account", "permission_set"),
        )
        if problem:
            return problem
    return mapping_list(
        seed.get("learner_assignments", []), "learner_assignments", ("account", "permission_set")
    )


def check_seed(seed: Any, source: str) -> dict[str, Any]:
    """Return ``seed`` when its shape is usable, else raise SandboxError naming the problem."""
    problem = "it must be a mapping" if not isinstance(seed, dict) else _seed_problem(seed)
    if problem:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            f"The seed in {source} cannot be used: {problem}.",
            hint="See the README section 'sandbox' for the format, or start without --seed.",
        )
    return seed  # type: ignore[no-any-return]
