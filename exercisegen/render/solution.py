"""Solutions: per problem the answer, the output-size formula filled in, and the step views.

The views come as data from the problem types (`explain`); this module only draws them: the step
tables (`step_tables.py`), the gather view, the matrix view (C cut into legible bands), conv windows,
a worked row of C. A view's heading is kept on one page with the first part of its drawing; the size
formula and short notes stay on the page of the problem's answer.
"""

from __future__ import annotations

from typing import Any, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer
from reportlab.platypus.flowables import _listWrapOn

from exercisegen.explanations import Explanation, MatrixRow, ShapeStep, cell_name
from exercisegen.notation import DOT, MINUS, TIMES, fmt_number, fmt_terms
from exercisegen.render.extra_views import extra_flowables
from exercisegen.render.fonts import safe
from exercisegen.render.grids import (
    CAPTION_LEADING,
    EMPTY,
    LABEL_SIZE,
    CellGrid,
    FlowRow,
    LinesBlock,
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
from exercisegen.render.step_tables import (
    MIN_FONT,
    channel_sum_tables,
    compact_scatter_tables,
    compact_window_tables,
    scatter_tables,
)
from exercisegen.render.styles import (
    FONT,
    FORMULA,
    NOTE,
    SMALL,
    VIEW_HEADING,
    Frame,
    frame_for,
    para_text,
)
from exercisegen.steps import GatherView, MatrixView, WindowView
from exercisegen.variants import Key, Problem, Variant


def _answer_values(problem: Problem) -> list[list[list[str]]]:
    """The key's answer as formatted text, block by block."""
    return [[[safe(fmt_number(v)) for v in row] for row in block] for block in problem.answer]


# ---------------------------------------------------------------- gather, matrix, window

Parts = tuple[list[Flowable], list[Flowable]]  # (kept with the view's heading, the rest)


def gather_flowables(view: GatherView, stride: tuple[int, int], result: str) -> Parts:
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
        matrix_grid(view.output, f"4. slide it with stride 1{dil}: {result}", width, max_font=10),
    ]
    return [FlowRow(grids, gap_x=6 * mm, gap_y=4 * mm)], []


