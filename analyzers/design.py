"""Design copying (Art. 15(3)): does a storefront copy another registered site's distinctive design?

Pure functions; two stages, as an analyst would:

1. **Candidates** (cheap, over every registered storefront's latest crawl): exact pivots — the SHA-256
   of CSS, JS, logo and favicon bodies — and MinHash-LSH (datasketch) over shingles of the DOM's
   ``tag.class`` sequence.
2. **Verification** of each candidate: structure (DOM tag-sequence similarity and class-shingle
   Jaccard, and the screenshots' perceptual hashes when both were rendered) *and* distinctiveness
   (the same logo or favicon bytes, an imitated site name, shared product imagery, the same copy).

Structure alone is never enough: two shops on the same SaaS template or theme share CSS, JS and
layout lawfully. A finding is ``suspected`` for the analyst to confirm, never a penalty by itself.
Thresholds are calibrated on the fixture sites of ``tests/analyzers/design_sites.py``
(``bench/design.py`` prints precision and recall).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from analyzers.model import Finding, Location
from analyzers.rules.base import Rule, SiteExample

NUM_PERM = 128
LSH_THRESHOLD = 0.5  # Jaccard of tag.class shingles above which LSH proposes a candidate
STRUCTURE_MIN = 0.6  # verification: DOM similarity (tag sequence, classes) or screenshots alike
DISTINCT_MIN = 0.5  # verification: the distinctive part (logo, name, imagery, copy) shared
SCREENSHOT_MAX_BITS = 10  # pHash distance (of 64) under which two screenshots look alike
_WS = re.compile(r"\s+")
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "path"})


@dataclass(frozen=True)
class DesignPrint:
    """What a home page's design is made of (built by :func:`fingerprint`)."""

    key: str  # the storefront (its id or host)
    name: str = ""  # the name it shows: title, logo alt, first heading
    tags: tuple[str, ...] = ()
    shingles: frozenset[str] = frozenset()  # 3-grams of the tag.class sequence
    classes: frozenset[str] = frozenset()
    text: frozenset[str] = frozenset()  # 4-grams of the visible copy
    pivots: Mapping[str, frozenset[str]] = field(default_factory=dict)  # css/js/logo/favicon -> SHA-256s
    images: frozenset[str] = frozenset()  # SHA-256 of content images
    screenshot: str = ""  # pHash (hex) of the screenshot, when rendered


def print_to_dict(p: DesignPrint) -> dict[str, Any]:
    return {"key": p.key, "name": p.name, "tags": list(p.tags), "shingles": sorted(p.shingles),
            "classes": sorted(p.classes), "text": sorted(p.text), "pivots": {k: sorted(v) for k, v in p.pivots.items()},
            "images": sorted(p.images), "screenshot": p.screenshot}


def print_from_dict(d: Mapping[str, Any]) -> DesignPrint:
    return DesignPrint(key=str(d["key"]), name=str(d.get("name", "")), tags=tuple(d.get("tags", ())),
                       shingles=frozenset(d.get("shingles", ())), classes=frozenset(d.get("classes", ())),
                       text=frozenset(d.get("text", ())),
                       pivots={k: frozenset(v) for k, v in dict(d.get("pivots", {})).items()},
                       images=frozenset(d.get("images", ())), screenshot=str(d.get("screenshot", "")))


@dataclass(frozen=True)
class Copy:
    """A suspected copy: ``key`` copies ``other``'s design; the scores and what is shared say why."""

    key: str
    other: str
    structure: float
    distinct: float
    shared: tuple[str, ...]  # human-readable: 相同徽标, 相同CSS …
    screenshot_bits: int | None = None

    @property
    def explanation(self) -> str:
        return (f"页面结构相似度 {self.structure:.2f}，独特元素相似度 {self.distinct:.2f}（{'、'.join(self.shared)}），"
                f"疑似抄袭已登记网站 {self.other} 的页面设计（第十五条第（三）项），待分析员确认")


