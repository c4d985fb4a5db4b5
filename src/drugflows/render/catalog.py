"""The report catalog (``reports.yml``): which notebook to run with which parameters, under which name.

Nothing in the catalog is code: notebook keys, run names and parameter names are plain identifiers,
every parameter must be one the notebook's ``parameters`` cell defines (read with ``ast``, never
run), titles only name parameters, and YAML's aliases, anchors and duplicate keys are refused.

A notebook entry may also say ``generate: <name>`` (one of :data:`GENERATORS`): its runs are then
listed from a processed table (``countries``: one country profile per country the profile's rule
keeps), each held to the same checks as a written run; a run under ``runs:`` with the same name
overrides the generated one.
"""

from __future__ import annotations

import ast
import difflib
import functools
import hashlib
import json
import keyword
import math
import re
import stat
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drugflows import paths

#: Types papermill can inject faithfully (see papermill.translators).
PLAIN_TYPES = (str, int, float, bool, type(None), list)
#: Per-cell execution limit, seconds, unless a notebook or run sets ``timeout_seconds``.
DEFAULT_TIMEOUT_S = 600
MAX_TIMEOUT_S = 24 * 3600
#: The suffix of a failed run's files (``<name>.failed.html``); no run name may end with it.
FAILED_SUFFIX = ".failed"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: Longer titles are refused: a title heads a page and an index row.
MAX_TITLE_CHARS = 300
#: The largest catalog file read (bytes; ``reports.yml`` is under 10 KB) and the deepest nesting
#: of lists and mappings in it (the catalog itself needs 5).
MAX_CATALOG_BYTES = 2**20
MAX_CATALOG_DEPTH = 20
#: The parameter the runner computes for the profiles (``render.links``); a catalog may not set it.
RELATED_REPORTS = "related_reports"
TOP_KEYS = {"notebooks", "front_page"}
NOTEBOOK_KEYS = {"title", "theme", "runs", "generate", "show_code", "timeout_seconds"}
RUN_KEYS = {"name", "title", "parameters", "region", "show_code", "timeout_seconds"}


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
    timeout_seconds: float = DEFAULT_TIMEOUT_S  # per cell
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
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or "default"


def is_identifier(name) -> bool:
    return isinstance(name, str) and name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


# --- YAML without aliases, anchors or duplicate keys ---------------------------------------------


