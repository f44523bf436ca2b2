"""cxstats: what bad customer service costs, with every figure traced to its source.

Three domains and one presentation room, with data flowing one way:

* :mod:`cxstats.catalogue`: the cited catalogue of customer-experience statistics (loading,
  validation, export, citation);
* :mod:`cxstats.analyses`: analyses an analyst runs on their own tickets and customers;
* :mod:`cxstats.models`: churn impact, word of mouth, customer effort and pooling;
* :mod:`cxstats.presentation`: charts, HTML tables and text escaping, which import the domains
  and are imported by none of them; :mod:`cxstats.cli` sits on top.

Result objects and catalogue statistics show themselves in notebooks (``repr``, HTML,
``.chart()``) through :mod:`cxstats._results`, into which this module plugs the presentation's
drawing functions; they import the presentation only when something is shown.

Heavy libraries (statsmodels, altair) are imported only when a function needs them.

Examples
--------
>>> import cxstats
>>> s = cxstats.catalogue.get("hbr-2010-negative-told-10-plus")
>>> f"{s.value:g}% ({s.status})"
'48% (partly-confirmed)'
"""

from __future__ import annotations

import importlib
from typing import Any

from cxstats import _results

__version__ = "0.1.0"

__all__ = ["__version__", "catalogue", "check", "cite"]

_SUBMODULES = {"catalogue", "analyses", "models", "presentation", "datasets", "cli"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"cxstats.{name}")
    if name == "cite":
        from cxstats.catalogue.citation import cite

        return cite
    if name == "check":
        from cxstats.catalogue.check import check

        return check
    raise AttributeError(f"module 'cxstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)


def _show_repr(obj: Any) -> str:
    from cxstats.presentation.display import repr_of

    return repr_of(obj)


def _show_html(obj: Any) -> str:
    from cxstats.presentation.display import html_of

    return html_of(obj)


def _show_chart(obj: Any, **options: Any) -> Any:
    from cxstats.presentation.charts import chart_of

    return chart_of(obj, **options)


_results.plug(repr=_show_repr, html=_show_html, chart=_show_chart)
