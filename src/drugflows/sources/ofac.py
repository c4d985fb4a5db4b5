"""US Treasury OFAC Specially Designated Nationals (SDN) list: the entries under the narcotics
programs (SDNTK Kingpin Act, SDNT EO 12978, ILLICIT-DRUGS EO 14059).

Raw layout (``../shared/data/ofac_sdn/SOURCE.md``):

- ``sdn.csv`` (OFAC's legacy list file): **no header row**, 12 fields (:data:`SDN_COLUMNS`),
  ``-0-`` (with a trailing space) for empty, CRLF, an end-of-file line holding only ``\\x1a``;
  several program tags joined by ``] [``.
- ``add.csv`` (addresses): ``ent_num, Add_num , Address, City/State/Province/Postal Code, Country,
  Add_remarks``, with a header row in the copy on file (OFAC's own file has none: both are read).
- ``sdn_first_last_seen.csv``: when each entry was first and last seen in a six-hourly scrape of
  ``sdn.csv`` from 18 Aug 2021 to 3 May 2024 (derived from a public git history).

**Vintages.** No list file states its date. OFAC numbers every new entry, and the highest
``ent_num`` of the list grew (never fell) over the scrape history (at each of the 284 times an
entry appeared or left), so the highest ``ent_num`` written in a file is its vintage key: newest
wins. The vintage label is the
date (US Eastern) of the last scraped version with exactly the file's entries, or, for a file
the history does not cover, "after" the history's end. Several list files are combined entry by
entry: each entry comes from the newest file that has it; an entry only in older files is kept
with ``on_newest_list`` false (delisted since). Address files are combined the same way.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drugflows import countries, paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import layout_error, raw_file, read_csv
from drugflows.tables import TableMeta

SOURCE = "ofac_sdn"
TABLE = "ofac_narcotics_designations"
URL = "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists"
PUBLISHER = "U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC), SDN list"

SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ADD_COLUMNS = ("ent_num", "Add_num ", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks")
HISTORY_COLUMNS = (
    "ent_num",
    "sdn_name",
    "sdn_type",
    "programs_first",
    "programs_last",
    "narcotics_program",
    "first_seen",
    "in_first_vintage",
    "last_seen",
    "present_in_last_vintage",
    "first_commit",
    "last_commit",
)
EMPTY = "-0-"
EOF_MARK = "\x1a"
#: OFAC's SDN_Type -> the table's ``sdn_type`` (``-0-`` is an entity).
TYPES = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft", "": "entity"}
#: The narcotics program tags and the flag column of each (ILLICIT-DRUGS matched on its prefix:
#: earlier files write ``ILLICIT-DRUGS-EO``, and the field can be cut short).
NARCOTICS_FLAGS = {"sdntk": "SDNTK", "sdnt": "SDNT", "illicit_drugs_eo14059": "ILLICIT-DRUGS"}
EASTERN = "America/New_York"

PROCESSED = {
    "ent_num": "int",
    "sdn_name": "str",
    "sdn_type": "str",
    "programs": "str",
    "sdntk": "bool",
    "sdnt": "bool",
    "illicit_drugs_eo14059": "bool",
    "iso3": "str",
    "countries_iso3": "str",
    "country_from": "str",
    "linked_to": "str",
    "linked_to_ent_nums": "str",
    "first_seen_date": "str",
    "first_seen_status": "str",
    "last_seen_date": "str",
    "programs_first_seen": "str",
    "list_vintage": "str",
    "on_newest_list": "bool",
}

#: ``country_from`` values, in the order they are tried.
FROM_ADDRESS = "address"
FROM_NATIONALITY = "remarks: nationality"
FROM_CITIZEN = "remarks: citizen"
FROM_ID = "remarks: ID issuer"
FROM_BIRTH = "remarks: place of birth"
FROM_NONE = "none"
#: ``first_seen_status`` values.
DATED = "dated"
BEFORE_HISTORY = "on the first scrape"  # designated on or before its date (2021-08-18 on file)
NOT_IN_HISTORY = "not in the scrape history"


@dataclass(frozen=True)
class ListFile:
    """One parsed OFAC file (list or addresses) with its vintage key (highest ent_num)."""

    path: Path
    frame: pd.DataFrame
    top_ent_num: int
    vintage: str = ""


def _blank(series: pd.Series) -> pd.Series:
    """OFAC's ``-0-`` (any spacing) -> empty; other values stripped."""
    series = series.str.strip()
    return series.where(series != EMPTY, "")


