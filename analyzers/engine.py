"""The engine: run the rules over text, a page, or a whole storefront and return findings.

* text rules run on every text unit of a page (title, visible blocks, OCR text of badge images),
  normalised and scanned once per page;
* page rules run on every page; site rules (licence on the home page or a licence page linked from
  it, filing numbers, product disclosure, platform rules) run once per storefront;
* the per-storefront allow-list (rule id, optionally the matched text, and a reason) is honoured for
  every rule.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzers import learned, voice_model
from analyzers.dispatch import NO_OPTIONS, Voices, active_rules, text_plan
from analyzers.learned import MODEL_RULE_IDS
from analyzers.merge import fold_statements, merge_statements
from analyzers.model import Finding, Location, Page, RegistryRecord, normalise_key
from analyzers.normalise import normalise_term
from analyzers.rules import BY_ID, Hit, Rule, Site
from analyzers.rules.common import declared_names, return_exempt
from analyzers.text import TextDoc
from analyzers.understand import page_kind, voice
from errors import ConfigError

__all__ = ["AllowEntry", "analyze_text", "analyze_texts", "analyze_page", "analyze_site", "Options", "parse_options"]


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """Suppress ``rule_id`` for one storefront (only where the match equals ``match``, if given)."""

    rule_id: str
    match: str | None = None
    reason: str = ""

    def covers(self, f: Finding) -> bool:
        rule = BY_ID.get(self.rule_id)
        rid = rule.id if rule is not None else self.rule_id
        if rid != f.rule_id:
            return False
        return self.match is None or normalise_key(self.match) == normalise_key(f.match)




@dataclass(frozen=True, slots=True)
class Options:
    min_confidence: float = 0.5
    disabled: frozenset[str] = frozenset()
    use_model: bool = True  # the trained layer (analyzers/learned.py) adds findings no rule made
    use_voice: bool = True  # drop rule hits whose page kind or voice the rule does not judge (analyzers/understand.py)
    rule_options: Mapping[str, Mapping[str, Any]] = ()  # type: ignore[assignment]

    def for_rule(self, rule: Rule) -> dict[str, Any]:
        if not self.rule_options:
            return dict(rule.options) if rule.options else NO_OPTIONS
        merged = dict(rule.options)
        merged.update(dict(self.rule_options).get(rule.id, {}) if self.rule_options else {})
        return merged


_OPTION_KEYS = {"min_confidence", "disabled_rules", "rules", "use_model", "use_voice"}


def parse_options(options: Mapping[str, Any] | Options | None) -> Options:
    """Validate analyzer options: ``min_confidence``, ``disabled_rules``, ``rules`` ({id: {name: value}}).
    An :class:`Options` (options parsed once for many texts) is taken as it is."""
    if isinstance(options, Options):
        return options
    if not options:
        return Options()
    unknown = set(options) - _OPTION_KEYS
    if unknown:
        raise ConfigError(f"analyzer options: unknown key(s) {sorted(unknown)}; allowed: {sorted(_OPTION_KEYS)}")
    mc = options.get("min_confidence", 0.5)
    if not isinstance(mc, int | float) or not 0 <= mc <= 1:
        raise ConfigError(f"analyzer options: min_confidence must be a number in [0, 1], got {mc!r}")
    use_model = options.get("use_model", True)
    use_voice = options.get("use_voice", True)
    for name, flag in (("use_model", use_model), ("use_voice", use_voice)):
        if not isinstance(flag, bool):
            raise ConfigError(f"analyzer options: {name} must be true or false, got {flag!r}")
    disabled = frozenset(options.get("disabled_rules", ()))
    bad = sorted(d for d in disabled if d not in BY_ID and d not in MODEL_RULE_IDS)
    if bad:
        raise ConfigError(f"analyzer options: disabled_rules names unknown rule(s) {bad}")
    per_rule: dict[str, dict[str, Any]] = {}
    for rid, opts in dict(options.get("rules", {})).items():
        rule = BY_ID.get(rid)
        if rule is None:
            raise ConfigError(f"analyzer options: rules.{rid}: no such rule")
        for k, v in dict(opts).items():
            if k not in rule.options:
                raise ConfigError(f"analyzer options: rules.{rid}.{k}: unknown option (has {sorted(rule.options)})")
            if type(v) is not type(rule.options[k]) and not (isinstance(v, int) and isinstance(rule.options[k], float)):
                raise ConfigError(f"analyzer options: rules.{rid}.{k}: expected {type(rule.options[k]).__name__}")
        per_rule[BY_ID[rid].id] = dict(opts)
    return Options(float(mc), frozenset(BY_ID[d].id if d in BY_ID else d for d in disabled), use_model, use_voice,
                   per_rule)


def _active(opts: Options, scope: str) -> tuple[Rule, ...]:
    return active_rules(opts.disabled, scope)


def _finding(rule: Rule, hit: Hit, url: str, match: str, excerpt: str, location: Location,
             storefront_id: int | None, page_kind: str = "", voice: str = "") -> Finding:
    return Finding(rule_id=rule.id, category=rule.category, article=rule.article, law=rule.law,
                   severity=rule.severity, confidence=round(hit.confidence, 2), url=url, match=match,  # type: ignore[arg-type]
                   excerpt=excerpt, location=location, explanation=rule.explanation + hit.detail,
                   storefront_id=storefront_id, page_kind=page_kind, voice=voice)


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: str  # Location.kind
    selector: str
    start: int  # offset in the joined original text
    hidden: bool = False


def _text_findings(doc: TextDoc, units: Sequence[_Unit], url: str, opts: Options,
                   storefront_id: int | None, kind: str = "", heading: str = "") -> list[Finding]:
    if opts.use_model and len(units) > 1:
        model = learned.load()
        if model is not None:  # every block the veto and the model ask about, in one numpy pass (same scores)
            model.prime([_unit_text(doc, units, k) for k in range(len(units))])
    out, ruled, voices = _rule_findings(doc, units, url, opts, storefront_id, kind, heading)
    if opts.use_model:
        out.extend(_model_findings(doc, units, ruled, url, opts, storefront_id, kind, voices))
    return out


def _rule_findings(doc: TextDoc, units: Sequence[_Unit], url: str, opts: Options, storefront_id: int | None,
                   kind: str, heading: str) -> tuple[list[Finding], dict[int, set[str]], Voices]:
    """The text rules' findings (less those the model vetoes), the categories they found per unit, the voices."""
    starts = [u.start for u in units]
    out: list[Finding] = []
    where: list[int] = []  # unit index of each finding
    voices = Voices(doc, kind, heading)
    found = doc.found
    for rule, rule_opts, needs in text_plan(opts.disabled, kind, opts.use_voice):
        if needs and found.isdisjoint(needs):
            continue  # none of the lexicons its check reads occurred (analyzers/rules/triggers.py)
        if rule_opts is None or opts.rule_options:
            rule_opts = opts.for_rule(rule)
        for hit in rule.check(doc, rule_opts):
            said = voices.at(hit.start, hit.end)
            if opts.use_voice and not rule.judges(kind, said):
                continue  # quoted law, a news report, a warning, a banned-goods list: not the shop's own offer
            a, b = doc.norm.span(hit.start, hit.end)
            k = max(0, bisect_right(starts, a) - 1)
            u = units[k] if units else _Unit("text", "", 0)
            if u.kind == "image" and not rule.reads_ocr:
                continue  # a number read from a badge image: OCR misreads digits, its format proves nothing
            loc = Location(kind=u.kind, selector=u.selector, start=a - u.start, end=b - u.start)  # type: ignore[arg-type]
            match = doc.norm.original[a:b]
            if u.hidden:  # hidden from readers (keyword stuffing for search engines): still said, less sure
                hit = dataclasses.replace(hit, confidence=hit.confidence * 0.75, detail=hit.detail + "（隐藏文字）")
            out.append(_finding(rule, hit, url, match, doc.excerpt(hit.start, hit.end), loc, storefront_id, kind, said))
            where.append(k)
    ruled: dict[int, set[str]] = {}
    if opts.use_model:
        kept = _vetoed(doc, units, out, where)
        for f, k in zip(out, where, strict=True):
            if f in kept:
                ruled.setdefault(k, set()).add(f.category)
        out = kept
    return out, ruled, voices


