"""Claims, marks and QR codes that exist only in images, found by a real crawl (child process) of
fixture storefronts on 127.0.0.1; the lawful image-only shop is not flagged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.crawler.conftest import crawl
from tests.pipelines.image_shops import bad_shop, good_shop

IMAGE_CATEGORIES = {"false_advertising", "gov_badge_forgery", "pyramid_scheme"}


@pytest.fixture(scope="module")
def shops() -> Iterator[dict[str, Any]]:
    bad, good = bad_shop().start(), good_shop().start()
    try:
        yield {"bad": bad, "good": good}
    finally:
        bad.stop()
        good.stop()


@pytest.fixture(scope="module")
def outcomes(shops: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = {}
    for name, site in shops.items():
        out[name] = crawl(site.url("/"), tmp_path_factory.mktemp(name), max_pages=5, ocr_time_share=1.0)
    return out


def _image_findings(outcome: Any) -> list[dict[str, Any]]:
    return [f for f in outcome.findings if f["location"]["kind"] == "image"]


def test_claims_in_detail_image_and_banner(outcomes: dict[str, Any]) -> None:
    found = _image_findings(outcomes["bad"])
    by_rule = {(f["rule_id"], f["match"]) for f in found}
    assert ("AD-ABSOLUTE-TERM", "国家级") in by_rule, found
    assert any(f["rule_id"] == "AD-MEDICAL-CLAIM" and f["url"].endswith("/item/1.html") for f in found), found
    assert any("销量第一" in f["match"] for f in found), found  # the home banner
    traditional = [f for f in found if "治癒" in f["match"] or "無副作用" in f["match"]]
    assert traditional, found
    item = next(p for p in outcomes["bad"].pages if p["url"].endswith("/item/1.html"))
    detail = next(i for i in item["page"]["images"] if i["src"].endswith("detail1.jpg"))
    k = detail["ocr_text"].split("\n").index("扫码进群")  # the vertical column, read as one line
    x0, y0, x1, y1 = detail["ocr_boxes"][k]
    assert y1 - y0 > 2 * (x1 - x0)
    for f in found:
        ev = f["evidence"] or {}
        if f["rule_id"].startswith("AD-"):
            assert ev["image_url"].endswith((".jpg", ".png")) and len(ev["image_sha256"]) == 64, f
            assert f["match"].replace(" ", "") in ev["ocr_line"].replace(" ", ""), f
            x0, y0, x1, y1 = (int(v) for v in ev["ocr_box"].split(","))
            assert 0 <= x0 < x1 and 0 <= y0 < y1, f


def test_recoloured_renamed_badge_copy_is_recognised_by_look(outcomes: dict[str, Any]) -> None:
    badges = [f for f in outcomes["bad"].findings if f["category"] == "gov_badge_forgery"]
    assert any(f["rule_id"] == "GOV-BADGE-SELF-HOSTED" for f in badges), outcomes["bad"].findings
    assert all((f["evidence"] or {}).get("image_url", "").endswith("/static/a1.png") for f in badges), badges


def test_qr_to_paid_group_is_a_recorded_link_and_judged(outcomes: dict[str, Any], shops: dict[str, Any]) -> None:
    item = next(p for p in outcomes["bad"].pages if p["url"].endswith("/item/1.html"))
    qr = [lk for lk in item["page"]["links"] if lk["rel"] == "qr"]
    assert [lk["href"] for lk in qr] == ["http://qun.example.org/join?group=88"], qr
    assert "站外" in qr[0]["text"]
    assert not any("qun.example.org" in p["url"] for p in outcomes["bad"].pages)  # recorded, never fetched
    assert any(f["category"] == "pyramid_scheme" for f in _image_findings(outcomes["bad"])), outcomes["bad"].findings


def test_lawful_image_only_shop_is_not_flagged(outcomes: dict[str, Any]) -> None:
    good = outcomes["good"]
    item = next(p for p in good.pages if p["url"].endswith("/item/1.html"))
    detail = next(i for i in item["page"]["images"] if i["src"].endswith("detail1.jpg"))
    assert "七天无理由退货" in detail["ocr_text"].replace(" ", "")  # it was read
    flagged = [f for f in good.findings if f["category"] in IMAGE_CATEGORIES or f["location"]["kind"] == "image"]
    assert flagged == [], flagged


def test_budget_zero_reads_no_selling_image(shops: dict[str, Any], tmp_path: Path) -> None:
    out = crawl(shops["bad"].url("/"), tmp_path, max_pages=5, ocr_images_per_run=0)
    assert not [f for f in out.findings if f["category"] == "false_advertising"], out.findings
    assert any("OCR budget" in n for n in out.summary.get("notes", [])), out.summary


def test_what_one_crawl_leaves_unread_a_later_crawl_reads(shops: dict[str, Any], tmp_path: Path) -> None:
    from crawler.job import CrawlJob, Places
    from crawler.runner import run_crawl
    from tests.crawler.conftest import test_options as crawl_options

    def run(n: int) -> Any:
        job = CrawlJob(start_url=shops["bad"].url("/item/1.html"), evidence=str(tmp_path / f"e{n}"), progress=False,
                       options=crawl_options(max_pages=1, ocr_images_per_run=1, ocr_time_share=1.0))
        return run_crawl(job, Places(data_dir=str(tmp_path / "data")))

    def read(outcome: Any) -> set[str]:
        item = outcome.pages[0]["page"]
        return {i["src"].rsplit("/", 1)[-1] for i in item["images"] if i["ocr_text"]}

    first, second = run(1), run(2)
    assert len(read(first)) == 1, first.pages[0]["page"]["images"]
    assert read(first) < read(second) and len(read(second)) == 2  # the cached one is free, one more is read
    refs = list((tmp_path / "data" / "ocr-cache").glob("url-*.ref"))
    assert len(refs) == 2


def test_scan_read_images_flags_the_image_only_violations(shops: dict[str, Any], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import cli

    monkeypatch.setenv("STOREWATCH_CRAWLER__ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("STOREWATCH_CRAWLER__RETRIES", "0")
    capsys.readouterr()
    code = cli.main(["--data-dir", str(tmp_path), "scan", shops["bad"].url("/item/1.html"), "--max-pages", "1",
                     "--render", "never", "--read-images"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    found = [f for f in result["findings"] if f["location"]["kind"] == "image"]
    assert any(f["rule_id"] == "AD-MEDICAL-CLAIM" and f["evidence"]["ocr_box"] for f in found), result["findings"]


def test_image_findings_of_a_real_crawl_have_a_boxed_exhibit(outcomes: dict[str, Any]) -> None:
    from evidence.exhibit import exhibit

    found = [f for f in _image_findings(outcomes["bad"]) if (f["evidence"] or {}).get("ocr_box")]
    assert found
    d = exhibit(found[0])
    assert d["source_kind"] == "image" and d["box"] == [int(v) for v in found[0]["evidence"]["ocr_box"].split(",")]
    assert (Path(d["folder"]) / d["marked"]).read_bytes().startswith(b"\x89PNG")
