"""Diagnosis on top of the library: ``doctor`` checks a setup stage by stage, ``explain`` reads
an error message. Both render from one failure catalogue. Imports only the library (import-linter
checks this), and never logs in, refreshes or rewrites a cache file.
"""

from __future__ import annotations

from sso_kit.lazy import lazy_getattr

__all__ = [
    "EXIT_CODES",
    "STAGES",
    "STAGE_TITLES",
    "Explanation",
    "Finding",
    "Report",
    "doctor",
    "explain",
]

# Lazy: the CLI imports this package for every command (its help lists the exit codes), and
# ``stages`` pulls in most of the library; each name loads its module on first use.
_LAZY = {
    "EXIT_CODES": "report",
    "STAGES": "report",
    "STAGE_TITLES": "report",
    "Finding": "report",
    "Report": "report",
    "Explanation": "explainer",
    "explain": "explainer",
    "doctor": "stages",
}
__getattr__ = lazy_getattr(__name__, _LAZY)
