"""The boxed exhibit of a finding read from an image: the archived image (by URL and SHA-256, from the run's
WARC), the recognised line outlined in red; a damaged or missing image is named, never fetched again."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from evidence.exhibit import exhibit
from evidence.image_exhibit import archived_image, exhibit_files
from evidence.pages import archive_image
from evidence.verify import parse_member
from evidence.warc import WarcArchive
from tests.pipelines.image_shops import selling_image


def _archived(tmp_path: Path, body: bytes, url: str = "http://shop.test/img/detail1.jpg") -> dict[str, Any]:
    from types import SimpleNamespace

    archive = WarcArchive(tmp_path / "run.warc.gz", info={"run": 1})
    cap = SimpleNamespace(url=url, body=body, status=200, headers=[("Content-Type", "image/jpeg")],
                          request_headers=[], fetched_at="2026-12-06T10:00:00Z")
    ref = archive_image(archive, cap)
    archive.close()
    return {"finding_id": "f" * 32, "rule_id": "AD-ABSOLUTE-TERM", "match": "国家级", "url": "http://shop.test/item/1.html",
            "location": {"kind": "image", "selector": url},
            "evidence": {"warc": ref["warc"], "image_url": url[:64], "image_sha256": hashlib.sha256(body).hexdigest(),
                         "ocr_line": "国家级专利配方", "ocr_box": "40,90,420,140"}}


def _pixels(png: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_archived_image_is_boxed_where_the_line_was_read(tmp_path: Path) -> None:
    body = selling_image(["国家级专利配方"], h=400, busy=False)
    finding = _archived(tmp_path, body)
    d = exhibit(finding)  # the one entry point of the UI and the 取证报告 dispatches on location.kind
    assert d["source_kind"] == "image" and d["box"] == [40, 90, 420, 140] and d["ocr_line"] == "国家级专利配方"
    files = exhibit_files(d)
    assert set(files) == {"f" * 32 + ".png", "f" * 32 + ".clean.jpg", "f" * 32 + ".image.warc.gz", "f" * 32 + ".json"}
    assert files["f" * 32 + ".clean.jpg"] == body  # the archived bytes, unchanged
    assert parse_member(files["f" * 32 + ".image.warc.gz"]).payload == body  # the record, byte for byte
    marked = _pixels(files["f" * 32 + ".png"])
    r, g, b = marked.getpixel((230, 90))  # on the top edge of the box
    assert r > 200 and g < 60 and b < 60
    assert _pixels(files["f" * 32 + ".png"]).getpixel((700, 380)) == _pixels(body).getpixel((700, 380))
    assert exhibit(finding)["marked_sha256"] == d["marked_sha256"]  # reused, not made twice


def test_a_data_uri_image_is_found_by_its_hash(tmp_path: Path) -> None:
    body = selling_image(["限时特价"], h=300, busy=False)
    finding = _archived(tmp_path, body, url="data:image/jpeg;base64," + "A" * 200)
    got, record_id, _member = archived_image(Path(finding["evidence"]["warc"]), finding["evidence"]["image_url"],
                                             finding["evidence"]["image_sha256"])
    assert got == body and record_id


def test_a_finding_whose_image_is_not_archived_is_named(tmp_path: Path) -> None:
    finding = _archived(tmp_path, selling_image(["x"], h=300))
    finding["evidence"]["image_sha256"] = "0" * 64  # another image than the one archived under that URL
    with pytest.raises(ValueError, match=r"is not archived in run\.warc\.gz"):
        exhibit(finding)
    finding["evidence"].pop("image_url")
    with pytest.raises(ValueError, match="names no archived image"):
        exhibit(finding)


def test_a_badge_finding_whose_image_was_not_read_boxes_the_image_on_the_page(tmp_path: Path) -> None:
    """A badge judged by its markup (alt text, file name) on a page whose images are not read (not the home or
    licence page, or OCR off) has no image SHA-256: its exhibit is the archived page with the image boxed."""
    from tests.crawler.conftest import crawl
    from tests.crawler.sitekit import Site

    badge = (Path(__file__).parents[2] / "demo/sites/xueyu-health/img/hongdun.png").read_bytes()
    filler = "".join(f"<p>高原枸杞第{i}批，产地直发，顺丰包邮，支持七天无理由退货。</p>" for i in range(8))
    site = Site("badge-unread")
    site.page("/", f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>雪域</title></head><body>'
                   f'<h1>雪域好物</h1>{filler}<a href="/verify.html">资质</a></body></html>')
    site.page("/verify.html", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>资质</title></head><body>'
                              f'<h1>资质</h1>{filler}<div id="main"><img src="/img/hongdun.png" width="100" height="40" '
                              'alt="工商网监"></div></body></html>')
    site.raw("/img/hongdun.png", lambda _p: (200, {"Content-Type": "image/png"}, badge))
    site.start()
    try:
        out = crawl(site.url("/"), tmp_path / "run", max_depth=1, max_pages=3, ocr=False, render="never")
    finally:
        site.stop()
    finding = next(f for f in out.findings if f["location"]["kind"] == "image" and f["url"].endswith("/verify.html"))
    assert not finding["evidence"].get("image_sha256")  # the image was not read
    d = exhibit(finding)
    assert d["box"] and d["source_record"] == finding["evidence"]["record_id"]
    x, y, w, h = d["box"]
    assert 95 <= w <= 105 and 35 <= h <= 45  # the <img> (100×40), boxed on the archived page
    marked = _pixels((Path(d["folder"]) / d["marked"]).read_bytes())
    r, g, b = marked.getpixel((int(x + w / 2), int(y) - 2))  # the box's top edge
    assert r > 200 and g < 60 and b < 60
