"""Attacks on the data side ("nothing injected, nothing lost"), one class per guarantee.

- TestNothingLostSilently: raw layers, a missing --raw, case of names, vintages, shrinking tables,
  the checks every built frame passes before anything is written, truncated CSVs of every source.
- TestProcessedFolderAlwaysWhole: a build stopped at each write step (full disk, Ctrl-C, a kill),
  a real SIGKILL, two builds at once.
- TestFetchKeepsOnlyWholeFiles: short bodies, HTML pages, checksums (a server on 127.0.0.1 only).
- TestOSErrorsAreNamed: a folder where a file is due, a symlink loop, a read-only or full disk, a
  corrupt catalog.json, through the ``drugflows data`` commands.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import http.client
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drugflows import build, check, cli, paths, tables
from drugflows._io import sha256_file
from drugflows.fetch import FetchError, RemoteFile, download, fetch
from drugflows.sources import (
    RawLayoutError,
    assistance,
    cbp,
    cdc,
    colombia,
    dea,
    indicators,
    ofac,
    published_figures,
)

FIXTURES = Path(__file__).parent / "fixtures"
REAL_SHARED = paths.SHARED_DATA_DIR  # before any test stands in for it
CBP = "cbp_drug_seizures"
AMO = "cbp_amo_drug_seizures"
VINTAGES = FIXTURES / "cbp_vintages" / CBP
NOV, DEC = "fixture-nationwide-drugs-fy24-fy25-nov.csv", "fixture-nationwide-drugs-fy24-fy25-dec.csv"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}


def drugflows(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def processed_copy(tmp_path):
    copy = tmp_path / "data" / "processed"
    shutil.copytree(paths.PROCESSED_DIR, copy)
    return copy


@pytest.fixture
def layers(tmp_path, monkeypatch):
    """An empty data/raw/ and an empty shared folder standing in for the real ones."""
    raw, shared = tmp_path / "data_raw", tmp_path / "shared"
    raw.mkdir()
    shared.mkdir()
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "SHARED_DATA_DIR", shared)
    monkeypatch.delenv(paths.RAW_DIR_ENV, raising=False)
    return raw, shared


def put(root: Path, source: str, *files: Path, name: str | None = None) -> Path:
    folder = root / source
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, folder / (name or f.name))
    return folder


def months_by_vintage(table: pd.DataFrame) -> dict[str, str]:
    pairs = table.assign(m=table["month"].dt.strftime("%Y-%m"))[["m", "vintage"]].drop_duplicates()
    return dict(zip(pairs["m"], pairs["vintage"], strict=True))


class TestNothingLostSilently:
    def test_data_raw_adds_to_shared_so_the_older_rolling_file_keeps_its_months(self, layers):
        raw, shared = layers
        put(shared, CBP, VINTAGES / NOV)  # the shared folder has the older file only
        put(raw, CBP, VINTAGES / DEC)  # "drop the new file in data/raw/<source>/"
        with paths.recording() as log:
            table, meta = cbp.build_nationwide()
        assert months_by_vintage(table) == {
            "2024-08": "2024-11",  # only in the older file: kept
            "2024-09": "2024-12",
            "2024-10": "2024-12",
            "2024-11": "2024-12",
            "2024-12": "2024-12",
        }
        assert sorted(r.name for r in meta.raw_files) == [f"{CBP}/{DEC}", f"{CBP}/{NOV}"]
        account = "\n".join(paths.describe_reads(log))
        assert f"{CBP}: from {raw / CBP} + {shared / CBP}" in account
        assert f"read {shared / CBP / NOV}" in account and f"read {raw / CBP / DEC}" in account
        assert f"{DEC} (vintage 2024-12): months 2024-09 to 2024-12 taken" in account
        assert (
            f"{NOV} (vintage 2024-11): months 2024-08 taken; 2024-09 to 2024-11 from newer files" in account
        )

    def test_a_file_of_the_same_name_in_data_raw_replaces_the_shared_copy_and_says_so(self, layers):
        raw, shared = layers
        put(shared, CBP, VINTAGES / NOV, name="nationwide.csv")
        put(raw, CBP, VINTAGES / DEC, name="nationwide.csv")
        with paths.recording() as log:
            table, _ = cbp.build_nationwide()
        assert set(table["vintage"]) == {"2024-12"}
        assert f"{raw / CBP / 'nationwide.csv'} is used instead of {shared / CBP / 'nationwide.csv'}" in (
            "\n".join(paths.describe_reads(log))
        )

    def test_names_match_whatever_their_case(self, layers):
        raw, _ = layers
        put(raw, CBP, VINTAGES / DEC, name="NATIONWIDE-DRUGS-FY25-DEC.CSV")
        table, meta = cbp.build_nationwide()
        assert len(table) == 4 and meta.raw_files[0].name.endswith(".CSV")
        put(raw, "published_figures", REAL_SHARED / "published_figures" / "figures.csv")
        (raw / "published_figures" / "figures.csv").rename(raw / "published_figures" / "Figures.CSV")
        assert (paths.raw_source_dir("published_figures") / "figures.csv").name == "Figures.CSV"

    @pytest.mark.slow
    def test_a_raw_root_that_does_not_exist_is_an_error(self, tmp_path, processed_copy):
        before = digest(processed_copy)
        with pytest.raises(FileNotFoundError, match=r"--raw .*nowhere: the raw folder does not exist"):
            build.build_all(raw=tmp_path / "nowhere", processed_dir=processed_copy, only=["majors_list"])
        run = drugflows(
            "data", "build", "--raw", str(tmp_path / "nowhere"), "--processed", str(processed_copy)
        )
        assert run.returncode == 2 and "the raw folder does not exist" in run.stderr
        assert digest(processed_copy) == before

    def test_a_raw_root_that_is_a_link_loop_or_broken_link_says_so(self, tmp_path, processed_copy):
        loop, broken = tmp_path / "loop", tmp_path / "broken"
        loop.symlink_to(loop)
        broken.symlink_to(tmp_path / "gone")
        with pytest.raises(FileNotFoundError, match=r"--raw .*loop: the raw folder is a symbolic link loop"):
            build.build_all(raw=loop, processed_dir=processed_copy, only=["majors_list"])
        with pytest.raises(
            FileNotFoundError, match=r"--raw .*broken: the raw folder is a broken symbolic link"
        ):
            build.build_all(raw=broken, processed_dir=processed_copy, only=["majors_list"])

    def test_a_named_pipe_where_a_raw_file_is_due_is_called_one_and_never_opened(self, tmp_path):
        folder = tmp_path / CBP
        folder.mkdir()
        os.mkfifo(folder / "nationwide-drugs-fy27.csv")  # opening it would hang the build
        with pytest.raises(paths.RawFolderError, match=r"fy27\.csv: is a special file \(named pipe"):
            cbp.build_nationwide(tmp_path)

    def test_newest_vintage_wins_by_the_months_in_the_file_not_by_its_name(self, tmp_path):
        folder = tmp_path / CBP
        folder.mkdir()
        shutil.copy(VINTAGES / DEC, folder / "a-first-by-name.csv")  # newer, sorts first
        shutil.copy(VINTAGES / NOV, folder / "z-last-by-name.csv")  # older, sorts last
        table, meta = cbp.build_nationwide(tmp_path)
        october = table[table["month"] == "2024-10-01"]
        assert october[["component", "events", "lbs"]].values.tolist() == [["OFO", 5, 45.25]]
        assert meta.vintage == "2024-12"

    def test_two_files_of_the_same_vintage_that_disagree_are_refused(self, tmp_path):
        folder = tmp_path / CBP
        folder.mkdir()
        text = (VINTAGES / DEC).read_text()
        (folder / "one.csv").write_text(text)
        (folder / "two.csv").write_text(text.replace(",5,45.25", ",6,45.25"))
        with pytest.raises(
            RawLayoutError, match=r"both have vintage 2024-12 but different numbers for 2024-10"
        ):
            cbp.build_nationwide(tmp_path)
        (folder / "two.csv").write_text(text)  # identical copies are harmless
        assert len(cbp.build_nationwide(tmp_path)[0]) == 4

    def test_the_newest_nflis_extract_is_chosen_by_its_query_date_not_its_name(self, tmp_path):
        real = REAL_SHARED / "dea_nflis" / "NFLIS_Drug_DQS_2026_03_03_13_26_55.csv"
        folder = tmp_path / "dea_nflis"
        folder.mkdir()
        shutil.copy(real, folder / "NFLIS_Drug_DQS_2000_01_01.csv")  # the latest query, oldest name
        older = real.read_text().replace("2026-03-03 13:26:55", "2025-01-01 09:00:00")
        (folder / "NFLIS_Drug_DQS_2099_12_31.csv").write_text(older)
        with paths.recording() as log:
            _, meta = dea.build(tmp_path)
        assert meta.vintage == "2026-03-03"
        assert [r.name for r in meta.raw_files] == ["dea_nflis/NFLIS_Drug_DQS_2000_01_01.csv"]
        assert "NFLIS_Drug_DQS_2000_01_01.csv taken: query date 2026-03-03, the latest of 2 extracts" in (
            "\n".join(paths.describe_reads(log))
        )
        (folder / "NFLIS_Drug_DQS_2099_12_31.csv").write_text(real.read_text().replace('"4514"', '"4515"', 1))
        with pytest.raises(RawLayoutError, match="both were queried on 2026-03-03 but differ"):
            dea.build(tmp_path)

    def test_a_table_that_loses_months_is_refused_unless_allowed(self, tmp_path, processed_copy):
        raw = tmp_path / "raw"
        put(raw, CBP, FIXTURES / "cbp_new_drug" / CBP / "fixture-nationwide-drugs-fy26-oct.csv")
        before = digest(processed_copy)
        with pytest.raises(build.BuildError) as err:
            build.build_all(raw=raw, processed_dir=processed_copy, only=[cbp.NATIONWIDE_TABLE])
        message = str(err.value)
        assert "cbp_seizures_monthly: 18,763 rows fewer (18,765 -> 2)" in message
        assert "month value(s) no longer covered: 2018-10, 2018-11" in message
        assert "--allow-shrink" in message
        assert digest(processed_copy) == before
        lines = []
        build.build_all(
            raw=raw,
            processed_dir=processed_copy,
            only=[cbp.NATIONWIDE_TABLE],
            allow_shrink=True,
            echo=lines.append,
        )
        assert tables.info(cbp.NATIONWIDE_TABLE, processed_copy).rows == 2
        assert any(line.startswith("shrinks (allowed): cbp_seizures_monthly") for line in lines)
        assert (
            f"  {CBP}: from {raw / CBP} only (a given raw root: data/raw/ and ../shared/data/ not read)"
            in lines
        )

    def test_a_newer_file_that_drops_rows_of_a_covered_month_is_refused(self, tmp_path, processed_copy):
        """Same rows or more and every month still covered, yet one row of December is gone: the
        check compares the keys of each month, not the totals (r08)."""
        raw = tmp_path / "raw"
        put(raw, CBP, VINTAGES / NOV, VINTAGES / DEC)
        build.build_all(raw=raw, processed_dir=processed_copy, only=[cbp.NATIONWIDE_TABLE], allow_shrink=True)
        jan = FIXTURES / "cbp_dropped_key" / CBP / "fixture-nationwide-drugs-fy24-fy25-jan.csv"
        put(raw, CBP, jan)

        # Independently: the keys of December in the December file that the January file lacks.
        def december(path):
            with open(path, newline="", encoding="utf-8") as f:
                return {
                    (r["Region"], r["Area of Responsibility"], r["Drug Type"])
                    for r in csv.DictReader(f)
                    if r["Month (abbv)"] == "DEC"
                }

        gone = december(VINTAGES / DEC) - december(jan)
        assert gone == {("Northern Border", "DETROIT FIELD OFFICE", "Cocaine")}
        old_rows = tables.info(cbp.NATIONWIDE_TABLE, processed_copy).rows
        before = digest(processed_copy)
        with pytest.raises(build.BuildError) as err:
            build.build_all(raw=raw, processed_dir=processed_copy, only=[cbp.NATIONWIDE_TABLE])
        message = str(err.value)
        assert "rows fewer (" not in message and "no longer covered" not in message  # totals hold
        assert "1 rows of the previous build no longer present in 1 month value(s): 2024-12 (1)" in message
        assert "region=Northern Border" in message and "aor=DETROIT FIELD OFFICE" in message
        assert digest(processed_copy) == before
        lines = []
        build.build_all(
            raw=raw,
            processed_dir=processed_copy,
            only=[cbp.NATIONWIDE_TABLE],
            allow_shrink=True,
            echo=lines.append,
        )
        assert tables.info(cbp.NATIONWIDE_TABLE, processed_copy).rows == old_rows + 1
        assert any("shrinks (allowed): cbp_seizures_monthly: 1 rows" in line for line in lines)

    def test_a_table_without_a_key_is_compared_by_rows_per_year(self, processed_copy, monkeypatch):
        name = "crop_estimates"
        old = tables.load(name, processed_copy)
        year = int(old["year"].max())
        dropped = old[old["year"] == year].head(1)
        # keep the total: the dropped row of the last year comes back as a copy of an earlier row
        attacked = pd.concat([old.drop(dropped.index), old[old["year"] < year].head(1)], ignore_index=True)
        meta = tables.info(name, processed_copy)
        monkeypatch.setitem(build.BUILDERS, name, lambda raw: (attacked, meta))
        with pytest.raises(build.BuildError) as err:
            build.build_all(processed_dir=processed_copy, only=[name])
        assert f"1 rows fewer in 1 year value(s): {year} (1)" in str(err.value)

    @pytest.mark.parametrize(
        "attack, problem",
        [
            (lambda f: f.assign(lbs=f["lbs"].where(f.index > 0, np.inf)), "1 infinite values in 'lbs'"),
            (
                lambda f: f.assign(events=f["events"].astype(float) + 0.5),
                "values in 'events' are not whole numbers",
            ),
            (lambda f: f.assign(events=f["events"].astype(float) * 1e19), "do not fit a 64-bit integer"),
            (lambda f: pd.concat([f, f.head(1)], ignore_index=True), "2 rows share a key"),
            (
                lambda f: f.assign(month=f["month"] + pd.DateOffset(years=1)),
                "rows dated after their file's vintage, e.g. month 2025-08 in vintage 2024-11",
            ),
            (
                lambda f: f.assign(fiscal_year=f["fiscal_year"] + 3),
                "with a fiscal year after their file's vintage",
            ),
        ],
        ids=["infinite", "fraction", "overflow", "duplicate-key", "month-after-vintage", "fy-after-vintage"],
    )
    def test_every_built_frame_passes_the_data_check_before_anything_is_written(
        self, attack, problem, monkeypatch, processed_copy
    ):
        original = build.BUILDERS[cbp.NATIONWIDE_TABLE]

        def attacked(raw):
            frame, meta = original(FIXTURES / "cbp_vintages")
            return attack(frame), meta

        monkeypatch.setitem(build.BUILDERS, cbp.NATIONWIDE_TABLE, attacked)
        before = digest(processed_copy)
        with pytest.raises(build.BuildError, match="fails its checks; nothing was written") as err:
            build.build_all(processed_dir=processed_copy, only=[cbp.NATIONWIDE_TABLE], allow_shrink=True)
        assert problem in str(err.value)
        assert digest(processed_copy) == before

    def test_a_fiscal_year_after_a_dated_vintage_is_found_by_data_check_too(self, processed_copy):
        meta = tables.info("majors_list", processed_copy)
        frame = tables.load("majors_list", processed_copy)
        frame.loc[0, "fiscal_year"] = 2031
        tables.write(frame, meta, processed_copy)
        assert "majors_list: 1 rows with fiscal_year after the vintage FY2025" in check.check_table(
            meta, processed_copy
        )


def _truncate_last_line(path: Path) -> None:
    """Cut the file inside its last line, after its second field (what a cut download leaves)."""
    data = path.read_bytes().rstrip(b"\r\n").decode("latin-1")  # bytes kept as they are
    start = data.rfind("\n") + 1
    fields = next(csv.reader([data[start:]]))
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields[:2])
    path.write_bytes((data[:start] + out.getvalue()).encode("latin-1"))


# (builder, source folder, file) for every CSV a loader reads (CBP: tests/test_bad_input.py).
TRUNCATED = [
    (dea.build, "dea_nflis", "NFLIS_Drug_DQS_2026_03_03_13_26_55.csv"),
    (published_figures.build_flows, "published_figures", "figures.csv"),
    (published_figures.build, "peru", "coca_department_2020_2024.csv"),
    (colombia.build, "colombia", "dataset_paper3_v2.csv"),
    (published_figures.build, "colombia", "coca_cultivation.csv"),
    (indicators.build, "owid", "homicide-rate-unodc.csv"),
    (indicators.build, "owid_drugs", "death-rates-cocaine.csv"),
    (indicators.build, "worldbank", "WGIData.csv"),
    (assistance.build, "foreign_assistance", assistance.COUNTRY_FILE),
    (assistance.build, "state_cbj", "STATE budget by country.12.csv"),
    (cdc.build, "cdc_overdose", cdc.VSRR_FILE),
    (cdc.build, "owid_drugs", cdc.WONDER_FILE),
    (cdc.build_by_drug, cdc.RECENT_SOURCE, "Provisional_drug_overdose_death_counts_for_specific_drugs.csv"),
    (cdc.build_by_state, cdc.RECENT_SOURCE, "cdc_api_provisional_overdose_counts.csv"),
    (cdc.build_monthly, cdc.RECENT_SOURCE, "Multiple_Cause_of_Death_1999_2020_MANUAL_DOWNLOAD.csv"),
    (
        cdc.build_monthly,
        cdc.RECENT_SOURCE,
        "Provisional_Mortality_Statistics_2018_through_Last_Week_MANUAL_DOWNLOAD.csv",
    ),
    (cbp.build_amo, AMO, "amo-drug-seizures-fy23-fy26-dec.csv"),
    (ofac.build, "ofac_sdn", "add.csv"),  # sdn.csv (no header): tests/test_malformed_raw.py
    (ofac.build, "ofac_sdn", "sdn_first_last_seen.csv"),
]


@pytest.mark.parametrize("builder, source, name", TRUNCATED, ids=[f"{s}/{n}" for _, s, n in TRUNCATED])
def test_a_truncated_csv_is_refused_for_every_csv_source(builder, source, name, tmp_path, shared_data):
    raw = tmp_path / "raw"
    shutil.copytree(shared_data / source, raw / source)
    _truncate_last_line(raw / source / name)
    with pytest.raises(RawLayoutError) as err:
        builder(raw)
    assert f"{raw / source / name}: line(s) " in str(err.value)
    assert "have fewer fields than the header (a truncated file?)" in str(err.value)


@pytest.fixture
def small_raw(tmp_path):
    """Raw files that change two tables (CBP and AMO) against the committed ones."""
    raw = tmp_path / "raw"
    put(raw, CBP, FIXTURES / "cbp_new_drug" / CBP / "fixture-nationwide-drugs-fy26-oct.csv")
    put(raw, AMO, *sorted((FIXTURES / "amo_small" / AMO).iterdir()))
    return raw


SMALL = [cbp.NATIONWIDE_TABLE, cbp.AMO_TABLE]


def staging_leftovers(processed: Path) -> list[Path]:
    return sorted(processed.parent.glob(f".{processed.name}.staging-*"))


def assert_whole(processed: Path, old: dict, new: dict) -> str:
    """``data check`` passes and the folder is the old or the new build, never a mix; no scratch file
    inside. Returns which."""
    assert {n: p for n, p in check.check_all(processed).items() if p} == {}
    assert not [p.name for p in processed.iterdir() if p.name.startswith(".")]
    now = digest(processed)
    assert now in (old, new), {
        k: (k in old and old[k] == v, k in new and new[k] == v) for k, v in now.items()
    }
    return "old" if now == old else "new"


class TestProcessedFolderAlwaysWhole:
    @pytest.fixture
    def old_and_new(self, tmp_path, small_raw, processed_copy):
        """Digests of the processed folder before and after a clean small build."""
        scratch = tmp_path / "scratch" / "processed"
        shutil.copytree(processed_copy, scratch)
        build.build_all(raw=small_raw, processed_dir=scratch, only=SMALL, allow_shrink=True)
        old, new = digest(processed_copy), digest(scratch)
        assert old != new and {k for k in old if old[k] != new[k]} == {
            "cbp_seizures_monthly.csv",
            "amo_seizures_monthly.csv",
            "catalog.json",
        }
        return old, new

    def test_steps_are_counted(self):
        steps = build.publish_steps(["a.csv", "b.csv"])
        assert len(steps) == 6 and steps[1] == "write a.csv" and steps[-1].startswith("swap")

    @pytest.mark.parametrize("mode, exc", [("raise", OSError), ("interrupt", KeyboardInterrupt)])
    def test_a_build_stopped_at_any_write_step_leaves_old_or_new(
        self, mode, exc, old_and_new, small_raw, processed_copy, monkeypatch
    ):
        old, new = old_and_new
        steps = build.publish_steps([f"{t}.csv" for t in SMALL])
        seen = []
        for number in range(1, len(steps) + 1):
            monkeypatch.setenv(build.STOP_ENV, f"{number}:{mode}")
            with pytest.raises(exc) as err:
                build.build_all(raw=small_raw, processed_dir=processed_copy, only=SMALL, allow_shrink=True)
            if mode == "raise":
                assert err.value.errno == errno.ENOSPC and err.value.filename
            seen.append(assert_whole(processed_copy, old, new))
            assert staging_leftovers(processed_copy) == []  # cleaned up on the way out
            if seen[-1] == "new":  # the swap happened: put the old tables back for the next step
                shutil.rmtree(processed_copy)
                shutil.copytree(paths.PROCESSED_DIR, processed_copy)
        assert seen == ["old"] * (len(steps) - 1) + ["new"]

    @pytest.mark.slow
    def test_a_build_killed_at_any_write_step_leaves_old_or_new(self, old_and_new, small_raw, processed_copy):
        old, new = old_and_new
        steps = build.publish_steps([f"{t}.csv" for t in SMALL])
        args = [
            "data",
            "build",
            "--raw",
            str(small_raw),
            "--processed",
            str(processed_copy),
            "--allow-shrink",
        ]
        args += [a for t in SMALL for a in ("--table", t)]
        for number in range(1, len(steps) + 1):
            run = drugflows(*args, env={build.STOP_ENV: f"{number}:exit"})
            assert run.returncode == 137, run.stderr
            state = assert_whole(processed_copy, old, new)
            assert state == ("new" if number == len(steps) else "old")
            if state == "new":
                shutil.rmtree(processed_copy)
                shutil.copytree(paths.PROCESSED_DIR, processed_copy)
        assert staging_leftovers(processed_copy)  # a kill leaves its staging folder beside ...
        run = drugflows(*args)
        assert run.returncode == 0, run.stderr
        assert staging_leftovers(processed_copy) == []  # ... and the next build removes it
        assert assert_whole(processed_copy, old, new) == "new"

    @pytest.mark.slow
    def test_a_real_sigkill_during_a_build(self, old_and_new, small_raw, processed_copy):
        old, new = old_and_new
        process = subprocess.Popen(
            [sys.executable, "-m", "drugflows", "data", "build", "--raw", str(small_raw)]
            + [
                "--processed",
                str(processed_copy),
                "--allow-shrink",
                "--table",
                SMALL[0],
                "--table",
                SMALL[1],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while (
            not staging_leftovers(processed_copy) and process.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode in (-signal.SIGKILL, 0)
        assert_whole(processed_copy, old, new)

    @pytest.mark.slow
    def test_a_real_sigint_during_a_build(self, old_and_new, small_raw, processed_copy):
        old, new = old_and_new
        process = subprocess.Popen(
            [sys.executable, "-m", "drugflows", "data", "build", "--raw", str(small_raw)]
            + [
                "--processed",
                str(processed_copy),
                "--allow-shrink",
                "--table",
                SMALL[0],
                "--table",
                SMALL[1],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while (
            not staging_leftovers(processed_copy) and process.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.002)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        if process.returncode != 0:  # else the build had finished before the signal
            assert process.returncode == 130 and "drugflows: interrupted" in err and "Traceback" not in err, (
                err
            )
        assert assert_whole(processed_copy, old, new) in ("old", "new")
        assert staging_leftovers(processed_copy) == []  # Ctrl-C cleans up on the way out

    @pytest.mark.slow
    def test_a_second_build_at_the_same_time_stops_with_a_clear_message(self, small_raw, processed_copy):
        before = digest(processed_copy)
        with build.lock(processed_copy):  # another build is writing
            run = drugflows(
                "data",
                "build",
                "--raw",
                str(small_raw),
                "--processed",
                str(processed_copy),
                "--table",
                SMALL[0],
            )
        assert run.returncode == 2
        assert f"another `drugflows data build` (pid {os.getpid()}) is writing these tables" in run.stderr
        assert digest(processed_copy) == before

    def test_lock_and_staging_are_out_of_sight_of_git_and_of_the_render_key(self):
        names = [
            build.lock_path(paths.PROCESSED_DIR),
            paths.DATA_DIR / f".processed{build.STAGING_INFIX}abc123",
            paths.DATA_DIR / f".processed{build.PREVIOUS_INFIX}abc123",
        ]
        for path in names:
            assert path.parent != paths.PROCESSED_DIR  # the render keys on data/processed/*
        run = subprocess.run(
            ["git", "check-ignore", *map(str, names)], cwd=paths.PROJECT_ROOT, capture_output=True, text=True
        )
        assert run.returncode == 0 and len(run.stdout.split()) == len(names), run.stdout + run.stderr


# --- fetch ----------------------------------------------------------------------------------------

BODY = b"Entity,Code,Year,Homicide rate per 100,000 population\nColombia,COL,2020,22.6\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the http.server name
        if self.path.startswith("/short/"):  # announces the whole file, sends half, closes
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[: len(BODY) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif self.path.startswith("/html/"):  # a "please log in" page with a 200 and a csv name
            page = b"<!DOCTYPE html>\n<html><body>Please log in</body></html>\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        elif self.path.startswith("/sniffed/"):  # HTML sent as text/plain
            page = b"\n  <html><head><title>Moved</title></head></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class TestFetchKeepsOnlyWholeFiles:
    def fetch_one(self, server, source, tmp_path, sha256=None):
        remote = RemoteFile(source, "homicide-rate-unodc.csv", "unused", sha256=sha256)
        return fetch(
            [source],
            raw_dir=tmp_path / "raw",
            mirror=server,
            remote_files=[remote],
            progress=False,
            echo=lambda _: None,
        )

    @pytest.mark.parametrize(
        "source, message",
        [
            ("short", f"received {len(BODY) // 2:,} bytes of the {len(BODY):,} announced"),
            ("html", "the server sent an HTML page, not the data file (Content-Type 'text/html"),
            ("sniffed", "the server sent an HTML page, not the data file (Content-Type 'text/plain'"),
        ],
    )
    def test_a_short_body_or_an_html_page_is_refused_and_nothing_is_written(
        self, server, source, message, tmp_path
    ):
        with pytest.raises(FetchError) as err:
            self.fetch_one(server, source, tmp_path)
        assert f"{source}/homicide-rate-unodc.csv" in str(err.value) and message in str(err.value)
        assert not (tmp_path / "raw" / source).exists()  # no file, no temporary, not even the folder

    def test_a_checksum_other_than_the_pinned_one_is_refused_and_the_old_file_stays(self, server, tmp_path):
        folder = tmp_path / "raw" / "good"
        folder.mkdir(parents=True)
        (folder / "homicide-rate-unodc.csv").write_bytes(b"the earlier copy\n")
        with pytest.raises(FetchError, match="does not match the expected"):
            self.fetch_one(server, "good", tmp_path, sha256="0" * 64)
        assert [p.name for p in folder.iterdir()] == ["homicide-rate-unodc.csv"]
        assert (folder / "homicide-rate-unodc.csv").read_bytes() == b"the earlier copy\n"
        got = self.fetch_one(server, "good", tmp_path, sha256=hashlib.sha256(BODY).hexdigest())
        assert got[0].read_bytes() == BODY

    def test_a_fake_opener_that_cuts_the_body_is_refused(self, tmp_path):
        class Cut:
            headers = {"Content-Length": "100"}

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def read(self, n):
                raise http.client.IncompleteRead(b"abc", 97)

        with pytest.raises(FetchError, match=r"download failed \(IncompleteRead"):
            download(
                RemoteFile("owid", "x.csv", "http://example.invalid/x.csv"),
                tmp_path,
                progress=False,
                opener=lambda *a, **k: Cut(),
            )
        assert not (tmp_path / "owid").exists()

    @staticmethod
    def endless(headers):
        class Endless:
            def __init__(self):
                self.headers, self.sent = headers, 0

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def read(self, n):
                self.sent += n
                return b"1," * (n // 2)

        return Endless()

    def test_an_endless_body_stops_at_the_cap_and_leaves_nothing(self, tmp_path, monkeypatch):
        """r19: a server that never ends its body (no Content-Length)."""
        from drugflows import fetch as fetch_module

        monkeypatch.setattr(fetch_module, "MAX_FETCH_BYTES", 1_000_000)
        response = self.endless({})
        with pytest.raises(
            FetchError, match="the body goes past 1,000,000 bytes, the most a raw file may have"
        ):
            download(
                RemoteFile("owid", "x.csv", "http://example.invalid/x.csv"),
                tmp_path,
                progress=False,
                opener=lambda *a, **k: response,
            )
        assert response.sent < 1_100_000 and not (tmp_path / "owid").exists()

    def test_an_announced_size_past_the_cap_is_refused_before_reading(self, tmp_path):
        from drugflows import fetch as fetch_module

        response = self.endless({"Content-Length": str(fetch_module.MAX_FETCH_BYTES + 1)})
        with pytest.raises(FetchError, match="more than the 268,435,456 a raw file may have; not downloaded"):
            download(
                RemoteFile("owid", "x.csv", "http://example.invalid/x.csv"),
                tmp_path,
                progress=False,
                opener=lambda *a, **k: response,
            )
        assert response.sent == 0 and not (tmp_path / "owid").exists()

    def test_a_killed_fetchs_temporary_file_is_removed_by_the_next_fetch(self, server, tmp_path):
        folder = tmp_path / "raw" / "good"
        folder.mkdir(parents=True)
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
        )
        leftover = folder / f".homicide-rate-unodc.csv.fetch-{int(dead.stdout)}.tmp"
        leftover.write_bytes(b"half a download")
        live = folder / f".homicide-rate-unodc.csv.fetch-{os.getppid()}.tmp"  # a live process's: kept
        live.write_bytes(b"another fetch, running")
        self.fetch_one(server, "good", tmp_path, sha256=hashlib.sha256(BODY).hexdigest())
        assert sorted(p.name for p in folder.iterdir()) == sorted(["homicide-rate-unodc.csv", live.name])


class TestCaps:
    """Raw files, their decompressed content and catalog.json have caps: a clear error, no blow-up."""

    @pytest.mark.parametrize("suffix, opener", [(".csv.gz", "gzip"), (".csv.bz2", "bz2")])
    def test_a_compressed_file_past_the_decompressed_cap_is_refused(
        self, tmp_path, monkeypatch, suffix, opener
    ):
        import bz2
        import gzip

        from drugflows.sources import RawLayoutError, _common

        monkeypatch.setattr(_common, "MAX_DECOMPRESSED_BYTES", 1_000_000)
        path = tmp_path / f"bomb{suffix}"
        with {"gzip": gzip, "bz2": bz2}[opener].open(path, "wb") as file:
            file.write(b"a,b\n" + b"1,2\n" * 500_000)  # 2 MB of rows, a few KB compressed
        assert path.stat().st_size < 100_000
        with pytest.raises(RawLayoutError, match=r"bomb.*: more than 1,000,000 bytes once decompressed"):
            _common.read_csv(path, ["a", "b"])

    def test_a_catalog_json_nested_too_deeply_is_a_catalog_error(self, processed_copy):
        (processed_copy / tables.CATALOG_NAME).write_text("[" * 100_000 + "]" * 100_000)
        with pytest.raises(tables.CatalogError, match="nested too deeply to be a catalog"):
            tables.read_catalog(processed_copy)
        run = drugflows("data", "list", "--processed", str(processed_copy))
        assert run.returncode == 2 and "Traceback" not in run.stderr and "nested too deeply" in run.stderr


# --- OSErrors ------------------------------------------------------------------------------------


def run_cli(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().err


class TestOSErrorsAreNamed:
    @pytest.mark.slow
    def test_a_folder_where_a_raw_file_is_due(self, tmp_path, processed_copy):
        raw = tmp_path / "raw"
        (raw / "published_figures" / "figures.csv").mkdir(parents=True)
        (raw / "published_figures" / "other.txt").write_text("so the folder has files\n")
        before = digest(processed_copy)
        run = drugflows(
            "data",
            "build",
            "--raw",
            str(raw),
            "--processed",
            str(processed_copy),
            "--table",
            "flow_estimates",
        )
        assert run.returncode == 2
        assert (
            f"{raw / 'published_figures' / 'figures.csv'}: is a folder where a raw file is due" in run.stderr
        )
        assert "Traceback" not in run.stderr and digest(processed_copy) == before

    @pytest.mark.slow
    def test_a_symlink_loop(self, tmp_path, processed_copy):
        folder = tmp_path / "raw" / CBP
        folder.mkdir(parents=True)
        (folder / "loop.csv").symlink_to(folder / "loop.csv")
        (folder / "other.txt").write_text("x\n")
        before = digest(processed_copy)
        run = drugflows(
            "data",
            "build",
            "--raw",
            str(tmp_path / "raw"),
            "--processed",
            str(processed_copy),
            "--table",
            cbp.NATIONWIDE_TABLE,
        )
        assert run.returncode == 2
        assert f"{folder / 'loop.csv'}: cannot be read (Too many levels of symbolic links)" in run.stderr
        assert "Traceback" not in run.stderr and digest(processed_copy) == before

    @pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
    def test_a_read_only_or_full_disk(self, code, capsys, processed_copy, monkeypatch):
        real = os.replace

        def failing(src, dst, *args, **kwargs):
            if ".staging-" in str(dst):
                raise OSError(code, os.strerror(code), str(dst))
            return real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "replace", failing)  # every file written into the staging folder
        before = digest(processed_copy)
        status, err = run_cli(
            capsys, "data", "build", "--processed", str(processed_copy), "--table", "majors_list"
        )
        assert status == 2
        assert ".processed.staging-" in err and f"majors_list.csv: {os.strerror(code)}" in err
        assert "earlier outputs were left as they were" in err
        assert digest(processed_copy) == before and staging_leftovers(processed_copy) == []

    def test_a_corrupt_catalog(self, capsys, processed_copy):
        catalog = processed_copy / tables.CATALOG_NAME
        catalog.write_text('{"majors_list": {"name": ')
        before = digest(processed_copy)
        for command in ("check", "list"):
            status, err = run_cli(capsys, "data", command, "--processed", str(processed_copy))
            assert status == 2 and f"{catalog}: not valid JSON (Expecting value at line 1, column 26)" in err
        status, err = run_cli(
            capsys, "data", "build", "--processed", str(processed_copy), "--table", "majors_list"
        )
        assert status == 2 and f"{catalog}: not valid JSON" in err and "Nothing was written" in err
        catalog.write_text('{"majors_list": {"name": "majors_list"}}')
        status, err = run_cli(capsys, "data", "check", "--processed", str(processed_copy))
        assert status == 2 and f"{catalog}: entry 'majors_list' is not a table entry" in err
        catalog.write_text('{"majors_list": {"name": ')
        assert digest(processed_copy) == before

    def test_a_folder_where_the_catalog_is_due(self, capsys, processed_copy):
        catalog = processed_copy / tables.CATALOG_NAME
        catalog.unlink()
        catalog.mkdir()
        status, err = run_cli(capsys, "data", "check", "--processed", str(processed_copy))
        assert status == 2 and f"{catalog}: Is a directory" in err


def test_a_link_in_the_processed_folder_is_never_followed_into_a_build(tmp_path, shared_data):
    """A symlink committed into data/processed/ (git stores links) must not turn into a copy of its
    target: the build leaves links out of the new folder."""
    import shutil

    from drugflows import build, paths

    processed = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED_DIR, processed)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the repository")
    (processed / "notes.md").symlink_to(secret)
    build.build_all(raw=shared_data, processed_dir=processed, only=["majors_list"])
    assert not (processed / "notes.md").exists() or (processed / "notes.md").is_symlink()
    assert "not for the repository" not in "".join(
        p.read_text(errors="ignore") for p in processed.iterdir() if p.is_file() and not p.is_symlink()
    )


def test_a_processed_folder_given_as_a_link_is_built_at_its_target(tmp_path, shared_data):
    """r17: --processed given as a symbolic link: the real folder gets the new tables, the link
    stays a link, and no staging folder or lock is left beside the link."""
    import shutil

    from drugflows import build, paths

    real = tmp_path / "disk" / "processed"
    shutil.copytree(paths.PROCESSED_DIR, real)
    (real / "majors_list.csv").write_text((real / "majors_list.csv").read_text() + "\n")  # stale bytes
    link = tmp_path / "link"
    link.symlink_to(real)
    lines = []
    build.build_all(raw=shared_data, processed_dir=link, only=["majors_list"], echo=lines.append)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (real / "majors_list.csv").read_bytes() == (paths.PROCESSED_DIR / "majors_list.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk", "link"]
    assert f"{link} is a symbolic link: building its target {real}" in lines
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(build.BuildError, match="the processed folder is a symbolic link loop"):
        build.build_all(raw=shared_data, processed_dir=loop, only=["majors_list"])


def test_months_and_fiscal_years_after_today_are_refused():
    """A typo row ("2099 (FYTD)") must not become a file's vintage: no month after this month and
    no fiscal year after the current one passes the checks a build runs before writing."""
    import pandas as pd

    from drugflows import check

    today = pd.Timestamp("2026-12-01")
    frame = pd.DataFrame({"month": pd.to_datetime(["2026-11-01", "2099-04-01"]), "fiscal_year": [2027, 2099]})
    problems = check._after_today(frame, today)
    assert problems == [
        "1 rows with a month after today, e.g. 2099-04",
        "1 rows with a fiscal year after the current FY2027",
    ]
    assert check._after_today(frame.iloc[:1], today) == []
