"""Rebuild fragments.jsonl from the labelled sources (``labels|text``; ``\\u200b`` escapes allowed).

Run: python tests/analyzers/corpus/build.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    rows = []
    for src in sorted(HERE.glob("src_*.txt")):
        for lineno, line in enumerate(src.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            labels, _, text = line.partition("|")
            text = text.replace("\\u200b", "\u200b")
            cats = sorted(c for c in labels.split(",") if c)
            rows.append({"id": f"{src.stem}:{lineno}", "text": text, "categories": cats})
    out = HERE / "fragments.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"{len(rows)} fragments ({sum(1 for r in rows if not r['categories'])} negatives) -> {out}")


if __name__ == "__main__":
    main()
