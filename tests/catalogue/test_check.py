"""cxstats check: figures found in text, traced to the catalogue by number and meaning."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cxstats
from cxstats import catalogue
from cxstats.catalogue.check import COLUMNS, THRESHOLD, check, claims, sentences
from cxstats.cli import main
from cxstats.presentation.charts import circulation_chart

# --------------------------------------------------------------------------- the number parser


@pytest.mark.parametrize(("text", "number", "unit"), [
    ("80% of them", 80.0, "percent"),
    ("80 % клиентов", 80.0, "percent"),
    ("80％的客户", 80.0, "percent"),                  # full-width percent sign
    ("８０％的客户", 80.0, "percent"),                 # full-width digits too
    ("百分之八十的客户", 80.0, "percent"),
    ("12.5 percent of users", 12.5, "percent"),
    ("2,5 % клиентов", 2.5, "percent"),               # Russian decimal comma
    ("9 из 10 клиентов", 90.0, "percent"),            # 9 / 10 * 100
    ("nine in ten shoppers", 90.0, "percent"),
    ("1 in 4 customers", 25.0, "percent"),             # 1 / 4 * 100
    ("十分之九的人", 90.0, "percent"),
    ("十个中有九个", 90.0, "percent"),
    ("$62 billion a year", 62e9, "currency"),
    ("$1.6 trillion", 1.6e12, "currency"),
    ("少于 100 美元", 100.0, "currency"),
    ("2.6 times as many", 2.6, "ratio"),
    ("近三倍", 3.0, "ratio"),
    ("в 2 раза больше", 2.0, "ratio"),
    ("told 21 people", 21.0, "people"),
    ("平均 21 人", 21.0, "people"),
    ("1,200 customers", 1200.0, "people"),
    ("研究 7000 万微博", 7000 * 10_000, "count"),
    ("4万张门票", 4 * 10_000, "count"),
    ("七千万条微博", 7000 * 10_000, "count"),
    ("70 million posts", 70e6, "count"),
    ("在六个月期间", 6.0, "duration"),
    ("over a six-month period", 6.0, "duration"),
    ("26 other unhappy customers stay silent", 26.0, "people"),
    ("analysed 40,000 of its own tickets", 40_000.0, "count"),
])
def test_one_figure_parsed(text, number, unit):
    found = claims(text)
    assert len(found) == 1, found
    assert found[0].number == pytest.approx(number)
    assert found[0].unit == unit


@pytest.mark.parametrize("text", [
    "In 2014 American Express found", "最后更新于2022年1月21日", "1. Bad service raises prices",
    "客户体验 3.0 中", "一个好的或坏的体验", "4个小贴士", "rated 10 or more times",
    "told 10 or more people", "рассказали 10 или более другим",
])
def test_no_figure_where_there_is_none(text):
    assert claims(text) == []


def test_garbled_digit_is_kept_as_a_pattern_not_a_number():
    (c,) = claims("因?yàn)?0%的消費(fèi)者仍然首選人工服務(wù)。")
    assert c.text == "?0%" and c.unit == "percent" and math.isnan(c.number)
    assert c.pattern == r"\d0"


def test_sentences_split_cjk_and_latin_but_not_decimals_or_garbled_question_marks():
    text = "Costs $1.6 trillion. 26 stay silent! 客户流失。因?yàn)?0%的人? Ok"
    assert sentences(text) == ["Costs $1.6 trillion.", "26 stay silent!", "客户流失。",
                               "因?yàn)?0%的人?", "Ok"]


def test_html_and_markdown_are_reduced_to_text():
    html = "<html><style>p {x: 1}</style><p>Only <b>8%</b> of customers agree.</p><p>Next</p></html>"
    assert sentences(html) == ["Only 8% of customers agree.", "Next"]
    md = "## Heading\n\n**80%** of [companies](https://example.com) think so."
    assert sentences(md) == ["Heading", "80% of companies think so."]


# --------------------------------------------------------------------------- matching

BAIN = ("Bain found that 80% of companies believe they deliver a superior experience, "
        "but only 8% of customers agree.")


def test_table_has_the_fixed_columns_and_scores_in_range():
    t = check(BAIN + " 37% of readers like cake.")
    assert tuple(t.columns) == COLUMNS
    assert len(t) == 3
    assert t["match_score"].between(0, 1).all()
    traced = t[t["statistic_id"].notna()]
    assert (traced["match_score"] >= THRESHOLD).all()
    assert (t.loc[t["statistic_id"].isna(), "status"] == "untraced").all()


def test_two_figures_of_one_sentence_match_two_records():
    t = check(BAIN)
    assert t["statistic_id"].tolist() == ["bain-2005-firms-believe-superior",
                                          "bain-2005-companies-customers-agree-superior"]
    s = catalogue.get("bain-2005-firms-believe-superior")
    row = t.iloc[0]
    assert (row.producer, row.producer_type, row.published_year) == (
        s.origin.producer, s.origin.producer_type, s.origin.published_year)
    assert row.status == s.status


@pytest.mark.parametrize(("text", "expected"), [
    ("60% of consumers say great service is the main reason they recommend a company.",
     "rightnow-2007-service-top-reason-recommend"),
    ("60% of customers will switch to a competitor after just one bad experience.",
     "zendesk-2022-switch-after-one-bad-experience"),
    ("80% of consumers never go back to a company after a bad customer experience.",
     "rightnow-2007-never-go-back"),
    ("96% of customers with high-effort interactions become more disloyal.",
     "ceb-2013-disloyal-high-effort"),
    ("Customers who had a bad experience told 21 people on average.",
     "american-express-2014-bad-told-avg-21"),
    ("74% of customers are willing to forgive a company after excellent service.",
     "zendesk-2022-forgive-after-excellent-service"),
    # found through the sentences of the roundups that repeat them (circulation)
    ("For every customer who complains, 26 other customers remain silent.",
     "us-oca-claimed-26-silent-per-complaint"),
    ("Poor customer service costs businesses $62 billion a year.",
     "newvoicemedia-2016-us-cost-62-billion"),
    ("It takes 12 positive experiences to make up for one unresolved negative experience.",
     "newell-legner-twelve-positive-per-negative"),
])
def test_same_number_different_meaning_goes_to_different_records(text, expected):
    assert check(text)["statistic_id"].tolist() == [expected]


def test_a_percentage_never_matches_a_count_and_vice_versa():
    # 21 is the mean number of people told; as a percentage it is nothing in the catalogue
    t = check("21% of customers told people about a bad experience, on average.")
    assert t["statistic_id"].tolist() != ["american-express-2014-bad-told-avg-21"]
    assert "american-express-2014-bad-told-avg-21" not in (t["alternatives"].dropna().tolist())


def test_a_figure_off_by_a_point_reports_what_the_primary_gives():
    t = check("60% of customers will switch to a competitor after just one bad experience.")
    s = catalogue.get("zendesk-2022-switch-after-one-bad-experience")
    assert t.loc[0, "primary_value"] == s.value != 60
    assert t.loc[0, "primary_unit"] == s.unit
    assert t.loc[0, "discrepancies"].count(":") >= len(s.discrepancies)


def test_exact_figure_has_no_primary_value():
    t = check(BAIN)
    assert t["primary_value"].isna().all() and t["primary_unit"].isna().all()


def test_unrelated_figures_are_untraced():
    t = check("In our office, 37% of readers liked cake and 2 in 3 prefer tea. "
              "Poor service costs the economy $62 trillion.")
    assert (t["status"] == "untraced").all() and len(t) == 3


def test_empty_catalogue_traces_nothing():
    t = check(BAIN, statistics=[])
    assert len(t) == 2 and (t["status"] == "untraced").all()


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="text must be a str"):
        check(b"80% of customers")
    with pytest.raises(TypeError, match=r"statistics must hold cxstats\.catalogue\.Statistic"):
        check(BAIN, statistics=["bain-2005-firms-believe-superior"])
    with pytest.raises(TypeError, match="sentence must be a str"):
        claims(80)


def test_records_given_are_not_mutated():
    records = list(catalogue.statistics())
    before = list(records)
    check(BAIN, statistics=records)
    assert records == before


def test_top_level_name():
    assert cxstats.check is check
    assert "check" in cxstats.__all__


def test_nearly_every_record_is_traced_from_its_own_claim():
    """The catalogue's English claims, checked one by one: the parser reads their figures."""
    records = catalogue.statistics()
    traced = [s.id for s in records if s.id in set(check(s.claim)["statistic_id"].dropna())]
    assert len(traced) >= 0.95 * len(records)


