"""Page geometry, paragraph styles and shades shared by every PDF (built once, at import)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from exercisegen.render.fonts import register, safe

FONTS = register()
FONT = FONTS.regular
BOLD = FONTS.bold
FIELD_FONT = "Helvetica"  # AcroForm text fields use a standard font (digits and '-' are all they need)

PAGE_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 16 * mm  # all four sides; >= 15 mm so every printer keeps the whole page
HEADER_HEIGHT = 24 * mm  # title, course, name/ID lines and the QR code
FOOTER_HEIGHT = 8 * mm  # variant code and "page i of n"
QR_SIZE = 19 * mm

# Answer boxes: wide and tall enough to handwrite "−12" comfortably.
BOX_WIDTH = 12 * mm
BOX_MIN_WIDTH = 9 * mm
BOX_HEIGHT = 9 * mm
FIELD_INSET = 1.0  # pt: the form field sits inside the printed box so its lines still show
FIELD_FONT_SIZE = 11

# Grey levels (black-and-white printers render these as distinct, legible shades).
BLACK = Color(0, 0, 0)
WHITE = Color(1, 1, 1)  # boxes behind numbers on hatching
INK_FAINT = Color(0.45, 0.45, 0.45)  # inserted zeros, matrix zeros
FILL_LIGHT = Color(0.92, 0.92, 0.92)  # border/padding cells
FILL_REMOVED = Color(0.80, 0.80, 0.80)  # rows/columns removed by the crop (also hatched)
HATCH = Color(0.35, 0.35, 0.35)
RULE = Color(0.55, 0.55, 0.55)


@dataclass(frozen=True)
class Frame:
    """The usable area of a page for the story (inside margins, header and footer)."""

    page_width: float
    page_height: float
    width: float
    height: float


def frame_for(paper: str) -> Frame:
    """The story frame of a page of `paper` ("a4" or "letter")."""
    width, height = PAGE_SIZES[paper]
    return Frame(
        page_width=width,
        page_height=height,
        width=width - 2 * MARGIN,
        height=height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT,
    )


def para_text(text: str) -> str:
    """Plain text made safe for a Paragraph: XML-escaped, glyphs the font lacks replaced."""
    return escape(safe(text))


BODY = ParagraphStyle("eg-body", fontName=FONT, fontSize=10, leading=13, alignment=TA_LEFT)
SMALL = ParagraphStyle("eg-small", parent=BODY, fontSize=8.5, leading=10.5)
NOTE = ParagraphStyle("eg-note", parent=SMALL, textColor=INK_FAINT)
INSTRUCTIONS = ParagraphStyle("eg-instructions", parent=BODY, spaceBefore=2, spaceAfter=6)
PROBLEM_HEADING = ParagraphStyle(
    "eg-problem", parent=BODY, fontName=BOLD, fontSize=12, leading=15, spaceBefore=4, spaceAfter=3
)
VIEW_HEADING = ParagraphStyle(
    "eg-view", parent=BODY, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2
)
FORMULA = ParagraphStyle("eg-formula", parent=BODY, leftIndent=6 * mm, fontSize=10, leading=14)
