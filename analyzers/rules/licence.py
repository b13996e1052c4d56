"""license_display and filing_display: Art. 9 and 16 — licence information, ICP and 公网安备 numbers.

The licence must be shown "on the home page or a licence page linked from it" (电子商务法 第十五条).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.ids import (
    B2_LICENCE,
    canonical_icp,
    canonical_police,
    icp_problem,
    police_filing_problem,
    uscc_org_code_problem,
    uscc_problem,
)
from analyzers.model import Location, Page, normalise_url
from analyzers.normalise import normalise_term
from analyzers.rules.base import HOME, REGISTRY, Hit, Link, Rule, Site, TextBlock, home, page, site
from analyzers.text import TextDoc
from analyzers.understand import is_platform
from analyzers.urls import host, host_matches

_USCC_LABELLED = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码|uscc)[^0-9a-z\n]{0,6}([0-9a-z](?: ?[0-9a-z]){14,21})(?![0-9a-z])")
_USCC_ANY = re.compile(r"(?<![0-9a-z])([0-9][0-9a-hj-npqrtuwxy][0-9]{6}[0-9a-hj-npqrtuwxy]{10})(?![0-9a-z])")
_ICP = re.compile(r"(?P<prov>[\u4e00-\u9fff])?\s?icp(?P<kind>备|证)?(?:案)?(?:号)?[:：]?\s*(?P<num>\d+)(?P<hao>号)?(?:-(?P<site>\d+))?")
_POLICE = re.compile(r"(?P<prov>[\u4e00-\u9fff])?公网安备(?:号)?[:：]?\s*(?P<num>\d+)(?P<hao>号)?")
_LICENCE_LINK = re.compile(r"营业执照|执照|证照|资质|亮照|工商信息|企业信息|licen[cs]e")
_NAME = re.compile(
    r"(?:主体名称|公司名称|企业名称|经营者名称|经营者|经营主体|运营主体|运营方|主办单位|网站主办者|主办方|营业执照|版权所有|©|copyright)[:：\s]*"
    r"(?:©|\d{4}(?:-\d{4})?)?\s*([\u4e00-\u9fff()]{2,40}?(?:有限责任公司|股份有限公司|有限公司|合作社|商行|经营部|工作室|门市部))"
)
# or named, unlabelled, right before its credit code (页脚：西宁某某有限公司 统一社会信用代码：…), from the start of its line or item
_NAME_BEFORE_USCC = re.compile(r"(?:^|[\n·|,;:。!?>])([\u4e00-\u9fff()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|合作社|商行|经营部|工作室"
                               r"|门市部))[·|,\s]*(?:统一社会信用代码|社会信用代码|信用代码)", re.M)


# ---- text rules: malformed identifiers -------------------------------------------------------
# 营业执照：<18 characters> is a USCC (a 15-digit old registration number is not judged)
_USCC_LICENCE = re.compile(r"营业执照(?:号|号码|编号)?[^0-9a-z\n]{0,6}([0-9a-z]{18})(?![0-9a-z])")


def check_uscc_invalid(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    found = list(_USCC_LABELLED.finditer(doc.text))
    if not found and "营业执照" in doc.text:
        found = list(_USCC_LICENCE.finditer(doc.text))
    for m in found:
        code = m.group(1).replace(" ", "").upper()
        problem = uscc_problem(code) or uscc_org_code_problem(code)
        if problem:
            yield Hit(m.start(1), m.end(1), confidence=0.95, detail=f"（{problem}）")


_ICP_PENDING = re.compile(r"icp(?:备案|许可证|经营许可证|证)?(?:号|编号)?[:\s]*"
                          r"(?:正在办理|办理中|申请中|审核中|审批中|备案中|正在备案|正在申请|待定|暂无|待审核|待补充|待更新)")


def _near(pattern: re.Pattern[str], text: str, literal: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer`` for patterns whose match holds ``literal`` at most 2 characters from its start.

    The optional province character in front keeps ``re`` from skipping ahead by the literal, so find
    the literal with ``str.find`` and match only there.
    """
    end = 0
    i = text.find(literal)
    while i >= 0:
        m = pattern.search(text, max(end, i - 2), i + len(literal) + 64)
        if m is not None and m.start() <= i:
            yield m
            end = m.end()
        i = text.find(literal, max(i + 1, end))


