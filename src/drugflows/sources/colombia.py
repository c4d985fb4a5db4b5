"""Colombia: municipal coca cultivation and eradication panels (UNODC/SIMCI coca census; aerial
spraying and manual eradication from the Government of Colombia), as research replication files.

``dataset_paper3_v2.csv`` (Dávalos et al., 1,116 municipalities, 2001-2017) gives coca, spraying,
eradication and covariates; ``coca_cultivation.csv`` (CEDE-style panel, 1999-2019) gives coca only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_csv
from drugflows.tables import RawFile, TableMeta

SOURCE = "colombia"
TABLE = "colombia_municipal_coca"
PANEL_FILE = "dataset_paper3_v2.csv"
CEDE_FILE = "coca_cultivation.csv"
#: Manual eradication is recorded from 2004; the panel's zeros before are "not collected".
FIRST_MANUAL_ERADICATION_YEAR = 2004
#: SIMCI's coca census starts in 1999; earlier zeros in the CEDE panel are "not collected".
FIRST_COCA_CENSUS_YEAR = 1999

#: Raw column -> processed column (name and unit).
PANEL_COLUMNS = {
    "idmun": "divipola",
    "year": "year",
    "idstate": "department_code",
    "state": "department",
    "municipality": "municipality",
    "coca_": "coca_ha",
    "asp_": "aerial_spraying_ha",
    "er_": "manual_eradication_ha",
    "delta_coca": "coca_change_ha",
    "pop_": "population",
    "popr_": "population_rural",
    "popu_": "population_urban",
    "victim": "conflict_victims",
    "conflict": "conflict_index",
    "npark": "national_park",
    "resguardo": "indigenous_reserve",
    "elevation_": "elevation_m",
    "precipitat_": "precipitation_mm",
    "ipc": "price_index",
    "sipcc": "fiscal_revenue_pc",
    "royaltiespcc": "royalties_pc",
}
PROCESSED = {
    "divipola": "str",
    "department_code": "str",
    "department": "str",
    "municipality": "str",
    "year": "int",
    "coca_ha": "float",
    "aerial_spraying_ha": "float",
    "manual_eradication_ha": "float",
    "coca_change_ha": "float",
    "population": "float",
    "population_rural": "float",
    "population_urban": "float",
    "conflict_victims": "float",
    "conflict_index": "float",
    "national_park": "float",
    "indigenous_reserve": "float",
    "elevation_m": "float",
    "precipitation_mm": "float",
    "price_index": "float",
    "fiscal_revenue_pc": "float",
    "royalties_pc": "float",
}


def _fix_text(text: str) -> str:
    """Undo UTF-8 read as Mac Roman ('BOL√çVAR' -> 'BOLÍVAR') where that decodes cleanly."""
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _best_name(spellings: pd.Series) -> str:
    """The spelling to show: a mixed-case one with accents if the file has it, else title case."""
    fixed = [_fix_text(s) for s in spellings.dropna().unique()]
    mixed = [s for s in fixed if re.search(r"[a-z]", s)]
    return sorted(mixed)[0] if mixed else fixed[0].title()


def read_panel(path: Path) -> pd.DataFrame:
    """The municipal panel with clear names; 'not collected' years as missing, not zero."""
    frame = read_csv(path, list(PANEL_COLUMNS), encoding="mac_roman", dtype={"idmun": str, "idstate": str})
    frame = frame[list(PANEL_COLUMNS)].rename(columns=PANEL_COLUMNS)
    bad = ~frame["divipola"].str.fullmatch(r"\d{5}")
    if bad.any():
        raise RawLayoutError(
            f"{path}: idmun must be a 5-digit DANE code; bad: {frame.loc[bad, 'divipola'].head().tolist()}"
        )
    frame["department_code"] = frame["department_code"].str.zfill(2)
    frame["department"] = frame.groupby("department_code")["department"].transform(_best_name)
    frame["municipality"] = frame.groupby("divipola")["municipality"].transform(_best_name)
    early = frame["year"] < FIRST_MANUAL_ERADICATION_YEAR
    frame["manual_eradication_ha"] = frame["manual_eradication_ha"].astype("float64").mask(early)
    if frame.duplicated(["divipola", "year"]).any():
        raise RawLayoutError(f"{path}: duplicated (idmun, year) rows")
    return frame.sort_values(["divipola", "year"], ignore_index=True)


def read_cede(path: Path) -> pd.DataFrame:
    """The CEDE-style coca panel: divipola, year, coca_ha (missing before the 1999 census)."""
    frame = read_csv(path, ["codmpio", "ano", "H_coca"])
    out = pd.DataFrame(
        {
            "divipola": frame["codmpio"].astype("int64").astype(str).str.zfill(5),
            "year": frame["ano"].astype("int64"),
            "coca_ha": frame["H_coca"].astype("float64"),
        }
    )
    return out[out["year"] >= FIRST_COCA_CENSUS_YEAR].reset_index(drop=True)


def panel_files(raw) -> tuple[Path, Path]:
    folder = paths.raw_source_dir(SOURCE, raw)
    return folder / PANEL_FILE, folder / CEDE_FILE


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``colombia_municipal_coca``: one row per municipality and year, 2001-2017."""
    path, _ = panel_files(raw)
    table = read_panel(path)[list(PROCESSED)]
    meta = TableMeta(
        name=TABLE,
        title="Colombia: coca, aerial spraying and manual eradication by municipality",
        raw_source=SOURCE,
        source="UNODC/SIMCI coca census; Government of Colombia (ODC) eradication; replication "
        "data of Dávalos et al. (2023)",
        source_url="https://jied.lse.ac.uk/article/10.31389/jied.87/",
        vintage="replication file 2021",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {table['divipola'].nunique()} municipalities",
        columns=PROCESSED,
        raw_files=[raw_file(path, "2021", len(table))],
        format="parquet",
        notes="Hectares. manual_eradication_ha is missing before 2004 (not collected, the file's "
        "zeros); aerial spraying ended in October 2015. Covariates as in the replication "
        "file (CEDE/DANE), units not documented beyond their names.",
        key=["divipola", "year"],
        non_negative=["coca_ha", "aerial_spraying_ha", "manual_eradication_ha", "population"],
    )
    return table, meta


