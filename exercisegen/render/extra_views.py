"""Drawings of the gradient and overlap views (`exercisegen.extra_steps` records): the chain rule for one
entry as lines of products, and the overlap map shaded by how many kernel stamps land on each cell."""

from __future__ import annotations

from typing import Sequence

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from exercisegen.extra_steps import ChainRuleView, OverlapView
from exercisegen.notation import DOT, fmt_factor, fmt_number
from exercisegen.render.fonts import safe
from exercisegen.render.grids import LinesBlock
from exercisegen.render.styles import BLACK, BOLD, FONT, FORMULA, SMALL, para_text

# ---------------------------------------------------------------- chain rule


def chain_flowables(view: ChainRuleView) -> list[Flowable]:
    """What the entry's gradient sums, one line per output cell that uses the entry, then the sum."""
    x_name = f"X[{view.row}][{view.col}]" if view.wrt == "input" else f"W[{view.row}][{view.col}]"
    if view.wrt == "input":
        intro = (
            f"L depends on {x_name} only through the outputs Y[i][j] whose window covers it, and "
            f"∂Y[i][j]/∂{x_name} is the weight W[a][b] that window puts on it. So "
            f"∂L/∂{x_name} = Σ dY[i][j]{DOT}W[a][b] over those windows:"
        )
        lines = [
            f"window ({t.out_row}, {t.out_col}) puts W[{t.local_row}][{t.local_col}] = {fmt_number(t.local)} on "
            f"{x_name}:  dY[{t.out_row}][{t.out_col}]{DOT}W[{t.local_row}][{t.local_col}] = "
            f"{fmt_factor(t.upstream)}{DOT}{fmt_factor(t.local)}"
            for t in view.terms
        ]
    else:
        intro = (
            f"Every output Y[i][j] uses {x_name}: window (i, j) multiplies it by the input cell it covers, "
            f"X_pad[i{DOT}s + a{DOT}d][j{DOT}s + b{DOT}d]. "
            f"So ∂L/∂{x_name} = Σ dY[i][j]{DOT}X_pad[...] over all windows:"
        )
        lines = [
            f"window ({t.out_row}, {t.out_col}) puts {x_name} on X[{t.local_row}][{t.local_col}] = "
            f"{fmt_number(t.local)}:  dY[{t.out_row}][{t.out_col}]{DOT}X[{t.local_row}][{t.local_col}] = "
            f"{fmt_factor(t.upstream)}{DOT}{fmt_factor(t.local)}"
            for t in view.terms
        ]
    total = " + ".join(f"{fmt_factor(t.upstream)}{DOT}{fmt_factor(t.local)}" for t in view.terms) or "0"
    items: list[Flowable] = [Paragraph(para_text(intro), SMALL), Spacer(1, 1.5 * mm)]
    if lines:
        items.append(LinesBlock([safe(line) for line in lines], font_size=8.0, min_size=6.5, columns=1))
    items.append(Paragraph(para_text(f"∂L/∂{x_name} = {total} = {fmt_number(view.value)}"), FORMULA))
    notes = []
    if view.padding_terms:
        notes.append(
            f"In {view.padding_terms} more window(s) {x_name} sits on the padding: those products are 0."
        )
    if view.uncovered:
        cells = ", ".join(f"X[{r}][{c}]" for r, c in view.uncovered[:8]) + (" ..." if len(view.uncovered) > 8 else "")
        notes.append(
            f"No window covers {cells} (the stride skips them, or they lie past the last window): their gradient is 0."
        )
    items += [Paragraph(para_text(note), SMALL) for note in notes]
    return items


# ---------------------------------------------------------------- overlap map

SHADE_LIGHTEST = 0.97
SHADE_DARKEST = 0.55  # still legible black text on it, in black and white


class ShadedGrid(Flowable):
    """A grid of counts, each cell shaded darker the larger its count (0 stays white)."""

    def __init__(self, counts: Sequence[Sequence[float]], caption: str, cell: float = 7 * mm):
        super().__init__()
        self.counts = [list(row) for row in counts]
        self.caption = caption
        self.cell = cell
        self.top = max((v for row in self.counts for v in row), default=0)
        grid_w = len(self.counts[0]) * cell
        self.width = max(grid_w, stringWidth(caption, BOLD, 8.0))
        self.height = len(self.counts) * cell + 12

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv, cell, rows = self.canv, self.cell, len(self.counts)
        for r, row in enumerate(self.counts):
            for c, v in enumerate(row):
                x, y = c * cell, (rows - 1 - r) * cell
                shade = 1.0 if v == 0 or self.top == 0 else (
                    SHADE_LIGHTEST - (SHADE_LIGHTEST - SHADE_DARKEST) * (v - 1) / max(self.top - 1, 1)
                )
                canv.setFillColor(Color(shade, shade, shade))
                canv.setStrokeColor(BLACK)
                canv.setLineWidth(0.5)
                canv.rect(x, y, cell, cell, stroke=1, fill=1)
                canv.setFillColor(BLACK)
                canv.setFont(BOLD if v == self.top else FONT, 9)
                canv.drawCentredString(x + cell / 2, y + cell / 2 - 3.2, safe(fmt_number(v)))
        canv.setFont(BOLD, 8.0)
        canv.drawString(0, rows * cell + 4, safe(self.caption))


def overlap_flowables(view: OverlapView) -> list[Flowable]:
    """The map shaded by count, the interior pattern over one period, and whether it is even."""
    sh, sw = view.period
    pattern = " | ".join(" ".join(str(v) for v in row) for row in view.interior)
    verdict = (
        "every interior cell gets the same number of stamps: the setting covers evenly"
        if view.even
        else "the counts alternate (a checkerboard): the setting does not cover evenly"
    )
    note = (
        f"Darker = more stamps. Away from the border the pattern repeats every {sh} row(s) and {sw} column(s): "
        f"{pattern} (one period, rows separated by |); {verdict}."
    )
    return [ShadedGrid(view.counts, "stamps per output cell"), Spacer(1, 1.5 * mm), Paragraph(para_text(note), SMALL)]


def extra_flowables(kind: str, view: ChainRuleView | OverlapView) -> list[Flowable]:
    """The drawing of a `chain` or `overlap` explanation."""
    if isinstance(view, ChainRuleView):
        return chain_flowables(view)
    return overlap_flowables(view)
