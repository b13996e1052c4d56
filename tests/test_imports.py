"""The import rules of DESIGN.md and docs/architecture.md, checked on every import statement
(function-local ones too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analyzers", "store", "index", "crawler", "spiders", "pipelines", "web", "evidence", "alerts",
            "demo", "shared")
FORBIDDEN = {  # package -> top-level modules it must never import
    "analyzers": {"store", "index", "crawler", "spiders", "pipelines", "web", "config", "scheduler", "cli"},
    "store": {"index", "crawler", "spiders"},
    "evidence": {"store"},
    "index": {"crawler", "spiders"},
    "alerts": {"crawler", "spiders"},
    "web": {"crawler", "spiders"},
    "crawler": {"store", "analyzers"},
    "spiders": {"store", "analyzers"},
    "shared": {p for p in PACKAGES if p != "shared"} | {"scheduler", "cli"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


def modules(package: str) -> list[Path]:
    return [p for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_rules(package: str) -> None:
    bad = [f"{p.relative_to(ROOT)} imports {m}" for p in modules(package)
           for m in sorted(imports_of(p) & FORBIDDEN[package])]
    assert not bad, "\n".join(bad)


def test_no_role_package_imports_cli() -> None:
    """The click context is in shared/clicontext.py; ``cli`` only collects the commands."""
    bad = [str(p.relative_to(ROOT)) for pkg in PACKAGES for p in modules(pkg) if "cli" in imports_of(p)]
    bad += ["scheduler.py"] if "cli" in imports_of(ROOT / "scheduler.py") else []
    assert not bad, bad


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from store.db import Store\n    import cli\n", encoding="utf-8")
    assert imports_of(bad) == {"store", "cli"}
