"""Reference tables that come from installed packages rather than a publisher's file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import countries
from drugflows._io import sha256_file
from drugflows.tables import RawFile, TableMeta

COUNTRIES_TABLE = "countries"
COUNTRIES_COLUMNS = {
    "iso3": "str",
    "name": "str",
    "un_region": "str",
    "un_subregion": "str",
    "region_group": "str",
    "un_member": "bool",
}


def build_countries(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``countries``: ISO3, short name, UN region and subregion, and the report's region group."""
    import country_converter
    from country_converter.country_converter import COUNTRY_DATA_FILE

    table = countries.country_table()
    meta = TableMeta(
        name=COUNTRIES_TABLE,
        title="Countries: ISO3 codes, names, UN regions and the region groups the reports use",
        raw_source="package:country_converter",
        source="country_converter (UN M49 regions) and drugflows.countries.REGION_GROUPS",
        source_url="https://github.com/IndEcol/country_converter",
        vintage=country_converter.__version__,
        coverage=f"{len(table)} countries and territories",
        columns=COUNTRIES_COLUMNS,
        raw_files=[
            RawFile(
                name="package:country_converter/country_data.tsv",
                sha256=sha256_file(COUNTRY_DATA_FILE),
                vintage=country_converter.__version__,
                rows=len(table),
            )
        ],
        notes="region_group: Andean region, Central America, Caribbean (with Guyana, Suriname, "
        "French Guiana), Mexico and North America, Southern Cone and Brazil; elsewhere "
        "from the UN subregion.",
        key=["iso3"],
    )
    return table, meta
