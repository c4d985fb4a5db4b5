"""The drugs the reports name, and what each table calls them.

One entry per report drug (the names users pass as ``drug``): the UNODC drug classes
(``unodc_seizures.drug_class``, ``drug_prices.drug_class``), CBP's drug type
(``cbp_seizures_monthly.drug``, ``amo_seizures_monthly.drug``), the NFLIS category
(``nflis_reports.category``), the crop it is made from (``crop_estimates.crop``) and the
overdose-death category (``us_overdose_deaths.drug``) with its plain label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Drug:
    """What each table calls one report drug (None: not on file in that table)."""

    unodc: tuple[str, ...]
    cbp: str
    nflis: str | None = None
    crop: str | None = None
    deaths: str | None = None
    deaths_label: str | None = None


#: Report drug -> its codes in each table.
DRUGS = {
    "cocaine": Drug(unodc=("cocaine",), cbp="Cocaine", crop="coca", deaths="cocaine", deaths_label="cocaine"),
    "fentanyl": Drug(
        unodc=("fentanyl",),
        cbp="Fentanyl",
        nflis="Fentanyl and Fentanyl-related",
        deaths="synthetic_opioids",
        deaths_label="synthetic opioids other than methadone (mostly fentanyl)",
    ),
    "methamphetamine": Drug(
        unodc=("methamphetamine",),
        cbp="Methamphetamine",
        deaths="psychostimulants",
        deaths_label="psychostimulants with abuse potential (mostly methamphetamine)",
    ),
    "heroin": Drug(
        unodc=("heroin",), cbp="Heroin", crop="opium_poppy", deaths="heroin", deaths_label="heroin"
    ),
    "cannabis": Drug(unodc=("cannabis_herb", "cannabis_resin"), cbp="Marijuana"),
}
#: The report drugs with an overdose-death series, in the order the demand reports list them.
DEATHS_DRUGS = ("fentanyl", "methamphetamine", "cocaine", "heroin")
