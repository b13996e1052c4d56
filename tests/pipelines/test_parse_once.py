"""A page's HTML is parsed once: the spider's document serves link-finding and extraction."""

from __future__ import annotations

from typing import Any

import pytest

import extraction.page
from crawler.items import PageCapture
from extraction.dom import links_in, parse_html
from pipelines.extract import page_of

HTML = ("<html><head><title>高原好物</title></head><body><p>本店枸杞为国家级特供</p>"
        "<a href='/item/1.html'>枸杞</a></body></html>")


def test_extraction_reads_the_spiders_document_without_parsing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_html(HTML)
    assert [u for u, _t, _i in links_in(doc, "http://shop.example/")] == ["http://shop.example/item/1.html"]
    cap = PageCapture(url="http://shop.example/", request_url="http://shop.example/", status=200,
                      body=HTML.encode("utf-8"), headers=[("Content-Type", "text/html; charset=utf-8")])
    cap.doc = doc

    def second_parse(_html: str) -> Any:
        raise AssertionError("parsed twice")

    monkeypatch.setattr(extraction.page, "parse_html", second_parse)
    page = page_of(cap)
    assert page.title == "高原好物" and any("国家级" in b.text for b in page.blocks)
    assert [link.href for link in page.links] == ["http://shop.example/item/1.html"]


def test_without_a_document_the_body_is_decoded_and_parsed() -> None:
    cap = PageCapture(url="http://shop.example/", request_url="http://shop.example/", status=200,
                      body=HTML.encode("utf-8"), headers=[("Content-Type", "text/html; charset=utf-8")])
    assert page_of(cap).title == "高原好物"


def test_unparseable_html_gives_an_empty_document() -> None:
    assert links_in(parse_html("<?xml version='1.0'?>"), "http://shop.example/") == []
