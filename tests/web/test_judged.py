"""The finding page names how it was judged (页面类型 / 语态 / 来源); the list filters by them."""

from __future__ import annotations

import re

import pytest

from store.lifecycle import enqueue
from store.models import Finding
from tests.web.seed import index_store


@pytest.fixture
def judged(seeded, store, settings):  # noqa: ANN001, ANN201
    first, second = seeded.finding_ids[0], seeded.finding_ids[1]
    with store.session() as s:
        a, b = s.get(Finding, first), s.get(Finding, second)
        a.page_kind, a.voice, a.source = "product", "offer", "rule"
        a.also = [{"rule_id": "TM-WELL-KNOWN", "category": "trademark_misuse", "article": "15(2)"}]
        b.page_kind, b.voice, b.source = "article", "news", "model"
        enqueue(s, "finding", first)
        enqueue(s, "finding", second)
    index_store(settings, store)
    return first, second


def ids(html: str) -> set[str]:
    return set(re.findall(r'name="ids" value="([0-9a-f]+)"', html))


def text_of(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert m, f"no #{element_id} on the page"
    return m.group(1)


def test_finding_page_shows_chinese_names(as_role, judged) -> None:  # noqa: ANN001
    client, _ = as_role("viewer")
    first, second = judged
    page = client.get(f"/findings/{first}").text
    assert (text_of(page, "page-kind"), text_of(page, "voice"), text_of(page, "source")) == ("商品页", "商家自述", "规则")
    assert "TM-WELL-KNOWN" in page and "同一表述另触发" in page
    page = client.get(f"/findings/{second}").text
    assert (text_of(page, "page-kind"), text_of(page, "voice"), text_of(page, "source")) == ("文章或资讯页", "新闻报道", "模型")


def test_finding_from_before_says_not_recorded(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("viewer")
    page = client.get(f"/findings/{seeded.finding_ids[2]}").text
    assert (text_of(page, "page-kind"), text_of(page, "voice"), text_of(page, "source")) == ("未记录", "未记录", "规则")


def test_list_filters_through_the_search_box_and_shows_the_hint(as_role, judged, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("viewer")
    first, second = judged
    assert ids(client.get("/findings", params={"q": "voice:news"}).text) == {second}
    assert ids(client.get("/findings", params={"q": "pagekind:product"}).text) == {first}
    assert ids(client.get("/findings", params={"q": "source:model"}).text) == {second}
    rest = ids(client.get("/findings", params={"q": "-source:model", "per_page": 100}).text)
    assert second not in rest and first in rest
    page = client.get("/findings").text
    hint = page[page.index('id="judged-hint"'):]
    assert "voice:" in hint and "新闻报道" in hint and "pagekind:" in hint and "购物车或订单页" in hint
    assert "source:" in hint and "模型" in hint
    assert "新闻报道" in client.get("/findings", params={"q": "voice:news"}).text.split("<tbody>", 1)[1]
