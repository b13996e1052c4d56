"""What an image shows, beyond its text: government marks by their look, QR codes, and the image
evidence of findings made from OCR text.

Pure functions of bytes and page models (no I/O): the pipelines call :func:`badge_look` and
:func:`decode_qr` on the images they fetched and store the results in ``Image.looks_like`` and
``Image.qr``; :func:`image_evidence` adds the image URL, its SHA-256, the recognised line and its
box to each finding whose text came from an image.

Reference marks are drawn here (Pillow) after the published designs of 工商网监/红盾, 电子营业执照
亮照, 网警, 公安备案 and 可信网站; a badge is recognised when the perceptual hash (imagehash pHash) of
its binarised shape is within :data:`LOOK_MAX_DISTANCE` bits of a reference — so a renamed file, a
re-coloured copy, a re-encoded or slightly resized one is still recognised.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from analyzers.model import Finding, Image, Page
from analyzers.urls import same_site

log = logging.getLogger(__name__)

# kind (the keys of analyzers.rules.gov._KIND_NAMES) -> the words a reader would see on it
BADGE_LOOKS: dict[str, str] = {
    "redshield": "工商网监 红盾 电子标识",
    "licence": "电子营业执照 亮照",
    "police": "网警 网络110报警服务",
    "policefiling": "公安备案",
    "trusted": "可信网站",
}
LOOK_MAX_DISTANCE = 10  # of 64 bits; unrelated images are ~32 apart (tests/analyzers/test_images.py)
_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in (_FONT, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _shield(d: Any, x: int, y: int, w: int, h: int, fill: Any) -> None:
    d.polygon([(x, y), (x + w, y), (x + w, y + h * 3 // 5), (x + w // 2, y + h), (x, y + h * 3 // 5)], fill=fill)


def draw_reference(kind: str) -> Any:
    """A reference drawing of a government mark (PIL image), after its published design."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    if kind == "redshield":  # red shield with 工商 on the left, 工商网监 / 电子标识 on the right
        im = PILImage.new("RGB", (240, 80), "white")
        d = ImageDraw.Draw(im)
        _shield(d, 6, 6, 56, 68, (200, 16, 24))
        d.text((14, 22), "工商", font=_font(20), fill="white")
        d.text((72, 6), "工商网监", font=_font(30), fill=(200, 16, 24))
        d.text((76, 46), "电子标识", font=_font(22), fill=(60, 60, 60))
    elif kind == "licence":  # blue card, round emblem, 电子营业执照 in white
        im = PILImage.new("RGB", (240, 80), (20, 80, 170))
        d = ImageDraw.Draw(im)
        d.ellipse((8, 10, 68, 70), fill=(230, 190, 40))
        d.ellipse((22, 24, 54, 56), fill=(200, 20, 20))
        d.text((78, 12), "电子营业执照", font=_font(26), fill="white")
        d.rectangle((78, 52, 230, 56), fill="white")
    elif kind == "police":  # round police badge, 网警 beneath in blue
        im = PILImage.new("RGB", (100, 120), "white")
        d = ImageDraw.Draw(im)
        d.ellipse((10, 4, 90, 84), fill=(0, 60, 160))
        d.polygon([(50, 14), (60, 40), (86, 40), (64, 56), (72, 80), (50, 64), (28, 80), (36, 56), (14, 40), (40, 40)],
                  fill=(240, 200, 40))
        d.text((22, 86), "网警", font=_font(26), fill=(0, 60, 160))
    elif kind == "policefiling":  # the small police emblem: gold star on a shield
        im = PILImage.new("RGB", (60, 60), "white")
        d = ImageDraw.Draw(im)
        _shield(d, 6, 4, 48, 54, (30, 70, 160))
        d.polygon([(30, 10), (36, 26), (52, 26), (39, 36), (44, 52), (30, 42), (16, 52), (21, 36), (8, 26), (24, 26)],
                  fill=(240, 200, 40))
    elif kind == "trusted":  # green check in a circle, 可信网站 / 身份验证
        im = PILImage.new("RGB", (240, 80), "white")
        d = ImageDraw.Draw(im)
        d.ellipse((6, 6, 74, 74), fill=(20, 150, 60))
        d.line([(20, 40), (36, 58), (62, 22)], fill="white", width=9)
        d.text((84, 6), "可信网站", font=_font(30), fill=(20, 150, 60))
        d.text((86, 46), "身份验证", font=_font(22), fill=(90, 90, 90))
    else:
        raise ValueError(f"unknown badge kind {kind!r}; known: {sorted(BADGE_LOOKS)}")
    return im


def _shape(im: Any) -> Any:
    """The shape of an image, whatever its colours: grey, equalised, binarised at the mean."""
    from PIL import ImageFilter, ImageOps

    g = ImageOps.equalize(im.convert("L").resize((64, 64))).filter(ImageFilter.GaussianBlur(1))
    hist = g.histogram()
    mean = sum(i * c for i, c in enumerate(hist)) / max(1, sum(hist))
    return g.point(lambda v: 255 if v > mean else 0).filter(ImageFilter.GaussianBlur(1))


def look_hash(im: Any) -> Any:
    import imagehash

    return imagehash.phash(_shape(im))


