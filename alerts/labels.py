"""Chinese labels of the digests: the one source of each label is elsewhere, re-exported here.

Categories, severities and articles: :mod:`analyzers.labels` (the catalogue's); finding and run
statuses: :mod:`store.lifecycle`. Only the digest's own words (why a finding is in it, severity order)
are defined here, so a digest, the UI and the CLI never name one thing two ways.
"""

from __future__ import annotations

from analyzers.labels import CATEGORY_LABELS as CATEGORY_ZH
from analyzers.labels import SEVERITY_LABELS as SEVERITY_ZH
from analyzers.labels import article_label as article_zh
from store.lifecycle import RUN_STATUS_LABELS as RUN_STATUS_ZH
from store.lifecycle import STATUS_LABELS as STATUS_ZH

__all__ = ["CATEGORY_ZH", "REASON_ZH", "RUN_STATUS_ZH", "SEVERITY_ORDER", "SEVERITY_ZH", "STATUS_ZH", "article_zh"]

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
REASON_ZH = {"new": "新发现", "reopened": "再次出现", "stale": "逾期未处理", "critical": "严重违规即时告警"}
