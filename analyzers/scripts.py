"""When does a page script act: by itself (on load, on a timer) or because the visitor did something.

Pure helpers for the harassing-ads rules. A call is classified by the handler it sits in — the nearest
registration before it (``setTimeout(``, ``setInterval(``, ``onload``, ``DOMContentLoaded`` vs
``click``, ``keydown``, ``submit`` …); inside a named function, by where that function is scheduled
or called from. A browser that renders a page for a few seconds never sees a window a timer opens
after 20 s: reading the script is how such pop-ups are found.
"""

from __future__ import annotations

import re

from analyzers.model import Script

_AUTO = r"setTimeout|setInterval|requestAnimationFrame|onload|DOMContentLoaded|onpageshow|\$\(\s*(?:document|window)\s*\)\.ready|\$\(\s*function"
_USER = r"click|mousedown|mouseup|touchstart|touchend|onsubmit|submit|keydown|keyup|keypress|onchange|change|input|focus"
_TRIGGER = re.compile(rf"(?P<auto>{_AUTO})|(?P<user>{_USER})|function\s+(?P<fn>[A-Za-z_$][\w$]*)\s*\(")


def trigger_at(code: str, pos: int, depth: int = 0) -> str:
    """``"auto"``, ``"user"`` or ``""`` (top-level or unknown) for the code at ``pos``."""
    last = None
    for m in _TRIGGER.finditer(code, 0, pos):
        last = m
    if last is None:
        return ""
    if last.group("auto"):
        return "auto"
    if last.group("user"):
        return "user"
    name = last.group("fn")
    if depth >= 2:
        return ""
    # where the function is scheduled or called from
    ref = re.compile(rf"(?:setTimeout|setInterval)\s*\(\s*{re.escape(name)}\b|onload\s*=\s*{re.escape(name)}\b"
                     rf"|addEventListener\(\s*['\"](?:load|DOMContentLoaded)['\"]\s*,\s*{re.escape(name)}\b")
    if ref.search(code):
        return "auto"
    for call in re.finditer(rf"(?<![\w$.]){re.escape(name)}\s*\(", code):
        if call.start() == last.start("fn") or code[max(0, call.start() - 9):call.start()].rstrip().endswith("function"):
            continue
        if trigger_at(code, call.start(), depth + 1) == "auto":
            return "auto"
    return ""


def auto_positions(code: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """The matches of ``pattern`` in ``code`` that run without the visitor doing anything."""
    return [m for m in pattern.finditer(code) if trigger_at(code, m.start()) == "auto"]


def source(sc: Script) -> str:
    """A script's text: inline, or the archived text of a same-host external script ("" if neither)."""
    return sc.inline or sc.fetched
