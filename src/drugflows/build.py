"""Rebuild every processed table from the raw public files (``drugflows data build``).

What a build guarantees:

- Every table is built in memory and passes the checks of ``drugflows data check``
  (:func:`drugflows.check.check_frame`) before anything is written.
- A table with fewer rows, missing months or years, or missing rows of the previous build (by
  key, or by row count per month or year) is refused unless ``allow_shrink``
  (``--allow-shrink``), with what it would lose.
- The tables and ``catalog.json`` are written into a staging folder beside ``data/processed/``
  (``data/.processed.staging-*``, ignored by git, outside what a render keys on), checked again
  as files, and swapped in as one step (an atomic exchange of the two folders), under a lock
  (``data/.processed.lock``). A kill, Ctrl-C, full disk or write error at any point leaves the
  previous tables whole; a staging folder left by a kill is removed by the next build.
- It prints, per table, the raw folders and files it read.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from drugflows import check, paths, tables
from drugflows.sources import (
    assistance,
    bts,
    cbp,
    cdc,
    colombia,
    dea,
    indicators,
    majors,
    naturalearth,
    ofac,
    published_figures,
    reference,
    sesnsp,
    unodc,
)

Builder = Callable[[Path | None], tuple[pd.DataFrame, tables.TableMeta]]

#: Table name -> function building it from a raw root (None: the default search order).
BUILDERS: dict[str, Builder] = {
    cbp.NATIONWIDE_TABLE: cbp.build_nationwide,
    cbp.AMO_TABLE: cbp.build_amo,
    dea.TABLE: dea.build,
    majors.TABLE: majors.build,
    indicators.TABLE: indicators.build,
    reference.COUNTRIES_TABLE: reference.build_countries,
    colombia.TABLE: colombia.build,
    published_figures.TABLE: published_figures.build,
    published_figures.FLOWS_TABLE: published_figures.build_flows,
    unodc.SEIZURES_TABLE: unodc.build_seizures,
    unodc.PRICES_TABLE: unodc.build_prices,
    assistance.TABLE: assistance.build,
    bts.TABLE: bts.build,
    cdc.TABLE: cdc.build,
    cdc.BY_DRUG_TABLE: cdc.build_by_drug,
    cdc.BY_STATE_TABLE: cdc.build_by_state,
    cdc.MONTHLY_TABLE: cdc.build_monthly,
    naturalearth.TABLE: naturalearth.build,
    ofac.TABLE: ofac.build,
    sesnsp.TABLE: sesnsp.build,
}

#: Test hook: ``N`` or ``N:MODE`` stops the build just after write step N (1-based, see
#: :func:`publish_steps`). MODE ``raise`` (default) raises OSError ENOSPC (a full disk), ``exit``
#: leaves the process at once with no clean-up (as SIGKILL would), ``kill`` sends itself SIGKILL,
#: ``interrupt`` raises KeyboardInterrupt (Ctrl-C).
STOP_ENV = "DRUGFLOWS_BUILD_STOP_AT"

STAGING_INFIX = ".staging-"
PREVIOUS_INFIX = ".previous-"


class BuildError(ValueError):
    """A build refused before anything was written; the message says why."""


class BuildLocked(BuildError):
    """Another build is writing the same processed folder."""


def publish_steps(files: list[str]) -> list[str]:
    """The write steps of a build writing ``files``, in order (what :data:`STOP_ENV` counts)."""
    return [
        "copy the current tables into the staging folder",
        *(f"write {name}" for name in files),
        f"write {tables.CATALOG_NAME}",
        "check the staged tables",
        "swap the staging folder in (the previous tables are removed after this step)",
    ]


class _Steps:
    def __init__(self) -> None:
        spec = os.environ.get(STOP_ENV, "")
        number, _, mode = spec.partition(":")
        self.stop_at = int(number) if number.strip().isdigit() else None
        self.mode = mode or "raise"
        self.count = 0

    def __call__(self, label: str, path: Path) -> None:
        self.count += 1
        if self.count != self.stop_at:
            return
        if self.mode == "exit":
            os._exit(137)
        if self.mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.mode == "interrupt":
            raise KeyboardInterrupt
        raise OSError(
            errno.ENOSPC, f"No space left on device (stopped at step {self.count}: {label})", str(path)
        )


def _sibling(processed_dir: Path, infix: str) -> str:
    return f".{processed_dir.name}{infix}"


def lock_path(processed_dir: Path) -> Path:
    return processed_dir.parent / f".{processed_dir.name}.lock"


@contextlib.contextmanager
def lock(processed_dir: Path) -> Iterator[None]:
    """Hold the build lock of ``processed_dir``; BuildLocked at once if another build holds it."""
    path = lock_path(processed_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise BuildLocked(
                f"{processed_dir}: another `drugflows data build` (pid {holder}) is writing these "
                f"tables (lock {path}); nothing was written. Run the build again when it has finished."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _recover(processed_dir: Path) -> None:
    """Undo what a build killed mid-way left: staging folders go; a previous folder whose
    successor never arrived (the two-rename fallback) comes back."""
    parent = processed_dir.parent
    for leftover in parent.glob(_sibling(processed_dir, PREVIOUS_INFIX) + "*"):
        if not processed_dir.exists():
            os.replace(leftover, processed_dir)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(_sibling(processed_dir, STAGING_INFIX) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _publish(built: list[tuple[pd.DataFrame, tables.TableMeta]], processed_dir: Path, partial: bool) -> None:
    step = _Steps()
    processed_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=processed_dir.parent, prefix=_sibling(processed_dir, STAGING_INFIX)))
    try:
        os.chmod(staging, processed_dir.stat().st_mode & 0o7777 if processed_dir.is_dir() else 0o755)
        catalog = tables.read_catalog(processed_dir) if partial else {}
        if processed_dir.is_dir():
            for entry in processed_dir.iterdir():
                if entry.name.startswith(".") or entry.is_symlink() or not entry.is_file():
                    continue  # a scratch file of an older build, a stray folder, or a link (never followed)
                shutil.copy2(entry, staging / entry.name)
        step("copy", staging)
        for frame, meta in built:
            tables.write(frame, meta, staging)
            catalog[meta.name] = meta
            step(f"write {meta.file}", staging / meta.file)
        tables.write_catalog(catalog, staging)
        step("write catalog", staging / tables.CATALOG_NAME)
        problems = [p for found in check.check_all(staging).values() for p in found]
        if problems:
            raise BuildError(
                "the staged tables fail their checks; nothing was written:\n  " + "\n  ".join(problems)
            )
        for entry in staging.iterdir():
            _fsync(entry)
        _fsync(staging)
        step("check", staging)
        if not processed_dir.exists():
            os.rename(staging, processed_dir)
        elif not _exchange(staging, processed_dir):
            previous = Path(
                tempfile.mkdtemp(dir=processed_dir.parent, prefix=_sibling(processed_dir, PREVIOUS_INFIX))
            )
            os.rmdir(previous)
            os.rename(processed_dir, previous)  # a kill here is undone by the next build
            os.rename(staging, processed_dir)
            staging = previous
        _fsync(processed_dir.parent)
        step("swap", processed_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _periods(frame: pd.DataFrame) -> tuple[str, set] | None:
    for column in ("month", "year", "fiscal_year"):
        if column in frame:
            values = frame[column].dropna()
            if column == "month":
                return column, {f"{pd.Timestamp(v):%Y-%m}" for v in values.unique()}
            return column, {int(v) for v in values.unique()}
    return None


def _shown(values: list, limit: int = 12) -> str:
    return ", ".join(map(str, values[:limit])) + (
        f" and {len(values) - limit} more" if len(values) > limit else ""
    )


def _period_labels(frame: pd.DataFrame, column: str) -> pd.Series:
    if column == "month":
        return pd.to_datetime(frame[column]).dt.strftime("%Y-%m")
    return frame[column].astype("string")


def _key_text(keys: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Key columns as text (months as YYYY-MM), to compare a new table with the previous one."""
    out = keys.copy()
    for column, kind in columns.items():
        out[column] = out[column].dt.strftime("%Y-%m") if kind == "month" else out[column].astype("string")
    return out.astype("string").fillna("<missing>")


