"""Item pipeline: archive each capture into the run's WARC before anything judges it."""

from __future__ import annotations

from typing import Any

from crawler.items import PageCapture
from evidence.pages import archive_page


class EvidencePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state
        if isinstance(item, PageCapture) and state.archive is not None:
            item.evidence = archive_page(state.archive, item, run=state.run_info,
                                         timezone=state.job.options.timezone)
        return item
