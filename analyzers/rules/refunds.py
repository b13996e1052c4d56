"""return_policy and unfair_terms, by pattern: refunds cut down, prepaid money forfeited, remedies barred.

The lexicon rules (terms.py) catch fixed phrases (概不退换, 最终解释权); these catch the same acts
written freely: a condition plus a refusal (拆封后一律不予退货), money plus forfeiture (余额自动作废),
a store that reserves the right to change terms at will.

Xining rules Art. 11(4), 11(5), 15(6); 消费者权益保护法 第二十五条、第二十六条、第五十三条;
网络购买商品七日无理由退货暂行办法 第八条、第十九条; 侵害消费者权益行为处罚办法 第十二条;
单用途商业预付卡管理办法（试行） 第十四条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.rules.base import Hit, Rule
from analyzers.rules.common import anchored, return_exempt
from analyzers.text import TextDoc

_N = r"(?:[1-6一二两三四五六]|24|48|72)"
_DEFECT = ("质量", "破损", "损坏", "错发", "漏发", "少件", "瑕疵", "故障", "问题")
_CONSUMER = ("买家", "消费者", "顾客", "用户", "客户", "您", "会员")
_STORE = ("本店", "商家", "卖家", "本公司", "我司", "我们", "平台", "经营者", "本平台")


def _live(doc: TextDoc, m: re.Match[str]) -> bool:
    span = (m.start(), m.end())
    return not (doc.negated(span) or doc.compliance(span))


def _goods_exempt(doc: TextDoc, start: int, end: int) -> bool:
    """Lawfully exempt goods (定制、生鲜、食品、化妆品、软件…) named in the sentence."""
    ss, se = doc.sentence(start, end)
    return return_exempt(doc, ss, se, conditions=False)


def _overlaps_lexicon(doc: TextDoc, start: int, end: int, lexicon: str, tag: str) -> bool:
    return any(c.start < end and start < c.end for c in doc.get(lexicon, tag))


# ---- return_policy ---------------------------------------------------------------------------------
_UNSEALED = re.compile(
    r"(?<![未没不])(?:拆封|拆箱|拆开|开封|开箱|拆包装|拆除包装|试穿|试戴|试用|试(?:个|下)?码|上脚)(?:过|了)?(?:后|之后)?"
    r"[^。;,]{0,10}?(?:一律|均|即|则|概|都|就)?(?:不能|不可|不予|不接受|不支持|无法|恕不|别想|甭想|休想|不)(?:办理)?(?:退货|退换|退款|退)")


def check_unsealed(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """Opening the package or trying goods on is what inspection means (暂行办法 第八条): no ground to refuse."""
    for m in anchored(doc, "unsealed", _UNSEALED):
        if doc.compliance((m.start(), m.end())) or _goods_exempt(doc, m.start(), m.end()):
            continue
        if _overlaps_lexicon(doc, m.start(), m.end(), "unfair_terms", "noreturn"):
            continue  # 拆封不退 is already a blanket refusal (RET-BLANKET-NO-RETURN)
        yield Hit(m.start(), m.end(), confidence=0.8)


_SHORT_RETURN = re.compile(
    rf"(?:签收|收货|收到|到货)[^,。;]{{0,4}}?{_N}\s*(?:个)?(?:天|日|小时)内?[,]?(?:可|可以|才能|方可|才可)?(?:申请)?(?:退换|退货|退款)"
    rf"|(?:退货|退换货?|退款)(?:期限|时限|期)(?:为|是|仅|只有)?[^,。;]{{0,6}}?(?<![0-9]){_N}\s*(?:个)?(?:天|日|小时)")


_RETURNED = re.compile(r"寄回|退回|寄到|寄至|退货地址|收到(?:退货|退回|寄回|您的?退货|商品后)|(?:本店|我们|商家|仓库)收到")


def check_short_window(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """A return window shorter than seven days that is not about defects (签收后3天内可申请退换)."""
    for m in anchored(doc, "window", _SHORT_RETURN):
        if "小时" in m.group() and not re.search(r"24|48|72", m.group()):
            continue
        if "无理由" in doc.text[m.start():m.end() + 4]:
            continue  # RET-SHORT-PERIOD
        if m.group().endswith("退款") and _RETURNED.search(doc.text, *doc.sentence(m.start(), m.end())):
            continue  # 寄回…，收到后3日内退款: how soon the shop refunds once the goods are back (消法 第二十五条: 七日内)
        ss, se = doc.sentence(m.start(), m.end())
        if any(w in doc.text[ss:se] for w in _DEFECT) or _goods_exempt(doc, m.start(), m.end()):
            continue
        if _live(doc, m):
            yield Hit(m.start(), m.end(), confidence=0.75)


_DEDUCT = re.compile(r"(?:退货|退款|退换|无理由)[^。;]{0,14}?(?<![不无免])(?:扣除|扣|收取|加收)"
                     r"[^,。;]{0,12}?(?:手续费|服务费|折旧费|损耗费|违约金|管理费|\d+\s*%|[一二三四五六七八九]成)")


def check_deduction(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """Fees taken from a no-reason refund (only the return postage may fall on the consumer)."""
    for m in anchored(doc, "deduct", _DEDUCT):
        ss, se = doc.sentence(m.start(), m.end())
        if any(w in doc.text[ss:se] for w in ("优惠", "赠品", "红包")) or _goods_exempt(doc, m.start(), m.end()):
            continue
        if _live(doc, m):
            yield Hit(m.start(), m.end(), confidence=0.8)


_CREDIT = re.compile(
    r"(?:只能|仅能|只可|仅可|只|仅|一律|统一)(?:退|退款|退还|返还)(?:到|至|为|成|回)?(?:店铺|本店|平台|账户|会员)?"
    r"(?:余额|购物金|积分|代金券|优惠券|储值卡|购物卡)"
    r"|不(?:退回|退还|退至|退到|原路退回|原路返回)(?:原|您的)?(?:支付|付款)(?:账户|方式|渠道)"
    r"|不(?:支持|予|提供)原路(?:退回|退款|返还)")


def check_credit_only(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """Refunds paid only as store credit instead of the way the consumer paid (暂行办法 第十九条)."""
    for m in anchored(doc, "credit", _CREDIT):
        ss, se = doc.sentence(m.start(), m.end())
        if re.search(r"可选|自愿|或原路|也可原路|经您同意", doc.text[ss:se]):
            continue
        if not doc.compliance((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.8)


# ---- unfair_terms ---------------------------------------------------------------------------------
_PREPAID = re.compile(
    r"(?:储值|充值|预存|预付|余额|卡内金额|储值卡|次卡)[^。;]{0,12}?"
    r"(?:不可|不能|不予|概不|一律不|不得|无法)(?:申请)?(?:退还|退款|退回|退费|退)"
    r"|(?:余额|储值金?额?|充值金额|预存款|卡内金额)(?:一律|概|均|都)?不(?:退还|退款|退回|退费|退)"
    r"|(?:余额|储值金?额?|充值金额|预存款|卡内金额|剩余次数)[^,。;]{0,6}?(?:自动|将|一律|即|逾期|过期)(?:作废|清零)"
    r"|(?:退卡|退费|退余额|退储值|余额退还?|退还余额)[^,。;]{0,10}?(?<![不无免])(?:扣除|收取|扣)"
    r"[^,。;]{0,10}?(?:手续费|服务费|违约金|管理费|\d+\s*%)"
    # a subscription renewed automatically and never refunded, the unused part kept (处罚办法 第十二条第（三）项)
    r"|(?:自动续费|自动扣款|自动续订|续费后)[^。;]{0,16}?(?:不支持|不予|不能|不可|概不|一律不)(?:申请)?(?:退款|退费|退还|退)"
    r"|未使用(?:的)?(?:天数|月份|部分|期限|次数|课时)[^,。;]{0,4}?(?:不退|不予退还|不退还|不退款)"
    # a deposit kept even when the shop is the one that fails (定金罚则 runs the other way: 民法典 第五百八十七条)
    r"|定金[^。;]{0,20}?(?:不退|不予退还)[^。;]{0,16}?(?:即使|哪怕|即便|包括)[^。;]{0,10}?(?:商家|本店|卖家|我方)[^。;]{0,4}?"
    r"(?:缺货|延期|无法发货|违约|原因)")


def check_prepaid(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in anchored(doc, "prepaid", _PREPAID):
        if doc.compliance((m.start(), m.end())):
            continue
        ss, _ = doc.sentence(m.start(), m.end())
        if any(w in doc.text[ss:m.start()] for w in ("优惠券", "积分", "赠送")):
            continue  # gifts and points are not the consumer's money
        yield Hit(m.start(), m.end(), confidence=0.8)


_SIGNED = re.compile(r"(?:签收|收货)(?:后|之后|以后)?[^。;]{0,24}?(?:质量问题|任何问题|破损|损坏|问题)[^。;]{0,8}?"
                     r"(?:一律|概|均|都|全部)(?:不予|不再|不|恕不)(?:处理|受理|理会|售后|退换|赔偿)")
_REMEDY = re.compile(r"不得[^,。;]{0,10}?(?:申请退款|申请退货|退款|退货|索赔|要求赔偿|赔偿|投诉|举报|起诉|诉讼|维权)")


def check_remedies_barred(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """Terms that forbid the consumer to claim a refund, compensation or to complain (处罚办法 第十二条（二）（三）)."""
    for m in anchored(doc, "remedy", _REMEDY):
        cs, ce = doc.clause(m.start(), m.end())
        before = doc.text[cs:m.start()]
        if any(w in before for w in _STORE) and not any(w in before for w in _CONSUMER):
            continue  # the shop binds itself (本店不得拒绝退款)
        if any(w in doc.text[cs:ce] for w in ("恶意", "虚假", "欺诈", "骗取", "无理取闹")):
            continue  # bad-faith claims may be refused
        if not doc.compliance((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.8)
    for m in anchored(doc, "window", _SIGNED):  # once signed for, defects are no longer handled
        if not doc.compliance((m.start(), m.end())) and not doc.negated((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.8)


_AT_WILL = re.compile(r"(?:保留|有权)[^,。;]{0,8}?(?:随时|任意|单方面?|因任何原因|以任何理由|无需(?:说明)?理由|不经通知)[^,。;]{0,10}?"
                      r"(?:调整|修改|变更|更改|取消|终止|解除|收回|作废|扣除|冻结|没收)")


_PLACED_KEPT = re.compile(r"不受[^,。;]{0,4}?影响|不影响已|按下单时|以下单时")


def check_at_will(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """The shop may change or cancel the contract at will (处罚办法 第十二条第（五）项)."""
    for m in anchored(doc, "atwill", _AT_WILL):
        cs, _ = doc.clause(m.start(), m.end())
        ss, se = doc.sentence(m.start(), m.end())
        if any(w in doc.text[cs:m.start()] for w in _CONSUMER):
            continue  # 买家有权随时取消订单: the consumer's right
        if _overlaps_lexicon(doc, m.start(), m.end(), "unfair_terms", "contract"):
            continue  # 有权单方面取消订单: UNF-CONTRACT-NOT-FORMED
        stop = doc.text.find("。", se)  # the whole statement, across its ；
        if _PLACED_KEPT.search(doc.text, ss, stop if stop >= 0 else len(doc.text)):
            continue  # orders already placed keep their terms (已付款订单价格不受调整影响): a change for future sales
        if not doc.compliance((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.75)


_NOT_FORMED = re.compile(r"(?:付款|支付)(?:成功)?(?:后)?(?:并)?(?:不代表|不视为|不意味着|不等于|不表示)[^,。;]{0,4}?(?:合同|订单|交易)(?:成立|生效)")


def check_not_formed(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in anchored(doc, "notformed", _NOT_FORMED):
        if _overlaps_lexicon(doc, m.start(), m.end(), "unfair_terms", "contract"):
            continue  # UNF-CONTRACT-NOT-FORMED
        if not doc.compliance((m.start(), m.end())):
            yield Hit(m.start(), m.end(), confidence=0.85)


# ---- declarations ---------------------------------------------------------------------------------
_LAW_RET = ("消费者权益保护法 第二十五条", "网络购买商品七日无理由退货暂行办法 第八条、第十九条")
_LAW_UNF = ("消费者权益保护法 第二十六条", "侵害消费者权益行为处罚办法 第十二条")


def _r(id: str, cat: str, sev: str, law: tuple[str, ...], expl: str, check: Any, what: str, why: str,
       bad: tuple[str, ...], good: tuple[str, ...], **kw: Any) -> Rule:
    article = "11(4)" if cat == "return_policy" else "11(5), 15(6)"
    return Rule(id=id, category=cat, article=article, law=law, severity=sev, explanation=expl, check=check,
                scope="text", what=what, why=why, bad=bad, good=good, references=law, **kw)


RULES: tuple[Rule, ...] = (
    _r("RET-UNSEALED-REFUSED", "return_policy", "high", _LAW_RET,
       "以商品已拆封、试穿、试用为由拒绝七日无理由退货（非法定例外商品）", check_unsealed,
       "Refusing returns because the package was opened or the goods tried on (拆封、试穿后一律不予退货), for goods "
       "that are not lawfully exempt.",
       "暂行办法第八条：消费者基于查验需要而打开商品包装，或者为确认商品的品质、功能而进行合理的调试不影响商品的完好；"
       "以拆封、试穿为由一律拒绝退货排除了第十一条第（四）项规定的七日无理由退货权利。",
       ("衣服拆封、试穿后一律不予退货。", "你套上脚试个码就别想退了，试过就算穿过。", "电器类商品一经拆箱即不能退货。"),
       ("拆封后如有质量问题可退换。", "鞋子可以试码，不合适七天内可退。", "面膜拆开用过了是不能退的哦，这是卫生用品，您下单时页面也勾选了确认的。", "食品一经拆封不予退货。", "吊牌剪除或洗涤后不予退货。",
        "商品拆封后不影响二次销售的，支持七天无理由退货。")),
    _r("RET-SHORT-WINDOW", "return_policy", "medium", _LAW_RET,
       "退货期限短于法定的七日（与质量问题无关）", check_short_window,
       "A return window shorter than seven days that is not about defects (签收后3天内可申请退换，超时不予受理).",
       "消费者权益保护法第二十五条：自收到商品之日起七日内可无理由退货；把退换期限缩短到七日以内，违反第十一条第（四）项。",
       ("服装类商品签收后3天内可申请退换，超时不予受理。", "本店退货期限为签收后3天内，逾期不予受理。"),
       ("签收后3天内如发现质量问题可申请退换。", "生鲜水果签收后24小时内可申请退款。", "签收后7天内可申请退换。",
        "退货期限为签收后15天内。", "退款期限为3个工作日，原路退回。", "退货请寄回本店仓库，收到后2日内原路退款。")),
    _r("RET-REFUND-DEDUCTION", "return_policy", "medium", _LAW_RET,
       "无理由退货时扣除手续费、折旧费等费用", check_deduction,
       "Fees or a percentage withheld from a no-reason refund (退货需扣除20%手续费); only the return postage may fall on "
       "the consumer.",
       "消费者权益保护法第二十五条：经营者应当自收到退回商品之日起七日内返还消费者支付的商品价款，退回商品的运费由消费者承担；"
       "另行扣费限制了第十一条第（四）项规定的权利。",
       ("无理由退货需扣除商品金额的20%作为手续费。", "退货退款一律收取30元手续费。"),
       ("无理由退货运费由买家承担。", "质量问题退货不收取任何手续费。", "退货时需扣除已使用的优惠券金额。"),
       fires_with=("UNF-RETURN-PENALTY",)),
    # the same words as a standard term: a fee for using the right adds to the consumer's duties (independent writers
    # labelled 16 of 18 such texts unfair_terms, 10 return_policy)
    _r("UNF-RETURN-PENALTY", "unfair_terms", "medium", _LAW_UNF,
       "格式条款对消费者退货收取手续费、包装费或扣押金", check_deduction,
       "Standard terms that charge the consumer fees or withhold money for returning goods (the same words as "
       "RET-REFUND-DEDUCTION).",
       "侵害消费者权益行为处罚办法第十二条：不得以格式条款加重消费者责任；对行使退货权利收取费用，违反第十五条第（六）项。",
       ("无理由退货需扣除商品金额的20%作为手续费。",),
       ("无理由退货运费由买家承担。",),
       fires_with=("RET-REFUND-DEDUCTION",)),
    _r("RET-REFUND-NOT-ORIGINAL", "return_policy", "medium", _LAW_RET,
       "退款只退店铺余额、购物金，不按原支付方式退回", check_credit_only,
       "Refunds paid only as store balance, points or vouchers instead of back to the way the consumer paid.",
       "暂行办法第十九条：退款方式比照购买商品的支付方式；只退店铺余额等于把消费者的价款留在店内，排除了第十一条第（四）项的权利。",
       ("退货只能退到店铺余额，不退回原支付账户。",),
       ("退款将原路退回您的支付账户。", "退款可选择原路退回或退至店铺余额。"),
       fires_with=("UNF-REFUND-AS-CREDIT",)),
    _r("UNF-REFUND-AS-CREDIT", "unfair_terms", "medium", _LAW_UNF,
       "格式条款限定退款只能退为店铺余额、购物金", check_credit_only,
       "Standard terms that turn refunds into store credit (the same words as RET-REFUND-NOT-ORIGINAL).",
       "侵害消费者权益行为处罚办法第十二条第（一）项：不得以格式条款免除或部分免除经营者退还货款的责任；违反第十五条第（六）项。",
       ("本店退款一律退为购物金，可用于下次消费。",),
       ("退款原路返回，1-3个工作日到账。",),
       fires_with=("RET-REFUND-NOT-ORIGINAL",)),
    _r("UNF-PREPAID-FORFEIT", "unfair_terms", "high", _LAW_UNF + ("消费者权益保护法 第五十三条", "单用途商业预付卡管理办法（试行） 第十四条"),
       "格式条款规定储值、预付余额不予退还、自动作废或退卡扣费", check_prepaid,
       "Prepaid balances that cannot be refunded, lapse (余额自动作废, 逾期清零) or are refunded only after a fee.",
       "消费者权益保护法第五十三条：以预收款方式提供商品或服务的，未按约定提供时应当退回预付款；单用途预付卡管理办法第十四条："
       "记名卡不得设置有效期。以格式条款没收余额，违反第十五条第（六）项。",
       ("会员储值金额一经充值不可退还，门店停业时余额自动作废。", "退卡需扣除剩余金额20%的手续费。",
        "会员卡余额不退不换，过期自动作废。", "视频会员到期自动续费，续费后不支持退款。", "年卡中途停用的，未使用月份不退。",
        "预售定金一律不退，即使本店延期发货也不退。"),
       ("储值卡余额可随时申请退还。", "优惠券逾期作废，请在有效期内使用。", "积分有效期一年，过期清零。",
        "会员到期自动续费，可随时关闭，续费后7天内可申请全额退款。", "定金在您取消预订时不退，本店未能发货的双倍返还。")),
    _r("UNF-REMEDIES-BARRED", "unfair_terms", "medium", _LAW_UNF,
       "格式条款限制消费者申请退款、索赔或投诉的权利", check_remedies_barred,
       "Terms that forbid the consumer to ask for a refund, claim compensation or complain to the platform or authorities.",
       "侵害消费者权益行为处罚办法第十二条第（二）（三）项：不得以格式条款排除或限制消费者退货、赔偿损失的权利，"
       "或依法投诉、举报、提起诉讼的权利；违反第十五条第（六）项。",
       ("因本店原因导致延迟发货的，买家不得以此为由申请退款或索赔。", "如有异议仅可与本店协商，不得向平台或消协投诉。",
        "一旦签收，后续发现任何质量问题本店一律不予处理。"),
       ("本店不得以任何理由拒绝合理的退款申请。", "买家不得以虚假理由恶意申请退款。",
        "签收后发现质量问题，请在7天内联系客服处理。", "签收前请当面验货，破损可拒收。")),
    _r("UNF-AT-WILL-CHANGE", "unfair_terms", "medium", _LAW_UNF,
       "格式条款规定经营者可随时单方变更价格、规则或取消订单", check_at_will,
       "The shop reserves the right to change prices, rules or cancel orders at any time at will.",
       "侵害消费者权益行为处罚办法第十二条第（五）项：不得规定经营者有权任意变更或者解除合同；违反第十五条第（六）项。",
       ("本店保留随时调整价格及活动规则的权利，已付款订单需补差价。", "本店有权在发货前随时取消订单。",
        "本店有权因任何原因收回已发放的红包。"),
       ("发货前您有权随时取消订单并全额退款。", "本店保留根据市场情况随时调整商品价格的权利；已付款订单价格不受调整影响。", "本店保留随时调整价格的权利，已付款订单不受影响。")),
    _r("UNF-CONTRACT-NOT-FORMED-PAID", "unfair_terms", "medium", ("电子商务法 第四十九条",),
       "约定消费者付款成功后订单或合同仍不成立", check_not_formed,
       "Free wordings of 'payment does not make the order binding' (付款成功不代表订单成立).",
       "电子商务法第四十九条：不得以格式条款等方式约定消费者支付价款后合同不成立；其内容无效。",
       ("付款成功不代表订单成立，以发货为准。",),
       ("付款成功即代表订单成立。",)),
)