class _Refused(Exception):
    def __init__(self, mark, problem: str) -> None:
        super().__init__(problem)
        self.mark, self.problem = mark, problem


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "?"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, anchors (and so merge keys) and duplicate mapping keys."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self.depth >= MAX_CATALOG_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_CATALOG_DEPTH} levels deep (the cap)")
        self.depth += 1
        try:
            return self._compose_checked(parent, index, event)
        finally:
            self.depth -= 1

    def _compose_checked(self, parent, index, event):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, f"YAML alias *{event.anchor} (aliases are not allowed)")
        if getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark, f"YAML anchor &{event.anchor} (anchors are not allowed)")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node.start_mark, "YAML merge key << (merge keys are not allowed)")
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:
                raise _Refused(key_node.start_mark, f"a mapping key that is not text: {key!r}") from None
            if first is not key_node.start_mark:
                raise _Refused(key_node.start_mark, f"duplicate key {key!r} (first at {_at(first)})")
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path):
    """The YAML document in ``path``; CatalogError naming the file and the place for anything that
    is not plain UTF-8 YAML of mappings, lists and scalars."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe, device or socket"
            raise CatalogError(f"{path}: is {kind}, not a catalog file; not read")
        if info.st_size > MAX_CATALOG_BYTES:
            raise CatalogError(
                f"{path}: {info.st_size:,} bytes, more than the {MAX_CATALOG_BYTES:,} a catalog may "
                "have; not read"
            )
        with path.open("rb") as file:
            data = file.read(MAX_CATALOG_BYTES + 1)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the report catalog ({exc.strerror or exc})") from exc
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"{path}: more than the {MAX_CATALOG_BYTES:,} bytes a catalog may have; not read")
    if b"\0" in data:
        offset = data.index(b"\0")
        raise CatalogError(f"{path}: a binary file, not a YAML catalog (NUL byte at offset {offset})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise CatalogError(f"{path}: {_at(exc.mark)}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(f"{path}: {_at(mark)}: not valid YAML ({problem})") from None


# --- notebooks and their parameters ----------------------------------------------------------------


def parameter_names(notebook: Path) -> list[str] | None:
    """Names the notebook's ``parameters`` cell assigns, read with ``ast`` (never executed);
    None if it has no such cell. ValueError if the notebook or the cell cannot be read."""
    try:
        info = notebook.stat()
    except OSError as exc:
        raise ValueError(f"not a readable notebook ({exc.strerror})") from None
    names = _parameter_names(str(notebook), info.st_mtime_ns, info.st_size)
    return None if names is None else list(names)


@functools.lru_cache(maxsize=64)
def _parameter_names(notebook: str, _mtime_ns: int, _size: int) -> tuple[str, ...] | None:
    notebook = Path(notebook)
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a readable notebook ({exc})") from None
    for cell in cells:
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError as exc:
                raise ValueError(
                    f"its parameters cell is not valid Python ({exc.msg}, line {exc.lineno})"
                ) from None
            names = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
            return tuple(names)
    return None


def check_parameters(parameters: dict, notebook: Path, where: str) -> None:
    """CatalogError unless every parameter is a plain value the notebook's parameters cell defines."""
    if not isinstance(parameters, dict):
        raise CatalogError(
            f"{where}.parameters: expected a mapping of name: value, got {type(parameters).__name__}"
        )
    bad_names = [k for k in parameters if not is_identifier(k)]
    if bad_names:
        raise CatalogError(
            f"{where}.parameters: {bad_names[0]!r} is not a parameter name (a Python identifier)"
        )
    bad = {k: type(v).__name__ for k, v in parameters.items() if not _plain(v)}
    if bad:
        raise CatalogError(
            f"{where}: parameters must be plain strings, finite numbers, booleans, None or lists of them; "
            f"got {bad}"
        )
    try:
        names = parameter_names(notebook)
    except ValueError as exc:
        raise CatalogError(f"{where}: {notebook}: {exc}") from None
    unknown = [k for k in parameters if k not in (names or [])]
    if unknown:
        valid = ", ".join(names) if names else "none (the notebook has no cell tagged 'parameters')"
        close = difflib.get_close_matches(unknown[0], names or [], n=1, cutoff=0.6)
        hint = f". Did you mean {close[0]!r}?" if close else ""
        raise CatalogError(
            f"{where}.parameters: {unknown[0]!r} is not a parameter of {notebook.name}; "
            f"valid names: {valid}{hint}"
        )


