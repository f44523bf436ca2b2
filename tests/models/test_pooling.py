"""Random-effects pooling of proportions: checked by hand and against statsmodels directly."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import proportion_confint

from cxstats import catalogue
from cxstats.models.pooling import STUDY_COLUMNS, pool_catalogue, pool_proportions

STUDIES = pd.DataFrame({
    "study": ["s1", "s2", "s3", "s4"],
    "count": [30, 120, 60, None],
    "n": [100, 300, 100, None],
    "proportion": [None, None, None, 0.8],
    "question": ["Would you stop?", "Did you stop?", "Stopped in the past year?", "Would switch?"],
})


def test_dersimonian_laird_by_hand_on_proportion_scale():
    r = pool_proportions(STUDIES, scale="proportion", method="dl")
    p = np.array([0.3, 0.4, 0.6])
    n = np.array([100, 300, 100])
    v = p * (1 - p) / n
    w = 1 / v
    fixed = (w * p).sum() / w.sum()
    q = (w * (p - fixed) ** 2).sum()
    tau2 = max(0.0, (q - 2) / (w.sum() - (w**2).sum() / w.sum()))
    wr = 1 / (v + tau2)
    rand = (wr * p).sum() / wr.sum()
    se = math.sqrt(1 / wr.sum())
    s = r.summary.set_index("model")
    assert r.q == pytest.approx(q)
    assert r.tau2 == pytest.approx(tau2)
    assert r.i2 == pytest.approx(max(0.0, (q - 2) / q))
    assert s.loc["fixed", "estimate"] == pytest.approx(fixed)
    assert s.loc["random", "estimate"] == pytest.approx(rand)
    assert s.loc["random", "ci_low"] == pytest.approx(rand - 1.959964 * se, rel=1e-5)
    assert r.q_df == 2
    assert r.studies.loc[:2, "weight_random"].to_numpy() == pytest.approx(wr / wr.sum())


def test_logit_scale_matches_statsmodels_directly():
    r = pool_proportions(STUDIES, method="pm")
    k = np.array([30.0, 120.0, 60.0])
    n = np.array([100.0, 300.0, 100.0])
    eff = np.log(k / (n - k))
    var = 1 / k + 1 / (n - k)
    ref = combine_effects(eff, var, method_re="iterated")
    frame = ref.summary_frame()
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    s = r.summary.set_index("model")
    assert s.loc["random", "estimate"] == pytest.approx(expit(frame.loc["random effect", "eff"]))
    assert s.loc["random", "ci_high"] == pytest.approx(
        expit(frame.loc["random effect", "ci_upp"]))
    assert r.tau2 == pytest.approx(ref.tau2)
    assert r.q_pvalue == pytest.approx(ref.test_homogeneity().pvalue)


def test_studies_without_n_are_listed_not_pooled():
    r = pool_proportions(STUDIES)
    assert list(r.studies.columns) == STUDY_COLUMNS
    assert r.k == 3
    s4 = r.studies.set_index("study").loc["s4"]
    assert not s4["included"] and s4["reason"] == "n unknown: listed, not pooled"
    assert pd.isna(s4["n"]) and pd.isna(s4["weight_random"])
    assert s4["question"] == "Would switch?"
    assert "s4" in r.note
    lo, hi = proportion_confint(30, 100, method="wilson")
    assert r.studies.loc[0, "ci_low"] == pytest.approx(lo)
    assert r.studies.loc[0, "ci_high"] == pytest.approx(hi)


def test_identical_studies_have_no_heterogeneity():
    r = pool_proportions([{"study": x, "count": 40, "n": 100} for x in "abc"])
    assert r.tau2 == pytest.approx(0)
    assert r.i2 == 0
    assert r.summary.set_index("model").loc["random", "estimate"] == pytest.approx(0.4)


def test_zero_count_uses_continuity_correction_on_logit():
    r = pool_proportions([{"study": "a", "count": 0, "n": 50},
                          {"study": "b", "count": 5, "n": 50}])
    assert r.studies.loc[0, "effect"] == pytest.approx(math.log(0.5 / 50.5))
    with pytest.raises(ValueError, match="use scale='logit'"):
        pool_proportions([{"study": "a", "count": 0, "n": 50},
                          {"study": "b", "count": 5, "n": 50}], scale="proportion")


def test_fewer_than_two_studies_not_pooled():
    r = pool_proportions([{"study": "a", "count": 3, "n": 10},
                          {"study": "b", "proportion": 0.5}])
    assert r.k == 1 and r.summary.empty and r.tau2 is None
    assert "at least 2 needed" in r.note


def test_pool_catalogue_shows_wordings_and_leaves_out_unknown_n():
    ids = ["rightnow-2007-never-go-back", "zendesk-2022-switch-after-one-bad-experience",
           "ccmc-asu-2023-problem-past-year"]
    r = pool_catalogue(ids)
    t = r.studies.set_index("study")
    for sid in ids:
        s = catalogue.get(sid)
        assert t.loc[sid, "proportion"] == pytest.approx(s.value / 100)
        assert t.loc[sid, "question"] == (s.question or "not published")
        assert bool(t.loc[sid, "included"]) == (s.ci_n is not None)
    assert r.k == sum(catalogue.get(i).ci_n is not None for i in ids) == 2
    rn = catalogue.get("rightnow-2007-never-go-back")
    assert t.loc[rn.id, "n"] == rn.origin.sample_size


@pytest.mark.parametrize(("studies", "kwargs", "exc", "match"), [
    ([{"study": "a", "proportion": 1.2, "n": 10}], {}, ValueError, r"must lie in \[0, 1\]"),
    ([{"study": "a", "count": 12, "n": 10}], {}, ValueError, "must be between 0 and n"),
    ([{"study": "a", "count": 1, "n": 0}], {}, ValueError, "n of study 'a' must be"),
    ([{"study": "a", "n": 10}], {}, ValueError, "'count' or a 'proportion' column"),
    ([{"count": 1, "n": 10}], {}, ValueError, "'study' column"),
    ([{"study": "a", "count": "ten", "n": 10}], {}, TypeError, "expected a number"),
    ([{"study": "a", "count": 1, "n": 10}], {"method": "reml"}, ValueError, "method must be"),
    ([{"study": "a", "count": 1, "n": 10}], {"scale": "probit"}, ValueError, "scale must be"),
    ([{"study": "a", "count": 1, "n": 10}], {"confidence": 95}, ValueError, "confidence"),
    ("abc", {}, TypeError, "studies must be"),
])
def test_bad_input(studies, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        pool_proportions(studies, **kwargs)


def test_catalogue_errors():
    with pytest.raises(TypeError, match="sequence of catalogue ids"):
        pool_catalogue("ccmc-asu-2023-problem-past-year")
    with pytest.raises(ValueError, match="not a proportion"):
        pool_catalogue(["coca-cola-tarp-wom-told-satisfied"])
    with pytest.raises(KeyError):
        pool_catalogue(["no-such-id"])


def test_input_not_mutated():
    before = STUDIES.copy()
    rows = [{"study": "a", "count": 3, "n": 10}, {"study": "b", "count": 5, "n": 10}]
    rows_before = copy.deepcopy(rows)
    pool_proportions(STUDIES)
    pool_proportions(rows)
    pd.testing.assert_frame_equal(STUDIES, before)
    assert rows == rows_before


def test_dl_negative_moment_estimate_truncated_to_zero():
    # Q < df: the DL moment estimate (Q - df)/c is negative; tau^2 = 0 and random == fixed
    rows = [{"study": "a", "count": 40, "n": 100}, {"study": "b", "count": 41, "n": 100},
            {"study": "c", "count": 40, "n": 100}]
    r = pool_proportions(rows, method="dl")
    assert r.tau2 == 0
    s = r.summary.set_index("model")
    assert s.loc["random", "estimate"] == pytest.approx(s.loc["fixed", "estimate"])
    assert s.loc["random", "ci_low"] == pytest.approx(s.loc["fixed", "ci_low"])
    assert np.isfinite(r.studies["weight_random"]).all()


def test_count_and_proportion_that_disagree_are_rejected():
    # 30/100 = 0.30; a stated proportion of 0.40 cannot be that study's rounding of 30/100
    with pytest.raises(ValueError, match="disagree"):
        pool_proportions([{"study": "a", "count": 30, "n": 100, "proportion": 0.40},
                          {"study": "b", "count": 50, "n": 100}])
    # 0.304 is within rounding of 30/100 (half a respondent): accepted
    r = pool_proportions([{"study": "a", "count": 30, "n": 100, "proportion": 0.304},
                          {"study": "b", "count": 50, "n": 100}])
    assert r.k == 2


# --- meta-regression -------------------------------------------------------------------------

MR_STUDIES = pd.DataFrame({
    "study": list("abcdefg"),
    "count": [300, 540, 160, 300, 90, 610, 200],
    "n": [400, 700, 400, 600, 150, 1000, 250],
    "wording": ["intention", "intention", "behaviour", "behaviour", "intention", "behaviour",
                "intention"],
    "year": [2007, 2009, 2011, 2013, 2017, 2020, 2022],
})


def _by_hand(frame, columns):
    """The Raudenbush (2009) method-of-moments meta-regression, written out with numpy."""
    c, n = frame["count"].to_numpy(float), frame["n"].to_numpy(float)
    y = np.log(c / (n - c))
    v = 1 / c + 1 / (n - c)
    x = np.column_stack([np.ones(len(y)), *columns])
    k, p = x.shape
    w = np.diag(1 / v)
    pm = w - w @ x @ np.linalg.inv(x.T @ w @ x) @ x.T @ w
    q_e = float(y @ pm @ y)
    tau2 = max(0.0, (q_e - (k - p)) / np.trace(pm))
    ws = np.diag(1 / (v + tau2))
    cov = np.linalg.inv(x.T @ ws @ x)
    beta = cov @ x.T @ ws @ y
    return beta, np.sqrt(np.diag(cov)), tau2, q_e


def test_meta_regression_matches_the_formula_written_out():
    from cxstats.models.pooling import meta_regression

    r = meta_regression(MR_STUDIES, moderators=["wording", "year"])
    intention = (MR_STUDIES["wording"] == "intention").to_numpy(float)
    year = MR_STUDIES["year"].to_numpy(float)
    beta, se, tau2, q_e = _by_hand(MR_STUDIES, [intention, year])
    coef = r.coefficients.set_index("term")
    assert list(coef.index) == ["const", "wording[intention]", "year"]
    assert coef["estimate"].to_numpy() == pytest.approx(beta, rel=1e-8)
    assert coef["std_err"].to_numpy() == pytest.approx(se, rel=1e-8)
    assert coef.loc["year", "ci_low"] == pytest.approx(beta[2] - 1.959964 * se[2], rel=1e-5)
    assert r.tau2_residual == pytest.approx(tau2, rel=1e-8)
    assert r.q_residual == pytest.approx(q_e, rel=1e-8)
    assert r.q_residual_df == 7 - 3
    total = pool_proportions(MR_STUDIES).tau2
    assert r.tau2_total == pytest.approx(total)
    assert r.r2 == pytest.approx(max(0.0, 1 - tau2 / total))


def test_meta_regression_leaves_out_studies_without_n_and_checks_its_input():
    from cxstats.models.pooling import meta_regression

    extra = pd.concat([MR_STUDIES, pd.DataFrame([{"study": "h", "proportion": 0.9,
                                                    "wording": "intention", "year": 2015}])])
    assert meta_regression(extra, moderators=["wording"]).k == 7
    with pytest.raises(TypeError, match="moderators"):
        meta_regression(MR_STUDIES, moderators="wording")
    with pytest.raises(ValueError, match="not a column"):
        meta_regression(MR_STUDIES, moderators=["form"])
    with pytest.raises(ValueError, match="more studies"):
        meta_regression(MR_STUDIES.head(2), moderators=["year"])
    with pytest.raises(ValueError, match="one level"):
        meta_regression(MR_STUDIES.head(2), moderators=["wording"])
    with pytest.raises(ValueError, match="confidence"):
        meta_regression(MR_STUDIES, moderators=["year"], confidence=1.5)


def test_proportion_scale_interval_stays_in_zero_one_and_says_it_was_clipped():
    # Found by the fuzz test: 1/2 and 1/3 pooled on the proportion scale; by hand the fixed-effect
    # Wald interval is p_hat -/+ 1.96 / sqrt(sum w), with w = n / (p (1 - p)).
    r = pool_proportions([{"study": "a", "count": 1, "n": 2}, {"study": "b", "count": 1, "n": 3}],
                         scale="proportion")
    w = np.array([2 / 0.25, 3 / (2 / 9)])
    p = np.array([0.5, 1 / 3])
    fixed = (w * p).sum() / w.sum()
    assert fixed - 1.959964 / math.sqrt(w.sum()) < 0  # the unclipped interval leaves [0, 1]
    s = r.summary.set_index("model")
    assert s.loc["fixed", "estimate"] == pytest.approx(fixed)
    assert (s["ci_low"] >= 0).all() and (s["ci_high"] <= 1).all()
    assert s.loc["fixed", "ci_low"] == 0.0
    assert "clipped" in r.note
