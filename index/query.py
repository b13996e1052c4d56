"""The analysts' query language, parsed into a small tree both backends compile.

    国家级                      phrase anywhere in the text fields (exact substring of Chinese text)
    "最终 解释权"                quoted phrase (spaces and punctuation inside are ignored like in the index)
    category:false_advertising  a field and its value; ``rule:AD-*`` prefix on keyword fields
    voice:news pagekind:product source:model   how the analyzer judged a finding (docs/index.md)
    excerpt:"七天无理由"          a phrase in one text field
    since:2026-11-01 until:2026-11-30   seen in that period (days in the configured time zone)
    a b  ==  a AND b;  a OR b;  NOT a  ==  -a;  parentheses group

Operators are upper case. A query that does not parse raises :class:`errors.QuerySyntaxError`
with the position (1-based character) and what was expected. Queries are bounded (length, terms,
nesting, no control characters) so no input can exhaust the parser or the backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from errors import QuerySyntaxError

Kind = Literal["finding", "page"]

# analyst field name -> (document field, type) per kind; "text" fields take phrases
FIELDS: dict[Kind, dict[str, tuple[str, str]]] = {
    "finding": {
        "text": ("*", "text"), "excerpt": ("excerpt", "text"), "title": ("page_title", "text"),
        "match": ("match", "text"), "explanation": ("explanation", "text"),
        "merchant": ("merchant_name.text", "text"),
        "id": ("finding_id", "keyword"), "rule": ("rule_id", "keyword"), "category": ("category", "keyword"),
        "article": ("article", "keyword"), "law": ("law", "keyword"), "severity": ("severity", "keyword"),
        "status": ("status", "keyword"), "storefront": ("storefront_id", "keyword"), "uscc": ("uscc", "keyword"),
        "domain": ("domain", "keyword"), "site": ("site_name", "keyword"), "url": ("url", "keyword"),
        "token": ("tokens", "keyword"),
        "pagekind": ("page_kind", "keyword"), "voice": ("voice", "keyword"), "source": ("source", "keyword"),
        "since": ("last_seen", "since"), "until": ("first_seen", "until"),
    },
    "page": {
        "text": ("*", "text"), "title": ("title", "text"), "body": ("text", "text"),
        "merchant": ("merchant_name.text", "text"),
        "storefront": ("storefront_id", "keyword"), "uscc": ("uscc", "keyword"), "domain": ("domain", "keyword"),
        "site": ("site_name", "keyword"), "url": ("url", "keyword"), "kind": ("kind", "keyword"),
        "token": ("tokens", "keyword"),
        "since": ("fetched_at", "since"), "until": ("fetched_at", "until"),
    },
}
# fields a bare word or phrase searches: what the shop said (and who it is), not storewatch's own
# explanations, which quote the banned words of every rule (search those with `explanation:`)
TEXT_FIELDS: dict[Kind, tuple[str, ...]] = {
    "finding": ("excerpt", "page_title", "match", "merchant_name.text"),
    "page": ("title", "text", "merchant_name.text"),
}
_UPPER = {"rule_id"}
MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MAX_DEPTH = 12
_LOWER = {"category", "severity", "status", "domain", "tokens", "kind", "page_kind", "voice", "source"}


@dataclass(frozen=True)
class Phrase:
    """Consecutive tokens in a text field (``field`` "*" = any text field)."""

    field: str
    text: str


@dataclass(frozen=True)
class Term:
    """A keyword field equals ``value`` (or starts with it, when ``prefix``)."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Range:
    """A date field within [gte, lt) (UTC ISO strings; either end open)."""

    field: str
    gte: str | None = None
    lt: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class All:
    """Matches every document."""


Node = Phrase | Term | Range | And | Or | Not | All