def national_totals(raw) -> tuple[pd.DataFrame, list[RawFile]]:
    """Both panels summed to the nation: rows for crop_estimates (iso3 COL, UNODC/SIMCI, GoC)."""
    path, cede_path = panel_files(raw)
    panel = read_panel(path)
    cede = read_cede(cede_path)
    sums = panel.groupby("year")[["coca_ha", "aerial_spraying_ha", "manual_eradication_ha"]].sum(min_count=1)
    rows = []
    for column, measure, by in (
        ("coca_ha", "cultivation_ha", "UNODC"),
        ("aerial_spraying_ha", "aerial_spraying_ha", "national government"),
        ("manual_eradication_ha", "manual_eradication_ha", "national government"),
    ):
        values = sums[column].dropna()
        rows.append(
            pd.DataFrame(
                {
                    "year": values.index,
                    "measure": measure,
                    "value": values.values,
                    "estimate_by": by,
                    "source": f"Municipal panel {PANEL_FILE} summed to the nation",
                }
            )
        )
    cede_sums = cede.groupby("year")["coca_ha"].sum()
    rows.append(
        pd.DataFrame(
            {
                "year": cede_sums.index,
                "measure": "cultivation_ha",
                "value": cede_sums.values,
                "estimate_by": "UNODC",
                "source": f"Municipal panel {CEDE_FILE} summed to the nation",
            }
        )
    )
    out = pd.concat(rows, ignore_index=True).assign(
        iso3="COL", crop="coca", unit="hectares", published_year=pd.NA
    )
    files = [raw_file(path, "2021", len(panel)), raw_file(cede_path, "2022", len(cede))]
    return out, files
