"""``storewatch evidence verify [RUN|FINDING|WARC]`` and ``storewatch evidence export FINDING_ID``.

Targets are found in the store when there is one, else in the run folders under
``<data_dir>/evidence`` (``findings.jsonl``). This module lives in store/ because it joins the two:
evidence/ never imports the store; the store may read evidence.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import click

from errors import EvidenceError, InputError
from evidence.affected import attribute
from evidence.export import export_finding, page_record_ids
from evidence.locate import localised, locate
from evidence.tsverify import verify_tokens
from evidence.verify import VerifyReport, verify_warc
from shared.clicontext import pass_ctx

log = logging.getLogger(__name__)

_FINDING_ID = re.compile(r"^[0-9a-f]{32}$")


def _evidence_root(ctx: Any) -> Path:
    settings = ctx.settings
    return Path(getattr(settings, "evidence_dir", None) or Path(settings.data_dir) / "evidence")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    """Findings of one run folder; a damaged line is skipped (the WARC is the evidence, not this)."""
    out: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            out.append(data)
    return out


def _finding_from_files(root: Path, finding_id: str) -> dict[str, Any] | None:
    for path in sorted(root.rglob("findings.jsonl")):
        for data in _jsonl(path):
            if data.get("finding_id") == finding_id:
                return data
    return None


def findings_for_warc(ctx: Any, warc: Path) -> list[dict[str, Any]]:
    """Findings judged on ``warc``: the store's (when there is one) and the run folder's findings.jsonl."""
    found = {f["finding_id"]: f for f in _jsonl(warc.parent / "findings.jsonl") if f.get("finding_id")}
    try:
        from store.db import Store
        from store.models import Finding

        name = warc.name
        with Store.from_settings(ctx.settings).session() as s:
            for row in s.query(Finding).filter(Finding.evidence.isnot(None)):
                ev = row.evidence or {}
                if isinstance(ev, dict) and str(ev.get("warc", "")).endswith(name):
                    found.setdefault(row.finding_id, {"finding_id": row.finding_id, "evidence": ev})
    except Exception:  # no store configured or reachable: the run folder's findings still count
        log.debug("store not available for findings of %s", warc, exc_info=True)
    return list(found.values())


def find_finding_in_store(s: Any, finding_id: str) -> dict[str, Any] | None:
    """The finding's JSON form from an open store session."""
    from store.lifecycle import finding_by_id

    row = finding_by_id(s, finding_id)  # the short ids `search` prints work here too
    if row is None:
        return None
    return {"finding_id": row.finding_id, "rule_id": row.rule_id, "category": row.category,
            "article": row.article, "law": row.law, "severity": row.severity, "confidence": row.confidence,
            "storefront_id": row.storefront_id, "url": row.url, "match": row.match, "excerpt": row.excerpt,
            "location": row.location, "explanation": row.explanation, "evidence": row.evidence}


def _finding_from_store(ctx: Any, finding_id: str) -> dict[str, Any] | None:
    try:
        from store.db import Store

        with Store.from_settings(ctx.settings).session() as s:
            return find_finding_in_store(s, finding_id)
    except Exception:  # no store: the run folders' findings.jsonl are searched next
        return None


def _run_from_store(ctx: Any, run_id: int) -> tuple[Path, list[dict[str, Any]]] | None:
    try:
        from sqlalchemy import select

        from store.db import Store
        from store.models import CrawlRun, PageRecord
    except ImportError:
        return None
    with Store.from_settings(ctx.settings).session() as s:
        run = s.get(CrawlRun, run_id)
        if run is None or not run.warc_path:
            return None
        pages = s.scalars(select(PageRecord).where(PageRecord.crawl_run_id == run_id)).all()
        expected = [{"record_id": p.warc_record_id, "offset": p.warc_offset,
                     "expected_sha256": p.content_sha256 or None}
                    for p in pages if p.warc_record_id and p.warc_offset is not None]
        return locate(_evidence_root(ctx), run.warc_path), expected


def find_finding(ctx: Any, finding_id: str) -> dict[str, Any]:
    finding = _finding_from_store(ctx, finding_id) or _finding_from_files(_evidence_root(ctx), finding_id)
    if finding is None:
        raise InputError(f"finding {finding_id} not found in the store nor under {_evidence_root(ctx)}")
    return localised(finding, _evidence_root(ctx))  # its WARC by name, found on this machine


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("storewatch")
    except Exception:
        return ""


