"""How much of the model's dev figure is the thresholds fitting dev: choose thresholds and vetoes on one
half of dev/ and score the other half (both ways), with the shipped model's weights.

Run: python bench/model_crossdev.py
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from analyzers import learned, training  # noqa: E402
from analyzers.engine import analyze_text  # noqa: E402


def main() -> int:
    cfg = training.load_config()
    _, dev_files = training.data_files(cfg)
    rows = [json.loads(x) for f in dev_files for x in f.read_text("utf-8").splitlines() if x.strip()]
    shipped = learned.load()
    assert shipped is not None
    cats = list(shipped.categories)
    halves = [rows[0::2], rows[1::2]]
    tot: Counter[str] = Counter()
    for k in (0, 1):
        fit, test = halves[k], halves[1 - k]
        probs = np.array([[shipped.scores(r["text"])[c] for c in cats] for r in fit])
        ruled = training._rule_categories([r["text"] for r in fit])
        th, _ = training._thresholds(probs, fit, ruled, cats, cfg["precision"], cfg.get("min_added", 3))
        vetoes = training._vetoes(probs, fit, ruled, cats, cfg.get("veto_cap", 0.3), cfg.get("veto_min_run", 2))
        model = dataclasses.replace(shipped, thresholds=th, meta={**shipped.meta, "vetoes": vetoes})
        learned.load = lambda m=model: m  # type: ignore[misc]
        for r in test:
            want = set(r["categories"])
            got = {f.category for f in analyze_text(r["text"])}
            tot["tp"] += len(want & got)
            tot["fp"] += len(got - want)
            tot["fn"] += len(want - got)
    p = tot["tp"] / (tot["tp"] + tot["fp"])
    rec = tot["tp"] / (tot["tp"] + tot["fn"])
    print(f"dev/ two-fold (thresholds and vetoes from the other half): micro P {p:.3f} R {rec:.3f} ({dict(tot)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
