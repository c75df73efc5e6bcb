"""Fonts for map labels: Chinese renders as Chinese after a plain pip install, never as boxes.

geocouple ships "geocouple CJK Sans" (a GB 2312 subset of Noto Sans CJK SC, SIL OFL 1.1,
``geocouple/data/fonts``). Text it cannot show is tried against the system's CJK fonts;
if none has every glyph, the caller falls back to English labels.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

CJK_HINTS = (
    "cjk",
    "hei",
    "song",
    "kai",
    "ming",
    "wenquan",
    "wqy",
    "sourcehan",
    "source han",
    "pingfang",
    "yahei",
    "simsun",
    "fangsong",
    "droid sans fallback",
)


def bundled_font_path() -> Path:
    return Path(str(resources.files("geocouple") / "data" / "fonts" / "geocouple-cjk-sans.otf"))


@cache
def _font(path: str):
    from matplotlib.ft2font import FT2Font

    return FT2Font(path)


def covers(text: str, path) -> bool:
    """Whether the font at ``path`` has a glyph for every non-space character of ``text``."""
    font = _font(str(path))
    return all(font.get_char_index(ord(c)) != 0 for c in str(text) if not c.isspace())


@lru_cache(maxsize=1)
def system_cjk_fonts() -> tuple[str, ...]:
    from matplotlib import font_manager

    found = [p for p in font_manager.findSystemFonts() if any(h in Path(p).name.lower() for h in CJK_HINTS)]
    return tuple(sorted(found))


@cache
def register(path: str) -> str:
    """Add a font file to matplotlib and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def cjk_family(texts) -> str | None:
    """Family that shows every text: the bundled font, else a system CJK font, else None."""
    texts = [str(t) for t in texts if t is not None]
    for path in (str(bundled_font_path()), *system_cjk_fonts()):
        try:
            if all(covers(t, path) for t in texts):
                return register(path)
        except (OSError, RuntimeError):  # unreadable font file
            continue
    return None


def font_families(texts=()) -> list[str]:
    """rcParams font.family list: DejaVu Sans for Latin, then a CJK family with fallback."""
    fam = cjk_family(texts) or register(str(bundled_font_path()))
    return ["DejaVu Sans", fam]
