"""Stage 1, environment: botocore, the aws command, where config and caches come from."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from sso_kit.diagnose.base import MIN_BOTOCORE, Checks, Stop, _aws_version, _version_tuple


class EnvironmentStage(Checks):
    """Stage 1, environment: botocore, the aws command, where config and caches come from."""

    # -- environment ----------------------------------------------------------------------
    def environment(self) -> None:
        import botocore

        version = botocore.__version__
        if _version_tuple(version) < MIN_BOTOCORE:
            self.add("env.botocore_old", "problem", f"botocore {version} in {sys.executable}")
        else:
            self.add("env.botocore", "ok", f"botocore {version} reads sso-session")
        self._aws_cli()
        self._where_config_comes_from()
        self._profile_variables()
        self._static_keys()
        bundle = os.environ.get("AWS_CA_BUNDLE")
        if bundle and not Path(bundle).is_file():
            self.add("net.ca_bundle_missing", "problem", f"AWS_CA_BUNDLE={bundle} does not exist")

    def _aws_cli(self) -> None:
        aws = shutil.which("aws") or shutil.which("aws", path=str(Path(sys.executable).parent))
        if aws is None:
            self.add("env.aws_cli_missing", "warning", "no `aws` command on PATH")
            return
        text = _aws_version(aws)
        match = re.search(r"aws-cli/(\d+)\.", text)
        if match and match.group(1) == "1":
            self.add("env.aws_cli_v1", "warning", f"{aws}: {text.split()[0]} (version 1)")
        elif match:
            self.add("env.aws_cli", "ok", f"{aws}: {text.split()[0]}")
        else:
            self.add(
                "env.aws_cli_unknown", "warning", f"{aws}: unrecognised version output: {text[:80]}"
            )

    def _where_config_comes_from(self) -> None:
        import pwd

        from sso_kit.cache import sso_cache_dir

        user = pwd.getpwuid(os.getuid())
        home = os.environ.get("HOME")
        origin = "AWS_CONFIG_FILE" if os.environ.get("AWS_CONFIG_FILE") else "~/.aws/config"
        found = f"config {self.config_file} (from {origin}); user {user.pw_name}, HOME={home}"
        if not self.config_file.is_file():
            self.add("env.config_file_missing", "problem", found + " - the file does not exist")
            raise Stop
        self.add("env.config_file", "ok", found)
        if home and os.path.realpath(home) != os.path.realpath(user.pw_dir):
            self.add(
                "env.home_mismatch",
                "warning",
                f"HOME={home} but the home directory of {user.pw_name} is {user.pw_dir}",
            )
        loaded = sys.modules.get("botocore.credentials")
        cache_dir = str(sso_cache_dir())
        stale = getattr(getattr(loaded, "SSOProvider", None), "_SSO_TOKEN_CACHE_DIR", cache_dir)
        if stale != cache_dir:
            self.add(
                "env.home_changed",
                "warning",
                f"boto3 in this process looks for tokens in {stale}, not {cache_dir}",
            )

    def _profile_variables(self) -> None:
        prof, default = os.environ.get("AWS_PROFILE"), os.environ.get("AWS_DEFAULT_PROFILE")
        if prof and default and prof != default:
            self.add(
                "env.profile_conflict",
                "warning",
                f"AWS_PROFILE={prof} but AWS_DEFAULT_PROFILE={default}",
            )

    def _static_keys(self) -> None:
        names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        present = [n for n in names if os.environ.get(n)]
        if not present:
            return
        self.add("env.static_keys", "problem", f"{', '.join(present)} set in the environment")
