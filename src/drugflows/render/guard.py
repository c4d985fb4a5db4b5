"""What keeps a render safe from its own failures and the file system's (see ``runner``).

- the output folder and its manifest are checked before anything is rendered (:func:`check_output`,
  :func:`read_manifest`), so a bad one stops the render with the path and the problem and leaves
  everything as it was (:class:`RenderError`);
- a report whose cell runs past its ``timeout_seconds`` (or whose kernel dies) still gets a failure
  page with its outputs so far (:func:`engine`, :func:`save_interrupted`);
- a report during which the processed data changed is not a success (:func:`check_data`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import stat
import tempfile
from pathlib import Path

from drugflows import paths

MANIFEST = "manifest.json"


class RenderError(ValueError):
    """The render cannot start or finish writing (output folder, manifest): the message names the
    path and the problem, and nothing already in the output folder has been changed."""


def timeout_text(exc: BaseException, timeout_s: float) -> str | None:
    """The error of a report whose cell ran past ``timeout_s`` (None if ``exc`` is not that)."""
    from nbclient.exceptions import CellTimeoutError

    if not isinstance(exc, CellTimeoutError):
        return None
    cell = _last_started_cell(_KeepingEngine.current)
    return (
        f"CellTimeoutError: {'cell ' + str(cell) if cell is not None else 'a cell'} still running after "
        f"{timeout_s:g} s (timeout_seconds in the catalog); the kernel was stopped"
    )


class _KeepingEngine:
    """Papermill's nbclient engine that keeps the notebook it runs, so that a run stopped by
    something other than a cell's error (a timeout, a kernel that died) still gets a failure page
    with the outputs so far. Papermill saves only on success or a cell's error."""

    current = None  # the NotebookExecutionManager of the report running in this process


def engine() -> str:
    """The name of the papermill engine to run a report with (registered once); called for each
    run, it forgets the notebook of the run before."""
    _KeepingEngine.current = None
    return _register_engine()


@functools.cache
def _register_engine() -> str:
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


def save_interrupted(executed: Path, error: str) -> None:
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
    folder = Path(folder or processed_dir())
    found = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


class DataChanged(Exception):
    """The processed data changed while a report ran."""


def check_data(before: dict[str, tuple[int, int]]) -> None:
    """DataChanged, naming the files, if the processed data differ from the snapshot ``before``."""
    after = processed_snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise DataChanged(
            f"the processed data changed while this report ran ({processed_dir()}: {shown}); "
            "a report must not write there, so it is not recorded as a success"
        )


def processed_dir() -> Path:
    """The processed data folder the kernels read."""
    return paths.processed_dir() if hasattr(paths, "processed_dir") else paths.PROCESSED_DIR


def read_manifest(path: Path) -> dict[str, dict]:
    """The ``reports`` of the manifest at ``path`` ({} if there is none yet).

    RenderError if the file cannot be read or is not a manifest: rewriting it would lose the record
    of every earlier report, so the render stops before changing anything. Single bad entries are
    kept as they are and skipped by the index (see ``index.entry_problem``).
    """
    path = Path(path)
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
    except RecursionError:
        raise RenderError(
            f"{path}: the manifest is nested too deeply to read (lists or objects inside each other past "
            f"Python's limit); {_KEPT}"
        ) from None
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


def file_kind(mode: int) -> str:
    """What a file that is not a folder is, in plain words ("a file", "a named pipe (FIFO)" ...)."""
    kinds = [
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    ]
    return next((name for test, name in kinds if test(mode)), "a file")


def check_output(output_dir: Path, notebooks: list[str], create: bool = True) -> None:
    """RenderError, before anything is rendered, unless the output folder (created if missing and
    ``create``) and the notebook folders already in it are folders this process can write to and
    its manifest is readable."""
    output_dir = Path(output_dir)
    if not output_dir.exists() and not output_dir.is_symlink():
        if not create:
            return
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
    for folder in [output_dir, output_dir / ".cache", *(output_dir / n for n in notebooks)]:
        if folder != output_dir and folder.is_symlink():
            raise RenderError(
                f"{folder}: is a symbolic link (to {os.readlink(folder)}); a render never writes or "
                "removes anything through a link inside the output folder: replace it with a folder"
            )
        if folder.name == ".cache":
            continue  # only a link there is refused: anything else in the way only costs the map's cache
        try:
            info = folder.stat()
        except FileNotFoundError:
            continue  # a notebook folder render_one creates
        except OSError as exc:
            raise RenderError(f"{folder}: cannot use it as an output folder ({describe(exc)})") from None
        if not stat.S_ISDIR(info.st_mode):
            raise RenderError(
                f"{folder}: is {file_kind(info.st_mode)}, not a folder; the reports need a folder there"
            )
        try:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise RenderError(f"{folder}: cannot write into the output folder ({describe(exc)})") from None
    read_manifest(output_dir / MANIFEST)
