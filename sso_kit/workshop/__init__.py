"""Workshop mode: one instructor, many learners, one shared sandbox (optionally on JupyterHub).

``start`` seeds the sandbox with an AWS account per learner and mounts the dashboard;
``handout`` prints the sign-in cards; ``join`` is the learner's side (notebook 00);
``preflight`` runs the tutorial batch as a spare learner. See docs/workshop.md.
"""

from __future__ import annotations

__all__ = ["ENV_LEARNER", "ENV_URL"]

#: Set for every learner (e.g. by JupyterHub): where the shared sandbox is, and who they are.
ENV_URL = "SSO_KIT_WORKSHOP_URL"
ENV_LEARNER = "SSO_KIT_LEARNER"
