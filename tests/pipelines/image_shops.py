"""Fixture storefronts whose selling copy is only in images (drawn here with Pillow).

``bad``: a detail image (tall, busy background, traditional characters, a vertical column), a home
banner, a renamed and re-coloured copy of the 工商网监 mark linked to the shop's own "verification"
page, and a QR code to a paid recruitment group on another host. ``good``: the same kind of shop,
lawful copy in its images, the mark linked to the official service, a QR code to its own page.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from analyzers.images import draw_reference
from tests.crawler.sitekit import Site

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FOOTER = ("<footer><p>主体名称：西宁示例商贸有限公司 统一社会信用代码：91630100MA7528H0P6</p>"
          "<p>青ICP备19000123号-1</p></footer>")


def _png(im: Any, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buf.getvalue()


def selling_image(lines: list[str], *, w: int = 750, h: int = 1400, vertical: str = "", busy: bool = True) -> bytes:
    im = Image.new("RGB", (w, h), (250, 238, 215))
    d = ImageDraw.Draw(im)
    if busy:  # diagonal stripes behind the text
        for x in range(-h, w, 36):
            d.line([(x, 0), (x + h, h)], fill=(222, 190, 150), width=8)
    font = ImageFont.truetype(FONT, 40)
    y = 90
    for t in lines:
        d.text((40, y), t, font=font, fill=(170, 20, 20))
        y += 280
    for k, ch in enumerate(vertical):
        d.text((w - 80, 120 + k * 50), ch, font=font, fill=(0, 0, 0))
    return _png(im, "JPEG")


def qr_image(payload: str, caption: str) -> bytes:
    import cv2

    m = cv2.QRCodeEncoder.create().encode(payload)
    qr = Image.fromarray(m).convert("RGB").resize((m.shape[1] * 8, m.shape[0] * 8), Image.NEAREST)
    lines = caption.split("\n")
    im = Image.new("RGB", (max(qr.width + 40, 560), qr.height + 60 + 50 * len(lines)), "white")
    im.paste(qr, (20, 20))
    for k, line in enumerate(lines):
        ImageDraw.Draw(im).text((20, qr.height + 40 + 50 * k), line, font=ImageFont.truetype(FONT, 32), fill="black")
    return _png(im)


def recoloured_badge(kind: str) -> bytes:
    ref = draw_reference(kind)
    return _png(Image.merge("RGB", ref.split()[::-1]).resize((180, 60)))


def _home(banner: str, badge_href: str, title: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<main><h1>{title}</h1><img src='/img/banner.jpg' width='750' height='300'>"
            "<ul><li><a href='/item/1.html'>商品一</a></li></ul></main>"
            f"<footer><a href='{badge_href}'><img src='/static/a1.png' width='180' height='60'></a></footer>"
            f"{FOOTER}</body></html>")


def _item(title: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<main><h1>{title}</h1><p class='price'>￥199 包邮 立即购买</p>"
            "<div class='detail'><img src='/img/detail1.jpg' width='750' height='1400'>"
            "<img src='/img/qr.png'></div></main></body></html>")


def bad_shop() -> Site:
    s = Site("images-bad")
    s.page("/", _home("", "/license/verify.html", "高原好物"))
    s.page("/item/1.html", _item("牦牛骨粉 - 高原好物"))
    s.page("/license/verify.html", "<html><body><p>工商网监 认证通过</p></body></html>")
    s.raw("/img/banner.jpg", _img(selling_image(["全网销量第一", "限时抢购"], h=300, busy=False)))
    s.raw("/img/detail1.jpg", _img(selling_image(["国家级专利配方 三天根治糖尿病", "純天然 無副作用 治癒高血壓",
                                                   "限时特价 包邮"], vertical="扫码进群")))
    s.raw("/img/qr.png", _img(qr_image("http://qun.example.org/join?group=88", "扫码进群 入群费199元\n拉人头返佣 发展下线三级提成")))
    s.raw("/static/a1.png", _img(recoloured_badge("redshield")))
    return s


def good_shop() -> Site:
    s = Site("images-good")
    s.page("/", _home("", "https://www.gsxt.gov.cn/corp-query-entprise-info.html", "雪域好物"))
    s.page("/item/1.html", _item("牦牛肉干 - 雪域好物"))
    s.raw("/img/banner.jpg", _img(selling_image(["青海牦牛肉干", "产地直发"], h=300, busy=False)))
    s.raw("/img/detail1.jpg", _img(selling_image(["高原散养牦牛 手工晾晒", "顺丰包邮 七天无理由退货",
                                                   "配料：牦牛肉 食盐"], vertical="产地直发")))
    s.raw("/img/qr.png", _img(qr_image("https://mp.weixin.qq.com/s/shop-news", "扫码关注公众号")))
    s.raw("/static/a1.png", _img(recoloured_badge("redshield")))
    return s


def _img(body: bytes) -> Any:
    ctype = "image/png" if body.startswith(b"\x89PNG") else "image/jpeg"
    return lambda _p: (200, {"Content-Type": ctype}, body)