def _whole_numbers(path: Path, values: pd.Series, label: str, first_line: int) -> pd.Series:
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round()) | (numbers < 0)
    if bad.any():
        lines = [str(first_line + i) for i in list(bad[bad].index[:5])]
        raise layout_error(
            path,
            f"{label} must be a whole number on line(s) {', '.join(lines)} (found {values[bad].iloc[0]!r})",
        )
    return numbers.astype("int64")


def read_sdn(path: Path) -> ListFile:
    """Parse one ``sdn.csv`` (no header row, 12 fields); RawLayoutError naming the file and problem."""
    try:
        with open(path, encoding="latin-1", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, csv.Error) as exc:
        raise layout_error(path, f"not a readable CSV ({exc})") from exc
    while rows and (not rows[-1] or rows[-1] == [EOF_MARK]):
        rows.pop()  # the end-of-file marker line, and blank lines
    if not rows:
        raise layout_error(path, "no data rows (an empty list file)")
    wrong = [i + 1 for i, row in enumerate(rows) if len(row) != len(SDN_COLUMNS)]
    if wrong:
        width = len(rows[wrong[0] - 1])
        kind = "fewer" if width < len(SDN_COLUMNS) else "more"
        hint = " (a truncated file?)" if kind == "fewer" else ""
        raise layout_error(
            path,
            f"line(s) {', '.join(map(str, wrong[:5]))} have {kind} fields ({width}) than OFAC's "
            f"{len(SDN_COLUMNS)} columns {list(SDN_COLUMNS)}{hint}",
        )
    frame = pd.DataFrame(rows, columns=list(SDN_COLUMNS), dtype="string").astype(object)
    if not frame["ent_num"].iloc[0].strip().isdigit():
        raise layout_error(
            path,
            f"line 1 is not an entry (ent_num {frame['ent_num'].iloc[0]!r}): OFAC's sdn.csv has no "
            f"header row; expected the columns {list(SDN_COLUMNS)}",
        )
    frame["ent_num"] = _whole_numbers(path, frame["ent_num"], "ent_num", 1)
    for column in SDN_COLUMNS[1:]:
        frame[column] = _blank(frame[column])
    dup = frame["ent_num"].duplicated()
    if dup.any():
        raise layout_error(path, f"duplicated ent_num {sorted(set(frame.loc[dup, 'ent_num']))[:5]}")
    unknown = sorted(set(frame["SDN_Type"]) - set(TYPES))
    if unknown:
        raise layout_error(
            path, f"SDN_Type must be one of individual, vessel, aircraft or -0-; found {unknown}"
        )
    return ListFile(path, frame, int(frame["ent_num"].max()))


def read_addresses(path: Path) -> ListFile:
    """Parse one address file, with a header row (the copy on file) or without (OFAC's own)."""
    with open(path, encoding="latin-1", newline="") as handle:
        first = handle.readline()
    headerless = bool(re.match(r'^"?\d', first))
    kwargs = {"dtype": str, "keep_default_na": False, "encoding": "latin-1"}
    if headerless:
        frame = read_csv(path, ADD_COLUMNS, header=None, names=list(ADD_COLUMNS), **kwargs)
    else:
        frame = read_csv(path, ADD_COLUMNS, **kwargs)
    frame = frame[frame["ent_num"].str.strip() != EOF_MARK].reset_index(drop=True)
    frame = frame[list(ADD_COLUMNS)]
    frame["ent_num"] = _whole_numbers(path, frame["ent_num"], "ent_num", 1 if headerless else 2)
    frame["Add_num "] = _whole_numbers(path, frame["Add_num "], "Add_num", 1 if headerless else 2)
    dup = frame.duplicated(["ent_num", "Add_num "])
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise layout_error(
            path, f"duplicated address rows, e.g. ent_num {first['ent_num']}, Add_num {first['Add_num ']}"
        )
    for column in ADD_COLUMNS[2:]:
        frame[column] = _blank(frame[column])
    return ListFile(path, frame, int(frame["ent_num"].max()))


