"""``drugflows render``: run every report of the catalog in worker processes and index the results.

Each report is executed by papermill (kernel ``python3``) in a scratch folder inside its output
folder, converted to HTML, and only then moved into place, so a killed run leaves no half-written
file and the last good report stays until a new one replaces it. A failing report is written as
``<name>.failed.ipynb`` / ``.failed.html`` beside the last good one, and the run goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import errno
import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from drugflows import paths
from drugflows._io import atomic_write_text
from drugflows.render import workers
from drugflows.render.catalog import DEFAULT_TIMEOUT_S, ReportSpec

KERNEL_NAME = "python3"
MANIFEST = "manifest.json"
INDEX = "index.html"


@dataclass
class Result:
    """What happened to one report; the manifest stores one per report."""

    key: str
    notebook: str
    name: str
    title: str
    theme: str
    parameters: dict
    status: str  # "ok" or "failed"
    seconds: float
    finished: str
    error: str | None = None
    vintages: dict = field(default_factory=dict)
    html: str | None = None  # relative to the output folder
    ipynb: str | None = None
    last_good_html: str | None = None
    region: str = ""
    input_key: str = ""  # digest of notebook, parameters, helper code and data (see input_key)
    skipped: bool = False  # unchanged since its last success: not rerun

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Summary:
    results: list[Result]
    seconds: float

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    @property
    def all_ok(self) -> bool:
        return not self.failed


def git_commit() -> str | None:
    """Short hash of the checked-out commit (with ``+`` if the tree has changes), or None."""
    try:
        run = lambda *a: subprocess.run(  # noqa: E731
            ["git", *a], cwd=paths.PROJECT_ROOT, capture_output=True, text=True, timeout=10
        )
        head = run("rev-parse", "--short", "HEAD")
        if head.returncode != 0:
            return None
        dirty = run("status", "--porcelain", "--untracked-files=no").stdout.strip()
        return head.stdout.strip() + ("+" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def vintages_of(nb) -> dict:
    """Data vintages a report recorded with ``drugflows.report.data_vintages``."""
    from drugflows.report import METADATA_KEY

    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found.update(output.get("metadata", {}).get(METADATA_KEY, {}).get("vintages", {}))
    return found


def stable_cell_ids(nb) -> None:
    """Give the cells papermill adds (parameters, error banners) ids that do not change between runs."""
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        for tag in ("injected-parameters", "papermill-error-cell-tag"):
            if tag in tags:
                cell.id = f"{tag}-{index}"


#: Kernel starts tried per report. A kernel that dies or stays silent before its first cell is the
#: machine's trouble (a loaded host, a socket taken), not the notebook's: one more start, then fail.
KERNEL_START_ATTEMPTS = 2
_KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def kernel_never_started(exc: BaseException) -> bool:
    """True where ``exc`` says the kernel failed before running any cell (jupyter_client's wording)."""
    return isinstance(exc, RuntimeError) and str(exc).startswith(_KERNEL_START_FAILURES)


class RenderError(ValueError):
    """The render cannot start or finish writing (output folder, manifest): the message names the
    path and the problem, and nothing already in the output folder has been changed."""


def _error_text(exc: BaseException, timeout_s: float | None = None) -> str:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.cell_index})"
    if isinstance(exc, CellTimeoutError):
        cell = _last_started_cell(_KeepingEngine.current)
        return (
            f"CellTimeoutError: {'cell ' + str(cell) if cell is not None else 'a cell'} still running after "
            f"{timeout_s:g} s (timeout_seconds in the catalog); the kernel was stopped"
        )
    return f"{type(exc).__name__}: {exc}"


class _KeepingEngine:
    """Papermill's nbclient engine that keeps the notebook it runs, so that a run stopped by
    something other than a cell's error (a timeout, a kernel that died) still gets a failure page
    with the outputs so far. Papermill saves only on success or a cell's error."""

    current = None  # the NotebookExecutionManager of the report running in this process


@functools.cache
def _engine() -> str:
    from papermill.engines import NBClientEngine, papermill_engines

    class KeepingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            _KeepingEngine.current = nb_man
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("drugflows", KeepingEngine)
    return "drugflows"


