"""outcome_by_problems: rates, lift over zero problems, cap+ vs fewer, logistic model.

References: counts made with pandas in the test, statsmodels called directly (proportion_confint,
confint_proportions_2indep, test_proportions_2indep, Logit on one row per customer).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from pandas.testing import assert_frame_equal
from statsmodels.stats import proportion as smp

from cxstats import datasets
from cxstats.analyses import outcome_by_problems


def mover_wilson_ratio(e1: int, n1: int, e2: int, n2: int, confidence: float
                       ) -> tuple[float, float]:
    """MOVER-R Wilson interval of (e1/n1)/(e2/n2) written out here from Fagerland, Lydersen &
    Laake (2017), ch. 4, with statsmodels' Wilson limits, as an independent reference."""
    p1, p2 = e1 / n1, e2 / n2
    l1, u1 = smp.proportion_confint(e1, n1, alpha=1 - confidence, method="wilson")
    l2, u2 = smp.proportion_confint(e2, n2, alpha=1 - confidence, method="wilson")
    low = (p1 * p2 - np.sqrt((p1 * p2) ** 2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2))) / (
        u2 * (2 * p2 - u2))
    high = (p1 * p2 + np.sqrt((p1 * p2) ** 2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2))) / (
        l2 * (2 * p2 - l2))
    return max(float(low), 0.0), float(high)


def test_mover_reference_reproduces_the_published_example() -> None:
    """Perondi et al. (2004), 7/34 vs 1/34: MOVER-R Wilson 7.0 (1.1537 to 41.9763) as printed
    in Fagerland, Lydersen & Laake (2017) and the contingencytables R package's tests."""
    from cxstats._intervals import ratio_mover_wilson

    assert mover_wilson_ratio(7, 34, 1, 34, 0.95) == pytest.approx((1.1537, 41.9763), abs=1e-4)
    assert ratio_mover_wilson(7, 34, 1, 34, 0.95) == pytest.approx((1.1537, 41.9763), abs=1e-4)


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return datasets.load_customers()


def test_rates_match_pandas_counts_and_wilson(customers: pd.DataFrame) -> None:
    res = outcome_by_problems(customers)
    capped = customers["problems"].clip(upper=3)
    g = customers.groupby(capped)["price_sensitive"]
    assert res.rates["problems"].tolist() == ["0", "1", "2", "3+"]
    assert res.rates["n"].tolist() == g.size().tolist()
    assert res.rates["events"].tolist() == g.sum().astype(int).tolist()
    low, high = smp.proportion_confint(g.sum().to_numpy(), g.size().to_numpy(), alpha=0.05,
                                       method="wilson")
    assert res.rates["rate_low"].to_numpy() == pytest.approx(low)
    assert res.rates["rate_high"].to_numpy() == pytest.approx(high)
    assert res.n_customers == len(customers) and res.n_excluded == 0


def test_lift_matches_statsmodels(customers: pd.DataFrame) -> None:
    res = outcome_by_problems(customers, confidence=0.9)
    r = res.rates.set_index("problems")
    e0, n0 = int(r.loc["0", "events"]), int(r.loc["0", "n"])
    for row in res.lift.itertuples():
        e1, n1 = int(r.loc[row.problems, "events"]), int(r.loc[row.problems, "n"])
        assert row.risk_ratio == pytest.approx((e1 / n1) / (e0 / n0))
        assert row.difference == pytest.approx(e1 / n1 - e0 / n0)
        assert (row.risk_ratio_low, row.risk_ratio_high) == pytest.approx(
            mover_wilson_ratio(e1, n1, e0, n0, 0.9))
        lo, hi = smp.confint_proportions_2indep(e1, n1, e0, n0, compare="diff",
                                                method="newcomb", alpha=0.1)
        assert (row.difference_low, row.difference_high) == pytest.approx((lo, hi))
        p = smp.test_proportions_2indep(e1, n1, e0, n0, compare="diff", method="score").pvalue
        assert row.p_value == pytest.approx(p) and row.test == "score"


