"""Find, judge and install the AWS CLI the learner types into a terminal.

Why this exists: the tutorial is about ``aws configure sso``, ``aws sso login`` and
``aws sso logout``, which only AWS CLI **version 2** has. PyPI's ``awscli`` is version 1, and
a version 2 older than 2.13.0 ignores ``endpoint_url`` in a profile, so it cannot reach the
offline sandbox. This module lists every ``aws`` on PATH with a verdict, and installs a v2 into
the kit's own virtual environment (``~/.sso-kit/awscli-v2``, linked from ``~/.sso-kit/bin``)
from AWS's source distribution with pip, or from a local wheel or sdist.

Standard library only at import time: ``sso-kit --help`` must stay cheap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sso_kit.aws_version import cache_path as version_cache_path
from sso_kit.aws_version import parse_version, version_output
from sso_kit.errors import SsoKitError
from sso_kit.home import kit_home

__all__ = [
    "ENV_SOURCE",
    "MIN_SANDBOX_VERSION",
    "SOURCE_URL",
    "AwsCli",
    "AwsCliInstallError",
    "ensure_installed",
    "find_all",
    "inspect",
    "install",
    "install_dir",
    "kit_bin_dir",
    "preferred",
    "terminal_environment",
    "version_cache_path",
    "version_line",
]

#: Where ``install()`` takes CLI v2 from when no source is given (a path or URL): lets a machine
#: without the download (CI, an offline classroom) point the kit at a local wheel or sdist.
ENV_SOURCE = "SSO_KIT_AWSCLI_SOURCE"
#: AWS's published source distribution of CLI v2 (docs: "Build and install the AWS CLI from
#: source"); pip builds and installs it like any sdist.
SOURCE_URL = "https://awscli.amazonaws.com/awscli.tar.gz"
#: The first CLI v2 that reads ``endpoint_url`` from a profile and ``AWS_ENDPOINT_URL`` from the
#: environment (botocore 1.31's "configurable endpoint URLs"). Debian 12 ships 2.9.19.
MIN_SANDBOX_VERSION = (2, 13, 0)


class AwsCliInstallError(SsoKitError):
    """Installing CLI v2 failed; the message says which stage and what to try next."""

    exit_code = 9


def install_dir() -> Path:
    """``~/.sso-kit/awscli-v2``: the virtual environment the kit installs CLI v2 into."""
    return kit_home() / "awscli-v2"


def kit_bin_dir() -> Path:
    """``~/.sso-kit/bin``: links to the kit's ``aws`` (and ``sso-kit``); first on a lab terminal's PATH."""
    return kit_home() / "bin"


@dataclass(frozen=True)
class AwsCli:
    """One ``aws`` command: where it is, what ``aws --version`` said, and whether it will do."""

    path: str
    version: tuple[int, int, int] | None
    version_text: str
    kit: bool = False  # the kit's own install under ~/.sso-kit

    @property
    def major(self) -> int | None:
        return self.version[0] if self.version else None

    @property
    def usable(self) -> bool:
        """A v2 new enough to follow a profile's ``endpoint_url`` (so: the sandbox too)."""
        return self.version is not None and self.version >= MIN_SANDBOX_VERSION

    @property
    def verdict(self) -> str:
        """One line a learner can act on."""
        minimum = ".".join(map(str, MIN_SANDBOX_VERSION))
        if self.version is None:
            return "did not report a version (broken install?): reinstall CLI v2"
        if self.major == 1:
            return "version 1: no `aws sso login`, `aws configure sso` or `aws sso logout`"
        if self.major == 2 and not self.usable:
            return (
                f"version 2 but older than {minimum}: ignores `endpoint_url` in a profile, "
                "so it cannot reach the sandbox; update it"
            )
        if self.major == 2:
            return "version 2: has `aws configure sso`, `aws sso login`, `aws sso logout`"
        return "unknown major version"

    def describe(self) -> str:
        mark = "ok " if self.usable else "-- "
        who = " (installed by sso-kit)" if self.kit else ""
        return f"{mark}{self.path}{who}\n     {self.version_text or '?'}\n     {self.verdict}"


def version_line(path: str | Path, *, timeout: float = 60.0) -> str:
    """The first line ``PATH --version`` prints, asked once per program file
    (:mod:`sso_kit.aws_version`), or why it could not run."""
    try:
        lines = version_output(path, timeout=timeout).splitlines()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"could not run: {exc}"
    return lines[0] if lines else ""


