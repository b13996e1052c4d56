"""counterfeit_goods, trademark_misuse, prohibited_goods, pyramid_scheme (text rules).

Xining rules Art. 11(1), 15(2), 15(9), 15(10).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.lexicons import Candidate, Entry
from analyzers.model import Location, Page
from analyzers.rules.base import HOME, Hit, Rule, Site, home, page, site
from analyzers.rules.common import anchored, lexicon_hits, longest
from analyzers.text import TextDoc
from analyzers.understand import page_kind, voice

_JADE = ("翡翠", "玉石", "玉镯", "手镯", "和田玉", "缅甸玉")
_TREATED_JADE = re.compile(r"酸洗|注胶|充胶|灌胶|染色处理|优化处理|b货|c货|b\+c")


def _treated_jade(text: str) -> bool:
    """The stone is said to be treated (酸洗注胶优化处理, B+C货), not that it is untreated (未经酸洗充胶)."""
    return any(not re.search(r"(?:未经|未|没有|没|无|不|非)[^,。;]{0,2}$", text[max(0, m.start() - 4):m.start()])
               for m in _TREATED_JADE.finditer(text))


# Imitation admitted in other words: "as good as the genuine article", "the logo is the same".
_IMITATION = re.compile(r"(?:对标|媲美|比肩|堪比|不输|等同|秒杀)正品|(?:和|与|跟)正品(?:一模一样|一样|一致|无差|无异|几乎一样)|正品同级")
_SAME_LOGO = re.compile(r"(?:logo|商标|标志|标识|品牌标)[^,。;]{0,3}?(?:一模一样|一样|相同|都一样)")
_BRAND_CUE = ("同款", "正品", "原版", "大牌", "专柜", "名牌", "防伪")
_FACTORY = re.compile(r"(?<![a-z0-9])[a-z0-9]{1,3}厂(?:出品|版|货)?|原厂|正品|专柜|大牌|名表|名牌|奢侈品")


# a brand named by its initial or as "a big brand" (B家经典款, L家, 某大牌, 大牌同款): sellers' way of naming it unnamed
_BRAND_INITIAL = re.compile(r"(?<![a-z0-9])[a-z]家(?![具居电庭长乡人里])|某(?:大牌|奢侈品牌?|国际大牌|知名品牌)|大牌(?:同款|货|包|表)")


def _brand_cue(doc: TextDoc, c: Candidate) -> bool:
    """1比1 / 复刻 / 顶配版 sell replicas only next to a brand, 专柜/正品, or a factory code (vs厂)."""
    ss, se = doc.sentence(c.start, c.end)
    if re.search(r"官方(?!同款)|品牌方|授权", doc.text[ss:se]):
        return False  # the brand's own reissue or top model (经典款复刻回归，官方正品)
    return doc.has("brands", ss, se) or _FACTORY.search(doc.text, ss, se) is not None \
        or _BRAND_INITIAL.search(doc.text, ss, se) is not None


# A 1:1 replica of a gun or a knife copies a weapon's shape, not a brand: prohibited goods, not counterfeit.
_WEAPON_GOODS = re.compile(r"枪|弩|军刺|匕首|刀具|手雷|弹夹|弹匣")


# a replica word in quotes that the sentence then denies, retracts or tells of as harm (您问的“1:1复刻”我们家没有;
# 是不是“莆田货”，不是！; 这个“原单”两个字我收回; 被“高仿”坑过): the word is talked of, not offered
_DENIED_AFTER = re.compile(r"没有|没得|没关系|无关|不沾边|不搭边|扯不上|不会卖|不卖|不做|(?<![但却])不是|并非|不存在|收回|说错|坑|骗|假的|别信|不要信|侵权")
_TALKED_OF = re.compile(r"问的|是不是|所谓|什么|说是|叫做?|被$")


# a buyer's fear or a rumour, not an offer (怕买到A货, 担心是高仿, 有人说这个是高仿, 所谓原单就是假货的说法)
_DOUBTED = re.compile(r"(?:担心|害怕|怕买到|怕是|怕|以为|怀疑|有人说|说是|是不是|会不会|所谓)[^,。;!?]{0,4}$")


def _word_talked_of(doc: TextDoc, c: Any, ss: int, se: int) -> bool:
    if not doc.enclosed(c):
        return False
    return (_DENIED_AFTER.search(doc.text, c.end, min(se, c.end + 16)) is not None
            or _TALKED_OF.search(doc.text[max(ss, c.start - 6):c.start]) is not None)


def check_counterfeit(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    spans: list[tuple[int, int]] = []
    for c in lexicon_hits(doc, "counterfeit", "counterfeit_exempt"):
        ss, se = doc.sentence(c.start, c.end)
        if _word_talked_of(doc, c, ss, se) or _DOUBTED.search(doc.text, max(ss, c.start - 8), c.start):
            doc.exempt("counterfeit_goods", ss, se)  # binds the model too (engine._overruled)
            continue
        if _WEAPON_GOODS.search(doc.text, ss, se) and not doc.has("brands", ss, se):
            continue
        if c.term == "a货" and any(j in doc.text for j in _JADE) and not _treated_jade(doc.text):
            continue  # 翡翠 A货 is a grade of natural jadeite (unless the stone is said to be treated: then the A is false)
        if c.tag == "cue" and not _brand_cue(doc, c):
            continue
        spans.append((c.start, c.end))
        yield Hit(c.start, c.end, confidence=0.9)
    if spans:
        return
    for m in [*anchored(doc, "imitation", _IMITATION), *anchored(doc, "imitation", _SAME_LOGO)]:
        span = (m.start(), m.end())
        if doc.negated(span) or doc.compliance(span):
            continue
        ss, se = doc.sentence(*span)
        if m.re is _SAME_LOGO and not any(w in doc.text[ss:se] for w in _BRAND_CUE):
            continue
        yield Hit(m.start(), m.end(), confidence=0.75)
        return


# Branded goods offered with what genuine goods never come with: anti-counterfeit marks removed or missing,
# serial numbers "processed", 不保真, a price that is a fraction of 正品's, or a copy "just without
# authorisation". A shop selling second-hand or parallel-imported genuine goods says where they came from
# and keeps its marks; these cues say the goods are not the brand's.
_PROVENANCE = re.compile(
    r"(?:无|没有|没带|不带)防伪|防伪(?:码|标|贴|标签)?(?:已|被)?(?:撕|刮|剪|去|抠|磨)(?:掉|了|除)"
    r"|(?<!证)(?:实为|实际为|实际上是)(?:仿冒|仿品|假货|高仿)"  # the page's aside (（实为仿冒品）), not 如证实为假货
    r"|序列号(?:已|被|都)?(?:处理|磨|抹|去掉|改|刷)|不保真|保真不了|防伪(?:码|标|贴|标签)?(?:是|都是)?(?:我们|本店)?自己(?:印|做|贴)"
    r"|(?:价格|价钱)?(?:只有|仅为|只要|仅|不到|只是)(?:真品|正品)(?:价格?)?的?[一二三四五六七八九十几0-9]+分之[一二三四五六七八九十几0-9]"
    r"|(?:和|跟|与)正版一样[^,。;]{0,8}?(?:没有|没|无)授权|(?:没有|没|无|未经|未获)授权[^,。;]{0,6}?(?:仿制|复制|照搬|直接复制|印)"
    # the brand's own bottle or tin refilled (瓶子是真瓶…自己灌装, 罐子是原装的（内容为…分装）): passed off as genuine;
    # decanting from the genuine bottle (从原装瓶分装 5ml) is not
    r"|(?<![从由自])(?:真瓶|原瓶|回收瓶|原装瓶|正品瓶|原装罐|(?:瓶子|罐子|盒子|包装)(?:是|都是|用的是)?(?:原装|真的|正品|回收)的?)"
    r"(?!照片|图|实拍|小票|视频)[^。;\n]{0,24}?(?:灌装|分装|装的是|灌的|内容为|里面是)"
    r"|(?:自己|自行|我们|本店)(?:灌装|灌的|分装)[^。;\n]{0,16}?(?:真瓶|原瓶|原装瓶|回收瓶|正品瓶)")
_PROVENANCE_WEAK = re.compile(r"(?:没有?|不)走[^,。;]{0,4}?渠道|非(?:官方|正规|品牌)渠道|不是正规渠道")
_PROVENANCE_WITH = re.compile(r"(?:包装|配方|logo|标)[^,。;]{0,3}?(?:也)?(?:一样|一模一样|相同)|半价|一半|分之一|不保|印(?:的是|着|有)")
_BRANDED = re.compile(r"大牌|名牌|奢侈品|正品|正版|专柜|官方|品牌")


def check_irregular_provenance(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    """Branded goods with a cue genuine goods never carry (无防伪, 序列号已处理, 不保真, 正品的五分之一…)."""
    for rx, strong in ((_PROVENANCE, True), (_PROVENANCE_WEAK, False)):
        for m in rx.finditer(doc.text):
            span = (m.start(), m.end())
            if doc.negated(span) or doc.compliance(span) or doc.quoted(span):
                continue
            ss, se = doc.sentence(*span)
            near = (max(0, ss - 60), min(len(doc.text), se + 60))
            if not (doc.has("brands", *near) or _BRANDED.search(doc.text, *near)):
                continue
            if not strong and not _PROVENANCE_WITH.search(doc.text, *near):
                continue
            yield Hit(m.start(), m.end(), confidence=0.8 if strong else 0.7)
            return


# Someone else's mark on the shop's own goods (自家作坊灌装的辣椒酱，瓶贴用的是老干妈的标).
_OWN_MAKE = re.compile(r"自家|自酿|自制|自产|作坊|自己(?:做|酿|灌|生产)|小厂|散装灌")
_LABEL_VERB = re.compile(r"(?:用|印|贴|套|仿)(?:的是|了|着|有|上)?['\"“‘]?$")
_LABEL_NOUN = re.compile(r"^['\"”’]?(?:的)?(?:标|商标|字样|logo|标志|包装|瓶贴|标签|瓶子|盒子)")


# the goods said not to be the brand's while they bear its mark (印有"SUPREME"标识…非官方, 也有苹果的标…安卓系统,
# Dyson标 国产平替)
_NOT_THEIRS = re.compile(r"非官方|非正品|不是正品|并非正品|非原装|国产平替|平替|山寨|仿制|仿的|冒牌|安卓系统|自己厂|本厂生产|工厂直供"
                         r"|非[\u4e00-\u9fffa-z]{1,6}官方产品|与[^。;\n]{1,12}?无关")
# a mark used without the holder's leave (印米奇图案（实际无授权）): another's mark (Art. 15(2)), not yet passing off
_UNLICENSED = re.compile(r"未获授权|未经授权|无任何授权|没有授权|无授权|未授权")
_MARK_NOUN = re.compile(r"^['\"”’]?(?:的)?(?:标(?!准|价|题|配|签价|注)|商标|logo|标识|标志|字样|图案|图形|字体|[\u4e00-\u9fff]{2,4}图案)")


def borrowed_labels(doc: TextDoc, *, unlicensed: bool = False) -> Iterator[Candidate]:
    """Another's mark on the shop's own goods; ``unlicensed`` also when the text only says it is used without leave."""
    for c in doc.get("brands"):
        if c.term == "华强北":
            continue
        ss, se = doc.sentence(c.start, c.end)
        if doc.negated(c) or doc.compliance(c):
            continue
        verb = _LABEL_VERB.search(doc.text[max(ss, c.start - 5):c.start]) is not None
        if _OWN_MAKE.search(doc.text, ss, se):
            if verb and _LABEL_NOUN.match(doc.text[c.end:c.end + 6]):
                yield c
                return
        elif _MARK_NOUN.match(doc.text[c.end:c.end + 6]) and (verb or not doc.quoted(c)):
            lo, hi = max(0, ss - 30), min(len(doc.text), se + 30)
            if _NOT_THEIRS.search(doc.text, lo, hi) or (unlicensed and _UNLICENSED.search(doc.text, lo, hi)):
                yield c
                return


def check_borrowed_label(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for c in borrowed_labels(doc):
        yield Hit(c.start, c.end, confidence=0.8)


def check_unlicensed_label(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for c in borrowed_labels(doc, unlicensed=True):
        yield Hit(c.start, c.end, confidence=0.8)


_NOT_USED = ("不使用", "不得使用", "禁止使用", "不再使用", "已取消", "已于")


def check_well_known(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for c in lexicon_hits(doc, "trademark"):
        ss, se = doc.sentence(c.start, c.end)
        if not any(w in doc.text[ss:se] for w in _NOT_USED):
            yield Hit(c.start, c.end, confidence=0.9)


_BAN_WORDS = ("禁止", "严禁", "不得", "不销售", "不出售", "不售", "谢绝", "拒绝", "违禁", "禁售", "禁运",
              "不能购买", "不收寄", "不予发货", "无法邮寄", "举报")
_KINDS = {"weapon": "枪支弹药、管制器具", "drug": "毒品、麻醉精神药品", "document": "发票、证件、银行卡",
          "spy": "窃听窃照专用器材", "wildlife": "国家重点保护野生动物制品", "tobacco": "烟草制品（含电子烟）",
          "pharma": "处方药", "police": "警用标志、制式服装和警械", "pesticide": "国家禁止销售使用的农药",
          "feed": "禁止在饲料和动物饮用水中使用的药物（瘦肉精）", "trap": "禁止使用的猎捕工具",
          "explosive": "烟花爆竹、民用爆炸物品（须经营许可）", "cheat": "网络游戏外挂等非法控制计算机信息系统的程序"}


# Banned pesticides, feed drugs, hunting tools and fireworks (data/prohibited.txt): not the goods when the sentence
# names a picture, shape or electric imitation of them, or reports enforcement; fireworks sold only in a licensed
# shop (仅线下门店销售, 不提供快递) are not offered online.
_LICENSED_KINDS = frozenset({"pesticide", "feed", "trap", "explosive"})
_NOT_THE_GOODS = re.compile(r"图案|主题|造型|贴纸|红包|利是|印花|画|装饰|蜡烛|led|电子(?:鞭炮|烟花|爆竹)|无火药|不含火药|玩具|道具|"
                            r"检测(?:卡|试纸|仪|试剂|服务|报告)|快检|中毒|解毒|防护|防鸟|不伤鸟")
_ENFORCED = re.compile(r"查处|查获|破获|收缴|清理|专项(?:行动|整治)|立案|处罚|罚款|判处|通报|曝光|提醒|依法")
_OFFLINE_ONLY = re.compile(r"线下(?:门店|实体店|零售点)?(?:销售|购买|选购)|到店(?:自提|购买|选购)|持证(?:的)?(?:零售点|门店|商店)|"
                           r"不(?:提供|支持|能|得)(?:网上|网络|线上|快递|邮寄|寄递)|(?:网店|网上|线上|本店)不(?:卖|售|销售|出售)|仅(?:做|作)(?:产品)?展示|"
                           r"不是烟花|并非烟花|本店不售")


_INVOICE = re.compile(r"代开[\u4e00-\u9fff]{1,5}发票")


# Tobacco offered for sale (烟草专卖法 第三十一条: no online sale of tobacco products).
_TOBACCO = re.compile(r"(?:香烟|卷烟|烟草制品|雪茄烟?|烟丝)(?:整条|整箱|条装|盒装)?[^,。;]{0,4}?"
                      r"(?:批发|零售|出售|代购|代发|直销|包邮|现货|低价|下单|特价|秒发)")
# Spiking drugs described by effect (无色无味，放饮料里…见效).
_SPIKING = re.compile(r"无色无味[^。;]{0,16}?(?:饮料|酒|水|饮品|食物|奶茶)[^。;]{0,12}?(?:见效|生效|起效|发作|听话|昏睡|不省人事)")


# the same goods with the sale cue elsewhere in the sentence (古巴雪茄、云南散装烟丝，全国包邮)
_TOBACCO_GOODS = re.compile(r"(?:香烟|卷烟|雪茄|烟丝|烟叶)(?!盒|剪|柜|刀|架|保湿|打火机|烟灰缸|味|香型|形|造型|图案|款|灰|状|般|色)")
_SALE_CUE = re.compile(r"包邮|货到付款|批发|现货|下单|出售|零售|代购|全国发货|秒发|代发|整条|整箱|快递到家")


def _tobacco_sales(doc: TextDoc) -> Iterator[re.Match[str]]:
    done = -1
    for m in anchored(doc, "tobacco", _TOBACCO_GOODS):
        ss, se = doc.sentence(m.start(), m.end())
        if ss >= done and _SALE_CUE.search(doc.text, ss, se):
            done = se
            yield m


# Toy guns made to a real gun's shape and size are 仿真枪 (公安部《仿真枪认定标准》; 枪支管理法 第二十二条).
_REPLICA_GUN = re.compile(r"(?:玩具枪|水弹枪|软弹枪|激光枪|吃鸡枪|电动枪|模型枪|枪模|bb枪)[^。;]{0,16}?"
                          r"(?:1\s*[:比]\s*1|一比一|原比例|等比例?|还原|金属|合金|全金属|可发射|发射|初速|仿真)"
                          r"|(?:1\s*[:比]\s*1|一比一|原比例|等比例?|还原|全金属)[^。;]{0,12}?(?:玩具枪|水弹枪|软弹枪|模型枪|枪模|bb枪)")


# A protected species (data/wildlife.txt, 国家重点保护野生动物名录 2021) named with a part or product form right
# after it (雪豹皮, 穿山甲鳞片, 黑熊胆), or offered alive (活体、幼崽 with a price or sale word in the sentence).
# Toys, prints, pictures, conservation and science are not goods made from the animal.
_PART = re.compile(r"[\s的]{0,1}(?:皮毛|皮|骨|头骨|角|牙|鞭|胆|胆粉|爪|掌|标本|肉|鳞片|鳞|甲片|羽毛|茸|油|壳|制品|干货|干)")
_LIVE = re.compile(r"活体|幼崽|幼体|亚成体|种苗|活的|一只|一对")
_SALE = re.compile(r"出售|转让|现货|包邮|批发|代购|有货|私聊|下单|价格|元|包活|发货|收藏级|看货|出")
_NOT_ANIMAL = re.compile(r"毛绒|玩偶|公仔|玩具|图案|印花|贴纸|绘本|科普|保护|救助|放生|纪录片|动物园|门票|观赏|摄影|国画|刺绣|"
                         r"仿|树脂|塑料|模型|卡通|造型|抱枕|人工繁育|人工养殖|驯养繁殖许可|案|查获|破获|通报")


def _wildlife(doc: TextDoc) -> Iterator[Hit]:
    for c in doc.get("wildlife"):
        ss, se = doc.sentence(c.start, c.end)
        sent = doc.text[ss:se]
        if _NOT_ANIMAL.search(sent) or any(w in sent for w in _BAN_WORDS) or doc.has("prohibited", ss, se):
            continue
        part = _PART.match(doc.text, c.end)
        if part is None and not (_LIVE.search(sent) and _SALE.search(sent)):
            continue
        if doc.negated(c) or doc.compliance(c):
            continue
        end = part.end() if part else c.end
        yield Hit(c.start, end, confidence=0.8, detail=f"（{_KINDS['wildlife']}）")
        return


# A toy that says what makes it a toy: 仿真枪认定标准 judges shape, size, material and muzzle energy, so a
# plastic, brightly coloured, closed-barrel or below-0.16 J/cm² gun, a building-block kit or a stage prop is
# not a replica — unless the same text also claims what a replica has (1:1, metal, real-gun names, power).
_TOY_GUN = re.compile(r"(?<![非不])(?:塑料|ABS|积木|拼装|颗粒|泡沫|EVA|亮橙|橙色|荧光|彩色|透明|卡通|儿童|宝宝|幼儿|道具|舞台|拍照|"
                      r"水枪|泡泡|实心|枪口封闭|封闭枪口|堵头)|不能发射|无法发射|不可发射|不发射|低于\s*0?\.16")
_REAL_GUN = re.compile(r"1\s*[:比]\s*1|一比一|原比例|等比|全金属|金属|合金|钢珠|铅弹|高初速|初速[^。;，,]{0,6}?(?:高|强|大|米|m)|"
                       r"威力|穿透|打鸟|打猎|狩猎|(?<![不非])仿真|真枪|格洛克|AK|M4|M416|92式|54式|沙鹰")


def toy_gun(text: str) -> bool:
    """The sentence or fragment describes a toy gun by its toy features and claims none of a replica's."""
    return bool(_TOY_GUN.search(text)) and not _REAL_GUN.search(text)


