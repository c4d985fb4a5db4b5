"""Shared test helpers: project paths, the fixtures folder, the real raw data beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from drugflows import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real raw files (../shared/data); CI lays them beside the clone."""
    assert paths.SHARED_DATA_DIR.is_dir(), f"raw data folder missing: {paths.SHARED_DATA_DIR}"
    return paths.SHARED_DATA_DIR