@lru_cache(maxsize=1)
def _references() -> tuple[tuple[str, Any, float], ...]:
    out = []
    for kind in BADGE_LOOKS:
        im = draw_reference(kind)
        out.append((kind, look_hash(im), im.width / im.height))
    return tuple(out)


def _open(data: bytes) -> Any:
    from PIL import Image as PILImage

    try:
        im = PILImage.open(io.BytesIO(data))
        im.load()
        return im.convert("RGB")
    except Exception:
        return None


def badge_look(data: bytes) -> tuple[str, int] | None:
    """(kind, distance) of the reference mark an image looks like, or None.

    Colour inversion is folded (a light-on-dark copy of a dark-on-light mark); the aspect ratio must be
    within a factor 1.5 of the reference's.
    """
    im = _open(data)
    if im is None or min(im.size) < 12:
        return None
    h = look_hash(im)
    ratio = im.width / im.height
    best: tuple[str, int] | None = None
    for kind, ref, ref_ratio in _references():
        if not (ref_ratio / 1.5 <= ratio <= ref_ratio * 1.5):
            continue
        d = int(h - ref)
        d = min(d, 64 - d)
        if d <= LOOK_MAX_DISTANCE and (best is None or d < best[1]):
            best = (kind, d)
    return best


def decode_qr(data: bytes) -> tuple[str, ...]:
    """Payloads of the QR codes in an image (OpenCV's detector), in reading order; () when none."""
    if not data:
        return ()
    import cv2
    import numpy as np

    img = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return ()
    det = cv2.QRCodeDetector()
    try:
        ok, texts, _, _ = det.detectAndDecodeMulti(img)
    except cv2.error:
        ok, texts = False, ()
    found = [t for t in (texts if ok else ()) if t]
    if not found:
        try:
            text, _, _ = det.detectAndDecode(img)
        except cv2.error:
            text = ""
        found = [text] if text else []
    return tuple(dict.fromkeys(found))


def _line_at(img: Image, start: int | None) -> tuple[str, tuple[int, int, int, int] | None]:
    lines = img.ocr_text.split("\n")
    if start is None or not lines:
        return "", None
    pos = 0
    for i, line in enumerate(lines):
        if start <= pos + len(line):
            box = img.ocr_boxes[i] if i < len(img.ocr_boxes) else None
            return line, box
        pos += len(line) + 1
    return "", None


def image_evidence(findings: Iterable[Finding], pages: Sequence[Page]) -> list[Finding]:
    """Findings whose location is an image, with that image's URL, SHA-256, recognised line and box.

    ``evidence`` gains ``image_url``, ``image_sha256``, and for text read by OCR ``ocr_line`` and
    ``ocr_box`` ("x0,y0,x1,y1" in image pixels) — what the exhibit boxes on the image.
    """
    by_url: dict[str, dict[str, Image]] = {}
    for p in pages:
        table = by_url.setdefault(p.url, {})
        for img in p.images:
            table.setdefault(img.path or img.src, img)
            table.setdefault(img.src, img)
    out: list[Finding] = []
    for f in findings:
        found = by_url.get(f.url, {}).get(f.location.selector) if f.location.kind == "image" else None
        if found is None:
            out.append(f)
            continue
        img = found
        extra = {"image_url": img.src if not img.src.startswith("data:") else img.src[:64],
                 "image_sha256": img.sha256}
        line, box = _line_at(img, f.location.start)
        if line:
            extra["ocr_line"] = line
        if box is not None:
            extra["ocr_box"] = ",".join(str(v) for v in box)
        out.append(dataclasses.replace(f, evidence={**extra, **(f.evidence or {})}))
    return out


def qr_links(img: Image, page_url: str) -> list[tuple[str, bool]]:
    """The QR payloads of an image that are web addresses, each with whether it leaves the storefront."""
    out = []
    for payload in img.qr:
        low = payload.strip().lower()
        if low.startswith(("http://", "https://")):
            out.append((payload.strip(), not same_site(payload.strip(), page_url)))
    return out


def boxed_exhibit(data: bytes, box: tuple[int, int, int, int] | str, *, label: str = "") -> bytes:
    """The image with ``box`` (x0, y0, x1, y1, or "x0,y0,x1,y1" as in a finding's ``ocr_box``) outlined
    in red, as PNG — the exhibit of a finding read from an image. Raises ValueError for bad input."""
    from PIL import ImageDraw

    im = _open(data)
    if im is None:
        raise ValueError("boxed_exhibit: the image cannot be decoded")
    try:
        xy = [int(v) for v in (box.split(",") if isinstance(box, str) else box)]
    except ValueError:
        raise ValueError(f"boxed_exhibit: bad box {box!r} (want x0,y0,x1,y1)") from None
    if len(xy) != 4 or not (xy[0] < xy[2] and xy[1] < xy[3]):
        raise ValueError(f"boxed_exhibit: bad box {box!r} (want x0,y0,x1,y1 with x0<x1, y0<y1)")
    d = ImageDraw.Draw(im)
    width = max(2, min(im.size) // 150)
    d.rectangle(xy, outline=(230, 0, 0), width=width)
    if label:
        d.text((xy[0], max(0, xy[1] - 28)), label, font=_font(22), fill=(230, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
