"""The slides' step tables: scatter steps, the crop (the symbolic table and the numbers), the compact
one-table forms of the scatter and window views, and each output channel as the sum of its parts.

Every sum is printed at MIN_FONT or larger: columns are as wide as their longest sum allows, sums are
broken only at their `+` signs, a row is a whole number of lines tall and has the same height in every
table of a view, and a table that cannot be printed that large is left out with a note saying so.
Each function returns (lead, rest): the lead is kept on one page with the view's heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from exercisegen.explanations import ChannelSum
from exercisegen.notation import DOT, fmt_factor, fmt_number
from exercisegen.render.fonts import safe
from exercisegen.render.grids import (
    CAPTION_LEADING,
    LABEL_SIZE,
    LEADING,
    CellGrid,
    FlowRow,
    GridCell,
    fit_text,
    flow_lines,
    text_cell,
)
from exercisegen.render.problem_parts import grid_cell_width, matrix_grid
from exercisegen.render.styles import BOLD, FONT, NOTE, Frame, para_text
from exercisegen.steps import CropStep, Grid, ScatterView, WindowView

STEP_FONT = 7.5  # font inside step-table cells
MIN_FONT = 7.0  # no text in a solution is smaller (tests/test_render.py measures it)
STEP_MIN_CELL = 7 * mm
STEP_ROW = 6.5 * mm  # height of a one-line row
STEP_PAD = 5.6  # horizontal room around a cell's text (clear of the thick frame)
TEXT_PAD = 5.2  # what a framed cell leaves for its text (CellGrid: 2.6 on each side)
STEP_GAP = 5 * mm
CROP_LABELS = ("cut", "+op")

Parts = tuple[tuple[str, ...], str]  # a sum's terms and the joiner between them


@dataclass(frozen=True)
class TableSize:
    """Column widths and row heights shared by a view's tables, and how many fit side by side."""

    widths: tuple[float, ...]
    heights: tuple[float, ...]
    per_row: int


def term_parts(terms: Sequence[Any], short: bool) -> Parts:
    """A cell's products as separate parts (for line breaking) and the joiner between them."""
    if short:
        return tuple(safe(fmt_factor(t.x)) for t in terms), "+"
    return tuple(safe(f"{fmt_factor(t.x)}{DOT}{fmt_factor(t.w)}") for t in terms), " + "


def _capped(natural: Sequence[float], minimum: Sequence[float], room: float) -> list[float]:
    """Column widths that fit `room`: the widest columns capped at one common width, none under its minimum."""
    if sum(natural) <= room:
        return list(natural)
    low, high = 0.0, max(natural)
    for _ in range(30):
        cap = (low + high) / 2
        if sum(max(m, min(n, cap)) for n, m in zip(natural, minimum)) > room:
            high = cap
        else:
            low = cap
    return [max(m, min(n, low)) for n, m in zip(natural, minimum)]


def _row_height(row: Sequence[Parts | None], widths: Sequence[float]) -> float | None:
    """The smallest height (whole lines) at which every sum of a row fits its column at MIN_FONT or larger."""
    most = max([1] + [len(t[0]) for t in row if t])
    for lines in range(1, most + 1):
        height = max(STEP_ROW, lines * STEP_FONT * LEADING + 4.5)
        if all(
            fit_text(t[0], t[1], BOLD, widths[c] - TEXT_PAD, height - 2.4, STEP_FONT, MIN_FONT)[0] >= MIN_FONT
            for c, t in enumerate(row)
            if t
        ):
            return height
    return None


