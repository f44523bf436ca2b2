"""The catalogue loader: tidy table, lookup by id, filters, intervals."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxstats import catalogue


def test_table_has_fixed_columns_and_one_row_per_statistic():
    t = catalogue.table()
    assert tuple(t.columns) == catalogue.COLUMNS
    assert t["id"].is_unique
    assert len(t) == len(catalogue.statistics())
    assert len(t) >= 4


def test_table_returns_a_fresh_frame_each_time():
    a = catalogue.table()
    a.loc[:, "value"] = -1.0
    b = catalogue.table()
    assert (b["value"].dropna() >= 0).all()


def test_get_returns_frozen_statistic_with_origin():
    s = catalogue.get("hbr-2010-negative-told-10-plus")
    assert s.value == 48
    assert s.unit == "percent"
    assert s.origin.bib_key == "dixon2010stop"
    assert s.origin.published_year == 2010
    with pytest.raises(AttributeError):
        s.value = 50  # type: ignore[misc]


def test_get_unknown_id_suggests_close_ids():
    with pytest.raises(KeyError, match="did you mean"):
        catalogue.get("hbr-2010-negative-told-10-plu")


def test_get_wrong_type():
    with pytest.raises(TypeError, match="statistic_id must be a str"):
        catalogue.get(48)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"status": "maybe"}, "status must be one of"), ({"topic": "nope"}, "topic must be one of")],
)
def test_filters_reject_unknown_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        catalogue.table(**kwargs)


def test_filters_select_matching_rows():
    t = catalogue.table()
    for status in t["status"].unique():
        sub = catalogue.table(status=status)
        assert len(sub) == (t["status"] == status).sum()
        assert set(sub["status"]) == {status}
    ripple = catalogue.table(seed="003_2f54bbb8ae0e7415.txt")
    assert set(ripple["id"]) == {
        "hbr-2010-wom-positive-likelihood", "hbr-2010-wom-negative-likelihood",
        "hbr-2010-positive-told-10-plus", "hbr-2010-negative-told-10-plus",
    }
    producer = t["producer"].iloc[0]
    by_producer = catalogue.table(producer=producer.upper())
    assert set(by_producer["producer"]) == {producer}
    wom = catalogue.table(topic="word-of-mouth")
    assert all("word-of-mouth" in x.split("; ") for x in wom["topics"])


def test_wilson_interval_matches_statsmodels_for_every_proportion_with_n():
    t = catalogue.table()
    with_n = t[(t["kind"] == "proportion") & t["n"].notna()]
    for row in with_n.itertuples():
        k = row.count if not pd.isna(row.count) else round(row.value / 100 * row.n)
        lo, hi = proportion_confint(int(k), int(row.n), alpha=0.05, method="wilson")
        assert math.isclose(row.ci_low, lo * 100) and math.isclose(row.ci_high, hi * 100)
    without = t[t["n"].isna()]
    assert without["ci_low"].isna().all()


def test_wilson_interval_hand_arithmetic():
    # 50 of 100, z = 1.959964: centre 0.5, half-width z*sqrt(.25/100 + z^2/40000)/(1 + z^2/100)
    z = 1.959963984540054
    half = z * math.sqrt(0.25 / 100 + z * z / 40000) / (1 + z * z / 100)
    lo, hi = catalogue.wilson_interval(50, 100)
    assert math.isclose(lo, (0.5 - half) * 100, rel_tol=1e-9)
    assert math.isclose(hi, (0.5 + half) * 100, rel_tol=1e-9)


def test_proportions_lie_in_0_100_and_ids_are_slugs():
    t = catalogue.table()
    p = t[t["unit"] == "percent"]["value"]
    assert ((p >= 0) & (p <= 100)).all()
    assert t["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_n_only_with_evidence_that_shows_it():
    for s in catalogue.statistics():
        if s.n is None:
            continue
        digits = {f"{s.n}", f"{s.n:,}"}
        assert s.evidence, s.id
        assert any(d in e.quote for e in s.evidence for d in digits), s.id


def test_side_tables_share_ids():
    ids = set(catalogue.table()["id"])
    for frame in (catalogue.seeds(), catalogue.discrepancies(), catalogue.evidence()):
        assert set(frame["statistic_id"]) <= ids
    o = catalogue.origins()
    assert o["bib_key"].is_unique
    assert set(catalogue.table()["bib_key"]) == set(o["bib_key"])


def test_ids_are_stable():
    from cxstats import _resources

    lines = (_resources.catalogue_dir() / "ids.txt").read_text(encoding="utf-8").splitlines()
    published = {x for x in lines if x and not x.startswith("#")}
    current = set(catalogue.table()["id"])
    assert published - current == set(), "published ids disappeared (retract, never delete)"
    assert current - published == set(), "new ids: add them to data/catalogue/ids.txt"
