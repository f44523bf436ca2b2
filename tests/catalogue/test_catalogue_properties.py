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


def test_cite_text_states_the_value_once_and_apa_has_a_period_after_the_author():
    from cxstats import catalogue
    from cxstats.catalogue import fmt_value

    for s in catalogue.statistics():
        head = cite(s.id, style="text").split(" Source: ")[0]
        if s.value is not None:
            value = fmt_value(s.value, s.unit)
            # Either the claim alone (it gives the value) or the value once, then the claim.
            assert head in (s.claim.strip(), f"{value}: {s.claim.strip()}"), head
            assert not (head.startswith(value + ":") and value in s.claim), head
        apa = cite(s.id, style="apa")
        year = s.origin.date_published[:4] if s.origin.date_published else "n.d."
        assert f". ({year})." in apa, apa
    # Hand check: a group author gets its own period; the claim's "25%" is not repeated.
    assert cite("hbr-2010-wom-positive-likelihood", style="text").startswith("25% of customers")
    assert cite("american-express-2014-always-tell-good-46", style="apa").startswith(
        "American Express. (2014). ")