def _unit_text(doc: TextDoc, units: Sequence[_Unit], k: int) -> str:
    original = doc.norm.original
    if not units:
        return original
    end = units[k + 1].start - 1 if k + 1 < len(units) else len(original)
    return original[units[k].start:end]


def _vetoed(doc: TextDoc, units: Sequence[_Unit], found: list[Finding], where: list[int]) -> list[Finding]:
    """Drop rule hits the model scores far below its category's veto (chosen on dev: text like the
    quotations, reports and lawful notices the rules misread)."""
    model = learned.load()
    if model is None or not found:
        return found
    scores: dict[int, dict[str, float]] = {}
    kept = []
    for f, k in zip(found, where, strict=True):
        veto = model.vetoes.get(f.category)
        if veto is not None:
            if k not in scores:
                scores[k] = model.scores(_unit_text(doc, units, k))
            if scores[k][f.category] < veto:
                continue
        kept.append(f)
    return kept


def _model_findings(doc: TextDoc, units: Sequence[_Unit], ruled: dict[int, set[str]], url: str, opts: Options,
                    storefront_id: int | None, kind: str, voices: Voices) -> Sequence[Finding]:
    """The model speaks only for categories no rule found on the block (a rule's finding explains and cites
    better); a block where a rule found one kind of violation may still carry another."""
    judged = [k for k, u in enumerate(units) if not u.hidden and u.kind != "title"]  # a page title is a name, not copy
    blocks = [(units[k].selector, units[k].kind, _unit_text(doc, units, k), frozenset(ruled.get(k, ()))) for k in judged]
    model = learned.load()
    if model is not None:  # the trained voice, asked only where the category model would speak
        blocks = [b for b in blocks if len(b[2]) < 10 or not model.passing(b[2]) or not voice_model.reported(b[2])]

    starts: dict[str, int] = {}  # normalised block -> its start in the original text, filled when first asked

    def voice_of(sentence: str, block: str) -> str:
        context = block  # normalised, as learned.model_findings passes it
        if kind == "policy":  # a block speaks under its section's heading (三、禁止发布的商品: its items), as for rules
            if not starts:
                starts.update((normalise_term(_unit_text(doc, units, k)), units[k].start) for k in judged)
            if block in starts:
                context = voices.in_section(voices.block_start(starts[block]), block)
        return voice(sentence, context=context, kind=kind, page=voices.page)

    found = learned.model_findings(blocks, url=url, page_kind=kind, storefront_id=storefront_id, voice_of=voice_of)
    return [f for f in found if f.rule_id not in opts.disabled and not _overruled(doc, units, f)]


