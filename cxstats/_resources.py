"""Where the packaged data live (read only through :mod:`importlib.resources`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """Return the directory holding the packaged data (catalogue, schema, bibliography).

    In a wheel this is ``cxstats/_data``; in a source checkout ``cxstats/_data`` is a symlink
    to the top-level ``data/`` folder, so both read the same files.
    """
    return Path(str(resources.files("cxstats") / "_data"))


def catalogue_dir() -> Path:
    """The folder with one YAML file per source report."""
    return data_dir() / "catalogue"


def schema_path() -> Path:
    """The JSON Schema that defines a catalogue file."""
    return data_dir() / "schema" / "catalogue.schema.json"


def bibliography_path() -> Path:
    """The BibTeX file with one entry per origin."""
    return data_dir() / "references.bib"


def intervals_path() -> Path:
    """Wilson intervals of the catalogue's figures, stored by ``scripts/make_intervals.py``."""
    return data_dir() / "wilson_intervals.tsv"