# --------------------------------------------------------------------------- the seeds

SEED_FILES = sorted({x.file for s in catalogue.statistics() for x in s.seeds})


def _quoted_in(sentence: str, record: catalogue.Statistic, seed_file: str) -> bool:
    """True when one of the record's quotes from this seed overlaps the sentence."""
    return any(x.file == seed_file and (x.quote in sentence or sentence in x.quote)
               for x in record.seeds)


@pytest.mark.shared
@pytest.mark.parametrize("seed_file", SEED_FILES)
def test_each_seed_matches_its_records_and_nothing_of_another_meaning(seeds_dir, seed_file):
    text = (seeds_dir / seed_file).read_text(encoding="utf-8")
    t = check(text)
    expected = {s.id for s in catalogue.statistics() if any(x.file == seed_file for x in s.seeds)}
    found = set(t["statistic_id"].dropna())
    assert len(expected & found) >= 0.95 * len(expected), sorted(expected - found)
    by_id = {s.id: s for s in catalogue.statistics()}
    wrong = [(r.sentence, r.statistic_id) for r in t.itertuples()
             if r.statistic_id is not None and not _quoted_in(r.sentence, by_id[r.statistic_id],
                                                              seed_file)]
    assert wrong == []


@pytest.mark.shared
def test_held_out_seed_sentences_are_matched_right_or_left_untraced(seeds_dir):
    """A record's second seed sentence, with only the first indexed: never another record."""
    stats = catalogue.statistics()
    checked = 0
    for s in stats:
        if len({x.quote for x in s.seeds}) < 2:
            continue
        keep, *held = s.seeds
        records = [dataclasses.replace(r, seeds=(keep,)) if r.id == s.id else r for r in stats]
        for h in held:
            t = check(h.quote, statistics=records)
            ids = set(t["statistic_id"].dropna())
            assert ids <= {s.id} | {r.id for r in stats if _quoted_in(h.quote, r, h.file)}, h.quote
            checked += 1
    assert checked >= 4


