"""The report runner: failures do not stop the batch, HTML is offline, writes are atomic."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from drugflows import tables
from drugflows.render import catalog

pytestmark = pytest.mark.slow

REMOTE_REF = re.compile(
    r"<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE,
)


def render(catalog_text: str, tmp_path: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    cat = tmp_path / "catalog.yml"
    cat.write_text(catalog_text)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "drugflows",
            "render",
            "--catalog",
            str(cat),
            "--output",
            str(out),
            "--jobs",
            "2",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


GOOD_AND_BAD = """
notebooks:
  border_seizures:
    title: "Seizures: {drug}, {region}"
    theme: Trafficking flows
    runs:
      - name: heroin-northern
        parameters: {drug: Heroin, region: Northern Border}
      - name: broken
        parameters: {drug: Unobtainium, region: Northern Border}
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    out = tmp / "reports"
    first = render(GOOD_AND_BAD, tmp, out)
    return tmp, out, first


def test_a_failing_report_does_not_stop_the_others(batch):
    _, out, run = batch
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert any(re.match(r"ok\s+border_seizures/heroin-northern\s+\d+\.\d s$", ln) for ln in lines)
    failed = [ln for ln in lines if ln.startswith("failed")]
    assert len(failed) == 1 and "border_seizures/broken" in failed[0]
    assert "ParameterError: Unknown drug 'Unobtainium'. Valid values: cocaine, fentanyl" in failed[0]
    assert "2 reports in" in lines[-1] and "1 ok, 1 failed" in lines[-1]
    folder = out / "border_seizures"
    assert sorted(p.name for p in folder.iterdir()) == [
        "broken.failed.html",
        "broken.failed.ipynb",
        "heroin-northern.html",
        "heroin-northern.ipynb",
    ]


def test_index_and_manifest_mark_the_failure(batch):
    _, out, _ = batch
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    good, bad = manifest["border_seizures/heroin-northern"], manifest["border_seizures/broken"]
    assert good["status"] == "ok" and bad["status"] == "failed"
    assert good["vintages"] == {
        name: tables.info(name).vintage for name in ("cbp_seizures_monthly", "border_crossings_monthly")
    }
    assert good["parameters"] == {"drug": "Heroin", "region": "Northern Border"}
    assert good["tables"] == ["border_crossings_monthly", "cbp_seizures_monthly"]  # its kernel's log
    assert good["seconds"] > 0
    index = (out / "index.html").read_text()
    assert 'href="border_seizures/heroin-northern.html"' in index
    assert 'href="border_seizures/broken.failed.ipynb"' in index
    assert "Unknown drug 'Unobtainium'" in index  # escaped text, quotes need no entity
    assert "1 failed" in index
    vintage = good["vintages"]["cbp_seizures_monthly"]
    assert f"<td>{vintage}</td>" in index.split("<code>cbp_seizures_monthly</code>")[-1]  # one table


def test_html_is_self_contained(batch):
    _, out, _ = batch
    for page in [out / "index.html", *sorted((out / "border_seizures").glob("*.html"))]:
        html = page.read_text()
        assert not REMOTE_REF.search(html), f"{page.name} loads {REMOTE_REF.search(html).group(0)}"
        assert "cdnjs" not in html and "@import url(http" not in html
    report = (out / "border_seizures" / "heroin-northern.html").read_text()
    executed = nbformat.read(out / "border_seizures" / "heroin-northern.ipynb", as_version=4)
    figures = sum("image/png" in o.get("data", {}) for c in executed.cells for o in c.get("outputs", []))
    images = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]{0,30})", report)
    assert len(images) == figures >= 5
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "Heroin seized at the Northern Border" in report
    assert "from drugflows import" not in report  # code hidden by default


def test_failed_run_keeps_the_last_good_report(batch):
    tmp, out, _ = batch
    good = out / "border_seizures" / "heroin-northern.html"
    before = good.read_bytes()
    # The good run only, now failing: the broken run would be the batch's run again, unchanged.
    one = GOOD_AND_BAD.split("      - name: broken")[0]
    run = render(one.replace("Heroin, region: Northern Border}", "Heroin, region: Atlantis}"), tmp, out)
    assert run.returncode == 1
    assert good.read_bytes() == before
    assert (out / "border_seizures" / "heroin-northern.failed.html").exists()
    index = (out / "index.html").read_text()
    assert "Unknown region 'Atlantis'" in index
    assert 'href="border_seizures/heroin-northern.html">last good version' in index
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_forked_and_plain_kernels_give_the_same_report(batch):
    tmp, out, _ = batch
    one = GOOD_AND_BAD.split("      - name: broken")[0]
    plain = tmp / "plain"
    run = render(one, tmp, plain, "--no-fork-kernels")
    assert run.returncode == 0, run.stdout + run.stderr
    generated = re.compile(r"Generated [^<]*")
    forked_html = generated.sub("", (out / "border_seizures" / "heroin-northern.html").read_text())
    plain_html = generated.sub("", (plain / "border_seizures" / "heroin-northern.html").read_text())
    assert forked_html == plain_html
    manifest = json.loads((plain / "manifest.json").read_text())["reports"]
    assert manifest["border_seizures/heroin-northern"]["tables"] == [
        "border_crossings_monthly",
        "cbp_seizures_monthly",
    ]


