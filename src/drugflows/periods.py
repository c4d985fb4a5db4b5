"""Periods written as runs, for messages and report text: ``2018-10 to 2022-09, 2024-01``."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def _runs(values: list, follows) -> list[list]:
    runs: list[list] = []
    for value in values:
        if runs and follows(runs[-1][-1], value):
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def month_runs(months: Iterable) -> str:
    """Months as runs: ``2018-10 to 2022-09, 2024-01``."""
    values = sorted(pd.Timestamp(m) for m in months)
    runs = _runs(values, lambda a, b: b == a + pd.DateOffset(months=1))
    return ", ".join(f"{r[0]:%Y-%m}" if len(r) == 1 else f"{r[0]:%Y-%m} to {r[-1]:%Y-%m}" for r in runs)


def year_runs(years: Iterable[int], empty: str = "") -> str:
    """Years as runs: [2001, 2002, 2003, 2007] -> "2001-2003, 2007" (``empty`` when there are none)."""
    runs = _runs(sorted(years), lambda a, b: b == a + 1)
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs) or empty
