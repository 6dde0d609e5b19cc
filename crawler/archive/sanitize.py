"""Article HTML made safe to publish: an nh3 allow-list, and no Markdown that makes markup.

A post body is HTML inside a Markdown file, so two parsers read it: kramdown when Jekyll
builds the site, then the browser. ``sanitize`` leaves neither anything that runs (scripts,
frames, plugins, forms, ``on*`` handlers, ``javascript:`` URLs), nor any Markdown link,
image or attribute list from which kramdown would make such markup. A body with nothing to
remove comes back unchanged, byte for byte: nh3 re-serializes what it cleans, and posts must
stay identical to what the old archive wrote.
"""

from __future__ import annotations

import re
import threading
from copy import deepcopy
from typing import NamedTuple
from urllib.parse import urljoin

import nh3

# The archive's markup: text, lists, tables, images, figures, and Eastmoney's layout tags.
TAGS = frozenset(nh3.ALLOWED_TAGS | {"tfoot", "section", "font", "big"})
# Removed together with their content: code, frames, plugins, raw text, foreign content.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed",
    "noframes", "template", "textarea", "select", "title", "xmp", "svg", "math",
})
SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "data"})  # data: only images (_keep)
# Schemes a browser runs: the pass that removes nothing keeps them, so removing one shows.
_RUNNABLE = frozenset({"javascript", "vbscript", "livescript", "mocha"})
_DATA_IMAGES = ("data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp")
# CSS that runs code (old IE, old Gecko) or imports it; escapes and comments could spell it.
_CSS_CODE = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:", "@import", "\\", "/*")
# Tags a fragment parse drops but a page keeps: their attributes land on the page's own
# <html>/<body> (``<body onload=…>``), so nh3 never sees what a browser would run.
_DOCUMENT_TAGS = frozenset({"html", "head", "body", "frameset"})
# Start or end tag names as html5ever reads them (a name ends at ASCII whitespace, / or >).
_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Doctype, CDATA, processing instruction: markup kramdown and browsers end differently.
_ODD_MARKUP = re.compile(r"<!(?!--)|<\?")
# A "<" that would start markup, re-serialized as text (it was text or in an attribute value).
_ESCAPED_MARKUP = re.compile(r"&lt;[A-Za-z/!?]")
_LT_ENTITY = re.compile(r"&(?:#|lt)", re.I)  # "<" spelled as an entity
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
# kramdown syntax that makes links, images or attributes: an inline link or image `](url)`,
# a reference definition `[id]: url`, an attribute list or extension `{: …}`. The entity
# shows as the same character, but kramdown no longer reads the syntax.
_MARKDOWN_SYNTAX = (("](", "&#93;("), ("]:", "&#93;:"), ("{:", "&#123;:"))


def _attributes() -> dict[str, set[str]]:
    allowed = deepcopy(nh3.ALLOWED_ATTRIBUTES)
    for tag, names in {
        "*": {"class", "id", "style", "title", "lang", "dir", "align", "valign", "width", "height", "target"},
        "a": {"rel", "name"},
        "img": {"border", "hspace", "vspace"},
        "table": {"border", "cellpadding", "cellspacing", "bgcolor"},
        "td": {"bgcolor", "nowrap"},
        "th": {"bgcolor", "nowrap"},
        "font": {"color", "size", "face"},
        "ol": {"type", "reversed"},
        "li": {"value"},
        "time": {"datetime"},
        "span": {"web", "href"},  # Eastmoney's quote links: <span web="1" href="…" class="em_stock_key_common">
    }.items():
        allowed.setdefault(tag, set()).update(names)
    return allowed


ATTRIBUTES = _attributes()  # plus every data-* attribute


class Sanitized(NamedTuple):
    html: str
    sanitized: bool  # changed to be safe (something taken out, re-serialized, Markdown defused)


class _Rebase:
    """nh3's ``url_relative``: relative links and images resolved against the article URL
    (fragment-only and scheme-relative ones, ``#x`` and ``//host/x``, work on the archive as
    they are). ``start`` sets the URL for one ``sanitize`` call (per thread: the cleaners
    are built once and shared); ``changed`` says whether a link was rewritten since."""

    def __init__(self):
        self._call = threading.local()

    def start(self, base_url: str | None) -> None:
        self._call.base_url, self._call.changed = base_url, False

    @property
    def changed(self) -> bool:
        return self._call.changed

    def __call__(self, url: str) -> str:
        base_url = getattr(self._call, "base_url", None)
        if not base_url or not url or url.startswith(("#", "//")):
            return url
        self._call.changed = True
        return urljoin(base_url, url)


def _keep(tag: str, attr: str, value: str) -> str | None:
    """nh3's attribute filter: drops data: URLs other than images, and CSS that runs code."""
    if attr == "style":
        compact = "".join(value.lower().split())
        return None if any(code in compact for code in _CSS_CODE) else value
    if attr in ("href", "src"):
        compact = "".join(ch for ch in value if ch > " ").lower()
        if compact.startswith("data:") and not (tag == "img" and compact.startswith(_DATA_IMAGES)):
            return None
    return value


def _everything_cleaner(tags: frozenset[str], rebase: _Rebase | str) -> nh3.Cleaner:
    """A pass that removes nothing a browser could run: every tag in ``tags``, every
    attribute, every runnable scheme, every comment."""
    return nh3.Cleaner(tags=tags, clean_content_tags=set(), attributes={}, generic_attribute_prefixes={""},
                       url_schemes=SCHEMES | _RUNNABLE, strip_comments=False, link_rel=None, url_relative=rebase)


# Built once: building a cleaner costs ten times what cleaning a short article does.
_REBASE = _Rebase()
_SAFE = nh3.Cleaner(tags=TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ATTRIBUTES,
                    generic_attribute_prefixes={"data-"}, url_schemes=SCHEMES, attribute_filter=_keep,
                    strip_comments=False, link_rel=None, url_relative=_REBASE)
_EVERYTHING = _everything_cleaner(TAGS, _REBASE)


def _tag_names(html: str) -> set[str]:
    return {name.translate(_ASCII_LOWER) for name in _TAG_NAME.findall(html)}


def _everything(html: str, names: set[str], rebase: _Rebase | str) -> str:
    """``html`` re-serialized by a pass that removes nothing a browser could run (the tags
    it ``names`` outside the allow-list included)."""
    if names <= TAGS and rebase is _REBASE:
        return _EVERYTHING.clean(html)
    return _everything_cleaner(TAGS | names, rebase).clean(html)


def _nothing_removed(html: str, cleaned: str) -> bool:
    """May ``html`` itself be published, ``cleaned`` being its sanitized form?

    Yes when ``cleaned`` equals ``_everything(html)`` and ``html`` is HTML that kramdown and
    a browser read alike. Checked besides the comparison:
    - no document-level tag (``_DOCUMENT_TAGS``): both passes drop it without a trace;
    - no doctype, CDATA or processing instruction, no ``<`` inside a comment, and no ``<``
      that could start markup read by html5ever as text or inside an attribute value:
      kramdown, which reads the post before the browser, does not parse HTML like one, and
      where it sees a tag (or no comment) the browser did not, it passes on as markup what
      the browser had read as text.
    """
    if cleaned == html:  # already as nh3 writes it: nothing removed, nothing odd
        return not any("<" in comment for comment in _COMMENT.findall(html))
    names = _tag_names(html)
    if names & _DOCUMENT_TAGS or _ODD_MARKUP.search(html):
        return False
    everything = _everything(html, names, _REBASE)
    if everything != cleaned or any("<" in comment for comment in _COMMENT.findall(everything)):
        return False
    if _ESCAPED_MARKUP.search(everything) and _LT_ENTITY.search(html):
        # Maybe an entity the source wrote: spelled out, only a raw "<" comes back as &lt;.
        spelled = html.replace("&", "&amp;")
        everything = _everything(spelled, _tag_names(spelled), "pass_through")
    return not _ESCAPED_MARKUP.search(everything)


def defuse_markdown(text: str) -> str:
    """``text`` with the kramdown syntax that could make links, images or attributes written
    as entities: shown the same, read by kramdown as plain text."""
    for syntax, entity in _MARKDOWN_SYNTAX:
        text = text.replace(syntax, entity)
    return text


def sanitize(html: str, base_url: str | None = None) -> Sanitized:
    """Article HTML (or a digest) safe to place in a post: ``html`` itself when nothing in it
    needed removing and no relative link needed ``base_url``, else nh3's re-serialization."""
    out, removed = html, False
    if "<" in html:  # else no markup: nothing for nh3 to remove (it would only escape & and >)
        _REBASE.start(base_url)
        cleaned = _SAFE.clean(html)
        removed = not _nothing_removed(html, cleaned)
        if removed or _REBASE.changed:
            out = cleaned
    safe = defuse_markdown(out)
    return Sanitized(safe, removed or safe != out)


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """``sanitize(html, base_url).html``."""
    return sanitize(html, base_url).html
