"""Cite a catalogue statistic: BibTeX, APA-like reference, or a one-line text citation."""

from __future__ import annotations

from pathlib import Path

from cxstats import _resources
from cxstats.catalogue import Statistic, fmt_value, get

__all__ = ["STYLES", "cite"]

STYLES = ("text", "apa", "bibtex")


def _apa_authors(names: tuple[str, ...], producer: str) -> str:
    if not names:
        return producer
    def short(name: str) -> str:
        parts = name.split()
        if len(parts) == 1:
            return name
        initials = " ".join(f"{p[0]}." for p in parts[:-1])
        return f"{parts[-1]}, {initials}"
    formatted = [short(n) for n in names]
    if len(formatted) == 1:
        return formatted[0]
    return ", ".join(formatted[:-1]) + ", & " + formatted[-1]


def _apa(s: Statistic) -> str:
    o = s.origin
    year = o.date_published[:4] if o.date_published else "n.d."
    author = _apa_authors(o.authors, o.producer)
    # APA: the author element ends with a period ("Goodman, J." or "TARP. (1980).").
    author += "" if author.endswith(".") else "."
    ref = f"{author} ({year}). {o.title}."
    if o.authors:
        ref += f" {o.producer}."
    if o.url:
        ref += f" {o.url}"
    return ref


def _text(s: Statistic) -> str:
    o = s.origin
    year = o.date_published[:4] if o.date_published else "n.d."
    claim = s.claim.strip()
    # The value is stated once: by the claim when it already gives it, else before the claim.
    if s.value is None:
        lead = "Finding (no figure): "
    else:
        value = fmt_value(s.value, s.unit)
        number = value.removeprefix("US$").split(" ")[0].rstrip("%×")
        lead = "" if value in claim or number in claim else f"{value}: "
    if s.n is not None:
        n = f", n = {s.n:,}"
    elif s.n_basis == "whole-sample" and s.origin.sample_size is not None:
        n = f", a share of all {s.origin.sample_size:,} respondents"
    else:
        n = ", n not stated"
    return (f"{lead}{claim} Source: {o.producer}, \u201c{o.title}\u201d ({year}){n}; "
            f"status: {s.status}.")


def _bibtex(s: Statistic, bibliography: Path) -> str:
    from pybtex.database import BibliographyData, parse_file

    data = parse_file(str(bibliography), bib_format="bibtex")
    key = s.origin.bib_key
    if key not in data.entries:
        raise KeyError(f"bib_key {key!r} of {s.id!r} is not in {bibliography}")
    return BibliographyData(entries={key: data.entries[key]}).to_string("bibtex").strip()


def cite(statistic_id: str, *, style: str = "text") -> str:
    """Return a citation for one catalogue statistic.

    Parameters
    ----------
    statistic_id : str
        A catalogue id (see ``cxstats list``).
    style : {"text", "apa", "bibtex"}
        ``text``: the claim (the value stated once: by the claim, or before it when the claim
        does not give it), the source, its year, n and status in one line;
        ``apa``: an APA-like reference of the source report; ``bibtex``: its BibTeX entry
        from ``references.bib``.

    Examples
    --------
    >>> from cxstats import cite
    >>> print(cite("hbr-2010-negative-told-10-plus", style="bibtex"))  # doctest: +ELLIPSIS
    @article{dixon2010stop,
    ...
    >>> cite("hbr-2010-negative-told-10-plus", style="mla")
    Traceback (most recent call last):
    ...
    ValueError: style must be one of text, apa, bibtex; got 'mla'
    """
    if not isinstance(style, str) or style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    s = get(statistic_id)
    if style == "bibtex":
        return _bibtex(s, _resources.bibliography_path())
    if style == "apa":
        return _apa(s)
    return _text(s)
