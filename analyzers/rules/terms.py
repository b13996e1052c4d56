"""unfair_terms and return_policy: standard terms that cut consumer rights; 7-day return denials.

Xining rules Art. 11(4), 11(5), 15(6); 消费者权益保护法 第二十五条、第二十六条; 侵害消费者权益行为处罚办法
第十二条; 电子商务法 第四十九条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.rules.base import Hit, Rule
from analyzers.rules.common import lexicon_hits, longest, return_exempt
from analyzers.text import TextDoc

# money that is not the price of goods: deposits, gifts, points (定金一律不退); prepaid balances are
# judged by UNF-PREPAID-FORFEIT (余额不退不换 is a forfeit, not a return refusal)
_NOT_GOODS = re.compile(r"定金|订金|赠品|优惠券|积分|运费|余额|储值|充值|会员卡|预存|次卡|卡内")
_QUALITY = re.compile(r"(?<![非])质量问题(?!以外|之外)")


# after the statutory period (超过7天概不退换, 签收15天后不予退换) refusing returns is lawful
_LATE = re.compile(r"超过|超出|逾期|过了|(?:[7-9]|[1-9]\d|七|八|九|十[五]?|三十)\s*(?:个)?(?:天|日)(?:后|以后|之后)")


def _not_goods(doc: TextDoc, c: Any) -> bool:
    cs, _ = doc.clause(c.start)
    return _NOT_GOODS.search(doc.text, cs, c.start) is not None or _LATE.search(doc.text, cs, c.start) is not None


_DEFECTS_TOO = re.compile(r"任何问题|质量|描述不符|保修|售后|瑕疵")


def _unfair(tag: str, *more: str):  # type: ignore[no-untyped-def]
    tags = (tag, *more)

    def check(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
        if tag == "interp":
            _explain_duty(doc)
        for c in (c for t in tags for c in lexicon_hits(doc, "unfair_terms", tag=t)):
            if c.tag in ("noreturn", "norefund") and (_not_goods(doc, c) or _reported(doc, c, doc.sentence(c.start)[0])):
                continue
            if tag == "noreturn" and "质量" not in c.term and _exempt_goods(doc, c):
                continue  # lawfully exempt goods (定制、鲜活、食品等), not mere conditions (拆封、清仓)
            if tag == "noreturn" and _NOT_A_SALE.search(doc.text, max(0, doc.sentence(c.start)[0] - 80), c.end) \
                    and not _DEFECTS_TOO.search(doc.text, *doc.sentence(c.start, c.end)):
                continue  # an auction, or a private seller's own used goods, taken as seen (not defects hidden)
            if tag == "liability" and "不可抗力" in doc.text[slice(*doc.sentence(c.start, c.end))]:
                continue
            yield Hit(c.start, c.end, confidence=0.9)
    check.__name__ = f"check_unfair_{tag}"
    return check


# the shop undertaking to explain its rules (由本店负责解释, 我们将依法解释, 客服解释说明) claims no power over their
# meaning: 处罚办法 第十二条第（六）项 forbids reserving to oneself the (final) right of interpretation. A sentence that
# excuses force majeure only (因不可抗力造成的延误，本店不承担责任) restates the law (民法典 第一百八十条、第五百九十条).
# Both bind the model (engine._overruled).
_RIGHT = re.compile(r"解释权|最终|单方|独家|为准")
_BEYOND = re.compile(r"任何|一切|其他|其它|等原因|包括但不限于|人为")  # 不可抗力等任何原因: more than force majeure


def _explain_duty(doc: TextDoc) -> None:  # and force majeure
    for c in lexicon_hits(doc, "unfair_terms", tag="explain"):
        ss, se = doc.sentence(c.start, c.end)
        beyond = _BEYOND if c.term == "不可抗力" else _RIGHT
        if beyond.search(doc.text, ss, se) is None and not doc.negated((c.start, c.end)):
            doc.exempt("unfair_terms", ss, se)  # binds the model too (engine._overruled)


def _exempt_goods(doc: TextDoc, c: Any) -> bool:
    ss, se = doc.sentence(c.start, c.end)
    return return_exempt(doc, ss, se, conditions=False)


_UNOPENED_TOO = re.compile(r"未(?:拆封|使用|激活|开封)[^,。;]{0,4}?(?:也|都|亦|均|同样|一律)(?:不|概不|无法)")
_DEEMED = re.compile(r"视为(?:同意|认可|接受|确认|知晓)|即表示同意|即代表同意|默认同意")


# an exemption the page itself says does not hold (私人订制（实际为现货批量款）, 手工饰品（非定制，现货）)
_FALSE_EXEMPT = re.compile(r"(?:实际|其实|实为)(?:为|是|上是)?[^,。;)]{0,4}?(?:现货|批量|普通款|标准款)|非定制|并非定制|不是定制|不是私人订制"
                           r"|无需激活|不需要激活|无激活码")


def _exempt_nearby(doc: TextDoc, start: int, end: int) -> bool:
    """Exempt goods named in the sentence, or in the list a colon introduces right after."""
    ss, se = doc.sentence(start, end)
    if _UNOPENED_TOO.search(doc.text, ss, se):
        return False  # 未拆封也不退: the exemptions apply only once goods are unsealed or activated
    if _FALSE_EXEMPT.search(doc.text, max(0, ss - 40), min(len(doc.text), se + 40)):
        return False
    # 第七条 goods (拆封后、临时减价、瑕疵) are exempt only if the consumer confirmed it when buying;
    # "下单即视为同意" is deemed, not given, consent
    deemed = _DEEMED.search(doc.text, ss, se) is not None
    if return_exempt(doc, ss, se, conditions=True, deemed=deemed):
        return True
    tail = doc.text[end:end + 12]
    colon = min((i for i in (tail.find(":"), tail.find("如下")) if i >= 0), default=-1)
    if colon >= 0 and doc.has("return_exempt", end, min(len(doc.text), end + 160)):
        return True
    # a heading that introduces the lawful exemptions (不适用七天无理由退货的商品 / …的情形), the list below it
    if _HEADING_TAIL.match(doc.text, end, se) and se - ss <= 40:
        return return_exempt(doc, se, min(len(doc.text), se + 240), conditions=False)
    return False


_HEADING_TAIL = re.compile(r"[^。]{0,8}?(?:的)?(?:商品|情形|范围|类别|种类|说明|包括|如下)[^。]{0,4}$")


# The right denied in free words: not joined (不走/不参加七天无理由), kept for some buyers only (仅适用于本店会员),
# rationed (每月仅可申请一次), or cut to defects (只接受质量问题售后，不合适、不喜欢都不属于).
_DENY_FREE = re.compile(
    r"(?:不|无法|不能|不可|没有|拒绝)(?:再)?(?:支持|享受|享有|适用|提供|参与|接受|办理|走|参加)(?:七|7)?(?:天|日)?无理由"
    r"|(?:七|7)(?:天|日)无理由(?:退货|退换)?[^。;]{0,10}?(?:仅|只)(?:适用|限|针对|面向|对)(?:于)?[^。;]{0,8}?(?:会员|vip|老客户|老顾客|首单)"
    r"|非会员[^。;]{0,10}?不(?:享受|支持|适用|参与)"
    r"|每(?:月|年|人|位|个)[^。;]{0,12}?(?:仅|只)(?:可|能)?(?:申请|享受|使用)?(?:一|1|两|2)次[^。;]{0,8}?无理由"
    r"|(?:只|仅)(?:接受|支持|受理|处理)质量问题[^。]{0,30}?(?:不合适|不喜欢|个人原因|无理由)"
    r"|(?:无论|不论|不管)(?:任何|什么|何种)?(?:原因|理由)[^。;]{0,16}?(?:均|都|一律|概)?(?:不予|不|不能|无法)(?:退还|退款|退货|退换|退)"
    r"|(?:无论|不论|不管)是否(?:开封|拆封|使用|拆开)[^。;]{0,8}?(?:均|都|一律|概)?(?:不予|不|不能|无法)(?:退货|退换|退)"
    # the right waived by buying (拍下即代表您已放弃七日无理由退货权利)
    r"|放弃[^。;]{0,4}?(?:七|7)(?:天|日)无理由(?:退货|退换)?(?:的)?(?:权利|权)")


def check_no_seven_day(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    # The terms carry their own negation (不支持…); a 未 before them (未拆封也不支持) does not cancel them.
    seen: set[tuple[int, int]] = set()
    for c in longest(doc.get("return_denial")):
        if doc.quoted(c) or doc.compliance(c):
            continue
        seen.add(doc.sentence(c.start, c.end))
        if not _exempt_nearby(doc, c.start, c.end):
            yield Hit(c.start, c.end, confidence=0.9)
    if not any(w in doc.text for w in ("无理由", "非会员", "原因", "理由", "是否")):
        return
    for m in _DENY_FREE.finditer(doc.text):
        span = (m.start(), m.end())
        if doc.sentence(*span) in seen or doc.quoted(span) or doc.compliance(span):
            continue
        seen.add(doc.sentence(*span))
        if not _exempt_nearby(doc, *span):
            yield Hit(m.start(), m.end(), confidence=0.8)


_REPORTED_SAY = re.compile(r"(?:说|称|讲|表示|回复|回答)(?:的)?[:：]?\s*[\"“‘「]?$")
_NOT_A_SALE = re.compile(r"竞拍|拍卖|拍品|个人卖家|非经营者|个人闲置|自用闲置|闲置自用|个人出(?![售货])|个人转让|自用转让")
def _reported(doc: TextDoc, c: Any, ss: int) -> bool:
    """The refusal quoted as words (取消“特价不退”的旧规定) or as what someone said (客服说特价不退)."""
    return doc.enclosed(c) or doc.quoted(c) or _REPORTED_SAY.search(doc.text, max(ss, c.start - 6), c.start) is not None


_PLAIN_REFUSALS = frozenset({"不可退货", "不能退货", "不让退", "都是不退的", "不退哦", "不退的哦", "不支持退货", "没法给您退",
                             "不接受任何理由的退货", "不接受任何理由退货", "不接受任何形式的退货", "不接受任何形式退货"})
_CONDITIONED = re.compile(r"(?:拆|开封|打开|使用|用过|激活|试穿|试用|剪|洗|过了|超过|逾期|超时)[^,。;]{0,6}$")


def check_blanket_no_return(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """概不退换 on goods that are not exempt also denies the 7-day no-reason return (Art. 11(4))."""
    for c in (c for t in ("noreturn", "blanket") for c in lexicon_hits(doc, "unfair_terms", tag=t)):
        if "质量" in c.term or _exempt_goods(doc, c) or _not_goods(doc, c):
            continue
        ss, _ = doc.sentence(c.start, c.end)
        if _QUALITY.search(doc.text, ss, c.start):
            continue  # 质量问题仅换不退: a defect remedy cut down (UNF-NO-RETURN-EXCHANGE), not the 7-day right
        if c.term in _PLAIN_REFUSALS and _CONDITIONED.search(doc.text, max(ss, c.start - 10), c.start):
            continue  # 拆箱即不能退货, 试穿后不可退货: refused on a condition (RET-UNSEALED-REFUSED judges that), not outright
        if _reported(doc, c, ss):
            continue  # 商家说"特价不退": the refusal a buyer or a report quotes (the shop's own page is judged where it says it)
        if _NOT_A_SALE.search(doc.text, max(0, ss - 80), c.end):
            doc.exempt("return_policy", ss, doc.sentence(c.start, c.end)[1])  # binds the model too (engine._overruled)
            continue  # an auction (拍卖法) or a private seller's second-hand goods (电子商务法 第十条: not an operator)
        yield Hit(c.start, c.end, confidence=0.85)


_SHORT = re.compile(r"(?<![0-9])([1-6一二两三四五六]|24|48|72)\s*(?:个)?(天|日|小时)内?(?:可|可以|支持|享受)?(?:无理由|无条件)退")


def check_short_period(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in _SHORT.finditer(doc.text):
        n = m.group(1)
        if m.group(2) == "小时" and n not in ("24", "48", "72"):
            continue
        span = (m.start(), m.end())
        if doc.negated(span) or doc.compliance(span) or _exempt_nearby(doc, *span):
            continue
        yield Hit(m.start(), m.end(), confidence=0.8)


# One-sided terms by concept, not stock phrase (消费者权益保护法 第二十六条; 侵害消费者权益行为处罚办法 第十二条):
# the merchant excludes its liability for loss or injury, deems acceptance from signing, alone decides or
# cancels (UNF-AT-WILL-CHANGE), forces a forum at its seat; return penalties are RET-REFUND-DEDUCTION.
_MERCHANT = r"(?:本店|本公司|我司|本平台|商家|卖家|店铺|我们|本商城|我店)"
_ONE_SIDED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("免除自身责任", re.compile(_MERCHANT + r"[^。;!?]{0,10}?(?:一律|概|均|都|将)?(?:不负责|不承担[^。;,]{0,6}?责任|不予(?:赔偿|理赔)"
                                  r"|不作任何(?:赔偿|补偿))")),
    ("视为认可", re.compile(r"(?:签收|收货|下单|付款|拆封|拆包|确认收货|拆开|撕开|打开|开封|逾期|超时|过期|未(?:提出|反馈|联系|申请))"
                          r"[^。;,]{0,6}?(?:后)?,?(?:即|就|则)?(?:视为|默认|代表|表示|等于)"
                          r"[^。;]{0,8}?(?:质量合格|合格|认可|无异议|满意|放弃|接受|同意不退)")),
    # buying deemed to accept the shop's restrictions (拍下即同意本规则 beside 不退不换): the consent is presumed, not given
    ("视为同意限制条款", re.compile(r"(?:拍下|拍了|下单|付款|购买|支付|领取|领了|参与|参加)[^。;,]{0,4}?(?:即|就|则)?(?:视为|默认|代表|表示|等于)?(?:您|你)?(?:已经?)?"
                                r"(?:同意|接受|认可|知晓)[^。;,]{0,8}?(?:规则|条款|规定|协议|须知|以上|上述|本条|此条)")),
    ("风险转嫁消费者", re.compile(r"(?:风险|后果|损失)(?:均|全部|一律)?由(?:您|你|买家|消费者|用户|顾客|客户)(?:自行|自己)?(?:承担|负责)")),
    ("售后以好评为条件", re.compile(r"(?:先|需要?先|必须先|要先)[^。;]{0,6}?(?:给个?|打|写|签)[^。;]{0,4}?(?:五星|好评|不差评|承诺书)"
                              r"[^。;]{0,16}?(?:才|再|后|之后|然后)[^。;]{0,8}?(?:处理|退款|退货|换货|售后|安排|受理)"
                              r"|(?:删除?|撤销|撤回)差评[^。;]{0,8}?(?:才|再|后)[^。;]{0,6}?(?:处理|退款|退货|换货|售后)")),
    ("否认己方承诺", re.compile(r"(?:客服|主播|店员|销售|导购)[^。;]{0,12}?(?:说的|承诺|答应|讲的)[^。;]{0,16}?"
                            r"(?:不作数|不算数|不代表(?:本店|店铺|公司|我们|商家)|无效|不认)")),
    ("发票另收费或不开", re.compile(r"(?:不提供|不开具?|拒开)发票|(?:开|要|需要)(?:具)?发票[^。;]{0,8}?(?:另加|加收|另收|需加|再加|加)"
                              r"[^。;]{0,4}?(?:税点|税费|\d+\s*%|点)")),
    ("退货条件加重", re.compile(r"(?:开箱视频|全程录像|开箱录像|胶带|快递单|面单|外箱|包装箱|防拆标签|塑封|触摸|拆开查看)"
                            r"[^。;]{0,24}?(?:否则|没有|无|不然|撕|拆|缺)[^。;]{0,10}?(?:不予退|不退|拒绝退|拒退|不能退|不予受理|不予处理|不受理)")),
    ("无论何故不予退还", re.compile(r"(?:无论|不论|不管)(?:任何|什么|何种)?(?:原因|理由|情况)[^。;]{0,16}?(?:均|都|一律|概)?(?:不予|不|不能|无法)(?:退还|退款|退货|退换|退)")),
    ("指定己方所在地", re.compile(r"(?:只能|必须|仅能|仅可|须|需)[^。;]{0,6}?" + _MERCHANT + r"?所在地[^。;]{0,8}?(?:仲裁|起诉|诉讼|法院|解决)")),
)
_ONE_SIDED_CUE = re.compile(r"无论|不论|不管|不负责|不承担|不予|不作任何|视为|默认|代表|表示|等于|所在地|承担|负责|好评|差评|承诺书|作数|算数|无效|不认|"
                            r"发票|不退|拒绝退|拒退|不能退|不受理|同意|不支持")
_FORCE_MAJEURE = re.compile(r"不可抗力|自然灾害|疫情管控|政府行为")
_RESTRICTS = re.compile(r"不退|不换|不支持|概不|不予|放弃|扣除|扣|收取|不承担|不负责|起诉|不受理|驳回|不能退")


def check_one_sided(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if not _ONE_SIDED_CUE.search(doc.text):
        return
    done: set[tuple[int, int]] = set()
    # a stock phrase in the sentence: the lexicon rules report it — but not a bare refusal (不退不换), which is also a
    # denied return and reported as one (merge.fold_statements): a one-sided term beside it is a statement of its own
    stock = [c for c in lexicon_hits(doc, "unfair_terms") if c.tag not in ("noreturn", "norefund", "explain")]
    restricts = _RESTRICTS.search(doc.text) is not None
    for name, rx in _ONE_SIDED:
        for m in rx.finditer(doc.text):
            span = (m.start(), m.end())
            sent = doc.sentence(*span)
            if sent in done or any(sent[0] <= c.start < sent[1] for c in stock) or doc.compliance(span):
                continue
            if name == "视为同意限制条款" and not restricts:
                continue  # consent to ordinary terms (下单即视为同意《用户协议》) restricts nothing by itself
            if name == "免除自身责任" and (_FORCE_MAJEURE.search(doc.text, *sent) or "不负责任" in m.group()):
                continue
            if _OWN_FAULT.search(doc.text, sent[0], m.start()):
                continue  # 因用户本人泄露密码导致的损失由用户自行承担: the user's own fault, borne by the user (民法典 第一千一百六十五条)
            if doc.negated(span, window=3) and name != "免除自身责任":
                continue
            done.add(sent)
            yield Hit(m.start(), m.end(), confidence=0.75, detail=f"（{name}）")


# the loss is caused by the consumer's own act (因用户本人泄露密码导致的…, 由于您自身原因造成的…)
_OWN_FAULT = re.compile(r"(?:因|由于)(?:用户|您|买家|消费者|会员)(?:本人|自身|自己|个人)?(?:原因|故意|过错|过失|泄露|保管不当|操作不当|未按|擅自|私自|自行)")


_COMMON = dict(scope="text")
LAW_UNFAIR = ("消费者权益保护法 第二十六条", "侵害消费者权益行为处罚办法 第十二条")

RULES: tuple[Rule, ...] = (
    Rule(
        id="UNF-FINAL-INTERPRETATION", category="unfair_terms", article="11(5), 15(6)",
        law=("侵害消费者权益行为处罚办法 第十二条第（六）项", "消费者权益保护法 第二十六条"), severity="medium",
        explanation="格式条款规定经营者单方享有“最终解释权”", check=_unfair("interp"), scope="text",
        what="Standard terms giving the shop the final right of interpretation (最终解释权归本店所有).",
        why="《侵害消费者权益行为处罚办法》第十二条：经营者不得在格式条款中规定由经营者单方享有解释权或者最终解释权；"
            "违反第十一条第（五）项、第十五条第（六）项。",
        bad=("本活动最终解释权归本店所有。", "活动解释权归商家所有，敬请谅解。"),
        good=("如对活动规则有疑问，请联系客服，我们将依法解释。", "本店不保留所谓“最终解释权”。",
              "本次满减活动由本店负责解释，如有疑问请联系在线客服。"),
        references=("侵害消费者权益行为处罚办法 第十二条",),
    ),
    Rule(
        id="UNF-LIABILITY-EXCLUSION", category="unfair_terms", article="11(5), 15(6)",
        law=LAW_UNFAIR, severity="medium",
        explanation="格式条款免除或减轻经营者应当承担的责任", check=_unfair("liability"), scope="text",
        what="Terms that exclude the shop's liability (概不负责, 不承担任何责任, 后果自负).",
        why="消费者权益保护法第二十六条：经营者不得以格式条款作出减轻、免除其责任的规定，该内容无效；"
            "违反第十一条第（五）项、第十五条第（六）项。",
        bad=("商品签收后出现任何问题本店概不负责。", "因快递原因造成的损坏，本店不承担任何责任。",
             "使用本产品引起的任何过敏，本店均不承担赔偿责任。"),
        good=("因不可抗力导致延迟发货的，本店不承担任何责任，但会及时通知您。", "商品质量问题由本店承担来回运费。"),
        references=("消费者权益保护法 第二十六条",),
    ),
    Rule(
        id="UNF-NO-RETURN-EXCHANGE", category="unfair_terms", article="11(5), 15(6)",
        law=LAW_UNFAIR + ("消费者权益保护法 第二十四条",), severity="high",
        explanation="格式条款排除消费者退货、更换、修理的权利（如“概不退换”）", check=_unfair("noreturn", "norefund"),
        scope="text",
        what="Blanket exclusions of returns and exchanges (售出概不退换, 不退不换), including for quality defects.",
        why="消费者权益保护法第二十四条规定质量不合格商品的退货、更换、修理义务，第二十六条规定排除这些权利的格式条款无效；"
            "违反第十一条第（五）项、第十五条第（六）项。",
        bad=("本店商品一经售出，概不退换。", "特价商品，不退不换。", "本店所有商品只换不退。",
             "内衣、袜子等贴身衣物一经售出不退不换。"),
        fires_with=("RET-BLANKET-NO-RETURN",),
        good=("定制刻字商品一经制作不退不换，质量问题除外。", "自用闲置，iPhone 13 128G，个人出不退不换，可以当面验机。", "药品除质量问题外，一经售出不予退换。", "支持七天无理由退换货。", "预订定金一律不退，请确认档期后支付。",
              "活动赠品一律不退，退货时请一并寄回。"),
        references=("消费者权益保护法 第二十四条、第二十六条",),
    ),
    Rule(
        id="UNF-ONE-SIDED-TERMS", category="unfair_terms", article="11(5), 15(6)",
        law=LAW_UNFAIR, severity="medium",
        explanation="格式条款以其他措辞免除经营者责任、视为消费者认可、由经营者单方决定或加重消费者责任",
        check=check_one_sided, scope="text",
        what="One-sided terms worded freely: the shop excludes its liability for loss or injury, deems acceptance on "
             "signing, alone decides or cancels, forces disputes to its own seat, or charges penalties for returning.",
        why="消费者权益保护法第二十六条：不得以格式条款作出排除或者限制消费者权利、减轻或者免除经营者责任、加重消费者责任等"
            "对消费者不公平、不合理的规定；侵害消费者权益行为处罚办法第十二条列举这些情形。",
        bad=("快递途中出现任何损坏、丢失，本店一律不负责，请自行联系快递公司。", "买家签收后即视为商品质量合格。",
             "若发生争议，买家只能到本店所在地仲裁。", "售后请先给五星好评，我们再安排退款。", "开发票需另加8%税点。",
             "客服答应的赠品不作数，以店铺公告为准。", "电动工具使用中的一切风险由买家自行承担。",
             "退货须提供开箱视频，没有视频的一律不予受理。", "签收当天未提出异议的，视为您已认可商品质量。",
             "福利款不退差价，拍下即同意本规则。"),
        good=("因不可抗力造成的延误，本店不承担责任，将及时通知您。", "签收前请当面验货，如有破损可拒收。",
              "发生争议可向消费者协会投诉或向人民法院起诉。", "退货运费由本店承担。", "本店有权拒绝恶意刷单的订单。",
              "收到满意的话欢迎给个好评。", "本店可开具电子发票，不另收费。", "因买家填错地址多出的运费由买家承担。",
              "下单即视为同意《用户服务协议》，协议全文见页面底部。"),
        references=("消费者权益保护法 第二十六条", "侵害消费者权益行为处罚办法 第十二条"),
    ),
    Rule(
        id="UNF-CONTRACT-NOT-FORMED", category="unfair_terms", article="11(5), 15(6)",
        law=("电子商务法 第四十九条",), severity="medium",
        explanation="约定消费者付款后合同不成立", check=_unfair("contract"), scope="text",
        what="Terms saying that paying does not form a contract, or that the shop may cancel paid orders at will.",
        why="电子商务法第四十九条：电子商务经营者不得以格式条款等方式约定消费者支付价款后合同不成立；格式条款含有该内容的，其内容无效。",
        bad=("付款不代表合同成立，本店有权单方面取消订单。",),
        good=("您提交订单并付款后，合同即告成立。",),
        references=("电子商务法 第四十九条",),
    ),
    Rule(
        id="RET-NO-SEVEN-DAY", category="return_policy", article="11(4)",
        law=("消费者权益保护法 第二十五条", "网络购买商品七日无理由退货暂行办法 第六条、第七条"), severity="high",
        explanation="对不属于法定例外的商品拒绝七日无理由退货", check=check_no_seven_day, scope="text",
        what="Refusing the 7-day no-reason return for goods that are not lawfully exempt.",
        why="消费者权益保护法第二十五条与第十一条第（四）项：网络购物自收到商品之日起七日内可无理由退货；"
            "仅定作、鲜活易腐、在线下载或已拆封的音像制品和软件、交付的报纸期刊及经消费者确认不宜退货的商品除外。",
        bad=("本店所有商品均不支持7天无理由退货。", "本店服装不支持七天无理由退換貨。",
             "清仓特价商品不支持7天无理由退货，下单即视为同意。", "秒杀商品不参与七天无理由退货。",
             "数码产品外包装拆封即视为已使用，不予办理七天无理由退货。", "护肤品未拆封也不支持七天无理由退货。",
             "七天无理由退货仅适用于本店会员。", "每位顾客每年只能申请一次七天无理由退货。", "直播款不走七天无理由。",
             "刻字手链（实际为现货批量款，刻字另售）不支持七天无理由退货。"),
        good=("定制商品不支持七天无理由退货。", "以下商品不支持七天无理由退货：生鲜水果、鲜花绿植、已激活的软件。",
              "本店所有商品支持七天无理由退货。", "已开封的护理液经您下单时勾选确认，不适用七天无理由退货。",
              "音乐CD、蓝光影碟拆封后不支持七天无理由退货，未拆封的可正常退。", "鲜切花不支持七天无理由退货。",
              "秒杀商品经您下单时勾选确认，不支持七天无理由退货。", "化妆品拆封后不支持七天无理由退货。",
              "会员与非会员均享受七天无理由退货。", "七天无理由退货适用于全部非定制商品。"),
        references=("消费者权益保护法 第二十五条", "西宁市电子商务信用管理制度 第十一条第（四）项"),
    ),
    Rule(
        id="RET-BLANKET-NO-RETURN", category="return_policy", article="11(4)",
        law=("消费者权益保护法 第二十五条",), severity="high",
        explanation="以“概不退换”“不退不换”等表述排除七日无理由退货", check=check_blanket_no_return, scope="text",
        what="Blanket no-return statements (售出概不退换, 不退不换) for goods that are not lawfully exempt: they deny the "
             "7-day no-reason return as well as being unfair terms (UNF-NO-RETURN-EXCHANGE fires on the same words).",
        why="第十一条第（四）项与消费者权益保护法第二十五条：除法定例外商品外，消费者可自收到商品之日起七日内无理由退货。",
        bad=("报单产品不退不换。", "化妆品一经售出不退，未拆封也不退。", "本店银饰（非定制）售出后概不退换。", "买咗嘅嘢唔退唔换，特价货嚟㗎。",
             "蜂胶礼盒拆封与否均不退换。", "直播专享价商品不支持退换货。", "宝子们这批是 bu tui bu huan 的哈。"),
        fires_with=("UNF-NO-RETURN-EXCHANGE",),
        good=("生鲜水果售出不退，坏果包赔。", "药品除质量问题外，一经售出不予退换。", "支持七天无理由退换货。", "预订定金一律不退。", "签收超过7天概不退换。",
              "签收15天后不予退换，质量问题按三包处理。", "刻名字的定制款不支持退换。",
              "客服说特价不退，我申请平台介入后按七天无理由退了。", "本店已取消“特价不退”的旧规定，特价商品同样支持七天无理由退货。",
              "珠宝直播竞拍规则：拍品以现场展示为准，成交后不支持退货。"),
        references=("消费者权益保护法 第二十五条",),
    ),
    Rule(
        id="RET-SHORT-PERIOD", category="return_policy", article="11(4)",
        law=("消费者权益保护法 第二十五条",), severity="medium",
        explanation="无理由退货期限短于法定的七日", check=check_short_period, scope="text",
        what="A no-reason return window shorter than the statutory seven days (3天无理由退货, 24小时内无理由退).",
        why="消费者权益保护法第二十五条规定自收到商品之日起七日内无理由退货，缩短期限即排除了消费者的部分法定权利，违反第十一条第（四）项。",
        bad=("本店支持3天无理由退货。", "收货后24小时内可无理由退换。"),
        good=("支持15天无理由退货。", "签收后3天内如有质量问题请联系客服。"),
        references=("消费者权益保护法 第二十五条",),
    ),
)
