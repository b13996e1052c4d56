"""From the final DOM to the page model (:class:`analyzers.model.Page`): plain functions.

Text is cut into blocks the way a reader sees it (a paragraph, a cell, a button label), each
with its DOM path, its region (header/nav/main/aside/footer) and whether CSS hides it. In a
rendered DOM the browser has marked hidden elements (``data-sw-hidden``, see
``crawler/render.py``); in a static page inline styles, the ``hidden`` attribute and simple
``<style>`` rules (``.x{display:none}``) are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from analyzers.model import (
    BrowserEvent,
    Form,
    FormField,
    Iframe,
    Image,
    Link,
    Page,
    Region,
    Script,
    TextBlock,
)
from extraction.dom import parse_html
from extraction.overlays import built_layers, shown_elements

BLOCK_TAGS = frozenset(
    "p div li td th h1 h2 h3 h4 h5 h6 dt dd blockquote pre section article header footer nav aside main "
    "form table tr tbody thead tfoot ul ol dl figure figcaption address center button label fieldset legend "
    "caption details summary body".split()
)
SKIP_TAGS = frozenset("script style noscript template head svg math iframe object embed select option "
                      "datalist canvas audio video".split())
REGION_TAGS: dict[str, Region] = {"header": "header", "nav": "nav", "footer": "footer", "aside": "aside",
                                  "main": "main"}
_REGION_WORDS: tuple[tuple[Region, re.Pattern[str]], ...] = (
    ("footer", re.compile(r"foot|bottom|copyright|beian", re.I)),
    ("header", re.compile(r"^(header|head|top|topbar|site-header|masthead)$|(^|[-_])header([-_]|$)", re.I)),
    ("nav", re.compile(r"^(nav|navbar|menu|mainnav|main-nav)$|(^|[-_])nav([-_]|$)", re.I)),
    ("aside", re.compile(r"sidebar|aside", re.I)),
)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(left|top|text-indent|margin-left)\s*:\s*-\d{3,}",
    re.I,
)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^\s*([a-z0-9]*)([.#])([\w-]+)\s*$", re.I)
_WS = re.compile(r"\s+")
MAX_INLINE_SCRIPT = 20_000
MAX_SCRIPTS = 200
MAX_NEARBY = 200
EVENT_KINDS = frozenset({"popup", "window_open", "dialog", "download", "navigation", "console"})


def norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _int(value: Any) -> int | None:
    if value is None:
        return None
    m = re.match(r"\s*(\d+)", str(value))
    return int(m.group(1)) if m else None


@dataclass
class _HiddenRules:
    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    @classmethod
    def from_doc(cls, doc: Any) -> _HiddenRules:
        rules = cls()
        for style in doc.iter("style"):
            css = style.text or ""
            for selectors, body in _CSS_RULE.findall(css):
                if not _HIDDEN_STYLE.search(body):
                    continue
                for sel in selectors.split(","):
                    m = _SIMPLE_SELECTOR.match(sel)
                    if m:
                        (rules.classes if m.group(2) == "." else rules.ids).add(m.group(3))
        return rules


def _is_hidden(el: Any, rules: _HiddenRules) -> bool:
    if el.get("data-sw-hidden") == "1" or el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if rules.classes and any(c in rules.classes for c in (el.get("class") or "").split()):
        return True
    return bool(rules.ids and el.get("id") in rules.ids)


def _region_of(el: Any, inherited: Region) -> Region:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in REGION_TAGS and tag != "main":
        return REGION_TAGS[tag]
    if tag == "main":
        return "main"
    if inherited != "main":
        return inherited
    role = (el.get("role") or "").lower()
    if role in ("banner", "navigation", "contentinfo", "complementary"):
        return {"banner": "header", "navigation": "nav", "contentinfo": "footer",
                "complementary": "aside"}[role]  # type: ignore[return-value]
    names = [el.get("id") or ""] + (el.get("class") or "").split()
    for region, pattern in _REGION_WORDS:
        if any(n and pattern.search(n) for n in names):
            return region
    return inherited


def _segment(el: Any, nth: int = 0) -> str:
    """Path segment: ``tag#id``, else ``tag.class`` plus ``:nth-of-type(n)`` when siblings share the tag
    (``nth`` = 1-based position among same-tag siblings, 0 when unique; computed when not given)."""
    tag = el.tag
    ident = el.get("id")
    if ident and " " not in ident:
        return f"{tag}#{ident}"
    seg = tag
    classes = (el.get("class") or "").split()
    if classes:
        seg += "." + classes[0]
    if nth < 0:
        parent = el.getparent()
        same = [c for c in parent if c.tag == tag] if parent is not None else [el]
        nth = same.index(el) + 1 if len(same) > 1 else 0
    if nth:
        seg += f":nth-of-type({nth})"
    return seg


class _Walker:
    """One pass over the body: blocks, with hidden flags, regions and paths."""

    def __init__(self, rules: _HiddenRules) -> None:
        self.rules = rules
        self.blocks: list[TextBlock] = []
        self.paths: dict[Any, str] = {}
        self.regions: dict[Any, Region] = {}
        self.block_of: dict[Any, Any] = {}

    def run(self, body: Any) -> None:
        buf: list[str] = []
        self._visit(body, "body", "main", False, buf, body)
        self._emit(buf, "body", "main", False)

    def _emit(self, buf: list[str], path: str, region: Region, hidden: bool) -> None:
        text = norm("".join(buf))
        if text:
            self.blocks.append(TextBlock(text=text, path=path, region=region, hidden=hidden))

    def _visit(self, el: Any, path: str, region: Region, hidden: bool, buf: list[str], block_el: Any) -> None:
        self.paths[el] = path
        self.regions[el] = region
        self.block_of[el] = block_el
        own_hidden = hidden or _is_hidden(el, self.rules)
        starts_block = el.tag in BLOCK_TAGS or (own_hidden and not hidden)
        target = [] if starts_block else buf
        if starts_block:
            block_el = el
        if el.text:
            target.append(el.text)
        totals: dict[Any, int] = {}
        for child in el:
            totals[child.tag] = totals.get(child.tag, 0) + 1
        seen: dict[Any, int] = {}
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    target.append(child.tail)
                continue
            tag = child.tag
            seen[tag] = seen.get(tag, 0) + 1
            nth = seen[tag] if totals[tag] > 1 else 0
            if tag == "br":
                target.append("\n")
            elif tag in SKIP_TAGS:
                self.paths[child] = path + ">" + _segment(child, nth)
                self.regions[child] = region
                self.block_of[child] = block_el
            else:
                child_path = path + ">" + _segment(child, nth)
                self._visit(child, child_path, _region_of(child, region), own_hidden, target, block_el)
            if child.tail:
                target.append(child.tail)
        if starts_block:
            self._emit(target, path, region, own_hidden)
            buf.append(" ")


def _abs(base: str, url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if url.startswith(("data:", "javascript:", "mailto:", "tel:")):
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _image_src(img: Any) -> str:
    src = img.get("src") or ""
    for lazy in ("data-src", "data-original", "data-lazy-src", "data-url", "lazy-src"):
        if img.get(lazy) and (not src or src.startswith("data:image/gif") or "placeholder" in src or "blank" in src):
            return img.get(lazy)
    return src


def _closest(el: Any, tag: str) -> Any:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == tag:
            return parent
        parent = parent.getparent()
    return None


def _labels(doc: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for label in doc.iter("label"):
        target = label.get("for")
        if target:
            out[target] = norm(label.text_content())
    return out


_FIELD_TAGS = ("input", "select", "textarea")


def _text_before(el: Any) -> str:
    """The words printed just before a field in its own block (``<p>身份证号：<input></p>``): the
    label a reader sees when the page uses no ``<label>``; stops at the previous field."""
    parts: list[str] = []
    node = el.getprevious()
    while node is not None:
        if isinstance(node.tag, str) and (node.tag in _FIELD_TAGS or node.tag == "br"
                                          or node.find(".//input") is not None):
            parts.append(node.tail or "")
            break
        parts.append((node.tail or "") + (node.text_content() if isinstance(node.tag, str) else ""))
        node = node.getprevious()
    else:
        parent = el.getparent()
        parts.append(parent.text or "" if parent is not None else "")
    text = norm(" ".join(reversed(parts)))
    if not text and el.getparent() is not None and el.getparent().tag == "td":
        cell = el.getparent().getprevious()  # a two-column form table: the label is the cell before
        text = norm(cell.text_content()) if cell is not None and cell.tag in ("td", "th") else ""
    return text[-60:]


def _field(el: Any, labels: dict[str, str]) -> FormField | None:
    tag = el.tag
    ftype = tag if tag in ("select", "textarea") else (el.get("type") or "text").lower()
    if ftype in ("submit", "button", "reset", "image"):
        return None
    label = labels.get(el.get("id") or "\x00", "")
    if not label:
        wrapping = _closest(el, "label")
        if wrapping is not None:
            label = norm(wrapping.text_content())
    label = label or el.get("placeholder") or el.get("aria-label") or el.get("title") or ""
    if not label and ftype not in ("hidden", "checkbox", "radio"):
        label = _text_before(el)
    return FormField(name=el.get("name") or el.get("id") or "", type=ftype, label=norm(label)[:200],
                     required=el.get("required") is not None or el.get("aria-required") == "true")


def extract_page(html: str, url: str, *, status: int = 200, is_home: bool = False, kind: str = "",
                 rendered: bool = False, events: Iterable[dict[str, Any]] = (), doc: Any = None) -> Page:
    """The page model of one page's DOM (the annotated DOM when rendered); ``doc``: that DOM
    already parsed (:func:`extraction.dom.parse_html`; it is read, never changed)."""
    doc = parse_html(html) if doc is None else doc
    base = url
    for b in doc.iter("base"):
        if b.get("href"):
            base = _abs(url, b.get("href"))
            break
    title_el = doc.find(".//title")
    title = norm(title_el.text_content()) if title_el is not None else ""
    meta: dict[str, str] = {}
    for m in doc.iter("meta"):
        key = m.get("name") or m.get("property") or (("http-equiv:" + m.get("http-equiv", "").lower())
                                                     if m.get("http-equiv") else "")
        if key and m.get("content") is not None:
            meta[key.lower() if not key.startswith("http-equiv:") else key] = norm(m.get("content"))[:2000]
        elif m.get("charset"):
            meta["charset"] = m.get("charset", "")
    body = doc.find("body")
    if body is None:
        body = doc
    walker = _Walker(_HiddenRules.from_doc(doc))
    walker.run(body)
    paths, regions = walker.paths, walker.regions
    block_text: dict[Any, str] = {}

    def nearby(el: Any) -> str:
        block = walker.block_of.get(el)
        if block is None:
            return ""
        if block not in block_text:
            block_text[block] = norm(" ".join(t for t in block.itertext()))[:MAX_NEARBY]
        return block_text[block]

    def hidden_anywhere(el: Any) -> bool:
        node = el
        while node is not None and node is not body:
            if isinstance(node.tag, str) and _is_hidden(node, walker.rules):
                return True
            node = node.getparent()
        return False

    links: list[Link] = []
    for a in body.iter("a"):
        href = a.get("href")
        if href is None or not href.strip() or href.strip() == "#":
            continue
        img = a.find(".//img")
        links.append(Link(
            href=_abs(base, href), text=norm(a.text_content())[:500], rel=a.get("rel") or "",
            target=a.get("target") or "", title=a.get("title") or "",
            image_src=_abs(base, _image_src(img)) if img is not None else "",
            image_alt=(img.get("alt") or "") if img is not None else "",
            region=regions.get(a, "main"), path=paths.get(a, ""),
        ))
    images: list[Image] = []
    for img in body.iter("img"):
        src = _image_src(img)
        if not src:
            continue
        a = _closest(img, "a")
        images.append(Image(
            src=_abs(base, src), alt=norm(img.get("alt")), title=norm(img.get("title")),
            width=_int(img.get("data-sw-w")) or _int(img.get("width")),
            height=_int(img.get("data-sw-h")) or _int(img.get("height")),
            link_href=_abs(base, a.get("href")) if a is not None and a.get("href") else "",
            region=regions.get(img, "main"), path=paths.get(img, ""), nearby_text=nearby(img),
        ))
    labels = _labels(doc)
    forms: list[Form] = []
    in_form: set[Any] = set()
    for form in body.iter("form"):
        fields: list[FormField] = []
        for el in form.iter("input", "select", "textarea"):
            in_form.add(el)
            f = _field(el, labels)
            if f is not None:
                fields.append(f)
        text = norm(" ".join(t for t in form.itertext()))[:1000]
        forms.append(Form(action=_abs(base, form.get("action")) if form.get("action") else "",
                          method=(form.get("method") or "get").lower(), fields=tuple(fields), text=text,
                          path=paths.get(form, "")))
    orphans = [f for el in body.iter("input", "select", "textarea") if el not in in_form
               for f in [_field(el, labels)] if f is not None and f.type != "hidden"]
    if orphans:
        forms.append(Form(action="", method="get", fields=tuple(orphans), text="", path="(fields outside a form)"))
    scripts: list[Script] = []
    for s in doc.iter("script"):
        if len(scripts) >= MAX_SCRIPTS:
            break
        if s.get("src"):
            scripts.append(Script(src=_abs(base, s.get("src"))))
        elif (s.text or "").strip():
            scripts.append(Script(inline=s.text[:MAX_INLINE_SCRIPT]))
    inline = [sc.inline for sc in scripts if sc.inline]
    overlays = shown_elements(doc, inline, paths) + built_layers(inline)
    iframes: list[Iframe] = []
    for f in body.iter("iframe", "frame"):
        width = _int(f.get("width"))
        height = _int(f.get("height"))
        box = f.get("data-sw-box")
        if box:
            bw, _, bh = box.partition("x")
            width, height = _int(bw), _int(bh)
        tiny = (width is not None and width <= 1) or (height is not None and height <= 1)
        iframes.append(Iframe(src=_abs(base, f.get("src")), width=width, height=height,
                              visible=not (tiny or hidden_anywhere(f)), path=paths.get(f, "")))
    evs = tuple(BrowserEvent(kind=e.get("kind", "console"), detail=str(e.get("detail", ""))[:1000],
                             user_initiated=bool(e.get("user_initiated")), count=max(int(e.get("count") or 1), 1))
                for e in events if e.get("kind") in EVENT_KINDS)
    return Page(url=url, status=status, title=title, meta=meta, blocks=tuple(walker.blocks), links=tuple(links),
                images=tuple(images), forms=tuple(forms), scripts=tuple(scripts), iframes=tuple(iframes),
                events=evs, overlays=overlays, is_home=is_home, rendered=rendered, kind=kind)

