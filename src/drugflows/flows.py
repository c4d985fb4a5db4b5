"""Trafficking-flow indicators: seizures over traffic, seasonality and structural breaks.

All functions take tidy frames from the processed tables and return tidy frames; units are in the
column names (``lbs_per_million_vehicles``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: BTS measures that count vehicles (not the people or containers they carry).
VEHICLE_MEASURES = ("Personal Vehicles", "Trucks", "Buses", "Trains")


def seizures_per_traffic(seizures: pd.DataFrame, crossings: pd.DataFrame,
                         measures: tuple[str, ...] = VEHICLE_MEASURES) -> pd.DataFrame:
    """Port-of-entry seizures over inbound traffic, by field office and month.

    ``seizures``: rows of ``cbp_seizures_monthly`` (OFO rows are used: USBP works between ports);
    ``crossings``: rows of ``border_crossings_monthly``. Only months present in both are kept.
    Returns field_office, month, lbs, events, vehicles, lbs_per_million_vehicles,
    events_per_million_vehicles.
    """
    ports = seizures[seizures["component"] == "OFO"]
    seized = ports.groupby(["aor", "month"], as_index=False)[["lbs", "events"]].sum().rename(
        columns={"aor": "field_office"})
    traffic = crossings[crossings["measure"].isin(measures)].dropna(subset=["field_office"])
    vehicles = traffic.groupby(["field_office", "month"], as_index=False)["value"].sum().rename(
        columns={"value": "vehicles"})
    months = set(seized["month"]) & set(vehicles["month"])
    out = vehicles[vehicles["month"].isin(months)].merge(
        seized, on=["field_office", "month"], how="left").fillna({"lbs": 0.0, "events": 0})
    per_million = out["vehicles"].where(out["vehicles"] > 0) / 1e6
    out["lbs_per_million_vehicles"] = out["lbs"] / per_million
    out["events_per_million_vehicles"] = out["events"] / per_million
    return out.sort_values(["field_office", "month"], ignore_index=True)


def seasonal_profile(monthly: pd.Series) -> pd.DataFrame:
    """Average seasonal index by calendar month (1 = an average month of its fiscal year).

    ``monthly``: values indexed by month (first day). Only complete fiscal years are used; each
    month is divided by the mean month of its fiscal year, then averaged across years.
    Returns month (1-12), index, years (how many years the average rests on).
    """
    frame = monthly.rename("value").to_frame().rename_axis(None)
    frame["fiscal_year"] = frame.index.year + (frame.index.month >= 10)
    counts = frame.groupby("fiscal_year")["value"].transform("size")
    frame = frame[counts == 12]
    means = frame.groupby("fiscal_year")["value"].transform("mean")
    frame["ratio"] = frame["value"] / means.where(means > 0)
    frame["month"] = frame.index.month
    profile = frame.groupby("month")["ratio"].agg(["mean", "count"]).rename(
        columns={"mean": "index", "count": "years"})
    return profile.reindex(range(1, 13)).rename_axis("month").reset_index()


def change_points(values: pd.Series, min_size: int = 6, penalty: float | None = None
                  ) -> list[pd.Timestamp]:
    """Where the mean level of a series shifts: binary segmentation on squared error.

    A segment is split at the point that most reduces the sum of squared deviations from the
    segment means, if the reduction exceeds ``penalty`` and both parts hold at least ``min_size``
    points; then each part is searched again. The default penalty is the BIC-style
    ``2 * sigma**2 * log(n)``, with the noise ``sigma`` estimated robustly from the median absolute
    difference between consecutive values (so level shifts do not inflate it).
    Returns the first index label of every new segment, in order.
    """
    y = values.to_numpy(dtype=float)
    n = len(y)
    if n < 2 * min_size:
        return []
    if penalty is None:
        diffs = np.abs(np.diff(y))
        sigma = 1.4826 * np.median(diffs) / np.sqrt(2)
        penalty = 2 * max(sigma, 1e-12) ** 2 * np.log(n)

    def best_split(lo: int, hi: int) -> tuple[float, int]:
        seg = y[lo:hi]
        csum, csq = np.cumsum(seg), np.cumsum(seg ** 2)
        total = csq[-1] - csum[-1] ** 2 / len(seg)
        best, where = 0.0, -1
        for k in range(min_size, len(seg) - min_size + 1):
            left = csq[k - 1] - csum[k - 1] ** 2 / k
            right = (csq[-1] - csq[k - 1]) - (csum[-1] - csum[k - 1]) ** 2 / (len(seg) - k)
            gain = total - left - right
            if gain > best:
                best, where = gain, lo + k
        return best, where

    breaks, stack = [], [(0, n)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2 * min_size:
            continue
        gain, where = best_split(lo, hi)
        if where > 0 and gain > penalty:
            breaks.append(where)
            stack += [(lo, where), (where, hi)]
    return [values.index[i] for i in sorted(breaks)]


def seizure_level_shifts(lbs: pd.Series, min_size: int = 6) -> list[pd.Timestamp]:
    """Months where the level of monthly seizures shifts, found by :func:`change_points` on
    log(1 + lbs): seizure weights vary multiplicatively, and on the log scale one huge load does not
    read as a new level."""
    return change_points(np.log1p(lbs.astype(float)), min_size=min_size)
