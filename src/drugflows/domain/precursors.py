"""Precursor chemicals seized, from UNODC's data portal export (``unodc_seizures`` rows of the drug
group "Precursors", 2018-2022): which chemical, which drug it serves, where and when.

The raw names are classed once, in :data:`drugflows.domain.drugs.PRECURSOR_NAMES`; here each chemical
says which report drug it mainly serves and which others it can serve. Amounts stay in the unit the
export publishes (kilograms, liquids included): a table in litres would be kept apart, never added.
No table on file covers fentanyl precursors (:data:`FENTANYL_GAP`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows.domain.drugs import DRUGS, PRECURSOR_NAMES
from drugflows.sources.unodc import PORTAL_SERIES

#: The UNODC drug group of the precursor rows.
PRECURSOR_GROUP = "Precursors"
#: The unit of every precursor amount on file: the portal export gives kilograms only.
UNIT = "kg"
#: Columns of :func:`precursor_seizures`.
COLUMNS = ["iso3", "year", "chemical", "chemical_label", "serves", "serves_label", "amount", "unit"]
#: Columns of :func:`country_precursor_seizures`.
COUNTRY_COLUMNS = ["chemical", "drug_served", "latest_year", "amount", "unit"]


@dataclass(frozen=True)
class Chemical:
    """A precursor chemical: ``label`` as sentences name it, ``serves`` the report drug it is mainly
    used to make (a :data:`DRUGS` key; None: the chemical is not stated), ``also`` the other drugs it
    can serve, as sentences name them."""

    label: str
    serves: str | None
    also: tuple[str, ...] = ()


_ECSTASY = DRUGS["ecstasy"].label
_HEROIN_METH = (DRUGS["heroin"].label, DRUGS["methamphetamine"].label)
#: Chemical (the values of ``PRECURSOR_NAMES``) -> what it is and which drug it serves (UNODC, INCB:
#: acetic anhydride acetylates morphine into heroin; potassium permanganate oxidises crude cocaine;
#: the common acids and solvents serve cocaine above all, and heroin and methamphetamine laboratories
#: too; ephedrine, pseudoephedrine, P-2-P, phenylacetic acid and methylamine make methamphetamine;
#: PMK and safrole make MDMA). Toluene, methyl ethyl ketone, phenylacetic acid and safrole are not on
#: file but classed for a later vintage.
CHEMICALS = {
    "acetic_anhydride": Chemical("acetic anhydride", "heroin"),
    "potassium_permanganate": Chemical("potassium permanganate", "cocaine"),
    "sulphuric_acid": Chemical("sulphuric acid", "cocaine", _HEROIN_METH),
    "hydrochloric_acid": Chemical("hydrochloric acid", "cocaine", _HEROIN_METH),
    "acetone": Chemical("acetone", "cocaine", _HEROIN_METH),
    "toluene": Chemical("toluene", "cocaine", _HEROIN_METH),
    "methyl_ethyl_ketone": Chemical("methyl ethyl ketone", "cocaine", _HEROIN_METH),
    "ephedrine": Chemical("ephedrine", "methamphetamine"),
    "pseudoephedrine": Chemical("pseudoephedrine", "methamphetamine"),
    "p2p": Chemical("phenylacetone (P-2-P)", "methamphetamine", ("amphetamine",)),
    "phenylacetic_acid": Chemical("phenylacetic acid", "methamphetamine", ("amphetamine",)),
    "methylamine": Chemical("methylamine", "methamphetamine", (_ECSTASY,)),
    "pmk": Chemical("PMK (3,4-MDP-2-P)", "ecstasy"),
    "safrole": Chemical("safrole", "ecstasy"),
    "unspecified": Chemical("precursors not named", None),
}
#: What a sentence says for a chemical that serves no stated drug.
NOT_STATED = "not stated"

#: Fentanyl precursors are not in any table on file: what is missing and what would fill it.
FENTANYL_GAP = (
    "No public table on file covers fentanyl precursors (4-AP, 1-boc-4-AP, NPP, ANPP and related "
    "chemicals, which the DEA's National Drug Threat Assessment describes as coming mainly from "
    "China, and also India, to laboratories in Mexico): UNODC's seizure export lists none of them. "
    "Showing where they are seized and how they travel would need INCB's precursor seizure reports "
    "(Form D), incidents from INCB's Precursors Incident Communication System (PICS), or US import "
    "and seizure records of these chemicals."
)


def uses_text(label: str) -> str:
    """What a chemical (by its label) is used to make, as a sentence says it: "heroin", "cocaine,
    also heroin and methamphetamine"; "not stated" for precursors not named."""
    chemical = next(c for c in CHEMICALS.values() if c.label == label)
    also = f", also {' and '.join(chemical.also)}" if chemical.also else ""
    return served_label(chemical.serves) + also


