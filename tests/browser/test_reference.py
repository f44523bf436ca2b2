"""The handbook as a reference: explorer filters, statistic anchors, "cite this", downloads,
``charts.show()`` outside the book. Screenshots of the explorer and a statistic entry go to
``_build/screenshots``. Needs a built book (``make book``) and Chromium.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import altair as alt
import numpy as np
import pandas as pd
import pytest

from cxstats import catalogue
from cxstats.catalogue.citation import cite
from cxstats.presentation import charts
from tests.browser.conftest import HTML, SHOTS, open_page

pytestmark = pytest.mark.browser

CATALOGUE = "book/catalogue.html"


def _url(serve, path: str) -> str:
    if not (HTML / path.split("#")[0]).is_file():
        pytest.fail(f"{path} is not in the built book; run `make book` first")
    return f"{serve(HTML)}/{path}"


def _explorer(browser, serve):
    page, errors, foreign = open_page(browser, _url(serve, CATALOGUE), width=1400)
    page.locator("#cx-explorer.dataTable").wait_for(timeout=20000)
    page.locator(".dtsp-searchPane").first.wait_for(timeout=20000)
    return page, errors, foreign


def _show_all_rows(page) -> None:
    page.select_option("#cx-explorer_wrapper select", "-1")


def _column(page, index: int) -> list[str]:
    return page.locator(f"#cx-explorer tbody tr td:nth-child({index})").all_inner_texts()


def test_explorer_filter_by_status_confirmed_returns_exactly_the_confirmed_rows(browser, serve):
    table = catalogue.table()
    confirmed = table.loc[table["status"] == "confirmed", "claim"]
    page, errors, foreign = _explorer(browser, serve)
    try:
        _show_all_rows(page)
        assert len(_column(page, 1)) == len(table)
        pane = page.locator(".dtsp-searchPane").filter(
            has=page.locator("input[placeholder='status']"))
        pane.locator("tr", has=page.locator("span.dtsp-name", has_text="confirmed")).filter(
            has_not_text="-confirmed").first.click()
        page.wait_for_function(
            f"document.querySelectorAll('#cx-explorer tbody tr').length === {len(confirmed)}")
        assert set(_column(page, 3)) == {"confirmed"}
        assert sorted(_column(page, 1)) == sorted(c.strip() for c in confirmed)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "explorer-confirmed.png"), full_page=False)
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_explorer_text_search_finds_topics(browser, serve):
    table = catalogue.table()
    churn = table["topics"].fillna("").str.contains("churn") | table["claim"].str.lower().str.contains(
        "churn") | table["id"].str.contains("churn")
    page, errors, foreign = _explorer(browser, serve)
    try:
        _show_all_rows(page)
        page.fill("#cx-explorer_wrapper input[type=search]", "churn")
        page.wait_for_function(
            f"document.querySelectorAll('#cx-explorer tbody tr').length === {int(churn.sum())}")
        assert int(churn.sum()) > 0
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_a_row_links_to_its_statistic_anchor(browser, serve):
    page, errors, foreign = _explorer(browser, serve)
    try:
        link = page.locator("#cx-explorer tbody tr td:first-child a").first
        href = link.get_attribute("href")
        sid = href.split("#")[1]
        assert sid in set(catalogue.table()["id"])
        with page.expect_navigation():
            link.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"#{sid}")
        target = page.locator(f"[id='{sid}']")
        assert target.count() == 1
        assert sid in target.inner_text()
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_statistic_entry_cite_this_copies_the_bibtex(browser, serve):
    sid = "hbr-2010-wom-negative-likelihood"
    s = catalogue.get(sid)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page, errors, foreign = open_page(
        browser, _url(serve, f"book/sources/{s.origin.bib_key}.html#{sid}"), context=context)
    try:
        entry = page.locator(f"section[id='{sid}']")
        assert entry.count() == 1
        text = entry.inner_text()
        for needle in ("Status:", "Base:", "Cite this statistic", "BibTeX", "APA", "Text"):
            assert needle in text
        SHOTS.mkdir(parents=True, exist_ok=True)
        entry.screenshot(path=str(SHOTS / "statistic-entry.png"))
        block = entry.locator(".sd-tab-content").first
        block.hover()
        block.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == cite(sid, style="bibtex").strip()
        # The other tabs hold the APA and text citations.
        for label, style in (("APA", "apa"), ("Text", "text")):
            entry.locator("label", has_text=label).first.click()
            shown = entry.locator(".sd-tab-content:visible pre").first.inner_text()
            assert shown.strip() == cite(sid, style=style).strip()
        assert errors == [] and foreign == []
    finally:
        page.close()
        context.close()


def _download(page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    path = info.value.path()
    return open(path, "rb").read()


def test_chart_png_svg_and_csv_downloads(browser, serve):
    page, errors, foreign = open_page(browser, _url(serve, "book/what-bad-service-costs.html"))
    try:
        chart = page.locator(".cx-chart").first
        chart.locator("svg").first.wait_for(timeout=15000)
        for label, check in (("Save as SVG", lambda b: b.lstrip().startswith(b"<svg")),
                             ("Save as PNG", lambda b: b.startswith(b"\x89PNG"))):
            chart.locator("details").evaluate("d => { d.open = true; }")
            data = _download(page, chart.locator(".vega-actions a", has_text=label))
            assert check(data), label
        assert chart.locator(".vega-actions a", has_text="Open in Vega Editor").count() == 0
        csv = _download(page, page.locator("a.cx-chart-csv").first)
        rows = pd.read_csv(io.BytesIO(csv))
        assert len(rows) == len(catalogue.table())
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_table_csv_downloads(browser, serve):
    page, errors, foreign = open_page(browser, _url(serve, "book/word-of-mouth.html"))
    try:
        links = page.locator("a.cx-table-csv")
        assert links.count() >= 1
        rows = pd.read_csv(io.BytesIO(_download(page, links.first)))
        assert len(rows) > 0
        assert errors == [] and foreign == []
    finally:
        page.close()
    page, errors, foreign = _explorer(browser, serve)
    try:
        rows = pd.read_csv(io.BytesIO(_download(page, page.locator("button", has_text="CSV"))))
        assert len(rows) == len(catalogue.table())
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_catalogue_and_notebook_downloads(browser, serve):
    page, errors, foreign = open_page(browser, _url(serve, CATALOGUE))
    try:
        package = _download(page, page.locator("a[href$='cxstats-catalogue.zip']"))
        with zipfile.ZipFile(io.BytesIO(package)) as zf:
            meta = json.loads(zf.read("cxstats-catalogue/datapackage.json"))
            stats = pd.read_csv(zf.open("cxstats-catalogue/statistics.csv"))
        assert meta["resources"][0]["name"] == "statistics"
        assert sorted(stats["id"]) == sorted(catalogue.table()["id"])
        flat = pd.read_csv(io.BytesIO(_download(page, page.locator("a[href$='cxstats-catalogue.csv']"))))
        pd.testing.assert_frame_equal(flat, stats)
        href = page.locator("a.btn-download-source-button").first.get_attribute("href")
        assert href.endswith("catalogue.ipynb")
        response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
        assert response.ok and json.loads(response.body())["nbformat"] == 4
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_sidebar_does_not_open_the_source_pages(browser, serve):
    page, _, _ = open_page(browser, _url(serve, CATALOGUE))
    try:
        visible = page.locator("nav.bd-links a[href*='sources/']:visible")
        assert visible.count() == 0
        nxt = page.locator("a.right-next").get_attribute("href")
        assert "sources/" not in nxt
    finally:
        page.close()


def test_show_draws_in_a_plain_html_file_without_network(browser, serve, tmp_path, monkeypatch):
    monkeypatch.delenv(charts.PAGE_BUNDLE_ENV, raising=False)
    monkeypatch.setattr(charts, "_bundle_shown", False)
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    # Two different charts: the first output carries the bundle, the second uses it.
    body = "".join(charts.show(alt.Chart(frame).mark_bar().encode(x="x", y="y").properties(title=t),
                               fallback=False)._repr_html_() for t in ("first", "second"))
    assert body.count("if (!window.vegaEmbed)") == 1
    (tmp_path / "notebook.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>",
        encoding="utf-8")
    page, errors, foreign = open_page(browser, f"{serve(tmp_path)}/notebook.html")
    try:
        for i in range(2):
            page.locator(".cx-chart").nth(i).locator("svg .mark-rect path").first.wait_for(
                timeout=15000)
        assert errors == [] and foreign == []
    finally:
        page.close()


CALCULATOR = "book/churn-impact-calculator.html"


def _calculator_numbers(chart) -> dict[str, float]:
    """The calculator's shown numbers by output, parsed from its SVG text marks."""
    texts = [t for t in chart.locator("svg g.mark-text.role-mark text").all_text_contents()]
    labels = [lab for lab, _ in charts.CALCULATOR_LABELS.values()]
    assert len(texts) == len(labels), texts
    out = {}
    for key, text in zip(charts.CALCULATOR_LABELS, texts, strict=True):
        number = text.replace(",", "").replace("\u2212", "-").rstrip("%")  # d3 writes U+2212
        out[key] = float(number) / (100 if text.endswith("%") else 1)
    return out


