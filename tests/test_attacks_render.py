"""Attacks on the render side, grouped by what they attack: the catalog (no code from it), the
parameters (no script from them), the runner's own failures, and the file system under the output.

Each test states what is refused or guaranteed and fails if it is not.
"""

from __future__ import annotations

import os
import re
import shutil
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
        "inline YAML merge key": (
            "notebooks:\n  us_demand:\n    runs:\n      - parameters: {<<: {drug: heroin}, drug: cocaine}\n",
            "line 4, column 22: YAML merge key << (merge keys are not allowed)",
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
        "deeply nested lists (r01)": (
            "notebooks:\n  us_demand:\n    runs:\n      - name: a\n        parameters: {drug: "
            + "[" * 3000
            + "]" * 3000
            + "}\n",
            "nested more than 20 levels deep (the cap)",
        ),
        "related_reports set by the catalog": (
            "notebooks:\n  country_profile:\n    runs:\n      - name: col\n"
            "        parameters: {country: COL, related_reports: [[Evil, 'https://evil.example']]}\n",
            "notebooks.country_profile.runs[0].parameters.related_reports: set by the runner",
        ),
        "run names that differ only by case": (
            "notebooks:\n  us_demand:\n    runs:\n      - {name: cocaine, parameters: {drug: cocaine}}\n"
            "      - {name: Cocaine, parameters: {drug: heroin}}\n",
            "runs[1]: name 'Cocaine' differs from runs[0]'s 'cocaine' only by case",
        ),
        "a catalog over the size cap": (
            "notebooks: {}\n" + "#" * (2**20) + "\n",
            "bytes, more than the 1,048,576 a catalog may have; not read",
        ),
    }

    @pytest.mark.parametrize("case", BAD, ids=list(BAD))
    def test_bad_catalog_is_a_catalog_error_naming_file_and_place(self, tmp_path, case):
        text, message = self.BAD[case]
        path, read = load(tmp_path, text)
        with pytest.raises(catalog.CatalogError) as err:
            read()
        assert str(err.value).startswith(f"{path}: "), err.value
        assert message in str(err.value), err.value

    @pytest.mark.parametrize("kind", ["fifo", "device"])
    def test_a_catalog_that_is_a_pipe_or_a_device_is_refused_without_reading(self, tmp_path, kind):
        """A FIFO as catalog would hang the render; /dev/zero would fill the memory."""
        import os

        path = Path("/dev/zero") if kind == "device" else tmp_path / "catalog.yml"
        if kind == "fifo":
            os.mkfifo(path)
        with pytest.raises(catalog.CatalogError) as err:
            catalog.load_catalog(path)
        assert str(err.value) == f"{path}: is a named pipe, device or socket, not a catalog file; not read"

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
        # 43 listed runs; the country profiles are generated from the countries table (test_profiles)
        assert len([s for s in specs if s.notebook != "country_profile"]) == 43
        assert {s.timeout_seconds for s in specs} == {catalog.DEFAULT_TIMEOUT_S}

    def test_a_good_catalog_loads(self, tmp_path):
        path, read = load(tmp_path, GOOD_RUN.replace("runs:", "timeout_seconds: 30\n    runs:"))
        (spec,) = read()
        assert (spec.key, spec.parameters, spec.timeout_seconds) == ("us_demand/a", {"drug": "cocaine"}, 30)

    @pytest.mark.slow
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

    def test_terminal_escapes_in_a_message_are_printed_escaped(self, tmp_path, capsys):
        """r03: a notebook key with escape sequences (window title, clear screen, colour): the error
        names it with every control character written out, none sent to the terminal."""
        from drugflows import cli

        path = tmp_path / "catalog.yml"
        path.write_text('notebooks:\n  "\\e]0;PWNED\\a\\e[2J\\e[31mfake\\u202e": {}\n')
        assert cli.main(["render", "--catalog", str(path), "--output", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", err), repr(err)
        assert "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mfake\\u202e" in err
        assert err.startswith(f"drugflows: error: {path}: notebooks.")

    def test_a_temporary_folder_too_long_for_sockets_is_refused_plainly(self, tmp_path):
        import subprocess
        import sys

        long_tmp = tmp_path / ("t" * 100)
        long_tmp.mkdir()
        run = subprocess.run(
            [sys.executable, "-m", "drugflows", "render", "--output", str(tmp_path / "o")],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "TMPDIR": str(long_tmp)},
        )
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert f"the temporary folder {long_tmp} is {len(str(long_tmp))} bytes long, too long" in run.stderr
        assert "set TMPDIR to a shorter folder" in run.stderr and not (tmp_path / "o").exists()

    def test_render_all_refuses_a_parameter_the_notebook_does_not_define_before_any_kernel(self, tmp_path):
        from drugflows.render import runner

        (spec,) = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])
        bad = catalog.ReportSpec(**{**spec.__dict__, "parameters": {"drug": "cocaine", "os_system": "rm"}})
        with pytest.raises(
            catalog.CatalogError, match=r"us_demand/cocaine\.parameters: 'os_system' is not a parameter"
        ):
            runner.render_all([bad], tmp_path / "out", fork_kernels=False)
        assert not (tmp_path / "out").exists()


# --- item 2 ----------------------------------------------------------------------------------------

ATTACKS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))")
ATTACK = " ".join(ATTACKS) + ' "><b onmouseover=alert(1)>q'
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset")
#: A value of a data file carrying a bare address, a script, a javascript: link, a link and an image.
DATA_ATTACK = (
    "SAN DIEGO http://evil.example <script>alert(1)</script> [x](javascript:alert(1)) "
    "[y](https://evil.example/phish) ![p](data:image/png;base64,iVBORw0KGgo=) FIELD OFFICE"
)
#: One short enough for a figure's axis labels.
SHORT_DATA_ATTACK = (
    "SD [y](https://evil.example) http://evil.example <script>alert(1)</script> [x](javascript:alert(1))"
)


