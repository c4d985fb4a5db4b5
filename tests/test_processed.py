"""The committed processed tables are exactly what the loaders build from ../shared/data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from drugflows import build, paths, tables
from drugflows._io import sha256_file


@pytest.mark.parametrize("name", sorted(build.BUILDERS))
def test_committed_table_is_reproduced_exactly(rebuilt, name):
    meta = tables.info(name)
    assert (rebuilt / meta.file).exists()
    hint = f"data/processed/{meta.file} differs from a rebuild: run `make data` and commit"
    if meta.format == "csv":
        assert (rebuilt / meta.file).read_bytes() == (paths.PROCESSED_DIR / meta.file).read_bytes(), hint
    pd.testing.assert_frame_equal(tables.load(name, rebuilt), tables.load(name), obj=hint)


def test_catalog_is_reproduced_and_checksums_match_raw_files(rebuilt, shared_data):
    committed = json.loads((paths.PROCESSED_DIR / tables.CATALOG_NAME).read_text())
    assert json.loads((rebuilt / tables.CATALOG_NAME).read_text()) == committed
    checked = 0
    for name, entry in committed.items():
        assert entry["raw_files"], f"{name} records no raw files"
        for raw in entry["raw_files"]:
            if raw["name"].startswith("package:"):
                continue
            path = shared_data / raw["name"]
            assert sha256_file(path) == raw["sha256"], f"{path} changed since {name} was built"
            checked += 1
    assert checked >= 14


def test_load_restores_types_and_is_fast_enough_to_not_matter():
    frame = tables.load("cbp_seizures_monthly")
    assert str(frame["month"].dtype).startswith("datetime64")
    assert frame["fytd"].dtype == bool
    assert frame["events"].dtype == "int64"
    assert len(frame) == tables.info("cbp_seizures_monthly").rows
    indicators = tables.load("country_indicators")
    assert indicators["value"].dtype == "float64" and indicators["year"].dtype == "int64"


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(KeyError, match="tables on file: amo_seizures_monthly, border_crossings"):
        tables.load("cocaine_everywhere")
