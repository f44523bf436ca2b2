"""Small Sphinx extension for the cxstats handbook.

- Serves the Vega / Vega-Lite / vega-embed JavaScript from the book itself: at ``builder-inited``
  the self-contained bundle made by :func:`cxstats.presentation.charts.javascript_bundle` is written (once, then
  cached under ``_build/.cxstats``) to ``_static/cxstats-vega.js`` of the output, and every page
  holding a ``cx-chart`` loads it. No CDN is ever referenced.
- Warns (an error under ``-W``) when a page would load a script or stylesheet from the network.
- Serves itables' bundled DataTables code (``dt_bundle.js``/``.css``, from the itables wheel) and
  a loader, ``_static/cxstats-itables.js``, on every page holding an itables table (the catalogue
  explorer); no CDN.
- Writes the downloads of the catalogue: ``_static/cxstats-catalogue.zip`` (the Frictionless
  data package of :func:`cxstats.catalogue.export.export`) and ``_static/cxstats-catalogue.csv``
  (its ``statistics.csv``).
- Registers the pybtex style ``cxplain``: BibTeX's ``plain`` with "n.d." (no date) for a report
  whose publication year was not seen, instead of a missing-year warning (an error under ``-W``).
- Removes duplicated ``<script>`` tags: sphinx-thebe registers its inline configuration on every
  ``env-before-read-docs`` event, and a second ``const THEBE_JS_URL`` is a JavaScript error.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.util import logging

from cxstats.presentation import charts

logger = logging.getLogger(__name__)
_REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)


def _bundle_cache(app: Any) -> Path:
    # Keyed by package versions (read without importing altair or vl-convert: a warm build
    # with a cached bundle stays cheap).
    from importlib.metadata import version

    name = (f"vega-bundle-r{charts.BUNDLE_REVISION}-altair{version('altair')}"
            f"-vlc{version('vl-convert-python')}.js")
    return Path(app.doctreedir).parent / ".cxstats" / name


def _write_bundle(app: Any) -> None:
    if app.builder.format != "html":
        return
    cache = _bundle_cache(app)
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(charts.javascript_bundle(), encoding="utf-8")
        tmp.replace(cache)
    target = Path(app.outdir) / "_static" / charts.BUNDLE_NAME
    if not target.is_file() or target.stat().st_size != cache.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache, target)


ITABLES_LOADER = "cxstats-itables.js"
CATALOGUE_ZIP = "cxstats-catalogue.zip"
CATALOGUE_CSV = "cxstats-catalogue.csv"


def _write_itables(app: Any) -> None:
    if app.builder.format != "html":
        return
    from cxstats.presentation import display

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for path in display.itables_bundle_files():
        shutil.copyfile(path, static / path.name)
    (static / ITABLES_LOADER).write_text(display.itables_loader_js(), encoding="utf-8")


def _write_downloads(app: Any) -> None:
    if app.builder.format != "html":
        return
    import tempfile
    import zipfile

    from cxstats.catalogue.export import export

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        package = export(Path(tmp) / "cxstats-catalogue").parent
        with zipfile.ZipFile(static / CATALOGUE_ZIP, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(package.rglob("*")):
                if f.is_file():
                    # Fixed timestamps: the same catalogue gives the same zip.
                    info = zipfile.ZipInfo(f"cxstats-catalogue/{f.relative_to(package).as_posix()}",
                                           date_time=(2026, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, f.read_bytes())
        shutil.copyfile(package / "statistics.csv", static / CATALOGUE_CSV)


def _add_itables(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if "_itables_" in (context.get("body") or ""):
        app.add_css_file("dt_bundle.css", priority=200)
        app.add_js_file(ITABLES_LOADER, priority=200)


def _add_bundle(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if 'class="cx-chart"' in (context.get("body") or ""):
        app.add_js_file(charts.BUNDLE_NAME, priority=200)


def _dedupe(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if not files:
            continue
        seen: set[tuple] = set()
        unique = []
        for item in files:
            attrs = getattr(item, "attributes", {}) or {}
            name = getattr(item, "filename", None) or (str(item) if isinstance(item, str) else "")
            if _REMOTE.match(name or ""):
                # The book must work offline: a remote script (e.g. MathJax from a CDN when a
                # page uses $math$) is an error under -W.
                logger.warning("page %s loads %s from the network; the book must work offline",
                               pagename, name, type="cxbook", subtype="remote")
            ident = (name, tuple(sorted((k, str(v)) for k, v in attrs.items())))
            if ident in seen:
                continue
            seen.add(ident)
            unique.append(item)
        context[key] = unique


def _register_style() -> None:
    from pybtex.database import Entry
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as Plain

    class Style(Plain):
        def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
            if "year" not in entry.fields:
                dated = Entry(entry.type, fields={**entry.fields, "year": "n.d."},
                              persons=entry.persons)
                dated.key = entry.key
                entry = dated
            return super().format_entry(label, entry, bib_data=bib_data)

    register_plugin("pybtex.style.formatting", "cxplain", Style, force=True)


def setup(app: Any) -> dict[str, Any]:
    _register_style()
    # Notebook kernels started by the build inherit this: the page loads the vega bundle once,
    # so chart outputs leave it out (see cxstats.presentation.charts.show).
    os.environ[charts.PAGE_BUNDLE_ENV] = "1"
    app.connect("builder-inited", _write_bundle)
    app.connect("builder-inited", _write_itables)
    app.connect("builder-inited", _write_downloads)
    app.connect("html-page-context", _add_itables, priority=400)
    app.connect("html-page-context", _add_bundle, priority=400)
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
