"""Page kind, voice and product kind, and the classes of error they fix (hard negatives for each)."""

from __future__ import annotations

import dataclasses

import pytest

from analyzers.engine import analyze_site, analyze_text
from analyzers.model import Form, FormField, Page, TextBlock
from analyzers.normalise import normalise_term
from analyzers.rules import validate
from analyzers.rules.base import HOME, REGISTRY, home, page
from analyzers.understand import mentioned, page_kind, product_kind, voice
from errors import RuleRegistryError


def _cats(text: str) -> set[str]:
    return {f.category for f in analyze_text(text)}


@pytest.mark.parametrize(("url", "title", "kind"), [
    (HOME, "", "home"),
    (HOME + "cart.html", "购物车", "cart"),
    (HOME + "item/3.html", "确认订单", "cart"),
    (HOME + "rules/prohibited.html", "禁售商品规则", "policy"),
    (HOME + "about.html", "关于我们", "about"),
    (HOME + "news/12.html", "", "article"),
    (HOME + "item/1.html", "纯棉T恤", "product"),
    (HOME + "category/tea", "", "listing"),
])
def test_page_kind(url: str, title: str, kind: str) -> None:
    assert page_kind(Page(url=url, title=title, is_home=url == HOME)) == kind


@pytest.mark.parametrize(("text", "want"), [
    ("大牌高仿包包，专柜品质。", "offer"),
    ("近日，某区市场监管局查处一家网店销售高仿名牌包，罚款5万元。", "news"),
    ("《广告法》第九条规定，广告不得使用国家级、最高级、最佳等用语。", "law"),
    ("提醒广大消费者：警惕缴纳入门费即可成为代理的传销骗局。", "warning"),
    ("本店郑重承诺：严格遵守广告法，绝不使用极限词。", "compliance"),
    ("以下商品禁止发布：仿真枪、管制刀具、电子烟。", "banned_list"),
    ("问：你们是最好的昆仑玉店吗？", "question"),
    ("根据公安部发布的《管制刀具认定标准》，匕首、三棱刮刀、弹簧刀属于管制刀具。", "law"),
    ("某些宣传语常见于违规店铺，如“最终解释权归本店所有”，此类条款依法无效。", "warning"),
    ("评价由买家自主作出，卖家不得以利益诱导方式要求修改差评。", "compliance"),
    ("近日，执法人员在网络监测中发现，某网店使用“柴达木枸杞”地理标志。", "news"),
    ("本店商品最终解释权归本店所有。", "offer"),
    ("还在为失眠烦恼吗？", "offer"),
])
def test_voice(text: str, want: str) -> None:
    assert voice(text) == want


def test_product_kind() -> None:
    assert "fresh" in product_kind("高原现摘枸杞，产地青海柴达木")
    assert "digital" in product_kind("游戏点卡 激活码自动发货")
    assert product_kind("纯棉T恤") == frozenset()


# ---- class 2: who speaks -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "近日，西宁市市场监管局查处一家网店，该店以“1:1复刻”名义销售高仿名表，被罚款8万元。",
    "据新华社报道，警方捣毁一个以“缴纳入门费3980元成为代理、每推荐一人奖励500元”为模式的传销窝点。",
    "律师提醒：商家宣称“三天根治糖尿病”属于虚假宣传，消费者可以要求退一赔三。",
    "《禁止传销条例》第七条规定，组织者要求被发展人员交纳费用或以认购商品等方式变相交纳费用取得加入资格的属于传销。",
    "一审判决：被告人通过网店销售假冒注册商标的商品，判处有期徒刑二年。",
])
def test_reports_quotes_and_warnings_do_not_fire(text: str) -> None:
    assert analyze_text(text) == []


def test_the_shops_own_offer_still_fires() -> None:
    assert "counterfeit_goods" in _cats("本店1:1复刻名表，劳力士水鬼VS厂出品，支持验货。")
    f = analyze_text("大牌高仿包包，专柜品质。")[0]
    assert (f.voice, f.page_kind, f.source) == ("offer", "", "rule")
    assert {"voice", "page_kind", "source"} <= set(f.to_dict())


