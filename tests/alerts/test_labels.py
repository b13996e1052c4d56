"""One source per label: the digest names categories, severities, articles and statuses as the UI does."""

from __future__ import annotations

from alerts import labels
from analyzers.labels import CATEGORY_LABELS, SEVERITY_LABELS, article_label
from store.lifecycle import RUN_STATUS_LABELS, STATUS_LABELS
from web import labels as web_labels


def test_the_digest_labels_are_the_catalogue_and_lifecycle_labels() -> None:
    assert labels.CATEGORY_ZH is CATEGORY_LABELS and labels.SEVERITY_ZH is SEVERITY_LABELS
    assert labels.STATUS_ZH is STATUS_LABELS is web_labels.STATUS_LABELS
    assert labels.RUN_STATUS_ZH is RUN_STATUS_LABELS is web_labels.RUN_STATUS_LABELS
    assert labels.article_zh("15(5), 9") == article_label("15(5), 9") == "第十五条第（五）项、第九条"
    assert set(labels.SEVERITY_ORDER) == set(SEVERITY_LABELS)