def _lost_rows(
    frame: pd.DataFrame, old_frame: pd.DataFrame, meta: tables.TableMeta, old_key: list[str]
) -> str:
    """The rows of the previous table the new one no longer has, by key (or, for a table without
    a key, by row count per period), grouped by month or year: empty when nothing is lost."""
    period = next((c for c in ("month", "year", "fiscal_year") if c in frame and c in old_frame), None)
    if meta.key and meta.key == old_key and set(meta.key) <= set(old_frame.columns):
        columns = {c: meta.columns[c] for c in meta.key}
        # One 64-bit hash a row (both frames typed alike), not a merge of text columns: cheap on
        # the 400,000-row tables; only the rows lost are turned into text for the message.
        new_hashes, old_hashes = (
            pd.util.hash_pandas_object(tables.typed(f, columns), index=False).to_numpy()
            for f in (frame, old_frame)
        )
        gone = ~np.isin(old_hashes, new_hashes)
        if not gone.any():
            return ""
        lost = _key_text(tables.typed(old_frame[gone], columns), columns)
        example = ", ".join(f"{c}={lost.iloc[0][c]}" for c in meta.key)
        where = ""
        if period in meta.key:
            counts = lost[period].value_counts().sort_index()
            where = f" in {len(counts)} {period} value(s): " + _shown(
                [f"{p} ({n:,})" for p, n in counts.items()]
            )
        return f"{len(lost):,} rows of the previous build no longer present{where} (e.g. {example})"
    if period is None:
        return ""
    old_counts = _period_labels(old_frame, period).value_counts()
    new_counts = _period_labels(frame, period).value_counts().reindex(old_counts.index, fill_value=0)
    fewer = (old_counts - new_counts)[lambda d: d > 0].sort_index()
    if fewer.empty:
        return ""
    return f"{int(fewer.sum()):,} rows fewer in {len(fewer)} {period} value(s): " + _shown(
        [f"{p} ({n:,})" for p, n in fewer.items()]
    )


