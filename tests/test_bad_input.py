"""Bad input, end to end through the ``drugflows`` command: each case gets a clear message naming the
input and the problem, a non-zero exit, and leaves earlier reports and processed tables untouched.

Data cases run ``drugflows data build --raw <broken raw folder> --processed <copy>``; report cases
run ``drugflows render`` into a folder that already holds a good report, the bad parameters as one
catalog with a run per case (rendered once; each case asserts its own run), the others one by one.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from drugflows import paths
from drugflows._io import sha256_file

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CBP_HEADER = (
    "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,"
    "Count of Event,Sum Qty (lbs)\n"
)
CBP_ROW = "2025,OCT,U.S. Border Patrol,Southwest Border,Land Only,YUMA SECTOR,Heroin,2,1.5\n"


def drugflows(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drugflows", *args], capture_output=True, text=True, timeout=timeout
    )


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


# --- raw files ---------------------------------------------------------------------------------


def cbp_file(name: str, content: bytes | str):
    def write(raw: Path) -> None:
        folder = raw / "cbp_drug_seizures"
        folder.mkdir(parents=True)
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)

    return write


def fixture_folder(name: str):
    def write(raw: Path) -> None:
        shutil.copytree(FIXTURES / name / "cbp_drug_seizures", raw / "cbp_drug_seizures")

    return write


def dropped_column(raw: Path) -> None:
    text = (
        (FIXTURES / "cbp_new_drug" / "cbp_drug_seizures" / "fixture-nationwide-drugs-fy26-oct.csv")
        .read_text()
        .splitlines()
    )
    kept = [",".join(line.split(",")[:-1]) for line in text]  # Sum Qty (lbs) dropped
    cbp_file("nationwide-drugs-fy26-nov.csv", "\n".join(kept) + "\n")(raw)


def corrupt_gzip(raw: Path) -> None:
    folder = raw / "bts_border_crossings" / "vintage_2030-01"
    folder.mkdir(parents=True)
    (folder / "Border_Crossing_Entry_Data.csv.gz").write_bytes(gzip.compress(b"Port Name,")[:12])


def sparse_cbp_file(raw: Path) -> None:
    """r15: a 1 GB file of NUL bytes (8 KB on disk) named like a CBP file."""
    folder = raw / "cbp_drug_seizures"
    folder.mkdir(parents=True)
    with open(folder / "nationwide-drugs-fy27.csv", "wb") as file:
        file.truncate(2**30)


def nul_gzip_bomb(raw: Path) -> None:
    """A small gzip that decompresses to 64 MB of NUL bytes, where BTS's crossings file goes."""
    folder = raw / "bts_border_crossings" / "vintage_2030-01"
    folder.mkdir(parents=True)
    with gzip.open(folder / "Border_Crossing_Entry_Data.csv.gz", "wb", compresslevel=1) as file:
        for _ in range(64):
            file.write(bytes(2**20))


def corrupt_zip(raw: Path) -> None:
    shutil.copytree(paths.SHARED_DATA_DIR / "unodc", raw / "unodc")
    (raw / "unodc" / "drug_seizures_2018_2022.xlsx").write_bytes(b"PK\x03\x04\x14\x00truncated")