# ---- class 5: category confusion ----------------------------------------------------------------
def test_recruitment_pitch_is_pyramid() -> None:
    assert "pyramid_scheme" in _cats("诚招代理！交399元开店当店主，拉来的朋友每开一家店你拿100元，他们再拉人你还有分成。")
    assert _cats("邀请好友注册，双方各得10元优惠券。") == set()
    assert _cats("提醒消费者：交399元开店当店主、拉人还能分成的模式涉嫌传销。") == set()


def test_replica_toy_gun_is_prohibited_not_counterfeit() -> None:
    assert _cats("高仿真玩具枪，1比1还原格洛克，合金材质。") == {"prohibited_goods"}
    assert _cats("仿真枪1:1复刻M416，金属材质，可发射水弹。") == {"prohibited_goods"}
    assert _cats("儿童塑料水枪，夏日戏水玩具。") == set()


# ---- class 1: the page's kind ----------------------------------------------------------------------
def test_banned_goods_rules_page_fires_nothing() -> None:
    rules = page(HOME + "rules/prohibited.html", TextBlock("禁售商品规则"), TextBlock("一、枪支弹药、仿真枪、管制刀具"),
                 TextBlock("二、高仿、A货等假冒商品"), TextBlock("三、香烟、电子烟等烟草制品"), title="禁售商品规则")
    found = analyze_site([home("欢迎光临"), rules], REGISTRY)
    assert [f for f in found if f.category in ("prohibited_goods", "counterfeit_goods")] == []


def test_cart_form_is_not_a_product_page() -> None:
    cart = page(HOME + "item/cart.html", "购物车", "纯棉T恤 ¥59.00 x1", kind="product",
                forms=(Form(action=HOME + "order", fields=(FormField("qty", label="数量"),)),))
    found = analyze_site([home("欢迎光临"), cart], REGISTRY)
    assert [f for f in found if f.category == "mandatory_disclosure"] == []


def test_fresh_produce_names_its_origin_not_a_producer() -> None:
    blocks = ("高原现摘枸杞 500g 价格：¥68.00", "产地：青海省海西州诺木洪农场", "运费：全国包邮，顺丰快递", "支付方式：微信支付",
              "支持七天无理由退换货")
    fresh = page(HOME + "item/9.html", *blocks, kind="product")
    assert [f for f in analyze_site([home("欢迎"), fresh], REGISTRY) if f.category == "mandatory_disclosure"] == []
    tee = page(HOME + "item/8.html", "纯棉T恤 价格：¥59.00", "产地：广东", *blocks[2:], kind="product")
    assert [f.match for f in analyze_site([home("欢迎"), tee], REGISTRY) if f.category == "mandatory_disclosure"] == ["生产者"]


def _missing(*blocks: str) -> list[str]:
    item = page(HOME + "item/5.html", *blocks, kind="product")
    return [f.match for f in analyze_site([home("欢迎"), item], REGISTRY) if f.category == "mandatory_disclosure"]


def test_goods_handed_over_name_their_delivery_in_other_words() -> None:
    car = ("2021款 卡罗拉 1.2T 价格：¥89,800", "生产企业：一汽丰田汽车有限公司", "支付方式：平台担保支付", "7日内可申请无理由退车")
    assert _missing(*car, "交付方式：西宁市区免费送车上门；省内其他地区板车托运，运费按里程收取；暂不支持省外交付。") == []
    assert _missing(*car, "交付方式：在城北交付中心当面验车交付，不收取交付费用。") == []
    # a delivery method alone is still not a fee or a range
    assert sorted(_missing(*car, "交付方式：当面交付")) == ["运费", "配送范围"]


