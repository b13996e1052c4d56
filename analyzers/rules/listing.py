"""counterfeit_goods (Art. 15(9)) read off a listing page: grade words on several priced items.

A shop of replicas rarely writes 高仿 on its list of goods; it grades them the trade's way — 纯原,
顶级版本, 过验, 对版, 专柜同源 — next to a price, item after item. One such word in one sentence is a
weak hint that the text rules rightly leave alone; the same grading on two or more priced items of a
home or listing page is how the shop tells buyers what it sells. 商标法 第五十七条; 产品质量法 第五条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.model import Location, Page
from analyzers.normalise import normalise_term
from analyzers.rules.base import HOME, Hit, Rule, home, page, site
from analyzers.understand import page_kind

# the trade's grades of a copy (not 尾货 or 1:1 alone: outlets and scale models use them lawfully;
# not A货: jadeite's lawful grade)
_GRADE = re.compile(r"纯原|顶级版本?|高版本|公司级|过验|对版|专柜同源|同源尾货|外贸原单|原单(?!号)|一比一|1[:比]1(?:复刻|做工|原版|还原)"
                    r"|复刻|高仿|精仿|莆田|原厂代工|同线出品|同厂同料")
_PRICE = re.compile(r"[¥￥]\s*\d|\d\s*元")
_AUTHORISED = re.compile(r"官方正品|品牌授权|授权经销|假一赔|不售高仿|不卖高仿|谨防|举报")
_MAX_ITEM = 80  # a listing item: a short line with its price


def check_listing_grades(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    if page_kind(p) not in ("home", "listing"):
        return
    items: list[tuple[str, str]] = []
    for b in p.blocks:
        if b.hidden or b.region in ("footer", "nav") or len(b.text) > _MAX_ITEM:
            continue
        text = normalise_term(b.text)
        m = _GRADE.search(text)
        if m and _PRICE.search(text) and not _AUTHORISED.search(text):
            items.append((m.group(0), b.text))
    if len({t for _, t in items}) < 2:
        return
    grades = "、".join(dict.fromkeys(g for g, _ in items))
    yield Hit(match=items[0][1][:60], location=Location(kind="text", selector=p.url), confidence=0.7,
              excerpt="；".join(t for _, t in items[:4])[:300], detail=f"（{len(items)} 件商品标注：{grades}）")


_BANNED_LIST = page(HOME + "rules/banned.html", "禁售规则", "禁止发布标注“纯原”“顶级版本”的商品，违者扣除 ¥500 保证金",
                    "禁止发布“原单”“复刻”商品，违者罚款 2000 元", kind="terms")

RULES: tuple[Rule, ...] = (
    Rule(id="CF-LISTING-GRADES", category="counterfeit_goods", article="15(9)",
         law=("商标法 第五十七条", "产品质量法 第五条"), severity="medium",
         explanation="商品列表中多件商品以“纯原”“顶级版本”“过验”“专柜同源”等仿品等级用语标价销售", check=check_listing_grades,
         scope="page",
         what="A home or listing page where two or more priced items carry the replica trade's grade words "
              "(纯原, 顶级版本, 过验, 对版, 专柜同源, 原单, 复刻) — the way a copy shop labels its list of goods.",
         why="第十五条第（九）项禁止利用网络销售假冒伪劣商品；商标法第五十七条：销售侵犯注册商标专用权的商品属侵权。",
         bad=(site(home("L家经典老花托特包 中号 专柜同源 ¥698", "复古风A字半身裙 高腰显瘦 ¥129", "椰子350 “灰天使” 纯原 ¥459"),
                   description="首页商品列表两件商品标注“专柜同源”“纯原”"),),
         good=(site(home("L家经典老花托特包 纯原 ¥698", "复古风A字半身裙 ¥129"),
                    description="只有一件商品带等级词：留给文本规则判断"),
               site(home("1:1 比例仿真汽车模型 合金 ¥299", "品牌尾货清仓 羊毛衫 ¥99", "天然翡翠A货手镯 附国检证书 ¥3800",
                         "经典款复刻回归 官方正品 ¥899"),
                    description="比例模型、尾货清仓、翡翠A货与官方复刻款"),
               site(home("欢迎"), _BANNED_LIST, description="禁售规则页列举仿品用语（不是商品列表）")),
         references=("商标法 第五十七条",)),
)