def test_default_catalog_lists_the_reports():
    specs = catalog.load_catalog()
    assert [s.key for s in specs] == [
        "border_seizures/fentanyl-southwest-border",
        "border_seizures/methamphetamine-southwest-border",
        "border_seizures/cocaine-southwest-border",
        "border_seizures/heroin-southwest-border",
        "border_seizures/marijuana-southwest-border",
        "border_seizures/fentanyl-northern-border",
        "trafficking_flows/cocaine",
        "trafficking_flows/fentanyl",
        "trafficking_flows/methamphetamine",
        "trafficking_flows/heroin",
        "us_demand/fentanyl",
        "us_demand/methamphetamine",
        "us_demand/cocaine",
        "us_demand/heroin",
        "source_countries/coca",
        "source_countries/opium-poppy",
        "colombia_eradication/lag-1",
        "colombia_eradication/lag-2",
        "partnership_outcomes/plan-colombia",
        "partnership_outcomes/merida-initiative",
        "partnership_outcomes/carsi",
        "partnership_outcomes/cbsi",
        "partnership_outcomes/peru",
        "partnership_outcomes/afghanistan",
        "cost_effectiveness/plan-colombia",
        "threat_finance/all-programs",
        "threat_finance/mexico",
        "mexico_violence/intentional-homicide",
        "mexico_violence/extortion-corridor-states",
        "strategy_check/latest",
    ] + [s.key for s in specs if s.notebook in ("country_profile", "region_profile")]
    # 43 listed runs, 13 of them region profiles; the country profiles are generated (test_profiles)
    assert len([s for s in specs if s.notebook != "country_profile"]) == 43
    assert specs[0].title == "Drug seizures at the US border: fentanyl, Southwest Border"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notebooks:\n  no_such_notebook: {}\n", "no notebook"),
        (
            "notebooks:\n  border_seizures:\n    runs:\n      - name: a\n      - name: a\n",
            "duplicate name 'a'",
        ),
        ("notebooks:\n  border_seizures:\n    runs:\n      - name: ../evil\n", "not a safe file name"),
        (
            "notebooks:\n  border_seizures:\n    runs:\n      - parameters: {drug: {a: 1}}\n",
            "parameters must be plain",
        ),
        ("reports: []\n", "expected a top-level 'notebooks:' mapping"),
    ],
)
def test_bad_catalogs_are_refused_with_file_and_entry(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(catalog.CatalogError, match=re.escape(message)) as err:
        catalog.load_catalog(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("start_failures, status, calls", [(1, "ok", 2), (5, "failed", 2)])
def test_a_kernel_that_never_starts_is_tried_once_more(tmp_path, monkeypatch, start_failures, status, calls):
    import papermill

    from drugflows.render import runner

    real = papermill.execute_notebook
    attempts = []

    def flaky(*args, **kwargs):
        attempts.append(1)
        if len(attempts) <= start_failures:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    spec = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])[0]
    # A run of its own: no other test renders cocaine from 2000.
    spec = dataclasses.replace(
        spec, name="cocaine-from-2000", parameters={"drug": "cocaine", "first_year": 2000}
    )
    result = runner.render_one(spec, tmp_path)
    assert (result.status, len(attempts)) == (status, calls)
    if status == "failed":
        assert result.error == "RuntimeError: Kernel died before replying to kernel_info (2 attempts)"


def test_a_failing_notebook_is_not_rerun(tmp_path, monkeypatch):
    import papermill

    from drugflows.render import runner

    attempts = []

    def failing(*args, **kwargs):
        attempts.append(1)
        raise RuntimeError("a cell failed")

    monkeypatch.setattr(papermill, "execute_notebook", failing)
    spec = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])[0]
    result = runner.render_one(spec, tmp_path)
    assert (result.status, len(attempts), result.error) == ("failed", 1, "RuntimeError: a cell failed")
