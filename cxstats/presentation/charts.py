"""Altair charts for the handbook that render offline, and their static (print) fallback.

:func:`to_html` turns an Altair chart into ``<div class="cx-chart">`` plus a ``vegaEmbed`` call.
The Vega, Vega-Lite and vega-embed JavaScript is not loaded from a CDN: the book serves one
self-contained bundle, ``_static/cxstats-vega.js``, made by :func:`javascript_bundle` (the book's
Sphinx extension writes it at build time). :func:`show` displays a chart in a notebook with that
HTML and, for print and PDF builders, a PNG made by vl-convert; :func:`save_static` writes a PNG,
SVG or PDF file.

The chart builders (:func:`claims_chart`, :func:`discrepancies_chart`) take catalogue frames and
return interactive charts (tooltips on every mark).

Examples
--------
>>> import altair as alt
>>> import pandas as pd
>>> chart = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(
...     x="x", y="y", tooltip=["x", "y"])
>>> out = to_html(chart)
>>> out.startswith('<div class="cx-chart"') and "vegaEmbed(" in out
True
>>> "cdn" in out or "https://" in out.replace(alt.SCHEMA_URL, "")
False
"""

from __future__ import annotations

import collections
import hashlib
import html
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

__all__ = [
    "BUNDLE_NAME",
    "BUNDLE_REVISION",
    "CALCULATOR_LABELS",
    "EMBED_ACTIONS",
    "PAGE_BUNDLE_ENV",
    "STATUS_COLORS",
    "STATUS_ORDER",
    "Chart",
    "calculator_chart",
    "chart_csv",
    "circulation_chart",
    "claims_chart",
    "discrepancies_chart",
    "forgiveness_chart",
    "javascript_bundle",
    "problems_chart",
    "recovery_chart",
    "save_static",
    "show",
    "spec_json",
    "statistic_chart",
    "to_html",
    "tornado_chart",
    "vegalite_version",
]

#: File name of the JavaScript bundle in the book's ``_static`` folder.
BUNDLE_NAME = "cxstats-vega.js"
#: Bumped whenever :func:`javascript_bundle` changes the way it wraps the code (cache key).
BUNDLE_REVISION = 2

#: Verification statuses in display order, and their colours (colour-blind safe).
STATUS_ORDER = ("confirmed", "partly-confirmed", "not-confirmed", "retracted")
STATUS_COLORS = ("#1b7837", "#7fbf7b", "#c2a5cf", "#762a83")

#: vega-embed's actions: PNG and SVG export work offline; "view source", "view compiled" and
#: "open in editor" need the network or are noise, so they stay off.
EMBED_ACTIONS = {"export": {"png": True, "svg": True}, "source": False, "compiled": False,
                 "editor": False}

_EMBED = """<script>
(function () {
  var spec = %(spec)s;
  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      console.error("cxstats chart %(id)s: vega-embed is not loaded; use charts.show() or a page "
                    + "that loads %(bundle)s");
      return;
    }
    window.vegaEmbed("#%(id)s", spec, {actions: %(actions)s, renderer: "svg",
                                       downloadFileName: "%(name)s"})
      .catch(function (err) { console.error("cxstats chart %(id)s: " + err); });
  }
  if (window.vegaEmbed) { draw(); } else { window.addEventListener("load", draw); }
})();
</script>"""

#: Environment variable: when set (the book build and ``make notebooks`` set it), the page
#: supplies the vega bundle and :func:`show` leaves it out of the notebook output.
PAGE_BUNDLE_ENV = "CXSTATS_PAGE_HAS_VEGA"
_bundle_shown = False
#: How many times each spec hash has been written in this session: the same chart shown twice
#: gets two element ids (``cx-chart-<hash>``, ``cx-chart-<hash>-2``), so both draw.
_ids_written: collections.Counter[str] = collections.Counter()


