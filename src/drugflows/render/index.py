"""``reports/index.html``: every report by theme and by region, with a map of the country profiles,
a filter box, and each report's parameters, status, duration and data vintages."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import re
from pathlib import Path

import jinja2

from drugflows.render.html import TEMPLATES_DIR
from drugflows.render.sanitize import clean_page

PROFILE_NOTEBOOK = "country_profile"
REGION_NOTEBOOK = "region_profile"
INDEX_TEMPLATE = TEMPLATES_DIR / "site" / "index.html.j2"
#: The index's own scripts (the filter box), exactly as the template writes them: the only
#: scripts the page keeps (see sanitize.clean_page) and runs (its Content-Security-Policy).
SCRIPTS = tuple(re.findall(r"<script>(.*?)</script>", INDEX_TEMPLATE.read_text(encoding="utf-8"), re.S))


def _profile_countries(reports: list[dict]) -> list[str]:
    return sorted(
        r["parameters"].get("country")
        for r in reports
        if r["notebook"] == PROFILE_NOTEBOOK and r["status"] == "ok"
    )


def profile_map(countries: list[str], cache_dir: Path | None = None) -> str:
    """A PNG world map with the profiled countries shaded, as a data URI (cached by country set)."""
    key = hashlib.sha256(",".join(countries).encode()).hexdigest()[:16]
    cached = cache_dir / f"profiles-map-{key}.png" if cache_dir else None
    if cached and cached.exists():
        png = cached.read_bytes()
    else:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from drugflows import plotting, report, tables

        plotting.use_style()
        fig = plotting.highlight_map(
            tables.load("world_countries"),
            countries,
            title="Countries with a profile",
            legend="Profile in this index",
            source=report.source_line("world_countries"),
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(fig)
        png = buffer.getvalue()
        if cached:
            from drugflows._io import atomic_path

            cached.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(cached) as tmp:
                tmp.write_bytes(png)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def by_region(reports: list[dict]) -> list[tuple[str, dict | None, list[dict]]]:
    """(region, its region profile or None, its country profiles) for every region with any."""
    regional = [r for r in reports if r.get("region")]
    out = []
    for region, items in itertools.groupby(
        sorted(regional, key=lambda r: (r["region"], r["title"])), key=lambda r: r["region"]
    ):
        items = list(items)
        profile = next((r for r in items if r["notebook"] == REGION_NOTEBOOK), None)
        out.append((region, profile, [r for r in items if r["notebook"] == PROFILE_NOTEBOOK]))
    return out


def render_index(manifest: dict, output_dir: Path | None = None) -> str:
    """HTML of the index page for a manifest (see ``runner.write_manifest_and_index``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    reports = sorted(manifest["reports"].values(), key=lambda r: (r["theme"], r["notebook"]))
    groups = [
        (theme or "Reports", list(items))
        for theme, items in itertools.groupby(reports, key=lambda r: r["theme"])
    ]
    failed = sum(r["status"] != "ok" for r in reports)
    profiled = _profile_countries(reports)
    map_uri = profile_map(profiled, output_dir / ".cache" if output_dir else None) if profiled else None
    page = env.get_template("index.html.j2").render(
        groups=groups,
        regions=by_region(reports),
        total=len(reports),
        failed=failed,
        generated=manifest["generated"],
        commit=manifest.get("commit"),
        map_uri=map_uri,
        profiled=len(profiled),
    )
    return clean_page(page, SCRIPTS)
