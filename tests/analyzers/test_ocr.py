from __future__ import annotations

import pytest

from analyzers.ocr import is_badge_sized, is_selling_sized, ocr_image


@pytest.mark.parametrize(("w", "h", "expected"), [
    (120, 40, True), (88, 31, True), (400, 200, True), (1200, 400, False), (800, 1100, False),
    (5, 5, False), (None, 40, False), (0, 0, False),
])
def test_badge_size(w, h, expected) -> None:
    assert is_badge_sized(w, h) is expected


@pytest.mark.parametrize(("w", "h", "expected"), [
    (800, 600, True), (460, 90, True), (560, 90, True),   # a picture; strips of text wider than a badge (honours banners)
    (300, 90, False), (460, 20, False), (120, 40, False),  # a badge-sized mark, a rule line, an icon
    (None, 90, None),
])
def test_selling_size(w, h, expected) -> None:
    assert is_selling_sized(w, h) is expected


def _png(text: str) -> bytes:
    import cv2
    import numpy as np

    img = np.full((60, 260, 3), 255, dtype=np.uint8)
    cv2.putText(img, text, (8, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2, cv2.LINE_AA)
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


def test_ocr_reads_a_small_badge() -> None:
    text = ocr_image(_png("ICP 19000123"))
    assert "19000123" in text.replace(" ", "")


def test_ocr_of_garbage_is_empty() -> None:
    assert ocr_image(b"not an image") == ""
    assert ocr_image(b"") == ""
