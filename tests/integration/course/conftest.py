"""The course tests drive the real CLI v2 by its path (``aws_v2`` from the integration conftest)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def aws_v2(aws_v2) -> str:
    """Path of the shared CLI v2 ``aws`` (this narrows the integration conftest's fixture)."""
    return str(aws_v2.path)
