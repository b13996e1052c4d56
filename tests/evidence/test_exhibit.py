"""The boxed exhibit: the archived page re-rendered offline, the match found and boxed on a marked copy;
the clean copy differs from the marked one only inside the box; nothing is fetched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evidence.exhibit import render_exhibit


def _pixels(png: bytes) -> Any:
    import cv2
    import numpy as np

    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)


def test_match_is_boxed_and_only_the_box_differs(tmp_path: Path) -> None:
    import numpy as np

    html = ('<html><body style="margin:0;font-size:20px"><p style="margin:100px 0 0 200px">本品为'
            '<span>国家级</span>产品</p><img src="http://127.0.0.2:9/x.png"><script>document.body.innerHTML="ran"</script>'
            '</body></html>')
    clean, marked, box = render_exhibit(html, "http://127.0.0.1/item.html", "国家级", "p")
    assert box is not None
    x, y, w, h = box
    assert 240 < x < 300 and 95 < y < 130 and 50 < w < 80  # after 本品为 (3 × 20 px), on the paragraph's line
    a, b = _pixels(clean), _pixels(marked)
    diff = np.argwhere((a != b).any(axis=2))
    assert len(diff) > 0
    (y0, x0), (y1, x1) = diff.min(axis=0), diff.max(axis=0)
    assert x0 >= x - 6 and x1 <= x + w + 6 and y0 >= y - 6 and y1 <= y + h + 6  # only the box changed
    red = b[int(y) - 3, int(x + w / 2)]
    assert red[2] > 200 and red[1] < 60  # BGR: the box is red


def test_no_match_gives_no_box() -> None:
    clean, marked, box = render_exhibit("<p>nothing here</p>", "http://127.0.0.1/", "国家级", "")
    assert box is None and clean == marked


def test_exhibit_from_a_crawled_finding(sites: dict[str, Any], tmp_path: Path) -> None:
    from evidence.exhibit import exhibit
    from tests.crawler.conftest import crawl

    crawl(sites["static"].url("/"), tmp_path, max_depth=0, max_pages=1, ocr=False)
    finding = json.loads((tmp_path / "findings.jsonl").read_text().splitlines()[0])
    d = exhibit(finding)
    assert d["source_record"] == finding["evidence"]["record_id"] and d["box"]
    marked = Path(d["folder"]) / d["marked"]
    assert marked.read_bytes().startswith(b"\x89PNG")
    assert exhibit(finding)["made_at"] == d["made_at"]  # reused, not re-rendered
    marked.write_bytes(b"tampered")
    assert exhibit(finding)["made_at"] != d["made_at"]  # a changed copy is re-made


def test_a_hidden_element_gets_no_box_and_the_exhibit_says_why(tmp_path: Path) -> None:
    """A hidden iframe (display:none) cannot be boxed: the exhibit says so instead of claiming a red box."""
    from evidence.exhibit import exhibit
    from evidence.warc import WarcArchive

    archive = WarcArchive(tmp_path / "run.warc.gz", info={"run": 1})
    html = ('<html><body><p>正常商品页面</p><iframe src="http://tj.example.invalid/c.html" width="0" height="0" '
            'style="display:none"></iframe></body></html>').encode()
    ref = archive.write_response("http://127.0.0.1/", 200, [("Content-Type", "text/html; charset=utf-8")], html,
                                 "2026-12-06T10:00:00Z")
    archive.close()
    finding = {"finding_id": "e" * 32, "rule_id": "MAL-HIDDEN-IFRAME", "match": "tj.example.invalid",
               "url": "http://127.0.0.1/", "location": {"kind": "iframe", "selector": "body>iframe"},
               "evidence": {"warc": str(tmp_path / "run.warc.gz"), "record_id": ref.record_id}}
    d = exhibit(finding, chromium_path="/usr/bin/chromium")
    assert d["box"] is None and "红框为匹配内容位置" not in d["note"] and "不可见" in d["note"], d["note"]
