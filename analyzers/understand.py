"""Page and block understanding: what kind of page, who speaks in a block, what kind of product.

An inspector reads a platform's 禁售商品规则 page, a court report or a shop's compliance notice
differently from the shop's own offer. Rules declare the page kinds and voices they judge
(``Rule.page_kinds``, ``Rule.voices``); the engine asks this module and drops a hit whose page or
voice the rule does not apply to. Everything here is pure and works on normalised text
(:func:`analyzers.normalise.normalise_term`: lower case, simplified characters, ASCII punctuation).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from analyzers.model import Page
from analyzers.normalise import normalise_term

__all__ = ["PageKind", "Voice", "PAGE_KINDS", "VOICES", "page_kind", "page_voice", "voice", "mentioned", "product_kind",
           "is_platform"]

PageKind = Literal["home", "product", "listing", "cart", "policy", "about", "article", "other"]
PAGE_KINDS: frozenset[str] = frozenset(PageKind.__args__)  # type: ignore[attr-defined]
# offer: the merchant's own offer or claim; law: quotation of a statute; news: news, court or penalty
# report; warning: a warning or consumer education; compliance: the shop's own compliance notice;
# banned_list: a list of goods a platform or shop bans.
# question: a customer's question (问：…吗？), which claims nothing itself.
# mention: the words of a hit are quoted to be talked about (含“高仿”“A货”等字样的商品, 主播说的“全网最低”,
# “最终解释权归本店所有”有没有效？), not used as the speaker's own claim (:func:`mentioned`).
Voice = Literal["offer", "law", "news", "warning", "compliance", "banned_list", "question", "mention"]
VOICES: frozenset[str] = frozenset(Voice.__args__)  # type: ignore[attr-defined]

# ---- page kind --------------------------------------------------------------------------------
_URL_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cart", re.compile(r"/(?:cart|basket|checkout|order|orders|buy|settle|pay|trade/confirm)(?:[/._?-]|$)")),
    ("policy", re.compile(r"/(?:terms|tos|policy|policies|rules?|agreement|protocol|legal|privacy|refund|returns?|"
                          r"after-?sale|shipping|delivery|guarantee|notice/rule|prohibited|banned)(?:[/._?-]|$)")),
    ("about", re.compile(r"/(?:about|about-?us|licen[cs]e|qualification|company|contact|zizhi|yyzz)(?:[/._?-]|$)")),
    ("article", re.compile(r"/(?:news|article|articles|blog|posts?|help|faq|notice|notices|zixun|info|knowledge)"
                           r"(?:[/._?-]|$)")),
    ("product", re.compile(r"/(?:product|products|item|items|goods|detail|sku|p)(?:[/._?-]|$)|item\.htm|/dp/")),
    ("listing", re.compile(r"/(?:category|categories|list|search|collections?|catalog|shop|store|tag)(?:[/._?-]|$)")),
)
_TITLE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cart", re.compile(r"购物车|确认订单|提交订单|订单结算|收银台|结算页|填写订单")),
    ("policy", re.compile(r"规则|协议|条款|须知|政策|隐私|说明|公约|规范|禁售|禁限售|退换货|售后服务|服务保障")),
    ("about", re.compile(r"关于我们|公司简介|营业执照|资质|证照|经营许可|联系我们|品牌故事")),
    ("article", re.compile(r"资讯|新闻|动态|帮助中心|常见问题|公告|科普|知识|攻略|指南|案例|报道")),
)
_PRODUCT_URL = dict(_URL_KINDS)["product"]
PRICE = re.compile(r"[¥￥]\s*\d|\d\s*元")  # a price stated (also DISC-PRODUCT-INFO)
_BUY = re.compile(r"加入购物车|立即购买|马上抢|立即抢购|立即下单|add to cart|buy now")


def _route(href: str) -> str:
    """A link's page as a path: its hash route for a single-page app's view (#/item/rod), else its path."""
    parts = urlsplit(href)
    return parts.fragment.lstrip("!").lower() if parts.fragment.startswith(("/", "!/")) else parts.path.lower()


def _lists_products(page: Page, path: str) -> bool:
    """A page at a product URL that lists goods: at least three prices and three links to other product pages
    of the site, and no buy button of its own."""
    text = normalise_term(page.visible_text[:6000])
    if len(PRICE.findall(text)) < 3 or _BUY.search(text):
        return False
    own = urlsplit(page.url).netloc
    items = {_route(lk.href) for lk in page.links
             if urlsplit(lk.href).netloc == own and lk.region not in ("nav", "header", "footer")}
    linked = {p for p in items if p != path.split("?")[0] and _PRODUCT_URL.search(p)}
    return len(linked) >= 3 and len(linked) >= len(PRICE.findall(text)) - 1


def page_kind(page: Page) -> PageKind:
    """The kind of page from its URL, title, headings, forms and text (the crawler's hint breaks ties)."""
    if page.is_home:
        return "home"
    parts = urlsplit(page.url)
    path = parts.path.lower() + ("?" + parts.query.lower() if parts.query else "")
    if parts.fragment.startswith(("/", "!/")) and _route(page.url) != "/":
        path = _route(page.url)  # a single-page app's view (index.html#/list) is read by its route
    elif path in ("", "/", "/index.html", "/index.htm", "/index.php"):
        return "home"
    own = [b for b in page.blocks if b.region not in ("nav", "header", "footer")]  # a menu names other pages
    head = normalise_term(" ".join([page.title, *(b.text for b in own[:3] if len(b.text) <= 40)]))
    for kind, rx in _TITLE_KINDS:
        if kind == "cart" and rx.search(head):
            return "cart"
    for kind, rx in _URL_KINDS:
        if rx.search(path):
            if kind in ("product", "listing") and _TITLE_KINDS[0][1].search(head):
                return "cart"
            if kind == "product" and _lists_products(page, path):
                return "listing"  # /products.html: several priced items, each linked to its own page, nothing to buy here
            return kind  # type: ignore[return-value]
    for kind, rx in _TITLE_KINDS:
        if rx.search(head):
            return kind  # type: ignore[return-value]
    hint = {"licence": "about", "terms": "policy", "privacy": "policy", "product": "product", "home": "home"}
    text = normalise_term(page.visible_text[:4000])
    if page.kind == "product" and not PRICE.search(text) and not _BUY.search(text):
        return "other"  # linked as an item, but it offers nothing (a prescription upload form, a notice)
    if page.kind in hint:
        return hint[page.kind]  # type: ignore[return-value]
    prices = len(PRICE.findall(text))
    if prices >= 6:
        return "listing"
    if prices and _BUY.search(text):
        return "product"
    return "other"


def is_platform(site_type: str) -> bool:
    """A registry ``site_type`` of a trading platform (网络交易平台, 电子商务平台…)."""
    return "平台" in (site_type or "")


# ---- voice ----------------------------------------------------------------------------------------
# A merchant speaking of its own goods and terms.
_SELF = re.compile(r"本店|我店|小店|本铺|我们|我司|本公司|本品|本产品|本商品|敝店|咱家|我家|亲们|宝宝们|家人们")
_OFFER = re.compile(r"下单|拍下|包邮|私聊|私信|加微|加v|咨询客服|现货|秒发|到手|优惠|折|特价|限时|[¥￥]\s*\d|\d\s*元|购买|订购|抢购")
_STATUTE = re.compile(r"《[^》]{0,30}(?:法|条例|办法|规定|规则|细则|解释|目录|名录|标准|通知|意见|公告|决定|准则)》"
                      r"|第[一二三四五六七八九十百零0-9]+条")
_LAW_SAYS = re.compile(r"(?:法|条例|办法|规定|第[一二三四五六七八九十百零0-9]+条)[^。;\n]{0,12}?(?:规定|明确|指出|要求|:|禁止|不得|应当)"
                       r"|(?:根据|依据|按照|依照)[^。;\n]{0,16}?《[^》]{0,30}》[^。;\n]{0,60}?(?:属于|是指|包括|认定|规定|禁止|不得)")
_NEWS = re.compile(r"据[^,。;\n]{0,12}?(?:报道|消息|通报)|记者|日前|近日[^。;\n]{0,20}?(?:查处|查获|破获|抓获|立案|通报|曝光|处罚|判|罚)"
                   r"|(?:委员会|总局|部|厅)(?:等部门|等\d+部门|联合)?(?:发布|印发|公布|出台|将)[^。;\n]{0,30}?(?:纳入|列入|目录|名单|通知|公告|办法|规定)"
                   r"|被告人?|判处|判令|一审|二审|终审|判决|裁定|罚款[0-9一二三四五六七八九十百千万]|罚没|没收违法所得|行政处罚决定"
                   r"|警方(?!推荐|认证|指定|特供|专用|同款)|公安(?:机关|局|分局)[^。;\n]{0,12}?(?:查|破|抓|捣毁)|市场监管(?:局|部门)?[^。;\n]{0,16}?(?:查处|查获|立案|处罚|责令|约谈)"
                   r"|检察院|人民法院|(?<!成功)(?<!客户)(?<!用户)(?<!会员)(?<!学员)(?<!合作)(?<!买家)(?<!真实)案例|涉案|犯罪嫌疑人|捣毁|窝点|破获|查获|缴获|(?:一|两|三|多)名[^。;\n]{0,6}?(?:男子|女子|商家|店主)"
                   r"|执法人员|已下架|下架并|移送(?:市场监管|公安|司法|执法)|予以(?:下架|删除|处罚|封店|关店)|(?:一|两|三|多|部分|个别)家(?:店铺|网店|商家)|(?:监管|执法)部门[^。;\n]{0,16}?(?:发现|检查|抽检|监测)|某(?:网店|商家|店铺|电商|主播|微商|团伙|直播间|博主|平台)"
                   # a body's bulletin (…支队通报：, 发布通报) and a shop named as the one summoned or fined
                   r"|^[^。;\n]{0,20}?(?:发布|发出)?通报\s*:|发布(?:了)?(?:一则)?通报"
                   # a headline of a case dealt with (西宁查处一起网售“高仿”耳机案)
                   r"|(?:查处|查办|侦破|破获|审结)(?:了)?(?:一起|一批|多起|两起|三起|\d+起)"
                   # a body publishing its spot checks (国家市场监督管理总局通报燃气灶产品质量抽查结果)
                   r"|(?:总局|管理局|监管局|委员会|部|厅)(?:发布|公布)?通报(?!表扬|嘉奖)[^。;\n]{0,20}?(?:抽查|抽检|检查|监测|结果|情况)"
                   r"|被(?:消协|消保委|消委会|市场监管(?:局|部门)?|监管部门|工商(?:局|部门)?|网信办)[^。;\n]{0,4}?(?:约谈|处罚|罚款|查处|立案|通报|责令)")
_WARNING = re.compile(r"(?:提醒|建议)(?:广大)?(?:消费者|市民|网友|大家|各位)|消费者(?:要|应|需|务必)?(?:警惕|谨防|提防|注意|留意|当心)"
                      r"|(?:警惕|谨防|提防|当心|小心)[^。;\n]{0,20}?(?:骗局|陷阱|套路|上当|受骗|诈骗|传销|假货)"
                      r"|别(?:再)?上当|避坑|防骗|如何(?:辨别|识别|鉴别|分辨|判断)|如何避免(?:买到|上当|被骗)|选购指南|鉴别攻略|辨别方法|鉴别方法"
                      r"|远离(?:高仿|假货|山寨|仿品|劣质)|(?:辨别|识别|分辨|鉴别)(?:真假|真伪|技巧|攻略)|市面上(?:的)?(?:一些|有些|部分|很多|不少)|怎么(?:辨别|识别|分辨|判断)|教你(?:如何|怎么|几招)?(?:辨别|识别|分辨|鉴别|避坑|防骗|看穿|识破)|科普"
                      r"|律师(?:提醒|表示|指出|说|认为|解读|答|回答|解答)|律师\s*[:：]|专家(?:提醒|表示|指出|认为)|遇到[^。;\n]{0,20}?(?:举报|报警|12315|投诉)"
                      r"|(?:工作人员|执法人员|法官|检察官|民警|专家)(?:解释|介绍|表示|答|回答|解答|说)\s*[:：]"
                      # a lesson on why some shops' offers are not to be trusted (为什么有些网店的“原单”刀不能买)
                      r"|为什么[^。;\n]{0,24}?(?:不能|不要|别|不该|不可以)|(?:有些|一些|不少|很多)(?:网店|商家|店铺|主播|卖家|微商)[^。;\n]{0,24}?(?:不能|不要|别|骗|假|坑)"
                      r"|属于(?:违法|违规|传销|诈骗|虚假宣传|侵权)|(?:是|为)(?:违法|违规|非法)|风险提示|请(?:远离|提高警惕|注意防范)|涉嫌(?:违法|传销|诈骗|虚假|侵权)"
                      r"|消费者(?:有权|可以|可)(?:要求|依法|向)|(?:部门|公安|警方|民警|监管局|药监局|协会|消协|消保委|消委会|12315)(?:郑重)?提醒|违法风险|(?:私人)?(?:持有|购买|私藏|买卖|收购)[^。;\n]{0,4}?(?:违法|犯法|犯罪)|法律(?:明令|明文)?禁止|(?:不要|切勿|千万别|别|请勿|勿)(?:轻信|相信|购买|贪便宜|食用|收|卖|碰)"
                      r"|(?:属于|是|为|系)(?:国家)?[一二]级(?:重点)?保护|严禁(?:网上|网络)?(?:销售|买卖|出售)"
                      r"|(?:条款|约定|说法|表述|写法|规定)[^。;\n]{0,12}?(?:无效|不符合|违反|违法)|(?:依法|当然|一律)无效|常见于违规|常见误区"
                      # a claim named only to be called false: 所谓“…”, …都是骗局, 多半是噱头, 别信…
                      r"|所谓\s*[“\"「]|(?:都是|均为|均系|多半是|大多是|纯属|全是|其实是)(?:骗局|噱头|假冒|虚构|忽悠|智商税|谣言|套路|骗人)"
                      r"|(?:不要|切勿|千万别|别|请勿|勿)信(?![用息号誉托])|律师提示|发言人(?:回应|表示|称|指出)"
                      r"|的(?:直接)?(?:跳过|绕道|别买|不要买|赶紧退)"
                      # claims named as untrustworthy (任何宣称“治疗颈椎病”的床垫宣传都不可信)
                      r"|(?:宣称|声称|号称)[^。;\n]{0,30}?(?:都|均|皆)?(?:不可信|不可靠|是虚假|属虚假|不靠谱|不能信)")
# A block labelled as consumer advice (科普：…, 提醒：…, 经验：…) speaks in that voice throughout; a shop's own
# 温馨提示 is no such label.
_WARN_LABEL = re.compile(r"^\s*[【\[]?(?:科普|提醒|消费提醒|消费提示|风险提示|避坑|避坑指南|防骗|律师提示|经验|经验分享|攻略|知识问答|小知识"
                         r"|普及一下|科普一下|提醒一下|分享经验"
                         # a consumer's post about what a shop did (吐槽：…, 网友曝光：…, 讨论一下，…)
                         r"|吐槽|吐个槽|分享|避雷|踩雷|曝光|网友曝光|维权|维权经历|讨论|讨论一下|求助|亲身经历)"
                         r"[】\]]?\s*[:：,，]"
                         # advice in brackets needs no colon (【科普】为什么…); 【分享】 does (a shop's seeding post wears it too)
                         r"|^\s*[【\[](?:科普|消费提醒|消费提示|风险提示|避坑指南|防骗|律师提示|知识问答|小知识|消费维权|以案说法|法律小知识)[】\]]"
                         # a lesson in telling a scheme or a fake (如何识别传销？怎么辨别高仿？): advice throughout
                         r"|^\s*(?:如何|怎么|怎样|教你)(?:识别|辨别|分辨|鉴别|判断|区分)[^。?？\n]{1,12}[?？]")
# A buyer's account of what a shop did to them (收到发现是A货，已经投诉到12315; 这家店要我发身份证照片，我直接取消订单了):
# a purchase or a seller's demand told in the first person, with the grievance it caused. A shop's testimonial
# (我妈喝了三个月，药都停了) tells no grievance and stays the shop's claim.
_BUYER_TOLD = re.compile(r"我(?:在|从|去)?[^。;\n]{0,14}?(?:买了|买的|买过|下单|拍了|拍的|订了|收到|到手)"
                         r"|(?:到手|收到(?:货|后)?)(?:后)?(?:发现|一看|闻着|明显|才发现)"
                         r"|(?:卖家|商家|店家|客服|主播|(?:这|那)家[^。;\n]{0,6}?店)(?:还)?(?:收了货)?(?:说|让我|要我|叫我|跟我说|非要)"
                         r"|看到[^。;\n]{0,10}?(?:帖子|广告|视频|直播)[^。;\n]{0,4}?说")
# the shop's own words, quoted by the buyer (客服说“家电类不支持无理由”, 理由居然是“…”): still the shop's act (mentioned)
_SHOP_QUOTED = re.compile(r"(?:卖家|商家|店家|客服|主播|老板|店主)[^。;\n“”\"「」]{0,6}?(?:说|称|回复|回答|承认|表示|讲)[^。;\n“”\"「」]{0,4}?[:：]?\s*[“\"「]"
                          r"|理由(?:居然|竟然)?是\s*[“\"「]")
_GRIEVANCE = re.compile(r"被坑|坑了|坑人|被骗|骗了|上当|投诉|12315|举报|别买|别去|不要买|避雷|踩雷|气死|是假的|假货|鉴定(?:是|为)?假"
                        r"|是托|维权|不给退|拒绝退|取消(?:了)?订单|怎么办|该怎么|我没(?:搞|同意|答应|理|给)")
_COMPLIANCE = re.compile(r"(?:本店|我店|本公司|我司|我们)[^。;\n]{0,10}?(?:郑重)?(?:承诺|声明|保证|严格遵守|依法|遵守)"
                         # a refusal of wrongdoing, not a promise's own 不 (收益不低于, 达不到就退, 不满意包退)
                         r"[^。;\n]{0,30}?(?:不(?!低于|少于|足|满意|到|赚|超过|好|达标|灵|退|反弹|复发)|绝不|拒绝|杜绝|严禁|依法|遵守|规定)|合规声明|依法经营"
                         r"|(?:本店|我店|我们|本公司|平台)(?:不采用|不使用|已删除|已去除|不会使用|(?:从不|绝不|不会|不)(?:额外|另行|再)?(?:要求|索要|收集))"
                         r"|(?:本店|我店|我们|本公司|我们店|我们家)(?:只卖[^。;\n]{0,6}?(?:正品|自有品牌)|(?:从不|绝不|不)(?:宣传|说|写|用)[“\"「])"
                         r"|(?:本店|我店|我们|本公司|我们店|我们家)(?:从不|绝不|不)宣传(?:驰名商标|中国名牌|国家级|最|第一)"
                         r"|(?:卖家|商家|经营者|入驻商家|店铺|主播)(?:不得|应当|须|必须|禁止)"
                         # a term named only to say it is gone or was punished (“最终解释权”一条已删除, “全网最低价”被警告了)
                         r"|[”\"」』]\s*(?:一条|条款|这条|字样|说法|这句话?)?(?:已经?|均已|都已)(?:删除|去除|取消|撤下|删掉|下架|改正)"
                         r"|[”\"」』]\s*(?:被|遭)(?:警告|处罚|约谈|罚款|投诉|下架)")
_BANNED = re.compile(r"禁售(?:商品|物品|规则|目录|清单|名录)?|禁限售|禁止(?:发布|销售|出售|上架|交易)(?:以下|下列|的)?(?:商品|物品|信息)?"
                     r"|(?:以下|下列)(?:商品|物品|信息)[^。;\n]{0,6}?(?:禁止|不得|严禁|不予)|严禁(?:发布|销售|出售|上架)"
                     r"|不得(?:发布|销售|出售|上架)(?:以下|下列)|违禁品|不收寄|禁寄")


_QUOTED = re.compile(r"“[^”\n]{0,60}”|「[^」\n]{0,60}」|『[^』\n]{0,60}』|\"[^\"\n]{0,60}\"")
# A customer's question: 问：…, Q:…, 顾客问…, or a question to the shop (你们…吗？).
_QUESTION = re.compile(r"^\s*(?:问|提问|q|顾客问|买家问|网友问|用户问|咨询|求助)\s*[:：]|^\s*(?:请问|想问)"
                       # a buyer's line in a chat or review thread that asks (买家：这个是高仿的吗？)
                       r"|^\s*(?:买家|顾客|用户|网友|客户|粉丝|评论|留言|宝宝|消费者)\s*[:：][^。;\n]*\?\s*$"
                       # a buyer asking the shop what it sells or does (你们卖…吗？, 老板，能退吗？, …能治疗关节炎吗？ in an FAQ)
                       # — not a seller's rhetorical question (你们敢信吗？, 还想要售后吗？)
                       r"|^[^。;\n]{0,8}?(?:你们|你家|贵店|店家|老板|客服|店里)[^。;\n]{0,3}?(?:卖|有|能|可以|可|支持|包|是|会|收|发|"
                       r"提供|做|接受|给|退|换|用)(?![^。;\n]*?(?:敢信|放心|还想|还要|还等|犹豫|心动|难道|不香|划算))[^。;\n]{0,30}?(?:吗|么|呢)\s*\?\s*$"
                       # a consumer asking whether what someone offered them is lawful (这算不算传销？)
                       r"|(?:算不算|是不是|是否(?:属于|算|是)|属不属于|会不会是)[^。;\n]{0,12}?(?:传销|违法|违规|骗局|诈骗|假货|高仿|"
                       r"虚假宣传|霸王条款|侵权|套路)[^。;\n]{0,6}?(?:吗|呢|啊)?\s*\?")


# A question of what goods can do or are (…能…吗？, 是不是…？, 有没有…？): on an FAQ, news or rules page, a buyer's
# question that the page answers; on a product page it may be the seller's own rhetorical claim, and is judged.
_ASKS = re.compile(r"(?:能|可以|会|是不是|是否|有没有|有|算|属于|要不要|需要|需不需要)[^。;\n]{0,30}?(?:吗|么|呢)?\s*\?\s*$")


# Words put in quotes to be talked about: after a verb of saying or naming (主播说的“…”, 称“…”, 含“…”, 所谓“…”), or
# before what names them as words (“…”字样, “…”等描述, “…”有没有效？); a run of quoted terms counts as one.
_QUOTE_RUN = re.compile(r"(?:[“「『\"][^”」』\"\n]{1,30}[”」』\"][、,和及与或]?){1,8}")
_MENTION_BEFORE = re.compile(r"(?:关于|说|称|问|叫|叫做|号称|自称|宣称|声称|所谓|打着|冒充|含有?|诸如|例如|比如|什么)(?:的|是|了|为|过|着)?$")
# said about the words (a question whether they are lawful), not only naming them: a mention even in a shop's own sentence
_DISCUSS = r"有没有效|能不能|可不可以|合法吗|违法吗|违规吗|算不算|是不是|是什么|什么意思|行不行"
_MENTION_AFTER = re.compile(r"^(?:等|之类|这类|一类|这样)?(?:的)?(?:条款|一词|这个词|词语?|这种说法|这种写法|说法|写法|二字|两个字|"
                            r"用语|表述|描述|宣传语?|名义|为名|旗号|噱头|幌子|" + _DISCUSS + ")")
_MERCHANT_SAID = re.compile(r"(?:商家|客服|店家|卖家|老板|掌柜|店主)[^,。;:“”\"]{0,4}?"
                            r"(?:说|称|回复|回答|表示|讲)(?:的|是|了|道)?:?$")
_DISCUSSED = re.compile(r"^(?:等)?(?:的)?(?:" + _DISCUSS + ")")


def mentioned(sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` (a rule's hit) lies in quotes that talk about the words rather than use
    them. In a sentence where the shop speaks of itself (本店, 我们) only a question about the words counts
    (有人问“最终解释权归本店所有”有没有效？): 本品包装印有“中国驰名商标”字样 is the shop's own claim."""
    for m in _QUOTE_RUN.finditer(sentence):
        if m.start() <= start and end <= m.end():
            before = sentence[max(0, m.start() - 6):m.start()]
            after = sentence[m.end():m.end() + 8]
            if _MERCHANT_SAID.search(before):
                return False  # the merchant's own words, reported (商家说“本店不支持七天无理由”): still its act
            if _DISCUSSED.match(after) or before.endswith(("问", "所谓")):
                return True
            outside = sentence[:m.start()] + sentence[m.end():]
            if _SELF.search(_QUOTED.sub("", outside)):
                return False
            return bool(_MENTION_BEFORE.search(before) or _MENTION_AFTER.match(after))
    return False


def page_voice(heading: str, kind: str) -> Voice | None:
    """The voice a whole page speaks in, from its title and headings: a policy page headed 禁售商品规则 is a
    banned-goods list, an article page headed by a report is news. ``None``: decide block by block."""
    if kind in ("policy", "article", "other") and _BANNED.search(heading):
        return "banned_list"
    if kind == "article" and _NEWS.search(heading):
        return "news"
    if kind == "article" and _WARNING.search(heading):
        return "warning"
    return None


def voice(text: str, *, context: str = "", kind: str = "", page: Voice | None = None) -> Voice:
    """Who speaks in ``text`` (a sentence or a block, normalised).

    ``context`` is the enclosing block (a heading such as 禁售商品规则 or 据…报道 sets the voice of a
    whole list); ``kind`` is the page kind (a policy page's lists are rules, an article page's
    reports are news).
    """
    said = _QUOTED.sub("", text)  # words quoted (如“最终解释权归本店所有”) are not the speaker's own
    own = _SELF.search(said) is not None
    offer = own or _OFFER.search(said) is not None
    if not own and _QUESTION.search(text):
        return "question"
    if kind in ("article", "policy", "about", "other") and not offer and _ASKS.search(text):
        return "question"  # an FAQ's question (冲锋衣能治疗关节炎吗？), answered below it
    if _BANNED.search(text) or (kind == "policy" and _BANNED.search(context)):
        return "banned_list"
    if _NEWS.search(text) and not own:
        return "news"
    if _WARNING.search(text):
        return "warning"
    if not own and _buyer_complaint(context or text):
        return "warning"  # a buyer's complaint about a shop, not the shop's offer
    if _COMPLIANCE.search(text):
        return "compliance"
    if _STATUTE.search(text) and _LAW_SAYS.search(text) and not offer:
        return "law"
    if context and context != text and not offer:
        outer = _block_voice(context, kind)
        if outer in ("news", "law", "banned_list", "warning"):
            return outer
    if context and _WARN_LABEL.match(context) and not (own and _OFFER.search(said)):
        return "warning"
    if page is not None and not (own and _OFFER.search(text)):
        return page
    return "offer"


@lru_cache(maxsize=1024)
def _buyer_complaint(told: str) -> bool:
    """A buyer telling of a purchase or a seller's demand with the grievance it caused, quoting no words of the shop
    and with no shop speaking of itself (asked once per block, by each of its sentences)."""
    return bool(_BUYER_TOLD.search(told) and _GRIEVANCE.search(told) and _SHOP_QUOTED.search(told) is None
                and _SELF.search(_QUOTED.sub("", told)) is None)


@lru_cache(maxsize=1024)
def _block_voice(block: str, kind: str) -> Voice:
    """The voice of a whole block, asked for by each of its sentences that is not an offer (pure: kept)."""
    return voice(block, kind=kind)


# ---- product kind -----------------------------------------------------------------------------
_PRODUCT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fresh", re.compile(r"生鲜|鲜活|新鲜|现摘|现挖|现捞|产地直发|农产品|蔬菜|水果|鲜果|海鲜|活鲜|鲜肉|土鸡蛋|鸡蛋|牛羊肉|牦牛肉|"
                         r"苹果|橙子|草莓|樱桃|葡萄|枸杞|虫草|土豆|大米|小米|蜂蜜|菌菇|松茸|鲜花|果园|农家|合作社"
                         # 鲜活: fresh meat by any name, and live animals (宠物、活禽、活鱼)
                         r"|鲜[\u4e00-\u9fff]{0,3}?肉|牦牛肉|冷鲜|冰鲜|活体|宠物|幼犬|幼猫|猫咪|狗狗|活禽|活鱼|活虾|活蟹|鲜奶|酸奶")),
    ("digital", re.compile(r"虚拟商品|数字商品|电子书|充值卡|兑换码|激活码|会员卡密|卡密|下载链接|网盘|在线课程|软件授权|游戏点卡")),
    ("custom", re.compile(r"定制|订制|刻字|私人订制|来图定做|按需定做|量身定做")),
    ("hygiene", re.compile(r"内衣|内裤|文胸|袜子|贴身衣物|化妆品|护肤品|口红|隐形眼镜|牙刷|成人用品")),
)


def product_kind(text: str) -> frozenset[str]:
    """Kinds of goods a page or block is about, where a rule depends on them (normalised text)."""
    return frozenset(k for k, rx in _PRODUCT_KINDS if rx.search(text))
