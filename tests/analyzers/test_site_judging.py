"""Page-level judging of forms and script-built pop-ups, from real HTML through extraction."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_site
from analyzers.scripts import trigger_at
from extraction.page import extract_page

ORDER = """<html><head><meta charset="utf-8"><title>填写订单</title></head><body><main>
<form action="/order" method="post">
<p>收货人：<input name="n" required> 手机：<input name="m" required></p>
{extra}
<button>提交订单</button></form>{after}</main></body></html>"""


def _rules(html: str, url: str = "http://shop.example.cn/order.html", **kw: object) -> list[tuple[str, str]]:
    page = extract_page(html, url, **kw)  # type: ignore[arg-type]
    return sorted((f.rule_id, f.match) for f in analyze_site([page], None) if f.category in ("privacy", "harassing_ads"))


def test_form_labelled_by_the_words_before_its_fields() -> None:
    html = ORDER.format(extra="<p>身份证号码（必填）：<input name='x1'></p>"
                              "<table><tr><td>银行卡取款密码</td><td><input type='password' name='x3'></td></tr></table>",
                        after="")
    fired = _rules(html)
    assert ("PRIV-EXCESSIVE-DATA", "身份证号码（必填）：") in fired
    assert ("PRIV-EXCESSIVE-DATA", "银行卡取款密码") in fired
    assert any(r == "PRIV-NO-POLICY" for r, _ in fired)


def test_id_photo_upload_is_an_excessive_demand() -> None:
    fired = _rules(ORDER.format(extra="<p>上传身份证正反面照片 <input type='file' name='img'></p>", after=""))
    assert ("PRIV-EXCESSIVE-DATA", "上传身份证正反面照片") in fired


def test_lawful_checkout_form_with_privacy_link_raises_nothing() -> None:
    html = ORDER.format(extra="<p>收货地址：<input name='a'></p>",
                        after="<p><a href='/privacy.html'>隐私政策</a></p>")
    assert _rules(html) == []


def test_fields_that_each_say_what_they_are_for_are_a_notice() -> None:
    form = ("<html><body><form action='/reg'><p>手机号（用于登录和接收订单通知） <input name='m'></p>"
            "<button>注册</button></form></body></html>")
    assert _rules(form) == []
    assert [r for r, _ in _rules(form.replace("（用于登录和接收订单通知）", ""))] == ["PRIV-NO-POLICY"]


def test_cross_border_order_may_ask_the_id_number() -> None:
    html = ORDER.format(extra="<p>跨境商品清关需要，收件人身份证号：<input name='x'></p>",
                        after="<p><a href='/privacy.html'>隐私政策</a></p>")
    assert _rules(html) == []


MASK = """<div id="mask" style="position:fixed;left:0;top:0;width:100%;height:100%;display:none">
<p>恭喜您被抽中！添加客服微信立领300元券</p><p>（领取后窗口自动关闭）</p></div>"""


@pytest.mark.parametrize("rendered", [False, True])
def test_layer_shown_on_a_timer_without_close_control(rendered: bool) -> None:
    script = ("<script>function showAd(){document.getElementById('mask').style.display='block';}"
              "setInterval(showAd, 15000);"
              "document.addEventListener('keydown',function(e){e.preventDefault();showAd();});</script>")
    fired = _rules(ORDER.format(extra="", after=MASK + script + "<a href='/privacy.html'>隐私政策</a>"),
                   rendered=rendered)
    assert [r for r, _ in fired] == ["ADS-UNCLOSABLE-OVERLAY"]


@pytest.mark.parametrize(("layer", "script"), [
    # a close button
    ('<div id="pop" style="display:none"><p>新人领券</p><span class="btn-close">×</span></div>',
     "setTimeout(function(){document.getElementById('pop').style.display='block'},2000)"),
    ('<div id="pop" style="display:none"><p>新人领券</p><button>关闭</button></div>',
     "window.onload=function(){document.getElementById('pop').style.display='block'}"),
    # the script closes it itself (a handler on the mask)
    ('<div id="pop" style="display:none"><p>本店春节期间正常发货</p></div>',
     "setTimeout(function(){document.getElementById('pop').style.display='block'},500);"
     "document.getElementById('pop').onclick=function(){this.style.display='none'}"),
    # a counter a timer updates, next to a layer that can be closed
    ('<b id="buyers">12867</b><div id="pop" style="display:none"><p>新人领券</p><a class="close">×</a></div>',
     "var n=1;setInterval(function(){document.getElementById('buyers').innerText=n++;},1500);"
     "function show(){document.getElementById('pop').style.display='block';} setTimeout(show, 800);"),
    # shown only on the visitor's click
    ('<div id="size" style="display:none"><p>尺码对照表 S 160/84A</p></div>',
     "document.getElementById('btn').addEventListener('click',function(){"
     "document.getElementById('size').style.display='block'})"),
])
def test_layers_that_can_be_closed_or_wait_for_a_click_raise_nothing(layer: str, script: str) -> None:
    html = ORDER.format(extra="", after=layer + f"<script>{script}</script><a href='/privacy.html'>隐私政策</a>")
    assert _rules(html) == []


@pytest.mark.parametrize("rendered", [False, True])
def test_a_layer_whose_closing_only_schedules_it_back(rendered: bool) -> None:
    layer = ('<div id="flash" style="position:fixed;left:0;top:0;width:100%;height:100%;display:none">'
             "<p><b>限时秒杀！黄金克价直降80元，立即抢购</b></p></div>")
    back = ("<script>(function(){var f=document.getElementById('flash');f.style.display='block';"
            "f.addEventListener('click',function(e){if(e.target===f){f.style.display='none';"
            "setTimeout(function(){f.style.display='block';},5000);}});})();</script>")
    html = ORDER.format(extra="", after=layer + back + "<a href='/privacy.html'>隐私政策</a>")
    assert [r for r, _ in _rules(html, rendered=rendered)] == ["ADS-UNCLOSABLE-OVERLAY"]
    # closed for good: the click hides it and nothing brings it back
    once = back.replace("setTimeout(function(){f.style.display='block';},5000);", "")
    assert _rules(ORDER.format(extra="", after=layer + once + "<a href='/privacy.html'>隐私政策</a>"),
                  rendered=rendered) == []


def test_a_layer_with_a_close_button_that_a_timer_shows_again() -> None:
    layer = ('<div id="ad" style="position:fixed;left:0;top:0;right:0;bottom:0;display:none">'
             '<p>限时秒杀！关注公众号领100元无门槛券</p><span id="x">×</span></div>')
    back = ("<script>function showAd(){document.getElementById('ad').style.display='block';}"
            "document.getElementById('x').onclick=function(){document.getElementById('ad').style.display='none';"
            "setTimeout(showAd,6000);};setTimeout(showAd,800);</script>")
    html = ORDER.format(extra="", after=layer + back + "<a href='/privacy.html'>隐私政策</a>")
    assert [r for r, _ in _rules(html)] == ["ADS-UNCLOSABLE-OVERLAY"]
    once = back.replace("setTimeout(showAd,6000);", "")
    assert _rules(ORDER.format(extra="", after=layer + once + "<a href='/privacy.html'>隐私政策</a>")) == []


def test_timer_window_open_on_a_rendered_page_the_browser_did_not_see() -> None:
    script = ("<script>setInterval(function(){window.open('order.html','_blank');}, 20000);"
              "document.addEventListener('keydown',function(e){e.preventDefault();});</script>")
    html = ORDER.format(extra="", after=script + "<a href='/privacy.html'>隐私政策</a>")
    assert [r for r, _ in _rules(html, rendered=True)] == ["ADS-POPUP-SCRIPT"]
    seen = [{"kind": "window_open", "detail": "order.html"}]
    # once the browser saw the window, only ADS-SELF-OPENING-WINDOW reports it
    assert [r for r, _ in _rules(html, rendered=True, events=seen)] == ["ADS-SELF-OPENING-WINDOW"]


@pytest.mark.parametrize(("code", "want"), [
    ("setTimeout(function(){ X }, 3000)", "auto"),
    ("window.onload = function () { X }", "auto"),
    ("function ad(){ X } setInterval(ad, 9000)", "auto"),
    ("function ad(){ X } window.onload=function(){ ad(); }", "auto"),
    ("btn.addEventListener('click', function(){ X })", "user"),
    ("setInterval(tick, 1000); function share(){ X } btn.onclick = share", ""),
    ("X", ""),
])
def test_trigger_of_a_call(code: str, want: str) -> None:
    assert trigger_at(code, code.index("X")) == want