def dangers(page: str, allowed_scripts: tuple[str, ...] = ()) -> list[str]:
    """Every script element (but ``allowed_scripts``), on* attribute and javascript:/vbscript:/
    data:text/html address in ``page``, found by parsing it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    found = [f"script {s.string!r:.60}" for s in soup.find_all("script") if s.string not in allowed_scripts]
    found += [t.name for t in soup.find_all(["iframe", "object", "embed", "base", "form"])]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value or ""
            if name.lower().startswith("on"):
                found.append(f"{tag.name}[{name}={value!r}]")
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.lower() in URL_ATTRIBUTES and plain.startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                found.append(f"{tag.name}[{name}={value!r}]")
    return found


def visible_text(page: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser").get_text()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """A good and a failing report whose free-text parameters, title, theme and region carry the
    attacks, rendered by the command."""
    import subprocess
    import sys

    import yaml

    tmp = tmp_path_factory.mktemp("attacked")
    runs = [
        {
            "name": "xss",
            "region": ATTACK,
            "parameters": {
                "program": ATTACK,
                # A design with an estimate, so the figures whose titles carry the label are drawn.
                "country": "MEX",
                "start_year": 2008,
                "outcomes": ["homicide_rate"],
            },
        },
        {"name": "xss-failing", "parameters": {"program": "CARSI", "outcomes": [ATTACK]}},
    ]
    doc = {
        "notebooks": {
            "partnership_outcomes": {
                "title": "Attack " + ATTACK + " {program}",
                "theme": ATTACK,
                "runs": runs,
            }
        }
    }
    path = tmp / "catalog.yml"
    path.write_text(yaml.safe_dump(doc))
    out = tmp / "reports"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugflows",
            "render",
            "--catalog",
            str(path),
            "--output",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out, run


class TestNoScriptFromAParameter:
    """Item 2: text from a parameter, the catalog or a data file never becomes markup."""

    @pytest.mark.slow
    def test_report_page_has_no_script_and_shows_the_text(self, attacked):
        out, run = attacked
        assert "ok      partnership_outcomes/xss " in run.stdout, run.stdout + run.stderr
        page = (out / "partnership_outcomes" / "xss.html").read_text()
        assert dangers(page) == []
        text = visible_text(page)
        for attack in ATTACKS:
            # in the header's title, in the report's first heading, and in the table of contents
            assert text.count(attack) >= 3, attack
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(page, "html.parser")
        assert ATTACKS[0] in soup.select_one(".df-title").get_text()
        assert ATTACKS[2] in soup.select_one("nav.df-toc li").get_text()
        assert all(
            ATTACK.split(" [x]")[0] in img["alt"] for img in soup.select("img[alt^='Chart: <script>']")
        )
        assert soup.select("img[alt^='Chart: <script>']"), "the figure titles carry the label into alt text"
        policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "script-src 'none'" in policy

    @pytest.mark.slow
    def test_failure_page_has_no_script_and_shows_the_text(self, attacked):
        out, run = attacked
        assert "failed  partnership_outcomes/xss-failing" in run.stdout
        page = (out / "partnership_outcomes" / "xss-failing.failed.html").read_text()
        assert dangers(page) == []
        from bs4 import BeautifulSoup

        error = BeautifulSoup(page, "html.parser").select_one(".df-status-failed").get_text()
        assert "This report failed: ParameterError: Unknown outcomes" in error and ATTACKS[0] in error

    @pytest.mark.slow
    def test_index_has_only_its_own_script_and_shows_the_text(self, attacked):
        from drugflows.render import index

        out, _ = attacked
        page = (out / "index.html").read_text()
        assert dangers(page, allowed_scripts=index.SCRIPTS) == []
        assert len(index.SCRIPTS) == 1 and index.SCRIPTS[0] in page  # the filter box still works
        text = visible_text(page)
        for attack in ATTACKS:
            assert text.count(attack) >= 3, attack  # title, theme heading, parameters, error

    @pytest.mark.slow
    def test_in_a_browser_nothing_runs_and_the_page_still_works(self, attacked):
        """The attacked report and index in Debian's chromium, offline: no alert, no console error,
        figures decode, the CSV link downloads its data, the index filter still filters."""
        import shutil

        import pandas as pd

        from drugflows import paths

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            pytest.skip("Debian chromium is not installed (run scripts/install-browser as root)")
        sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
        out, _ = attacked
        artifacts = paths.PROJECT_ROOT / "test-artifacts" / "browser"
        artifacts.mkdir(parents=True, exist_ok=True)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            left, errors, dialogs = [], [], []  # requests leaving the page, console errors, alerts
            try:
                for page_path in [out / "partnership_outcomes" / "xss.html", out / "index.html"]:
                    context = browser.new_context(
                        accept_downloads=True, viewport={"width": 1200, "height": 900}
                    )
                    context.route(
                        "**/*",
                        lambda route: (
                            route.continue_()
                            if route.request.url.startswith(("file:", "data:", "blob:"))
                            else (left.append(route.request.url), route.abort())
                        ),
                    )
                    page = context.new_page()
                    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                    page.goto(page_path.as_uri(), wait_until="load")
                    page.screenshot(path=str(artifacts / f"attacked-{page_path.stem}.png"))
                    page.mouse.move(300, 300)
                    page.wait_for_timeout(300)
                    broken = page.eval_on_selector_all(
                        "img", "i => i.filter(x => !(x.complete && x.naturalWidth))"
                    )
                    assert (left, errors, dialogs, broken) == ([], [], [], [])
                    if page_path.name == "xss.html":
                        assert page.locator("img").count() >= 3
                        assert ATTACKS[0] in page.inner_text(".df-title")
                        with page.expect_download() as download:
                            page.locator("p.df-figure-data a").first.click()
                        assert len(pd.read_csv(download.value.path())) > 0
                    else:
                        page.fill("#filter", "no-such-report")
                        assert page.locator("tr[data-search]:not(.hidden)").count() == 0
                        page.fill("#filter", "")
                        assert page.locator("tr[data-search]:not(.hidden)").count() == 2
                    context.close()
            finally:
                browser.close()

    def test_the_page_pass_removes_what_slips_through(self):
        from drugflows.render.sanitize import clean_page

        payloads = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=//evil/x.js></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<img src=x OnError = 'alert(1)'>",
            '<a href="jav&#x09;ascript:alert(1)">a</a>',
            '<a href=" JaVaScRiPt:alert(1)">a</a>',
            '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
            '<a href="vbscript:msgbox(1)">a</a>',
            "<svg onload=alert(1)><script>alert(1)</script></svg>",
            '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
            "<object data=javascript:alert(1)></object>",
            '<div style="background:url(javascript:alert(1))">s</div>',
            '<div style="width: expression(alert(1))">s</div>',
            '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
            '<base href="javascript:alert(1)//">',
            '<form action="javascript:alert(1)"><button>b</button></form>',
            "<!-- --!><img src=x onerror=alert(1)> -->",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></math>",
            "<details open ontoggle=alert(1)>d</details>",
            '<a href="//evil.example/x">protocol-relative</a>',
        ]
        page = "<html><head></head><body>" + "".join(payloads) + "<p>kept &amp; shown</p></body></html>"
        cleaned = clean_page(page)
        assert dangers(cleaned) == []
        assert "evil" not in cleaned
        assert "<p>kept &amp; shown</p>" in cleaned

    @pytest.mark.parametrize(
        "payload, gone",
        [
            ("<style>p{}</style x><img src=x onerror=alert(1)></style>", "onerror"),
            ("<style>p{}</STYLE/><img src=x onerror=alert(1)></style>", "onerror"),
            ('<img src="a.png" srcset="https://evil.example/x.png 2x">', "srcset"),
            ('<input type="image" src="https://evil.example/x.png">', "<input"),
            ('<input type=IMAGE src="a.png">', "<input"),
            ('<a download="x.html" href="data:text/csv;base64,YQo=">a</a>', "download"),
        ],
        ids=[
            "style-end-tag-with-attribute",
            "style-end-tag-slash",
            "srcset",
            "input-image",
            "input-image-upper",
            "download-html",
        ],
    )
    def test_the_page_pass_drops_what_a_browser_reads_differently(self, payload, gone):
        """A browser ends a style element at `</style x>` (Python's parser does not); srcset,
        an image input and a download under a non-CSV name carry addresses or files the
        allow-list does not check."""
        from bs4 import BeautifulSoup

        from drugflows.render.sanitize import clean_page

        cleaned = clean_page("<html><head></head><body>" + payload + "<p>after</p></body></html>")
        assert gone not in cleaned.split("</head>", 1)[1]
        soup = BeautifulSoup(cleaned, "html.parser")  # as a browser: the style ends where it ends
        assert not soup.find_all("img", attrs={"onerror": True})
        assert not soup.find_all("input") and not soup.find_all(attrs={"srcset": True})
        assert "after" in soup.get_text()

    def test_the_page_pass_keeps_what_the_template_emits(self):
        from drugflows.render.sanitize import clean_page

        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>.a > b { color: red; }</style></head>'
            '<body><h2 id="x">T</h2><nav class="df-toc"><a href="#x">T</a></nav>'
            '<img src="data:image/png;base64,iVBOR" alt="Chart: a &lt;b&gt;">'
            '<p class="df-figure-data"><a download="a.csv" '
            'href="data:text/csv;charset=utf-8;base64,YQo=">CSV</a></p>'
            '<table><tr><th>a</th><td>1 &lt; 2</td></tr></table><a href="../index.html">All</a>'
            '<a href="https://www.cbp.gov/x">CBP</a></body></html>'
        )
        cleaned = clean_page(page)
        for kept in [
            "<!DOCTYPE html>",
            "<style>.a > b { color: red; }</style>",
            'src="data:image/png;base64,iVBOR" alt="Chart: a &lt;b&gt;"',
            'download="a.csv" href="data:text/csv;charset=utf-8;base64,YQo="',
            "<td>1 &lt; 2</td>",
            'href="../index.html"',
            'href="https://www.cbp.gov/x"',
            'href="#x"',
        ]:
            assert kept in cleaned, kept

    def test_markdown_outputs_show_raw_html_and_unsafe_links_as_text(self):
        from drugflows.render.sanitize import markdown_output_to_html

        html = markdown_output_to_html(
            "## " + ATTACK + "\n\n- [CBP](https://www.cbp.gov) and [r](../x/y.html)<br>next"
        )
        assert dangers(html) == []
        text = visible_text(html)
        assert all(attack in text for attack in ATTACKS)
        assert '<a href="https://www.cbp.gov">CBP</a>' in html and '<a href="../x/y.html">r</a>' in html
        assert "<br>next" in html
        assert "a – b &amp; c &lt;script&gt;" in markdown_output_to_html("a &ndash; b &amp; c &lt;script&gt;")

    def test_findings_show_link_image_and_html_syntax_as_text(self, monkeypatch):
        """display.bullets (every report's headline findings) and display.links (the profiles'
        lists of reports): a value composed into the text never becomes a link or an element."""
        from bs4 import BeautifulSoup

        from drugflows import display
        from drugflows.render.sanitize import markdown_output_to_html

        shown = []
        monkeypatch.setattr(display, "display", lambda obj, **_: shown.append(obj.data))
        value = (
            DATA_ATTACK
            + " "
            + display.literal("[z](https://evil.example/z)")
            + " \\\\[w](http://evil.example/w)"
        )
        display.bullets([f"The {value} accounts for **40%** of the pounds (US\\$9 million)."])
        display.links([[DATA_ATTACK, "../border_seizures/fent.html"], ["Evil", "https://evil.example/x"]])
        for markdown in shown:
            soup = BeautifulSoup(markdown_output_to_html(markdown), "html.parser")
            assert [a["href"] for a in soup.find_all("a")] in ([], ["../border_seizures/fent.html"])
            assert not soup.find_all(["img", "script", "iframe"]) and dangers(str(soup)) == []
        findings = BeautifulSoup(markdown_output_to_html(shown[0]), "html.parser")
        assert findings.find("strong").get_text() == "40%" and "US$9 million" in findings.get_text()
        assert DATA_ATTACK in findings.get_text() and "[z](https://evil.example/z)" in findings.get_text()
        listed = BeautifulSoup(markdown_output_to_html(shown[1]), "html.parser")
        assert listed.find("a").get_text() == DATA_ATTACK and "Evil" in listed.get_text()

    @pytest.mark.slow
    def test_a_data_value_from_a_raw_file_shows_as_text_in_the_headline_findings(self, tmp_path):
        """r09: a place name (CBP's Area of Responsibility) carrying a link, an image and a script
        is named in the border seizures report's findings: as text, parsed from the page."""
        import subprocess
        import sys

        import pandas as pd
        from bs4 import BeautifulSoup

        from drugflows import paths

        processed = tmp_path / "processed"
        shutil.copytree(paths.PROCESSED_DIR, processed)
        table = processed / "cbp_seizures_monthly.csv"
        seizures = pd.read_csv(table, keep_default_na=False, dtype=str)
        place = "SAN DIEGO FIELD OFFICE"  # the largest Southwest Border fentanyl place on file
        assert (seizures["aor"] == place).any()
        seizures["aor"] = seizures["aor"].replace(place, SHORT_DATA_ATTACK)
        seizures.to_csv(table, index=False, lineterminator="\n")
        catalog = tmp_path / "catalog.yml"
        catalog.write_text(
            "notebooks:\n  border_seizures:\n    runs:\n      - name: fent\n"
            "        parameters: {drug: fentanyl, region: Southwest Border}\n"
        )
        out = tmp_path / "out"
        run = subprocess.run(
            [sys.executable, "-m", "drugflows", "render", "--catalog", str(catalog), "--output", str(out)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "DRUGFLOWS_PROCESSED_DIR": str(processed)},
        )
        assert run.returncode == 0, run.stdout + run.stderr
        page = (out / "border_seizures" / "fent.html").read_text()
        soup = BeautifulSoup(page, "html.parser")
        assert dangers(page) == []
        assert not [a for a in soup.find_all("a") if "evil" in a.get("href", "").lower()]
        assert not [i for i in soup.find_all("img") if not i.get("alt", "").startswith("Chart")]
        finding = next(
            li.get_text() for li in soup.find_all("li") if li.get_text().startswith("Of all the pounds")
        )
        assert SHORT_DATA_ATTACK.title() in finding  # the report title-cases place names

    @pytest.mark.parametrize(
        "href",
        [
            "javascript&#58;alert(1)//x.html",
            "javascript&colon;alert(1)//x.html",
            "java%73cript:alert(1)//x.html",
            "..\\..\\x.html",
            " ../x/y.html",
            "../x/y.html#top\n[z](https://evil.example)",
        ],
    )
    def test_a_profile_link_with_an_encoded_scheme_is_refused(self, href):
        from drugflows import params

        with pytest.raises(params.ParameterError, match="is not a relative link to a report page"):
            params.links("related_reports", [["Title", href]])
        assert params.links("related_reports", [["T", "../border_seizures/fent.html"]]) == [
            ("T", "../border_seizures/fent.html")
        ]

    def test_report_table_escapes_cells_and_column_names(self, monkeypatch):
        import pandas as pd

        from drugflows import display

        shown = []
        monkeypatch.setattr(display, "display", shown.append)
        display.table(pd.DataFrame({ATTACKS[0]: [ATTACKS[1]], "n": [1.5]}), {"n": "{:,.1f}"})
        html = shown[0].to_html()
        assert dangers(html) == []
        assert ATTACKS[0] in visible_text(html) and ATTACKS[1] in visible_text(html)

    def test_literal_text_shows_as_written_in_markdown(self):
        from drugflows import display
        from drugflows.render.sanitize import markdown_output_to_html

        html = markdown_output_to_html(f"Programme: {display.literal(ATTACK + ' *x* $1$ | `c`')}")
        assert ATTACK + " *x* $1$ | `c`" in visible_text(html)

    def test_a_dollar_in_a_figure_title_is_a_dollar_not_mathematics(self):
        import io

        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from drugflows import plotting

        plotting.use_style()
        fig, ax = plt.subplots()
        ax.plot([1, 2], [1, 2])
        title = "Programme $_$ of 2bn"  # read as a formula, this one stops the report (ParseSyntaxException)
        fig = plotting.finish(fig, title, "US$ a, US$ b")
        fig.savefig(io.BytesIO(), format="png")
        assert plotting.alt_text(fig, title, "US$ a, US$ b").startswith("Chart: Programme $_$ of 2bn.")
        plt.close(fig)

    def test_csv_download_defuses_spreadsheet_formulas(self):
        import base64

        import pandas as pd

        from drugflows import plotting

        data = pd.DataFrame(
            {"program": ['=HYPERLINK("http://x","y")', "@SUM(A1)", "Plan"], "usd": [-1.5, 2.0, 3.0]}
        )
        link = plotting.csv_link(data, "Programme <b>")
        text = base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1)).decode()
        assert text.splitlines() == [
            "program,usd",
            '"\'=HYPERLINK(""http://x"",""y"")",-1.5',
            "'@SUM(A1),2.0",
            "Plan,3.0",
        ]
        assert 'download="programme-b.csv"' in link


