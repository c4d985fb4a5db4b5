"""The US "Majors List": Presidential Determinations on major drug transit or major illicit drug
producing countries (FRAA section 706), parsed from the White House texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from drugflows import countries, paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file
from drugflows.tables import TableMeta

SOURCE = "majors_list"
TABLE = "majors_list"
PROCESSED = {
    "fiscal_year": "int",
    "iso3": "str",
    "country_as_written": "str",
    "on_list": "bool",
    "failed_demonstrably": "bool",
}
_FY = re.compile(r"Producing Countries for Fiscal Year[\s\\_]+(\d{4})", re.I)  # title or subject
_LISTED = re.compile(
    r"I hereby identify the following countries as major drug transit or major "
    r"illicit drug producing countries[^:]*:\s*(.+?)\.\s",
    re.S,
)
_FAILED = re.compile(r"I hereby designate\s+(.+?)\s+as having failed demonstrably", re.S)


def split_names(text: str) -> list[str]:
    """'Afghanistan, The Bahamas, the Dominican Republic, and Venezuela' -> names (a leading
    lower-case 'the' dropped; 'The Bahamas' kept)."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", " ".join(text.split()))
    return [re.sub(r"^the\s+", "", p.strip()) for p in parts if p.strip()]


def parse_determination(path: Path) -> pd.DataFrame:
    """One determination: fiscal_year, country_as_written, failed_demonstrably."""
    text = " ".join(path.read_text(encoding="utf-8").replace("\u00a0", " ").split())
    fy, listed = _FY.search(text), _LISTED.search(text)
    if not (fy and listed):
        raise RawLayoutError(
            f"{path}: no 'Fiscal Year NNNN' subject or no 'I hereby identify the "
            f"following countries ...:' list"
        )
    failed = _FAILED.search(text)
    failed_names = set(split_names(failed.group(1))) if failed else set()
    names = split_names(listed.group(1))
    unknown = failed_names - set(names)
    if unknown:
        raise RawLayoutError(f"{path}: 'failed demonstrably' names not on the list: {unknown}")
    return pd.DataFrame(
        {
            "fiscal_year": int(fy.group(1)),
            "country_as_written": names,
            "failed_demonstrably": [n in failed_names for n in names],
        }
    )


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``majors_list``: every country on the list, by fiscal year, with 'failed demonstrably'."""
    folder = paths.raw_source_dir(SOURCE, raw)
    files = sorted(folder.glob("*major-drug-transit*.md"))
    if not files:
        raise FileNotFoundError(f"{folder}: no Presidential Determination texts (*.md)")
    parsed = [parse_determination(p) for p in files]
    table = pd.concat(parsed, ignore_index=True)
    table["iso3"] = countries.to_iso3(table["country_as_written"], f"{folder} (Majors List)")
    table["on_list"] = True
    table = table.sort_values(["fiscal_year", "iso3"], ignore_index=True)[list(PROCESSED)]
    years = table["fiscal_year"]
    meta = TableMeta(
        name=TABLE,
        title="Majors List: major drug transit or illicit drug producing countries",
        raw_source=SOURCE,
        source="The White House, Presidential Determinations (FRAA sec. 706)",
        source_url="https://www.whitehouse.gov/briefing-room/presidential-actions/",
        vintage=f"FY{years.max()}",
        coverage=f"FY{years.min()}-FY{years.max()}",
        columns=PROCESSED,
        raw_files=[
            raw_file(p, f"FY{int(t['fiscal_year'].iloc[0])}", len(t))
            for p, t in zip(files, parsed, strict=True)
        ],
        notes="Only countries on the list appear (on_list is always true): a country absent in a "
        "year on file was not listed. Determinations before FY2022 are not on file.",
        key=["fiscal_year", "iso3"],
    )
    return table, meta
