"""gov_impersonation (text) and gov_badge_forgery (page): government names and marks.

Xining rules Art. 15(4), 15(7); 广告法 第九条第（二）项; 电子商务法 第十五条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analyzers.images import BADGE_LOOKS
from analyzers.lexicons import lexicon, scanner
from analyzers.model import Location, Page, RegistryRecord
from analyzers.normalise import normalise_term
from analyzers.ocr import is_badge_sized
from analyzers.rules.base import HOME, Hit, Rule, home, site
from analyzers.text import TextDoc
from analyzers.urls import basename, host, host_matches, same_site

# 核准信息可在国家知识产权局…公告中查询: pointing the buyer to the register is how a lawful shop proves its claim
_VERIFY = re.compile(r"(?:可在|可通过|可于|可登录|请到|请登录|可到|均可在|可以在)[^。;\n]{0,40}?(?:查询|核验|验证|查证|查到)"
                     r"|(?:公告|名单|名录|官网|数据库|系统)(?:中|内|上)?(?:可)?(?:查询|查到|核验)")
# a partnership stated with its term and licence number (合作期2024-2026年，授权编号CAA-…): a fact the buyer can check
_LICENSED = re.compile(r"授权(?:书)?编号|协议编号|合作期(?:限)?[:：为]?\s*\d{4}")
_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*(?:第)?\d+\s*号")
_HEARSAY = re.compile(r"(?:说是|所谓|据说)[\"“「]?$")
_ORGS = frozenset({"消费者协会", "消协", "中国质量协会", "质量协会", "行业协会", "红十字会"})


# An official-sounding body nobody registered (中国老年健康产业促进委员会, 国家中医药健康养生产业发展中心) named as
# recommending or guiding the goods: the name itself borrows the state's authority (第十五条第（七）项).
_INVENTED_BODY = re.compile(r"(?:国家|中国|中华|全国|中央)[\u4e00-\u9fff]{2,14}?(?:委员会|促进会|联合会|研究会|协会|总会|基金会|"
                            r"研究院|研究中心|发展中心|指导中心|工作委员会|领导小组)")
_INVENTED_ENDORSE = re.compile(r"[\"”」』]?[^。;,!?\n]{0,3}?(?:推荐|指定|特供|专供|监制|审定|指导|重点推广|推广|担保|点赞|定点|首推|力荐|背书"
                               r"|认证|金奖|金牌|银奖|评为|授予|认定|研发|联合出品|官方合作|合作项目|战略合作|重点扶持|扶持项目)")
_CERT_BODY = re.compile(r"认证|检验|检测|计量|质检|标准化")


# A local government department by its own name (青海省工业和信息化厅, 西宁市市场监督管理局, 城东区人民政府) named
# as recommending or appointing the goods: the state's authority borrowed just as with a national body.
_LOCAL_BODY = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:省|市|自治区|自治州|县|区)(?:人民政府|[\u4e00-\u9fff]{2,12}?(?:厅|局|委员会|办公室))")


def _invented(doc: TextDoc, done: set[tuple[int, int]]) -> Iterator[Hit]:
    yield from _bodies(doc, done, _LOCAL_BODY)
    yield from _bodies(doc, done, _INVENTED_BODY)
    yield from _officials(doc, done)
    for m in _PROTECTED.finditer(doc.text) if "受" in doc.text else ():
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        if (ss, se) not in done and not (doc.negated(span) or doc.quoted(span) or doc.compliance(span)):
            done.add((ss, se))
            yield Hit(m.start(), m.end(), confidence=0.7)


# the shop's trade said to be under the state's protection (交易受公安机关保护): the state's authority borrowed
_PROTECTED = re.compile(r"(?:交易|资金|订单|本站|本平台|本店|购物|买卖)[^。;\n]{0,6}?受(?:到)?(?:公安机关|公安部|警方|政府|国家|市场监管部门|工商部门)"
                        r"(?:的)?(?:全程)?(?:保护|保障|监管|担保)")


# State officials' visits or praise used to sell (领导人视察我们厂, 省里领导下乡考察时点名表扬): 广告法 第九条第（二）项
# bars the names and images of state functionaries in advertising.
_OFFICIAL = re.compile(r"(?:(?:国家|中央|省里?|市里?|县里?|部委|政府|上级)[^。;,\n]{0,4}?领导|领导人)[^。;\n]{0,12}?"
                       r"(?:视察|考察|点名表扬|表扬|称赞|夸|题词|品尝|接见|肯定|点赞)")
_COMPANY_HEAD = re.compile(r"(?:公司|集团|企业|本店|我们|厂|单位|部门)[^。;,\n]{0,2}?领导")


def _officials(doc: TextDoc, done: set[tuple[int, int]]) -> Iterator[Hit]:
    for m in _OFFICIAL.finditer(doc.text):
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        if (ss, se) in done or _COMPANY_HEAD.search(doc.text, max(ss, m.start() - 4), m.end()) or doc.negated(span) \
                or doc.quoted(span) or doc.compliance(span):
            continue
        done.add((ss, se))
        yield Hit(m.start(), m.end(), confidence=0.7)


def _bodies(doc: TextDoc, done: set[tuple[int, int]], pattern: re.Pattern[str]) -> Iterator[Hit]:
    for m in pattern.finditer(doc.text):
        e = _INVENTED_ENDORSE.match(doc.text, m.end())
        if e is None or _CERT_BODY.search(m.group()):
            continue
        span = (m.start(), e.end())
        ss, se = doc.sentence(*span)
        if (ss, se) in done or doc.negated(span) or doc.quoted(span) or doc.compliance(span) \
                or doc.has("compliance_markers", ss, se) or _VERIFY.search(doc.text, ss, se) \
                or _LICENSED.search(doc.text, ss, min(len(doc.text), se + 40)):
            continue
        done.add((ss, se))
        yield Hit(m.start(), e.end(), confidence=0.7)


# A product certified by an accredited certification body, or bearing the compulsory CCC mark, says who certified
# it: a fact the buyer can check (认证认可条例 第二十八条; cnca.gov.cn lists the bodies), not an endorsement by the state.
_REAL_CERT = re.compile(r"(?:中国质量认证中心|cqc|中国检验认证集团|方圆标志认证|中环联合(?:\(北京\))?认证中心|华夏认证中心|中国船级社)"
                        r"[^。;\n]{0,12}?认证|(?:ccc|3c)\s*(?:认证|标志|标识)|强制性产品认证")
_FAKE_CERT = re.compile(r"免检|国家级|特供|专供|指定|推荐|监制")


def check_impersonation(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    done: set[tuple[int, int]] = set()
    for m in _REAL_CERT.finditer(doc.text):
        ss, se = doc.sentence(m.start(), m.end())
        if not _FAKE_CERT.search(doc.text, ss, se):
            doc.exempt("gov_impersonation", ss, se)  # binds the model too (engine._overruled)
            doc.exempt("trademark_misuse", ss, se)  # the certification mark is used with its certifier named
    for h in _lexicon_impersonation(doc):
        done.add(doc.sentence(h.start, h.end))
        yield h
    yield from _invented(doc, done)


def _lexicon_impersonation(doc: TextDoc) -> Iterator[Hit]:
    endorse = doc.get("gov_endorse")
    for b in doc.get("gov_bodies"):
        if doc.covered(b, "gov_body_exempt", "gov_bodies") or doc.negated(b) or doc.quoted(b):
            continue
        _, ce = doc.clause(b.start, b.end)
        e = next((e for e in endorse if b.end <= e.start <= b.end + 8 and e.end <= ce), None)
        if e is None:
            continue
        ss, se = doc.sentence(b.start, e.end)
        if doc.has("negation", b.end, e.start) or doc.has("compliance_markers", ss, se):
            continue
        if _HEARSAY.search(doc.text, max(ss, b.start - 4), b.start):
            continue  # 说是部队同款, 所谓“国宴特供”: someone's claim reported, not the shop's
        if "老字号" in doc.text[ss:se]:
            continue  # 中华老字号 is a real designation by 商务部
        if _VERIFY.search(doc.text, ss, se):
            doc.exempt("gov_impersonation", ss, se)
            continue  # the body named as where to check a licence or approval, not as an endorser
        if b.term in _ORGS and _DOC_NUMBER.search(doc.text, ss, min(len(doc.text), se + 30)):
            continue  # 消费者协会授予…称号（青消协〔2023〕15号）: an honour with the document that grants it
        yield Hit(b.start, e.end, confidence=0.6 if b.term in _ORGS else 0.85)


# ---- badges ----------------------------------------------------------------------------------
_KIND_NAMES = {"redshield": "工商网监/红盾标识", "licence": "电子营业执照亮照标识", "police": "网警/网络110标识",
               "policefiling": "公安备案标识", "trusted": "可信网站标识"}


@dataclass(frozen=True, slots=True)
class Badge:
    kind: str
    src: str
    href: str
    selector: str
    signal: str  # the words that identified it


def _official(kind: str) -> list[str]:
    return [e.raw for e in lexicon("official_hosts") if e.tag in (kind, "any")]


def is_official(url: str, kind: str) -> bool:
    h = host(url)
    return bool(h) and any(host_matches(h, suffix) for suffix in _official(kind))


def _kind(*signals: str) -> tuple[str, str] | None:
    sc = scanner(("gov_badges",))
    for s in signals:
        if not s:
            continue
        found = sc.scan(normalise_term(s)).get("gov_badges")
        if found:
            return found[0].tag, found[0].entry.raw
    return None


def badges(p: Page) -> list[Badge]:
    """Images (and image links) presented as government marks."""
    out: list[Badge] = []
    seen: set[str] = set()
    for img in p.images:
        if img.width and img.height and not is_badge_sized(img.width, img.height):
            continue  # a scan of the licence itself, a banner: not a mark
        near = img.nearby_text if len(img.nearby_text) <= 30 else ""
        k = _kind(img.alt, img.title, img.ocr_text, basename(img.src), near, BADGE_LOOKS.get(img.looks_like, ""))
        if k:
            out.append(Badge(k[0], img.src, img.link_href, img.path or img.src, k[1]))
            seen.add(img.src)
    for link in p.links:
        if not link.image_src or link.image_src in seen:
            continue
        k = _kind(link.image_alt, link.title, basename(link.image_src), link.text)
        if k:
            out.append(Badge(k[0], link.image_src, link.href, link.path or link.image_src, k[1]))
    return out


def _has_official_link(p: Page, kind: str) -> bool:
    """The 公安备案 icon often sits next to (not inside) the text link to beian.mps.gov.cn."""
    if kind != "policefiling":
        return False
    return any(host_matches(host(link.href), h) for link in p.links for h in ("beian.mps.gov.cn", "beian.gov.cn"))


def _badge_hits(p: Page, verdict: str) -> Iterator[Hit]:
    for b in badges(p):
        name = _KIND_NAMES.get(b.kind, "政府标识")
        loc = Location(kind="image", selector=b.selector)
        if not b.href:
            if verdict == "unlinked" and not _has_official_link(p, b.kind):
                yield Hit(match=b.signal, location=loc, confidence=0.8, excerpt=b.src,
                          detail=f"（{name}未链接到官方核验服务）")
        elif is_official(b.href, b.kind):
            continue
        elif same_site(b.href, p.url) or not host(b.href):
            if verdict == "selfhosted":
                yield Hit(match=b.signal, location=loc, confidence=0.9, excerpt=b.href,
                          detail=f"（{name}链接到本站副本 {b.href}）")
        elif verdict == "fakelink":
            yield Hit(match=b.signal, location=loc, confidence=0.85, excerpt=b.href,
                      detail=f"（{name}链接到非官方地址 {b.href}）")


def check_badge_unlinked(p: Page, registry: RegistryRecord | None, opts: dict[str, Any]) -> Iterator[Hit]:
    return _badge_hits(p, "unlinked")


def check_badge_self_hosted(p: Page, registry: RegistryRecord | None, opts: dict[str, Any]) -> Iterator[Hit]:
    return _badge_hits(p, "selfhosted")


def check_badge_fake_link(p: Page, registry: RegistryRecord | None, opts: dict[str, Any]) -> Iterator[Hit]:
    return _badge_hits(p, "fakelink")


def _img(alt: str, src: str, href: str, **kw: Any) -> Any:
    from analyzers.model import Image

    return Image(src=src, alt=alt, link_href=href, width=kw.get("width", 120), height=kw.get("height", 40),
                 region="footer", path="footer>a>img", ocr_text=kw.get("ocr", ""))


_GOOD_POLICE = _img("公安备案", HOME + "img/beian.png", "https://beian.mps.gov.cn/#/query/webSearch?code=63010202000123")
_LAW_BADGE = ("西宁市电子商务信用管理制度 第十五条第（四）项", "电子商务法 第十五条")
_WHY_BADGE = ("第十五条第（四）项禁止在网站上伪造、冒用政府及有关行政管理部门电子标识。真实的标识链接到 gov.cn 下的官方核验服务"
              "（国家企业信用信息公示系统、全国互联网安全管理服务平台等）。")

RULES: tuple[Rule, ...] = (
    Rule(
        id="GOV-IMPERSONATION", category="gov_impersonation", article="15(7)",
        law=("广告法 第九条第（二）项", "反不正当竞争法 第六条"), severity="high",
        explanation="使用国家机关、社会团体的名义推荐、认证或“特供”商品", check=check_impersonation, scope="text",
        what="Goods promoted with the name or endorsement of a state organ or social organisation "
             "(市场监管局推荐, 人民大会堂特供, 消协指定).",
        why="第十五条第（七）项禁止冒用政府机关、社会团体名义推广商品；广告法第九条第（二）项禁止使用国家机关及其工作人员的名义或形象。",
        bad=("本产品由国家市场监督管理总局推荐，放心选购。", "人民大会堂特供茶叶。", "火箭军同款战术手电，军方采购。", "中国消费者协会指定产品。",
             "城东区人民政府推荐的扶贫产品，欢迎选购。"),
        good=("中央空调推荐品牌，节能静音。", "说是部队同款，我看就是普通的迷彩服，质量一般。", "经国家药监局批准上市（国药准字H20000001）。", "本店不以任何政府机关名义推荐商品。",
              "本店已在西宁市市场监督管理局登记注册。"),
        references=("广告法 第九条",),
    ),
    Rule(
        id="GOV-BADGE-UNLINKED", category="gov_badge_forgery", article="15(4)", law=_LAW_BADGE, severity="high",
        explanation="网站展示政府电子标识图片，但未链接到官方核验服务", check=check_badge_unlinked, scope="page",
        what="An image presented as a government mark (工商网监, 电子营业执照, 网警, 公安备案, 可信网站) with no link at all.",
        why=_WHY_BADGE,
        bad=(site(home("欢迎光临", images=[_img("工商网监电子标识", HOME + "img/gswj.png", "")]),
                  description="首页页脚有“工商网监”标识图片，没有链接"),),
        good=(site(home("欢迎光临", images=[_GOOD_POLICE]), description="公安备案图标链接到 beian.mps.gov.cn"),),
        references=_LAW_BADGE, per_site=True,
    ),
    Rule(
        id="GOV-BADGE-SELF-HOSTED", category="gov_badge_forgery", article="15(4)", law=_LAW_BADGE, severity="critical",
        explanation="政府电子标识链接到本站自建的“核验”页面（伪造标识）", check=check_badge_self_hosted, scope="page",
        what="A government mark whose link goes to a copy on the shop's own host instead of the official service.",
        why=_WHY_BADGE,
        bad=(site(home("欢迎光临", images=[_img("电子营业执照亮照", HOME + "img/lz.png", HOME + "license/verify.html")]),
                  description="亮照标识链接到本站 /license/verify.html"),),
        good=(site(home("欢迎光临", images=[_img("电子营业执照", HOME + "img/lz.png",
                                                      "https://zzlz.gsxt.gov.cn/businessShow/abc")]),
                   description="亮照标识链接到 zzlz.gsxt.gov.cn"),),
        references=_LAW_BADGE, per_site=True,
    ),
    Rule(
        id="GOV-BADGE-FAKE-LINK", category="gov_badge_forgery", article="15(4)", law=_LAW_BADGE, severity="critical",
        explanation="政府电子标识链接到非官方网站", check=check_badge_fake_link, scope="page",
        what="A government mark whose link goes to a host that is not an official verification service.",
        why=_WHY_BADGE,
        bad=(site(home("欢迎光临", images=[_img("", HOME + "img/b1.png", "http://gsxt-verify.com/cert?id=1",
                                                     ocr="红盾 工商网监")]),
                  description="OCR 识别出“红盾”的图片链接到 gsxt-verify.com"),),
        good=(site(home("欢迎光临", images=[_img("网络110报警服务", HOME + "img/110.png",
                                                      "http://www.cyberpolice.cn/wfjb/")]),
                   description="网络110 标识链接到 cyberpolice.cn"),),
        references=_LAW_BADGE, per_site=True,
    ),
)
