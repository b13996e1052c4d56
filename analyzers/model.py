"""The contract between crawling and judging: the page model, the registry record and findings.

Extraction (``pipelines/extract.py``) builds :class:`Page` objects from the final DOM;
rules (``analyzers/``) read them and yield :class:`Finding` objects. Both sides import this
module and nothing else from each other. Everything here is a frozen, JSON-friendly record.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

Region = Literal["header", "nav", "main", "aside", "footer"]
Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")

CATEGORIES: dict[str, str] = {
    # category -> article(s) of the Xining rules (DESIGN.md, closed vocabulary)
    "license_display": "9",
    "filing_display": "9, 16",
    "mandatory_disclosure": "11(3)",
    "return_policy": "11(4)",
    "unfair_terms": "11(5), 15(6)",
    "privacy": "11(7), 13(4)",
    "false_advertising": "11(8), 15(1), 15(5)",
    "trademark_misuse": "15(2)",
    "design_copying": "15(3)",
    "gov_badge_forgery": "15(4)",
    "gov_impersonation": "15(7)",
    "harassing_ads": "15(8)",
    "counterfeit_goods": "15(9)",
    "pyramid_scheme": "15(10)",
    "malicious_code": "15(11)",
    "prohibited_goods": "11(1)",
    "platform_rules": "12",
}


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One block of text as a reader sees it (a paragraph, a cell, a button label)."""

    text: str
    path: str = ""  # CSS-like DOM path, e.g. "body>div.desc>p:nth-of-type(2)"
    region: Region = "main"
    hidden: bool = False  # hidden by CSS (display:none, visibility:hidden, off-screen, tiny font)


@dataclass(frozen=True, slots=True)
class Link:
    href: str  # absolute URL
    text: str = ""
    rel: str = ""
    target: str = ""
    title: str = ""
    image_src: str = ""  # absolute URL of an <img> inside the link, if any
    image_alt: str = ""
    region: Region = "main"
    path: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    src: str  # absolute URL (or data: URI)
    alt: str = ""
    title: str = ""
    width: int | None = None
    height: int | None = None
    link_href: str = ""  # absolute URL of the enclosing <a>, if any
    region: Region = "main"
    path: str = ""
    nearby_text: str = ""  # text of the enclosing block, for badges captioned next to the image
    sha256: str = ""  # of the image bytes, when fetched
    ocr_text: str = ""  # filled by the OCR step (badges, selling images); one recognised line per text line
    ocr_boxes: tuple[tuple[int, int, int, int], ...] = ()  # box (x0, y0, x1, y1) of each line of ocr_text
    looks_like: str = ""  # government mark recognised by its look (analyzers.images.BADGE_LOOKS key)
    qr: tuple[str, ...] = ()  # payloads of the QR codes decoded in the image

    def __post_init__(self) -> None:  # from JSON: lists back to tuples
        if not isinstance(self.ocr_boxes, tuple) or any(not isinstance(b, tuple) for b in self.ocr_boxes):
            object.__setattr__(self, "ocr_boxes", tuple(tuple(int(v) for v in b) for b in self.ocr_boxes))
        if not isinstance(self.qr, tuple):
            object.__setattr__(self, "qr", tuple(self.qr))


@dataclass(frozen=True, slots=True)
class FormField:
    name: str = ""
    type: str = "text"  # input type, or "select" / "textarea"
    label: str = ""  # <label>, placeholder or aria-label
    required: bool = False


@dataclass(frozen=True, slots=True)
class Form:
    action: str = ""
    method: str = "get"
    fields: tuple[FormField, ...] = ()
    text: str = ""  # visible text inside the form (consent notes, links to policies)
    path: str = ""


@dataclass(frozen=True, slots=True)
class Script:
    src: str = ""  # absolute URL for external scripts
    inline: str = ""  # source text for inline scripts (bounded by extraction)
    fetched: str = ""  # an external same-host script's text as archived for replay (never run; bounded)


@dataclass(frozen=True, slots=True)
class Iframe:
    src: str
    width: int | None = None
    height: int | None = None
    visible: bool = True
    path: str = ""


@dataclass(frozen=True, slots=True)
class Overlay:
    """An element that a page script shows (a pop-up layer, a mask, a floating ad), as the DOM has it."""

    element_id: str  # the id scripts address it by
    text: str = ""  # its visible text when shown (bounded)
    closable: bool = False  # holds a close control (×, 关闭, a button or handler that hides it)
    path: str = ""
    defeat: str = ""  # how closing is defeated, when it is: "fake_close" (the × navigates), "recurs" (a timer re-shows it)


@dataclass(frozen=True, slots=True)
class BrowserEvent:
    """Something the page did by itself while rendered."""

    kind: Literal["popup", "window_open", "dialog", "download", "navigation", "console"]
    detail: str = ""  # URL opened/downloaded, dialog message, … (the first one, when counted)
    user_initiated: bool = False
    count: int = 1  # how many times the page did it (the crawler folds repeats into one event)


