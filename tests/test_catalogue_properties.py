"""Property-based checks of the catalogue API: bad arguments raise ValueError/TypeError only."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxstats import catalogue, cite
from cxstats.presentation.text import escape_markdown, escape_terminal

anything = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                     st.lists(st.text(max_size=3), max_size=2), st.booleans())


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(producer=anything, producer_type=anything, topic=anything, seed=anything, status=anything)
def test_table_filters_raise_only_clear_errors(producer, producer_type, topic, seed, status):
    try:
        t = catalogue.table(producer=producer, producer_type=producer_type, topic=topic, seed=seed,
                            status=status)
    except (ValueError, TypeError) as exc:
        assert any(name in str(exc)
                   for name in ("producer", "producer_type", "topic", "seed", "status"))
    else:
        assert tuple(t.columns) == catalogue.COLUMNS
        if isinstance(producer, str):
            assert all(producer.casefold() in p.casefold() for p in t["producer"])


@settings(max_examples=40, deadline=None)
@given(sid=anything, style=anything)
def test_get_and_cite_raise_only_clear_errors(sid, style):
    with pytest.raises((KeyError, TypeError, ValueError)):
        catalogue.get(sid)
    try:
        cite("hbr-2010-negative-told-10-plus", style=style)
    except ValueError as exc:
        assert "style must be one of" in str(exc)


@given(st.text())
def test_escaping_leaves_no_control_or_markup_characters(text):
    out = escape_terminal(text)
    unsafe = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    assert all(ch in "\n\t\u200d" or unicodedata.category(ch) not in unsafe for ch in out)
    md = escape_markdown(text)
    assert "\n" not in md
    for ch in "<>*_`[]|":
        assert md.count(ch) == md.count("\\" + ch)
