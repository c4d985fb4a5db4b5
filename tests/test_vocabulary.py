"""Every code the domain vocabularies name is on file in its table.

A publisher or loader that renames a label (a drug type, an account, a series) would otherwise make a
report print "no data" for it; here it fails, naming the code and the table.
"""

from __future__ import annotations

import pytest

from drugflows import tables
from drugflows.domain.assistance import ASSISTANCE_SERIES, GREENBOOK_SERIES
from drugflows.domain.drugs import DEATHS_DRUGS, DRUGS
from drugflows.domain.outcomes import OUTCOMES, PROGRAMS
from drugflows.sources.cbp import AMO, COMPONENT_LABELS, OFO, USBP
from drugflows.sources.cdc import WONDER_SERIES
from drugflows.sources.unodc import HISTORIC_SERIES, PORTAL_SERIES


def values(table: str, column: str) -> set:
    return set(tables.load(table)[column].dropna().unique())


@pytest.mark.parametrize("drug", DRUGS)
def test_each_report_drug_is_named_in_every_table_that_has_it(drug):
    spec = DRUGS[drug]
    assert set(spec.unodc) <= values("unodc_seizures", "drug_class")
    assert spec.cbp in values("cbp_seizures_monthly", "drug")
    assert (spec.cbp in values("amo_seizures_monthly", "drug")) == spec.in_amo
    if spec.nflis:
        assert spec.nflis in values("nflis_reports", "category")
    if spec.crop:
        assert spec.crop in values("crop_estimates", "crop")
    if spec.deaths:
        deaths = tables.load("us_overdose_deaths")
        assert spec.deaths in set(deaths.loc[deaths["source"] == WONDER_SERIES, "drug"])


def test_the_demand_drugs_are_those_with_a_deaths_series():
    assert set(DEATHS_DRUGS) == {d for d, spec in DRUGS.items() if spec.deaths}


def test_the_seizure_series_and_components_are_the_tables_own_labels():
    assert values("unodc_seizures", "source") == {PORTAL_SERIES, HISTORIC_SERIES}
    assert values("cbp_seizures_monthly", "component") == {OFO, USBP}
    assert set(COMPONENT_LABELS) == {OFO, USBP, AMO}


@pytest.mark.parametrize("label", ASSISTANCE_SERIES)
def test_each_assistance_series_has_rows(label):
    series = ASSISTANCE_SERIES[label]
    rows = tables.load("us_assistance")
    rows = rows[
        (rows["source"] == series.source)
        & rows["account_or_sector"].isin(series.accounts)
        & rows["transaction_type"].isin(series.transactions)
    ]
    assert set(rows["account_or_sector"]) == set(series.accounts), label
    assert rows["usd_current"].sum() > 0


def test_the_greenbook_series_are_state_defense_and_dea():
    assert [label.split(",")[0] for label in GREENBOOK_SERIES] == [
        "State INCLE and Andean Counterdrug Initiative",
        "Defense counter-drug",
        "DEA",
    ]


def test_each_outcome_and_programme_country_is_on_file():
    indicators = values("country_indicators", "indicator")
    plain = {o for o in OUTCOMES if not o.endswith(("_cultivation_ha", "_seizures_kg"))}
    assert plain <= indicators
    codes = values("countries", "iso3")
    assert {c for spec in PROGRAMS.values() for c in spec["countries"]} <= codes
