"""OCR of badge-sized marks and of selling images (rapidocr-onnxruntime; models ship in the wheel, run offline).

Rules never call this: the pipelines call :func:`ocr_lines` for badge-sized images on the home and
licence pages and for selling-sized images (:func:`is_selling_sized`) within a budget, cache the
lines by the image's SHA-256 and put them in ``Image.ocr_text`` / ``Image.ocr_boxes``.
Settings measured here (STACK-NOTES): ``det_limit_type="max", det_limit_side_len=960, use_cls=False``
takes 0.11–0.24 s per image instead of 0.8–2.1 s, with the same text.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from typing import Any

log = logging.getLogger(__name__)
_lock = threading.Lock()
_engine: Any = None

BADGE_MAX_WIDTH = 400
BADGE_MAX_HEIGHT = 200
BADGE_MIN_SIDE = 12


def is_badge_sized(width: int | None, height: int | None) -> bool:
    """Small enough to be a mark or badge (and big enough to hold text); unknown size counts as no."""
    if not width or not height:
        return False
    return (BADGE_MIN_SIDE <= width <= BADGE_MAX_WIDTH and BADGE_MIN_SIDE <= height <= BADGE_MAX_HEIGHT)


SELLING_MIN_SIDE = 150
SELLING_MIN_AREA = 200 * 200


# a strip of text wider than a badge (an honours banner: 中国驰名商标 · 唯一指定品牌, 460×90): one or two lines of copy
STRIP_MIN_WIDTH = BADGE_MAX_WIDTH
STRIP_MIN_HEIGHT = 32
STRIP_MIN_RATIO = 2.5


def is_selling_sized(width: int | None, height: int | None) -> bool | None:
    """Big enough to carry selling copy (a main or detail picture, a banner or a strip of text); None when the
    size is unknown."""
    if not width or not height:
        return None
    if min(width, height) >= SELLING_MIN_SIDE and width * height >= SELLING_MIN_AREA:
        return True
    return width >= STRIP_MIN_WIDTH and height >= STRIP_MIN_HEIGHT and width / height >= STRIP_MIN_RATIO


def _load() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR(det_limit_type="max", det_limit_side_len=960, use_cls=False)
            log.info("rapidocr engine loaded")
    return _engine


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


def ocr_image(data: bytes) -> str:
    """Text in an image (PNG/JPEG/GIF/… bytes), NFKC-normalised, lines joined by newlines.

    Returns "" for images that cannot be decoded or carry no text.
    """
    return "\n".join(text for text, _ in ocr_lines(data))


def ocr_lines(data: bytes) -> list[tuple[str, Box]]:
    """Each recognised line (NFKC-normalised) with its box; [] for undecodable or text-free images.

    Vertical text comes out as one line with a tall box (rapidocr reads columns of characters).
    """
    if not data:
        return []
    import cv2
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    img = cv2.imdecode(arr, cv2.IMREAD_COLOR)
    if img is None:
        log.debug("ocr: undecodable image (%d bytes)", len(data))
        return []
    result, _ = _load()(img)
    out: list[tuple[str, Box]] = []
    for item in result or ():
        if len(item) < 2 or not item[1]:
            continue
        xs = [int(pt[0]) for pt in item[0]]
        ys = [int(pt[1]) for pt in item[0]]
        out.append((unicodedata.normalize("NFKC", str(item[1])), (min(xs), min(ys), max(xs), max(ys))))
    return out
