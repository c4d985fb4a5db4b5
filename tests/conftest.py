"""Shared test helpers: project paths, the fixtures folder, the real raw data beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from drugflows import build, paths, tables

FIXTURES = Path(__file__).parent / "fixtures"


#: Session fixtures that build every processed table or render reports: a test using one, directly
#: or through another fixture, is slow (``make test-fast`` leaves it out).
SLOW_FIXTURES = {"rebuilt", "rendered_catalog", "one_good_report"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real raw files (../shared/data); CI lays them beside the clone."""
    assert paths.SHARED_DATA_DIR.is_dir(), f"raw data folder missing: {paths.SHARED_DATA_DIR}"
    return paths.SHARED_DATA_DIR


#: OFAC's sdn.csv columns, as its SOURCE.md lists them (the file has no header row): retyped here,
#: once for the OFAC tests, so the tests read the raw file independently of the loader.
OFAC_SDN_COLUMNS = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
]


@pytest.fixture(scope="session")
def raw_sdn(shared_data):
    """OFAC's sdn.csv read as its SOURCE.md says, with pandas, not through the loader: every entry
    (the \\x1a end-of-file line dropped), its tags, and whether one is a narcotics programme's."""
    import pandas as pd

    frame = pd.read_csv(
        shared_data / "ofac_sdn" / "sdn.csv",
        header=None,
        names=OFAC_SDN_COLUMNS,
        encoding="latin-1",
        dtype=str,
    )
    frame = frame[frame["SDN_Name"].notna()].copy()
    frame["tags"] = frame["Program"].str.split(r"\] \[", regex=True)
    frame["narcotics"] = frame["tags"].map(
        lambda tags: any(t in ("SDNTK", "SDNT") or t.startswith("ILLICIT-DRUGS") for t in tags)
    )
    frame["ent_num"] = frame["ent_num"].astype(int)
    return frame


@pytest.fixture(scope="session")
def rebuilt(tmp_path_factory, shared_data) -> Path:
    """Every processed table rebuilt from ../shared/data by the real build path, once per test
    run, into a scratch folder (the committed tables are compared with it in test_processed)."""
    out = tmp_path_factory.mktemp("processed")
    build.build_all(raw=shared_data, processed_dir=out)
    return out


@pytest.fixture(scope="session")
def built(rebuilt):
    """``built(name)``: (the table as rebuilt, its catalog entry), read from the one rebuild."""
    catalog = tables.read_catalog(rebuilt)
    cache = {}

    def table_and_meta(name: str):
        if name not in cache:
            cache[name] = (tables.load(name, rebuilt), catalog[name])
        return cache[name]

    return table_and_meta


def runs_nbval_executes(specs) -> set[str]:
    """Keys of the catalog runs whose parameters are their notebook's defaults: nbval executes those
    notebooks as they are (``make test`` runs it on notebooks/), so the test render leaves them out
    and no notebook is executed twice with the same parameters in one test run."""
    from drugflows.render.inputs import parameter_defaults
    from drugflows.render.links import PARAMETER

    keys = set()
    for spec in specs:
        defaults = parameter_defaults(spec.input_path)
        # A profile's links are injected by the runner: its run differs from nbval's.
        if {**defaults, **spec.parameters} == defaults and PARAMETER not in defaults:
            keys.add(spec.key)
    return keys


@pytest.fixture(scope="session")
def rendered_specs():
    """The default catalog without the runs nbval executes: what ``rendered_catalog`` renders."""
    from drugflows.render.catalog import load_catalog

    specs = load_catalog()
    skipped = runs_nbval_executes(specs)
    return [
        s
        for s in specs
        if s.key not in skipped and (s.notebook != "country_profile" or s.name in TEST_PROFILES)
    ]


#: The generated country profiles the test render keeps (the catalog generates one per country with
#: data, 200 or so: the test render would take most of an hour on two cores): the richest, a middle
#: one, a small island state.
TEST_PROFILES = ("col", "mex", "bra", "brb")


def trim_generated_runs(doc: dict, specs) -> None:
    """Replace each ``generate:`` of the catalog document ``doc`` by explicit runs of the specs it
    generated whose names are in :data:`TEST_PROFILES` (in place)."""
    for notebook, entry in doc["notebooks"].items():
        if entry.pop("generate", None) is None:
            continue
        explicit = {r["name"] for r in entry.get("runs") or []}
        kept = [
            {"name": s.name, "title": s.title, "region": s.region, "parameters": s.parameters}
            for s in specs
            if s.notebook == notebook and s.name in TEST_PROFILES and s.name not in explicit
        ]
        entry["runs"] = kept + (entry.get("runs") or [])


@pytest.fixture(scope="session")
def rendered_catalog(tmp_path_factory):
    """The default catalog rendered once by ``drugflows render`` into a scratch folder, but for the
    runs nbval executes (:func:`runs_nbval_executes`): (output folder, completed process). Shared
    by the profile and browser tests."""
    import subprocess
    import sys

    import yaml

    from drugflows.render.catalog import load_catalog

    doc = yaml.safe_load(paths.REPORT_CATALOG.read_text(encoding="utf-8"))
    specs = load_catalog()
    trim_generated_runs(doc, specs)
    skipped = runs_nbval_executes(specs)
    for notebook, entry in doc["notebooks"].items():
        entry["runs"] = [r for r in entry["runs"] if f"{notebook}/{r['name']}" not in skipped]
    # The front page may name only reports of the catalog: not those left out here.
    doc["front_page"] = [f for f in doc.get("front_page", []) if f["report"] not in skipped]
    root = tmp_path_factory.mktemp("catalog")
    test_catalog = root / "reports.yml"
    test_catalog.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    out = root / "reports"
    run = subprocess.run(
        [sys.executable, "-m", "drugflows", "render", "--catalog", str(test_catalog), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    return out, run


# Parameters of its own: the whole-catalog render renders the catalog's us_demand/cocaine.
ONE_GOOD_REPORT = (
    "notebooks:\n  us_demand:\n    runs:\n      - name: cocaine\n"
    "        parameters: {drug: cocaine, first_year: 2015}\n"
)


@pytest.fixture(scope="session")
def one_good_report(tmp_path_factory) -> tuple[Path, Path]:
    """(catalog, output folder) of one good report, ``us_demand/cocaine``, rendered once per test run by
    ``drugflows render``: the earlier output that the bad-input, file-system and rerun tests copy
    before they make trouble (so each of them does not render the same report again)."""
    import subprocess
    import sys

    tmp = tmp_path_factory.mktemp("one-good-report")
    cat = tmp / "catalog.yml"
    cat.write_text(ONE_GOOD_REPORT, encoding="utf-8")
    out = tmp / "reports"
    run = subprocess.run(
        [sys.executable, "-m", "drugflows", "render", "--catalog", str(cat), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return cat, out