def test_a_producer_named_as_withheld_is_no_producer() -> None:
    ring = ("足金戒指 价格：¥3,280", "运费：包邮，顺丰快递，配送范围：中国大陆", "支付方式：微信、支付宝", "支持七天无理由退换货")
    assert _missing(*ring, "生产者：代工厂（不便透露）") == ["生产者"]
    assert _missing(*ring, "生产厂家：保密") == ["生产者"]
    assert _missing(*ring, "生产者：深圳市金缘首饰有限公司（不对外公开其他信息）") == []


@pytest.mark.parametrize("text", ["福利款九块九，拍下不退哦。", "断码清仓，不支持退货，拍下即发。", "尾款支付后不接受任何理由的退货。",
                                  "🈲退 🈲换，介意勿拍。", "我们这是厂家清仓，清仓不退。", "本店不做七天无理由退货。"])
def test_plain_refusals_of_returns(text: str) -> None:
    assert "return_policy" in _cats(text)


@pytest.mark.parametrize("text", ["客服说特价不退，我申请平台介入后按七天无理由退了。",
                                  "平台规则：商家设置的“特价不退”“清仓不退”等无效。",
                                  "直播竞拍规则：成交后不支持退货，拍品以现场展示为准。",
                                  "个人卖家闲置转让，不支持退货，请看清图片。"])
def test_refusals_reported_quoted_or_outside_a_sale(text: str) -> None:
    assert "return_policy" not in _cats(text)


def test_returns_page_heading_over_lawful_exemptions() -> None:
    text = "不支持七天无理由退货的商品\n1. 消费者定制的商品\n2. 鲜活易腐的商品\n3. 在线下载的数字化商品"
    assert _cats(text) == set()
    assert _cats("本店商品不支持七天无理由退货。") == {"return_policy"}


def test_police_filing_only_for_platforms() -> None:
    bare = Page(url=HOME, blocks=(TextBlock(f"主体名称：{REGISTRY.name} 统一社会信用代码：{REGISTRY.uscc}"),
                                  TextBlock("青ICP备19000123号-1")), is_home=True)
    assert "FIL-POLICE-MISSING" not in {f.rule_id for f in analyze_site([bare], REGISTRY)}
    platform = dataclasses.replace(REGISTRY, site_type="网络交易平台")
    assert "FIL-POLICE-MISSING" in {f.rule_id for f in analyze_site([bare], platform)}


# ---- pyramid elements across pages -------------------------------------------------------------------
def test_pyramid_elements_across_pages_are_cited() -> None:
    join = page(HOME + "join.html", "缴纳3980元即可成为代理，享受代理价拿货。")
    plan = page(HOME + "plan.html", "奖金制度：每推荐一人奖励500元。")
    found = [f for f in analyze_site([home("欢迎"), join, plan], REGISTRY) if f.rule_id == "MLM-SITE-ELEMENTS"]
    assert len(found) == 1
    assert "join.html" in found[0].explanation and "plan.html" in found[0].explanation
    assert "每推荐一人" in found[0].explanation


# ---- declarations that cannot be misspelt ----------------------------------------------------------
def test_rule_declarations_fail_loudly() -> None:
    from analyzers.rules import BY_ID

    base = BY_ID["CF-REPLICA-TERMS"]
    with pytest.raises(TypeError):
        type(base)("X-Y", "counterfeit_goods")  # type: ignore[misc]  # keyword-only
    with pytest.raises(RuleRegistryError, match="lexicon 'no_such_list'"):
        validate([dataclasses.replace(base, id="CF-TEST", lexicons=("no_such_list",))])
    with pytest.raises(RuleRegistryError, match="not scanned"):
        validate([dataclasses.replace(base, id="CF-TEST", lexicons=("jieba_words",))])
    with pytest.raises(RuleRegistryError, match="page kind"):
        validate([dataclasses.replace(base, id="CF-TEST", page_kinds=frozenset({"prodcut"}))])
    with pytest.raises(RuleRegistryError, match="voice"):
        validate([dataclasses.replace(base, id="CF-TEST", voices=frozenset({"ofer"}))])


