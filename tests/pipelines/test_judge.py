"""Per-page analysis in a worker process (pipelines.judge): the same findings as in-process."""

from __future__ import annotations

from analyzers.model import RegistryRecord
from extraction.page import extract_page
from pipelines.analyze import analyze_pages
from pipelines.judge import PageJudge

HOME = ('<html><head><title>雪域臻品</title></head><body><h1>雪域臻品旗舰店</h1><p>全网最低价，国家级品质</p>'
        '<a href="/item/1.html">商品</a><div class="footer">客服电话 0971-1234567</div></body></html>')
ITEM = ('<html><head><title>冬虫夏草</title></head><body><h1>冬虫夏草礼盒</h1><p class="price">￥199</p>'
        '<p>本品根治高血压，三天见效，无效退款。最终解释权归本店所有。</p><p>高仿原单，1:1复刻</p></body></html>')


def pages() -> list:
    return [extract_page(HOME, "http://shop.test/", status=200, is_home=True, kind="home"),
            extract_page(ITEM, "http://shop.test/item/1.html", status=200, kind="product")]


def test_worker_parts_give_the_same_findings() -> None:
    registry = RegistryRecord(name="西宁雪域臻品商贸有限公司", domain="shop.test", storefront_id=7)
    here = analyze_pages(pages(), registry, storefront_id=7)
    judge = PageJudge(registry, 7)
    try:
        assert judge.pool is not None
        ps = pages()
        for p in ps:
            judge.submit(p)
        parts = judge.parts(ps)
        assert set(parts) == {0, 1}  # both pages were judged in the worker
        there = analyze_pages(ps, registry, storefront_id=7, parts=parts)
    finally:
        judge.close()
    assert here  # the pages do carry findings
    assert [f.to_dict() for f in there] == [f.to_dict() for f in here]


def test_pages_the_worker_did_not_judge_are_judged_here() -> None:
    judge = PageJudge(None, None)
    try:
        ps = pages()
        judge.submit(ps[1])  # the home page never reached the worker
        parts = judge.parts(ps)
        assert set(parts) == {1}
        assert [f.to_dict() for f in analyze_pages(ps, None, parts=parts)] == \
            [f.to_dict() for f in analyze_pages(pages(), None)]
    finally:
        judge.close()


def test_site_rule_shares_computed_with_the_parts_give_the_same_findings() -> None:
    # MLM-SITE-ELEMENTS decides each page's elements in page_part (beside the crawl): same site findings
    from analyzers.engine import analyze_site, page_part
    from analyzers.rules import BY_ID

    rule = BY_ID["MLM-SITE-ELEMENTS"]
    assert rule.prepare is not None
    fired = 0
    for example in (*rule.bad, *rule.good):
        ps = list(example.pages)
        parts = {i: page_part(p, example.registry) for i, p in enumerate(ps)}
        assert all("MLM-SITE-ELEMENTS" in part[2] for part in parts.values())
        here = [f.to_dict() for f in analyze_site(ps, example.registry)]
        there = [f.to_dict() for f in analyze_site(ps, example.registry, parts=parts)]
        assert there == here
        fired += any(f["rule_id"] == "MLM-SITE-ELEMENTS" for f in there)
    assert fired == len(rule.bad)  # the bad examples do fire through the prepared shares


def test_a_share_for_another_kind_of_page_is_not_used() -> None:
    from analyzers.rules import BY_ID
    from analyzers.rules.base import Site
    from analyzers.rules.goods import check_pyramid_site, pyramid_page

    rule_bad = BY_ID["MLM-SITE-ELEMENTS"].bad[0]
    ps = tuple(rule_bad.pages)
    texts = {p.url: " ".join(b.text for b in p.blocks) for p in ps}
    true = list(check_pyramid_site(Site(ps, None, texts), {}))
    assert true
    wrong = {p.url: {"MLM-SITE-ELEMENTS": ("no-such-kind", {})} for p in ps}  # stale shares: recomputed
    assert list(check_pyramid_site(Site(ps, None, texts, None, wrong), {})) == true
    empty = {p.url: {"MLM-SITE-ELEMENTS": pyramid_page(p, "")} for p in ps}  # shares of empty text: nothing
    assert list(check_pyramid_site(Site(ps, None, texts, None, empty), {})) == []


def test_the_early_workers_are_taken_by_the_judge() -> None:
    from pipelines import judge as judge_mod

    judge_mod.start_early()  # from a thread: the crawl does not wait for the fork server
    starting = judge_mod._starting
    assert starting is not None
    judge = PageJudge(None, None)
    try:
        ps = pages()
        for p in ps:  # while the workers start, pages wait in the judge
            judge.submit(p)
        assert set(judge.parts(ps)) == {0, 1}
        assert not starting.is_alive() and judge_mod._starting is None and judge_mod._early is None  # taken
        assert judge.pool is None  # let go once the parts are in
    finally:
        judge.close()


def test_pages_submitted_while_the_workers_start_are_judged() -> None:
    import threading

    from pipelines import judge as judge_mod

    gate = threading.Event()
    judge_mod._starting = threading.Thread(target=gate.wait)  # a start that has not finished
    judge_mod._starting.start()
    judge = PageJudge(None, None)
    try:
        ps = pages()
        judge.submit(ps[0])
        assert judge.waiting == [ps[0]] and not judge.futures  # held back, not lost
        gate.set()  # the start ends without a pool (no early workers): the judge makes its own
        judge.submit(ps[1])
        parts = judge.parts(ps)
        assert set(parts) == {0, 1} and not judge.waiting
    finally:
        gate.set()
        judge.close()
