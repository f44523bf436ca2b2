"""Real data: the figures printed in ../shared/data/*/SOURCE.md (and research/models.md section 6)
reproduced by the analyses. Skipped cleanly when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from pandas.testing import assert_frame_equal

from cxstats import datasets
from cxstats.analyses import dispute_by_response, outcome_by_problems

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def telecom(shared_dir: Path) -> pd.DataFrame:
    folder = shared_dir / "data" / "telecom-churn-bigml"
    if not folder.is_dir():
        pytest.skip("telecom-churn-bigml is absent")
    # read as SOURCE.md says: ';' separator, VRAI/FAUX
    return pd.concat([pd.read_csv(folder / f"churn-bigml-{k}.csv", sep=";",
                                  true_values=["VRAI"], false_values=["FAUX"])
                      for k in (80, 20)], ignore_index=True)


@pytest.fixture(scope="module")
def cfpb(shared_dir: Path) -> pd.DataFrame:
    path = shared_dir / "data" / "cfpb-consumer-complaints-sample" / "consumer_complaints.csv"
    if not path.is_file():
        pytest.skip("the CFPB sample is absent")
    return pd.read_csv(path)


def pct(x: float) -> float:
    return round(100 * float(x), 2)


# ------------------------------------------------------------------ telecom churn (BigML)
# SOURCE.md table "Churn by number of customer-service calls"
CALLS = {0: (697, 92), 1: (1181, 122), 2: (759, 87), 3: (429, 44), 4: (166, 76), 5: (66, 40),
         6: (22, 14), 7: (9, 5), 8: (2, 1), 9: (2, 2)}
RATES = {0: 13.2, 1: 10.3, 2: 11.5, 3: 10.3, 4: 45.8, 5: 60.6, 6: 63.6, 7: 55.6, 8: 50.0,
         9: 100.0}


def test_telecom_churn_by_calls(telecom: pd.DataFrame) -> None:
    res = outcome_by_problems(telecom, problems="Customer service calls", outcome="Churn",
                              cap=9)
    rates = res.rates.set_index("problems_min")
    for calls, (n, churned) in CALLS.items():
        assert (rates.loc[calls, "n"], rates.loc[calls, "events"]) == (n, churned)
        assert round(100 * rates.loc[calls, "rate"], 1) == RATES[calls]
    assert int(rates["n"].sum()) == 3333 and int(rates["events"].sum()) == 483


def test_telecom_jump_after_the_fourth_call(telecom: pd.DataFrame) -> None:
    res = outcome_by_problems(telecom, problems="Customer service calls", outcome="Churn", cap=4)
    row = res.high_vs_low.iloc[0]
    # SOURCE.md: 0-3 calls 345/3,066 = 11.25% [10.18%, 12.42%]; 4+ 138/267 = 51.69%
    # [45.71%, 57.61%]; relative risk 4.59
    assert (row.events_fewer, row.n_fewer) == (345, 3066)
    assert (row.events_more, row.n_more) == (138, 267)
    assert [pct(row.rate_fewer), pct(row.rate_fewer_low), pct(row.rate_fewer_high)] == \
        [11.25, 10.18, 12.42]
    assert [pct(row.rate_more), pct(row.rate_more_low), pct(row.rate_more_high)] == \
        [51.69, 45.71, 57.61]
    assert round(row.risk_ratio, 2) == 4.59
    assert row.risk_ratio_low > 3  # the jump is far outside sampling noise
    # the logit slope is positive, but the rates are flat for 0-3 and jump at 4 (not linear)
    assert res.logit.set_index("term").loc["problems", "odds_ratio_low"] > 1
    flat = res.rates.loc[res.rates["problems_min"] < 4, "rate"]
    assert flat.max() - flat.min() < 0.03


def test_telecom_same_numbers_from_polars(telecom: pd.DataFrame) -> None:
    kw = {"problems": "Customer service calls", "outcome": "Churn", "cap": 4}
    ref = outcome_by_problems(telecom, **kw)
    got = outcome_by_problems(pl.from_pandas(telecom).lazy(), **kw)
    assert_frame_equal(got.high_vs_low, ref.high_vs_low)
    assert_frame_equal(got.logit, ref.logit)


# ------------------------------------------------------------------ CFPB complaints
# SOURCE.md "Dispute rate by company response" (n, rate, Wilson 95%)
RESPONSES = {
    "Closed with monetary relief": (215, 7.44, 4.63, 11.75),
    "Closed with non-monetary relief": (380, 10.79, 8.05, 14.31),
    "Closed with explanation": (2468, 21.27, 19.70, 22.93),
    "Closed": (66, 19.70, 11.89, 30.84),
}


def test_cfpb_dispute_by_response(cfpb: pd.DataFrame) -> None:
    res = dispute_by_response(cfpb)
    by = res.by_response.set_index("response")
    for response, (n, rate, low, high) in RESPONSES.items():
        got = by.loc[response]
        assert got["n"] == n
        assert [pct(got["dispute_rate"]), pct(got["dispute_rate_low"]),
                pct(got["dispute_rate_high"])] == [rate, low, high]
    # overall dispute rate 595 / 3,129 = 19.02% (rows with Yes or No)
    assert int(by["n"].sum()) == 3129 and int(by["disputed"].sum()) == 595
    assert res.n_complaints == 3186 and res.n_excluded == 57


def test_cfpb_relief_contrast(cfpb: pd.DataFrame) -> None:
    row = dispute_by_response(cfpb).contrast.iloc[0]
    # any relief 595 complaints, 9.58% [7.47%, 12.21%]; no relief 2,534, 21.23% [19.68%, 22.87%]
    assert (row.n_relief, row.n_no_relief) == (595, 2534)
    assert pct(row.dispute_rate_relief) == 9.58
    assert [pct(1 - row.forgiveness_relief_high), pct(1 - row.forgiveness_relief_low)] == \
        [7.47, 12.21]
    assert pct(row.dispute_rate_no_relief) == 21.23
    assert [pct(1 - row.forgiveness_no_relief_high), pct(1 - row.forgiveness_no_relief_low)] == \
        [19.68, 22.87]
    # models.md section 6: forgiveness proxy 90.4% vs 78.8%
    assert round(100 * row.forgiveness_relief, 1) == 90.4
    assert round(100 * row.forgiveness_no_relief, 1) == 78.8
    assert row.difference_high < 0 and row.p_value < 1e-6


# ------------------------------------------------------------------ shipped aggregates
def test_shipped_aggregates_are_remade_from_shared(shared_dir: Path, script) -> None:
    module = script("make_aggregates")
    files = module.make(shared_dir)
    out = ROOT / "data" / "aggregates"
    for name, text in files.items():
        assert (out / name).read_text() == text, f"data/aggregates/{name} is stale"


def test_aggregates_agree_with_the_row_level_analyses(telecom: pd.DataFrame,
                                                      cfpb: pd.DataFrame) -> None:
    calls = datasets.load_aggregate("telecom_churn_by_service_calls").set_index(
        "customer_service_calls")
    for k, (n, churned) in CALLS.items():
        assert tuple(calls.loc[k, ["customers", "churned"]]) == (n, churned)
    disputes = datasets.load_aggregate("cfpb_dispute_by_response").set_index("company_response")
    for response, (n, *_rest) in RESPONSES.items():
        assert disputes.loc[response, "with_dispute_value"] == n
    assert int(disputes["disputed"].sum()) == 595
