"""A real workshop sandbox on 127.0.0.1 (port 0) for this folder's tests, in-process.

``workshop`` is module-scoped (3 learners, 1 spare, data dir under pytest's tmp folder); tests
that change a learner (reset, faults) use their own learner so the order does not matter.
``learner`` logs a learner in through the real library (configure, device login approved on
the real sign-in pages, botocore's SSO provider) and returns their profile name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sso_kit.workshop.start import RunningWorkshop, start_workshop

#: moto keeps its IAM Identity Center in process-wide backends keyed by the management
#: account; other tests' sandboxes in this worker use the default one (and make their own
#: learner01…). A management account of its own keeps this workshop's directory apart, as
#: ``sso-kit workshop start`` in a process of its own is.
MANAGEMENT_ACCOUNT = "999900001111"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> Iterator[RunningWorkshop]:
    import json

    from sso_kit.sandbox.seed import default_seed

    folder = tmp_path_factory.mktemp("workshop")
    seed = folder / "seed.json"
    seed.write_text(json.dumps(default_seed()).replace("111122223333", MANAGEMENT_ACCOUNT))
    running = start_workshop(3, spares=1, data_dir=folder / "data", seed=seed)
    try:
        yield running
    finally:
        running.stop()


def login_learner(workshop: RunningWorkshop, name: str, password: str | None = None) -> str:
    """Configure a profile for ``name`` and log in by the device flow; returns the profile."""
    from sso_kit.config import configure_profile
    from sso_kit.login import login
    from sso_kit.workshop.join import sign_in_and_approve

    sandbox = workshop.sandbox
    secret = password or sandbox.users[name].password
    profile = f"ws-{name}"
    configure_profile(
        profile,
        sso_session=f"ws-{name}",
        start_url=sandbox.start_url,
        sso_region=sandbox.sso_region,
        account_id=workshop.roster.accounts[name],
        role_name="PowerUserAccess",
        region="us-east-1",
        endpoint_url=sandbox.url,
    )
    login(
        profile,
        force=True,
        on_pending=lambda p: sign_in_and_approve(sandbox.url, p.user_code, name, secret),
    )
    return profile


@pytest.fixture
def learner(workshop) -> Callable[..., str]:
    return lambda name, password=None: login_learner(workshop, name, password)
