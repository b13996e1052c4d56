"""Regenerate the extraction golden files: ``python tests/pipelines/regenerate.py [NAME …]``.

Review the diff of every ``output.json`` before committing: a golden file is a claim about what
an inspector should read on that page.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def extract_fixture(folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from extraction.page import extract_page

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    html = (folder / "input.html").read_text(encoding="utf-8")
    url = meta.pop("url")
    return json.loads(json.dumps(extract_page(html, url, **meta).to_dict(), ensure_ascii=False))


def main(names: list[str]) -> None:
    for folder in sorted(FIXTURES.iterdir()):
        if names and folder.name not in names:
            continue
        out = extract_fixture(folder)
        (folder / "output.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {folder / 'output.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
