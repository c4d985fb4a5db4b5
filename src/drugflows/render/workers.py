"""The render's own processes: workers that die alone, and die with the render.

- :class:`ProcessPerReport` runs every report in a process of its own, forked, at most ``jobs`` at a
  time. A worker that is killed (out of memory, SIGKILL) fails only its own report; with a
  process pool one dead worker breaks the pool and every report still queued.
- :func:`die_with_parent` (Linux ``prctl(PR_SET_PDEATHSIG)``) makes a forked process get SIGKILL when
  the process that forked it dies, so that the kernel zygote and the workers never outlive a
  render that was killed.
- :func:`clean_leftovers` removes what a killed render left: scratch folders in the output folder
  and kernel or zygote socket folders in the temporary folder, once no living process owns them.
- :func:`effective_jobs` caps ``--jobs`` by the cores and the memory available.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
#: Memory a worker needs with its kernel (a report with maps peaks near 0.5 GB), for --jobs.
WORKER_MEMORY_BYTES = 700 * 2**20
#: Scratch folders are ``.work-<pid>-<random>``, so that the next render knows whose they are.
SCRATCH_PREFIX = ".work-"
#: Temporary folders of kernels and of the zygote (see forkserver).
SOCKET_FOLDER_PREFIXES = ("drugflows-kernel-", "drugflows-zygote-")
#: A folder younger than this may belong to a process that has not opened its sockets yet.
SOCKET_FOLDER_GRACE_S = 120


def die_with_parent(expected_parent: int | None = None) -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; exit at once if the parent is
    already gone (``expected_parent`` is not our parent any more). False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    return True


def pid_alive(pid: int) -> bool:
    """True if ``pid`` is a running (not zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


class WorkerDied(Exception):
    """A worker process ended without handing back its report's result."""

    def __init__(self, pid: int, exitcode: int | None) -> None:
        if exitcode is not None and exitcode < 0:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        else:
            how = f"exited with code {exitcode}"
        super().__init__(f"the worker process (pid {pid}) {how} before the report finished")
        self.pid, self.exitcode = pid, exitcode


def _child(conn, parent: int, fn, args, kwargs) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render decides what a Ctrl-C stops
    try:
        try:
            outcome = (True, fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future
            outcome = (False, exc)
        try:
            conn.send(outcome)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        os._exit(0)


class ProcessPerReport(cf.Executor):
    """A concurrent.futures executor that forks one process per call, ``max_workers`` at a time.

    A process that dies fails its own future with :class:`WorkerDied` and nothing else.
    ``_processes`` (pid: process) lists the running ones, as ProcessPoolExecutor's does.
    """

    def __init__(self, max_workers: int) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._max = max_workers
        self._context = multiprocessing.get_context("fork")
        self._pending: collections.deque = collections.deque()
        self._processes: dict[int, multiprocessing.Process] = {}
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        future: cf.Future = cf.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit after shutdown")
            self._pending.append((future, fn, args, kwargs))
            if self._thread is None:
                # The thread that forks the workers: it lives while they do (PR_SET_PDEATHSIG
                # follows the forking thread), and the render's main thread stays free.
                self._thread = threading.Thread(target=self._run, name="report-workers", daemon=True)
                self._thread.start()
        self._wake_w.send(b"")
        return future

    def _start_next(self, running: dict) -> None:
        while len(running) < self._max:
            with self._lock:
                if not self._pending:
                    return
                future, fn, args, kwargs = self._pending.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            receive, send = self._context.Pipe(duplex=False)
            process = self._context.Process(target=_child, args=(send, os.getpid(), fn, args, kwargs))
            try:
                process.start()
            except OSError as exc:  # no fork possible now (memory, process limit): this call fails
                send.close()
                receive.close()
                future.set_exception(exc)
                continue
            send.close()
            self._processes[process.pid] = process
            running[process.sentinel] = [process, receive, future, None]

    def _run(self) -> None:
        running: dict[int, list] = {}  # sentinel: [process, connection, future, outcome]
        try:
            self._loop(running)
        except BaseException as exc:  # noqa: BLE001 - never leave a future unresolved
            with self._lock:
                self._closed = True
                waiting = [entry[0] for entry in self._pending]
                self._pending.clear()
            for process, _, future, _ in running.values():
                process.kill()
                process.join()
                waiting.append(future)
            for future in waiting:
                if not future.done():
                    future.set_exception(RuntimeError(f"the worker dispatcher failed: {exc!r}"))

    def _loop(self, running: dict) -> None:
        while True:
            self._start_next(running)
            with self._lock:
                if not running and not self._pending and self._closed:
                    return
            waits = [self._wake_r, *(r[1] for r in running.values() if r[3] is None), *running]
            for ready in multiprocessing.connection.wait(waits):
                if ready is self._wake_r:
                    with contextlib.suppress(EOFError, OSError):
                        self._wake_r.recv()
                    continue
                for sentinel, entry in list(running.items()):
                    process, receive, future, outcome = entry
                    if ready is receive or (ready == sentinel and outcome is None and receive.poll()):
                        with contextlib.suppress(EOFError, OSError):
                            entry[3] = receive.recv()
                    if ready == sentinel:
                        process.join()
                        receive.close()
                        del running[sentinel]
                        self._processes.pop(process.pid, None)
                        if entry[3] is None:
                            future.set_exception(WorkerDied(process.pid, process.exitcode))
                        elif entry[3][0]:
                            future.set_result(entry[3][1])
                        else:
                            future.set_exception(entry[3][1])

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                while self._pending:
                    self._pending.popleft()[0].cancel()
            thread = self._thread
        with contextlib.suppress(OSError):
            self._wake_w.send(b"")
        if wait and thread is not None:
            thread.join()


def effective_jobs(jobs: int, echo=None) -> int:
    """``jobs`` capped by the cores this process may use and the memory available (a worker and its
    kernel need about :data:`WORKER_MEMORY_BYTES`); says so through ``echo`` when it caps."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs must be a positive whole number, got {jobs!r}")
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    available = _available_memory()
    by_memory = max(1, available // WORKER_MEMORY_BYTES) if available else jobs
    capped = max(1, min(jobs, cores, by_memory))
    if capped < jobs and echo is not None:
        memory = f", {available / 2**30:.1f} GB of memory available" if available else ""
        echo(f"--jobs {jobs} capped to {capped} ({cores} cores{memory})")
    return capped


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def scratch_owner(folder: Path) -> int | None:
    match = re.match(rf"{re.escape(SCRATCH_PREFIX)}(\d+)-", folder.name)
    return int(match.group(1)) if match else None


def _listening(folder: Path) -> bool:
    """True if a process accepts connections on a Unix socket in ``folder``."""
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if not path.is_socket():
                continue
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(0.5)
                probe.connect(str(path))
                return True
    return False


def clean_leftovers(
    output_dir: Path,
    older_than_s: float = 3600,
    tmp_dir: str | os.PathLike | None = None,
    grace_s: float = SOCKET_FOLDER_GRACE_S,
) -> list[Path]:
    """Remove what killed renders left behind; returns the folders removed.

    Scratch folders ``<output>/<notebook>/.work-<pid>-*`` go when their process is gone (or, for
    older names without a pid, after ``older_than_s``), so a render running at the same time keeps
    its own. Kernel and zygote socket folders in the temporary folder go when they are older than a
    grace period, belong to this user and no process listens on their sockets any more.
    """
    removed = []
    now = time.time()
    for work in Path(output_dir).glob(f"*/{SCRATCH_PREFIX}*"):
        owner = scratch_owner(work)
        with contextlib.suppress(OSError):
            stale = not pid_alive(owner) if owner else now - work.stat().st_mtime > older_than_s
            if stale and work.is_dir() and not work.is_symlink() and not work.parent.is_symlink():
                shutil.rmtree(work)
                removed.append(work)
    tmp = Path(tmp_dir or tempfile.gettempdir())
    for prefix in SOCKET_FOLDER_PREFIXES:
        for folder in tmp.glob(f"{prefix}*"):
            with contextlib.suppress(OSError):
                info = folder.lstat()
                if (
                    folder.is_dir()
                    and not folder.is_symlink()
                    and info.st_uid == os.getuid()
                    and now - info.st_mtime > grace_s
                    and not _listening(folder)
                ):
                    shutil.rmtree(folder)
                    removed.append(folder)
    return removed
