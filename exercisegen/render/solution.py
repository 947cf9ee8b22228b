"""Solutions: per problem the answer, the output-size formula filled in, and the step views.

The views come as data from the problem types (`explain`); this module only draws them: scatter
step tables in the slides' style, the crop, the gather view, the matrix view, conv windows.
"""

from __future__ import annotations

from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from exercisegen.explanations import Explanation, ShapeStep
from exercisegen.notation import DOT, MINUS, TIMES, fmt_factor, fmt_number, fmt_terms
from exercisegen.render.extra_views import extra_flowables
from exercisegen.render.fonts import safe
from exercisegen.render.grids import (
    CAPTION_LEADING,
    EMPTY,
    CellGrid,
    FlowRow,
    GridCell,
    LinesBlock,
    fit_text,
    text_cell,
)
from exercisegen.render.problem_parts import (
    answer_grids,
    given_grids,
    grid_cell_width,
    matrix_grid,
    problem_top,
    set_instructions,
)
from exercisegen.render.styles import (
    BOLD,
    FONT,
    FORMULA,
    NOTE,
    SMALL,
    VIEW_HEADING,
    Frame,
    frame_for,
    para_text,
)
from exercisegen.steps import CropStep, GatherView, Grid, MatrixView, ScatterView, WindowView
from exercisegen.variants import Key, Problem, Variant

STEP_FONT = 7.5  # largest font inside step-grid cells
STEP_MIN_FONT = 6.5  # side-by-side step grids only while every sum stays at least this large
STEP_MIN_CELL = 7 * mm
STEP_ROW = 6.5 * mm  # height of a one-line row
STEP_PAD = 5.6  # horizontal room around a cell's text (clear of the thick frame)
STEP_GAP = 5 * mm


def _answer_values(problem: Problem) -> list[list[list[str]]]:
    """The key's answer as formatted text, block by block."""
    return [[[safe(fmt_number(v)) for v in row] for row in block] for block in problem.answer]


# ---------------------------------------------------------------- scatter and crop


def _term_parts(cell_terms: Sequence[Any], short: bool) -> tuple[tuple[str, ...], str]:
    """A cell's products as separate parts (for line breaking) and the joiner between them."""
    if short:
        return tuple(safe(fmt_factor(t.x)) for t in cell_terms), "+"
    return tuple(safe(f"{fmt_factor(t.x)}{DOT}{fmt_factor(t.w)}") for t in cell_terms), " + "


def _capped_widths(natural: Sequence[float], room: float) -> list[float]:
    """Column widths that fit `room`: the widest columns are capped at one common width."""
    if sum(natural) <= room:
        return list(natural)
    low, high = 0.0, max(natural)
    for _ in range(30):
        cap = (low + high) / 2
        if sum(min(n, cap) for n in natural) > room:
            high = cap
        else:
            low = cap
    return [min(n, low) for n in natural]


def _line_count(parts: tuple[str, ...], joiner: str, width: float) -> int:
    """Lines needed for a sum at the step font, breaking between terms."""
    glue = joiner.rstrip()
    lines, current = 1, ""
    for part in parts:
        trial = f"{current}{joiner}{part}{glue}" if current else f"{part}{glue}"
        if current and stringWidth(trial, BOLD, STEP_FONT) > width:
            lines, current = lines + 1, part
        else:
            current = f"{current}{joiner}{part}" if current else part
    return lines


