"""mandatory_disclosure (Art. 11(3)), privacy (Art. 11(7), 13(4)) and platform_rules (Art. 12)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.lexicons import scanner
from analyzers.model import Form, FormField, Link, Location, Page
from analyzers.normalise import normalise_term
from analyzers.rules.base import HOME, REGISTRY, Hit, Rule, Site, home, page, site
from analyzers.understand import PRICE, page_kind, product_kind

# item -> pattern over normalised text (Art. 11(3) 名称、生产者、价格、运费、配送方式、配送范围、支付形式、退换货方式)
PRODUCT_ITEMS: dict[str, re.Pattern[str]] = {
    "价格": re.compile(r"[¥￥]\s*\d|\d\s*元|价格|售价|单价|price"),
    "生产者": re.compile(r"生产者|生产商|生产厂家|生产厂商|生产企业|生产单位|制造商|制造厂|制造单位|厂家|厂名|厂址|出品方|出品商"
                      r"|委托方|受托方|提供者|供货商|制作者|制作人|制作方|绘制者|加工者|加工方|加工企业|加工单位|手作人|匠人"
                      r"|创作者|传承人|屠宰企业|加工厂|生产许可证|sc\d{14}|manufacturer|producer|made by"
                      # a book's producer is its publisher (出版管理条例: 出版者 and ISBN on every publication)
                      r"|出版者|出版社|出版单位|isbn\s*97[89]"),
    # goods handed over rather than posted (a car, furniture) name their fee as 交付/送车/托运/安装费用
    "运费": re.compile(r"运费|邮费|包邮|免邮|快递费|配送费|shipping|(?:交付|送车|送货|托运|上门)(?:费用|费)|免费送(?:货|车)?上门"),
    # digital goods are delivered too: 交付方式, 激活码发送, 在线下载/观看, 邮件发送 (电子商务法 第五十一条)
    "配送方式": re.compile(r"快递|物流|配送方式|送货上门|自提|顺丰|圆通|中通|申通|韵达|ems|邮政|同城配送|发货方式|delivery"
                        r"|交付方式|交付形式|送车上门|托运|当面交付|到店(?:自提|提车|提货)|发送激活码|激活码发送|在线下载|在线观看|在线开通|即时开通|邮件发送|网盘发送|电子交付"),
    # a range named in any wording: 配送方式/范围, 配送方式及范围, 仅配送西宁市…, 中通快递，全国
    "配送范围": re.compile(r"(?:配送|发货|送货|派送|寄送|邮寄|快递)(?:方式)?(?:/|及|和|与|、|以及)?(?:范围|区域|地区)|可配送|可送达"
                        r"|仅(?:限)?(?:配送|发货|送达|寄往|发往|同城)|不发货|偏远地区|港澳台|除(?:新疆|西藏)|中国大陆|大陆地区"
                        r"|(?:快递|配送|发货|包邮|送达|物流|邮寄|冷链|冷运)[^\n。;]{0,8}?全国|全国[^\n。;]{0,6}?(?:包邮|配送|可达|发货|范围|送达|通发)"
                        # handed over in a named area or place: 西宁市区免费送车上门, 暂不支持省外交付, 在…交付中心当面交付
                        r"|(?:市区|城区|省内|省外|市内|县内|本市|同城)[^\n。;]{0,8}?(?:交付|送车|送货|上门|配送|发货|送达)"
                        r"|(?:交付中心|门店|店内|仓库)[^\n。;]{0,6}?(?:当面|现场)?(?:交付|提车|提货|自提)"),
    "支付方式": re.compile(r"支付方式|付款方式|支付宝|微信支付|银联|货到付款|在线支付|网银|信用卡|花呗|payment"),
    "退换货方式": re.compile(r"退换货|退货|换货|退款|售后|无理由"),
}
# a price withheld (价格请咨询客服, 询价, 面议) is no price (Art. 11(3); 明码标价和禁止价格欺诈规定 第五条)
_PRICE_WITHHELD = re.compile(r"(?:价格|售价|单价|报价)[:\s]*(?:请|需)?(?:咨询|联系|私聊|私信|询问|面议|电议|议价)[^\n。;]{0,6}"
                             r"|询价|价格面议|面议")
# a producer named as withheld (代工厂（不便透露）, 生产厂家：保密) is no producer (产品质量法 第二十七条)
_PRODUCER_WITHHELD = re.compile(r"(?:生产者|生产商|生产厂家|生产企业|厂家|厂名|制造商|代工厂|加工厂)[:\s()（）]*"
                                r"(?:代工厂|工厂)?[\s()（）]*(?:不便透露|保密|不公开|暂不公开|不予公开|不透露|恕不告知)")
_PAGE_ONLY = ("价格", "生产者", "运费")  # must be on the product page itself; the rest may be on a help/terms page


# Fresh and primary agricultural produce names its origin, not a manufacturer (食用农产品市场销售质量安全监督管理办法
# 第二十八条; 产品质量法 第二条 covers processed products only): 产地 satisfies 生产者 for fresh goods.
_ORIGIN = re.compile(r"产地|原产地|产区|种植基地|养殖基地|来源地|origin")
_NOT_PRODUCT = frozenset({"cart", "policy", "article", "about", "listing", "other"})  # "other": linked as an item, offers nothing


_SERVICE_SOLD = re.compile(r"一日游|[二三四五六七]日游|旅游线路|旅行社|行程安排|门票|演出票|课程|培训班|体验课|酒店|民宿|住宿|包车服务")
_TRADE = re.compile(r"付款|支付|配送|发货|包邮|运费|快递|下单|购买")
_SERVICE = re.compile(r"培训|课程|报名|门票|票务|旅游|线路|行程|预约|咨询服务|会员|入驻|加盟|寄卖|寄售|回收|鉴定服务")
# second-hand goods name their maker by the brand (品牌：香奈儿): the reseller produced nothing
_USED = re.compile(r"二手|中古|寄卖|寄售|闲置|成色|几成新|[九八七]成新|vintage")
_BRAND_STATED = re.compile(r"品牌\s*[:：]|品牌\s+[^\s]")


def _offers_one_item(s: Site, p: Page) -> bool:
    """A page no URL, link text or buy button marks as a product that still sells one item: one to three prices and
    the terms of the trade on it (iPhone 13 … 价格：￥2699 … 付款：支付宝、微信) — Art. 11(3) binds it as well."""
    if p.is_home or p.kind == "product" or page_kind(p) != "other":
        return False
    own = s.text(p)
    if _SERVICE.search(own):
        return False  # a course, a ticket or a trip has no producer or shipping fee to state
    return 1 <= len(PRICE.findall(own)) <= 3 and _TRADE.search(own) is not None


def check_product_info(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    # the crawler's hint, unless the page is a cart or order form, a policy, an article or a listing
    products = [p for p in s.pages if (p.kind == "product" and page_kind(p) not in _NOT_PRODUCT) or _offers_one_item(s, p)]
    if not products:
        return
    shared = "\n".join(s.text(p) for p in s.pages if p not in products)
    in_shared: dict[str, bool] = {}  # item -> found in the shared text (searched once, not once per product)
    for p in products:
        own = s.text(p)
        if "议" in own or "询" in own or "咨询" in own:
            own = _PRICE_WITHHELD.sub(" ", own)
        if "透露" in own or "保密" in own or "公开" in own or "告知" in own:
            own = _PRODUCER_WITHHELD.sub(" ", own)
        fresh = "fresh" in product_kind(own)
        service = _SERVICE_SOLD.search(own) is not None
        for item, pattern in PRODUCT_ITEMS.items():
            if pattern.search(own):
                continue
            if service and item == "运费":
                continue  # a tour, a ticket or a course is not shipped: no shipping fee to state
            if item not in _PAGE_ONLY:
                if item not in in_shared:
                    in_shared[item] = pattern.search(shared) is not None
                if in_shared[item]:
                    continue
            if item == "生产者" and fresh and _ORIGIN.search(own):
                continue
            if item == "生产者" and _USED.search(own) and _BRAND_STATED.search(own):
                continue
            yield Hit(match=item, location=Location(kind="page", selector=p.url), url=p.url, confidence=0.75,
                      excerpt=f"商品页面及网站说明页面未说明{item}", detail=f"（缺少：{item}）")


# ---- privacy -------------------------------------------------------------------------------------
_PRIVACY_LINK = re.compile(r"隐私|个人信息保护|个人信息处理|privacy")
_NOT_PERSONAL = re.compile(r"搜索|search|关键词|keyword|验证码|captcha|数量|quantity|优惠码|coupon")


def _field_tags(f: FormField) -> set[str]:
    text = normalise_term(" ".join((f.name, f.label, f.type)))
    tags = {c.tag for c in scanner(("privacy",)).scan(text).get("privacy", [])}
    if f.type in ("email", "tel"):
        tags.add("personal")
    if tags & {"idcard", "pin"}:
        tags.add("personal")
    return tags


def _collects_personal(form: Form) -> bool:
    return any("personal" in _field_tags(f) and not _NOT_PERSONAL.search(normalise_term(f.name + f.label))
               for f in form.fields)


_PURPOSE = re.compile(r"用于|仅用于|只用于|用途|以便|为了")


def _has_privacy_notice(p: Page, form: Form) -> bool:
    if p.kind == "privacy" or _PRIVACY_LINK.search(normalise_term(form.text)):
        return True
    personal = [f for f in form.fields if "personal" in _field_tags(f)]
    if personal and all(_PURPOSE.search(f.label) for f in personal):
        return True  # each item says what it is for beside it (手机号（用于登录和接收订单通知）): 个人信息保护法 第十七条
    return any(_PRIVACY_LINK.search(normalise_term(f"{link.text} {link.title} {link.href}")) for link in p.links)


def check_privacy_missing(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    for form in p.forms:
        if _collects_personal(form) and not _has_privacy_notice(p, form):
            names = "、".join(f.label or f.name for f in form.fields if "personal" in _field_tags(f))
            yield Hit(match=form.action or p.url, location=Location(kind="form", selector=form.path or form.action),
                      confidence=0.8, excerpt=f"表单收集：{names}", detail="（页面未提供隐私政策或个人信息收集说明）")


def _lawful_id_context(p: Page) -> bool:
    found = scanner(("privacy",)).scan(normalise_term(p.visible_text)).get("privacy", [])
    return any(c.tag == "lawful_id" for c in found)


def check_privacy_excessive(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    lawful_id: bool | None = None
    for form in p.forms:
        for f in form.fields:
            tags = _field_tags(f)
            if "idcard" in tags and "pin" not in tags:
                if lawful_id is None:
                    lawful_id = _lawful_id_context(p)
                if lawful_id:
                    continue
            if tags & {"pin", "idcard"}:
                kind = "银行卡/支付密码" if "pin" in tags else "身份证号码"
                yield Hit(match=f.label or f.name, location=Location(kind="form", selector=form.path or form.action),
                          confidence=0.9 if "pin" in tags else 0.75, excerpt=f"表单字段“{f.label or f.name}”",
                          detail=f"（索取与交易无关的{kind}）")


# ---- platform rules --------------------------------------------------------------------------------
PLATFORM_ITEMS: dict[str, re.Pattern[str]] = {
    "用户协议": re.compile(r"用户协议|服务协议|注册协议|会员协议|用户须知|使用条款"),
    "平台交易规则": re.compile(r"交易规则|平台规则|规则中心|交易规范|商家规则|市场管理规范"),
    "消费者权益保护制度": re.compile(r"消费者权益保护|消费者保障|消费者权益|保障服务|投诉|纠纷处理|维权"),
    "隐私政策": re.compile(r"隐私|个人信息保护"),
}


def check_platform(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    r, h = s.registry, s.home
    if r is None or h is None or "平台" not in (r.site_type or ""):
        return
    everything = "\n".join(s.text(p) for p in s.pages)
    for item, pattern in PLATFORM_ITEMS.items():
        if not pattern.search(everything):
            yield Hit(match=item, location=Location(kind="site", selector=h.url), url=h.url, confidence=0.8,
                      excerpt=f"网站未公示{item}", detail=f"（缺少：{item}）")


# A platform that admits sellers without checking who they are (无需营业执照，当天上架; 不审核): Art. 12(2) requires a
# system for checking sellers' identity and qualifications (电子商务法 第二十七条).
_NO_SELLER_CHECK = re.compile(r"(?:无需|不需要|不用|免|不要)(?:提供|提交|上传)?(?:任何)?(?:营业执照|资质|证照|审核|实名|身份核验)"
                              r"|(?:不|无需|免)审核|零门槛入驻|不查资质")
_SELLER_JOIN = re.compile(r"入驻|开店|上架|卖家|商家|店铺|卖货|招商")
_NOT_SELLER = re.compile(r"买家|消费者|购物|下单|浏览")


def check_seller_vetting(s: Site, opts: dict[str, Any]) -> Iterator[Hit]:
    r = s.registry
    if r is None or "平台" not in (r.site_type or ""):
        return
    for p in s.pages:
        text = normalise_term(s.text(p))
        for m in _NO_SELLER_CHECK.finditer(text):
            around = text[max(0, m.start() - 30):m.end() + 30]
            if not _SELLER_JOIN.search(around) or _NOT_SELLER.search(text[max(0, m.start() - 8):m.start()]):
                continue
            if re.search(r"不得|禁止|严禁|不允许|必须|须|应当", text[max(0, m.start() - 10):m.start()]):
                continue  # a rule against it (卖家不得…)
            yield Hit(match=m.group(), url=p.url, location=Location(kind="page", selector=p.url), confidence=0.75,
                      excerpt=around.strip(), detail="（入驻商家无需资质审核）")
            return


# ---- declarations ----------------------------------------------------------------------------------
_PRODUCT_OK = page(HOME + "item/1.html", "纯棉T恤 价格：¥59.00", "生产商：西宁示例服饰有限公司",
                   "运费：全国包邮（偏远地区除外），顺丰快递发货", "支付方式：支付宝、微信支付", "支持七天无理由退换货",
                   kind="product")
_PRODUCT_BAD = page(HOME + "item/2.html", "纯棉T恤 价格：¥59.00", "运费：全国包邮（偏远地区除外），顺丰快递发货",
                    "支付方式：支付宝、微信支付", "支持七天无理由退换货", kind="product")
_PRODUCT_ASK = page(HOME + "item/3.html", "纯棉T恤 价格请咨询客服", "生产商：西宁示例服饰有限公司",
                    "运费：全国包邮（偏远地区除外），顺丰快递发货", "支付方式：支付宝、微信支付", "支持七天无理由退换货",
                    kind="product")
_SIGNUP = Form(action=HOME + "signup", method="post", path="form#signup",
               fields=(FormField("name", label="姓名"), FormField("mobile", "tel", "手机号")))
_PLATFORM = REGISTRY.__class__(name=REGISTRY.name, uscc=REGISTRY.uscc, icp=REGISTRY.icp,
                               police_filing=REGISTRY.police_filing, site_type="网络交易平台")
_PLATFORM_LINKS = [Link(HOME + "agreement", "用户协议"), Link(HOME + "rules", "平台交易规则"),
                   Link(HOME + "protect", "消费者权益保护"), Link(HOME + "privacy", "隐私政策")]

RULES: tuple[Rule, ...] = (
    Rule(id="DISC-PRODUCT-INFO", category="mandatory_disclosure", article="11(3)",
         law=("电子商务法 第十七条", "消费者权益保护法 第二十条、第二十八条"), severity="low",
         explanation="商品页面未说明法定主要信息（价格、运费、配送方式与范围、支付形式、退换货方式、生产者）",
         check=check_product_info, scope="site",
         what="A product page that does not state price, producer, shipping fee, delivery method and range, payment "
              "method and return/exchange method (the last four may be on a site-wide help page).",
         why="第十一条第（三）项：应当事先在网页上向消费者说明商品的名称、生产者、种类、数量、质量、价格、运费、配送方式、配送范围、"
             "支付形式、退换货方式等主要信息。",
         bad=(site(home("欢迎"), _PRODUCT_BAD, description="商品页没有生产者"),
              site(home("欢迎"), _PRODUCT_ASK, description="商品页价格写“价格请咨询客服”"),
              site(home("欢迎"), page(HOME + "item/6.html", "手绘唐卡 价格：¥6800", "运费：顺丰包邮", "配送方式：中通快递",
                                      "支付方式：微信支付", "退换货：支持七天无理由退货", kind="product"),
                   description="只写配送方式，不写配送范围与绘制者"),
              site(home("欢迎"), page(HOME + "phones/p1.html", "二手 iPhone 13 128G 95新 价格：￥2699", "付款：支付宝、微信",
                                      "配送：全国顺丰发货"),
                   description="网址、链接文字都没说是商品页，页面只卖这一件：同样要写明运费、生产者")),
         good=(site(home("欢迎"), _PRODUCT_OK, description="商品页信息齐全"),
               site(home("欢迎"), page(HOME + "item/4.html", "热贡唐卡 手绘 价格：¥6800", "绘制者：画师更登（黄南州同仁市）",
                                       "运费：顺丰包邮", "配送方式/范围：中通快递，全国", "支付方式：微信支付、支付宝",
                                       "退换货：定作商品不适用七日无理由退货", kind="product"),
                    description="手工定作品写明绘制者，配送方式与范围写在一栏"),
               site(home("欢迎"), page(HOME + "item/5.html", "冷鲜牦牛肉 1kg ¥118.00", "生产者：青海示例肉业有限公司（屠宰分割）",
                                       "运费：冷链运费15元", "配送方式及范围：顺丰冷运，仅配送西宁市五区二县", "支付方式：微信支付",
                                       "退换货：鲜活易腐商品不适用七天无理由退货", kind="product"),
                    description="“配送方式及范围”与“仅配送”说明了范围"),
               site(home("欢迎"), page(HOME + "news/2.html", "本店开业三周年", "活动期间满199元包邮，详见各商品页。"),
                    description="一则店铺公告提到价格与包邮，不卖具体商品"),
               site(home("欢迎"), page(HOME + "course.html", "雪山基础培训（5天）报名 费用：￥3800/人", "支付方式：支付宝、微信支付"),
                    description="培训报名页：服务没有生产者与运费"),
               site(home("欢迎"), page(HOME + "item/8.html", "二手 香奈儿 CF口盖包 价格：¥26800", "品牌：香奈儿", "成色：九成新",
                                       "运费：顺丰包邮", "配送方式及范围：顺丰特快，中国大陆", "支付方式：支付宝、微信",
                                       "退换货：详见帮助中心", kind="product"),
                    description="二手商品写明品牌，即写明了生产者")),
         references=("消费者权益保护法 第二十八条",)),
    Rule(id="PRIV-NO-POLICY", category="privacy", article="11(7), 13(4)",
         law=("消费者权益保护法 第二十九条", "个人信息保护法 第十七条"), severity="medium",
         explanation="收集个人信息的表单所在页面没有隐私政策或收集使用说明", check=check_privacy_missing, scope="page",
         what="A form that collects personal data (name, phone, address, ID) on a page with no privacy policy link or notice.",
         why="第十三条第（四）项：收集前应当获得明确许可，明确告知使用用途；消费者权益保护法第二十九条要求明示收集、使用信息的目的、方式和范围。",
         bad=(site(home("欢迎", forms=(_SIGNUP,)), description="注册表单收集姓名、手机号，页面没有隐私政策"),),
         good=(site(home("欢迎", forms=(_SIGNUP,), links=[Link(HOME + "privacy.html", "隐私政策")]),
                    description="页面链接隐私政策"),),
         references=("个人信息保护法 第十七条",)),
    Rule(id="PRIV-EXCESSIVE-DATA", category="privacy", article="11(7)",
         law=("消费者权益保护法 第二十九条", "个人信息保护法 第六条"), severity="high",
         explanation="索取与提供商品无关的个人信息（身份证号码、银行卡或支付密码）", check=check_privacy_excessive, scope="page",
         what="Forms asking for data unrelated to the sale: ID-card numbers (outside cross-border customs and real-name goods) "
              "or bank-card / payment PINs.",
         why="第十一条第（七）项：不得收集与提供商品和服务无关的信息；个人信息保护法第六条要求最小必要。任何经营者都不应索取银行卡密码。",
         bad=(site(home("欢迎", forms=(Form(action=HOME + "pay", path="form#pay", fields=(
             FormField("cardno", label="银行卡号"), FormField("pin", "password", "银行卡密码"))),),
             links=[Link(HOME + "privacy.html", "隐私政策")]), description="支付表单索取银行卡密码"),),
         good=(site(home("跨境商品需清关，请填写收件人身份证号", forms=(Form(action=HOME + "order", path="form#order", fields=(
             FormField("idcard", label="身份证号"),)),), links=[Link(HOME + "privacy.html", "隐私政策")]),
             description="跨境清关需要身份证号"),),
         references=("个人信息保护法 第六条",)),
    Rule(id="PLAT-MISSING-RULES", category="platform_rules", article="12",
         law=("电子商务法 第三十二条", "电子商务法 第三十三条"), severity="medium",
         explanation="网络交易平台未公示用户协议、交易规则、消费者权益保护或隐私制度", check=check_platform, scope="site",
         what="A storefront registered as a trading platform whose pages show no user agreement, trading rules, "
              "consumer-protection rules or privacy policy.",
         why="第十二条：网络商品交易平台服务经营者应当建立健全用户注册、交易规则、信息披露、消费者权益保护等制度；"
             "电子商务法第三十二、三十三条要求在首页显著位置持续公示。",
         bad=(site(home("欢迎来到示例商城平台", links=_PLATFORM_LINKS[:2]), registry=_PLATFORM,
                   description="平台首页只有用户协议和交易规则"),),
         good=(site(home("欢迎来到示例商城平台", links=_PLATFORM_LINKS), registry=_PLATFORM,
                    description="四项制度均有链接"),),
         references=("电子商务法 第三十二条、第三十三条",)),
    Rule(id="PLAT-NO-SELLER-CHECK", category="platform_rules", article="12",
         law=("电子商务法 第二十七条", "电子商务法 第八十条第（一）项"), severity="high",
         explanation="网络交易平台宣称商家入驻无需营业执照或不经审核，未建立经营者主体资格核审制度", check=check_seller_vetting,
         scope="site",
         what="A storefront registered as a trading platform that tells sellers they can join without a licence, "
              "identity check or review (无需营业执照，当天上架; 不审核).",
         why="第十二条第（二）项：平台应当建立网络商品经营者主体资格核审制度；电子商务法第二十七条：平台经营者应当要求申请进入平台"
             "销售商品的经营者提交其身份、地址、联系方式、行政许可等真实信息，进行核验、登记。",
         bad=(site(home("欢迎来到示例商城平台", links=_PLATFORM_LINKS),
                   page(HOME + "join.html", "商家入驻：三分钟开店，无需营业执照，不审核，马上卖货！"), registry=_PLATFORM,
                   description="平台招商页称入驻无需执照、不审核"),),
         good=(site(home("欢迎来到示例商城平台", links=_PLATFORM_LINKS),
                    page(HOME + "join.html", "商家入驻须提交营业执照和法定代表人身份证，平台三个工作日内审核。"),
                    registry=_PLATFORM, description="入驻须提交执照并经审核"),
               site(home("欢迎来到示例商城平台", links=_PLATFORM_LINKS),
                    page(HOME + "help.html", "买家注册无需营业执照，手机号即可注册购物。"), registry=_PLATFORM,
                    description="买家注册无需执照")),
         references=("电子商务法 第二十七条",)),
)