# --- item 6 ----------------------------------------------------------------------------------------


def make_notebook(folder: Path, name: str, *cells: str, parameters: str = "marker = ''") -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


QUICK = "print('quick')"
RECORD = (
    "import json, os, sys\n"
    "if marker:\n"
    "    info = {'pid': os.getpid(), 'ppid': os.getppid(), 'argv': sys.argv,\n"
    "            'zygote': os.environ.get('DRUGFLOWS_KERNEL_ZYGOTE')}\n"
    "    open(marker + '.tmp', 'w').write(json.dumps(info)); os.replace(marker + '.tmp', marker)"
)


def specs_for(tmp_path: Path, text: str):
    path = tmp_path / "catalog.yml"
    path.write_text(text)
    return catalog.load_catalog(path, tmp_path / "notebooks")


def wait_for(predicate, seconds: float = 120, step: float = 0.2):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    return predicate()


@pytest.mark.slow
class TestTheRunnerSurvivesItsOwnFailures:
    """Item 6: hung reports, killed workers, a killed render and stray writes are contained."""

    def test_a_hung_cell_fails_its_report_after_timeout_seconds(self, tmp_path):
        import json
        import time

        from drugflows.render import runner, workers

        notebooks = tmp_path / "notebooks"
        marker = tmp_path / "kernel.json"
        make_notebook(notebooks, "hangs", RECORD, "import time\ntime.sleep(300)")
        make_notebook(notebooks, "quick", QUICK)
        specs = specs_for(
            tmp_path,
            f"notebooks:\n  hangs:\n    timeout_seconds: 3\n    runs:\n      - name: hung\n"
            f"        parameters: {{marker: {str(marker)!r}}}\n  quick:\n    runs:\n      - name: quick\n",
        )
        out = tmp_path / "reports"
        lines = []
        start = time.monotonic()
        summary = runner.render_all(specs, out, jobs=2, fork_kernels=False, echo=lines.append)
        assert time.monotonic() - start < 90
        by_key = {r.key: r for r in summary.results}
        assert by_key["quick/quick"].ok
        hung = by_key["hangs/hung"]
        assert hung.status == "failed"
        assert hung.error == (
            "CellTimeoutError: cell 3 still running after 3 s (timeout_seconds in the catalog); "
            "the kernel was stopped"
        )
        assert (out / "hangs" / "hung.failed.html").exists() and not (out / "hangs" / "hung.html").exists()
        kernel = json.loads(marker.read_text())["pid"]
        assert wait_for(lambda: not workers.pid_alive(kernel), 20), "the hung kernel was stopped"

    def test_a_run_that_fails_before_its_kernel_never_shows_the_previous_report(self, tmp_path, monkeypatch):
        import papermill

        from drugflows.render import runner

        notebooks = tmp_path / "notebooks"
        make_notebook(notebooks, "first", "print('the first report')")
        make_notebook(notebooks, "second", QUICK)
        specs = specs_for(
            tmp_path,
            "notebooks:\n  first:\n    runs:\n      - name: a\n  second:\n    runs:\n      - name: b\n",
        )
        assert runner.render_one(specs[0], tmp_path / "out").ok
        real = papermill.execute_notebook

        def broken(*args, **kwargs):
            kwargs["engine_name"]  # the engine is chosen (and the last run forgotten) for every run
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(papermill, "execute_notebook", broken)
        result = runner.render_one(specs[1], tmp_path / "out")
        monkeypatch.setattr(papermill, "execute_notebook", real)
        assert (result.status, result.error) == ("failed", "OSError: [Errno 5] Input/output error")
        assert result.html is None and not list((tmp_path / "out" / "second").glob("*.html"))

    def test_a_killed_worker_fails_only_its_own_report(self, tmp_path):
        import json

        from drugflows.render import runner

        notebooks = tmp_path / "notebooks"
        # A plain kernel is its worker's child: it kills the worker, then itself.
        make_notebook(
            notebooks, "killer", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos._exit(0)"
        )
        make_notebook(notebooks, "quick", QUICK)
        make_notebook(notebooks, "quick_after", QUICK)
        text = (
            "notebooks:\n  quick:\n    runs:\n      - name: before\n"
            "  killer:\n    runs:\n      - name: killer\n"
            "  quick_after:\n    runs:\n      - name: quick_after\n"
        )
        specs = specs_for(tmp_path, text)
        out = tmp_path / "reports"
        lines = []
        summary = runner.render_all(specs, out, jobs=1, fork_kernels=False, echo=lines.append)
        status = {r.key: (r.status, r.error) for r in summary.results}
        assert status["quick/before"] == ("ok", None) and status["quick_after/quick_after"] == ("ok", None)
        assert status["killer/killer"][0] == "failed"
        assert re.fullmatch(
            r"worker crashed: WorkerDied: the worker process \(pid \d+\) was killed by SIGKILL before the "
            r"report finished",
            status["killer/killer"][1],
        ), status
        manifest = json.loads((out / "manifest.json").read_text())["reports"]
        assert {k: v["status"] for k, v in manifest.items()} == {
            "quick/before": "ok",
            "killer/killer": "failed",
            "quick_after/quick_after": "ok",
        }
        assert "3 reports in" in lines[-1] and "2 ok, 1 failed" in lines[-1]
        assert not list(out.glob("*/.work-*"))  # the dead worker's scratch folder is gone

    def test_the_executor_survives_a_dead_worker(self):
        import os
        import signal

        from drugflows.render import workers

        def task(n):
            if n == 1:
                os.kill(os.getpid(), signal.SIGKILL)
            if n == 2:
                raise ValueError("two")
            return n * 10

        executor = workers.ProcessPerReport(2)
        futures = [executor.submit(task, n) for n in range(5)]
        executor.shutdown(wait=True)
        assert [futures[n].result() for n in (0, 3, 4)] == [0, 30, 40]
        with pytest.raises(workers.WorkerDied, match=r"was killed by SIGKILL"):
            futures[1].result()
        with pytest.raises(ValueError, match="two"):
            futures[2].result()

    def test_a_worker_that_cannot_be_started_fails_its_report_only(self, monkeypatch):
        import multiprocessing.process

        from drugflows.render import workers

        real = multiprocessing.process.BaseProcess.start
        calls = []

        def start(self):
            calls.append(1)
            if len(calls) == 2:
                raise OSError(11, "Resource temporarily unavailable")
            return real(self)

        monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
        executor = workers.ProcessPerReport(1)
        futures = [executor.submit(abs, -n) for n in range(3)]
        executor.shutdown(wait=True)
        assert futures[0].result() == 0 and futures[2].result() == 2
        with pytest.raises(OSError, match="Resource temporarily unavailable"):
            futures[1].result()

    def test_when_the_render_dies_its_zygote_workers_and_kernels_die_and_the_next_render_cleans_up(
        self, tmp_path
    ):
        import json
        import os
        import shutil
        import subprocess
        import sys
        import tempfile

        from drugflows.render import workers

        notebooks = tmp_path / "notebooks"
        marker = tmp_path / "kernel.json"
        make_notebook(notebooks, "sleeper", RECORD, "import time\ntime.sleep(300)")
        (tmp_path / "catalog.yml").write_text(
            "notebooks:\n  sleeper:\n    runs:\n      - name: s\n"
            f"        parameters: {{marker: {str(marker)!r}}}\n"
        )
        out = tmp_path / "reports"
        driver = tmp_path / "driver.py"
        driver.write_text(
            "import sys\nfrom drugflows.render import catalog, runner\n"
            "specs = catalog.load_catalog(sys.argv[1], sys.argv[2])\n"
            "runner.render_all(specs, output_dir=sys.argv[3], jobs=1)\n"
        )
        private_tmp = tempfile.mkdtemp(prefix="df-")  # short: Unix socket paths are limited
        try:
            render = subprocess.Popen(
                [sys.executable, str(driver), str(tmp_path / "catalog.yml"), str(notebooks), str(out)],
                env={**os.environ, "TMPDIR": private_tmp},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            info = wait_for(lambda: marker.exists() and json.loads(marker.read_text()), 180)
            assert info, "the sleeping report started"
            children = [
                int(pid)
                for task in Path(f"/proc/{render.pid}/task").iterdir()
                for pid in (task / "children").read_text().split()
            ]
            zygote = info["ppid"]
            assert zygote in children and len(children) >= 2  # the zygote and the worker
            render.kill()
            render.wait()
            for pid in [*children, info["pid"]]:
                assert wait_for(lambda pid=pid: not workers.pid_alive(pid), 15), (
                    f"process {pid} outlived the render"
                )
            scratch = list(out.glob("sleeper/.work-*"))
            kernel_folder = Path(info["argv"][info["argv"].index("-f") + 1]).parent
            zygote_folder = Path(info["zygote"]).parent
            assert scratch and kernel_folder.exists() and zygote_folder.exists()  # what the kill left
            expected, removed = {*scratch, kernel_folder, zygote_folder}, set()
            # the next render's clean-up (a socket may take a moment to be released by the dead)
            wait_for(
                lambda: (
                    removed.update(workers.clean_leftovers(out, tmp_dir=private_tmp, grace_s=0))
                    or removed >= expected
                ),
                10,
            )
            assert removed == expected
            assert not list(out.glob("sleeper/.work-*")) and os.listdir(private_tmp) == []
        finally:
            if render.poll() is None:
                render.kill()
            shutil.rmtree(private_tmp, ignore_errors=True)

    def test_a_report_that_writes_into_the_processed_data_is_not_a_success(self, tmp_path, monkeypatch):
        import shutil

        from drugflows import paths
        from drugflows.render import runner

        processed = tmp_path / "processed"
        shutil.copytree(paths.PROCESSED_DIR, processed)
        monkeypatch.setattr(paths, "PROCESSED_DIR", processed)
        notebooks = tmp_path / "notebooks"
        make_notebook(
            notebooks,
            "writer",
            "open(target + '/cbp_seizures_monthly.csv', 'a').write('x')",
            parameters="target = ''",
        )
        specs = specs_for(
            tmp_path,
            f"notebooks:\n  writer:\n    runs:\n      - parameters: {{target: {str(processed)!r}}}\n",
        )
        out = tmp_path / "reports"
        summary = runner.render_all(specs, out, jobs=1, fork_kernels=False, echo=lambda _: None)
        (result,) = summary.results
        assert result.status == "failed"
        assert result.error.startswith(
            f"DataChanged: the processed data changed while this report ran ({processed}: "
            "cbp_seizures_monthly.csv); a report must not write there"
        )
        assert not list((out / "writer").glob("*[!d].html")) and list((out / "writer").glob("*.failed.html"))

    @pytest.mark.parametrize(
        ("jobs", "message"),
        [
            ("0", "got '0'"),
            ("two", "got 'two'"),
            ("-3", "got '-3'"),
            ("1_0", "got '1_0'"),  # int() takes underscores
            ("\u0664", "got '\u0664'"),  # and Arabic-Indic digits
        ],
    )
    def test_jobs_must_be_a_positive_whole_number(self, tmp_path, jobs, message):
        import subprocess
        import sys

        run = subprocess.run(
            [sys.executable, "-m", "drugflows", "render", "--jobs", jobs, "--output", str(tmp_path / "o")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2
        assert f"argument --jobs/-j: must be a positive whole number, {message}" in run.stderr
        assert not (tmp_path / "o").exists()

    def test_jobs_are_capped_by_cores_and_memory(self, monkeypatch):
        import os

        from drugflows.render import workers

        notes = []
        monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
        monkeypatch.setattr(workers, "_available_memory", lambda: 3 * workers.WORKER_MEMORY_BYTES + 1)
        assert workers.effective_jobs(64, notes.append) == 2
        monkeypatch.setattr(workers, "_available_memory", lambda: workers.WORKER_MEMORY_BYTES)
        assert workers.effective_jobs(2, notes.append) == 1
        assert notes == [
            "--jobs 64 capped to 2 (2 cores, 2.1 GB of memory available)",
            "--jobs 2 capped to 1 (2 cores, 0.7 GB of memory available)",
        ]
        with pytest.raises(ValueError, match="--jobs must be a positive whole number, got 0"):
            workers.effective_jobs(0)


# --- item 7 ----------------------------------------------------------------------------------------


def drugflows(*args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=600
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def earlier_output(one_good_report) -> tuple[Path, Path]:
    """(catalog, output folder holding one good report rendered before the trouble): the shared
    render of conftest's ``one_good_report``, which the tests copy before changing anything."""
    return one_good_report


@pytest.mark.slow
class TestFileSystemTroubleOnTheRenderSide:
    """Item 7: the command names the path and the problem, exits 2, and leaves earlier outputs."""

    def refused(self, run, *expected: str) -> None:
        assert run.returncode == 2, run.stdout + run.stderr
        assert "Traceback" not in run.stderr, run.stderr
        for text in expected:
            assert text in run.stderr, run.stderr

    def test_output_folder_is_a_file(self, tmp_path, earlier_output):
        cat, _ = earlier_output
        target = tmp_path / "reports"
        target.write_text("not a folder")
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(target)),
            f"drugflows: error: {target}: is a file, not a folder",
        )
        assert target.read_text() == "not a folder"

    def test_notebook_folder_is_a_file(self, tmp_path, earlier_output):
        import shutil

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        shutil.rmtree(out / "us_demand")
        (out / "us_demand").write_text("in the way")
        before = tree(out)
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out), "--force"),
            f"{out / 'us_demand'}: is a file, not a folder",
        )
        assert tree(out) == before

    def test_a_notebook_folder_that_is_a_link_is_refused_and_nothing_outside_is_touched(
        self, tmp_path, earlier_output
    ):
        """r05: <output>/us_demand linking outside the output folder: the render would write the
        report there and its clean-up would remove a dead render's scratch folder there."""
        import shutil

        cat, earlier = earlier_output
        out, elsewhere = tmp_path / "reports", tmp_path / "elsewhere"
        shutil.copytree(earlier, out)
        shutil.rmtree(out / "us_demand")
        (elsewhere / ".work-999999-keepme").mkdir(parents=True)
        (elsewhere / ".work-999999-keepme" / "precious.txt").write_text("precious")
        (out / "us_demand").symlink_to(elsewhere)
        before, outside = tree(out), tree(elsewhere)
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out), "--force"),
            f"{out / 'us_demand'}: is a symbolic link (to {elsewhere})",
        )
        assert tree(out) == before and tree(elsewhere) == outside
        from drugflows.render import workers

        workers.clean_leftovers(out, older_than_s=0)  # the next render's clean-up: not through a link
        assert (elsewhere / ".work-999999-keepme" / "precious.txt").read_text() == "precious"

    def test_the_index_map_cache_is_never_written_through_a_link(self, tmp_path, earlier_output):
        """The index writes its map into ``.cache`` in the output folder: a link there is refused
        like a linked notebook folder, and nothing is written where it points."""
        import shutil

        cat, earlier = earlier_output
        out, elsewhere = tmp_path / "reports", tmp_path / "elsewhere"
        shutil.copytree(earlier, out)
        shutil.rmtree(out / ".cache", ignore_errors=True)
        elsewhere.mkdir()
        (out / ".cache").symlink_to(elsewhere)
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out), "--force"),
            f"{out / '.cache'}: is a symbolic link (to {elsewhere})",
        )
        assert list(elsewhere.iterdir()) == []

    def test_a_notebook_folder_that_is_a_fifo_is_called_a_named_pipe(self, tmp_path, earlier_output):
        import shutil

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        shutil.rmtree(out / "us_demand")
        os.mkfifo(out / "us_demand")
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out), "--force"),
            f"{out / 'us_demand'}: is a named pipe (FIFO), not a folder",
        )

    def test_output_folder_is_a_symlink_loop(self, tmp_path, earlier_output):
        cat, _ = earlier_output
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(tmp_path / "a")),
            f"{tmp_path / 'a'}: the output folder is a symbolic link loop",
        )
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(tmp_path / "a" / "reports")),
            f"{tmp_path / 'a' / 'reports'}: cannot create the output folder (a symbolic link loop)",
        )

    def test_read_only_output_folder(self, tmp_path, earlier_output):
        import shutil
        import subprocess
        import sys

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        before = tree(out)
        # A read-only bind mount in a private mount namespace (root ignores permission bits).
        script = (
            f"mount --bind {out} {out} && mount -o remount,bind,ro {out} && "
            f"{sys.executable} -m drugflows render --catalog {cat} --output {out} --force"
        )
        if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
            pytest.skip("unshare -m is not permitted here: no read-only mount to test with")
        run = subprocess.run(
            ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=600
        )
        self.refused(
            run, f"drugflows: error: {out}: cannot write into the output folder (read-only file system)"
        )
        assert tree(out) == before

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (b'{"reports": {', "the manifest is not valid JSON (Expecting property name"),
            (b"[1, 2]", "the manifest is not a mapping with a 'reports' mapping"),
            (b'{"reports": []}', "the manifest is not a mapping with a 'reports' mapping"),
            (b"\xff\xfe{}", "the manifest is not UTF-8 text (byte 0)"),
            (b'{"reports": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "the manifest is nested too deeply"),
        ],
        ids=["bad-json", "list", "reports-list", "not-utf8", "nested-deep-r06"],
    )
    def test_corrupt_manifest_stops_the_render_before_anything_changes(
        self, tmp_path, earlier_output, content, problem
    ):
        import shutil

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        (out / "manifest.json").write_bytes(content)
        before = tree(out)
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out), "--force"),
            f"drugflows: error: {out / 'manifest.json'}: {problem}",
            "nothing in the output folder was changed",
        )
        assert tree(out) == before

    def test_manifest_that_is_a_folder(self, tmp_path, earlier_output):
        import shutil

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        (out / "manifest.json").unlink()
        (out / "manifest.json").mkdir()
        self.refused(
            drugflows("render", "--catalog", str(cat), "--output", str(out)),
            f"{out / 'manifest.json'}: cannot read the manifest (a folder, not a file)",
        )

    def test_a_bad_manifest_entry_is_skipped_with_a_note(self, tmp_path, earlier_output):
        import json
        import shutil

        cat, earlier = earlier_output
        out = tmp_path / "reports"
        shutil.copytree(earlier, out)
        manifest = json.loads((out / "manifest.json").read_text())
        good = manifest["reports"]["us_demand/cocaine"]
        manifest["reports"]["x/bad"] = {"notebook": "x", "title": ["not", "text"]}
        manifest["reports"]["x/evil"] = {**good, "key": "x/evil", "html": "javascript:alert(1)"}
        manifest["reports"]["x/list"] = [1, 2]
        (out / "manifest.json").write_text(json.dumps(manifest))
        run = drugflows("render", "--catalog", str(cat), "--output", str(out))
        assert run.returncode == 0, run.stdout + run.stderr
        assert (
            f"note: {out / 'manifest.json'}: entry 'x/bad' skipped ('title' is list ['not', 'text'])"
            in run.stdout
        )
        assert "entry 'x/evil' skipped ('html' = 'javascript:alert(1)' is not a report file" in run.stdout
        assert "entry 'x/list' skipped (not a mapping but list)" in run.stdout
        index = visible_text((out / "index.html").read_text())
        assert "3 manifest entries skipped (unreadable)" in index and "x/evil: 'html' =" in index
        assert "skip    us_demand/cocaine" in run.stdout  # the good one is still recognised
        kept = json.loads((out / "manifest.json").read_text())["reports"]
        assert kept["x/list"] == [1, 2]  # kept as it was, not lost

    def test_a_cache_folder_in_the_way_costs_only_time(self, tmp_path):
        cat = tmp_path / "catalog.yml"
        cat.write_text(
            "notebooks:\n  country_profile:\n    runs:\n      - name: col\n        region: Andean region\n"
            "        parameters: {country: COL}\n"
        )
        out = tmp_path / "reports"
        out.mkdir()
        (out / ".cache").write_text("a file where the map cache goes")
        run = drugflows("render", "--catalog", str(cat), "--output", str(out))
        assert run.returncode == 0, run.stdout + run.stderr
        assert 'class="map" src="data:image/png;base64,' in (out / "index.html").read_text()
        assert (out / ".cache").read_text() == "a file where the map cache goes"


