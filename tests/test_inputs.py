"""Renders keyed on what they read: the code a notebook imports (found statically), the processed
tables its kernel recorded loading, and nothing else of src/drugflows or data/processed."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

from drugflows import paths, tables
from drugflows.render import catalog, inputs, runner


def relative(files) -> set[str]:
    return {str(p.relative_to(inputs.PACKAGE_DIR)) for p in files}


def test_code_files_are_the_closure_of_what_the_notebook_imports_and_the_page_code():
    border = relative(inputs.code_files(paths.NOTEBOOKS_DIR / "border_seizures.ipynb"))
    eradication = relative(inputs.code_files(paths.NOTEBOOKS_DIR / "colombia_eradication.ipynb"))
    page = {
        "render/__init__.py",
        "render/html.py",
        "render/runner.py",
        "render/templates/drugflows/index.html.j2",
    }
    assert page <= border and page <= eradication
    # cbp: via the domain module of seizures
    assert {
        "reports/border_seizures.py",
        "domain/seizures.py",
        "sources/cbp.py",
        "tables.py",
        "__init__.py",
    } <= border
    assert {
        "reports/colombia_eradication.py",
        "domain/statistics.py",
        "domain/colombia_panel.py",
    } <= eradication
    assert not {"domain/colombia_panel.py", "reports/country_profile.py", "render/links.py"} & border
    assert not {"domain/seizures.py", "render/index.py", "render/templates/site/index.html.j2"} & eradication


def test_relative_and_lazy_imports_are_followed():
    lazy = "def f():\n    import drugflows.domain.seizures\n"
    tree = ast.parse("from . import html\nfrom .catalog import ReportSpec\n" + lazy)
    assert inputs.imported_modules(tree, "drugflows.render") == {
        "drugflows",
        "drugflows.render",
        "drugflows.render.html",
        "drugflows.render.catalog",
        "drugflows.domain",
        "drugflows.domain.seizures",
    }
    assert inputs.imported_modules(ast.parse("from .. import paths"), "drugflows.render") == {
        "drugflows",
        "drugflows.paths",
    }


def test_a_notebook_that_does_not_parse_is_keyed_on_all_the_code(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("%matplotlib inline\nimport drugflows.domain.seizures")]
    )
    path = tmp_path / "magic.ipynb"
    nbformat.write(nb, path)
    files = relative(inputs.code_files(path))
    assert {
        "domain/statistics.py",
        "reports/country_profile.py",
        "render/links.py",
        "render/templates/site/index.html.j2",
    } <= files


def test_tables_log_the_names_they_look_up(tmp_path, monkeypatch):
    log = tmp_path / "tables.log"
    monkeypatch.setenv(tables.TABLE_LOG_ENV, str(log))
    tables.load("majors_list")
    tables.info("countries")
    with pytest.raises(KeyError):
        tables.info("no_such_table")
    assert log.read_text().splitlines() == ["majors_list", "countries", "no_such_table"]


@pytest.fixture
def processed_copy(tmp_path, monkeypatch):
    copy = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED_DIR, copy)
    monkeypatch.setenv(paths.PROCESSED_DIR_ENV, str(copy))
    return copy


def test_the_key_covers_the_tables_read_and_no_other(processed_copy):
    spec = catalog.select(catalog.load_catalog(), ["border_seizures/heroin-southwest-border"])[0]
    read = ["border_crossings_monthly", "cbp_seizures_monthly"]
    before = runner.input_key(spec, None, read)
    assert paths.processed_dir() == processed_copy != paths.PROCESSED_DIR
    with open(processed_copy / "majors_list.csv", "a") as f:
        f.write("\n")
    assert runner.input_key(spec, None, read) == before  # a table it does not read
    assert runner.input_key(spec, None, [*read, "majors_list"]) != before
    with open(processed_copy / "cbp_seizures_monthly.csv", "a") as f:
        f.write("\n")
    after_file = runner.input_key(spec, None, read)
    assert after_file != before
    catalog_path = processed_copy / tables.CATALOG_NAME
    entries = json.loads(catalog_path.read_text())
    entries["border_crossings_monthly"]["notes"] += " Revised."
    catalog_path.write_text(json.dumps(entries))
    assert runner.input_key(spec, None, read) != after_file  # its catalog entry
    assert runner.input_key(spec, None, ["a_table_not_yet_built"]) != runner.input_key(spec, None, [])


def test_a_report_with_no_tables_on_record_is_rerendered(tmp_path):
    spec = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])[0]
    (tmp_path / "us_demand").mkdir()
    (tmp_path / "us_demand" / "cocaine.html").write_text("<html></html>")
    read = ["cbp_seizures_monthly", "nflis_reports", "unodc_seizures", "us_overdose_deaths"]
    entry = {"status": "ok", "html": "us_demand/cocaine.html", "tables": read}
    entry["input_key"] = runner.input_key(spec, None, read)
    assert runner.unchanged(spec, entry, tmp_path, None)
    old = {k: v for k, v in entry.items() if k != "tables"}  # a manifest from before tables were recorded
    assert not runner.unchanged(spec, old, tmp_path, None)
    assert not runner.unchanged(spec, dict(entry, tables=read[:1]), tmp_path, None)


@pytest.mark.slow
def test_changing_one_table_rerenders_only_the_reports_that_read_it(tmp_path):
    committed = (paths.PROCESSED_DIR / "cbp_seizures_monthly.csv").read_bytes()
    copy = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED_DIR, copy)
    env = {**os.environ, paths.PROCESSED_DIR_ENV: str(copy)}
    out = tmp_path / "reports"
    # Runs no other test renders: two that read the CBP table, one that does not.
    doc = {
        "notebooks": {
            "border_seizures": {
                "runs": [{"name": "heroin", "parameters": {"drug": "Heroin", "first_fy": 2020}}]
            },
            "source_countries": {
                "runs": [{"name": "coca", "parameters": {"crop": "coca", "countries": ["BOL"]}}]
            },
            "us_demand": {
                "runs": [{"name": "cocaine", "parameters": {"drug": "cocaine", "last_year": 2020}}]
            },
        }
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(doc))

    def render() -> dict[str, str]:
        run = subprocess.run(
            [sys.executable, "-m", "drugflows", "render", "--output", str(out)]
            + ["--catalog", str(tmp_path / "catalog.yml")],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return {key: status for status, key in re.findall(r"^(ok|skip)\s+(\S+)", run.stdout, re.M)}

    assert set(render().values()) == {"ok"}
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    assert "cbp_seizures_monthly" not in manifest["source_countries/coca"]["tables"]
    with open(copy / "cbp_seizures_monthly.csv", "a") as f:  # same rows, other bytes
        f.write("\n")
    assert render() == {
        "border_seizures/heroin": "ok",
        "us_demand/cocaine": "ok",
        "source_countries/coca": "skip",
    }
    entries = json.loads((copy / tables.CATALOG_NAME).read_text())
    entries["crop_estimates"]["notes"] += " Revised."
    (copy / tables.CATALOG_NAME).write_text(json.dumps(entries))
    assert render() == {
        "border_seizures/heroin": "skip",
        "us_demand/cocaine": "skip",
        "source_countries/coca": "ok",
    }
    assert (paths.PROCESSED_DIR / "cbp_seizures_monthly.csv").read_bytes() == committed  # untouched
