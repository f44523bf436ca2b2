"""HTML for the handbook: tables that work offline (no CDN) and the catalogue explorer.

:func:`html_table` is a small searchable, sortable table with a CSV download, written here;
:func:`explorer_html` is the catalogue explorer, made with itables (DataTables with its
SearchPanes and Buttons extensions, served from the itables wheel).

Every cell is HTML-escaped, so a record whose text contains ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["explorer_frame", "explorer_html", "html_table", "itables_bundle_files",
           "itables_loader_js", "result_html", "result_repr", "statistic_href", "statistic_html",
           "statistic_repr"]

_counter = itertools.count(1)

_SCRIPT = """
<script>
(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var input = root.querySelector("input.cx-filter");
  var table = root.querySelector("table");
  var body = table.tBodies[0];
  var count = root.querySelector(".cx-count");
  function update() {
    var q = input.value.toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var hit = row.textContent.toLowerCase().indexOf(q) !== -1;
      row.style.display = hit ? "" : "none";
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + body.rows.length + " rows";
  }
  input.addEventListener("input", update);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.style.cursor = "pointer";
    th.title = "Sort by this column";
    th.addEventListener("click", function () {
      var asc = th.getAttribute("data-sort") !== "asc";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
        c.removeAttribute("data-sort");
      });
      th.setAttribute("data-sort", asc ? "asc" : "desc");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-value") || a.cells[col].textContent;
        var y = b.cells[col].getAttribute("data-value") || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? cmp : -cmp;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  update();
})();
</script>
"""


def _cell(value: object) -> tuple[str, str | None]:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "", None
    if isinstance(value, int | float):
        return html.escape(f"{value:g}" if isinstance(value, float) else str(value)), str(value)
    return html.escape(str(value)), None


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(p for p in out.split("-") if p)[:60]


def html_table(frame: pd.DataFrame, *, caption: str | None = None,
               searchable: bool = True, filename: str | None = None) -> str:
    """Render a DataFrame as an escaped HTML table with an offline filter box and sortable headers.

    Every table carries a link that downloads its rows as CSV (a ``data:`` URL, no server).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show; the index is not shown.
    caption : str, optional
        A caption above the table.
    searchable : bool, default True
        Add the filter box and the click-to-sort script.
    filename : str, optional
        Name of the CSV download; default made from the caption (else ``table.csv``).

    Returns
    -------
    str
        HTML; give it to ``IPython.display.HTML`` in a notebook.

    Examples
    --------
    >>> import pandas as pd
    >>> out = html_table(pd.DataFrame({"claim": ["<script>alert(1)</script>"]}), searchable=False)
    >>> "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>alert" not in out
    True
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    table_id = f"cx-table-{next(_counter)}"
    parts = [f'<div class="cx-table" id="{table_id}">']
    if caption:
        parts.append(f'<p class="cx-caption">{html.escape(caption)}</p>')
    if searchable:
        parts.append('<input class="cx-filter" type="search" placeholder="Filter rows..." '
                     'aria-label="Filter rows"> <span class="cx-count"></span>')
    name = filename or (_slug(caption) + ".csv" if caption and _slug(caption) else "table.csv")
    href = "data:text/csv;charset=utf-8," + quote(frame.to_csv(index=False, lineterminator="\n"))
    parts.append(f' <a class="cx-download cx-table-csv" download="{html.escape(name)}" '
                 f'href="{html.escape(href)}">Download CSV</a>')
    parts.append('<div class="cx-scroll"><table class="table cx-data"><thead><tr>')
    parts += [f"<th>{html.escape(str(c))}</th>" for c in frame.columns]
    parts.append("</tr></thead><tbody>")
    for row in frame.itertuples(index=False):
        parts.append("<tr>")
        for value in row:
            text, sort_key = _cell(value)
            attr = f' data-value="{html.escape(sort_key)}"' if sort_key is not None else ""
            parts.append(f"<td{attr}>{text}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div></div>")
    if searchable:
        parts.append(_SCRIPT % {"id": table_id})
    return "".join(parts)


