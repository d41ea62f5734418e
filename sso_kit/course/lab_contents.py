"""The kit's JupyterLab contents manager: text notebooks open with the metadata Lab would add.

Why: JupyterLab writes the running kernel's ``kernelspec`` and ``language_info`` into a notebook's
metadata as soon as the kernel connects. The MyST sources carry neither (``language_info`` names
the learner's own Python version), so every notebook opened marked modified, and closing it asked
to save changes nobody made. Filling both in when a ``.md`` notebook is read makes Lab's update a
no-op. ``language_info`` is taken out again before a save: jupytext never writes it to the
header, but would mark every fence ``{code-cell} ipython3`` because of it, rewriting the source.

Loaded by the Jupyter server (``--ServerApp.contents_manager_class``), never by a kernel.
"""

from __future__ import annotations

import platform
from typing import Any

from jupytext.async_contentsmanager import AsyncTextFileContentsManager

__all__ = ["KitContentsManager", "python_language_info"]


def python_language_info() -> dict[str, Any]:
    """What ipykernel reports for this Python (the kit's kernel runs the server's Python)."""
    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": platform.python_version(),
    }


class KitContentsManager(AsyncTextFileContentsManager):
    """jupytext's contents manager, plus the kernel metadata Lab sets on a text notebook."""

    async def get(self, path: str, content: bool = True, type: str | None = None, **kwargs: Any):
        model = await super().get(path, content=content, type=type, **kwargs)
        if content and model.get("type") == "notebook" and not path.endswith(".ipynb"):
            self._add_kernel_metadata(model["content"].metadata)
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        if model.get("type") == "notebook" and not path.endswith(".ipynb"):
            content = model.get("content")
            if isinstance(content, dict):
                content.get("metadata", {}).pop("language_info", None)
        return await super().save(model, path)

    def _add_kernel_metadata(self, metadata: Any) -> None:
        kernelspec = metadata.get("kernelspec")
        if not isinstance(kernelspec, dict) or kernelspec.get("name") != "python3":
            return
        specs = getattr(self.parent, "kernel_spec_manager", None)
        try:
            spec = specs.get_kernel_spec("python3") if specs is not None else None
        except Exception:  # no such kernel here: Lab will ask the learner anyway
            spec = None
        if spec is not None:
            kernelspec.update(display_name=spec.display_name, language=spec.language)
        if spec is None or spec.language == "python":
            metadata.setdefault("language_info", python_language_info())
