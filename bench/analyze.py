"""Throughput of the analyzers on one core: MB/s of visible text through the full pipeline (all rules),
against (a) normalisation + the Aho-Corasick candidate pass alone and (b) jieba segmentation of all text.

Run: python bench/analyze.py [--mb 4] [--violation-rate 0.05]
     python bench/analyze.py --fragments [--mb 2]   # analyze-text workload: JSON lines of 50-300-char fragments

Pages are built from the labelled corpus: mostly ordinary storefront sentences (the corpus's
negatives and neutral product copy) with a share of violating fragments, ~20 KB of text per page,
10 pages per storefront, with the page furniture rules read (links, images, forms, scripts).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzers import nlp  # noqa: E402
from analyzers.engine import analyze_site  # noqa: E402
from analyzers.model import Image, Link, Page, Script, TextBlock  # noqa: E402
from analyzers.text import TextDoc  # noqa: E402

CORPUS = ROOT / "tests" / "analyzers" / "corpus" / "fragments.jsonl"


def build_sites(mb: float, rate: float, seed: int = 7) -> list[list[Page]]:
    rows = [json.loads(x) for x in CORPUS.read_text("utf-8").splitlines()]
    neutral = [r["text"] for r in rows if not r["categories"]]
    bad = [r["text"] for r in rows if r["categories"]]
    rnd = random.Random(seed)
    target = int(mb * 1_000_000)
    size = 0
    sites: list[list[Page]] = []
    pages: list[Page] = []
    n = 0
    while size < target:
        blocks = []
        page_bytes = 0
        while page_bytes < 20_000:
            text = rnd.choice(bad) if rnd.random() < rate else rnd.choice(neutral)
            blocks.append(TextBlock(text, path=f"div.p{len(blocks)}"))
            page_bytes += len(text.encode("utf-8")) + 1
        url = f"http://shop{len(sites)}.example.cn/" + ("" if not pages else f"item/{n}.html")
        pages.append(Page(url=url, blocks=tuple(blocks), is_home=not pages, kind="home" if not pages else "product",
                          links=(Link(url + "#a", "关于我们"), Link("https://beian.miit.gov.cn/", "青ICP备19000123号")),
                          images=(Image(url + "logo.png", alt="logo", width=120, height=40),),
                          scripts=(Script(inline="var a=1;"),)))
        n += 1
        size += page_bytes
        if len(pages) == 10:
            sites.append(pages)
            pages = []
    if pages:
        sites.append(pages)
    return sites


def build_fragments(mb: float, seed: int = 11) -> list[str]:
    """JSON lines ({"id","text"}) of 50-300-character fragments drawn from every labelled corpus."""
    rows = [json.loads(x) for f in sorted(CORPUS.parent.rglob("*.jsonl")) for x in f.read_text("utf-8").splitlines()
            if x.strip()]
    texts = [r["text"] for r in rows]
    rnd = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        want = rnd.randint(50, 300)
        text = rnd.choice(texts)
        while len(text) < want:
            text += rnd.choice(texts)
        line = json.dumps({"id": len(out), "text": text[:want]}, ensure_ascii=False)
        out.append(line)
        size += len(line.encode("utf-8")) + 1
    return out


def _cold() -> None:
    """Forget what an earlier pass over the same texts left in the per-text caches (each pass starts cold)."""
    import functools

    from analyzers import learned, normalise, understand
    from analyzers.rules import lookalike

    nlp.tokens.cache_clear()
    for mod, name in ((normalise, "_normalise_short"), (understand, "_block_voice"), (lookalike, "_sound")):
        cached = getattr(mod, name, None)
        if isinstance(cached, functools._lru_cache_wrapper):
            cached.cache_clear()
    from analyzers import voice_model

    for model in (learned.load(), voice_model.load()):
        if model is not None:
            model._memo.clear()


def fragments_main(mb: float) -> int:
    import io

    import jieba

    from analyzers import learned
    from analyzers.commands import analyze_lines

    lines = build_fragments(mb)
    raw = [x.encode("utf-8") for x in lines]
    size = sum(len(b) + 1 for b in raw) / 1e6
    nlp.warm_up()
    TextDoc("预热 最佳")
    learned.load()
    for opts in ({"use_model": False}, {}):  # one-time loads (pypinyin's dictionary, the brands' sounds, models)
        analyze_lines(iter(raw[:20]), io.StringIO(), opts)
    timings = {}
    for name, opts in (("analyze-text, rules only", {"use_model": False}), ("analyze-text, rules + model", {})):
        _cold()
        t0 = time.process_time()
        analyze_lines(iter(raw), io.StringIO(), opts)
        timings[name] = time.process_time() - t0
    texts = [json.loads(x)["text"] for x in lines]
    t0 = time.process_time()
    for t in texts:
        jieba.lcut(t)
    seg = time.process_time() - t0
    print(f"fragments: {len(lines)} JSON lines, {size:.2f} MB (50-300 characters each)")
    print(f"{'pass (one core, CPU time)':<42}{'CPU s':>8}{'MB/s':>9}{'/ jieba':>9}")
    for name, t in timings.items():
        print(f"{name:<42}{t:>8.2f}{size / t:>9.2f}{seg / t:>9.2f}")
    print(f"{'jieba.lcut of the same texts':<42}{seg:>8.2f}{size / seg:>9.2f}{1.0:>9.2f}")
    return 0


def _text(p: Page) -> str:
    return "\n".join(b.text for b in p.blocks)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0, help="MB of visible text (UTF-8) to analyse")
    ap.add_argument("--violation-rate", type=float, default=0.05, help="share of blocks that violate a rule")
    ap.add_argument("--fragments", action="store_true", help="the analyze-text workload (default --mb 2)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.fragments:
        return fragments_main(args.mb if "--mb" in (argv or sys.argv) else 2.0)
    sites = build_sites(args.mb, args.violation_rate)
    texts = [_text(p) for s in sites for p in s]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    nlp.warm_up()
    TextDoc("预热 最佳")  # build the normalisation tables and the automaton outside the timings

    nlp.tokens.cache_clear()
    t0 = time.process_time()
    findings = sum(len(analyze_site(s, None)) for s in sites)
    full = time.process_time() - t0

    # worst case: no clause is ever seen twice (the corpus repeats fragments, real pages repeat less)
    cached = nlp.tokens
    nlp.tokens = cached.__wrapped__  # type: ignore[attr-defined,assignment]
    try:
        t0 = time.process_time()
        sum(len(analyze_site(s, None)) for s in sites)
        uncached = time.process_time() - t0
    finally:
        nlp.tokens = cached

    t0 = time.process_time()
    cands = sum(len(TextDoc(t).cands) for t in texts)
    floor = time.process_time() - t0

    import jieba

    t0 = time.process_time()
    tokens = sum(len(jieba.lcut(t)) for t in texts)
    seg = time.process_time() - t0

    print(f"text: {mb:.2f} MB in {len(texts)} pages of {len(sites)} storefronts; violation rate {args.violation_rate:.0%}")
    print(f"{'pass':<42}{'CPU s':>8}{'MB/s':>9}")
    print(f"{'full pipeline (all rules, analyze_site)':<42}{full:>8.2f}{mb / full:>9.2f}   ({findings} findings)")
    print(f"{'full pipeline, no token cache':<42}{uncached:>8.2f}{mb / uncached:>9.2f}")
    print(f"{'(a) normalisation + Aho-Corasick only':<42}{floor:>8.2f}{mb / floor:>9.2f}   ({cands} lexicon groups hit)")
    print(f"{'(b) jieba.lcut of all text':<42}{seg:>8.2f}{mb / seg:>9.2f}   ({tokens} tokens)")
    print(f"ratio full / floor (a):  {floor / full:.2f}  (share of time spent outside the single pass: {1 - floor / full:.0%})")
    print(f"ratio full / jieba (b):  {seg / full:.2f}x faster than segmenting everything "
          f"(no token cache: {seg / uncached:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
