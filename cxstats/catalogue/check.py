"""Check a text's statistics against the catalogue: which figures are traced, and to what.

:func:`check` reads plain text, Markdown or HTML in English, Chinese or Russian, finds every
sentence that states a statistic (a percentage, a currency amount, "N in M", "N times", a count of
people or things, a study window), and matches each figure to catalogue records by **number and
meaning**:

* the number must agree with the record: its primary value, or a figure of the record's seed or
  roundup quotes (the seed's own, sometimes garbled, version), in the same kind of unit (a
  percentage never matches a count of people);
* the words around the number must mean the same thing: cosine similarity of character n-gram
  TF-IDF vectors (``sklearn.feature_extraction.text.TfidfVectorizer(analyzer="char_wb")``) between
  the claim's clause and sentence and the record's texts (claim, base, seed quotes, evidence
  quotes, circulation quotes). Character n-grams work on Chinese and Russian without a word
  segmenter; a record is found in another language only through quotes in that language.

A claim whose best score is below :data:`THRESHOLD` is ``untraced``; a study window ("six months")
that matches nothing is not reported. Nothing is fetched from the network.

Examples
--------
>>> from cxstats.catalogue.check import check
>>> t = check("Bain found that 80% of companies believe they deliver a superior experience, "
...           "but only 8% of customers agree.")
>>> t[["text", "statistic_id"]].values.tolist()
[['80%', 'bain-2005-firms-believe-superior'], ['8%', 'bain-2005-companies-customers-agree-superior']]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from cxstats.catalogue import Statistic

__all__ = ["COLUMNS", "THRESHOLD", "Claim", "check", "claims", "sentences"]

#: Columns of :func:`check`, in order.
COLUMNS = (
    "sentence_index", "sentence", "text", "number", "unit", "statistic_id", "match_score",
    "alternatives", "status", "primary_value", "primary_unit", "producer", "producer_type",
    "published_year", "data_year", "discrepancies",
)

#: Lowest match score (number agreement times meaning similarity) that counts as a match.
THRESHOLD = 0.4
#: Other records scoring within this much of the best are listed as ``alternatives``.
ALTERNATIVE_GAP = 0.1
#: A sentence with no figure is matched only to a ``finding`` record, and only this closely.
FINDING_THRESHOLD = 0.5

# --------------------------------------------------------------------------- text to sentences

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
               "h6", "blockquote", "section", "article", "header", "footer", "table", "pre"}
_LOOKS_HTML = re.compile(r"<\s*(?:html|body|p|div|br|li|span|h[1-6]|td|a)\b[^>]*>", re.IGNORECASE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _plain(text: str) -> str:
    """Text without HTML tags or Markdown markup, NFKC-normalised (full-width digits and % too)."""
    if _LOOKS_HTML.search(text):
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)            # [words](url) -> words
    text = re.sub(r"(\*\*|__|`)", "", text)                           # bold, code
    text = re.sub(r"^[ \t]*(?:#{1,6}|>+)[ \t]*", "", text, flags=re.MULTILINE)   # headings, quotes
    text = re.sub(r"[ \t]*\|[ \t]*", "\n", text)                       # table cells
    return unicodedata.normalize("NFKC", text)


# After 。 or ; always; after ? and ! only before a space, the end or CJK text (a "?" inside a word is
# a garbled character, as in "因?yàn)?0%"); after . only before a space and a capital or CJK text.
_SPLIT = re.compile(r"(?<=[。；;])|(?<=[!?])(?=\s|$|[\u3000-\u9fff\uff00-\uffef“”\"])"
                    r"|(?<=[.…])(?=\s+[^\sa-z])|\n+")


def sentences(text: str) -> list[str]:
    """Split text (plain, Markdown or HTML) into sentences, in order, without empty ones.

    Examples
    --------
    >>> sentences("<p>One in 10 leave. 26 stay silent!</p><p>客户流失。真的</p>")
    ['One in 10 leave.', '26 stay silent!', '客户流失。', '真的']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    out = []
    for piece in _SPLIT.split(_plain(text)):
        piece = piece.strip(" \t\r\n-•*·")
        if piece:
            out.append(piece)
    return out


