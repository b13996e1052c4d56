"""The README's generated sections are current, and every setting is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_has_a_description() -> None:
    keys = {k for k, _ in config.documented_keys()}
    assert keys == set(config.DESCRIPTIONS)


def test_readme_generated_sections_are_current() -> None:
    r = subprocess.run([sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
