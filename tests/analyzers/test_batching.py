"""Batched analysis (analyze-text) gives what one text at a time gives; the model's scores do not depend on the batch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzers import learned
from analyzers.engine import analyze_text, analyze_texts

CORPUS = Path(__file__).parent / "corpus"


def _sample(n: int = 240) -> list[str]:
    rows = [json.loads(x) for x in (CORPUS / "fragments.jsonl").read_text("utf-8").splitlines() if x.strip()]
    texts = [r["text"] for r in rows[::2]][:n]  # the file holds its negatives first
    return [*texts, "", "短", texts[0] + texts[1], texts[0]]  # empty, tiny, joined, and a repeat


@pytest.mark.parametrize("options", [{}, {"use_model": False}, {"use_voice": False, "use_model": False},
                                     {"min_confidence": 0.8}])
def test_analyze_texts_equals_analyze_text_on_each(options: dict[str, object]) -> None:
    texts = _sample()
    model = learned.load()
    if model is not None:
        model._memo.clear()
    batched = [[f.to_dict() for f in fs] for fs in analyze_texts(texts, options=options)]
    if model is not None:
        model._memo.clear()  # one at a time, nothing scored beforehand
    single = [[f.to_dict() for f in analyze_text(t, options=options)] for t in texts]
    assert batched == single
    assert any(batched), "the sample should make findings"


def test_model_scores_do_not_depend_on_the_batch() -> None:
    model = learned.load()
    assert model is not None, "the shipped model (analyzers/data/model) did not load"
    texts = _sample(60)
    together = model._batch(texts)
    for i, t in enumerate(texts):
        assert np.array_equal(model._batch([t])[0], together[i]), t


def test_ngram_lookup_finds_the_vocabulary_and_nothing_else() -> None:
    model = learned.load()
    assert model is not None, "the shipped model (analyzers/data/model) did not load"
    words = list(model.vocab)[:500]
    keys = np.array([learned.gram_key(w) for w in words], dtype=np.int64)
    assert model._lookup(keys).tolist() == [model.vocab[w] for w in words]
    unknown = np.array([learned.gram_key("\U0010fffd"), learned.gram_key("\U0010fffd\U0010fffe")], dtype=np.int64)
    assert model._lookup(unknown).tolist() == [-1, -1]
