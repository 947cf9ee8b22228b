"""Fonts for the PDFs: a TTF with the course's glyphs (− · × ᵀ ⌊ ⌋ → °), and ASCII stand-ins when missing.

DejaVu Sans (Debian's fonts-dejavu-core, also shipped inside matplotlib) has every glyph; reportlab's
bundled Bitstream Vera lacks ᵀ ⌊ ⌋ →; the last resort, Helvetica, lacks − and those four too. `safe`
replaces whatever the chosen font cannot draw, so no page ever shows an empty box for a glyph.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

GLYPHS = "\u2212\u00b7\u00d7\u1d40\u230a\u230b\u2192\u00b0\u2264"  # − · × ᵀ ⌊ ⌋ → ° ≤

# What to write when the font has no glyph for a character (longest-lived first).
ASCII_STAND_INS = {
    "\u2212": "-",
    "\u00b7": "*",
    "\u00d7": "x",
    "\u1d40": "^T",
    "\u230a": "floor(",
    "\u230b": ")",
    "\u2192": "->",
    "\u00b0": " deg",
    "\u2264": "<=",
}

_DEJAVU_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts/dejavu",
    "/Library/Fonts",
)


@dataclass(frozen=True)
class Fonts:
    """The registered font names and the characters they cannot draw."""

    regular: str
    bold: str
    source: str  # "DejaVu Sans", "Bitstream Vera (reportlab)" or "Helvetica"
    missing: frozenset[str]


def _dejavu_paths() -> tuple[str, str] | None:
    """DejaVuSans.ttf and DejaVuSans-Bold.ttf from the system, or from an installed matplotlib."""
    dirs = list(_DEJAVU_DIRS)
    try:
        import matplotlib

        dirs.append(os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf"))
    except ImportError:
        pass
    for folder in dirs:
        regular = os.path.join(folder, "DejaVuSans.ttf")
        bold = os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            return regular, bold
    return None


@lru_cache(maxsize=None)
def register() -> Fonts:
    """Register the best available font pair with reportlab (once per process) and return it."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates: list[tuple[str, str, str, str, str]] = []
    dejavu = _dejavu_paths()
    if dejavu:
        candidates.append(("DejaVu Sans", "EgSans", "EgSans-Bold", *dejavu))
    vera_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    candidates.append(
        (
            "Bitstream Vera (reportlab)",
            "EgVera",
            "EgVera-Bold",
            os.path.join(vera_dir, "Vera.ttf"),
            os.path.join(vera_dir, "VeraBd.ttf"),
        )
    )
    for source, name, bold_name, path, bold_path in candidates:
        try:
            # asciiReadable=False: every glyph goes into one subset in order of first use, so a string
            # like "2·(−1)" is one text operation instead of a switch of subset per symbol.
            regular_font = TTFont(name, path, asciiReadable=False)
            bold_font = TTFont(bold_name, bold_path, asciiReadable=False)
        except Exception:  # unreadable or missing file: try the next candidate
            continue
        pdfmetrics.registerFont(regular_font)
        pdfmetrics.registerFont(bold_font)
        # No oblique face is shipped everywhere: <i> falls back to the upright one.
        pdfmetrics.registerFontFamily(name, normal=name, bold=bold_name, italic=name, boldItalic=bold_name)
        cmap = regular_font.face.charToGlyph
        bold_cmap = bold_font.face.charToGlyph
        missing = frozenset(c for c in GLYPHS if ord(c) not in cmap or ord(c) not in bold_cmap)
        return Fonts(name, bold_name, source, missing)
    # Standard Type 1 fonts (WinAnsi encoding) have · × ° but none of the others.
    return Fonts("Helvetica", "Helvetica-Bold", "Helvetica", frozenset(GLYPHS) - {"\u00b7", "\u00d7", "\u00b0"})


def safe(text: str) -> str:
    """`text` with every character the registered font cannot draw replaced by its ASCII stand-in."""
    missing = register().missing
    if not missing:
        return text
    for char in missing:
        if char in text:
            text = text.replace(char, ASCII_STAND_INS[char])
    return text


# --- names and ids: any script --------------------------------------------------------------
# Student names and ids come from the roster, in any script. The main font draws Latin, Greek and
# Cyrillic; for other scripts a font with the glyphs is looked for among these (and the file named by
# $EXERCISEGEN_FALLBACK_FONT); characters no font has are drawn as `?` (never as an empty box), and
# `generate` warns about those students before it writes anything.
FALLBACK_FONT_PATHS = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/unifont/unifont.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)
FALLBACK_FONT_ENV = "EXERCISEGEN_FALLBACK_FONT"
UNDRAWABLE = "?"


@lru_cache(maxsize=None)
def _coverage(font_name: str) -> frozenset[int] | None:
    """The code points a registered TrueType font draws; None for a standard Type 1 font."""
    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    return frozenset(face.charToGlyph) if face is not None else None


def _draws(font_name: str, text: str) -> bool:
    cover = _coverage(font_name)
    if cover is None:  # Helvetica & co.: what WinAnsi (cp1252) encodes
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True
    return all(ord(ch) in cover or ch in " \t" for ch in text)


@lru_cache(maxsize=None)
def _fallbacks() -> tuple[str, ...]:
    """Registered fallback fonts (installed ones only), in order of preference."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = [os.environ.get(FALLBACK_FONT_ENV, ""), *FALLBACK_FONT_PATHS]
    names = []
    for i, path in enumerate(p for p in paths if p and os.path.exists(p)):
        name = f"EgFallback{i}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, asciiReadable=False))
        except Exception:  # not a TrueType font reportlab can embed (CFF outlines, damaged): skip it
            continue
        names.append(name)
    return tuple(names)


def font_for(text: str, bold: bool = False) -> tuple[str, str]:
    """(font name, text) to draw a roster name or id: the main font when it has every glyph, else the
    first installed fallback that has them all, else the main font with the missing characters as `?`."""
    fonts = register()
    main = fonts.bold if bold else fonts.regular
    text = safe(text)
    if _draws(main, text):
        return main, text
    for name in _fallbacks():
        if _draws(name, text):
            return name, text
    return main, "".join(ch if _draws(main, ch) else UNDRAWABLE for ch in text)


def undrawable(text: str) -> str:
    """The characters of `text` that `font_for` draws as `?` (empty when every one can be drawn)."""
    drawn = safe(text)
    missing = [a for bold in (False, True) for a, b in zip(drawn, font_for(text, bold)[1]) if a != b]
    return "".join(dict.fromkeys(missing))
