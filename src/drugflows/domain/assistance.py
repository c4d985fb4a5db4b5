"""US drug-control assistance from ``us_assistance``: the USAID Greenbook (obligations of INCLE,
the Andean Counterdrug Initiative, DoD counter-drug and DEA accounts), ForeignAssistance.gov (the
counter-narcotics sector) and State's budget justifications (INCLE). Current and constant US$ by
fiscal year.

The series overlap (the sector total includes INCLE) and must never be added together. INCLE also
pays for police, justice and corrections programmes, so the Greenbook sum is not all
counter-narcotics money: call it :data:`GREENBOOK_SUM`; only the ForeignAssistance.gov sector is a
counter-narcotics sector.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows.sources.assistance import (
    CBJ_INCLE,
    COUNTERNARCOTICS_ACCOUNTS,
    COUNTERNARCOTICS_SECTOR,
    FA_COUNTRY,
    FA_SECTOR,
    GREENBOOK,
    STATE_CBJ,
)
from drugflows.wording import money_text, share_text

#: What the sum of the Greenbook accounts (:func:`greenbook_counternarcotics`) is, as printed.
GREENBOOK_SUM = "INCLE, Andean Counterdrug Initiative, DoD counter-drug and DEA obligations"
#: Why the Greenbook sum is not called counter-narcotics money, as printed under its tables.
INCLE_NOTE = (
    "INCLE (State's International Narcotics Control and Law Enforcement account) also pays for police, "
    "justice and corrections programmes, so these sums are more than counter-narcotics money."
)


def assistance_title(who: str) -> str:
    """The title of a chart of :data:`ASSISTANCE_SERIES` for ``who``."""
    return f"US drug-control assistance to {who}, by account and sector"


def accounts_of(agency: str) -> tuple[str, ...]:
    """The Greenbook counter-narcotics accounts of one agency (State, Defense, DEA)."""
    return tuple(account for account, owner in COUNTERNARCOTICS_ACCOUNTS.items() if owner == agency)


@dataclass(frozen=True)
class Series:
    """One assistance series: the publisher, its accounts or sectors and transaction types."""

    source: str
    accounts: tuple[str, ...]
    transactions: tuple[str, ...]


#: The assistance series a report draws, by label.
ASSISTANCE_SERIES = {
    "State INCLE and Andean Counterdrug Initiative, obligations (Greenbook)": Series(
        GREENBOOK, accounts_of("State"), ("obligations",)
    ),
    "Defense counter-drug, obligations (Greenbook)": Series(
        GREENBOOK, accounts_of("Defense"), ("obligations",)
    ),
    "DEA, obligations (Greenbook)": Series(GREENBOOK, accounts_of("DEA"), ("obligations",)),
    "Counter-narcotics sector, all agencies, disbursements (ForeignAssistance.gov)": Series(
        FA_SECTOR, (COUNTERNARCOTICS_SECTOR,), ("disbursements",)
    ),
    "INCLE, allocation or request (State CBJ)": Series(STATE_CBJ, (CBJ_INCLE,), ("allocation", "request")),
}
#: The labels of the Greenbook series (State, Defense and DEA obligations).
GREENBOOK_SERIES = tuple(label for label, series in ASSISTANCE_SERIES.items() if series.source == GREENBOOK)


def counternarcotics_assistance(assistance: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Fiscal years x series (:data:`ASSISTANCE_SERIES`): US assistance to ``countries`` (summed),
    current US$.

    The series overlap (the sector total includes INCLE) and must never be added together.
    """
    rows = assistance[assistance["iso3"].isin(countries) & ~assistance["is_aggregate"]]
    out = {}
    for label, series in ASSISTANCE_SERIES.items():
        part = rows[
            (rows["source"] == series.source)
            & rows["account_or_sector"].isin(series.accounts)
            & rows["transaction_type"].isin(series.transactions)
        ]
        if not part.empty:
            out[label] = part.groupby("fiscal_year")["usd_current"].sum()
    return pd.DataFrame(out).rename_axis("fiscal_year").sort_index()