def _overruled(doc: TextDoc, units: Sequence[_Unit], f: Finding) -> bool:
    """A model finding on a span a rule of its category judged lawful (a toy, usage advice, a register), or a
    refused return of goods the law exempts (定制、鲜活、已激活的软件: 暂行办法 第六条、第七条)."""
    if f.category == "return_policy":
        sentence = TextDoc(f.match)
        if return_exempt(sentence, 0, len(sentence.text), conditions=False):
            return True
    if not doc.exempted:
        return False
    base = next((u.start for u in units if u.selector == f.location.selector and u.kind == f.location.kind), 0)
    a, b = base + (f.location.start or 0), base + (f.location.end or 0)
    for cat, s, e in doc.exempted:
        if cat == f.category:
            os_, oe = doc.norm.span(s, e)
            if os_ < b and a < oe:
                return True
    return False


def _content_blocks(page: Page) -> list[Any]:
    """The page's own blocks, not its navigation, header or footer (a menu item 成功案例 heads no page)."""
    return [b for b in page.blocks if b.region not in ("nav", "header", "footer")]


def _page_units(page: Page) -> tuple[str, list[_Unit]]:
    parts: list[str] = []
    units: list[_Unit] = []
    pos = 0

    def add(text: str, kind: str, selector: str, hidden: bool = False) -> None:
        nonlocal pos
        if not text:
            return
        units.append(_Unit(kind, selector, pos, hidden))
        parts.append(text)
        pos += len(text) + 1

    add(page.title, "title", "title")
    for block in page.blocks:
        add(block.text, "text", block.path, block.hidden)
    for img in page.images:
        add(img.ocr_text, "image", img.path or img.src)
    return "\n".join(parts), units


