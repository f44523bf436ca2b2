"""Word of mouth: reach ratio and share telling 10+, from survey responses and the catalogue."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cxstats import catalogue
from cxstats.models.word_of_mouth import (
    COLUMNS,
    catalogue_word_of_mouth,
    share_telling,
    word_of_mouth,
)

NEG = [0, 2, 10, 12, 20, 4, 15, 1, 10, 6]   # mean 8.0, five tell 10+
POS = [1, 2, 3, 0, 4, 2, 3, 1, 2, 2]        # mean 2.0, none tells 10+


def test_survey_table_by_hand():
    t = word_of_mouth(NEG, POS, n_resamples=999).set_index("quantity")
    assert list(t.reset_index().columns) == COLUMNS
    assert t.loc["reach_ratio", "estimate"] == pytest.approx(8.0 / 2.0)
    assert t.loc["mean_told_negative", "estimate"] == pytest.approx(8.0)
    assert t.loc["share_told_10_plus_negative", "estimate"] == pytest.approx(0.5)
    assert t.loc["share_told_10_plus_positive", "estimate"] == 0
    lo, hi = proportion_confint(5, 10, method="wilson")
    assert t.loc["share_told_10_plus_negative", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [lo, hi])
    # t interval of the mean, by hand
    x = np.array(NEG, float)
    half = stats.t.ppf(0.975, 9) * x.std(ddof=1) / np.sqrt(10)
    assert t.loc["mean_told_negative", "ci_low"] == pytest.approx(8.0 - half)
    assert t.loc["reach_ratio", "ci_low"] < 4.0 < t.loc["reach_ratio", "ci_high"]


def test_bootstrap_matches_scipy_directly_and_is_seeded():
    t = word_of_mouth(NEG, POS, n_resamples=2000, method="percentile", seed=5)
    ref = stats.bootstrap((np.array(NEG, float), np.array(POS, float)),
                          lambda x, y, axis=-1: x.mean(axis=axis) / y.mean(axis=axis),
                          paired=False, vectorized=True, n_resamples=2000, method="percentile",
                          rng=np.random.default_rng(5))
    row = t.set_index("quantity").loc["reach_ratio"]
    assert row["ci_low"] == pytest.approx(ref.confidence_interval.low)
    assert row["ci_high"] == pytest.approx(ref.confidence_interval.high)
    again = word_of_mouth(NEG, POS, n_resamples=2000, method="percentile", seed=5)
    assert again.equals(t)


def test_threshold_parameter():
    assert share_telling([0, 5, 6, 9], threshold=5)[0] == 0.75
    t = word_of_mouth(NEG, POS, threshold=3, n_resamples=999)
    assert "share_told_3_plus_positive" in set(t["quantity"])


def test_catalogue_values_and_base_note():
    t = catalogue_word_of_mouth().set_index("quantity")
    bad = catalogue.get("american-express-2014-bad-told-avg-21").value
    good = catalogue.get("american-express-2014-good-told-avg-8").value
    assert t.loc["reach_ratio", "estimate"] == pytest.approx(bad / good)
    assert t.loc["share_told_10_plus_negative", "estimate"] == pytest.approx(
        catalogue.get("hbr-2010-negative-told-10-plus").value / 100)
    # the HBR shares come from different bases: the note says so
    assert "different bases" in t.loc["share_told_10_plus_positive", "note"]
    assert np.isnan(t.loc["reach_ratio", "ci_low"])
    assert "no interval" in t.loc["reach_ratio", "note"]
    assert (t["source"] == "catalogue").all()


def test_catalogue_same_base_has_no_base_note():
    t = catalogue_word_of_mouth(share_negative="hbr-2010-negative-told-10-plus",
                                share_positive="hbr-2010-negative-told-10-plus")
    assert "different bases" not in t.set_index("quantity").loc[
        "share_told_10_plus_negative", "note"]


@pytest.mark.parametrize(("args", "kwargs", "exc", "match"), [
    (([1, -2, 3], POS), {}, ValueError, "negative must be >= 0"),
    ((NEG, [0, 0, 0]), {}, ValueError, "reach ratio is undefined"),
    (("abc", POS), {}, TypeError, "sequence of people-told counts"),
    (([1.0, np.nan], POS), {}, ValueError, "missing values"),
    (([1], POS), {}, ValueError, "at least 2 respondents"),
    ((NEG, POS), {"confidence": 1.5}, ValueError, "confidence"),
    ((NEG, POS), {"n_resamples": 0}, ValueError, "n_resamples"),
    ((NEG, POS), {"method": "bca"}, ValueError, "method must be one of"),
    (([True, False], POS), {}, TypeError, "must hold numbers"),
])
def test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        word_of_mouth(*args, **kwargs)


def test_catalogue_wrong_kind():
    with pytest.raises(ValueError, match="must be a proportion"):
        catalogue_word_of_mouth(share_negative="american-express-2014-bad-told-avg-21")
    with pytest.raises(ValueError, match="mean number of people told"):
        catalogue_word_of_mouth(told_negative="hbr-2010-negative-told-10-plus")


def test_input_not_mutated():
    neg, pos = list(NEG), np.array(POS)
    word_of_mouth(neg, pos, n_resamples=99)
    assert neg == NEG and pos.tolist() == POS


@pytest.mark.parametrize(("negative", "positive", "method"), [
    ([5, 5, 5], [2, 2, 2], "BCa"),          # every resample gives 2.5: BCa is 0/0
    ([0, 2, 10], [0, 0, 1], "BCa"),         # resamples of positive with mean 0: ratio inf/nan
    ([0, 2, 10], [0, 0, 1], "percentile"),  # ... the upper percentile is inf
])
def test_degenerate_bootstrap_raises_instead_of_nan_interval(negative, positive, method):
    """Regression: these used to return ci_low = ci_high = NaN (or inf) with only a warning."""
    # scipy directly gives a non-finite interval here, the reason for the error:
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = stats.bootstrap((np.array(negative, float), np.array(positive, float)),
                               lambda x, y, axis=-1: np.mean(x, axis) / np.mean(y, axis),
                               paired=False, n_resamples=999, method=method,
                               rng=np.random.default_rng(0))
    assert not np.isfinite([boot.confidence_interval.low, boot.confidence_interval.high]).all()
    with pytest.raises(ValueError, match="bootstrap interval of the reach ratio"):
        word_of_mouth(negative, positive, n_resamples=999, method=method)


@pytest.mark.parametrize("threshold", [float("nan"), float("inf")])
def test_non_finite_threshold_rejected(threshold):
    """Regression: threshold=nan counted nobody (share 0) instead of raising."""
    with pytest.raises(ValueError, match="threshold"):
        share_telling([0, 10, 12, 3], threshold=threshold)


def test_mean_told_interval_never_below_zero():
    """Regression (issue 16): "people told" got a negative lower bound from the t interval."""
    neg, pos = [0, 0, 0, 30], [0, 1, 2, 1]
    x = np.array(neg, float)
    half = stats.t.ppf(0.975, 3) * x.std(ddof=1) / 2  # the raw t interval, by hand
    assert 7.5 - half < 0
    t = word_of_mouth(neg, pos, n_resamples=999, method="percentile").set_index("quantity")
    row = t.loc["mean_told_negative"]
    assert row["ci_low"] == 0.0 and row["ci_high"] == pytest.approx(7.5 + half)
    assert "clipped at 0" in row["note"] and "small sample" in row["note"]
    assert (t["ci_low"] >= 0).all()
    assert ((t["ci_low"] <= t["estimate"]) & (t["estimate"] <= t["ci_high"])).all()


def test_basic_bootstrap_ratio_clipped_at_zero():
    t = word_of_mouth([0, 0, 0, 0, 40], [1, 2, 1, 2, 1], n_resamples=999, method="basic")
    row = t.set_index("quantity").loc["reach_ratio"]
    assert row["ci_low"] >= 0


@pytest.mark.parametrize("huge", [float("inf"), 1.797e308])
def test_non_finite_or_overflowing_counts_rejected(huge):
    """Regression (issue 16): a count of 1.797e308 gave the interval (-inf, inf)."""
    with pytest.raises(ValueError, match="finite"):
        word_of_mouth([huge, 1.0, 2.0], POS, n_resamples=99)
    with pytest.raises(ValueError, match="finite"):
        share_telling([huge, 1.0])