def test_every_lexicon_says_where_it_comes_from() -> None:
    from pathlib import Path

    import analyzers

    for f in sorted((Path(analyzers.__file__).parent / "data").glob("*.txt")):
        head = f.read_text("utf-8").splitlines()[:3]
        assert [h.split(":")[0] for h in head] == ["# Source", "# Checked", "# Licence"], f.name


@pytest.mark.parametrize("text", [
    "雪豹是国家一级保护动物，请勿购买任何雪豹制品。",
    "国家药监局提示：曲马多属于第二类精神药品，严禁网上销售。",
    "【平台规则】以下商品禁止发布：枪支弹药、管制刀具、毒品、野生动物制品、烟草制品。",
    "新闻：海关查获一批象牙制品，涉案价值超过百万元。",
    "提醒：警惕“投资999元成为股东，拉人头返利”的传销骗局，遇到请拨打110。",
    "海军蓝条纹T恤，纯棉舒适。",
    "儿童警察玩具套装，含玩具警服和塑料手铐。",
    "红珊瑚色连衣裙，显白百搭。",
    "因不可抗力造成的延误，本店不承担责任，将及时通知您。",
    # toys that say what makes them toys; usage advice; the register named as where to check; no ID needed
    "积木拼装手枪模型，ABS塑料，枪口封闭，不能发射任何弹丸，适合8岁以上。",
    "水弹玩具枪，初速低于0.16焦耳/平方厘米，通体亮橙色塑料外壳。",
    "煮法小贴士：水开下面，中火4分钟，再煮1分钟口感最好。",
    "冷藏后饮用口感最佳。",
    "该企业经核准使用地理标志专用标志，核准信息可在国家知识产权局地理标志专用标志使用核准公告中查询。",
    "普通消费者购物无须提供身份证号码。",
    "问：昆仑玉能治病吗？答：不能，玉石只是饰品。",
    "质量问题：任何商品出现质量问题，本店承担退换及运费，并依法承担赔偿责任。",
    "常见误区：有的商家写“特价不退”“售出概不退换”，这些说法都不符合法律规定，本店不采用。",
    "一家店铺以“祖传秘方、三副药根治风湿”描述普通药酒原料包，已下架并移送市场监管部门。",
    "中国质量认证中心认证产品，CCC 标志齐全。",
    "西湖龙井 明前特级，产自杭州西湖区，浙江顺丰发货。",
    "阳澄湖大闸蟹，产自苏州阳澄湖，我们在上海有门店。",
    "客服说得很清楚，鲜牦牛肉不支持七天无理由，但变质包赔，收到确实很新鲜。",
])
def test_knowledge_hard_negatives(text: str) -> None:
    assert analyze_text(text) == []


@pytest.mark.parametrize(("text", "category"), [
    ("本店出售曲马多，无需处方，快递包邮。", "prohibited_goods"),
    ("正宗雪豹皮，收藏级，私聊看货。", "prohibited_goods"),
    ("全新警服一套，含肩章警衔，可送货上门。", "prohibited_goods"),
    ("十字弩狩猎款，送弩箭20支。", "prohibited_goods"),
    ("儿童水弹枪，金属枪管，初速100米每秒。", "prohibited_goods"),
    ("本店面条是全网口感最好的。", "false_advertising"),
    ("中国老年健康产业促进委员会指定产品·磁疗床垫，每个社区限额20名。", "gov_impersonation"),
    ("军魂牌白酒，致敬最可爱的人，部队首长都爱喝。", "gov_impersonation"),
    ("西湖龙井 明前特级 250g，标签写“西湖龙井”。茶叶是我们贵州茶区的，按龙井工艺炒制。", "trademark_misuse"),
    ("“柴达木枸杞”特级红枸杞 500g，包装印地理标志图标。货是外省几个产区混着收的。", "trademark_misuse"),
    ("钓鱼台国宾馆指定供应茶叶，礼盒装。", "gov_impersonation"),
    ("签收即视为您认可商品质量，事后不予处理。", "unfair_terms"),
    ("交了1980元就能当上区域代理，你拉进来的人交的钱你拿三成，他们再拉人你还能拿一成。", "pyramid_scheme"),
])
def test_knowledge_positives(text: str, category: str) -> None:
    assert category in _cats(text)


