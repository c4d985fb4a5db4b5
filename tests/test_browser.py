"""The rendered reports in a real browser: Debian's chromium, driven by playwright, network blocked.

Every page of the default catalog is opened from disk: no request may leave the page, the console
must stay free of errors, every image must have decoded (natural width above 0), every link of the
index must resolve to a file, and the CSV links must download parseable CSV. Screenshots of the
index and of one report per notebook are kept in ``test-artifacts/browser/``. The tests skip, with
the reason, where chromium or playwright is missing (``scripts/install-browser`` installs chromium).
"""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

from drugflows import paths

pytestmark = pytest.mark.slow

ARTIFACTS = paths.PROJECT_ROOT / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (run scripts/install-browser as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(rendered_catalog):
    out, run = rendered_catalog
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return out


class Visit:
    """A page opened from disk with every request outside file:// and data: blocked and counted."""

    def __init__(self, browser, path: Path, accept_downloads: bool = False):
        self.context = browser.new_context(
            accept_downloads=accept_downloads, viewport={"width": 1200, "height": 900}
        )
        self.left, self.errors = [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.left.append(url)
            route.abort()

    def broken_images(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "img",
            "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => (i.alt || i.src).slice(0, 80))",
        )

    def close(self):
        self.context.close()


def report_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*/*.html") if ".failed" not in p.name)


def test_index_loads_offline_and_every_link_resolves(browser, site):
    visit = Visit(browser, site / "index.html")
    try:
        assert visit.left == [] and visit.errors == []
        assert visit.broken_images() == []
        hrefs = visit.page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        local = [h for h in hrefs if h.startswith("file:")]
        assert len(local) >= len(report_pages(site))
        missing = [h for h in local if not Path(unquote(urlparse(h).path)).exists()]
        assert missing == []
        visit.page.fill("#filter", "colombia")  # the filter hides what does not match
        shown = visit.page.eval_on_selector_all(
            "tr[data-search]:not(.hidden)", "rows => rows.map(r => r.textContent)"
        )
        assert shown and all("olombia" in row or "COL" in row for row in shown)
        # Groups left without a matching report are hidden; the note shows only when nothing matches.
        empty = visit.page.eval_on_selector_all(
            "section.group", "gs => gs.filter(g => !g.querySelector('[data-search]:not(.hidden)')).length"
        )
        hidden = visit.page.eval_on_selector_all("section.group.hidden", "gs => gs.length")
        assert empty == hidden >= 1 and not visit.page.is_visible("#no-match")
        visit.page.fill("#filter", "no such report zzz")
        assert visit.page.is_visible("#no-match")
        assert visit.page.eval_on_selector_all("section.group:not(.hidden)", "gs => gs.length") == 0
        visit.page.fill("#filter", "")
        assert not visit.page.is_visible("#no-match")
        visit.page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    finally:
        visit.close()


def test_every_report_loads_offline_without_errors_and_with_images(browser, site):
    problems, shot = {}, set()
    for page_path in report_pages(site):
        visit = Visit(browser, page_path)
        try:
            found = {"requests": visit.left, "console": visit.errors, "images": visit.broken_images()}
            if visit.page.locator("img").count() == 0:
                found["images"] = ["no figure at all"]
            if any(found.values()):
                problems[page_path.relative_to(site).as_posix()] = found
            notebook = page_path.parent.name
            if notebook not in shot:  # one screenshot per notebook
                visit.page.screenshot(path=str(ARTIFACTS / f"{notebook}.png"), full_page=True)
                shot.add(notebook)
        finally:
            visit.close()
    assert problems == {}


def test_csv_links_download_parseable_csv(browser, site, rendered_specs):
    checked = 0
    for notebook_dir in sorted(p for p in site.iterdir() if p.is_dir() and not p.name.startswith(".")):
        page_path = next(iter(sorted(notebook_dir.glob("*.html"))), None)
        if page_path is None:
            continue
        visit = Visit(browser, page_path, accept_downloads=True)
        try:
            links = visit.page.locator("p.df-figure-data a")
            assert links.count() >= 1, f"{page_path.name}: no CSV link under its figures"
            with visit.page.expect_download() as info:
                links.first.click()
            download = info.value
            frame = pd.read_csv(download.path())
            assert download.suggested_filename.endswith(".csv") and len(frame) > 0
            # Every other link on the page decodes to CSV with a header row too.
            for href in links.evaluate_all("as => as.map(a => a.href)"):
                text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
                assert len(pd.read_csv(io.StringIO(text)).columns) >= 1
            checked += 1
        finally:
            visit.close()
    assert checked == len({s.notebook for s in rendered_specs})  # one report per notebook
