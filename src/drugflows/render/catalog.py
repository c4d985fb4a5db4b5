"""The report catalog (``reports.yml``): which notebook to run with which parameters, under which name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drugflows import paths

#: Types papermill can inject faithfully (see papermill.translators).
PLAIN_TYPES = (str, int, float, bool, type(None), list)


class CatalogError(ValueError):
    """A report catalog that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook run with one parameter set."""

    notebook: str  # notebook stem, e.g. "border_seizures"
    name: str  # output name, unique within the notebook
    title: str
    parameters: dict = field(default_factory=dict)
    theme: str = ""
    region: str = ""  # region group the report is about (profiles), for the index
    show_code: bool = False
    notebook_dir: Path = paths.NOTEBOOKS_DIR
    #: Parameters the runner computes and passes too (e.g. ``links.PARAMETER``): the input key covers
    #: them; the report header and the index show only ``parameters``.
    runner_parameters: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.notebook}/{self.name}"

    @property
    def input_path(self) -> Path:
        return self.notebook_dir / f"{self.notebook}.ipynb"


def slug(parameters: dict) -> str:
    """A file-name-safe name built from parameter values, e.g. ``fentanyl-southwest-border``."""
    text = "-".join(str(v) for v in parameters.values() if v is not None)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "default"


def load_catalog(
    path: str | Path = paths.REPORT_CATALOG, notebook_dir: Path = paths.NOTEBOOKS_DIR
) -> list[ReportSpec]:
    """Read and check a catalog file; CatalogError names the file and the faulty entry."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read the report catalog ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("notebooks"), dict):
        raise CatalogError(f"{path}: expected a top-level 'notebooks:' mapping")
    specs: list[ReportSpec] = []
    for notebook, entry in doc["notebooks"].items():
        where = f"{path}: notebooks.{notebook}"
        if not (notebook_dir / f"{notebook}.ipynb").is_file():
            raise CatalogError(f"{where}: no notebook {notebook_dir / f'{notebook}.ipynb'}")
        runs = (entry or {}).get("runs") or [{}]
        seen = set()
        for i, run in enumerate(runs):
            parameters = run.get("parameters") or {}
            bad = {k: type(v).__name__ for k, v in parameters.items() if not isinstance(v, PLAIN_TYPES)}
            if bad:
                raise CatalogError(
                    f"{where}.runs[{i}]: parameters must be plain strings, numbers, "
                    f"booleans, None or lists; got {bad}"
                )
            name = str(run.get("name") or slug(parameters))
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
                raise CatalogError(f"{where}.runs[{i}]: name {name!r} is not a safe file name")
            if name in seen:
                raise CatalogError(f"{where}.runs[{i}]: duplicate name {name!r}")
            seen.add(name)
            title_template = run.get("title") or entry.get("title") or notebook
            try:
                title = title_template.format(**parameters)
            except (KeyError, IndexError) as exc:
                raise CatalogError(
                    f"{where}.runs[{i}]: title {title_template!r} names a "
                    f"parameter the run does not set ({exc})"
                ) from exc
            specs.append(
                ReportSpec(
                    notebook=notebook,
                    name=name,
                    title=title,
                    parameters=parameters,
                    theme=entry.get("theme", ""),
                    region=str(run.get("region", "")),
                    show_code=bool(run.get("show_code", entry.get("show_code", False))),
                    notebook_dir=notebook_dir,
                )
            )
    return specs


def select(specs: list[ReportSpec], wanted: list[str]) -> list[ReportSpec]:
    """The specs whose notebook or ``notebook/name`` is in ``wanted``; CatalogError if one matches none."""
    chosen = [s for s in specs if s.notebook in wanted or s.key in wanted]
    missing = [w for w in wanted if not any(w in (s.notebook, s.key) for s in specs)]
    if missing:
        keys = ", ".join(s.key for s in specs)
        raise CatalogError(f"No report {missing} in the catalog; reports: {keys}")
    return chosen
