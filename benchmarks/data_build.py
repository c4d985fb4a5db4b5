"""Benchmark of the data layer (prints its figures; no assertions).

- wall time and peak memory (RSS of the process) of a full `drugflows data build` from ../shared/data
  into a scratch folder (targets: <= 60 s and <= 1.5 GB on this 2-core machine);
- the time for a notebook to load each processed table with `drugflows.tables.load`, imports done
  (target: <= 0.2 s each).

Run: .venv/bin/python benchmarks/data_build.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drugflows import tables

BUILD = """
import resource, sys, time
from pathlib import Path
from drugflows.build import build_all
start = time.perf_counter()
metas = build_all(processed_dir=Path(sys.argv[1]))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(metas))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", BUILD, tmp], capture_output=True, text=True, check=True
        ).stdout.split()
    seconds, peak_kb, count = float(out[0]), int(out[1]), int(out[2])
    print(
        f"full build of {count} tables: {seconds:.1f} s (target <= 60 s), "
        f"peak memory {peak_kb / 1024:.0f} MB (target <= 1536 MB)"
    )
    import geopandas  # noqa: F401 - a notebook that draws maps has it imported already

    worst = 0.0
    for name, meta in tables.read_catalog().items():
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            tables.load(name)
            runs.append(time.perf_counter() - start)
        median = statistics.median(runs)
        worst = max(worst, median)
        size = (Path(tables.paths.PROCESSED_DIR) / meta.file).stat().st_size
        print(f"  load {name:<26} {meta.rows:>8,} rows {size / 1e6:5.2f} MB  {median * 1000:6.1f} ms")
    print(
        f"slowest table load: {worst * 1000:.0f} ms (target <= 200 ms): "
        f"{'met' if worst <= 0.2 else 'NOT met'}"
    )
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
