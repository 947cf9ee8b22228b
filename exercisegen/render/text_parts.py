"""Text-like givens and answers: a code snippet in monospace, a table of text, and a list of options
with checkboxes (form fields on a fillable worksheet, ticks for the key on a solution)."""

from __future__ import annotations

from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from exercisegen.render.fonts import safe
from exercisegen.render.grids import CAPTION_LEADING, CAPTION_SIZE, CellGrid, text_cell
from exercisegen.render.styles import BLACK, BOLD, FILL_LIGHT, FONT, INK_FAINT

CODE_FONT = "Courier"  # one of PDF's standard fonts: the snippets are ASCII
CODE_SIZE = 8.5
CODE_LEADING = 10.5
CODE_PAD = 2.5 * mm
BOX = 4.2 * mm  # an option's checkbox
OPTION_SIZE = 9.5
OPTION_LEADING = 12.0


class CodeBlock(Flowable):
    """Lines of code on a light background, as wide as the longest line (shrunk to fit the frame)."""

    def __init__(self, code: str, caption: str = "", max_width: float = 170 * mm):
        super().__init__()
        self.lines = code.split("\n")
        self.caption = caption
        widest = max(stringWidth(line, CODE_FONT, CODE_SIZE) for line in self.lines)
        self.size = CODE_SIZE * min(1.0, (max_width - 2 * CODE_PAD) / widest) if widest else CODE_SIZE
        self.leading = CODE_LEADING * self.size / CODE_SIZE
        self.caption_height = CAPTION_LEADING + 2 if caption else 0.0
        self.width = widest * self.size / CODE_SIZE + 2 * CODE_PAD
        self.height = self.caption_height + len(self.lines) * self.leading + 2 * CODE_PAD

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if self.caption:
            canv.setFont(BOLD, CAPTION_SIZE)
            canv.setFillColor(BLACK)
            canv.drawString(0, self.height - CAPTION_SIZE, safe(self.caption))
        box_height = self.height - self.caption_height
        canv.setFillColor(FILL_LIGHT)
        canv.setStrokeColor(INK_FAINT)
        canv.setLineWidth(0.5)
        canv.rect(0, 0, self.width, box_height, stroke=1, fill=1)
        canv.setFillColor(BLACK)
        canv.setFont(CODE_FONT, self.size)
        y = box_height - CODE_PAD - self.size
        for line in self.lines:
            canv.drawString(CODE_PAD, y, line)
            y -= self.leading


def text_table(rows: Sequence[Sequence[str]], caption: str) -> CellGrid:
    """A table of text: the first row is the header (bold), one column as wide as its longest text."""
    texts = [[safe(t) for t in row] for row in rows]
    widths = [
        max(stringWidth(row[c], BOLD if r == 0 else FONT, 8.5) for r, row in enumerate(texts)) + 3 * mm
        for c in range(len(texts[0]))
    ]
    cells = [[text_cell(t, bold=(r == 0)) for t in row] for r, row in enumerate(texts)]
    return CellGrid(cells, cell_width=widths, cell_height=6 * mm, caption=safe(caption), max_font=8.5)


class ChoiceList(Flowable):
    """Options, one per line: a checkbox, the letter and the text (wrapped). On a fillable worksheet each
    box is a form checkbox named `<problem_id>:0:0:<index>`; with `ticked` (a solution) the boxes of
    the key's options are crossed."""

    def __init__(
        self,
        problem_id: str,
        options: Sequence[tuple[str, str]],
        width: float,
        *,
        ticked: Sequence[bool] | None = None,
        title: str = "",
    ):
        super().__init__()
        self.problem_id = problem_id
        self.options = list(options)
        self.ticked = ticked
        self.title = title
        self.width = width
        text_width = width - BOX - 9 * mm
        self.lines = [simpleSplit(safe(text), FONT, OPTION_SIZE, text_width) or [""] for _, text in self.options]
        self.row_heights = [max(BOX + 2.5, len(lines) * OPTION_LEADING + 3) for lines in self.lines]
        self.title_height = CAPTION_LEADING + 3 if title else 0.0
        self.height = self.title_height + sum(self.row_heights)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        doc = getattr(canv, "_doctemplate", None)
        fillable = bool(getattr(doc, "fillable", False)) and self.ticked is None
        prefix = getattr(doc, "field_prefix", "")
        y = self.height
        canv.setFillColor(BLACK)
        if self.title:
            canv.setFont(BOLD, CAPTION_SIZE)
            canv.drawString(0, y - CAPTION_SIZE, safe(self.title))
            y -= self.title_height
        for index, ((letter, _), lines, height) in enumerate(zip(self.options, self.lines, self.row_heights)):
            box_y = y - BOX - 1
            canv.setStrokeColor(BLACK)
            canv.setLineWidth(0.9)
            canv.rect(0, box_y, BOX, BOX, stroke=1, fill=0)
            if self.ticked is not None and self.ticked[index]:
                _cross(canv, 0, box_y, BOX)
            elif fillable:
                canv.acroForm.checkbox(
                    name=f"{prefix}{self.problem_id}:0:0:{index}",
                    x=0.8,
                    y=box_y + 0.8,
                    size=BOX - 1.6,
                    buttonStyle="cross",
                    borderWidth=0,
                    borderColor=None,
                    fillColor=None,
                    textColor=BLACK,
                    fieldFlags="",
                    tooltip=f"{self.problem_id}: option {letter}",
                    relative=True,
                )
            canv.setFont(BOLD, OPTION_SIZE)
            canv.drawString(BOX + 2 * mm, y - OPTION_SIZE - 0.5, letter)
            canv.setFont(FONT, OPTION_SIZE)
            line_y = y - OPTION_SIZE - 0.5
            for line in lines:
                canv.drawString(BOX + 7 * mm, line_y, line)
                line_y -= OPTION_LEADING
            y -= height


def _cross(canv: Any, x: float, y: float, size: float) -> None:
    """An X filling a box (the key's tick: legible in black and white)."""
    inset = 0.9
    canv.setLineWidth(1.3)
    canv.line(x + inset, y + inset, x + size - inset, y + size - inset)
    canv.line(x + inset, y + size - inset, x + size - inset, y + inset)
