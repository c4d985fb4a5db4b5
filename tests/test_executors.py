"""Beyond one machine: the runner takes any concurrent.futures executor, and `drugflows render --dask`
submits the reports to a Dask distributed cluster (here a LocalCluster on 127.0.0.1). Also: reruns
are deterministic and incremental."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from drugflows.render import catalog, runner

pytestmark = pytest.mark.slow

GENERATED = re.compile(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def drugflows(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=600
    )


def us_demand(name: str, **parameters) -> catalog.ReportSpec:
    """A us_demand run with parameters of its own (no other test renders them)."""
    spec = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])[0]
    return dataclasses.replace(spec, name=name, parameters=parameters)


def test_runner_takes_any_executor(tmp_path):
    specs = [us_demand("cocaine-from-2005", drug="cocaine", first_year=2005)]
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        summary = runner.render_all(
            specs, tmp_path, executor=pool, fork_kernels=False, echo=lambda line: None
        )
    assert summary.all_ok and (tmp_path / "us_demand" / "cocaine-from-2005.html").exists()
    # The table log reaches a kernel started from a worker thread (the runner's context variable).
    assert summary.results[0].tables == [
        "cbp_seizures_monthly",
        "nflis_reports",
        "overdose_deaths_12m_by_drug",
        "overdose_deaths_12m_by_state",
        "unodc_seizures",
        "us_overdose_deaths",
    ]


def test_dask_local_cluster_renders_the_reports(tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    drugs = ("fentanyl", "methamphetamine", "cocaine")
    # Runs of their own: the default catalog's us_demand runs are rendered by other tests.
    runs = [{"name": drug, "parameters": {"drug": drug, "first_year": 2010}} for drug in drugs]
    cat = tmp_path / "catalog.yml"
    cat.write_text(yaml.safe_dump({"notebooks": {"us_demand": {"runs": runs}}}))
    out = tmp_path / "reports"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        run = drugflows(
            "render", "--dask", cluster.scheduler_address, "--catalog", str(cat), "--output", str(out)
        )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in drugs:
        assert re.search(rf"^ok\s+us_demand/{name}\s", run.stdout, re.M)
        assert (out / "us_demand" / f"{name}.html").exists()


def test_reruns_are_identical_but_for_the_date_and_skip_when_nothing_changed(tmp_path):
    # Two runs no other test renders: the first render below is this test's own.
    doc = {
        "notebooks": {
            "border_seizures": {
                "runs": [
                    {
                        "name": "heroin-southwest-since-fy2021",
                        "parameters": {"drug": "Heroin", "region": "Southwest Border", "first_fy": 2021},
                    }
                ]
            },
            "source_countries": {
                "runs": [
                    {"name": "coca-col-per", "parameters": {"crop": "coca", "countries": ["COL", "PER"]}}
                ]
            },
        }
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(doc))
    out = tmp_path / "reports"
    own = ["--catalog", str(tmp_path / "catalog.yml")]
    first = drugflows("render", *own, "--output", str(out))
    assert first.returncode == 0, first.stderr
    pages = sorted(out.glob("*/*.html"))
    assert len(pages) == 2
    before = {p: GENERATED.sub("", p.read_text()) for p in pages}

    unchanged = drugflows("render", *own, "--output", str(out))
    assert unchanged.returncode == 0
    assert unchanged.stdout.count("skip ") == 2 and "none rendered" in unchanged.stdout

    forced = drugflows("render", *own, "--output", str(out), "--force")
    assert forced.returncode == 0
    assert len(re.findall(r"^ok ", forced.stdout, re.M)) == 2
    for page in pages:
        assert GENERATED.sub("", page.read_text()) == before[page], page.name
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    assert all(len(entry["input_key"]) == 64 for entry in manifest.values())


def test_a_changed_input_key_reruns_the_report(tmp_path, monkeypatch, one_good_report):
    cat, earlier = one_good_report  # rendered once by the command, shared with other tests
    out = tmp_path / "reports"
    shutil.copytree(earlier, out)
    specs = catalog.load_catalog(cat)
    lines = []
    runner.render_all(specs, out, fork_kernels=False, echo=lines.append)
    assert lines[0].startswith("skip")
    monkeypatch.setattr(runner, "input_key", lambda *args: "changed")
    lines.clear()
    start = time.perf_counter()
    runner.render_all(specs, out, fork_kernels=False, echo=lines.append)
    assert lines[0].startswith("ok") and time.perf_counter() - start > 0.3
