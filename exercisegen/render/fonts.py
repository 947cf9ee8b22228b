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
