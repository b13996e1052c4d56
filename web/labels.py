"""Chinese labels for the UI. The catalogue's labels (categories, severities, articles) live in
:mod:`analyzers.labels`; finding statuses in :mod:`store.lifecycle`; this module joins them."""

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
from store.lifecycle import STATUS_LABELS

__all__ = ["ARTICLES", "CATEGORY_LABELS", "REGULATION", "SEVERITY_LABELS", "STATUS_LABELS", "article_label",
           "article_summaries", "category_label", "severity_label", "status_label"]


def status_label(s: str) -> str:
    return STATUS_LABELS.get(s, s)
