"""Benchmark of ``cxstats check`` (cxstats.catalogue.check).

* ``check_index_seconds``: fitting the character n-gram TF-IDF index on the packaged catalogue
  (done once per set of records, then cached), best of 3.
* ``check_page_seconds``: checking one page, every seed quote and claim of the packaged catalogue
  joined into one text of ``check_page_characters`` characters, with the index cached, best of 3.
"""

from __future__ import annotations

from _timing import best_of


def run() -> dict[str, float]:
    from cxstats import catalogue
    from cxstats.catalogue import check as module

    records = catalogue.statistics()
    text = "\n".join([x.quote for s in records for x in s.seeds] + [s.claim for s in records])
    module.check(text)  # warm-up: loads scikit-learn and pandas, fits and caches the index
    index_seconds = best_of(lambda: module._build_index(records))
    page_seconds = best_of(lambda: module.check(text))
    return {"check_index_seconds": index_seconds, "check_page_seconds": page_seconds,
            "check_page_characters": float(len(text))}