def inspect(path: str | Path, *, timeout: float = 60.0) -> AwsCli:
    """Judge the ``aws`` at ``path`` by what ``--version`` says (:func:`version_line`)."""
    first = version_line(path, timeout=timeout)
    kit = os.path.realpath(path).startswith(os.path.realpath(install_dir()) + os.sep)
    return AwsCli(str(path), parse_version(first), first, kit=kit)


def _candidates(search_path: str | None) -> Iterable[Path]:
    for folder in (search_path if search_path is not None else os.environ.get("PATH", "")).split(
        os.pathsep
    ):
        if folder:
            yield Path(folder) / "aws"
    yield kit_bin_dir() / "aws"  # the kit's own, even when ~/.sso-kit/bin is not on PATH


def find_all(search_path: str | None = None) -> list[AwsCli]:
    """Every distinct ``aws`` on PATH (in PATH order), plus the kit's own install."""
    seen: set[str] = set()
    found = []
    for candidate in _candidates(search_path):
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        real = os.path.realpath(candidate)
        if real in seen:
            continue
        seen.add(real)
        found.append(inspect(candidate))
    return found


def preferred(search_path: str | None = None) -> AwsCli | None:
    """The ``aws`` the kit runs: the first usable v2 (the kit's own first), else None."""
    found = find_all(search_path)
    usable = [c for c in found if c.usable]
    usable.sort(key=lambda c: not c.kit)  # stable: the kit's own first, then PATH order
    return usable[0] if usable else None


def _reachable(url: str, timeout: float) -> str | None:
    """None when ``url`` answers a HEAD request, else why not (for the error message)."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        return None if exc.code < 400 else f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(exc).__name__


def _link(target: Path, link: Path) -> None:
    """Point ``link`` at ``target``, replacing an older link atomically."""
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name(f".{link.name}.tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    os.replace(tmp, link)


def link_sso_kit(python: str = sys.executable) -> Path | None:
    """Link this environment's ``sso-kit`` into ``~/.sso-kit/bin`` (terminals find it there)."""
    script = Path(python).parent / "sso-kit"
    if not script.exists():
        return None
    link = kit_bin_dir() / "sso-kit"
    _link(script, link)
    return link


ENV_UV = "SSO_KIT_UV"
#: the lines of pip's and uv's output worth passing on as progress
PROGRESS_WORDS = ("Collecting", "Processing", "Building", "Installing", "Successfully")
PROGRESS_WORDS += ("Resolved", "Prepared", "Installed")


def find_uv() -> str | None:
    """uv, if this machine has it (``SSO_KIT_UV``, else ``PATH``): it installs CLI v2 and its
    dependencies in seconds where pip takes a minute or more. Without it, pip does the work."""
    return shutil.which(os.environ.get(ENV_UV) or "uv")


