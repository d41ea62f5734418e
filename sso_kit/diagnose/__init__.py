"""Diagnosis on top of the library: ``doctor`` checks a setup stage by stage, ``explain`` reads
an error message. Both render from one failure catalogue. Imports only the library (import-linter
checks this), and never logs in, refreshes or rewrites a cache file.
"""

from __future__ import annotations

from sso_kit.diagnose.explainer import Explanation, explain
from sso_kit.diagnose.report import EXIT_CODES, STAGE_TITLES, STAGES, Finding, Report
from sso_kit.diagnose.stages import doctor

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
