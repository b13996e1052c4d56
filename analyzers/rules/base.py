"""What a rule is: one frozen declaration (id, category, article, law, docs, examples) + a pure check."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from analyzers.ids import uscc_check_char
from analyzers.model import Image, Link, Location, Page, RegistryRecord, TextBlock
from analyzers.understand import VOICES

Scope = Literal["text", "page", "site"]


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check yields; the engine turns it into a :class:`~analyzers.model.Finding`.

    Text rules give ``start``/``end`` in the normalised text; page and site rules give ``match``
    and ``location`` (and site rules the ``url`` of the page the finding is about).
    """

    start: int = -1
    end: int = -1
    match: str = ""
    confidence: float = 0.9
    location: Location | None = None
    url: str = ""
    excerpt: str = ""
    detail: str = ""  # appended to the rule's explanation (e.g. which item is missing)


@dataclass(frozen=True, slots=True)
class SiteExample:
    """An example that needs pages (page and site rules)."""

    description: str
    pages: tuple[Page, ...]
    registry: RegistryRecord | None = None


Example = str | SiteExample


# Voices a rule judges when it does not say (analyzers.understand.VOICES): format checks read every
# block; terms also bind in a compliance notice (本店声明：…概不退换); claims only in the merchant's own offer.
ALL_VOICES = VOICES
_VOICES_BY_CATEGORY: dict[str, frozenset[str]] = {
    "unfair_terms": frozenset({"offer", "compliance"}),
    "return_policy": frozenset({"offer", "compliance"}),
    "license_display": ALL_VOICES,
    "filing_display": ALL_VOICES,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A rule's declaration. Keyword-only, so a misplaced field cannot go unnoticed."""

    id: str
    category: str
    article: str
    law: tuple[str, ...]
    severity: str
    explanation: str  # Chinese, shown to analysts
    scope: Scope
    check: Callable[..., Iterator[Hit]]
    what: str
    why: str
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    references: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    old_ids: tuple[str, ...] = ()
    fires_with: tuple[str, ...] = ()  # rules that by design fire on the same text (one act, two articles)
    per_site: bool = False  # report a match once per storefront (footers repeat on every page)
    page_kinds: frozenset[str] | None = None  # page kinds judged (analyzers.understand.PAGE_KINDS); None: all
    voices: frozenset[str] | None = None  # voices judged (text rules); None: the category's default
    lexicons: tuple[str, ...] = ()  # data/<name>.txt the check reads (checked to exist at import)
    # whether the rule judges text read from images (OCR): a number's format is not judged there (OCR misreads digits)
    reads_ocr: bool = True
    # site rules: the share of the check one page decides alone, ``prepare(page, text)`` (text: Site.text), computed
    # with the page's own rules (engine.page_part, beside the crawl) and read back from Site.prepared
    prepare: Callable[[Page, str], Any] | None = None

    def __post_init__(self) -> None:
        if self.voices is None:
            default = ALL_VOICES if self.scope != "text" else _VOICES_BY_CATEGORY.get(self.category, frozenset({"offer"}))
            object.__setattr__(self, "voices", default)
        if self.page_kinds is not None and not isinstance(self.page_kinds, frozenset):
            object.__setattr__(self, "page_kinds", frozenset(self.page_kinds))

    def judges(self, page_kind: str, voice: str) -> bool:
        """Does the rule apply on a page of this kind ("" unknown) to a block in this voice ("" none)?"""
        if page_kind and self.page_kinds is not None and page_kind not in self.page_kinds:
            return False
        return not voice or voice in (self.voices or ALL_VOICES)


# ---- small builders for examples (compact, readable page fixtures) ----------------------------
HOME = "http://shop.example.cn/"
GOOD_USCC = "91630100MA7528H0P" + uscc_check_char("91630100MA7528H0P")
GOOD_NAME = "西宁示例商贸有限公司"
GOOD_ICP = "青ICP备19000123号-1"
GOOD_POLICE = "青公网安备 63010202000123号"
REGISTRY = RegistryRecord(name=GOOD_NAME, uscc=GOOD_USCC, site_name="示例商城", domain="shop.example.cn",
                          site_type="自建网站", icp="青ICP备19000123号", police_filing=GOOD_POLICE)
FOOTER_LINKS = (
    Link(href="https://beian.miit.gov.cn/", text=GOOD_ICP, region="footer"),
    Link(href="https://beian.mps.gov.cn/#/query/webSearch?code=63010202000123", text=GOOD_POLICE, region="footer"),
)


def site(*pages: Page, registry: RegistryRecord | None = None, description: str = "") -> SiteExample:
    return SiteExample(description, tuple(pages), registry)


def page(url: str = HOME, *texts: str | TextBlock, kind: str = "", is_home: bool | None = None,
         links: Sequence[Link] = (), images: Sequence[Image] = (), **kw: Any) -> Page:
    blocks = tuple(t if isinstance(t, TextBlock) else TextBlock(t) for t in texts)
    home = (url == HOME) if is_home is None else is_home
    return Page(url=url, blocks=blocks, links=tuple(links), images=tuple(images), is_home=home,
                kind=kind or ("home" if home else "other"), **kw)


def footer() -> tuple[TextBlock, ...]:
    """A compliant footer: licence information, ICP and public-security filing numbers."""
    return (
        TextBlock(f"主体名称：{GOOD_NAME} 统一社会信用代码：{GOOD_USCC}", path="footer>p.licence", region="footer"),
        TextBlock(f"{GOOD_ICP} {GOOD_POLICE}", path="footer>p.beian", region="footer"),
    )


def home(*texts: str | TextBlock, links: Sequence[Link] = (), images: Sequence[Image] = (), **kw: Any) -> Page:
    """A home page that satisfies Art. 9 and 16 (so an example shows only what it is about)."""
    blocks = tuple(t if isinstance(t, TextBlock) else TextBlock(t) for t in texts) + footer()
    return Page(url=HOME, blocks=blocks, links=tuple(links) + FOOTER_LINKS, images=tuple(images), is_home=True,
                kind="home", **kw)


@dataclass(frozen=True)
class Site:
    """What site rules judge: every page of one storefront, its registry record, and the home page."""

    pages: tuple[Page, ...]
    registry: RegistryRecord | None
    texts: Mapping[str, str]  # page url -> normalised visible text (title, blocks, link texts)
    unregistered: RegistryRecord | None = None  # the registry was searched and has no record for this host
    prepared: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # url -> {rule id: Rule.prepare's value}

    @property
    def home(self) -> Page | None:
        for p in self.pages:
            if p.is_home:
                return p
        for p in self.pages:
            if p.kind == "home":
                return p
        return None  # no home page among the pages: home-page rules cannot judge

    @property
    def judgeable_home(self) -> Page | None:
        """The home page, unless it is an unrendered JavaScript shell (absence cannot be judged from it)."""
        h = self.home
        if h is None:
            return None
        shell = not h.rendered and bool(h.scripts) and len(h.visible_text.strip()) < 40
        return None if shell else h

    def text(self, p: Page) -> str:
        return self.texts.get(p.url, "")
