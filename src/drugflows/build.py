"""Rebuild every processed table from the raw public files (``drugflows data build``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from drugflows import paths, tables
from drugflows.sources import (
    assistance,
    bts,
    cbp,
    cdc,
    colombia,
    dea,
    indicators,
    majors,
    naturalearth,
    published_figures,
    reference,
    unodc,
)

Builder = Callable[[Path | None], tuple[pd.DataFrame, tables.TableMeta]]

#: Table name -> function building it from a raw root (None: the default search order).
BUILDERS: dict[str, Builder] = {
    cbp.NATIONWIDE_TABLE: cbp.build_nationwide,
    cbp.AMO_TABLE: cbp.build_amo,
    dea.TABLE: dea.build,
    majors.TABLE: majors.build,
    indicators.TABLE: indicators.build,
    reference.COUNTRIES_TABLE: reference.build_countries,
    colombia.TABLE: colombia.build,
    published_figures.TABLE: published_figures.build,
    published_figures.FLOWS_TABLE: published_figures.build_flows,
    unodc.SEIZURES_TABLE: unodc.build_seizures,
    unodc.PRICES_TABLE: unodc.build_prices,
    assistance.TABLE: assistance.build,
    bts.TABLE: bts.build,
    cdc.TABLE: cdc.build,
    naturalearth.TABLE: naturalearth.build,
}


def build_all(
    raw: Path | None = None, processed_dir: Path | None = None, only: list[str] | None = None
) -> list[tables.TableMeta]:
    """Build the tables in memory first, then write them and the catalog.

    A failing source raises before anything is written. A full build writes a new catalog; a
    partial one (``only``) updates the entries of the tables it rebuilt.
    """
    processed_dir = processed_dir or paths.PROCESSED_DIR
    names = only or list(BUILDERS)
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        raise KeyError(f"Unknown table(s) {unknown}; known: {sorted(BUILDERS)}")
    built = [BUILDERS[name](raw) for name in names]
    catalog = tables.read_catalog(processed_dir) if only else {}
    for frame, meta in built:
        tables.write(frame, meta, processed_dir)
        catalog[meta.name] = meta
    tables.write_catalog(catalog, processed_dir)
    return [meta for _, meta in built]
