"""Project paths, anchored on the package (never on the current directory), and the raw folders.

Raw files of a source are looked up in layers. A raw root given explicitly (``--raw`` or
$DRUGFLOWS_RAW_DIR) that has a ``<source>/`` folder is taken alone for that source (a test or a
one-off build reads exactly the files it was pointed at). Otherwise ``data/raw/<source>/`` *adds
to* ``../shared/data/<source>/``: a newer file dropped into ``data/raw/`` sits beside the shared
ones (CBP's older rolling files keep their years), and a file of the same name in ``data/raw/`` is
used instead of the shared copy. Names match case-insensitively (``.CSV`` is a ``.csv``); hidden
files (``.name``, such as a download in progress) are never read. Every folder and file handed to
a loader is recorded, so a build can print what it read (:func:`recording`).
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
REPORT_CATALOG = PROJECT_ROOT / "reports.yml"
#: The read-only folder of raw public files that sits beside the repository.
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

RAW_DIR_ENV = "DRUGFLOWS_RAW_DIR"
#: Points the reading of tables (``tables.load``, so the reports) and the runner's input keys at another
#: processed folder, e.g. a copy a test or the benchmark changes; ``drugflows data build`` and
#: ``check`` keep to ``data/processed/`` or their ``--processed``.
PROCESSED_DIR_ENV = "DRUGFLOWS_PROCESSED_DIR"


def processed_dir() -> Path:
    """The processed tables' folder: $DRUGFLOWS_PROCESSED_DIR if set, else ``data/processed/``."""
    return Path(os.environ.get(PROCESSED_DIR_ENV) or PROCESSED_DIR)


#: The largest raw file a build reads (bytes on disk; the largest real one is under 5 MB). A
#: compressed file's content is capped by ``sources._common.MAX_DECOMPRESSED_BYTES``.
MAX_RAW_BYTES = 256 * 2**20


class RawFolderError(FileNotFoundError):
    """A raw root or raw file that is missing or is not what it should be; names the path."""


def explicit_roots(raw: str | os.PathLike | None = None) -> list[Path]:
    """The raw roots asked for (``raw`` argument, then $DRUGFLOWS_RAW_DIR); each must be a folder."""
    roots = []
    for given, label in ((raw, "--raw"), (os.environ.get(RAW_DIR_ENV) or None, f"${RAW_DIR_ENV}")):
        if given is None:
            continue
        root = Path(given)
        if not root.is_dir():
            problem = "is not a folder" if root.exists() else "does not exist"
            if root.is_symlink() and not root.exists():
                try:
                    root.stat()
                    problem = "is a broken symbolic link"
                except OSError as exc:
                    problem = (
                        "is a symbolic link loop" if exc.errno == errno.ELOOP else "is a broken symbolic link"
                    )
            raise RawFolderError(f"{label} {root}: the raw folder {problem}")
        roots.append(root)
    return roots


def raw_roots(raw: str | os.PathLike | None = None) -> list[Path]:
    """Folders searched for raw files, in order: ``raw`` argument, $DRUGFLOWS_RAW_DIR,
    ``data/raw/``, then ``../shared/data/``."""
    return [*explicit_roots(raw), RAW_DIR, SHARED_DATA_DIR]


