"""Admin routes: (method, path) -> (operation name, handler); every one needs the secret.

Further admin pages (an instructor dashboard) add their rows here and get the same checks.
"""

from sso_kit.sandbox.admin import responses

PREFIX = "/_sandbox/admin/"
HEALTH = "/_sandbox/health"  # public: facts without secrets, how handles find a sandbox
LOGIN = "/_sandbox/login"  # public: a browser page trades the secret for a cookie

url_paths = {
    ("GET", PREFIX + "whoami"): ("WhoAmI", responses.whoami),
    ("POST", PREFIX + "whoami"): ("WhoAmI", responses.whoami),
    ("POST", PREFIX + "approve"): ("Approve", responses.approve),
    ("POST", PREFIX + "expire_tokens"): ("ExpireTokens", responses.expire_tokens),
    ("POST", PREFIX + "revoke_tokens"): ("RevokeTokens", responses.revoke_tokens),
    ("POST", PREFIX + "set_fault"): ("SetFault", responses.set_fault),
    ("POST", PREFIX + "skew_clock"): ("SkewClock", responses.skew_clock),
    ("POST", PREFIX + "remove_assignment"): ("RemoveAssignment", responses.remove_assignment),
    ("POST", PREFIX + "add_assignment"): ("AddAssignment", responses.add_assignment),
    ("POST", PREFIX + "admin_credentials"): ("AdminCredentials", responses.admin_credentials),
    ("POST", PREFIX + "invite"): ("Invite", responses.invite),
    ("POST", PREFIX + "set_lifetimes"): ("SetLifetimes", responses.set_lifetimes),
    ("POST", PREFIX + "reset_faults"): ("ResetFaults", responses.reset_faults),
}
