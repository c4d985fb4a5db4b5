"""Periods written as runs, the one helper the loaders' messages and the reports' text share."""

from __future__ import annotations

import pandas as pd

from drugflows.periods import month_runs, year_runs


def test_month_runs_join_consecutive_months_across_a_year_end():
    months = pd.to_datetime(
        ["2024-01-01", "2022-09-01", "2018-10-01", "2018-11-01", "2018-12-01", "2019-01-01"]
    )
    assert month_runs(months) == "2018-10 to 2019-01, 2022-09, 2024-01"
    assert month_runs([]) == ""


def test_year_runs_join_consecutive_years_and_say_when_there_are_none():
    assert year_runs([2007, 2001, 2002, 2003]) == "2001-2003, 2007"
    assert year_runs([], empty="none") == "none"