def test_a_menu_names_other_pages_not_this_one() -> None:
    """A nav bar with 成功案例 made every page an article and its selling copy news: the page's kind and voice
    come from its own title and headings, and a shop's 成功案例 (testimonials) is its own voice."""
    menu = TextBlock("聚富源 首页 加入我们 收益模式 成功案例 会员章程", region="nav")
    join = page(HOME + "join.html", menu, TextBlock("加入聚富源，成为创业合伙人"),
                TextBlock("成为VIP会员只需一次性认购价值3980元的大礼包，即可获得推荐资格。"),
                TextBlock("您每亲自带来一位新会员，公司立即奖励600元；您带来的会员再带来新会员，您仍可获得300元。"),
                title="加入我们")
    assert page_kind(join) == "other"
    stories = page(HOME + "stories.html", menu, TextBlock("成功案例"),
                   TextBlock("李老师喝酵素三个月，停掉了降压药，血压一直正常。"), title="成功案例")
    found = analyze_site([home("欢迎光临"), join, stories], REGISTRY)
    assert {f.category for f in found if f.url.endswith("join.html")} >= {"pyramid_scheme"}
    assert {f.category for f in found if f.url.endswith("stories.html")} >= {"false_advertising"}


def test_an_item_link_to_a_page_that_offers_nothing_is_no_product_page() -> None:
    """A prescription upload form linked from a drug's name has no price to disclose."""
    rx = page(HOME + "rx.html?sku=AMX24", TextBlock("上传处方 · 申请审方"), TextBlock("用药人姓名"), TextBlock("处方图片"),
              kind="product", title="上传处方 · 申请审方")
    assert page_kind(rx) == "other"
    found = analyze_site([home("欢迎光临"), rx], REGISTRY)
    assert [f for f in found if f.category == "mandatory_disclosure"] == []


@pytest.mark.parametrize("text", [
    "阿莫西林胶囊 0.25g×24粒（处方药，凭处方购买，执业药师审方后发货）",
    "用户注册：您需提供手机号码并设置密码完成注册。",
    "羽绒服 ￥99（原价￥1299：本店2024年3月1日至5月31日的实际售价）",
    "药品除质量问题外，一经售出不予退换。",
])
def test_lawful_bases_stated_bind_rules_and_model(text: str) -> None:
    assert analyze_text(text) == []


def test_the_site_owner_named_as_主办单位_is_compared_with_the_registry() -> None:
    def site_of(name: str) -> list:  # noqa: ANN401
        bare = Page(url=HOME, blocks=(TextBlock(f"主办单位：{name} 统一社会信用代码：{REGISTRY.uscc}"),
                                      TextBlock("青ICP备19000123号-1")), is_home=True)
        return [f for f in analyze_site([bare], REGISTRY) if f.category == "license_display"]

    assert [f.match for f in site_of("西宁另一家电子商务有限公司")] == ["西宁另一家电子商务有限公司"]
    assert site_of(REGISTRY.name) == []


@pytest.mark.parametrize(("text", "want"), [
    ("所谓“磁疗床垫治百病”的讲座都是骗局，别让老人买。", "warning"),       # a claim named only to be called false
    ("别信朋友圈里那些说能停药的茶。", "warning"),
    ("商家说“售出不退”的直接跳过。", "warning"),
    ("本店“最终解释权”一条已删除。", "compliance"),                      # a term named only to say it is gone
    ("之前说“全网最低价”被警告了。", "compliance"),
    ("本店不要求您提供身份证号。", "compliance"),
    ("教你一个零投入的办法：先交99元激活资格。", "offer"),              # 教你 teaches an offer here
    ("教你如何识别高仿包。", "warning"),
    ("不要信用卡支付也可以，支持花呗。", "offer"),                        # 不要信 is not 不要信用卡
    ("本店承诺：加盟三个月回本，月收益不低于一万，达不到退加盟费。", "offer"),  # a promise's own 不, not a refusal
    ("本店承诺：绝不销售来路不明的商品。", "compliance"),
])
def test_who_speaks_in_free_words(text: str, want: str) -> None:
    assert voice(text) == want