def install(
    source: str | Path | None = None,
    *,
    target: Path | None = None,
    python: str = sys.executable,
    progress: Callable[[str], None] = print,
    link: bool = True,
    timeout: float = 15.0,
) -> AwsCli:
    """Install CLI v2 into its own venv and link ``aws`` into ``~/.sso-kit/bin``.

    ``source`` is a local wheel or sdist, or a URL (default: AWS's ``awscli.tar.gz``). Its own
    venv because CLI v2's package name (``awscli``) is the same as PyPI's v1.
    """
    target = target or install_dir()
    src = str(source) if source is not None else (os.environ.get(ENV_SOURCE) or SOURCE_URL)
    remote = src.startswith(("https://", "http://"))
    if remote:
        progress(f"Checking that {src} can be downloaded ...")
        why = _reachable(src, timeout)
        if why is not None:
            raise AwsCliInstallError(
                f"AWS's CLI v2 source distribution {src} cannot be downloaded from here ({why}).",
                hint="Download awscli.tar.gz (or a CLI v2 wheel) elsewhere and run "
                "`sso-kit awscli install --from PATH`, or install CLI v2 with AWS's installer, "
                "Homebrew or conda-forge's `awscli`.",
            )
    elif not Path(src).is_file():
        raise AwsCliInstallError(
            f"{src} is not a file.",
            hint="Pass the path of a CLI v2 wheel (awscli-2.*.whl) or sdist (awscli.tar.gz).",
        )
    else:
        src = str(Path(src).resolve())
    venv_python = target / "bin" / "python"
    uv = find_uv()
    if not venv_python.exists():
        progress(f"Creating a virtual environment in {target} ...")
        if uv:  # --seed: pip too, for the fallback below
            argv = [uv, "venv", "--quiet", "--seed", "--python", python, str(target)]
        else:
            argv = [python, "-m", "venv", str(target)]
        _run_step(argv, "creating the virtual environment", progress)
    if uv:
        progress(f"Installing AWS CLI v2 from {src} with uv (its dependencies come from PyPI) ...")
        try:
            _run_step([uv, "pip", "install", "--python", str(venv_python), src], "uv", progress)
        except AwsCliInstallError as exc:  # e.g. a machine that reaches only its pip mirror
            progress(f"uv could not install it ({exc}); trying pip ...")
            uv = None
    if not uv:
        progress(
            f"Installing AWS CLI v2 from {src} with pip (its dependencies come from your index) ..."
        )
        pip = [str(venv_python), "-m", "pip", "install", "--disable-pip-version-check"]
        _run_step([*pip, "--progress-bar", "off", src], "pip install", progress)
    cli = inspect(target / "bin" / "aws")
    if cli.major != 2:
        raise AwsCliInstallError(
            f"{target / 'bin' / 'aws'} is not CLI v2 after installing ({cli.version_text or 'no version'}).",
            hint="Check that --from names a CLI v2 wheel or sdist (PyPI's awscli is version 1).",
        )
    if link:
        _link(target / "bin" / "aws", kit_bin_dir() / "aws")
        link_sso_kit()
        cli = inspect(kit_bin_dir() / "aws")
    progress(f"Installed {cli.version_text} at {cli.path}.")
    return cli


def ensure_installed(
    source: str | Path | None = None,
    *,
    target: Path | None = None,
    progress: Callable[[str], None] = print,
    link: bool = True,
) -> AwsCli:
    """The CLI v2 in ``target`` when it already works, else :func:`install` it (idempotent)."""
    target = target or install_dir()
    current = inspect(target / "bin" / "aws") if (target / "bin" / "aws").exists() else None
    if current is not None and current.major == 2:
        if link:
            _link(target / "bin" / "aws", kit_bin_dir() / "aws")
            link_sso_kit()
        progress(f"Already installed: {current.version_text} ({target}).")
        return current
    return install(source, target=target, progress=progress, link=link)


def _run_step(argv: list[str], what: str, progress: Callable[[str], None]) -> None:
    """Run one install step, passing pip's own progress lines on as they come."""
    try:
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
    except OSError as exc:
        raise AwsCliInstallError(
            f"Could not start {argv[0]} for {what} ({exc.strerror}).",
            hint="Check that Python's venv module is installed (Debian: apt install python3-venv).",
        ) from None
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        if line:
            tail = [*tail[-14:], line]
            if line.lstrip().startswith(PROGRESS_WORDS):
                progress(f"  {line}")
    if proc.wait() != 0:
        detail = "\n".join(f"    {t}" for t in tail)
        raise AwsCliInstallError(
            f"{what} failed (exit code {proc.returncode}). Its last lines:\n{detail}\n",
            hint="Fix what it says (often: no network to your package index), then run "
            "`sso-kit awscli install` again, or pass --from with a local wheel or sdist.",
        )


def terminal_environment(base: Mapping[str, str], *, sandbox_url: str | None) -> dict[str, str]:
    """The environment of a learner's terminal: the kit's tools first on PATH, and the sandbox.

    With a sandbox, ``AWS_ENDPOINT_URL`` sends every AWS CLI call there, so ``aws configure sso``
    works before any profile exists and ``aws sso logout`` (no profile) logs out of the sandbox.
    Without one (real AWS) any ``AWS_ENDPOINT_URL`` the kit set is removed.
    """
    env = dict(base)
    front = [str(kit_bin_dir())]  # not this venv's bin: PyPI's v1 `aws` may live there
    rest = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p and p not in front]
    env["PATH"] = os.pathsep.join([*front, *rest])
    env.setdefault("AWS_PAGER", "")  # no `less` waiting for a key in a notebook or a test
    if sandbox_url:
        env["AWS_ENDPOINT_URL"] = sandbox_url
        env["SSO_KIT_SANDBOX_URL"] = sandbox_url
    elif env.get("AWS_ENDPOINT_URL", "") == env.get("SSO_KIT_SANDBOX_URL", "\0"):
        env.pop("AWS_ENDPOINT_URL", None)
    return env
