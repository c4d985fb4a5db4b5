"""One country resolver for every source: names and codes -> ISO 3166 alpha-3.

Names go through country_converter (its regular expressions know most spellings: UNODC's
"Bolivia (Plurinational State of)", the World Bank's "Congo, Dem. Rep.", the White House's "Burma"),
then a short list of :data:`OVERRIDES` for what it misses. Regions, income groups and world totals
are on the explicit list :data:`AGGREGATES` and resolve to None: they are kept apart from countries.
Any other name that does not resolve is an error naming the source and the names.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import pandas as pd

#: Names or codes country_converter does not resolve (or resolves wrongly), by what they mean.
OVERRIDES: dict[str, str] = {
    "Netherlands Antilles": "ANT",  # dissolved 2010; kept by ForeignAssistance.gov and the WGI
    "Netherlands Antilles (former)": "ANT",
    "Serbia and Montenegro (former)": "SCG",
    "Serbia and Montenegro": "SCG",
    "CS-KM": "XKX",  # ForeignAssistance.gov's code for Kosovo
    "Kosovo": "XKX",
    "Jersey, Channel Islands": "JEY",
    "Micronesia (Federated States of)": "FSM",
    "Micronesia": "FSM",
    "Timor": "TLS",  # OWID's short name for Timor-Leste
    "China, Taiwan Province of China": "TWN",  # UNODC
    "China (Taiwan)": "TWN",  # USAID Greenbook
}

#: Names and codes of regions, groups and totals, per source. They resolve to None.
AGGREGATES: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        # everywhere
        "World",
        "WLD",
        "OWID_WRL",
        "Total",
        "Global",
        # ForeignAssistance.gov regional codes and names
        "CNA",
        "CRN",
        "EAQ",
        "EES",
        "ENS",
        "EUN",
        "LCN",
        "MNS",
        "NCN",
        "SCN",
        "SMN",
        "SSN",
        "WHN",
        "Central America Region",
        "Caribbean Region",
        "East Asia and Oceania Region",
        "Europe and Eurasia Region",
        "Eastern Asia Region",
        "Europe Region",
        "Latin America and Caribbean Region",
        "Middle East and North Africa Region",
        "North and Central America Region",
        "South and Central Asia Region",
        "South America Region",
        "Sub-Saharan Africa Region",
        "Western Hemisphere Region",
        "World Region",
        "Western Hemisphere",
        "South and Central Asia",
        "Sub-Saharan Africa",
        "Europe and Eurasia",
        "Middle East and North Africa",
        "East Asia and Oceania",
        "AFR",
        "ANS",
        "ASN",
        "CCN",
        "EAG",
        "ECN",
        "EEE",
        "EEN",
        "ESN",
        "EUS",
        "LAN",
        "MEN",
        "MNA",
        "NAN",
        "OCN",
        "SAG",
        "SAN",
        "SEA",
        "WAN",
        "WEC",
        "Africa Region",
        "Asia, Middle East and North Africa Region",
        "Asia Region",
        "Central America and Caribbean Region",
        "Eastern Africa Region",
        "Eastern and Central Africa Region",
        "Central and Eastern Europe Region",
        "Eastern Europe Region",
        "East and South Africa Region",
        "Eurasia Region",
        "Latin America Region",
        "Middle East Region",
        "North Africa Region",
        "North America Region",
        "Oceania Region",
        "Southern Africa Region",
        "Southern Asia Region",
        "South East Asia Region",
        "West Africa Region",
        "Western Europe Region",
        # USAID Greenbook
        "Middle East & North Africa (not specified)",
        "Latin America & Caribbean (not specified)",
        "Asia (not specified)",
        "World (not specified)",
        "Caribbean (not specified)",
        "Sub-Saharan Africa (not specified)",
        "Eurasia (not specified)",
        "Eastern Europe (not specified)",
        "Central America (not specified)",
        "West Africa (not specified)",
        "Oceania (not specified)",
        # Our World in Data: UN regions, income groups, unions
        "OWID_CIS",
        "OWID_EU27",
        "OWID_HIC",
        "OWID_LIC",
        "OWID_LMC",
        "OWID_UMC",
        "East Asia and Pacific (WB)",
        "Europe and Central Asia (WB)",
        "Latin America and Caribbean (WB)",
        "Middle East, North Africa, Afghanistan and Pakistan (WB)",
        "North America (WB)",
        "South Asia (WB)",
        "Sub-Saharan Africa (WB)",
        "Africa (UN)",
        "Asia (UN)",
        "Europe (UN)",
        "Latin America and the Caribbean (UN)",
        "Northern America (UN)",
        "Oceania (UN)",
        "Americas (UN)",
        "Australia and New Zealand (UN)",
        "Central Asia (UN)",
        "Eastern Asia (UN)",
        "Eastern Europe (UN)",
        "Melanesia (UN)",
        "Micronesia (UN)",
        "Northern Africa (UN)",
        "Northern Europe (UN)",
        "Polynesia (UN)",
        "South-Eastern Asia (UN)",
        "Southern Asia (UN)",
        "Southern Europe (UN)",
        "Sub-Saharan Africa (UN)",
        "Western Asia (UN)",
        "Western Europe (UN)",
        # IHME Global Burden of Disease regions and socio-demographic groups (via OWID)
        "Andean Latin America",
        "Australasia",
        "Caribbean",
        "Central Asia",
        "Central Europe",
        "Central Europe, Eastern Europe, and Central Asia",
        "Central Latin America",
        "Central Sub-Saharan Africa",
        "East Asia",
        "Eastern Europe",
        "Eastern Sub-Saharan Africa",
        "High SDI",
        "High-income",
        "High-income Asia Pacific",
        "High-middle SDI",
        "Latin America and Caribbean",
        "Low SDI",
        "Low-middle SDI",
        "Middle SDI",
        "North Africa and Middle East",
        "North America",
        "Oceania",
        "South Asia",
        "Southeast Asia",
        "Southeast Asia, East Asia, and Oceania",
        "Southern Latin America",
        "Southern Sub-Saharan Africa",
        "Tropical Latin America",
        "Western Europe",
        # sub-national units some publishers report separately
        "England",
        "Wales",
        "England and Wales",
        "Northern Ireland",
        "Scotland",
        "Iraq (Central Iraq)",
        "Iraq (Kurdistan Region)",
    )
)

#: Former states and territories with no ISO3 today; like aggregates, kept apart (resolve to None).
HISTORICAL: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "Berlin, West",
        "Czechoslovakia (former)",
        "Germany (former East)",
        "Soviet Union (former)",
        "Vietnam (former South)",
        "Yemen (former P.D.R.)",
        "Pacific Island Trust Territory",
        "Sudan (former)",
        "China (Tibet)",
        "Yugoslavia (former)",
        "PIT",
        "SDF",
        "TIB",
        "YUF",
    )
)

#: Publisher codes that are not ISO3 but name a country.
CODE_OVERRIDES: dict[str, str] = {"OWID_KOS": "XKX", "CS-KM": "XKX"}


class UnresolvedCountryError(ValueError):
    """Country names that neither resolve to ISO3 nor are listed aggregates."""


@functools.cache
def _converter():
    import country_converter as coco
    from country_converter.country_converter import COUNTRY_DATA_FILE

    # Read the package's table as text: with pandas 3, country_converter's own reader turns
    # Namibia's ISO2 code "NA" into a missing value and fails.
    data = pd.read_csv(COUNTRY_DATA_FILE, sep="\t", dtype=str, keep_default_na=False, na_values=[""])
    data["ISO2"] = data["ISO2"].fillna("(?!)")  # obsolete entries have none: a never-matching pattern
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter(country_data=data, include_obsolete=True)


def is_aggregate(name: str) -> bool:
    """A listed region, group or total (not a country)."""
    return str(name).strip().casefold() in AGGREGATES


def is_kept_apart(name: str) -> bool:
    """A listed aggregate or former state: no ISO3, kept apart from today's countries."""
    return is_aggregate(name) or str(name).strip().casefold() in HISTORICAL