#: Columns the catalogue explorer shows; the others are searchable and filterable but hidden
#: (they are on each statistic's own entry).
EXPLORER_COLUMNS = ("claim", "value", "status", "producer", "year")
#: Filter panes of the explorer, in display order.
EXPLORER_FILTERS = ("status", "topic", "producer_type", "producer", "year", "origin")

_TOPIC_RENDER = """function (data, type) {
  if (type === "sp") { return data ? data.split("; ") : []; }
  return data;
}"""


def statistic_href(bib_key: str, statistic_id: str, *, prefix: str = "sources/") -> str:
    """Link from a book page to a statistic's entry on its source page (fragment = its id).

    Examples
    --------
    >>> statistic_href("dixon2010stop", "hbr-2010-wom-negative-likelihood")
    'sources/dixon2010stop.html#hbr-2010-wom-negative-likelihood'
    """
    return f"{prefix}{bib_key}.html#{statistic_id}"


def explorer_frame(table: pd.DataFrame, *, prefix: str = "sources/") -> pd.DataFrame:
    """The catalogue as the explorer shows it: one row per statistic, claim linked to its entry.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`cxstats.catalogue.table` (or a subset of its rows).
    prefix : str, default "sources/"
        Path from the page to the source pages.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim`` (an escaped HTML link), ``value``, ``status``, ``producer``, ``year``,
        then the filter-only columns ``id``, ``topic`` (``"; "``-separated), ``producer_type``
        and ``origin`` (``"seed"`` when the figure reached us through a seed article, else
        ``"web"``).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> f = explorer_frame(catalogue.table())
    >>> list(f.columns)
    ['claim', 'value', 'status', 'producer', 'year', 'id', 'topic', 'producer_type', 'origin']
    >>> bool(f["claim"].str.startswith('<a href="sources/').all())
    True
    """
    import pandas as pd

    from cxstats.catalogue import fmt_value

    need = {"id", "claim", "value", "unit", "status", "producer", "producer_type",
            "published_year", "topics", "seed_file", "bib_key"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"table is missing the catalogue columns {missing}")
    links = [f'<a href="{html.escape(statistic_href(b, i, prefix=prefix))}">{html.escape(c)}</a>'
             for b, i, c in zip(table["bib_key"], table["id"], table["claim"], strict=True)]
    return pd.DataFrame({
        "claim": links,
        "value": [fmt_value(v, u) for v, u in zip(table["value"], table["unit"], strict=True)],
        "status": table["status"].to_numpy(),
        "producer": table["producer"].to_numpy(),
        "year": table["published_year"].astype("string").fillna("unknown").to_numpy(),
        "id": table["id"].to_numpy(),
        "topic": table["topics"].fillna("").to_numpy(),
        "producer_type": table["producer_type"].to_numpy(),
        "origin": ["seed" if isinstance(s, str) and s else "web" for s in table["seed_file"]],
    })


