"""trademark_misuse beyond 驰名商标: certification and GI marks used without basis, ® on unregistered marks,
brand names in shop names the shop admits it is not authorised to use.

The text cannot prove a mark is unlicensed; these rules fire when the page itself says so (虽未申请认证、
商标注册申请中、本店非某某授权) or contradicts the mark (云南产 … 西湖龙井 地理标志).

Xining rules Art. 15(2), 15(5); 商标法 第三条、第九条、第五十二条、第五十七条; 广告法 第二十八条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from analyzers.lexicons import Entry, lexicon
from analyzers.rules.base import Hit, Rule
from analyzers.rules.common import anchored
from analyzers.text import TextDoc

_NO_BASIS = re.compile(r"未申请|未获|未取得|未通过|未经认证|未认证|没有申请|没申请|没有认证|没有取得|尚未申请|尚未取得|虽未|暂未|正在申请|申请中|认证中(?!心)|待认证|办理中|"
                       r"实为|实际为|实际产地|实产地|借用|冒充|从未获得|本品为[^,。;]{0,6}?产"
                       r"|暂无|正在办理|未做|没做|没去(?:弄|办|做|申请)|无相关认证|自行印制|自己印的?|尚未进入"
                       r"|不是(?:正式|真的|官方|什么)?认证|并非认证|只是(?:个)?装饰|装饰(?:图案|用的?)|(?:均|都)?(?:没有|无|没)(?:任何)?(?:相关)?证书"
                       r"|未能出示|无法出示|拿不出")
_CERT_NO = re.compile(r"证书编号|证书号|许可编号|核准公告|使用许可|编号[:\s]*[a-z0-9]{4,}|lb-\d")
_ORIGIN = re.compile(r"(?:不输|媲美|堪比|不逊于?|比肩|赛过)[^,。;]{0,6}?(?:原产|正宗产区|核心产区|产区|原产地)")


_NO_NUMBER = re.compile(r"[:：\s]*(?:暂无|无|待|空|没有|正在|办理|申请|[(（]?(?:暂无|正在|办理))")


def _backed(sentence: str) -> bool:
    """A certificate or licence number is shown (未获…使用许可, 证书编号：暂无 are the opposite)."""
    return any(not re.search(r"未|没有|无|非|不", sentence[max(0, m.start() - 12):m.start()])
               and not _NO_NUMBER.match(sentence, m.end())
               for m in _CERT_NO.finditer(sentence))


# The shop says it does not use the mark at all (未申请使用…专用标志，页面不使用该标志): a disclaimer, not a mark used
# without basis — unless the same sentence says the mark is on the goods after all (包装上印有…).
_NOT_USED = re.compile(r"(?:未|没有?|不|并未|从未)(?:申请)?(?:使用|标注|印制|印|贴|标示)|不得使用")
_NOT_APPLIED_FOR = re.compile(r"(?:未|没有?|尚未|暂未|还没有?)(?:申请|取得|获得|办理)[^,。;]{0,2}$")
_ON_GOODS = re.compile(r"(?<![未没不])(?:装饰|印有|印着|印上|标有|标注了|贴有|带有|使用了|包装上|瓶身上?|标签上|盒子上)")


# a GI product's own name on the label (“循化线辣椒”这个标志我们没申请): its mark, not only its name
_GI_AS_MARK = re.compile(r"标志|标识|标签|(?<![目指商])标(?![准题价])")
_GI_PUT_ON = re.compile(r"(?<![未没不无])(?:印|贴|挂|标有|标注|用的|使用|打上)")


def _mark_hits(doc: TextDoc, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Certification/GI marks in a sentence that also says the mark has no basis (per ``pattern``); a GI product's
    name counts where the sentence speaks of its mark."""
    gis = [c for c in doc.get("gi_regions") if pattern is _NO_BASIS]
    for c in sorted([*doc.get("cert_marks"), *gis], key=lambda c: c.start):
        if doc.negated(c) or doc.compliance(c):
            continue
        ss, se = doc.sentence(c.start, c.end)
        sentence = doc.text[ss:se]
        if c in gis and not (_GI_AS_MARK.search(sentence) and _GI_PUT_ON.search(sentence)):
            continue
        if _backed(sentence) or not pattern.search(sentence):
            continue
        if _NOT_USED.search(sentence) and not _ON_GOODS.search(sentence):
            continue
        if _NOT_APPLIED_FOR.search(doc.text, max(ss, c.start - 6), c.start) and not _ON_GOODS.search(sentence):
            continue  # 本店尚未申请地理标志，包装只写产地: a disclosure that the mark is not held, the mark not put on
        yield c.start, c.end


