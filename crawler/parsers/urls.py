"""Article URLs of generic sources: one canonical spelling, and the archive id made from it.

The same article reaches a crawl under many spellings (a feed's link with ``utm_*``
parameters, a sitemap's without, ``HTTP://News.Example`` vs ``http://news.example``, a
``#comments`` fragment); the canonical URL is what they all come down to, and the post
id is a hash of it, so each article is one post whichever source or spelling found it.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that only say where a click came from (analytics, ad and mail
# campaigns, share buttons), never which article a URL is.
_TRACKING = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|igshid|"
    r"mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|_ga|_gl|spm|scm|vero_id|oly_anon_id|oly_enc_id|"
    r"rb_clickid|s_cid|wt\.mc_id|cmpid|ncid)$",
    re.I,
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_NOT_ID = re.compile(r"[^a-z0-9]+")
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# The id: a readable prefix from the host and 16 hex digits (64 bits) of the URL's hash;
# at most 40 + 1 + 16 characters, well under the archive's 100.
_PREFIX_MAX = 40
_HASH_DIGITS = 16


def canonical_url(url: str, base: str = "") -> str:
    """``url`` (relative to ``base``) in its canonical spelling; "" when it is no http(s) URL.

    Absolute, scheme and host lower-cased, default port, user info and fragment dropped,
    tracking parameters removed and the others sorted (each kept as written: ``?123`` stays
    ``?123``, it is the link a post shows), non-ASCII and spaces percent-encoded with
    upper-case escapes (w3lib's ``safe_url_string``, as Scrapy's requests).
    """
    try:
        parts = urlsplit(safe_url_string(urljoin(base, (url or "").strip())))
        port = parts.port
    except ValueError:  # a port that is no number, a broken IPv6 host
        return ""
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.rstrip(".")
    host = f"[{host}]" if ":" in host else host  # IPv6
    netloc = f"{host}:{port}" if port is not None and str(port) != _DEFAULT_PORTS[scheme] else host
    pairs = sorted(p for p in parts.query.split("&") if p and not _TRACKING.match(p.partition("=")[0]))
    return urlunsplit((scheme, netloc, _upper_escapes(parts.path or "/"), _upper_escapes("&".join(pairs)), ""))


def _upper_escapes(text: str) -> str:
    return _ESCAPE.sub(lambda m: m.group(0).upper(), text)


def resolve_canonical(url: str, declared: str | None) -> str:
    """The canonical URL of a fetched page: its ``rel=canonical`` when it names one, else ``url``.

    A declared canonical that is the site's home page while ``url`` is not is a CMS
    template bug (every article would become one post), so it is ignored.
    """
    own = canonical_url(url)
    found = canonical_url(declared or "", base=url)
    if not found:
        return own
    if urlsplit(found).path == "/" and not urlsplit(found).query and urlsplit(own).path != "/":
        return own
    return found


def article_id(canonical: str) -> str:
    """Archive id of a canonical URL: host-derived prefix + hash, ``[a-z0-9-]``, at most 57 characters.

    The same on every run and machine. The hash skips the scheme, so ``http://`` and
    ``https://`` spellings of one page are one article.
    """
    parts = urlsplit(canonical)
    host = (parts.hostname or "").removeprefix("www.")
    prefix = _NOT_ID.sub("-", host)[:_PREFIX_MAX].strip("-")
    digest = hashlib.sha256(canonical.partition(":")[2].encode("utf-8")).hexdigest()[:_HASH_DIGITS]
    return f"{prefix}-{digest}" if prefix else digest
