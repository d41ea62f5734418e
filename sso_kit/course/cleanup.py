"""Step 09: delete the tutorial's buckets, sign out and restore the original config."""

from __future__ import annotations

from sso_kit.course.backup import restore_original_config
from sso_kit.course.selfcheck import needs_login, profile_ready
from sso_kit.course.setup import Setup
from sso_kit.errors import ProfileNotFoundError


def clean_up_needs_login(kit: Setup, *, delete_buckets: bool = True) -> bool:
    """Whether step 09 must log in first: only to delete buckets, with a profile to use."""
    return delete_buckets and profile_ready(kit.profile)[0] and needs_login(kit.profile)


def clean_up(kit: Setup, *, delete_buckets: bool = True, keep_profile: bool = False) -> str:
    """Delete the kit-tagged buckets, sign out, and restore the original config."""
    from sso_kit.buckets import delete_tutorial_buckets
    from sso_kit.logout import logout

    lines = []
    if delete_buckets and not profile_ready(kit.profile)[0]:
        # a second run after the config was restored: the profile is gone, so no credentials
        lines.append(
            f"Skipped the buckets: profile {kit.profile} is not in your config (already cleaned "
            "up?). To delete tutorial buckets left behind, run steps 05 and 06 again, then this."
        )
    elif delete_buckets:
        deleted = delete_tutorial_buckets(kit.profile)
        lines.append(f"Deleted {len(deleted)} tutorial bucket(s): {', '.join(deleted) or '-'}")
    try:
        result = logout(kit.sso_session)
    except ProfileNotFoundError:  # the restored config no longer names the session
        lines.append(f"No sso-session {kit.sso_session} in your config: nothing to sign out of.")
    else:
        lines.append(f"Signed out ({len(result.removed_tokens)} token file(s) removed).")
    if keep_profile:
        lines.append(f"Kept profile {kit.profile} in your config, as asked.")
    else:
        lines.append(restore_original_config())
    return "\n".join(lines)