def _last_started_cell(nb_man) -> int | None:
    """Index of the last cell papermill started, if any."""
    started = None
    with contextlib.suppress(Exception):
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.metadata.get("papermill", {}).get("start_time"):
                started = index
    return started


def _save_interrupted(executed: Path, error: str) -> None:
    """Write the notebook of a run that stopped without papermill saving it (see _KeepingEngine),
    with ``error`` as an error output of the cell that was running."""
    import nbformat

    nb_man, _KeepingEngine.current = _KeepingEngine.current, None
    if nb_man is None or executed.exists():
        return
    with contextlib.suppress(Exception):
        cell = _last_started_cell(nb_man)
        if cell is not None:
            name, _, value = error.partition(": ")
            nb_man.nb.cells[cell].outputs.append(
                nbformat.v4.new_output("error", ename=name, evalue=value, traceback=[error])
            )
        nbformat.write(nb_man.nb, executed)


def processed_snapshot(folder: Path | None = None) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file in the processed data folder (cheap to take)."""
    folder = Path(folder or paths.PROCESSED_DIR)
    found = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@functools.cache
def _tree_digest(root: Path, patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    files = sorted({f for pattern in patterns for f in root.rglob(pattern) if f.is_file()})
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def input_key(spec: ReportSpec, show_code: bool | None = None) -> str:
    """Digest of everything a report's HTML depends on but the date and commit: the notebook, its
    parameters, title and options, the helper code (``src/drugflows``, templates included) and
    the processed data. A report whose key is unchanged since its last success is not rerun."""
    digest = hashlib.sha256()
    digest.update(spec.input_path.read_bytes())
    options = {
        "parameters": spec.parameters,
        "title": spec.title,
        "theme": spec.theme,
        "region": spec.region,
        "show_code": spec.show_code if show_code is None else show_code,
    }
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    digest.update(_tree_digest(Path(__file__).parents[1], ("*.py", "*.j2", "*.json")).encode())
    digest.update(_tree_digest(paths.PROCESSED_DIR, ("*",)).encode())
    return digest.hexdigest()


def unchanged(spec: ReportSpec, previous: dict | None, output_dir: Path, show_code: bool | None) -> bool:
    """True if the report succeeded last time with the same input key and its files are there."""
    return bool(
        previous
        and previous.get("status") == "ok"
        and previous.get("input_key") == input_key(spec, show_code)
        and previous.get("html")
        and (output_dir / previous["html"]).exists()
    )


def render_one(
    spec: ReportSpec, output_dir: Path, show_code: bool | None = None, commit: str | None = None
) -> Result:
    """Execute one report and write its notebook and HTML into ``output_dir/<notebook>/``.

    The kernel is forked from the render's zygote where one runs (see ``forkserver``).
    """
    import nbformat
    import papermill

    from drugflows.render import forkserver
    from drugflows.render.html import notebook_to_html

    out_dir = Path(output_dir) / spec.notebook
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    timeout_s = getattr(spec, "timeout_seconds", DEFAULT_TIMEOUT_S)
    prefix = f"{workers.SCRATCH_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=prefix) as work:
        executed = Path(work) / f"{spec.name}.ipynb"
        error = None
        engine_kwargs = {"execution_timeout": timeout_s}
        if manager := forkserver.kernel_manager_class():
            engine_kwargs["kernel_manager_class"] = manager
        data_before = processed_snapshot()
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            try:
                papermill.execute_notebook(
                    spec.input_path,
                    executed,
                    parameters=spec.parameters,
                    kernel_name=KERNEL_NAME,
                    cwd=spec.notebook_dir,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    shutdown_kernel="immediate",
                    engine_name=_engine(),
                    **engine_kwargs,
                )
                error = None
                break
            except Exception as exc:  # noqa: BLE001 - any failure is this report's, not the batch's
                error = _error_text(exc, timeout_s)
                if not kernel_never_started(exc):
                    _save_interrupted(executed, error)
                    break
                error = f"{error} ({attempt} attempts)" if attempt > 1 else error
        if changed := _changed(data_before, processed_snapshot()):
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            error = (
                f"the processed data changed while this report ran ({paths.PROCESSED_DIR}: {shown}); "
                "a report must not write there, so it is not recorded as a success"
                + (f"; besides: {error}" if error else "")
            )
        ok = error is None
        stem = spec.name if ok else f"{spec.name}.failed"
        result = Result(
            key=spec.key,
            notebook=spec.notebook,
            name=spec.name,
            title=spec.title,
            theme=spec.theme,
            parameters=spec.parameters,
            status="ok" if ok else "failed",
            seconds=0.0,
            finished="",
            error=error,
            region=spec.region,
            input_key=input_key(spec, show_code),
        )
        if executed.exists():
            nb = nbformat.read(executed, as_version=4)
            stable_cell_ids(nb)
            nbformat.write(nb, executed)
            result.vintages = vintages_of(nb)
            header = {
                "title": spec.title,
                "parameters": spec.parameters,
                "commit": commit,
                "vintages": result.vintages,
                "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "status": result.status,
                "error": error,
            }
            html = notebook_to_html(
                nb, show_code=(spec.show_code if show_code is None else show_code) or not ok, header=header
            )
            (Path(work) / f"{stem}.html").write_text(html, encoding="utf-8")
            if not ok:
                executed.rename(Path(work) / f"{stem}.ipynb")
            for suffix in (".ipynb", ".html"):
                os.replace(Path(work) / f"{stem}{suffix}", out_dir / f"{stem}{suffix}")
            result.html = f"{spec.notebook}/{stem}.html"
            result.ipynb = f"{spec.notebook}/{stem}.ipynb"
        if ok:
            for suffix in (".ipynb", ".html"):
                (out_dir / f"{spec.name}.failed{suffix}").unlink(missing_ok=True)
        elif (out_dir / f"{spec.name}.html").exists():
            result.last_good_html = f"{spec.notebook}/{spec.name}.html"
    result.seconds = round(time.perf_counter() - start, 2)
    result.finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return result


def default_executor(jobs: int) -> cf.Executor:
    """Worker processes; forked on Linux so they inherit the imported papermill and nbconvert, one
    per report there (a killed worker fails its own report only) and dying with the render."""
    if sys.platform.startswith("linux"):
        return workers.ProcessPerReport(jobs)
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(None))


def _crashed(spec: ReportSpec, exc: BaseException | None, error: str | None = None) -> Result:
    if error is None and isinstance(exc, BrokenProcessPool):
        error = f"worker crashed: the worker pool broke ({exc}); this report may not have run"
    return Result(
        key=spec.key,
        notebook=spec.notebook,
        name=spec.name,
        title=spec.title,
        theme=spec.theme,
        parameters=spec.parameters,
        status="failed",
        seconds=0.0,
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        error=error or f"worker crashed: {type(exc).__name__}: {exc}",
        region=spec.region,
    )


class RenderStopped(Exception):
    """The render received SIGTERM."""


@contextlib.contextmanager
def _stop_on_sigterm():
    """Turn SIGTERM into RenderStopped for the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise RenderStopped()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_workers(executor: cf.Executor) -> None:
    """Kill a process pool's workers at once (their kernels exit with their parent). SIGKILL, as
    forked workers inherit the SIGTERM handler of the render."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


def _remove_scratch(folder: Path, since: float) -> None:
    """Remove the scratch folders this render created in ``folder`` (killed workers leave them)."""
    for work in folder.glob(".work-*"):
        if work.stat().st_mtime >= since - 1:
            shutil.rmtree(work, ignore_errors=True)


def render_all(
    specs: list[ReportSpec],
    output_dir: Path = paths.REPORTS_DIR,
    jobs: int = 1,
    executor: cf.Executor | None = None,
    show_code: bool | None = None,
    fork_kernels: bool = True,
    force: bool = False,
    echo=print,
) -> Summary:
    """Render every spec (in parallel), print a line per report, write the manifest and index.

    Reports unchanged since their last success (same :func:`input_key`) are skipped unless
    ``force``. ``executor``: any concurrent.futures executor (default: ``jobs`` worker processes).
    ``fork_kernels``: fork kernels from a preloaded zygote instead of starting a new Python each.
    """
    output_dir = Path(output_dir)
    start = time.perf_counter()
    from drugflows.render.catalog import check_parameters

    for spec in specs:  # also for specs not read from a catalog: refused before any kernel starts
        check_parameters(spec.parameters, spec.input_path, spec.key)
    if executor is None:
        jobs = workers.effective_jobs(jobs, echo)
    check_output(output_dir, sorted({s.notebook for s in specs}))
    previous = read_manifest(output_dir)
    from drugflows.render.index import entry_problem

    for key, entry in previous.items():
        if (problem := entry_problem(key, entry)) is not None:
            echo(f"note: {output_dir / MANIFEST}: entry {key!r} skipped ({problem}); the index leaves it out")
    previous = {k: v for k, v in previous.items() if entry_problem(k, v) is None}
    skipped = [] if force else [s for s in specs if unchanged(s, previous.get(s.key), output_dir, show_code)]
    to_run = [s for s in specs if s not in skipped]
    width = max((len(s.key) for s in specs), default=0)
    kept = []
    for spec in skipped:
        entry = dict(previous[spec.key], skipped=True)
        kept.append(Result(**{k: v for k, v in entry.items() if k in Result.__dataclass_fields__}))
        echo(f"{'skip':<7} {spec.key:<{width}}    unchanged since {entry['finished']}")
    if not to_run:
        output_dir.mkdir(parents=True, exist_ok=True)
        summary = Summary(kept, round(time.perf_counter() - start, 2))
        write_manifest_and_index(kept, output_dir, git_commit())
        echo(
            f"{len(kept)} reports unchanged, none rendered ({summary.seconds:.1f} s). "
            f"Index: {output_dir / INDEX}"
        )
        return summary
    from drugflows.render import forkserver

    with forkserver.zygote() if fork_kernels else contextlib.nullcontext():
        summary = _render_all(to_run, output_dir, jobs, executor, show_code, echo, width)
    if kept:
        echo(f"{len(kept)} unchanged reports skipped (--force reruns them).")
    results = kept + summary.results
    order = {s.key: i for i, s in enumerate(specs)}
    results.sort(key=lambda r: order[r.key])
    return Summary(results, round(time.perf_counter() - start, 2))


def _render_all(specs, output_dir, jobs, executor, show_code, echo, width) -> Summary:
    import papermill  # noqa: F401 - imported once here so forked workers inherit it

    import drugflows.render.html

    drugflows.render.html.warm_up()  # workers are forked per report: they inherit the compiled templates
    _engine()

    output_dir.mkdir(parents=True, exist_ok=True)
    for leftover in workers.clean_leftovers(output_dir):
        echo(f"removed {leftover}, left by an earlier render that was killed")
    commit = git_commit()
    start = time.perf_counter()
    own = executor is None
    executor = executor or default_executor(max(1, min(jobs, len(specs) or 1)))
    results: list[Result] = []
    started_wall = time.time()
    interrupted = None
    try:
        with _stop_on_sigterm():
            futures = {executor.submit(render_one, s, output_dir, show_code, commit): s for s in specs}
            for future in cf.as_completed(futures):
                spec = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its report only
                    result = _crashed(spec, exc)
                    if isinstance(exc, workers.WorkerDied):
                        for work in (output_dir / spec.notebook).glob(f"{workers.SCRATCH_PREFIX}{exc.pid}-*"):
                            shutil.rmtree(work, ignore_errors=True)
                    if (output_dir / spec.notebook / f"{spec.name}.html").exists():
                        result.last_good_html = f"{spec.notebook}/{spec.name}.html"
                results.append(result)
                line = f"{result.status:<7} {result.key:<{width}} {result.seconds:6.1f} s"
                echo(line + (f"  {result.error}" if result.error else ""))
    except (KeyboardInterrupt, RenderStopped) as exc:
        interrupted = "SIGTERM" if isinstance(exc, RenderStopped) else "interrupt"
        _stop_workers(executor)
        done = {r.key for r in results}
        for spec in specs:
            if spec.key not in done:
                result = _crashed(
                    spec,
                    None,
                    f"not finished: the render was stopped ({interrupted}) before this report completed",
                )
                if (output_dir / spec.notebook / f"{spec.name}.html").exists():
                    result.last_good_html = f"{spec.notebook}/{spec.name}.html"
                results.append(result)
                _remove_scratch(output_dir / spec.notebook, started_wall)
    finally:
        if own:
            executor.shutdown(wait=interrupted is None, cancel_futures=True)
    if interrupted:
        echo(
            f"render stopped ({interrupted}): {len(done)} of {len(specs)} reports finished; "
            "the index marks the others as not finished"
        )
    order = {s.key: i for i, s in enumerate(specs)}
    results.sort(key=lambda r: order[r.key])
    summary = Summary(results, round(time.perf_counter() - start, 2))
    write_manifest_and_index(results, output_dir, commit)
    echo(
        f"{len(results)} reports in {summary.seconds:.1f} s: "
        f"{len(results) - len(summary.failed)} ok, {len(summary.failed)} failed. "
        f"Index: {output_dir / INDEX}"
    )
    return summary


def read_manifest(output_dir: Path) -> dict[str, dict]:
    """The ``reports`` of the output folder's manifest ({} if there is none yet).

    RenderError if the file cannot be read or is not a manifest: rewriting it would lose the record
    of every earlier report, so the render stops before changing anything. Single bad entries are
    kept as they are and skipped by the index (see ``index.entry_problem``).
    """
    path = Path(output_dir) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise RenderError(f"{path}: the manifest is not UTF-8 text (byte {exc.start}); {_KEPT}") from None
    except OSError as exc:
        raise RenderError(f"{path}: cannot read the manifest ({describe(exc)}); {_KEPT}") from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise RenderError(f"{path}: the manifest is not valid JSON ({exc}); {_KEPT}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("reports", {}), dict):
        raise RenderError(f"{path}: the manifest is not a mapping with a 'reports' mapping; {_KEPT}")
    return doc.get("reports", {})


_KEPT = "fix or move it away and render again; nothing in the output folder was changed"


def describe(exc: OSError) -> str:
    """A plain description of a file-system error."""
    plain = {
        errno.ELOOP: "a symbolic link loop",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOSPC: "no space left on the device",
        errno.EISDIR: "a folder, not a file",
    }
    return plain.get(exc.errno, exc.strerror or str(exc))


def check_output(output_dir: Path, notebooks: list[str]) -> None:
    """RenderError, before anything is rendered, unless the output folder (and the notebook folders
    already in it) are folders this process can write to and its manifest is readable."""
    import stat

    output_dir = Path(output_dir)
    if not output_dir.exists() and not output_dir.is_symlink():
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"{output_dir}: cannot create the output folder ({describe(exc)})") from None
    elif output_dir.is_symlink() and not output_dir.exists():
        try:
            output_dir.stat()
            problem = "a broken symbolic link"
        except OSError as exc:
            problem = describe(exc) if exc.errno != errno.ENOENT else "a broken symbolic link"
        raise RenderError(f"{output_dir}: the output folder is {problem}")
    for folder in [output_dir, *(output_dir / n for n in notebooks)]:
        try:
            info = folder.stat()
        except FileNotFoundError:
            continue  # a notebook folder render_one creates
        except OSError as exc:
            raise RenderError(f"{folder}: cannot use it as an output folder ({describe(exc)})") from None
        if not stat.S_ISDIR(info.st_mode):
            raise RenderError(f"{folder}: is a file, not a folder; the reports need a folder there")
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise RenderError(f"{folder}: cannot write into the output folder ({describe(exc)})") from None
    read_manifest(output_dir)


def write_manifest_and_index(results: list[Result], output_dir: Path, commit: str | None) -> None:
    """Merge the results into the manifest (other reports keep their last entry), rewrite the index."""
    from drugflows.render.index import render_index

    reports = read_manifest(output_dir)
    reports.update({r.key: asdict(r) for r in results})
    manifest = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "reports": dict(sorted(reports.items())),
    }
    index = render_index(manifest, output_dir)
    try:
        atomic_write_text(output_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        atomic_write_text(output_dir / INDEX, index)
    except OSError as exc:
        raise RenderError(
            f"{exc.filename or output_dir}: cannot write the manifest or index ({describe(exc)}); "
            "the earlier ones are kept"
        ) from None


def clean_scratch(output_dir: Path, older_than_s: float = 3600) -> None:
    """Remove scratch folders and socket folders killed runs left behind (see workers.clean_leftovers)."""
    workers.clean_leftovers(output_dir, older_than_s)