def vegalite_version() -> str:
    """The Vega-Lite ``major.minor`` version that the installed Altair writes, e.g. ``"6.4"``.

    Examples
    --------
    >>> import re
    >>> bool(re.fullmatch(r"\\d+\\.\\d+", vegalite_version()))
    True
    """
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def javascript_bundle() -> str:
    """One self-contained script defining ``window.vegaEmbed``, ``vega`` and ``vegaLite``.

    The Vega-Lite version matches the schema Altair writes (:func:`vegalite_version`); if
    vl-convert does not ship that exact version, the closest one of the same major version is
    used. Needs ``vl-convert-python`` (the ``book`` dependency group).
    """
    import vl_convert as vlc

    wanted = vegalite_version()
    available = vlc.get_vegalite_versions()
    if wanted not in available:
        major = wanted.split(".")[0]
        same = [v for v in available if v.split(".")[0] == major]
        if not same:
            raise RuntimeError(f"vl-convert has no Vega-Lite {major}.x (has {', '.join(available)})")
        wanted = max(same, key=lambda v: tuple(int(p) for p in v.split(".")))
    code = vlc.javascript_bundle(vl_version=wanted)
    # The bundle declares top-level consts (e.g. ``_``) that clash with the page's other scripts
    # (Sphinx's underscore.js): keep them in a function scope; only the window.* names leak.
    header = f"/* Vega, Vega-Lite, vega-embed (vl-convert, Vega-Lite {wanted}) */"
    return f"{header}\n(function () {{\n{code}\n}})();\n"


