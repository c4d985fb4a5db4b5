"""Shared test helpers: project paths, the fixtures folder, the real raw data beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from drugflows import build, paths, tables

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real raw files (../shared/data); CI lays them beside the clone."""
    assert paths.SHARED_DATA_DIR.is_dir(), f"raw data folder missing: {paths.SHARED_DATA_DIR}"
    return paths.SHARED_DATA_DIR


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


@pytest.fixture(scope="session")
def rendered_catalog(tmp_path_factory):
    """The whole default catalog rendered once by ``drugflows render`` into a scratch folder:
    (output folder, completed process). Shared by the profile and browser tests."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("catalog") / "reports"
    run = subprocess.run(
        [sys.executable, "-m", "drugflows", "render", "--output", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    return out, run
