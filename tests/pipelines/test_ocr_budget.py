"""The default OCR budget reads the first selling images of every crawl, whatever the time share; past them
the time share decides; the per-run limit always holds."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from crawler.options import CrawlOptions
from pipelines.ocr import OcrPipeline
from tests.crawler.conftest import crawl
from tests.pipelines.image_shops import bad_shop


def test_the_first_images_are_guaranteed_then_the_time_share_decides() -> None:
    pipe = OcrPipeline(SimpleNamespace())
    opts = CrawlOptions(ocr_time_share=0.08, ocr_images_guaranteed=2, ocr_images_per_run=60)
    pipe.spent = 0.0
    assert pipe._affordable(opts)  # no time has passed: only the guarantee lets it read
    pipe.read, pipe.spent = 2, 9.0
    assert not pipe._affordable(opts)  # the guarantee is spent and 9 s is far over 8 % of the crawl so far
    assert not pipe._affordable(CrawlOptions(ocr_time_share=0.08, ocr_images_guaranteed=0))
    pipe.read = 60
    assert not pipe._affordable(CrawlOptions(ocr_time_share=1.0, ocr_images_guaranteed=100))  # per-run limit


def test_a_short_crawl_with_the_default_budget_reads_claims_in_images(tmp_path: Path) -> None:
    assert CrawlOptions().ocr_images_guaranteed == 4 and CrawlOptions().ocr_time_share == 0.08
    site = bad_shop().start()
    try:
        outcome = crawl(site.url("/"), tmp_path, max_pages=5)  # the default budget (time share 0.08)
    finally:
        site.stop()
    note = next(n for n in outcome.summary["notes"] if n.startswith("OCR budget"))
    read = int(re.search(r"read (\d+) selling images", note).group(1))  # type: ignore[union-attr]
    assert read >= 2, note
    found = {(f["rule_id"], f["match"]) for f in outcome.findings if f["location"]["kind"] == "image"}
    assert ("AD-ABSOLUTE-TERM", "国家级") in found, found
