"""Kernels forked from the zygote are separate, fresh processes that behave like normal kernels; every
kernel the runner starts talks over Unix sockets of its own, never TCP ports another kernel can take."""

from __future__ import annotations

import asyncio
import contextlib
import os

import pytest

from drugflows.render import forkserver

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not forkserver.available, reason="kernel forking needs Linux and os.fork"),
]


async def _run(manager_class, code: str, cwd: str, seen: list | None = None) -> str:
    km = manager_class(kernel_name="python3")
    await km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        if seen is not None:
            seen.append((km.transport, km.socket_dir, sorted(os.listdir(km.socket_dir))))
        out = []
        reply = await kc.execute_interactive(
            code,
            timeout=60,
            output_hook=lambda m: (
                out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None
            ),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_forked_kernels_are_fresh_and_separate(tmp_path):
    assert "Forking" not in forkserver.kernel_manager_class().__name__  # no zygote, no forking
    with forkserver.zygote() as path:
        assert path and os.environ[forkserver.ENV_VAR] == path
        manager = forkserver.kernel_manager_class()
        code = (
            "import os, sys; print(os.getpid(), os.getcwd(), 'secret' in globals(), "
            "'pandas' in sys.modules); secret = 1"
        )
        first = asyncio.run(_run(manager, code, str(tmp_path))).split()
        second = asyncio.run(_run(manager, code, str(tmp_path))).split()
    assert first[0] != second[0] != str(os.getpid())  # three different processes
    assert first[1] == second[1] == str(tmp_path)  # started in the requested folder
    assert first[2] == second[2] == "False"  # the second kernel does not see the first's state
    assert first[3] == "True"  # pandas came preloaded
    assert forkserver.ENV_VAR not in os.environ  # the zygote is gone with the block
    assert not os.path.exists(path)


@pytest.mark.parametrize("fork", [False, True], ids=["started", "forked"])
def test_kernels_talk_over_private_unix_sockets_removed_at_shutdown(tmp_path, fork):
    async def four_at_once(manager) -> list[str]:
        code = "import os; print(os.getpid())"
        return await asyncio.gather(*(_run(manager, code, str(tmp_path), seen) for _ in range(4)))

    seen: list = []
    with forkserver.zygote() if fork else contextlib.nullcontext():
        pids = asyncio.run(four_at_once(forkserver.kernel_manager_class()))
    assert len(set(pids)) == 4
    assert [transport for transport, _, _ in seen] == ["ipc"] * 4
    assert len({folder for _, folder, _ in seen}) == 4  # one folder per kernel
    for folder, files in ((folder, files) for _, folder, files in seen):
        assert "connection.json" in files and len(files) > 1, files  # the channels' sockets
        assert not os.path.exists(folder)  # removed with the kernel
