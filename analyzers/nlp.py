"""spaCy ``zh`` with the jieba segmenter, loaded once and used only around candidates.

There is no trained Chinese spaCy pipeline (STACK-NOTES): we use ``spacy.blank("zh")`` with jieba.
Loading costs about 1.5 s (jieba's prefix dictionary); call :func:`warm_up` at start-up so the
first page does not pay it. Domain words (``data/jieba_words.txt``) keep claims as single tokens
so that, for example, ``不锈钢`` is never read as the negation ``不``.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

from analyzers.lexicons import lexicon

log = logging.getLogger(__name__)
_lock = threading.Lock()
_nlp: Any = None


def _load(cache_dir: str | None = None) -> Any:
    global _nlp
    with _lock:
        if _nlp is None:
            import jieba
            import spacy

            jieba.setLogLevel(logging.WARNING)
            if cache_dir:
                jieba.dt.tmp_dir = cache_dir  # jieba.cache is written there once, then reused
            jieba.initialize()
            for entry in lexicon("jieba_words"):
                jieba.add_word(entry.term, freq=200000)
            _nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            log.info("spaCy zh pipeline with jieba segmenter loaded")
    return _nlp


def warm_up(cache_dir: str | None = None) -> None:
    """Load jieba's dictionary and spaCy now (start-up), not on the first page.

    ``cache_dir`` (e.g. the data folder) is where jieba keeps its prefix-dictionary cache; the
    caller owns that I/O decision, analyzers read no settings.
    """
    _load(cache_dir)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """Tokens of a short span (a clause) as (start, end, text)."""
    if not text:
        return ()
    doc = _load()(text)
    return tuple((t.idx, t.idx + len(t.text), t.text) for t in doc if not t.is_space)