def _has_files(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    for _, _, files in os.walk(folder):  # never follows symbolic links to folders (no loops)
        if any(not f.startswith(".") for f in files):
            return True
    return False


def _matches(name: str, pattern: str) -> bool:
    return not name.startswith(".") and fnmatch.fnmatchcase(name.lower(), pattern.lower())


class RawFolder:
    """The layered raw folder of one source: ``folder / name`` and ``folder.glob(pattern)`` look in
    every layer, highest first. Paths it hands out are real files (or a clear error)."""

    def __init__(self, source: str, layers: list[Path], explicit: bool) -> None:
        self.source = source
        self.layers = layers
        self.explicit = explicit
        _record("folders", source, explicit, *layers)

    def __repr__(self) -> str:
        return f"RawFolder({self.source!r}, {self.layers})"

    def __str__(self) -> str:
        return " + ".join(str(p) for p in self.layers)

    def _entries(self, folder: Path, pattern: str) -> list[Path]:
        """Entries of ``folder`` matching ``pattern`` (parts separated by '/'), case-insensitively."""
        found = [folder]
        for part in pattern.split("/"):
            found = [
                entry
                for parent in found
                if parent.is_dir()
                for entry in sorted(parent.iterdir())
                if _matches(entry.name, part)
            ]
        return found

    def _checked(self, path: Path) -> Path:
        try:
            info = path.stat()
        except OSError as exc:
            raise RawFolderError(f"{path}: cannot be read ({exc.strerror})") from exc
        if path.is_dir():
            raise RawFolderError(f"{path}: is a folder where a raw file is due")
        if not path.is_file():
            raise RawFolderError(
                f"{path}: is a special file (named pipe, device or socket) where a raw file is due"
            )
        if info.st_size > MAX_RAW_BYTES:
            raise RawFolderError(
                f"{path}: {info.st_size:,} bytes, more than the {MAX_RAW_BYTES:,} a raw file may have "
                "(the largest real one is under 5 MB); not read"
            )
        return path

    def glob(self, pattern: str) -> list[Path]:
        """Every file matching ``pattern`` in any layer; a name found in several layers is taken
        from the highest (and the build says so). Sorted by name."""
        chosen: dict[str, Path] = {}
        for layer in self.layers:
            for path in self._entries(layer, pattern):
                relative = path.relative_to(layer).as_posix().lower()
                if relative in chosen:
                    _record("shadowed", self.source, chosen[relative], path)
                    continue
                chosen[relative] = self._checked(path)
        files = sorted(chosen.values(), key=lambda p: (p.relative_to(self.layer_of(p)).as_posix(), str(p)))
        _record("files", self.source, *files)
        return files

    def __truediv__(self, name: str) -> Path:
        matches = self.glob(_escape(name))
        if not matches:
            tried = "\n  ".join(str(layer / name) for layer in self.layers)
            raise RawFolderError(f"No raw file {name!r} for source {self.source!r}. Looked for:\n  {tried}")
        if len(matches) > 1:
            raise RawFolderError(
                f"{self}: {len(matches)} files named {name!r} but for case: "
                f"{[str(m) for m in matches]}; keep one"
            )
        return matches[0]

    def layer_of(self, path: Path) -> Path:
        """The layer (``<root>/<source>/``) a path handed out by this folder lies in."""
        for layer in self.layers:
            if path.is_relative_to(layer):
                return layer
        raise ValueError(f"{path} is not in {self}")


def _escape(name: str) -> str:
    """A glob pattern matching ``name`` literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def raw_source_dir(source: str, raw: str | os.PathLike | None = None) -> RawFolder:
    """The raw folder of ``source``: ``<explicit root>/<source>/`` alone when a given root has
    one, else ``data/raw/<source>/`` layered over ``../shared/data/<source>/`` (those that exist).

    Raises RawFolderError naming every folder tried, or a given root that does not exist.
    """
    explicit = explicit_roots(raw)
    for root in explicit:
        if _has_files(root / source):
            return RawFolder(source, [root / source], explicit=True)
    layers = [root / source for root in (RAW_DIR, SHARED_DATA_DIR) if _has_files(root / source)]
    if layers:
        return RawFolder(source, layers, explicit=False)
    listing = "\n  ".join(str(root / source) for root in [*explicit, RAW_DIR, SHARED_DATA_DIR])
    raise RawFolderError(
        f"No raw files for source {source!r}. Looked in:\n  {listing}\n"
        f"Put the publisher's files in data/raw/{source}/ or point ${RAW_DIR_ENV} at a folder "
        f"that has a {source}/ subfolder."
    )


# --- what a build read ------------------------------------------------------------------------

_LOG: list[tuple] | None = None


def _record(kind: str, source: str, *items) -> None:
    if _LOG is not None:
        _LOG.append((kind, source, *items))


def note(source: str, text: str) -> None:
    """Record a line for the build's account of what it read (e.g. which months came from where)."""
    _record("note", source, text)


@contextlib.contextmanager
def recording() -> Iterator[list[tuple]]:
    """Collect every raw folder, file and note handed out inside the block."""
    global _LOG
    previous, _LOG = _LOG, []
    try:
        yield _LOG
    finally:
        _LOG = previous


def describe_reads(log: list[tuple]) -> list[str]:
    """The log of :func:`recording` as lines: per source its folders, then each file once."""
    lines, seen = [], set()
    for kind, source, *items in log:
        if kind == "folders":
            text = f"{source}: from " + " + ".join(str(p) for p in items[1:])
            if items[0]:
                text += " only (a given raw root: data/raw/ and ../shared/data/ not read)"
        elif kind == "files":
            for path in items:
                if ("file", path) not in seen:
                    seen.add(("file", path))
                    lines.append(f"  read {path}")
            continue
        elif kind == "shadowed":
            text = f"  {items[0]} is used instead of {items[1]} (same name)"
        else:
            text = f"  {items[0]}"
        if (kind, text) not in seen:
            seen.add((kind, text))
            lines.append(text)
    return lines
