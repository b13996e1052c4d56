"""Chinese labels of the rule catalogue: categories, severities, and the articles of the Xining rules
(《西宁市电子商务信用管理制度》) that findings cite, each with a short summary and its legal notation
(第十五条第（五）项). Pure data and functions: the UI, the CLI, digests and the catalogue share them."""

from __future__ import annotations

import re
import unicodedata

REGULATION = "《西宁市电子商务信用管理制度》"

CATEGORY_LABELS = {
    "license_display": "营业执照信息公示",
    "filing_display": "备案信息公示",
    "mandatory_disclosure": "商品信息披露",
    "return_policy": "七日无理由退货",
    "unfair_terms": "不公平格式条款",
    "privacy": "个人信息保护",
    "false_advertising": "虚假宣传",
    "trademark_misuse": "商标标识滥用",
    "design_copying": "仿冒网页设计",
    "gov_badge_forgery": "伪造政府电子标识",
    "gov_impersonation": "冒用政府名义",
    "harassing_ads": "骚扰式广告",
    "counterfeit_goods": "假冒商品",
    "pyramid_scheme": "网络传销",
    "malicious_code": "恶意代码",
    "prohibited_goods": "禁限售商品",
    "platform_rules": "平台制度缺失",
}

SEVERITY_LABELS = {"critical": "严重", "high": "高", "medium": "中", "low": "低", "info": "提示"}


# article -> summary (the article's own words, shortened)
ARTICLES = {
    "6": "建立电子商务经营主体信用档案",
    "9": "在网站主页面醒目位置公开营业执照登载的信息或者其营业执照的电子链接标识",
    "11(1)": "法律法规禁止交易的商品或者服务和未取得前置许可的商品或者服务，不得在网上进行交易",
    "11(3)": "事先在网页上说明商品或者服务的名称、生产者、价格、运费、配送方式、配送范围、支付形式、退换货方式等主要信息",
    "11(4)": "自消费者收到商品之日起7日内无条件给予退货（法定除外商品除外）",
    "11(5)": "电子格式合同条款应当公平，不得减轻、免除经营者责任或者排除、限制消费者主要权利",
    "11(7)": "不得收集与提供商品和服务无关的消费者信息，负有安全保管、合理使用义务",
    "11(8)": "发布的商品和服务交易信息应当真实准确，不得作虚假宣传和虚假表示",
    "12": "网络商品交易平台应当建立用户注册、交易规则、消费者权益保护、公示及预警等制度",
    "13(4)": "收集消费者个人信息前应当获得明确许可，明确告知使用用途",
    "15(1)": "不得捏造、散布虚假信息，发布违法广告或者进行恶意对比",
    "15(2)": "不得未经许可使用证明商标标识、地理标志标识或他人注册商标标识",
    "15(3)": "不得擅自使用他人网站特有的网页设计，造成与他人的网站相混淆",
    "15(4)": "不得在网站上伪造、冒用政府及有关行政管理部门电子标识等标志",
    "15(5)": "不得在网站上利用文字、图片、视频等对企业形象、商品进行虚假宣传",
    "15(6)": "不得以合同格式条款等方式单方面作出对消费者不公平、不合理的规定",
    "15(7)": "不得冒用政府机关、社会团体或者他人企业的名义推广其商品或者网络服务",
    "15(8)": "不得利用网络植入恶意插件程序，采用弹出式广告等方式干扰用户",
    "15(9)": "不得销售假冒伪劣商品",
    "15(10)": "不得从事网络传销等违法活动",
    "15(11)": "不得利用网络植入恶意代码、危害网络安全",
    "16": "履行信息安全等级保护、互联网站安全管理备案义务",
    "22": "采集、固定电子证据时，应当将网站页面等电子证据以书面等有形载体进行固定与显示",
    "23": "电子证据的制作情况和真实性可以通过鉴定等多种方式予以确认",
    "24": "网络商品交易违法案件立案后，经相关职能部门下达暂停提供服务通知书等书面材料予以实施",
    "25": "作出行政处罚后需要关闭违法行为人网站的，将行政处罚决定书送交电信运营商",
}

_CN_DIGITS = "零一二三四五六七八九"
_CN_PARTS = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    if n <= 10:
        return _CN_PARTS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")


def article_label(article: str) -> str:
    """'15(5)' -> '第十五条第（五）项'; '9, 16' -> '第九条、第十六条'."""
    parts = []
    for one in re.split(r"\s*,\s*", article.strip()):
        m = re.fullmatch(r"(\d+)(?:\((\d+)\))?", one)
        if not m:
            parts.append(one)
            continue
        text = f"第{_cn_number(int(m.group(1)))}条"
        if m.group(2):
            text += f"第（{_cn_number(int(m.group(2)))}）项"
        parts.append(text)
    return "、".join(parts)


def article_summaries(article: str) -> list[tuple[str, str]]:
    """[(label, summary)] for each article cited (summary empty when unknown)."""
    out = []
    for one in re.split(r"\s*,\s*", article.strip()):
        if one:
            out.append((article_label(one), ARTICLES.get(one, ARTICLES.get(one.split("(")[0], ""))))
    return out


def category_label(c: str) -> str:
    return CATEGORY_LABELS.get(c, c)


def severity_label(s: str) -> str:
    return SEVERITY_LABELS.get(s, s)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
