"""Presentation: charts, HTML tables and text escaping for the book, notebooks and the CLI.

This room imports the domains (:mod:`cxstats.catalogue`, :mod:`cxstats.analyses`,
:mod:`cxstats.models`); none of them imports it.

* :mod:`cxstats.presentation.charts`: Altair charts rendered offline with a bundled Vega;
* :mod:`cxstats.presentation.display`: sortable, searchable HTML tables;
* :mod:`cxstats.presentation.text`: escaping for terminals, Markdown and MyST, values with units.
"""