def _finish(findings: Iterable[Finding], opts: Options, allow_list: Sequence[AllowEntry],
            *, merge: bool = False) -> list[Finding]:
    seen: set[str] = set()
    site_seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        if f.confidence < opts.min_confidence:
            continue
        fid = f.finding_id
        if fid in seen:
            continue
        if f.rule_id in BY_ID and BY_ID[f.rule_id].per_site:
            key = (f.rule_id, normalise_key(f.match))
            if key in site_seen:
                continue
            site_seen.add(key)
        if any(a.covers(f) for a in allow_list):
            continue
        seen.add(fid)
        out.append(f)
    # pages and sites (what analysts triage): one finding per statement; bare text keeps each category, except that
    # a minor reading of a graver statement (a return refusal as an unfair term, 送礼首选 beside a state endorsement)
    # is reported once, inside the graver finding (merge.fold_statements)
    return merge_statements(out) if merge else fold_statements(out)


def analyze_text(text: str, *, storefront_id: int | None = None, allow_list: Sequence[AllowEntry] = (),
                 options: Mapping[str, Any] | Options | None = None, url: str = "") -> list[Finding]:
    """Text rules only (``storewatch analyze-text``): no page context, no site rules."""
    opts = parse_options(options)
    doc = TextDoc(text)
    found = _text_findings(doc, [_Unit("text", "", 0)], url, opts, storefront_id)
    return _finish(found, opts, allow_list)


def analyze_texts(texts: Sequence[str], *, options: Mapping[str, Any] | Options | None = None) -> list[list[Finding]]:
    """:func:`analyze_text` of each text (``storewatch analyze-text`` batches): the model scores the texts,
    then the sentences it may quote, in one vectorised pass each (scores do not depend on the batch)."""
    opts = parse_options(options)
    model = learned.load() if opts.use_model else None
    if model is not None:
        model.prime(texts)
        voice_model.prime([t for t in texts if len(t) >= 10])  # the blocks its veto and the model's findings ask about
    units = [_Unit("text", "", 0)]
    parts = []
    for text in texts:
        doc = TextDoc(text)
        parts.append((doc, *_rule_findings(doc, units, "", opts, None, "", "")))
    if model is not None:
        model.prime([s for doc, _f, ruled, _v in parts for s in learned.quotable(model, doc.norm.original, ruled.get(0, ()))])
    out = []
    for doc, found, ruled, voices in parts:
        if opts.use_model:
            found.extend(_model_findings(doc, units, ruled, "", opts, None, "", voices))
        out.append(_finish(found, opts, ()))
    return out


def _page_findings(page: Page, registry: RegistryRecord | None, opts: Options,
                   storefront_id: int | None) -> tuple[list[Finding], str]:
    joined, units = _page_units(page)
    doc = TextDoc(joined)
    kind = page_kind(page)
    heading = normalise_term(" ".join([page.title, *(b.text for b in _content_blocks(page)[:2] if len(b.text) <= 40)]))
    found = _text_findings(doc, units, page.url, opts, storefront_id, kind, heading)
    for rule in _active(opts, "page"):
        if not rule.judges(kind, ""):
            continue
        for hit in rule.check(page, registry, opts.for_rule(rule)):
            loc = hit.location or Location(kind="page", selector=page.url)
            found.append(_finding(rule, hit, page.url, hit.match, hit.excerpt, loc, storefront_id, kind))
    links = " ".join(f"{lk.text} {lk.title} {lk.image_alt}" for lk in page.links)
    return found, doc.text + "\n" + normalise_term(links)