def table_size(texts: Sequence[Sequence[Parts | None]], room: float, count: int = 1) -> TableSize | None:
    """Sizes for `count` tables of these sums (the fullest one given): as many side by side as keeps the
    sequence short while every sum stays at MIN_FONT or larger; None when not even one table fits `room`."""
    cols = len(texts[0])

    columns = [[t for t in (row[c] for row in texts) if t] for c in range(cols)]
    natural = [
        max([STEP_MIN_CELL] + [stringWidth(t[1].join(t[0]), BOLD, STEP_FONT) + STEP_PAD for t in col])
        for col in columns
    ]
    # a column is never narrower than its widest term (with the `+` ending a broken line)
    minimum = [
        max([STEP_MIN_CELL] + [stringWidth(p + t[1].rstrip(), BOLD, MIN_FONT) + STEP_PAD for t in col for p in t[0]])
        for col in columns
    ]
    candidates = []
    for per_row in (4, 3, 2, 1):
        if per_row > count and per_row > 1:
            continue
        share = (room - STEP_GAP * (per_row - 1)) / per_row
        if sum(minimum) > share:
            continue
        widths = _capped(natural, minimum, share)
        heights = [_row_height(row, widths) for row in texts]
        if None in heights:
            continue
        lines = -(-count // per_row)
        total = lines * (sum(h for h in heights if h) + 2 * CAPTION_LEADING)
        size = TableSize(tuple(widths), tuple(h for h in heights if h), per_row)
        candidates.append((round(total / 30), -per_row, size))
    return min(candidates, key=lambda c: c[:2])[2] if candidates else None


def _texts(grid: Grid, short: bool) -> list[list[Parts | None]]:
    return [[term_parts(cell.terms, short) if cell.terms else None for cell in row] for row in grid]


def _label_room() -> float:
    return max(stringWidth(label, FONT, LABEL_SIZE) for label in CROP_LABELS) + 3


def _too_small_note(what: str) -> Paragraph:
    return Paragraph(
        para_text(
            f"The {what} are left out: their sums would not fit the page width in type of at least "
            f"{fmt_number(MIN_FONT)} pt. The numbers below are the sums."
        ),
        NOTE,
    )


# ---------------------------------------------------------------- scatter


def _step_grid(grid: Grid, short: bool, touched: set[tuple[int, int]], caption: str, size: TableSize) -> CellGrid:
    """One step's running grid: each cell's terms, the cells this step touches framed and bold."""
    cells = []
    for r, row in enumerate(grid):
        out_row = []
        for c, cell in enumerate(row):
            marked = (r, c) in touched
            if not cell.terms:
                out_row.append(GridCell(boxed=marked))
                continue
            parts, joiner = term_parts(cell.terms, short)
            out_row.append(GridCell(parts=parts, joiner=joiner, bold=marked, boxed=marked))
        cells.append(out_row)
    return CellGrid(
        cells,
        cell_width=size.widths[: len(grid[0])],
        cell_height=size.heights[: len(grid)],
        caption=caption,
        max_font=STEP_FONT,
        min_font=MIN_FONT,
    )


def _crop_marks(crop: CropStep) -> tuple[list[list[bool]], list[list[bool]], list[str], list[str]]:
    """Which cells the crop cuts, which output_padding keeps, and the row/column labels saying so."""
    removed_r, removed_c = set(crop.removed_rows), set(crop.removed_cols)
    extra_r, extra_c = set(crop.extra_rows), set(crop.extra_cols)
    rows, cols = len(crop.full), len(crop.full[0])
    cut = [[r in removed_r or c in removed_c for c in range(cols)] for r in range(rows)]
    dashed = [[not cut[r][c] and (r in extra_r or c in extra_c) for c in range(cols)] for r in range(rows)]
    row_labels = ["cut" if r in removed_r else ("+op" if r in extra_r else "") for r in range(rows)]
    col_labels = ["cut" if c in removed_c else ("+op" if c in extra_c else "") for c in range(cols)]
    return cut, dashed, row_labels, col_labels


def _crops_something(crop: CropStep) -> bool:
    return bool(crop.removed_rows or crop.removed_cols or crop.extra_rows or crop.extra_cols)


def symbolic_crop(crop: CropStep, short: bool, size: TableSize, caption: str) -> CellGrid:
    """The slides' last frame: the table of all products with the cut rows/columns hatched and emptied,
    the cells kept only by output_padding dash-framed."""
    cut, dashed, row_labels, col_labels = _crop_marks(crop)
    cells = []
    for r, row in enumerate(crop.full):
        out_row = []
        for c, cell in enumerate(row):
            if cut[r][c]:
                out_row.append(GridCell(fill="removed", hatched=True))
            elif cell.terms:
                parts, joiner = term_parts(cell.terms, short)
                out_row.append(GridCell(parts=parts, joiner=joiner, dashed=dashed[r][c]))
            else:
                out_row.append(GridCell(dashed=dashed[r][c]))
        cells.append(out_row)
    labelled = _crops_something(crop)
    return CellGrid(
        cells,
        cell_width=size.widths,
        cell_height=size.heights,
        caption=safe(caption),
        max_font=STEP_FONT,
        min_font=MIN_FONT,
        row_labels=row_labels if labelled else (),
        col_labels=col_labels if labelled else (),
        caption_width=60 * mm,
    )


def _kept_grid(crop: CropStep, width: float, result: str) -> CellGrid:
    return CellGrid(
        [[text_cell(safe(fmt_number(c.value)), bold=True) for c in row] for row in crop.output],
        cell_width=width,
        cell_height=6.5 * mm,
        caption=safe(f"Kept grid = {result}"),
    )


def numeric_crop(crop: CropStep, result: str) -> list[Flowable]:
    """The summed full output with cut rows/columns greyed and hatched (every number on a white box),
    output_padding cells dashed; then the kept grid."""
    cut, dashed, row_labels, col_labels = _crop_marks(crop)
    width = grid_cell_width([[[c.value for c in row] for row in crop.full]], size=9.5, minimum=7 * mm)
    cells = [
        [
            text_cell(
                safe(fmt_number(cell.value)),
                fill="removed" if cut[r][c] else "",
                hatched=cut[r][c],
                faint=cut[r][c],
                dashed=dashed[r][c],
            )
            for c, cell in enumerate(row)
        ]
        for r, row in enumerate(crop.full)
    ]
    if not _crops_something(crop):
        caption = f"Sum of all steps = {result} (padding 0: nothing is cut)"
        return [CellGrid(cells, cell_width=width, cell_height=6.5 * mm, caption=safe(caption))]
    caption = "Sum of all steps; hatched rows/columns are cut by padding"
    if crop.extra_rows or crop.extra_cols:
        caption += ", dashed cells are kept by output_padding"
    full = CellGrid(
        cells,
        cell_width=width,
        cell_height=6.5 * mm,
        caption=caption,
        row_labels=row_labels,
        col_labels=col_labels,
        caption_width=60 * mm,
    )
    return [full, _kept_grid(crop, width, result)]


SCATTER_LEGEND = (
    "Each cell lists what has been added into it so far{how}. Framed, bold cells: where this step's scaled "
    "kernel lands. Blank cells: nothing yet."
)


def _how(short: bool) -> str:
    return " (the kernel is all ones, so only the input values are written)" if short else " (input \u00b7 weight)"


def scatter_tables(view: ScatterView, frame: Frame, result: str) -> tuple[list[Flowable], list[Flowable]]:
    """Step 1..n running grids, the cropped symbolic table, then the numeric crop."""
    short = view.kernel_all_ones
    legend = Paragraph(para_text(SCATTER_LEGEND.format(how=_how(short))), NOTE)
    crop = view.crop
    size = table_size(_texts(crop.full, short), frame.width - _label_room(), count=len(view.steps))
    if size is None:
        return [legend, _too_small_note("step tables")], [Spacer(1, 2 * mm), FlowRow(numeric_crop(crop, result))]
    grids = [
        _step_grid(
            step.grid,
            short,
            set(step.touched),
            safe(f"Step {step.number}: input[{step.row}][{step.col}] = {fmt_number(step.value)}"),
            size,
        )
        for step in view.steps
    ]
    lines = flow_lines(grids, frame.width, gap_x=STEP_GAP, gap_y=4 * mm)
    finish: list[Flowable] = []
    if _crops_something(crop):
        caption = "Crop: the table of all steps without the hatched rows and columns"
        finish.append(symbolic_crop(crop, short, size, caption))
    finish += numeric_crop(crop, result)
    lead = [legend, Spacer(1, 1.5 * mm), lines[0]]
    return lead, [*lines[1:], Spacer(1, 3 * mm), FlowRow(finish, gap_x=7 * mm, gap_y=4 * mm)]


def compact_scatter_tables(view: ScatterView, frame: Frame, result: str) -> tuple[list[Flowable], list[Flowable]]:
    """All stamps in one table (the last step's), cut rows/columns hatched, and the kept grid."""
    short = view.kernel_all_ones
    crop = view.crop
    legend = Paragraph(
        para_text(
            f"Each cell lists everything every input element's scaled kernel adds into it{_how(short)}."
            + (" Hatched rows and columns are cut by padding." if crop.removed_rows or crop.removed_cols else "")
        ),
        NOTE,
    )
    width = grid_cell_width([[[c.value for c in row] for row in crop.output]], size=9.5, minimum=7 * mm)
    kept = _kept_grid(crop, width, result)
    texts = _texts(crop.full, short)
    # the table beside its kept grid when it fits there, else across the page
    beside = frame.width - _label_room() - kept.wrap(frame.width, frame.height)[0] - 7 * mm
    size = table_size(texts, beside) or table_size(texts, frame.width - _label_room())
    if size is None:
        return [legend, _too_small_note("products"), FlowRow(numeric_crop(crop, result))], []
    table = symbolic_crop(crop, short, size, "All stamps added up" + (", cropped" if _crops_something(crop) else ""))
    return [legend, Spacer(1, 1.5 * mm), FlowRow([table, kept], gap_x=7 * mm)], []


# ---------------------------------------------------------------- convolution windows, channels


def compact_window_tables(view: WindowView, frame: Frame, result: str) -> tuple[list[Flowable], list[Flowable]]:
    """One table: each output cell holds its window's products; then the output."""
    h_out, w_out = len(view.output), len(view.output[0])
    texts: list[list[Parts | None]] = [[None] * w_out for _ in range(h_out)]
    for step in view.steps:
        texts[step.row][step.col] = term_parts(step.terms, short=False)
    legend = Paragraph(
        para_text("Each cell lists its window's products (input \u00b7 weight, the kernel not flipped)."), NOTE
    )
    width = grid_cell_width([view.output], size=9.5, minimum=7 * mm)
    output = matrix_grid(view.output, result, width, max_font=10)
    beside = frame.width - output.wrap(frame.width, frame.height)[0] - 7 * mm
    size = table_size(texts, beside) or table_size(texts, frame.width)
    if size is None:
        return [legend, _too_small_note("products"), output], []
    cells = [[GridCell(parts=t[0], joiner=t[1]) if t else GridCell() for t in row] for row in texts]
    table = CellGrid(
        cells,
        cell_width=size.widths,
        cell_height=size.heights,
        caption="Windows times the kernel",
        max_font=STEP_FONT,
        min_font=MIN_FONT,
    )
    return [legend, Spacer(1, 1.5 * mm), FlowRow([table, output], gap_x=7 * mm, gap_y=4 * mm)], []


def channel_sum_tables(total: ChannelSum) -> tuple[list[Flowable], list[Flowable]]:
    """Each input channel's part, `+` between them, `=` the output channel (bold)."""
    width = grid_cell_width([part.values for part in total.parts] + [total.total], size=9.5, minimum=7 * mm)
    grids: list[Flowable] = [
        matrix_grid(part.values, f"{'+ ' if i else ''}input channel {part.in_channel}\u2019s part", width)
        for i, part in enumerate(total.parts)
    ]
    cells = [[text_cell(safe(fmt_number(v)), bold=True) for v in row] for row in total.total]
    grids.append(CellGrid(cells, cell_width=width, cell_height=7 * mm, caption=f"= output channel {total.out_channel}"))
    return [FlowRow(grids, gap_x=6 * mm, gap_y=4 * mm)], []