def explorer_html(table: pd.DataFrame, *, prefix: str = "sources/",
                  table_id: str = "cx-explorer") -> str:
    """The catalogue explorer: an itables (DataTables) table with filter panes and a CSV button.

    Filters (DataTables SearchPanes) for status, topic, producer type, producer, year and
    seed/web origin, a text search over every column (hidden ones included), sortable columns
    that fit the page, a link from each claim to the statistic's entry, and a CSV download of the
    filtered rows. The DataTables code is itables' bundled ``dt_bundle.js`` (no CDN): the book
    serves it from ``_static`` (see :func:`itables_loader_js`).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> out = explorer_html(catalogue.table())
    >>> 'id="cx-explorer"' in out and "searchPanes" in out and "https://www.unpkg" not in out
    True
    """
    from itables import JavascriptFunction, to_html_datatable

    frame = explorer_frame(table, prefix=prefix)
    cols = list(frame.columns)
    hidden = [cols.index(c) for c in cols if c not in EXPLORER_COLUMNS]
    panes = [cols.index(c) for c in EXPLORER_FILTERS]
    return to_html_datatable(
        frame,
        table_id=table_id,
        connected=False,
        allow_html=True,
        showIndex=False,
        classes="display compact cx-explorer",
        pageLength=25,
        lengthMenu=[10, 25, 50, 100, {"label": "All", "value": -1}],
        layout={"top2": "searchPanes", "topStart": "pageLength", "topEnd": "search",
                "bottomStart": "info", "bottomEnd": "paging", "top1Start": "buttons"},
        buttons=[{"extend": "csvHtml5", "text": "Download CSV (filtered rows)",
                  "filename": "cxstats-catalogue-filtered",
                  "exportOptions": {"columns": list(range(len(cols))), "orthogonal": "export"}}],
        searchPanes={"columns": panes, "layout": "columns-3", "cascadePanes": True,
                     "initCollapsed": False, "threshold": 1, "dtOpts": {"select": {"style": "os"}}},
        columnDefs=[
            {"targets": hidden, "visible": False},
            {"targets": [cols.index("topic")], "render": JavascriptFunction(_TOPIC_RENDER),
             "searchPanes": {"orthogonal": "sp"}},
            {"targets": panes, "searchPanes": {"show": True}},
            {"targets": [cols.index("producer_type")], "title": "producer type"},
        ],
        autoWidth=False,
        maxBytes=0,
    )


def itables_loader_js(bundle_name: str = "dt_bundle.js") -> str:
    """A classic script that imports itables' DataTables bundle from beside itself (no CDN).

    Tables made by :func:`explorer_html` wait for it; the book's Sphinx extension writes it as
    ``_static/cxstats-itables.js`` next to ``dt_bundle.js`` and ``dt_bundle.css``.

    Examples
    --------
    >>> "import(" in itables_loader_js() and "http" not in itables_loader_js()
    True
    """
    from itables.javascript import _itables_ready_event, _itables_underscore_version

    key, event = _itables_underscore_version(), _itables_ready_event()
    return f"""(function () {{
  if (window.{key}) {{ return; }}
  var here = document.currentScript.src;
  var url = here.slice(0, here.lastIndexOf("/") + 1) + {json.dumps(bundle_name)};
  window.{key} = import(url);
  window.{key}.then(function () {{ window.dispatchEvent(new Event({json.dumps(event)})); }});
}})();
"""


def itables_bundle_files() -> tuple[Path, Path]:
    """itables' bundled DataTables JavaScript and CSS (``dt_bundle.js``, ``dt_bundle.css``)."""
    import itables

    folder = Path(itables.__file__).parent / "html"
    return folder / "dt_bundle.js", folder / "dt_bundle.css"


# --- Notebook display of result objects (their __repr__ / _repr_html_ delegate here) ----------

def _frames_and_scalars(result: object) -> tuple[dict, dict]:
    import dataclasses

    import pandas as pd

    frames, scalars = {}, {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, pd.DataFrame):
            frames[f.name] = value
        elif value is None or isinstance(value, str | int | float | bool):
            scalars[f.name] = value
    return frames, scalars