@dataclass(frozen=True)
class History:
    path: Path
    frame: pd.DataFrame  # one row per ent_num; first_seen/last_seen as UTC timestamps
    vintage: str  # date of the last scrape

    @property
    def start(self) -> pd.Timestamp:
        return self.frame["first_seen"].min()

    @property
    def end(self) -> pd.Timestamp:
        return self.frame["last_seen"].max()


def read_history(path: Path) -> History:
    frame = read_csv(path, HISTORY_COLUMNS, dtype=str, keep_default_na=False, encoding="latin-1")
    frame["ent_num"] = _whole_numbers(path, frame["ent_num"], "ent_num", 2)
    if frame["ent_num"].duplicated().any():
        raise layout_error(path, "duplicated ent_num (one row per entry expected)")
    for column in ("narcotics_program", "in_first_vintage", "present_in_last_vintage"):
        bad = ~frame[column].isin(["True", "False"])
        if bad.any():
            raise layout_error(
                path, f"{column} must be True or False; line(s) {[int(i) + 2 for i in bad[bad].index[:5]]}"
            )
        frame[column] = frame[column] == "True"
    for column in ("first_seen", "last_seen"):
        stamps = pd.to_datetime(frame[column], utc=True, errors="coerce", format="ISO8601")
        if stamps.isna().any():
            bad = stamps.isna()
            raise layout_error(
                path, f"{column} must be an ISO 8601 time; line(s) {[int(i) + 2 for i in bad[bad].index[:5]]}"
            )
        frame[column] = stamps
    if (frame["first_seen"] > frame["last_seen"]).any():
        raise layout_error(path, "first_seen after last_seen")
    end = frame["last_seen"].max()
    return History(path, frame, f"{end.tz_convert(EASTERN):%Y-%m-%d}")


def _eastern_date(stamp) -> str:
    return "" if pd.isna(stamp) else f"{pd.Timestamp(stamp).tz_convert(EASTERN):%Y-%m-%d}"


def date_list(listing: ListFile, history: History | None) -> str:
    """The vintage label of a list file: the date of the last scraped version holding exactly its
    entries; ``after <end>`` when it is newer than the history; ``undated`` otherwise."""
    if history is None:
        return f"undated (highest ent_num {listing.top_ent_num})"
    h = history.frame
    entries = set(listing.frame["ent_num"])
    known = h["ent_num"].isin(entries)
    if known.sum() == len(entries):
        times = sorted(set(h["first_seen"]) | set(h["last_seen"]))
        lo, hi = h.loc[known, "first_seen"].max(), h.loc[known, "last_seen"].min()
        others = h.loc[~known, ["first_seen", "last_seen"]]
        for t in reversed([t for t in times if lo <= t <= hi]):
            if not ((others["first_seen"] <= t) & (others["last_seen"] >= t)).any():
                return _eastern_date(t)
    if listing.top_ent_num > h["ent_num"].max():
        return f"after {history.vintage}"
    return f"undated (highest ent_num {listing.top_ent_num})"


def _newest_first(files: list[ListFile], kind: str) -> list[ListFile]:
    """Files newest first by their highest ent_num; two of the same key must agree."""
    ordered = sorted(files, key=lambda f: (f.top_ent_num, str(f.path)), reverse=True)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.top_ent_num == b.top_ent_num and not a.frame.reset_index(drop=True).equals(
            b.frame.reset_index(drop=True)
        ):
            raise RawLayoutError(
                f"{a.path} and {b.path}: two {kind} files with the same highest ent_num "
                f"{a.top_ent_num} but different contents; which is newer cannot be told. Keep one."
            )
    return ordered


