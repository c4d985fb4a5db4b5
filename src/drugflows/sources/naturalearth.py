"""World country polygons for maps: Natural Earth 1:110m admin-0 (public domain).

Read from the copy that ships inside the pyogrio package (a test fixture, so the path may move in a
later pyogrio; the processed GeoJSON in data/processed keeps maps working without it). Natural
Earth writes ``-99`` for a few ISO codes; they are set by name here.
"""

from __future__ import annotations

from pathlib import Path

from drugflows import countries
from drugflows._io import sha256_file
from drugflows.sources import RawLayoutError
from drugflows.tables import RawFile, TableMeta

TABLE = "world_countries"
PROCESSED = {"iso3": "str", "name": "str", "continent": "str"}
#: Natural Earth's -99 codes, by the name it gives the country.
ISO3_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
#: Shapes with no ISO3 (disputed or unrecognised), kept with a missing code.
NO_ISO3 = {"N. Cyprus", "Somaliland"}
COORD_DECIMALS = 3  # about 100 m: plenty at 1:110m, and a small file


def shapefile() -> Path:
    import pyogrio

    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: the Natural Earth copy is not in this pyogrio version; "
            "keep the committed data/processed/world_countries.geojson"
        )
    return path


def build(raw: str | Path | None = None):
    """``world_countries``: one polygon per country, ISO3-coded, EPSG:4326."""
    import geopandas as gpd
    import pyogrio
    import shapely

    path = shapefile()
    frame = gpd.read_file(path)
    if not {"iso_a3", "name", "continent"} <= set(frame.columns):
        raise RawLayoutError(f"{path}: expected columns iso_a3, name, continent")
    code = frame["iso_a3"].where(frame["iso_a3"] != "-99", frame["name"].map(ISO3_FIXES))
    unknown = frame.loc[code.isna() & ~frame["name"].isin(NO_ISO3), "name"].tolist()
    if unknown:
        raise RawLayoutError(f"{path}: ISO3 -99 for {unknown}; add them to ISO3_FIXES or NO_ISO3")
    missing = sorted(set(code.dropna()) - countries.known_codes())
    if missing:
        raise RawLayoutError(f"{path}: codes the resolver does not know: {missing}")
    geometry = shapely.set_precision(frame.geometry.values, 10**-COORD_DECIMALS)
    table = gpd.GeoDataFrame(
        {"iso3": code.astype("string"), "name": frame["name"], "continent": frame["continent"]},
        geometry=geometry,
        crs=frame.crs,
    ).sort_values(["iso3", "name"], ignore_index=True)
    meta = TableMeta(
        name=TABLE,
        title="World country polygons (Natural Earth 1:110m)",
        raw_source="package:pyogrio",
        source="Natural Earth, admin-0 countries 1:110m",
        source_url="https://www.naturalearthdata.com/",
        vintage=f"pyogrio {pyogrio.__version__}",
        coverage=f"{len(table)} shapes",
        columns=PROCESSED,
        raw_files=[
            RawFile(
                name="package:pyogrio/naturalearth_lowres.shp",
                sha256=sha256_file(path),
                vintage=pyogrio.__version__,
                rows=len(table),
            )
        ],
        format="geojson",
        notes="Public domain. 1:110m leaves out small states (e.g. Singapore, Malta, Bahrain, "
        "most Caribbean islands): a map cannot show them, tables can. Coordinates rounded "
        f"to {COORD_DECIMALS} decimals. N. Cyprus and Somaliland have no ISO3.",
    )
    return table, meta
