"""Render-need detection and encoding detection (pure functions)."""

from __future__ import annotations

import pytest

from crawler.capture import bounded_decompress
from crawler.encoding import decode_body
from crawler.render import needs_render

FULL = "<p>" + "本店销售青海特产牦牛肉干、枸杞和藏茶，全场包邮，支持七天无理由退货。" * 10 + "</p>"


@pytest.mark.parametrize(("html", "reason"), [
    ("<html><body><div id='app'></div><script src='/js/app.3f2a.js'></script></body></html>", "little visible text"),
    (f"<html><body>{FULL}<div id='root'></div><script>1</script></body></html>", "single-page-app root"),
    (f"<html><body>{FULL}<noscript>请启用JavaScript</noscript><script>1</script></body></html>", "noscript"),
    (f"<html><body>{FULL}<a href='#/about'>关于</a><script>1</script></body></html>", "hash routing"),
    (f"<html><body>{FULL}<script>history.pushState({{}}, '', '/x')</script></body></html>", "history routing"),
    (f"<html><body>{FULL}<script>fetch('/api/price')</script></body></html>", "loads content"),
    (f"<html><body>{FULL}<script>f.innerHTML='营业执照'</script></body></html>", "inserts text"),
    (f"<html><body>{FULL}<main><div id='view'></div></main><script src='/js/goods.js'></script></body></html>",
     "single-page-app root"),  # an empty mount point an external script fills
    (f"<html><body>{FULL}<script type='application/json' id='goods'>{{\"title\": \"香奈儿 口盖包\"}}</script>"
     "<script src='/js/g.js'></script></body></html>", "data held in the page"),
])
def test_needs_render(html: str, reason: str) -> None:
    assert reason in needs_render(html)


@pytest.mark.parametrize("html", [
    f"<html><body>{FULL}</body></html>",  # no scripts at all
    f"<html><body>{FULL}<script>var _hmt = _hmt || [];</script></body></html>",  # analytics only
    "<html><body><p>短</p></body></html>",  # little text but no script
    # structured data describing what the page already shows
    f"<html><body>{FULL}<script type='application/ld+json'>{{\"name\": \"牦牛肉干\"}}</script></body></html>",
])
def test_no_render_needed(html: str) -> None:
    assert needs_render(html) == ""


@pytest.mark.parametrize(("text", "encoding", "declared"), [
    ("营业执照 镕 𠀀 退换货", "gb18030", "text/html; charset=gb2312"),  # GB2312 label, GB18030 bytes
    ("营业执照信息公示，七天无理由退货，售后服务热线。", "gbk", None),
    ("營業執照資訊公示，七天無理由退貨，售後服務專線。", "big5", None),
    ("营业执照", "utf-8", "text/html; charset=gbk"),  # wrong declaration: bytes win
])
def test_decode(text: str, encoding: str, declared: str | None) -> None:
    got, _enc = decode_body(f"<html><body>{text}</body></html>".encode(encoding), declared)
    assert text in got


def test_decode_meta_charset() -> None:
    html = '<html><head><meta charset="gb2312"></head><body>镕铢必较</body></html>'
    assert "镕铢必较" in decode_body(html.encode("gb18030"))[0]


def test_compression_bomb_is_bounded() -> None:
    import gzip

    bomb = gzip.compress(b"\0" * 50_000_000)
    data, cut = bounded_decompress(bomb, "gzip", 1_000_000)
    assert len(data) <= 1_000_000
    assert "over the limit" in cut
    ok, cut2 = bounded_decompress(gzip.compress(b"<p>hi</p>"), "gzip", 1000)
    assert ok == b"<p>hi</p>" and cut2 == ""