# a prescription drug offered without the prescription check (药品网络销售监督管理办法 第九条)
_NO_RX = re.compile(r"(?:无需|不用|不要|不需要?|免|没有?|不必)(?:上传|提交|出示|开具?|提供|看)?(?:电子)?(?:处方|方子)|没有?处方(?:也|都)?(?:能|可以?)|无处方|免问诊|不用问诊|"
                    r"无需问诊|不需要?问诊|不用开方|私聊|私信|加微|加v|vx|代购|海外直邮|印度版|老挝版|孟加拉版")
_DRUG_KINDS = {"controlled": "麻醉药品、精神药品（药品管理法 第六十一条第二款）",
               "special": "医疗用毒性药品、药品类易制毒化学品（药品管理法 第六十一条第二款）",
               "anabolic": "蛋白同化制剂、肽类激素（反兴奋剂条例 第十九条）",
               "rx": "处方药未经处方审核（药品管理法 第六十二条）"}


def _drugs(doc: TextDoc) -> Iterator[Hit]:
    """data/drugs.txt: banned from online sale alone; a prescription drug only with a no-prescription cue."""
    for c in lexicon_hits(doc, "drugs", "prohibited_exempt"):
        ss, se = doc.sentence(c.start, c.end)
        sent = doc.text[ss:se]
        if any(w in sent for w in _BAN_WORDS) or doc.has("prohibited", ss, se):
            continue  # a list of goods not sold, or already a prohibited-goods hit
        if c.tag == "rx" and _NO_RX.search(sent) is None:
            continue
        yield Hit(c.start, c.end, confidence=0.8, detail=f"（{_DRUG_KINDS.get(c.tag, '药品')}）")
        return


