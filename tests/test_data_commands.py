"""drugflows data build / list / check: atomic builds, schema checks that catch real faults."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from drugflows import build, check, paths, tables
from drugflows._io import sha256_file


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=300
    )


def test_every_committed_table_passes_its_schema():
    results = check.check_all()
    assert set(results) == set(build.BUILDERS)
    assert {name: problems for name, problems in results.items() if problems} == {}


@pytest.fixture
def processed_copy(tmp_path):
    copy = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED_DIR, copy)
    return copy


def test_check_finds_duplicates_negatives_and_bad_codes(processed_copy):
    meta = tables.info("majors_list", processed_copy)
    frame = tables.load("majors_list", processed_copy)
    broken = pd.concat([frame, frame.head(1)], ignore_index=True)
    broken.loc[1, "iso3"] = "ZZZ"
    tables.write(broken, meta, processed_copy)  # the catalog on disk still says the old count
    problems = " | ".join(check.check_table(tables.info("majors_list", processed_copy), processed_copy))
    assert "rows share a key ['fiscal_year', 'iso3']" in problems
    assert "unknown ISO3 codes: ['ZZZ']" in problems
    assert f"{len(broken)} rows, catalog says {len(frame)}" in problems

    meta = tables.info("nflis_reports", processed_copy)
    frame = tables.load("nflis_reports", processed_copy)
    frame.loc[0, "reports"] = -3
    tables.write(frame, meta, processed_copy)
    assert "1 negative values in 'reports'" in " ".join(
        check.check_table(tables.info("nflis_reports", processed_copy), processed_copy)
    )


def test_a_failing_source_writes_nothing(tmp_path, processed_copy, fixtures):
    raw = tmp_path / "raw"
    shutil.copytree(fixtures / "cbp_renamed_column" / "cbp_drug_seizures", raw / "cbp_drug_seizures")
    before = {p.name: sha256_file(p) for p in processed_copy.iterdir()}
    with pytest.raises(ValueError, match="missing column"):
        build.build_all(raw=raw, processed_dir=processed_copy)
    assert {p.name: sha256_file(p) for p in processed_copy.iterdir()} == before


@pytest.mark.slow
def test_data_build_cli_takes_a_raw_folder_and_reports_a_bad_file(tmp_path, fixtures):
    raw = tmp_path / "raw"
    shutil.copytree(fixtures / "cbp_renamed_column" / "cbp_drug_seizures", raw / "cbp_drug_seizures")
    run = _run("data", "build", "--raw", str(raw), "--table", "cbp_seizures_monthly")
    assert run.returncode == 2
    assert "fixture-nationwide-drugs-fy25.csv: missing column(s) ['Drug Type']" in run.stderr


@pytest.mark.slow
def test_data_list_and_check_cli():
    listing = _run("data", "list")
    assert listing.returncode == 0
    assert "cbp_seizures_monthly (cbp_seizures_monthly.csv)" in listing.stdout
    assert "raw: cbp_drug_seizures/nationwide-drugs-fy23-fy26-apr.csv (2026-04;" in listing.stdout
    checked = _run("data", "check")
    assert checked.returncode == 0, checked.stdout
    assert f"{len(build.BUILDERS)} tables checked: {len(build.BUILDERS)} ok, 0 failed" in checked.stdout
