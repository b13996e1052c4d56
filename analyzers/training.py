"""``storewatch train``: train the character n-gram model from the labelled corpora (one command).

Config: ``analyzers/data/model/config.json`` (fixed seed, n-grams, regularisation, which files feed
training and which are dev). Training data: every ``*.jsonl`` the config's ``train`` globs name,
under ``tests/analyzers/corpus``; dev: the ``dev`` globs, or (when none exist) a seeded share of the
training rows. Thresholds are chosen on dev: per category the lowest score at which the findings
the model would *add* (fragments where no rule of that category fired) reach the precision target.
The model records the SHA-256 of its training and dev data and the files that fed it.
scikit-learn is needed only here (``pip install scikit-learn``).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.learned import MODEL_LAW, TextModel, features
from analyzers.normalise import normalise_term
from errors import InputError

__all__ = ["train", "data_files", "data_sha256", "load_config", "CONFIG"]

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).resolve().parent / "data" / "model" / "config.json"
OUT = Path(__file__).resolve().parent / "data" / "model" / "textcat.npz"


def load_config(path: Path = CONFIG) -> dict[str, Any]:
    try:
        cfg = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"train: cannot read config {path}: {exc}") from exc
    for key in ("seed", "corpus", "train", "dev", "C", "min_df", "precision", "dev_share"):
        if key not in cfg:
            raise InputError(f"train: config {path} lacks {key!r}")
    return cfg


def data_files(cfg: dict[str, Any], root: Path = ROOT) -> tuple[list[Path], list[Path]]:
    base = root / cfg["corpus"]
    train = sorted({p for g in cfg["train"] for p in base.glob(g)})
    dev = sorted({p for g in cfg["dev"] for p in base.glob(g)} - set(train))
    return train, dev


def data_sha256(files: Sequence[Path], root: Path = ROOT, examples: Sequence[dict[str, Any]] = ()) -> str:
    """SHA-256 over the training and dev files (path and bytes) and the rule examples used."""
    h = hashlib.sha256()
    for p in sorted(files):
        h.update(str(p.relative_to(root)).encode("utf-8") + b"\0")
        h.update(p.read_bytes())
    if examples:
        h.update(json.dumps(list(examples), ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()


def example_rows() -> list[dict[str, Any]]:
    """The text rules' documented examples as labelled rows: a bad example is labelled with the
    categories it fires (the rule and its ``fires_with``), a good one with none (tests hold both)."""
    from analyzers.rules import BY_ID, RULES

    rows: list[dict[str, Any]] = []
    for r in RULES:
        if r.scope != "text":
            continue
        cats = sorted({r.category, *(BY_ID[o].category for o in r.fires_with)})
        rows += [{"id": f"{r.id}:bad:{i}", "text": t, "categories": cats} for i, t in enumerate(r.bad)]
        rows += [{"id": f"{r.id}:good:{i}", "text": t, "categories": []} for i, t in enumerate(r.good)]
    return rows


def _rows(files: Sequence[Path]) -> list[dict[str, Any]]:
    out = []
    for p in files:
        for n, line in enumerate(p.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"train: {p}:{n}: invalid JSON ({exc.msg})") from exc
            if not isinstance(row.get("text"), str) or not isinstance(row.get("categories"), list):
                raise InputError(f"train: {p}:{n}: needs \"text\" (string) and \"categories\" (list)")
            out.append(row)
    return out


def _matrix(texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray) -> Any:
    from scipy.sparse import csr_matrix

    data: list[float] = []
    ind: list[int] = []
    ptr = [0]
    for t in texts:
        row: dict[int, float] = {}
        for g, c in features(normalise_term(t)).items():
            j = vocab.get(g)
            if j is not None:
                row[j] = (1.0 + np.log(c)) * idf[j]
        norm = float(np.sqrt(sum(v * v for v in row.values()))) or 1.0
        ind.extend(row)
        data.extend(v / norm for v in row.values())
        ptr.append(len(ind))
    return csr_matrix((np.array(data, dtype=np.float32), np.array(ind, dtype=np.int64), np.array(ptr)),
                      shape=(len(texts), len(vocab)))


def _vocab(texts: Sequence[str], min_df: int, max_features: int) -> tuple[dict[str, int], np.ndarray]:
    df: dict[str, int] = {}
    for t in texts:
        for g in features(normalise_term(t)):
            df[g] = df.get(g, 0) + 1
    # a gram across a line break is left out: the vocabulary is stored one gram a line (TextModel.save)
    kept = sorted((g for g, d in df.items() if d >= min_df and "\n" not in g), key=lambda g: (-df[g], g))[:max_features]
    vocab = {g: i for i, g in enumerate(kept)}
    n = len(texts)
    idf = np.array([np.log((1 + n) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float32)
    return vocab, idf


def _rule_categories(texts: Sequence[str]) -> list[set[str]]:
    from analyzers.engine import analyze_text

    return [{f.category for f in analyze_text(t, options={"use_model": False})} for t in texts]


# One statement, two labels: a blanket refusal of returns (售出概不退换) is both an unfair standard term and a
# denied 7-day return, and writers label it either way (or both). For choosing thresholds a model finding of one
# on text labelled the other is not a false alarm (the engine merges the two into one finding, analyzers/merge.py).
_SAME_STATEMENT = {"unfair_terms": frozenset({"return_policy"}), "return_policy": frozenset({"unfair_terms"})}


def _thresholds(probs: np.ndarray, dev: list[dict[str, Any]], ruled: list[set[str]], cats: Sequence[str],
                target: float, min_added: int) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per category: the lowest threshold whose added findings (no rule of that category fired) reach ``target``."""
    out: dict[str, float] = {}
    report: dict[str, dict[str, float]] = {}
    for k, cat in enumerate(cats):
        near = _SAME_STATEMENT.get(cat, frozenset())
        cand = [(float(probs[i, k]), cat in dev[i]["categories"] or bool(near & set(dev[i]["categories"])))
                for i in range(len(dev)) if cat not in ruled[i]]
        cand.sort(reverse=True)
        best = 2.0
        tp = fp = 0
        best_stats = {"added_tp": 0.0, "added_fp": 0.0}
        for score, ok in cand:
            tp += ok
            fp += not ok
            if score < 0.5:
                break
            if tp + fp >= min_added and tp / (tp + fp) >= target:
                best = score
                best_stats = {"added_tp": float(tp), "added_fp": float(fp)}
        out[cat] = round(best, 4)
        report[cat] = {"threshold": out[cat], **best_stats}
    return out, report


