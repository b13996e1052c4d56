"""Precision and recall of `storewatch scan` on a labelled set of storefront sites.

    .venv/bin/python bench/sites_quality.py [SITES_DIR] [--save DIR]   # default tests/e2e/blind_sites

SITES_DIR holds one folder per site, ``labels.json`` (per page: violations with a category and
the evidence text, or ``absent: …``; hard negatives with the categories that must not fire) and
``registry.csv`` whose 网站域名 are ``127.0.0.1:PORTPLACEHOLDER_<site>``. Each site is served
on a free port on 127.0.0.1 and scanned (real crawl, real Chromium in ``auto`` mode).

Scoring, per category: a labelled violation is found (TP) when a finding of its category is on
its page (or anywhere, for ``absent:`` labels with ``scope: site``); a finding is a false alarm
(FP) when it is on a hard negative's page, of a category the negative forbids, and its match or
excerpt overlaps the negative's text; findings of categories no label mentions on that page are
listed as "unlabelled" for a person to judge (not counted either way). A page key with a hash route
(``index.html#/item/1``) names that view of a single-page app; a bare path names the page and all its views. A
label quoting code (``code: <script …>``) is also found on the script the page loads.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def serve(folder: Path) -> ThreadingHTTPServer:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def guess_type(self, path: str) -> str:  # type: ignore[override]
            t = super().guess_type(path)
            if not t.startswith("text/"):
                return t
            try:
                with open(path, "rb") as fh:
                    head = fh.read(2048).lower()
            except OSError:
                head = b""
            # a page that names its own charset (a GB18030 site) is served as a plain server would
            m = re.search(rb"<meta[^>]+charset=[\"']?([a-z0-9_-]+)", head)
            return t + "; charset=" + (m.group(1).decode() if m else "utf-8")

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # the crawler closing a connection early is not news

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def categories(f: dict) -> set[str]:
    """A finding's category and those of the rules merged into it (one statement, several articles)."""
    return {f["category"], *(a["category"] for a in f.get("also") or ())}


