"""Crop estimates: coca and opium poppy cultivation, eradication and production, every vintage.

From three raw sources: the hand-compiled table of published figures (one citation per number,
``published_figures/figures.csv``), the Colombian municipal panels summed to the nation, and the
DEVIDA department table for Peru. Every vintage is kept; ``drugflows.domain.crops.pick_vintage`` chooses one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError, colombia
from drugflows.sources._common import raw_file, read_csv
from drugflows.tables import TableMeta

TABLE = "crop_estimates"
FLOWS_TABLE = "flow_estimates"
FLOW_COLUMNS = {
    "route": "str",
    "year": "int",
    "value": "float",
    "unit": "str",
    "estimate_by": "str",
    "published_year": "int",
    "source": "str",
    "url": "str",
    "quote": "str",
    "note": "str",
}
PROCESSED = {
    "iso3": "str",
    "year": "int",
    "crop": "str",
    "measure": "str",
    "value": "float",
    "unit": "str",
    "estimate_by": "str",
    "published_year": "int_or_missing",
    "source": "str",
    "url": "str",
    "note": "str",
}

#: figures.csv series -> (crop, measure). Flow shares are not crop estimates and are left out.
SERIES = {
    "coca_cultivation": ("coca", "cultivation_ha"),
    "coca_cultivation_global": ("coca", "cultivation_ha"),
    "coca_eradication_manual": ("coca", "manual_eradication_ha"),
    "coca_eradication_aerial": ("coca", "aerial_spraying_ha"),
    "coca_eradication_total": ("coca", "eradication_ha"),
    "coca_eradication_reported": ("coca", "eradication_reported_ha"),
    "cocaine_production_potential_pure": ("coca", "production_t"),
    "cocaine_manufacture_global": ("coca", "production_t"),
    "cocaine_manufacture_global_lower_bound": ("coca", "production_lower_t"),
    "opium_poppy_cultivation": ("opium_poppy", "cultivation_ha"),
    "opium_poppy_cultivation_net": ("opium_poppy", "net_cultivation_ha"),
    "opium_poppy_eradication": ("opium_poppy", "eradication_ha"),
    "heroin_production_potential_pure": ("opium_poppy", "production_t"),
}
#: What production_t measures for each crop (the unit column says it).
PRODUCTS = {
    "coca": "metric tons of pure cocaine (potential production)",
    "opium_poppy": "metric tons of pure heroin (potential production)",
}
FIGURE_COLUMNS = (
    "series",
    "country_iso3",
    "year",
    "value",
    "unit",
    "estimate_by",
    "source_title",
    "publisher",
    "published_year",
    "url",
    "quote",
    "note",
)


def read_figures(raw) -> tuple[pd.DataFrame, Path]:
    """The published figures, every series checked against those this module knows."""
    path = paths.raw_source_dir("published_figures", raw) / "figures.csv"
    frame = read_csv(path, FIGURE_COLUMNS)
    unknown = sorted(
        set(frame["series"]) - set(SERIES) - {s for s in frame["series"] if s.startswith("cocaine_flow")}
    )
    if unknown:
        raise RawLayoutError(f"{path}: series not known to drugflows.sources.published_figures: {unknown}")
    return frame, path


def published(raw) -> tuple[pd.DataFrame, list]:
    frame, path = read_figures(raw)
    frame = frame[frame["series"].isin(list(SERIES))]
    crop_measure = frame["series"].map(SERIES)
    out = pd.DataFrame(
        {
            "iso3": frame["country_iso3"],
            "year": frame["year"],
            "crop": crop_measure.str[0],
            "measure": crop_measure.str[1],
            "value": frame["value"],
            "unit": frame["unit"].where(
                ~crop_measure.str[1].str.startswith("production"), crop_measure.str[0].map(PRODUCTS)
            ),
            "estimate_by": frame["estimate_by"],
            "published_year": frame["published_year"],
            "source": frame["publisher"] + ": " + frame["source_title"],
            "url": frame["url"],
            "note": frame["note"].fillna(""),
        }
    )
    return out, [raw_file(path, f"published to {frame['published_year'].max()}", len(out))]


def peru(raw) -> tuple[pd.DataFrame, list]:
    """DEVIDA national coca area: the table's TOTAL row, checked against the sum of departments
    (which DEVIDA rounds: they may differ by a few hectares)."""
    path = paths.raw_source_dir("peru", raw) / "coca_department_2020_2024.csv"
    frame = read_csv(path, ["Departamento"])
    years = [c for c in frame.columns if c.isdigit()]
    is_total = frame["Departamento"].str.strip().str.upper() == "TOTAL"
    if is_total.sum() != 1:
        raise RawLayoutError(f"{path}: expected one TOTAL row, found {int(is_total.sum())}")
    sums = frame.loc[~is_total, years].sum()
    total = frame.loc[is_total, years].iloc[0].astype(float)
    off = (sums - total).abs()
    if (off > 5).any():
        raise RawLayoutError(
            f"{path}: departments differ from the TOTAL row by more than 5 ha: {off[off > 5].to_dict()}"
        )
    out = pd.DataFrame(
        {
            "iso3": "PER",
            "year": [int(y) for y in years],
            "crop": "coca",
            "measure": "cultivation_ha",
            "value": total.values,
            "unit": "hectares",
            "estimate_by": "national government",
            "published_year": pd.NA,
            "source": "DEVIDA coca monitoring, national total (department table)",
            "url": "https://www.gob.pe/devida",
            "note": "",
        }
    )
    return out, [raw_file(path, f"{years[-1]}", len(frame))]


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``crop_estimates``: one row per estimate as published (several vintages per series)."""
    figures, figure_files = published(raw)
    panel, panel_files = colombia.national_totals(raw)
    panel = panel.assign(url="", note="")
    devida, devida_files = peru(raw)
    table = pd.concat([figures, panel, devida], ignore_index=True)[list(PROCESSED)]
    table["published_year"] = table["published_year"].astype("Int64")
    table = table.sort_values(
        ["crop", "iso3", "measure", "year", "estimate_by", "published_year", "source"], ignore_index=True
    )
    meta = TableMeta(
        name=TABLE,
        title="Coca and opium poppy: cultivation, eradication and production estimates",
        raw_source="published_figures, colombia, peru",
        source="UNODC, US government (ONDCP), national governments, as published; Colombian "
        "municipal panels; DEVIDA",
        source_url="https://www.unodc.org/unodc/en/data-and-analysis/world-drug-report.html",
        vintage=f"published to {int(table['published_year'].max())}",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {', '.join(sorted(table['iso3'].unique()))}",
        columns=PROCESSED,
        raw_files=[*figure_files, *panel_files, *devida_files],
        notes="Every vintage kept: pick one per series with drugflows.domain.crops.pick_vintage, never "
        "average. UNODC and US government coca estimates measure different things (net area "
        "on 31 December vs. area at survey time). WLD = global total.",
        non_negative=["value"],
    )
    return table, meta


