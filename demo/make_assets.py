"""Regenerate the demo's binary assets: the badge PNGs and ``registry.xlsx``.

Developer tool, not used at run time (the outputs are committed)::

    python -m demo.make_assets

Needs Pillow and a CJK font (Debian ``fonts-noto-cjk``); openpyxl for the workbook.
"""

from __future__ import annotations

import csv
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SITES_DIR = DEMO_DIR / "sites"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)

# (file, top line, bottom line, colour, where it goes)
BADGES = (
    ("license-badge.png", "电子营业执照", "亮照亮证", (24, 86, 160), ("qinghe-tea", "gaoyuan-select")),
    ("hongdun.png", "工商网监", "电子标识", (190, 20, 30), ("xueyu-health",)),
)


def _font(size: int):  # -> ImageFont.FreeTypeFont
    from PIL import ImageFont

    for path in FONT_FILES:
        if not Path(path).exists():
            continue
        for index in range(6):  # pick the Simplified Chinese face of a collection
            try:
                font = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            family = font.getname()[0] or ""
            if "SC" in family or "WenQuanYi" in family:
                return font
    raise SystemExit("no CJK font found; install fonts-noto-cjk")


def draw_badge(top: str, bottom: str, colour: tuple[int, int, int], out: Path) -> None:
    """A 100×40 mark: a shield on the left, two lines of Chinese text on the right."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (100, 40), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 99, 39), outline=colour, width=2)
    d.polygon([(5, 7), (21, 7), (21, 21), (13, 32), (5, 21)], fill=colour)  # shield
    d.text((13, 17), "★", fill="white", font=_font(9), anchor="mm")
    d.text((60, 13), top, fill=colour, font=_font(min(13, 72 // len(top))), anchor="mm")
    d.text((60, 29), bottom, fill=colour, font=_font(11), anchor="mm")
    img.save(out, optimize=True)


def write_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    """Copy the registry CSV into a one-sheet workbook, as bureaus export it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "电子商务主体备案"
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            ws.append(row)
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = max(len(str(c.value or "")) for c in col) * 2 + 2
    wb.save(xlsx_path)


def main() -> None:
    for name, top, bottom, colour, sites in BADGES:
        for site in sites:
            out = SITES_DIR / site / "img" / name
            out.parent.mkdir(parents=True, exist_ok=True)
            draw_badge(top, bottom, colour, out)
            print(f"wrote {out.relative_to(DEMO_DIR)}")
    write_xlsx(DEMO_DIR / "registry.csv", DEMO_DIR / "registry.xlsx")
    print("wrote registry.xlsx")


if __name__ == "__main__":
    main()
