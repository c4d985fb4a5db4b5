"""``drugflows render``: run every report of the catalog in worker processes and index the results.

Each report is executed by papermill (kernel ``python3``) in a scratch folder inside its output
folder, converted to HTML, and only then moved into place, so a killed run leaves no half-written
file and the last good report stays until a new one replaces it. A failing report is written as
``<name>.failed.ipynb`` / ``.failed.html`` beside the last good one, and the run goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import copy
import datetime as dt
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
from drugflows.render import guard, workers
from drugflows.render.catalog import DEFAULT_TIMEOUT_S, ReportSpec

KERNEL_NAME = "python3"
RenderError = guard.RenderError
describe = guard.describe
MANIFEST = guard.MANIFEST
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
    input_key: str = ""  # digest of its notebook, parameters, code and the tables it read (input_key)
    skipped: bool = False  # unchanged since its last success: not rerun
    tables: list[str] | None = None  # processed tables the report read (recorded by its kernel)
    findings: list[str] | None = None  # headline sentences (display.findings); None: none emitted

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
    """Data vintages a report recorded with ``drugflows.display.data_vintages``."""
    from drugflows.display import METADATA_KEY

    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found.update(output.get("metadata", {}).get(METADATA_KEY, {}).get("vintages", {}))
    return found


def findings_of(nb) -> list[str] | None:
    """The headline findings a report emitted with ``drugflows.display.findings``, in order (None if
    it emitted none). Only lists of text are taken: anything else in that output is ignored."""
    from drugflows.display import FINDINGS_MIME

    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(FINDINGS_MIME)
            sentences = data.get("findings") if isinstance(data, dict) else None
            if isinstance(sentences, list) and all(isinstance(s, str) for s in sentences):
                found = (found or []) + list(sentences)
    return found


def without_findings(nb):
    """A copy of ``nb`` without the findings' JSON outputs (the bullets beside them stay): the HTML
    page shows the findings once, as text."""
    from drugflows.display import FINDINGS_MIME

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if FINDINGS_MIME not in o.get("data", {})]
    return nb


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


def _error_text(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.cell_index})"
    return f"{type(exc).__name__}: {exc}"


def input_key(spec: ReportSpec, show_code: bool | None, table_names: list[str]) -> str:
    """Digest of everything a report's HTML depends on but the date and commit: the notebook, its
    parameters (the runner's too), title and options, the code it imports and the code and template
    that shape the page (``inputs.code_files``), and the processed tables it reads (``table_names``:
    their files and catalog entries). A report whose key is unchanged since its last success is not
    rerun."""
    from drugflows.render import inputs

    digest = hashlib.sha256()
    digest.update(spec.input_path.read_bytes())
    options = {
        "parameters": spec.parameters,
        "runner_parameters": spec.runner_parameters,
        "title": spec.title,
        "theme": spec.theme,
        "region": spec.region,
        "show_code": spec.show_code if show_code is None else show_code,
    }
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    digest.update(inputs.files_digest(inputs.code_files(spec.input_path), inputs.PACKAGE_DIR).encode())
    digest.update(inputs.tables_digest(table_names, paths.processed_dir()).encode())
    return digest.hexdigest()


def unchanged(spec: ReportSpec, previous: dict | None, output_dir: Path, show_code: bool | None) -> bool:
    """True if the report succeeded last time with the same input key, over the tables it read then,
    and its files are there. A report with no tables on record (an older manifest) is rerun."""
    return bool(
        previous
        and previous.get("status") == "ok"
        and previous.get("tables") is not None
        and previous.get("input_key") == input_key(spec, show_code, previous["tables"])
        and previous.get("html")
        and (output_dir / previous["html"]).exists()
    )


def render_one(
    spec: ReportSpec, output_dir: Path, show_code: bool | None = None, commit: str | None = None
) -> Result:
    """Execute one report and write its notebook and HTML into ``output_dir/<notebook>/``.

    The kernel is forked from the render's zygote where one runs (see ``forkserver``); it logs the
    processed tables it reads into a file of the scratch folder (``tables.TABLE_LOG_ENV``).
    """
    import nbformat
    import papermill

    from drugflows import tables
    from drugflows.render import forkserver
    from drugflows.render.html import notebook_to_html

    out_dir = Path(output_dir) / spec.notebook
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    timeout_s = getattr(spec, "timeout_seconds", DEFAULT_TIMEOUT_S)
    prefix = f"{workers.SCRATCH_PREFIX}{os.getpid()}-"
    data_before = guard.processed_snapshot()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=prefix) as work:
        executed = Path(work) / f"{spec.name}.ipynb"
        table_log = Path(work) / "tables.log"
        error = None
        engine_kwargs = {"kernel_manager_class": forkserver.kernel_manager_class()}
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            table_log.write_text("")
            env_token = forkserver.kernel_env.set({tables.TABLE_LOG_ENV: str(table_log)})
            try:
                papermill.execute_notebook(
                    spec.input_path,
                    executed,
                    parameters={**spec.parameters, **spec.runner_parameters},
                    kernel_name=KERNEL_NAME,
                    cwd=spec.notebook_dir,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    shutdown_kernel="immediate",
                    engine_name=guard.engine(),
                    execution_timeout=timeout_s,
                    **engine_kwargs,
                )
                guard.check_data(data_before)
                error = None
                break
            except Exception as exc:  # noqa: BLE001 - any failure is this report's, not the batch's
                error = guard.timeout_text(exc, timeout_s) or _error_text(exc)
                if not kernel_never_started(exc):
                    guard.save_interrupted(executed, error)
                    break
                error = f"{error} ({attempt} attempts)" if attempt > 1 else error
            finally:
                forkserver.kernel_env.reset(env_token)
        ok = error is None
        table_names = sorted(set(table_log.read_text(encoding="utf-8").splitlines()) - {""})
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
            input_key=input_key(spec, show_code, table_names),
            tables=table_names,
        )
        if executed.exists():
            nb = nbformat.read(executed, as_version=4)
            stable_cell_ids(nb)
            nbformat.write(nb, executed)
            result.vintages = vintages_of(nb)
            result.findings = findings_of(nb)
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
                without_findings(nb),
                show_code=(spec.show_code if show_code is None else show_code) or not ok,
                header=header,
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
    """Remove the scratch folders this render's killed workers left in ``folder``: those made since
    the render started whose worker is gone (another render's live scratch folder stays)."""
    deadline = time.monotonic() + 5  # our workers were just sent SIGKILL: give them time to go
    for work in folder.glob(f"{workers.SCRATCH_PREFIX}*"):
        owner = workers.scratch_owner(work)
        with contextlib.suppress(OSError):
            if work.stat().st_mtime < since - 1:
                continue
            while owner and workers.pid_alive(owner) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not (owner and workers.pid_alive(owner)):
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
    catalog: list[ReportSpec] | None = None,
    front_page: list | None = None,
) -> Summary:
    """Render every spec (in parallel), print a line per report, write the manifest and index.

    Reports unchanged since their last success (same :func:`input_key`) are skipped unless
    ``force``. ``executor``: any concurrent.futures executor (default: ``jobs`` worker processes).
    ``fork_kernels``: fork kernels from a preloaded zygote instead of starting a new Python each.
    ``catalog``: the whole catalog the profiles link into (default: ``specs``; see ``links``).
    ``front_page``: the key findings the index opens with (``catalog.load_front_page``).
    """
    from drugflows.render import links

    start = time.perf_counter()
    specs = links.with_related_reports(specs, specs if catalog is None else catalog)
    # Absolute, as kernels run in notebooks/: a relative output or processed folder would be read
    # against the wrong folder there.
    output_dir = Path(output_dir).absolute()
    if os.environ.get(paths.PROCESSED_DIR_ENV):
        os.environ[paths.PROCESSED_DIR_ENV] = str(Path(os.environ[paths.PROCESSED_DIR_ENV]).absolute())
    previous = read_manifest(output_dir)
    jobs, previous = _preflight(specs, output_dir, jobs, executor, previous, echo)
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
        write_manifest_and_index(kept, output_dir, git_commit(), front_page)
        echo(
            f"{len(kept)} reports unchanged, none rendered ({summary.seconds:.1f} s). "
            f"Index: {output_dir / INDEX}"
        )
        return summary
    from drugflows.render import forkserver

    forkserver.warn_if_plain(echo)
    with forkserver.zygote() if fork_kernels else contextlib.nullcontext():
        summary = _render_all(to_run, output_dir, jobs, executor, show_code, echo, width, front_page)
    if kept:
        echo(f"{len(kept)} unchanged reports skipped (--force reruns them).")
    results = kept + summary.results
    order = {s.key: i for i, s in enumerate(specs)}
    results.sort(key=lambda r: order[r.key])
    return Summary(results, round(time.perf_counter() - start, 2))


def _preflight(specs, output_dir, jobs, executor, previous, echo) -> tuple[int, dict]:
    """Everything refused before any kernel starts: parameters the notebooks do not define (for
    specs not read from a catalog too), a bad ``jobs`` (capped by cores and memory), notebook
    folders that cannot be written. Returns the jobs and the usable manifest entries (a bad entry
    is skipped with a note)."""
    from drugflows.render.catalog import check_parameters
    from drugflows.render.index import entry_problem

    for spec in specs:
        check_parameters(spec.parameters, spec.input_path, spec.key)
        # parameters the runner injects itself: allowed where the notebook declares them
        check_parameters(getattr(spec, "runner_parameters", {}), spec.input_path, f"{spec.key} (runner)")
    if executor is None:
        jobs = workers.effective_jobs(jobs, echo)
    guard.check_output(output_dir, sorted({s.notebook for s in specs}))
    usable = {}
    for key, entry in previous.items():
        if (problem := entry_problem(key, entry)) is None:
            usable[key] = entry
        else:
            echo(f"note: {output_dir / MANIFEST}: entry {key!r} skipped ({problem}); the index leaves it out")
    return jobs, usable


def _render_all(specs, output_dir, jobs, executor, show_code, echo, width, front_page=None) -> Summary:
    import papermill  # noqa: F401 - imported once here so forked workers inherit it

    import drugflows.render.html

    drugflows.render.html.warm_up()  # workers are forked per report: they inherit the compiled templates
    guard.engine()

    output_dir.mkdir(parents=True, exist_ok=True)
    workers.clean_leftovers(output_dir)  # what killed renders left (quietly: it is housekeeping)
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
    write_manifest_and_index(results, output_dir, commit, front_page)
    echo(
        f"{len(results)} reports in {summary.seconds:.1f} s: "
        f"{len(results) - len(summary.failed)} ok, {len(summary.failed)} failed. "
        f"Index: {output_dir / INDEX}"
    )
    return summary


def read_manifest(output_dir: Path) -> dict[str, dict]:
    """The ``reports`` of the output folder's manifest ({} if there is none yet); RenderError if the
    folder cannot be used or the manifest is not one (see ``guard``), before anything is written."""
    output_dir = Path(output_dir)
    if not output_dir.exists() and not output_dir.is_symlink():
        return {}  # a new output folder (or one the checks before rendering will explain)
    guard.check_output(output_dir, [], create=False)
    return guard.read_manifest(Path(output_dir) / MANIFEST)


def write_manifest_and_index(
    results: list[Result], output_dir: Path, commit: str | None, front_page: list | None = None
) -> None:
    """Merge the results into the manifest (other reports keep their last entry), rewrite the index.
    ``front_page``: the catalog's key findings (``catalog.FrontPageItem``), kept in the manifest."""
    from drugflows.render.index import render_index

    reports = read_manifest(output_dir)
    reports.update({r.key: asdict(r) for r in results})
    manifest = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "reports": dict(sorted(reports.items())),
    }
    if front_page:
        manifest["front_page"] = [asdict(item) for item in front_page]
    try:  # the manifest first: it records the reports even if the index cannot be written
        atomic_write_text(output_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        atomic_write_text(output_dir / INDEX, render_index(manifest, output_dir))
    except OSError as exc:
        raise RenderError(
            f"{exc.filename or output_dir}: cannot write the manifest or index ({describe(exc)}); "
            "what could not be written is kept as it was"
        ) from None


def clean_scratch(output_dir: Path, older_than_s: float = 3600) -> None:
    """Remove scratch folders and socket folders killed runs left behind (see workers.clean_leftovers)."""
    workers.clean_leftovers(output_dir, older_than_s)
