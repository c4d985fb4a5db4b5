"""BTS Border Crossing/Entry Data: inbound crossings at US land ports, by port, month and measure.

The counts are CBP's inbound counts (vehicles, containers, passengers, pedestrians) published by
the Bureau of Transportation Statistics. Containers and passengers are separate measures from the
vehicles that carry them: never add measures together. The file holds a few exact duplicate rows
(a BTS quirk), dropped here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_csv
from drugflows.tables import TableMeta

SOURCE = "bts_border_crossings"
TABLE = "border_crossings_monthly"
COLUMNS = ("Port Name", "State", "Port Code", "Border", "Date", "Measure", "Value", "Latitude", "Longitude")
PROCESSED = {
    "month": "month",
    "port_code": "str",
    "port_name": "str",
    "state": "str",
    "border": "str",
    "field_office": "str",
    "measure": "str",
    "value": "int",
    "lat": "float",
    "lon": "float",
}

#: CBP Office of Field Operations field office of each land port, by state. Sources: CBP news
#: releases of 2013-02-25 and 2014-02-19 ("The CBP Seattle Field Office manages the 67 ports of
#: entry ... across the states of Washington, Idaho, Montana, North Dakota and Minnesota"); the
#: other field offices are those CBP's seizure statistics list for each border region, assigned
#: by state. Alaska's land ports are left unassigned: no source on file names their office.
FIELD_OFFICE_BY_STATE = {
    "California": "SAN DIEGO FIELD OFFICE",
    "Arizona": "TUCSON FIELD OFFICE",
    "New Mexico": "EL PASO FIELD OFFICE",
    "Washington": "SEATTLE FIELD OFFICE",
    "Idaho": "SEATTLE FIELD OFFICE",
    "Montana": "SEATTLE FIELD OFFICE",
    "North Dakota": "SEATTLE FIELD OFFICE",
    "Minnesota": "SEATTLE FIELD OFFICE",
    "Michigan": "DETROIT FIELD OFFICE",
    "New York": "BUFFALO FIELD OFFICE",
    "Vermont": "BOSTON FIELD OFFICE",
    "New Hampshire": "BOSTON FIELD OFFICE",
    "Maine": "BOSTON FIELD OFFICE",
}
#: Texas is split by CBP port district, the first two digits of the port code: 23 = Laredo
#: district (Laredo field office), 24 = El Paso district (El Paso field office).
TEXAS_DISTRICTS = {"23": "LAREDO FIELD OFFICE", "24": "EL PASO FIELD OFFICE"}


def field_office(state: str, port_code: str) -> str | None:
    """The CBP field office of a land port (None where no source on file assigns one)."""
    if state == "Texas":
        return TEXAS_DISTRICTS.get(port_code[:2])
    return FIELD_OFFICE_BY_STATE.get(state)


def vintage_files(folder: Path) -> list[Path]:
    """Every BTS file, in ``vintage_YYYY-MM/`` subfolders or directly in the folder."""
    files = sorted(folder.glob("vintage_*/Border_Crossing_Entry_Data.csv*")) + sorted(
        folder.glob("Border_Crossing_Entry_Data*.csv*")
    )
    if not files:
        raise FileNotFoundError(f"{folder}: no Border_Crossing_Entry_Data CSV (plain or .gz)")
    return files


def newest_file(found: list[Path]) -> tuple[Path, pd.DataFrame]:
    """The file whose data reach the latest month (each holds the whole history): the vintage
    written in the files, never their names or folders. Two that reach the same month and differ
    are refused."""
    read = [(p, read_csv(p, COLUMNS, dtype={"Port Code": str})) for p in found]
    if len(read) == 1:
        return read[0]
    dated = sorted(
        ((pd.to_datetime(f["Date"], format="%b %Y", errors="coerce").max(), p, f) for p, f in read),
        key=lambda t: pd.Timestamp.min if pd.isna(t[0]) else t[0],
    )
    last, path, frame = dated[-1]
    for month, other, other_frame in dated[:-1]:
        if month == last and not other_frame.equals(frame):
            raise RawLayoutError(
                f"{path} and {other}: both reach {last:%Y-%m} but differ; keep only the later one"
            )
    paths.note(SOURCE, f"{path} taken: data to {last:%Y-%m}, the latest of {len(dated)} files")
    return path, frame


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``border_crossings_monthly`` from the newest BTS file (it holds the whole history)."""
    folder = paths.raw_source_dir(SOURCE, raw)
    path, frame = newest_file(vintage_files(folder))
    rows_read = len(frame)
    frame = frame.drop_duplicates()
    month = pd.to_datetime(frame["Date"], format="%b %Y", errors="coerce")
    value = pd.to_numeric(frame["Value"], errors="coerce")
    bad = month.isna() | value.isna() | (value < 0)
    if bad.any():
        raise RawLayoutError(
            f"{path}: Date must look like 'Feb 2025' and Value be a count >= 0; "
            f"{int(bad.sum())} bad rows, e.g. {frame[bad].head(2).to_dict('records')}"
        )
    port_code = frame["Port Code"].str.strip().str.zfill(4)
    table = pd.DataFrame(
        {
            "month": month,
            "port_code": port_code,
            "port_name": frame["Port Name"],
            "state": frame["State"],
            "border": frame["Border"],
            "field_office": [field_office(s, c) for s, c in zip(frame["State"], port_code, strict=True)],
            "measure": frame["Measure"],
            "value": value.astype("int64"),
            "lat": frame["Latitude"],
            "lon": frame["Longitude"],
        }
    )
    key = ["month", "port_code", "measure"]
    # The same port, month and measure with two different values: which is right is unknown, so
    # neither is kept (one cell in the 2025-02 vintage: Sasabe, Feb 2021, Bus Passengers 0 / 2,175).
    conflicting = table.duplicated(key, keep=False)
    conflicts = table[conflicting].drop_duplicates(key)
    described = "; ".join(f"{r.port_name} {r.month:%Y-%m} {r.measure}" for r in conflicts.itertuples())
    table = table[~conflicting].sort_values(key, ignore_index=True)
    vintage = f"{table['month'].max():%Y-%m}"
    meta = TableMeta(
        name=TABLE,
        title="Inbound crossings at US land ports by month, port and measure (BTS)",
        raw_source=SOURCE,
        source="U.S. Bureau of Transportation Statistics, Border Crossing/Entry Data (CBP counts)",
        source_url="https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2",
        vintage=vintage,
        coverage=f"{table['month'].min():%Y-%m} to {vintage}",
        columns=PROCESSED,
        raw_files=[raw_file(path, vintage, len(table), folder=folder)],
        format="parquet",
        notes=f"Inbound only. {rows_read - len(table) - int(conflicting.sum())} exact duplicate "
        f"rows dropped; {len(conflicts)} cell(s) with two different values left out "
        f"({described or 'none'}). Measures are "
        "not additive (passengers ride in vehicles). field_office: CBP field office by "
        "state (Texas by port district); Alaska unassigned.",
        key=key,
        non_negative=["value"],
    )
    return table, meta