@pytest.mark.shared
def test_the_garbled_digit_in_seed_001_is_traced(seeds_dir):
    text = (seeds_dir / "001_39d4a9ff3114b4c8.txt").read_text(encoding="utf-8")
    t = check(text)
    row = t[t["text"] == "?0%"].iloc[0]
    assert row.statistic_id == "rightnow-2007-prefer-live-agent-phone"
    assert row.primary_value == catalogue.get(row.statistic_id).value


# --------------------------------------------------------------------------- the command

CONFIRMED_ONLY = BAIN
UNTRACED = "Poor service costs American businesses $62 trillion a year, says nobody."


def test_strict_exits_1_on_an_untraced_figure(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(CONFIRMED_ONLY + "\n\n" + UNTRACED, encoding="utf-8")
    assert main(["check", str(page), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "untraced" in out and "bain-2005-firms-believe-superior" in out


def test_strict_exits_0_on_confirmed_records_only(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(f"<p>{CONFIRMED_ONLY}</p>", encoding="utf-8")
    assert main(["check", str(page), "--strict"]) == 0
    assert "(2 claims: 2 confirmed, 0 traced to records not confirmed, 0 untraced)" in (
        capsys.readouterr().out)


def test_strict_exits_1_on_a_record_not_confirmed(tmp_path):
    s = catalogue.get("zendesk-2022-switch-after-one-bad-experience")
    assert s.status != "confirmed"
    page = tmp_path / "page.txt"
    page.write_text("60% of customers will switch to a competitor after just one bad experience.",
                    encoding="utf-8")
    assert main(["check", str(page), "--strict"]) == 1
    assert main(["check", str(page)]) == 0


def test_strict_exits_1_on_a_confirmed_record_quoted_with_another_number(tmp_path):
    s = catalogue.get("rightnow-2007-never-go-back")
    assert s.status == "confirmed" and s.value == 80
    page = tmp_path / "page.txt"
    page.write_text("81% of US consumers say they will never go back to an organization after a "
                    "negative experience.", encoding="utf-8")
    t = check(page.read_text(encoding="utf-8"))
    assert t["statistic_id"].tolist() == [s.id] and t.loc[0, "primary_value"] == 80
    assert main(["check", str(page), "--strict"]) == 1


def test_json_and_csv_round_trip(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text(CONFIRMED_ONLY, encoding="utf-8")
    assert main(["check", str(page), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["statistic_id"] for r in rows] == check(CONFIRMED_ONLY)["statistic_id"].tolist()
    assert main(["check", str(page), "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert tuple(frame.columns) == COLUMNS and len(frame) == 2


def test_standard_input_through_the_entry_point():
    exe = Path(sys.executable).with_name("cxstats")
    r = subprocess.run([str(exe), "check", "-", "--strict"], input=UNTRACED.encode(),
                       capture_output=True, check=False)
    assert r.returncode == 1, r.stderr
    assert "$62 trillion: untraced" in r.stdout.decode()


def test_missing_file_is_a_message(capsys):
    assert main(["check", "/no/such/page.md"]) == 1
    assert "No such file" in capsys.readouterr().err


# --------------------------------------------------------------------------- circulation


def test_a_roundup_quote_in_circulation_lets_check_find_that_wording():
    sentence = "60 % сказали, что рекомендуют компанию из-за отличного сервиса."
    s = catalogue.get("rightnow-2007-service-top-reason-recommend")
    others = [r for r in catalogue.statistics() if r.id != s.id]
    assert check(sentence, statistics=[s, *others])["statistic_id"].tolist() == [None]
    seen = catalogue.Circulation(url="https://example.org/roundup", quote=sentence,
                                 names_source=None, source_correct=None, note=None)
    with_quote = dataclasses.replace(s, circulation=(*s.circulation, seen))
    assert check(sentence, statistics=[with_quote, *others])["statistic_id"].tolist() == [s.id]


def test_circulation_chart_classes_each_roundup_by_its_credit():
    frame = pd.DataFrame({
        "statistic_id": ["a", "a", "a", "b"], "url": ["u1", "u2", "u3", "u4"],
        "names_source": ["Bain", "Harvard", "Harvard", None],
        "source_correct": [True, False, None, None]})
    spec = circulation_chart(frame).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert [r["attribution"] for r in rows] == ["right source", "wrong source", "credit not checked",
                                                "no source"]
    assert "tooltip" in spec["encoding"]
    assert frame["names_source"].isna().sum() == 1          # the caller's frame is not changed
