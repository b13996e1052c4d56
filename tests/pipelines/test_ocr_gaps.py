"""An image whose text could not be read is an evidence gap of the page: the run is partial and says so."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest

from analyzers.model import Image
from crawler.coverage import describe, run_coverage
from crawler.items import ImageCapture, PageCapture
from pipelines import ocr as ocr_pipeline
from pipelines.ocr import OcrPipeline, undecodable
from tests.crawler.conftest import crawl
from tests.crawler.sitekit import Site, png
from tests.pipelines.image_shops import _img, selling_image

PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body><main>"
        "<h1>{title}</h1><p class='price'>￥99 包邮 立即购买</p>"
        "<div class='detail'><img src='/img/detail.png' width='750' height='1400'></div></main></body></html>")


def test_undecodable_names_damaged_rasters_only() -> None:
    png = selling_image(["本店正品"], h=300)
    assert undecodable(png) == ""
    assert "undecodable JPEG" in undecodable(png[: len(png) // 3] + b"\0" * 64)
    assert undecodable(b"<svg xmlns='http://www.w3.org/2000/svg'><text>x</text></svg>") == ""  # not a raster
    assert undecodable(b"") == ""


def test_an_engine_failure_is_a_gap_of_every_page_showing_the_image(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    def broken(_data: bytes) -> list[object]:
        raise RuntimeError("onnxruntime session died")

    monkeypatch.setattr(ocr_pipeline.ocr, "ocr_lines", broken)
    body = selling_image(["国家级配方"], h=300)
    state = SimpleNamespace(ocr_cache={}, ocr_cache_dir=str(tmp_path))
    cap = ImageCapture(url="http://shop.test/img/a.jpg", page_url="http://shop.test/", body=body, sha256="ab" * 32)
    pipe = OcrPipeline(SimpleNamespace())
    pages = [PageCapture(url=f"http://shop.test/item/{n}.html", request_url="", status=200) for n in (1, 2)]
    for page in pages:
        img = asyncio.run(pipe._fill(Image(src=cap.url), cap, state, look=False, item=page))
        assert img.ocr_text == ""
    for page in pages:
        assert page.evidence_gaps == ["OCR failed for image http://shop.test/img/a.jpg: OCR engine error: "
                                      "RuntimeError: onnxruntime session died"]
    assert pipe.read == 1  # read once; the second page used the in-run result
    assert not list(tmp_path.iterdir())  # a failure is not cached on disk: the next crawl tries again
    coverage = run_coverage([*pages, PageCapture(url="http://shop.test/", request_url="", status=200,
                                                  is_home=True)], [], "finished")
    assert coverage["status"] == "partial"
    assert describe(coverage["reasons"])[0].startswith("证据缺失：http://shop.test/item/1.html（OCR failed")


def test_a_damaged_selling_image_makes_a_real_crawl_partial(tmp_path: Path) -> None:
    site = Site("ocr-gap")
    good = selling_image(["顺丰包邮 七天无理由退货"])
    site.page("/", PAGE.format(title="高原好物").replace("/img/detail.png", "/img/ok.jpg")
              .replace("</main>", "<a href='/item/1.html'>商品一</a></main>"))
    site.page("/item/1.html", PAGE.format(title="牦牛骨粉"))
    site.raw("/img/ok.jpg", _img(good))
    whole = png(750, 1400, "detail")
    damaged = whole[:200] + bytes(b ^ 0x5A for b in whole[200:600]) + whole[600:]  # IDAT damaged
    site.raw("/img/detail.png", lambda _p: (200, {"Content-Type": "image/png"}, damaged))
    site.start()
    try:
        outcome = crawl(site.url("/"), tmp_path, max_pages=2, ocr_time_share=1.0)
    finally:
        site.stop()
    assert outcome.status == "partial", outcome.summary["coverage"]
    gaps = [r for r in outcome.summary["coverage"] if r["kind"] == "evidence_gap"]
    assert [r["url"] for r in gaps] == [site.url("/item/1.html")], gaps
    assert "OCR failed for image " + site.url("/img/detail.png") in gaps[0]["detail"]
    assert "undecodable PNG" in gaps[0]["detail"]