def _step_layout(view: ScatterView, frame: Frame) -> tuple[list[float], list[float]]:
    """Column widths and row heights shared by a view's step grids: each column as wide as its longest
    sum (capped), long sums broken into lines; as many grids side by side as keeps the sequence short
    while every sum stays legible."""
    grid = view.steps[-1].grid  # the fullest grid: every cell has all of its terms
    short = view.kernel_all_ones
    texts = [[_term_parts(cell.terms, short) if cell.terms else None for cell in row] for row in grid]
    natural = [
        max(
            [STEP_MIN_CELL]
            + [stringWidth(t[1].join(t[0]), BOLD, STEP_FONT) + STEP_PAD for t in (row[c] for row in texts) if t]
        )
        for c in range(len(grid[0]))
    ]
    candidates = []
    for per_row in (4, 3, 2, 1):
        room = (frame.width - STEP_GAP * (per_row - 1)) / per_row
        widths = _capped_widths(natural, room)
        if min(widths) < STEP_MIN_CELL and per_row > 1:
            continue
        heights = []
        smallest = STEP_FONT
        for row in texts:
            lines = max([1] + [_line_count(t[0], t[1], widths[c] - STEP_PAD) for c, t in enumerate(row) if t])
            height = max(STEP_ROW, lines * STEP_FONT * 1.15 + 4.5)
            heights.append(height)
            for c, t in enumerate(row):
                if t:
                    size, _, _ = fit_text(t[0], t[1], BOLD, widths[c] - 5.2, height - 2.4, STEP_FONT)
                    smallest = min(smallest, size)
        count = -(-len(view.steps) // per_row)
        total = count * (sum(heights) + 2 * CAPTION_LEADING)
        candidates.append((smallest < STEP_MIN_FONT, round(total / 30), -per_row, widths, heights))
    _, _, _, widths, heights = min(candidates, key=lambda c: c[:3])
    return widths, heights


def _terms_grid(
    grid: Grid, short: bool, touched: set[tuple[int, int]], caption: str, size: tuple[list[float], list[float]]
) -> CellGrid:
    """One step's running grid: each cell's terms, the cells this step touches framed and bold."""
    cells = []
    for r, row in enumerate(grid):
        out_row = []
        for c, cell in enumerate(row):
            if not cell.terms:
                out_row.append(GridCell(boxed=(r, c) in touched))
                continue
            parts, joiner = _term_parts(cell.terms, short)
            marked = (r, c) in touched
            out_row.append(GridCell(parts=parts, joiner=joiner, bold=marked, boxed=marked))
        cells.append(out_row)
    return CellGrid(cells, cell_width=size[0], cell_height=size[1], caption=caption, max_font=STEP_FONT)


def _crop_flowables(crop: CropStep) -> list[Flowable]:
    """The full output with cut rows/columns greyed and hatched, output_padding cells dashed; then the kept grid."""
    removed_r, removed_c = set(crop.removed_rows), set(crop.removed_cols)
    extra_r, extra_c = set(crop.extra_rows), set(crop.extra_cols)
    values = [[safe(fmt_number(cell.value)) for cell in row] for row in crop.full]
    width = grid_cell_width([[[c.value for c in row] for row in crop.full]], size=9.5, minimum=7 * mm)
    cells = []
    for r, row in enumerate(values):
        out_row = []
        for c, text in enumerate(row):
            cut = r in removed_r or c in removed_c
            out_row.append(
                text_cell(
                    text,
                    fill="removed" if cut else "",
                    hatched=cut,
                    faint=cut,
                    dashed=(not cut) and (r in extra_r or c in extra_c),
                )
            )
        cells.append(out_row)
    row_labels = ["cut" if r in removed_r else ("+op" if r in extra_r else "") for r in range(len(values))]
    col_labels = ["cut" if c in removed_c else ("+op" if c in extra_c else "") for c in range(len(values[0]))]
    nothing_cut = not removed_r and not removed_c
    if nothing_cut and not extra_r and not extra_c:
        caption = "Sum of all steps = the output (padding 0: nothing is cut)"
        full = CellGrid(cells, cell_width=width, cell_height=6.5 * mm, caption=caption)
        return [full]
    caption = "Sum of all steps; hatched rows/columns are cut by padding"
    if extra_r or extra_c:
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
    kept = CellGrid(
        [[text_cell(safe(fmt_number(c.value)), bold=True) for c in row] for row in crop.output],
        cell_width=width,
        cell_height=6.5 * mm,
        caption="Kept grid = the output",
    )
    return [full, kept]


def scatter_flowables(view: ScatterView, frame: Frame) -> list[Flowable]:
    """Step 1..n running grids (terms in each cell, this step's cells framed and bold), then the crop."""
    short = view.kernel_all_ones
    legend = (
        "Each cell lists what has been added into it so far"
        + (" (the kernel is all ones, so only the input values are written)" if short else " (input · weight)")
        + ". Framed, bold cells: where this step's scaled kernel lands. Blank cells: nothing yet."
    )
    size = _step_layout(view, frame)
    grids = [
        _terms_grid(
            step.grid,
            short,
            set(step.touched),
            safe(f"Step {step.number}: input[{step.row}][{step.col}] = {fmt_number(step.value)}"),
            size,
        )
        for step in view.steps
    ]
    items: list[Flowable] = [Paragraph(para_text(legend), NOTE), Spacer(1, 1.5 * mm)]
    items.append(FlowRow(grids, gap_x=STEP_GAP, gap_y=4 * mm))
    items.append(Spacer(1, 3 * mm))
    items.append(FlowRow(_crop_flowables(view.crop), gap_x=9 * mm))
    return items


# ---------------------------------------------------------------- gather, matrix, window


def gather_flowables(view: GatherView, stride: tuple[int, int]) -> list[Flowable]:
    """Zero-inserted input (inserted zeros grey), bordered input (border shaded, input values bold),
    kernel, rotated kernel, result."""
    top, left, bottom, right = view.border
    sh, sw = stride
    zh, zw = len(view.zero_inserted), len(view.zero_inserted[0])
    width = grid_cell_width(
        [view.zero_inserted, view.padded, view.rotated_kernel, view.output], size=9.5, minimum=6.5 * mm
    )

    def inserted(r: int, c: int) -> bool:
        return r % sh != 0 or c % sw != 0

    def zero_marks(r: int, c: int) -> dict[str, Any]:
        return {"faint": True} if inserted(r, c) else {}

    def padded_marks(r: int, c: int) -> dict[str, Any]:
        zr, zc = r - top, c - left  # position in the zero-inserted grid
        if not (0 <= zr < zh and 0 <= zc < zw):
            return {"fill": "light", "faint": True}
        return {"faint": True} if inserted(zr, zc) else {"bold": True}

    border = f"top {top}, left {left}, bottom {bottom}, right {right}"
    dil = "" if view.dilation == (1, 1) else f", dilation {view.dilation[0]}"
    grids = [
        matrix_grid(view.zero_inserted, f"1. input with stride{MINUS}1 zeros between elements", width, zero_marks),
        matrix_grid(
            view.padded, f"2. border of d{DOT}(k{MINUS}1){MINUS}p zeros ({border}; shaded)", width, padded_marks
        ),
        matrix_grid(view.kernel, "kernel", width),
        matrix_grid(view.rotated_kernel, "3. kernel rotated by 180\u00b0", width),
        matrix_grid(view.output, f"4. slide it with stride 1{dil}: output", width, max_font=10),
    ]
    return [FlowRow(grids, gap_x=6 * mm, gap_y=4 * mm)]


def _vector_grid(values: Sequence[Any], caption: str, frame: Frame) -> CellGrid:
    """A long vector as rows of at most as many cells as fit the width."""
    texts = [safe(fmt_number(v)) for v in values]
    cell_w = max(6 * mm, max(stringWidth(t, FONT, 8.5) for t in texts) + 2.5 * mm)
    per_row = max(1, min(len(texts), int(frame.width // cell_w)))
    rows = [texts[i : i + per_row] for i in range(0, len(texts), per_row)]
    cells = [[text_cell(t) for t in row] + [EMPTY] * (per_row - len(row)) for row in rows]
    return CellGrid(cells, cell_width=cell_w, cell_height=6 * mm, caption=safe(caption), max_font=8.5)


def matrix_flowables(view: MatrixView, frame: Frame) -> list[Flowable]:
    """C (zeros grey), vec(input), the product and the reshaped output."""
    rows, cols = len(view.matrix), len(view.matrix[0])
    texts = [[safe(fmt_number(v)) for v in row] for row in view.matrix]
    widest = max(stringWidth(t, FONT, 8) for row in texts for t in row)
    cell_w = min(8 * mm, max(4.2 * mm, widest + 2 * mm), frame.width / cols)
    cell_h = min(5.2 * mm, (frame.height - 40) / rows)  # a big C shrinks rather than overflow the page
    cells = [[text_cell(t, faint=(v == 0)) for t, v in zip(trow, vrow)] for trow, vrow in zip(texts, view.matrix)]
    ci, co = view.conv_input_shape, view.conv_output_shape
    caption = (
        f"C: {rows}{TIMES}{cols} (conv {ci[0]}{TIMES}{ci[1]} \u2192 {co[0]}{TIMES}{co[1]}); "
        "row = output cell, column = input cell, both numbered row by row"
    )
    c_grid = CellGrid(
        cells, cell_width=cell_w, cell_height=cell_h, caption=safe(caption), max_font=8, caption_width=90 * mm
    )
    what = f"C\u1d40{DOT}vec(input)" if view.transposed else f"C{DOT}vec(input)"
    out_w = grid_cell_width([view.output], size=10)
    return [
        c_grid,
        Spacer(1, 3 * mm),
        _vector_grid(view.vector, "vec(input)", frame),
        Spacer(1, 2 * mm),
        _vector_grid(view.product, f"{what} (reshaped below)", frame),
        Spacer(1, 2 * mm),
        matrix_grid(view.output, "output", out_w, max_font=10),
    ]


def window_flowables(view: WindowView) -> list[Flowable]:
    """Padded input (padding shaded), kernel, one line per output cell, the output."""
    ph, pw = view.padding
    h, w = len(view.padded), len(view.padded[0])
    width = grid_cell_width([view.padded, view.kernel, view.output], size=9.5, minimum=6.5 * mm)

    def padding_marks(r: int, c: int) -> dict[str, Any]:
        in_padding = r < ph or r >= h - ph or c < pw or c >= w - pw
        return {"fill": "light", "faint": True} if in_padding else {}

    padded = matrix_grid(view.padded, "padded input (padding shaded)" if (ph or pw) else "input", width, padding_marks)
    grids = [padded, matrix_grid(view.kernel, "kernel (not flipped)", width), matrix_grid(view.output, "output", width)]
    lines = [
        safe(f"out[{s.row}][{s.col}] = {fmt_terms([(t.x, t.w) for t in s.terms], short=False)} = {fmt_number(s.value)}")
        for s in view.steps
    ]
    return [FlowRow(grids, gap_x=7 * mm), Spacer(1, 2 * mm), LinesBlock(lines, font_size=8.0, min_size=6.5)]


def formula_flowables(steps: Sequence[ShapeStep]) -> list[Flowable]:
    """Each direction's output-size formula: in symbols, then with the numbers."""
    items: list[Flowable] = []
    for step in steps:
        name = "output size" if step.direction == "size" else f"{step.direction}_out"
        items.append(Paragraph(f"{para_text(name)} = {para_text(step.symbols)}", FORMULA))
        items.append(Paragraph(f"= {para_text(step.filled)}", FORMULA))
    return items


MIN_VIEW_SPACE = 70 * mm  # room needed below a step-view heading, else it starts on the next page


def explanation_flowables(explanation: Explanation, problem: Problem, frame: Frame) -> list[Flowable]:
    """One explanation view: a heading and its drawing."""
    heading = Paragraph(para_text(explanation.title), VIEW_HEADING)
    kind, view = explanation.kind, explanation.view
    if kind == "scatter":
        body = scatter_flowables(view, frame)
    elif kind == "gather":
        body = gather_flowables(view, problem.params.stride)
    elif kind == "matrix":
        body = matrix_flowables(view, frame)
    elif kind == "window":
        body = window_flowables(view)
    elif kind == "formula":
        body = formula_flowables(view)
    elif kind in ("chain", "overlap"):
        body = extra_flowables(kind, view)
    else:
        body = [Paragraph(para_text(str(view)), SMALL)]
    # Formulas and text stay whole; a long drawing keeps at least its heading and first part together.
    if kind in ("formula", "text") or len(body) <= 2:
        return [KeepTogether([heading, *body])]
    # a drawing's heading and note must not stand alone at the foot of a page
    return [CondPageBreak(MIN_VIEW_SPACE), KeepTogether([heading, *body[:2]]), *body[2:]]


# ---------------------------------------------------------------- the solution story


def solution_story(key: Key, variant: Variant) -> list[Flowable]:
    """One student's solutions: every problem with its answer and the step views."""
    frame = frame_for(key.paper)
    story: list[Flowable] = set_instructions(key)
    for index, problem in enumerate(variant.problems, start=1):
        layout = problem.layout
        head = problem_top(index, problem, problem.statement)
        answers = answer_grids(problem, layout, frame, problem.kind.answer_title, values=_answer_values(problem))
        head.append(FlowRow([*given_grids(problem), *answers], gap_x=7 * mm, gap_y=4 * mm))
        story.append(CondPageBreak(60 * mm))
        story.append(KeepTogether(head))
        for explanation in problem.kind.explain(problem.params, problem.show_steps):
            story.extend(explanation_flowables(explanation, problem, frame))
        story.append(Spacer(1, 8 * mm))
    return story