def _fit(x: Any, y: np.ndarray, cfg: dict[str, Any]) -> tuple[np.ndarray, float]:
    """One logistic regression (the config's C, class weights and seed): its weights and bias."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=cfg["C"], class_weight=cfg.get("class_weight"), max_iter=2000, random_state=cfg["seed"])
    clf.fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def _out_of_fold(x: Any, y: np.ndarray, fold: np.ndarray, judged: np.ndarray, cfg: dict[str, Any],
                 trains: np.ndarray | None = None) -> np.ndarray:
    """Scores of the ``judged`` rows, each from a model fitted without its fold (rows of fold -1 always train);
    ``trains``: the rows that may train at all (default every row). A fold whose training rows are all of one
    class leaves its rows at 0."""
    out = np.zeros(x.shape[0], dtype=np.float64)
    for f in sorted(set(fold[judged].tolist())):
        train_idx = np.flatnonzero((fold != f) & (True if trains is None else trains))
        test_idx = np.flatnonzero((fold == f) & judged)
        yt = y[train_idx]
        if yt.all() or not yt.any():
            continue
        w, b = _fit(x[train_idx], yt, cfg)
        out[test_idx] = _sigmoid(x[test_idx] @ w + b)
    return out


def _train_voice(rows: list[dict[str, Any]], x: Any, vocab: dict[str, int], idf: np.ndarray, dev: list[dict[str, Any]],
                 ruled: list[set[str]], cfg: dict[str, Any], out: Path,
                 category_probs: dict[str, np.ndarray], fold: np.ndarray | None = None) -> dict[str, float]:
    """The voice model (:mod:`analyzers.voice_model`) on the same features, and its threshold: the lowest score
    (at least 0.5) above which the dev rule hits it would drop are at least ``voice_precision`` false. It drops
    only hits the category model does not back (score below :data:`analyzers.voice_model.BACKED`). With
    ``fold`` (threshold folds), ``dev`` is the first ``len(dev)`` rows of ``rows`` and their voice scores are
    out of fold."""
    from analyzers import voice_model

    idx = [i for i, r in enumerate(rows) if voice_model.label(r) is not None]
    y = np.array([bool(voice_model.label(rows[i])) for i in idx])
    if len(idx) < 20 or y.all() or not y.any():
        return {"threshold": 2.0, "rows": float(len(idx))}
    w, b = _fit(x[idx], y, cfg)
    model = TextModel(("reported",), vocab, idf, w[:, None].astype(np.float32), np.array([b], dtype=np.float32), {}, {})
    if fold is None:
        probs = [model.scores(r["text"])["reported"] for r in dev]
    else:  # every dev row is scored by a voice model fitted without its fold (unlabelled rows train nothing)
        labelled = np.zeros(len(rows), dtype=bool)
        labelled[idx] = True
        reported = np.zeros(len(rows), dtype=bool)
        reported[idx] = y
        judged = np.zeros(len(rows), dtype=bool)
        judged[: len(dev)] = True
        probs = _out_of_fold(x, reported, fold, judged, cfg, trains=labelled)[: len(dev)].tolist()
    # each rule hit on a dev text: would be dropped at a threshold at or below the text's score; right to drop if false
    cand = sorted(((probs[i], c not in dev[i]["categories"]) for i in range(len(dev)) for c in ruled[i]
                   if c in category_probs and category_probs[c][i] < voice_model.BACKED), reverse=True)
    target, best, stats = float(cfg.get("voice_precision", 0.9)), 2.0, {"dropped_false": 0.0, "dropped_true": 0.0}
    false = true = 0
    for score, wrong in cand:
        if score < 0.5:
            break
        false += wrong
        true += not wrong
        if false + true >= cfg.get("veto_min_run", 2) and false / (false + true) >= target:
            best, stats = score, {"dropped_false": float(false), "dropped_true": float(true)}
    thresholds = {"reported": round(best, 4)}
    report = {"threshold": thresholds["reported"], "rows": float(len(idx)), "reported_rows": float(y.sum()), **stats}
    TextModel(model.categories, vocab, idf, model.coef, model.bias, thresholds, {"dev": report}).save(out)
    return report


def _vetoes(probs: np.ndarray, dev: list[dict[str, Any]], ruled: list[set[str]], cats: Sequence[str],
            cap: float, min_run: int, precision: float = 1.0) -> dict[str, float]:
    """Per category: drop rule hits scored below the veto. The veto is the highest score (never above ``cap``)
    below which the dev rule hits are at least ``precision`` false (at least ``min_run`` of them), set just above
    the last hit it drops. With ``precision`` 1 that is the run of lowest-scored hits that are all false; below
    1 one right hit among many wrong ones no longer moves the veto (it moved from retrain to retrain)."""
    out: dict[str, float] = {}
    for k, cat in enumerate(cats):
        hits = sorted((float(probs[i, k]), cat in dev[i]["categories"]) for i in range(len(dev)) if cat in ruled[i])
        wrong = right = 0
        best = -1
        for n, (score, ok) in enumerate(hits):
            if score >= cap:
                break
            right += ok
            wrong += not ok
            if wrong + right >= min_run and wrong / (wrong + right) >= precision and not ok:
                best = n
        if best >= 0:
            nxt = hits[best + 1][0] if best + 1 < len(hits) else cap
            out[cat] = round(min(cap, (hits[best][0] + nxt) / 2), 4)
    return out


def _fold(row: dict[str, Any], n: int, folds: int) -> int:
    """A row's threshold fold: from the SHA-256 of its id (stable when rows are added), else of its position."""
    key = str(row.get("id", n)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % folds


def train(cfg: dict[str, Any] | None = None, *, root: Path = ROOT, out: Path = OUT, log: Any = print) -> dict[str, Any]:
    """Train, choose thresholds on dev, write ``out``; return the training report.

    With ``threshold_folds`` k > 1 in the config the dev files are training data too: thresholds, vetoes and the
    voice threshold are chosen on the out-of-fold scores of every labelled row (k models, each fitted without one
    fold; the rules' examples always train), and the shipped model is fitted on all rows. The vocabulary and idf
    are those of all rows."""
    cfg = cfg or load_config()
    t0 = time.monotonic()
    train_files, dev_files = data_files(cfg, root)
    if not train_files:
        raise InputError(f"train: no training files match {cfg['train']} under {root / cfg['corpus']}")
    examples = example_rows() if cfg.get("rule_examples") else []
    rows = _rows(train_files)
    dev = _rows(dev_files)
    rng = random.Random(cfg["seed"])
    folds = int(cfg.get("threshold_folds") or 0)
    if folds > 1:  # dev joins training; every labelled row is judged out of fold
        rows = rows + dev
        dev = rows
    elif not dev:  # no dev files: a seeded share of the training rows
        rng.shuffle(rows)
        k = max(1, int(len(rows) * cfg["dev_share"]))
        dev, rows = rows[:k], rows[k:]
    natural = len(rows)
    rows = rows + examples
    fold = np.array([_fold(r, n, folds) for n, r in enumerate(rows[:natural])] + [-1] * len(examples)) \
        if folds > 1 else None
    cats = [c for c in cfg.get("categories", list(MODEL_LAW)) if c in MODEL_LAW]
    texts = [r["text"] for r in rows]
    vocab, idf = _vocab(texts, cfg["min_df"], cfg.get("max_features", 300000))
    x = _matrix(texts, vocab, idf)
    coef = np.zeros((len(vocab), len(cats)), dtype=np.float32)
    bias = np.zeros(len(cats), dtype=np.float32)
    oof = np.zeros((natural, len(cats)))
    for k, cat in enumerate(cats):
        y = np.array([cat in r["categories"] for r in rows])
        if y.sum() == 0 or y.all():
            bias[k] = -20.0
            continue
        coef[:, k], bias[k] = _fit(x, y, cfg)
        if fold is not None:
            oof[:, k] = _out_of_fold(x, y, fold, fold >= 0, cfg)[:natural]
    model = TextModel(tuple(cats), vocab, idf, coef, bias, {}, {})
    dev_probs = oof if fold is not None else np.array([[model.scores(r["text"])[c] for c in cats] for r in dev])
    ruled = _rule_categories([r["text"] for r in dev])
    thresholds, report = _thresholds(dev_probs, dev, ruled, cats, cfg["precision"], cfg.get("min_added", 3))
    vetoes = _vetoes(dev_probs, dev, ruled, cats, cfg.get("veto_cap", 0.3), cfg.get("veto_min_run", 2),
                     cfg.get("veto_precision", 1.0))
    meta = {"data_sha256": data_sha256(train_files + dev_files, root, examples), "rule_examples": len(examples),
            "train_files": [str(p.relative_to(root)) for p in train_files],
            "dev_files": [str(p.relative_to(root)) for p in dev_files],
            "train_rows": len(rows), "dev_rows": len(dev), "threshold_folds": folds, "seed": cfg["seed"], "C": cfg["C"],
            "min_df": cfg["min_df"], "features": len(vocab), "dev": report, "vetoes": vetoes}
    out.parent.mkdir(parents=True, exist_ok=True)
    meta["voice"] = _train_voice(rows, x, vocab, idf, dev, ruled, cfg, out.parent / "voice.npz",
                                 {c: dev_probs[:, k] for k, c in enumerate(cats)}, fold)
    model = TextModel(tuple(cats), vocab, idf, coef, bias, thresholds, meta)
    model.save(out)
    meta["seconds"] = round(time.monotonic() - t0, 1)
    meta["bytes"] = out.stat().st_size
    log(json.dumps({k: v for k, v in meta.items() if k not in ("train_files", "dev_files")}, ensure_ascii=False, indent=1))
    return meta
