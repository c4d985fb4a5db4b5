"""Links between reports: the catalog reports that cover a country or region (the "reports that
cover this country" sections of the country and region profiles)."""

from __future__ import annotations

import pandas as pd

from drugflows.domain.crops import crops_on_file
from drugflows.domain.drugs import DRUGS
from drugflows.domain.outcomes import PROGRAMS
from drugflows.domain.seizures import unodc_series


def related_reports(
    specs: list, iso3: str, region: str | None, estimates: pd.DataFrame, unodc: pd.DataFrame
) -> list[tuple[str, str]]:
    """(title, link relative to a profile's folder) of the catalog reports that cover the country
    (or, for ``iso3`` None, the region)."""
    covered = []
    crops = crops_on_file(estimates, iso3) if iso3 else []
    seized = {d for d in DRUGS if iso3 and (unodc_series(unodc, d)["iso3"] == iso3).any()}
    for spec in specs:
        p = spec.parameters
        if spec.notebook == "partnership_outcomes":
            program = PROGRAMS.get(p.get("program"), {})
            chosen = p.get("country") or program.get("countries", [])
            hit = iso3 in ([chosen] if isinstance(chosen, str) else chosen)
        elif spec.notebook == "source_countries":
            hit = p.get("crop") in crops
        elif spec.notebook in ("colombia_eradication", "cost_effectiveness"):
            hit = iso3 == "COL"
        elif spec.notebook == "border_seizures":
            hit = (iso3 == "MEX" and p.get("region") == "Southwest Border") or (
                iso3 == "CAN" and p.get("region") == "Northern Border"
            )
        elif spec.notebook == "trafficking_flows":
            hit = p.get("drug") in seized
        elif spec.notebook == "region_profile":
            hit = region is not None and p.get("region") == region
        elif spec.notebook == "country_profile":
            hit = iso3 is None and spec.region == region
        else:
            hit = False
        if hit:
            covered.append((spec.title, f"../{spec.notebook}/{spec.name}.html"))
    return covered
