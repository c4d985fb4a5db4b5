"""The committed processed tables are exactly what the loaders build from ../shared/data."""

from __future__ import annotations

import json

import pytest

from drugflows import build, paths, tables
from drugflows._io import sha256_file


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("processed")
    build.build_all(raw=shared_data, processed_dir=out)
    return out


@pytest.mark.parametrize("name", sorted(build.BUILDERS))
def test_committed_table_is_reproduced_exactly(rebuilt, name):
    committed = paths.PROCESSED_DIR / f"{name}.csv"
    assert (rebuilt / f"{name}.csv").read_bytes() == committed.read_bytes(), (
        f"data/processed/{name}.csv differs from a rebuild: run `make data` and commit")


def test_catalog_is_reproduced_and_checksums_match_raw_files(rebuilt, shared_data):
    committed = json.loads((paths.PROCESSED_DIR / tables.CATALOG_NAME).read_text())
    assert json.loads((rebuilt / tables.CATALOG_NAME).read_text()) == committed
    for name, entry in committed.items():
        assert entry["raw_files"], f"{name} records no raw files"
        for raw in entry["raw_files"]:
            path = shared_data / entry["raw_source"] / raw["name"]
            assert sha256_file(path) == raw["sha256"], f"{path} changed since {name} was built"


def test_load_restores_types():
    frame = tables.load("cbp_seizures_monthly")
    assert str(frame["month"].dtype).startswith("datetime64")
    assert frame["fytd"].dtype == bool
    assert frame["events"].dtype == "int64"
    assert len(frame) == tables.info("cbp_seizures_monthly").rows


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(KeyError, match="tables on file: cbp_seizures_monthly"):
        tables.load("cocaine_everywhere")
