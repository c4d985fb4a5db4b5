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


def test_spraying_interval_is_carried_to_the_links(chain):
    links, avoided, note, interval = chain
    assert interval[0] < 0 < avoided < interval[1]  # spraying: not distinguishable from zero
    assert not ce.estimable(interval) and ce.estimable(None) and ce.estimable((0.01, 0.2))


def test_paper_figures_quoted_as_published_and_implied_share_labelled(chain, setup):
    links, avoided, note, _ = chain
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    implied = next(line for line in lines if "worked backwards" in line)
    # Mejia and Restrepo (2016), abstract: US$940,000 and US$175,000 per kilogram
    assert "US\\$940,000" in implied and "US\\$175,000" in implied  # 940,000: quoted, no share worked out
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
    assert lines[1].startswith("Assuming (parameter 'coca_avoided_per_ha', not a finding)")
    assert lines[3].startswith("Side by side, not as a ratio") and "times as surely" not in " ".join(lines)


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
    assert "With 50% of State's INCLE and Andean Counterdrug Initiative obligations to Colombia" in line
    caveat = ce.per_kg_caveat(setup)
    assert caveat.startswith("INCLE, Andean Counterdrug Initiative, DoD counter-drug and DEA obligations")
    assert "more than counter-narcotics money" in caveat and "counter-narcotics" not in ce.PER_KG_TITLE


def test_both_policies_use_one_window_and_say_their_kilograms(data, chain):
    """Spraying money and seizure money over the same fiscal years (2001-2008: the municipal
    panel's spraying starts in 2001, so fiscal 2000 drops out of both), against the raw Greenbook
    and UNODC files; the kilograms are named pure (spraying) and bulk (seizures), never divided."""
    links = chain[0]
    assert links.loc["eradication", "years"] == links.loc["interdiction", "years"] == "2001-2008"
    raw = pd.read_csv(
        f"{SHARED}/foreign_assistance/greenbook_counternarcotics_accounts.csv", dtype={"Fiscal Year": str}
    )
    raw = raw[(raw["Country"] == "Colombia") & raw["Fiscal Year"].str.fullmatch(r"\d{4}")]
    raw["fy"] = raw["Fiscal Year"].astype(int)
    money = raw[raw["fy"].between(2001, 2008)]
    constant = "Obligations (Constant Dollars)"
    state = money[money["Funding Agency"].str.contains("State", na=False)][constant].sum()
    defense = money[money["Funding Account Name"].str.contains("Defense", na=False)][constant].sum()
    unodc = pd.read_excel(f"{SHARED}/unodc/seizures_unodc.xlsx")
    unodc.columns = [str(c).removesuffix(".0") for c in unodc.columns]  # years read as 2001.0
    unodc[["country", "drug_group"]] = unodc[["country", "drug_group"]].ffill()
    cocaine = unodc[(unodc["country"] == "Colombia") & (unodc["drug_group"] == "Cocaine-type")]
    cocaine = cocaine[cocaine["drug"].isin(["Cocaine (base, paste and salts)", "Other coca/cocaine type"])]
    kg = cocaine[[str(y) for y in range(2001, 2009)]].sum().sum()
    assert kg == pytest.approx(1_379_094.8, abs=1)  # 1,375,982 kg + 3,113 kg "other" (2005)
    assert links.loc["interdiction", "effort"] == pytest.approx(kg)
    assert links.loc["interdiction", "usd"] == pytest.approx(defense + 0.5 * state, rel=1e-6)
    assert links.loc["eradication", "usd"] == pytest.approx(0.5 * state, rel=1e-6)
    assert "pure cocaine" in links.loc["eradication", "kg_unit"]
    assert "bulk weight" in links.loc["interdiction", "kg_unit"]


def test_a_spraying_interval_through_zero_gives_no_cost_per_kilogram(chain, setup):
    """The spraying coefficient on the raw panel is not distinguishable from zero (see
    test_partnership_outcomes): no cost per kilogram, no implied eradication share, no ratio."""
    links, avoided, note, interval = chain
    assert interval[0] < 0 < interval[1]
    erad = links.loc["eradication"]
    assert pd.isna(erad["upstream_kg_per_unit"]) and pd.isna(erad["implied_retail_share"])
    lines = ce.reading(links.reset_index(), avoided, note, setup)
    text = " ".join(lines)
    assert lines[1].startswith("No estimate of a cost per kilogram through spraying")
    assert "cannot be told from zero (or from an increase)" in lines[1]
    assert "per kilogram less in Colombia" not in text and "times as surely" not in text
    assert "fiscal 2000, the Plan Colombia supplemental, is left out of both" in lines[0]
    assert set(ce.sensitivity_curves(links.reset_index(), [0.01])["policy"]) == {"interdiction"}