def _error(query: str, pos: int, reason: str, reason_zh: str) -> QuerySyntaxError:
    """The error for the analyst: where (1-based), why in Chinese and in English, and the query."""
    shown = query if len(query) <= 80 else query[:80] + "…"
    exc = QuerySyntaxError(f"查询语法错误：第 {pos + 1} 个字符处{reason_zh} — bad query at position {pos + 1}: "
                           f"{reason} — in: {shown!r}")
    exc.position = pos + 1  # type: ignore[attr-defined]
    return exc


def parse_day(value: str, tz: str = "Asia/Shanghai", *, end: bool = False) -> str:
    """A date (local day) or ISO datetime -> UTC ISO; ``end`` gives the start of the next day for dates."""
    zone = ZoneInfo(tz)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value) + (timedelta(days=1) if end else timedelta())
            moment = datetime.combine(day, time(0), tzinfo=zone)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or ISO time") from None
    from index.documents import iso

    return iso(moment) or ""


_TOKEN = re.compile(r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<word>[^\s()"]+(?:\([^\s()"]*\)[^\s()"]*)*))""")


class _Parser:
    def __init__(self, query: str, kind: Kind, tz: str) -> None:
        self.q, self.kind, self.tz = query, kind, tz
        self.toks: list[tuple[str, str, int]] = []  # (type, value, position)
        self.i = 0
        self.depth = 0
        self.terms = 0
        bad = next((i for i, c in enumerate(query) if ord(c) < 32 and c not in "\t\n\r"), None)
        if bad is not None:
            raise _error(query, bad, "control character in the query", "有不可见的控制字符")
        if len(query) > MAX_QUERY_CHARS:
            raise _error(query, MAX_QUERY_CHARS, f"query longer than {MAX_QUERY_CHARS} characters",
                         f"超出长度上限（查询最多 {MAX_QUERY_CHARS} 个字符）")
        self._lex()

    def _lex(self) -> None:
        q, pos = self.q, 0
        while True:
            while pos < len(q) and q[pos].isspace():
                pos += 1
            if pos >= len(q):
                break
            m = _TOKEN.match(q, pos)
            assert m is not None  # every non-space character starts some token
            start = m.start(m.lastgroup or "word")
            if m.group("lp"):
                self.toks.append(("(", "(", start))
            elif m.group("rp"):
                self.toks.append((")", ")", start))
            elif m.group("quote"):
                end = q.find('"', start + 1)
                if end < 0:
                    raise _error(q, start, "unclosed quote (\")", "的引号没有闭合")
                self.toks.append(("phrase", q[start + 1:end], start))
                pos = end + 1
                continue
            else:
                word = m.group("word")
                if word in ("AND", "OR", "NOT"):
                    self.toks.append((word, word, start))
                elif word.endswith(":") and q.startswith('"', m.end()):
                    end = q.find('"', m.end() + 1)
                    if end < 0:
                        raise _error(q, m.end(), "unclosed quote (\")", "的引号没有闭合")
                    self.toks.append(("field", word[:-1] + "\x00" + q[m.end() + 1:end], start))
                    pos = end + 1
                    continue
                else:
                    self.toks.append(("word", word, start))
            pos = m.end()

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node:
        if not self.toks:
            return All()
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise _error(self.q, tok[2], "unbalanced ')'" if tok[0] == ")" else f"unexpected {tok[1]!r}",
                         "多了一个右括号" if tok[0] == ")" else f"不应出现 “{tok[1]}”")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while (tok := self.peek()) and tok[0] == "OR":
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while (tok := self.peek()) and tok[0] not in ("OR", ")"):
            if tok[0] == "AND":
                self.i += 1
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error(self.q, len(self.q), "the query ends where a term was expected", "缺少查询词（查询在此结束）")
        negated = (tok[0] == "NOT" or (tok[0] == "word" and tok[1] == "-" and self.i + 1 < len(self.toks))
                   or (tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1))
        if not negated:
            return self.parse_primary()
        self._deeper(tok[2])
        if tok[0] == "word" and len(tok[1]) > 1:
            self.toks[self.i] = ("word", tok[1][1:], tok[2] + 1)
        else:
            self.i += 1
        node = Not(self.parse_unary())
        self.depth -= 1
        return node

    def _deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(self.q, pos, f"nested more than {MAX_DEPTH} levels (parentheses or NOT)",
                         f"嵌套过深（括号或 NOT 最多 {MAX_DEPTH} 层）")

    def parse_primary(self) -> Node:
        typ, value, pos = self.toks[self.i]
        self.i += 1
        if typ == "(":
            self._deeper(pos)
            node = self.parse_or()
            tok = self.peek()
            if tok is None or tok[0] != ")":
                raise _error(self.q, pos, "'(' is never closed", "的左括号缺少右括号")
            self.i += 1
            self.depth -= 1
            return node
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise _error(self.q, pos, f"more than {MAX_TERMS} terms", f"查询词过多（最多 {MAX_TERMS} 个）")
        if typ in ("AND", "OR", ")"):
            raise _error(self.q, pos, f"{value!r} where a term was expected", f"应为查询词，不应出现 “{value}”")
        if typ == "phrase":
            if not value.strip():
                raise _error(self.q, pos, "empty phrase \"\"", "的引号内是空的")
            return Phrase("*", value)
        if typ == "field":
            name, phrase = value.split("\x00", 1)
            return self.field(name, phrase, pos, quoted=True)
        if ":" in value and re.match(r"[A-Za-z_]+:", value):
            name, rest = value.split(":", 1)
            return self.field(name, rest, pos, quoted=False)
        if value.endswith("*"):
            raise _error(self.q, pos, "wildcards work only on keyword fields (rule:AD-*, url:http://x/*)",
                         "的通配符 * 只能用于字段值（如 rule:AD-*）")
        return Phrase("*", value)

    def field(self, name: str, value: str, pos: int, *, quoted: bool) -> Node:
        known = FIELDS[self.kind]
        spec = known.get(name.lower())
        if spec is None:
            raise _error(self.q, pos, f"unknown field {name!r} (fields: {', '.join(sorted(known))}); "
                                      "quote text that contains ':'",
                         f"为未知字段 “{name}”（含冒号的文字请加引号）")
        target, typ = spec
        if not value.strip():
            raise _error(self.q, pos + len(name) + 1, f"{name}: needs a value", f"“{name}:”后缺少取值")
        if typ == "text":
            return Phrase(target, value)
        if typ in ("since", "until"):
            try:
                when = parse_day(value, self.tz, end=(typ == "until"))
            except ValueError as exc:
                raise _error(self.q, pos + len(name) + 1, str(exc), f"“{name}:”后应为日期 YYYY-MM-DD") from None
            return Range(target, gte=when) if typ == "since" else Range(target, lt=when)
        return term(target, value, quoted=quoted)


def term(field: str, value: str, *, quoted: bool = False) -> Node:
    """A keyword condition, with the field's normalisation (and ``article`` matching its root)."""
    prefix = not quoted and value.endswith("*")
    value = value[:-1] if prefix else value
    if field in _UPPER:
        value = value.upper()
    elif field in _LOWER:
        value = value.lower()
    if field == "article":
        value = value.removeprefix("第").removesuffix("条")
        if not prefix and re.fullmatch(r"\d+", value):
            return Term("article_root", value)
    return Term(field, value, prefix)


def parse(query: str, kind: Kind = "finding", tz: str = "Asia/Shanghai") -> Node:
    """Parse an analyst's query; raises QuerySyntaxError (with position) when it does not parse."""
    return _Parser(query or "", kind, tz).parse()


def conjoin(*nodes: Node | None) -> Node:
    items: list[Node] = []
    for n in nodes:
        if n is None or isinstance(n, All):
            continue
        items.extend(n.items if isinstance(n, And) else (n,))
    if not items:
        return All()
    return items[0] if len(items) == 1 else And(tuple(items))
