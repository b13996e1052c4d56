"""Seed data for the web tests, the browser test and docs/screenshots.py, written through the store
models: storefronts, crawl runs, pages archived in a real WARC (response + screenshot resource),
findings across categories and months (one with ``<script>`` in its excerpt and page), users."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from analyzers.model import finding_id
from evidence.timefmt import utc_iso
from evidence.warc import WarcArchive
from store.lifecycle import enqueue
from store.models import CrawlRun, Finding, FindingEvent, OutboxEntry, PageRecord, Storefront
from web import auth

PASSWORDS = {"admin": "qh-Root-pass-123", "analyst": "qh-Ana-pass-123", "supervisor": "qh-Sup-pass-123",
             "viewer": "qh-View-pass-123"}
XSS = '<script>alert("xss")</script><img src=x onerror="alert(2)">'

STOREFRONTS = [
    ("青海高原优选商贸有限公司", "91630100MA752XKQ0X", "gaoyuan.example", "高原优选商城"),
    ("西宁雪域健康科技有限公司", "91630100MA7539TK4B", "xueyu.example", "雪域健康"),
    ("青河茶业有限公司", "91630100MA754RGT8N", "qinghe.example", "青河茶叶旗舰店"),
    ("西宁恶意示例网络有限公司", "91630100MA755ABC1D", "evil.example", "恶意示例商城"),
]

# (storefront index, rule, category, article, severity, match, excerpt, explanation)
FINDINGS = [
    (0, "AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "国家级",
     "本品为国家级特供产品，品质保证", "使用“国家级”等绝对化用语（广告法第九条）"),
    (0, "AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "最佳",
     "高原最佳滋补佳品，限时特惠", "使用“最佳”等绝对化用语"),
    (0, "TERMS-FINAL-INTERPRETATION", "unfair_terms", "11(5), 15(6)", "high", "最终解释权归本店所有",
     "活动最终解释权归本店所有，恕不另行通知", "格式条款排除消费者权利"),
    (1, "AD-MEDICAL-CLAIM", "false_advertising", "11(8), 15(1), 15(5)", "high", "根治糖尿病",
     "雪域灵芝胶囊可根治糖尿病、高血压", "普通商品宣称医疗效果"),
    (1, "GOV-BADGE-FAKE", "gov_badge_forgery", "15(4)", "critical", "红盾",
     "页面底部的“红盾”电子标识未链接到官方验证服务", "伪造政府电子标识"),
    (1, "PRIVACY-ID-NUMBER", "privacy", "11(7), 13(4)", "high", "身份证号码",
     "注册会员须填写身份证号码及银行卡密码", "索取与交易无关的个人信息"),
    (2, "RETURN-NO-7DAY", "return_policy", "11(4)", "medium", "概不退换",
     "茶叶一经售出概不退换", "拒绝七日无理由退货"),
    (2, "LICENSE-MISSING", "license_display", "9", "low", "",
     "首页未公示营业执照信息或电子链接标识", "首页缺少营业执照信息"),
    (3, "AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "第一品牌",
     "全网第一品牌" + XSS, "使用“第一品牌”等绝对化用语"),
    (3, "COUNTERFEIT-TERMS", "counterfeit_goods", "15(9)", "critical", "高仿",
     "高仿名牌手表 1:1复刻 原单货源", "销售假冒商品"),
]


def make_png(title: str, w: int = 800, h: int = 500) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (w, h), (250, 250, 252))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, 60], fill=(200, 40, 40))
    font = None
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"):
        if Path(path).exists():
            font = ImageFont.truetype(path, 28)
            break
    d.text((20, 14), title, fill=(255, 255, 255), font=font)
    for i in range(5):
        d.rectangle([20, 90 + i * 70, w - 20, 140 + i * 70], outline=(180, 180, 190))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@dataclass
class Seeded:
    storefront_ids: list[int] = field(default_factory=list)
    finding_ids: list[str] = field(default_factory=list)
    page_ids: list[int] = field(default_factory=list)
    xss_finding: str = ""
    xss_page: int = 0


def _archive(archive: WarcArchive, url: str, html: str, png: bytes, at: str) -> dict[str, str | int]:
    """The page as the crawler archives it (evidence.warc): response, screenshot, metadata."""
    resp = archive.write_response(url, 200, [("Content-Type", "text/html; charset=utf-8")], html.encode(), at)
    shot = archive.write_resource(f"urn:storewatch:screenshot:{url}", "screenshot", "image/png", png, at,
                                  resp.record_id)
    meta = archive.write_metadata(url, {"url": url, "records": {"response": resp.record_id,
                                                                "screenshot": shot.record_id}}, at, resp.record_id)
    return {"warc": str(archive.path), "record_id": resp.record_id, "offset": resp.offset,
            "page_sha256": resp.payload_sha256, "screenshot_sha256": shot.payload_sha256,
            "metadata_record_id": meta.record_id}


def seed(session: Session, evidence_dir: Path, now: datetime | None = None) -> Seeded:
    """Four storefronts, one crawl each, one archived page per finding, ten findings, three users."""
    now = now or datetime.now(UTC)
    out = Seeded()
    evidence_dir.mkdir(parents=True, exist_ok=True)
    for name, uscc, domain, site in STOREFRONTS:
        sf = Storefront(name=name, uscc=uscc, domain=domain, site_name=site, entity_type="有限责任公司",
                        site_type="自营网站", icp=f"青ICP备{abs(hash(domain)) % 10**8:08d}号", isp="中国电信",
                        contact="0971-1234567", ip="127.0.0.1")
        session.add(sf)
        session.flush()
        out.storefront_ids.append(sf.id)
    runs: dict[int, tuple[CrawlRun, Path]] = {}
    for i, sf_id in enumerate(out.storefront_ids):
        warc = evidence_dir / f"run-{sf_id}.warc.gz"
        run = CrawlRun(storefront_id=sf_id, trigger="schedule", status="unreachable" if i == 3 else "complete",
                       started_at=now - timedelta(days=1), finished_at=now - timedelta(days=1) + timedelta(minutes=3),
                       pages_fetched=12, warc_path=str(warc))
        session.add(run)
        session.flush()
        runs[sf_id] = (run, warc)
    archives = {sf_id: WarcArchive(warc, info={"storefront": sf_id, "run": run.id})
                for sf_id, (run, warc) in runs.items()}
    try:
        for n, (si, rule, cat, art, sev, match, excerpt, expl) in enumerate(FINDINGS):
            sf_id = out.storefront_ids[si]
            run, _warc = runs[sf_id]
            url = f"http://{STOREFRONTS[si][2]}/item/{n}.html"
            html = (f"<html><head><title>商品 {n}</title></head><body><h1>{STOREFRONTS[si][3]}</h1>"
                    f"<p class='desc'>{excerpt}</p><script>document.title='pwned'</script></body></html>")
            png = make_png(f"{STOREFRONTS[si][3]} 商品 {n}")
            ev = _archive(archives[sf_id], url, html, png, utc_iso(now - timedelta(days=1)))
            page = PageRecord(crawl_run_id=run.id, storefront_id=sf_id, url=url, fetched_at=now - timedelta(days=1),
                              status_code=200, content_sha256=str(ev["page_sha256"]),
                              title=f"商品 {n}", text=excerpt, warc_path=str(ev["warc"]), warc_offset=int(ev["offset"]),
                              warc_record_id=str(ev["record_id"]), screenshot_sha256=str(ev["screenshot_sha256"]))
            session.add(page)
            session.flush()
            out.page_ids.append(page.id)
            first = now - timedelta(days=30 * (n % 6) + n)
            fid = finding_id(sf_id, rule, url, match or rule)
            session.add(Finding(finding_id=fid, storefront_id=sf_id, rule_id=rule, category=cat, article=art,
                                law=["广告法 第九条"] if cat == "false_advertising" else [], severity=sev,
                                confidence=0.9, url=url, match=match, excerpt=excerpt,
                                location={"kind": "text", "selector": "p.desc", "bbox": [20, 90, 760, 50]},
                                explanation=expl, page_title=page.title, page_id=page.id, crawl_run_id=run.id,
                                evidence={k: v for k, v in ev.items() if k != "offset"},
                                first_seen=first, last_seen=now - timedelta(days=1), status="open",
                                status_changed_at=first))
            session.flush()
            session.add(FindingEvent(finding_id=fid, at=first, actor="system", to_status="open", note="首次发现"))
            enqueue(session, "finding", fid)  # as the pipeline does: the index learns of it through the outbox
            out.finding_ids.append(fid)
            if XSS in excerpt:
                out.xss_finding, out.xss_page = fid, page.id
    finally:
        for archive in archives.values():
            archive.close()
    for role, pw in PASSWORDS.items():
        auth.add_user(session, role, role, pw, actor="seed")
    return out


def bulk_findings(session: Session, n: int, storefront_ids: list[int], now: datetime | None = None) -> None:
    """``n`` more findings spread over two years, for timing pages at scale."""
    now = now or datetime.now(UTC)
    rnd = random.Random(7)
    cats = [f[1:5] for f in FINDINGS]
    words = ["国家级", "最佳", "第一", "特效", "根治", "包治百病", "最终解释权", "概不退换", "高仿", "原单"]
    statuses = ["open"] * 6 + ["confirmed", "dismissed", "resolved", "case_opened", "rectified"]
    rows = []
    for i in range(n):
        rule, cat, art, sev = rnd.choice(cats)
        w = rnd.choice(words)
        first = now - timedelta(days=rnd.randint(0, 720), minutes=rnd.randint(0, 1440))
        sf = rnd.choice(storefront_ids)
        rows.append({"finding_id": hashlib.sha256(f"bulk{i}".encode()).hexdigest()[:32], "storefront_id": sf,
                     "rule_id": rule, "category": cat, "article": art, "law": [], "severity": sev,
                     "confidence": 0.8, "url": f"http://bulk.example/{i}.html", "match": w,
                     "excerpt": f"商品{i}号 本店{w}产品，欢迎选购", "location": {}, "explanation": "批量测试数据",
                     "page_title": "", "first_seen": first, "last_seen": min(now, first + timedelta(days=rnd.randint(0, 60))),
                     "status": rnd.choice(statuses), "status_changed_at": first})
        if len(rows) == 5000:
            _insert(session, rows)
            rows = []
    if rows:
        _insert(session, rows)


def _insert(session: Session, rows: list[dict[str, object]]) -> None:
    session.execute(insert(Finding), rows)
    session.execute(insert(OutboxEntry), [{"entity": "finding", "entity_id": r["finding_id"], "op": "upsert"}
                                          for r in rows])


def index_store(settings: Any, store: Any) -> None:
    """Drain the outbox into the configured search backend (``storewatch index sync``)."""
    from index.search import open_backend
    from index.sync import sync

    backend = open_backend(settings)
    try:
        report = sync(store, backend)
    finally:
        backend.close()
    assert report.failed == 0 and report.stopped is None, report


def rebuild_store(settings: Any, store: Any) -> None:
    """Index the whole store in one pass (``storewatch index rebuild``) and settle the outbox, as
    :func:`index_store` leaves it; for stores of millions of findings."""
    from sqlalchemy import update

    from index.search import open_backend
    from index.sync import rebuild
    from store.models import utcnow

    backend = open_backend(settings)
    try:
        rebuild(store, backend)
    finally:
        backend.close()
    with store.session() as session:
        session.execute(update(OutboxEntry).where(OutboxEntry.done_at.is_(None)).values(done_at=utcnow()))
