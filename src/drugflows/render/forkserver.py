"""Fast kernel start: fork each report's IPython kernel from a process that already imported the stack.

A normal kernel start launches a new Python, which imports IPython, ipykernel, pandas, matplotlib and
seaborn again for every report (about 1.2 s of CPU each time). Here ``drugflows render`` first starts
one *zygote*: a process that imports all that once, then waits on a Unix socket and forks one kernel
per request. Every report still gets a fresh, separate kernel process (only the imported code is
shared, copy-on-write), started by ipykernel from the connection file jupyter_client wrote, exactly as
``python -m ipykernel_launcher -f <file>`` would; papermill and nbclient drive it as usual.

The zygote's socket is published in ``$DRUGFLOWS_KERNEL_ZYGOTE``; where it is unset, where the platform
is not Linux, or where the kernelspec does not run ``ipykernel_launcher``, kernels start the usual way.
The classes override private jupyter_client methods (versions bounded in pyproject.toml); where one
is missing or takes other arguments (:func:`internals_problem`), kernels start the plain way too.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from queue import Empty
from typing import Any

import jupyter_client
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

ENV_VAR = "DRUGFLOWS_KERNEL_ZYGOTE"
#: Imported once by the zygote. Not matplotlib_inline: it hooks itself into the running IPython shell
#: when imported, so each kernel imports it on its first figure.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "geopandas",
    "drugflows.display",
    "drugflows.plotting",
    "drugflows.tables",
    "drugflows.domain.seizures",
    "drugflows.domain.demand",
    "drugflows.reports.border_seizures",
)
LAUNCHER_MODULE = "ipykernel_launcher"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

available = sys.platform.startswith("linux") and hasattr(os, "fork")


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel the request describes; never returns."""
    from drugflows.render.workers import die_with_parent

    die_with_parent()  # a kernel never outlives the zygote
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    os.chdir(request["cwd"])
    # The zygote is the kernel's parent: ipykernel's parent poller stops the kernel if it dies.
    argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = [LAUNCHER_MODULE, *argv]
    sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` run in cwd
    from ipykernel.kernelapp import IPKernelApp

    try:
        IPKernelApp.launch_instance(argv=argv)
    except BaseException:  # noqa: BLE001 - report it, then leave without running the zygote's code
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _warm_up() -> None:
    """Draw one throwaway figure in the report style and render one styled table.

    This loads the fonts, glyph and layout caches and the table templates once, so that every forked
    kernel finds them ready: it cuts a report's figure time by about two thirds. It uses an Agg
    canvas (not pyplot, which would pick the inline backend too early) inside ``rc_context``, so
    matplotlib's settings are back to their start values afterwards.
    """
    import io

    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from drugflows import plotting

    with plt.rc_context():
        plotting.use_style()
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        months = pd.date_range("2020-01-01", periods=12, freq="MS")
        ax.fill_between(months, range(12), step="mid")
        ax.twinx().plot(months, range(12))
        bars = fig.add_subplot(2, 2, 1).bar(["a", "b"], [1000, 2])
        ax.bar_label(bars, labels=["1,000", "2"], fontsize=8)
        ax.set_title("Warm-up 0123456789,.%")
        fig.suptitle("Warm-up", fontweight="bold")
        fig.text(0, 0, "Source", fontsize=8)
        fig.savefig(io.BytesIO(), format="png")
    pd.DataFrame({"a": [1.5]}).style.format({"a": "{:,.1f}"}).hide(axis="index").to_html()
    if "matplotlib_inline.backend_inline" in sys.modules:  # kernels would show no figures
        raise RuntimeError("the warm-up imported the inline backend")


def _serve(server: socket.socket, lifeline: int) -> None:
    """The zygote: preload, then fork a kernel for every JSON line {"argv", "cwd", "env"} received.

    It stops when ``lifeline`` (a pipe from the render process) closes.
    """
    import asyncio
    import importlib

    # Forked from a process that may have had an event loop: start clean.
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop_policy(None)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    with contextlib.suppress(Exception):  # a failed warm-up only costs speed
        _warm_up()
    clients: dict[socket.socket, Any] = {}
    while True:
        ready, _, _ = select.select([server, lifeline, *clients], [], [])
        if lifeline in ready:
            os._exit(0)
        for sock in ready:
            if sock is server:
                conn, _ = server.accept()
                clients[conn] = conn.makefile("rwb", buffering=0)
                continue
            line = clients[sock].readline()
            if not line:
                clients.pop(sock).close()
                sock.close()
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                for other in clients:
                    other.close()
                _run_kernel(json.loads(line))
            clients[sock].write(f"{pid}\n".encode())


#: Bytes a Unix socket's path may have (Linux ``sockaddr_un.sun_path``, less its final NUL).
SOCKET_PATH_MAX = 107
#: The longest socket path a render makes below the temporary folder (kernel channels).
_LONGEST_SOCKET = os.path.join("drugflows-kernel-xxxxxxxx", "channel-99999")


def temp_dir_problem() -> str | None:
    """Why the temporary folder cannot hold the render's sockets (its path is too long), or None."""
    tmp = tempfile.gettempdir()
    if len(os.fsencode(os.path.join(tmp, _LONGEST_SOCKET))) <= SOCKET_PATH_MAX:
        return None
    room = SOCKET_PATH_MAX - len(os.fsencode(_LONGEST_SOCKET)) - 1
    return (
        f"the temporary folder {tmp} is {len(os.fsencode(tmp))} bytes long, too long for the kernels' "
        f"Unix sockets (at most {room} bytes); set TMPDIR to a shorter folder, such as /tmp"
    )


@contextlib.contextmanager
def zygote() -> Iterator[str | None]:
    """Start a zygote for the duration of the block and publish its socket in $DRUGFLOWS_KERNEL_ZYGOTE.

    Call it before importing papermill or starting any event loop, so the zygote forks clean and
    preloads while the caller imports. Yields the socket path (None where kernels are not forked).
    """
    if not available or internals_problem() or os.environ.get(ENV_VAR):
        yield os.environ.get(ENV_VAR)
        return
    folder = tempfile.mkdtemp(prefix="drugflows-zygote-")
    path = os.path.join(folder, "socket")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    lifeline_r, lifeline_w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        from drugflows.render.workers import die_with_parent

        die_with_parent(parent)  # SIGKILLed with the render, even if the lifeline is inherited
        os.close(lifeline_w)
        try:
            _serve(server, lifeline_r)
        finally:
            os._exit(0)
    server.close()
    os.close(lifeline_r)
    os.environ[ENV_VAR] = path
    try:
        yield path
    finally:
        del os.environ[ENV_VAR]
        os.close(lifeline_w)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        with contextlib.suppress(OSError):
            os.unlink(path)
            os.rmdir(folder)


class _Client:
    """This process's connection to the zygote (one per process, opened on first use)."""

    _lock = threading.Lock()
    _conn: tuple[int, Any] | None = None

    @classmethod
    def fork_kernel(cls, path: str, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        with cls._lock:
            if cls._conn is None or cls._conn[0] != os.getpid():
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(path)
                cls._conn = (os.getpid(), sock.makefile("rwb", buffering=0))
            stream = cls._conn[1]
            stream.write((json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n").encode())
            line = stream.readline()
            if not line:
                cls._conn = None
                raise RuntimeError(f"the kernel zygote at {path} stopped")
        return int(line)


class ForkedProcess:
    """A Popen-like handle on a kernel forked by the zygote (which reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


#: Variables added to the environment of the kernels started in this context (the runner sets, per
#: report, the file its kernel logs the tables it reads into: ``tables.TABLE_LOG_ENV``).
kernel_env: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("kernel_env")


class RenderKernelManager(AsyncKernelManager):
    """An AsyncKernelManager that adds :data:`kernel_env` to the kernel's environment.

    Public jupyter_client API only: the plain way, used where the faster classes below cannot be.
    """

    async def start_kernel(self, **kw: Any) -> None:
        extra = kernel_env.get({})
        if extra:
            kw["env"] = {**(kw.get("env") or os.environ), **extra}
        return await super().start_kernel(**kw)


class UnixSocketKernelManager(RenderKernelManager):
    """A RenderKernelManager whose kernel channels are Unix sockets in a folder of its own."""

    socket_dir: str | None = None

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.socket_dir is None:
            self.socket_dir = tempfile.mkdtemp(prefix="drugflows-kernel-")
            self.transport = "ipc"
            self.ip = os.path.join(self.socket_dir, "channel")
            self.connection_file = os.path.join(self.socket_dir, "connection.json")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self.socket_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner that has the zygote fork ``python -m ipykernel_launcher ...``."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        path = os.environ.get(ENV_VAR)
        if not path or LAUNCHER_MODULE not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        # Kernel log at ERROR: no per-kernel start-up warnings in the render's output.
        argv = [*cmd[cmd.index(LAUNCHER_MODULE) + 1 :], "--IPKernelApp.log_level=ERROR"]
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = _Client.fork_kernel(path, argv, cwd, env)
        except (OSError, RuntimeError, ValueError):  # zygote gone: start the usual way
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class ReadyClient(AsyncKernelClient):
    """Ready as soon as the kernel answers kernel_info and IOPub delivers.

    jupyter_client then drains IOPub until it stays quiet for 0.2 s; nbclient matches messages
    to its own requests, so the drain only costs time (0.2 s a report).
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60 if timeout is None else timeout)
        while time.monotonic() < deadline:
            self.kernel_info()
            with contextlib.suppress(Empty):
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    with contextlib.suppress(Empty):
                        await self.iopub_channel.get_msg(timeout=0.2)
                        self._handle_kernel_info_reply(reply)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    wait_for_ready = _async_wait_for_ready


class ForkingKernelManager(UnixSocketKernelManager):
    """A UnixSocketKernelManager whose kernels the zygote forks."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client_factory = ReadyClient

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id or kw.get("kernel_id") or "",
                kernel_spec=self.kernel_spec,
                parent=self,
            )
        return await super()._async_pre_start_kernel(**kw)


#: The private jupyter_client methods the classes above override or call, with a sample of the
#: arguments each is called with: (class, method, is a coroutine, positional, keywords).
PRIVATE_METHODS = (
    (AsyncKernelManager, "_async_pre_start_kernel", True, (), {"cwd": "/", "env": {}}),
    (AsyncKernelManager, "_async_cleanup_resources", True, (), {"restart": False}),
    (AsyncKernelClient, "_async_wait_for_ready", True, (), {"timeout": 60.0}),
    (AsyncKernelClient, "_async_is_alive", True, (), {}),
    (AsyncKernelClient, "_handle_kernel_info_reply", False, ({},), {}),
)
#: Attributes of LocalProvisioner that ForkProvisioner sets in place of its own launch.
PROVISIONER_ATTRIBUTES = ("process", "pid", "pgid", "cwd")


@functools.cache
def internals_problem() -> str | None:
    """What is not as expected in the jupyter_client internals the classes above rely on, or None."""
    for owner, name, coroutine, args, kwargs in PRIVATE_METHODS:
        where = f"jupyter_client {owner.__name__}.{name}"
        method = getattr(owner, name, None)
        if not callable(method):
            return f"{where} is missing"
        if inspect.iscoroutinefunction(method) != coroutine:
            return f"{where} is {'no longer' if coroutine else 'now'} a coroutine function"
        try:
            inspect.signature(method).bind(None, *args, **kwargs)
        except (TypeError, ValueError) as exc:
            return f"{where}{inspect.signature(method)} changed shape ({exc})"
    missing = [a for a in PROVISIONER_ATTRIBUTES if not hasattr(LocalProvisioner, a)]
    if missing:
        return f"jupyter_client LocalProvisioner has no {', '.join(missing)}"
    return None


_warned = False


def warn_if_plain(echo=print) -> None:
    """Print one line, once per process, where the internals are not as expected (plain kernels)."""
    global _warned
    problem = available and internals_problem()
    if problem and not _warned:
        _warned = True
        echo(
            f"warning: {problem} (jupyter_client {jupyter_client.__version__}); "
            "kernels start the plain way, without forking or Unix sockets (slower)"
        )


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The KernelManager class to hand to papermill.

    On Linux every kernel talks over Unix sockets in a private folder instead of TCP ports: the usual
    start picks free ports, closes them and hands them to the kernel, and a kernel started at the same
    moment by another worker can take one first ("Address already in use", papermill#511). Kernels
    are forked from the zygote when one runs. Off Linux, or where the jupyter_client internals the
    faster classes rely on are not as expected (:func:`internals_problem`), kernels start the plain way.
    """
    if not available or internals_problem():
        return RenderKernelManager
    return ForkingKernelManager if os.environ.get(ENV_VAR) else UnixSocketKernelManager