# --------------------------------------------------------------------------- figures in a sentence

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN = "〇零一二两兩三四五六七八九十百千"
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "hundred": 100,
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "десяти": 10,
}
_SCALE = {"thousand": 1e3, "k": 1e3, "тыс": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "млн": 1e6,
          "миллиона": 1e6, "миллионов": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "млрд": 1e9,
          "миллиарда": 1e9, "миллиардов": 1e9, "trillion": 1e12, "tn": 1e12, "трлн": 1e12,
          "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}


def _cn_number(s: str) -> float | None:
    """Value of a Chinese numeral such as 十, 二十三, 七千, 六; None if it is not one."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        return None
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
    return float(total + (digit or 0))


def _number(s: str) -> float | None:
    s = s.strip()
    if s.lower() in _WORDS:
        return float(_WORDS[s.lower()])
    if s and s[0] in _CN:
        return _cn_number(s)
    s = re.sub(r"[\s\u00a0\u202f]", "", s)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", s):                               # Russian decimal comma
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


_NUM = (r"(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
        r"|[" + _CN + r"]+|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")")
_SCALE_WORDS = (r"(?P<scale>thousand|million|billion|trillion|bn|mn|tn|тыс\.?|млн\.?|млрд\.?|трлн\.?"
                r"|миллиона|миллионов|миллиарда|миллиардов|[mkb](?![a-zа-я])|万|萬|亿|億)")
_SCALE_RE = r"(?:\s*" + _SCALE_WORDS + r")?"
_PEOPLE = (r"people|persons|customers|consumers|clients|shoppers|buyers|users|respondents|adults"
           r"|others|friends|companies|firms|businesses|brands|tickets|posts|tweets|calls|complaints"
           r"|experiences|interactions|человек|людей|людям|люди|клиентов|клиента|потребителей"
           r"|компаний|других|друзей|人|名|位|张|張|家|条|條|个|個")
_PERSONS = re.compile(r"\s*(?:[a-zа-я]+\s+){0,2}?(?:people|persons|customers|consumers|clients|adults|others"
                      r"|friends|человек|людей|людям|люди|клиентов|других|друзей|人|名|位)", re.IGNORECASE)
_DURATION = (r"(?P<dur>days?|weeks?|months?|years?|дн(?:я|ей|ь)|недел[ьию]|месяц(?:а|ев)?"
             r"|год(?:а)?|лет|个月|個月|天|周|週|年)")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", re.compile(r"(?P<num>\?\d|\d*\?\d*(?=\s*%)|" + _NUM + r")\s*(?:%|percent\b|per cent\b"
                           r"|процент\w*)", re.IGNORECASE)),
    ("percent", re.compile(r"百分之(?P<num>[" + _CN + r"\d.]+)")),
    ("fraction", re.compile(r"(?P<num>" + _NUM + r")\s*(?:in|out of|of every|из)\s+(?P<den>" + _NUM
                            + r")(?![\d%])", re.IGNORECASE)),
    ("fraction", re.compile(r"(?P<den>[" + _CN + r"\d]+)\s*(?:个人|個人|个|個|人|位)?\s*(?:中有|分之)\s*"
                            r"(?P<num>[" + _CN + r"\d]+)")),
    ("currency", re.compile(r"(?P<cur>[$€£¥])\s*(?P<num>" + _NUM + r")" + _SCALE_RE, re.IGNORECASE)),
    ("currency", re.compile(r"(?P<num>" + _NUM + r")" + _SCALE_RE + r"\s*(?P<cur>dollars?|usd|euros?"
                            r"|美元|美金|欧元|元|долл\w*|евро|руб\w*)", re.IGNORECASE)),
    ("ratio", re.compile(r"(?P<num>" + _NUM + r")\s*(?:times\b|x\b|×|倍|раз(?:а)?\b)", re.IGNORECASE)),
    ("ratio", re.compile(r"(?P<word>twice|вдвое)", re.IGNORECASE)),
    ("duration", re.compile(r"(?P<num>" + _NUM + r")[\s-]*" + _DURATION + r"(?![a-zа-я])", re.IGNORECASE)),
    ("count", re.compile(r"(?P<num>" + _NUM + r")\s*" + _SCALE_WORDS, re.IGNORECASE)),
    ("count", re.compile(r"(?P<num>" + _NUM + r")" + _SCALE_RE + r"\s*(?:\(.{0,20}?\)\s*)?"
                         r"(?:[a-zа-я-]+\s+){0,2}?(?:" + _PEOPLE + r")", re.IGNORECASE)),
    ("count", re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+)(?![\d.,])")),      # 40,000: a figure anyway
)

_THRESHOLD_AFTER = re.compile(r"^\s*(?:or more|or fewer|или более|или больше|и более|以上|或更多|或以上)",
                              re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One figure in a sentence: its text, value (``nan`` when garbled) and unit class."""

    text: str
    number: float
    unit: str
    start: int
    #: For a garbled figure such as "?0%": a pattern the true digits must match.
    pattern: str | None = None


def _is_year(value: float, unit: str, sentence: str, end: int) -> bool:
    return (unit in ("count", "duration") and value.is_integer() and 1900 <= value <= 2100
            and not re.match(r"\s*(?:万|萬|亿|億|million|billion)", sentence[end:], re.IGNORECASE))


def claims(sentence: str) -> list[Claim]:
    """Every figure a sentence states, in order of appearance (years and list numbers are skipped).

    Percentages ("80%", "80 %", "80％", "百分之八十", a garbled "?0%"), fractions ("9 in 10",
    "9 из 10", "十个中有九个"), currency amounts ("$62 billion", "100 美元"), ratios ("3 times",
    "三倍"), durations ("six months", "六个月"), counts of people (unit ``people``: "21 people",
    "21 人") and of things (unit ``count``: "7000 万微博", "4万张", "40,000"). A count followed by
    "or more" qualifies the percentage next to it and is not a claim of its own; counts below 10
    of anything but people ("4 tips", "五个") are not statistics.

    Examples
    --------
    >>> [(c.number, c.unit) for c in claims("9 из 10 клиентов, 80 % и 80％ и 百分之十, 十个中有九个")]
    [(90.0, 'percent'), (80.0, 'percent'), (80.0, 'percent'), (10.0, 'percent'), (90.0, 'percent')]
    >>> [(c.text, c.number, c.unit) for c in claims("研究 7000 万 (类似于 Twitter) 微博, 近三倍")]
    [('7000 万', 70000000.0, 'count'), ('三倍', 3.0, 'ratio')]
    >>> [(c.text, c.unit) for c in claims("told 21 people; $62 billion; 2014; 10 or more people")]
    [('21 people', 'people'), ('$62 billion', 'currency')]
    >>> c = claims("因?0%的消費者")[0]
    >>> c.text, c.unit, c.pattern
    ('?0%', 'percent', '\\\\d0')
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a str, not {type(sentence).__name__}")
    text = unicodedata.normalize("NFKC", sentence)
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for unit, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < b and a < end for a, b in taken):
                continue
            groups = m.groupdict()
            raw = groups.get("num")
            garbled = None
            if groups.get("word"):
                value = 2.0
            elif raw is not None and "?" in raw:
                garbled = raw.replace("?", r"\d")
                value = math.nan
            else:
                value = _number(raw) if raw is not None else None
                if value is None:
                    continue
            if unit == "fraction":
                den = _number(groups["den"])
                if not den or value > den:
                    continue
                value, unit_out = 100 * value / den, "percent"
            else:
                unit_out = unit
            scale = groups.get("scale")
            if scale:
                value *= _SCALE[scale.rstrip(".").lower()]
            if unit == "count" and not scale and value < 10 and not _PERSONS.match(text[m.end("num"):]):
                continue                                        # 一个, 五个, "4 tips": not a statistic
            if unit in ("count", "duration") and _THRESHOLD_AFTER.match(text[m.end("num"):]):
                continue                                        # "10 or more": a qualifier
            if unit == "duration" and raw and raw.isdigit() and (
                    re.match(r"\s*年\s*\d{1,2}\s*月", text[m.start("num"):][len(raw):])
                    or (groups.get("dur") == "年" and len(raw) >= 3)):
                continue                                        # 2022年1月: a date
            if not math.isnan(value) and _is_year(value, unit, text, end):
                continue
            if re.match(r"\d+[.)]\s*$", text[:end]) and unit not in ("percent", "currency"):
                continue                                        # "1." list number
            if unit == "count" and _PERSONS.match(text[m.end("num"):]):
                unit_out = "people"
            taken.append((start, end))
            found.append(Claim(text=m.group(0).strip(), number=value, unit=unit_out, start=start,
                               pattern=garbled))
    return sorted(found, key=lambda c: c.start)


# --------------------------------------------------------------------------- catalogue side

_UNIT_CLASS = {"percent": "percent", "usd": "currency", "ratio": "ratio", "days": "duration",
               "months": "duration", "years": "duration", "weeks": "duration", "people": "people",
               "customers": "people"}


def _record_class(s: Statistic) -> str | None:
    if s.unit is None:
        return None
    return _UNIT_CLASS.get(s.unit, "count")


def _compatible(claim_unit: str, record_unit: str | None) -> bool:
    """Same kind of unit; a plain count may state a ratio ("12 positive experiences for one")."""
    return record_unit is not None and (claim_unit == record_unit
                                        or (claim_unit, record_unit) == ("count", "ratio"))


def _norm(text: str) -> str:
    """Text for the vectoriser: NFKC, lower case, pinyin glosses like "(shí)" and digits dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\((?:[a-zà-ɏ̀-ͯ]+)\)", "", text)
    return re.sub(r"[\d?%.,]+", " ", text)


def _documents(s: Statistic) -> list[str]:
    docs = [s.claim, f"{s.claim} {s.base}"]
    docs += [x.quote for x in s.seeds]
    docs += [e.quote for e in s.evidence]
    docs += [c.quote for c in s.circulation]
    return docs


@dataclass(frozen=True)
class _Index:
    records: tuple[Any, ...]
    vectorizer: Any
    matrix_t: Any
    owner: tuple[int, ...]
    aliases: tuple[frozenset[float], ...]


_INDEXES: dict[tuple[int, ...], _Index] = {}


def _index(records: tuple[Statistic, ...]) -> _Index:
    """The fitted index of these records, cached by their identity (records need not be hashable)."""
    key = tuple(map(id, records))
    if key not in _INDEXES:
        if len(_INDEXES) >= 4:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = _build_index(records)
    return _INDEXES[key]


def _build_index(records: tuple[Statistic, ...]) -> _Index:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs, owner = [], []
    for i, s in enumerate(records):
        for d in _documents(s):
            docs.append(_norm(d))
            owner.append(i)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    aliases = []
    for s in records:
        cls = _record_class(s)
        quotes = [x.quote for x in s.seeds] + [c.quote for c in s.circulation]
        seen = {c.number for q in quotes for c in claims(q)
                if _compatible(c.unit, cls) and not math.isnan(c.number)}
        aliases.append(frozenset(seen))
    return _Index(records, vectorizer, matrix.T.tocsr(), tuple(owner), tuple(aliases))


def _number_score(claim: Claim, s: Statistic, aliases: frozenset[float]) -> float:
    """1 when the claim gives the record's value, 0.9 a figure of the record's seed or roundup
    quotes (the seed's version of it, or the other half of "5% retention, 25% profit"), 0.6 a
    near value."""
    if s.value is None or not _compatible(claim.unit, _record_class(s)):
        return 0.0
    if claim.pattern is not None:
        candidates = [s.value, *aliases]
        return 0.8 if any(float(v).is_integer() and re.fullmatch(claim.pattern, str(int(v)))
                          for v in candidates) else 0.0
    x = claim.number
    if math.isclose(x, s.value, rel_tol=0.005, abs_tol=0.5 if claim.unit == "percent" else 0.0):
        return 1.0
    if any(math.isclose(x, a, rel_tol=0.005) for a in aliases):
        return 0.9
    if claim.unit == "percent" and abs(x - s.value) <= 2:
        return 0.6
    if claim.unit != "percent" and math.isclose(x, s.value, rel_tol=0.1):
        return 0.6
    return 0.0


def _clause(sentence: str, claim: Claim) -> str:
    """The part of the sentence between the separators around the claim."""
    seps = [m.end() for m in re.finditer(r"[,，、;；:：]|\s[-–—]\s|\bbut\b|\bwhile\b|但|而|虽然|雖然",
                                         sentence[:claim.start])]
    start = seps[-1] if seps else 0
    m = re.search(r"[,，、;；:：]|\s[-–—]\s|\bbut\b|\bwhile\b|但|虽然|雖然",
                  sentence[claim.start + len(claim.text):])
    end = claim.start + len(claim.text) + m.start() if m else len(sentence)
    return sentence[start:end]


def _similarities(index: _Index, texts: list[str]) -> Any:
    """Per text, the best cosine similarity to each record's documents (texts x records)."""
    import numpy as np

    q = index.vectorizer.transform([_norm(t) for t in texts])
    sim = (q @ index.matrix_t).toarray()
    out = np.zeros((len(texts), len(index.records)))
    owner = np.asarray(index.owner)
    np.maximum.at(out.T, owner, sim.T)
    return out


# --------------------------------------------------------------------------- the check


def check(text: str, *, statistics: Iterable[Statistic] | None = None) -> pd.DataFrame:
    """Find the statistics a text states and trace each to catalogue records.

    Parameters
    ----------
    text : str
        Plain text, Markdown or HTML (tags are dropped); English, Chinese or Russian.
    statistics : iterable of Statistic, optional
        Records to match against; default every record of the packaged catalogue
        (:func:`cxstats.catalogue.statistics`).

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns :data:`COLUMNS`: ``sentence_index`` and ``sentence`` (NFKC),
        ``text`` (the figure as written), ``number`` and ``unit`` (``percent``, ``currency``,
        ``ratio``, ``duration``, ``people``, ``count``; ``finding`` for a sentence matched to a
        directional finding; ``number`` is missing for garbled digits), ``statistic_id`` (best
        match, or
        missing), ``match_score`` in [0, 1] (number agreement times meaning similarity),
        ``alternatives`` (other ids that pass within :data:`ALTERNATIVE_GAP` of the best,
        ``"; "``-joined), ``status`` (the record's
        status or ``"untraced"``), ``primary_value``/``primary_unit`` (what the primary gives,
        only when it differs from the figure found), the record's ``producer``,
        ``producer_type``, ``published_year``, ``data_year`` and ``discrepancies``
        (``"kind: explanation"``, ``" | "``-joined).

    Raises
    ------
    TypeError
        If ``text`` is not a str or ``statistics`` holds something other than Statistic records.

    Notes
    -----
    Meaning similarity is the cosine of ``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3),
    sublinear_tf=True)`` vectors fitted on the records' texts (scikit-learn), after NFKC, lower
    case and removal of digits and pinyin glosses; the meaning score is the larger of the claim's
    clause and 0.9 times its whole sentence, so that two figures of one sentence can match two
    records. The number score is 1 for the record's value (within 0.5 points for a percentage,
    0.5% otherwise), 0.9 for a figure of its seed or roundup quotes, 0.8 for a garbled figure whose
    legible digits fit, 0.6 within 2 points (percentages) or 10% (other units), else 0.

    Examples
    --------
    >>> t = check("60% of consumers say great service is the main reason they recommend a "
    ...           "company. 37% of readers like cake.")
    >>> t[["text", "statistic_id", "status"]].values.tolist()
    [['60%', 'rightnow-2007-service-top-reason-recommend', 'confirmed'], ['37%', None, 'untraced']]
    """
    import numpy as np
    import pandas as pd

    from cxstats import catalogue

    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    records = tuple(catalogue.statistics() if statistics is None else statistics)
    bad = [type(r).__name__ for r in records if not isinstance(r, catalogue.Statistic)]
    if bad:
        raise TypeError(f"statistics must hold cxstats.catalogue.Statistic records; got {bad[0]}")
    index = _index(records) if records else None

    parsed = [(sentence, claims(sentence)) for sentence in sentences(text)]
    rows = []
    if index is None:
        rows = [_row(k, sentence, c, None, 0.0, []) for k, (sentence, found) in enumerate(parsed)
                for c in found]
        parsed = []
    # one vectoriser pass for every sentence and clause of the text
    texts, first = [], []
    for sentence, found in parsed:
        first.append(len(texts))
        texts += [sentence] + [_clause(sentence, c) for c in found]
    sims = _similarities(index, texts) if texts else None
    findings = [i for i, s in enumerate(records) if s.kind == "finding"]
    for k, (sentence, found) in enumerate(parsed):
        whole = sims[first[k]]
        if not found:
            best = max(((whole[i], i) for i in findings), default=(0.0, -1))
            if best[0] >= FINDING_THRESHOLD:
                c = Claim(text="", number=math.nan, unit="finding", start=0)
                rows.append(_row(k, sentence, c, records[best[1]], float(best[0]), []))
            continue
        for j, c in enumerate(found):
            meaning = np.maximum(sims[first[k] + 1 + j], 0.9 * whole)
            scored = []
            for i, s in enumerate(records):
                num = _number_score(c, s, index.aliases[i])
                if num > 0:
                    scored.append((num * float(meaning[i]), s.id, s))
            scored.sort(key=lambda x: (-x[0], x[1]))
            passing = [x for x in scored if x[0] >= max(THRESHOLD, scored[0][0] - ALTERNATIVE_GAP)]
            if passing:
                score, _, s = passing[0]
                rows.append(_row(k, sentence, c, s, score, [x[1] for x in passing[1:]]))
            elif c.unit != "duration":                          # an unmatched study window is no claim
                rows.append(_row(k, sentence, c, None, scored[0][0] if scored else 0.0, []))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    dtypes = {"sentence_index": "int64", "number": "float64", "match_score": "float64",
              "primary_value": "float64", "published_year": "Int64", "data_year": "Int64"}
    frame = frame.astype(dtypes)
    for col in frame.columns:
        if col not in dtypes:
            frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame


def _row(k: int, sentence: str, c: Claim, s: Statistic | None, score: float,
         alternatives: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "sentence_index": k, "sentence": sentence, "text": c.text, "number": c.number,
        "unit": c.unit, "statistic_id": None, "match_score": min(max(score, 0.0), 1.0),
        "alternatives": "; ".join(alternatives) or None, "status": "untraced",
        "primary_value": math.nan, "primary_unit": None, "producer": None, "producer_type": None,
        "published_year": None, "data_year": None, "discrepancies": None,
    }
    if s is None:
        return row
    differs = s.value is not None and (math.isnan(c.number) or not math.isclose(
        c.number, s.value, rel_tol=0.005, abs_tol=0.5 if c.unit == "percent" else 0.0))
    row.update({
        "statistic_id": s.id, "status": s.status,
        "primary_value": s.value if differs else math.nan,
        "primary_unit": s.unit if differs else None,
        "producer": s.origin.producer, "producer_type": s.origin.producer_type,
        "published_year": s.origin.published_year, "data_year": s.origin.data_year,
        "discrepancies": " | ".join(f"{d.kind}: {d.explanation}" for d in s.discrepancies) or None,
    })
    return row