def _scalar(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def result_repr(result: object) -> str:
    """A short one-line ``repr`` of an analysis or model result: its numbers and table sizes.

    Examples
    --------
    >>> from cxstats.analyses import forgiveness_rate
    >>> from cxstats.datasets import load_tickets
    >>> text = result_repr(forgiveness_rate(load_tickets()))
    >>> text.startswith("ForgivenessResult(confidence=0.95, alternative='two-sided', n_tickets=3,000")
    True
    >>> text.endswith("; by_sentiment: 3 rows, contrast: 1 row)")
    True
    """
    frames, scalars = _frames_and_scalars(result)
    inner = ", ".join(f"{k}={_scalar(v)}" for k, v in scalars.items())
    tables = ", ".join(f"{k}: {len(v)} row{'s' if len(v) != 1 else ''}" for k, v in frames.items())
    return f"{type(result).__name__}({inner}{'; ' if inner and tables else ''}{tables})"


def result_html(result: object, *, digits: int = 4) -> str:
    """HTML for a result in a notebook: its numbers, then each of its tables (rounded).

    Every table has its CSV download (:func:`html_table`).

    Examples
    --------
    >>> from cxstats.analyses import forgiveness_rate
    >>> from cxstats.datasets import load_tickets
    >>> out = result_html(forgiveness_rate(load_tickets()))
    >>> out.count("<table"), "by_sentiment" in out
    (2, True)
    """
    frames, scalars = _frames_and_scalars(result)
    parts = [f'<div class="cx-result"><p><strong>{html.escape(type(result).__name__)}</strong>']
    if scalars:
        parts.append(": " + ", ".join(f"{html.escape(k)} = {html.escape(_scalar(v))}"
                                      for k, v in scalars.items()))
    parts.append("</p>")
    for name, frame in frames.items():
        parts.append(html_table(frame.round(digits), caption=name, searchable=False,
                                filename=f"{name}.csv"))
    parts.append("</div>")
    return "".join(parts)


def statistic_repr(statistic: object) -> str:
    """A short ``repr`` of a catalogue statistic.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> print(statistic_repr(catalogue.get("hbr-2010-wom-negative-likelihood")))
    Statistic('hbr-2010-wom-negative-likelihood', 65%, n not stated, partly-confirmed,
              Harvard Business Review 2010)
    """
    from cxstats.catalogue import fmt_value

    s = statistic
    n = f"n = {s.n:,}" if s.n is not None else "n not stated"
    year = (s.origin.date_published or "n.d.")[:4]
    return (f"Statistic({s.id!r}, {fmt_value(s.value, s.unit)}, {n}, {s.status}, "
            f"{s.origin.producer} {year})")


def statistic_html(statistic: object) -> str:
    """A statistic as a two-column HTML table: claim, value, interval, base, status, source.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> out = statistic_html(catalogue.get("hbr-2010-wom-negative-likelihood"))
    >>> "partly-confirmed" in out and "<table" in out
    True
    """
    import pandas as pd

    from cxstats.catalogue import fmt_value

    s = statistic
    o = s.origin
    rows = [("id", s.id), ("claim", s.claim), ("value", fmt_value(s.value, s.unit)),
            ("interval", "" if s.ci_low is None
             else f"{s.ci_low:.1f} to {s.ci_high:.1f}% (95% Wilson, {s.ci_basis})"),
            ("n", "not stated" if s.n is None else f"{s.n:,}"), ("base", s.base),
            ("status", s.status), ("source", f"{o.producer}: {o.title}"),
            ("published", o.date_published or "unknown"), ("url", o.url or "unknown"),
            ("discrepancies", str(len(s.discrepancies)))]
    return html_table(pd.DataFrame(rows, columns=["field", "value"]), searchable=False,
                      filename=f"{s.id}.csv")


def repr_of(obj: object) -> str:
    """The ``repr`` of a result object or a catalogue statistic (what :mod:`cxstats._results` shows).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> repr_of(catalogue.get("hbr-2010-wom-negative-likelihood")).startswith("Statistic(")
    True
    """
    from cxstats.catalogue import Statistic

    return statistic_repr(obj) if isinstance(obj, Statistic) else result_repr(obj)


def html_of(obj: object) -> str:
    """The notebook HTML of a result object or a catalogue statistic.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> "<table" in html_of(catalogue.get("hbr-2010-wom-negative-likelihood"))
    True
    """
    from cxstats.catalogue import Statistic

    return statistic_html(obj) if isinstance(obj, Statistic) else result_html(obj)
