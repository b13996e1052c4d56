"""Regenerate the generated parts of README.md (configuration table, rule catalogue).

    .venv/bin/python scripts/gen_docs.py          # rewrite README.md and docs/rules.md in place
    .venv/bin/python scripts/gen_docs.py --check  # exit 1 if README.md is out of date (tests run this)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import config  # noqa: E402


def _default(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value) if value else "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"`{value}`"


def config_table() -> str:
    lines = ["| key | environment | default | meaning |", "|---|---|---|---|"]
    for key, default in config.documented_keys():
        env = config.ENV_PREFIX + key.replace(".", "__").upper()
        lines.append(f"| `{key}` | `{env}` | {_default(default)} | {config.DESCRIPTIONS[key]} |")
    return "\n".join(lines)


def rule_catalogue() -> str:
    """The catalogue's summary table (the full rule pages, with examples, are docs/rules.md)."""
    from analyzers.catalogue import as_markdown

    table = [line for line in as_markdown().splitlines() if line.startswith("|")]
    return "\n".join(table)


SECTIONS = {"config": config_table, "rules": rule_catalogue}


def render(text: str) -> str:
    for name, fn in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED {name} -->\n)(?:.*?\n)?(<!-- END GENERATED {name} -->)", re.S)
        text = pattern.sub(lambda m, fn=fn: m.group(1) + fn() + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    from analyzers.catalogue import as_markdown

    readme, rules = ROOT / "README.md", ROOT / "docs" / "rules.md"
    targets = {readme: render(readme.read_text(encoding="utf-8")), rules: as_markdown()}
    stale = [p for p, new in targets.items() if not p.exists() or p.read_text(encoding="utf-8") != new]
    if "--check" in argv:
        if stale:
            print(f"out of date: {', '.join(p.name for p in stale)}; run .venv/bin/python scripts/gen_docs.py",
                  file=sys.stderr)
            return 1
        return 0
    for p in stale:
        p.write_text(targets[p], encoding="utf-8")
    print(json.dumps({"updated": [str(p.relative_to(ROOT)) for p in stale]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
