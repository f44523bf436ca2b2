"""cxstats.presentation.charts: offline chart HTML, the local JavaScript bundle, the static fallback."""

from __future__ import annotations

import hashlib
import json
import re

import altair as alt
import pandas as pd
import pytest

from cxstats import catalogue
from cxstats.presentation import charts
from cxstats.presentation.text import md_text

HOSTILE = '</script><script>window.__pwned = 1</script><img src=x onerror="x()"> $100 & *b*'


def _chart(text: str = "a") -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [text], "y": [1]})).mark_bar().encode(
        x="x:N", y="y:Q", tooltip=["x:N"])


def test_html_has_one_div_and_one_script_and_no_remote_source():
    out = charts.to_html(_chart())
    assert out.count('class="cx-chart"') == 1
    assert out.count("<script>") == 1 and out.count("</script>") == 1
    assert "vegaEmbed(" in out
    assert not re.search(r"""src=["']?(https?:)?//""", out)
    assert "cdn" not in out.lower()


def test_hostile_text_cannot_end_the_script_and_survives_as_data():
    out = charts.to_html(_chart(HOSTILE))
    body = out.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    assert "</script" not in body and "<img" not in body
    spec = json.loads(charts.spec_json(_chart(HOSTILE)))
    values = next(iter(spec["datasets"].values()))
    assert values[0]["x"] == HOSTILE


def _ident(page: str) -> str:
    return re.search(r'<div class="cx-chart" id="([^"]+)"', page).group(1)


def test_ids_are_stable_and_distinct():
    # The id is the spec's hash (the same in every session, so notebook outputs reproduce) ...
    a = _chart("a")
    digest = hashlib.sha256(charts.spec_json(a).encode("utf-8")).hexdigest()[:12]
    first = _ident(charts.to_html(a))
    assert first.startswith(f"cx-chart-{digest}")
    # ... made unique when the same chart is written again, so that both copies draw.
    page = charts.to_html(_chart("a"))
    again = _ident(page)
    assert again != first and again.startswith(f"cx-chart-{digest}-")
    assert f'vegaEmbed("#{again}"' in page
    assert _ident(charts.to_html(_chart("b"))).split("-")[2] != digest
    assert 'id="cx-chart-x-y"' in charts.to_html(_chart(), chart_id="x y")


@pytest.mark.parametrize("bad", [None, "chart", {"mark": "bar"}, 3])
def test_to_html_rejects_non_charts(bad):
    with pytest.raises(TypeError, match="Altair chart"):
        charts.to_html(bad)


def test_vegalite_version_matches_altair_and_vl_convert():
    vlc = pytest.importorskip("vl_convert")
    version = charts.vegalite_version()
    assert alt.SCHEMA_VERSION.lstrip("v").startswith(version + ".")
    assert version in vlc.get_vegalite_versions()


def test_bundle_defines_vega_embed_in_a_function_scope():
    pytest.importorskip("vl_convert")
    js = charts.javascript_bundle()
    assert len(js) > 100_000
    assert js.rstrip().endswith("})();")
    assert "window.vegaEmbed=" in js.replace(" ", "")


def test_show_gives_html_and_png_fallback(tmp_path):
    pytest.importorskip("vl_convert")
    bundle = charts.show(_chart())._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert "0x" not in bundle["text/plain"]
    assert bundle["image/png"].startswith("iVBOR")  # base64 of the PNG signature
    png = charts.save_static(_chart(), tmp_path / "c.png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_claims_chart_has_tooltips_with_the_claim_for_every_statistic():
    table = catalogue.table()
    spec = charts.claims_chart(table, title="t").to_dict()
    fields = {t["field"] for t in spec["encoding"]["tooltip"]}
    assert {"claim", "status", "producer"} <= fields
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == len(table)
    assert spec["encoding"]["color"]["scale"]["domain"] == list(charts.STATUS_ORDER)


def test_discrepancies_chart_counts_every_discrepancy():
    found = catalogue.discrepancies().merge(
        catalogue.table()[["id", "producer", "producer_type"]],
        left_on="statistic_id", right_on="id")
    spec = charts.discrepancies_chart(found).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == len(catalogue.discrepancies())
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"kind", "explanation"}


def test_md_text_escapes_math_markdown_and_html():
    out = md_text(HOSTILE)
    assert "<" not in out.replace("\\<", "")
    assert "$" not in out.replace("\\$", "")
    assert "&" not in out.replace("\\&", "")


def test_statistic_chart_names_the_base_and_takes_a_title():
    s = catalogue.get("rightnow-2007-never-go-back")
    spec = s.chart(title="Never go back").to_dict()
    assert spec["title"] == "Never go back"
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["base"] == "if all 2,049 respondents answered"
    assert rows[0]["low"] == pytest.approx(s.ci_low) and rows[0]["high"] == pytest.approx(s.ci_high)
    with pytest.raises(TypeError, match="chart_id must be a str or None, not int"):
        charts.to_html(s.chart(), chart_id=5)
