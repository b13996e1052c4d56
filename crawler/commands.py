"""``storewatch scan`` and ``storewatch crawl``.

``scan URL`` crawls and judges one storefront now, without the daemon, the store or
Elasticsearch: the crawl runs in a child process, its evidence stays under
``<data_dir>/evidence/scans/<run>/``, and the JSON of DESIGN.md goes to stdout (progress to stderr).
``crawl --storefront ID | --all`` crawls registered storefronts into the store.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from crawler.job import CrawlJob, Places, new_run_id
from crawler.options import RENDER_MODES, options_from_settings
from crawler.runner import CrawlOutcome, run_crawl
from errors import InputError
from pipelines.timestamps import stamp_after_run
from shared.clicontext import pass_ctx

log = logging.getLogger(__name__)
CRAWL_TRIGGERS = ("manual", "schedule", "recheck", "scan")


_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _valid_host(host: str) -> bool:
    """An IP address, or a name whose labels are letters, digits and inner hyphens (after IDNA)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if re.fullmatch(r"[\d.]+", ascii_host):
        return False  # all digits but not an IPv4 address (999.999.999.999)
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def normalise_start_url(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket: http://[::1
        raise InputError(f"不是合法网址 not a web address: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not a web address: {url!r} (expected http://host/…)")
    if not _valid_host(parts.hostname):
        raise InputError(f"网址中的主机名不合法 bad host name {parts.hostname!r} in {url!r}")
    try:
        parts.port  # noqa: B018 (validates the port)
    except ValueError as exc:
        raise InputError(f"bad port in {url!r}: {exc}") from None
    return url if parts.path else url + "/"


def scan_result(url: str, registry: dict[str, Any] | None, outcome: CrawlOutcome) -> dict[str, Any]:
    """The ``scan`` JSON contract (DESIGN.md) plus a ``crawl`` section explaining coverage."""
    s = outcome.summary
    notes = list(s.get("notes", []))
    needs = [p["url"] for p in outcome.pages if p.get("needs_render") and not p.get("rendered")]
    if needs and s.get("render_mode") == "never":
        notes.insert(0, f"{len(needs)} page(s) need JavaScript and were NOT rendered (--render never): "
                        "content inserted by scripts was not seen")
    if outcome.error:
        notes.insert(0, outcome.error)
    return {
        "storefront": url,
        "registry_record": registry,
        "pages": [{"url": p["url"], "status": p["status"], "rendered": p["rendered"], "sha256": p["sha256"]}
                  for p in outcome.pages],
        "findings": outcome.findings,
        "crawl": {
            "status": outcome.status,
            "run_id": outcome.job.run_id,
            "render_mode": s.get("render_mode", outcome.job.options.render),
            "pages_needing_javascript_not_rendered": needs,
            "analysis": s.get("analysis", ""),
            "warc": s.get("warc", ""),
            "robots_obeyed": s.get("robots_obeyed"),
            "cuts": s.get("cuts", []),
            "offsite_links": s.get("offsite_links", []),
            "redirects": s.get("redirects", []),
            "notes": notes,
        },
    }


def render_text(result: dict[str, Any]) -> str:
    c = result["crawl"]
    lines = [f"店铺 Storefront: {result['storefront']}",
             f"抓取状态 Crawl: {c['status']} · {len(result['pages'])} 页 pages · 渲染 render={c['render_mode']}",
             f"备案记录 Registry record: {'已找到 found' if result['registry_record'] else '未找到 none'}"]
    for n in c["notes"]:
        lines.append(f"注意 Note: {n}")
    for cut in c["cuts"][:20]:
        lines.append(f"截断 Cut: {cut['url']} — {cut['reason']}")
    lines.append(f"发现 Findings: {len(result['findings'])}")
    for f in result["findings"]:
        lines.append(f"  [{f['severity']}] {f['rule_id']} 第{f['article']}条 {f['url']}\n      {f['explanation']} «{f['match']}»")
    lines.append(f"证据 Evidence: {c['warc']}")
    return "\n".join(lines)


@click.command("scan")
@click.argument("url")
@click.option("--registry", "registry_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Registry file (CSV/XLSX); the row whose 网站域名 matches the URL's host is used.")
@click.option("--render", type=click.Choice(RENDER_MODES), default=None, help="Render pages with Chromium.")
@click.option("--max-pages", type=click.IntRange(1, 100000), default=None, help="Page budget.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("--evidence-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where the run's WARC and outputs go (default: <data_dir>/evidence/scans/<run>).")
@click.option("--read-images", is_flag=True, default=False,
              help="Read every selling image now (OCR without the crawl-time share; slower). docs/images.md")
@pass_ctx
def scan_cmd(ctx: Any, url: str, registry_file: Path | None, render: str | None, max_pages: int | None, fmt: str,
             evidence_dir: Path | None, read_images: bool = False) -> None:
    """Crawl and judge one storefront now (JSON on stdout, progress on stderr)."""
    from pipelines.registry_file import find_record

    url = normalise_start_url(url)
    settings = ctx.settings
    options = options_from_settings(settings)
    options = options.with_overrides(render=render, max_pages=max_pages)
    if read_images:
        options = options.with_overrides(ocr=True, ocr_time_share=1.0,
                                         ocr_images_per_run=max(options.ocr_images_per_run, 10_000))
    record = None
    if registry_file is not None:
        record = find_record(registry_file, url)
        if not record.found:
            click.echo(f"未找到备案记录 no filing record for {urlsplit(url).netloc} in {registry_file}", err=True)
    run_id = new_run_id()
    evidence = str(evidence_dir.resolve()) if evidence_dir is not None else f"scans/{run_id}"
    job = CrawlJob(start_url=url, evidence=evidence, options=options, run_id=run_id,
                   registry=asdict(record) if record is not None else None, trigger="scan")
    places = replace(Places.from_settings(settings), database_url="")  # a scan records nothing in the store
    outcome = run_crawl(job, places, stderr=sys.stderr)
    stamp_after_run(settings, outcome.summary.get("warc"))
    result = scan_result(url, asdict(record) if record is not None and record.found else None, outcome)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(result))
    if outcome.status in ("failed", "interrupted", "unreachable"):
        click.echo(f"抓取未完成 crawl {outcome.status}: {outcome.error or url}", err=True)
        raise click.exceptions.Exit(1)


@click.command("crawl")
@click.option("--storefront", "storefront_id", type=int, default=None, help="Storefront id in the store.")
@click.option("--all", "crawl_all", is_flag=True, help="Every active storefront.")
@click.option("--render", type=click.Choice(RENDER_MODES), default=None)
@click.option("--max-pages", type=click.IntRange(1, 100000), default=None)
@click.option("--trigger", type=click.Choice(CRAWL_TRIGGERS), default="manual", show_default=True,
              help="Why this crawl runs, recorded on the crawl run (the daemon passes schedule or recheck).")
@pass_ctx
def crawl_cmd(ctx: Any, storefront_id: int | None, crawl_all: bool, render: str | None,
              max_pages: int | None, trigger: str) -> None:
    """Crawl registered storefronts into the store (one child process each)."""
    from pipelines.jobs import crawl_storefronts

    if (storefront_id is None) == (not crawl_all):
        raise click.UsageError("give exactly one of --storefront ID or --all")
    settings = ctx.settings
    options = options_from_settings(settings).with_overrides(render=render, max_pages=max_pages)
    results = crawl_storefronts(settings, options, None if crawl_all else [storefront_id], trigger=trigger,
                                stderr=sys.stderr)
    for sid, outcome in results:
        stamp_after_run(settings, outcome.summary.get("warc"))
        click.echo(f"storefront {sid}: {outcome.status} · {outcome.summary.get('pages_fetched', 0)} pages · "
                   f"{len(outcome.findings)} findings · {outcome.summary.get('warc', '')}", err=False)
    if any(o.status == "failed" for _sid, o in results):
        sys.exit(1)


COMMANDS = [scan_cmd, crawl_cmd]
