"""Text clean-up shared by the normalize pipeline and the archive reader."""

from __future__ import annotations

import html
import re

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_HEADLINE = re.compile(r"^\s*【[^】]*】")
_ENDRAW = re.compile(r"\{%(?=-?\s*endraw)")
_LIQUID = re.compile(r"\{\{|\{%")
_RAW_OPEN, _RAW_CLOSE = "{% raw %}", "{% endraw %}"
_ESCAPED_ENDRAW = '{% endraw %}{{ "{%" }}{% raw %}'
INDENT = "\u3000\u3000"


def clean_title(title: str) -> str:
    """One line of plain text: entities decoded, control characters gone, whitespace single."""
    text = html.unescape(title or "")
    text = _CONTROL.sub("", text)
    return _WS.sub(" ", text).strip()


def strip_headline(digest: str) -> str:
    """A rolling-news digest without its leading ``【headline】``."""
    return _HEADLINE.sub("", digest or "", count=1).strip()


def clean_body(body: str) -> str:
    """Article HTML as the archive stores it: no full-width indents, LF line ends."""
    text = (body or "").replace(INDENT, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def protect_liquid(text: str) -> str:
    """Wrap text holding Liquid markers in ``{% raw %}`` so a Jekyll build keeps it literal.

    A literal ``{% endraw %}`` inside would close the raw block early, so its ``{%`` is
    emitted through a Liquid string and the block reopened right after it.
    """
    if not _LIQUID.search(text):
        return text
    return _RAW_OPEN + _ENDRAW.sub(_ESCAPED_ENDRAW, text) + _RAW_CLOSE


def unprotect_liquid(text: str) -> str:
    """The text ``protect_liquid`` was given (for archived posts read back and re-written)."""
    if not (text.startswith(_RAW_OPEN) and text.endswith(_RAW_CLOSE)):
        return text
    inner = text[len(_RAW_OPEN) : -len(_RAW_CLOSE)]
    return inner.replace(_ESCAPED_ENDRAW, "{%")