def _plain(value, depth: int = 0) -> bool:
    """A plain value: text, a whole or finite number, a boolean, None, or a short list of them
    (NaN and infinity are refused: the manifest is JSON, which has neither)."""
    if isinstance(value, list):
        return depth < 3 and all(_plain(v, depth + 1) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return isinstance(value, PLAIN_TYPES)


def _notebook_path(notebook, notebook_dir: Path, where: str) -> Path:
    if not is_identifier(notebook):
        raise CatalogError(
            f"{where}: notebook key {notebook!r} must be a notebook's file name without .ipynb "
            "(letters, digits and underscores; no paths)"
        )
    path = notebook_dir / f"{notebook}.ipynb"
    if not path.is_file():
        raise CatalogError(f"{where}: no notebook {path}")
    if path.resolve().parent != notebook_dir.resolve():
        raise CatalogError(f"{where}: {path} leads outside {notebook_dir} (a symbolic link?)")
    return path


def _text(value, where: str, what: str) -> str:
    if not isinstance(value, str):
        raise CatalogError(f"{where}: {what} must be text, got {type(value).__name__} {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") cannot be written to any page
        raise CatalogError(f"{where}: {what} {value!r} is not valid Unicode text ({exc.reason})") from None
    return value


def _flag(value, where: str, what: str) -> bool:
    if not isinstance(value, bool):
        raise CatalogError(f"{where}: {what} must be true or false, got {value!r}")
    return value


def _timeout(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_TIMEOUT_S:
        raise CatalogError(
            f"{where}: timeout_seconds must be a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT_S}, got {value!r}"
        )
    return value


def _mapping(value, where: str, what: str, allowed: set[str]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: {what} must be a mapping, got {type(value).__name__}")
    unknown = [k for k in value if k not in allowed]
    if unknown:
        raise CatalogError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(sorted(allowed))}")
    return value


def format_title(template: str, parameters: dict, where: str) -> str:
    """``template`` with ``{name}`` placeholders filled from ``parameters``: only plain names of
    parameters the run sets (no attribute or index access, no nested fields)."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise CatalogError(f"{where}: title {template!r} is not a valid title template ({exc})") from None
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not is_identifier(name):
            raise CatalogError(
                f"{where}: title {template!r}: placeholder {{{name}}} must be a plain parameter name "
                "(no attribute or index access)"
            )
        if name not in parameters:
            raise CatalogError(
                f"{where}: title {template!r} names a parameter the run does not set ({name!r}); "
                f"parameters: {', '.join(parameters) or 'none'}"
            )
        if conversion is not None or spec:
            raise CatalogError(
                f"{where}: title {template!r}: placeholder {{{name}}} may not carry a conversion "
                "or a format (write {name} alone)"
            )
    try:
        title = template.format(**parameters)
    except (ValueError, TypeError) as exc:
        raise CatalogError(f"{where}: title {template!r} cannot be filled ({exc})") from None
    if len(title) > MAX_TITLE_CHARS:
        raise CatalogError(f"{where}: title is {len(title):,} characters long; at most {MAX_TITLE_CHARS}")
    return _text(title, where, "title")


def load_catalog(
    path: str | Path = paths.REPORT_CATALOG, notebook_dir: Path = paths.NOTEBOOKS_DIR
) -> list[ReportSpec]:
    """Read and check a catalog file; CatalogError names the file and the faulty entry."""
    path = Path(path)
    notebook_dir = Path(notebook_dir)
    doc = read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("notebooks"), dict):
        raise CatalogError(f"{path}: expected a top-level 'notebooks:' mapping")
    _mapping(doc, str(path), "the catalog", TOP_KEYS)
    specs: list[ReportSpec] = []
    for notebook, entry in doc["notebooks"].items():
        where = f"{path}: notebooks.{notebook}"
        notebook_path = _notebook_path(notebook, notebook_dir, where)
        entry = _mapping(entry, where, "a notebook entry", NOTEBOOK_KEYS)
        runs = entry.get("runs")
        if runs is None:
            runs = [] if "generate" in entry else [{}]
        if not isinstance(runs, list):
            raise CatalogError(f"{where}.runs: expected a list of runs, got {type(runs).__name__}")
        seen: dict[str, int | str] = {}
        for i, here, run in with_generated_runs(entry, where, runs):
            # a generated run fills the title with values of its own (a country's name for its code)
            title_values = run.pop("title_values", {}) if isinstance(i, str) else {}
            run = _mapping(run, here, "a run", RUN_KEYS)
            parameters = run.get("parameters")
            parameters = {} if parameters is None else parameters
            check_parameters(parameters, notebook_path, here)
            if RELATED_REPORTS in parameters:
                raise CatalogError(
                    f"{here}.parameters.{RELATED_REPORTS}: set by the runner (the reports of the catalog "
                    "that cover the profile), not by the catalog; remove it"
                )
            name = run.get("name")
            name = slug(parameters) if name is None else _text(name, here, "name")
            if not NAME_RE.fullmatch(name):
                raise CatalogError(
                    f"{here}: name {name!r} is not a safe file name "
                    "(letters, digits, '.', '_', '-'; at most 100; not starting with '.' or '-')"
                )
            if name.endswith(FAILED_SUFFIX):
                raise CatalogError(
                    f"{here}: name {name!r} ends with {FAILED_SUFFIX!r}, which names a failed run's page"
                    + (
                        f" (that of runs[{seen[name[: -len(FAILED_SUFFIX)]]}])"
                        if name[: -len(FAILED_SUFFIX)] in seen
                        else ""
                    )
                )
            if name in seen and not isinstance(seen[name], int):  # an explicit run overrides a generated one
                specs = [s for s in specs if (s.notebook, s.name) != (notebook, name)]
            elif name in seen:
                raise CatalogError(f"{here}: duplicate name {name!r} (also runs[{seen[name]}])")
            twin = next((other for other in seen if other != name and other.lower() == name.lower()), None)
            if twin is not None:
                raise CatalogError(
                    f"{here}: name {name!r} differs from runs[{seen[twin]}]'s {twin!r} only by case; on a "
                    "case-insensitive file system both would be one page"
                )
            seen[name] = i
            title_template = run.get("title", entry.get("title"))
            title_template = notebook if title_template is None else _text(title_template, here, "title")
            specs.append(
                ReportSpec(
                    notebook=notebook,
                    name=name,
                    title=format_title(title_template, {**parameters, **title_values}, here),
                    parameters=parameters,
                    theme=_text(entry.get("theme", ""), where, "theme"),
                    region=_text(run.get("region", ""), here, "region"),
                    show_code=_flag(run.get("show_code", entry.get("show_code", False)), here, "show_code"),
                    notebook_dir=notebook_dir,
                    timeout_seconds=_timeout(
                        run.get("timeout_seconds", entry.get("timeout_seconds", DEFAULT_TIMEOUT_S)), here
                    ),
                )
            )
    return specs


# --- runs generated from a table (``generate:``) -------------------------------------------------------


def _country_runs() -> list[dict]:
    """One country_profile run per country the profile's rule keeps
    (:func:`drugflows.reports.country_profile.profiled_countries`): name the lowercase ISO3 code,
    parameter ``country`` the code, title filled with the country's name, region its report region
    group (the index groups profiles by it)."""
    from drugflows.reports.country_profile import profiled_countries

    return [
        {
            "name": row.iso3.lower(),
            "parameters": {"country": row.iso3},
            "title_values": {"country": row.name},
            "region": row.region_group or "",
        }
        for row in profiled_countries().itertuples()
    ]


#: What ``generate:`` may name, and the function that lists its runs.
GENERATORS = {"countries": _country_runs}


@functools.lru_cache(maxsize=8)
def _generated(generator: str, _processed: str, _catalog_mtime_ns: int) -> tuple[dict, ...]:
    return tuple(GENERATORS[generator]())


def generated_runs(generator: str) -> list[dict]:
    """The runs of a generator of :data:`GENERATORS`, computed once per processed-tables folder
    and state (the tables' catalog file)."""
    folder = paths.processed_dir()
    try:
        stamp = (Path(folder) / "catalog.json").stat().st_mtime_ns
    except OSError:
        stamp = 0
    return [
        {**run, "parameters": dict(run["parameters"])} for run in _generated(generator, str(folder), stamp)
    ]


def with_generated_runs(entry: dict, where: str, runs: list):
    """(index, place, run) of a notebook entry's runs: those its ``generate:`` names first (place
    ``generate[<i>]``; the index a string, so an explicit run of the same name overrides it), then
    the explicit ``runs:``. CatalogError for a generator that is not one of :data:`GENERATORS`."""
    if "generate" in entry:
        generator = entry["generate"]
        if not isinstance(generator, str) or generator not in GENERATORS:
            raise CatalogError(
                f"{where}.generate: {generator!r} is not a generator; valid: {', '.join(sorted(GENERATORS))}"
            )
        try:
            generated = generated_runs(generator)
        except (KeyError, ValueError, TypeError, OSError) as error:
            raise CatalogError(
                f"{where}.generate: {generator!r} needs the processed tables it lists runs from "
                f"(in {paths.processed_dir()}), and they could not be read: {type(error).__name__}: {error}. "
                "Rebuild them with `drugflows data build`"
            ) from None
        for i, run in enumerate(generated):
            yield f"generate[{i}]", f"{where}.generate[{i}] ({run['name']})", run
    for i, run in enumerate(runs):
        yield i, f"{where}.runs[{i}]", run


def select(specs: list[ReportSpec], wanted: list[str]) -> list[ReportSpec]:
    """The specs whose notebook or ``notebook/name`` is in ``wanted``; CatalogError if one matches none."""
    chosen = [s for s in specs if s.notebook in wanted or s.key in wanted]
    missing = [w for w in wanted if not any(w in (s.notebook, s.key) for s in specs)]
    if missing:
        keys = ", ".join(s.key for s in specs)
        raise CatalogError(f"No report {missing} in the catalog; reports: {keys}")
    return chosen


# --- the front page: which report's which finding the index opens with ------------------------------

FRONT_PAGE_KEYS = {"report", "finding", "contains"}
#: At most this many key findings open the index.
MAX_FRONT_PAGE = 10


@dataclass(frozen=True)
class FrontPageItem:
    """One key finding of the index: finding number ``finding`` (1 = first) of report ``report``
    (``notebook/run``); with ``contains``, that sentence must contain this text, or it is left out
    (the report's findings changed: the front page never shows another sentence in its place)."""

    report: str
    finding: int
    contains: str | None = None


def load_front_page(path: str | Path, specs: list[ReportSpec]) -> list[FrontPageItem]:
    """The catalog's ``front_page:`` list, checked against its reports ``specs`` ([] if it has
    none); CatalogError names the file and the entry (``front_page[i]``)."""
    path = Path(path)
    doc = read_yaml(path)
    entries = doc.get("front_page") if isinstance(doc, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: front_page: expected a list of findings, got {type(entries).__name__}")
    if len(entries) > MAX_FRONT_PAGE:
        raise CatalogError(f"{path}: front_page: {len(entries)} findings; at most {MAX_FRONT_PAGE}")
    keys = {s.key for s in specs}
    items: list[FrontPageItem] = []
    for i, entry in enumerate(entries):
        here = f"{path}: front_page[{i}]"
        if not isinstance(entry, dict):
            raise CatalogError(
                f"{here}: expected a mapping with report and finding, got {type(entry).__name__}"
            )
        entry = _mapping(entry, here, "a front-page finding", FRONT_PAGE_KEYS)
        for key in ("report", "finding"):
            if key not in entry:
                raise CatalogError(f"{here}: no {key!r}")
        report = _text(entry["report"], here, "report")
        if report not in keys:
            close = difflib.get_close_matches(report, sorted(keys), n=3)
            hint = (
                f"; did you mean {', '.join(close)}?" if close else "; it must be notebook/run of the catalog"
            )
            raise CatalogError(f"{here}: report {report!r} is not in the catalog{hint}")
        finding = entry["finding"]
        if isinstance(finding, bool) or not isinstance(finding, int) or finding < 1:
            raise CatalogError(
                f"{here}: finding must be the finding's position in the report (1 = first), got {finding!r}"
            )
        contains = entry.get("contains")
        if contains is not None and not _text(contains, here, "contains").strip():
            raise CatalogError(f"{here}: contains must be non-empty text")
        item = FrontPageItem(report, finding, contains)
        if any((o.report, o.finding) == (report, finding) for o in items):
            raise CatalogError(f"{here}: finding {finding} of {report} is listed twice")
        items.append(item)
    return items


# --- one report from the command line: drugflows render NOTEBOOK -p name=value ... --------------------


#: The only spellings :func:`typed_value` reads as numbers (YAML 1.1 would also read ``010`` as 8,
#: ``0x1F`` as 31, ``12:30`` as 750 and ``1_000`` as 1000).
_INT_TEXT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT_TEXT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def typed_value(text: str):
    """A ``-p name=value`` value typed as the catalog types it: a whole number (``2020``, not
    ``010``), a decimal number (finite), ``true``/``false``, ``null`` (or ``None``), a list in flow
    syntax (``[GTM, HND]``) or with commas (``GTM,HND,SLV``); anything else is text (stripped).
    YAML 1.1's other booleans (``yes``, ``no``, ``on``, ``off``) stay text: ``NO`` is a country code,
    not false. An empty value, or one that is not a finite number where it reads as one, is refused."""
    stripped = text.strip()
    if not stripped:
        raise CatalogError("an empty value: write None for the notebook's default")
    if stripped == "None":
        return None
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1]  # quoted: text as written
    if stripped.startswith("[") and stripped.endswith("]") and "[" not in stripped[1:-1]:
        return [typed_value(item) for item in stripped[1:-1].split(",") if item.strip()]
    if "," in stripped and not stripped.startswith(("[", "{", '"', "'")):
        return [typed_value(item) for item in stripped.split(",") if item.strip()]
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    if stripped.lower() in ("null", "~"):
        return None
    if _INT_TEXT.fullmatch(stripped):
        return int(stripped)
    if _FLOAT_TEXT.fullmatch(stripped):
        value = float(stripped)
        if not math.isfinite(value):  # pragma: no cover - the pattern has no inf or nan
            raise CatalogError(f"{text!r} is not a finite number")
        return value
    if stripped.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
        raise CatalogError(f"{text!r}: not a finite number (NaN and infinity are refused)")
    return stripped


def cli_parameters(pairs: list[str], notebook: Path, where: str) -> dict:
    """``["name=value", ...]`` as parameters (each value as :func:`typed_value`), checked as the
    catalog's are (:func:`check_parameters`: names from the notebook's parameters cell)."""
    parameters: dict = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise CatalogError(f"{where}: -p {pair!r}: expected name=value")
        name = name.strip()
        if name in parameters:
            raise CatalogError(f"{where}: -p {name}= is given twice")
        try:
            parameters[name] = typed_value(text)
        except CatalogError as error:
            raise CatalogError(f"{where}: -p {name}=: {error}") from None
    check_parameters(parameters, notebook, where)
    return parameters


def spec_for(
    notebook: str, parameters: dict, whole: list[ReportSpec], path: str | Path = paths.REPORT_CATALOG
) -> ReportSpec:
    """The report of ``notebook`` with ``parameters``: the catalog's run when one has exactly these
    parameters (same name, title and options), else a new run named after the values, titled with
    the notebook's catalog title where its placeholders are all given (a name a catalog run of
    other parameters has gets ``-custom``)."""
    for spec in whole:
        if spec.notebook == notebook and spec.parameters == parameters:
            return spec
    notebook_dir = whole[0].notebook_dir if whole else paths.NOTEBOOKS_DIR
    where = f"{path}: notebooks.{notebook}"
    _notebook_path(notebook, notebook_dir, where)
    doc = read_yaml(Path(path))
    entry = (doc.get("notebooks") or {}).get(notebook) or {}
    template = entry.get("title") if isinstance(entry.get("title"), str) else None
    try:
        title = format_title(template, parameters, where) if template else None
    except CatalogError:
        title = None
    if title is None:
        values = ", ".join(f"{k}={v}" for k, v in parameters.items())
        title = f"{notebook.replace('_', ' ').capitalize()}" + (f": {values}" if values else "")
    else:  # the parameters the catalog title does not show, so two runs never share a title
        shown = set(re.findall(r"{(\w+)", template or ""))
        rest = ", ".join(f"{k}={v}" for k, v in parameters.items() if k not in shown)
        title += f" ({rest})" if rest else ""
    # Named after the values and a digest of the names and values: two runs of other parameters
    # never share a page, and a catalog run's page is never written over.
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:8]
    base = slug(parameters)
    base = base if NAME_RE.fullmatch(base) else "default"
    name = f"{base[:80]}-{digest}"
    taken = {s.name.casefold() for s in whole if s.notebook == notebook}
    if name.casefold() in taken:
        raise CatalogError(f"{where}: a catalog run is already named {name!r}: rename it")
    return ReportSpec(
        notebook=notebook,
        name=name,
        title=title[:MAX_TITLE_CHARS],
        parameters=parameters,
        theme=entry.get("theme", "") if isinstance(entry.get("theme"), str) else "",
        show_code=entry.get("show_code") is True,
        notebook_dir=notebook_dir,
        timeout_seconds=_timeout(entry.get("timeout_seconds", DEFAULT_TIMEOUT_S), where),
    )
