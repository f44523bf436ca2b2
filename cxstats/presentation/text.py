"""Text for people: escaping for terminals, Markdown and MyST, and catalogue values with units.

Examples
--------
>>> from cxstats.presentation.text import escape_markdown, fmt_value
>>> escape_markdown("*x*"), fmt_value(80.0, "percent")
('\\\\*x\\\\*', '80%')
"""

from __future__ import annotations

import re
import unicodedata

from cxstats.catalogue import fmt_value

__all__ = ["escape_markdown", "escape_terminal", "fmt_value", "md_text"]

_MD_SPECIAL = set("\\`*_{}[]()<>#+!|~")
# Characters that open a block only at the start of a line (colon fence or definition, MyST
# comment, list item or thematic break, setext heading); escaped there, left alone elsewhere.
_BLOCK_LEAD = set(":%-=")
_ORDERED_ITEM = re.compile(r"[0-9]+(?=[.)])")
# Control, format, surrogate, private-use, unassigned, line and paragraph separator characters.
_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def escape_terminal(text: object) -> str:
    """Make text safe for a terminal: control characters are shown as escapes.

    Examples
    --------
    >>> escape_terminal("ok\\x1b[31m red")
    'ok\\\\x1b[31m red'
    """
    out = []
    for ch in str(text):
        if ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in _UNSAFE and ch != "\u200d":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def escape_markdown(text: object) -> str:
    """Escape Markdown and HTML so text shows literally, inline or at the start of a line.

    The text becomes one line (newlines turn into spaces, leading blanks are dropped so it cannot
    become an indented code block). Inline markup characters are backslash-escaped everywhere;
    a leading block marker (``:::``, ``%``, ``-``, ``=``, ``1.``; ``#``, ``>``, ``+``, ``*``,
    backticks and ``~`` are escaped anyway) is escaped too, so a field that starts with
    ``::: note`` cannot open a MyST fence and swallow the page.

    Examples
    --------
    >>> escape_markdown("<script>alert(1)</script> *x*")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\> \\\\*x\\\\*'
    >>> print(escape_markdown("::: note"), escape_markdown("% hidden"), escape_markdown("1. item"))
    \\::: note \\% hidden 1\\. item
    """
    s = escape_terminal(text).replace("\n", " ").lstrip()
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)
    item = _ORDERED_ITEM.match(out)
    if item:
        return out[:item.end()] + "\\" + out[item.end():]
    return "\\" + out if out[:1] in _BLOCK_LEAD else out


def md_text(text: object) -> str:
    """Escape text for MyST Markdown in the book: Markdown, HTML, ``$`` (math) and ``&``.

    Builds on :func:`escape_markdown`; a claim containing ``<script>`` or ``$100``
    shows literally.

    Examples
    --------
    >>> md_text("costs over $100 & <b>more</b>")
    'costs over \\\\$100 \\\\& \\\\<b\\\\>more\\\\</b\\\\>'
    """
    return "".join("\\" + ch if ch in "$&" else ch for ch in escape_markdown(text))
