"""OCR of small badge-sized images (rapidocr-onnxruntime; models ship in the wheel, run offline).

Rules never call this: the pipelines call :func:`ocr_image` for images where :func:`is_badge_sized`
holds, cache the text by the image's SHA-256 and put it in ``Image.ocr_text``.
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


def _load() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR(det_limit_type="max", det_limit_side_len=960, use_cls=False)
            log.info("rapidocr engine loaded")
    return _engine


def ocr_image(data: bytes) -> str:
    """Text in an image (PNG/JPEG/GIF/… bytes), NFKC-normalised, lines joined by newlines.

    Returns "" for images that cannot be decoded or carry no text.
    """
    if not data:
        return ""
    import cv2
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    img = cv2.imdecode(arr, cv2.IMREAD_COLOR)
    if img is None:
        log.debug("ocr: undecodable image (%d bytes)", len(data))
        return ""
    result, _ = _load()(img)
    if not result:
        return ""
    lines = [str(item[1]) for item in result if len(item) > 1 and item[1]]
    return unicodedata.normalize("NFKC", "\n".join(lines))
