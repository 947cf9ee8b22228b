"""Grid flowables: number grids with marked cells, answer boxes (fillable form fields), rows of grids.

All of them draw straight onto the canvas (no Tables): a class packet holds thousands of grids, and
a plain flowable with a fixed size lays out and draws far faster than a Table of Paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from exercisegen.render.styles import (
    BLACK,
    BOLD,
    FIELD_FONT,
    FIELD_FONT_SIZE,
    FIELD_INSET,
    FILL_LIGHT,
    FILL_REMOVED,
    FONT,
    HATCH,
    INK_FAINT,
    WHITE,
)

CAPTION_SIZE = 8.0
CAPTION_LEADING = 9.5
LABEL_SIZE = 7.0
LEADING = 1.15  # line height as a multiple of the font size inside cells
MIN_CAPTION_WIDTH = 42 * mm


@dataclass(frozen=True)
class GridCell:
    """One cell of a drawn grid: its text as parts joined by `joiner`, and how the cell is marked."""

    parts: tuple[str, ...] = ()
    joiner: str = " + "
    bold: bool = False
    boxed: bool = False  # thick frame: the cells a step touches
    faint: bool = False  # grey text: inserted zeros, zero matrix entries
    fill: str = ""  # "" | "light" (border / padding) | "removed" (cut by the crop)
    hatched: bool = False  # diagonal hatching: removed, legible without colour
    dashed: bool = False  # dashed inner frame: kept only because of output_padding


EMPTY = GridCell()


def text_cell(text: str, **marks: Any) -> GridCell:
    """A cell holding one piece of text."""
    return GridCell(parts=(text,) if text else (), **marks)


@lru_cache(maxsize=1 << 16)
def fit_text(
    parts: tuple[str, ...],
    joiner: str,
    font: str,
    width: float,
    height: float,
    max_size: float,
    floor: float = 0.0,
) -> tuple[float, tuple[str, ...], tuple[float, ...]]:
    """The largest font size (<= max_size) and line breaks (between parts) that fit the text in a box,
    with each line's width at size 1. A sum is broken only at its `+` signs, which end the broken lines,
    and earlier lines never hold fewer terms than later ones ("1+2+" / "3+4", never "1+" / "2+3").
    Another line is taken only when it buys a clearly larger font, or any larger one while the font is
    under `floor`."""
    if not parts:
        return max_size, (), ()
    best: tuple[float, tuple[str, ...], tuple[float, ...]] = (0.0, (), ())
    glue = joiner.rstrip()
    for n in range(1, len(parts) + 1):
        lines = _break(parts, joiner, glue, n)
        widths = tuple(stringWidth(line, font, 1.0) for line in lines)
        widest = max(widths)
        tallest = height / (len(lines) * LEADING)  # the size the height allows
        size = min(max_size, width / widest if widest else max_size, tallest)
        if size > best[0] * 1.12 or (best[0] < floor and size > best[0]):
            best = (size, lines, widths)
        if tallest <= size:
            break  # the height limits the size: more lines only get smaller
    return best


def _break(parts: tuple[str, ...], joiner: str, glue: str, n: int) -> tuple[str, ...]:
    """`parts` in `n` lines of as equal a count of parts as can be, the extra parts on the first lines;
    `glue` (the joiner's sign) ends every line but the last."""
    per_line, extra = divmod(len(parts), n)
    lines, start = [], 0
    for i in range(n):
        stop = start + per_line + (1 if i < extra else 0)
        lines.append(joiner.join(parts[start:stop]))
        start = stop
    return tuple(line + glue if i < n - 1 else line for i, line in enumerate(lines))


def _caption_lines(caption: str, width: float) -> list[str]:
    return simpleSplit(caption, BOLD, CAPTION_SIZE, width) if caption else []


def _hatch(canv: Any, x: float, y: float, w: float, h: float, step: float = 3.2) -> None:
    """45° hatching clipped to the rectangle, drawn as plain line segments."""
    path = canv.beginPath()
    c = -w + step / 2
    while c < h:
        x0 = max(0.0, -c)
        x1 = min(w, h - c)
        if x1 > x0:
            path.moveTo(x + x0, y + x0 + c)
            path.lineTo(x + x1, y + x1 + c)
        c += step
    canv.drawPath(path, stroke=1, fill=0)


def _runs(cells: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Row-major (row, col) cells as runs (row, first col, last col + 1) of neighbours in a row."""
    runs: list[tuple[int, int, int]] = []
    for r, c in cells:
        if runs and runs[-1][0] == r and runs[-1][2] == c:
            runs[-1] = (r, runs[-1][1], c + 1)
        else:
            runs.append((r, c, c + 1))
    return runs


class CellGrid(Flowable):
    """A captioned grid of text cells with optional row/column labels and per-cell marks.

    Columns and rows may differ in size (`cell_width` / `cell_height` a number or one per column/row).
    """

    def __init__(
        self,
        cells: Sequence[Sequence[GridCell]],
        *,
        cell_width: float | Sequence[float],
        cell_height: float | Sequence[float],
        caption: str = "",
        max_font: float = 9.5,
        row_labels: Sequence[str] = (),
        col_labels: Sequence[str] = (),
        caption_width: float = MIN_CAPTION_WIDTH,
        min_font: float = 0.0,
    ):
        super().__init__()
        self.min_font = min_font  # prefer more lines over a font below this (see fit_text)
        self.cells = [list(row) for row in cells]
        self.rows = len(self.cells)
        self.cols = len(self.cells[0]) if self.cells else 0
        widths = [cell_width] * self.cols if isinstance(cell_width, (int, float)) else list(cell_width)
        heights = [cell_height] * self.rows if isinstance(cell_height, (int, float)) else list(cell_height)
        self.col_widths, self.row_heights = widths, heights
        self.col_x = [sum(widths[:c]) for c in range(self.cols + 1)]  # left edges, then the right end
        self.row_y = [sum(heights[:r]) for r in range(self.rows + 1)]  # top edges (down from the grid top)
        self.max_font = max_font
        self.row_labels = list(row_labels)
        self.col_labels = list(col_labels)
        self.label_width = (
            max(stringWidth(label, FONT, LABEL_SIZE) for label in self.row_labels) + 3 if any(self.row_labels) else 0.0
        )
        self.col_label_height = LABEL_SIZE + 2 if any(self.col_labels) else 0.0
        grid_width = self.label_width + self.col_x[-1]
        self.caption = _caption_lines(caption, max(grid_width, caption_width))
        caption_w = max((stringWidth(line, BOLD, CAPTION_SIZE) for line in self.caption), default=0.0)
        self.width = max(grid_width, caption_w)
        self.caption_height = len(self.caption) * CAPTION_LEADING + (2 if self.caption else 0)
        self.height = self.caption_height + self.col_label_height + self.row_y[-1]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def _marked(self, attribute: str) -> list[tuple[int, int]]:
        return [(r, c) for r, row in enumerate(self.cells) for c, cell in enumerate(row) if getattr(cell, attribute)]

    def draw(self) -> None:
        canv = self.canv
        x0 = self.label_width
        top = self.row_y[-1]  # y of the grid's top edge
        col_x, col_w, row_y, row_h = self.col_x, self.col_widths, self.row_y, self.row_heights

        def box(r: int, c: int) -> tuple[float, float, float, float]:
            return x0 + col_x[c], top - row_y[r + 1], col_w[c], row_h[r]

        # Fills and hatching first, so text and lines sit on top.
        for r, c in self._marked("fill"):
            canv.setFillColor(FILL_REMOVED if self.cells[r][c].fill == "removed" else FILL_LIGHT)
            canv.rect(*box(r, c), stroke=0, fill=1)
        hatched = self._marked("hatched")
        if hatched:
            canv.setStrokeColor(HATCH)
            canv.setLineWidth(0.4)
            for r, c0, c1 in _runs(hatched):  # one hatched rectangle per run of cells in a row
                x, y, _, h = box(r, c0)
                _hatch(canv, x, y, col_x[c1] - col_x[c0], h)
        # Text, centred; long sums broken between terms and shrunk to fit (one text object per grid).
        pad_y = 1.2
        placed = []
        for r, row in enumerate(self.cells):
            for c, cell in enumerate(row):
                if not cell.parts:
                    continue
                pad_x = 2.6 if cell.boxed else 1.6  # keep clear of the thick frame
                x, y, cw, ch = box(r, c)
                font = BOLD if cell.bold else FONT
                size, lines, widths = fit_text(
                    cell.parts, cell.joiner, font, cw - 2 * pad_x, ch - 2 * pad_y, self.max_font, self.min_font
                )
                lead = size * LEADING
                baseline = y + ch / 2 + lead * len(lines) / 2 - lead + (lead - size) / 2 + size * 0.22
                placed.append((cell, font, size, x, cw, baseline, lines, widths))
        if hatched:
            # a white box behind every number on the hatching keeps its minus sign legible
            canv.setFillColor(WHITE)
            for cell, _, size, x, cw, baseline, _lines, widths in placed:
                if cell.hatched:
                    for i, width in enumerate(widths):
                        y = baseline - i * size * LEADING - size * 0.25
                        canv.rect(x + (cw - width * size) / 2 - 1, y, width * size + 2, size * 1.05, stroke=0, fill=1)
        text = canv.beginText()
        font_state: tuple[str, float] = ("", 0.0)
        faint_state: bool | None = None
        for cell, font, size, x, cw, baseline, lines, widths in placed:
            if font_state != (font, size):
                text.setFont(font, size)
                font_state = (font, size)
            if faint_state != cell.faint:
                text.setFillColor(INK_FAINT if cell.faint else BLACK)
                faint_state = cell.faint
            for line, width in zip(lines, widths):
                text.setTextOrigin(x + (cw - width * size) / 2, baseline)
                text.textLine(line)  # (textOut would measure the string again)
                baseline -= size * LEADING
        canv.drawText(text)
        # Grid lines.
        canv.setStrokeColor(BLACK)
        canv.setLineWidth(0.5)
        path = canv.beginPath()
        for r in range(self.rows + 1):
            path.moveTo(x0, top - row_y[r])
            path.lineTo(x0 + col_x[-1], top - row_y[r])
        for c in range(self.cols + 1):
            path.moveTo(x0 + col_x[c], 0)
            path.lineTo(x0 + col_x[c], top)
        canv.drawPath(path, stroke=1, fill=0)
        # Marked frames: thick for touched cells, dashed for output_padding cells.
        boxed = self._marked("boxed")
        if boxed:
            canv.setLineWidth(1.6)
            for r, c in boxed:
                x, y, cw, ch = box(r, c)
                canv.rect(x + 0.8, y + 0.8, cw - 1.6, ch - 1.6, stroke=1, fill=0)
        dashed = self._marked("dashed")
        if dashed:
            canv.setLineWidth(0.9)
            canv.setDash(2, 1.5)
            for r, c in dashed:
                x, y, cw, ch = box(r, c)
                canv.rect(x + 1.5, y + 1.5, cw - 3, ch - 3, stroke=1, fill=0)
            canv.setDash()
        # Labels and caption.
        canv.setFillColor(BLACK)
        if self.label_width:
            canv.setFont(FONT, LABEL_SIZE)
            for r, label in enumerate(self.row_labels):
                if label:
                    canv.drawRightString(x0 - 2, top - row_y[r] - row_h[r] / 2 - LABEL_SIZE * 0.35, label)
        if self.col_label_height:
            canv.setFont(FONT, LABEL_SIZE)
            for c, label in enumerate(self.col_labels):
                if label:
                    canv.drawCentredString(x0 + col_x[c] + col_w[c] / 2, top + 2, label)
        if self.caption:
            canv.setFont(BOLD, CAPTION_SIZE)
            y = self.height - CAPTION_SIZE
            for line in self.caption:
                canv.drawString(0, y, line)
                y -= CAPTION_LEADING


@dataclass(frozen=True)
class _Band:
    """A rectangle of an answer block drawn as one sub-grid (a wide or tall block is cut into bands)."""

    rows: tuple[int, int]  # [start, stop)
    cols: tuple[int, int]


class AnswerGrid(Flowable):
    """The answer boxes of one block; on a fillable worksheet every box is also a form text field.

    Field names are `<prefix><problem_id>:<block>:<row>:<col>` (0-based). A block too wide for the
    frame is cut into column bands, one too tall into row bands; the grid only ever breaks between
    bands, never through a box.
    """

    def __init__(
        self,
        problem_id: str,
        block: int,
        rows: int,
        cols: int,
        *,
        box_width: float,
        box_height: float,
        max_width: float,
        max_height: float,
        title: str = "",
        labels: Sequence[str] = (),
        values: Sequence[Sequence[str]] | None = None,
        bands: Sequence[_Band] | None = None,
        row_labels: Sequence[str] = (),
    ):
        super().__init__()
        self.problem_id = problem_id
        self.block = block
        self.n_rows, self.n_cols = rows, cols
        self.labels = list(labels)
        self.row_labels = list(row_labels)
        self.row_label_width = (
            max(stringWidth(label, FONT, LABEL_SIZE) for label in self.row_labels) + 3 if self.row_labels else 0.0
        )
        self.values = values
        self.title = title
        self.max_width, self.max_height = max_width, max_height
        label_width = max((stringWidth(label, FONT, LABEL_SIZE) for label in self.labels), default=0.0)
        self.box_width = max(box_width, label_width + 4)
        self.box_height = box_height
        self.label_height = LABEL_SIZE + 3 if self.labels else 0.0
        if bands is None:
            bands = self._cut()
        self.bands = list(bands)
        self._layout()

    def _cut(self) -> list[_Band]:
        """Bands of at most as many columns as fit the width and rows as fit a page."""
        per_row = max(1, int((self.max_width - self.row_label_width) // self.box_width))
        title_room = 2 * CAPTION_LEADING + self.label_height + 4
        per_col = max(1, int((self.max_height - title_room) // self.box_height))
        bands = []
        for r0 in range(0, self.n_rows, per_col):
            for c0 in range(0, self.n_cols, per_row):
                bands.append(_Band((r0, min(self.n_rows, r0 + per_col)), (c0, min(self.n_cols, c0 + per_row))))
        return bands

    def _band_caption(self, band: _Band, first: bool) -> str:
        whole = band.rows == (0, self.n_rows) and band.cols == (0, self.n_cols)
        if whole:
            return self.title
        part = []
        if band.rows != (0, self.n_rows):
            part.append(f"rows {band.rows[0] + 1}\u2013{band.rows[1]}")
        if band.cols != (0, self.n_cols):
            part.append(f"columns {band.cols[0] + 1}\u2013{band.cols[1]}")
        prefix = f"{self.title}: " if self.title else ""
        return prefix + ", ".join(part) + f" (of {self.n_rows}\u00d7{self.n_cols})"

    def _layout(self) -> None:
        self.band_heights = []
        width = 0.0
        for i, band in enumerate(self.bands):
            caption = self._band_caption(band, i == 0)
            h = (CAPTION_LEADING + 2 if caption else 0) + self.label_height
            h += (band.rows[1] - band.rows[0]) * self.box_height
            self.band_heights.append(h + (4 if i < len(self.bands) - 1 else 0))
            cols = band.cols[1] - band.cols[0]
            width = max(width, self.row_label_width + cols * self.box_width, stringWidth(caption, BOLD, CAPTION_SIZE))
        self.width = width
        self.height = sum(self.band_heights)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if len(self.bands) < 2:
            return []
        used, n = 0.0, 0
        for h in self.band_heights:
            if used + h > availHeight:
                break
            used, n = used + h, n + 1
        if n == 0 or n == len(self.bands):
            return []
        return [self._with_bands(self.bands[:n]), self._with_bands(self.bands[n:])]

    def _with_bands(self, bands: Sequence[_Band]) -> "AnswerGrid":
        return AnswerGrid(
            self.problem_id,
            self.block,
            self.n_rows,
            self.n_cols,
            box_width=self.box_width,
            box_height=self.box_height,
            max_width=self.max_width,
            max_height=self.max_height,
            title=self.title,
            labels=self.labels,
            values=self.values,
            bands=bands,
            row_labels=self.row_labels,
        )

    def draw(self) -> None:
        canv = self.canv
        doc = getattr(canv, "_doctemplate", None)
        fillable = bool(getattr(doc, "fillable", False))
        prefix = getattr(doc, "field_prefix", "")
        bw, bh = self.box_width, self.box_height
        y_top = self.height
        for i, band in enumerate(self.bands):
            caption = self._band_caption(band, i == 0)
            y = y_top
            canv.setFillColor(BLACK)
            if caption:
                canv.setFont(BOLD, CAPTION_SIZE)
                canv.drawString(0, y - CAPTION_SIZE, caption)
                y -= CAPTION_LEADING + 2
            (r0, r1), (c0, c1) = band.rows, band.cols
            x0 = self.row_label_width
            if self.labels:
                canv.setFont(FONT, LABEL_SIZE)
                for c in range(c0, c1):
                    canv.drawCentredString(x0 + (c - c0 + 0.5) * bw, y - LABEL_SIZE, self.labels[c])
                y -= self.label_height
            if self.row_labels:
                canv.setFont(FONT, LABEL_SIZE)
                for r in range(r0, r1):
                    canv.drawRightString(x0 - 2, y - (r - r0 + 0.5) * bh - LABEL_SIZE * 0.35, self.row_labels[r])
            # Boxes, slightly heavier than step grids so they read as "write here".
            canv.setStrokeColor(BLACK)
            canv.setLineWidth(0.9)
            path = canv.beginPath()
            for r in range(r1 - r0 + 1):
                path.moveTo(x0, y - r * bh)
                path.lineTo(x0 + (c1 - c0) * bw, y - r * bh)
            for c in range(c1 - c0 + 1):
                path.moveTo(x0 + c * bw, y)
                path.lineTo(x0 + c * bw, y - (r1 - r0) * bh)
            canv.drawPath(path, stroke=1, fill=0)
            for r in range(r0, r1):
                for c in range(c0, c1):
                    x = x0 + (c - c0) * bw
                    yy = y - (r - r0 + 1) * bh
                    if self.values is not None:
                        size, _, widths = fit_text((self.values[r][c],), "", BOLD, bw - 4, bh - 3, 11.0)
                        canv.setFont(BOLD, size)
                        canv.drawString(x + (bw - widths[0] * size) / 2, yy + bh / 2 - size * 0.35, self.values[r][c])
                    elif fillable:
                        canv.acroForm.textfield(
                            name=f"{prefix}{self.problem_id}:{self.block}:{r}:{c}",
                            x=x + FIELD_INSET,
                            y=yy + FIELD_INSET,
                            width=bw - 2 * FIELD_INSET,
                            height=bh - 2 * FIELD_INSET,
                            borderWidth=0,
                            borderColor=None,
                            fillColor=None,
                            textColor=BLACK,
                            fontName=FIELD_FONT,
                            fontSize=FIELD_FONT_SIZE,
                            maxlen=16,
                            tooltip=f"{self.problem_id}: row {r + 1}, column {c + 1}",
                            relative=True,
                        )
            y_top -= self.band_heights[i]


class FlowRow(Flowable):
    """Fixed-size flowables placed left to right, wrapping to new lines; breaks only between lines."""

    def __init__(self, items: Sequence[Flowable], *, gap_x: float = 5 * mm, gap_y: float = 4 * mm):
        super().__init__()
        self.items = list(items)
        self.gap_x, self.gap_y = gap_x, gap_y
        self._lines: list[tuple[list[tuple[Flowable, float, float]], float]] = []

    def _pack(self, avail_width: float) -> None:
        lines: list[tuple[list[tuple[Flowable, float, float]], float]] = []
        current: list[tuple[Flowable, float, float]] = []
        x = 0.0
        for item in self.items:
            w, h = item.wrap(avail_width, 1e6)
            if current and x + w > avail_width:
                lines.append((current, max(hh for _, _, hh in current)))
                current, x = [], 0.0
            current.append((item, x, h))
            x += w + self.gap_x
        if current:
            lines.append((current, max(hh for _, _, hh in current)))
        self._lines = lines
        self.width = avail_width
        self.height = sum(h for _, h in lines) + self.gap_y * max(0, len(lines) - 1)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._pack(availWidth)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._pack(availWidth)
        used, n = 0.0, 0
        for _, h in self._lines:
            step = h + (self.gap_y if n else 0)
            if used + step > availHeight:
                break
            used, n = used + step, n + 1
        if n == 0 or n == len(self._lines):
            return []
        first = [item for line, _ in self._lines[:n] for item, _, _ in line]
        rest = [item for line, _ in self._lines[n:] for item, _, _ in line]
        return [FlowRow(first, gap_x=self.gap_x, gap_y=self.gap_y), FlowRow(rest, gap_x=self.gap_x, gap_y=self.gap_y)]

    def draw(self) -> None:
        y = self.height
        for line, line_height in self._lines:
            for item, x, h in line:
                item.drawOn(self.canv, x, y - h)
            y -= line_height + self.gap_y


def flow_lines(items: Sequence[Flowable], width: float, *, gap_x: float, gap_y: float) -> list[Flowable]:
    """`items` packed left to right into lines of at most `width`: one FlowRow per line, a gap between
    lines. (Separate lines let a heading be kept together with the first line only.)"""
    lines: list[list[Flowable]] = []
    x = width + 1.0
    for item in items:
        w, _ = item.wrap(width, 1e6)
        if x + w > width:
            lines.append([])
            x = 0.0
        lines[-1].append(item)
        x += w + gap_x
    out: list[Flowable] = []
    for i, line in enumerate(lines):
        if i:
            out.append(Spacer(1, gap_y))
        out.append(FlowRow(line, gap_x=gap_x, gap_y=gap_y))
    return out


READABLE = 7.0  # a line of a LinesBlock that would need a smaller font is wrapped after a `+` instead


def wrap_sum_line(line: str, width: float, size: float) -> list[str]:
    """`line` as lines of at most `width` at `size`, broken only after a ` + ` (continuations indented)."""
    if stringWidth(line, FONT, size) <= width or " + " not in line:
        return [line]
    parts = line.split(" + ")
    out, current = [], parts[0]
    for part in parts[1:]:
        trial = f"{current} + {part}"
        if current.strip() and stringWidth(trial + " +", FONT, size) > width:
            out.append(current + " +")
            current = "      " + part
        else:
            current = trial
    return [*out, current]


class LinesBlock(Flowable):
    """Short lines of text (`out[0][1] = 2·1 + … = 5`) in as many columns as fit; breaks between lines.
    A line too long for READABLE type is wrapped after a `+`."""

    def __init__(self, lines: Sequence[str], *, font_size: float = 8.0, min_size: float = 6.0, columns: int = 0):
        super().__init__()
        self.lines = list(lines)
        self.font_size = font_size
        self.min_size = min_size
        self.columns = columns
        self.leading_factor = 1.3

    def _plan(self, avail_width: float) -> None:
        if any(stringWidth(line, FONT, max(self.min_size, READABLE)) > avail_width for line in self.lines):
            self.lines = [part for line in self.lines for part in wrap_sum_line(line, avail_width, self.font_size)]
        widest = max((stringWidth(line, FONT, 1.0) for line in self.lines), default=1.0)
        gap = 6 * mm
        columns = self.columns or 1
        if not self.columns and len(self.lines) >= 6:  # several columns only for longer lists
            for n in (3, 2):
                if widest * self.min_size <= (avail_width - gap * (n - 1)) / n:
                    columns = n
                    break
        col_width = (avail_width - gap * (columns - 1)) / columns
        size = max(2.0, min(self.font_size, col_width / widest))
        self.size = size
        self.n_cols = columns
        self.col_width = col_width + gap
        self.per_col = -(-len(self.lines) // columns)
        self.width = avail_width
        self.height = self.per_col * size * self.leading_factor

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._plan(availWidth)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._plan(availWidth)
        fit_rows = int(availHeight // (self.size * self.leading_factor))
        if fit_rows < 2 or fit_rows >= self.per_col:
            return []
        take = fit_rows * self.n_cols
        # both parts keep this block's font size: re-planned on their own, a part with narrower lines
        # would grow its font and no longer fit the height it was split for
        return [
            LinesBlock(self.lines[:take], font_size=self.size, min_size=self.min_size, columns=self.n_cols),
            LinesBlock(self.lines[take:], font_size=self.size, min_size=self.min_size, columns=self.n_cols),
        ]

    def draw(self) -> None:
        canv = self.canv
        canv.setFillColor(BLACK)
        canv.setFont(FONT, self.size)
        lead = self.size * self.leading_factor
        for i, line in enumerate(self.lines):
            col, row = divmod(i, self.per_col)
            canv.drawString(col * self.col_width, self.height - (row + 1) * lead + (lead - self.size) * 0.6, line)
