"""Lexicons: packaged data files under ``analyzers/data/`` and the Aho-Corasick candidate pass.

File format (UTF-8): ``#`` lines are comments; a run of comment lines opens an entry group and is
kept as that group's citation of the law. Every other non-empty line is one entry, optionally
followed by `` @tag``. Entries are normalised with the same pipeline as page text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from operator import attrgetter

import ahocorasick

from analyzers.normalise import normalise_term
from errors import RuleRegistryError

__all__ = ["Entry", "Candidate", "lexicon", "terms", "Scanner", "scanner"]


@dataclass(frozen=True, slots=True)
class Entry:
    term: str  # normalised
    raw: str
    tag: str
    group: str  # the comment block that cites the law for this group
    lexicon: str


@dataclass(slots=True, unsafe_hash=True)
class Candidate:
    """One lexicon entry found in normalised text, ``text[start:end] == entry.term``.

    Treat as immutable. Not ``frozen``: the scan makes tens of thousands per megabyte and a frozen
    dataclass's ``__init__`` costs about twice as much.
    """

    start: int
    end: int
    entry: Entry

    @property
    def term(self) -> str:
        return self.entry.term

    @property
    def tag(self) -> str:
        return self.entry.tag


def _parse(name: str, text: str) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    comments: list[str] = []
    group = ""
    in_comment = False
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            if not in_comment:
                comments = []
            comments.append(s.lstrip("#").strip())
            in_comment = True
            continue
        if in_comment:
            group = " ".join(comments)
            in_comment = False
        raw, _, tag = s.partition(" @")
        raw = raw.strip()
        norm = normalise_term(raw)
        if not norm:
            raise RuleRegistryError(f"lexicon {name}.txt line {lineno}: entry normalises to nothing")
        entries.append(Entry(norm, raw, tag.strip(), group, name))
    return tuple(entries)


@cache
def lexicon(name: str) -> tuple[Entry, ...]:
    """All entries of ``analyzers/data/<name>.txt`` (fails loudly if missing)."""
    try:
        text = resources.files("analyzers").joinpath(f"data/{name}.txt").read_text("utf-8")
    except FileNotFoundError as exc:
        raise RuleRegistryError(f"lexicon data file analyzers/data/{name}.txt is missing") from exc
    return _parse(name, text)


@cache
def terms(name: str, tag: str | None = None) -> frozenset[str]:
    """Normalised terms of a lexicon (optionally only one tag)."""
    return frozenset(e.term for e in lexicon(name) if tag is None or e.tag == tag)


_START_END = attrgetter("start", "end")


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Scanner:
    """One Aho-Corasick automaton over several lexicons; ``scan`` groups candidates by lexicon."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(dict.fromkeys(names))
        auto = ahocorasick.Automaton()
        table: dict[str, list[Entry]] = {}
        for name in self.names:
            for e in lexicon(name):
                table.setdefault(e.term, []).append(e)
        for term, entries in table.items():
            auto.add_word(term, (len(term), tuple(entries), _is_word(term[0]), _is_word(term[-1])))
        if table:
            auto.make_automaton()
        self._auto = auto
        self._empty = not table

    def scan(self, text: str) -> dict[str, list[Candidate]]:
        out: dict[str, list[Candidate]] = {}
        if self._empty:
            return out
        n = len(text)
        for end, (length, entries, word_start, word_end) in self._auto.iter(text):
            start = end - length + 1
            stop = end + 1
            # ASCII entries must sit on word boundaries (超a must not match 超amoled)
            if word_start and start > 0 and _is_word(text[start - 1]):
                continue
            if word_end and stop < n and _is_word(text[stop]):
                continue
            for e in entries:
                out.setdefault(e.lexicon, []).append(Candidate(start, stop, e))
        for found in out.values():
            if len(found) > 1:
                found.sort(key=_START_END)
        return out


@lru_cache(maxsize=8)
def scanner(names: tuple[str, ...]) -> Scanner:
    return Scanner(names)
