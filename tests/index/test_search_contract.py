"""The search contract, run against both backends (Elasticsearch and SQLite FTS5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from errors import InputError, QuerySyntaxError
from index.search import MAX_WINDOW, SearchRequest


def ids(backend, query="", **kw):
    result = backend.search(SearchRequest(query=query, limit=100, **kw))
    assert result.total == len(result.hits)
    return [h.get("finding_id") or h.get("url") for h in result.hits]


def idset(backend, query="", **kw):
    return set(ids(backend, query, **kw))


def test_chinese_phrase_finds_exact_substring_not_scattered_characters(synced):
    assert idset(synced, "国家级") == {"f1"}  # f5 has 国家 … 级 apart: not a match
    assert idset(synced, "解释权归本店") == {"f3"}
    assert idset(synced, '"最终 解释权"') == {"f3"}  # spaces inside a phrase do not matter
    assert idset(synced, "权归本店所有权") == set()
    assert idset(synced, "高仿名牌") == {"f4"}
    assert idset(synced, "best seller") == {"f4"}  # Latin words: case-insensitive, in order
    assert idset(synced, '"seller best"') == set()


def test_bare_words_search_what_the_shop_said_not_our_explanations(synced):
    everything = idset(synced)
    assert idset(synced, "测试") == set()  # every explanation in the dataset is 测试
    assert idset(synced, "explanation:测试") == everything


def test_field_values_prefixes_and_boolean_operators(synced):
    assert idset(synced, "category:false_advertising") == {"f1", "f2"}
    assert idset(synced, "rule:ad-*") == {"f1", "f2"}
    assert idset(synced, "article:15") == {"f1", "f2", "f3", "f4"}
    assert idset(synced, "article:15(9)") == {"f4"}
    assert idset(synced, "article:第9条") == {"f5"}
    assert idset(synced, "severity:critical OR severity:high") == {"f3", "f4", "f7"}
    assert idset(synced, "category:false_advertising NOT 国家级") == {"f2"}
    assert idset(synced, "category:false_advertising -国家级") == {"f2"}
    assert idset(synced, "(国家级 OR 最终解释权) AND -status:resolved") == {"f1", "f3"}
    assert idset(synced, "excerpt:销量第一") == {"f2"}
    assert idset(synced, 'excerpt:"身份证号"') == {"f7"}
    assert idset(synced, "title:身份证号") == set()
    assert idset(synced, "merchant:高原特产") == {"f3", "f4"}
    assert idset(synced, "domain:SHUMA.example") == {"f5", "f6"}
    assert idset(synced, "token:最终") == {"f3"}
    assert idset(synced, "law:\"广告法 第九条\"") == {"f1", "f2"}


def test_filters_and_dates(synced, dataset):
    assert idset(synced, category=["false_advertising", "privacy"]) == {"f1", "f2", "f7"}
    assert idset(synced, storefront=[str(dataset[1])]) == {"f3", "f4"}
    assert idset(synced, uscc=["91630100MA7XXXX003"], severity=["low"]) == {"f5", "f6"}
    assert idset(synced, status=["open"], severity=["high"]) == {"f3", "f7"}
    # seen during 11-09..11-10: first_seen <= 10th and last_seen (= first + 2 days) >= 9th
    assert idset(synced, since="2026-11-09", until="2026-11-10") == {"f4", "f6"}
    assert idset(synced, "since:2026-11-09 until:2026-11-10") == {"f4", "f6"}
    assert idset(synced, "国家级 category:false_advertising", since="2026-11-01", until="2026-11-02") == {"f1"}
    assert idset(synced, "国家级", since="2026-11-04") == set()


def test_sort_orders(synced):
    assert ids(synced, sort="newest") == ["f6", "f4", "f3", "f7", "f2", "f5", "f1"]
    assert ids(synced, sort="oldest") == ["f1", "f5", "f2", "f7", "f3", "f4", "f6"]
    assert ids(synced, sort="severity") == ["f4", "f3", "f7", "f2", "f1", "f6", "f5"]


@pytest.mark.parametrize("sort", ["newest", "severity", "oldest"])
def test_search_after_pages_through_everything_once(synced, sort):
    everything = ids(synced, sort=sort)
    seen, cursor, pages = [], None, 0
    while True:
        result = synced.search(SearchRequest(limit=3, sort=sort, cursor=cursor))
        assert result.total == 7
        seen += [h["finding_id"] for h in result.hits]
        pages += 1
        cursor = result.next_cursor
        if cursor is None:
            break
    assert seen == everything
    assert pages == 3


@pytest.mark.parametrize("sort", ["severity", "last_seen"])
def test_offset_pages_match_the_full_list_and_continue_with_the_cursor(synced, sort):
    everything = ids(synced, sort=sort)
    pages = [synced.search(SearchRequest(sort=sort, limit=3, offset=o)) for o in (0, 3, 6)]
    assert [h["finding_id"] for p in pages for h in p.hits] == everything
    assert [p.total for p in pages] == [7, 7, 7]
    after = synced.search(SearchRequest(sort=sort, limit=3, cursor=pages[1].next_cursor))
    assert [h["finding_id"] for h in after.hits] == everything[6:]
    assert synced.search(SearchRequest(sort=sort, limit=3, offset=7)).hits == []


def test_offset_limits(synced):
    with pytest.raises(InputError, match="offset"):
        synced.search(SearchRequest(offset=MAX_WINDOW - 10, limit=20))
    with pytest.raises(InputError, match="offset"):
        synced.search(SearchRequest(offset=-1))
    cursor = synced.search(SearchRequest(limit=3)).next_cursor
    with pytest.raises(InputError, match="offset"):
        synced.search(SearchRequest(offset=3, limit=3, cursor=cursor))


def test_facets_can_leave_out_their_own_filter(synced, dataset):
    request = SearchRequest(query="-国家级", severity=["high"],
                            category=["unfair_terms", "privacy", "false_advertising"],
                            facets=("severity", "category", "storefront", "status", "day"),
                            facets_ignore_own_filter=True, limit=100)
    result = synced.search(request)
    assert {h["finding_id"] for h in result.hits} == {"f3", "f7"} and result.total == 2
    f = result.facets
    # severity counts ignore severity:high but keep the categories and the query (f1 is out)
    assert dict(f["severity"]) == {"medium": 1, "high": 2}
    # category counts ignore the categories but keep severity:high (f4 is critical, so out)
    assert dict(f["category"]) == {"unfair_terms": 1, "privacy": 1}
    # facets without a filter of their own count the hits
    assert dict(f["storefront"]) == {str(dataset[0]): 1, str(dataset[1]): 1}
    assert dict(f["status"]) == {"open": 2}
    assert f["day"] == [("2026-11-05", 1), ("2026-11-04", 1)]
    plain = synced.search(replace(request, facets_ignore_own_filter=False))
    assert plain.total == 2
    assert dict(plain.facets["severity"]) == {"high": 2}
    assert dict(plain.facets["category"]) == {"unfair_terms": 1, "privacy": 1}
    # nothing to leave out: same counts as the plain request
    alone = synced.search(SearchRequest(query="category:false_advertising", facets=("severity",),
                                        facets_ignore_own_filter=True))
    assert alone.facets == {"severity": [("medium", 2)]}


def test_facets(synced, dataset):
    result = synced.search(SearchRequest(facets=("all",), limit=0))
    assert result.total == 7
    assert result.hits == []
    f = result.facets
    assert f["category"][0] == ("false_advertising", 2)
    assert dict(f["category"]) == {"false_advertising": 2, "unfair_terms": 1, "counterfeit_goods": 1,
                                   "license_display": 1, "filing_display": 1, "privacy": 1}
    assert dict(f["severity"]) == {"medium": 2, "high": 2, "critical": 1, "low": 2}
    assert dict(f["article"])["15(5)"] == 2
    assert dict(f["storefront"]) == {str(dataset[0]): 3, str(dataset[1]): 2, str(dataset[2]): 2}
    assert f["day"][0] == ("2026-11-08", 1)
    assert len(f["day"]) == 7
    narrowed = synced.search(SearchRequest(query="category:false_advertising", facets=("severity", "day")))
    assert narrowed.facets == {"severity": [("medium", 2)], "day": [("2026-11-03", 1), ("2026-11-01", 1)]}


@pytest.mark.parametrize(("query", "position", "words"), [
    ("category:", 10, "needs a value"),
    ('国家级 "最终', 5, "unclosed quote"),
    ("(国家级 OR 高仿", 1, "never closed"),
    ("国家级 AND", 8, "ends where a term"),
    ("OR 国家级", 1, "'OR' where a term"),
    ("colour:red", 1, "unknown field 'colour'"),
    ("国家级)", 4, "unbalanced ')'"),
    ("since:yesterday", 7, "not a date"),
    ("国家*", 1, "wildcards"),
])
def test_bad_query_is_a_clear_error_with_position(synced, query, position, words):
    with pytest.raises(QuerySyntaxError) as caught:
        synced.search(SearchRequest(query=query))
    assert caught.value.position == position
    assert words in str(caught.value)
    assert f"position {position}" in str(caught.value)


def test_bad_options_are_input_errors(synced):
    with pytest.raises(InputError, match="--sort"):
        synced.search(SearchRequest(sort="random"))
    with pytest.raises(InputError, match="--cursor"):
        synced.search(SearchRequest(cursor="garbage!"))
    with pytest.raises(InputError, match="facet"):
        synced.search(SearchRequest(facets=("colour",)))


def test_pages_are_searchable(synced, dataset):
    assert idset(synced, "七天无理由", kind="page") == {"http://haowu.example/"}
    assert idset(synced, "title:关于我们", kind="page") == {"http://gaoyuan.example/about"}
    assert idset(synced, "三江源", kind="page", storefront=[str(dataset[0])]) == set()


@pytest.mark.parametrize("gaps", [{60, 61, 75}, {3, 4, 10, 11, 12, 40}], ids=["gaps-old", "gaps-recent"])
def test_day_facet_keeps_the_newest_days_over_a_long_span_with_gaps(store, backend, gaps):
    """More days than the facet shows (FACET_SIZE), some without findings (only among the older
    days, or among the newest too), near local midnight: the newest FACET_SIZE days that have
    findings, counted in the request's time zone."""
    from datetime import timedelta

    from index.search import FACET_SIZE
    from index.sync import sync
    from store.lifecycle import enqueue
    from store.models import Finding, Storefront
    from tests.index.conftest import SHANGHAI, at

    # gaps: days (counted back from the newest) with nothing
    expected_all: dict[str, int] = {}
    expected_high: dict[str, int] = {}
    with store.session() as s:
        shop = Storefront(name="西宁长期商贸有限公司", uscc="91630100MA7XXXX009", domain="long.example", site_name="长期")
        s.add(shop)
        s.flush()
        n = 0
        for back in range(90):
            if back in gaps:
                continue
            for k in range(1 + back % 3):
                # 23:30 and 00:10 local: a UTC day boundary would move them to the neighbouring day
                when = at(28, 0) + timedelta(minutes=10) - timedelta(days=back) + timedelta(hours=23 * (k % 2),
                                                                                              minutes=20 * (k % 2))
                day = when.astimezone(SHANGHAI).date().isoformat()
                sev = "high" if (back + k) % 2 else "low"
                fid = f"d{n:04d}"
                n += 1
                s.add(Finding(finding_id=fid, storefront_id=shop.id, rule_id="AD-ABSOLUTE-TERM",
                              category="false_advertising", article="15(5)", law=[], severity=sev, url=f"http://long.example/{fid}",
                              match="国家级", excerpt="本品为国家级产品", page_title="", explanation="测试", first_seen=when,
                              last_seen=when, status="open", status_changed_at=when))
                enqueue(s, "finding", fid)
                expected_all[day] = expected_all.get(day, 0) + 1
                if sev == "high":
                    expected_high[day] = expected_high.get(day, 0) + 1
    assert sync(store, backend).failed == 0
    backend.refresh()

    def newest(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), reverse=True)[:FACET_SIZE]

    everything = backend.search(SearchRequest(facets=("day",), limit=0, tz="Asia/Shanghai"))
    assert everything.facets["day"] == newest(expected_all)
    phrase = backend.search(SearchRequest(query="国家级", facets=("day",), limit=0, tz="Asia/Shanghai"))
    assert phrase.facets["day"] == newest(expected_all)
    high = backend.search(SearchRequest(severity=["high"], facets=("day", "severity"), limit=0, tz="Asia/Shanghai",
                                        facets_ignore_own_filter=True))
    assert high.facets["day"] == newest(expected_high)
    assert dict(high.facets["severity"]) == {"high": sum(expected_high.values()),
                                             "low": n - sum(expected_high.values())}
