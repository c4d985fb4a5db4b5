"""US federal fiscal years (October 1 to September 30; FY2023 runs Oct 2022 to Sep 2023)."""

from __future__ import annotations

import pandas as pd

#: Month abbreviations in fiscal-year order, as CBP writes them.
FISCAL_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
_CALENDAR_MONTH = {
    abbr: i + 1
    for i, abbr in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}


def calendar_month(fiscal_year: int, month_abbr: str) -> pd.Timestamp:
    """First day of the calendar month: ``calendar_month(2023, "OCT")`` is 2022-10-01."""
    month = _CALENDAR_MONTH[month_abbr.upper()]
    year = fiscal_year - 1 if month >= 10 else fiscal_year
    return pd.Timestamp(year=year, month=month, day=1)


def fiscal_year_of(month: pd.Series) -> pd.Series:
    """Fiscal year of each timestamp: months October-December belong to the next year's FY."""
    return month.dt.year + (month.dt.month >= 10).astype("int64")