def _icp_string(m: re.Match[str]) -> str:
    return f"{m['prov'] or ''}ICP{m['kind'] or ''}{m['num']}{m['hao'] or ''}" + (f"-{m['site']}" if m["site"] else "")


_IPC = re.compile(r"[\u4e00-\u9fff]ipc(?:备|证)\s*\d{4,}")


def check_icp_invalid(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if "ipc" in doc.text:  # 青IPC备…: a look-alike of a filing number
        for m in _IPC.finditer(doc.text):
            yield Hit(m.start(), m.end(), confidence=0.85, detail="（“ICP”写作“IPC”，不是有效的备案号）")
    if "icp" not in doc.text:
        return
    for m in _near(_ICP, doc.text, "icp"):
        problem = "缺少“备”或“证”字" if not m["kind"] else icp_problem(_icp_string(m))
        if not problem and re.match(r"-[a-z]", doc.text[m.end():m.end() + 2]):
            problem = "网站序号应为数字"
        if problem:
            yield Hit(m.start(), m.end(), confidence=0.9, detail=f"（{problem}）")
    for m in _near(_ICP_PENDING, doc.text, "icp"):
        yield Hit(m.start(), m.end(), confidence=0.85, detail="（未展示备案号，称备案正在办理：未经备案不得开办网站）")


def check_police_invalid(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if "公网安备" not in doc.text:
        return
    for m in _near(_POLICE, doc.text, "公网安备"):
        problem = police_filing_problem(f"{m['prov'] or ''}公网安备{m['num']}{m['hao'] or ''}")
        if problem:
            yield Hit(m.start(), m.end(), confidence=0.9, detail=f"（{problem}）")


# ---- site rules --------------------------------------------------------------------------------
def check_no_filing_record(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    """The registry was searched for this storefront's host and holds no filing record."""
    if s.unregistered is None:
        return
    h = s.home
    where = s.unregistered.domain or (host(h.url) if h else "")
    yield Hit(url=h.url if h else "", match=where, excerpt=f"备案登记中没有网站域名为 {where} 的记录",
              confidence=1.0, location=Location(kind="site", selector=h.url if h else where))


def licence_pages(s: Site, h: Page) -> tuple[list[Page], bool]:
    """Pages holding the licence that the home page links to; and whether such a link exists at all."""
    by_url = {normalise_url(p.url): p for p in s.pages}
    found: list[Page] = []
    linked = False
    for link in h.links:
        label = normalise_term(" ".join((link.text, link.title, link.image_alt)))
        target = by_url.get(normalise_url(link.href))
        if _LICENCE_LINK.search(label) or (target is not None and target.kind == "licence"):
            linked = True
            if target is not None and target is not h:
                found.append(target)
    return found, linked


def _licence_text(s: Site, h: Page) -> str:
    pages, _ = licence_pages(s, h)
    parts = [s.text(h)] + [s.text(p) for p in pages]
    for p in [h, *pages]:
        parts.extend(normalise_term(i.ocr_text + " " + i.alt) for i in p.images if i.ocr_text or i.alt)
    return "\n".join(parts)


def _uscc_shown(text: str) -> list[str]:
    codes = [m.group(1).replace(" ", "").upper() for m in _USCC_LABELLED.finditer(text)]
    return codes or [m.group(1).upper() for m in _USCC_ANY.finditer(text)]


def _here(p: Page) -> Location:
    return Location(kind="page", selector=p.url)


def check_licence_missing(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    h = s.judgeable_home
    if h is None:
        return
    text = _licence_text(s, h)
    _, linked = licence_pages(s, h)
    gsxt = any(host_matches(host(link.href), "gsxt.gov.cn") for link in h.links) or any(
        host_matches(host(i.link_href), "gsxt.gov.cn") for i in h.images)
    if _uscc_shown(text) or gsxt or ("营业执照" in text and _NAME.search(text)):
        return
    if linked and not licence_pages(s, h)[0]:
        return  # linked to a licence page we did not fetch: cannot judge
    yield Hit(match="营业执照信息", location=_here(h), url=h.url, confidence=0.85,
              excerpt="首页及其链接的执照页面均未找到统一社会信用代码、主体名称或电子营业执照链接标识")


def check_licence_mismatch(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    h, r = s.home, s.registry
    if h is None or r is None:
        return
    text = _licence_text(s, h)
    shown = [c for c in _uscc_shown(text) if uscc_problem(c) is None]
    if r.uscc and shown and r.uscc.strip().upper() not in shown:
        yield Hit(match=shown[0], location=_here(h), url=h.url, confidence=0.9,
                  excerpt=f"网站展示 {shown[0]}，备案为 {r.uscc}", detail="（统一社会信用代码与备案不符）")
    if r.name:
        want = normalise_term(r.name)
        names = [m.group(1) for m in _NAME.finditer(text)] + [m.group(1) for m in _NAME_BEFORE_USCC.finditer(text)]
        if names and want not in text and all(n != want for n in names):
            yield Hit(match=names[0], location=_here(h), url=h.url, confidence=0.8,
                      excerpt=f"网站展示“{names[0]}”，备案主体为“{r.name}”", detail="（主体名称与备案不符）")


def _icps(text: str) -> list[str]:
    """The ICP filing or licence numbers shown, and 增值电信业务经营许可证 numbers (青B2-20230012)."""
    shown = [canonical_icp(_icp_string(m)) for m in _near(_ICP, text, "icp")]
    if "b2-" in text:
        shown += [canonical_icp(m.group()) for m in B2_LICENCE.finditer(text)]
    return shown


def _polices(text: str) -> list[str]:
    return [canonical_police(f"{m['prov'] or ''}公网安备{m['num']}{m['hao'] or ''}") for m in _near(_POLICE, text, "公网安备")]


def check_icp_missing(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    h = s.judgeable_home
    if h is not None and not _icps(s.text(h)):
        yield Hit(match="ICP备案号", location=_here(h), url=h.url, confidence=0.8, excerpt="首页未展示ICP备案号或许可证号")


def check_icp_mismatch(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    h, r = s.home, s.registry
    if h is None or r is None or not r.icp:
        return
    shown = _icps(s.text(h))
    want = canonical_icp(r.icp)
    if shown and want not in shown:
        yield Hit(match=shown[0], location=_here(h), url=h.url, confidence=0.9,
                  excerpt=f"网站展示 {shown[0]}，备案为 {r.icp}")


# a registry row filed as a trading platform (the examples of the Art. 16 rules)
PLATFORM = REGISTRY.__class__(name=REGISTRY.name, uscc=REGISTRY.uscc, icp=REGISTRY.icp, site_type="网络交易平台")
_PLATFORM_RULES = tuple(Link(HOME + h, t) for h, t in (("agreement", "用户协议"), ("rules", "平台交易规则"),
                                                       ("protect", "消费者权益保护"), ("privacy", "隐私政策")))


def check_police_missing(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    # Art. 16 binds platform operators: judge only a storefront the registry files as a trading platform.
    if s.registry is None or not is_platform(s.registry.site_type):
        return
    h = s.judgeable_home
    if h is not None and not _polices(s.text(h)):
        yield Hit(match="公网安备号", location=_here(h), url=h.url, confidence=0.7, excerpt="首页未展示公安机关互联网站安全管理备案号")


def check_police_no_link(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    # Like FIL-POLICE-MISSING: Art. 16 binds platform operators, so an ordinary shop's unlinked number is not judged.
    if s.registry is None or not is_platform(s.registry.site_type):
        return
    h = s.home
    if h is None or not _polices(s.text(h)):
        return
    official = ("beian.mps.gov.cn", "beian.gov.cn")
    if not any(any(host_matches(host(u), o) for o in official) for u in
               [link.href for link in h.links] + [i.link_href for i in h.images]):
        yield Hit(match=_polices(s.text(h))[0], location=_here(h), url=h.url, confidence=0.8,
                  excerpt="公网安备号未链接到全国互联网安全管理服务平台（beian.mps.gov.cn）")


def check_police_mismatch(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    h, r = s.home, s.registry
    if h is None or r is None or not r.police_filing:
        return
    shown = _polices(s.text(h))
    want = canonical_police(r.police_filing)
    if shown and want not in shown:
        yield Hit(match=shown[0], location=_here(h), url=h.url, confidence=0.9,
                  excerpt=f"网站展示 {shown[0]}，备案为 {r.police_filing}")


# ---- declarations ------------------------------------------------------------------------------
_BARE = Page(url=HOME, blocks=(TextBlock("欢迎光临示例商城"), TextBlock("青ICP备19000123号-1 青公网安备 63010202000123号")),
             links=(Link(href="https://beian.mps.gov.cn/", text="青公网安备 63010202000123号"),), is_home=True, kind="home")
_WHY9 = ("第九条：应当在网站主页面或者从事经营活动的网页醒目位置公开营业执照登载的信息或者其营业执照的电子链接标识；"
         "电子商务法第十五条要求在首页显著位置持续公示。")
_WHY_ICP = "第九条要求备案登记ICP许可证号，第十六条要求履行互联网站安全管理备案义务；工信部要求在网站首页底部标明备案号并链接至备案系统。"
_LAW_LIC = ("电子商务法 第十五条", "市场监督管理总局《网络交易监督管理办法》第十二条")
_LAW_ICP = ("互联网信息服务管理办法 第十二条", "非经营性互联网信息服务备案管理办法 第十三条")
_LAW_POL = ("计算机信息网络国际联网安全保护管理办法 第十二条", "网络安全法 第二十一条")


def _r(id: str, cat: str, article: str, law: tuple[str, ...], sev: str, expl: str, check: Any, scope: str,
       what: str, why: str, bad: tuple[Any, ...], good: tuple[Any, ...], **kw: Any) -> Rule:
    return Rule(id=id, category=cat, article=article, law=law, severity=sev, explanation=expl, check=check,
                scope=scope, what=what, why=why, bad=bad, good=good, references=law, **kw)  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    _r("FIL-NO-FILING-RECORD", "filing_display", "9", _LAW_ICP, "high", "备案登记中找不到该网站（未办理电子商务主体备案登记）",
       check_no_filing_record, "site", "The storefront's host has no row in the bureau's registry of filing records.",
       "第九条：电子商务经营主体应办理备案登记（主体名称、网站域名、ICP许可证号等），经营者对备案信息的真实性负责。",
       (site(home("欢迎光临"), registry=REGISTRY.__class__(domain="shop.example.cn", found=False),
             description="备案名单中没有 shop.example.cn"),),
       (site(home("欢迎光临"), registry=REGISTRY, description="备案名单中有该网站"),
        site(home("欢迎光临"), description="未提供备案名单（无从比对）"))),
    _r("LIC-MISSING", "license_display", "9", _LAW_LIC, "high", "首页（及其链接的执照页面）未公示营业执照信息或电子营业执照链接标识",
       check_licence_missing, "site", "No USCC, company name or electronic licence link on the home page or a licence page linked from it.",
       _WHY9, (site(_BARE, description="首页只有备案号，没有营业执照信息，也没有执照页面链接"),),
       (site(home("欢迎光临示例商城"), description="首页页脚公示主体名称与统一社会信用代码"),)),
    _r("LIC-USCC-INVALID", "license_display", "9", ("GB 32100-2015 法人和其他组织统一社会信用代码编码规则",) + _LAW_LIC,
       "high", "公示的统一社会信用代码不符合 GB 32100-2015（校验位或字符错误）", check_uscc_invalid, "text",
       "A displayed Unified Social Credit Code that fails the GB 32100-2015 format or check character.",
       "统一社会信用代码由18位组成，第18位为校验码（GB 32100-2015）；校验失败说明所公示的营业执照信息不真实或有误，违反第九条。",
       ("统一社会信用代码：91630100MA7528H0P1", "信用代码：91630100710566835M", "營業執照：916301218645428436"),
       ("统一社会信用代码：91630100MA7528H0PR", "统一社会信用代码：91330100799655058B", "订单号：202405200000123456",
        "营业执照注册号：630100000012345"),
       per_site=True, reads_ocr=False),
    _r("LIC-MISMATCH", "license_display", "9", _LAW_LIC, "high", "公示的主体名称或统一社会信用代码与备案登记信息不一致",
       check_licence_mismatch, "site", "The name or USCC shown differs from the storefront's filing record.",
       "第九条：经营者应对其备案登记信息的真实性负责；网站公示的营业执照信息应与备案一致。",
       (site(home("欢迎光临", TextBlock("运营主体：西宁另一家商贸有限公司")), registry=REGISTRY.__class__(
           name="西宁另一家商贸有限公司", uscc="91110000802100433B"), description="展示的代码与备案不同"),
        site(Page(url=HOME, blocks=(TextBlock("欢迎光临"), TextBlock(f"西宁示例奢品有限公司 统一社会信用代码：{REGISTRY.uscc}"),
                                    TextBlock("青ICP备19000123号-1")), is_home=True), registry=REGISTRY,
             description="页脚在信用代码前写的公司名与备案不同（未标“主体名称”）")),
       (site(home("欢迎光临示例商城"), registry=REGISTRY, description="展示信息与备案一致"),
        site(Page(url=HOME, blocks=(TextBlock("欢迎光临"), TextBlock(f"{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}"),
                                    TextBlock("青ICP备19000123号-1")), is_home=True), registry=REGISTRY,
             description="页脚在信用代码前写的公司名与备案一致"))),
    _r("FIL-ICP-MISSING", "filing_display", "9, 16", _LAW_ICP, "medium", "首页未展示ICP备案号", check_icp_missing, "site",
       "No ICP filing or licence number on the home page.", _WHY_ICP,
       (site(Page(url=HOME, blocks=(TextBlock(f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}"),
                                    TextBlock("青公网安备 63010202000123号")),
                  links=(Link(href="https://beian.mps.gov.cn/", text="青公网安备 63010202000123号"),), is_home=True),
             description="首页没有ICP备案号"),),
       (site(home("欢迎光临"), description="首页页脚展示 青ICP备19000123号-1"),)),
    _r("FIL-ICP-INVALID", "filing_display", "9, 16", _LAW_ICP, "medium", "ICP备案号格式错误或省份简称不存在", check_icp_invalid, "text",
       "An ICP number with a bad format, an unknown province abbreviation or a wrong number of digits.", _WHY_ICP,
       ("备案号：ICP备12345678号", "京ICP备123号", "青ICP2021003456号-1", "ICP备案号：正在办理中",
        "备案号：青ICP备20220044号-A", "青IPC备2020003156号-2 | 联系我们"),
       ("青ICP备19000123号-1", "京ICP证030173号", "ICP经营许可证：京B2-20190001", "IPC摄像头，青ICP备19000123号-1"),
       per_site=True, reads_ocr=False),
    _r("FIL-ICP-MISMATCH", "filing_display", "9, 16", _LAW_ICP, "high", "首页展示的ICP备案号与备案登记不一致", check_icp_mismatch, "site",
       "The ICP number on the home page differs from the filing record.", _WHY_ICP,
       (site(home("欢迎光临"), registry=REGISTRY.__class__(name=REGISTRY.name, uscc=REGISTRY.uscc, icp="青ICP备20000999号",
                                                           police_filing=REGISTRY.police_filing),
             description="页面 青ICP备19000123号，备案 青ICP备20000999号"),),
       (site(home("欢迎光临"), registry=REGISTRY, description="一致（忽略网站序号 -1）"),)),
    _r("FIL-POLICE-MISSING", "filing_display", "16", _LAW_POL, "low",
       "网络交易平台首页未展示公安机关互联网站安全管理备案号（公网安备号）（第十六条，平台经营者）",
       check_police_missing, "site", "A trading platform (registry site type 平台) shows no public-security filing number "
       "(公网安备) on its home page. Ordinary shops are not judged: Art. 16 binds platform operators.",
       "第十六条规定网络交易平台经营者履行互联网站安全管理备案等义务；计算机信息网络国际联网安全保护管理办法第十二条要求备案。"
       "普通网店是否备案无法从页面判断，故只对备案登记为平台的网站判断，严重程度为低（展示义务，非交易违法）。",
       (site(Page(url=HOME, blocks=(TextBlock(f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}"),
                                    TextBlock("青ICP备19000123号-1")), is_home=True,
                  links=tuple(Link(HOME + h, t) for h, t in (("agreement", "用户协议"), ("rules", "平台交易规则"),
                                                             ("protect", "消费者权益保护"), ("privacy", "隐私政策")))),
             registry=REGISTRY.__class__(name=REGISTRY.name, uscc=REGISTRY.uscc, icp=REGISTRY.icp,
                                         site_type="网络交易平台"),
             description="平台首页没有公网安备号"),),
       (site(home("欢迎光临"), description="首页展示公网安备号并链接到 beian.mps.gov.cn"),
        site(Page(url=HOME, blocks=(TextBlock(f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}"),
                                    TextBlock("青ICP备19000123号-1")), is_home=True), registry=REGISTRY,
             description="普通网店（自建网站）首页没有公网安备号：第十六条不适用"))),
    _r("FIL-POLICE-INVALID", "filing_display", "16", _LAW_POL, "medium", "公网安备号格式错误（应为省份简称+14位数字，前两位为省级代码）",
       check_police_invalid, "text", "A 公网安备 number that is not 14 digits or whose province code does not match its abbreviation.",
       "公安备案号格式为“省份简称公网安备 14位数字号”，前两位为省级行政区划代码（青海 63）；格式错误说明备案信息不真实，违反第十六条。",
       ("青公网安备 1101020200012号",), ("青公网安备 63010202000123号",), per_site=True, reads_ocr=False),
    _r("FIL-POLICE-NO-LINK", "filing_display", "16", _LAW_POL, "low",
       "网络交易平台的公网安备号未链接到全国互联网安全管理服务平台（第十六条，平台经营者）",
       check_police_no_link, "site", "A trading platform's 公网安备 number is shown but does not link to beian.mps.gov.cn "
       "(ordinary shops are not judged: Art. 16 binds platform operators).",
       "公安机关要求备案编号链接至全国互联网安全管理服务平台供公众核验（第十六条）。",
       (site(page(HOME, f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}", "青ICP备19000123号-1 青公网安备 63010202000123号",
                  links=_PLATFORM_RULES), registry=PLATFORM, description="平台的公网安备号是纯文本，没有链接"),),
       (site(home("欢迎光临", links=_PLATFORM_RULES), registry=PLATFORM, description="链接到 beian.mps.gov.cn"),
        site(page(HOME, f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}", "青ICP备19000123号-1 青公网安备 63010202000123号"),
             description="普通网店（非平台）的公网安备号未加链接：第十六条约束的是平台运营主体"))),
    _r("FIL-POLICE-MISMATCH", "filing_display", "16", _LAW_POL, "medium", "首页展示的公网安备号与备案登记不一致",
       check_police_mismatch, "site", "The 公网安备 number on the home page differs from the filing record.",
       "第九条要求备案信息真实；第十六条的安全管理备案编号应与公安机关备案一致。",
       (site(home("欢迎光临"), registry=REGISTRY.__class__(name=REGISTRY.name, uscc=REGISTRY.uscc, icp=REGISTRY.icp,
                                                           police_filing="青公网安备 63010202000999号"),
             description="页面与备案的公网安备号不同"),),
       (site(home("欢迎光临"), registry=REGISTRY, description="一致"),)),
)
