"""Step 08's point, for real against the sandbox: keys issued before a logout still work.

The listing must be signed with exactly the kept keys (the sandbox checks SigV4 and refuses
keys it never issued), not with whatever the profile would resolve after the logout.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from sso_kit.course.exercises import Practice
from sso_kit.course.trace import keep_role_credentials, try_old_credentials
from sso_kit.logout import logout

pytestmark = pytest.mark.integration


def test_kept_keys_list_buckets_after_logout_and_only_they_do(auto_sandbox, isolated_aws_home):
    practice = Practice(auto_sandbox)
    try:
        practice.start()
        creds = keep_role_credentials(practice.profile)
        assert creds is not None
        logout(practice.sso_session)
        kit = SimpleNamespace(profile=practice.profile, endpoint_url=auto_sandbox.url)
        said = try_old_credentials(creds, kit)
        assert "obtained before the logout still lists" in said
        assert creds.secret_access_key not in said and creds.session_token not in said
        forged = dataclasses.replace(creds, secret_access_key="not-the-issued-secret")
        with pytest.raises(ClientError):
            try_old_credentials(forged, kit)
    finally:
        practice.restore()
