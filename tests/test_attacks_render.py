"""Attacks on the render side, grouped by what they attack: the catalog (no code from it), the
parameters (no script from them), the runner's own failures, and the file system under the output.

Each test states what is refused or guaranteed and fails if it is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drugflows.render import catalog

GOOD_RUN = "notebooks:\n  us_demand:\n    runs:\n      - name: a\n        parameters: {drug: cocaine}\n"


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "catalog.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path, lambda: catalog.load_catalog(path)


class TestNoCodeFromTheCatalog:
    """Item 1: the catalog names notebooks and sets parameters; it can never run or reach anything."""

    BAD = {
        "notebook key with a path": (
            "notebooks:\n  ../notebooks/us_demand: {}\n",
            "notebooks.../notebooks/us_demand: notebook key '../notebooks/us_demand' must be",
        ),
        "notebook key with a slash": (
            "notebooks:\n  sub/us_demand: {}\n",
            "notebook key 'sub/us_demand' must be",
        ),
        "notebook key that is a number": ("notebooks:\n  7: {}\n", "notebook key 7 must be"),
        "parameter name that is code": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: {'drug = 1; import os': 2}\n",
            "notebooks.us_demand.runs[0].parameters: 'drug = 1; import os' is not a parameter name",
        ),
        "parameter the notebook does not define": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: {drug: cocaine, __builtins__: 1}\n",
            "notebooks.us_demand.runs[0].parameters: '__builtins__' is not a parameter of "
            "us_demand.ipynb; valid names: drug, first_year, last_year",
        ),
        "misspelt parameter": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: {drugs: cocaine}\n",
            "'drugs' is not a parameter of us_demand.ipynb; valid names: drug, first_year, last_year",
        ),
        "duplicate key": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: {drug: cocaine, drug: heroin}\n",
            "line 4, column 37: duplicate key 'drug' (first at line 4, column 22)",
        ),
        "duplicate notebook": (
            "notebooks:\n  us_demand: {}\n  us_demand: {}\n",
            "line 3, column 3: duplicate key 'us_demand'",
        ),
        "YAML anchor and alias": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: &p {drug: cocaine}\n"
            "      - parameters: *p\n",
            "line 4, column 21: YAML anchor &p (anchors are not allowed)",
        ),
        "YAML merge key": (
            "base: &b {drug: cocaine}\nnotebooks: {}\n",
            "line 1, column 7: YAML anchor &b",
        ),
        "python object tag": (
            "notebooks: !!python/object/apply:os.system [echo hi]\n",
            "line 1, column 12: not valid YAML",
        ),
        "runs as a mapping": (
            "notebooks:\n  us_demand:\n    runs: {name: a}\n",
            "notebooks.us_demand.runs: expected a list of runs, got dict",
        ),
        "notebook entry as a list": (
            "notebooks:\n  us_demand: [a, b]\n",
            "notebooks.us_demand: a notebook entry must be a mapping, got list",
        ),
        "run as text": (
            "notebooks:\n  us_demand:\n    runs: [cocaine]\n",
            "notebooks.us_demand.runs[0]: a run must be a mapping, got str",
        ),
        "parameters as a list": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: [drug, cocaine]\n",
            "notebooks.us_demand.runs[0].parameters: expected a mapping of name: value, got list",
        ),
        "misspelt run key": (
            "notebooks:\n  us_demand:\n    runs:\n      - paramters: {drug: cocaine}\n",
            "notebooks.us_demand.runs[0]: unknown key 'paramters'; valid keys: name, parameters",
        ),
        "title that is not text": (
            "notebooks:\n  us_demand:\n    title: [a]\n",
            "notebooks.us_demand.runs[0]: title must be text, got list",
        ),
        "title with attribute access": (
            "notebooks:\n  us_demand:\n    title: '{drug.__class__}'\n    runs:\n"
            "      - parameters: {drug: cocaine}\n",
            "placeholder {drug.__class__} must be a plain parameter name (no attribute or index access)",
        ),
        "title with index access": (
            "notebooks:\n  us_demand:\n    title: '{drug[0]}'\n    runs:\n"
            "      - parameters: {drug: cocaine}\n",
            "placeholder {drug[0]} must be a plain parameter name",
        ),
        "title with an unknown placeholder": (
            "notebooks:\n  us_demand:\n    title: 'US demand: {substance}'\n    runs:\n"
            "      - parameters: {drug: cocaine}\n",
            "names a parameter the run does not set ('substance'); parameters: drug",
        ),
        "title with a broken placeholder": (
            "notebooks:\n  us_demand:\n    title: 'US demand: {drug'\n    runs:\n"
            "      - parameters: {drug: cocaine}\n",
            "is not a valid title template",
        ),
        "run named like another run's failure page": (
            "notebooks:\n  us_demand:\n    runs:\n      - name: x\n        parameters: {drug: cocaine}\n"
            "      - name: x.failed\n        parameters: {drug: heroin}\n",
            "notebooks.us_demand.runs[1]: name 'x.failed' ends with '.failed', which names a failed "
            "run's page (that of runs[0])",
        ),
        "run name that is a path": (
            "notebooks:\n  us_demand:\n    runs:\n      - name: ../../etc/x\n",
            "name '../../etc/x' is not a safe file name",
        ),
        "run name that is a number": (
            "notebooks:\n  us_demand:\n    runs:\n      - name: 2020\n",
            "notebooks.us_demand.runs[0]: name must be text, got int 2020",
        ),
        "timeout that is not a number": (
            "notebooks:\n  us_demand:\n    timeout_seconds: soon\n",
            "timeout_seconds must be a number of seconds above 0",
        ),
        "negative timeout": (
            "notebooks:\n  us_demand:\n    runs:\n      - timeout_seconds: -1\n",
            "notebooks.us_demand.runs[0]: timeout_seconds must be a number of seconds above 0",
        ),
        "show_code as text": (
            "notebooks:\n  us_demand:\n    show_code: 'yes please'\n",
            "show_code must be true or false, got 'yes please'",
        ),
        "binary file": (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "a binary file, not a YAML catalog (NUL byte at offset 8)",
        ),
        "file in Latin-1": (
            "notebooks:\n  us_demand:\n    title: 'Démande'\n".encode("latin-1"),
            "line 3: not UTF-8 text (byte 0xe9 at offset 37)",
        ),
        "not YAML at all": ("notebooks: [unclosed\n", "line 2, column 1: not valid YAML"),
    }

    @pytest.mark.parametrize("case", BAD, ids=list(BAD))
    def test_bad_catalog_is_a_catalog_error_naming_file_and_place(self, tmp_path, case):
        text, message = self.BAD[case]
        path, read = load(tmp_path, text)
        with pytest.raises(catalog.CatalogError) as err:
            read()
        assert str(err.value).startswith(f"{path}: "), err.value
        assert message in str(err.value), err.value

    def test_a_notebook_symlinked_from_outside_is_refused(self, tmp_path):
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        outside = tmp_path / "elsewhere.ipynb"
        outside.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
        (notebooks / "evil.ipynb").symlink_to(outside)
        path = tmp_path / "catalog.yml"
        path.write_text("notebooks:\n  evil: {}\n")
        with pytest.raises(catalog.CatalogError, match=r"evil\.ipynb leads outside"):
            catalog.load_catalog(path, notebooks)

    def test_parameters_cell_is_read_not_run(self, tmp_path):
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        marker = tmp_path / "ran"
        source = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\nx = 1\ny: int = 2\n"
        cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source, "outputs": []}
        nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        import json

        (notebooks / "probe.ipynb").write_text(json.dumps(nb))
        assert catalog.parameter_names(notebooks / "probe.ipynb") == ["x", "y"]
        assert not marker.exists()
        path = tmp_path / "catalog.yml"
        path.write_text("notebooks:\n  probe:\n    runs:\n      - parameters: {pathlib: 1}\n")
        with pytest.raises(
            catalog.CatalogError, match="'pathlib' is not a parameter of probe.ipynb; valid names: x, y"
        ):
            catalog.load_catalog(path, notebooks)

    def test_the_default_catalog_still_loads_with_timeouts(self):
        specs = catalog.load_catalog()
        assert len(specs) == 61
        assert {s.timeout_seconds for s in specs} == {catalog.DEFAULT_TIMEOUT_S}

    def test_a_good_catalog_loads(self, tmp_path):
        path, read = load(tmp_path, GOOD_RUN.replace("runs:", "timeout_seconds: 30\n    runs:"))
        (spec,) = read()
        assert (spec.key, spec.parameters, spec.timeout_seconds) == ("us_demand/a", {"drug": "cocaine"}, 30)

    def test_the_command_prints_the_catalog_error_without_a_traceback(self, tmp_path):
        import subprocess
        import sys

        path, _ = load(
            tmp_path,
            "notebooks:\n  us_demand:\n    title: '{drug.__class__}'\n    runs:\n"
            "      - parameters: {drug: cocaine}\n",
        )
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "drugflows",
                "render",
                "--catalog",
                str(path),
                "--output",
                str(tmp_path / "o"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2
        assert "Traceback" not in run.stderr
        assert re.search(
            rf"drugflows: error: {re.escape(str(path))}: notebooks.us_demand.runs\[0\]", run.stderr
        )
        assert not (tmp_path / "o").exists()