DATA_CASES = {
    "empty CBP file": (
        cbp_file("nationwide-drugs-fy25.csv", ""),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "the file is empty",
    ),
    "header-only CBP file": (
        cbp_file("nationwide-drugs-fy25.csv", CBP_HEADER),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "no data rows",
    ),
    "truncated CBP file": (
        cbp_file("nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW[:40]),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "line(s) 2 have fewer fields than the header (a truncated file?)",
    ),
    "renamed CBP column": (
        fixture_folder("cbp_renamed_column"),
        "cbp_seizures_monthly",
        "fixture-nationwide-drugs-fy25.csv",
        "missing column(s) ['Drug Type']",
    ),
    "CBP file in UTF-16": (
        cbp_file("nationwide-drugs-fy25.csv", (CBP_HEADER + CBP_ROW).encode("utf-16")),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "not UTF-8",
    ),
    "duplicated CBP rows": (
        cbp_file("nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW * 2),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "duplicated rows",
    ),
    "negative CBP pounds": (
        cbp_file("nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW.replace(",1.5", ",-1.5")),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "is negative",
    ),
    "new CBP vintage without a column": (
        dropped_column,
        "cbp_seizures_monthly",
        "nationwide-drugs-fy26-nov.csv",
        "missing column(s) ['Sum Qty (lbs)']",
    ),
    "corrupt gzip (BTS)": (
        corrupt_gzip,
        "border_crossings_monthly",
        "Border_Crossing_Entry_Data.csv.gz",
        "not a readable CSV",
    ),
    "CBP row with an extra field (r11)": (
        cbp_file(
            "nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW.replace("YUMA SECTOR", "YUMA SECTOR,extra")
        ),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "line(s) 2 have more fields than the header's 9",
    ),
    "CBP field of 200,000 characters (r16)": (
        cbp_file("nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW.replace("YUMA SECTOR", "Y" * 200_000)),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "line 2: a field longer than 131,072 characters (the cap on one field); not read",
    ),
    "CBP count past 64 bits": (
        cbp_file(
            "nationwide-drugs-fy25.csv", CBP_HEADER + CBP_ROW.replace(",2,1.5", ",18446744073709551617,1.5")
        ),
        "cbp_seizures_monthly",
        "nationwide-drugs-fy25.csv",
        "Count of Event is too large for a 64-bit whole number on line(s) 2",
    ),
    "sparse 1 GB CBP file (r15)": (
        sparse_cbp_file,
        "cbp_seizures_monthly",
        "nationwide-drugs-fy27.csv",
        "1,073,741,824 bytes, more than the 268,435,456 a raw file may have",
    ),
    "gzip of NUL bytes (BTS)": (
        nul_gzip_bomb,
        "border_crossings_monthly",
        "Border_Crossing_Entry_Data.csv.gz",
        "line 1: a field longer than 131,072 characters (the cap on one field); not read",
    ),
    "corrupt zip (UNODC workbook)": (
        corrupt_zip,
        "unodc_seizures",
        "drug_seizures_2018_2022.xlsx",
        "not a readable Excel workbook",
    ),
}


@pytest.fixture
def processed_copy(tmp_path):
    copy = tmp_path / "processed"
    shutil.copytree(paths.PROCESSED_DIR, copy)
    return copy


@pytest.mark.parametrize("case", DATA_CASES, ids=list(DATA_CASES))
def test_bad_raw_file_is_refused_and_nothing_is_written(case, tmp_path, processed_copy):
    write, table, file_name, problem = DATA_CASES[case]
    raw = tmp_path / "raw"
    write(raw)
    before, committed = digest(processed_copy), digest(paths.PROCESSED_DIR)
    run = drugflows("data", "build", "--raw", str(raw), "--processed", str(processed_copy), "--table", table)
    assert run.returncode == 2, run.stdout + run.stderr
    assert file_name in run.stderr and problem in run.stderr, run.stderr
    assert str(raw) in run.stderr  # the message names where the file is
    assert digest(processed_copy) == before and digest(paths.PROCESSED_DIR) == committed


def test_new_cbp_vintage_with_an_extra_drug_type_is_accepted(tmp_path, processed_copy):
    raw = tmp_path / "raw"
    fixture_folder("cbp_new_drug")(raw)
    committed = digest(paths.PROCESSED_DIR)
    run = drugflows(
        "data",
        "build",
        "--raw",
        str(raw),
        "--processed",
        str(processed_copy),
        "--table",
        "cbp_seizures_monthly",
        "--allow-shrink",  # the one-month fixture replaces the whole table
    )
    assert run.returncode == 0, run.stderr
    table = (processed_copy / "cbp_seizures_monthly.csv").read_text()
    assert ",Xylazine," in table  # the fixture's drug type that no CBP file on file has
    assert digest(paths.PROCESSED_DIR) == committed


# --- report parameters and batches -------------------------------------------------------------


@pytest.fixture(scope="module")
def earlier(one_good_report) -> Path:
    """An output folder holding one good report, rendered before any bad input (conftest's shared
    ``one_good_report``; every test here works on a copy of it)."""
    return one_good_report[1]


def render_bad(
    tmp_path: Path, earlier: Path, notebook: str, parameters: dict, *extra: str
) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "reports"
    shutil.copytree(earlier, out)
    catalog = tmp_path / "catalog.yml"
    catalog.write_text(
        yaml.safe_dump({"notebooks": {notebook: {"runs": [{"name": "bad", "parameters": parameters}]}}})
    )
    return drugflows("render", "--catalog", str(catalog), "--output", str(out), *extra), out


def assert_earlier_kept(earlier: Path, out: Path) -> None:
    good = "us_demand/cocaine.html"
    assert sha256_file(out / good) == sha256_file(earlier / good)
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    assert manifest["us_demand/cocaine"]["status"] == "ok"


PARAMETER_CASES = {
    "unknown country": ("country_profile", {"country": "Atlantis"}, "Unknown country 'Atlantis'"),
    "misspelt country": ("country_profile", {"country": "Colmbia"}, "Did you mean: Colombia (COL)"),
    "unknown drug": ("border_seizures", {"drug": "Unobtainium"}, "Unknown drug 'Unobtainium'"),
    "unknown border region": (
        "border_seizures",
        {"region": "Arctic Border"},
        "Unknown region 'Arctic Border'. Valid values",
    ),
    "unknown region group": (
        "region_profile",
        {"region": "Atlantis"},
        "Unknown region 'Atlantis'. Valid values: Andean region",
    ),
    "year outside the data": (
        "us_demand",
        {"drug": "cocaine", "first_year": 1850},
        "'first_year' = 1850 is outside the years on file",
    ),
    "year as text": (
        "us_demand",
        {"drug": "cocaine", "first_year": "2010"},
        "'first_year' must be a whole year or None, got str '2010'",
    ),
    "drug as a number": ("trafficking_flows", {"drug": 7}, "'drug' must be a string, got int 7"),
    "unknown crop": ("source_countries", {"crop": "tobacco"}, "Unknown crop 'tobacco'"),
    "lag of zero": ("colombia_eradication", {"lag": 0}, "'lag' must be a whole number of years"),
    "unknown outcome": (
        "partnership_outcomes",
        {"program": "CARSI", "outcomes": ["happiness"]},
        "Unknown outcomes 'happiness'",
    ),
}


def run_name(case: str) -> str:
    """The catalog run of a parameter case in the batch: its id as a file name."""
    return re.sub(r"[^a-z0-9]+", "-", case.lower()).strip("-")


@pytest.fixture(scope="module")
def bad_parameter_batch(tmp_path_factory, earlier) -> tuple[subprocess.CompletedProcess, Path]:
    """Every case of PARAMETER_CASES as one run of a single catalog, rendered once by the command into
    a copy of ``earlier``: (completed process, output folder). Each case asserts its own run."""
    tmp = tmp_path_factory.mktemp("bad-parameters")
    notebooks: dict[str, dict] = {}
    for case, (notebook, parameters, _) in PARAMETER_CASES.items():
        runs = notebooks.setdefault(notebook, {"runs": []})["runs"]
        runs.append({"name": run_name(case), "parameters": parameters})
    (tmp / "catalog.yml").write_text(yaml.safe_dump({"notebooks": notebooks}))
    out = tmp / "reports"
    shutil.copytree(earlier, out)
    return drugflows("render", "--catalog", str(tmp / "catalog.yml"), "--output", str(out)), out


@pytest.mark.parametrize("case", PARAMETER_CASES, ids=list(PARAMETER_CASES))
def test_bad_parameter_fails_its_report_clearly(case, bad_parameter_batch, earlier):
    notebook, _, message = PARAMETER_CASES[case]
    run, out = bad_parameter_batch
    assert run.returncode == 1
    key = f"{notebook}/{run_name(case)}"
    lines = [line for line in run.stdout.splitlines() if line.split()[1:2] == [key]]
    failed = [line for line in lines if line.startswith("failed")]
    assert len(lines) == len(failed) == 1 and "ParameterError" in failed[0], run.stdout
    assert message in failed[0], failed[0]
    assert_earlier_kept(earlier, out)


def test_a_list_passed_with_papermill_p_is_refused_with_the_way_to_pass_it(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "partnership_outcomes.ipynb"
    run = subprocess.run(
        [
            Path(sys.executable).with_name("papermill"),
            notebook,
            tmp_path / "out.ipynb",
            "-p",
            "program",
            "CARSI",
            "-p",
            "outcomes",
            "['homicide_rate']",
            "-k",
            "python3",
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=paths.NOTEBOOKS_DIR,
    )
    assert run.returncode != 0
    assert (
        "ParameterError: Parameter 'outcomes' arrived as the text \"['homicide_rate']\", not a "
        "list: papermill's -p passes text. Pass lists as YAML, e.g. papermill ... -y "
        "'outcomes: [a, b]'"
    ) in run.stderr, run.stderr[-2000:]
    yaml_run = subprocess.run(
        [
            Path(sys.executable).with_name("papermill"),
            notebook,
            tmp_path / "out.ipynb",
            "-y",
            "{program: CARSI, outcomes: [homicide_rate]}",
            "-k",
            "python3",
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=paths.NOTEBOOKS_DIR,
    )
    assert yaml_run.returncode == 0, yaml_run.stderr[-2000:]


def test_unknown_report_name_is_refused(tmp_path, earlier):
    run, out = render_bad(tmp_path, earlier, "us_demand", {"drug": "cocaine"}, "--only", "nope")
    assert run.returncode == 2 and "No report ['nope'] in the catalog" in run.stderr
    assert_earlier_kept(earlier, out)


def test_catalog_naming_a_missing_notebook_is_refused(tmp_path, earlier):
    run, out = render_bad(tmp_path, earlier, "no_such_notebook", {})
    assert run.returncode == 2 and "notebooks.no_such_notebook: no notebook" in run.stderr
    assert_earlier_kept(earlier, out)


def test_unreachable_dask_scheduler_is_reported(tmp_path, earlier):
    # Port 9 (discard) has no scheduler; a short connect timeout instead of the default 20 s.
    dask = ("--dask", "tcp://127.0.0.1:9", "--dask-timeout", "1")
    run, out = render_bad(tmp_path, earlier, "us_demand", {"drug": "cocaine"}, *dask)
    assert run.returncode != 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in run.stderr
    assert "after 1 s" in run.stderr  # the timeout given, not the default
    assert_earlier_kept(earlier, out)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan"])
def test_a_dask_timeout_that_is_not_a_positive_number_is_refused(value, capsys):
    from drugflows import cli

    with pytest.raises(SystemExit) as exit_:
        cli.parser().parse_args(["render", "--dask", "tcp://127.0.0.1:9", "--dask-timeout", value])
    assert exit_.value.code == 2
    assert f"--dask-timeout: must be a number of seconds above 0, got {value!r}" in capsys.readouterr().err


def test_a_notebook_raising_inside_a_batch_fails_alone(tmp_path, earlier):
    out = tmp_path / "reports"
    shutil.copytree(earlier, out)
    catalog = tmp_path / "catalog.yml"
    catalog.write_text(
        yaml.safe_dump(
            {
                "notebooks": {
                    "us_demand": {
                        "runs": [
                            {"name": "heroin", "parameters": {"drug": "heroin"}},
                            {"name": "raises", "parameters": {"drug": "cocaine", "last_year": 1800}},
                        ]
                    }
                }
            }
        )
    )
    run = drugflows("render", "--catalog", str(catalog), "--output", str(out))
    assert run.returncode == 1
    assert any(line.startswith("ok") and "us_demand/heroin" in line for line in run.stdout.splitlines())
    assert "ParameterError: Parameter 'last_year' = 1800 is outside the years on file" in run.stdout
    assert (out / "us_demand" / "raises.failed.html").exists()
    assert_earlier_kept(earlier, out)


def test_sigterm_stops_a_parallel_render_and_keeps_what_finished(tmp_path, earlier):
    out = tmp_path / "reports"
    shutil.copytree(earlier, out)
    kernels_before = count_kernels()
    # Runs no other test renders (the default catalog's are rendered by the whole-catalog render).
    coastal = "Coastal/Interior"
    batch = {
        "border_seizures": {
            "runs": [
                {"name": f"{drug.lower()}-coastal", "parameters": {"drug": drug, "region": coastal}}
                for drug in ("Cocaine", "Methamphetamine", "Heroin", "Marijuana")
            ]
        },
        "partnership_outcomes": {
            "runs": [
                {"name": "merida-2007", "parameters": {"program": "Merida Initiative", "start_year": 2007}},
                {"name": "cbsi-2011", "parameters": {"program": "CBSI", "start_year": 2011}},
            ]
        },
    }
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump({"notebooks": batch}))
    process = subprocess.Popen(
        [sys.executable, "-m", "drugflows", "render", "--catalog", str(tmp_path / "catalog.yml")]
        + ["--output", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 300
    for line in process.stdout:  # wait for the first finished report
        lines.append(line)
        if line.startswith("ok") or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=60)
    lines += rest.splitlines()
    assert process.returncode != 0
    finished = [ln.split()[1] for ln in lines if ln.startswith("ok")]
    assert finished and any("render stopped (SIGTERM)" in ln for ln in lines)
    for key in finished:
        assert (out / f"{key}.html").exists()
    manifest = json.loads((out / "manifest.json").read_text())["reports"]
    unfinished = [k for k, r in manifest.items() if (r["error"] or "").startswith("not finished")]
    assert len(unfinished) == sum(len(entry["runs"]) for entry in batch.values()) - len(finished)
    assert "not finished: the render was stopped (SIGTERM)" in (out / "index.html").read_text()
    assert not list(out.glob("*/.work-*"))  # no scratch left behind
    assert_earlier_kept(earlier, out)
    for _ in range(20):  # the workers' kernels exit with their parents
        if count_kernels() <= kernels_before:
            break
        time.sleep(0.5)
    assert count_kernels() <= kernels_before


def count_kernels() -> int:
    found = subprocess.run(["pgrep", "-f", "ipykernel_launcher"], capture_output=True, text=True)
    return len(found.stdout.split())