# a prescription drug sold the lawful way: the prescription is checked before sale (药品管理法 第六十二条;
# 药品网络销售监督管理办法 第九条)
_RX_CHECKED = re.compile(r"凭(?:医生)?处方|(?:上传|提交|出示|核验|审核)(?:电子)?处方|处方(?:审核|核验)|药师审(?:核|方)|执业药师[^。;]{0,8}?审")


# Devices sold for secret watching, listening or tracking of others, by their features (窃听窃照专用器材规定 第三条:
# 伪装成其他物品、隐蔽使用); a tracker or camera without covert features is lawful (儿童定位手表, 宠物定位器).
_DEVICE = r"(?:定位器|追踪器|跟踪器|定位仪|gps|摄像头|摄像机|录音笔|录音器|监听器|拾音器)"
_COVERT = r"(?:隐形|隐蔽|隐藏式?|偷偷|对方不会(?:发现|察觉|知道)|不会被发现|不被发现|神不知鬼不觉|贴车底|磁吸车底|无任何指示灯|无指示灯|没有指示灯|伪装成|外形(?:就)?是普通的)"
_COVERT_DEVICE = re.compile(_DEVICE + r"[^。;\n]{0,30}?" + _COVERT + "|" + _COVERT + r"[^。;\n]{0,30}?" + _DEVICE)
_COVERT_HINT = re.compile(r"定位|追踪|跟踪|gps|摄像|录音|监听|拾音")
_DETECTOR = re.compile(r"检测仪|探测|反偷拍|防偷拍|防窃听|反窃听|扫描|排查|检测器")  # devices that find hidden cameras
# Official identity papers made to order (仿真警官证 … 照片钢印可定制): forged documents of state organs (刑法 第二百八十条)
_OFFICIAL_ID = re.compile(r"(?:警官证|警察证|执法证|军官证|士兵证|检察官证|法官证|记者证)[^。;\n]{0,24}?(?:仿真|定制|可定制|制作|办理|照片|钢印|和真的|一模一样)"
                          r"|(?:仿真|定制|制作|办理|代办)[^。;\n]{0,8}?(?:警官证|警察证|执法证|军官证|士兵证|检察官证|法官证|记者证)")


