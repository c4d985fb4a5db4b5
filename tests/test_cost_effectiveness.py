"""The cost chain held against the raw municipal panel and Mejia and Restrepo (2016)'s figures:
money and spraying over the same years, the spraying coefficient with its interval carried to a
range, the paper's numbers quoted as published and the implied share labelled as worked backwards."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import paths
from drugflows.domain import assistance as domain_assistance
from drugflows.reports import cost_effectiveness as ce

SHARED = paths.SHARED_DATA_DIR


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return ce.load()


@pytest.fixture(scope="module")
def setup(data) -> ce.Setup:
    return ce.validate(
        2000, 2008, 0.5, None, [0.01], ["COL", "PER"], 2000, 2019, data["countries"], data["us_assistance"]
    )


@pytest.fixture(scope="module")
def chain(data, setup):
    avoided, note, interval = ce.coca_avoided(setup, data["colombia_municipal_coca"])
    links = ce.colombia_links(
        data["us_assistance"],
        data["crop_estimates"],
        data["unodc_seizures"],
        setup.years,
        0.5,
        avoided,
        interval,
        sprayed_ha=ce.sprayed_by_year(data["colombia_municipal_coca"]),
    )
    return links.set_index("policy"), avoided, note, interval


def test_sprayed_hectares_and_money_cover_the_same_years(data, chain):
    links = chain[0]
    raw = pd.read_csv(
        f"{SHARED}/colombia/dataset_paper3_v2.csv", encoding="mac_roman", usecols=["year", "asp_"]
    )
    sprayed = raw.groupby("year")["asp_"].sum()
    assert sprayed[2006] == pytest.approx(172_025, abs=1) and sprayed[2008] == pytest.approx(133_496, abs=1)
    erad = links.loc["eradication"]
    assert erad["years"] == "2001-2008"  # the panel starts in 2001: fiscal 2000 is not counted
    assert erad["effort"] == pytest.approx(sprayed.loc[2001:2008].sum())
    state = domain_assistance.greenbook_counternarcotics(data["us_assistance"], "COL")["State"]
    assert erad["usd"] == pytest.approx(state.loc[2001:2008].sum() * 0.5)


def test_spraying_interval_is_carried_to_a_range(chain, setup):
    links, avoided, note, interval = chain
    erad = links.loc["eradication"]
    assert interval[0] < 0 < avoided < interval[1]  # spraying: not distinguishable from zero
    assert erad["upstream_low"] == pytest.approx(interval[0] * erad["yield_kg_per_ha"])
    assert erad["upstream_high"] == pytest.approx(interval[1] * erad["yield_kg_per_ha"])
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    assert "to no upper bound within the interval" in lines[1]
    assert "the interval includes zero" in lines[1]


def test_paper_figures_quoted_as_published_and_implied_share_labelled(chain, setup):
    links, avoided, note, _ = chain
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    implied = next(line for line in lines if "worked backwards" in line)
    # Mejia and Restrepo (2016), abstract: US$940,000 and US$175,000 per kilogram
    assert "US\\$940,000" in implied and "US\\$175,000" in implied
    assert implied.startswith("What the paper's numbers imply") and "not a finding" in implied
    assert all("$" not in line.replace("\\$", "") for line in lines)  # every dollar sign escaped
    assert "What the paper's number implies: retail share" in ce.chain_table(links.reset_index()).columns


def test_money_in_sensible_units():
    assert ce.usd(90_400_000) == "US\\$90 million"
    assert ce.usd(940_000) == "US\\$940,000"
    assert ce.usd(1_234_000_000) == "US\\$1.2 billion"
    assert ce.usd(1_906.7, markdown=False) == "US$1,900"


def test_accounting_counts_only_years_with_complete_eradication(data, setup):
    table = ce.accounting(
        data["us_assistance"], data["crop_estimates"], data["unodc_seizures"], ["COL"], (2000, 2019)
    ).iloc[0]
    # manual eradication was not recorded in 2001-2003: those years' totals are incomplete
    assert table["eradication_years"] == "2004-2019"
    money = (
        domain_assistance.greenbook_counternarcotics(data["us_assistance"], "COL").loc[2004:2019].sum().sum()
    )
    assert table["usd_per_ha_eradicated"] == pytest.approx(money / table["ha_eradicated"])


def test_years_without_spraying_are_refused(data):
    # aerial spraying stopped in October 2015: the raw panel has none in 2016-2017
    raw = pd.read_csv(
        f"{SHARED}/colombia/dataset_paper3_v2.csv", encoding="mac_roman", usecols=["year", "asp_"]
    )
    assert raw.groupby("year")["asp_"].sum().loc[2016:2017].eq(0).all()
    with pytest.raises(ce.params.ParameterError, match="no year with aerial spraying"):
        ce.colombia_links(
            data["us_assistance"],
            data["crop_estimates"],
            data["unodc_seizures"],
            (2016, 2017),
            0.5,
            0.1,
            sprayed_ha=ce.sprayed_by_year(data["colombia_municipal_coca"]),
        )


def test_a_set_avoided_figure_has_no_interval_in_the_headline(data):
    setup = ce.validate(
        2004, 2012, 0.5, 0.1, [0.01], ["COL"], 2000, 2019, data["countries"], data["us_assistance"]
    )
    avoided, note, interval = ce.coca_avoided(setup, data["colombia_municipal_coca"])
    assert (avoided, note, interval) == (0.1, "set in the parameters", None)
    links = ce.colombia_links(
        data["us_assistance"], data["crop_estimates"], data["unodc_seizures"], setup.years, 0.5, avoided
    )
    lines = ce.reading(links, avoided, note, setup)
    assert "without an interval" in lines[2] and "within the interval" not in " ".join(lines)


def test_greenbook_money_is_named_for_its_accounts_not_called_counter_narcotics(chain, setup):
    """The State money of the chain is INCLE plus the Andean Counterdrug Initiative, by the raw
    file's accounts; the accounting chart says so and that INCLE is more than counter-narcotics."""
    links, avoided, note, _ = chain
    raw = pd.read_csv(
        f"{SHARED}/foreign_assistance/greenbook_counternarcotics_accounts.csv", dtype={"Fiscal Year": str}
    )
    rows = raw[(raw["Country"] == "Colombia") & raw["Fiscal Year"].isin([str(y) for y in range(2001, 2009)])]
    state = rows[rows["Funding Agency"].str.contains("State")]
    assert set(state["Funding Account Name"]) <= set(domain_assistance.accounts_of("State"))
    erad = links.loc["eradication"]
    assert erad["usd"] == pytest.approx(state["Obligations (Constant Dollars)"].sum() * 0.5, rel=1e-9)
    line = ce.reading(links.reset_index(), avoided, note, setup)[0]
    assert line.startswith(
        "With 50% of State's INCLE and Andean Counterdrug Initiative obligations to Colombia"
    )
    caveat = ce.per_kg_caveat(setup)
    assert caveat.startswith("INCLE, Andean Counterdrug Initiative, DoD counter-drug and DEA obligations")
    assert "more than counter-narcotics money" in caveat and "counter-narcotics" not in ce.PER_KG_TITLE
