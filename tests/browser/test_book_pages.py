"""Open every page of the built book in headless Chromium (playwright + Debian's /usr/bin/chromium).

Checks: each chart has a non-empty SVG or canvas, no console errors, no request to any host other
than localhost, and hostile text is displayed as text. One screenshot per page goes to
``_build/screenshots``. Run by ``make test`` after the book is built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxstats.presentation.display import html_table
from tests.browser.conftest import HTML, SHOTS
from tests.browser.conftest import open_page as _open

pytestmark = pytest.mark.browser


def _pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in HTML.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts)


def test_book_was_built():
    assert (HTML / "index.html").is_file(), "run `make book` first"
    assert _pages()


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.relative_to(HTML).as_posix())
def test_page_renders_offline_without_errors(browser, serve, path):
    base = serve(HTML)
    page, errors, foreign = _open(browser, f"{base}/{path.relative_to(HTML).as_posix()}")
    try:
        charts = page.locator(".cx-chart")
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.locator("svg, canvas").first.wait_for(timeout=15000)
            box = chart.locator("svg, canvas").first.bounding_box()
            assert box and box["width"] > 10 and box["height"] > 10, f"chart {i} is empty"
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = path.relative_to(HTML).as_posix().replace("/", "__").removesuffix(".html")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert errors == []
        assert foreign == []
    finally:
        page.close()


def test_hostile_text_is_displayed_as_text(browser, serve, tmp_path):
    claim = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> **bold**'
    body = html_table(pd.DataFrame({"id": ["x-1"], "claim": [claim]}))
    (tmp_path / "hostile.html").write_text(f"<!doctype html><html><body>{body}</body></html>",
                                           encoding="utf-8")
    base = serve(tmp_path)
    page, errors, foreign = _open(browser, f"{base}/hostile.html")
    try:
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("td", has_text="<script>window.__pwned = 1</script>").count() == 1
        page.fill("input.cx-filter", "pwned")
        assert page.locator(".cx-count").inner_text() == "1 of 1 rows"
        page.fill("input.cx-filter", "nothing-matches")
        assert page.locator(".cx-count").inner_text() == "0 of 1 rows"
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_chart_with_hostile_text_draws_and_shows_it_as_text(browser, serve, tmp_path):
    import altair as alt

    from cxstats.presentation.charts import BUNDLE_NAME, to_html

    bundle = HTML / "_static" / BUNDLE_NAME
    assert bundle.is_file(), "the book build must write _static/" + BUNDLE_NAME
    claim = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'
    chart = alt.Chart(pd.DataFrame({"claim": [claim], "y": [3]})).mark_bar(size=60).encode(
        x=alt.X("claim:N", axis=None), y="y:Q", tooltip=["claim:N"]).properties(width=200)
    shutil.copyfile(bundle, tmp_path / BUNDLE_NAME)
    (tmp_path / "chart.html").write_text(
        f'<!doctype html><html><head><script src="{BUNDLE_NAME}"></script></head>'
        f"<body>{to_html(chart)}</body></html>", encoding="utf-8")
    base = serve(tmp_path)
    page, errors, foreign = _open(browser, f"{base}/chart.html")
    try:
        mark = page.locator(".cx-chart svg .mark-rect path").first
        mark.wait_for(timeout=15000)
        mark.hover()
        tip = page.locator("#vg-tooltip-element")
        tip.wait_for(state="visible", timeout=5000)
        assert claim in tip.inner_text()
        assert page.evaluate("window.__pwned === undefined")
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_monte_carlo_histogram_bars_start_at_the_zero_line(browser, serve):
    """Issue 10: the calculator's histogram drew floating squares with a y axis below zero (the
    spec had x/x2 but no y2). Every bar must now span from the zero line (the x axis, at the
    bottom of the plot) up to its share, and no y-axis label may be negative."""
    page_file = HTML / "book" / "churn-impact-calculator.html"
    assert page_file.is_file(), "run `make book` first"
    base = serve(HTML)
    page, errors, foreign = _open(browser, f"{base}/book/churn-impact-calculator.html")
    try:
        title = page.locator(".role-title-text", has_text="Revenue lost: Monte Carlo draws")
        title.wait_for(timeout=15000)  # vega-embed replaces the container's aria-label
        chart = page.locator(".cx-chart", has=title)
        chart.locator(".mark-rect path").first.wait_for(state="attached", timeout=15000)
        info = chart.evaluate("""el => {
            const box = e => e.getBoundingClientRect();
            const bars = [...el.querySelectorAll('.mark-rect path')].map(box);
            const axes = [...el.querySelectorAll('.role-axis')].map(a => ({
                domain: a.querySelector('.role-axis-domain line, .role-axis-domain path'),
                labels: [...a.querySelectorAll('.role-axis-label text')].map(t => t.textContent),
            }));
            const horizontal = axes.filter(a => a.domain && box(a.domain).height < 1);
            const vertical = axes.filter(a => a.domain && box(a.domain).width < 1);
            return {bottoms: bars.map(r => r.bottom), heights: bars.map(r => r.height),
                    xAxis: horizontal.map(a => box(a.domain).top),
                    yLabels: vertical.flatMap(a => a.labels)};
        }""")
        assert len(info["bottoms"]) > 10
        assert len(info["xAxis"]) == 1 and info["yLabels"]
        zero = info["xAxis"][0]
        assert all(abs(b - zero) < 1.5 for b in info["bottoms"]), (zero, info["bottoms"][:5])
        assert len({round(h) for h in info["heights"]}) > 3  # bars, not equal squares
        assert not any(label.lstrip().startswith(("-", "\u2212")) for label in info["yLabels"])
        assert errors == [] and foreign == []
    finally:
        page.close()
