"""forgiveness_rate, sample_size_for_difference, power_for_difference.

Reference numbers come from statsmodels called here directly, or from counts made by hand in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy.stats import fisher_exact
from statsmodels.stats import proportion as smp
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
)

from cxstats import datasets
from cxstats.analyses import forgiveness_rate, power_for_difference, sample_size_for_difference


def make_tickets(cells: list[tuple[str, str | None, int]], **extra: list) -> pd.DataFrame:
    """A ticket table with ``count`` rows per (sentiment, csat) cell."""
    sent = np.repeat([c[0] for c in cells], [c[2] for c in cells]).astype(object)
    csat = np.repeat(np.array([c[1] for c in cells], dtype=object), [c[2] for c in cells])
    return pd.DataFrame({"sentiment": sent, "csat": csat, **extra})


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return datasets.load_tickets()


# 12 negative tickets (3 bad), 20 neutral (2 bad), 30 positive (3 bad), plus 5 unrated negatives
CELLS = [("negative", "bad", 3), ("negative", "good", 9), ("negative", None, 5),
         ("neutral", "bad", 2), ("neutral", "good", 18),
         ("positive", "bad", 3), ("positive", "good", 27)]


def test_rates_by_sentiment_match_hand_counts_and_wilson() -> None:
    res = forgiveness_rate(make_tickets(CELLS))
    by = res.by_sentiment
    assert by["initial_sentiment"].tolist() == ["negative", "neutral", "positive"]
    assert by["n"].tolist() == [12, 20, 30]
    assert by["bad"].tolist() == [3, 2, 3]
    assert by["bad_rate"].tolist() == pytest.approx([3 / 12, 2 / 20, 3 / 30])
    low, high = proportion_confint([3, 2, 3], [12, 20, 30], alpha=0.05, method="wilson")
    assert by["bad_rate_low"].to_numpy() == pytest.approx(low)
    assert by["bad_rate_high"].to_numpy() == pytest.approx(high)
    assert res.n_tickets == 67 and res.n_excluded == 5


def test_contrast_matches_statsmodels() -> None:
    res = forgiveness_rate(make_tickets(CELLS), confidence=0.9)
    row = res.contrast.iloc[0]
    # negative: 3 bad of 12; others (neutral + positive): 5 bad of 50
    assert (row.n_negative, row.bad_negative, row.n_other, row.bad_other) == (12, 3, 50, 5)
    assert row.extra_bad_per_1000 == pytest.approx(1000 * (3 / 12 - 5 / 50))
    low, high = confint_proportions_2indep(3, 12, 5, 50, method="newcomb", compare="diff",
                                           alpha=0.1)
    assert row.extra_bad_per_1000_low == pytest.approx(1000 * low)
    assert row.extra_bad_per_1000_high == pytest.approx(1000 * high)
    # 12 x 8 / 62 = 1.5 expected bad negatives (< 5): Fisher's exact test, not the score test
    assert row.test == "fisher-exact"
    assert row.p_value == pytest.approx(fisher_exact([[3, 9], [5, 45]]).pvalue)
    assert row.forgiveness_rate == pytest.approx(9 / 12)
    f_low, f_high = proportion_confint(9, 12, alpha=0.1, method="wilson")
    assert (row.forgiveness_rate_low, row.forgiveness_rate_high) == pytest.approx((f_low, f_high))


def test_one_sided_alternative() -> None:
    res = forgiveness_rate(make_tickets(CELLS), alternative="larger")
    row = res.contrast.iloc[0]
    assert row.p_value == pytest.approx(fisher_exact([[3, 9], [5, 45]],
                                                     alternative="greater").pvalue)
    low, _ = confint_proportions_2indep(3, 12, 5, 50, method="newcomb", compare="diff",
                                        alpha=0.10)
    assert row.extra_bad_per_1000_low == pytest.approx(1000 * low)
    assert row.extra_bad_per_1000_high == 1000.0
    smaller = forgiveness_rate(make_tickets(CELLS), alternative="smaller").contrast.iloc[0]
    assert smaller.extra_bad_per_1000_low == -1000.0
    assert smaller.p_value == pytest.approx(fisher_exact([[3, 9], [5, 45]],
                                                         alternative="less").pvalue)


def test_score_test_with_large_counts() -> None:
    cells = [("negative", "bad", 30), ("negative", "good", 90), ("positive", "bad", 50),
             ("positive", "good", 450)]
    for alternative in ("two-sided", "larger", "smaller"):
        row = forgiveness_rate(make_tickets(cells), alternative=alternative).contrast.iloc[0]
        p = smp.test_proportions_2indep(30, 120, 50, 500, method="score", compare="diff",
                                        alternative=alternative).pvalue
        assert row.test == "score" and row.p_value == pytest.approx(p)


def test_zendesk_illustration_arithmetic() -> None:
    """40,000 tickets, 20 extra bad CSAT per 1,000 (split and base rates ASSUMED, as in the doc)."""
    cells = [("negative", "bad", 1_200), ("negative", "good", 8_800),
             ("positive", "bad", 3_000), ("positive", "good", 27_000)]
    res = forgiveness_rate(make_tickets(cells))
    row = res.contrast.iloc[0]
    assert res.n_tickets == 40_000
    assert row.extra_bad_per_1000 == pytest.approx(1000 * (1_200 / 10_000 - 3_000 / 30_000))
    assert row.extra_bad_per_1000 == pytest.approx(20.0)
    assert row.forgiveness_rate == pytest.approx(0.88)


def test_by_groups_equal_separate_runs(tickets: pd.DataFrame) -> None:
    res = forgiveness_rate(tickets, by=["channel"])
    assert res.contrast["channel"].tolist() == sorted(tickets["channel"].unique())
    for channel, part in tickets.groupby("channel"):
        alone = forgiveness_rate(part)
        got = res.contrast.loc[res.contrast["channel"] == channel].drop(columns="channel")
        assert_frame_equal(got.reset_index(drop=True), alone.contrast)


def test_labels_and_rating_threshold_agree(tickets: pd.DataFrame) -> None:
    by_label = forgiveness_rate(tickets)
    by_rating = forgiveness_rate(tickets, csat="csat_rating", csat_threshold=4)
    assert_frame_equal(by_label.contrast, by_rating.contrast)
    # the score cut at -0.3 reproduces the 'negative' label (README of the data set)
    by_score = forgiveness_rate(tickets, sentiment="sentiment_score", sentiment_threshold=-0.3)
    assert by_score.by_sentiment["initial_sentiment"].tolist() == ["negative", "not_negative"]
    cols = ["n_negative", "bad_negative", "n_other", "bad_other", "extra_bad_per_1000"]
    assert_frame_equal(by_score.contrast[cols], by_label.contrast[cols])


def test_excluded_counts_unrated(tickets: pd.DataFrame) -> None:
    res = forgiveness_rate(tickets)
    assert res.n_excluded == int(tickets["csat"].isna().sum())
    assert int(res.by_sentiment["n"].sum()) == int(tickets["csat"].notna().sum())


def test_boolean_csat_true_is_good() -> None:
    frame = make_tickets(CELLS).dropna()
    frame["csat"] = frame["csat"] == "good"
    row = forgiveness_rate(frame).contrast.iloc[0]
    assert (row.bad_negative, row.n_negative) == (3, 12)


@pytest.mark.parametrize("csat", ["good", "bad"])
def test_two_identical_groups_at_0_or_100_percent_give_p_1(csat: str) -> None:
    """Regression (issue 13): two identical 0% (or 100%) groups gave p = 0.787 from the
    Agresti-Caffo fallback; nothing differs, and the exact test gives p = 1."""
    cells = [("negative", csat, 10), ("positive", csat, 20)]
    row = forgiveness_rate(make_tickets(cells)).contrast.iloc[0]
    assert row.extra_bad_per_1000 == 0.0
    assert row.test == "fisher-exact" and row.p_value == 1.0
    assert not res_has_nan(forgiveness_rate(make_tickets(cells)).contrast)


def res_has_nan(frame: pd.DataFrame) -> bool:
    return bool(frame.select_dtypes("number").isna().any().any())


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"sentiment": "mood"}, ValueError, r"sentiment='mood' is not a column of tickets"),
    ({"csat": "rating"}, ValueError, r"csat='rating' is not a column"),
    ({"by": "team"}, ValueError, r"by='team' is not a column"),
    ({"by": 3}, TypeError, "by must be None"),
    ({"confidence": 0}, ValueError, "confidence must be strictly between 0 and 1"),
    ({"confidence": 1.0}, ValueError, "confidence must be strictly between 0 and 1"),
    ({"confidence": float("nan")}, ValueError, "confidence must be strictly between 0 and 1"),
    ({"confidence": "0.95"}, TypeError, "confidence must be a number"),
    ({"confidence": True}, TypeError, "confidence must be a number"),
    ({"alternative": "greater"}, ValueError, r"alternative must be one of \('two-sided'"),
    ({"alternative": "larger", "confidence": 0.4}, ValueError, "above 0.5"),
    ({"negative": "angry"}, ValueError, "negative='angry' must be one of sentiment_labels"),
    ({"good": "bad"}, ValueError, "bad and good must differ"),
    ({"sentiment_labels": "negative"}, TypeError, "sentiment_labels must be a sequence"),
    ({"sentiment_threshold": 0.0}, TypeError, "sentiment_threshold applies to a numeric"),
    ({"csat_threshold": 4}, TypeError, "csat_threshold applies to a numeric csat"),
    ({"csat": "sentiment"}, ValueError, "must be different columns"),
])
def test_bad_options(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        forgiveness_rate(make_tickets(CELLS), **kwargs)


def test_label_outside_allowed_set() -> None:
    frame = make_tickets([*CELLS, ("furious", "bad", 2)])
    with pytest.raises(ValueError, match=r"sentiment_labels=.*found \['furious'\]"):
        forgiveness_rate(frame)
    frame = make_tickets([*CELLS, ("negative", "meh", 1)])
    with pytest.raises(ValueError, match=r"csat='csat' has values outside .*'bad' or 'good'.*meh"):
        forgiveness_rate(frame)


def test_wrong_dtypes(tickets: pd.DataFrame) -> None:
    frame = make_tickets(CELLS)
    frame["flag"] = True
    frame["when"] = pd.Timestamp("2024-01-01")
    with pytest.raises(TypeError, match="sentiment='flag' must hold labels"):
        forgiveness_rate(frame, sentiment="flag")
    with pytest.raises(TypeError, match="csat='when' must hold labels"):
        forgiveness_rate(frame, csat="when")
    with pytest.raises(TypeError, match="pass sentiment_threshold"):
        forgiveness_rate(tickets, sentiment="sentiment_score")
    with pytest.raises(ValueError, match=r"0 or 1 \(or pass csat_threshold"):
        forgiveness_rate(tickets, csat="csat_rating")


def test_empty_frame() -> None:
    with pytest.raises(ValueError, match="tickets is empty"):
        forgiveness_rate(make_tickets(CELLS).iloc[:0])


def test_all_missing_outcome() -> None:
    frame = make_tickets([("negative", None, 3), ("positive", None, 4)])
    with pytest.raises(ValueError, match="no ticket has both a sentiment and a CSAT"):
        forgiveness_rate(frame)


def test_group_with_n_zero() -> None:
    frame = make_tickets([*CELLS, ("neutral", None, 0)])
    frame["topic"] = ["a"] * len(frame)
    frame.loc[frame.index[-4:], "topic"] = "b"  # group b: only positive tickets
    with pytest.raises(ValueError, match=r"group topic='b' has no rated tickets with negative"):
        forgiveness_rate(frame, by="topic")
    unrated = make_tickets([*CELLS[:-2], ("positive", None, 4)])
    with pytest.raises(ValueError, match=r"initial_sentiment='positive' has 4 ticket\(s\) but "
                                         r"none with a 'csat' outcome \(n = 0\)"):
        forgiveness_rate(unrated)


def test_missing_values_in_by_column() -> None:
    frame = make_tickets(CELLS)
    frame["topic"] = None
    frame.loc[frame.index[:30], "topic"] = "a"
    with pytest.raises(ValueError, match="by column 'topic' has missing values"):
        forgiveness_rate(frame, by="topic")


# ---------------------------------------------------------------- power
def test_sample_size_matches_statsmodels() -> None:
    out = sample_size_for_difference(0.10, [0.02, -0.03], power=0.9, alpha=0.01, ratio=2.5)
    for row in out.itertuples():
        h = proportion_effectsize(0.10 + row.difference, 0.10)
        n1 = NormalIndPower().solve_power(effect_size=h, alpha=0.01, power=0.9, ratio=2.5,
                                          alternative="two-sided")
        assert row.n_comparison == math.ceil(n1)
        assert row.n_baseline == math.ceil(n1 * 2.5)
        assert row.n_total == row.n_comparison + row.n_baseline
    assert out["p_comparison"].tolist() == pytest.approx([0.12, 0.07])


def test_power_matches_statsmodels_and_sample_size() -> None:
    out = power_for_difference(0.10, 0.02, n_comparison=10_000, n_baseline=30_000,
                               alternative="larger")
    h = proportion_effectsize(0.12, 0.10)
    expected = NormalIndPower().power(effect_size=h, nobs1=10_000, alpha=0.05, ratio=3.0,
                                      alternative="larger")
    assert out.loc[0, "power"] == pytest.approx(expected)
    # round trip: at the sample size for 80% power, the power is (just above) 80%
    n = sample_size_for_difference(0.2, 0.05)
    pw = power_for_difference(0.2, 0.05, n_comparison=int(n.loc[0, "n_comparison"]),
                              n_baseline=int(n.loc[0, "n_baseline"]))
    assert 0.8 <= pw.loc[0, "power"] < 0.81


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: sample_size_for_difference(0.0, 0.02), ValueError, "p_baseline must be strictly"),
    (lambda: sample_size_for_difference(0.95, 0.1), ValueError, "p_baseline \\+ difference"),
    (lambda: sample_size_for_difference(0.1, 0.0), ValueError, "difference must be non-zero"),
    (lambda: sample_size_for_difference(0.1, "x"), TypeError, "difference must be a number"),
    (lambda: sample_size_for_difference(0.1, []), ValueError, "non-empty"),
    (lambda: sample_size_for_difference(0.1, 0.02, power=1), ValueError, "power must be"),
    (lambda: sample_size_for_difference(0.1, 0.02, ratio=0), ValueError, "ratio must be"),
    (lambda: sample_size_for_difference(0.1, -0.02, alternative="larger"), ValueError,
     "needs a positive difference"),
    (lambda: power_for_difference(0.1, 0.02, n_comparison=0, n_baseline=5), ValueError,
     "n_comparison must be a positive integer"),
    (lambda: power_for_difference(0.1, 0.02, n_comparison=5, n_baseline=2.5), ValueError,
     "n_baseline must be a positive integer"),
    (lambda: power_for_difference(0.1, 0.02, n_comparison=5, n_baseline=5, alpha=2), ValueError,
     "alpha must be"),
])
def test_power_bad_input(call, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_csat_01_codes_read_like_booleans_one_is_good() -> None:
    """Regression: an integer 0/1 CSAT column used to count 1 as *bad*, the opposite of the
    boolean convention (True = good) and of ``csat_threshold=1``; every rate came out inverted."""
    frame = make_tickets([c for c in CELLS if c[1] is not None])
    codes = frame.assign(csat=(frame["csat"] == "good").astype("int64"))
    res = forgiveness_rate(codes)
    # hand counts from CELLS: bad (code 0) = 3 of 12, 2 of 20, 3 of 30
    assert res.by_sentiment["bad"].tolist() == [3, 2, 3]
    assert res.by_sentiment["n"].tolist() == [12, 20, 30]
    assert float(res.contrast.loc[0, "forgiveness_rate"]) == pytest.approx(9 / 12)
    as_bool = forgiveness_rate(codes.assign(csat=codes["csat"].astype(bool)))
    cut = forgiveness_rate(codes, csat_threshold=1)
    assert_frame_equal(res.contrast, as_bool.contrast)
    assert_frame_equal(res.contrast, cut.contrast)
    with pytest.raises(ValueError, match="csat"):
        forgiveness_rate(codes.assign(csat=codes["csat"] + 1))


def test_csat_labels_in_any_case() -> None:
    ref = forgiveness_rate(make_tickets(CELLS))
    cells = [(s, None if c is None else f" {c.upper()}", k) for s, c, k in CELLS]
    assert_frame_equal(forgiveness_rate(make_tickets(cells)).contrast, ref.contrast)


def test_sample_size_for_a_very_large_effect() -> None:
    """Found by the property test: statsmodels' solver fails for an effect this large (the size
    needed is below its search range); the smallest whole size with enough power is returned."""
    out = sample_size_for_difference(0.0625, 0.875, power=0.5)
    h = proportion_effectsize(0.9375, 0.0625)
    n = int(out.loc[0, "n_comparison"])
    power = [NormalIndPower().power(effect_size=h, nobs1=k, alpha=0.05, ratio=1.0) for k in (n - 1, n)]
    assert power[0] < 0.5 <= power[1]
