"""Crawl benchmark: ``python bench/crawl.py [--pages 500] [--rendered 20]``.

Serves a local shop of N realistic Chinese product pages (~20 KB each) on 127.0.0.1 and measures,
in the same run: pages/second of a storewatch crawl (child process, extraction + WARC evidence +
OCR step + analysis when the rule engine is present) against a bare Scrapy spider fetching the
same pages (its own child process: the reactor cannot restart), and the ratio; then rendered
pages/second with one browser (render=always).

``python bench/crawl.py --image-pages 200``: the image-heavy workload instead (product pages with a
main picture and two long detail images carrying selling copy): crawl time without OCR, with the
default OCR budget, and the OCR cost per image and per page on a sample crawled with no budget.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("青海 牦牛 肉干 枸杞 藏茶 青稞 特产 包邮 正品 产地 直发 新鲜 手工 传统 工艺 高原 有机 绿色 礼盒 送礼 "
         "优惠 活动 会员 积分 售后 退换 七天 无理由 快递 顺丰 支付宝 微信 支付 发票 品质 保证 口感 营养 健康").split()


def make_page(i: int, n: int, per_cat: int) -> bytes:
    rnd = random.Random(i)
    cat = (i - 1) // per_cat if i else 0
    paras = []
    size = 0
    while size < 19_000:
        p = "".join(rnd.choice(WORDS) for _ in range(60)) + "。"
        paras.append(f"<p>{p}</p>")
        size += len(p.encode()) + 7
    if i == 0:
        links = "".join(f'<li><a href="/cat/{c}.html">分类{c}</a></li>' for c in range((n + per_cat - 1) // per_cat))
    else:
        links = "".join(f'<li><a href="/item/{j}.html">商品{j}</a></li>'
                        for j in range(cat * per_cat + 1, min((cat + 1) * per_cat, n) + 1))
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>商品{i} - 高原好物</title></head><body>'
            f'<div class="header"><a href="/">首页</a> <a href="/about.html">关于我们</a></div>'
            f'<div class="main"><h1>商品{i} 青海牦牛肉干</h1><p class="price">￥{i % 300 + 19}</p>{"".join(paras)}'
            f"<ul>{links}</ul></div><div class='footer'>青ICP备2024000001号</div></body></html>")
    return html.encode()


def serve(n: int) -> ThreadingHTTPServer:
    per_cat = 20
    pages = {"/": make_page(0, n, per_cat), "/about.html": make_page(0, n, per_cat)}
    for c in range((n + per_cat - 1) // per_cat):
        pages[f"/cat/{c}.html"] = make_page(c * per_cat + 1, n, per_cat)
    for i in range(1, n + 1):
        pages[f"/item/{i}.html"] = make_page(i, n, per_cat)

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            body = body or b"not found"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    Thread(target=server.serve_forever, daemon=True).start()
    return server


BARE = r'''
import sys, scrapy
from scrapy.crawler import CrawlerProcess
start = sys.argv[1]
class Bare(scrapy.Spider):
    name = "bare"
    start_urls = [start]
    def parse(self, response):
        yield {"url": response.url, "title": response.css("title::text").get()}
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse)
p = CrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                    "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True})
p.crawl(Bare)
p.start()
'''


def run_bare(url: str, tmp: Path) -> tuple[float, int]:
    """Wall time and pages of the bare spider (run from a file: Scrapy inspects spider source)."""
    script = tmp / "bare_spider.py"
    script.write_text(BARE.replace('"LOG_LEVEL": "WARNING"', '"LOG_LEVEL": "INFO"'), encoding="utf-8")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, str(script), url], check=True, cwd=str(tmp), capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if "spider_exceptions" in r.stderr:
        raise SystemExit("bare spider raised exceptions:\n" + r.stderr[-2000:])
    import re

    m = re.search(r"'item_scraped_count': (\d+)", r.stderr)
    return elapsed, int(m.group(1)) if m else 0


def image_bytes(i: int, w: int, h: int, lines: tuple[str, ...]) -> bytes:
    """A product picture with selling copy drawn on it (unique per product: its number is drawn too)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("RGB", (w, h), (250, 238, 215))
    d = ImageDraw.Draw(im)
    for x in range(-h, w, 40):
        d.line([(x, 0), (x + h, h)], fill=(225, 200, 160), width=6)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 36)
    for k, t in enumerate((f"商品{i}", *lines)):
        d.text((30, 40 + k * 220), t, font=font, fill=(160, 20, 20))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def serve_images(n: int) -> ThreadingHTTPServer:
    """Image-heavy shop: n product pages, each with a main picture and two long detail images."""
    pages: dict[str, tuple[str, bytes]] = {}
    items = "".join(f'<li><a href="/item/{i}.html">商品{i}</a></li>' for i in range(1, n + 1))
    home = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>高原好物</title></head><body><ul>{items}</ul></body></html>'
    pages["/"] = ("text/html; charset=utf-8", home.encode())
    for i in range(1, n + 1):
        html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>商品{i}</title></head><body><main>'
                f'<h1>商品{i} 青海牦牛肉干</h1><p class="price">￥{i % 300 + 19} 立即购买</p>'
                f'<img src="/img/{i}-main.jpg" width="800" height="800">'
                f'<img src="/img/{i}-d1.jpg" width="750" height="1400"><img src="/img/{i}-d2.jpg" width="750" height="1400">'
                '</main></body></html>')
        pages[f"/item/{i}.html"] = ("text/html; charset=utf-8", html.encode())
        pages[f"/img/{i}-main.jpg"] = ("image/jpeg", image_bytes(i, 800, 800, ("高原牦牛", "产地直发")))
        for d in (1, 2):
            pages[f"/img/{i}-d{d}.jpg"] = ("image/jpeg", image_bytes(i, 750, 1400, ("手工晾晒 顺丰包邮", "配料 牦牛肉 食盐",
                                                                                "七天无理由退货")))

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            ctype, body = pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if body else 404)
            body = body or b"not found"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    Thread(target=server.serve_forever, daemon=True).start()
    return server


