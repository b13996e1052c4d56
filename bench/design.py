"""Design-copying calibration: ``python bench/design.py``.

Runs :func:`analyzers.design.find_copies` for every fixture storefront of
``tests/analyzers/design_sites.py`` against all the others (lawful shops sharing SaaS templates, and
copies of registered sites) and prints the candidates, the pairs flagged, precision and recall
(unordered pairs: who copied whom is for the analyst).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def evaluate() -> dict:
    from analyzers.design import DesignIndex, find_copies, fingerprint, scores
    from tests.analyzers.design_sites import sites

    fixture, truth = sites()
    t0 = time.perf_counter()
    prints = [fingerprint(k, html, resources=res, images=imgs) for k, html, res, imgs in fixture]
    t1 = time.perf_counter()
    index = DesignIndex(prints)
    flagged: set[frozenset[str]] = set()
    n_candidates = 0
    for p in prints:
        n_candidates += len(index.candidates(p))
        flagged |= {frozenset((c.key, c.other)) for c in find_copies(p, index)}
    t2 = time.perf_counter()
    neg_distinct, pos_distinct = [], []  # margins: the verification scores on either side of the thresholds
    for i, a in enumerate(prints):
        for b in prints[i + 1:]:
            pair = frozenset((a.key, b.key))
            s, d = scores(a, b)
            (pos_distinct if pair in {frozenset(x) for x in truth.items()} else neg_distinct).append((s, d))
    true = {frozenset(pair) for pair in truth.items()}
    tp = len(flagged & true)
    return {"sites": len(prints), "copies": len(true), "same_template_lawful_pairs":
            sum(1 for a in fixture for b in fixture if a[0] < b[0] and a[2]["css"] == b[2]["css"]
                and a[0] not in truth and b[0] not in truth),
            "candidate_pairs_checked": n_candidates, "flagged_pairs": len(flagged), "true_positives": tp,
            "precision": round(tp / len(flagged), 3) if flagged else None, "recall": round(tp / len(true), 3),
            "missed": sorted("-".join(sorted(p)) for p in true - flagged),
            "false_alarms": sorted("-".join(sorted(p)) for p in flagged - true),
            "lawful_pairs_max_distinct": round(max(d for _, d in neg_distinct), 2),
            "lawful_same_structure_pairs": sum(1 for s, _ in neg_distinct if s >= 0.6),
            "copies_min_structure": round(min(s for s, _ in pos_distinct), 2),
            "copies_min_distinct": round(min(d for _, d in pos_distinct), 2),
            "fingerprint_ms_per_site": round(1000 * (t1 - t0) / len(prints), 1),
            "compare_ms_per_site": round(1000 * (t2 - t1) / len(prints), 1)}


if __name__ == "__main__":
    print(json.dumps(evaluate(), ensure_ascii=False, indent=1))