def check_cert_mark(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    seen = -1
    for s, e in [*_mark_hits(doc, _NO_BASIS), *_mark_hits(doc, _ORIGIN)]:
        if s >= seen:
            seen = e
            yield Hit(s, e, confidence=0.85)


def check_gi_origin(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for s, e in _mark_hits(doc, _ORIGIN):
        if "地理标志" in doc.text[s:e]:
            yield Hit(s, e, confidence=0.8)


_PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
              "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
              "陕西", "甘肃", "青海", "宁夏", "新疆")
_ORIGIN_AT = re.compile(r"(?:产地|产自|产于|原产地|原产于|出产于|来自)[:\s]*([\u4e00-\u9fff]{2,12})")
_PLACE = re.compile(r"[省市县区州镇乡村盟旗]|基地|牧场|农场|茶园")


# Where the goods really come from, said in passing (茶叶是我们贵州茶区的, 本厂位于河南, 育苗棚在甘肃), or that they
# come from somewhere else (货是外省几个产区混着收的, 江苏别的湖养的): the GI name on the label then misleads.
_PROV = "(" + "|".join(_PROVINCES) + ")"
_MADE_AT = re.compile(r"(?:产地|产自|产于|原产|出产|来自|种植|种在|养殖|养在|育苗|基地|牧场|茶园|果园|种植园|工厂|厂子?|货源|实际(?:是|为|上是)?|实为|其实是"
                      r"|原料|原材料|原浆)"
                      r"[^。;!?,\n]{0,6}?" + _PROV
                      + "|" + _PROV + r"[\u4e00-\u9fff]{0,4}?(?:茶区|产区|基地|牧场|茶园|茶山|果园|稻田|养殖场|湖里|产的|种的|养的|收的"
                      r"|(?<![特生国资房地物])产(?![品业值量能权地])|的(?:工?厂|作坊|加工厂|茶(?!叶?店)|货|米|蟹|枣|果子|料)"
                      # made or filled at a works elsewhere (四川宜宾酒厂原浆灌装)
                      r"|(?:酒厂|工厂|加工厂)[^。;!?,\n]{0,4}?(?:灌装|生产|加工|代工|出品))")
_PLACE_END = re.compile(r"[\s,，。;；、/|()（）:：!！?？]|包装|标|的")
_PROV_RX = re.compile(_PROV)
_ELSEWHERE = re.compile(r"不是[^。;\n]{1,6}?胜似|外省|外地|别的(?:湖|地方|产区|地区|省|县)|其他(?:产区|地区|省份|湖|县区|县市|市县|地方|县|乡镇|产地)|混着收|混收|放几天|洗个?澡|过水|"
                        r"不是[^。;\n]{0,6}?(?:产的|本地|当地|原产)|学的|按[^。;\n]{0,6}?工艺")


def _gi_elsewhere(doc: TextDoc, c: Any) -> str | None:
    """The GI's block says the goods come from outside its area: the words that say so, else None."""
    return _made_elsewhere(doc, c.start, c.end, c.tag.split("|"), before=80, after=160)


def _made_elsewhere(doc: TextDoc, start: int, end: int, places: list[str], *, before: int, after: int) -> str | None:
    """Within ``before``/``after`` characters of the GI at [start, end), in its block: an origin outside ``places``
    (产自江苏…) or words that say the goods come from elsewhere (外地, 混着收); the words, else None."""
    text = doc.text
    bs = text.rfind("\n", 0, start) + 1
    be = text.find("\n", end)
    be = len(text) if be < 0 else be
    if be - bs <= 40:  # a line of its own on a page (中宁枸杞·国家地理标志保护产品): read the lines around it too (产地：…)
        bs = text.rfind("\n", 0, max(0, bs - 1)) + 1
        nxt = text.find("\n", be + 1) if be < len(text) else -1
        be = len(text) if nxt < 0 else nxt
    ws, we = max(bs, start - before), min(be, end + after)
    for m in _MADE_AT.finditer(text, ws, we):
        if m.group(1):  # 产自浙江杭州: the province and the place after it, up to another province or other words
            where = _PLACE_END.split(text[m.start(1):m.start(1) + 8], 1)[0]
            later = _PROV_RX.search(where, len(m.group(1)))
            where = where[:later.start()] if later else where
            k = 1
        else:  # 黑龙江产 盘锦包装: the words of the match, not those after it
            where, k = text[m.start(2):m.end()], 2
        if not any(p in where for p in places) and not doc.negated((m.start(), m.end())):
            return m.group(k)
    other = _ELSEWHERE.search(text, end, we)
    if other is not None and not doc.negated((other.start(), other.end())):
        return other.group()
    return None


# A GI product named loosely, by its place and its kind with words between (柴达木有机黑枸杞, 乐都紫皮大蒜, 阳澄湖的蟹):
# the place words that begin a GI's name and the kinds its name ends in (大蒜, also 蒜).
_KIND_ALIASES = {"瓷器": ("瓷器", "瓷", "茶具"), "陶瓷": ("陶瓷", "瓷", "茶具"), "大米": ("大米", "稻花香", "米")}


@cache
def _loose_gi() -> tuple[re.Pattern[str], dict[tuple[str, str], Entry]]:
    pairs: dict[tuple[str, str], Entry] = {}
    for e in lexicon("gi_regions"):
        place = max((p for p in e.tag.split("|") if len(p) >= 2 and e.term.startswith(p)), key=len, default="")
        kind = e.term[len(place):]
        if not place or len(kind) < 2:
            continue  # 和田玉, 寿山石: a one-character kind names too much
        for k in _KIND_ALIASES.get(kind, (kind, kind[1:]) if kind.startswith("大") and len(kind) > 2 else (kind,)):
            pairs.setdefault((place, k), e)
    places = sorted({p for p, _ in pairs}, key=len, reverse=True)
    kinds = sorted({k for _, k in pairs}, key=len, reverse=True)
    rx = re.compile("(" + "|".join(map(re.escape, places)) + r")[^,。;!?\n]{0,6}?(" + "|".join(map(re.escape, kinds)) + ")")
    return rx, pairs


# the text says the goods come from elsewhere in so many words: 其实是潮州那边做的, 肉源来自甘南, 借用了…的名字
_MADE_ELSEWHERE = re.compile(r"(?:其实|实际上?|实为)[^。;!?,\n]{0,4}?(?:是|货是|都是)?从?([\u4e00-\u9fff]{2,3}?)(?:那边|这边|那里|本地)?"
                             r"(?:做|产|收|进|运|生产|加工|养|种|灌装|分装)的|(?:肉源|货源|原料|奶源)(?:来自|产自|都是)([\u4e00-\u9fff]{2,3})"
                             r"|借用(?:了)?[^。;!?\n]{0,6}?(?:的)?名(?:字|称|号)")


def _loose_gi_hits(doc: TextDoc) -> Iterator[Hit]:
    if not doc.get("anchors", "origin"):
        return
    rx, pairs = _loose_gi()
    for m in rx.finditer(doc.text):
        e = pairs.get((m.group(1), m.group(2)))
        if e is None or doc.negated((m.start(), m.end())) or doc.compliance((m.start(), m.end())):
            continue
        bs = doc.text.rfind("\n", 0, m.start()) + 1
        be = doc.text.find("\n", m.end())
        be = len(doc.text) if be < 0 else be
        places = e.tag.split("|")
        said = _MADE_ELSEWHERE.search(doc.text, max(bs, m.start() - 60), min(be, m.end() + 120))
        where = (said.group(1) or said.group(2) or said.group()) if said is not None else None
        if where is not None and any(p in where or where in p for p in places):
            where = None
        if where is None:
            where = _made_elsewhere(doc, m.start(), m.end(), places, before=60, after=120)
        if where is not None:
            yield Hit(m.start(), m.end(), confidence=0.65, detail=f"（{e.term}；实际产地：{where}）")
            return


def check_gi_region(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """A GI product (data/gi_regions.txt) named or marked on goods from a place outside the GI's area."""
    if not doc.get("gi_regions"):
        yield from _loose_gi_hits(doc)
        return
    for c in doc.get("gi_regions"):
        ss, se = doc.sentence(c.start, c.end)
        if doc.negated(c) or doc.compliance(c):
            continue
        if "地理标志" not in doc.text[ss:se]:
            where = _gi_elsewhere(doc, c)
            if where is not None:
                yield Hit(c.start, c.end, confidence=0.7, detail=f"（实际产地：{where}）")
                return
            continue
        places = c.tag.split("|")
        for m in _ORIGIN_AT.finditer(doc.text, ss, se):
            where = m.group(1)
            if where.startswith(("非", "不是", "并非", "不在")):  # 产地非赣南
                yield Hit(c.start, c.end, confidence=0.8, detail=f"（标示产地：{where}）")
                return
            if any(p in where for p in places) and _gi_elsewhere(doc, c) is None:
                doc.exempt("trademark_misuse", ss, se)  # the GI on goods from its own area: lawful (binds the model)
                continue
            if doc.negated((m.start(), m.end())):
                continue
            if where.startswith(_PROVINCES) or _PLACE.search(where):
                yield Hit(c.start, c.end, confidence=0.8, detail=f"（标示产地：{where}）")
                return
        where = _gi_elsewhere(doc, c)
        if where is not None:
            yield Hit(c.start, c.end, confidence=0.75, detail=f"（实际产地：{where}）")
            return


_REGISTERED = re.compile(r"®|\(r\)|注册商标|注册的商标|r标")
_REG_NO = re.compile(r"注册号|注册证号|注册证编号|(?<!申请号)第\d{6,}号")
_PENDING = re.compile(r"注册申请中|申请注册中|申请中|注册中|正在(?:申请)?注册|尚未注册|未注册|已提交注册申请|受理中|待注册"
                      r"|尚未核准|未核准|未获核准|未获注册|被驳回|驳回|未取得(?:该)?(?:商标)?注册证|没有注册证|无注册证"
                      r"|还没(?:有)?注册|没注册下来|还没(?:有)?(?:批|下来)|没批下来|审查中|审核中"
                      r"|(?:申请|注册)[^,。;]{0,8}?(?:应该|才能|就能|就会)?(?:就)?批(?:下来)?了?(?=[。!！;；]|$)")


_NOT_APPLIED = re.compile(r"(?:未|不|没有?|才会?|再|换成|改为|改成|更换为?|申请|办理)[^,。;]{0,4}$")


def check_false_registered(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """® (or 注册商标) next to a mark the page says is not registered yet (商标法 第五十二条)."""
    for m in anchored(doc, "registered", _REGISTERED):
        ss, se = doc.sentence(m.start(), m.end())
        if _REG_NO.search(doc.text, ss, se):
            continue  # a registration number is shown: the ® is backed
        if _NOT_APPLIED.search(doc.text, max(ss, m.start() - 8), m.start()):
            continue  # the ® is talked of, not put on the mark (未标注®, 注册后才会换成®)
        ws, we = max(0, ss - 40), min(len(doc.text), se + 60)  # 本品牌®为注册商标。（注：商标申请中）
        pending = _PENDING.search(doc.text, ss, se) or (_PENDING.search(doc.text, ws, we) and not _REG_NO.search(doc.text, ws, we))
        if pending and not doc.negated((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.85)
            return


_SHOP = re.compile(r"(?:店铺名称|店铺名|店名|网店名称|本店名称)[:\s]*([^,。;()]{1,20}?(?:官方旗舰店|旗舰店|直营店|专卖店|官方店|授权店|专营店))")
_NOT_AUTH = re.compile(r"(?:非|不是|并非|未获得?|未经|没有|无)[^,。;]{0,10}?授权")


def check_shop_name(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """A shop named 某品牌直营店/旗舰店 while the page admits it is not the brand's authorised dealer."""
    if "授权" not in doc.text or not _NOT_AUTH.search(doc.text):
        return
    for m in _SHOP.finditer(doc.text):
        if not doc.compliance((m.start(1), m.end(1))):
            yield Hit(m.start(1), m.end(1), confidence=0.8)


_WHY_MARKS = ("第十五条第（二）项：不得未经许可将证明商标标识及地理标志标识或他人注册商标标识在互联网上使用，造成误导；"
              "绿色食品、有机产品标志与地理标志专用标志是证明商标或官方标志，须经核准方可使用。")

# Another brand's reputation borrowed for the shop's own goods: "X's factory / OEM / same line / X quality"
# (反不正当竞争法 第六条：擅自使用他人有一定影响的商品名称、企业名称，引人误认为是他人商品或者与他人存在特定联系).
_BORROW = re.compile(r"同厂|代工厂|代工|贴牌|oem|一条线|一条生产线|同一(?:个|家)?(?:工厂|代工厂|生产线|厂家|厂)|工厂出的|同款配方"
                     r"|品质同|技术支持|合作工厂|原厂直供|工厂直供|尾单|同源|同矿脉|钢印|那条线|一个厂|的厂(?:做|出|生产|代工)"
                     # the brand's suppliers or standard claimed (与西门子同一供应商生产, 品质等同SKF原装)
                     r"|同一(?:设备|原料|材料|零件)?供应商|同一工艺|等同[^,。;]{0,8}?原装")
_OWN_BRAND = re.compile(r"官方|旗舰店|授权书编号|品牌方直供|本品牌|自有品牌即|就是[^,。;]{0,4}?官方")


# the goods pass as the brand's own (专柜, 正品, 原单, 一模一样): a counterfeit, not a borrowed name
_AS_GENUINE = re.compile(r"专柜|正品|原单|尾单|一模一样|仿|验不出|分不出|原厂|正标|剪标|莆田|真的|高端货|大牌")


# the text says the goods do not bear the brand's mark (没贴X的标, 无LOGO版, 不叫X, 自有品牌) or only compares them with it
# (品质不输大牌): X's name is borrowed for other goods (反不正当竞争法 第六条), not a counterfeit of X (商标法 第五十七条
# needs X's mark on the goods) — unless it also says the mark is there (印X标, 双C标完整, 鞋标和正品一样).
_UNMARKED = re.compile(r"没(?:有|用)?(?:贴|挂|印|用)?[^,，。;；]{0,6}?(?:标|牌子|名字|吊牌|logo)|不贴标|未贴标|无(?:logo|品牌标识|标)|"
                       r"不叫|自有品牌|自家品牌|换了个?(?:包装|盒子)|包装不一样|瓶子不一样|印的是我们自己|换成(?:我们|咱们)?自己的|贴的?(?:我们|咱们)?自己的|"
                       r"(?:不输|等同|媲美|比肩|堪比)[^,，。;；]{0,2}?大牌|大牌溢价|级别")
_MARKED = re.compile(r"(?<![没未不无])印[^,，。;；]{0,6}?标|标(?:志|识)?(?:完整|齐全|一样|一致)|商标齐全|刻[^,，。;；]{0,8}?[a-z]|真标|正标|原标|同款标")


def _passes_as_genuine(text: str) -> bool:
    if _AS_GENUINE.search(text) is None:
        return False
    return _UNMARKED.search(text) is None or _MARKED.search(text) is not None


def _borrowed(doc: TextDoc, genuine: bool) -> Iterator[Hit]:
    if not doc.get("brands") or not _BORROW.search(doc.text):
        return
    if _passes_as_genuine(doc.text) != genuine:
        return
    for c in doc.get("brands"):
        ss, se = doc.sentence(c.start, c.end)
        m = _BORROW.search(doc.text, max(ss, c.start - 12), min(se, c.end + 14))
        if m is None or doc.negated(c) or doc.compliance(c) or doc.negated((m.start(), m.end())):
            continue
        if _OWN_BRAND.search(doc.text, ss, se) and not re.search(r"非|不是|没有|未", doc.text[ss:se]):
            continue  # the brand's own shop or factory speaking
        start, end = min(c.start, m.start()), max(c.end, m.end())
        yield Hit(start, end, confidence=0.75)
        return


def check_borrowed_reputation(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    yield from _borrowed(doc, genuine=False)


def check_same_factory_fake(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    yield from _borrowed(doc, genuine=True)


# "X授权 / X官方配件 / X原装 / X监制 / X®" on goods the same text says are not X's (自制, 实为第三方, 个人小店从工厂
# 拿货, 生产商另有其人, 与X无任何关系): the brand's mark used without licence (商标法 第五十七条).
_CLAIM = re.compile(r"官方授权|官方授權|授权经销|授權經銷|授权|授權|官方配件|官方出品|原装|原裝|监制|監製|®|官方")
_ADMIT = re.compile(r"自制|自製|实为(?!仿|假|高仿)|第三方(?!鉴定|检测|平台|支付)|个人小店|拿货|拿貨|生产商[:：]|製造商[:：]|制造商[:：]|无任何关系|無任何關係|"
                    r"自己印的?标|擅用|借用|并非[^,。;]{0,8}?(?:授权|官方)|未获[^,。;]{0,8}?(?:授权|许可)"
                    r"|[(（]\s*(?:无|非|没有|未经?)授权|(?:店铺|本店|我们|实际|店家|商家)(?:并)?(?:无|没有|未获)授权|非授权"
                    r"|(?:未能|无法|不能|拿不)出示?[^,。;]{0,4}?授权"
                    # the claim belied in the same breath (其实没签授权协议, 其实是我们从批发市场拿的货), or goods made to fit
                    # the brand's, which it never authorises as its own (乐高积木兼容件，乐高官方授权出品)
                    r"|其实(?:没|没有|并没有|是我们|是从)|没签[^,。;]{0,4}?授权|拿的货|批发市场|兼容(?:件|款|配件)")

_SAME_STYLE = re.compile(r"同款")
_FAKE_CUE = re.compile(r"仿|一模一样|华强北|莆田|原单|顶级版|1[:比]1|懂的")
_PRINTED = re.compile(r"印(?:有|着)?")
_ADMIT_USE = re.compile(r"擅用商标|擅自使用[^,。;]{0,6}?商标|未经(?:授权|许可)使用")


def check_false_authorisation(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if not doc.get("brands"):
        return
    if _ADMIT.search(doc.text) is None and (not _SAME_STYLE.search(doc.text) or _FAKE_CUE.search(doc.text)):
        return  # "X同款 … 一模一样 / 华强北": passed off as X's goods, a counterfeit (CF- rules)
    for c in doc.get("brands"):
        m = _CLAIM.search(doc.text, max(0, c.start - 6), min(len(doc.text), c.end + 10))
        if m is None and _SAME_STYLE.search(doc.text):  # "X同款 … 包装印X": the shop's goods bear X's mark
            m = _PRINTED.search(doc.text, max(0, c.start - 4), c.start + 1)
        if m is None and _ADMIT_USE.search(doc.text):  # the text itself says the mark is used without right
            m = _ADMIT_USE.search(doc.text)
        if m is None or doc.negated(c) or doc.compliance(c) or doc.quoted(c) or doc.negated((m.start(), m.end())):
            continue
        yield Hit(min(c.start, m.start()), max(c.end, m.end()), confidence=0.75)
        return


RULES: tuple[Rule, ...] = (
    Rule(
        id="TM-CERT-MARK-UNFOUNDED", category="trademark_misuse", article="15(2)",
        law=("商标法 第三条", "绿色食品标志管理办法 第二十条", "地理标志产品保护规定 第二十一条"), severity="medium",
        explanation="使用绿色食品、有机产品、地理标志或CCC等认证、证明标志，而页面自述未获认证或产地不符", check=check_cert_mark,
        scope="text",
        what="Green-food, organic or geographical-indication marks used while the page itself says the goods are not "
             "certified or come from elsewhere (虽未申请认证 … 印有绿色食品标志).",
        why=_WHY_MARKS,
        bad=("本店大米虽未申请认证，但包装上统一印有绿色食品标志。", "有机认证暂未取得，包装先印有机标志。",
             "有机牦牛奶，包装已印有机产品认证标志（认证正在申请中）。", "有机蔬菜礼盒 绿色食品认证 证书编号：暂无（正在办理）。", "包装上的绿标是我们自己设计的，认证的话没去办。",
             "包装上的“柴达木枸杞”地理标志是我们自己印的，一直没申请过。", "瓶身印着“中国质量认证中心”的认证标志，其实我们没有证书。",
             "我们袋子上的“绿色食品”只是装饰图案，并不是认证。"),
        good=("本品已获绿色食品认证，证书编号LB-18-23010203456A。", "本店大米未申请有机认证，请按需选购。",
              "柴达木枸杞（地理标志保护产品），本店为经核准的专用标志使用企业，核准公告见详情页。",
              "本店牦牛肉干未申请使用地理标志专用标志，包装和页面均不标注该标志。",
              "绿色食品是经专门机构认证、许可使用绿色食品标志的产品，证书编号可在中国绿色食品发展中心网站查询。",
              "柴达木枸杞 产地格尔木，本店尚未申请地理标志，包装只写产地。"),
        references=("西宁市电子商务信用管理制度 第十五条第（二）项", "商标法 第三条、第十六条"),
    ),
    Rule(
        id="AD-GI-FALSE-ORIGIN", category="false_advertising", article="15(5)",
        law=("广告法 第二十八条第二款第（二）项", "产品质量法 第三十条"), severity="high",
        explanation="借用其他产地的地理标志宣传商品，对产地作虚假表示", check=check_gi_origin, scope="text",
        what="A geographical-indication mark on goods the page says come from elsewhere (口感不输原产).",
        why="广告法第二十八条：商品的产地与实际情况不符的为虚假广告；产品质量法第三十条禁止伪造产地。属第十五条第（五）项虚假宣传，"
            "同时违反第十五条第（二）项（TM-CERT-MARK-UNFOUNDED）。",
        bad=("云南产绿茶，包装使用“西湖龙井”地理标志专用标志，口感不输杭州原产。",),
        good=("杭州西湖产区龙井，地理标志专用标志使用许可编号见包装。", "云南产绿茶，口感不输杭州原产。"),
        references=("广告法 第二十八条",), fires_with=("TM-CERT-MARK-UNFOUNDED", "TM-GI-ORIGIN-MISMATCH"),
    ),
    Rule(
        id="TM-GI-ORIGIN-MISMATCH", category="trademark_misuse", article="15(2)",
        law=("商标法 第十六条", "地理标志产品保护规定 第二十一条"), severity="medium",
        explanation="以地理标志产品名称及标志销售产地不在该地理标志保护范围内的商品", check=check_gi_region,
        scope="text",
        what="A geographical-indication product (a small table of common GIs and their areas) sold with the GI "
             "mark while the page names an origin outside the GI's area (西湖龙井 地理标志产品，产地贵州).",
        why=_WHY_MARKS + "商标法第十六条：商标中有商品的地理标志，而该商品并非来源于该标志所标示的地区，误导公众的，不予注册并禁止使用。",
        bad=("西湖龙井 地理标志产品 明前特级，产地贵州湄潭。", "互助青稞酒 纯粮酿造（四川宜宾酒厂原浆灌装）", "宁夏中宁枸杞（地理标志保护产品），产地：青海都兰县。",
             "阳澄湖大闸蟹，地理标志认证，产自江苏兴化养殖基地。", "“五常大米”10kg 装，米是我们吉林的稻田种的，口感一样。",
             "循化红皮线辣椒 特辣 500g，其实是从河南收的，晒干了都一样。"),
        good=("西湖龙井 地理标志产品，产地杭州西湖区龙井村。", "大通牦牛肉干（原料：大通牦牛肉，西宁分装）", "宁夏中宁枸杞（地理标志保护产品），产地：宁夏中卫市中宁县。",
              "阳澄湖大闸蟹，地理标志产品，产自苏州相城区阳澄湖镇。", "本店另售贵州湄潭翠芽，产地贵州湄潭，非西湖龙井。",
              "本店紫皮大蒜来自乐都，自家地里种的。"),
        references=("商标法 第十六条", "西宁市电子商务信用管理制度 第十五条第（二）项"),
    ),
    Rule(
        id="TM-FALSE-REGISTERED", category="trademark_misuse", article="15(2)",
        law=("商标法 第九条", "商标法 第五十二条"), severity="medium",
        explanation="未注册商标标注®或“注册商标”（冒充注册商标）", check=check_false_registered, scope="text",
        what="® or 注册商标 next to a mark the page says is still being registered (商标注册申请中).",
        why="商标法第九条：只有商标注册人有权标明“注册商标”或注册标记®；第五十二条：将未注册商标冒充注册商标使用的，"
            "由市场监管部门予以制止并可处罚。误导消费者，违反第十五条第（二）项。",
        bad=("小杨家辣酱®（商标注册申请中）", "品牌：优品汇®（本公司未取得该商标注册证）。", "自有品牌“雪岭香®”（商标注册申请号第70111222号，审查中）。"),
        good=("小杨家辣酱™（商标注册申请中）", "小杨家辣酱®（注册号：12345678）",
              "商标：云朵®（注册号 12345678），新品系列商标申请中。", "“山泉坊”商标申请中，包装暂用TM，不打®。"),
        references=("商标法 第九条、第五十二条",),
    ),
    Rule(
        id="TM-BORROWED-REPUTATION", category="trademark_misuse", article="15(2)",
        law=("反不正当竞争法 第六条", "商标法 第五十七条"), severity="medium",
        explanation="借用他人品牌声誉推销自家商品（“某品牌同厂”“代工厂出品”“某品牌技术支持”）", check=check_borrowed_reputation,
        scope="text", lexicons=("brands",),
        what="The shop's own goods sold on another brand's name: that brand's factory, OEM or production line, "
             "'X quality', 'X technical support'.",
        why="反不正当竞争法第六条禁止擅自使用他人有一定影响的商品名称、企业名称等，引人误认为与他人存在特定联系；"
            "第十五条第（二）项禁止未经许可使用他人注册商标造成误导。",
        bad=("这个奶粉是飞鹤的工厂出的，飞鹤同款配方，就是没挂飞鹤的牌子。", "与西门子同一供应商生产的变频器，品质等同西门子原装。", "【海尔同厂】冰箱 双门 海尔代工厂出品 品质同海尔。",
             "我们的牦牛奶粉和伊利是同一个代工厂，包装上印了伊利技术支持。",
             "我们是膳魔师的代工厂，这批保温杯没印膳魔师的标，里面的内胆一模一样。", "这款保温杯是膳魔师的厂做的，logo换成我们自己的，价格只要一半。"),
        good=("海尔官方旗舰店 冰箱 双门 一级能效。", "本店不做任何品牌的贴牌代工，只卖自有品牌。",
              "适用于华为、荣耀等各品牌手机的数据线。"),
        references=("反不正当竞争法 第六条",),
    ),
    Rule(
        id="CF-SAME-FACTORY", category="counterfeit_goods", article="15(9)",
        law=("商标法 第五十七条", "产品质量法 第五条"), severity="high",
        explanation="以“与专柜同厂”“原厂代工”“同一条线”为名销售充作品牌正品的商品", check=check_same_factory_fake,
        scope="text", lexicons=("brands",),
        what="Goods passed off as a brand's genuine article by claiming the brand's factory or production line "
             "(和专柜同一条线, 原厂代工, 同厂不同标, 工厂直供 with 专柜/正品/一模一样).",
        why="第十五条第（九）项禁止销售假冒商品；商标法第五十七条：销售侵犯注册商标专用权的商品属侵权。",
        bad=("LV老花包到货了，和专柜同一条线出来的，五金刻字一模一样。", "Moncler 羽绒服 原厂代工 跟正品一个工厂，标志齐全，只是没有吊牌。"),
        good=("海尔官方旗舰店 冰箱，专柜同价。", "本店不卖所谓“原厂代工”的仿品，只卖专柜正品。"),
        references=("商标法 第五十七条",),
    ),
    Rule(
        id="TM-BRAND-SHOP-NAME", category="trademark_misuse", article="15(2)",
        law=("商标法 第五十七条第（七）项", "反不正当竞争法 第六条"), severity="medium",
        explanation="店铺名称使用他人品牌并称“直营店”“旗舰店”，而页面自述并非品牌授权", check=check_shop_name,
        scope="text",
        what="A shop named after a brand (某品牌直营店/旗舰店) on a page that says the shop is not the brand's authorised dealer.",
        why="第十五条第（二）项禁止未经许可使用他人注册商标标识造成误导；反不正当竞争法第六条禁止擅自使用他人商标名称引人误认。",
        bad=("店铺名：阿迪达斯折扣直营店（本店非阿迪达斯授权经销商，商品为自有品牌）。",),
        good=("店铺名：耐克官方旗舰店（授权书编号见资质页）。", "本店非品牌授权店，商品均从海外专柜采购。"),
        references=("商标法 第五十七条", "反不正当竞争法 第六条"),
    ),
    Rule(
        id="TM-FALSE-AUTHORISATION", category="trademark_misuse", article="15(2)",
        law=("商标法 第五十七条", "反不正当竞争法 第六条"), severity="medium",
        explanation="标称某品牌“授权”“官方配件”“原装”“监制”或加®，而同一文字自述商品并非该品牌所出",
        check=check_false_authorisation, scope="text", lexicons=("brands",),
        what="A brand's authorisation, original-part, supervision or ® claim on goods the same text admits are not the "
             "brand's (self-made, in fact third-party, a small shop buying from a factory, another maker named).",
        why="第十五条第（二）项禁止未经许可使用他人注册商标标识造成误导；商标法第五十七条：未经许可在同种商品上使用与其注册商标"
            "相同的商标属侵权；反不正当竞争法第六条禁止引人误认为与他人存在特定联系。",
        bad=("三星官方配件 充电器（实为第三方仿制）。", "乐高积木兼容件，乐高官方授权出品。", "店名写的是苏泊尔官方授权，其实是我们从批发市场拿的货。", "可口可乐官方授权 本店自制果汁。",
             "海尔授权 电暖器，生产商：浙江某某电器有限公司。", "戴森授权经销商 吹风机 （非授权），全国包邮。"),
        good=("海尔官方旗舰店 电暖器（授权书编号见资质页）。", "兼容乐高的积木拼装件，非乐高官方产品。", "适用于三星手机的第三方充电器，非原装。",
              "本店自制果汁，不使用任何品牌名称。"),
        references=("商标法 第五十七条", "反不正当竞争法 第六条"),
    ),
)
