"""The boxed exhibit of a finding read from an image (``location.kind == "image"``).

The image is the archived one: the WARC record of the run whose URL is the finding's
``image_url`` (or, for a ``data:`` image, the ``urn:storewatch:data-image:<sha256>`` resource) and
whose payload hashes to its ``image_sha256`` — never a copy fetched again. The recognised line's
box (``ocr_box``, image pixels) is outlined in red by :func:`analyzers.images.boxed_exhibit`.
Like the page exhibit (:mod:`evidence.exhibit`), the result is a *derived* copy kept beside the
evidence (``exhibits/<finding>.png`` marked, ``.clean.<ext>`` the archived bytes,
``.image.warc.gz`` the image's WARC record byte for byte, ``.json``); the WARC record stays the evidence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from evidence.affected import safe_index
from evidence.timefmt import utc_iso
from evidence.verify import parse_member
from evidence.warc import sha256

FOLDER = "exhibits"
NOTE = ("取自本次抓取存档的原图（WARC 记录，哈希与问题记录一致）；红框为识别出的文字行位置（OCR）。"
        "原始证据为 WARC 中的记录。")
_EXT = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpg", b"GIF8": "gif", b"RIFF": "webp", b"BM": "bmp"}


def is_image_finding(finding: dict[str, Any]) -> bool:
    return (finding.get("location") or {}).get("kind") == "image"


def exhibit_files(desc: dict[str, Any]) -> dict[str, bytes]:
    """The exhibit's files by name (for a case export): marked PNG, archived image, its record, description."""
    folder = Path(desc["folder"])
    names = [desc["marked"], desc["clean"], desc.get("record", ""), f"{desc['finding_id']}.json"]
    return {n: (folder / n).read_bytes() for n in names if n and (folder / n).is_file()}


def archived_image(warc: Path, image_url: str, image_sha256: str) -> tuple[bytes, str, bytes]:
    """(bytes, record id, the record's gzip member as on disk) of the archived image with that URL and
    SHA-256; ValueError naming what is missing."""
    index = safe_index(warc)
    if index is None:
        raise ValueError(f"{warc}: index (.idx.json) missing or damaged")
    urn = f"urn:storewatch:data-image:{image_sha256}"
    wanted = {image_url.split("#", 1)[0], urn}
    for ref in index.get("records", []):
        if not isinstance(ref, dict) or ref.get("type") not in ("response", "resource"):
            continue
        if ref.get("uri") in wanted and ref.get("payload_sha256") == image_sha256:
            with open(warc, "rb") as fh:
                fh.seek(int(ref["offset"]))
                member = fh.read(int(ref["length"]))
            body = parse_member(member).payload
            if sha256(body) != image_sha256:
                raise ValueError(f"archived image {image_url} does not match its SHA-256 (record {ref['record_id']})")
            return body, str(ref["record_id"]), member
    raise ValueError(f"the image {image_url} (SHA-256 {image_sha256[:12]}…) is not archived in {warc.name}")


def _whole(data: bytes) -> str:
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValueError("the archived image cannot be decoded") from None
    return f"1,1,{max(w - 2, 2)},{max(h - 2, 2)}"


def _write(path: Path, blob: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def image_exhibit(finding: dict[str, Any], *, refresh: bool = False) -> dict[str, Any]:
    """Make (or reuse) the boxed image exhibit of ``finding``; the same description as the page exhibit's."""
    from analyzers.images import boxed_exhibit

    ev = finding.get("evidence") or {}
    warc = Path(ev.get("warc") or "")
    folder = warc.parent / FOLDER
    fid = str(finding.get("finding_id", "finding"))
    desc_path = folder / f"{fid}.json"
    if desc_path.exists() and not refresh:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
        kept = folder / str(desc.get("marked", ""))
        if desc.get("source_kind") == "image" and kept.is_file() and sha256(kept.read_bytes()) == desc["marked_sha256"]:
            return {**desc, "folder": str(folder)}
    url, digest = str(ev.get("image_url") or ""), str(ev.get("image_sha256") or "")
    if not url or not digest:
        raise ValueError(f"finding {fid} names no archived image (image_url, image_sha256)")
    clean, record_id, member = archived_image(warc, url, digest)
    box = ev.get("ocr_box")
    if not box:  # a mark recognised by its look, not by a line of text: the whole image is the exhibit
        box = _whole(clean)
    marked = boxed_exhibit(clean, str(box), label=str(finding.get("match", ""))[:20])
    ext = next((e for magic, e in _EXT.items() if clean.startswith(magic)), "bin")
    folder.mkdir(exist_ok=True)
    _write(folder / f"{fid}.clean.{ext}", clean)
    _write(folder / f"{fid}.png", marked)
    _write(folder / f"{fid}.image.warc.gz", member)
    desc = {"finding_id": fid, "source_record": record_id, "source_kind": "image", "image_url": url,
            "box": [int(v) for v in str(box).split(",")] if box else None, "ocr_line": ev.get("ocr_line", ""),
            "clean": f"{fid}.clean.{ext}", "clean_sha256": digest, "record": f"{fid}.image.warc.gz",
            "marked": f"{fid}.png", "marked_sha256": sha256(marked), "made_at": utc_iso(), "note": NOTE}
    _write(desc_path, json.dumps(desc, ensure_ascii=False, indent=1).encode("utf-8"))
    return {**desc, "folder": str(folder)}
