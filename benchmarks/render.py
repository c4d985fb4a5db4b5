"""Benchmark of `drugflows render` on the default catalog (prints its figures; no assertions).

(a) `drugflows render` wall time, fresh output folder, default workers (number of cores);
(b) the naive way: for each report the papermill CLI, then the `jupyter nbconvert` CLI, one by one;
(c) the floor: a kernel that only starts, imports pandas, matplotlib and seaborn, and stops, timed
    once per report, one after another.
(d) a no-op rerun: `drugflows render` again on (a)'s output, nothing changed (every report skipped);
(e) the size of the report HTML files (median and largest);
(f) a partial rerun on (a)'s output after one CBP table (``cbp_seizures_monthly``) changed: only the
    reports that read it are rendered again.
(g) ``--full-catalog OUTPUT``: instead of (a)-(f), one fresh render (``--force``) of the whole catalog,
    the generated country profiles included, into OUTPUT: its wall time, and how many profiles the
    catalog generates under the rule of :func:`drugflows.reports.country_profile.profiled_countries`.
Every run reads a copy of ``data/processed`` ($DRUGFLOWS_PROCESSED_DIR), which (f) changes; the
repository's tables are never touched.
Targets (issue 2, on a 2-core machine): a/b <= 0.4, and a <= 1.5 x c / cores; (issue 7) d <= 3 s,
median HTML <= 1.5 MB, largest <= 4 MB.

Run: `make benchmark` (or .venv/bin/python benchmarks/render.py [--repeat N]).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from drugflows import paths
from drugflows.render.catalog import load_catalog

BIN = Path(sys.executable).parent
FLOOR_CODE = "import pandas, matplotlib.pyplot, seaborn"
CHANGED_TABLE = "cbp_seizures_monthly"


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


ONLY: list[str] = []  # notebooks or notebook/name to time (default: the whole catalog)


def specs():
    from drugflows.render.catalog import select

    catalog = load_catalog()
    return select(catalog, ONLY) if ONLY else catalog


def runner_seconds(out: Path, *options: str) -> float:
    only = ["--only", *ONLY] if ONLY else []
    return timed([str(BIN / "drugflows"), "render", "--output", str(out), *only, *options])


def partial_rerun(out: Path, processed: Path) -> tuple[float, int]:
    """Change one CBP table's file in the processed copy (same rows, new bytes, as a republished
    file), rerender on ``out``: (seconds, reports rendered again)."""
    from drugflows import tables

    with open(processed / tables.info(CHANGED_TABLE, processed).file, "a", encoding="utf-8") as f:
        f.write("\n")
    only = ["--only", *ONLY] if ONLY else []
    start = time.perf_counter()
    run = subprocess.run(
        [str(BIN / "drugflows"), "render", "--output", str(out), *only],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, len(re.findall(r"^(ok|failed) ", run.stdout, re.M))


def naive_seconds(out: Path) -> float:
    total = 0.0
    for spec in specs():
        ipynb = out / f"{spec.notebook}-{spec.name}.ipynb"
        args = ["-y", json.dumps(spec.parameters)]  # YAML: lists and None arrive as such
        total += timed(
            [
                str(BIN / "papermill"),
                str(spec.input_path),
                str(ipynb),
                *args,
                "-k",
                "python3",
                "--no-progress-bar",
            ],
            cwd=spec.notebook_dir,
        )
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(ipynb)])
    return total


def floor_seconds() -> float:
    """One kernel start + pandas/matplotlib/seaborn import + shutdown."""
    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.execute_interactive(FLOOR_CODE, timeout=120, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return time.perf_counter() - start


def generated_profiles_line() -> str:
    """How many country profiles the catalog generates, and the rule."""
    from drugflows.reports.country_profile import MIN_SECTIONS, SECTIONS

    n = sum(1 for s in load_catalog() if s.notebook == "country_profile")
    return (
        f"{n} country profiles generated: countries with data in at least {MIN_SECTIONS} of the "
        f"{len(SECTIONS)} sections ({', '.join(SECTIONS)})"
    )


def full_catalog(out: Path) -> None:
    """(g): the whole catalog rendered once from scratch into ``out``; prints its wall time."""
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    run = subprocess.run(
        [str(BIN / "drugflows"), "render", "--output", str(out), "--force"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    ok = len(re.findall(r"^ok ", run.stdout, re.M))
    failed = len(re.findall(r"^failed ", run.stdout, re.M))
    print(f"machine: {cores} cores; {generated_profiles_line()}")
    print(
        f"(g) full catalog, drugflows render --force: {seconds:6.1f} s = {seconds / 60:.1f} min "
        f"({ok} ok, {failed} failed of {len(load_catalog())} reports)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (c); best is kept")
    parser.add_argument(
        "--skip-naive",
        action="store_true",
        help="leave out (b), the slow naive run (minutes for the whole catalog)",
    )
    parser.add_argument(
        "--only", nargs="+", default=[], help="time only these notebooks or notebook/name reports"
    )
    parser.add_argument(
        "--full-catalog",
        metavar="OUTPUT",
        type=Path,
        help="instead of (a)-(f): render the whole catalog once, from scratch, into OUTPUT, and time it",
    )
    args = parser.parse_args()
    if args.full_catalog:
        full_catalog(args.full_catalog)
        return
    ONLY.extend(args.only)
    n = len(specs())
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        processed = tmp / "processed"
        shutil.copytree(paths.PROCESSED_DIR, processed)
        os.environ[paths.PROCESSED_DIR_ENV] = str(processed)  # every run below reads the copy
        runner_seconds(tmp / "warmup")  # font cache, page cache
        a_runs = [runner_seconds(tmp / f"a{i}") for i in range(args.repeat)]
        noop_runs = [runner_seconds(tmp / "a0") for _ in range(args.repeat)]
        sizes = sorted(p.stat().st_size for p in (tmp / "a0").glob("*/*.html"))
        f, rerendered = partial_rerun(tmp / "a0", processed)
        plain_runs = [runner_seconds(tmp / f"p{i}", "--no-fork-kernels") for i in range(args.repeat)]
        naive_dir = tmp / "naive"
        naive_dir.mkdir()
        b = None if args.skip_naive else naive_seconds(naive_dir)
        del os.environ[paths.PROCESSED_DIR_ENV]
    floor_runs = [floor_seconds() for _ in range(max(args.repeat, 1) * 3)]
    a = min(a_runs)
    floor = statistics.median(floor_runs)
    c = floor * n
    scope = f"{', '.join(ONLY)} from {paths.REPORT_CATALOG.name}" if ONLY else paths.REPORT_CATALOG.name
    print(f"machine: {cores} cores; {n} reports: {scope}; {generated_profiles_line()}")
    print(f"(a) drugflows render:           {a:6.1f} s  (runs: {', '.join(f'{x:.1f}' for x in a_runs)})")
    print(
        f"    same, --no-fork-kernels:    {min(plain_runs):6.1f} s  "
        f"(runs: {', '.join(f'{x:.1f}' for x in plain_runs)})"
    )
    if b is not None:
        print(f"(b) papermill + nbconvert CLIs: {b:6.1f} s")
    print(f"(c) floor, {floor:.2f} s x {n} reports:  {c:6.1f} s  (c / cores = {c / cores:.1f} s)")
    d = min(noop_runs)
    print(
        f"(d) no-op rerun (all skipped):  {d:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in noop_runs)}; "
        f"target <= 3 s: {'met' if d <= 3 else 'NOT met'})"
    )
    median_mb, largest_mb = statistics.median(sizes) / 1e6, sizes[-1] / 1e6
    print(
        f"(e) report HTML: median {median_mb:.2f} MB (target <= 1.5), largest {largest_mb:.2f} MB "
        f"(target <= 4): {'met' if median_mb <= 1.5 and largest_mb <= 4 else 'NOT met'}"
    )
    print(
        f"(f) partial rerun after {CHANGED_TABLE} changed: {f:6.1f} s  "
        f"({rerendered} of {n} reports rendered again; full render {a:.1f} s)"
    )
    if b is not None:
        print(f"a/b = {a / b:.2f}   (target <= 0.40: {'met' if a / b <= 0.4 else 'NOT met'})")
    print(
        f"a/c = {a / c:.2f};  a / (c / cores) = {a / (c / cores):.2f}   "
        f"(target <= 1.50: {'met' if a <= 1.5 * c / cores else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
