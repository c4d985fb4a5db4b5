"""Kernels forked from the zygote are separate, fresh processes that behave like normal kernels; every
kernel the runner starts talks over Unix sockets of its own, never TCP ports another kernel can take."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
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


def test_the_locked_jupyter_client_has_the_internals_the_fork_server_uses():
    assert forkserver.internals_problem() is None
    assert forkserver.kernel_manager_class() is forkserver.UnixSocketKernelManager


async def _wait_for_ready_of_another_shape(self, deadline: float, timeout: float | None = None) -> None:
    """A jupyter_client release whose method takes a new required argument."""


@pytest.fixture
def fresh_internals_check(monkeypatch):
    forkserver.internals_problem.cache_clear()
    monkeypatch.setattr(forkserver, "_warned", False)
    yield
    forkserver.internals_problem.cache_clear()


@pytest.mark.parametrize("change", ["missing", "other shape"])
def test_changed_internals_fall_back_to_plain_kernels_with_one_warning(
    tmp_path, monkeypatch, fresh_internals_check, change
):
    from jupyter_client.client import KernelClient

    from drugflows.render import catalog, runner

    if change == "missing":
        monkeypatch.delattr(KernelClient, "_async_wait_for_ready")
    else:
        monkeypatch.setattr(KernelClient, "_async_wait_for_ready", _wait_for_ready_of_another_shape)
    assert forkserver.kernel_manager_class() is forkserver.RenderKernelManager
    with forkserver.zygote() as path:
        assert path is None and forkserver.ENV_VAR not in os.environ  # no zygote started
    lines: list[str] = []
    # Each case renders a run of its own (no other test renders these parameters).
    first_year = {"missing": 2000, "other shape": 2005}[change]
    spec = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])[0]
    spec = dataclasses.replace(spec, name="heroin", parameters={"drug": "heroin", "first_year": first_year})
    summary = runner.render_all([spec], tmp_path, jobs=1, echo=lines.append)
    forkserver.warn_if_plain(lines.append)  # a second render in the same process: no second line
    assert summary.all_ok, [r.error for r in summary.results]
    assert (tmp_path / "us_demand" / "heroin.html").exists()
    assert "cbp_seizures_monthly" in summary.results[0].tables  # the table log reaches plain kernels
    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == 1, lines
    assert "AsyncKernelClient._async_wait_for_ready" in warnings[0]
    assert ("is missing" if change == "missing" else "changed shape") in warnings[0]
    assert "kernels start the plain way" in warnings[0]
