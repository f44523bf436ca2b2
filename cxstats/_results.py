"""How a result object or a catalogue statistic shows itself, without the domains importing the presentation.

A bottom module. The result classes of the analyses and models, and the catalogue's
``Statistic``, inherit :class:`Displayed` (or its methods); what they show (a short ``repr``, an
HTML table for notebooks, ``.chart()``) is drawn by :mod:`cxstats.presentation`. The package's top,
``cxstats/__init__.py``, plugs the presentation into :data:`SHOW` when ``cxstats`` is imported
(which Python does before any of its modules), so the presentation room imports the domains and
none of them imports it, not even from inside a method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

#: ``"repr"``, ``"html"`` and ``"chart"``: the functions that draw an object, filled by :func:`plug`.
SHOW: dict[str, Callable[..., Any]] = {}


def plug(*, repr: Callable[[Any], str], html: Callable[[Any], str],
         chart: Callable[..., Any]) -> None:
    """Set the functions :class:`Displayed` calls (done once, by ``cxstats/__init__.py``)."""
    SHOW.update(repr=repr, html=html, chart=chart)


class Displayed:
    """A short ``repr``, an HTML table for notebooks and ``.chart()``, the chart the book shows.

    A subclass names its chart builder in :mod:`cxstats.presentation.charts` in ``_chart``; a
    dataclass subclass is declared with ``repr=False`` so that this ``__repr__`` is kept.
    """

    _chart: ClassVar[str]

    def __repr__(self) -> str:
        show = SHOW.get("repr")
        return show(self) if show else object.__repr__(self)

    def _repr_html_(self) -> str | None:
        show = SHOW.get("html")
        return show(self) if show else None

    def chart(self, **options: Any) -> Any:
        """The Altair chart the handbook shows for this result (an ``altair`` chart)."""
        show = SHOW.get("chart")
        if show is None:
            raise RuntimeError("no chart builder is plugged in: import cxstats (its __init__ "
                               "plugs cxstats.presentation into cxstats._results)")
        return show(self, **options)
