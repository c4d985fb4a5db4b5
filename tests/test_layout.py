"""The layout rule, read from the imports: sources -> tables -> domain -> reports -> notebooks.

Every ``import`` and ``from ... import`` is read with ``ast`` (function-level imports included) by the
runner's own reader (``render.inputs``, which keys renders on the code a notebook imports), so a
shortcut through the layers fails here, not in review.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from drugflows import paths
from drugflows.render.inputs import imported_modules

PACKAGE = paths.PROJECT_ROOT / "src" / "drugflows"
#: What a notebook may import from drugflows besides its own report module: display and plotting.
NOTEBOOK_HELPERS = {"drugflows.display", "drugflows.plotting"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, set[str]]:
    """Module name -> the drugflows modules it imports, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        out[name] = imported_modules(ast.parse(path.read_text(encoding="utf-8")), name) - {name}
    return out


def notebook_imports(path: Path) -> set[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return imported_modules(ast.parse("\n".join(lines)))


MODULES = package_modules()
NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_the_reader_finds_the_imports_it_must_judge():
    # The rule below is only as good as this reader: it must see from-imports, submodules and
    # imports inside functions.
    tree = ast.parse("from drugflows import tables\ndef f():\n    from drugflows.domain import crops\n")
    assert imported_modules(tree) == {
        "drugflows",
        "drugflows.tables",
        "drugflows.domain",
        "drugflows.domain.crops",
    }
    assert "drugflows.domain.seizures" in MODULES["drugflows.reports.border_seizures"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_imports_its_report_module_and_the_display_helpers_only(notebook):
    own = f"drugflows.reports.{notebook.stem}"
    assert own in MODULES, f"{notebook.name} has no report module src/drugflows/reports/{notebook.stem}.py"
    used = notebook_imports(notebook) - {"drugflows", "drugflows.reports"}
    assert own in used
    assert used - {own} <= NOTEBOOK_HELPERS, (
        f"{notebook.name} imports {sorted(used - {own} - NOTEBOOK_HELPERS)}"
    )


def test_every_report_module_has_its_notebook():
    reports = {m.rsplit(".", 1)[1] for m in MODULES if m.startswith("drugflows.reports.")}
    assert reports == {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("drugflows.domain.")))
def test_a_domain_module_never_imports_a_report_module_nor_the_runner(module):
    bad = {m for m in MODULES[module] if m.startswith(("drugflows.reports", "drugflows.render"))}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("drugflows.reports.")))
def test_a_report_module_never_imports_another_report_module_nor_the_runner(module):
    others = {m for m in MODULES[module] if m.startswith(("drugflows.reports.", "drugflows.render"))}
    assert not others, f"{module} imports {sorted(others)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("drugflows.sources") or m == "drugflows.tables")
)
def test_sources_and_tables_sit_below_the_analysis(module):
    above = {m for m in MODULES[module] if m.startswith(("drugflows.domain", "drugflows.reports"))}
    assert not above, f"{module} imports {sorted(above)}"


def test_tables_does_not_import_the_sources():
    # The circle tables -> sources.naturalearth -> tables is gone: GeoJSON is a table format.
    assert not {m for m in MODULES["drugflows.tables"] if m.startswith("drugflows.sources")}


def test_no_file_names_this_machines_folders():
    # Paths are anchored on the package (drugflows.paths); CI clones into another folder.
    code = [*PACKAGE.rglob("*.py"), *paths.PROJECT_ROOT.joinpath("tests").glob("*.py"), *NOTEBOOKS]
    code += [*paths.PROJECT_ROOT.joinpath("benchmarks").glob("*.py")]
    here = [p.name for p in code if "/work/" in p.read_text(encoding="utf-8").replace('"/work/"', "")]
    assert not here, f"absolute folders of this machine in {here}"