def combine(files: list[ListFile], kind: str) -> tuple[pd.DataFrame, dict[Path, int]]:
    """Rows of every file, each entry (ent_num) from the newest file that has it; ``_file`` names
    the file, ``_rank`` its place (0 = newest)."""
    taken: set[int] = set()
    parts, used = [], {}
    for rank, f in enumerate(_newest_first(files, kind)):
        part = f.frame[~f.frame["ent_num"].isin(taken)].assign(_file=str(f.path), _rank=rank)
        taken |= set(part["ent_num"])
        used[f.path] = int(part["ent_num"].nunique())
        parts.append(part)
    return pd.concat(parts, ignore_index=True), used


def split_programs(program: str) -> list[str]:
    """``SDNTK] [ILLICIT-DRUGS-EO14059`` -> ['SDNTK', 'ILLICIT-DRUGS-EO14059']."""
    return [t.strip().strip("[]").strip() for t in program.split("] [") if t.strip().strip("[]").strip()]


def is_narcotics(tags: list[str]) -> bool:
    return any(t in ("SDNTK", "SDNT") or t.startswith("ILLICIT-DRUGS") for t in tags)


def remark_items(remarks: str) -> list[str]:
    return [item.strip() for item in remarks.split("; ") if item.strip()]


_NATIONALITY = re.compile(r"^(?:alt\. )?nationality (.+?)\.?$")
_CITIZEN = re.compile(r"^(?:alt\. )?citizen (.+?)\.?$")
_BIRTH = re.compile(r"^(?:alt\. )?POB (.+?)\.?$")
_ISSUER = re.compile(r"\(([^()]+)\)\.?$")
_NOT_ID = ("Linked To", "a.k.a", "f.k.a", "n.k.a", "DOB", "POB", "nationality", "citizen", "alt. nationality")


def remark_countries(remarks: str) -> tuple[str, list[str]]:
    """(country_from, names) from the remarks: every nationality, else every citizenship, else every
    issuer in brackets of an ID number (``Cedula No. 6068015 (Colombia)``; bracketed names that are
    not countries, such as the city of a trade register, are left out), else every country of birth
    (the last part of ``POB Culiacan, Sinaloa, Mexico``)."""
    items = remark_items(remarks)
    for kind, pattern in ((FROM_NATIONALITY, _NATIONALITY), (FROM_CITIZEN, _CITIZEN)):
        names = [m.group(1).strip() for item in items if (m := pattern.match(item))]
        names = [n for n in names if countries.resolve_name(n)]
        if names:
            return kind, names
    issuers = []
    for item in items:
        if item.startswith(_NOT_ID):
            continue
        if (m := _ISSUER.search(item)) and countries.resolve_name(m.group(1)):
            issuers.append(m.group(1).strip())
    if issuers:
        return FROM_ID, issuers
    births = [m.group(1).split(",")[-1].strip() for item in items if (m := _BIRTH.match(item))]
    births = [n for n in births if countries.resolve_name(n)]
    return (FROM_BIRTH, births) if births else (FROM_NONE, [])


def ranked(codes: list[str]) -> list[str]:
    """Distinct codes, most frequent first, ties in order of first appearance."""
    counts = pd.Series(codes).value_counts(sort=False)
    order = {c: i for i, c in reversed(list(enumerate(codes)))}
    return sorted(counts.index, key=lambda c: (-counts[c], order[c]))


def linked_to(remarks: str, names: dict[str, int]) -> tuple[list[str], list[str]]:
    """Names after ``Linked To:`` and the ent_num of each (``?`` where no entry of the list has that
    name, e.g. a name cut short with the field)."""
    found, numbers = [], []
    for item in remark_items(remarks):
        if not item.startswith("Linked To:"):
            continue
        name = item.removeprefix("Linked To:").strip()
        if name not in names and name.endswith("."):
            name = name[:-1]
        found.append(name)
        numbers.append(str(names[name]) if name in names else "?")
    return found, numbers


