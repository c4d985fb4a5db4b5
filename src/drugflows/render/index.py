"""``reports/index.html``: the key findings (declared in the catalog's ``front_page:``, taken from the
reports' collected findings), the strategy check if it was rendered, every report by theme and by
region (with a map of the country profiles), a filter box, and the data vintages in one table."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import itertools
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from drugflows.render.html import TEMPLATES_DIR
from drugflows.render.links import PROFILE_NOTEBOOK, REGION_NOTEBOOK


def _profile_countries(reports: list[dict]) -> list[str]:
    return sorted(
        r["parameters"]["country"]
        for r in reports
        if r["notebook"] == PROFILE_NOTEBOOK
        and r["status"] == "ok"
        and isinstance(r["parameters"].get("country"), str)
    )


INDEX_TEMPLATE = TEMPLATES_DIR / "site" / "index.html.j2"
#: The index's own scripts (the filter box), exactly as the template writes them: the only
#: scripts the page keeps (see sanitize.clean_page) and runs (its Content-Security-Policy).
SCRIPTS = tuple(re.findall(r"<script>(.*?)</script>", INDEX_TEMPLATE.read_text(encoding="utf-8"), re.S))


#: Fields the index reads from a manifest entry, with the types they must have.
ENTRY_FIELDS = {
    "notebook": str,
    "title": str,
    "theme": str,
    "status": str,
    "parameters": dict,
    "seconds": (int, float),
    "vintages": dict,
}
_LINK = re.compile(r"[A-Za-z0-9_]+/[A-Za-z0-9][A-Za-z0-9._-]*\.(html|ipynb)")


def entry_problem(key, entry) -> str | None:
    """What makes a manifest entry unusable for the index (None if it is usable): a missing field,
    a field of the wrong type, or a link that is not a report file inside the output folder."""
    if not isinstance(entry, dict):
        return f"not a mapping but {type(entry).__name__}"
    for name, kind in ENTRY_FIELDS.items():
        if name not in entry:
            return f"no {name!r}"
        if not isinstance(entry[name], kind) or isinstance(entry[name], bool):
            return f"{name!r} is {type(entry[name]).__name__} {entry[name]!r:.60}"
    for name in ("html", "ipynb", "last_good_html"):
        link = entry.get(name)
        if link is not None and not (isinstance(link, str) and _LINK.fullmatch(link)):
            return f"{name!r} = {link!r:.60} is not a report file in the output folder"
    findings = entry.get("findings")
    if findings is not None and not (
        isinstance(findings, list) and all(isinstance(f, str) for f in findings)
    ):
        return f"'findings' is not a list of sentences: {findings!r:.60}"
    for name in ("region", "error", "key"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            return f"{name!r} is {type(entry[name]).__name__}"
    if entry.get("key", key) != key:
        return f"its key {entry['key']!r} is not its name in the manifest"
    return None


def profile_map(countries: list[str], cache_dir: Path | None = None) -> str:
    """A PNG world map with the profiled countries shaded, as a data URI (cached by country set)."""
    key = hashlib.sha256(",".join(countries).encode()).hexdigest()[:16]
    cached = cache_dir / f"profiles-map-{key}.png" if cache_dir else None
    png = None
    if cached and cached.is_file():
        with contextlib.suppress(OSError):
            png = cached.read_bytes()
    if png is None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from drugflows import display, plotting, tables

        plotting.use_style()
        fig = plotting.highlight_map(
            tables.load("world_countries"),
            countries,
            title="Countries with a profile",
            legend="Profile in this index",
            source=display.source_line("world_countries"),
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(fig)
        png = buffer.getvalue()
        if cached:
            from drugflows._io import atomic_path

            with contextlib.suppress(OSError):  # the cache only saves time
                cached.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(cached) as tmp:
                    tmp.write_bytes(png)
    return "data:image/png;base64," + base64.b64encode(png).decode()


#: The notebook whose report, if the manifest has it, is featured right after the key findings.
STRATEGY_NOTEBOOK = "strategy_check"


def _inline_markdown(text: str) -> Markup:
    """A finding's Markdown as inline HTML, as the report shows it: through
    :func:`drugflows.display.sentence` (no link, image or HTML from a value in it, whatever the
    manifest holds), then the safe renderer."""
    from drugflows.display import sentence
    from drugflows.render.sanitize import markdown_output_to_html

    rendered = markdown_output_to_html(sentence(text)).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)  # noqa: S704 - escaped by the safe renderer, and the page is cleaned


def plain_value(value) -> str:
    """A parameter value as a reader writes it: a list as ``GTM, HND, SLV``, None as ``None``."""
    if isinstance(value, list):
        return ", ".join(plain_value(v) for v in value)
    return str(value)


def key_findings(front_page, reports: dict[str, dict]) -> tuple[list[dict], list[str]]:
    """The front page's findings that can be shown ({sentence, title, html}) and a note for each
    that cannot (report not in the manifest, failed, without findings, finding no longer there or no
    longer saying what ``contains`` expects): a missing finding is left out, never replaced."""
    shown, notes = [], []
    if not isinstance(front_page, list):
        return shown, ["the manifest's front page is not a list"] if front_page is not None else []
    for item in front_page:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("report"), str)
            and isinstance(item.get("finding"), int)
            and not isinstance(item.get("finding"), bool)
            and isinstance(item.get("contains"), str | type(None))
        ):
            notes.append(f"an unreadable front-page entry {item!r:.60}")
            continue
        key, number, contains = item["report"], item["finding"], item.get("contains")
        entry = reports.get(key)
        what = f"finding {number} of {key}"
        if entry is None:
            notes.append(f"{what}: the report has not been rendered")
        elif entry["status"] != "ok" or not entry.get("html"):
            notes.append(f"{what}: the report failed")
        elif not entry.get("findings"):
            notes.append(f"{what}: the report recorded no findings")
        elif not 1 <= number <= len(entry["findings"]):
            notes.append(f"{what}: the report has {len(entry['findings'])} findings")
        elif contains is not None and contains.casefold() not in entry["findings"][number - 1].casefold():
            notes.append(f"{what}: it no longer mentions {contains!r}")
        else:
            sentence = entry["findings"][number - 1]
            shown.append(
                {"sentence": _inline_markdown(sentence), "title": entry["title"], "html": entry["html"]}
            )
    return shown, notes


def vintage_table(reports: list[dict]) -> list[tuple[str, str, str, int]]:
    """(table, its publisher, vintage, number of reports) over every report: each vintage once; a
    table read at two vintages (reports rendered at different times) has a row for each. The
    publisher is the processed table's source as catalogued now ("" for a table no longer on file)."""
    counts: dict[tuple[str, str], int] = {}
    for r in reports:
        for table, vintage in r["vintages"].items():
            counts[(str(table), str(vintage))] = counts.get((str(table), str(vintage)), 0) + 1
    sources = _table_sources() if counts else {}
    return [(t, sources.get(t, ""), v, n) for (t, v), n in sorted(counts.items())]