def _covert(doc: TextDoc) -> Iterator[Hit]:
    if _COVERT_HINT.search(doc.text):
        for m in _COVERT_DEVICE.finditer(doc.text):
            span = (m.start(), m.end())
            ss, se = doc.sentence(*span)
            if doc.negated(span) or doc.compliance(span) or any(w in doc.text[ss:se] for w in _BAN_WORDS) \
                    or _DETECTOR.search(doc.text, ss, se):
                continue
            yield Hit(m.start(), m.end(), confidence=0.75, detail=f"（{_KINDS['spy']}：隐蔽监视、追踪）")
            break
    if "证" in doc.text:
        for m in _OFFICIAL_ID.finditer(doc.text):
            span = (m.start(), m.end())
            ss, se = doc.sentence(*span)
            if doc.negated(span) or doc.compliance(span) or any(w in doc.text[ss:se] for w in _BAN_WORDS):
                continue
            yield Hit(m.start(), m.end(), confidence=0.8, detail=f"（{_KINDS['document']}：国家机关证件）")
            break


# Goods or services that need a licence, registration or qualification sold while the text says none is needed
# (助听器…不用走医疗器械那一套手续, 热玛吉…无需医疗资质, 肉毒…不要证): 医疗器械监督管理条例 第十三条、第四十一条;
# 医疗机构管理条例 第二十四条; 药品管理法 第五十一条; 农药管理条例 第二十七条; 种子法 第二十一条.
_LICENSABLE = r"(?:医疗器械|助听器|血糖仪|呼吸机|制氧机|隐形眼镜|美瞳|注射|针剂|玻尿酸|肉毒|热玛吉|水光|医美|微整|药品|处方药|兽药|疫苗|农药|种子|种苗)"
_NEED_NONE = r"(?:不用|无需|不需要?|免|不要|没有|不必)(?:走|办|提供|上传|出示|审核|任何)?[^。;,\n]{0,10}?"
_NO_LICENCE = re.compile(_LICENSABLE + r"[^。;\n]{0,30}?" + _NEED_NONE + r"(?:注册证|备案|手续|资质|执照|许可证?|批文|准字号|审定|登记证?)"
                         r"|" + _LICENSABLE + r"[^。;\n]{0,30}?(?:不要|不用|无需|不需要)证(?![明书])"
                         r"|" + _NEED_NONE + r"(?:医疗器械注册|医疗资质|行医资质|医师资格|兽药批准|农药登记|品种审定)(?:证|手续)?"
                         # an injection given outside a medical institution (医疗美容服务管理办法 第二条、第十一条):
                         # 注射…无需去医院, 不用医生面诊; a beautician injecting (美容师手工注射)
                         r"|(?:注射|打针|针剂|玻尿酸|肉毒|水光针|溶脂针|瘦脸针)[^。;\n]{0,20}?(?:无需|不用|不必|不需要?|免)(?:去|到|跑)?"
                         r"(?:医院|医生|医师|面诊)"
                         r"|(?:美容师|技师|店员|老板娘|纹绣师|美甲师)(?:亲自|手工|现场|上门)?(?:注射|打针|打水光|打玻尿酸|打肉毒|打瘦脸针)")


# A knife controlled by its features (管制刀具认定标准, 公通字〔2007〕2号: a pointed blade over 150 mm), described as a
# weapon — sharpened, for self-defence or fighting — whatever it is called (刀刃长度18公分，开了刃，可以用来防身)
_BLADE_LEN = re.compile(r"(?:刀刃|刃长|刀身|刀长|刃部|刀片)(?:长度?)?[:\s约为有达]*([1-9]\d(?:\.\d)?)\s*(?:cm|厘米|公分)"
                        r"|(?:刀刃|刃长|刀身|刃部)(?:长度?)?[:\s约为有达]*([1-9]\d{2})\s*(?:mm|毫米)")
_AS_WEAPON = re.compile(r"开刃|开了刃|开过刃|防身|格斗|战术|搏击|近身|直刀|军刀|猎刀|砍刀|开山刀|刺刀|野战")
_BLUNT = re.compile(r"(?:未|不|没|无|没有)开(?:刃|锋)|无刃|钝刃|仿真道具")
_HOUSEHOLD_BLADE = re.compile(r"菜刀|厨师刀|厨房|切菜|切肉|切片刀|砍骨|水果刀|面包刀|寿司|料理|剪刀|美工|裁纸|剃须|园艺|修枝|割草|藏刀(?:工艺|摆件)")


def _controlled_knife(doc: TextDoc) -> Iterator[Hit]:
    for m in _BLADE_LEN.finditer(doc.text):
        cm = float(m.group(1)) if m.group(1) else float(m.group(2)) / 10
        ss, se = doc.sentence(m.start(), m.end())
        lo, hi = max(0, ss - 40), min(len(doc.text), se + 40)
        if cm < 15 or not _AS_WEAPON.search(doc.text, lo, hi) or _HOUSEHOLD_BLADE.search(doc.text, lo, hi) \
                or _BLUNT.search(doc.text, lo, hi):
            continue
        if doc.negated((m.start(), m.end())) or doc.compliance((m.start(), m.end())) \
                or any(w in doc.text[ss:se] for w in _BAN_WORDS):
            continue
        yield Hit(m.start(), m.end(), confidence=0.75, detail=f"（{_KINDS['weapon']}：刃长超过15厘米的开刃刀具）")
        return


