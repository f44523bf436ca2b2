"""The catalogue loader: tidy table, lookup by id, filters, intervals."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxstats import _resources, catalogue


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
    part = producer[1:5].upper()
    by_producer = catalogue.table(producer=part)
    assert set(by_producer["producer"]) == {p for p in t["producer"] if part.lower() in p.lower()}
    assert len(by_producer) == sum(part.lower() in p.lower() for p in t["producer"])
    for ptype in set(t["producer_type"]):
        sub = catalogue.table(producer_type=ptype)
        assert len(sub) == (t["producer_type"] == ptype).sum() and set(sub["producer_type"]) == {ptype}
    wom = catalogue.table(topic="word-of-mouth")
    assert all("word-of-mouth" in x.split("; ") for x in wom["topics"])


def test_every_interval_is_statsmodels_wilson_on_its_basis():
    t = catalogue.table()
    for row in t.itertuples():
        if row.kind == "proportion" and row.n_basis in ("stated", "whole-sample"):
            n = int(row.n) if row.n_basis == "stated" else int(row.sample_size)
            k = int(row.count) if not pd.isna(row.count) else round(row.value / 100 * n)
            lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
            assert math.isclose(row.ci_low, lo * 100) and math.isclose(row.ci_high, hi * 100)
            assert row.ci_n == n and row.confidence == 0.95
            assert 0 <= row.ci_low <= row.value <= row.ci_high <= 100
        else:
            assert pd.isna(row.ci_low) and pd.isna(row.ci_high) and row.ci_basis is None, row.id
    assert t["ci_low"].notna().sum() >= 1


def test_records_with_n_have_a_stated_basis():
    for s in catalogue.statistics():
        assert (s.n is not None) == (s.n_basis == "stated"), s.id


def test_whole_sample_basis_uses_the_reports_sample_size(whole_sample_copy):
    import yaml

    root, path, doc, stat = whole_sample_copy
    stat["n_basis"] = "whole-sample"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    s = catalogue.get(stat["id"], root=root)
    assert s.ci_n == 2049 and s.ci_basis == "if all 2,049 respondents answered"
    lo, hi = proportion_confint(round(stat["value"] / 100 * 2049), 2049, alpha=0.05,
                                method="wilson")
    assert (s.ci_low, s.ci_high) == pytest.approx((100 * lo, 100 * hi), rel=1e-12)
    row = catalogue.table(root=root).set_index("id").loc[stat["id"]]
    assert row["ci_basis"] == "if all 2,049 respondents answered" and row["ci_n"] == 2049


@pytest.mark.parametrize(("change", "message"), [
    ({"n_basis": "whole-sample", "kind": "mean", "unit": "people"}, "only for proportions"),
    ({"n_basis": "stated"}, "n_basis is 'stated' but n is not given"),
    ({"n_basis": "all"}, "'all' is not one of"),
])
def test_bad_basis_is_a_validation_error(whole_sample_copy, change, message):
    import yaml

    from cxstats.catalogue.validation import validate

    root, path, doc, stat = whole_sample_copy
    stat.update(change)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert any(message in p.message for p in validate(root)), validate(root)


def test_the_schema_is_the_one_definition():
    import dataclasses
    import json


    schema = json.loads(_resources.schema_path().read_text(encoding="utf-8"))
    item = schema["properties"]["statistics"]["items"]["properties"]
    origin = schema["properties"]["origin"]["properties"]
    stat_fields = [f.name for f in dataclasses.fields(catalogue.Statistic)]
    assert stat_fields == [*item, "origin"]
    flat = [*(k for k in origin if k != "methodology"),
            *origin["methodology"]["properties"]]
    assert sorted(f.name for f in dataclasses.fields(catalogue.Origin)) == sorted([*flat, "file"])
    seed_item = item["seeds"]["items"]["properties"]
    assert [f.name for f in dataclasses.fields(catalogue.Seed)] == list(seed_item)
    assert tuple(item["status"]["enum"]) == catalogue.STATUSES
    assert tuple(item["topics"]["items"]["enum"]) == catalogue.TOPICS
    assert tuple(origin["producer_type"]["enum"]) == catalogue.PRODUCER_TYPES
    lists = {k for k, v in item.items()
             if v.get("type") == "array" and v["items"].get("type") == "object"}
    for name in item:
        if name in lists or name == "evidence":
            assert f"n_{name}" in catalogue.COLUMNS
        else:
            assert name in catalogue.COLUMNS
    assert not hasattr(catalogue.Statistic, "proportion")


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

    lines = (_resources.catalogue_dir() / "ids.txt").read_text(encoding="utf-8").splitlines()
    published = {x for x in lines if x and not x.startswith("#")}
    current = set(catalogue.table()["id"])
    assert published - current == set(), "published ids disappeared (retract, never delete)"
    assert current - published == set(), "new ids: add them to data/catalogue/ids.txt"


def test_stored_intervals_are_statsmodels_and_current(capsys, script):
    stored = catalogue.stored_intervals()
    assert stored, "data/wilson_intervals.tsv is missing"
    for (k, n, conf), (lo, hi) in stored.items():
        ref = proportion_confint(k, n, alpha=1 - conf, method="wilson")
        assert (lo, hi) == (float(ref[0]) * 100, float(ref[1]) * 100)
    assert script("make_intervals").main(["--check"]) == 0, (
        "run `python scripts/make_intervals.py`:\n" + capsys.readouterr().err)


def test_an_interval_not_stored_is_computed():
    assert (7, 9, 0.95) not in catalogue.stored_intervals()
    lo, hi = catalogue.wilson_interval(100 * 7 / 9, 9)
    ref = proportion_confint(7, 9, alpha=0.05, method="wilson")
    assert (lo, hi) == pytest.approx((100 * ref[0], 100 * ref[1]), rel=1e-12)


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), [
    ((50, 0), {}, ValueError, "n must be at least 1"),
    ((150, 10), {}, ValueError, "value_percent must be between 0 and 100"),
    ((50, 10, 11), {}, ValueError, "count must be between 0 and n = 10"),
    ((50, 10.0), {}, TypeError, "n must be an int"),
    ((50, 10), {"confidence": 1.5}, ValueError, "confidence must be strictly between"),
])
def test_wilson_interval_rejects_bad_input(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        catalogue.wilson_interval(*args, **kwargs)


def test_interval_at_another_confidence_is_statsmodels():
    s = next(x for x in catalogue.statistics() if x.ci_n is not None)
    lo, hi = s.interval(confidence=0.9)
    k = s.count if s.count is not None else round(s.value / 100 * s.ci_n)
    ref = proportion_confint(k, s.ci_n, alpha=0.1, method="wilson")
    assert (lo, hi) == pytest.approx((100 * ref[0], 100 * ref[1]), rel=1e-12)
    assert s.ci_low < lo < hi < s.ci_high  # a 90% interval lies inside the 95% one


def test_every_proportion_has_one_basis_row_that_agrees_with_its_record():
    # data/catalogue/n_basis.tsv gives, for every proportion, the base of its interval and why;
    # a row per proportion, no row for anything else, and the same basis as the record.

    lines = (_resources.catalogue_dir() / "n_basis.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["id", "n_basis", "why"]
    rows = [line.split("\t") for line in lines[1:] if line]
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate rows in n_basis.tsv"
    assert all(len(r) == 3 and r[2].strip() for r in rows), "every row needs a reason"
    t = catalogue.table().set_index("id")
    proportions = set(t.index[t["kind"] == "proportion"])
    assert set(ids) == proportions
    for sid, basis, _ in rows:
        recorded = t.loc[sid, "n_basis"]
        assert basis == (recorded if isinstance(recorded, str) else "none"), sid