@pytest.mark.parametrize("text", [
    "市场规则：标题里带“原单”“超A”等用语的商品会被下架。",                  # a run of quoted terms, named as words
    "网友问：写“特供茶”合法吗？答：除非真有供应关系，否则不行。",
    "那家店号称“国家级大师监制”，后来被查了，大家注意。",
    "吐槽：客服问我要银行卡密码，说是验证身份，我直接拉黑了。",           # a consumer's post, labelled as such
    "县公安局通报：两名男子以“消费返利”为名，收取会员费并按拉人数返佣。",  # a body's bulletin
])
def test_words_quoted_to_be_talked_about_do_not_fire(text: str) -> None:
    assert analyze_text(text, options={"use_model": False}) == []


@pytest.mark.parametrize(("text", "category"), [
    ("本店茶叶“国宴专用”，送礼有面子。", "gov_impersonation"),              # the shop's own goods, its own claim
    ("我们的面膜是“国家级”实验室研发，效果立竿见影。", "false_advertising"),
    ("客服回复说“拆封后一律不退”，我的吹风机还没用过。", "return_policy"),  # the merchant's own words, reported
])
def test_a_shops_own_words_in_quotes_still_fire(text: str, category: str) -> None:
    assert category in {f.category for f in analyze_text(text, options={"use_model": False})}


def test_mentioned_is_about_the_quoted_span_only() -> None:
    s = normalise_term("平台下架含“高仿”等字样的商品,另有高仿包特价")
    first, second = s.index("高仿"), s.rindex("高仿")
    assert mentioned(s, first, first + 2)
    assert not mentioned(s, second, second + 2)


def test_a_block_labelled_as_advice_speaks_as_a_warning_throughout() -> None:
    block = "科普：什么是“莆田鞋”？其实莆田是福建的一个城市，有很多正规鞋厂，但莆田货常被用来指代仿冒鞋。"
    assert voice("但莆田货常被用来指代仿冒鞋。", context=block) == "warning"
    shop = "温馨提示：本店商品一经售出概不退换。"
    assert voice("本店商品一经售出概不退换。", context=shop) == "offer"   # a shop's own 温馨提示 is no such label


@pytest.mark.parametrize("block", [
    "普及一下：标“原单”的包大多是仿品，正品尾货走奥莱渠道。",
    "如何识别传销？看三点：交钱入门、拉人头、团队计酬。",
    "怎么辨别高仿表？看机芯编号和保卡能否在官网查到。",
])
def test_a_lesson_in_telling_a_scheme_is_advice_throughout(block: str) -> None:
    last = block.split("？")[-1] if "？" in block else block.split("：")[-1]
    assert voice(last, context=block) == "warning"
    assert not analyze_text(block)


def test_a_banned_goods_section_of_a_rules_page_speaks_for_its_items() -> None:
    """三、禁售商品目录 as a section heading, its items each a list entry: the platform's list, not offers."""
    from analyzers.engine import analyze_page
    from extraction.page import extract_page

    html = ("<html><head><title>交易规则</title></head><body><main><h1>平台交易规则</h1>"
            "<h2>一、商家准入</h2><p>商家须具备合法主体资格。</p>"
            "<h2>三、禁售商品目录（节选）</h2><ul><li>管制刀具、弩及弩箭；</li>"
            "<li>高仿名牌包、A货手表；</li><li>以网络直销名义招募会员的项目。</li></ul>"
            "<h2>四、信息审核</h2><p>平台对商品信息进行审核。</p></main></body></html>")
    assert analyze_page(extract_page(html, "http://shop.example.cn/rules/trading.html")) == []
    offer = html.replace("<h2>三、禁售商品目录（节选）</h2>", "<h2>三、本周上新</h2>")
    assert {f.category for f in analyze_page(extract_page(offer, "http://shop.example.cn/rules/trading.html"))}