def _vector_grid(values: Sequence[Any], caption: str, frame: Frame) -> CellGrid:
    """A long vector as rows of at most as many cells as fit the width."""
    texts = [safe(fmt_number(v)) for v in values]
    cell_w = max(6 * mm, max(stringWidth(t, FONT, 8.5) for t in texts) + 2.5 * mm)
    per_row = max(1, min(len(texts), int(frame.width // cell_w)))
    rows = [texts[i : i + per_row] for i in range(0, len(texts), per_row)]
    cells = [[text_cell(t) for t in row] + [EMPTY] * (per_row - len(row)) for row in rows]
    return CellGrid(cells, cell_width=cell_w, cell_height=6 * mm, caption=safe(caption), max_font=8.5)


MATRIX_FONT = 7.5  # entries of C
MATRIX_ROW = 4.2 * mm  # room for one line at MATRIX_FONT


def _bands(count: int, per_band: int) -> list[tuple[int, int]]:
    """[start, stop) ranges of at most `per_band` covering `count`, as equal as can be."""
    parts = -(-count // per_band)
    size = -(-count // parts)
    return [(start, min(count, start + size)) for start in range(0, count, size)]


def matrix_c_grids(view: MatrixView, frame: Frame) -> tuple[list[Flowable], str]:
    """C with every row named by its output cell (y..) and column by its input cell (x..), cut into as
    few bands of rows and columns as keep every entry at MATRIX_FONT; and a note when it is cut."""
    rows, cols = len(view.matrix), len(view.matrix[0])
    (ih, iw), (oh, ow) = view.conv_input_shape, view.conv_output_shape
    row_names = [cell_name("y", i, j) for i in range(oh) for j in range(ow)][:rows]
    col_names = [cell_name("x", r, c) for r in range(ih) for c in range(iw)][:cols]
    texts = [[safe(fmt_number(v)) for v in row] for row in view.matrix]
    widest = max(
        [stringWidth(t, FONT, MATRIX_FONT) for row in texts for t in row]
        + [stringWidth(n, FONT, LABEL_SIZE) for n in col_names]
    )
    cell_w = widest + 1.6 * mm
    label_w = max(stringWidth(n, FONT, LABEL_SIZE) for n in row_names) + 3
    per_band_cols = max(1, int((frame.width - label_w) // cell_w))
    per_band_rows = max(1, int((frame.height - 4 * CAPTION_LEADING - LABEL_SIZE - 6 * mm) // MATRIX_ROW))
    col_bands, row_bands = _bands(cols, per_band_cols), _bands(rows, per_band_rows)
    grids: list[Flowable] = []
    for r0, r1 in row_bands:
        for c0, c1 in col_bands:
            cells = [
                [text_cell(texts[r][c], faint=view.matrix[r][c] == 0) for c in range(c0, c1)] for r in range(r0, r1)
            ]
            where = []
            if len(row_bands) > 1:
                where.append(f"rows {r0 + 1}\u2013{r1}")
            if len(col_bands) > 1:
                where.append(f"columns {c0 + 1}\u2013{c1}")
            caption = "C" + (f", {', '.join(where)}" if where else "")
            grids.append(
                CellGrid(
                    cells,
                    cell_width=cell_w,
                    cell_height=MATRIX_ROW,
                    caption=safe(caption),
                    max_font=MATRIX_FONT,
                    row_labels=row_names[r0:r1],
                    col_labels=col_names[c0:c1],
                    caption_width=20 * mm,
                )
            )
    parts = len(grids)
    note = "" if parts == 1 else f" C is printed in {parts} parts so that every entry stays legible."
    return grids, note


def matrix_flowables(view: MatrixView, frame: Frame, result: str) -> Parts:
    """C (zeros grey, rows and columns named), vec(input), the product and the reshaped output."""
    rows, cols = len(view.matrix), len(view.matrix[0])
    ci, co = view.conv_input_shape, view.conv_output_shape
    grids, cut_note = matrix_c_grids(view, frame)
    intro = Paragraph(
        para_text(
            f"C: {rows}{TIMES}{cols} (conv {ci[0]}{TIMES}{ci[1]} \u2192 {co[0]}{TIMES}{co[1]}); row = output "
            "cell y of the convolution, column = its input cell x, both numbered row by row." + cut_note
        ),
        NOTE,
    )
    what = f"C\u1d40{DOT}vec(input)" if view.transposed else f"C{DOT}vec(input)"
    out_w = grid_cell_width([view.output], size=10)
    rest: list[Flowable] = [
        Spacer(1, 3 * mm),
        _vector_grid(view.vector, "vec(input)", frame),
        Spacer(1, 2 * mm),
        _vector_grid(view.product, f"{what} (reshaped below)", frame),
        Spacer(1, 2 * mm),
        matrix_grid(view.output, result, out_w, max_font=10),
    ]
    more: list[Flowable] = [Spacer(1, 3 * mm), FlowRow(grids[1:])] if grids[1:] else []
    return [intro, Spacer(1, 1 * mm), grids[0]], [*more, *rest]


WINDOW_FONT = 8.0


def window_flowables(view: WindowView, frame: Frame, result: str) -> Parts:
    """Padded input (padding shaded), kernel, one line per output cell (LinesBlock wraps long sums at `+`),
    the output."""
    ph, pw = view.padding
    h, w = len(view.padded), len(view.padded[0])
    width = grid_cell_width([view.padded, view.kernel, view.output], size=9.5, minimum=6.5 * mm)

    def padding_marks(r: int, c: int) -> dict[str, Any]:
        in_padding = r < ph or r >= h - ph or c < pw or c >= w - pw
        return {"fill": "light", "faint": True} if in_padding else {}

    padded = matrix_grid(view.padded, "padded input (padding shaded)" if (ph or pw) else "input", width, padding_marks)
    grids = [padded, matrix_grid(view.kernel, "kernel (not flipped)", width), matrix_grid(view.output, result, width)]
    lines = [
        safe(f"out[{s.row}][{s.col}] = {fmt_terms([(t.x, t.w) for t in s.terms], short=False)} = {fmt_number(s.value)}")
        for s in view.steps
    ]
    block = LinesBlock(lines, font_size=WINDOW_FONT, min_size=MIN_FONT)
    return [FlowRow(grids, gap_x=7 * mm)], [Spacer(1, 2 * mm), block]


def formula_flowables(steps: Sequence[ShapeStep]) -> list[Flowable]:
    """Each direction's output-size formula: in symbols, then with the numbers."""
    items: list[Flowable] = []
    for step in steps:
        name = "output size" if step.direction == "size" else f"{step.direction}_out"
        items.append(Paragraph(f"{para_text(name)} = {para_text(step.symbols)}", FORMULA))
        items.append(Paragraph(f"= {para_text(step.filled)}", FORMULA))
    return items


def matrix_row_flowables(row: MatrixRow) -> list[Flowable]:
    """Row `row.row` of C worked out: where the window starts, each kernel weight's input cell and column."""
    (i, j), (top, left), (s, p) = row.out_cell, row.start, (row.stride, row.padding)
    width = row.input_size[1]
    text = (
        f"Row {row.row} of C belongs to output cell {cell_name('y', i, j)}. Its window starts at input row "
        f"{i}{DOT}{s[0]} {MINUS} {p[0]} = {fmt_number(top)} and column {j}{DOT}{s[1]} {MINUS} {p[1]} = "
        f"{fmt_number(left)}. Kernel weight w[a][b] covers the input cell (row + a, column + b) and is written "
        f"into column row{DOT}{width} + column of C; weights that fall on the padding are dropped. Every row "
        "is built the same way from its own window."
    )
    header = ["kernel weight", "value", "covers input cell", "column of C"]
    columns = []
    for e in row.entries:
        if e.cell is None or e.column is None:
            covers, column = "padding", "dropped"
        else:
            covers, column = cell_name("x", *e.cell), f"{e.cell[0]}{DOT}{width}+{e.cell[1]} = {e.column}"
        columns.append([f"w[{e.a}][{e.b}]", fmt_number(e.weight), covers, column])
    cell_w = max(stringWidth(safe(t), FONT, 8.5) for col in columns for t in col) + 3 * mm
    cells = [[text_cell(safe(col[k]), bold=k == 3 and col[k] != "dropped") for col in columns] for k in range(4)]
    table = CellGrid(cells, cell_width=cell_w, cell_height=5.5 * mm, row_labels=header, max_font=8.5)
    h_in = row.input_size[0]
    names = [cell_name("x", r, c) for r in range(h_in) for c in range(width)]
    values_w = max([stringWidth(n, FONT, LABEL_SIZE) for n in names] + [stringWidth("\u22129", FONT, 9)]) + 2.5 * mm
    c_row = CellGrid(
        [[text_cell(safe(fmt_number(v)), faint=v == 0) for v in row.values]],
        cell_width=values_w,
        cell_height=6 * mm,
        caption=f"row {row.row} of C",
        row_labels=[cell_name("y", i, j)],
        col_labels=names,
        max_font=9,
    )
    return [Paragraph(para_text(text), SMALL), Spacer(1, 2 * mm), FlowRow([table, c_row], gap_x=8 * mm, gap_y=3 * mm)]


def _view_parts(explanation: Explanation, problem: Problem, frame: Frame) -> Parts:
    """An explanation view's drawing, as (part kept with its heading, the rest)."""
    kind, view, result = explanation.kind, explanation.view, explanation.result
    if kind == "scatter":
        return scatter_tables(view, frame, result)
    if kind == "scatter_compact":
        return compact_scatter_tables(view, frame, result)
    if kind == "gather":
        return gather_flowables(view, problem.params.stride, result)
    if kind == "matrix":
        return matrix_flowables(view, frame, result)
    if kind == "window":
        return window_flowables(view, frame, result)
    if kind == "window_compact":
        return compact_window_tables(view, frame, result)
    if kind == "channel_sum":
        return channel_sum_tables(view)
    if kind == "matrix_row":
        return matrix_row_flowables(view), []
    if kind == "formula":
        return formula_flowables(view), []
    if kind in ("chain", "overlap"):
        body = extra_flowables(kind, view)
        return body[:2], body[2:]
    return [Paragraph(para_text(str(view)), SMALL)], []


SHORT_KINDS = ("formula", "text", "matrix_row")  # kept with the next view, or with the problem's answer


class KeepHead(KeepTogether):
    """`head` and `tail` on one page when they fit there; else `head` alone when it fits, `tail` kept
    together on the next page; else both on the next page."""

    def __init__(self, head: list[Flowable], tail: list[Flowable]):
        super().__init__(head + tail)
        self._head, self._tail = head, tail

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._tail and self._H > aH and _listWrapOn(self._head, aW, self.canv)[1] <= aH:
            return [*self._head, KeepTogether(self._tail)]
        return super().split(aW, aH)


def explanation_flowables(
    explanations: Sequence[Explanation], problem: Problem, frame: Frame
) -> tuple[list[Flowable], list[Flowable], list[Flowable]]:
    """A problem's explanation views as (the short views before the first drawing, the story of the
    drawings, the short views after the last): a drawing's heading, the short views just before it
    and the first part of its drawing are kept on one page."""
    first: list[Flowable] = []
    story: list[Flowable] = []
    pending: list[Flowable] = []
    for explanation in explanations:
        lead, rest = _view_parts(explanation, problem, frame)
        if explanation.kind in SHORT_KINDS:
            pending += [Paragraph(para_text(explanation.title), VIEW_HEADING), *lead, *rest]
            continue
        if not story and not first:
            first, pending = pending, []
        story += [KeepTogether([*pending, Paragraph(para_text(explanation.title), VIEW_HEADING), *lead]), *rest]
        pending = []
    if not story:
        return pending, [], []
    return first, story, pending


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
        explanations = problem.kind.explain(problem.params, problem.show_steps)
        first, views, last = explanation_flowables(explanations, problem, frame)
        story.append(CondPageBreak(60 * mm))
        # the size formula with the answer when both fit on its page; a problem with only short views
        # (formula, notes, a worked row of C) keeps them all with its answer: never alone on a page
        story += [KeepHead(head, first) if views else KeepTogether(head + first), *views]
        if last:
            story.append(KeepTogether(last))
        story.append(Spacer(1, 8 * mm))
    return story
