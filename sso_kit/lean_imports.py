"""Start Jupyter's processes without jsonschema's ``iri`` format checker.

jsonschema imports every format checker whose package is installed. The ``iri`` one comes from
``rfc3987_syntax`` (installed with ``jsonschema[format-nongpl]``, which jupyter_events asks for),
and importing it compiles some 35 Earley parsers: 2-3 s of CPU on a slow 2-core machine, paid
by every process that imports nbformat, papermill, Jupyter Server or JupyterHub, for a format
none of their schemas uses. Marked missing before jsonschema is first imported, that checker is
simply not registered: ``FormatChecker().conforms(x, "iri")`` is then True for any ``x``, as
for every format jsonschema has no checker for.

Used by ``sso-kit lab`` (JupyterLab), the workshop hub's learner servers
(``hub/jupyterhub_config.py``), the tutorial runner (papermill) and the ``sso-kit`` command.
Standard library only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["IRI_PARSER", "launcher", "leave_out_iri_checker", "without_iri_checker"]

IRI_PARSER = "rfc3987_syntax"


def launcher(module: str, function: str = "main") -> str:
    """``python -c`` code that runs ``module.function()`` as its console script does, with the
    ``iri`` checker left out (the rest of the command line reaches the program unchanged)."""
    return (
        f"import sys; sys.modules.setdefault({IRI_PARSER!r}, None); "
        f"from {module} import {function}; sys.exit({function}())"
    )


def leave_out_iri_checker() -> bool:
    """Leave the checker out for the rest of this process, if jsonschema is not loaded yet.

    Returns whether it did: a process that imported jsonschema (or the parser) keeps its own.
    """
    if "jsonschema" in sys.modules or IRI_PARSER in sys.modules:
        return False
    sys.modules[IRI_PARSER] = None  # type: ignore[assignment]  # its import: ImportError
    return True


@contextmanager
def without_iri_checker() -> Iterator[None]:
    """The checker left out while the body imports jsonschema (papermill, nbformat), and the
    parser importable again afterwards for anyone who asks for it by name."""
    left_out = leave_out_iri_checker()
    try:
        yield
    finally:
        if left_out and sys.modules.get(IRI_PARSER, 0) is None:
            del sys.modules[IRI_PARSER]