@functools.cache
def resolve_name(name: str) -> str | None:
    """The ISO3 code of one country name (aliases such as "Burma" included): "" if unknown, None
    for a region, total or historical entity that is kept apart."""
    text = name.strip()
    if is_kept_apart(text):
        return None
    if text in OVERRIDES:
        return OVERRIDES[text]
    found = _converter().convert(text, to="ISO3", not_found="")
    return found if isinstance(found, str) and len(found) == 3 else ""


def resolve(names: Iterable[str], source: str) -> dict[str, str | None]:
    """``{name: ISO3}`` for every distinct name (None for a listed aggregate).

    Raises UnresolvedCountryError naming ``source`` and every name that resolves to nothing.
    """
    mapping = {name: resolve_name(str(name)) for name in dict.fromkeys(names) if pd.notna(name)}
    unresolved = sorted(n for n, code in mapping.items() if code == "")
    if unresolved:
        raise UnresolvedCountryError(
            f"{source}: {len(unresolved)} country name(s) resolve to no ISO3 code and are not "
            f"listed aggregates: {unresolved}. Add them to drugflows.countries.OVERRIDES or "
            f"AGGREGATES."
        )
    return mapping


def to_iso3(names: pd.Series, source: str) -> pd.Series:
    """ISO3 for each name (missing for aggregates), via :func:`resolve`."""
    return names.map(resolve(names, source)).astype("string")


