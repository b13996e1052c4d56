"""A finding read from an image: its detail page shows the archived image with the recognised line boxed,
and the case file carries that exhibit (marked PNG, archived image, its WARC record)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import select

from evidence.pages import archive_image
from evidence.warc import WarcArchive
from store.models import CrawlRun, Finding, PageRecord
from tests.pipelines.image_shops import selling_image


def _image_finding(store, settings, seeded) -> str:  # noqa: ANN001
    body = selling_image(["国家级专利配方 三天根治糖尿病"], h=400, busy=False)
    url, img = "http://gaoyuan.example/item/img.html", "http://gaoyuan.example/img/detail1.jpg"
    archive = WarcArchive(settings.evidence_dir / "run-image.warc.gz", info={"run": 99})
    resp = archive.write_response(url, 200, [("Content-Type", "text/html; charset=utf-8")],
                                  f"<html><body><img src='{img}'></body></html>".encode(), "2026-12-06T10:00:00Z")
    archive_image(archive, SimpleNamespace(url=img, body=body, status=200, headers=[("Content-Type", "image/jpeg")],
                                           request_headers=[], fetched_at="2026-12-06T10:00:01Z"))
    archive.close()
    fid = "1a" * 16
    now = datetime.now(UTC)
    with store.session() as s:
        run_id = s.scalars(select(CrawlRun.id).where(CrawlRun.storefront_id == seeded.storefront_ids[0])).first()
        page = PageRecord(crawl_run_id=run_id, storefront_id=seeded.storefront_ids[0], url=url, fetched_at=now, status_code=200,
                          content_sha256=resp.payload_sha256, title="图片商品", text="", warc_path=str(archive.path),
                          warc_offset=resp.offset, warc_record_id=resp.record_id)
        s.add(page)
        s.flush()
        s.add(Finding(finding_id=fid, storefront_id=seeded.storefront_ids[0], rule_id="AD-ABSOLUTE-TERM",
                      category="false_advertising", article="15(5)", law=["广告法 第九条"], severity="medium",
                      confidence=0.9, url=url, match="国家级", excerpt="国家级专利配方 三天根治糖尿病",
                      location={"kind": "image", "selector": img, "start": 0, "end": 3},
                      explanation="使用“国家级”等绝对化用语", page_title="图片商品", page_id=page.id,
                      evidence={"warc": str(archive.path), "record_id": resp.record_id, "page_sha256": resp.payload_sha256,
                                "image_url": img, "image_sha256": hashlib.sha256(body).hexdigest(),
                                "ocr_line": "国家级专利配方 三天根治糖尿病", "ocr_box": "40,90,700,140"},
                      first_seen=now, last_seen=now, status="open", status_changed_at=now))
    return fid


def test_image_finding_detail_and_case_file_show_the_boxed_image(as_role, seeded, store, settings) -> None:  # noqa: ANN001
    fid = _image_finding(store, settings, seeded)
    client, token = as_role("analyst")
    page = client.get(f"/findings/{fid}").text
    assert 'id="image-exhibit"' in page and "识别行：<code>国家级专利配方 三天根治糖尿病</code>" in page
    assert f'<img class="exhibit" src="/findings/{fid}/exhibit"' in page
    r = client.get(f"/findings/{fid}/exhibit")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    from PIL import Image

    red = Image.open(io.BytesIO(r.content)).convert("RGB").getpixel((300, 90))
    assert red[0] > 200 and red[1] < 60  # the recognised line's box, on the archived image
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": [fid]},
                    follow_redirects=False)
    assert r.status_code == 303
    sup, stoken = as_role("supervisor")
    zf = zipfile.ZipFile(io.BytesIO(sup.post(r.headers["location"] + "/export", data={"csrf_token": stoken}).content))
    names = set(zf.namelist())
    assert {f"exhibits/{fid}.png", f"exhibits/{fid}.clean.jpg", f"exhibits/{fid}.image.warc.gz",
            f"exhibits/{fid}.json"} <= names, names
    sums = zf.read("SHA256SUMS").decode()
    assert f"{hashlib.sha256(zf.read(f'exhibits/{fid}.png')).hexdigest()}  exhibits/{fid}.png" in sums


def test_a_text_finding_has_no_image_section(as_role, seeded) -> None:  # noqa: ANN001
    client, _ = as_role("analyst")
    assert 'id="image-exhibit"' not in client.get(f"/findings/{seeded.finding_ids[0]}").text
