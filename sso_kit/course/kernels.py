"""The kernels of a tutorial run: one shared kernel reset before each notebook, or a pool that
starts and warms the next notebook's kernel while the current one runs.

papermill runs a notebook on a kernel it is lent (``km=``) and leaves that kernel running, so
both shapes hand papermill started managers and stop them themselves.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["CELL_TIMEOUT", "KERNEL_NAME", "KernelPool", "SharedKernel"]

#: Seconds one cell may run before papermill gives up (login waits at most a few seconds
#: against the auto-approving sandbox; real AWS is never used headless unless asked).
CELL_TIMEOUT = 600

#: What every step's first cells import (the setup cell, widgets, boto3). A kernel started
#: ahead of its notebook imports these silently (no output, no execution count) while the
#: notebook before it runs, so the import is paid in parallel rather than in turn.
WARM_IMPORTS = "import boto3, ipywidgets, sso_kit.course, sso_kit.sandbox, sso_kit.ui"
#: Run after :data:`WARM_IMPORTS`: what they loaded stays for the kernel's life, so it is
#: frozen out of the cycle collector's walks (as the shared kernel's reset does later).
WARM_CODE = WARM_IMPORTS + "; __import__('gc').collect(); __import__('gc').freeze()"
KERNEL_NAME = "python3"
#: Run silently in the shared kernel before each notebook: ``cwd`` is its folder,
#: ``environ_file`` (first notebook only) the variables set after the kernel started.
RESET_CODE = (
    "__import__('sso_kit.course.kernel_reset').course.kernel_reset"
    ".begin_notebook({cwd!r}, {environ_file!r})"
)


class KernelPool:
    """The next notebook's kernel, started and warmed while the current notebook runs.

    papermill starts a fresh kernel for each notebook and waits for it; given a kernel
    manager whose kernel is already up (``km=``), it uses that one instead. Every notebook
    still gets a kernel of its own, with the run's environment and working directory; the
    kernels boot as tasks on the event loop papermill drives, so they progress while cells
    run. Without that loop (run_tutorial called from a running loop) there is no pool.
    """

    def __init__(self, cwd: Path) -> None:
        from jupyter_core.utils import ensure_event_loop

        self._cwd = cwd
        self._loop = ensure_event_loop()
        self._next: Any = None
        self._stopping: list[Any] = []

    @staticmethod
    def usable() -> bool:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return True
        return False

    def start_next(self) -> None:
        """Start booting the next kernel now (it progresses whenever the loop runs)."""
        if self._next is None:
            self._next = self._loop.create_task(self._boot())

    def take(self, more: bool = True) -> Any:
        """A started kernel manager for the notebook about to run; with ``more``, the
        kernel for the notebook after it starts now."""
        task = self._next or self._loop.create_task(self._boot())
        manager = self._loop.run_until_complete(task)
        self._next = self._loop.create_task(self._boot()) if more else None
        return manager

    def give_back(self, manager: Any) -> None:
        """Stop a used kernel in the background (papermill leaves a lent one running)."""
        self._stopping.append(self._loop.create_task(self._stop(manager)))

    def close(self, meanwhile: Callable[[], Any] | None = None) -> None:
        """Stop the spare kernel and wait until every kernel is down; ``meanwhile()`` runs
        on a worker thread while they shut down (its exception is raised afterwards)."""
        import asyncio

        async def finish() -> None:
            if self._next is not None:
                try:
                    spare = await self._next
                except RuntimeError:  # the unused spare died starting: nothing left to stop
                    spare = None
                if spare is not None:
                    await self._stop(spare)
            await asyncio.gather(*self._stopping, return_exceptions=True)

        async def both() -> None:
            work = self._loop.run_in_executor(None, meanwhile) if meanwhile else None
            try:
                await finish()
            finally:
                if work is not None:
                    await work

        self._loop.run_until_complete(both())

    async def _boot(self) -> Any:
        """A started, warmed kernel. One that dies before answering is replaced (twice at
        most): jupyter_client picks its ZMQ ports before the kernel binds them, so another
        process can take one in between ("Address already in use")."""
        for attempt in range(3):
            manager = _pooled_manager_class()(kernel_name=KERNEL_NAME, **_socket_files())
            try:
                return await self._warm(manager)
            except RuntimeError:
                if attempt == 2:
                    raise
                await self._stop(manager)
        raise AssertionError("unreachable")

    async def _warm(self, manager: Any) -> Any:
        await manager.start_kernel(cwd=str(self._cwd))
        await _run_silently(manager, WARM_CODE)  # a failed import: the notebook reports it
        return manager

    def run(self, awaitable: Any) -> Any:
        """Run a coroutine on the pool's event loop (the one papermill drives)."""
        return self._loop.run_until_complete(awaitable)

    def meanwhile(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` on a worker thread while the loop drives the booting kernels."""
        return self.run(self._loop.run_in_executor(None, work))

    @staticmethod
    async def _stop(manager: Any) -> None:
        for client in manager.lent_clients:
            client.stop_channels()
        if await manager.is_alive():
            await manager.shutdown_kernel()
        await manager.cleanup_resources()
        folder = Path(manager.connection_file).parent
        if folder.name.startswith(_SOCKET_FOLDER):
            shutil.rmtree(folder, ignore_errors=True)


_SOCKET_FOLDER = "sso-kit-kernel-"
#: Unix socket paths are limited to 107 bytes; jupyter_client adds "-N" (the port) to the base.
_SOCKET_PATH_MAX = 107


def _socket_files() -> dict[str, str]:
    """The kernel's sockets as files in a private (0700) temp folder, not TCP ports.

    jupyter_client picks TCP ports before the kernel binds them, so another process can take
    one in between: the kernel's heartbeat then dies while the kernel lives, and stopping the
    client waits forever on it. Files cannot be taken, and only this user reaches them. In a
    temp folder too deep for a socket path, TCP it is (jupyter_client's default)."""
    folder = Path(tempfile.mkdtemp(prefix=_SOCKET_FOLDER))
    base = folder / "kernel"
    if len(os.fsencode(base)) + len("-9") > _SOCKET_PATH_MAX:
        folder.rmdir()
        return {}
    return {"transport": "ipc", "ip": str(base), "connection_file": str(folder / "kernel.json")}


async def _run_silently(manager: Any, code: str) -> dict[str, Any]:
    """Execute ``code`` in the kernel without output or execution count; its reply content.

    It goes through the manager's one client (:func:`_pooled_manager_class`), the one the
    notebooks run on too, and leaves it connected."""
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    msg_id = client.execute(code, silent=True, store_history=False)
    while True:
        reply = await client.get_shell_msg(timeout=CELL_TIMEOUT)
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            return dict(reply.get("content", {}))


class SharedKernel:
    """One kernel for every notebook, made to look new before each (``RESET_CODE``).

    papermill runs a lent kernel (``km=``) and leaves it running, so the same manager is lent
    to every notebook in turn; the reset between them clears what a notebook defined and
    keeps what it imported.
    """

    def __init__(self, cwd: Path) -> None:
        self._pool = KernelPool(cwd)
        self._pool.start_next()
        self._manager: Any = None
        self._late: dict[str, str] = {}

    def meanwhile(self, work: Callable[[], Any]) -> Any:
        """``work()`` on a thread while the kernel boots (its process runs alongside)."""
        return self._pool.meanwhile(work)

    def add_environment(self, values: Mapping[str, str]) -> None:
        """Variables known only after the kernel started (the sandbox's URL and key): the
        first reset sets them, so every notebook finds them as if the kernel was born with
        them. They travel in a private file, never in the code sent to the kernel."""
        self._late.update(values)

    def take(self, cwd: Path) -> Any:
        """The kernel, reset for a notebook that runs in ``cwd``."""
        late = None
        if self._manager is None:
            self._manager = self._pool.take(more=False)
            if self._late:
                fd, late = tempfile.mkstemp(prefix="sso-kit-kernel-env-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
                    json.dump(self._late, file)
        code = RESET_CODE.format(cwd=str(cwd), environ_file=late)
        try:
            content = self._pool.run(_run_silently(self._manager, code))
        finally:
            if late is not None:
                Path(late).unlink(missing_ok=True)
        if content.get("status") != "ok":
            raise RuntimeError(
                "The shared kernel could not be reset for the next notebook: "
                f"{content.get('ename')}: {content.get('evalue')}"
            )
        return self._manager

    def close(self, meanwhile: Callable[[], Any] | None = None) -> None:
        """Stop the kernel and wait until it is down (``meanwhile()`` as for the pool's)."""
        if self._manager is not None:
            self._pool.give_back(self._manager)
            self._manager = None
        self._pool.close(meanwhile)


_PooledManager: type | None = None


def _pooled_manager_class() -> type:
    """AsyncKernelManager whose kernel has one client for the whole run, which it stops.

    A new client pays jupyter_client's ``wait_for_ready``: a kernel_info round trip, up to
    0.2 s for the iopub subscription to catch up, then 0.2 s of listening for stray iopub
    messages; nbclient made one for every notebook and the reset before it another, some
    0.45 s a notebook. The kept client checks readiness once as jupyter_client does (a reply,
    then a message on iopub), without the listening after: nbclient and the reset match every
    message to their own request, so one left over is never taken for theirs. It stays
    connected (nbclient leaves a lent kernel's client running), so later checks are the
    kernel_info round trip alone. A client whose channels were stopped (nbclient's cleanup
    after a failure) is replaced."""
    global _PooledManager
    if _PooledManager is None:
        from jupyter_client.asynchronous.client import AsyncKernelClient
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        class KeptClient(AsyncKernelClient):  # type: ignore[misc]
            def start_channels(self, *args: Any, **kwargs: Any) -> None:
                if not self.channels_running:  # a second start would start the hb thread twice
                    super().start_channels(*args, **kwargs)

            async def wait_for_ready(self, timeout: float | None = None) -> None:
                first = not self.__dict__.get("_was_ready")
                deadline = time.monotonic() + (60.0 if timeout is None else timeout)
                while True:
                    if not await self._async_is_alive():
                        raise RuntimeError("Kernel died before replying to kernel_info")
                    try:
                        reply = await self._async_recv_reply(self.kernel_info(), timeout=1)
                    except TimeoutError:
                        reply = None
                    if reply is not None and (not first or await _iopub_answers(self)):
                        self._handle_kernel_info_reply(reply)
                        self.__dict__["_was_ready"] = True
                        return
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        class PooledKernelManager(AsyncKernelManager):  # type: ignore[misc]
            @default("client_factory")
            def _kept_client(self) -> type:
                return KeptClient

            def client(self, **kwargs: Any) -> Any:
                kept = self.__dict__.get("_kept_client_instance")
                if kept is None or not kept.channels_running:
                    kept = super().client(**kwargs)
                    self.lent_clients.append(kept)
                    self.__dict__["_kept_client_instance"] = kept
                return kept

            @property
            def lent_clients(self) -> list[Any]:
                return self.__dict__.setdefault("_lent_clients", [])

        _PooledManager = PooledKernelManager
    return _PooledManager


async def _iopub_answers(client: Any) -> bool:
    """Whether the client's iopub subscription works: the kernel announces its state there
    for every request (jupyter_client's own check, without its 0.2 s of listening after)."""
    from queue import Empty

    try:
        await client.get_iopub_msg(timeout=0.1)
    except Empty:
        return False
    return True
