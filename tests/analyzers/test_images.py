"""Government marks by their look, QR codes, and the image evidence of OCR findings (pure functions)."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageDraw, ImageEnhance

from analyzers.images import BADGE_LOOKS, badge_look, decode_qr, draw_reference, image_evidence
from analyzers.model import Finding, Location, Page
from analyzers.model import Image as PageImage


def _bytes(im: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("kind", sorted(BADGE_LOOKS))
def test_altered_copies_of_each_mark_are_recognised(kind: str) -> None:
    ref = draw_reference(kind)
    copies = {
        "recoloured": Image.merge("RGB", ref.split()[::-1]),
        "resized": ref.resize((int(ref.width * 0.7), int(ref.height * 0.7))),
        "jpeg": Image.open(io.BytesIO(_bytes(ref, "JPEG"))),
        "brighter": ImageEnhance.Brightness(ref).enhance(1.3),
    }
    for name, im in copies.items():
        got = badge_look(_bytes(im))
        assert got is not None and got[0] == kind, (name, got)


def test_unrelated_small_images_are_not_marks() -> None:
    rnd = random.Random(7)
    hits = []
    for _ in range(120):
        w, h = rnd.choice([(240, 80), (120, 40), (60, 60), (100, 120), (88, 31)])
        im = Image.new("RGB", (w, h), tuple(rnd.randrange(256) for _ in range(3)))
        d = ImageDraw.Draw(im)
        for _ in range(rnd.randrange(1, 6)):
            x, y = rnd.randrange(w), rnd.randrange(h)
            d.rectangle((x, y, x + rnd.randrange(5, w), y + rnd.randrange(5, h)),
                        fill=tuple(rnd.randrange(256) for _ in range(3)))
        if badge_look(_bytes(im)) is not None:
            hits.append((w, h))
    assert hits == []


def test_bad_input() -> None:
    assert badge_look(b"not an image") is None
    assert decode_qr(b"") == () and decode_qr(b"garbage") == ()
    with pytest.raises(ValueError, match="unknown badge kind"):
        draw_reference("nope")


def test_qr_is_decoded() -> None:
    import cv2

    m = cv2.QRCodeEncoder.create().encode("http://qun.example.org/j?g=1")
    im = Image.fromarray(m).resize((m.shape[1] * 6, m.shape[0] * 6), Image.NEAREST)
    canvas = Image.new("L", (im.width + 40, im.height + 40), 255)
    canvas.paste(im, (20, 20))
    assert decode_qr(_bytes(canvas)) == ("http://qun.example.org/j?g=1",)


def test_image_evidence_names_the_line_and_box() -> None:
    img = PageImage(src="http://s.cn/d.jpg", path="main>img", sha256="ab" * 32, ocr_text="包邮\n国家级配方",
                    ocr_boxes=((1, 2, 30, 20), (5, 40, 300, 80)))
    page = Page(url="http://s.cn/item/1.html", images=(img,))
    f = Finding(rule_id="AD-ABSOLUTE-TERM", category="false_advertising", article="15(5)", law=("广告法 第九条",),
                severity="medium", confidence=0.9, url=page.url, match="国家级", excerpt="",
                location=Location(kind="image", selector="main>img", start=3, end=6), explanation="")
    other = Finding(**{**{k: getattr(f, k) for k in f.__dataclass_fields__},
                       "location": Location(kind="text", selector="p")})
    got, untouched = image_evidence([f, other], [page])
    assert got.evidence == {"image_url": img.src, "image_sha256": img.sha256, "ocr_line": "国家级配方",
                            "ocr_box": "5,40,300,80"}
    assert untouched.evidence is None


def test_image_model_round_trips_through_json() -> None:
    img = PageImage(src="x", ocr_boxes=((1, 2, 3, 4),), qr=("http://a",))
    page = Page.from_dict(Page(url="http://s.cn/", images=(img,)).to_dict())
    assert page.images[0] == img


def test_ocr_cache_is_pruned_when_unused(tmp_path) -> None:
    import os
    import time

    from store.retention import prune_ocr_cache

    old, new = tmp_path / "a.json", tmp_path / "b.json"
    old.write_text("{}")
    new.write_text("{}")
    past = time.time() - 100 * 86400
    os.utime(old, (past, past))
    assert prune_ocr_cache(tmp_path, days=90) == 1
    assert not old.exists() and new.exists()
    assert prune_ocr_cache(tmp_path / "missing") == 0


def test_boxed_exhibit_outlines_the_line() -> None:
    from analyzers.images import boxed_exhibit

    plain = _bytes(Image.new("RGB", (200, 100), "white"))
    out = Image.open(io.BytesIO(boxed_exhibit(plain, "20,30,120,60", label="国家级")))
    assert out.getpixel((20, 45))[0] > 200 and out.getpixel((20, 45))[1] < 50  # red edge
    assert out.getpixel((70, 45)) == (255, 255, 255)  # inside untouched
    for bad in ("1,2,3", "5,5,1,1", "a,b,c,d"):
        with pytest.raises(ValueError, match="bad box"):
            boxed_exhibit(plain, bad)
    with pytest.raises(ValueError, match="cannot be decoded"):
        boxed_exhibit(b"nope", (0, 0, 1, 1))