def served_label(drug: str | None) -> str:
    """The drug a chemical serves as sentences name it ("heroin", "not stated")."""
    return DRUGS[drug].label if drug else NOT_STATED


def precursor_seizures(unodc: pd.DataFrame) -> pd.DataFrame:
    """Precursor amounts seized by country, year and chemical (:data:`COLUMNS`; ``amount`` in
    ``unit``, as published). Several rows of a chemical in a country-year are summed (separate
    seizures or forms, as the export notes), but a row repeated with the same amount is counted
    once (Pakistan 2020 lists each of its four chemicals twice). A raw name missing from
    ``PRECURSOR_NAMES`` raises KeyError (a new vintage fails loudly instead of losing rows)."""
    rows = unodc[(unodc["drug_group"] == PRECURSOR_GROUP) & (unodc["source"] == PORTAL_SERIES)]
    rows = rows.drop_duplicates(["iso3", "year", "drug", "kg"])
    chemical = rows["drug"].map(lambda name: PRECURSOR_NAMES[name])
    sums = rows.assign(chemical=chemical).groupby(["iso3", "year", "chemical"], as_index=False)["kg"].sum()
    spec = sums["chemical"].map(CHEMICALS)
    out = sums.assign(
        chemical_label=spec.map(lambda c: c.label),
        serves=spec.map(lambda c: c.serves),
        serves_label=spec.map(lambda c: served_label(c.serves)),
        amount=sums["kg"],
        unit=UNIT,
    )
    return out[COLUMNS].sort_values(["chemical", "year", "iso3"], ignore_index=True)


def for_drug(seized: pd.DataFrame, drug: str) -> pd.DataFrame:
    """The rows of :func:`precursor_seizures` of chemicals that mainly serve the report drug."""
    return seized[seized["serves"] == drug].reset_index(drop=True)


def also_serving(drug: str) -> list[str]:
    """Chemicals classed under another drug that can serve this one too (labels)."""
    label = DRUGS[drug].label
    return [c.label for c in CHEMICALS.values() if label in c.also]


def by_year(rows: pd.DataFrame) -> pd.DataFrame:
    """Amount seized by chemical and year, with how many countries reported it: chemical_label, year,
    amount, unit, countries. One chemical per line, never two chemicals or two units added."""
    return rows.groupby(["chemical_label", "year", "unit"], as_index=False).agg(
        amount=("amount", "sum"), countries=("iso3", "nunique")
    )[["chemical_label", "year", "amount", "unit", "countries"]]


def latest_by_country(rows: pd.DataFrame) -> pd.DataFrame:
    """Each country's latest year on file for each chemical, with the amount: iso3, chemical_label,
    year, amount, unit; largest amounts first within a chemical."""
    latest = rows[rows["year"] == rows.groupby(["iso3", "chemical"])["year"].transform("max")]
    return latest.sort_values(["chemical_label", "amount"], ascending=[True, False], ignore_index=True)[
        ["iso3", "chemical_label", "year", "amount", "unit"]
    ]


def country_precursor_seizures(unodc: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """A country's precursor seizures for a profile: chemical, drug_served, latest_year, amount
    (that year's, in ``unit``), unit (:data:`COUNTRY_COLUMNS`). Empty when the country reported none."""
    rows = precursor_seizures(unodc)
    rows = rows[rows["iso3"] == iso3]
    if rows.empty:
        return pd.DataFrame(columns=COUNTRY_COLUMNS)
    latest = rows[rows["year"] == rows.groupby("chemical")["year"].transform("max")]
    return (
        latest.drop(columns="chemical")
        .rename(columns={"chemical_label": "chemical", "serves_label": "drug_served", "year": "latest_year"})
        .sort_values("amount", ascending=False, ignore_index=True)[COUNTRY_COLUMNS]
    )