def shrinkage(built, previous: dict[str, tables.TableMeta], processed_dir: Path) -> list[str]:
    """What the new tables lose against the previous build: rows (by key, per month or year),
    and months or years."""
    found = []
    for frame, meta in built:
        old = previous.get(meta.name)
        if old is None:
            continue
        losses = []
        if len(frame) < old.rows:
            losses.append(f"{old.rows - len(frame):,} rows fewer ({old.rows:,} -> {len(frame):,})")
        new_periods = _periods(frame)
        if (processed_dir / old.file).exists():
            try:
                old_frame = tables.load(meta.name, processed_dir)
                old_periods = _periods(old_frame)
            except Exception as exc:  # noqa: BLE001 - an unreadable old table cannot be compared
                losses.append(f"the previous table cannot be read to compare ({type(exc).__name__}: {exc})")
                old_frame = old_periods = None
            if old_frame is not None and (rows := _lost_rows(frame, old_frame, meta, old.key)):
                losses.append(rows)
            if new_periods and old_periods and old_periods[0] == new_periods[0]:
                lost = sorted(old_periods[1] - new_periods[1])
                if lost:
                    shown = ", ".join(map(str, lost[:12])) + (
                        f" and {len(lost) - 12} more" if len(lost) > 12 else ""
                    )
                    losses.append(f"{len(lost)} {new_periods[0]} value(s) no longer covered: {shown}")
        if losses:
            found.append(f"{meta.name}: " + "; ".join(losses))
    return found


def _real_folder(processed_dir: Path, echo: Callable[[str], None]) -> Path:
    """The folder a build writes: a ``processed_dir`` that is a symbolic link is built at its target
    (the lock, the staging folder and the swap beside the real folder, never replacing the link)."""
    if not processed_dir.is_symlink():
        return processed_dir
    try:
        target = processed_dir.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        problem = (
            "a symbolic link loop"
            if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP
            else ("a broken symbolic link")
        )
        raise BuildError(f"{processed_dir}: the processed folder is {problem}; nothing was written") from None
    if not target.is_dir():
        raise BuildError(
            f"{processed_dir}: a symbolic link to {target}, which is not a folder; nothing was written"
        )
    echo(f"{processed_dir} is a symbolic link: building its target {target}")
    return target


def build_all(
    raw: Path | None = None,
    processed_dir: Path | None = None,
    only: list[str] | None = None,
    allow_shrink: bool = False,
    echo: Callable[[str], None] | None = None,
) -> list[tables.TableMeta]:
    """Build the tables in memory, check them, then write them and the catalog as one swap.

    A failing source, a failing check or a shrinking table (unless ``allow_shrink``) raises before
    anything is written. A full build writes a new catalog; a partial one (``only``) updates the
    entries of the tables it rebuilt. ``echo`` receives the account of what was read.
    """
    echo = echo or (lambda _line: None)
    processed_dir = _real_folder(Path(processed_dir or paths.PROCESSED_DIR), echo)
    names = only or list(BUILDERS)
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        raise KeyError(f"Unknown table(s) {unknown}; known: {sorted(BUILDERS)}")
    paths.explicit_roots(raw)  # a --raw that does not exist is an error, not a fall-through
    with lock(processed_dir):  # held from the first read: a second build stops at once
        built = []
        for name in names:
            with paths.recording() as log:
                frame, meta = BUILDERS[name](raw)
            echo(f"{name}: read")
            lines = paths.describe_reads(log) or [f"from {r.name}" for r in meta.raw_files]
            for line in lines:
                echo(f"  {line}")
            problems = check.check_frame(frame, meta)
            if problems:
                raise BuildError(f"{name} fails its checks; nothing was written:\n  " + "\n  ".join(problems))
            built.append((frame, meta))
        _recover(processed_dir)
        try:
            previous = tables.read_catalog(processed_dir)
        except tables.CatalogError as exc:
            if only or not allow_shrink:
                raise BuildError(
                    f"{exc}. Nothing was written: the previous tables cannot be compared "
                    "(a full build with --allow-shrink replaces the catalog without comparing)."
                ) from exc
            echo(f"previous catalog unreadable, not compared: {exc}")
            previous = {}
        lost = shrinkage(built, previous, processed_dir)
        if lost and not allow_shrink:
            raise BuildError(
                "the build would lose data against the previous one; nothing was written:\n  "
                + "\n  ".join(lost)
                + "\nIf that is intended (a publisher withdrew rows), run again with --allow-shrink."
            )
        for line in lost:
            echo(f"shrinks (allowed): {line}")
        _publish(built, processed_dir, partial=bool(only))
    return [meta for _, meta in built]