def test_logit_equals_customer_level_logit(customers: pd.DataFrame) -> None:
    res = outcome_by_problems(customers, outcome="churned")
    x = sm.add_constant(customers["problems"].to_numpy(dtype=float))
    fit = sm.Logit(customers["churned"].to_numpy(dtype=float), x).fit(disp=0)
    logit = res.logit.set_index("term")
    assert logit["coef"].to_numpy() == pytest.approx(fit.params, rel=1e-6)
    assert logit["std_err"].to_numpy() == pytest.approx(fit.bse, rel=1e-5)
    assert logit["p_value"].to_numpy() == pytest.approx(fit.pvalues, rel=1e-4)
    ci = np.exp(fit.conf_int(alpha=0.05))
    assert logit.loc["problems", "odds_ratio"] == pytest.approx(np.exp(fit.params[1]), rel=1e-6)
    assert logit.loc["problems", "odds_ratio_low"] == pytest.approx(ci[1, 0], rel=1e-5)
    assert logit.loc["problems", "odds_ratio_high"] == pytest.approx(ci[1, 1], rel=1e-5)


def test_logit_recovers_the_generating_odds_ratio(customers: pd.DataFrame) -> None:
    """make_datasets.py draws price sensitivity with log-odds slope 0.45 per problem."""
    row = outcome_by_problems(customers).logit.set_index("term").loc["problems"]
    assert row["odds_ratio_low"] < np.exp(0.45) < row["odds_ratio_high"]


def test_high_vs_low_by_hand() -> None:
    frame = pd.DataFrame({"calls": [0] * 50 + [1] * 50 + [4] * 20 + [5] * 10,
                          "churn": [True] * 5 + [False] * 45 + [True] * 6 + [False] * 44
                          + [True] * 9 + [False] * 11 + [True] * 6 + [False] * 4})
    res = outcome_by_problems(frame, problems="calls", outcome="churn", cap=4)
    row = res.high_vs_low.iloc[0]
    assert row.comparison == "4+ vs 0-3"
    assert (row.n_more, row.events_more, row.n_fewer, row.events_fewer) == (30, 15, 100, 11)
    assert row.risk_ratio == pytest.approx((15 / 30) / (11 / 100))
    lo, hi = smp.proportion_confint(15, 30, alpha=0.05, method="wilson")
    assert (row.rate_more_low, row.rate_more_high) == pytest.approx((lo, hi))
    assert res.rates["problems"].tolist() == ["0", "1", "4+"]  # no one with 2 or 3 calls


def test_cap_one_and_string_outcome(customers: pd.DataFrame) -> None:
    frame = customers.assign(ps=np.where(customers["price_sensitive"], "yes", "no"))
    res = outcome_by_problems(frame, outcome="ps", cap=1)
    assert res.rates["problems"].tolist() == ["0", "1+"]
    assert res.high_vs_low.loc[0, "comparison"] == "1+ vs 0"
    assert res.rates["events"].sum() == customers["price_sensitive"].sum()


def test_threshold_and_01_codes_agree_with_bool(customers: pd.DataFrame) -> None:
    ref = outcome_by_problems(customers)
    by_rating = outcome_by_problems(customers, outcome="price_rating", outcome_threshold=7)
    codes = outcome_by_problems(customers.assign(y=customers["price_sensitive"].astype(int)),
                                outcome="y")
    for got in (by_rating, codes):
        assert_frame_equal(got.rates, ref.rates)
        assert_frame_equal(got.logit, ref.logit)