def spec_json(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite spec as JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so data containing ``</script>`` cannot
    end the script; the browser still sees the original text.

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> c = alt.Chart(pd.DataFrame({"t": ["</script><b>"]})).mark_point().encode(tooltip="t")
    >>> text = spec_json(c)
    >>> "</script>" in text, "\\\\u003c/script\\\\u003e" in text
    (False, True)
    """
    text = json.dumps(chart.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def to_html(chart: alt.TopLevelMixin, *, chart_id: str | None = None) -> str:
    """HTML that draws ``chart`` with the book's local vega-embed bundle (no CDN).

    Parameters
    ----------
    chart : altair chart
        Any top-level Altair chart.
    chart_id : str, optional
        The element id; default a hash of the spec, with ``-2``, ``-3``... when the same chart
        is written again in this session (each copy on a page needs its own id to draw).

    Returns
    -------
    str
        ``<div class="cx-chart" id=...></div>`` followed by a script that calls ``vegaEmbed``
        once ``window.vegaEmbed`` exists (the page loads ``_static/cxstats-vega.js``).

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> c = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    >>> first, again = to_html(c), to_html(c)  # the same chart twice: two ids, one hash
    >>> first != again, first.split('id="')[1][:21] == again.split('id="')[1][:21]
    (True, True)
    >>> 'id="cx-chart-demo"' in to_html(c, chart_id="demo")
    True
    >>> to_html("not a chart")
    Traceback (most recent call last):
    ...
    TypeError: chart must be an Altair chart, not str
    """
    if not hasattr(chart, "to_dict") or isinstance(chart, str | dict):
        raise TypeError(f"chart must be an Altair chart, not {type(chart).__name__}")
    if chart_id is not None and not isinstance(chart_id, str):
        raise TypeError(f"chart_id must be a str or None, not {type(chart_id).__name__}")
    spec = spec_json(chart)
    if chart_id is None:
        digest = hashlib.sha256(spec.encode("utf-8")).hexdigest()[:12]
        _ids_written[digest] += 1
        count = _ids_written[digest]
        chart_id = digest if count == 1 else f"{digest}-{count}"
    ident = "cx-chart-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    title = _title(chart)
    label = f' role="img" aria-label="{html.escape(title)}"' if title else ""
    name = _slug(title) or ident
    csv = chart_csv(chart)
    link = ""
    if csv:
        href = "data:text/csv;charset=utf-8," + quote(csv)
        link = (f'<p class="cx-downloads"><a class="cx-download cx-chart-csv" download="{name}.csv" '
                f'href="{href}">Chart data (CSV)</a></p>\n')
    return (f'<div class="cx-chart" id="{ident}"{label}></div>\n' + link
            + _EMBED % {"spec": spec, "id": ident, "name": name, "bundle": BUNDLE_NAME,
                        "actions": json.dumps(EMBED_ACTIONS, sort_keys=True)})


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(p for p in out.split("-") if p)[:60]


def chart_csv(chart: alt.TopLevelMixin) -> str:
    """The data behind a chart as CSV: its largest inline data set (``""`` if it has none).

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> c = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar().encode(x="x", y="y")
    >>> print(chart_csv(c))
    x,y
    a,1
    b,2
    <BLANKLINE>
    """
    import pandas as pd

    spec = chart.to_dict()
    tables = list((spec.get("datasets") or {}).values())
    data = spec.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        tables.append(data["values"])
    tables = [t for t in tables if isinstance(t, list) and t]
    if not tables:
        return ""
    return pd.DataFrame(max(tables, key=len)).to_csv(index=False, lineterminator="\n")


def _title(chart: Any) -> str:
    title = chart.to_dict().get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else ""


class Chart:
    """A chart ready for display: HTML for the browser, PNG for print (see :func:`show`)."""

    def __init__(self, chart: alt.TopLevelMixin, *, fallback: bool = True) -> None:
        self.chart = chart
        self.fallback = fallback

    def __repr__(self) -> str:
        # No memory address: stored notebook outputs must not change from run to run.
        title = getattr(self.chart, "title", None)
        return f"<cxstats chart{': ' + str(title) if isinstance(title, str) else ''}>"

    def _repr_html_(self) -> str:
        return _with_bundle(to_html(self.chart))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        if self.fallback:
            import base64

            png = _static_bytes(self.chart, "png")
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle


def _with_bundle(body: str) -> str:
    """Prefix the vega bundle to the first chart output of a session, unless a page supplies it.

    In JupyterLab, and in a notebook saved as HTML and opened with no network, the chart draws
    from that inline copy (later charts of the session use the same ``window.vegaEmbed``). The
    book and ``make notebooks`` set :data:`PAGE_BUNDLE_ENV`: the page loads the bundle once.
    """
    global _bundle_shown
    if os.environ.get(PAGE_BUNDLE_ENV) or _bundle_shown:
        return body
    code = javascript_bundle().replace("</script", "<\\/script")
    _bundle_shown = True
    return f"<script>if (!window.vegaEmbed) {{\n{code}\n}}</script>\n{body}"


def show(chart: alt.TopLevelMixin, *, fallback: bool = True) -> Chart:
    """Wrap a chart for display in a book notebook (make it the last expression of a cell).

    The HTML builder uses the ``text/html`` output (interactive, offline); builders that cannot
    run JavaScript (LaTeX/PDF) use the ``image/png`` fallback made by vl-convert. Outside the
    book (JupyterLab, a notebook saved as HTML) the first chart of a session carries the vega
    bundle itself, so it draws with no network; the book sets :data:`PAGE_BUNDLE_ENV` and
    serves the bundle once per page instead. Each chart offers PNG and SVG export (vega-embed's
    menu) and its data as CSV (:func:`chart_csv`).

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> c = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    >>> sorted(show(c, fallback=False)._repr_mimebundle_())
    ['text/html', 'text/plain']
    """
    return Chart(chart, fallback=fallback)


def _static_bytes(chart: Any, fmt: str, *, scale: float = 2) -> bytes:
    import vl_convert as vlc

    spec = chart.to_dict()
    version = "v" + vegalite_version().replace(".", "_")
    if fmt == "png":
        return vlc.vegalite_to_png(spec, vl_version=version, scale=scale)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, vl_version=version).encode("utf-8")
    if fmt == "pdf":
        return vlc.vegalite_to_pdf(spec, vl_version=version)
    raise ValueError(f"format must be png, svg or pdf; got {fmt!r}")


def save_static(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2) -> Path:
    """Write a static copy of ``chart`` (PNG, SVG or PDF, from the file suffix) with vl-convert.

    Examples
    --------
    >>> import tempfile, altair as alt, pandas as pd
    >>> c = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:O", y="x:Q")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = save_static(c, Path(d) / "c.svg")
    ...     p.read_text(encoding="utf-8").lstrip().startswith("<svg")
    True
    >>> save_static(c, "c.gif")
    Traceback (most recent call last):
    ...
    ValueError: format must be png, svg or pdf; got 'gif'
    """
    path = Path(path)
    data = _static_bytes(chart, path.suffix.lower().lstrip("."), scale=scale)
    path.write_bytes(data)
    return path


def _status_scale() -> Any:
    import altair as alt

    return alt.Scale(domain=list(STATUS_ORDER), range=list(STATUS_COLORS))


def claims_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Statistics by producer type, coloured by status; one block per claim, with its text.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`cxstats.catalogue.table` (at least ``id, claim, producer, producer_type,
        status, published_year``).
    title : str, optional
        Chart title.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> spec = claims_chart(catalogue.table()).to_dict()
    >>> spec["mark"]["type"], "tooltip" in spec["encoding"]
    ('bar', True)
    """
    import altair as alt

    data = table[["id", "claim", "producer", "producer_type", "status", "published_year"]].copy()
    data["published_year"] = data["published_year"].astype("string").fillna("unknown")
    data["one"] = 1
    chart = alt.Chart(data).mark_bar(stroke="white", strokeWidth=0.5).encode(
        y=alt.Y("producer_type:N", title="Producer type", sort="-x"),
        x=alt.X("sum(one):Q", title="Statistics in the catalogue"),
        color=alt.Color("status:N", title="Status", scale=_status_scale(),
                        sort=list(STATUS_ORDER)),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("claim:N", title="Claim"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("producer:N", title="Producer"),
                 alt.Tooltip("published_year:N", title="Published"),
                 alt.Tooltip("id:N", title="Id")],
    ).transform_calculate(
        status_rank=f"indexof({json.dumps(list(STATUS_ORDER))}, datum.status)",
    ).properties(width="container", height=alt.Step(40),
                 autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.properties(title=title) if title else chart


def discrepancies_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Discrepancies by kind, coloured by the producer type of the source; tooltips explain each.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`cxstats.catalogue.discrepancies` joined with the table: at least ``statistic_id,
        kind, explanation, producer, producer_type``.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> d = catalogue.discrepancies().merge(
    ...     catalogue.table()[["id", "producer", "producer_type"]],
    ...     left_on="statistic_id", right_on="id")
    >>> discrepancies_chart(d).to_dict()["encoding"]["y"]["field"]
    'kind'
    """
    import altair as alt

    data = frame[["statistic_id", "kind", "explanation", "producer", "producer_type"]].copy()
    data["one"] = 1
    chart = alt.Chart(data).mark_bar(stroke="white", strokeWidth=0.5).encode(
        y=alt.Y("kind:N", title="Kind of discrepancy", sort="-x"),
        x=alt.X("sum(one):Q", title="Discrepancies"),
        color=alt.Color("producer_type:N", title="Source producer type",
                        scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("kind:N", title="Kind"),
                 alt.Tooltip("explanation:N", title="What differs"),
                 alt.Tooltip("statistic_id:N", title="Statistic"),
                 alt.Tooltip("producer:N", title="Source")],
    ).properties(width="container", height=alt.Step(40),
                 autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.properties(title=title) if title else chart


#: How a roundup credits a figure, in display order, and the colours of :func:`circulation_chart`.
ATTRIBUTION_ORDER = ("right source", "wrong source", "credit not checked", "no source")
ATTRIBUTION_COLORS = ("#1b7837", "#762a83", "#bababa", "#e08214")


def circulation_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Roundups repeating each figure, split by the source they credit: right, wrong, unchecked, none.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`cxstats.catalogue.circulation`: at least ``statistic_id, url, names_source,
        source_correct``.
    title : str, optional
        Chart title.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"statistic_id": ["a", "a"], "url": ["u", "v"],
    ...                   "names_source": [None, "Bain"], "source_correct": [None, True]})
    >>> spec = circulation_chart(f).to_dict()
    >>> spec["encoding"]["color"]["field"], sorted({r["attribution"] for r in spec["datasets"][
    ...     spec["data"]["name"]]})
    ('attribution', ['no source', 'right source'])
    """
    import altair as alt

    data = frame[["statistic_id", "url", "names_source", "source_correct"]].copy()
    data["attribution"] = [
        "no source" if n is None or n != n else "right source" if c is True
        else "wrong source" if c is False else "credit not checked"
        for n, c in zip(data["names_source"], data["source_correct"], strict=True)]
    data["names_source"] = data["names_source"].where(data["names_source"].notna(), "(no one)")
    data = data.drop(columns="source_correct")
    data["one"] = 1
    chart = alt.Chart(data).mark_bar(stroke="white", strokeWidth=0.5).encode(
        y=alt.Y("statistic_id:N", title="Statistic", sort="-x"),
        x=alt.X("sum(one):Q", title="Roundups repeating the figure"),
        color=alt.Color("attribution:N", title="The roundup credits",
                        scale=alt.Scale(domain=list(ATTRIBUTION_ORDER),
                                        range=list(ATTRIBUTION_COLORS)),
                        sort=list(ATTRIBUTION_ORDER)),
        order=alt.Order("attribution_rank:Q"),
        tooltip=[alt.Tooltip("statistic_id:N", title="Statistic"),
                 alt.Tooltip("url:N", title="Roundup"),
                 alt.Tooltip("names_source:N", title="Credited to"),
                 alt.Tooltip("attribution:N", title="Credit")],
    ).transform_calculate(
        attribution_rank=f"indexof({json.dumps(list(ATTRIBUTION_ORDER))}, datum.attribution)",
    ).properties(width="container", height=alt.Step(28),
                 autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.properties(title=title) if title else chart


# --- Charts of result objects (what their ``.chart()`` returns; the book uses the same) -------

def _interval_tooltip(label: tuple[str, str], fields: list[tuple[str, str, str]]) -> list:
    import altair as alt

    return [alt.Tooltip(f"{label[0]}:N", title=label[1])] + [
        alt.Tooltip(f"{f}:Q", title=t, format=fmt) for f, t, fmt in fields]


def problems_chart(result: Any, *, title: str | None = None,
                   x_title: str = "Problems experienced",
                   y_title: str = "Share with the outcome") -> alt.LayerChart:
    """Outcome rate by number of problems with its interval; tooltips give n, events and lift.

    Parameters
    ----------
    result : cxstats.analyses.ProblemsResult
    title, x_title, y_title : str, optional

    Examples
    --------
    >>> from cxstats.analyses import outcome_by_problems
    >>> from cxstats.datasets import load_customers
    >>> res = outcome_by_problems(load_customers(), problems="problems",
    ...                           outcome="price_sensitive", cap=3)
    >>> [layer["mark"]["type"] for layer in problems_chart(res).to_dict()["layer"]]
    ['rule', 'point']
    """
    import altair as alt

    data = result.rates.rename(columns={"problems": "label"}).copy()
    lift = result.lift.set_index("problems")
    data["lift"] = [
        "baseline" if lab not in lift.index else
        (f"risk ratio {lift.loc[lab, 'risk_ratio']:.2f} ({lift.loc[lab, 'risk_ratio_low']:.2f} to "
         f"{lift.loc[lab, 'risk_ratio_high']:.2f}), {100 * lift.loc[lab, 'difference']:+.1f} points")
        for lab in data["label"]]
    pct = f"{100 * result.confidence:.0f}%"
    x = alt.X("label:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0))
    tip = [alt.Tooltip("label:N", title=x_title), alt.Tooltip("n:Q", title="n", format=","),
           alt.Tooltip("events:Q", title="with outcome", format=","),
           alt.Tooltip("rate:Q", title="rate", format=".1%"),
           alt.Tooltip("rate_low:Q", title=f"{pct} CI low", format=".1%"),
           alt.Tooltip("rate_high:Q", title=f"{pct} CI high", format=".1%"),
           alt.Tooltip("lift:N", title="lift over zero")]
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(x=x, y="rate_low:Q", y2="rate_high:Q",
                                                          tooltip=tip)
    points = alt.Chart(data).mark_point(filled=True, size=90).encode(
        x=x, y=alt.Y("rate:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=True)),
        tooltip=tip)
    chart = (bars + points).properties(width="container", height=280)
    return chart.properties(title=title) if title else chart


def forgiveness_chart(result: Any, *, title: str | None = None) -> alt.LayerChart:
    """Bad-CSAT rate by first-contact sentiment with its interval (first group only with ``by``).

    Examples
    --------
    >>> from cxstats.analyses import forgiveness_rate
    >>> from cxstats.datasets import load_tickets
    >>> res = forgiveness_rate(load_tickets())
    >>> forgiveness_chart(res).to_dict()["layer"][1]["encoding"]["y"]["field"]
    'bad_rate'
    """
    import altair as alt

    data = result.by_sentiment.copy()
    pct = f"{100 * result.confidence:.0f}%"
    tip = [alt.Tooltip("initial_sentiment:N", title="First-contact sentiment"),
           alt.Tooltip("n:Q", title="Rated tickets", format=","),
           alt.Tooltip("bad:Q", title="Bad ratings"),
           alt.Tooltip("bad_rate:Q", title="Bad-CSAT rate", format=".1%"),
           alt.Tooltip("bad_rate_low:Q", title=f"{pct} CI low", format=".1%"),
           alt.Tooltip("bad_rate_high:Q", title=f"{pct} CI high", format=".1%")]
    order = [s for s in ("negative", "neutral", "positive") if s in set(data["initial_sentiment"])]
    order += sorted(set(data["initial_sentiment"]) - set(order))
    x = alt.X("initial_sentiment:N", title="First-contact sentiment", sort=order,
              axis=alt.Axis(labelAngle=0))
    color = alt.Color("initial_sentiment:N", legend=None,
                      scale=alt.Scale(domain=["negative", "neutral", "positive"],
                                      range=["#b2182b", "#878787", "#2166ac"]))
    chart = (alt.Chart(data).mark_rule(strokeWidth=2).encode(
                 x=x, y="bad_rate_low:Q", y2="bad_rate_high:Q", color=color, tooltip=tip)
             + alt.Chart(data).mark_point(filled=True, size=110).encode(
                 x=x, y=alt.Y("bad_rate:Q", title="Bad-CSAT rate", axis=alt.Axis(format="%"),
                              scale=alt.Scale(zero=True)), color=color, tooltip=tip)
             ).properties(width=260, height=260)
    return chart.properties(title=title or "Bad-CSAT rate by first-contact sentiment")


def recovery_chart(result: Any, *, title: str | None = None) -> alt.LayerChart:
    """Dispute rate by company response with its interval, and the pooled relief / no-relief rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxstats.analyses import dispute_by_response
    >>> complaints = pd.DataFrame({
    ...     "Company response to consumer": ["Closed with monetary relief"] * 4
    ...                                     + ["Closed with explanation"] * 4,
    ...     "Consumer disputed?": ["No", "No", "No", "Yes", "Yes", "Yes", "No", "No"]})
    >>> res = dispute_by_response(complaints)
    >>> recovery_chart(res).to_dict()["layer"][1]["encoding"]["x"]["field"]
    'dispute_rate'
    """
    import altair as alt
    import pandas as pd

    con = result.contrast.iloc[0]
    pooled = []
    for key, label in (("relief", "any relief (pooled)"), ("no_relief", "no relief (pooled)")):
        pooled.append({
            "response": label,
            "relief": key, "n": int(con[f"n_{key}"]), "disputed": int(con[f"disputed_{key}"]),
            "dispute_rate": float(con[f"dispute_rate_{key}"]),
            # The dispute rate is 1 - the forgiveness rate: its interval is the mirrored one.
            "dispute_rate_low": 1 - float(con[f"forgiveness_{key}_high"]),
            "dispute_rate_high": 1 - float(con[f"forgiveness_{key}_low"]), "kind": "pooled"})
    data = pd.concat([result.by_response.assign(kind="response"), pd.DataFrame(pooled)],
                     ignore_index=True)
    data["group"] = data["relief"].map({"relief": "relief", "no_relief": "no relief",
                                        "other": "other"})
    order = data.sort_values(["kind", "relief", "dispute_rate"],
                             ascending=[False, False, True])["response"]
    pct = f"{100 * result.confidence:.0f}%"
    tip = [alt.Tooltip("response:N", title="Company response"),
           alt.Tooltip("group:N", title="Group"),
           alt.Tooltip("n:Q", title="Complaints with a dispute value", format=","),
           alt.Tooltip("disputed:Q", title="Disputed", format=","),
           alt.Tooltip("dispute_rate:Q", title="Dispute rate", format=".1%"),
           alt.Tooltip("dispute_rate_low:Q", title=f"{pct} CI low", format=".1%"),
           alt.Tooltip("dispute_rate_high:Q", title=f"{pct} CI high", format=".1%")]
    y = alt.Y("response:N", title=None, sort=list(order), axis=alt.Axis(labelLimit=320))
    color = alt.Color("group:N", title="Response",
                      scale=alt.Scale(domain=["relief", "no relief"], range=["#1b7837", "#b2182b"]))
    rules = alt.Chart(data).mark_rule(strokeWidth=2).encode(
        y=y, x="dispute_rate_low:Q", x2="dispute_rate_high:Q", color=color, tooltip=tip)
    pts = alt.Chart(data).mark_point(filled=True, size=110).encode(
        y=y, x=alt.X("dispute_rate:Q", title="Share of complaints disputed",
                     axis=alt.Axis(format="%"), scale=alt.Scale(zero=True)),
        color=color, shape=alt.Shape("kind:N", title=None, scale=alt.Scale(
            domain=["response", "pooled"], range=["circle", "diamond"])), tooltip=tip)
    chart = (rules + pts).properties(width="container", height=alt.Step(34))
    return chart.properties(title=title) if title else chart


def tornado_chart(sensitivity: pd.DataFrame, *, output: str = "Revenue lost",
                  title: str | None = None) -> alt.LayerChart:
    """Tornado chart of a sensitivity table (one input at a time at its low and high value).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        ``ImpactResult.sensitivity``: ``input, source, low, high, output_low, output_central,
        output_high, rank``.

    Examples
    --------
    >>> from cxstats.models.impact import impact
    >>> res = impact(customers=10_000, revenue_per_customer=500, draws=200, seed=1)
    >>> tornado_chart(res.sensitivity).to_dict()["layer"][0]["mark"]["type"]
    'bar'
    """
    import altair as alt
    import pandas as pd

    rows = []
    for r in sensitivity.itertuples(index=False):
        for end, value, out in (("low", r.low, r.output_low), ("high", r.high, r.output_high)):
            rows.append({"input": r.input, "severity": getattr(r, "severity", None) or "both",
                         "source": r.source, "end": f"input at its {end} value",
                         "input_value": value, "central_output": r.output_central, "output": out,
                         "change": out - r.output_central, "rank": r.rank})
    data = pd.DataFrame(rows)
    y = alt.Y("input:N", title=None, sort=alt.EncodingSortField("rank", order="ascending"))
    bars = alt.Chart(data).mark_bar().encode(
        y=y, x=alt.X("output:Q", title=output, axis=alt.Axis(format=",.0f")),
        x2="central_output:Q",
        color=alt.Color("end:N", title=None, scale=alt.Scale(range=["#2166ac", "#b2182b"])),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("severity:N", title="Class"),
                 alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("end:N", title="Setting"),
                 alt.Tooltip("input_value:Q", title="Input value", format=".3g"),
                 alt.Tooltip("output:Q", title=output, format=",.0f"),
                 alt.Tooltip("change:Q", title="Change from central", format="+,.0f")])
    centre = alt.Chart(data).mark_rule(color="#333333").encode(x="mean(central_output):Q")
    return (bars + centre).properties(
        width="container", height=alt.Step(34),
        title=title or f"Sensitivity of {output.lower()}, one input at a time")


def impact_chart(result: Any, **options: Any) -> alt.LayerChart:
    """The chart of an :class:`~cxstats.models.impact.ImpactResult`: the tornado of its sensitivity.

    ``options`` are those of :func:`tornado_chart`.
    """
    return tornado_chart(result.sensitivity, **options)


def chart_of(obj: Any, **options: Any) -> Any:
    """The chart the handbook shows for a result object or a statistic (its ``_chart`` builder).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> chart_of(catalogue.get("rightnow-2007-never-go-back")).to_dict()["layer"][0]["mark"]["type"]
    'rule'
    """
    return globals()[obj._chart](obj, **options)


def statistic_chart(statistic: Any, *, title: str | None = None) -> alt.LayerChart:
    """One catalogue statistic: its value, and its interval where the base size is known.

    The tooltip gives the base of the interval ("if all 2,049 respondents answered", "n = 362
    stated for this figure") or says that none is known; ``title`` defaults to the statistic's id.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> s = catalogue.get("hbr-2010-wom-negative-likelihood")
    >>> statistic_chart(s).to_dict()["layer"][1]["mark"]["type"]
    'point'
    """
    import altair as alt
    import pandas as pd

    from cxstats.catalogue import fmt_value

    s = statistic
    data = pd.DataFrame([{
        "id": s.id, "claim": s.claim, "value": s.value, "shown": fmt_value(s.value, s.unit),
        "low": s.ci_low if s.ci_low is not None else s.value,
        "high": s.ci_high if s.ci_high is not None else s.value,
        "status": s.status, "producer": s.origin.producer,
        "base": s.ci_basis or ("no base known" if s.n is None else f"n = {s.n:,}")}])
    percent = s.unit == "percent"
    x = alt.X("value:Q", title=fmt_value(s.value, s.unit) if not percent else "Percent",
              scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined)
    tip = [alt.Tooltip("claim:N", title="Claim"), alt.Tooltip("shown:N", title="Value"),
           alt.Tooltip("base:N", title="Base"), alt.Tooltip("status:N", title="Status"),
           alt.Tooltip("producer:N", title="Source"), alt.Tooltip("id:N", title="Id")]
    rule = alt.Chart(data).mark_rule(strokeWidth=3).encode(x=alt.X("low:Q"), x2="high:Q",
                                                          tooltip=tip)
    point = alt.Chart(data).mark_point(filled=True, size=120).encode(
        x=x, color=alt.Color("status:N", scale=_status_scale(), legend=None), tooltip=tip)
    return (rule + point).properties(width="container", height=40,
                                     title=s.id if title is None else title)


#: What the calculator shows for each output, and the d3 format of its number.
CALCULATOR_LABELS = {
    "customers_lost": ("Customers lost", ",.2f"),
    "customers_lost_silent": ("of which never complained", ",.2f"),
    "revenue_lost": ("Revenue lost", ",.2f"),
    "revenue_lost_silent": ("of which from customers who never complained", ",.2f"),
    "share_of_loss_silent": ("Share of the loss that is silent", ".2%"),
}


def _calculator_binding(name: str, value: float) -> Any:
    import altair as alt

    label = name.replace("_", " ") + " "
    if name in ("customers", "revenue_per_customer"):
        return alt.binding(input="number", name=label)
    if name.startswith("told_"):
        return alt.binding_range(min=0, max=max(50, math.ceil(value)), step=1, name=label)
    return alt.binding_range(min=0, max=1, step=0.001, name=label)


def calculator_chart(values: Mapping[str, float], *, method: str = "incremental",
                     title: str | None = None) -> alt.Chart:
    """The churn-impact calculator that runs in the page: one input control per model input.

    Every input of the model (:func:`cxstats.models.impact.formula.inputs`) is an Altair
    parameter bound to a slider (shares, loyalties, conversion rates) or a number field
    (customers, revenue per customer); the outputs of :data:`CALCULATOR_LABELS` are computed by
    Vega from :func:`cxstats.models.impact.formula.vega_expressions`, the model's central formula,
    so they update with no kernel.

    Parameters
    ----------
    values : mapping of str to float
        Start value of every input (``loyalty_mollified`` as a number).
    method : {"incremental", "absolute"}

    Examples
    --------
    >>> from cxstats.models.impact.formula import inputs
    >>> v = dict.fromkeys(inputs(), 0.5) | {"customers": 1000, "revenue_per_customer": 20}
    >>> spec = calculator_chart(v).to_dict()
    >>> sorted(p["name"] for p in spec["params"]) == sorted(inputs())
    True
    >>> calculator_chart({"customers": 1})
    Traceback (most recent call last):
    ...
    ValueError: values is missing the inputs ['complaint_rate_major', ...]
    """
    import altair as alt

    from cxstats.models.impact.formula import inputs, vega_expressions

    names = inputs(method)
    missing = sorted(n for n in names if n not in values or values[n] is None
                     or math.isnan(float(values[n])))
    if missing:
        raise ValueError(f"values is missing the inputs {missing}")
    from cxstats.models.impact import INPUT_NAMES

    # Controls in the model's display order.
    names = sorted(names, key=lambda n: INPUT_NAMES.index(n) if n in INPUT_NAMES else len(INPUT_NAMES))
    params = [alt.param(name=n, value=float(values[n]), bind=_calculator_binding(n, values[n]))
              for n in names]
    exprs = vega_expressions(method, outputs=tuple(CALCULATOR_LABELS))
    order = list(CALCULATOR_LABELS)
    label = " : ".join(f"datum.output === {json.dumps(k)} ? {json.dumps(lab)}"
                       for k, (lab, _) in CALCULATOR_LABELS.items()) + " : datum.output"
    shown = " : ".join(f"datum.output === {json.dumps(k)} ? format(datum.value, {json.dumps(fmt)})"
                       for k, (_, fmt) in CALCULATOR_LABELS.items()) + " : ''"
    rank = f"indexof({json.dumps(order)}, datum.output)"
    chart = alt.Chart(alt.Data(values=[{"row": 0}])).transform_calculate(**exprs).transform_fold(
        order, as_=["output", "value"]
    ).transform_calculate(label=label, shown=shown, rank=rank).mark_text(
        align="right", fontSize=15, dx=0).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None,
                axis=alt.Axis(labelFontSize=13, labelLimit=400, domain=False, ticks=False)),
        x=alt.value(200), text=alt.Text("shown:N"),
        tooltip=[alt.Tooltip("label:N", title="Output"), alt.Tooltip("shown:N", title="Value")],
    ).add_params(*params).properties(width=220, height=alt.Step(30)).configure_view(strokeWidth=0)
    return chart.properties(title=title) if title else chart