def ocr_note(summary: dict) -> tuple[int, float, int]:
    """(images read, OCR seconds, images left unread) from the crawl's notes."""
    import re

    for note in summary.get("notes", []):
        m = re.search(r"OCR budget: read (\d+) selling images in ([0-9.]+) s, (\d+) left unread", note)
        if m:
            return int(m.group(1)), float(m.group(2)), int(m.group(3))
    return 0, 0.0, 0


def bench_images(n: int, sample: int, tmp: Path) -> dict:
    """Crawl the image-heavy shop without OCR, with the default budget, and (on ``sample`` pages) with
    no budget at all for the cost per image and per page."""
    server = serve_images(n)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        # alternated (off, on, on, off) so the machine's drift falls on both sides; the means are compared
        off_times, on_times, notes = [], [], []
        for k, use in enumerate((False, True, True, False)):
            s, summary = run_storewatch(url, tmp / f"i-{k}", "never", n + 1, ocr=use)
            (on_times if use else off_times).append(s)
            if use:
                notes.append(ocr_note(summary))
        off_s, on_s = sum(off_times) / 2, sum(on_times) / 2
        read, spent, unread = (sum(x[i] for x in notes) / 2 for i in range(3))
        res: dict = {"image_pages": n, "images": 3 * n, "no_ocr_s": round(off_s, 2), "default_budget_s": round(on_s, 2),
                     "crawl_ratio_default_vs_no_ocr": round(off_s / on_s, 3) if on_s else 0,
                     "no_ocr_runs_s": [round(x, 2) for x in off_times], "default_budget_runs_s": [round(x, 2) for x in on_times],
                     "default_budget_images_read": read, "default_budget_ocr_s": round(spent, 2),
                     "default_budget_images_unread": unread}
        if sample:
            all_s, every = run_storewatch(url, tmp / "i-all", "never", sample + 1, ocr_time_share=1.0,
                                          ocr_images_per_run=100_000)
            read, spent, _ = ocr_note(every)
            res.update({"unbounded_sample_pages": sample, "unbounded_images_read": read,
                        "ocr_s_per_image": round(spent / read, 3) if read else None,
                        "ocr_s_per_page": round(spent / sample, 3),
                        "ocr_share_of_crawl_time_unbounded": round(spent / all_s, 3) if all_s else None})
        return res
    finally:
        server.shutdown()


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB of process ``pid`` and all its descendants (the crawl child, Chromium's
    processes); RSS counts shared pages once per process, PSS shares them out."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    rss = pss = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return round(rss, 1), round(pss, 1)


class MemoryPeak:
    """Samples the memory of a crawl child's process tree every 0.25 s; keeps the peak."""

    def __init__(self) -> None:
        self.rss = self.pss = 0.0
        self._stop = False
        self._thread: Thread | None = None

    def start(self, proc: subprocess.Popen[bytes]) -> None:
        def run() -> None:
            while not self._stop and proc.poll() is None:
                rss, pss = tree_memory_mb(proc.pid)
                self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
                time.sleep(0.25)

        self._thread = Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop = True
        if self._thread is not None:
            self._thread.join(2)


def run_storewatch(url: str, out: Path, render: str, max_pages: int, memory: MemoryPeak | None = None,
                   **kw: object) -> tuple[float, dict]:
    from crawler.job import CrawlJob
    from crawler.options import CrawlOptions
    from crawler.runner import run_crawl

    opts = CrawlOptions(**{"allow_loopback": True, "render": render, "max_pages": max_pages, "max_depth": 5,
                           "concurrency": 8, "per_host_concurrency": 8, "autothrottle": False, "retries": 0,
                           "max_pages_per_pattern": 100_000, "context_recycle_pages": 20, "pdf_pages": False,
                           **kw})  # type: ignore[arg-type]
    job = CrawlJob(start_url=url, evidence=str(out.resolve()), options=opts, progress=False)
    t = time.perf_counter()
    outcome = run_crawl(job, on_start=memory.start if memory is not None else None)
    if memory is not None:
        memory.stop()
    return time.perf_counter() - t, outcome.summary