@dataclass(frozen=True, slots=True)
class Page:
    """What an inspector reads on one page: the model every rule judges."""

    url: str
    status: int = 200
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # name/property -> content
    blocks: tuple[TextBlock, ...] = ()
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    forms: tuple[Form, ...] = ()
    scripts: tuple[Script, ...] = ()
    iframes: tuple[Iframe, ...] = ()
    events: tuple[BrowserEvent, ...] = ()
    overlays: tuple[Overlay, ...] = ()  # elements page scripts show (extraction.page)
    is_home: bool = False
    rendered: bool = False
    kind: str = ""  # a hint from crawling: "home", "licence", "terms", "privacy", "product", "other"

    @property
    def visible_text(self) -> str:
        """All visible text, one block per line."""
        return "\n".join(b.text for b in self.blocks if not b.hidden)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        kw = dict(data)
        kw["blocks"] = tuple(TextBlock(**b) for b in data.get("blocks", ()))
        kw["links"] = tuple(Link(**x) for x in data.get("links", ()))
        kw["images"] = tuple(Image(**x) for x in data.get("images", ()))
        kw["forms"] = tuple(
            Form(**{**f, "fields": tuple(FormField(**ff) for ff in f.get("fields", ()))})
            for f in data.get("forms", ())
        )
        kw["scripts"] = tuple(Script(**x) for x in data.get("scripts", ()))
        kw["iframes"] = tuple(Iframe(**x) for x in data.get("iframes", ()))
        kw["events"] = tuple(BrowserEvent(**x) for x in data.get("events", ()))
        kw["overlays"] = tuple(Overlay(**x) for x in data.get("overlays", ()))
        kw["meta"] = dict(data.get("meta", {}))
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    """A storefront's filing record (Art. 9): what the merchant declared to the bureau."""

    name: str = ""  # 主体名称
    uscc: str = ""  # 统一社会信用代码
    entity_type: str = ""  # 主体类型
    site_name: str = ""  # 网站名称
    domain: str = ""  # 网站域名
    ip: str = ""  # IP地址
    site_type: str = ""  # 网站类型 (e.g. 自建网站 / 交易平台)
    icp: str = ""  # ICP许可证号
    isp: str = ""  # ISP提供商
    server_location: str = ""  # 服务器机房地址
    contact: str = ""  # 联系方式
    police_filing: str = ""  # 公安备案号, when the registry has it
    storefront_id: int | None = None
    found: bool = True  # False: the registry was searched for ``domain`` and has no filing record


@dataclass(frozen=True, slots=True)
class Location:
    kind: Literal["text", "title", "meta", "image", "link", "form", "script", "iframe", "event", "page", "site"]
    selector: str = ""  # DOM path or URL of the element
    start: int | None = None  # offsets into the element's original text
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule firing on one page (DESIGN.md, "Findings")."""

    rule_id: str
    category: str
    article: str
    law: tuple[str, ...]
    severity: Severity
    confidence: float
    url: str
    match: str
    excerpt: str
    location: Location
    explanation: str
    storefront_id: int | None = None
    evidence: dict[str, str] | None = None
    page_kind: str = ""  # analyzers.understand.page_kind of the page ("" for bare text)
    voice: str = ""  # analyzers.understand.voice of the block the match is in ("" for page and site rules)
    source: str = "rule"  # "rule", or "model" (the trained layer, analyzers/learned.py)
    # other rules that fired on the same statement, merged into this finding (one fact, several
    # articles: analyzers/merge.py); each (rule_id, category, article). ``article``/``law`` carry the union.
    also: tuple[tuple[str, str, str], ...] = ()

    @property
    def finding_id(self) -> str:
        return finding_id(self.storefront_id, self.rule_id, self.url, self.match)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        d: dict[str, Any] = {"finding_id": self.finding_id}
        for name in _FINDING_FIELDS:
            d[name] = getattr(self, name)
        d["law"] = list(self.law)
        d["also"] = [{"rule_id": r, "category": c, "article": a} for r, c, a in self.also]
        d["location"] = {"kind": loc.kind, "selector": loc.selector, "start": loc.start, "end": loc.end}
        d["evidence"] = dict(self.evidence) if self.evidence is not None else None
        return d


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


_WS = re.compile(r"\s+")


def normalise_key(text: str) -> str:
    """The normalised form of matched text used in stable ids (NFKC, no spaces, lower case)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).lower()


_TRACKING = re.compile(r"^(utm_\w+|spm|from|source|ref|_t|timestamp|sessionid|jsessionid|phpsessid)$", re.I)
_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|jsp)$", re.I)


def normalise_url(url: str) -> str:
    """One page, one key: scheme and host lower-cased, default port dropped, ``/index.html`` (and the
    like) folded into its folder, trailing slash dropped, tracking parameters dropped, the query
    sorted, plain fragments dropped (hash routes of single-page apps kept). ``crawler.links.canonical``
    folds URLs the same way (a test checks that they agree)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.split("#", 1)[0]
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    if (scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = _INDEX_FILE.sub("/", parts.path) or "/"
    if path != "/":
        path = path.rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    fragment = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def finding_id(storefront_id: int | None, rule_id: str, url: str, match: str) -> str:
    """Stable id: storefront + rule + page + matched text, normalised (idempotent re-crawls)."""
    key = "\x1f".join([str(storefront_id or 0), rule_id, normalise_url(url), normalise_key(match)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
