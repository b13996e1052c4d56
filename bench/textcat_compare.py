"""Compare the shipped scikit-learn model (character n-grams) with spaCy textcat_multilabel on the same data.

Run: python bench/textcat_compare.py [--epochs 10] [--eval tests/analyzers/corpus/blind3/fragments.jsonl ...]

Both are trained on the files the training config names (analyzers/data/model/config.json) and
scored on the eval files (by default blind3, which no model trains on, and dev/ when present):
per category average precision and recall at precision >= 0.95. spaCy uses spacy.blank("zh")
(character segmentation; no pretrained weights) with a bag-of-n-grams textcat_multilabel.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzers import training  # noqa: E402
from analyzers.learned import TextModel  # noqa: E402


def _rows(files: list[Path]) -> list[dict]:
    return [json.loads(x) for f in files for x in f.read_text("utf-8").splitlines() if x.strip()]


def _metrics(probs: list[dict[str, float]], rows: list[dict], cats: list[str]) -> dict[str, tuple[float, float]]:
    from sklearn.metrics import average_precision_score

    out = {}
    for c in cats:
        y = [c in r["categories"] for r in rows]
        s = [p[c] for p in probs]
        if not any(y):
            continue
        ap = float(average_precision_score(y, s))
        ranked = sorted(zip(s, y, strict=True), reverse=True)
        tp = fp = 0
        best_r = 0.0
        for _, ok in ranked:
            tp += ok
            fp += not ok
            if tp / (tp + fp) >= 0.95:
                best_r = max(best_r, tp / sum(y))
        out[c] = (ap, best_r)
    return out


def spacy_model(rows: list[dict], cats: list[str], epochs: int, seed: int):  # type: ignore[no-untyped-def]
    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("zh")
    tc = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 3, "no_output_layer": False,
        "length": 262144}})
    for c in cats:
        tc.add_label(c)
    examples = [Example.from_dict(nlp.make_doc(r["text"]), {"cats": {c: float(c in r["categories"]) for c in cats}})
                for r in rows]
    opt = nlp.initialize(lambda: examples)
    rnd = random.Random(seed)
    for _ in range(epochs):
        rnd.shuffle(examples)
        for i in range(0, len(examples), 32):
            nlp.update(examples[i:i + 32], sgd=opt, drop=0.2)
    return nlp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--eval", type=Path, nargs="*", default=None)
    args = ap.parse_args(argv)
    cfg = training.load_config()
    train_files, dev_files = training.data_files(cfg)
    evals = args.eval or [ROOT / "tests/analyzers/corpus/blind3/fragments.jsonl", *dev_files]
    rows, ev = _rows(train_files), _rows(evals)
    cats = list(cfg["categories"])
    t0 = time.monotonic()
    out = Path("/tmp/textcat_compare.npz")
    training.train({**cfg, "dev": []}, out=out, log=lambda *_: None)
    sk = TextModel.read(out)
    t_sk = time.monotonic() - t0
    sk_probs = [sk.scores(r["text"]) for r in ev]
    t0 = time.monotonic()
    nlp = spacy_model(rows, cats, args.epochs, cfg["seed"])
    t_sp = time.monotonic() - t0
    sp_probs = [dict(d.cats) for d in nlp.pipe(r["text"] for r in ev)]
    a, b = _metrics(sk_probs, ev, cats), _metrics(sp_probs, ev, cats)
    print(f"train: {len(rows)} rows from {len(train_files)} files; eval: {len(ev)} rows from {[str(e.relative_to(ROOT)) for e in evals]}")
    print(f"train time: scikit-learn {t_sk:.0f} s, spaCy {t_sp:.0f} s ({args.epochs} epochs)")
    print(f"{'category':<20}{'sk AP':>8}{'sk R@P95':>10}{'spaCy AP':>10}{'sp R@P95':>10}")
    for c in a:
        print(f"{c:<20}{a[c][0]:>8.3f}{a[c][1]:>10.3f}{b[c][0]:>10.3f}{b[c][1]:>10.3f}")
    ma = sum(v[0] for v in a.values()) / len(a)
    mb = sum(v[0] for v in b.values()) / len(b)
    print(f"{'(mean)':<20}{ma:>8.3f}{'':>10}{mb:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
