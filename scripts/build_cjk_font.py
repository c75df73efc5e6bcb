"""Build the CJK font geocouple ships for Chinese map labels (a subset of Noto Sans CJK SC).

matplotlib's default font has no Chinese glyphs, and a plain ``pip install`` brings no
CJK font, so geocouple ships one: Noto Sans CJK SC Regular (SIL Open Font License 1.1),
subset to the 7,445 characters of GB 2312 (every character of everyday simplified
Chinese, all prefecture-level place names included) plus Latin-1 and common punctuation,
and renamed "geocouple CJK Sans" as the OFL asks of modified fonts. Characters outside
the subset make geocouple look for a system CJK font, then fall back to English labels.

Source: Debian's fonts-noto-cjk package (the upstream googlefonts/noto-cjk release),
/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, font 2 ("Noto Sans CJK SC").

Run: apt-get install fonts-noto-cjk && pip install fonttools && python scripts/build_cjk_font.py
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUT = Path(__file__).resolve().parents[1] / "geocouple" / "data" / "fonts"
FAMILY = "geocouple CJK Sans"


def gb2312() -> list[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def codepoints() -> set[int]:
    points = {ord(c) for c in gb2312()}
    points |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))  # ASCII, Latin-1, Latin Extended-A (ü, ā ...)
    points |= set(range(0x2000, 0x2070)) | set(range(0x2190, 0x2200))  # punctuation, arrows
    points |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))  # CJK symbols, full-width forms
    points |= {0x00B7, 0x2013, 0x2014, 0x2212, 0x00D7, 0x2264, 0x2265}
    return points


def ofl_text() -> str:
    text = gzip.decompress(COPYRIGHT.read_bytes()).decode() if COPYRIGHT.suffix == ".gz" else COPYRIGHT.read_text()
    start = text.index("SIL OPEN FONT LICENSE Version 1.1")
    end = text.index("\nLicense:", start) if "\nLicense:" in text[start:] else len(text)
    body = text[start:end]
    return "\n".join(line[1:] if line.startswith(" ") else line for line in body.splitlines()).replace("\n.\n", "\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--index", type=int, default=2, help="font number in a .ttc collection (2 = SC)")
    args = parser.parse_args()
    font = TTCollection(args.source).fonts[args.index] if args.source.suffix == ".ttc" else TTFont(args.source)
    copyright_notice = font["name"].getDebugName(0)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = re.sub(r"\s+", "", FAMILY)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "geocouple-cjk-sans.otf"
    font.save(path)
    (OUT / "OFL.txt").write_text(
        f"{FAMILY} is a subset of Noto Sans CJK SC Regular, renamed.\n"
        f"Original font: {copyright_notice}\n"
        f"Source: googlefonts/noto-cjk, via Debian's fonts-noto-cjk package. Built by scripts/build_cjk_font.py.\n\n"
        + ofl_text(),
        encoding="utf-8",
    )
    print(f"wrote {path} ({path.stat().st_size // 1024} KB, {len(codepoints())} code points requested)")


if __name__ == "__main__":
    main()