def _table_sources() -> dict[str, str]:
    from drugflows import tables

    try:
        return {name: meta.source for name, meta in tables.read_catalog().items()}
    except Exception:  # noqa: BLE001 - an unreadable catalog costs only the source names
        return {}


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
    env.filters["plain"] = plain_value
    reports, skipped = [], []
    for key, entry in manifest["reports"].items():
        problem = entry_problem(key, entry)
        if problem is None:
            reports.append({"key": key, "region": "", "error": None, **entry})
        else:
            skipped.append(f"{key}: {problem}")
    reports.sort(key=lambda r: (r["theme"], r["notebook"]))
    groups = [
        (theme or "Reports", list(items))
        for theme, items in itertools.groupby(reports, key=lambda r: r["theme"])
    ]
    failed = sum(r["status"] != "ok" for r in reports)
    profiled = _profile_countries(reports)
    map_uri = profile_map(profiled, output_dir / ".cache" if output_dir else None) if profiled else None
    findings, finding_notes = key_findings(manifest.get("front_page"), {r["key"]: r for r in reports})
    strategy = [
        {**r, "findings": [_inline_markdown(f) for f in r.get("findings") or []]}
        for r in reports
        if r["notebook"] == STRATEGY_NOTEBOOK and r["status"] == "ok" and r.get("html")
    ]
    page = env.get_template("index.html.j2").render(
        findings=findings,
        finding_notes=finding_notes,
        strategy=strategy,
        vintages=vintage_table(reports),
        groups=groups,
        regions=by_region(reports),
        total=len(reports),
        failed=failed,
        generated=manifest["generated"],
        commit=manifest.get("commit"),
        map_uri=map_uri,
        profiled=len(profiled),
        skipped=skipped,
    )
    from drugflows.render.sanitize import clean_page

    return clean_page(page, SCRIPTS)