def analyze_page(page: Page, *, registry: RegistryRecord | None = None, storefront_id: int | None = None,
                 allow_list: Sequence[AllowEntry] = (), options: Mapping[str, Any] | None = None) -> list[Finding]:
    """Text and page rules on one page (site rules need the whole storefront: see :func:`analyze_site`)."""
    opts = parse_options(options)
    sid = storefront_id if storefront_id is not None else (registry.storefront_id if registry else None)
    found, _ = _page_findings(page, registry, opts, sid)
    return _finish(found, opts, allow_list, merge=True)


# one page's text and page findings, its normalised text, and the site rules' shares of it ({rule id: Rule.prepare})
PagePart = tuple[list[Finding], str, dict[str, Any]]


def page_part(page: Page, registry: RegistryRecord | None, *, storefront_id: int | None = None,
              options: Mapping[str, Any] | None = None) -> PagePart:
    """The per-page share of :func:`analyze_site` (text and page rules on one page, and what site rules
    decide from this page alone), computable apart (another process) and handed back to it as ``parts``."""
    opts = parse_options(options)
    registry = None if registry is not None and not registry.found else registry
    sid = storefront_id if storefront_id is not None else (registry.storefront_id if registry else None)
    found, text = _page_findings(page, registry, opts, sid)
    return found, text, {r.id: r.prepare(page, text) for r in _active(opts, "site") if r.prepare is not None}


def _drop_declared_names(found: list[Finding], texts: Mapping[str, str]) -> list[Finding]:
    """Absolute-term findings on a name one page of the site declares as its mark (“至尊鲤”为本公司注册商标): the
    declaration on the home view names the goods on the other pages too."""
    names = set().union(*map(declared_names, texts.values())) if texts else set()

    def on_name(f: Finding) -> bool:
        match, excerpt = normalise_term(f.match), normalise_term(f.excerpt)
        return any(match in n and n in excerpt for n in names)

    return [f for f in found if not (names and f.match and f.rule_id == "AD-ABSOLUTE-TERM" and on_name(f))]


def analyze_site(pages: Sequence[Page], registry: RegistryRecord | None, *, storefront_id: int | None = None,
                 allow_list: Sequence[AllowEntry] = (), options: Mapping[str, Any] | None = None,
                 parts: Mapping[int, PagePart] | None = None) -> list[Finding]:
    """All rules over one storefront's pages: text and page rules per page, site rules once.
    ``parts``: :func:`page_part` results already computed, by index in ``pages``."""
    opts = parse_options(options)
    unregistered = registry if registry is not None and not registry.found else None
    registry = None if unregistered is not None else registry
    sid = storefront_id if storefront_id is not None else (registry.storefront_id if registry else None)
    order = sorted(range(len(pages)), key=lambda i: not pages[i].is_home)  # home first: per-site matches there
    ordered = [pages[i] for i in order]
    found: list[Finding] = []
    texts: dict[str, str] = {}
    prepared: dict[str, dict[str, Any]] = {}
    for i, page in zip(order, ordered, strict=True):
        done = parts.get(i) if parts else None
        page_found, text, prepared[page.url] = done if done is not None else (*_page_findings(page, registry, opts, sid), {})
        found.extend(page_found)
        texts[page.url] = text
    found = _drop_declared_names(found, texts)
    site = Site(tuple(ordered), registry, texts, unregistered, prepared)
    kinds = {p.url: page_kind(p) for p in ordered}
    for rule in _active(opts, "site"):
        for hit in rule.check(site, opts.for_rule(rule)):
            url = hit.url or (site.home.url if site.home else "")
            kind = kinds.get(url, "")
            if not rule.judges(kind, ""):
                continue
            loc = hit.location or Location(kind="site", selector=url)
            found.append(_finding(rule, hit, url, hit.match, hit.excerpt, loc, sid, kind))
    return _finish(found, opts, allow_list, merge=True)
