"""A pop-up the page's script builds itself on a timer, with no close control, is a forced pop-up (Art. 15(8));
one with a close control, or a notice that advertises nothing, is not."""

from __future__ import annotations

import json
from pathlib import Path

from analyzers.engine import analyze_page
from extraction.page import extract_page

FIXTURE = Path(__file__).parent / "fixtures" / "script_built_popup"


def test_a_timer_built_unclosable_ad_layer_is_a_forced_popup() -> None:
    meta = json.loads((FIXTURE / "meta.json").read_text("utf-8"))
    page = extract_page((FIXTURE / "input.html").read_text("utf-8"), meta["url"], is_home=True, kind="home")
    found = [f for f in analyze_page(page) if f.category == "harassing_ads"]
    assert [(f.rule_id, f.location.selector) for f in found] == [("ADS-UNCLOSABLE-OVERLAY", "script:popup()")]
    assert "限时秒杀" in found[0].match and found[0].article


def test_without_a_timer_nothing_is_built_by_itself() -> None:
    html = ("<html><body><button onclick='show()'>看优惠</button><script>function show(){var d=document.createElement('div');"
            "d.innerHTML='<p>限时秒杀 立即抢购</p>';document.body.appendChild(d);}</script></body></html>")
    page = extract_page(html, "http://shop.example.cn/", is_home=True, kind="home")
    assert [f for f in analyze_page(page) if f.category == "harassing_ads"] == []