def build_flows(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``flow_estimates``: published shares of cocaine by route toward the US, and the estimated
    flow, one row per figure as published (with its quote)."""
    frame, path = read_figures(raw)
    frame = frame[frame["series"].str.startswith("cocaine_flow")]
    table = pd.DataFrame(
        {
            "route": frame["series"]
            .str.removeprefix("cocaine_flow_share_")
            .str.removeprefix("cocaine_flow_"),
            "year": frame["year"],
            "value": frame["value"],
            "unit": frame["unit"],
            "estimate_by": frame["estimate_by"],
            "published_year": frame["published_year"],
            "source": frame["publisher"] + ": " + frame["source_title"],
            "url": frame["url"],
            "quote": frame["quote"],
            "note": frame["note"].fillna(""),
        }
    )
    table = table.sort_values(["route", "year", "published_year"], ignore_index=True)
    meta = TableMeta(
        name=FLOWS_TABLE,
        title="Cocaine flows toward the US: published route shares and volume",
        raw_source="published_figures",
        source="US government (ONDCP, DIA, State, GAO) as published",
        source_url="https://www.whitehouse.gov/ondcp/",
        vintage=f"published to {table['published_year'].max()}",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {table['route'].nunique()} routes",
        columns=FLOW_COLUMNS,
        raw_files=[raw_file(path, f"published to {table['published_year'].max()}", len(table))],
        notes="Shares have different bases (read unit): share of cocaine entering the US, of "
        "documented movement, of flow north from South America. Never combine shares of "
        "different bases or years.",
        non_negative=["value"],
    )
    return table, meta
