"""Elements page scripts show — pop-up layers, masks, floating ads — read from the DOM.

A page that shows a layer by itself and gives it no close control is a forced pop-up (广告法 第四十四条:
弹出广告应当显著标明关闭标志，确保一键关闭). Extraction records the facts (which element, its text,
whether it holds a close control); the rules (``analyzers.rules.code``) judge when the script shows it.
"""

from __future__ import annotations

import re
from typing import Any

from analyzers.model import Overlay

_WS = re.compile(r"\s+")


def norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


_SHOWN_ID = re.compile(r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)|querySelector\(\s*['"]#([\w-]+)['"]\s*\)"""
                       r"""|\$\(\s*['"]#([\w-]+)['"]\s*\)""")
_SHOWS = re.compile(r"""\.style\.display\s*=\s*['"](?:block|flex|grid|inline-block|table)|\.(?:show|fadeIn|slideDown)\s*\("""
                    r"""|classList\.(?:add|toggle)\(\s*['"](?:show|open|active|visible|in)['"]""")
_CLOSE_WORDS = re.compile(r"^(?:[×✕✖xX]|关闭|关 闭|close|跳过|取消|我知道了|知道了|不再(?:提示|显示)|稍后再说|残忍拒绝|不感兴趣|暂不)"
                          r"(?:广告|窗口)?$", re.I)
_CLOSE_NAMES = re.compile(r"close|guanbi|dismiss|shut", re.I)
_HIDES = re.compile(r"""display\s*=\s*['"]none|\.remove\(|\.hide\(|fadeOut|close|classList\.remove""", re.I)
MAX_OVERLAYS = 20


def _closable(el: Any) -> bool:
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        names = " ".join((node.get("id") or "", node.get("class") or "", node.get("aria-label") or ""))
        if _CLOSE_NAMES.search(names) or _HIDES.search(node.get("onclick") or ""):
            return True
        if node.tag in ("button", "a", "span", "i", "b", "div", "em") and _CLOSE_WORDS.match(norm(node.text_content())):
            return True
    return False


def shown_elements(doc: Any, scripts: list[str], paths: dict[Any, str]) -> tuple[Overlay, ...]:
    """Elements a script addresses by id and shows (display=block, .show(), classList.add('show')),
    with their text and whether they hold a close control; rules judge when and how they are shown."""
    code = "\n".join(scripts)
    if not code or not _SHOWS.search(code):
        return ()
    ids = dict.fromkeys(_named(m) for m in _SHOWN_ID.finditer(code))
    out: list[Overlay] = []
    for element_id in ids:
        if len(out) >= MAX_OVERLAYS:
            break
        found = doc.xpath("//*[@id=$i]", i=element_id)
        if not found or found[0].tag in ("body", "html", "main"):
            continue
        el = found[0]
        text = norm(" ".join(el.itertext()))[:300]
        if text:
            recurs = _AD_WORDS.search(text) is not None and _reshown(code, element_id)
            out.append(Overlay(element_id=element_id, text=text, closable=False if recurs else _closable(el),
                               path=paths.get(el, ""), defeat="recurs" if recurs else ""))
    return tuple(out)


def _named(ref: re.Match[str]) -> str:
    """The element id a getElementById / querySelector / $('#…') reference names."""
    return next(g for g in ref.groups() if g)


# hidden, then shown again by a timer (f.style.display='none'; setTimeout(function(){f.style.display='block'}, 5000)):
# closing the layer only schedules it back
# a timer's callback (function(){… / () => …) that shows an element, up to the statement that shows it
_CALLBACK_SHOWS = (r"""\s*\(\s*(?:function\s*\([^)]*\)|\([^)]*\)\s*=>)\s*\{?[^}]{0,160}?"""
                   r"""(?:\.style\.display\s*=\s*['"](?:block|flex|grid)|\.show\(|\.fadeIn\(|classList\.add\()""")
_RESHOWN = re.compile(r"""display\s*=\s*['"]none['"]\s*;?\s*set(?:Timeout|Interval)""" + _CALLBACK_SHOWS)
# or shown again every few seconds whatever the visitor did (setInterval(function(){ad.style.display='block'},8000))
_REPEATED = re.compile(r"setInterval" + _CALLBACK_SHOWS)
_SHOW_FN = re.compile(r"function\s+([\w$]+)\s*\([^)]*\)\s*\{([^{}]{0,400})\}")
# a variable holding the element (var ad = document.getElementById('ad'), x = …): the timer shows it by that name
_ALIAS = re.compile(r"""(?:^|[\s,;({])([A-Za-z_$][\w$]*)\s*=\s*(?:document\.)?(?:getElementById\(\s*['"]([\w-]+)['"]\s*\)"""
                    r"""|querySelector\(\s*['"]#([\w-]+)['"]\s*\))""")
_SHOWN_VAR = re.compile(r"""([A-Za-z_$][\w$]*)\s*\.\s*(?:style\.display\s*=\s*['"](?:block|flex|grid)|show\(|fadeIn\(|classList\.add\()""")


def _shows_it(code: str, m: re.Match[str], element_id: str, aliases: dict[str, str]) -> bool:
    """The statement a timer runs shows ``element_id``: by id there, by a variable holding it, or (the close
    handler's element) by the nearest element the code addressed before."""
    inside = [_named(r) for r in _SHOWN_ID.finditer(m.group())]
    if inside:
        return inside[-1] == element_id
    shown = [aliases.get(v.group(1)) for v in _SHOWN_VAR.finditer(m.group())]
    if any(shown):
        return element_id in shown
    refs = list(_SHOWN_ID.finditer(code, max(0, m.start() - 400), m.start()))
    return bool(refs) and _named(refs[-1]) == element_id


def _reshown(code: str, element_id: str) -> bool:
    code = code[:200_000]
    aliases = {a.group(1): a.group(2) or a.group(3) for a in _ALIAS.finditer(code)}
    for m in [*_RESHOWN.finditer(code), *_REPEATED.finditer(code)]:
        if _shows_it(code, m, element_id, aliases):
            return True
    # a function that shows it (function showAd(){…getElementById('ad').style.display='block'}) called by a
    # repeating timer, or by a timer the close handler sets (…display='none';setTimeout(showAd,6000))
    for fn in _SHOW_FN.finditer(code):
        name, body = fn.group(1), fn.group(2)
        if not _SHOWS.search(body) or not any(_named(r) == element_id for r in _SHOWN_ID.finditer(body)):
            continue
        if re.search(rf"setInterval\s*\(\s*{re.escape(name)}\b", code) or re.search(
                rf"""display\s*=\s*['"]none['"]\s*;?\s*setTimeout\s*\(\s*{re.escape(name)}\b""", code):
            return True
    return False


# A layer the script builds itself (createElement … innerHTML = '<h2>限时秒杀…</h2>' … appendChild) in a function
# a timer calls (setTimeout(popup, 1500), setInterval(popup, 20000)): no element in the HTML to address, so
# the facts are read from the script — the layer's text and whether its markup holds a close control.
_BUILDER = re.compile(r"function\s+([\w$]+)\s*\([^)]*\)\s*\{(.{0,2000}?)\n?\s*\}", re.S)
_INNER = re.compile(r"""\.innerHTML\s*=\s*(['"])(.*?)(?<!\\)\1""", re.S)
_TAG_TEXT = re.compile(r">([^<>]*)<")
# innerHTML = '<div>…' + '<span>…</span></div>'; : the whole concatenation, then each literal in it
_INNER_EXPR = re.compile(r"""\.innerHTML\s*=\s*((?:(['"])(?:.*?)(?<!\\)\2\s*\+?\s*)+)""", re.S)
_LITERAL = re.compile(r"""(['"])(.*?)(?<!\\)\1""", re.S)
_CLOSE_MARKUP = re.compile(r"""(?:id|class|aria-label)\s*=\s*\\?['"][^'"]*(?:close|guanbi|dismiss|shut)|onclick\s*=""", re.I)
# what an advertising layer says (a notice or an age gate does not)
_AD_WORDS = re.compile(r"秒杀|抢购|领券|领取|优惠|折|扫码|加微|微信|立即|限时|红包|中奖|下载|特价|[¥￥]\s*\d|\d\s*元|0元|免费"
                       r"|大促|促销|特惠|包邮|买[一二三四五\d]送[一二三四五\d]|送[一二三四五\d]|福利|爆款")
_ALT = re.compile(r"""\balt\s*=\s*\\?['"]([^'"\\]{1,120})""")
# a close-looking control (×, 关闭, id …close…/…x…) whose click handler does something other than hide the layer
_FAKE_CLOSE = re.compile(r"""getElementById\(\s*['"]([\w-]*(?:close|Close|X|x|guanbi)[\w-]*)['"]\s*\)\.onclick\s*=\s*function\s*\([^)]*\)\s*"""
                         r"""\{([^}]{0,300}?(?:location|window\.open|\.href\s*=)[^}]{0,200})\}""")
SCRIPT_BUILT = "script-built:"  # element_id prefix of a layer the script builds (no id of its own in the HTML)


def _layer_text(code: str) -> tuple[str, list[str], str]:
    """The markup a script writes with innerHTML, its text pieces, and their text as a reader sees it (bounded)."""
    markup = " ".join(lit.group(2) for x in _INNER_EXPR.finditer(code) for lit in _LITERAL.finditer(x.group(1)))
    pieces = [norm(t) for t in _TAG_TEXT.findall(f">{markup}<") if norm(t)]
    pieces += [norm(a) for a in _ALT.findall(markup) if norm(a)]  # an ad in an image says it in its alt text
    return markup, pieces, " ".join(pieces)[:300]


def built_layers(scripts: list[str]) -> tuple[Overlay, ...]:
    """Layers built by a function that a timer calls, with their text and whether they can be closed."""
    code = "\n".join(scripts)
    if "createElement" not in code or "appendChild" not in code or not re.search(r"set(?:Timeout|Interval)\s*\(", code):
        return ()
    out: list[Overlay] = []
    for m in _BUILDER.finditer(code):
        name, body = m.group(1), m.group(2)
        if "createElement" not in body or "appendChild" not in body:
            continue
        if not re.search(rf"set(?:Timeout|Interval)\s*\([^;]{{0,120}}?\b{re.escape(name)}\b", code) and not re.search(
                rf"set(?:Timeout|Interval)\s*\(\s*function\s*\([^)]*\)\s*\{{.{{0,240}}?\b{re.escape(name)}\s*\(", code, re.S):
            continue
        markup, pieces, text = _layer_text(body)
        if not text or not _AD_WORDS.search(text):
            continue
        closable = bool(_CLOSE_MARKUP.search(markup)) or any(_CLOSE_WORDS.match(p) for p in pieces) \
            or bool(re.search(r"\.remove\(|removeChild|display\s*=\s*['\"]none", body))
        defeat = ""
        fake = next((f for f in _FAKE_CLOSE.finditer(code) if re.search(rf"""id\s*=\s*\\?['"]{re.escape(f.group(1))}\\?['"]""", markup)
                     and not re.search(r"\.remove\(|removeChild|display\s*=\s*['\"]none", f.group(2))), None)
        if fake is not None:
            defeat, closable = "fake_close", False  # the × takes the visitor somewhere instead of closing
        elif re.search(rf"setInterval\s*\(\s*(?:function\s*\([^)]*\)\s*\{{.{{0,240}}?\b{re.escape(name)}\s*\(|{re.escape(name)}\s*,)",
                       code, re.S):
            defeat, closable = "recurs", False  # shown again by a timer however often it is closed
        out.append(Overlay(element_id=f"{SCRIPT_BUILT}{name}", text=text, closable=closable, path=f"script:{name}()",
                           defeat=defeat))
        if len(out) >= MAX_OVERLAYS:
            break
    if not out:
        out.extend(_reinserted_layers(scripts))
    return tuple(out)


# a layer built when the script loads, that a timer puts back whenever it is gone:
# setInterval(function(){ if(!document.getElementById('adbox')) document.body.appendChild(a); }, 2000)
_REINSERT = re.compile(r"setInterval\s*\(\s*function\s*\([^)]*\)\s*\{[^}]{0,200}?getElementById\(\s*['\"]([\w-]+)['\"]\s*\)"
                       r"[^}]{0,120}?appendChild\(")


def _reinserted_layers(scripts: list[str]) -> list[Overlay]:
    out: list[Overlay] = []
    for code in scripts:
        m = _REINSERT.search(code)
        if m is None or not re.search(rf"""\.id\s*=\s*['"]{re.escape(m.group(1))}['"]""", code):
            continue
        _markup, _pieces, text = _layer_text(code)
        if not text or not _AD_WORDS.search(text):
            continue
        out.append(Overlay(element_id=f"{SCRIPT_BUILT}{m.group(1)}", text=text, closable=False, path=f"script:#{m.group(1)}",
                           defeat="recurs"))
        if len(out) >= MAX_OVERLAYS:
            break
    return out