def test_an_faqs_questions_are_the_buyers_not_the_shops_claims() -> None:
    """A question (sentence with its ？) is a buyer's on an FAQ page; the same words asked on a product page are
    the seller's own rhetorical claim and are judged."""
    from analyzers.engine import analyze_page
    from extraction.page import extract_page

    html = ("<html><head><title>常见问题</title></head><body><main><h1>常见问题</h1>"
            "<h3>你家有卖“A货”手表吗？</h3><p>没有，本店只卖国行正品，可查保卡。</p>"
            "<h3>这款护膝能治好风湿病吗？</h3><p>不能，护膝只是保暖，病痛请就医。</p></main></body></html>")
    assert analyze_page(extract_page(html, "http://shop.example.cn/help/faq.html")) == []
    pitch = ("<html><head><title>加绒护膝 ¥59</title></head><body><main><h1>加绒护膝</h1>"
             "<p>价格：¥59，包邮，立即购买。这款护膝能治好风湿病吗？戴上一个月，风湿病根治不复发！</p></main></body></html>")
    assert "false_advertising" in {f.category for f in analyze_page(extract_page(pitch, "http://shop.example.cn/item/7.html"))}


def test_a_number_read_from_a_badge_image_is_not_format_checked() -> None:
    """OCR misreads digits: a filing or credit-code number read off an image proves nothing about its format; the
    same number written in the page's text is checked."""
    from analyzers.engine import analyze_page
    from analyzers.model import Image

    badge = Image(src="http://shop.example.cn/img/police.png", path="body>footer>a>img", ocr_text="青公网安备63010302")
    read = Page(url=HOME, blocks=(TextBlock("欢迎光临"),), images=(badge,), is_home=True)
    assert not [f for f in analyze_page(read) if f.rule_id == "FIL-POLICE-INVALID"]
    written = Page(url=HOME, blocks=(TextBlock("欢迎光临"), TextBlock("青公网安备63010302")), is_home=True)
    assert [f.rule_id for f in analyze_page(written) if f.rule_id == "FIL-POLICE-INVALID"] == ["FIL-POLICE-INVALID"]


@pytest.mark.parametrize("text", [
    "买家：你们这款表是A货吗？卖家：亲，不是的，本店只卖国行正品，可查保卡。",   # a buyer asks; the seller denies
    "【科普】为什么包装上不能印“国家免检”？因为免检制度早已取消。",           # advice in brackets, no colon
    "我们店不说“全网最低”，只说这是本店今年的活动价。",                       # words the shop says it does not use
    "为什么有些网店的“A货”表不能买？因为它们假冒他人注册商标。",              # a lesson on others' offers
    "本店不会在任何页面收集您的身份证号码。",                                  # a denial with words between
])
def test_chats_and_labelled_advice_do_not_fire(text: str) -> None:
    assert analyze_text(text, options={"use_model": False}) == []


def test_a_seeding_post_labelled_as_sharing_is_still_judged() -> None:
    """【分享】 without a colon is no advice label: shops wear it on their own seeding posts."""
    post = "【分享】我家楼下那家店的降压枕，卫健委推荐，睡一个月血压就稳了，链接在评论区。"
    assert {f.category for f in analyze_text(post, options={"use_model": False})}


