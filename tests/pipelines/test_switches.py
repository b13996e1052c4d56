"""OCR and analysis are real Scrapy pipelines: switched off, they are NotConfigured (never built)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.job import CrawlJob
from crawler.options import CrawlOptions
from crawler.settings import scrapy_settings
from pipelines.analyze import AnalyzePipeline
from pipelines.ocr import OcrPipeline


def crawler_for(job: CrawlJob) -> SimpleNamespace:
    return SimpleNamespace(settings=Settings(scrapy_settings(job)))


@pytest.mark.parametrize("pipeline", [OcrPipeline, AnalyzePipeline])
def test_on_by_default(pipeline: type) -> None:
    job = CrawlJob(start_url="http://shop.example/", evidence="/tmp/x")
    assert isinstance(pipeline.from_crawler(crawler_for(job)), pipeline)


def test_ocr_off_is_not_configured() -> None:
    job = CrawlJob(start_url="http://shop.example/", evidence="/tmp/x", options=CrawlOptions(ocr=False))
    with pytest.raises(NotConfigured, match="OCR is off"):
        OcrPipeline.from_crawler(crawler_for(job))


def test_analysis_off_is_not_configured() -> None:
    job = CrawlJob(start_url="http://shop.example/", evidence="/tmp/x", analyze=False)
    with pytest.raises(NotConfigured):
        AnalyzePipeline.from_crawler(crawler_for(job))
    assert "pipelines.analyze.AnalyzePipeline" in scrapy_settings(job)["ITEM_PIPELINES"]
