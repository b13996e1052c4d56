"""false_advertising: absolute terms, medical claims, guarantees, fake certification, fake sales, prices.

Xining rules Art. 11(8), 15(1), 15(5); 广告法 第九条、第十六至十八条、第二十八条; 电子商务法 第十七条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.rules.base import Hit, Rule
from analyzers.rules.common import anchored, lexicon_hits, longest, product_name
from analyzers.text import TextDoc

CAT = "false_advertising"


_QUESTION = ("哪款", "哪个", "哪种", "哪家", "什么", "谁")


def _verb_use(doc: TextDoc, c: Any) -> bool:
    """首选顺丰快递: 首选 as a verb at the start of a clause, not a claim."""
    cs, ce = doc.clause(c.start)
    return c.start == cs and ce - c.end >= 2


# Usage guidance is not a claim over other goods (市场监管总局《广告绝对化用语执法指南》2023: 最佳使用方法, 最佳赏味期…).
_USAGE_TERMS = frozenset({"最好", "最佳", "最优", "最适宜", "最合适"})
_USAGE_BEFORE = re.compile(r"(?:煮|泡|冲|沏|焖|蒸|炖|烤|煎|炒|冷藏|冷冻|冰镇|加热|解冻|食用|饮用|使用|佩戴|清洗|保存|存放|储存|浸泡|"
                           r"搅拌|醒|晾|开封后|分钟|小时|[0-9]+\s*(?:度|℃|°c))[^。;!?\n]{0,12}$")
_USAGE_AFTER = re.compile(r"(?:的)?(?:赏味期|食用期|饮用期|使用期|保质|食用方法|饮用方法|使用方法|冲泡方法|食用温度|饮用温度|储存温度|保存方法)")


_FIRM_NAME = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:股份有限公司|有限责任公司|有限公司|集团|总厂|研究所|研究院)")


# 最好 as "had better" before what to do (花瓶水最好每天更换, 枸杞最好用80℃的水冲泡, 最好不要暴晒): advice, not a claim
_ADVICE_AFTER = re.compile(r"(?:每天|每日|每周|定期|经常|尽快|尽量|提前|先|在|于|放(?!心)|存放|保存|用(?!的|过|了)[^。;,!?\n]{0,12}?(?:冲|泡|洗|擦|煮|浸|调|稀释|清洁)"
                           r"|避免|不要|别|勿|选择|选用|搭配|配合|冷藏|冷冻|密封|当天|及时|分次|少量|控制|咨询|遵医嘱|在医生|由专业|请|给|让|带|穿|戴)")


# the superlative said as a negation (价格找遍全网不可能比这里更低, 绝对找不到第二家): 广告法 第九条第（三）项
_NONE_BETTER = re.compile(r"(?:全网|全国|全市|全行业|市面上|整个市场|任何一家|别家)[^。;]{0,12}?(?:不可能|找不到|没有|再也找不到|不会有)"
                          r"[^。;]{0,8}?(?:比[^。;]{0,8}?)?(?:更低|更便宜|更好|还低|还便宜|更优惠)|找不到第二家")


# a business philosophy headed as such (我们的理念：用最好的服务…): 执法指南 2023 第五条第（一）项
_CREDO = re.compile(r"(?:理念|宗旨|使命|信条|初心|愿景)(?:是|为)?[:：][^。;!?\n]{0,24}$")


def check_absolute(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in _NONE_BETTER.finditer(doc.text) if ("找不到" in doc.text or "更" in doc.text or "还" in doc.text) else ():
        span = (m.start(), m.end())
        if not (doc.compliance(span) or doc.quoted(span)):
            yield Hit(m.start(), m.end(), confidence=0.75)
            break
    for c in longest(doc.get("absolute_terms")):
        if doc.covered(c, "absolute_exempt", "counterfeit") or not doc.plain(c):
            continue
        if c.term == "首选" and _verb_use(doc, c):
            continue
        cs, _ = doc.clause(c.start)
        if any(q in doc.text[cs:c.start] for q in _QUESTION):
            continue
        if c.term in _USAGE_TERMS and (_USAGE_BEFORE.search(doc.text, max(cs, c.start - 24), c.start)
                                       or _USAGE_AFTER.match(doc.text, c.end)
                                       or (c.term == "最好" and _ADVICE_AFTER.match(doc.text, c.end))):
            doc.exempt("false_advertising", *doc.sentence(c.start, c.end))
            continue  # 再煮 1 分钟口感最好, 最佳赏味期: how to use the goods, not a claim over others (SAMR 2023 执法指南)
        if doc.before("aspiration", c) or doc.in_sentence("self_comparison", c) \
                or _CREDO.search(doc.text, max(0, c.start - 30), c.start):
            continue
        if c.tag == "rank" and doc.in_sentence("factual_source", c):
            continue
        if product_name(doc, c) or any(f.start == c.end for f in doc.get("counterfeit")):
            continue  # 顶级原单: part of a replica offer (CF-REPLICA-TERMS)
        if _FIRM_NAME.match(doc.text, c.end):
            continue  # 中国第一铅笔有限公司: a firm's registered name (企业名称登记管理规定), not a claim
        if c.term == "最佳" and _AWARD_NAME.match(doc.text, c.end) \
                and _AWARDED.search(doc.text, doc.sentence(c.start)[0], c.start):
            continue  # 获雨果奖最佳长篇小说奖: the name of an award given, not the shop ranking its goods
        yield Hit(c.start, c.end, confidence=0.9 if len(c.term) > 2 else 0.8)


_AWARD_NAME = re.compile(r"[\u4e00-\u9fff]{1,10}?奖")
_AWARDED = re.compile(r"获|荣获|获得|摘得|斩获|入围|提名")


def check_medical(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if doc.anywhere("medical_context"):  # registered drug or device: 广告法 第十六条 applies instead
        return
    spans = []
    health_food = doc.anywhere("health_food")
    for c in lexicon_hits(doc, "medical_claims", "medical_exempt"):
        if health_food and doc.text[max(0, c.start - 2):c.start] == "辅助":
            continue  # 辅助降血脂: an approved health-food function (AD-HEALTH-FOOD-NO-WARNING judges the rest)
        spans.append((c.start, c.end))
        yield Hit(c.start, c.end, confidence=0.85)
    for m in [*_TREATS.finditer(doc.text), *_NO_MEDICINE.finditer(doc.text), *anchored(doc, "disease", _CURES)]:
        span = (m.start(), m.end())
        if any(a < span[1] and span[0] < b for a, b in spans):
            continue
        if not (doc.negated(span) or doc.compliance(span)):
            spans.append(span)
            yield Hit(m.start(), m.end(), confidence=0.8)
    for c in doc.get("diseases"):  # the ICD-10 names of data/diseases.txt, in the same two wordings as _CURES
        cs, ce = doc.clause(c.start, c.end)
        verb = _CURE_VERB.search(doc.text, max(cs, c.start - 5), c.start)
        after = _CURE_OUTCOME.match(doc.text, c.end, ce)
        if verb is None and after is None:
            continue
        span = (verb.start() if verb else c.start, after.end() if after else c.end)
        if any(a < span[1] and span[0] < b for a, b in spans) or doc.negated(span) or doc.compliance(span):
            continue
        spans.append(span)
        yield Hit(span[0], span[1], confidence=0.8)


_TREATS = re.compile(r"(?:专治|主治|治疗|根治|治愈|医治|可治|能治|治好|(?<![政自统整法防救诊])治(?=[\u4e00-\u9fff]{0,2}?(?:炎|癌|失眠|便秘|抑郁|三高|哮喘)|[\u4e00-\u9fff]{1,3}病))[\u4e00-\u9fff]{0,6}?"
                     r"(?:炎|病|癌|肿瘤|痛风|失眠|便秘|脱发|湿疹|高血压|糖尿病|三高|血栓|结石|痔疮|白癜风|牛皮癣|前列腺"
                     r"|增生|结节|囊肿|肌瘤|息肉|哮喘|贫血|抑郁|近视|疝气|静脉曲张)")
# A named disease with a cure or relief promised around it (三天湿疹全消, 改善失眠, 对颈椎病有辅助治疗作用).
_DISEASES = (r"(?:失眠|湿疹|皮炎|颈椎病|腰椎病|腰椎间盘突出|高血压|糖尿病|高血脂|痛风|关节炎|风湿|鼻炎|咽炎|胃炎|胃溃疡|便秘|痔疮"
             r"|脱发|斑秃|前列腺炎|前列腺|阳痿|早泄|不孕不育|抑郁症|焦虑症|哮喘|贫血|近视|白内障|白癜风|牛皮癣|银屑病|脚气"
             r"|灰指甲|骨质疏松|骨质增生|三高|血栓|甲状腺|乳腺增生|妇科炎症|宫寒|结节|肿瘤|癌"
             # more common diseases (ICD-10 中文版 common names; 广告法 第十七条 bars disease claims outside medical ads)
             r"|中风|脑梗|脑梗塞|脑血栓|心梗|冠心病|心脏病|心绞痛|心律不齐|老年痴呆|阿尔茨海默|帕金森|癫痫|偏头痛|乙肝|肝炎|脂肪肝"
             r"|肝硬化|肾炎|肾结石|胆结石|尿毒症|肺炎|支气管炎|慢阻肺|肺结节|甲亢|甲减|痛经|月经不调|更年期综合征|子宫肌瘤"
             r"|卵巢囊肿|宫颈糜烂|阴道炎|盆腔炎|乳腺结节|荨麻疹|带状疱疹|疱疹|鼻窦炎|中耳炎|口腔溃疡|牙周炎|肩周炎|腰肌劳损"
             r"|坐骨神经痛|静脉曲张|糖尿病足|青光眼|弱视|飞蚊症|干眼症|耳鸣|自闭症|多动症|抽动症|脑瘫|艾滋病|红斑狼疮"
             r"|类风湿|强直性脊柱炎|胃病|肠炎|结肠炎|胃食管反流|幽门螺杆菌|肾虚|性功能障碍)")
_CURES = re.compile(r"(?:改善|缓解|调理|根治|治疗|治好|消除|告别|远离|预防|克星|专克|对付)[^,。;]{0,3}?" + _DISEASES
                    + r"|" + _DISEASES + r"[^,。;]{0,10}?(?:全消|消失|痊愈|根除|好了|断根|不再复发|不复发|全好|就好|康复|逆转|消退|好转"
                    r"|下降\d*|减轻|恢复正常|治愈|不再(?:犯|疼|痛|发作)|烧就退|就退烧|就不疼|不疼了"
                    # the outcome in the next clause (腰椎间盘突出专用，戴了就不疼; 感冒喝两片烧就退了)
                    r"|[^,。;]{0,8}?[,，][^,。;]{0,8}?(?:就不疼|不疼了|不痛了|就不痛|烧就退|就退烧|就好了|就痊愈|就消了|全消了|断根了)"
                    r"|有(?:辅助|明显|显著|很好的?)?(?:治疗|疗效|改善)(?:作用|效果))"
                    r"|(?:血糖|血压|血脂|尿酸)[^,。;]{0,4}?(?:降下来|降下去|降到正常|恢复正常|不再升高)")
_CURE_VERB = re.compile(r"(?:改善|缓解|调理|根治|治疗|治好|消除|告别|远离|预防|克星|专克|对付)[^,。;]{0,3}$")
_CURE_OUTCOME = re.compile(r"[^,。;]{0,6}?(?:全消|消失|痊愈|根除|好了|断根|不再复发|不复发|全好|就好|康复|逆转|消退|好转"
                           r"|减轻|恢复正常|治愈|不再(?:犯|疼|痛|发作)|有(?:辅助|明显|显著|很好的?)?(?:治疗|疗效|改善)(?:作用|效果))")
_NO_MEDICINE = re.compile(r"(?:不用|不必|无需|告别|摆脱)再?(?:吃|服)[\u4e00-\u9fff]{0,3}药"
                          # the medicine stopped or cut as the goods' outcome (降压药都停了, 药都减量了, 不用再打针吃药)
                          r"|(?:降压|降糖|降脂|胰岛素|西)?药(?:都|也|全)(?:停了|停掉了|减量了|减半了|减了|不吃了)"
                          r"|(?:停|停掉|减掉)了(?:降压|降糖|降脂)药"
                          r"|(?:不用|不必|无需|告别|摆脱)再?(?:打针|打点滴|输液|打胰岛素|胰岛素|吃药打针)"
                          # a clinical figure brought down, in numbers (空腹血糖从9.8降到6.1, 血压从一百六降到一百二)
                          r"|(?:血糖|血压|血脂|尿酸|胆固醇|转氨酶|肌酐|甘油三酯)从[\d.一二三四五六七八九十百几点]{1,6}降(?:到了?|至|为|回)"
                          r"|(?:各项|检查|化验)?指标(?:都|全部|全都)?(?:恢复|回到|转为)正常")
_WARNING = "不能代替药物"


def check_health_food(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if _WARNING in doc.text:
        return
    for c in lexicon_hits(doc, "health_food"):
        yield Hit(c.start, c.end, confidence=0.8)
        return


_RATE = re.compile(r"(?:有效率|治愈率|显效率|好转率|通过率|过关率|录取率|就业率)(?:达到?|高达|超过|为)?\d{2,3}(?:\.\d+)?%")


# an effect promised (保证长出新发) or refunded when it fails to appear (不长包退, 不瘦退款)
_EFFECTS = r"(?:长出|长发|生发|见效|有效|起效|管用|瘦|变白|美白|祛斑|祛痘|减肥|增高|丰胸|痊愈|治好)"
_PROMISE = re.compile(rf"保证[^,。;]{{0,4}}?{_EFFECTS}|(?<![满])不(?:长|瘦|白|见效|有效|起效|管用|增高){{1}}(?:就|即)?(?:包退|全额退款|退款|退钱|全退)")


# returns promised on an investment or a business opportunity (广告法 第二十五条: 对未来效果、收益作出保证性承诺)
_RETURNS = re.compile(r"(?:\d+|[一二三四五六七八九十两半])\s*(?:个)?(?:月|天|年|周)(?:就能|即可|就|保证|包|轻松|就可以|稳稳)?回本|保证(?:收益|回报|升值|盈利|赚钱|回本)"
                      r"|(?:签协议|承诺|保证)[^。;]{0,8}?(?:升值|收益不低于|回报不低于|翻倍|年化)|(?:年化|月|日)收益(?:不低于|保底)"
                      r"|亏损(?:全额)?(?:补偿|赔付|包赔|我们承担)|不赚钱我赔|(?:至少|保证|稳)翻[一二三四五两几\d]+倍"
                      # training that guarantees a pass or a job (广告法 第二十四条)
                      r"|(?:拿不到证|考不过|不通过|没通过|没考过|不过)[^。;]{0,10}?(?:全额|全部|一分不少)?(?:退还|退款|退费|退学费)"
                      r"|包(?:推荐|分配|安排)?(?:工作|就业|上岗)|(?:起薪|月薪|工资)不低于|保证(?:就业|上岗|拿证|通过)"
                      # scores, passes and exam questions promised (保证提分30分, 不提分全额退, 押题…原题直接出, 命中百分百)
                      r"|保证(?:提分|提高\d+分|考上|上岸|录取)|不提分[^。;]{0,4}?(?:全额|全部)?(?:退|赔)|(?<![不])包(?:拿证|考上|上岸|录取)(?![年节夜来去])"
                      r"|原题(?:直接)?出|命中(?:率)?(?:高达)?(?:百分百|100%)"
                      # a pass or a hit rate promised in other words (押题命中率超过80%, 不过线免费重读, 到过为止); not a bare
                      # 包过, which on proxy exams and forged papers is their offer (PROH-) and on replicas passing checks (CF-)
                      r"|押题命中率|命中率(?:超过|高达|达到?|在)?\d{2}(?:\.\d+)?\s*%"
                      r"|(?:不过线?|没过|过不了|考不过)[^。;]{0,4}?(?:免费|全额)?(?:重读|重修|重学|再学)|到过为止"
                      # a harvest promised (保证增产20%, 亩产保证达到5000斤, 不增产全额赔) — 广告法 第二十七条
                      r"|保证增产|增产[^。;]{0,6}?(?:保证|打包票|包赔|包退)|不增产[^。;]{0,6}?(?:赔|退)|(?:亩产|产量)[^。;]{0,4}?保证"
                      r"|达不到产量[^。;]{0,4}?(?:包赔|赔|退)"
                      # a buy-back promised at a premium (承诺3年后按150%回购)
                      r"|承诺[^。;]{0,10}?按?\d+%回购|(?:溢价|加价)\d*%?回购")
_RETURNS_HINT = re.compile(r"回本|收益|回报|升值|盈利|赚钱|亏损|不赚|翻|证|考|过|工作|就业|上岗|起薪|月薪|工资|分|题|命中|回购|上岸|录取|增产|亩产|产量")


def check_guarantee(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    spans = []
    for c in lexicon_hits(doc, "efficacy_guarantee"):
        spans.append((c.start, c.end))
        yield Hit(c.start, c.end, confidence=0.9)
    for m in _RETURNS.finditer(doc.text) if _RETURNS_HINT.search(doc.text) else ():
        span = (m.start(), m.end())
        if any(a < m.end() and m.start() < b for a, b in spans) or doc.negated(span) or doc.compliance(span):
            continue
        spans.append(span)
        yield Hit(m.start(), m.end(), confidence=0.8)
        break
    for m in anchored(doc, "promise", _PROMISE):
        if any(a < m.end() and m.start() < b for a, b in spans) or doc.compliance((m.start(), m.end())):
            continue
        if m.group().startswith("保证") and doc.negated((m.start(), m.end())):
            continue
        yield Hit(m.start(), m.end(), confidence=0.8)
    for m in _RATE.finditer(doc.text):
        span = (m.start(), m.end())
        if not (doc.negated(span) or doc.compliance(span)):
            yield Hit(m.start(), m.end(), confidence=0.85)


# a patent claimed for goods whose patent is only applied for (广告法 第十二条：未取得专利权的，不得在广告中谎称取得专利权；
# 禁止使用未授予专利权的专利申请…作广告)
_PATENT_CLAIM = re.compile(r"专利产品|国家专利|专利技术|获得(?:了)?(?:国家)?专利|拥有(?:国家)?专利|有专利|专利认证")
_PATENT_PENDING = re.compile(r"专利(?:还|正)?(?:在|正在)?申请(?:中|了)|(?:已经?|刚)?提交(?:了)?(?:专利)?申请|专利[^。;]{0,6}?还没(?:下来|批|授权|拿到)"
                             r"|专利[^。;]{0,8}?马上就(?:下来|批)|专利申请号")


def check_certification(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for c in lexicon_hits(doc, "fake_certification"):
        if c.tag == "fda" and (doc.anywhere("medical_context") or "器械" in doc.text[slice(*doc.sentence(c.start))]):
            continue  # drugs and devices are approved or cleared by the FDA
        yield Hit(c.start, c.end, confidence=0.9)
    if "专利" in doc.text:
        claim, pending = _PATENT_CLAIM.search(doc.text), _PATENT_PENDING.search(doc.text)
        if claim is not None and pending is not None and not (doc.negated((claim.start(), claim.end()))
                                                              or doc.compliance((claim.start(), claim.end()))):
            yield Hit(claim.start(), claim.end(), confidence=0.8, detail="（专利尚在申请，未获授权）")


# a reward for a review, the two parts apart (五星好评并晒三张图，联系客服返现10元)
_REVIEW = re.compile(r"(?:好评|五星|5星|晒图|晒单|追评|评价)[^。;]{0,20}?(?:返现|返\d+元|返红包|送红包|领红包|现金红包)"
                     r"|(?:返现|返\d+元|送红包)[^。;]{0,10}?(?:好评|五星|5星|晒图)"
                     r"|(?:差评|中评)[^。;]{0,16}?(?:私下|联系客服|找客服)[^。;]{0,12}?(?:补偿|红包|返现|退款|赔偿|好处)"
                     # a review bought back: 删掉差评返现20元, 差评改成五星再送一瓶
                     r"|(?:删掉?|删除|撤掉?|撤回|追加|修改|改成|改为|换成)[^。;]{0,6}?(?:差评|中评|评价|五星|5星|好评)[^。;]{0,20}?"
                     r"(?:返现|返\d+|返还|送(?:您|你)?|红包|补偿|赔)"
                     r"|(?:差评|中评)[^。;]{0,4}?(?:删掉?|删除|撤掉?|撤回|改成|改为|换成)[^。;]{0,20}?(?:返现|返(?:您|你)?\d+|送(?:您|你)?|红包|补偿)")


# sales or stock made up, told in words: orders faked by the hundred (先刷500单), stock shown as almost gone and
# reset every night (库存统一显示“仅剩3件”，每天零点自动重置)
_MADE_UP_SALES = re.compile(r"刷[\d一二三四五六七八九十百千几]+(?:单|个单|笔)|先刷[^。;]{0,6}?(?:单|销量|评价)"
                            r"|(?:库存|仅剩|剩余)[^。;]{0,24}?(?:自动重置|每天重置|定时重置|别改回真实|不是真实库存|虚拟库存)|制造紧迫感")


def check_fake_sales(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    spans = []
    for c in lexicon_hits(doc, "fake_sales"):
        spans.append((c.start, c.end))
        yield Hit(c.start, c.end, confidence=0.85)
    if spans:
        return
    for m in _MADE_UP_SALES.finditer(doc.text):
        span = (m.start(), m.end())
        if not (doc.negated(span) or doc.compliance(span)):
            yield Hit(m.start(), m.end(), confidence=0.8)
            return
    for m in anchored(doc, "review", _REVIEW):
        cs, _ = doc.clause(m.start())
        money = re.search(r"返|红包", m.group())
        at = m.start() + (money.start() if money else 0)
        if doc.negated((m.start(), m.end())) or doc.negated((at, at + 1)) or doc.compliance((m.start(), m.end())):
            continue
        if re.search(r"不|无|拒绝|禁止", doc.text[max(cs, at - 3):at]):
            continue
        yield Hit(m.start(), m.end(), confidence=0.8)
        return


_PRICE = r"[¥￥]?\s*(\d{1,7}(?:\.\d{1,2})?)\s*元?"
_ORIG = re.compile(r"(?:原价|市场价|专柜价|吊牌价|划线价|零售价|指导价|参考价)\s*[:：]?\s*" + _PRICE)
_NOW = re.compile(r"(?:现价|特价|秒杀价|活动价|到手价|促销价|折后价|会员价|仅售|只要|现在只需|今日价|抢购价)\s*[:：]?\s*" + _PRICE)


# the original price's basis stated with it: the shop's own earlier selling price over named dates (明码标价和禁止价格
# 欺诈规定 第十九条: 原价 is the lowest transaction price in the 7 days before the sale)
_PRICE_BASIS = re.compile(r"(?:实际|真实|最低)?(?:售价|成交价|销售价格?)|前\s*(?:7|七)\s*(?:日|天)|\d{4}年\d{1,2}月\d{1,2}日?\s*(?:至|到|-)")


# the page itself says the reference price was never a real selling price (自上架以来未以参考价销售)
_NEVER_SOLD = re.compile(r"(?:未|从未|没有|从没|并未)(?:曾)?(?:以|按|用)(?:该|此|这个|上述)?(?:原价|参考价|划线价|吊牌价|市场价|专柜价"
                         r"|(?<=[该此述个])价格?)(?:实际|真实)?(?:销售|出售|卖出?|成交)|(?:原价|参考价|划线价|吊牌价)[^。;]{0,12}?(?:非实际成交|不是实际(?:成交|售)价|并非(?:实际|真实)(?:成交|售)价)"
                         # the shop saying it made the price up (随便标的划线价, 吊牌价是我们自己印的，想印多少印多少)
                         r"|(?:随便|随意|自己)(?:标|印|写|定)的?(?:原价|参考价|划线价|吊牌价)|(?:原价|参考价|划线价|吊牌价)[^。;]{0,12}?(?:随便|随意|我们自己|自己)(?:标|印|写|定)"
                         r"|想(?:标|印|写)多少(?:标|印|写)多少")


_REF_PRICE = re.compile(r"原价|划线价|参考价|吊牌价")
_MADE_UP_PRICE = re.compile(r"随便|随意|自己|想(?:标|印|写)多少")  # the shop's own admission, whoever it addresses
_OWN_SHOP = re.compile(r"本店|我店|本商城|我们|我司|本公司|小店")


def check_original_price(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    ratio = float(opts.get("min_ratio", 10))
    t = doc.text
    for m in _REF_PRICE.finditer(t):  # 原价为本店2024年3月至今实际销售价格￥1099: the reference price is explained
        ss, se = doc.sentence(m.start(), m.end())
        basis = _PRICE_BASIS.search(t, m.end(), min(se, m.end() + 30))
        if basis is not None and not doc.negated((basis.start(), basis.end()), window=4):
            doc.exempt("false_advertising", ss, se)  # binds the model too (engine._overruled)
    never = _NEVER_SOLD.search(t)
    # with a current price beside it, or the shop saying so of its own prices (本店从未按该价格销售过)
    said = never is not None and (_NOW.search(t) or _OWN_SHOP.search(t, max(0, never.start() - 8), never.start())
                                  or _MADE_UP_PRICE.search(never.group()))
    if never is not None and said and not doc.negated((never.start(), never.end()), window=2) \
            and not doc.compliance((never.start(), never.end())):
        yield Hit(never.start(), never.end(), confidence=0.8, detail="（页面自述未以该价格销售）")
        return
    for m in _ORIG.finditer(t):
        ss, se = doc.sentence(m.start(), m.end())
        if _PRICE_BASIS.search(t, m.end(), min(se, m.end() + 40)):
            doc.exempt("false_advertising", ss, se)  # binds the model too (engine._overruled)
            continue
        lo, hi = max(0, m.start() - 40), min(len(t), m.end() + 40)
        for n in _NOW.finditer(t, lo, hi):
            orig, now = float(m.group(1)), float(n.group(1))
            if now > 0 and orig / now >= ratio and not doc.compliance((m.start(), m.end())):
                conf = 0.6 if orig / now < 20 else 0.7
                yield Hit(m.start(), m.end(), confidence=conf,
                          detail=f"（标示原价 {m.group(1)} 元为现价 {n.group(1)} 元的 {orig / now:.0f} 倍）")
                break


# A quality, condition or credential claimed and, in the same text, said to be untrue (全新未拆封（实际为拆机重新封膜）,
# 真皮（实际PU材质）, 国家级非遗传承人（证书为自行印制）, 国际鉴定协会颁发（该协会不存在）): 广告法 第二十八条 — the goods'
# quality, condition or qualification differ from the facts. Origins and brands are the trademark rules' (GI, OEM).
_CLAIMED = re.compile(r"全新|未拆封|未激活|原封|国行|真皮|头层牛?皮|纯羊毛|羊毛标志|真丝|纯棉|无事故|无泡水|一手车|准新|野生|纯手工|"
                      r"手工(?:编织|制作|打造)|实木|纯粮|原浆|传承人|非遗|表显|里程|获奖|金奖|专利|检测报告|有效率|临床|协会(?:颁发|认证|证书|会员)"
                      # a count of buyers or a test result (今日已有3862人购买, 日出万单, 经…检测); a belied certificate,
                      # endorsement or brand is the trademark, gov and counterfeit rules' (measured: 2 right, 20 wrong here)
                      r"|检测|人(?:已)?购买|已售|销量|出单|万单|好评")
_BELIED = re.compile(r"实际(?:上)?(?:为|是|已|只有|材质|成分|里程)|实际[a-z]{1,4}|实为|其实(?:是|为|已|都是)|"
                     r"该[^,。;)）]{0,6}?(?:不存在|是假的)|(?:并|根本)不存在|"
                     r"(?:证书|报告|奖项|专利|证明)[^,。;)）]{0,4}?(?:自行印制|自己印|自制|伪造|虚构|假的|ps的?)|调表"
                     # the page's own aside undoing the claim: （均未参与）（无任何合作）（数字由页面脚本随机生成）
                     r"|[(（][^()（）]{0,12}?(?:(?:均|都|并|从)未(?:参与|参加|通过|入选)|随机生成|脚本生成|网上下载的|不予公开"
                     r"|重复使用|循环播放)")
_NOT_BELIED = re.compile(r"实际(?:颜色|尺寸|重量|到手|价格|发货|效果|以|情况|使用|需求|折扣|支付|成交|销售|库存)")


def check_claim_belied(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    if not _BELIED.search(doc.text):
        return
    for m in _BELIED.finditer(doc.text):
        if _NOT_BELIED.match(doc.text, m.start()) or doc.negated((m.start(), m.end())):
            continue
        claim = None
        for c in _CLAIMED.finditer(doc.text, max(0, m.start() - 24), m.start()):
            if not (doc.negated((c.start(), c.end())) or doc.compliance((c.start(), c.end()))):
                claim = c if claim is None else claim
        if claim is None:
            continue
        yield Hit(claim.start(), m.end(), confidence=0.7)
        return


def _rule(id: str, severity: str, law: tuple[str, ...], explanation: str, check: Any, what: str,
          why: str, bad: tuple[str, ...], good: tuple[str, ...], refs: tuple[str, ...],
          article: str = "11(8), 15(5)", **kw: Any) -> Rule:
    return Rule(id=id, category=CAT, article=article, law=law, severity=severity, explanation=explanation,
                scope="text", check=check, what=what, why=why, bad=bad, good=good, references=refs, **kw)


RULES: tuple[Rule, ...] = (
    _rule(
        "AD-ABSOLUTE-TERM", "medium", ("广告法 第九条第（三）项", "广告法 第五十七条"),
        "使用“国家级”“最高级”“最佳”等绝对化用语宣传商品", check_absolute,
        "Absolute terms (国家级, 最佳, 全网第一, 顶级 …) used to promote goods.",
        "第十五条第（五）项禁止虚假宣传；广告法第九条第（三）项规定广告不得使用“国家级”“最高级”“最佳”等用语。"
        "依《广告绝对化用语执法指南》（2023），商品名称、经营理念、自身比较、标准等级、注明来源的限时限域事实陈述除外。",
        ("本款羽绒服采用全网最佳白鹅绒，保暖性能顶级。", "國家級品質，全網銷量第一！", "最 佳 选 择，就在本店",
         "本店是本地区口碑最好的蜂蜜专卖店", "价格找遍全网不可能比这里更低。"),
        ("最近天气转凉，注意添衣。", "第一步：打开包装，取出配件。", "唯一的要求是请在签收时当面验货。",
         "开封后最好在三天内食用完毕。", "本店承诺不使用“最佳”“第一”等绝对化用语。",
         "质量第一，顾客至上。", "新款续航比上一代最多提升30%。", "《最好的我们》同名小说精装版",
         "2023年天猫双11期间本品类销量第一（数据来源：天猫榜单）", "据本店后台数据，6月本款在店内销量排名第一。",
         "我们不会用“第一”“顶级”来形容自己的茶。", "“至尊”是本店登山鞋的系列名称，不代表等级。",
         "雪域·至尊系列 登山杖 碳纤维 三节伸缩"),
        ("广告法 第九条", "市场监管总局《广告绝对化用语执法指南》（2023年3月20日）"),
    ),
    _rule(
        "AD-MEDICAL-CLAIM", "high", ("广告法 第十七条", "广告法 第十八条"),
        "普通商品、食品或化妆品宣称治疗疾病等医疗功效", check_medical,
        "Disease-treatment and medical claims for goods that are not registered drugs or devices.",
        "广告法第十七条：除医疗、药品、医疗器械广告外，禁止其他任何广告涉及疾病治疗功能；第十八条：保健食品"
        "不得声称预防、治疗疾病。属第十五条第（五）项虚假宣传。",
        ("这款黑枸杞茶坚持喝一个月，能降血压、降血糖。", "祖传秘方面膜，七天根治痘痘。",
         "远红外理疗内衣，穿上就能治疗乳腺增生。", "婴儿湿巾可消炎杀菌，一擦就好。",
         "宝宝湿疹膏，纯植物配方，三天湿疹全消。", "糖友坚持喝三个月，血糖血压稳稳降下来。", "负离子能量手环，改善失眠，对颈椎病有辅助治疗作用。",
         "黑玛咖片，改善性功能、增强持久力。", "孕妇防辐射服，预防胎儿畸形。", "修复面膜可替代医美疗程，烧伤烫伤也能敷。",
         "磁疗护颈，颈椎病患者戴上，三天就不疼了。", "我妈喝了三个月苦荞茶，空腹血糖从9.8降到6.1，降压药都停了。",
         "肾衰猫咪吃了半年，各项指标恢复正常。", "糖友每天一勺，不用再打胰岛素。"),
        ("本品不能代替药物，不具有治疗作用。", "降压药请遵医嘱服用，不要因为喝茶就停了降压药。",
         "市消协提醒：凡宣称“吃了药都停了”“指标恢复正常”的保健食品均属违法宣传。", "【国药准字Z20050123】用于降血压，请遵医嘱。",
         "高血压患者请勿擅自停药。", "“治愈系”毛绒玩偶，抱着追剧超舒服。",
         "国食健注G20150123，保健功能：辅助降血脂。本品不能代替药物。", "失眠人群请在医生指导下用药。",
         "颈椎病患者使用前请咨询医生。", "血压计测量前请静坐5分钟。", "湿疹宝宝的衣物建议选纯棉材质。"),
        ("广告法 第十七条、第十八条",),
    ),
    _rule(
        "AD-HEALTH-FOOD-NO-WARNING", "medium", ("广告法 第十八条",),
        "保健食品宣传未显著标明“本品不能代替药物”", check_health_food,
        "Health food (国食健字 / 保健功能) advertised without the statement 本品不能代替药物.",
        "广告法第十八条第二款：保健食品广告应当显著标明“本品不能代替药物”。",
        ("蓝帽子认证，国食健字G20190123，保健功能：增强免疫力。",),
        ("国食健字G20190123，保健功能：增强免疫力。本品不能代替药物。", "本店不销售保健食品。"),
        ("广告法 第十八条",),
    ),
    _rule(
        "AD-GUARANTEED-EFFICACY", "high", ("广告法 第十六条", "广告法 第十八条", "广告法 第二十五条"),
        "对功效、安全性或投资收益作出保证性承诺", check_guarantee,
        "Guarantees of efficacy, safety or returns (无效退款, 零副作用, 稳赚不赔, 有效率98%).",
        "广告法第十六条、第十八条禁止对功效、安全性作断言或保证；第二十五条禁止对投资回报作保证性承诺。"
        "属第十五条第（五）项虚假宣传。",
        ("加盟奶茶店，三个月回本。", "玉米良种，亩产保证两千斤，达不到产量包赔。", "考研押题卷，往年押题命中率超过80%。", "纯中药配方，零副作用，无效退款！", "本品治疗有效率高达98%。", "跟着导师投资，稳赚不赔。",
         "坚持用21天，保证长出新发，不长包退。"),
        ("本品效果因人而异。", "增产效果受气候、土壤和管理影响，以实际为准。", "投资有风险，入市需谨慎。", "不满意包退，运费我们出。", "保证正品，假一赔十。",
         "本店不承诺任何收益，理财有风险。"),
        ("广告法 第十六条、第十八条、第二十五条",),
    ),
    _rule(
        "AD-FAKE-CERTIFICATION", "high", ("广告法 第二十八条第二款第（二）项", "产品质量法 第五条"),
        "宣称已废止或不存在的认证、荣誉（如“国家免检产品”）", check_certification,
        "Certifications that do not exist (国家免检 was abolished in 2008) or were never granted.",
        "产品免检制度已于2008年废止；以不存在的资格、荣誉宣传商品属广告法第二十八条规定的虚假广告，违反第十五条第（五）项。",
        ("国家免检产品，质量有保障。", "国家专利产品！专利我们已经提交申请了，马上就下来了。", "这款精华液已获得美国FDA认证。"),
        ("本品经第三方检测机构检验合格，附检测报告。", "本品已获国家发明专利（专利号ZL202110123456.7）。", "血糖仪（国械注进20172400123）已获美国FDA认证。"),
        ("广告法 第二十八条", "国务院关于废止《国务院关于进一步加强产品质量工作若干问题的决定》中有关产品免检制度规定的决定（2008）"),
    ),
    _rule(
        "AD-FAKE-SALES", "high", ("电子商务法 第十七条", "反不正当竞争法 第八条"),
        "以好评返现、刷单等方式虚构交易或编造用户评价", check_fake_sales,
        "Buying reviews or faking sales (好评返现, 晒图返现, 刷单).",
        "电子商务法第十七条：不得以虚构交易、编造用户评价等方式进行虚假或者引人误解的商业宣传；违反第十一条第（八）项。",
        ("收到货给五星好评返现5元，联系客服领取。", "新店先刷500单把销量做起来，评价统一五星带图。", "详情页库存统一显示“仅剩3件”，每天零点自动重置。", "招募兼职刷单，日结。",
         "收货后给五星好评并晒三张图，联系客服返现10元。", "给差评的亲请先联系客服，私下给您满意的补偿。",
         "麻烦您把差评删掉，删完返您15元红包。"),
        ("本店拒绝刷单，所有评价均为真实买家评价。", "库存以页面实时显示为准，售完即止。", "好评不返现，请根据真实体验评价。",
         "本店从不以返现红包诱导好评。", "本店概不接受任何形式的刷单、好评返现合作，请勿私信。",
         "如对商品不满意，可联系客服处理售后，评价请如实填写。", "您的差评我们已收到，会认真改进，不会要求您修改评价。"),
        ("电子商务法 第十七条",),
        article="11(8), 15(1)",
    ),
    _rule(
        "AD-CLAIM-BELIED", "high", ("广告法 第二十八条第二款第（二）项", "消费者权益保护法 第二十条"),
        "宣传的商品质量、成色、材质或资质，同一文字自述与实际不符", check_claim_belied,
        "A quality, condition, material or credential claimed while the same text says it is untrue "
        "(全新（实际为拆机）, 真皮（实际PU）, 证书为自行印制, 该协会不存在).",
        "广告法第二十八条第二款第（二）项：商品的性能、质量、成分、有效期限等信息与实际情况不符的为虚假广告；"
        "消费者权益保护法第二十条要求经营者提供真实、全面的信息。属第十五条第（五）项虚假宣传。",
        ("全新未拆封国行手机（实际为拆机重新封膜）。", "头层牛皮钱包（实际PU材质）。", "国家级非遗传承人亲手制作（证书为自行印制）。",
         "本店鉴定师持国际奢侈品鉴定协会证书（该协会不存在）。"),
        ("实木餐桌，实际颜色以实物为准。", "全新正品，实际到手价以结算页为准。", "本店手机均为全新国行，支持官网验机。",
         "有人冒充鉴定协会发证书，其实该协会并不存在，请消费者警惕。"),
        ("广告法 第二十八条",),
        article="15(5)",
    ),
    _rule(
        "AD-FICTITIOUS-ORIGINAL-PRICE", "medium", ("价格法 第十四条第（四）项", "明码标价和禁止价格欺诈规定 第十九条"),
        "标示的原价远高于现价或页面自述从未以该价销售，疑似虚构原价", check_original_price,
        "A struck-through original price many times the selling price, or one the page says was never a selling "
        "price (虚构原价).",
        "价格法第十四条禁止利用虚假的或者使人误解的价格手段诱骗消费者；《明码标价和禁止价格欺诈规定》第十九条"
        "将虚构原价列为价格欺诈。属第十一条第（八）项虚假表示。需核实该原价是否曾真实成交。",
        ("原价：¥1999 限时秒杀价：¥19.9", "那个“原价1999”是我们随便标的划线价，平时一直卖199。", "吊牌价￥899，活动价￥329。吊牌价为品牌建议价，本店从未以吊牌价销售。"),
        ("原价：¥199 活动价：¥159", "划线价为本店前7日最低成交价。",),
        ("价格法 第十四条", "明码标价和禁止价格欺诈规定（2022）第十九条"),
        options={"min_ratio": 10.0},
    ),
)
