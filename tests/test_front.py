"""The front of the project: findings collected from the reports, the index's front page, the
one-report ``drugflows render NOTEBOOK -p ...`` command and ``make lab``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest
from bs4 import BeautifulSoup

from drugflows import paths
from drugflows.display import FINDINGS_MIME
from drugflows.render import catalog, index, runner

# --- findings: emitted by display.findings, read by the runner, not shown twice -------------------


def _notebook_with_findings(*groups: list[str]):
    nb = nbformat.v4.new_notebook()
    for sentences in groups:
        cell = nbformat.v4.new_code_cell("display.findings(...)")
        cell.outputs = [
            nbformat.v4.new_output("display_data", {"text/markdown": "- " + "\n- ".join(sentences)}),
            nbformat.v4.new_output("display_data", {FINDINGS_MIME: {"findings": sentences}}),
        ]
        nb.cells.append(cell)
    return nb


def test_findings_are_read_in_order_and_stripped_from_the_page_copy():
    nb = _notebook_with_findings(["First, 12 kg.", "Second, 3%."], ["Third, 1999."])
    nb.cells[0].outputs.append(nbformat.v4.new_output("display_data", {FINDINGS_MIME: {"findings": [1]}}))
    assert runner.findings_of(nb) == ["First, 12 kg.", "Second, 3%.", "Third, 1999."]
    shown = runner.without_findings(nb)
    assert [len(c.outputs) for c in shown.cells] == [1, 1]  # the bullets stay
    assert len(nb.cells[0].outputs) == 3  # the executed notebook keeps them
    assert runner.findings_of(nbformat.v4.new_notebook()) is None


def test_every_notebook_opens_with_its_findings():
    """Every notebook emits its headline reading through display.findings (not bullets), once."""
    calls = {}
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        calls[path.stem] = [c.source.split("(")[0] for c in nb.cells if "display.findings(" in c.source]
    assert {k for k, v in calls.items() if v} == {p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert all(len(v) <= 1 for v in calls.values())


def test_a_rendered_report_records_its_findings_in_the_manifest(one_good_report):
    _, out = one_good_report
    entry = json.loads((out / "manifest.json").read_text())["reports"]["us_demand/cocaine"]
    findings = entry["findings"]
    assert isinstance(findings, list) and len(findings) >= 2 and all(isinstance(f, str) for f in findings)
    # The same sentences as the executed notebook's JSON output, read here without the runner.
    executed = json.loads((out / "us_demand" / "cocaine.ipynb").read_text())
    emitted = [
        o["data"][FINDINGS_MIME]["findings"]
        for c in executed["cells"]
        for o in c.get("outputs", [])
        if FINDINGS_MIME in o.get("data", {})
    ]
    assert emitted == [findings]
    page = (out / "us_demand" / "cocaine.html").read_text()
    assert FINDINGS_MIME not in page and '"findings"' not in page
    bullets = [li.get_text(" ", strip=True) for li in BeautifulSoup(page, "html.parser").select("li")]
    first_words = " ".join(findings[0].split()[:4]).replace("*", "")
    assert sum(first_words in b for b in bullets) == 1  # shown once, as a bullet


# --- the front page -------------------------------------------------------------------------------


def _entry(key, title, findings=None, status="ok", vintages=None, theme="Trafficking flows"):
    notebook, name = key.split("/")
    return {
        "key": key,
        "notebook": notebook,
        "name": name,
        "title": title,
        "theme": theme,
        "status": status,
        "parameters": {"drug": name},
        "seconds": 1.0,
        "vintages": vintages or {"cbp_seizures_monthly": "2026-10"},
        "html": f"{key}.html" if status == "ok" else f"{key}.failed.html",
        "findings": findings,
        "error": None if status == "ok" else "ParameterError: no",
    }


EVIL = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def _manifest(front_page, strategy=False):
    reports = {
        "border_seizures/cocaine": _entry(
            "border_seizures/cocaine",
            "Seizures: cocaine",
            ["Cocaine fell by 40% in FY2025.", "Second, 7 kg."],
        ),
        "border_seizures/heroin": _entry(
            "border_seizures/heroin", f"Seizures: heroin {EVIL}", [f"Heroin: 12 events {EVIL}."]
        ),
        "us_demand/fentanyl": _entry(
            "us_demand/fentanyl",
            "US demand: fentanyl",
            status="failed",
            theme="US demand",
            vintages={"cbp_seizures_monthly": "2026-09", "cdc_deaths": "2025"},
        ),
        "us_demand/cocaine": _entry("us_demand/cocaine", "US demand: cocaine", None, theme="US demand"),
    }
    if strategy:
        reports["strategy_check/default"] = _entry(
            "strategy_check/default", "Strategy check", ["**3 of 5** goals met."], theme="Strategy"
        )
    return {
        "generated": "2026-12-01T00:00:00+00:00",
        "commit": "abc",
        "reports": reports,
        "front_page": front_page,
    }


FRONT = [
    {"report": "border_seizures/cocaine", "finding": 1, "contains": "Cocaine"},
    {"report": "border_seizures/heroin", "finding": 1},
    {"report": "border_seizures/cocaine", "finding": 2, "contains": "heroin"},  # says something else now
    {"report": "border_seizures/cocaine", "finding": 3},  # no third finding
    {"report": "us_demand/fentanyl", "finding": 1},  # failed
    {"report": "us_demand/cocaine", "finding": 1},  # no findings recorded
    {"report": "trafficking_flows/cocaine", "finding": 1},  # not rendered
]


def _page(manifest):
    return BeautifulSoup(index.render_index(manifest), "html.parser")


def test_front_page_shows_declared_findings_with_links_and_leaves_out_the_missing_ones():
    page = _page(_manifest(FRONT))
    items = page.select("#key-findings + ul.findings > li")
    assert [li.get_text(" ", strip=True).split(" (")[0] for li in items] == [
        "Cocaine fell by 40% in FY2025.",
        f"Heroin: 12 events {EVIL}.",
    ]
    assert [li.a["href"] for li in items] == ["border_seizures/cocaine.html", "border_seizures/heroin.html"]
    note = page.select_one("#key-findings ~ p.note").get_text(" ", strip=True)
    assert note.startswith("Left out (5):")
    for expected in (
        "finding 2 of border_seizures/cocaine: it no longer mentions 'heroin'",
        "finding 3 of border_seizures/cocaine: the report has 2 findings",
        "finding 1 of us_demand/fentanyl: the report failed",
        "finding 1 of us_demand/cocaine: the report recorded no findings",
        "finding 1 of trafficking_flows/cocaine: the report has not been rendered",
    ):
        assert expected in note
    # Escaped: the catalog title and the finding show as text, and no script or handler survives
    # but the filter's own.
    assert len(page.find_all("script")) == 1 and "alert" not in page.find("script").string
    assert not page.find_all("img", onerror=True) and not page.select("img[src=x]")


def test_front_page_order_strategy_check_and_one_vintage_table():
    page = _page(_manifest(FRONT[:2], strategy=True))
    order = [h.get("id") for h in page.find_all("h2")]
    assert order == ["key-findings", "strategy-check", "by-theme", "vintages"]
    assert page.select_one("#strategy-check + p a")["href"] == "strategy_check/default.html"
    assert (
        str(page.select_one("#strategy-check ~ ul.findings li"))
        == "<li><strong>3 of 5</strong> goals met.</li>"
    )
    rows = [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("table.vintages tbody tr")
    ]
    # Each (table, vintage) once, with the number of reports that read it; nowhere else.
    cbp = json.loads((paths.PROCESSED_DIR / "catalog.json").read_text())["cbp_seizures_monthly"]["source"]
    assert rows == [
        ["cbp_seizures_monthly", cbp, "2026-09", "1"],
        ["cbp_seizures_monthly", cbp, "2026-10", "4"],
        ["cdc_deaths", "", "2025", "1"],  # no longer on file: no source named
    ]
    assert page.get_text().count("2026-10") == 1
    assert [th.get_text() for th in page.select("#by-theme ~ section table thead th")][:4] == [
        "Report",
        "Parameters",
        "Status",
        "Time",
    ]
    without = _page(_manifest(FRONT[:2]))
    assert without.find(id="strategy-check") is None


def test_list_parameters_show_as_a_reader_writes_them():
    manifest = _manifest([])
    manifest["reports"]["border_seizures/heroin"]["parameters"] = {"country": ["GTM", "HND"], "year": None}
    cells = [c.get_text("|") for c in _page(manifest).select("#by-theme ~ section td:nth-of-type(2)")]
    assert "country=GTM, HND|year=None" in cells


def test_the_filter_hides_empty_groups_and_says_when_nothing_matches():
    page = _page(_manifest([]))
    assert page.find(id="key-findings") is None  # no front page declared: no section
    assert page.select_one("#no-match.hidden").get_text(strip=True) == "No report matches this filter."
    script = page.find("script").string
    assert 'querySelectorAll("section.group")' in script and '"no-match"' in script
    groups = page.select("section.group")
    assert len(groups) == 2 and all(g.select("[data-search]") for g in groups)


def test_a_bad_front_page_entry_in_an_earlier_manifest_is_left_out_with_a_note():
    page = _page(_manifest([{"report": "x", "finding": "1"}, "junk"]))
    assert page.select("#key-findings + ul") == []
    assert "Left out (2): an unreadable front-page entry" in page.get_text(" ", strip=True)
    assert index.entry_problem("a/b", {**_entry("a/b", "t"), "findings": [1]}).startswith("'findings'")


CATALOG = "notebooks:\n  us_demand:\n    runs:\n      - name: cocaine\n        parameters: {drug: cocaine}\n"


@pytest.mark.parametrize(
    ("front_page", "message"),
    [
        ("front_page: {report: us_demand/cocaine}", "front_page: expected a list"),
        ("front_page: [us_demand/cocaine]", r"front_page\[0\]: expected a mapping"),
        ("front_page: [{report: us_demand/cocain, finding: 1}]", "did you mean us_demand/cocaine"),
        ("front_page: [{report: us_demand/cocaine}]", r"front_page\[0\]: no 'finding'"),
        ("front_page: [{report: us_demand/cocaine, finding: 0}]", "finding must be the finding's position"),
        (
            "front_page: [{report: us_demand/cocaine, finding: true}]",
            "finding must be the finding's position",
        ),
        ("front_page: [{report: us_demand/cocaine, finding: 1, key: x}]", "unknown key 'key'"),
        ("front_page: [{report: us_demand/cocaine, finding: 1, contains: ''}]", "contains must be non-empty"),
        (
            "front_page: [{report: us_demand/cocaine, finding: 1}, {report: us_demand/cocaine, finding: 1}]",
            "listed twice",
        ),
        ("front_page: [" + ", ".join(["{report: us_demand/cocaine, finding: 1}"] * 11) + "]", "at most 10"),
    ],
)
def test_a_bad_front_page_is_refused_with_the_entry(tmp_path, front_page, message):
    path = tmp_path / "catalog.yml"
    path.write_text(CATALOG + front_page + "\n")
    specs = catalog.load_catalog(path)
    with pytest.raises(catalog.CatalogError, match=message):
        catalog.load_front_page(path, specs)


def test_the_default_front_page_names_6_to_10_findings_of_the_catalog():
    specs = catalog.load_catalog()
    items = catalog.load_front_page(paths.REPORT_CATALOG, specs)
    assert 6 <= len(items) <= 10
    assert len({i.report.split("/")[0] for i in items}) >= 4  # from several kinds of report
    assert all(i.contains for i in items)  # each guarded against a changed finding


@pytest.mark.slow
def test_the_rendered_index_opens_with_key_findings_each_with_a_number(rendered_catalog):
    out, run = rendered_catalog
    manifest = json.loads((out / "manifest.json").read_text())
    page = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    items = page.select("#key-findings + ul.findings > li")
    notes = page.select("#key-findings ~ p.note")
    declared = manifest["front_page"]
    # rendered_catalog leaves out the runs nbval executes: their findings are noted, not invented.
    missing = [d for d in declared if d["report"] not in manifest["reports"]]
    assert len(items) == len(declared) - len(missing) >= 4
    for li, item in zip(items, [d for d in declared if d not in missing], strict=True):
        sentence = manifest["reports"][item["report"]]["findings"][item["finding"] - 1]
        assert item["contains"].casefold() in li.get_text().casefold()
        assert any(ch.isdigit() for ch in sentence)
        assert li.a["href"] == manifest["reports"][item["report"]]["html"]
    if missing:
        assert "has not been rendered" in notes[0].get_text()


# --- drugflows render NOTEBOOK -p name=value ----------------------------------------------------


def drugflows(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("cocaine", "cocaine"),
        ("Southwest Border", "Southwest Border"),
        ("2008", 2008),
        ("0.25", 0.25),
        ("true", True),
        ("False", False),
        ("None", None),
        ("null", None),
        ("NO", "NO"),  # a code, not YAML 1.1's false
        ("GTM,HND,SLV", ["GTM", "HND", "SLV"]),
        ("[GTM, HND]", ["GTM", "HND"]),
        ("[NOR, 2010]", ["NOR", 2010]),
        ("[homicide_rate]", ["homicide_rate"]),
        ('"a,b"', "a,b"),
        ("!!python/object:os.system x", "!!python/object:os.system x"),
        ("x: y", "x: y"),
        # YAML 1.1 would read these as numbers: text here
        ("010", "010"),
        ("0x1F", "0x1F"),
        ("12:30", "12:30"),
        ("1_000", "1_000"),
        ("-", "-"),
        ("[COL, NO]", ["COL", "NO"]),  # items stripped
    ],
)
def test_parameter_values_are_typed_as_in_the_catalog(text, value):
    assert catalog.typed_value(text) == value


@pytest.mark.parametrize(
    ("text", "message"), [("", "empty value"), (" ", "empty value"), (".nan", "finite"), ("-inf", "finite")]
)
def test_empty_and_non_finite_values_are_refused(text, message):
    with pytest.raises(catalog.CatalogError, match=message):
        catalog.typed_value(text)


def test_one_report_runs_of_other_parameters_never_share_a_page_or_take_a_catalog_runs():
    whole = catalog.load_catalog()
    first = catalog.spec_for("border_seizures", {"drug": "cocaine", "first_fy": 2020}, whole)
    second = catalog.spec_for("border_seizures", {"drug": "cocaine", "last_fy": 2020}, whole)
    assert first.name != second.name and first.title != second.title
    assert {first.name, second.name}.isdisjoint({s.name for s in whole})
    assert (
        catalog.spec_for("border_seizures", {"drug": "cocaine", "first_fy": 2020}, whole).name == first.name
    )


def test_an_unknown_parameter_is_refused_with_the_valid_names(tmp_path):
    run = drugflows("render", "border_seizures", "-p", "drg=cocaine", "--output", str(tmp_path / "out"))
    assert run.returncode == 2
    assert (
        "'drg' is not a parameter of border_seizures.ipynb; valid names: drug, region, first_fy, last_fy. "
        "Did you mean 'drug'?" in run.stderr
    )
    assert not (tmp_path / "out").exists()
    run = drugflows("render", "border_seizure", "--output", str(tmp_path / "out"))
    assert (
        run.returncode == 2 and "no notebook 'border_seizure'. Did you mean: border_seizures?" in run.stderr
    )
    run = drugflows("render", "-p", "drug=cocaine", "--output", str(tmp_path / "out"))
    assert run.returncode == 2 and "name the notebook" in run.stderr


def test_a_run_with_the_catalogs_parameters_is_the_catalogs_run():
    specs = catalog.load_catalog()
    parameters = catalog.cli_parameters(
        ["drug=cocaine", "region=Southwest Border"], paths.NOTEBOOKS_DIR / "border_seizures.ipynb", "test"
    )
    spec = catalog.spec_for("border_seizures", parameters, specs)
    assert spec.key == "border_seizures/cocaine-southwest-border"
    other = catalog.spec_for("partnership_outcomes", {"program": "CARSI", "start_year": 2009}, specs)
    assert re.fullmatch(r"partnership_outcomes/carsi-2009-[0-9a-f]{8}", other.key)
    assert (
        other.title == "Partnership outcomes: CARSI (start_year=2009)"
        and other.theme == "Partnership outcomes"
    )
    clash = catalog.spec_for("partnership_outcomes", {"program": "CARSI"}, specs)
    # never overwrites the catalog's run of other parameters (the catalog's carsi sets the countries)
    assert clash.name.startswith("carsi-") and clash.name not in {s.name for s in specs}


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("fentanil", "fentanyl"),
        ("Sothwest Border", "Southwest Border"),
        ("coka", "coca"),
        ("opium poppy", "opium_poppy"),
        ("Merida", "Merida Initiative"),
        ("Plan Colombai", "Plan Colombia"),
    ],
)
def test_a_misspelt_value_gets_a_did_you_mean(value, valid):
    from drugflows.domain.drugs import DRUGS
    from drugflows.domain.outcomes import PROGRAMS
    from drugflows.params import did_you_mean
    from drugflows.reports.source_countries import CROPS

    vocabularies = [
        list(DRUGS),
        ["Northern Border", "Southwest Border", "All regions"],
        list(CROPS),
        list(PROGRAMS),
    ]
    assert any(did_you_mean(value, v) == f" Did you mean: {valid}?" for v in vocabularies)
    assert did_you_mean("Unobtainium", list(DRUGS)) == ""


@pytest.mark.slow
def test_a_misspelt_drug_fails_with_did_you_mean(tmp_path):
    out = tmp_path / "out"
    run = drugflows("render", "us_demand", "-p", "drug=fentanil", "--output", str(out))
    assert run.returncode == 1
    assert "Unknown drug 'fentanil'. Did you mean: fentanyl? Valid values:" in run.stdout
    reports = json.loads((out / "manifest.json").read_text())["reports"]
    (entry,) = [e for key, e in reports.items() if key.startswith("us_demand/fentanil-")]
    assert entry["status"] == "failed" and "Did you mean: fentanyl?" in entry["error"]


@pytest.mark.slow
def test_a_list_value_renders_one_report_with_the_full_page(tmp_path):
    out = tmp_path / "out"
    run = drugflows(
        "render", "source_countries", "-p", "crop=coca", "-p", "countries=COL,PER", "--output", str(out)
    )
    assert run.returncode == 0, run.stdout + run.stderr
    reports = json.loads((out / "manifest.json").read_text())["reports"]
    (entry,) = [e for key, e in reports.items() if key.startswith("source_countries/coca-col-per-")]
    assert entry["parameters"] == {"crop": "coca", "countries": ["COL", "PER"]}
    assert entry["status"] == "ok" and entry["findings"] and entry["vintages"]
    assert f"Report: {out / entry['html']}" in run.stdout
    page = BeautifulSoup((out / entry["html"]).read_text(), "html.parser")
    header = page.select_one("header.df-header").get_text(" ", strip=True)
    assert "countries=['COL', 'PER']" in header and "Data vintages: crop_estimates" in header
    assert page.select("a[download$='.csv']")  # the figures' CSV links, as in the catalog render
    assert (out / "index.html").exists()


# --- make lab ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("user_id", "root"), [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(user_id, root):
    run = subprocess.run(
        ["make", "-n", "lab", f"USER_ID={user_id}"],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lab = [line for line in run.stdout.splitlines() if "jupyter lab" in line]
    assert lab == [".venv/bin/jupyter lab --notebook-dir=notebooks" + (" --allow-root" if root else "")]
    assert ("running as root, so JupyterLab is started with --allow-root" in run.stdout) == root


def test_a_markdown_link_in_a_finding_stays_text_on_the_index():
    """A data value composed into a finding (an area name from a raw file, a parameter) that is
    Markdown link syntax shows as text on the index, as on the report page."""
    link = "SD [y](https://evil.example) <https://evil.example/x>"
    manifest = _manifest([{"report": "border_seizures/cocaine", "finding": 1}], strategy=True)
    manifest["reports"]["border_seizures/cocaine"]["findings"] = [f"Most seized at {link}."]
    manifest["reports"]["strategy_check/default"]["findings"] = [f"A claim at {link}."]
    page = _page(manifest)
    assert not [a for a in page.find_all("a") if "evil" in a.get("href", "")]
    assert "[y](https://evil.example)" in page.select_one("#key-findings + ul.findings > li").get_text()
