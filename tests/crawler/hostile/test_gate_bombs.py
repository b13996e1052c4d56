"""Servers that compress despite ``Accept-Encoding: identity``: the gate decodes and caps the decoded size."""

from __future__ import annotations

import gzip
import resource
import zlib
from functools import cache
from pathlib import Path

import brotli
import pytest

from crawler.gate import NetworkGate
from crawler.safety import AddressPolicy, Scope
from crawler.unzip import BoundedDecoder, Undecodable
from tests.crawler.conftest import crawl
from tests.crawler.hostile.test_gate import fetch
from tests.crawler.sitekit import Site

LOOPBACK = AddressPolicy(allow_loopback=True)
BOMB_SIZE = 256 * 1024 * 1024  # decoded; the compressed body is about 250 KB


@cache
def bomb(coding: str) -> bytes:
    """A page of ``BOMB_SIZE`` bytes of markup, compressed (built once per coding, in chunks)."""
    unit = b"<p>" + "\u5927".encode() * 40 + b"</p>\n"
    chunk = unit * (1024 * 1024 // len(unit))
    if coding == "br":
        c = brotli.Compressor(quality=5)
        out = [c.process(b"<html><body>")] + [c.process(chunk) for _ in range(BOMB_SIZE // len(chunk))]
        return b"".join(out) + c.finish()
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [z.compress(b"<html><body>")] + [z.compress(chunk) for _ in range(BOMB_SIZE // len(chunk))]
    return b"".join(out) + z.flush()


def compressed(body: bytes, coding: str, ctype: str = "text/html; charset=utf-8"):  # type: ignore[no-untyped-def]
    return lambda _p: (200, {"Content-Type": ctype, "Content-Encoding": coding}, body)


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compression_bomb_is_cut_on_decoded_bytes(shop: Site, coding: str) -> None:
    body = bomb(coding)
    assert len(body) < 1024 * 1024
    shop.raw("/bomb.html", compressed(body, coding))
    cap = 2 * 1024 * 1024
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=cap, timeout=30) as gate:
        status, got = fetch(gate, shop.url("/bomb.html"))
    assert status == 200
    assert len(got) == cap  # identity bytes, never more than the cap
    assert got.startswith(b"<html><body><p>")
    assert "decompressed size over the browser cap" in gate.records.cuts[0]["reason"]


def test_a_small_compressed_page_is_passed_whole_as_identity(shop: Site) -> None:
    html = ("<html><body>" + "<p>本店正品</p>" * 500 + "</body></html>").encode()
    shop.raw("/small.html", compressed(gzip.compress(html), "gzip"))
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10) as gate:
        import http.client

        c = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=10)
        c.request("GET", shop.url("/small.html"))
        r = c.getresponse()
        got, coding = r.read(), r.getheader("Content-Encoding")
    assert got == html and coding is None
    assert not gate.records.cuts


@pytest.mark.parametrize(("coding", "reason"), [("gzip", "undecodable gzip"), ("zstd", "not decodable")])
def test_bad_or_unknown_codings_are_cut_and_recorded(shop: Site, coding: str, reason: str) -> None:
    shop.raw("/bad.html", compressed(b"\x1f\x8b\x08\x00garbage-not-gzip" * 10, coding))
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10) as gate:
        status, got = fetch(gate, shop.url("/bad.html"))
    assert status == 200 and got == b""
    assert reason in gate.records.cuts[0]["reason"]


def test_decoder_never_produces_more_than_its_limit() -> None:
    for coding, data in (("gzip", bomb("gzip")), ("br", bomb("br"))):
        d = BoundedDecoder(coding, 1000)
        out = b"".join(d.feed(data[i:i + 65536]) for i in range(0, len(data), 65536))
        assert len(out) == 1000 and d.over, coding
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    d = BoundedDecoder("deflate", 1 << 20)  # raw deflate, as some servers send it
    assert d.feed(raw.compress(b"hello") + raw.flush()) == b"hello" and not d.over
    with pytest.raises(Undecodable):
        BoundedDecoder("br", 100).feed(b"not brotli at all" * 4)


def test_the_browser_is_never_handed_a_bomb(shop: Site, tmp_path: Path) -> None:
    shop.page("/", "<html><head><title>店铺首页</title></head><body><h1>欢迎光临本店</h1>"
                   '<iframe src="/bomb.html"></iframe><script src="/bomb.js"></script>'
                   "<p>营业执照信息见页脚。</p></body></html>")
    shop.raw("/bomb.html", compressed(bomb("gzip"), "gzip"))
    shop.raw("/bomb.js", compressed(bomb("br"), "br", "application/javascript"))
    cap = 4 * 1024 * 1024
    outcome = crawl(shop.url("/"), tmp_path, render="always", max_pages=1, max_page_bytes=cap)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"crawl child and its browser, max RSS {rss_mb:.0f} MB")
    assert outcome.pages[0]["rendered"]
    assert outcome.status == "partial"
    details = {r["url"]: r["detail"] for r in outcome.summary["coverage"]}
    for path in ("/bomb.html", "/bomb.js"):
        assert "decompressed size over the browser cap" in details.get(shop.url(path), ""), details
    assert rss_mb < 1500  # 256 MB of markup per bomb decoded would be several GB of DOM in Chromium
