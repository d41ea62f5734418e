"""The tutorial's kernels talk over socket files in a private folder, not over TCP ports."""

from __future__ import annotations

import asyncio
import stat
import tempfile
from pathlib import Path

from sso_kit.course import kernels


def test_sockets_are_files_in_a_private_temp_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = kernels._socket_files()
    assert files["transport"] == "ipc"
    folder = Path(files["connection_file"]).parent
    assert folder.parent == tmp_path and folder.name.startswith("sso-kit-kernel-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert Path(files["ip"]).parent == folder


def test_a_temp_folder_too_deep_for_a_socket_path_keeps_tcp(tmp_path, monkeypatch) -> None:
    deep = tmp_path / ("d" * 50) / ("e" * 50)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    assert kernels._socket_files() == {}
    assert list(deep.iterdir()) == []  # the folder it tried is gone


def test_a_started_kernel_answers_over_its_socket_files_and_leaves_nothing(
    tmp_path, monkeypatch
) -> None:
    temp = Path(tempfile.mkdtemp(prefix="skt-"))  # short: tmp_path may be too deep for sockets
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    manager = kernels._pooled_manager_class()(
        kernel_name=kernels.KERNEL_NAME, **kernels._socket_files()
    )

    async def run() -> dict:
        await manager.start_kernel(cwd=str(tmp_path))
        try:
            return await kernels._run_silently(manager, "x = 1")
        finally:
            await kernels.KernelPool._stop(manager)

    reply = asyncio.run(run())
    assert reply["status"] == "ok"
    assert manager.transport == "ipc"
    assert list(temp.iterdir()) == []  # connection file, sockets and folder removed
    temp.rmdir()
