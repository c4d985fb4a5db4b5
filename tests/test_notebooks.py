"""Every notebook: a `parameters` cell of plain values, validated by the next cell; no outputs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from drugflows import paths
from drugflows.render import catalog

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_plain_and_validated_next(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    tree = ast.parse(code[tagged[0]].source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters cell holds only assignments"
        ast.literal_eval(node.value)  # plain values only: strings, numbers, lists, None
        names += [t.id for t in node.targets]
    following = code[tagged[0] + 1].source
    missing = [n for n in names if n not in following]
    assert not missing, f"{path.name}: the cell after the parameters does not validate {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_on_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


def test_every_notebook_is_in_the_report_catalog():
    in_catalog = {s.notebook for s in catalog.load_catalog()}
    assert {p.stem for p in NOTEBOOKS} == in_catalog


@pytest.mark.slow
def test_readme_papermill_cli_reruns_a_report(tmp_path):
    """The README's by-hand recipe: plain papermill CLI from the environment, with the README's
    parameters (Cocaine at the Northern Border, which no other test renders)."""
    papermill = Path(sys.executable).parent / "papermill"
    out = tmp_path / "out.ipynb"
    run = subprocess.run(
        [
            str(papermill),
            str(paths.NOTEBOOKS_DIR / "border_seizures.ipynb"),
            str(out),
            "-p",
            "drug",
            "Cocaine",
            "-p",
            "region",
            "Northern Border",
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    text = "".join(
        str(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "Cocaine seized at the Northern Border" in text
    assert "In FY2025, CBP seized" in text