@functools.cache
def known_codes() -> frozenset[str]:
    """Every ISO3 code the resolver can return."""
    return frozenset(_converter().data["ISO3"].dropna()) | frozenset(OVERRIDES.values())


def codes_to_iso3(codes: pd.Series, names: pd.Series, source: str) -> pd.Series:
    """ISO3 from a publisher's own codes where they are ISO3 (or a known alias such as OWID_KOS);
    otherwise from the name through :func:`resolve` (aggregates -> missing)."""
    codes = codes.fillna("").astype(str).str.strip().replace(CODE_OVERRIDES)
    by_code = codes.where(codes.isin(known_codes()))
    aggregate = codes.map(is_kept_apart)
    rest = by_code.isna() & ~aggregate
    out = by_code.astype("string")
    if rest.any():
        out[rest] = names[rest].map(resolve(names[rest], source))
    return out


#: Groups the reports use, for countries whose UN subregion does not say it.
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "Andean region": ("BOL", "COL", "ECU", "PER", "VEN"),
    "Central America": ("BLZ", "CRI", "GTM", "HND", "NIC", "PAN", "SLV"),
    "Mexico and North America": ("CAN", "MEX", "USA"),
    "Southern Cone and Brazil": ("ARG", "BRA", "CHL", "FLK", "PRY", "URY", "SGS"),
    "Caribbean": ("GUY", "SUR", "GUF"),  # with the UN Caribbean: the CBSI partners include them
}
#: The rest, by UN subregion.
SUBREGION_GROUPS: dict[str, str] = {
    "Caribbean": "Caribbean",
    "Northern America": "Mexico and North America",
    "Southern Asia": "South and Southwest Asia",
    "South-eastern Asia": "Southeast Asia",
    "Eastern Asia": "East Asia",
    "Central Asia": "Central Asia",
    "Western Asia": "Middle East and North Africa",
    "Northern Africa": "Middle East and North Africa",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Eastern Africa": "Sub-Saharan Africa",
    "Middle Africa": "Sub-Saharan Africa",
    "Southern Africa": "Sub-Saharan Africa",
    "Western Africa": "Sub-Saharan Africa",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
_UN_REGION = {"America": "Americas"}


def names_by_code(table: pd.DataFrame) -> dict[str, str]:
    """ISO3 code -> short English name, from the processed ``countries`` table."""
    return dict(zip(table["iso3"], table["name"], strict=True))


def region_groups(countries: pd.DataFrame) -> list[str]:
    """The report region groups, in alphabetical order."""
    return sorted(g for g in countries["region_group"].dropna().unique() if g)


def members(region: str, countries: pd.DataFrame) -> list[str]:
    """ISO3 codes of the countries and territories in a region group."""
    return sorted(countries.loc[countries["region_group"] == region, "iso3"])


def peers(iso3: str, countries: pd.DataFrame) -> list[str]:
    """The other members of the country's region group."""
    region = countries.loc[countries["iso3"] == iso3, "region_group"].iloc[0]
    return [c for c in members(region, countries) if c != iso3] if region else []


def country_table() -> pd.DataFrame:
    """iso3, name, un_region, un_subregion and region_group (the report group) of every country."""
    data = _converter().data
    data = data[data["ISO3"].notna() & data["UNregion"].notna()]
    by_code = {code: group for group, codes in REGION_GROUPS.items() for code in codes}
    frame = pd.DataFrame(
        {
            "iso3": data["ISO3"],
            "name": data["name_short"],
            "un_region": data["continent"].replace(_UN_REGION),
            "un_subregion": data["UNregion"],
        }
    )
    frame["region_group"] = [
        by_code.get(code) or SUBREGION_GROUPS.get(sub)
        for code, sub in zip(frame["iso3"], frame["un_subregion"], strict=True)
    ]
    frame["un_member"] = data["UNmember"].notna()
    return frame.sort_values("iso3", ignore_index=True)
