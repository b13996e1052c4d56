"""false_advertising (Art. 11(8), 15(1)) written by a page's scripts: sales or scarcity figures made up in the browser.

A counter that a script computes from ``Math.random()`` or the clock (已有 3,000+random 位顾客购买, 库存仅剩 1+random
件, 12000 + seconds since a date), or a "just bought" feed of notices written into the script in advance and shown in
turn by a timer, reports no transaction: it is a fabricated sales figure (电子商务法 第十七条：不得以
虚构交易…等方式进行虚假或者引人误解的商业宣传). A figure a script fetches from the shop's server is not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.model import Location, Page, Script
from analyzers.rules.base import HOME, Hit, Rule, home, site
from analyzers.scripts import source

# a string the script writes that speaks of sales, buyers or stock left
_SALES_LITERAL = re.compile(r"""(["'`])[^"'`\n]{0,30}?(?:已售|销量|月销|已有|人已(?:买|购|抢|付款)|位顾客|人购买|人在看|人正在|正在(?:抢|购|看)"""
                            r"""|库存仅剩|仅剩|已抢|人付款|笔订单|成交|人下单|下单成功|购买了|下单了|前购买|前下单|刚刚抢到)[^"'`\n]{0,30}?\1""")
# or a figure written into the page's sales or stock element (已售 <span id="sold">), computed in the same statement
_SALES_TARGET = re.compile(r"""getElementById\(\s*["'](?:sold|sales?|sold_?(?:num|count)|buyers?|bought|orders?|stock|left|remain)["']\s*\)"""
                           r"""\s*\.\s*(?:textContent|innerText|innerHTML)\s*=[^;\n]{0,160}""")
# a notice that someone just bought (来自西宁的李女士刚刚购买了「手镯」); three or more of them written into the script and
# shown in turn by a timer are a "live" feed made up in advance: a real one is fetched from the shop's orders
_BOUGHT_LITERAL = re.compile(r"""(["'`])[^"'`\n]{0,40}?(?:购买了|下单了|抢到了|拍下了|抢购了|买走了|订购了)[^"'`\n]{0,40}?\1""")
_TIMER = re.compile(r"\bset(?:Interval|Timeout)\s*\(")
_MADE_UP = re.compile(r"Math\.random\s*\(|Date\.now\s*\(|\.getTime\s*\(|new\s+Date\s*\(")
_WINDOW = 240  # characters either side of the string: the statement that computes the figure


def check_scripted_sales(p: Page, registry: Any, opts: dict[str, Any]) -> Iterator[Hit]:
    for sc in p.scripts:
        code = source(sc)[:200_000]
        if not code:
            continue
        # cheap tests first: a random number or the clock for a made-up figure, a timer for a canned feed
        made_up = "Math.random" in code or "Date" in code or "getTime" in code
        if not made_up and "setInterval" not in code and "setTimeout" not in code:
            continue
        where = Location(kind="script", selector=sc.src or "inline")
        hit = None
        if made_up:
            hit = next(((m.group()[1:-1], code[max(0, m.start() - _WINDOW):m.end() + _WINDOW])
                        for m in _SALES_LITERAL.finditer(code)
                        if _MADE_UP.search(code, max(0, m.start() - _WINDOW), m.end() + _WINDOW)), None)
            if hit is None:
                hit = next(((m.group(), code[max(0, m.start() - _WINDOW):m.end()]) for m in _SALES_TARGET.finditer(code)
                            if _MADE_UP.search(m.group()) or _computed_from_clock(code, m)), None)
        if hit is None:
            hit = _canned_feed(code)
        if hit is not None:
            yield Hit(match=hit[0][:80], location=where, confidence=0.8, excerpt=" ".join(hit[1].split())[:200])


def _canned_feed(code: str) -> tuple[str, str] | None:
    """Three or more different "X just bought Y" strings written into the script, which a timer shows in turn."""
    notices = list(_BOUGHT_LITERAL.finditer(code))
    if len({m.group()[1:-1] for m in notices}) < 3 or not _TIMER.search(code):
        return None
    first, last = notices[0], notices[-1]
    return first.group()[1:-1], code[max(0, first.start() - 40):min(last.end(), first.start() + _WINDOW)]


def _computed_from_clock(code: str, m: re.Match[str]) -> bool:
    """The value assigned is a variable set from the clock or a random number just before (var base = 12000 + Date…)."""
    value = re.match(r"[^=]*=\s*([A-Za-z_$][\w$]*)", m.group())
    if value is None:
        return False
    decl = re.search(r"(?:var|let|const)?\s*" + re.escape(value.group(1)) + r"\s*=([^;\n]{0,160})",
                     code[max(0, m.start() - _WINDOW):m.start()])
    return decl is not None and _MADE_UP.search(decl.group(1)) is not None


_LAW = ("电子商务法 第十七条", "反不正当竞争法 第八条")

RULES: tuple[Rule, ...] = (
    Rule(id="AD-SCRIPTED-SALES", category="false_advertising", article="11(8), 15(1)", law=_LAW, severity="high",
         explanation="页面脚本用随机数或时间凭空生成销量、购买人数或库存紧张提示，虚构交易",
         check=check_scripted_sales, scope="page",
         what="Sales, buyer or stock-left figures a page's script makes up from Math.random() or the clock "
              "(已有'+n+'位顾客购买 with n random; 12000 + seconds since a date), or a \"just bought\" feed of three or more "
              "notices written into the script and shown in turn by a timer.",
         why="电子商务法第十七条：电子商务经营者不得以虚构交易、编造用户评价等方式进行虚假或者引人误解的商业宣传；"
             "随机生成的销量与“仅剩几件”不是真实交易，违反第十一条第（八）项、第十五条第（一）项。",
         bad=(site(home("欢迎", scripts=(Script(inline="var n=Math.floor(3000+Math.random()*9000);"
                                                      "el.textContent='已有'+n+'位顾客购买';"),)),
                   description="随机数生成购买人数"),
              site(home("欢迎", scripts=(Script(src=HOME + "js/stock.js", fetched="setInterval(function(){s.innerText="
                                                "'库存仅剩'+(1+Math.floor(Math.random()*3))+'件'},5000)"),)),
                   description="同站脚本随机显示“仅剩几件”"),
              site(home("欢迎", scripts=(Script(inline="var sold=12000+Math.floor((Date.now()/1000-1700000000)/60);"
                                                      "box.innerHTML='月销 '+sold+' 件';"),)),
                   description="按时间递增的假月销量"),
              site(home("欢迎 已售 0 只", scripts=(Script(inline="var base = 9000 + Math.floor((Date.now()/1000-1.7e9)/600);"
                                                             "document.getElementById('sold').textContent = base;"),)),
                   description="页面写“已售”，脚本把随时间增长的数写进销量元素"),
              site(home("欢迎", scripts=(Script(inline="box.textContent = c + '的' + n + ' ' + (Math.floor(Math.random()*59)+1)"
                                                      " + '秒前购买了 ' + g;"),)),
                   description="随机拼出的“某某几秒前购买了”播报"),
              site(home("来自西宁的李女士刚刚购买了「手镯」", scripts=(Script(
                  inline="var L=['来自西宁的李女士刚刚购买了「手镯」','来自兰州的王先生刚刚购买了「摆件」',"
                         "'来自成都的陈女士刚刚购买了「手串」'];var i=0;setInterval(function(){i=(i+1)%L.length;"
                         "document.getElementById('ticker').textContent=L[i];},4000);"),)),
                   description="写死在脚本里、由定时器轮播的“刚刚购买了”")),
         good=(site(home("欢迎", scripts=(Script(inline="fetch('/api/sales').then(r=>r.json()).then(d=>{"
                                                       "el.textContent='已售'+d.count+'件'});"),)),
                    description="销量取自本店服务器"),
               site(home("欢迎", scripts=(Script(inline="var left=end-Date.now();t.textContent='距活动结束还有'+"
                                                       "Math.floor(left/3600000)+'小时';"),)),
                    description="倒计时，不是销量"),
               site(home("欢迎", scripts=(Script(inline="var id=Math.random().toString(36);"),
                                          Script(inline="el.textContent='已售 1,204 件';"))),
                    description="随机数与销量不在同一处"),
               site(home("欢迎", scripts=(Script(inline="setInterval(function(){fetch('/api/recent-orders').then(r=>r.json())"
                                                       ".then(o=>{t.textContent=`${o.city}的${o.name}刚刚购买了${o.item}`})},5000);"),)),
                    description="“刚刚购买”播报取自本店订单接口"),
               site(home("欢迎", scripts=(Script(inline="var tips=['全场包邮','新品上架','会员九五折'];var i=0;"
                                                       "setInterval(function(){b.textContent=tips[++i%3];},3000);"),)),
                    description="轮播的是促销语，不是购买播报")),
         references=_LAW),
)
