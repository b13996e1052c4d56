"""Chinese labels for the UI. The catalogue's labels (categories, severities, articles) live in
:mod:`analyzers.labels`; finding statuses in :mod:`store.lifecycle`; this module joins them and adds
crawl results and triggers."""

from __future__ import annotations

from analyzers.labels import (
    ARTICLES,
    CATEGORY_LABELS,
    REGULATION,
    SEVERITY_LABELS,
    article_label,
    article_summaries,
    category_label,
    severity_label,
)
from store.lifecycle import RUN_STATUS_LABELS, STATUS_LABELS

__all__ = ["ARTICLES", "CASE_ACTION_LABELS", "CATEGORY_LABELS", "REGULATION", "RUN_STATUS_LABELS", "SEVERITY_LABELS", "STATUS_LABELS",
           "TRIGGER_LABELS", "article_label", "article_summaries", "category_label", "run_status_label",
           "severity_label", "status_label", "trigger_label"]

CASE_ACTION_LABELS = {"opened": "立案", "notice": "送达通知书", "recheck": "安排复查", "recheck_done": "复查完成",
                      "closed": "结案", "exported": "导出案卷"}
TRIGGER_LABELS = {"manual": "手动", "schedule": "定时", "recheck": "复查", "scan": "临时扫描"}


def status_label(s: str) -> str:
    return STATUS_LABELS.get(s, s)


def run_status_label(s: str | None) -> str:
    return RUN_STATUS_LABELS.get(s or "", s or "")


def trigger_label(s: str | None) -> str:
    return TRIGGER_LABELS.get(s or "", s or "")
