"""The analysis chapters of the handbook (3, 4 and 7): their data, their prose and their citations.

* The committed aggregates, expanded to one row per customer / complaint as the chapters do, give
  the figures that the data sets' SOURCE.md files list (computed there independently with pandas).
* The prose of these chapters has no hand-typed figure: every number is a ``{glue:text}`` role.
* Every catalogue statistic a chapter uses exists, and its report is cited in that chapter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxstats import catalogue, datasets
from cxstats.analyses import dispute_by_response, forgiveness_rate, outcome_by_problems

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ["problems-and-price-sensitivity", "silent-majority-and-second-chances", "forgiveness"]


def _telecom_rows() -> pd.DataFrame:
    agg = datasets.load_aggregate("telecom_churn_by_service_calls")
    return pd.DataFrame({
        "calls": np.repeat(agg["customer_service_calls"].to_numpy(), agg["customers"].to_numpy()),
        "churn": np.concatenate([np.repeat([True, False], [c, n - c])
                                 for n, c in zip(agg["customers"], agg["churned"], strict=True)]),
    })


def _cfpb_rows() -> pd.DataFrame:
    agg = datasets.load_aggregate("cfpb_dispute_by_response")
    return pd.DataFrame({
        "Company response to consumer": np.repeat(agg["company_response"].to_numpy(),
                                                  agg["complaints"].to_numpy()),
        "Consumer disputed?": np.concatenate([
            np.repeat(np.array(["Yes", "No", None], dtype=object),
                      [r.disputed, r.with_dispute_value - r.disputed,
                       r.complaints - r.with_dispute_value])
            for r in agg.itertuples()]),
    })


def _notebook(name: str) -> dict:
    return json.loads((ROOT / "book" / f"{name}.ipynb").read_text(encoding="utf-8"))


def _sources(nb: dict, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


# --- data: the expanded aggregates reproduce the SOURCE.md figures ---------------------------

def test_telecom_expanded_aggregate_gives_the_source_figures() -> None:
    rows = _telecom_rows()
    assert len(rows) == 3333 and int(rows["churn"].sum()) == 483
    res = outcome_by_problems(rows, problems="calls", outcome="churn", cap=4)
    hl = res.high_vs_low.iloc[0]
    assert (hl["events_fewer"], hl["n_fewer"]) == (345, 3066)
    assert (hl["events_more"], hl["n_more"]) == (138, 267)
    assert hl["rate_fewer"] == pytest.approx(0.1125, abs=5e-5)
    assert hl["rate_more"] == pytest.approx(0.5169, abs=5e-5)
    assert hl["rate_more_low"] == pytest.approx(0.4571, abs=5e-5)
    assert hl["rate_more_high"] == pytest.approx(0.5761, abs=5e-5)
    assert hl["risk_ratio"] == pytest.approx(4.59, abs=5e-3)


def test_telecom_jump_is_at_the_fourth_call_by_the_chapter_rule() -> None:
    rows = _telecom_rows()
    rates = outcome_by_problems(rows, problems="calls", outcome="churn",
                                cap=int(rows["calls"].max())).rates
    step = rates["rate_low"].to_numpy()[1:] - rates["rate_high"].to_numpy()[:-1]
    assert int(rates["problems_min"].iloc[1 + int(np.argmax(step))]) == 4
    assert rates.loc[rates["problems_min"] == 4, "rate"].item() == pytest.approx(76 / 166)


def test_cfpb_expanded_aggregate_gives_the_source_figures() -> None:
    res = dispute_by_response(_cfpb_rows())
    assert (res.n_complaints, res.n_excluded) == (3186, 57)
    c = res.contrast.iloc[0]
    assert (c["disputed_relief"], c["n_relief"]) == (57, 595)
    assert (c["disputed_no_relief"], c["n_no_relief"]) == (538, 2534)
    assert c["dispute_rate_relief"] == pytest.approx(0.0958, abs=5e-5)
    assert c["dispute_rate_no_relief"] == pytest.approx(0.2123, abs=5e-5)
    rates = res.by_response.set_index("response")
    assert rates.loc["Closed with monetary relief", "dispute_rate_low"] == pytest.approx(0.0463, abs=5e-5)
    assert rates.loc["Closed with explanation", "dispute_rate_high"] == pytest.approx(0.2293, abs=5e-5)


def test_synthetic_customers_recover_the_true_odds_ratio() -> None:
    logit = outcome_by_problems(datasets.load_customers()).logit.set_index("term")
    true_or = np.exp(0.45)  # PRICE_SLOPE in scripts/make_datasets.py (data/datasets/README.md)
    assert logit.loc["problems", "odds_ratio_low"] <= true_or <= logit.loc["problems", "odds_ratio_high"]


def test_synthetic_tickets_forgiveness_headline() -> None:
    c = forgiveness_rate(datasets.load_tickets()).contrast.iloc[0]
    assert c["extra_bad_per_1000_low"] > 0
    assert 0.5 < c["forgiveness_rate"] < 1


# --- prose and citations ----------------------------------------------------------------------

def test_literal_figures_detector(literal_figures) -> None:
    assert literal_figures("we saw 20 per {glue:text}`per` tickets") == ["20"]
    assert literal_figures("{glue:text}`x:.1f`% of `load(2)` in [C50](https://a/0.1.1)") == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_prose_has_no_literal_figures(name: str, literal_figures) -> None:
    found = {i: literal_figures(md) for i, md in enumerate(_sources(_notebook(name), "markdown"))}
    assert {i: f for i, f in found.items() if f} == {}


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_glues_every_name_it_uses(name: str) -> None:
    nb = _notebook(name)
    used = {m.split(":")[0] for md in _sources(nb, "markdown")
            for m in re.findall(r"\{glue:text\}`([^`]+)`", md)}
    code = "\n".join(_sources(nb, "code"))
    glued = set(re.findall(r'glue\(\s*f?"([^"{]+)"', code))
    for stat in re.findall(r'glue_stat\(\s*"([^"]+)"', code):  # glues name and name_status
        glued |= {stat, f"{stat}_status"}
    dynamic = re.findall(r'glue\(\s*f"([^"]*\{[^"]*)"', code)  # e.g. f"{key}_rate"
    pattern = [re.compile("^" + re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(d)) + "$") for d in dynamic]
    missing = {u for u in used if u not in glued and not any(p.match(u) for p in pattern)}
    assert missing == set()


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_cites_the_report_of_every_statistic_it_uses(name: str) -> None:
    nb = _notebook(name)
    code = "\n".join(_sources(nb, "code"))
    prose = "\n".join(_sources(nb, "markdown"))
    known = {s.id: s for s in catalogue.statistics()}
    ids = {m for m in re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+){3,})"', code) if m in known}
    prefixes = re.findall(r'\^(fast-company-2003-[a-z-]+?)-\(', code)  # regex-selected records
    ids |= {i for i in known for p in prefixes if i.startswith(p)}
    assert ids, "the chapter uses no catalogue statistic"
    cited = set(re.findall(r"\{cite:p\}`([^`]+)`", prose))
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for sid in sorted(ids):
        key = known[sid].origin.bib_key
        assert key in cited, f"{name}: {sid} is shown but {key} is not cited"
        assert f"{{{key}," in bib


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_stored_headline_cells(name: str) -> None:
    cells = [c for c in _notebook(name)["cells"] if c["cell_type"] == "code"
             and "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT")]
    assert cells
    for c in cells:
        assert any(o.get("output_type") == "stream" for o in c["outputs"]), "outputs not stored"
