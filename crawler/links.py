"""Link prioritisation: which pages an inspector reads first, and how a URL is keyed.

Order of a crawl (highest first): licence/qualification pages, terms and after-sales, privacy,
product pages, then everything else; within a kind, shallower pages first. Pure functions.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

KIND_PRIORITY: dict[str, int] = {
    "home": 60,
    "licence": 50,
    "terms": 40,
    "privacy": 30,
    "product": 20,
    "other": 0,
}

# (kind, anchor-text keywords, URL keywords)
_KIND_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("licence", ("营业执照", "证照", "资质", "关于我们", "执照", "许可证", "经营许可", "电子营业执照", "公司简介",
                 "license", "licence", "about us", "qualification"),
     ("license", "licence", "zhizhao", "yyzz", "zizhi", "qualification", "about", "aboutus", "certificate",
      "cert", "company")),
    ("terms", ("用户协议", "服务协议", "服务条款", "退换货", "售后", "退货", "换货", "购物须知", "交易规则",
               "配送说明", "支付方式", "消费者保障", "terms", "return", "refund", "after-sales", "shipping"),
     ("terms", "agreement", "tos", "return", "refund", "aftersale", "after-sale", "shouhou", "tuihuan",
      "service", "rules", "help", "shipping", "delivery", "payment")),
    ("privacy", ("隐私", "个人信息", "privacy"), ("privacy", "yinsi", "personal-info")),
    ("product", ("商品", "产品", "详情", "购买", "立即购买", "价格", "¥", "￥", "product", "item", "goods"),
     ("product", "item", "goods", "detail", "sku", "shangpin", "chanpin", "/p/", "/buy")),
)


def classify(url: str, anchor_text: str = "") -> str:
    """Kind hint of a page from its URL and the text of the link that led to it."""
    text = (anchor_text or "").strip().lower()
    parts = urlsplit(url)
    path = (parts.path + ("#" + parts.fragment if parts.fragment.startswith(("/", "!")) else "")).lower()
    query = parts.query.lower()
    if path in ("", "/", "/index.html", "/index.htm", "/index.php", "/default.html") and not query:
        return "home"
    for kind, words, _url_words in _KIND_RULES:
        if text and any(w in text for w in words):
            return kind
    for kind, _words, url_words in _KIND_RULES:
        if any(w in path or w in query for w in url_words):
            return kind
    return "other"


def priority(kind: str, depth: int) -> int:
    """Scrapy request priority (higher first): kind dominates, then breadth-first by depth."""
    return KIND_PRIORITY.get(kind, 0) * 10 - depth


def is_hash_route(fragment: str) -> bool:
    """``#/path`` and ``#!/path`` fragments address views of a single-page app."""
    return fragment.startswith(("/", "!"))


_TRACKING = re.compile(r"^(utm_\w+|spm|from|source|ref|_t|timestamp|sessionid|jsessionid|phpsessid)$", re.I)


_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|jsp)$", re.I)


def canonical(url: str) -> str:
    """Key for de-duplication: no plain fragment (hash routes kept), no tracking parameters,
    sorted query, lower-case scheme and host, default port dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    fragment = parts.fragment if is_hash_route(parts.fragment) else ""
    # /index.html and / are one page (fetched once; analyzers.model.normalise_url folds them alike)
    path = _INDEX_FILE.sub("/", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, query, fragment))


_DIGITS = re.compile(r"\d+")


def url_pattern(url: str) -> str:
    """Shape of a URL for trap detection: digits folded, query values dropped.

    ``/calendar?date=2024-01-01`` and ``/calendar?date=2024-01-02`` share a shape; an endless
    calendar is cut after ``max_pages_per_pattern`` pages of one shape.
    """
    parts = urlsplit(url)
    keys = ",".join(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    frag = parts.fragment if is_hash_route(parts.fragment) else ""
    return _DIGITS.sub("0", f"{parts.path}?{keys}#{frag}")


_SKIP_EXT = re.compile(
    r"\.(jpe?g|png|gif|webp|bmp|ico|svg|css|js|mjs|json|xml|zip|rar|7z|gz|tgz|exe|apk|dmg|msi|mp[34]|avi|mov|"
    r"wmv|flv|woff2?|ttf|eot|docx?|xlsx?|pptx?)$",
    re.I,
)


def is_page_link(url: str) -> bool:
    """Links worth fetching as pages (not images, archives, mailto:, javascript:, …)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    return not _SKIP_EXT.search(parts.path)


def opened_by_script(events: list[dict[str, Any]], base_url: str) -> list[tuple[str, str, str]]:
    """The pages a rendered page opened by itself (window.open, a pop-up) as links ``(URL, anchor, "")``: a page
    reached only that way (a loan offer opened on load) is still the storefront's page to read. The crawl's
    scope decides, as for any link, whether it is followed or recorded as off-site."""
    out: list[tuple[str, str, str]] = []
    for ev in events:
        detail = str(ev.get("detail") or "").strip()
        if ev.get("kind") in ("window_open", "popup") and detail and not detail.startswith(("javascript:", "about:")):
            url = urljoin(base_url, detail)
            if url.startswith(("http://", "https://")) and url not in (u for u, _, _ in out):
                out.append((url, "脚本打开的页面", ""))
    return out