def _norm(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _grams(text: str, n: int) -> frozenset[str]:
    t = _norm(text)
    return frozenset(t[i:i + n] for i in range(max(0, len(t) - n + 1)))


def fingerprint(key: str, html: str, *, resources: Mapping[str, Iterable[str]] | None = None,
                images: Iterable[str] = (), screenshot: bytes | None = None) -> DesignPrint:
    """The design print of a page from its HTML; ``resources`` are the SHA-256 of the bodies of its CSS,
    JS, logo and favicon (``{"css": [...], "js": [...], "logo": [...], "favicon": [...]}``), ``images``
    those of its content images, ``screenshot`` the PNG of its rendering."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except Exception:  # lxml raises on empty or undecodable documents
        doc = lxml.html.document_fromstring("<html></html>")
    body = doc.body if doc.find("body") is not None else doc
    tags: list[str] = []
    tokens: list[str] = []
    classes: set[str] = set()
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        cls = sorted(c for c in (el.get("class") or "").split() if c)
        classes.update(cls)
        tags.append(el.tag)
        tokens.append(el.tag + "." + ".".join(cls[:3]))
        if len(tags) >= 3000:
            break
    shingles = frozenset(" ".join(tokens[i:i + 3]) for i in range(max(0, len(tokens) - 2)))
    title = (doc.findtext(".//title") or "").strip()
    logo = next((img.get("alt") or "" for img in body.iter("img") if "logo" in (img.get("class") or "") + (img.get("src") or "")), "")
    h1 = next((h.text_content() for h in body.iter("h1")), "")
    name = " ".join(x for x in (title, logo, h1) if x)
    for bad in body.iter("script", "style"):
        bad.text = ""
    text = _grams(body.text_content()[:20000], 4)
    shot = ""
    if screenshot:
        shot = _phash(screenshot)
    return DesignPrint(key=key, name=name, tags=tuple(tags), shingles=shingles, classes=frozenset(classes), text=text,
                       pivots={k: frozenset(v) for k, v in (resources or {}).items()}, images=frozenset(images),
                       screenshot=shot)


def _phash(png: bytes) -> str:
    import io

    import imagehash
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png)) as im:
            return str(imagehash.phash(im.convert("L")))
    except Exception:
        return ""


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _minhash(shingles: Iterable[str]) -> Any:
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM)
    for s in shingles:
        m.update(s.encode("utf-8"))
    return m


class DesignIndex:
    """The registered storefronts' latest prints, indexed for candidates: MinHash-LSH over ``tag.class``
    shingles and over bare tag shingles (a saved copy restyled with renamed classes keeps its tags),
    and exact pivots (CSS, JS, logo, favicon and content-image SHA-256)."""

    def __init__(self, prints: Iterable[DesignPrint]) -> None:
        from datasketch import MinHashLSH

        self.prints = list(prints)
        self.by_class = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.by_tag = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
        self.pivots: dict[str, set[int]] = {}
        for i, p in enumerate(self.prints):
            if p.shingles:
                self.by_class.insert(str(i), _minhash(p.shingles))
                self.by_tag.insert(str(i), _minhash(_tag_shingles(p.tags)))
            for h in _all_pivots(p):
                self.pivots.setdefault(h, set()).add(i)

    def candidates(self, target: DesignPrint) -> list[DesignPrint]:
        """Other storefronts sharing an exact pivot with ``target`` or proposed by LSH."""
        picked: set[int] = set()
        if target.shingles:
            picked |= {int(k) for k in self.by_class.query(_minhash(target.shingles))}
            picked |= {int(k) for k in self.by_tag.query(_minhash(_tag_shingles(target.tags)))}
        for h in _all_pivots(target):
            picked |= self.pivots.get(h, set())
        return [self.prints[i] for i in sorted(picked) if self.prints[i].key != target.key]


def _tag_shingles(tags: tuple[str, ...]) -> set[str]:
    return {" ".join(tags[i:i + 4]) for i in range(max(0, len(tags) - 3))}


def _all_pivots(p: DesignPrint) -> set[str]:
    return set().union(*p.pivots.values(), p.images) if p.pivots else set(p.images)


def candidates(target: DesignPrint, others: Iterable[DesignPrint]) -> list[DesignPrint]:
    """Other storefronts sharing an exact pivot with ``target`` or proposed by MinHash-LSH."""
    return DesignIndex(others).candidates(target)


_PIVOT_NAMES = {"logo": "相同徽标", "favicon": "相同网站图标", "css": "相同CSS", "js": "相同脚本"}


def scores(a: DesignPrint, b: DesignPrint) -> tuple[float, float]:
    """(structure, distinct) of a pair, as :func:`verify` weighs them."""
    c = verify(a, b, threshold=False)
    return (c.structure, c.distinct) if c is not None else (0.0, 0.0)


def verify(a: DesignPrint, b: DesignPrint, *, threshold: bool = True) -> Copy | None:
    """A :class:`Copy` when ``a`` and ``b`` share structure *and* what is distinctive; else None."""
    seq = difflib.SequenceMatcher(None, a.tags[:600], b.tags[:600]).ratio()
    tag_jac = _jaccard(frozenset(_tag_shingles(a.tags)), frozenset(_tag_shingles(b.tags)))
    structure = 0.5 * seq + 0.5 * max(_jaccard(a.shingles, b.shingles), 0.8 * tag_jac)  # renamed classes: tags
    bits = None
    if a.screenshot and b.screenshot:
        import imagehash

        bits = int(imagehash.hex_to_hash(a.screenshot) - imagehash.hex_to_hash(b.screenshot))
        if bits <= SCREENSHOT_MAX_BITS:
            structure = max(structure, 1 - bits / 64)
    shared = [name for kind, name in _PIVOT_NAMES.items() if a.pivots.get(kind, frozenset()) & b.pivots.get(kind, frozenset())]
    logo = 1.0 if any(a.pivots.get(k, frozenset()) & b.pivots.get(k, frozenset()) for k in ("logo", "favicon")) else 0.0
    name = _jaccard(_grams(a.name, 2), _grams(b.name, 2))
    imagery = _overlap(a.images, b.images)
    copy = _jaccard(a.text, b.text)
    parts = {"相似店名": name, "相同商品图片": imagery, "相同文案": copy}
    shared += [k for k, v in parts.items() if v >= DISTINCT_MIN]
    distinct = max(logo, name, imagery, copy)
    if threshold and (structure < STRUCTURE_MIN or distinct < DISTINCT_MIN):
        return None
    return Copy(a.key, b.key, round(structure, 2), round(distinct, 2), tuple(shared), bits)


def find_copies(target: DesignPrint, others: Iterable[DesignPrint] | DesignIndex) -> list[Copy]:
    """Suspected copies of other registered storefronts' designs by ``target``, best first."""
    index = others if isinstance(others, DesignIndex) else DesignIndex(others)
    found = [c for o in index.candidates(target) for c in [verify(target, o)] if c is not None]
    return sorted(found, key=lambda c: (-(c.structure + c.distinct), c.other))


DESIGN_RULE_ID = "DESIGN-COPY"
DESIGN_LAW = ("西宁市电子商务信用管理制度 第十五条第（三）项", "反不正当竞争法 第六条")


def _cross_site(*_args: Any, **_kw: Any) -> Iterator[Any]:
    """Not a per-site check: :func:`find_copies` compares storefronts (``pipelines.design`` runs it)."""
    return iter(())


CATALOGUE_RULE = Rule(
    id=DESIGN_RULE_ID, category="design_copying", article="15(3)", law=DESIGN_LAW, severity="medium",
    explanation="疑似抄袭另一已登记网站的独特页面设计（标识、店名样式、版式与图片），待分析员确认",
    scope="site", check=_cross_site,
    what=("A storefront whose home page copies another registered storefront's distinctive design: candidates "
          "from the same CSS/JS/logo/favicon bytes or MinHash-LSH over DOM tag.class shingles, confirmed only when "
          f"the structure is alike (DOM or screenshot, >= {STRUCTURE_MIN}) and a distinctive element is shared "
          f"(logo or favicon bytes, an imitated site name, product imagery or copy, >= {DISTINCT_MIN}). The finding "
          "names the other storefront and is `suspected` until an analyst confirms it. Run across the registry's "
          "latest crawls by `pipelines.design`, not on one site's pages."),
    why=("Art. 15(3) forbids copying another site's distinctive page design so that consumers take one shop for "
         "another (反不正当竞争法 第六条, confusion). Shops on the same SaaS template or theme share layout, CSS and "
         "scripts lawfully: structure alone never raises a finding."),
    bad=(SiteExample("同一版式，并使用另一已登记网站的标识图片与仿冒店名（如“高原优品”仿“高原优选”）", ()),),
    good=(SiteExample("两家店使用同一 SaaS 模板，但标识、店名、商品图片与文案各不相同", ()),),
    references=("西宁市电子商务信用管理制度 第十五条第（三）项", "反不正当竞争法 第六条",
                "docs/architecture.md (design copying); bench/design.py (precision and recall on the fixture sites)"),
)


def copy_finding(c: Copy, url: str, *, storefront_id: int | None, other_url: str = "") -> Finding:
    """A ``suspected`` design-copying finding naming the other registered storefront."""
    return Finding(rule_id=DESIGN_RULE_ID, category="design_copying", article="15(3)", law=DESIGN_LAW,
                   severity="medium", confidence=0.6, url=url, match=c.other,
                   excerpt=f"与已登记网站 {c.other} 共享：{'、'.join(c.shared)}", location=Location(kind="page", selector=url),
                   explanation=c.explanation, storefront_id=storefront_id,
                   evidence={"status": "suspected", "other_storefront": c.other, "other_url": other_url,
                             "structure": f"{c.structure:.2f}", "distinct": f"{c.distinct:.2f}",
                             "shared": "、".join(c.shared)})
