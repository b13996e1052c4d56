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
    ids = dict.fromkeys(next(g for g in m.groups() if g) for m in _SHOWN_ID.finditer(code))
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
            out.append(Overlay(element_id=element_id, text=text, closable=_closable(el), path=paths.get(el, "")))
    return tuple(out)