def _print(report: VerifyReport, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return
    verdict = "通过 OK" if report.ok else "不一致 FAILED"
    click.echo(f"{verdict}: {report.path} ({report.checked} records checked)")
    for subject, at in sorted(report.trusted_times.items()):
        click.echo(f"  可信时间 trusted time of {subject}: {at}")
    for note in report.notes:
        click.echo(f"  注 note: {note}")
    for p in report.problems:
        click.echo(f"  - {p}")
        if p.findings:
            click.echo(f"    受影响的发现 findings affected: {', '.join(p.findings)}")
    if not report.ok:
        hit = report.findings_affected
        click.echo(f"  受影响的发现 findings affected ({len(hit)}): {', '.join(hit) or '无 none'}")
        rest = [f for f in report.findings_in_file if f not in hit]
        if rest:
            click.echo(f"  同一文件中记录完好的发现 findings in this file whose records are intact ({len(rest)}): "
                       f"{', '.join(rest)}")


def _recorded_tokens(ctx: Any, warc: Path) -> dict[str, str] | None:
    try:
        from store.db import Store
        from store.timestamps import recorded_tokens

        with Store.from_settings(ctx.settings).session() as s:
            return recorded_tokens(s, warc.name)
    except Exception:  # no store, or one without the table: the ledger beside the evidence is all there is
        log.debug("no recorded tokens for %s", warc, exc_info=True)
        return None


def _trusted_chain(ctx: Any) -> bytes | None:
    ev = getattr(ctx.settings, "evidence", None)
    path = getattr(ev, "tsa_ca_file", None)
    return Path(path).read_bytes() if path else None


def _check(ctx: Any, warc: Path, expected: list[dict[str, Any]] | None = None, only: set[str] | None = None,
           findings: list[dict[str, Any]] | None = None) -> VerifyReport:
    report = verify_warc(warc, expected=expected, only=only)
    if warc.is_file():
        problems, notes, times = verify_tokens(warc, trusted_chain=_trusted_chain(ctx),
                                               recorded=_recorded_tokens(ctx, warc))
        if only is not None:  # a finding's check: its own screenshot tokens, and the run's manifest and WARC
            problems = [p for p in problems if not p.record_id or p.record_id in only]
        report.problems.extend(problems)
        report.notes.extend(notes)
        report.trusted_times.update(times)
    return attribute(report, findings if findings is not None else findings_for_warc(ctx, warc))


@click.group("evidence")
def evidence_group() -> None:
    """Check and export archived evidence (WARC files)."""


@evidence_group.command("verify")
@click.argument("target", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
def verify_cmd(ctx: Any, target: str | None, fmt: str) -> None:
    """Re-read and re-hash evidence: a WARC file, a crawl run (id), a finding (id), or everything."""
    reports: list[VerifyReport] = []
    if target is None:
        warcs = sorted(_evidence_root(ctx).rglob("*.warc.gz"))
        if not warcs:
            raise InputError(f"no WARC files under {_evidence_root(ctx)}")
        reports = [_check(ctx, w) for w in warcs]
    elif Path(target).is_file() and target.endswith(".wacz"):
        from evidence.wacz import verify_wacz

        def run_warc(name: str) -> Path | None:  # the packaged run's own folder on this machine, if any
            return next(iter(sorted(_evidence_root(ctx).rglob(name))), None)

        report = verify_wacz(Path(target), run_warc)
        for note in list(report.notes):
            if note.startswith("package holds "):  # name the findings of the run inside, from its own folder
                name = note.removeprefix("package holds ")
                run = run_warc(name) or Path(name)
                attribute(report, findings_for_warc(ctx, run), warc=run)
        reports = [report]
    elif Path(target).is_file():
        reports = [_check(ctx, Path(target))]
    elif _FINDING_ID.match(target):
        finding = find_finding(ctx, target)
        ev = finding.get("evidence") or {}
        if not ev.get("warc"):
            raise EvidenceError(f"finding {target} has no evidence pointer (no WARC recorded)")
        warc = Path(ev["warc"])
        ids = set(page_record_ids(warc, ev)) if warc.is_file() else set()
        ids |= {str(ev[k]) for k in ("record_id", "metadata_record_id", "dom_record_id", "screenshot_record_id",
                                      "pdf_record_id") if ev.get(k)}
        expected = [{"record_id": ev["record_id"], "expected_sha256": ev.get("page_sha256") or None}] \
            if ev.get("record_id") else []
        reports = [_check(ctx, warc, expected=expected, only=ids or None, findings=[finding])]
    elif target.isdigit():
        found = _run_from_store(ctx, int(target))
        if found is None:
            raise InputError(f"crawl run {target} not found in the store (or it has no WARC)")
        reports = [_check(ctx, found[0], expected=found[1])]
    else:
        warcs = sorted(_evidence_root(ctx).rglob(f"{target}.warc.gz"))
        if not warcs:
            raise InputError(f"{target!r} is neither a file, a finding id, a run id nor a run name")
        reports = [_check(ctx, w) for w in warcs]
    for r in reports:
        _print(r, fmt)
    bad = [r for r in reports if not r.ok]
    if bad:
        hit = sorted({f for r in bad for f in r.findings_affected})
        raise EvidenceError(f"{len(bad)} evidence file(s) do not verify; {len(hit)} finding(s) affected"
                            + (f": {', '.join(hit)}" if hit else ""))


def _run_warc(ctx: Any, target: str) -> Path:
    """A run's WARC from a path, a store run id or a run name."""
    if Path(target).is_file():
        return Path(target)
    if target.isdigit():
        found = _run_from_store(ctx, int(target))
        if found is None:
            raise InputError(f"crawl run {target} not found in the store (or it has no WARC)")
        return found[0]
    warcs = sorted(_evidence_root(ctx).rglob(f"{target}.warc.gz"))
    if not warcs:
        raise InputError(f"{target!r} is neither a finding id, a WARC file, a run id nor a run name")
    return warcs[0]


@evidence_group.command("export")
@click.argument("target")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (default: ./evidence-<FINDING_ID>.zip, or ./<run>.wacz for a run).")
@click.option("--wacz", "with_wacz", is_flag=True, help="For a finding: also write its run's WACZ beside the zip.")
@pass_ctx
def export_cmd(ctx: Any, target: str, output: Path | None, with_wacz: bool) -> None:
    """A finding (id): a zip with its PDF, screenshot, WARC records, tokens and a manifest of hashes.
    A run (WARC path, run id or run name): a WACZ package with an explicit pages list."""
    from evidence.wacz import write_wacz

    if _FINDING_ID.match(target):
        finding = find_finding(ctx, target)
        out = output or Path(f"evidence-{target}.zip")
        path = export_finding(finding, out, timezone=getattr(ctx.settings, "timezone", "Asia/Shanghai"),
                              version=_version())
        click.echo(str(path))
        if with_wacz:
            warc = Path((finding.get("evidence") or {}).get("warc", ""))
            click.echo(str(write_wacz(warc, path.with_name(warc.name.removesuffix(".warc.gz") + ".wacz"))))
        return
    warc = _run_warc(ctx, target)
    out = output or Path(warc.name.removesuffix(".warc.gz") + ".wacz")
    click.echo(str(write_wacz(warc, out)))


@evidence_group.command("timestamp")
@click.argument("target", required=False)
@pass_ctx
def timestamp_cmd(ctx: Any, target: str | None) -> None:
    """Get RFC 3161 tokens for a run's WARC (path), or for every run still missing one."""
    from evidence.timestamp import TsaConfig, pending
    from pipelines.timestamps import stamp_after_run, stamp_pending

    if TsaConfig.from_settings(ctx.settings) is None:
        raise InputError("no TSA configured: set evidence.tsa_url and evidence.tsa_ca_file")
    if target is None:
        done, still = stamp_pending(ctx.settings, _evidence_root(ctx))
        click.echo(f"{done} run(s) stamped, {still} still pending")
        if still:
            raise EvidenceError(f"{still} run(s) could not be stamped (TSA unreachable?); retried later")
        return
    warc = Path(target)
    if not warc.is_file():
        raise InputError(f"{target}: no such WARC file")
    ledger = stamp_after_run(ctx.settings, warc)
    if ledger is None:
        raise EvidenceError(f"{warc}: evidence cannot be read for timestamping; run `storewatch evidence verify`")
    for e in ledger["entries"]:
        click.echo(f"{e['subject']}: {e['status']} {e.get('gen_time') or e.get('error')}")
    if pending(ledger):
        raise EvidenceError(f"{len(pending(ledger))} token(s) pending (TSA unreachable?); retried later")


def _add_report() -> None:
    from store.evidence_report import report_cmd

    evidence_group.add_command(report_cmd)


_add_report()
COMMANDS = [evidence_group]
