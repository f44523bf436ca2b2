"""The model chapters of the handbook (5, 6, 8, 9): glued numbers only, real citations, headlines.

These checks read the stored notebooks (executed by ``scripts/run_notebooks.py``); nbval re-runs
the headline cells separately. They enforce the book's rules on these chapters:

* no hand-typed figure in prose: once roles (``{glue:text}``, ``{cite:p}``, ``{doc}``) and inline
  code are removed, a markdown cell (admonitions included) holds no digit;
* every glue role names a value the notebook glued;
* every citation, in markdown cells and in generated Markdown output, is a key of references.bib;
* each chapter has at least one headline cell (``# NBVAL_CHECK_OUTPUT``) with stored output;
* charts are shown through :func:`cxstats.presentation.charts.show` (no CDN script in any output).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ["word-of-mouth", "effort-beats-delight", "churn-impact-calculator",
            "how-much-do-reports-agree"]

ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<content>[^`]*)`")
INLINE_CODE = re.compile(r"`[^`]*`")
CITE = re.compile(r"\{cite:[pt]\}`([^`]*)`")


def _notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)


def _markdown(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _glued(nb: nbformat.NotebookNode) -> set[str]:
    return {o["metadata"]["scrapbook"]["name"] for o in _outputs(nb)
            if "scrapbook" in o.get("metadata", {})}


@pytest.fixture(scope="module")
def bib_keys() -> set[str]:
    return set(parse_file(str(ROOT / "references.bib"), bib_format="bibtex").entries)


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_literal_figure_in_prose(name):
    for text in _markdown(_notebook(name)):
        prose = INLINE_CODE.sub("", ROLE.sub("", text))
        digits = re.findall(r"[^\W\d_]*\d[\w.,%]*", prose)
        assert not digits, f"{name}: literal figures in prose: {digits}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_glue_role_is_glued(name):
    nb = _notebook(name)
    glued = _glued(nb)
    used = {m["content"].rsplit(":", 1)[0] if ":" in m["content"] else m["content"]
            for text in _markdown(nb) for m in ROLE.finditer(text) if m["role"].startswith("glue")}
    assert used, f"{name} glues nothing"
    assert used <= glued, f"{name}: glue roles without a glued value: {sorted(used - glued)}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_citations_exist(name, bib_keys):
    nb = _notebook(name)
    texts = _markdown(nb) + ["".join(o.get("data", {}).get("text/markdown", ""))
                             for o in _outputs(nb)]
    keys = {k.strip() for t in texts for m in CITE.finditer(t) for k in m.group(1).split(",")}
    assert keys, f"{name} cites nothing"
    assert keys <= bib_keys, f"{name}: unknown bib keys {sorted(keys - bib_keys)}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_headline_cells_have_output(name):
    cells = [c for c in _notebook(name).cells
             if c.cell_type == "code" and c.source.startswith("# NBVAL_CHECK_OUTPUT")]
    assert cells, f"{name} has no headline cell"
    for c in cells:
        text = "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("name") == "stdout")
        assert text.strip(), f"{name}: a headline cell has no stored output (run the notebook)"


@pytest.mark.parametrize("name", CHAPTERS)
def test_charts_are_offline(name):
    html = [o["data"]["text/html"] for o in _outputs(_notebook(name))
            if "text/html" in o.get("data", {})]
    charts = [h for h in html if 'class="cx-chart"' in h]
    assert charts, f"{name} shows no chart"
    for h in html:
        assert not re.search(r"<script[^>]+src=", h), f"{name}: an output loads a script"
        assert "cdn.jsdelivr" not in h and "unpkg.com" not in h, f"{name}: CDN reference"
        assert '"tooltip"' in h or 'class="cx-chart"' not in h, f"{name}: a chart has no tooltip"


def test_calculator_has_a_marked_input_cell():
    nb = _notebook("churn-impact-calculator")
    inputs = [c for c in nb.cells if c.cell_type == "code" and "YOUR INPUTS" in c.source]
    assert len(inputs) == 1
    assert not inputs[0].metadata.get("tags"), "the input cell must be visible in the book"
    for name in ("CUSTOMERS", "REVENUE_PER_CUSTOMER", "INPUTS", "DRAWS", "SEED"):
        assert re.search(rf"^{name} = ", inputs[0].source, re.M), name


def _glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {o["metadata"]["scrapbook"]["name"]: o["data"]["application/papermill.record/text/plain"]
            for o in _outputs(nb) if "scrapbook" in o.get("metadata", {})
            and "application/papermill.record/text/plain" in o.get("data", {})}


def test_pooling_chapter_pools_only_figures_with_a_base_and_matches_statsmodels():
    """Chapter 9 pools the figures whose base is known (stated or whole-sample), never an assumed one.

    The pooled value glued into the prose is recomputed here from the catalogue with
    statsmodels' combine_effects on the log-odds scale (DerSimonian-Laird).
    """
    import math

    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    from cxstats import catalogue

    nb = _notebook("how-much-do-reports-agree")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    series = re.findall(r'^    "([a-z0-9-]+)": "(?:intention|behaviour)",$', code, re.MULTILINE)
    assert len(series) >= 10
    with_base = [catalogue.get(s) for s in series if catalogue.get(s).ci_n is not None]
    counts = np.array([round(s.value / 100 * s.ci_n) for s in with_base], float)
    n = np.array([s.ci_n for s in with_base], float)
    effect = np.log(counts / (n - counts))
    variance = 1 / counts + 1 / (n - counts)
    res = combine_effects(effect, variance, method_re="chi2")
    frame = res.summary_frame()
    est = 100 / (1 + math.exp(-frame.loc["random effect", "eff"]))
    glued = _glued_values(nb)
    assert int(glued["k_pooled"]) == len(with_base) >= 2
    assert float(glued["pooled_est"]) == pytest.approx(est, rel=1e-6)
    assert float(glued["i2_pct"]) == pytest.approx(100 * res.i2, rel=1e-6)
    assert int(glued["n_listed"]) == len(series) - len(with_base)
    assert not {g for g in _glued(nb) if g.startswith("hypo")}, "a hypothetical pooled value is glued"
