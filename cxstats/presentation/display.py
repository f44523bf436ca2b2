"""HTML for the handbook: a searchable, sortable table that works offline (no CDN, no library).

Every cell is HTML-escaped, so a record whose text contains ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["html_table"]

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


def html_table(frame: pd.DataFrame, *, caption: str | None = None,
               searchable: bool = True) -> str:
    """Render a DataFrame as an escaped HTML table with an offline filter box and sortable headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show; the index is not shown.
    caption : str, optional
        A caption above the table.
    searchable : bool, default True
        Add the filter box and the click-to-sort script.

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