def page_of(url: str) -> str:
    """A finding's page as labels name it: its path, and its hash route (``index.html#/item/1``) if it has one."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/") or "index.html"
    return path + ("#" + parts.fragment if parts.fragment.startswith(("/", "!")) else "")


def on_label_page(on_page: dict[str, list[dict]], page: str) -> list[dict]:
    """Findings a label keyed ``page`` may be about: a hash-route key (``index.html#/item/1``) names that view only;
    a bare path names the page and every hash-route view of it."""
    if "#" in page:
        return on_page.get(page, [])
    return [f for key, fs in on_page.items() if key == page or key.startswith(page + "#") for f in fs]


def main(argv: list[str]) -> int:
    save_dir = None
    if "--save" in argv:
        i = argv.index("--save")
        save_dir = Path(argv[i + 1])
        save_dir.mkdir(parents=True, exist_ok=True)
        argv = argv[:i] + argv[i + 2:]
    sites_dir = Path(argv[0]) if argv else ROOT / "tests" / "e2e" / "blind_sites"
    labels = json.loads((sites_dir / "labels.json").read_text("utf-8"))
    sites = [k for k in labels if not k.startswith("_")]
    servers = {s: serve(sites_dir / s) for s in sites}
    registry = (sites_dir / "registry.csv").read_text("utf-8-sig")
    for s, srv in servers.items():
        registry = registry.replace(f"127.0.0.1:PORTPLACEHOLDER_{s}", f"127.0.0.1:{srv.server_address[1]}")
    tp, fn, fp = Counter(), Counter(), Counter()
    site_rows: list[tuple[str, set[str], set[str]]] = []  # (site, categories labelled, categories raised)
    with tempfile.TemporaryDirectory() as tmp:
        reg = Path(tmp) / "registry.csv"
        reg.write_text(registry, encoding="utf-8")
        for s, srv in servers.items():
            url = f"http://127.0.0.1:{srv.server_address[1]}/"
            env_cmd = [sys.executable, "-m", "cli", "--data-dir", str(Path(tmp) / s), "scan", url,
                       "--registry", str(reg), "--max-pages", "40"]
            out = subprocess.run(env_cmd, cwd=ROOT, capture_output=True, text=True,
                                 env={**__import__("os").environ, "STOREWATCH_CRAWLER__ALLOW_LOOPBACK": "true"})
            if out.returncode != 0:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            findings = json.loads(out.stdout)["findings"]
            if save_dir is not None:
                (save_dir / f"{s}.json").write_text(out.stdout, encoding="utf-8")
            site_rows.append((s, {v["category"] for p in labels[s]["pages"].values() for v in p.get("violations", [])},
                              set().union(*(categories(f) for f in findings)) if findings else set()))
            on_page: dict[str, list[dict]] = {}
            for f in findings:
                on_page.setdefault(page_of(f["url"]), []).append(f)
            print(f"\n## {s} ({url}): {len(findings)} findings")
            # a label quoting code ("code: <script …>") may be found on the script the page loads
            scripts = [f for key, fs in on_page.items() if not key.split("#")[0].endswith((".html", ".htm", "/"))
                       and "." in key.rsplit("/", 1)[-1] for f in fs]
            labelled: dict[str, set[str]] = {}
            for page, spec in labels[s]["pages"].items():
                for v in spec.get("violations", []):
                    cat = v["category"]
                    labelled.setdefault(page, set()).add(cat)
                    pool = findings if v.get("scope") == "site" or v["evidence_text"].startswith("absent") \
                        else on_label_page(on_page, page) + scripts if v["evidence_text"].startswith("code:") \
                        else on_label_page(on_page, page)
                    hit = any(cat in categories(f) for f in pool)
                    (tp if hit else fn)[cat] += 1
                    if not hit:
                        print(f"  MISSED  {page} {cat}: {v['evidence_text'][:60]}")
                for n in spec.get("hard_negatives", []):
                    for f in on_label_page(on_page, page):
                        text = n["evidence_text"]
                        overlaps = bool(f["match"]) and (f["match"] in text or text in f["excerpt"])
                        for c in categories(f) & set(n["must_not_fire"]) if overlaps else ():
                            fp[c] += 1
                            print(f"  FALSE   {page} {f['rule_id']}: {f['match'][:40]} (negative: {text[:40]})")
            for f in findings:
                key = page_of(f["url"])
                near = labelled.get(key, set()) | labelled.get(key.split("#")[0], set())
                if f["category"] not in near and not any(
                        f["category"] == v["category"] for p in labels[s]["pages"].values()
                        for v in p.get("violations", []) if v.get("scope") == "site"):
                    print(f"  unlabelled {page_of(f['url'])} {f['rule_id']}: {f['match'][:50]}")
    for srv in servers.values():
        srv.shutdown()
    print("\ncategory               tp  fn  fp  precision  recall")
    for cat in sorted(set(tp) | set(fn) | set(fp)):
        p = tp[cat] / (tp[cat] + fp[cat]) if tp[cat] + fp[cat] else 1.0
        r = tp[cat] / (tp[cat] + fn[cat]) if tp[cat] + fn[cat] else 1.0
        print(f"{cat:<22} {tp[cat]:>3} {fn[cat]:>3} {fp[cat]:>3}  {p:9.3f}  {r:6.3f}")
    T, N, F = sum(tp.values()), sum(fn.values()), sum(fp.values())
    print(f"{'(micro)':<22} {T:>3} {N:>3} {F:>3}  {T / max(T + F, 1):9.3f}  {T / max(T + N, 1):6.3f}")
    # site level, as an analyst reads a storefront: which categories does it raise, which should it
    right = sum(len(want & got) for _, want, got in site_rows)
    false = sum(len(got - want) for _, want, got in site_rows)
    missed = sum(len(want - got) for _, want, got in site_rows)
    print("\nsite-level categories (a category raised anywhere on a site vs the site's labelled categories)")
    for site, want, got in site_rows:
        print(f"  {site:<16} right {sorted(want & got)}  false {sorted(got - want)}  missed {sorted(want - got)}")
    print(f"site-level: {right} right, {false} false, {missed} missed — precision "
          f"{right / max(right + false, 1):.3f}, recall {right / max(right + missed, 1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
