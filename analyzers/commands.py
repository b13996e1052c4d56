"""``storewatch analyze-text`` and ``storewatch train``: no settings, no store, no network.

(``storewatch rules`` is in :mod:`store.decisions_commands`: it shows analysts' precision per rule.)
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from errors import InputError

__all__ = ["COMMANDS", "analyze_text_cmd", "train_cmd", "analyze_lines"]


BATCH = 256  # lines scored by the model in one vectorised pass


def _parse(lineno: int, raw: bytes) -> tuple[Any, str | None, str | None]:
    """(id, text, error) of one input line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"line {lineno}: not UTF-8 ({exc.reason} at byte {exc.start})"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return None, None, f"line {lineno}: expected a JSON object with \"id\" and \"text\""
    ident = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str):
        return ident, None, f"line {lineno}: \"text\" must be a string"
    return ident, text, None


def _run(batch: list[tuple[int, bytes]], out: Any, options: dict[str, Any]) -> None:
    from analyzers.engine import analyze_texts

    parsed = [_parse(n, raw) for n, raw in batch]
    found = iter(analyze_texts([t for _, t, e in parsed if e is None and t is not None], options=options))
    for ident, text, error in parsed:
        if error is not None or text is None:
            result: dict[str, Any] = {"id": ident, "error": error}
        else:
            result = {"id": ident, "findings": [f.to_dict() for f in next(found)]}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()


def analyze_lines(lines: Any, out: Any, options: dict[str, Any] | None = None, batch: int = BATCH) -> int:
    """Read JSON Lines (bytes) from ``lines``, write one JSON line per input line to ``out`` (in order,
    flushed after each batch of ``batch`` lines)."""
    n = 0
    todo: list[tuple[int, bytes]] = []
    for n, raw in enumerate(lines, 1):
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        todo.append((n, raw.rstrip(b"\r\n")))
        if len(todo) >= batch:
            _run(todo, out, options or {})
            todo = []
    if todo:
        _run(todo, out, options or {})
    return n


@click.command("analyze-text")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Drop findings below this confidence.")
def analyze_text_cmd(min_confidence: float) -> None:
    """Text rules over JSON Lines on stdin ({"id","text"}) -> JSON Lines on stdout ({"id","findings"})."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    try:
        analyze_lines(stream, sys.stdout, {"min_confidence": min_confidence})
    except OSError as exc:
        raise InputError(f"analyze-text: cannot read standard input: {exc}") from exc
    finally:
        sys.stdout.flush()


@click.command("train")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Training config (default analyzers/data/model/config.json).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Where to write the model (default: the packaged analyzers/data/model/textcat.npz).")
def train_cmd(config_path: str | None, out_path: str | None) -> None:
    """Train the text model from the labelled corpora (训练文本模型；需要 scikit-learn)."""
    from pathlib import Path

    from analyzers import training

    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise InputError("train: scikit-learn is not installed (pip install scikit-learn)") from exc
    cfg = training.load_config(Path(config_path)) if config_path else training.load_config()
    training.train(cfg, out=Path(out_path) if out_path else training.OUT, log=click.echo)


COMMANDS = [analyze_text_cmd, train_cmd]
