"""Design copying (analyzers/design.py) on the fixture sites: copies found, same-template shops not."""

from __future__ import annotations

from analyzers.design import (
    DesignIndex,
    copy_finding,
    find_copies,
    fingerprint,
    print_from_dict,
    print_to_dict,
    verify,
)
from tests.analyzers.design_sites import page, resources, sites


def _prints():
    fixture, truth = sites()
    return [fingerprint(k, html, resources=res, images=imgs) for k, html, res, imgs in fixture], truth


def test_every_copy_is_found_and_no_same_template_shop_is_flagged() -> None:
    prints, truth = _prints()
    index = DesignIndex(prints)
    flagged = {frozenset((c.key, c.other)) for p in prints for c in find_copies(p, index)}
    assert flagged == {frozenset(pair) for pair in truth.items()}


def test_same_template_alone_is_lawful() -> None:
    a = fingerprint("a", page("youzan", "雪域牦牛", 0), resources=resources("youzan", "雪域牦牛"))
    b = fingerprint("b", page("youzan", "青稞坊", 3), resources=resources("youzan", "青稞坊"))
    assert verify(a, b) is None
    assert verify(a, a) is not None  # the same design with the same logo is a copy


def test_the_finding_names_the_other_storefront_and_is_suspected() -> None:
    prints, _ = _prints()
    copy = next(p for p in prints if p.key == "copy-logo")
    c = find_copies(copy, prints)[0]
    f = copy_finding(c, "http://copy.example.cn/", storefront_id=7, other_url="http://orig.example.cn/")
    assert f.match == "shop0" and f.category == "design_copying" and f.article == "15(3)"
    assert f.evidence is not None and f.evidence["status"] == "suspected" and "相同徽标" in f.evidence["shared"]
    assert "第十五条第（三）项" in f.explanation


def test_print_round_trips_and_bad_html_gives_an_empty_print() -> None:
    prints, _ = _prints()
    assert print_from_dict(print_to_dict(prints[0])) == prints[0]
    empty = fingerprint("x", "")
    assert len(empty.tags) <= 2
    assert find_copies(empty, prints) == []
