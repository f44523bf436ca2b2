"""Text for people: escaping for terminals, Markdown and MyST, and catalogue values with units.

Examples
--------
>>> from cxstats.presentation.text import escape_markdown, fmt_value
>>> escape_markdown("*x*"), fmt_value(80.0, "percent")
('\\\\*x\\\\*', '80%')
"""

from __future__ import annotations

import unicodedata

from cxstats.catalogue import fmt_value

__all__ = ["escape_markdown", "escape_terminal", "fmt_value", "md_text"]

_MD_SPECIAL = set("\\`*_{}[]()<>#+!|~")
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
    """Escape Markdown and HTML control characters so text shows literally.

    Examples
    --------
    >>> escape_markdown("<script>alert(1)</script> *x*")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\> \\\\*x\\\\*'
    """
    s = escape_terminal(text).replace("\n", " ")
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)



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
