"""Precision and recall per category of the text rules on the labelled corpus.

Run: python bench/quality.py [--corpus tests/analyzers/corpus/fragments.jsonl] [--errors]

A fragment's predicted categories are those of the findings ``analyze_text`` returns; each
category is scored per fragment (true positive, false positive, false negative).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzers.engine import analyze_text  # noqa: E402

DEFAULT = ROOT / "tests" / "analyzers" / "corpus" / "fragments.jsonl"


LAYERS = {"rules": {"use_voice": False, "use_model": False}, "voice": {"use_model": False}, "model": {}}


def score(rows: list[dict], options: dict | None = None, *, with_also: bool = False
          ) -> tuple[dict[str, Counter], list[tuple[str, str, set, set]]]:
    """Per category tp/fp/fn of the findings' categories (``with_also``: and the categories of the rules folded into
    them, e.g. the unfair-term reading of a return refusal, whose article the finding cites)."""
    per: dict[str, Counter] = {}
    errors = []
    for row in rows:
        want = set(row["categories"])
        findings = analyze_text(row["text"], options=options)
        got = {f.category for f in findings} | ({a[1] for f in findings for a in f.also} if with_also else set())
        for cat in want | got:
            c = per.setdefault(cat, Counter())
            if cat in want and cat in got:
                c["tp"] += 1
            elif cat in got:
                c["fp"] += 1
            else:
                c["fn"] += 1
        if want != got:
            errors.append((row["id"], row["text"], want, {f"{f.rule_id}:{f.match}" for f in findings}))
    return per, errors


def load(spec: str) -> list[dict]:
    """The rows of every file ``spec`` names (comma-separated paths or globs); ValueError names what is wrong and where."""
    import glob

    rows: list[dict] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        paths = sorted(glob.glob(part)) if any(ch in part for ch in "*?[") else [part]
        if not paths:
            raise ValueError(f"{part}: no file matches")
        for path in paths:
            try:
                lines = Path(path).read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}: line {n}, column {exc.colno}: not JSON ({exc.msg})") from None
                if not isinstance(row, dict) or not isinstance(row.get("text"), str) \
                        or not isinstance(row.get("categories"), list):
                    raise ValueError(f"{path}: line {n}: needs a \"text\" string and a \"categories\" list")
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT),
                    help="a JSON-lines file, or several (comma-separated), or a glob such as 'corpus/dev/*.jsonl'")
    ap.add_argument("--errors", action="store_true", help="list every misclassified fragment")
    ap.add_argument("--layers", choices=sorted(LAYERS), default="model",
                    help="rules: rules alone; voice: rules + page kind/voice; model: + the trained layer (default)")
    args = ap.parse_args(argv)
    try:
        rows = load(args.corpus)
    except ValueError as exc:
        print(f"quality.py: {exc}", file=sys.stderr)
        return 2
    per, errors = score(rows, LAYERS[args.layers])
    negatives = sum(1 for r in rows if not r["categories"])
    print(f"corpus: {args.corpus} — {len(rows)} fragments, {negatives} without any violation; layers: {args.layers}")
    print(f"{'category':<22}{'support':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'precision':>11}{'recall':>8}")
    tot = Counter()
    for cat in sorted(per):
        c = per[cat]
        tot.update(c)
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        print(f"{cat:<22}{c['tp'] + c['fn']:>8}{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}{p:>11.3f}{r:>8.3f}")
    p = tot["tp"] / (tot["tp"] + tot["fp"]) if tot["tp"] + tot["fp"] else 1.0
    r = tot["tp"] / (tot["tp"] + tot["fn"]) if tot["tp"] + tot["fn"] else 1.0
    print(f"{'(micro average)':<22}{tot['tp'] + tot['fn']:>8}{tot['tp']:>6}{tot['fp']:>6}{tot['fn']:>6}{p:>11.3f}{r:>8.3f}")
    if args.errors:
        for ident, text, want, got in errors:
            print(f"\n{ident}\n  text: {text}\n  want: {sorted(want)}\n  got:  {sorted(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