def check_prohibited(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in _NO_LICENCE.finditer(doc.text) if ("不" in doc.text or "无" in doc.text or "免" in doc.text or "没" in doc.text) else ():
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        if not (doc.compliance(span) or any(w in doc.text[ss:se] for w in _BAN_WORDS) or _ENFORCED.search(doc.text, ss, se)):
            yield Hit(m.start(), m.end(), confidence=0.75, detail="（须经注册、许可或具备资质的商品、服务，自述无需）")
            break
    yield from _covert(doc)
    if "刀" in doc.text or "刃" in doc.text:
        yield from _controlled_knife(doc)
    toy = "枪" in doc.text and toy_gun(doc.text)
    if toy:
        doc.exempt("prohibited_goods", 0, len(doc.text))
    for m in _RX_CHECKED.finditer(doc.text) if "处方" in doc.text or "药师" in doc.text else ():
        if not _NO_RX.search(doc.text, *doc.sentence(m.start(), m.end())):
            doc.exempt("prohibited_goods", *doc.sentence(m.start(), m.end()))
    for m in _REPLICA_GUN.finditer(doc.text) if "枪" in doc.text and not toy else ():
        span = (m.start(), m.end())
        ss, se = doc.sentence(*span)
        if not (doc.negated(span) or any(w in doc.text[ss:se] for w in _BAN_WORDS)) \
                and not doc.has("prohibited", ss, se):
            yield Hit(m.start(), m.end(), confidence=0.8, detail=f"（{_KINDS['weapon']}：仿真枪）")
            break
    invoices = _INVOICE.finditer(doc.text) if "代开" in doc.text else iter(())
    tobacco = list(anchored(doc, "tobacco", _TOBACCO)) or list(_tobacco_sales(doc))
    for matches, detail in ((invoices, "（发票、证件、银行卡）"),
                            (iter(tobacco), f"（{_KINDS['tobacco']}）"),
                            (anchored(doc, "spiking", _SPIKING), f"（{_KINDS['drug']}）")):
        for m in matches:
            span = (m.start(), m.end())
            ss, se = doc.sentence(*span)
            if not (doc.negated(span) or any(w in doc.text[ss:se] for w in _BAN_WORDS)):
                yield Hit(m.start(), m.end(), confidence=0.85, detail=detail)
    yield from _wildlife(doc)
    yield from _drugs(doc)
    for c in lexicon_hits(doc, "prohibited", "prohibited_exempt"):
        ss, se = doc.sentence(c.start, c.end)
        if any(w in doc.text[ss:se] for w in _BAN_WORDS):
            continue  # a list of goods the shop will not sell or ship
        if toy and c.tag == "weapon" and "枪" in doc.text[c.start:c.end]:
            continue  # 玩具猎枪道具, a plastic prop
        if c.tag in _LICENSED_KINDS and (_NOT_THE_GOODS.search(doc.text, ss, se) or _ENFORCED.search(doc.text, ss, se)
                                         or (c.tag == "explosive" and _OFFLINE_ONLY.search(doc.text))):
            continue  # 烟花图案红包, 电子鞭炮 无火药; 清理捕兽夹的专项行动; 本店仅在线下门店销售烟花爆竹
        yield Hit(c.start, c.end, confidence=0.85, detail=f"（{_KINDS.get(c.tag, '禁限售商品')}）")


# ---- pyramid selling -------------------------------------------------------------------------
_WEAK_FEE = frozenset({"加盟费"})
_ELEMENT_NAMES = {"recruit": "以发展人员数量计酬（拉人头）", "fee": "交纳入门费取得资格", "team": "上下线团队计酬"}


_RE_ENTRY = Entry("", "", "", "", "pattern")  # candidates found by a pattern, not a lexicon entry
_NUM = r"(?:\d+|[一二两三四五六七八九十百]+)"
# Free wordings of the three statutory elements (the lexicon holds the fixed jargon).
_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "recruit": (
        re.compile(r"每(?:推荐|邀请|发展|介绍|拉|直推)(?:一|1)(?:位|个|名)?(?:新)?(?:人|代理|会员|好友|下线|店主|店长|团长|掌柜|vip|合伙人|用户)"),
        # pay per head: 一个人头80, 按人头返
        re.compile(r"(?:一个|每个?)人头(?:返|给|奖励?|提成|分)?\s*\d+|按人头(?:算|计|给|返|提成|分)"),
        # 别人交启动金你分三百
        re.compile(r"(?:别人|他人|朋友|对方|新人)(?:交|缴|买|付|加入|入会)[^。;]{0,10}?你(?:就|能|可以)?(?:分|拿|得|赚)\s*" + _NUM),
        re.compile(rf"(?:拉|发展|推荐|邀请|介绍|带)(?:够|满|齐|了)?{_NUM}\s*(?:个|位|名)?(?:人|新人|好友|会员|代理|下线|店主)"),
        # plain words: 拉来的朋友每开一家店你拿100元
        re.compile(r"(?:拉|邀请?|推荐|介绍|带)(?:来|进来|进)?的(?:朋友|人|好友|亲戚|新人|会员)[^。;]{0,14}?(?:你|就|可|都)(?:能|可以)?"
                   r"(?:拿|得|赚|奖励?|返|分)[^。;]{0,4}?(?:\d|钱|元|块|提成|佣金|奖|[一二三四五六七八九十几]成|%)"),
    ),
    "fee": (
        re.compile(r"(?:购买|购|买|缴纳|交纳|支付|充值|交)[^,。;]{0,12}?(?:即可|即|就能|就可|才能|方可)"
                   r"(?:成为|升级为?|晋升为?)[“\"]?(?:代理|会员|店主|店长|团长|掌柜|经销商|vip|合伙人|股东|董事|总代)"),
        re.compile(r"(?:升级|成为|晋升)[^,。;]{0,6}?(?:需|须|要|必须)(?:先|一次性)?(?:购买|缴纳|交纳|支付|充值|交|进货|拿货)"
                   r"[^,。;]{0,8}?(?:礼包|套餐|元|费)"),
        re.compile(r"(?:缴纳|交纳|支付|交)\s*\d+\s*元[^,。;]{0,4}?(?:即可|即|就能|就可|才能|方可)?(?:成为|升级为?|晋升为?)"
                   r"(?:代理|会员|店主|经销商|vip|合伙人|股东|董事|总代)"),
        re.compile(r"(?:消费满|购满|累计消费满?)\s*\d+\s*元[^,。;]{0,3}?(?:升级|成为)(?:为)?(?:会员|代理|vip|店主|合伙人)"),
        # plain words: 交399元开店当店主 / 花1980拿到代理资格
        re.compile(r"(?:交|缴|付|花|充值?|拿|投)(?:了|上)?\s*\d+\s*(?:元|块|万)?[^,。;]{0,8}?(?:开店|开通店铺|当店主|做店主|成为|入伙|"
                   r"入会|加入|激活|取得资格|获得资格|拿到资格|拿到代理|开通(?:代理|会员)权限|(?:当|做)上?[^,。;]{0,4}?(?:代理|店主|会员|股东|合伙人))"),
    ),
    "team": (
        re.compile(r"团队[^,。;]{0,10}?(?:销售额|业绩|消费额|流水|营业额)[^,。;]{0,10}?(?:提成|奖|分红|%|返)"),
        re.compile(r"(?:下线|下级)[^,。;]{0,6}?(?:推荐|购买|消费|业绩|销售|进货)[^,。;]{0,8}?(?:拿|得|抽|提成|%|奖|返)"),
        # levels paid: 三级以内都有收益, 发展下线三代内都有奖励, 一层一层往上返利
        re.compile(r"(?:[二两三四五六七八九十多]|[2-9])(?:级|代|层)(?:以内|之内|内)?[^。;]{0,4}?(?:都有|都能|均有|都可)(?:拿)?"
                   r"(?:收益|奖励|提成|分成|分红|返利|钱)|一层一层[^。;]{0,6}?(?:返|分|提成)"),
        # plain words: 他们再拉人你还有分成
        re.compile(r"(?:他们|下线|下级|朋友们?|你的人|新人)?(?:再|又|继续)(?:去)?(?:拉|邀|推荐|发展|介绍|带)[^。;]{0,14}?"
                   r"(?:你|也|还|照样)(?:能|可以|都)?(?:有|拿|得|赚|分)"),
    ),
}
# a numbered recruit counts only when recruiting pays or promotes (邀请3位好友助力领券 does not)
_PAYS = re.compile(r"升级|晋升|导师|奖金|提成|佣金|本金|出局|分红|管理奖|货款|回本")  # = the recruit anchors