def greenbook_counternarcotics(assistance: pd.DataFrame, iso3: str | None = None) -> pd.DataFrame:
    """Fiscal year x agency (State, Defense, DEA): obligations of the Greenbook accounts
    (:data:`GREENBOOK_SUM`; INCLE is more than counter-narcotics money), constant US$
    (Greenbook base year), for one country or every country (iso3 None: rows iso3, fiscal_year)."""
    rows = assistance[
        (assistance["source"] == GREENBOOK)
        & assistance["account_or_sector"].isin(COUNTERNARCOTICS_ACCOUNTS)
        & ~assistance["is_aggregate"]
    ]
    if iso3 is not None:
        rows = rows[rows["iso3"] == iso3]
    rows = rows.assign(agency_group=rows["account_or_sector"].map(COUNTERNARCOTICS_ACCOUNTS))
    index = "fiscal_year" if iso3 is not None else ["iso3", "fiscal_year"]
    return rows.pivot_table(index=index, columns="agency_group", values="usd_constant", aggfunc="sum").fillna(
        0.0
    )


#: When the ForeignAssistance.gov files on file were downloaded (their SOURCE.md: an early-2025
#: download, backed up in February 2025).
ASSISTANCE_DOWNLOADED = pd.Timestamp("2025-02-01")


def complete_fiscal_year(downloaded: pd.Timestamp = ASSISTANCE_DOWNLOADED) -> int:
    """The latest fiscal year whose obligations a download made on ``downloaded`` holds in full:
    the latest that ended (30 September) at least a year before it, since obligations of a fiscal
    year keep being recorded for months after it ends (2023 for a February 2025 download)."""
    return downloaded.year - 1 if downloaded >= pd.Timestamp(downloaded.year, 9, 30) else downloaded.year - 2


#: ForeignAssistance.gov's last complete fiscal year in the download on file (:func:`complete_fiscal_year`:
#: fiscal 2023 for the February 2025 download; its FY2024 rows are still filling).
LAST_COMPLETE_FY = complete_fiscal_year()


def counternarcotics_share(
    assistance: pd.DataFrame, iso3s: list[str], last_year: int = LAST_COMPLETE_FY
) -> tuple[int, float, float | None] | None:
    """(fiscal year, all-sector obligations, counter-narcotics-sector obligations or None where the
    sector has no row) to ``iso3s`` (summed), current US$, ForeignAssistance.gov, in the latest
    fiscal year up to ``last_year`` (the latest complete one, :data:`LAST_COMPLETE_FY`, unless
    given) with all-sector obligations; None if there is none. Both figures from the same publisher,
    year and transaction type."""
    rows = assistance[
        assistance["iso3"].isin(iso3s)
        & (assistance["transaction_type"] == "obligations")
        & (assistance["fiscal_year"] <= last_year)
        & ~assistance["is_aggregate"]
    ]
    total = rows[rows["source"] == FA_COUNTRY].groupby("fiscal_year")["usd_current"].sum()
    if total.empty:
        return None
    year = int(total.index.max())
    sector = rows[
        (rows["source"] == FA_SECTOR)
        & (rows["account_or_sector"] == COUNTERNARCOTICS_SECTOR)
        & (rows["fiscal_year"] == year)
    ]
    return year, float(total[year]), float(sector["usd_current"].sum()) if not sector.empty else None


def counternarcotics_share_text(year: int, total_usd: float, sector_usd: float | None) -> str:
    """One sentence (without its full stop) of :func:`counternarcotics_share`'s figures, money in
    sensible units, saying that the sector figure is what is coded to the sector."""
    text = f"US assistance obligated in fiscal {year}: {money_text(total_usd)} across all sectors"
    if sector_usd is None:
        text += "; no obligations coded to the counter-narcotics sector that year"
    else:
        text += f", of which {money_text(sector_usd)} coded to the counter-narcotics sector"
        if total_usd > 0 and 0 <= sector_usd <= total_usd:
            text += f" ({share_text(sector_usd, total_usd)})"
    return text + (
        " (ForeignAssistance.gov, current dollars; INCLE money coded to other sectors is not in the "
        "counter-narcotics figure)"
    )
