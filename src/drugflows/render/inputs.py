"""What a report reads, found without running anything: its notebook's code cells and defaults, the
``drugflows`` modules it imports (statically, through their own imports), and digests of those files
and of the processed tables it recorded loading. The runner's input key is built from these."""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path

PACKAGE = "drugflows"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "render" / "templates" / "drugflows"
#: Code that shapes every report page whatever the notebook imports: the HTML conversion (and what
#: it imports), the runner's own file (header, cell ids, vintages) and the report template.
PAGE_MODULES = ("drugflows.render.html",)
PAGE_FILES = (PACKAGE_DIR / "render" / "runner.py",)


def code_cells(notebook: Path) -> list[tuple[list[str], str]]:
    """(tags, source) of each code cell of a notebook file."""
    doc = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [
        (cell.get("metadata", {}).get("tags", []), "".join(cell["source"]))
        for cell in doc["cells"]
        if cell["cell_type"] == "code"
    ]


def parameter_defaults(notebook: Path) -> dict:
    """The literal values the notebook's ``parameters`` cell assigns (read, never run)."""
    defaults = {}
    for tags, source in code_cells(notebook):
        if "parameters" not in tags:
            continue
        for node in ast.parse(source).body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                try:
                    defaults[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return defaults


def module_file(module: str) -> Path | None:
    """The source file of a ``drugflows`` module or package, or None if there is none."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(tree: ast.AST, package: str = "") -> set[str]:
    """``drugflows`` modules an AST imports anywhere (inside functions too), with their parent packages.

    ``package``: the package relative imports are resolved against.
    """
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for name in found for m in _with_parents(name) if module_file(m)}


def _with_parents(module: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs its packages' ``__init__``."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _stat_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@functools.cache
def _imports_of_file(path: str, mtime_ns: int, size: int, module: str) -> frozenset[str]:
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    return frozenset(imported_modules(ast.parse(Path(path).read_bytes()), package))


def closure(modules: set[str]) -> set[str]:
    """The ``drugflows`` modules in ``modules`` and all they import, directly or not."""
    todo, seen = list(modules), set()
    while todo:
        module = todo.pop()
        if module in seen or not (path := module_file(module)):
            continue
        seen.add(module)
        todo.extend([*_with_parents(module), *_imports_of_file(*_stat_key(path), module)])
    return seen


def code_files(notebook: Path) -> list[Path]:
    """The files of the code a report runs and that shapes its page: the closure of the
    ``drugflows`` modules its notebook imports, :data:`PAGE_MODULES`, :data:`PAGE_FILES` and the
    report template.

    A code cell that does not parse as Python (a magic, say) makes it all of ``src/drugflows``.
    Cached while the notebook and every file of the package keep their modification time and size."""
    package = tuple(_stat_key(p) for p in _package_files())
    return list(_code_files(*_stat_key(Path(notebook)), package))


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@functools.cache
def _code_files(notebook: str, mtime_ns: int, size: int, package: tuple) -> tuple[Path, ...]:
    modules = set(PAGE_MODULES)
    for _, source in code_cells(Path(notebook)):
        try:
            modules |= imported_modules(ast.parse(source))
        except SyntaxError:
            return tuple(_package_files())
    files = {module_file(m) for m in closure(modules)}
    return tuple(sorted(files | set(PAGE_FILES) | {p for p in TEMPLATES_DIR.rglob("*") if p.is_file()}))


@functools.cache
def _file_sha256(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (cached while its modification time and size stay the same)."""
    return _file_sha256(*_stat_key(Path(path)))


def files_digest(files: list[Path], root: Path) -> str:
    """One digest of the files' paths (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{os.path.relpath(path, root)}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()


def tables_digest(names: list[str], processed_dir: Path) -> str:
    """One digest of the named processed tables: each one's catalog entry and file ("missing" for
    a table not on file, so that it appearing changes the digest)."""
    from drugflows import tables

    catalog = tables.read_catalog(processed_dir)
    digest = hashlib.sha256()
    for name in sorted(set(names)):
        meta = catalog.get(name)
        path = processed_dir / meta.file if meta else None
        if meta is None or not path.is_file():
            digest.update(f"{name}\0missing\0".encode())
            continue
        entry = json.dumps(dataclasses.asdict(meta), sort_keys=True)
        digest.update(f"{name}\0{entry}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()
