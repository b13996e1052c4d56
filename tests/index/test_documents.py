"""Finding documents take the tokens kept in the store and compute them only for rows without."""

from __future__ import annotations

from analyzers.nlp import finding_search_tokens
from index.documents import finding_document

ROW = {"finding_id": "f1", "rule_id": "AD-ABSOLUTE-TERM", "category": "false_advertising", "article": "15(5)",
       "severity": "medium", "match": "国家级", "excerpt": "本品为国家级产品", "page_title": "商品详情",
       "status": "open", "storefront_id": 1}


def test_stored_tokens_are_used_as_they_are() -> None:
    assert finding_document({**ROW, "tokens": ["保存的"]})["tokens"] == ["保存的"]
    assert finding_document({**ROW, "tokens": []})["tokens"] == []


def test_rows_without_stored_tokens_are_tokenised_the_same_way() -> None:
    tokens = finding_document({**ROW, "tokens": None})["tokens"]
    assert tokens == finding_document(ROW)["tokens"] == finding_search_tokens("国家级", "本品为国家级产品", "商品详情")
    assert "国家级" in tokens and "产品" in tokens and "，" not in tokens