def _calculator_inputs(chart) -> dict[str, float]:
    return chart.evaluate("""el => Object.fromEntries(
        Array.from(el.querySelectorAll(".vega-bindings input"))
             .map(i => [i.name, parseFloat(i.value)]))""")


@pytest.mark.parametrize("method", ["incremental"])  # the chapter's METHOD
def test_calculator_in_the_page_equals_evaluate_to_the_cent(browser, serve, method):
    from cxstats.models.impact import evaluate
    from cxstats.models.impact.formula import inputs

    page, errors, foreign = open_page(browser, _url(serve, CALCULATOR))
    try:
        chart = page.locator(".cx-chart", has=page.locator("input[name='customers']")).first
        chart.locator("svg g.mark-text.role-mark text").first.wait_for(timeout=15000)
        assert set(_calculator_inputs(chart)) == set(inputs(method))
        rng = np.random.default_rng(15)
        combos = [{}]  # first: the chapter's own central inputs as the page starts
        for _ in range(5):
            combo = {"customers": int(rng.integers(100, 2_000_000)),
                     "revenue_per_customer": round(float(rng.uniform(1, 5_000)), 2)}
            for name in inputs(method):
                if name.startswith("told_"):
                    combo[name] = int(rng.integers(0, 50))
                elif name == "loyalty_no_problem":
                    combo[name] = round(float(rng.uniform(0.7, 0.99)), 3)
                elif name.startswith("wom_conversion_"):
                    combo[name] = round(float(rng.uniform(0, 0.05)), 3)
                elif name not in combo:
                    combo[name] = round(float(rng.uniform(0.01, 1)), 3)
            combos.append(combo)
        for i, combo in enumerate(combos):
            for name, value in combo.items():
                chart.locator(f".vega-bindings input[name='{name}']").fill(str(value))
            page.wait_for_timeout(200)
            values = _calculator_inputs(chart)
            for name, value in combo.items():
                assert values[name] == pytest.approx(value), name
            want = evaluate(values, method=method)
            shown = _calculator_numbers(chart)
            for key in ("customers_lost", "customers_lost_silent", "revenue_lost",
                        "revenue_lost_silent"):
                assert abs(shown[key] - want[key]) <= 0.005 + 1e-9, (key, shown[key], want[key])
            share, want_share = shown["share_of_loss_silent"], want["share_of_loss_silent"]
            if math.isnan(want_share):  # no customer lost on balance: undefined in both
                assert math.isnan(share)
            else:
                assert abs(share - want_share) <= 0.00005
            if i == 0:  # the page as a reader first sees it
                SHOTS.mkdir(parents=True, exist_ok=True)
                chart.screenshot(path=str(SHOTS / "calculator.png"))
        assert errors == [] and foreign == []
    finally:
        page.close()