@pytest.mark.slow
def test_relative_output_and_processed_folders_are_read_against_the_callers_folder(tmp_path):
    """Kernels run in notebooks/: a relative --output (or $DRUGFLOWS_PROCESSED_DIR) must still name
    the folder the caller meant, not one under notebooks/."""
    import os
    import shutil
    import subprocess
    import sys

    from drugflows import paths

    (tmp_path / "catalog.yml").write_text(
        "notebooks:\n  us_demand:\n    runs:\n      - name: heroin\n        parameters: {drug: heroin}\n"
    )
    shutil.copytree(paths.PROCESSED_DIR, tmp_path / "tables")
    env = {**os.environ, paths.PROCESSED_DIR_ENV: "tables"}
    run = subprocess.run(
        [sys.executable, "-m", "drugflows", "render", "--catalog", "catalog.yml", "--output", "out"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out" / "us_demand" / "heroin.html").is_file()
    assert not (paths.NOTEBOOKS_DIR / "out").exists() and not (paths.NOTEBOOKS_DIR / "tables").exists()


@pytest.mark.parametrize(
    "title, message",
    [
        ('"Demand \\ud800 {drug}"', "is not valid Unicode text"),
        ('"{drug:>100000000000}"', "may not carry a conversion or a format"),
        ('"{drug:.999f}"', "may not carry a conversion or a format"),
        ('"' + "x" * 301 + '"', "at most 300"),
    ],
)
def test_titles_that_no_page_can_carry_are_refused(tmp_path, title, message):
    text = f"notebooks:\n  us_demand:\n    title: {title}\n    runs:\n      - parameters: {{drug: cocaine}}\n"
    _, read = load(tmp_path, text)
    with pytest.raises(catalog.CatalogError, match=message):
        read()


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "[1, .nan]"])
def test_non_finite_numbers_in_the_catalog_are_refused(tmp_path, value):
    """The manifest is JSON, which has no NaN or infinity: a catalog value that is one is refused."""
    path = tmp_path / "catalog.yml"
    path.write_text(
        f"notebooks:\n  us_demand:\n    runs:\n      - name: x\n        parameters: {{first_year: {value}}}\n"
    )
    with pytest.raises(catalog.CatalogError, match="finite numbers"):
        catalog.load_catalog(path)
