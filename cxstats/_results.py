"""What every result object of the analyses and models shares: how a notebook shows it.

A bottom module: the display code lives in :mod:`cxstats.presentation`, imported only when a
result is shown, so the domains never import the presentation room at module level.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Displayed:
    """A short ``repr``, an HTML table for notebooks and ``.chart()``, the chart the book shows.

    A subclass names its chart builder in :mod:`cxstats.presentation.charts` in ``_chart``; a
    dataclass subclass is declared with ``repr=False`` so that this ``__repr__`` is kept.
    """

    _chart: ClassVar[str]

    def __repr__(self) -> str:
        from cxstats.presentation.display import result_repr

        return result_repr(self)

    def _repr_html_(self) -> str:
        from cxstats.presentation.display import result_html

        return result_html(self)

    def chart(self, **options: Any) -> Any:
        """The Altair chart the handbook shows for this result (an ``altair`` chart)."""
        from cxstats.presentation import charts

        return getattr(charts, self._chart)(self, **options)
