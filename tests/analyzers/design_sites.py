"""Fixture storefronts for design copying (Art. 15(3)): lawful shops on shared SaaS templates with their
own content, logos and names (hard negatives), and copies of registered sites (the truth).

Each site is ``(key, html, resources, images)`` for :func:`analyzers.design.fingerprint`; ``COPIES``
maps each copy to the site it copies.
"""

from __future__ import annotations

import hashlib
import random

TEMPLATES = {  # SaaS themes: skeleton and class names, one CSS and one JS body each
    "youzan": ("yz-header", "yz-nav", "yz-goods-list", "yz-goods-item", "yz-footer"),
    "weidian": ("wd-top", "wd-menu", "wd-grid", "wd-card", "wd-bottom"),
    "shopyy": ("theme-head", "theme-nav", "collection", "product-card", "theme-foot"),
}
BRANDS = ["雪域牦牛", "高原红枸杞", "三江源藏茶", "青稞坊", "昆仑玉石", "祁连山蜂蜜", "湟源陈醋", "柴达木黑枸杞",
          "互助青稞酒", "塔尔寺唐卡", "可可西里手作", "循化线辣椒", "河湟羊肉", "门源菜籽油", "贵德梨园"]
WORDS = ("青海 特产 包邮 正品 产地 直发 新鲜 手工 传统 工艺 高原 有机 绿色 礼盒 送礼 优惠 会员 售后 七天 无理由 "
         "顺丰 品质 口感 营养 健康 牦牛 枸杞 青稞 藏茶 蜂蜜 农家 天然 散养 精选").split()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def page(template: str, name: str, seed: int, *, classes: dict[str, str] | None = None, products: int = 8,
         copy_of_seed: int | None = None, extra_banner: bool = False) -> str:
    """A home page on ``template``; ``copy_of_seed`` reuses another shop's product copy word for word."""
    head, nav, grid, item, foot = tuple((classes or {}).get(c, c) for c in TEMPLATES[template])
    rnd = random.Random(copy_of_seed if copy_of_seed is not None else seed)
    layout = random.Random(seed)
    items = []
    for i in range(products + layout.randrange(0, 5)):
        desc = "".join(rnd.choice(WORDS) for _ in range(18))
        items.append(f'<li class="{item}"><a href="/item/{i}.html"><img src="/img/p{i}.jpg" class="{item}-img">'
                     f'<h3 class="{item}-title">{name}{desc[:8]}</h3><p class="{item}-desc">{desc}</p>'
                     f'<span class="{item}-price">￥{rnd.randrange(19, 399)}</span></a></li>')
    navs = "".join(f'<li><a href="/c/{k}.html">{w}</a></li>' for k, w in enumerate(layout.sample(WORDS, 5 + layout.randrange(3))))
    banner = '<div class="banner"><img src="/img/banner2.jpg"></div>' if extra_banner else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}官方商城</title></head><body>'
            f'<div class="{head}"><img class="logo" src="/img/logo.png" alt="{name}"><form class="search">'
            f'<input name="q"></form></div><ul class="{nav}">{navs}</ul>{banner}'
            f'<div class="main"><h1>{name}</h1><ul class="{grid}">{"".join(items)}</ul></div>'
            f'<div class="{foot}"><p>{name}版权所有</p><p>青ICP备190{seed:05d}号</p></div></body></html>')


def resources(template: str, logo_seed: str) -> dict[str, list[str]]:
    return {"css": [sha("css:" + template)], "js": [sha("js:" + template)], "logo": [sha("logo:" + logo_seed)],
            "favicon": [sha("fav:" + logo_seed)]}


def imagery(seed: int, n: int = 10) -> list[str]:
    return [sha(f"img:{seed}:{i}") for i in range(n)]


def sites() -> tuple[list[tuple[str, str, dict[str, list[str]], list[str]]], dict[str, str]]:
    out = []
    templates = list(TEMPLATES)
    for k, brand in enumerate(BRANDS):  # lawful: 5 shops per template, each its own name, logo, copy, pictures
        t = templates[k % 3]
        out.append((f"shop{k}", page(t, brand, k), resources(t, brand), imagery(k)))
    copies = {}
    # 1. same template, the victim's logo and favicon bytes, its name, new copy and pictures
    out.append(("copy-logo", page("youzan", BRANDS[0], 101), resources("youzan", BRANDS[0]), imagery(101)))
    copies["copy-logo"] = "shop0"
    # 2. same template, an imitated name (雪域牦牛 -> 雪域牦牛旗舰), its pictures; own logo
    out.append(("copy-name-imagery", page("weidian", BRANDS[1] + "旗舰店", 102, copy_of_seed=1),
                resources("weidian", "fake1"), imagery(1)[:8] + imagery(102, 2)))
    copies["copy-name-imagery"] = "shop1"
    # 3. a saved copy of the victim's page on a home-made stylesheet: classes renamed, its copy and pictures
    renamed = {c: "x-" + c[::-1] for c in TEMPLATES["shopyy"]}
    out.append(("copy-saved-page", page("shopyy", "青海三江源茶", 103, classes=renamed, copy_of_seed=2),
                {"css": [sha("css:own103")], "js": [], "logo": [sha("logo:own103")]}, imagery(2)))
    copies["copy-saved-page"] = "shop2"
    # 4. same template, the victim's product copy word for word, a banner more, own logo and name
    out.append(("copy-text", page("youzan", "青稞人家", 104, copy_of_seed=3, extra_banner=True),
                resources("youzan", "own104"), imagery(104)))
    copies["copy-text"] = "shop3"
    return out, copies
