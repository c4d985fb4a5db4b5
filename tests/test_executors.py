"""Beyond one machine: the runner takes any concurrent.futures executor, and `drugflows render --dask`
submits the reports to a Dask distributed cluster (here a LocalCluster on 127.0.0.1). Also: reruns
are deterministic and incremental."""

from __future__ import annotations

import concurrent.futures as cf
import json
import re
import shutil
import subprocess
import sys
import time

import pytest

from drugflows.render import catalog, runner

pytestmark = pytest.mark.slow

GENERATED = re.compile(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def drugflows(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=600
    )


def test_runner_takes_any_executor(tmp_path):
    specs = catalog.select(catalog.load_catalog(), ["us_demand/cocaine"])
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        summary = runner.render_all(
            specs, tmp_path, executor=pool, fork_kernels=False, echo=lambda line: None
        )
    assert summary.all_ok and (tmp_path / "us_demand" / "cocaine.html").exists()
    # The table log reaches a kernel started from a worker thread (the runner's context variable).
    assert summary.results[0].tables == [
        "cbp_seizures_monthly",
        "nflis_reports",
        "unodc_seizures",
        "us_overdose_deaths",
    ]


def test_dask_local_cluster_renders_the_reports(tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        run = drugflows(
            "render", "--dask", cluster.scheduler_address, "--only", "us_demand", "--output", str(tmp_path)
        )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("fentanyl", "methamphetamine", "cocaine"):
        assert re.search(rf"^ok\s+us_demand/{name}\s", run.stdout, re.M)
        assert (tmp_path / "us_demand" / f"{name}.html").exists()


def test_reruns_are_identical_but_for_the_date_and_skip_when_nothing_changed(tmp_path):
    only = ["--only", "border_seizures/heroin-southwest-border", "source_countries/coca"]
    first = drugflows("render", *only, "--output", str(tmp_path))
    assert first.returncode == 0, first.stderr
    pages = sorted(tmp_path.glob("*/*.html"))
    before = {p: GENERATED.sub("", p.read_text()) for p in pages}

    unchanged = drugflows("render", *only, "--output", str(tmp_path))
    assert unchanged.returncode == 0
    assert unchanged.stdout.count("skip ") == 2 and "none rendered" in unchanged.stdout

    forced = drugflows("render", *only, "--output", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert len(re.findall(r"^ok ", forced.stdout, re.M)) == 2
    for page in pages:
        assert GENERATED.sub("", page.read_text()) == before[page], page.name
    manifest = json.loads((tmp_path / "manifest.json").read_text())["reports"]
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
