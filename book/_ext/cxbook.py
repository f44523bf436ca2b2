"""Small Sphinx extension for the cxstats handbook.

- Removes duplicated ``<script>`` tags: sphinx-thebe registers its inline configuration on every
  ``env-before-read-docs`` event, and a second ``const THEBE_JS_URL`` is a JavaScript error.
"""

from __future__ import annotations

from typing import Any


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
            ident = (name, tuple(sorted((k, str(v)) for k, v in attrs.items())))
            if ident in seen:
                continue
            seen.add(ident)
            unique.append(item)
        context[key] = unique


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