def _files(folder) -> tuple[list[Path], list[Path], list[Path]]:
    csvs = folder.glob("*.csv")
    history = [p for p in csvs if "first_last_seen" in p.name.lower()]
    addresses = [p for p in csvs if p not in history and re.search(r"(^|[-_.])add", p.name.lower())]
    lists = [p for p in csvs if p not in history and p not in addresses and "sdn" in p.name.lower()]
    if not lists:
        raise FileNotFoundError(f"{folder}: no list file (sdn*.csv) for source {SOURCE!r}")
    return lists, addresses, history


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``ofac_narcotics_designations``: one row per SDN entry under a narcotics program."""
    folder = paths.raw_source_dir(SOURCE, raw)
    list_paths, address_paths, history_paths = _files(folder)
    histories = sorted((read_history(p) for p in history_paths), key=lambda h: (h.end, str(h.path)))
    history = histories[-1] if histories else None
    if len(histories) > 1:
        paths.note(
            SOURCE,
            f"{history.path.name} taken: scrape history to {history.vintage}, the latest of {len(histories)}",
        )
    lists = [read_sdn(p) for p in list_paths]
    lists = [ListFile(f.path, f.frame, f.top_ent_num, date_list(f, history)) for f in lists]
    vintage_of = {str(f.path): f.vintage for f in lists}
    sdn, used = combine(lists, "list")
    newest = _newest_first(lists, "list")[0]
    tags = sdn["Program"].map(split_programs)
    narcotic = tags.map(is_narcotics)
    ever = {
        int(n)
        for f in lists
        for n, p in zip(f.frame["ent_num"], f.frame["Program"], strict=True)
        if is_narcotics(split_programs(p))
    }
    left = sorted(ever - set(sdn.loc[narcotic, "ent_num"]))
    if left:
        shown = ", ".join(map(str, left[:10])) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        paths.note(
            SOURCE,
            f"{len(left)} entries under a narcotics program in an older list file are under none in the "
            f"newest file that has them, so they are left out: ent_num {shown}",
        )
    names = {}
    for name, number in zip(sdn["SDN_Name"], sdn["ent_num"], strict=True):
        names.setdefault(name, int(number))
    table = sdn[narcotic].reset_index(drop=True)
    tags = tags[narcotic].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "ent_num": table["ent_num"].astype("int64"),
            "sdn_name": table["SDN_Name"],
            "sdn_type": table["SDN_Type"].map(TYPES),
            "programs": tags.map("; ".join),
        }
    )
    for column, tag in NARCOTICS_FLAGS.items():
        out[column] = tags.map(
            lambda t, tag=tag: any(x == tag or (tag == "ILLICIT-DRUGS" and x.startswith(tag)) for x in t)
        )

    # Countries: the addresses' countries, else the remarks'.
    address_countries: dict[int, list[str]] = {}
    if address_paths:
        addresses, address_used = combine([read_addresses(p) for p in address_paths], "address")
        address_rows = addresses[addresses["ent_num"].isin(set(out["ent_num"]))].groupby("_file").size()
        for p, count in address_used.items():
            paths.note(SOURCE, f"{p.name}: addresses of {count:,} entries taken")
        addresses = addresses[addresses["ent_num"].isin(set(out["ent_num"])) & (addresses["Country"] != "")]
        addresses = addresses.sort_values(["ent_num", "_rank", "Add_num "], kind="stable")
        by_name = countries.resolve(addresses["Country"], f"{address_paths[0].parent} (add.csv Country)")
        kept = addresses.assign(iso3=addresses["Country"].map(by_name)).dropna(subset=["iso3"])
        address_countries = kept.groupby("ent_num")["iso3"].agg(list).to_dict()
    iso3, all_codes, source = [], [], []
    for number, remarks in zip(out["ent_num"], table["Remarks"], strict=True):
        if number in address_countries:
            kind, codes = FROM_ADDRESS, address_countries[number]
        else:
            kind, found = remark_countries(remarks)
            codes = [countries.resolve_name(n) for n in found]
        codes = ranked(codes) if codes else []
        iso3.append(codes[0] if codes else pd.NA)
        all_codes.append("; ".join(codes))
        source.append(kind)
    out["iso3"] = pd.array(iso3, dtype="string")
    out["countries_iso3"] = all_codes
    out["country_from"] = source

    links = table["Remarks"].map(lambda r: linked_to(r, names))
    out["linked_to"] = links.map(lambda pair: "; ".join(pair[0]))
    out["linked_to_ent_nums"] = links.map(lambda pair: "; ".join(pair[1]))

    # First and last seen, from the scrape history.
    if history is not None:
        h = history.frame.set_index("ent_num").reindex(out["ent_num"])
        in_history = h["first_seen"].notna().to_numpy()
        first_scrape = h["in_first_vintage"].fillna(False).astype(bool).to_numpy()
        out["first_seen_status"] = [
            NOT_IN_HISTORY if not known else BEFORE_HISTORY if first else DATED
            for known, first in zip(in_history, first_scrape, strict=True)
        ]
        out["first_seen_date"] = [
            _eastern_date(stamp) if status == DATED else ""
            for stamp, status in zip(h["first_seen"], out["first_seen_status"], strict=True)
        ]
        out["last_seen_date"] = [_eastern_date(s) for s in h["last_seen"]]
        out["programs_first_seen"] = (
            h["programs_first"].fillna("").map(lambda p: "; ".join(split_programs(p))).to_numpy()
        )
    else:
        out["first_seen_status"] = NOT_IN_HISTORY
        out["first_seen_date"] = out["last_seen_date"] = out["programs_first_seen"] = ""
    out["list_vintage"] = table["_file"].map(vintage_of).to_numpy()
    out["on_newest_list"] = (table["_rank"] == 0).to_numpy()
    out = out.sort_values("ent_num", ignore_index=True)[list(PROCESSED)]

    rows_from = out["list_vintage"].value_counts()
    for f in _newest_first(lists, "list"):
        paths.note(
            SOURCE,
            f"{f.path.name} (vintage {f.vintage}, highest ent_num {f.top_ent_num}): "
            f"{used[f.path]:,} entries taken, {int(rows_from.get(f.vintage, 0)):,} of them under the "
            "narcotics programs"
            + ("" if f is newest else f"; {len(f.frame) - used[f.path]:,} from newer files"),
        )
    raw_files = [raw_file(f.path, f.vintage, int(rows_from.get(f.vintage, 0)), folder) for f in lists]
    if address_paths:
        raw_files += [
            raw_file(p, "undated (a later vintage than the list)", int(address_rows.get(str(p), 0)), folder)
            for p in address_paths
        ]
    if history is not None:
        raw_files += [
            raw_file(
                h.path,
                h.vintage,
                int((out["first_seen_status"] != NOT_IN_HISTORY).sum()) if h is history else 0,
                folder,
            )
            for h in histories
        ]
    meta = TableMeta(
        name=TABLE,
        title="OFAC SDN entries under the narcotics programs (Kingpin Act, EO 12978, EO 14059)",
        raw_source=SOURCE,
        source=PUBLISHER,
        source_url=URL,
        vintage=newest.vintage,
        coverage=(
            f"{len(out):,} entries on the list of {newest.vintage}"
            + (" and older lists" if len(lists) > 1 else "")
            + (
                f"; first and last seen from {_eastern_date(history.start)} to {history.vintage}"
                if history
                else ""
            )
        ),
        columns=PROCESSED,
        raw_files=raw_files,
        notes=(
            "One row per entry (ent_num). iso3 = the most frequent country of the entry's addresses "
            "(ties: the first address), else of its remarks (nationality, else citizenship, else the "
            "issuers of its ID numbers, else the country of birth); countries_iso3 lists them all; "
            "country_from says which. "
            "first_seen_date is empty for entries already on the first scrape (18 Aug 2021): the "
            "list has no designation dates. Dates are US Eastern and upper bounds (six-hourly scrape). "
            "The address file is a later vintage (about Nov 2025) than the list."
        ),
        key=["ent_num"],
        non_negative=["ent_num"],
        format="parquet",  # keeps a missing iso3 missing (a CSV would read it back as "")
    )
    return out, meta
