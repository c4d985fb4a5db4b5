"""Crop estimates: choose one vintage per series (never an average of vintages)."""

from __future__ import annotations

import pandas as pd

SERIES_KEY = ["iso3", "crop", "measure", "estimate_by", "year"]


def pick_vintage(estimates: pd.DataFrame, rule: str = "latest") -> pd.DataFrame:
    """One row per (iso3, crop, measure, estimate_by, year) of ``crop_estimates``.

    ``rule="latest"`` keeps the most recently published figure (figures with a publication year
    before derived sums without one), ``"earliest"`` the first published. Ties keep the first row
    in table order. Values are never averaged.
    """
    if rule not in ("latest", "earliest"):
        raise ValueError(f"rule must be 'latest' or 'earliest', got {rule!r}")
    order = estimates.assign(
        _published=estimates["published_year"].astype("Float64").fillna(-1 if rule == "latest" else 10_000)
    )
    order = order.sort_values("_published", ascending=(rule == "earliest"), kind="stable")
    return (
        order.drop_duplicates(SERIES_KEY, keep="first")
        .drop(columns="_published")
        .sort_values(SERIES_KEY, ignore_index=True)
    )