def _pattern_cands(doc: TextDoc, tag: str) -> list[Candidate]:
    out: list[Candidate] = []
    for k, pattern in enumerate(_PATTERNS[tag]):
        for m in anchored(doc, tag, pattern):
            if tag == "recruit" and k == 1:
                ss, se = doc.sentence(m.start(), m.end())
                if not _PAYS.search(doc.text, ss, se):
                    continue
            out.append(Candidate(m.start(), m.end(), _RE_ENTRY))
    return out


def _raw(doc: TextDoc, tag: str) -> list[Candidate]:
    found = list(doc.get("pyramid", tag))
    if tag in _PATTERNS:
        found += _pattern_cands(doc, tag)
    return found


def _live(doc: TextDoc, tag: str, found: list[Candidate] | None = None) -> list[Candidate]:
    found = _raw(doc, tag) if found is None else found
    return [c for c in longest(found) if not doc.negated(c) and not doc.compliance(c)]


# recruiting said to pay without any selling (不卖货也能赚，只要拉人头): 以发展人员的数量作为计酬依据 alone
_NO_GOODS = re.compile(r"不(?:需要|用|必)?卖货|不压货|不囤货|不用(?:囤货|发货|卖东西)|(?:卖货|卖茶|卖产品|产品)反而不重要|靠的不是卖货")


_RELABEL = re.compile(r"不是|不叫|不算|并非|别说|不能叫")


