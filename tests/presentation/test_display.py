"""Notebook display of results and statistics, the catalogue explorer, CSV downloads, show()."""

from __future__ import annotations

import io
from urllib.parse import unquote

import altair as alt
import pandas as pd
import pytest

from cxstats import catalogue, datasets
from cxstats.analyses import dispute_by_response, forgiveness_rate, outcome_by_problems
from cxstats.models.impact import impact
from cxstats.presentation import charts, display


@pytest.fixture(scope="module")
def results():
    complaints = pd.DataFrame({
        "Company response to consumer": ["Closed with monetary relief"] * 5
                                        + ["Closed with explanation"] * 5,
        "Consumer disputed?": ["No"] * 4 + ["Yes"] * 3 + ["No"] * 3})
    return {
        "problems": outcome_by_problems(datasets.load_customers(), problems="problems",
                                        outcome="price_sensitive", cap=3),
        "recovery": dispute_by_response(complaints),
        "forgiveness": forgiveness_rate(datasets.load_tickets()),
        "impact": impact(customers=10_000, revenue_per_customer=500, draws=200, seed=3),
    }


def _chart_rows(chart: alt.TopLevelMixin) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(charts.chart_csv(chart)))


@pytest.mark.parametrize("name", ["problems", "recovery", "forgiveness", "impact"])
def test_result_repr_is_short_and_names_the_tables(results, name):
    res = results[name]
    text = repr(res)
    assert len(text) < 300, text
    assert text.startswith(type(res).__name__ + "(")
    assert "DataFrame" not in text and "\n" not in text


@pytest.mark.parametrize("name", ["problems", "recovery", "forgiveness", "impact"])
def test_result_html_has_one_table_per_frame_with_a_csv_download(results, name):
    res = results[name]
    out = res._repr_html_()
    frames = [v for v in vars(res).values() if isinstance(v, pd.DataFrame)]
    assert out.count("<table") == len(frames)
    assert out.count('class="cx-download cx-table-csv"') == len(frames)


def test_problems_chart_plots_the_result_rates(results):
    res = results["problems"]
    rows = _chart_rows(res.chart())
    assert rows["rate"].tolist() == pytest.approx(res.rates["rate"].tolist())
    assert (rows["rate_low"] <= rows["rate"]).all() and (rows["rate"] <= rows["rate_high"]).all()


def test_forgiveness_chart_plots_the_bad_rates(results):
    res = results["forgiveness"]
    rows = _chart_rows(res.chart())
    assert rows["bad_rate"].tolist() == pytest.approx(res.by_sentiment["bad_rate"].tolist())


def test_recovery_chart_adds_the_pooled_rows_with_mirrored_intervals(results):
    res = results["recovery"]
    rows = _chart_rows(res.chart())
    pooled = rows[rows["kind"] == "pooled"].set_index("relief")
    # Hand arithmetic: relief 1 of 5 disputed, no relief 2 of 5 (the fixture).
    assert pooled.loc["relief", "dispute_rate"] == pytest.approx(1 / 5)
    assert pooled.loc["no_relief", "dispute_rate"] == pytest.approx(2 / 5)
    con = res.contrast.iloc[0]
    assert pooled.loc["relief", "dispute_rate_low"] == pytest.approx(
        1 - con["forgiveness_relief_high"])
    assert (pooled["dispute_rate_low"] <= pooled["dispute_rate"]).all()


def test_impact_chart_is_the_tornado_of_its_sensitivity(results):
    res = results["impact"]
    rows = _chart_rows(res.chart())
    assert len(rows) == 2 * len(res.sensitivity)
    assert set(rows["input"]) == set(res.sensitivity["input"])


def test_statistic_repr_html_and_chart():
    s = catalogue.get("hbr-2010-wom-negative-likelihood")
    assert repr(s).startswith("Statistic('hbr-2010-wom-negative-likelihood', 65%,")
    assert len(repr(s)) < 200
    assert "Harvard Business Review" in s._repr_html_()
    rows = _chart_rows(s.chart())
    assert rows["value"].tolist() == [65.0]


def test_table_csv_download_is_the_frame():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x,y", "<z>"]})
    out = display.html_table(frame, caption="Two rows")
    href = out.split('href="data:text/csv;charset=utf-8,')[1].split('"')[0]
    back = pd.read_csv(io.StringIO(unquote(href.replace("&amp;", "&"))))
    pd.testing.assert_frame_equal(back, frame)
    assert 'download="two-rows.csv"' in out


def test_chart_html_offers_png_svg_and_csv_but_not_the_editor():
    c = alt.Chart(pd.DataFrame({"x": ["a"], "y": [1]})).mark_bar().encode(x="x", y="y")
    out = charts.to_html(c.properties(title="My chart"))
    assert '"editor": false' in out and '"png": true' in out and '"svg": true' in out
    assert 'download="my-chart.csv"' in out


def test_show_carries_the_bundle_once_outside_the_book(monkeypatch):
    c = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    monkeypatch.setattr(charts, "_bundle_shown", False)
    monkeypatch.delenv(charts.PAGE_BUNDLE_ENV, raising=False)
    first = charts.show(c, fallback=False)._repr_html_()
    second = charts.show(c, fallback=False)._repr_html_()
    assert first.startswith("<script>if (!window.vegaEmbed) {") and len(first) > 100_000
    assert len(second) < 10_000
    monkeypatch.setattr(charts, "_bundle_shown", False)
    monkeypatch.setenv(charts.PAGE_BUNDLE_ENV, "1")
    assert len(charts.show(c, fallback=False)._repr_html_()) < 10_000


def test_explorer_frame_links_each_row_to_its_anchor_and_escapes():
    table = catalogue.table()
    frame = display.explorer_frame(table)
    assert len(frame) == len(table)
    for claim, sid, key in zip(frame["claim"], table["id"], table["bib_key"], strict=True):
        assert claim.startswith(f'<a href="sources/{key}.html#{sid}">')
    assert (frame["origin"] == "seed").sum() == table["seed_file"].notna().sum()
    hostile = table.head(1).assign(claim='<script>alert(1)</script>')
    assert "<script>" not in display.explorer_frame(hostile)["claim"].iloc[0]
    with pytest.raises(ValueError, match="missing the catalogue columns"):
        display.explorer_frame(table.drop(columns=["topics"]))


def test_explorer_html_is_offline():
    out = display.explorer_html(catalogue.table())
    assert "unpkg" not in out and "cdn" not in out.lower()
    assert "searchPanes" in out and "csvHtml5" in out