def test_float_counts_with_missing_values(customers: pd.DataFrame) -> None:
    frame = customers.copy()
    frame["problems"] = frame["problems"].astype(float)
    frame.loc[frame.index[:10], "problems"] = np.nan
    frame["price_sensitive"] = frame["price_sensitive"].astype("boolean")
    frame.loc[frame.index[10:15], "price_sensitive"] = pd.NA
    res = outcome_by_problems(frame)
    assert res.n_excluded == 15
    assert int(res.rates["n"].sum()) == len(frame) - 15


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"problems": "issues"}, ValueError, "problems='issues' is not a column of customers"),
    ({"outcome": "left"}, ValueError, "outcome='left' is not a column"),
    ({"problems": "segment"}, TypeError, "problems='segment' must hold non-negative whole"),
    ({"outcome": "segment"}, ValueError, "outcome='segment' has values outside"),
    ({"cap": 0}, ValueError, "cap must be None or a whole number >= 1"),
    ({"cap": 2.5}, ValueError, "cap must be"),
    ({"cap": 50}, ValueError, "no customer has 50 or more problems"),
    ({"confidence": 2}, ValueError, "confidence must be strictly between 0 and 1"),
    ({"alternative": "less"}, ValueError, "alternative must be one of"),
    ({"outcome": "price_rating"}, ValueError, "0 or 1"),
    ({"outcome_threshold": 3}, TypeError, "outcome_threshold applies to a numeric outcome"),
    ({"outcome": "problems"}, ValueError, "must be different columns"),
])
def test_bad_options(customers: pd.DataFrame, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        outcome_by_problems(customers, **kwargs)


def test_object_column_of_booleans_is_a_type_error(customers: pd.DataFrame) -> None:
    frame = customers.assign(price_sensitive=customers["price_sensitive"].astype(object))
    with pytest.raises(TypeError, match=r"astype\('boolean'\)"):
        outcome_by_problems(frame)


def test_bad_problem_values(customers: pd.DataFrame) -> None:
    frame = customers.assign(problems=customers["problems"].astype(float))
    frame.loc[0, "problems"] = 1.5
    with pytest.raises(ValueError, match=r"non-negative whole numbers; found \[1.5\]"):
        outcome_by_problems(frame)
    frame = customers.copy()
    frame.loc[0, "problems"] = -1
    with pytest.raises(ValueError, match=r"found \[-1\]"):
        outcome_by_problems(frame)


def test_empty_all_missing_and_n_zero(customers: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="customers is empty"):
        outcome_by_problems(customers.iloc[:0])
    frame = customers.assign(price_sensitive=pd.Series([None] * len(customers), dtype="boolean"))
    with pytest.raises(ValueError, match="no customer has both a problem count and an outcome"):
        outcome_by_problems(frame)
    frame = customers.assign(price_sensitive=customers["price_sensitive"].astype("boolean"))
    frame.loc[frame["problems"] == 2, "price_sensitive"] = pd.NA
    with pytest.raises(ValueError, match=r"problems=2 have no 'price_sensitive' value \(n = 0\)"):
        outcome_by_problems(frame)
    with pytest.raises(ValueError, match="no customer has problems=0"):
        outcome_by_problems(customers.loc[customers["problems"] > 0])


def test_constant_or_separated_outcome_keeps_the_rates_and_notes_the_model() -> None:
    frame = pd.DataFrame({"problems": [0, 0, 1, 1, 2, 3], "y": [True] * 6})
    res = outcome_by_problems(frame, outcome="y", cap=2)
    assert res.rates["rate"].tolist() == [1.0, 1.0, 1.0]
    assert res.logit["odds_ratio"].isna().all()
    assert "same for every customer" in res.logit.loc[1, "note"]
    frame = pd.DataFrame({"problems": [0, 0, 1, 1, 2, 3],
                          "y": [True, True, False, False, False, False]})
    res = outcome_by_problems(frame, outcome="y", cap=1)
    assert res.logit["odds_ratio"].isna().all() and "separated" in res.logit.loc[1, "note"]
    assert res.high_vs_low.loc[0, "risk_ratio"] == 0.0


def test_two_problem_levels_fit_like_a_customer_level_logit() -> None:
    """Regression (issue 13): with exactly two problem counts (a 0/1 "had a problem" column) the
    saturated grouped GLM was reported as perfectly separated. 0 problems: 5/50, 1 problem: 6/50."""
    frame = pd.DataFrame({"problems": [0] * 50 + [1] * 50,
                          "churn": [True] * 5 + [False] * 45 + [True] * 6 + [False] * 44})
    res = outcome_by_problems(frame, outcome="churn", cap=1)
    fit = sm.Logit(frame["churn"].to_numpy(dtype=float),
                   sm.add_constant(frame["problems"].to_numpy(dtype=float))).fit(disp=0)
    row = res.logit.set_index("term").loc["problems"]
    assert row["odds_ratio"] == pytest.approx((6 / 44) / (5 / 45))  # the 2x2 odds ratio by hand
    assert row["odds_ratio"] == pytest.approx(1.2273, abs=1e-4)
    low, high = np.exp(fit.conf_int()[1])
    assert (row["odds_ratio_low"], row["odds_ratio_high"]) == pytest.approx((low, high), rel=1e-5)
    assert (round(low, 3), round(high, 3)) == (0.349, 4.316)
    assert row["note"] is None


def test_separation_is_read_on_the_data() -> None:
    from cxstats.analyses.problems import separation

    def table(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["value", "n", "events"])

    assert separation(table([(0, 50, 5), (1, 50, 6)])) is None
    assert separation(table([(0, 50, 0), (1, 50, 6), (2, 10, 9)])) is None  # 0% at one end, overlap
    assert "separated" in separation(table([(0, 50, 0), (1, 50, 6)]))  # quasi-complete
    assert "separated" in separation(table([(0, 50, 0), (1, 50, 50)]))  # complete
    assert separation(table([(0, 50, 0), (1, 50, 50), (2, 10, 0)])) is None


def test_empty_baseline_keeps_rates_and_differences() -> None:
    """Regression (issue 13): a baseline with no events aborted the call; now the ratio is NaN
    with a note and everything else is reported."""
    zero_base = pd.DataFrame({"problems": [0, 0, 1, 1, 2], "y": [False, False, True, False, True]})
    res = outcome_by_problems(zero_base, outcome="y", cap=2)
    assert res.lift["risk_ratio"].isna().all()
    assert res.lift["note"].str.contains("group with 0 problems has no events").all()
    assert res.lift["difference"].tolist() == pytest.approx([0.5, 1.0])
    assert res.rates["events"].tolist() == [0, 1, 1]


def test_cap_none_keeps_every_count() -> None:
    frame = pd.DataFrame({"calls": [0] * 50 + [1] * 50 + [4] * 20 + [5] * 10,
                          "churn": [True] * 5 + [False] * 45 + [True] * 6 + [False] * 44
                          + [True] * 9 + [False] * 11 + [True] * 6 + [False] * 4})
    res = outcome_by_problems(frame, problems="calls", outcome="churn", cap=None)
    assert res.rates["problems"].tolist() == ["0", "1", "4", "5"]
    assert res.lift["problems"].tolist() == ["1", "4", "5"]
    assert res.high_vs_low.empty and "risk_ratio" in res.high_vs_low.columns


def test_ratio_of_zero_lies_in_its_interval_and_small_counts_use_fisher() -> None:
    """Regression (issue 16): on a 16-row example the risk ratio 0 had an interval excluding it."""
    frame = pd.DataFrame({"problems": [0] * 8 + [1] * 8,
                          "y": [True] * 4 + [False] * 4 + [False] * 8})
    res = outcome_by_problems(frame, outcome="y", cap=1)
    row = res.lift.iloc[0]
    assert row.risk_ratio == 0.0 and row.risk_ratio_low == 0.0 <= row.risk_ratio_high
    assert row.test == "fisher-exact"
    # hypergeometric by hand: P(0 of the 4 events among the 8 with a problem) = C(8,4)/C(16,4),
    # doubled for the symmetric two-sided table
    assert row.p_value == pytest.approx(2 * 70 / 1820)


def test_log_adjusted_ratio_was_too_narrow_at_the_edge() -> None:
    """Issue 13: 2 of 2 against 481 of 3331 (the 0-8 calls baseline); log-adjusted gave
    [6.37, 7.51], MOVER-Wilson about [2.4, 7.5]."""
    frame = pd.DataFrame({"p": [9] * 2 + [0] * 3331,
                          "y": [True] * 2 + [True] * 481 + [False] * 2850})
    row = outcome_by_problems(frame, problems="p", outcome="y", cap=9).high_vs_low.iloc[0]
    assert (row.risk_ratio_low, row.risk_ratio_high) == pytest.approx(
        mover_wilson_ratio(2, 2, 481, 3331, 0.95))
    assert row.risk_ratio_low == pytest.approx(2.4, abs=0.05)
    assert row.risk_ratio_high == pytest.approx(7.5, abs=0.05)


@pytest.mark.parametrize(("yes", "no"), [("yes", "no"), ("Yes", "No"), (" YES ", "no"),
                                         ("true", "False"), ("1", "0")])
def test_outcome_labels_in_any_case_and_spelling(customers: pd.DataFrame, yes: str,
                                                 no: str) -> None:
    ref = outcome_by_problems(customers)
    frame = customers.assign(price_sensitive=np.where(customers["price_sensitive"], yes, no))
    assert_frame_equal(outcome_by_problems(frame).lift, ref.lift)


def test_unknown_labels_list_the_values_found(customers: pd.DataFrame) -> None:
    frame = customers.assign(price_sensitive=np.where(customers["price_sensitive"], "si", "no"))
    with pytest.raises(ValueError, match=r"found \['no', 'si'\]"):
        outcome_by_problems(frame)
