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

__all__ = ["ARTICLES", "CASE_ACTION_LABELS", "CATEGORY_LABELS", "PAGE_KIND_LABELS", "REGULATION", "RUN_STATUS_LABELS",
           "SEVERITY_LABELS", "SOURCE_LABELS", "STATUS_LABELS", "TRIGGER_LABELS", "VOICE_LABELS", "article_label",
           "article_summaries", "category_label", "page_kind_label", "run_status_label", "severity_label",
           "source_label", "status_label", "trigger_label", "voice_label"]

CASE_ACTION_LABELS = {"opened": "立案", "notice": "送达通知书", "recheck": "安排复查", "recheck_done": "复查完成",
                      "closed": "结案", "exported": "导出案卷"}
TRIGGER_LABELS = {"manual": "手动", "schedule": "定时", "recheck": "复查", "scan": "临时扫描"}


def status_label(s: str) -> str:
    return STATUS_LABELS.get(s, s)


def run_status_label(s: str | None) -> str:
    return RUN_STATUS_LABELS.get(s or "", s or "")


def trigger_label(s: str | None) -> str:
    return TRIGGER_LABELS.get(s or "", s or "")


# how the analyzer judged a finding (analyzers.understand.PAGE_KINDS / VOICES; source: rule or model);
# the codes are what the query language takes (pagekind:, voice:, source:)
PAGE_KIND_LABELS = {"home": "首页", "product": "商品页", "listing": "列表页", "cart": "购物车或订单页",
                    "policy": "规则或条款页", "about": "关于或资质页", "article": "文章或资讯页", "other": "其他"}
VOICE_LABELS = {"offer": "商家自述", "law": "引用法规", "news": "新闻报道", "warning": "提醒或科普",
                "compliance": "合规声明", "banned_list": "禁售清单", "question": "顾客提问", "mention": "引述词语"}
SOURCE_LABELS = {"rule": "规则", "model": "模型"}
NOT_RECORDED = "未记录"


def page_kind_label(s: str | None) -> str:
    return PAGE_KIND_LABELS.get(s or "", s or NOT_RECORDED)


def voice_label(s: str | None) -> str:
    return VOICE_LABELS.get(s or "", s or NOT_RECORDED)


def source_label(s: str | None) -> str:
    return SOURCE_LABELS.get(s or "rule", s or "")
