"""pages.jsonl: the final rewrite copies each streamed page model's JSON instead of encoding it again
(pipelines.collect.final_lines); the text must be what encoding every line again gives."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from crawler.items import PageCapture
from extraction.page import extract_page
from pipelines.collect import final_lines, page_line, stream_line, streamed_final

HTML = ('<html><head><title>雪域臻品 "引号"</title></head><body><h1>雪域臻品</h1><p>第一段\n换行</p>'
        '<a href="/item/1.html">商品</a></body></html>')


def caps() -> list[PageCapture]:
    out = []
    for i in range(3):
        url = f"http://shop.test/{i}.html"
        out.append(PageCapture(url=url, status=200, page=extract_page(HTML, url, status=200), fetched_at="2026-12-07T00:00:00Z"))
    out.append(PageCapture(url="http://shop.test/down", error="connection refused"))  # no page model
    return out


def encoded(cs: list[PageCapture]) -> str:
    return "".join(json.dumps(page_line(c), ensure_ascii=False) + "\n" for c in cs)


def stream(cs: list[PageCapture], path: Path) -> dict[int, tuple]:
    streamed: dict[int, tuple] = {}
    with path.open("w", encoding="utf-8") as out:
        for c in cs:
            out.write(stream_line(c, streamed) + "\n")
    return streamed


def test_streamed_lines_are_the_encoded_lines(tmp_path: Path) -> None:
    cs = caps()
    path = tmp_path / "pages.jsonl"
    stream(cs, path)
    assert path.read_text(encoding="utf-8") == encoded(cs)


def test_final_lines_after_changes_equal_encoding_again(tmp_path: Path) -> None:
    cs = caps()
    path = tmp_path / "pages.jsonl"
    streamed = stream(cs, path)
    # after streaming: evidence and gaps added (second pass, PDFs), one page model replaced (a new object)
    cs[0].evidence = {"page_sha256": "ab" * 32, "records": {"pdf": {"record_id": "<urn:uuid:1>"}}}
    cs[0].evidence_gaps.append("截图失败")
    cs[1].page = dataclasses.replace(cs[1].page, title="换了标题")
    assert final_lines(cs, streamed, path) == encoded(cs)
    assert final_lines(cs, {}, path) == encoded(cs)  # nothing streamed: everything encoded


def test_final_lines_without_the_streamed_file(tmp_path: Path) -> None:
    cs = caps()
    path = tmp_path / "pages.jsonl"
    streamed = stream(cs, path)
    path.unlink()
    assert final_lines(cs, streamed, path) == encoded(cs)
    path.write_text("cut", encoding="utf-8")  # a damaged stream is not copied from
    assert final_lines(cs, streamed, path) == encoded(cs)


def test_streamed_file_is_final_until_a_line_changes(tmp_path: Path) -> None:
    cs = caps()
    streamed = stream(cs, tmp_path / "pages.jsonl")
    assert streamed_final(cs, streamed)  # nothing changed: the file stays as streamed
    assert not streamed_final(cs[:-1], streamed)  # a capture the final list does not have
    assert not streamed_final(list(reversed(cs)), streamed)  # another order
    cs[3].evidence_gaps.append("截图失败")  # the page-less line changed
    assert not streamed_final(cs, streamed)
    cs = caps()
    streamed = stream(cs, tmp_path / "pages.jsonl")
    cs[0].evidence = {"page_sha256": "ab" * 32, "records": {"pdf": {"record_id": "<urn:uuid:1>"}}}  # a PDF added
    assert not streamed_final(cs, streamed)
    cs = caps()
    streamed = stream(cs, tmp_path / "pages.jsonl")
    cs[1].page = dataclasses.replace(cs[1].page, title="换了标题")  # a new page model
    assert not streamed_final(cs, streamed)
    assert not streamed_final([*cs, PageCapture(url="http://shop.test/late")], streamed)  # never streamed
