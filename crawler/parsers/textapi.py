"""The share page's text API (GetNewsText.do): article HTML under ``text`` or ``content``."""

from __future__ import annotations

from crawler.parsers import SourceError
from crawler.parsers.lists import unwrap_json


def parse_text_api(text: str) -> str:
    """The article HTML, or ``""`` when the API knows no text for the code.

    Raises SourceError for a response that is not the API's JSON at all, so the caller
    can tell "this article has no text here" from "this response is broken".
    """
    data = unwrap_json(text)
    for key in ("text", "content"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""
