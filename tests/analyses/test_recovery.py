"""dispute_by_response: dispute rate by company response, relief vs no relief (hand counts and
statsmodels called directly)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats
from statsmodels.stats import proportion as smp
from test_problems import mover_wilson_ratio

from cxstats.analyses import dispute_by_response
from cxstats.analyses.recovery import CFPB_NO_RELIEF, CFPB_RELIEF

R, D = "Company response to consumer", "Consumer disputed?"


def complaints(cells: list[tuple[str, str | None, int]]) -> pd.DataFrame:
    rows = [(r, d) for r, d, k in cells for _ in range(k)]
    return pd.DataFrame(rows, columns=[R, D]).astype(object)


CELLS = [("Closed with monetary relief", "Yes", 2), ("Closed with monetary relief", "No", 18),
         ("Closed with non-monetary relief", "Yes", 3), ("Closed with non-monetary relief", "No",
                                                          27),
         ("Closed with explanation", "Yes", 20), ("Closed with explanation", "No", 60),
         ("Closed", "Yes", 1), ("Closed", "No", 4), ("Closed", None, 2),
         ("Untimely response", None, 3), ("Untimely response", "No", 1)]


def test_by_response_counts_and_wilson() -> None:
    res = dispute_by_response(complaints(CELLS))
    by = res.by_response.set_index("response")
    assert by.loc["Closed", "n"] == 5 and by.loc["Closed", "disputed"] == 1
    assert by.loc["Untimely response", "relief"] == "other"
    assert by.loc["Closed with explanation", "relief"] == "no_relief"
    assert by.loc["Closed with monetary relief", "relief"] == "relief"
    lo, hi = smp.proportion_confint(20, 80, alpha=0.05, method="wilson")
    assert by.loc["Closed with explanation", ["dispute_rate_low", "dispute_rate_high"]].tolist() \
        == pytest.approx([lo, hi])
    assert res.n_complaints == 141 and res.n_excluded == 5


def test_relief_contrast_matches_statsmodels() -> None:
    row = dispute_by_response(complaints(CELLS), confidence=0.9).contrast.iloc[0]
    # relief: 5 disputed of 50; no relief: 21 of 85
    assert (row.n_relief, row.disputed_relief, row.n_no_relief, row.disputed_no_relief) == \
        (50, 5, 85, 21)
    assert row.difference == pytest.approx(5 / 50 - 21 / 85)
    assert row.risk_ratio == pytest.approx((5 / 50) / (21 / 85))
    lo, hi = smp.confint_proportions_2indep(5, 50, 21, 85, compare="diff", method="newcomb",
                                            alpha=0.1)
    assert (row.difference_low, row.difference_high) == pytest.approx((lo, hi))
    assert (row.risk_ratio_low, row.risk_ratio_high) == pytest.approx(
        mover_wilson_ratio(5, 50, 21, 85, 0.9))
    p = smp.test_proportions_2indep(5, 50, 21, 85, compare="diff", method="score").pvalue
    assert row.p_value == pytest.approx(p) and row.test == "score"  # expected counts >= 5
    lo, hi = smp.proportion_confint(45, 50, alpha=0.1, method="wilson")
    assert row.forgiveness_relief == pytest.approx(0.9)
    assert (row.forgiveness_relief_low, row.forgiveness_relief_high) == pytest.approx((lo, hi))


def test_custom_columns_and_boolean_outcome() -> None:
    frame = complaints(CELLS).dropna().rename(columns={R: "resolution", D: "reopened"})
    frame["reopened"] = frame["reopened"] == "Yes"
    frame["resolution"] = frame["resolution"].map(
        lambda r: "refund" if "relief" in r else "apology")
    res = dispute_by_response(frame, response="resolution", disputed="reopened",
                              relief=["refund"], no_relief=["apology"])
    assert res.contrast.loc[0, "n_relief"] == 50
    assert res.contrast.loc[0, "disputed_no_relief"] == 21


def test_defaults_are_the_cfpb_values() -> None:
    assert set(CFPB_RELIEF) == {"Closed with monetary relief", "Closed with non-monetary relief"}
    assert set(CFPB_NO_RELIEF) == {"Closed with explanation", "Closed"}


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"response": "reply"}, ValueError, "response='reply' is not a column of complaints"),
    ({"disputed": "x"}, ValueError, "disputed='x' is not a column"),
    ({"relief": ["Closed"]}, ValueError, "must not share values"),
    ({"relief": "Closed with monetary relief"}, TypeError, "relief must be a sequence"),
    ({"relief": ["nothing like this"]}, ValueError, r"no complaint .* relief response .*n = 0"),
    ({"positive": "Y"}, ValueError, r"outside the allowed set 'Y' or 'no'.*found \['No', 'Yes'\]"),
    ({"positive": "NO"}, ValueError, "positive and negative must differ"),
    ({"confidence": -0.1}, ValueError, "confidence must be strictly between 0 and 1"),
    ({"alternative": "two_sided"}, ValueError, "alternative must be one of"),
])
def test_bad_options(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        dispute_by_response(complaints(CELLS), **kwargs)


def test_bad_frames() -> None:
    with pytest.raises(ValueError, match="complaints is empty"):
        dispute_by_response(complaints(CELLS).iloc[:0])
    with pytest.raises(ValueError, match="no complaint has both a response and a dispute"):
        dispute_by_response(complaints([("Closed", None, 3)]))
    numeric = complaints(CELLS).assign(**{R: 1})
    with pytest.raises(TypeError, match="must hold labels"):
        dispute_by_response(numeric)
    with pytest.raises(TypeError, match="complaints must be"):
        dispute_by_response({"a": 1})


def test_zero_disputes_with_relief_ratio_zero_inside_its_interval_and_exact_test():
    """Regression (issue 16): 1,001 relief complaints none disputed vs 1 of 4 gave a risk ratio
    of 0 with an interval excluding it and p = 2.3e-56 (score test) where Fisher gives 0.004."""
    frame = complaints([("Closed with monetary relief", "No", 1001), ("Closed", "Yes", 1),
                        ("Closed", "No", 3)])
    row = dispute_by_response(frame).contrast.iloc[0]
    assert row.risk_ratio == 0.0
    assert row.risk_ratio_low == 0.0 <= row.risk_ratio <= row.risk_ratio_high
    assert row.risk_ratio_high == pytest.approx(mover_wilson_ratio(0, 1001, 1, 4, 0.95)[1])
    assert row.test == "fisher-exact"
    # hypergeometric by hand: the one disputed complaint falls among the 4 no-relief ones
    assert row.p_value == pytest.approx(4 / 1005)
    assert row.p_value == pytest.approx(stats.fisher_exact([[0, 1001], [1, 3]]).pvalue)


def test_no_disputes_without_relief_keeps_the_rates_and_notes_the_ratio():
    frame = complaints([("Closed with monetary relief", "Yes", 2), ("Closed with monetary relief",
                                                                    "No", 8),
                        ("Closed", "No", 12)])
    res = dispute_by_response(frame)
    row = res.contrast.iloc[0]
    assert np.isnan(row.risk_ratio) and np.isnan(row.risk_ratio_low)
    assert "no-relief group has no events (0 of 12)" in row.note
    assert row.difference == pytest.approx(0.2)
    assert res.by_response["n"].tolist() == [12, 10]


@pytest.mark.parametrize(("yes", "no"), [("Yes", "No"), (" yes", "NO "), ("TRUE", "false"),
                                         ("1", "0")])
def test_outcome_labels_in_any_case_and_spelling(yes: str, no: str) -> None:
    ref = dispute_by_response(complaints(CELLS))
    cells = [(r, {"Yes": yes, "No": no}.get(d, d), k) for r, d, k in CELLS]
    got = dispute_by_response(complaints(cells))
    assert_frame_equal(got.contrast, ref.contrast)


def test_disputed_codes_message_does_not_advise_a_missing_option() -> None:
    """Regression: the message advised outcome_threshold=, which dispute_by_response lacks."""
    frame = complaints(CELLS).dropna().assign(**{D: 2})
    with pytest.raises(ValueError, match="0 or 1") as err:
        dispute_by_response(frame)
    assert "threshold" not in str(err.value)
