"""One parse of a page's HTML (lxml), shared by link-finding (the spider) and extraction (the page
model): no analyzer types here, so crawler/ and spiders/ may use it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html


def parse_html(html: str) -> Any:
    """The document of ``html``; an empty document for empty or unparseable input."""
    if not html or not html.strip():
        return lxml_html.document_fromstring("<html><body></body></html>")
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        cleaned = re.sub(r"^<\?xml[^>]*>", "", html.strip())
        try:
            return lxml_html.document_fromstring(cleaned or "<html><body></body></html>")
        except (etree.ParserError, ValueError):
            return lxml_html.document_fromstring("<html><body></body></html>")


def links_in(doc: Any, base_url: str) -> list[tuple[str, str, str]]:
    """``(absolute URL, anchor text, image src)`` of every link in a parsed page (and meta refresh)."""
    base = base_url
    for b in doc.xpath("//base[@href]")[:1]:
        base = urljoin(base_url, b.get("href", "").strip())
    out: list[tuple[str, str, str]] = []
    for a in doc.xpath("//a[@href] | //area[@href]"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "sms:")):
            continue
        if href.startswith("#") and not href.startswith(("#/", "#!")):
            continue
        url = urljoin(base, href)
        text = " ".join(a.text_content().split())[:200] if a.tag == "a" else (a.get("alt") or "")
        img = a.find(".//img")
        src = urljoin(base, img.get("src", "")) if img is not None and img.get("src") else ""
        if not text and img is not None:
            text = img.get("alt", "") or img.get("title", "")
        out.append((url, text, src))
    for m in doc.xpath("//meta[@http-equiv]"):
        if (m.get("http-equiv") or "").lower() == "refresh":
            content = m.get("content") or ""
            if "url=" in content.lower():
                target = content[content.lower().index("url=") + 4:].strip().strip("'\"")
                out.append((urljoin(base, target), "meta refresh", ""))
    return out