def test_digital_goods_name_their_delivery_as_a_download_or_a_code() -> None:
    """交付方式：付款后发送激活码 is the delivery method of a digital good (Art. 11(3)); a product page without any is not."""
    from analyzers.rules.base import site

    def disc(delivery: str) -> list[str]:
        ex = site(home("欢迎光临"), page(HOME + "item/2.html", "商用字体 企业许可 价格：¥199", "运费：0元",
                                         delivery, "配送范围：全国", "支付方式：微信支付、支付宝",
                                         "退换货方式：发送前可退款", "生产者：某字库公司", kind="product"))
        return [f.match for f in analyze_site(ex.pages, ex.registry) if f.rule_id == "DISC-PRODUCT-INFO"]

    assert disc("交付方式：付款后1个工作日内邮件发送授权文件") == []
    assert disc("注意：请仔细阅读授权说明") == ["配送方式"]


def test_a_books_publisher_is_its_producer() -> None:
    from analyzers.rules.base import site

    def disc(who: str) -> list[str]:
        ex = site(home("欢迎光临"), page(HOME + "item/b1.html", "《青海湖鸟类图鉴》 价格：¥68", who, "运费：满49元包邮",
                                         "配送方式/范围：中通快递，全国", "支付方式：微信支付", "退换货：支持七天无理由退货",
                                         kind="product"))
        return [f.match for f in analyze_site(ex.pages, ex.registry) if f.rule_id == "DISC-PRODUCT-INFO"]

    assert disc("出版者：青海人民出版社；ISBN 978-7-225-00000-0") == []
    assert disc("装帧：平装") == ["生产者"]


@pytest.mark.parametrize("text", ["巴宝莉格纹围巾 B家经典款 羊绒 高版本", "L家 老花 1比1 私", "G家 双G腰带 专柜验不出来",
                                  "香奈儿CF 顶级版本 原厂皮料", "茅台回收瓶灌装，口感接近原厂"])
def test_replica_grades_and_brand_initials(text: str) -> None:
    assert "counterfeit_goods" in _cats(text)


@pytest.mark.parametrize("text", ["1比1比例仿真汽车模型，合金材质。", "新款软件升级到高版本，兼容更多机型。",
                                  "这款是实木家具，a家同款配色。", "香水小样从原装瓶分装，附原瓶照片和购买小票。"])
def test_replica_words_without_a_brand(text: str) -> None:
    assert "counterfeit_goods" not in _cats(text)


@pytest.mark.parametrize(("text", "category"), [
    ("花瓶水最好每天更换一次，并斜剪根部1-2厘米。", "false_advertising"),
    ("枸杞最好用80℃左右的热水冲泡，避免营养流失。", "false_advertising"),
    ("生产者：中国第一铅笔有限公司（上海市）", "false_advertising"),
    ("任何宣称“治疗颈椎病”“降血压”的床垫宣传都不可信，本店也不销售此类商品。", "false_advertising"),
    ("个人卖家入驻须提交姓名、身份证号码和联系地址，用于平台依法核验身份。", "privacy"),
    ("缅甸天然翡翠手镯（A货，即未经酸洗充胶处理），附国检证书。", "counterfeit_goods"),
])
def test_advice_firm_names_warnings_and_lawful_checks(text: str, category: str) -> None:
    assert category not in _cats(text)


def test_treated_jade_sold_as_a_grade_is_counterfeit() -> None:
    assert "counterfeit_goods" in _cats("卖A货翡翠？不，是B+C货，注胶染色，看起来跟A货一样，按A货价卖")


def test_a_mark_declared_on_one_page_names_the_goods_on_another() -> None:
    home_page = home("“至尊鲤”为本公司注册商标（第45120376号），并非对产品品质的评价。")
    item = page(HOME + "item/rod.html", "至尊鲤 碳素台钓竿 4.5米 ¥358.00", "运费：包邮 顺丰快递 全国", kind="product")
    rules = {"use_model": False}  # the filter judges the rules' hits (the trained layer may veto this one on its own)
    assert "AD-ABSOLUTE-TERM" not in {f.rule_id for f in analyze_site([home_page, item], REGISTRY, options=rules)}
    assert "AD-ABSOLUTE-TERM" in {f.rule_id for f in analyze_site([home("欢迎"), item], REGISTRY, options=rules)}
