"""A WACZ package per run (the ``wacz`` package): the run's WARC, its CDXJ index and an explicit pages
list, so any WACZ player (ReplayWeb.page) shows the archived storefront as the merchant served it.

The pages list is ours, not detected: every HTML response of the run (its URL and WARC-Date, the
page title when known), home page first. The package is verified first: a WARC that does not
verify is not packaged (``storewatch evidence verify`` names what is broken).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from errors import EvidenceError
from evidence.verify import verify_warc

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "storewatch 抓取页面 pages judged"}


def _titles(run_folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        lines = (run_folder / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            p = json.loads(line)
        except ValueError:
            continue
        title = ((p.get("page") or {}).get("title") or "") if isinstance(p, dict) else ""
        if p.get("url") and title:
            out[p["url"].split("#", 1)[0]] = title
    return out


def pages_list(warc: Path) -> list[dict[str, Any]]:
    """One entry per HTML response of the run: ``{"id", "url", "ts", "title"}``."""
    titles = _titles(warc.parent)
    pages: list[dict[str, Any]] = []
    seen: set[str] = set()
    with open(warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI") or ""
            ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
            if url in seen or not ("html" in ctype or not ctype):
                continue
            seen.add(url)
            ts = rec.rec_headers.get_header("WARC-Date") or ""
            pages.append({"id": rec.rec_headers.get_header("WARC-Record-ID").strip("<>").rsplit(":", 1)[-1],
                          "url": url, "ts": ts, "title": titles.get(url, url)})
    return pages


def write_wacz(warc: Path, out: Path, *, title: str = "", verify: bool = True) -> Path:
    """Package one run's WARC as ``out`` (.wacz); raises EvidenceError when the WARC does not verify."""
    from wacz.main import main as wacz_main

    warc = Path(warc)
    if verify:
        report = verify_warc(warc)
        if not report.ok:
            raise EvidenceError(f"{warc} does not verify, not packaged: " + "; ".join(str(p) for p in
                                                                                       report.problems[:3]))
    pages = pages_list(warc)
    if not pages:
        raise EvidenceError(f"{warc}: no HTML page in this run, nothing to package")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        pages_file.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in [PAGES_HEADER, *pages]) + "\n",
                              encoding="utf-8")
        part = out.with_name(out.name + ".part.wacz")
        argv = ["create", "-o", str(part), "--copy-pages", "-p", str(pages_file), "--url", pages[0]["url"],
                "--title", title or f"storewatch {warc.name}", str(warc)]
        with contextlib.redirect_stdout(io.StringIO()) as said:
            code = wacz_main(argv)
        if code not in (0, None) or not part.exists():
            part.unlink(missing_ok=True)
            raise EvidenceError(f"WACZ of {warc} could not be written: {said.getvalue()[-400:]}")
        os.replace(part, out)
    return out


def validate_wacz(path: Path) -> tuple[bool, str]:
    """``wacz validate`` in-process: (valid, what it said)."""
    from wacz.main import main as wacz_main

    with contextlib.redirect_stdout(io.StringIO()) as said:
        try:
            code = wacz_main(["validate", "-f", str(path)])
        except Exception as exc:  # a damaged zip raises from deep inside the validator
            return False, f"{type(exc).__name__}: {exc}"
    return code in (0, None) and "is valid" in said.getvalue(), said.getvalue().strip()


def verify_wacz(path: Path, run_warc: Callable[[str], Path | None] | None = None) -> Any:
    """A VerifyReport for a WACZ: ``wacz validate`` (zip, datapackage hashes, indexes), then each WARC inside
    re-read record by record. ``run_warc(name)``: the run's own WARC of that name on this machine, if any;
    its manifest (``.idx.json``, each record's offset and SHA-256 of its bytes) then checks the packaged
    copy, so any changed byte is named by its record — even one in a gzip header that no digest inside
    the WARC covers. Without it the records' own digests are checked."""
    import shutil
    import zipfile

    from evidence.verify import Problem, VerifyReport

    report = VerifyReport(str(path))
    ok, said = validate_wacz(path)
    if not ok:
        last = [line for line in said.splitlines() if line.strip()][-3:]
        report.problems.append(Problem("wacz validate: " + " | ".join(last or ["invalid"]), file=Path(path).name,
                                       whole_file=True))
    try:
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
            for name in zf.namelist():
                if not name.startswith("archive/"):
                    continue
                target = Path(tmp) / Path(name).name
                try:
                    target.write_bytes(zf.read(name))
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    report.problems.append(Problem(f"{name} cannot be read from the package: {exc}",
                                                   file=Path(path).name, whole_file=True))
                    raw = _stored_bytes(Path(path), zf.getinfo(name))
                    if raw is None:
                        continue
                    target.write_bytes(raw)  # stored, not deflated: find which record changed
                report.notes.append(f"package holds {Path(name).name}")
                own = run_warc(target.name) if run_warc is not None else None
                manifest = Path(str(own) + ".idx.json") if own is not None else None
                if manifest is not None and manifest.is_file():
                    shutil.copyfile(manifest, str(target) + ".idx.json")
                    report.notes.append(f"{target.name} checked against the run's manifest {manifest}")
                inner = verify_warc(target)
                report.checked += inner.checked
                report.problems.extend(p for p in inner.problems if not p.message.startswith("index file"))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        report.problems.append(Problem(f"not a readable zip (truncated?): {exc}", file=Path(path).name,
                                       whole_file=True))
    return report


def _stored_bytes(path: Path, info: Any) -> bytes | None:
    """The raw bytes of a stored (uncompressed) zip member, read past its CRC check."""
    import struct
    import zipfile

    if info.compress_type != zipfile.ZIP_STORED:
        return None
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        head = fh.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        data = fh.read(info.compress_size)
    return data if len(data) == info.compress_size else None