def check_pyramid_elements(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    raw = {tag: _raw(doc, tag) for tag in ("recruit", "fee", "team")}
    named = [c for cs in raw.values() for c in cs]
    if named and all(doc.negated(c) for c in named) \
            and not any(_RELABEL.search(doc.text, max(0, c.start - 5), c.start) for c in named):
        # every element the text names it denies (不设推荐奖、见点奖; 不需要交钱，也不用拉人; 没有分享奖励): a lawful
        # scheme described as such — binds the model too (engine._overruled). Not "这不是拉人头，是裂变": a new name.
        doc.exempt("pyramid_scheme", 0, len(doc.text))
        return
    if sum(1 for cs in raw.values() if cs) < 2:
        if raw["recruit"] and _NO_GOODS.search(doc.text):
            live = _live(doc, "recruit", raw["recruit"])
            goods = _NO_GOODS.search(doc.text)
            if live and goods is not None and not doc.negated((goods.start(), goods.end()), window=2):
                yield Hit(live[0].start, live[0].end, confidence=0.75, detail="（具备：以发展人员数量计酬，且不以销售商品为主）")
        return  # fewer than two elements even before negation is read: no pyramid (and no segmentation)
    found = {tag: _live(doc, tag, cs) for tag, cs in raw.items()}
    elements = {t for t, cs in found.items() if cs}
    if len(elements) < 2:
        return
    if elements == {"recruit", "fee"} and all(c.term in _WEAK_FEE for c in found["fee"]):
        return  # a franchise fee plus a referral bonus is not yet a pyramid
    first = min((c for cs in found.values() for c in cs), key=lambda c: c.start)
    names = "、".join(_ELEMENT_NAMES[t] for t in ("recruit", "fee", "team") if t in elements)
    yield Hit(first.start, first.end, confidence=0.9 if len(elements) == 3 else 0.75, detail=f"（具备：{names}）")


_ANY_ELEMENT = re.compile(r"代理|店主|会员|推荐|邀请|下线|下级|团队|拉人|直推|入门|加盟|分红|提成|佣金|资格")


def pyramid_page(p: Page, text: str) -> tuple[str, dict[str, str]]:
    """One page's share of MLM-SITE-ELEMENTS: (its kind, {element: quote of the first the page offers itself})."""
    kind = page_kind(p)
    here: dict[str, str] = {}
    if not _ANY_ELEMENT.search(text):
        return kind, here
    doc = TextDoc(text)
    for tag in ("recruit", "fee", "team"):
        for c in _live(doc, tag):
            ss, se = doc.sentence(c.start, c.end)
            if voice(doc.text[ss:se], kind=kind) != "offer":
                continue
            here[tag] = doc.excerpt(c.start, c.end)
            break
    return kind, here


def check_pyramid_site(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    """The three elements of 禁止传销条例 第七条 spread over a site's pages (a plan page, a join page)."""
    found: dict[str, tuple[str, str]] = {}  # element -> (url, quote)
    per_page: list[set[str]] = []
    for p in s.pages:
        done = s.prepared.get(p.url, {}).get("MLM-SITE-ELEMENTS")
        kind, here = done if done is not None and done[0] == page_kind(p) else pyramid_page(p, s.text(p))
        for tag, quote in here.items():
            found.setdefault(tag, (p.url, quote))
        per_page.append(set(here))
    if len(found) < 2 or any(len(h) >= 2 for h in per_page):
        return  # fewer than two elements, or one page has two (MLM-STATUTORY-ELEMENTS reports that page)
    order = [t for t in ("fee", "recruit", "team") if t in found]
    cited = "；".join(f"{_ELEMENT_NAMES[t]}：“{found[t][1]}”（{found[t][0]}）" for t in order)
    url = found[order[0]][0]
    yield Hit(match=found[order[0]][1][:60], url=url, location=Location(kind="site", selector=url),
              confidence=0.85 if len(order) == 3 else 0.7, excerpt=cited[:400], detail=f"（具备：{cited}）")


def check_pyramid_explicit(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    explicit = _live(doc, "explicit")
    if not explicit:
        return
    spans = [(c.start, c.end) for c in explicit]
    income = [c for c in _live(doc, "income") if not any(s <= c.start < e for s, e in spans)]
    elements = _live(doc, "recruit") + _live(doc, "fee") + _live(doc, "team")
    if income or elements:
        c = explicit[0]
        yield Hit(c.start, c.end, confidence=0.8)


RULES: tuple[Rule, ...] = (
    Rule(
        id="CF-REPLICA-TERMS", category="counterfeit_goods", article="15(9)",
        law=("产品质量法 第五条", "商标法 第五十七条"), severity="high",
        explanation="以“高仿”“A货”“1:1复刻”“原单”等用语销售疑似假冒商品", check=check_counterfeit, scope="text",
        what="Offering replicas and counterfeits (高仿, A货, 1:1复刻, 原单, 莆田鞋).",
        why="第十五条第（九）项禁止利用网络销售假冒伪劣商品；商标法第五十七条规定销售侵犯注册商标专用权的商品属侵权。",
        bad=("大牌包要的直接来问，“复刻”级别跟真的没区别，价格私聊。", "大牌高仿包包，专柜品质。", "1:1复刻名表，支持验货。", "外贸原单运动鞋，清仓处理。",
             "古馳 1比1 雙G皮帶，專櫃品質。", "劳力士水鬼复刻，VS厂出品。", "Yeezy 350 跑量版，original 品质。",
             "AirPods Pro 2 华强北顶配版，序列号与正品一致。",
             "复 刻 版 风 衣，做工对标正品。", "工厂直出大牌同款吹风机，logo一样。"),
        good=("高仿真绿植，逼真耐看，免打理。", "说是正品，收到明显是A货，走线歪歪扭扭，已经投诉到12315，大家别买。", "假一赔十，绝无高仿。", "天然翡翠A货手镯，附国检证书。",
              "您问的“原单”我们家没有，也不会卖，只卖自有品牌。", "这个“复刻”两个字我收回，说错了，是我们自己设计的款。",
              "退货请提供原单号。", "新包装与旧包装logo一样，请放心购买。", "保证正品，支持专柜验货。",
              "1:1比例仿真汽车模型，合金材质。", "经典款复刻回归，官方正品。", "本店不销售高仿、A货，也不卖所谓的“原单尾货”。",
              "近期发现有网店冒用我司名义销售高仿产品，请认准官方旗舰店购买。", "小米顶配版，12G+512G，官方正品。"),
        references=("西宁市电子商务信用管理制度 第十五条第（九）项", "商标法 第五十七条"),
    ),
    Rule(
        id="CF-IRREGULAR-PROVENANCE", category="counterfeit_goods", article="15(9)",
        law=("产品质量法 第五条", "商标法 第五十七条"), severity="high",
        explanation="品牌商品标明无防伪、序列号已处理、不保真或价格仅为正品几分之一等，疑似假冒商品", check=check_irregular_provenance,
        scope="text",
        what="Branded goods offered with what genuine goods never come with: anti-counterfeit marks removed or missing, "
             "serial numbers processed, 不保真, a price a fraction of 正品's, a copy 'without authorisation', or goods off the "
             "brand's channels whose packaging is 'the same'.",
        why="第十五条第（九）项禁止利用网络销售假冒伪劣商品；商标法第五十七条：销售侵犯注册商标专用权的商品属侵权。"
            "正品不会去掉防伪、处理序列号或以正品几分之一的价格出售，这些说法是仿冒的暗示。",
        bad=("某大牌口红 无防伪 批发价 十支起拿", "二手名牌手表，序列号已处理，当新表出。", "香奈儿香水 不保真 便宜出",
             "运动鞋 跟正版一样 就是没有授权 一双八十", "名牌包 价格只有正品的十分之一，懂的来",
             "格力空调 没走品牌渠道 包装也一样 半价出"),
        good=("本店商品均有防伪码，可扫码验真。", "假一赔十，本店不卖无防伪的商品。", "二手名牌手表，序列号可官网查询，附购买凭证。",
              "本品为品牌授权经销，防伪标签完整。", "平行进口，非国行，无国内联保，附报关单。"),
        references=("西宁市电子商务信用管理制度 第十五条第（九）项", "商标法 第五十七条"),
    ),
    Rule(
        id="CF-BORROWED-LABEL", category="counterfeit_goods", article="15(9)",
        law=("商标法 第五十七条第（一）项", "产品质量法 第五条"), severity="high",
        explanation="自制商品使用他人知名品牌的标签、字样（假冒注册商标）", check=check_borrowed_label, scope="text",
        what="The shop's own goods (自家作坊, 自酿) labelled with a well-known brand's mark (瓶贴用的是老干妈的标).",
        why="商标法第五十七条第（一）项：未经许可在同一种商品上使用与其注册商标相同的商标属侵权；第十五条第（九）项禁止销售假冒商品，"
            "第十五条第（二）项禁止未经许可使用他人注册商标标识（TM-BORROWED-LABEL）。",
        bad=("自家作坊灌装的辣椒酱，瓶贴用的是老干妈的标，味道一模一样。", "本店自酿高粱酒，包装印'五粮液'字样及图形。"),
        good=("老干妈风味豆豉，本店为老干妈授权经销商。", "自家作坊辣椒酱，口味类似老干妈，自有品牌“辣小妹”。",
              "自酿高粱酒，绝不印五粮液字样冒充名酒。"),
        references=("商标法 第五十七条",), fires_with=("TM-BORROWED-LABEL",),
    ),
    Rule(
        id="TM-BORROWED-LABEL", category="trademark_misuse", article="15(2)",
        law=("商标法 第五十七条第（一）项",), severity="medium",
        explanation="未经许可在商品或包装上使用他人注册商标标识", check=check_unlicensed_label, scope="text",
        what="The same finding as CF-BORROWED-LABEL under Art. 15(2): another's registered mark on the shop's own goods.",
        why="第十五条第（二）项：不得未经许可将他人注册商标标识在互联网上使用，造成误导。",
        bad=("自家作坊灌装的辣椒酱，瓶贴用的是老干妈的标。",),
        good=("老干妈风味豆豉，本店为老干妈授权经销商。",),
        references=("商标法 第五十七条",), fires_with=("CF-BORROWED-LABEL",),
    ),
    Rule(
        id="TM-WELL-KNOWN-MARK", category="trademark_misuse", article="15(2)",
        law=("商标法 第十四条第五款", "商标法 第五十三条"), severity="medium",
        explanation="在广告宣传中使用“驰名商标”字样", check=check_well_known, scope="text",
        what="The words 驰名商标 used in advertising or on goods.",
        why="商标法第十四条第五款：不得将“驰名商标”字样用于商品、包装或者广告宣传、展览以及其他商业活动中；第五十三条规定罚款。",
        bad=("荣获中国驰名商标，品质值得信赖。", "池名商标 老品牌 质量杠杠的", "本品牌荣获ch名商标，十年品质值得信赖",),
        good=("根据商标法第十四条，本店页面不使用“驰名商标”字样。", "“ch名商标”这种写法也违法，平台照样识别，我们店都改了。",),
        references=("商标法 第十四条",),
    ),
    Rule(
        id="PROH-BANNED-GOODS", category="prohibited_goods", article="11(1)",
        law=("电子商务法 第十三条", "网络交易监督管理办法 第十条"), severity="critical",
        explanation="在网上销售法律法规禁止交易或未取得许可不得交易的商品", check=check_prohibited, scope="text",
        lexicons=("prohibited", "prohibited_exempt", "wildlife"),
        what="Goods that may not be traded online or only with a licence: weapons, drugs, fake invoices and "
             "documents, eavesdropping devices, protected wildlife products, tobacco and e-cigarettes, prescription drugs without prescription.",
        why="第十一条第（一）项：法律法规禁止交易的商品和未取得前置许可的商品，不得在网上进行交易；电子商务法第十三条。",
        bad=("出售各类仿真枪配件，顺丰包邮。", "正规代开发票，税点低。", "新款电子烟套装，口味齐全，下单即发。",
             "百草枯原液 除草灭根 一瓶包邮。", "大号捕兽夹 加粗弹簧 放山里一晚上就有收获。", "大地红鞭炮 礼花弹 网上下单 快递到家。",
             "阿莫西林胶囊 不用上传处方 直接拍。",
             "助听器按普通配件卖，不用走医疗器械注册那一套手续。", "玻尿酸 私人上门注射 无需医疗资质。",
             "店内美容师手工注射玻尿酸，无需去医院，午休即可完成。",
             "正品香烟整条批发，网上下单快递到家。", "迷 情 水，无色无味，放饮料里10分钟见效。",
             "高仿真玩具枪，1比1还原格洛克，合金材质。", "十字弩狩猎款，送弩箭20支。", "正宗雪豹皮，收藏级，私聊看货。",
             "本店出售曲马多，无需处方，快递包邮。", "全新警服一套，含肩章警衔，可送货上门。",
             "祖传穿山甲鳞片，入药佳品，微信下单。", "黑颈鹤幼崽活体，一只3000元，包活。",
             "汽车定位器 磁吸车底 对方不会发现。", "仿真执法证 照片钢印可定制。", "户外直刀 刃长20cm 双面开刃 防身利器。"),
        good=("本店严禁销售管制刀具、电子烟等违禁商品。", "儿童玩具水枪，射的是水，不是那种能打钢珠的仿真枪。", "这款口红色号叫“烟花”，跟烟花爆竹没关系。", "玄凤、牡丹鹦鹉可以养可以卖，其他的大型鹦鹉要办证。", "求购野生穿山甲？劝你打住，这是一级保护动物，买卖都犯法。", "象牙白色陶瓷餐具套装。", "防偷拍检测仪，酒店出行必备。",
              "烟花图案烫金红包 30个装 新年必备。", "本店烟花爆竹仅在线下持证门店销售，不提供快递寄送。",
              "林草部门开展专项行动，清理山里非法设置的捕兽夹。", "农药残留快检卡 可测甲胺磷等有机磷。",
              "宠物疫苗预约 仅需主人电话，无需身份证。", "本店助听器均有医疗器械注册证，注册证编号见详情页。",
              "德国厨师刀 刀身长20cm 锋利开刃 切肉切菜。", "藏刀旅游纪念品，未开刃，刀身18厘米。",
              "本店不提供注射类项目，需要注射请到正规医院由医生操作。",
              "烟草味木质调香水，留香持久。", "本店不出售香烟，请勿咨询。", "无色无味的净水滤芯，放心饮用。",
              "虎皮鹦鹉 人工繁育 常见宠物鸟，附饲养手册。", "酒店防偷拍检测仪，可探测针孔摄像头。",
              "儿童塑料水枪，夏日戏水玩具。", "积木拼装手枪模型，ABS塑料，枪口封闭，不能发射任何弹丸。",
              "舞台剧道具玩具猎枪，彩色塑料，枪管实心。", "森林公安破获一起非法出售野生动物制品案，查获藏羚羊绒披肩6条。",
              "大熊猫毛绒公仔，景区同款。", "雪豹主题摄影展门票，周末开放。", "白唇鹿是国家一级保护动物，请勿购买其制品。",
              "儿童定位手表 实时定位 一键呼叫家长。", "家用监控摄像头 可见指示灯 支持手机回看。"),
        references=("电子商务法 第十三条", "烟草专卖法 第三十一条", "野生动物保护法 第二十七条"),
    ),
    Rule(
        id="MLM-STATUTORY-ELEMENTS", category="pyramid_scheme", article="15(10)",
        law=("禁止传销条例 第七条",), severity="critical",
        explanation="同时具备禁止传销条例第七条所列传销要素（拉人头、入门费、团队计酬）中的两项以上", check=check_pyramid_elements,
        scope="text",
        what="At least two of the three statutory elements of pyramid selling on one page: pay per recruit, "
             "an entry fee, multi-level team pay.",
        why="禁止传销条例第七条列举三类传销行为；第十五条第（十）项禁止以电子商务为幌子开展网络传销。单个词语不足以认定，需要要素同现。",
        bad=("缴纳入门费3980元即可成为代理，每推荐一人奖励500元，下线业绩你也有提成。",
             "升级店主需购买399元礼包，邀请3人升级后即成为导师，享受团队所有成员销售额8%的管理奖。",
             "静态收益每日1.5%，动态收益看团队：左右区对碰奖10%，层推奖逐层拿。",
             "不用卖货，拉一个人头给你80元。", "先交199元激活资格，三级以内都有收益。"),
        good=("邀请好友注册，双方各得10元优惠券。", "加盟费5万元，总部提供培训，推荐奖另计。",
              "会员注册免费，本平台不设推荐奖、见点奖，不需要交钱，也不用拉人。",
              "购买年卡即可成为会员，邀请3位好友助力可领优惠券。", "招聘销售主管，底薪加团队业绩提成。",
              "本店不压货，代发模式，卖出一单拿一单的利润。"),
        references=("禁止传销条例 第二条、第七条",),
    ),
    Rule(
        id="MLM-SITE-ELEMENTS", category="pyramid_scheme", article="15(10)",
        law=("禁止传销条例 第七条",), severity="critical",
        explanation="网站不同页面合计具备禁止传销条例第七条所列传销要素（入门费、拉人头、团队计酬）中的两项以上",
        check=check_pyramid_site, scope="site", lexicons=("pyramid", "anchors"), prepare=pyramid_page,
        what="Two or three statutory elements of pyramid selling found on different pages of one site (a join page asks "
             "for an entry fee, a plan page pays per recruit or by team); each element is cited with its quote and page.",
        why="禁止传销条例第七条列举的要素可能分散在“加入我们”“奖金制度”等不同页面；按网站整体认定，逐项引用原文。",
        bad=(site(home("欢迎光临"), page(HOME + "join.html", "缴纳3980元即可成为代理，享受代理价拿货。"),
                  page(HOME + "plan.html", "奖金制度：每推荐一人奖励500元。"), description="入门费在加入页，拉人头在奖金页"),),
        good=(site(home("欢迎光临"), page(HOME + "join.html", "缴纳3980元即可成为代理，享受代理价拿货。"),
                   page(HOME + "news/1.html", "案例：警方近日查处一起传销案，涉案平台每推荐一人奖励500元。"),
                   description="另一页是新闻报道，不是本站的奖金制度"),),
        references=("禁止传销条例 第七条",),
    ),
    Rule(
        id="MLM-EXPLICIT-NAME", category="pyramid_scheme", article="15(10)",
        law=("禁止传销条例 第七条",), severity="high",
        explanation="以“网络直销”“网上资本运作”等名义宣传并承诺收益", check=check_pyramid_explicit, scope="text",
        what="The names the rules single out (产品网络直销, 网上资本运作) together with income promises or pyramid elements.",
        why="第十五条第（十）项明确禁止打着“产品网络直销”“网上资本运作”等名义开展网络传销。",
        bad=("网上资本运作项目，投入少，月入过万。",),
        good=("警惕以“网上资本运作”为名的传销陷阱，遇到请举报。", "企业资本运作案例分析课程。"),
        references=("西宁市电子商务信用管理制度 第十五条第（十）项",),
    ),
)
