"""The subresources of a page: which URLs its HTML and CSS load (stylesheets, images, fonts, scripts),
and the rewriting that replays an archived page from the archive alone, as pywb does.

Both directions use the same reading of the markup, so what the crawl archives beside a page is
what the replay asks for. Pure functions over text or a parsed lxml document: no I/O.

Rewriting turns every reference (``src``, ``srcset``, stylesheet and icon ``href``, ``url(…)`` and
``@import`` in styles, link targets and form actions) into a URL of the replay endpoint given by the
caller, drops ``<base>`` and meta refreshes, and never leaves a reference to the live site: a
reference the archive does not hold is answered by the endpoint with 404, never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

# url(…) and @import "…" in CSS (quoted or not); group 2 or 4 is the reference
CSS_REF = re.compile(r"""url\(\s*(['"]?)([^'"()]*?)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
_SKIP = ("data:", "javascript:", "blob:", "about:", "mailto:", "tel:", "sms:", "#")
_LINK_RELS = {"stylesheet": "style", "icon": "image", "shortcut": "image", "apple-touch-icon": "image",
              "preload": "other", "prefetch": "other", "modulepreload": "script"}
_SRC_TAGS = {"img": "image", "script": "script", "source": "image", "input": "image", "video": "image",
             "audio": "other", "track": "other", "embed": "other"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _usable(ref: str) -> bool:
    return bool(ref) and not ref.lower().startswith(_SKIP)


def absolute(ref: str, base: str) -> str:
    """``ref`` made absolute against ``base``, without its fragment."""
    return urljoin(base, ref.strip()).split("#", 1)[0]


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (``a.png 1x, b.png 2x``)."""
    out = []
    for part in value.split(","):
        url = part.strip().split(" ", 1)[0].strip()
        if url:
            out.append(url)
    return out


def css_refs(css: str, base_url: str) -> list[str]:
    """Absolute URLs a stylesheet (or a ``style`` attribute) loads: ``url(…)`` and ``@import``."""
    out = []
    for m in CSS_REF.finditer(css):
        ref = (m.group(2) or m.group(4) or "").strip()
        if _usable(ref):
            out.append(absolute(ref, base_url))
    return out


def base_of(doc: Any, page_url: str) -> str:
    for b in doc.xpath("//base[@href]")[:1]:
        return urljoin(page_url, (b.get("href") or "").strip())
    return page_url


def html_refs(doc: Any, page_url: str) -> list[tuple[str, str]]:
    """``(absolute URL, kind)`` of what a parsed page loads, in document order, each URL once.

    kind: ``style`` (stylesheets), ``image``, ``script`` or ``other`` (fonts and images of
    stylesheets are found by :func:`css_refs` once the stylesheet is fetched).
    """
    base = base_of(doc, page_url)
    found: dict[str, str] = {}

    def add(ref: str | None, kind: str) -> None:
        if ref and _usable(ref.strip()):
            found.setdefault(absolute(ref, base), kind)

    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            kinds = [k for r, k in _LINK_RELS.items() if r in rels]
            if kinds:
                add(el.get("href"), kinds[0])
        elif tag in _SRC_TAGS:
            add(el.get("src"), _SRC_TAGS[tag])
            for url in srcset_urls(el.get("srcset") or ""):
                add(url, "image")
            if tag == "video":
                add(el.get("poster"), "image")
        elif tag == "style" and el.text:
            for url in css_refs(el.text, base):
                found.setdefault(url, "other")
        if tag and el.get("style"):
            for url in css_refs(el.get("style") or "", base):
                found.setdefault(url, "image")
        if tag in ("body", "table", "td", "th", "tr") and el.get("background"):
            add(el.get("background"), "image")
    return list(found.items())


def in_scope_refs(refs: Iterable[tuple[str, str]], in_scope: Callable[[str], bool]) -> list[tuple[str, str]]:
    return [(u, k) for u, k in refs if urlsplit(u).scheme in ("http", "https") and in_scope(u)]


# -- replay ---------------------------------------------------------------------------------------
Replay = Callable[[str], str]  # absolute archived URL -> URL of the replay endpoint


def rewrite_css(css: str, css_url: str, replay: Replay) -> str:
    """The stylesheet with each ``url(…)``/``@import`` pointing at the replay endpoint."""

    def sub(m: re.Match[str]) -> str:
        ref = (m.group(2) or m.group(4) or "").strip()
        if ref.lower().startswith("data:"):
            return m.group(0)
        target = replay(absolute(ref, css_url)) if _usable(ref) else "about:invalid"
        if m.group(4) is not None:
            return f'@import "{target}"'
        return f'url("{target}")'

    return CSS_REF.sub(sub, css)


_URL_ATTRS = ("src", "href", "poster", "action", "background", "data", "formaction")


def rewrite_html(html: str, page_url: str, replay: Replay) -> str:
    """The page's HTML with every reference sent to the replay endpoint (a derived view; the archived
    record stays the evidence). ``<base>`` and meta refreshes are removed; nothing points at the live
    site."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        doc = lxml_html.document_fromstring(html or "<html><body></body></html>")
    except (etree.ParserError, ValueError):
        doc = lxml_html.document_fromstring("<html><body></body></html>")
    base = base_of(doc, page_url)
    for el in list(doc.iter()):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:
            continue
        if tag == "base" or (tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh"):
            el.drop_tree()
            continue
        for attr in _URL_ATTRS:
            value = el.get(attr)
            if value is None:
                continue
            ref = value.strip()
            if ref.startswith("#") or ref.lower().startswith("data:"):
                continue
            el.set(attr, replay(absolute(ref, base)) if _usable(ref) else "about:invalid")
        for attr in ("srcset", "imagesrcset"):
            if el.get(attr):
                parts = []
                for part in (el.get(attr) or "").split(","):
                    bits = part.strip().split(" ", 1)
                    if bits[0]:
                        url = bits[0] if bits[0].lower().startswith("data:") else replay(absolute(bits[0], base))
                        parts.append(" ".join([url, *bits[1:]]))
                el.set(attr, ", ".join(parts))
        if el.get("style"):
            el.set("style", rewrite_css(el.get("style") or "", base, replay))
        if tag == "style" and el.text:
            el.text = rewrite_css(el.text, base, replay)
    return str(lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"))


def decode(body: bytes, content_type: str) -> str:
    """Text of an archived HTML or CSS body: the charset of its Content-Type, else of a ``<meta>``,
    else UTF-8 (GB2312 and GBK are read as their superset GB18030)."""
    charset = ""
    low = content_type.lower()
    if "charset=" in low:
        charset = low.split("charset=", 1)[1].split(";")[0].strip().strip("\"'")
    if not charset:
        m = _CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii", "replace").lower() if m else "utf-8"
    if charset in ("gb2312", "gbk", "x-gbk"):
        charset = "gb18030"
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")