def profile_storewatch(url: str, out: Path, max_pages: int, top: int = 25, render: str = "never") -> str:
    """The storewatch crawl child run under cProfile (the same command line ``run_crawl`` uses):
    the top functions by own time and by cumulative time, as text."""
    import cProfile  # noqa: F401  (the child imports it; here only to fail early if absent)
    import io
    import os
    import pstats

    from crawler.job import CrawlJob
    from crawler.options import CrawlOptions

    opts = CrawlOptions(allow_loopback=True, render=render, max_pages=max_pages, max_depth=5, concurrency=8,
                        per_host_concurrency=8, autothrottle=False, retries=0, max_pages_per_pattern=100_000,
                        context_recycle_pages=20, pdf_pages=False)
    out.mkdir(parents=True, exist_ok=True)
    job = CrawlJob(start_url=url, evidence=str(out.resolve()), options=opts, progress=False)
    job.dump(out / "job.json")
    prof = out / "crawl.prof"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "crawler.run", "--job",
                    str(out / "job.json")], check=True, cwd=str(ROOT), env=env, input=b"{}",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    buf = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--rendered", type=int, default=None,
                    help="pages for the rendering measurement (0: skip; default 20, and with --profile 0: the static crawl)")
    ap.add_argument("--image-pages", type=int, default=0,
                    help="image-heavy workload: product pages with 3 selling images each (0: skip)")
    ap.add_argument("--image-sample", type=int, default=10, help="pages crawled with no OCR budget (cost per image)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the storewatch crawl child instead")
    ap.add_argument("--render-concurrency", default="",
                    help="comma-separated pages in flight per browser context for the rendering measurement "
                         "(e.g. 1,2,4,8: one rendered crawl each; default: the option's default)")
    args = ap.parse_args()
    if args.rendered is None:
        args.rendered = 0 if args.profile else 20
    if args.profile:
        server = serve(args.pages)
        with tempfile.TemporaryDirectory() as tmp:
            site = f"http://127.0.0.1:{server.server_address[1]}/"
            if args.rendered:  # the rendered crawl's child instead (its Python side; Chromium is apart)
                print(profile_storewatch(site, Path(tmp) / "p", args.rendered, render="always"))
            else:
                print(profile_storewatch(site, Path(tmp) / "p", args.pages + (args.pages + 19) // 20 + 12))
        server.shutdown()
        return
    if args.image_pages:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(bench_images(args.image_pages, args.image_sample, Path(tmp)), ensure_ascii=False, indent=1))
        return
    server = serve(args.pages)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    total = args.pages + (args.pages + 19) // 20 + 2  # items + categories + home + about
    with tempfile.TemporaryDirectory() as tmp:
        bare_s, bare_pages = run_bare(url, Path(tmp))
        sw_s, summary = run_storewatch(url, Path(tmp) / "sw", "never", total + 10)
        fetched = summary.get("pages_fetched", 0)
        res = {"site_pages": total, "bare_scrapy_pages": bare_pages, "bare_scrapy_pages_per_s": round(bare_pages / bare_s, 1),
               "storewatch_pages": fetched, "storewatch_pages_per_s": round(fetched / sw_s, 1),
               "ratio": round((fetched / sw_s) / (bare_pages / bare_s), 2),
               "analysis": summary.get("analysis", "?"), "findings": summary.get("findings", "?"),
               "warc_mb": round(Path(summary["warc"]).stat().st_size / 1e6, 1) if summary.get("warc") else 0}
        if args.rendered:
            levels = [int(x) for x in args.render_concurrency.split(",") if x.strip()] or [0]
            for level in levels:
                memory = MemoryPeak()
                kw = {"render_concurrency": level} if level else {}
                r_s, r_summary = run_storewatch(url, Path(tmp) / f"r{level}", "always", args.rendered, memory, **kw)
                pages = r_summary.get("pages_fetched", 0)
                shots = sum(1 for line in (Path(tmp) / f"r{level}" / "pages.jsonl").read_text().splitlines()
                            if '"screenshot_sha256": "' in line and '"screenshot_sha256": ""' not in line)
                key = f"render_concurrency_{level}" if level else "render_default_concurrency"
                res[key] = {"rendered_pages": pages, "screenshots": shots,
                            "pages_per_s_one_browser": round(pages / r_s, 2), "seconds": round(r_s, 1),
                            "peak_rss_mb": memory.rss, "peak_pss_mb": memory.pss}
    print(json.dumps(res, ensure_ascii=False, indent=1))
    server.shutdown()


if __name__ == "__main__":
    main()
