"""A problem as LMS-friendly HTML: statement, givens and the answer grid as tables, and the worked solution.

Only tags and inline styles that Moodle's and Canvas's HTML filters keep (`p`, `pre`, `table`, `tr`, `td`, `th`,
`caption`, `b`, `span style`). The answer grid's cells are filled by a callback, so each LMS writer
puts its own gap syntax there. Explanations come as data from the problem type, as for the PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

from exercisegen.explanations import Explanation, ShapeStep
from exercisegen.notation import fmt_number, fmt_terms
from exercisegen.problems.base import AnswerLayout, Blocks, Number
from exercisegen.steps import CropStep, GatherView, Grid, MatrixView, ScatterView, WindowView
from exercisegen.variants import Problem

Gap = Callable[[int, int, int], str]  # (block, row, col) -> the LMS's gap markup for that answer cell


@dataclass(frozen=True)
class QuizItem:
    """A problem as an LMS quiz asks it: every box graded on its own, so one right value per box."""

    problem: Problem
    statement: str
    layout: AnswerLayout
    answer: Blocks
    restated: bool  # the type asks for another answer (e.g. design: stride given), so mistakes do not apply


def quiz_item(problem: Problem) -> QuizItem:
    """The problem as it is, or as its type restates it for box-by-box grading."""
    form = problem.kind.box_by_box(problem.params)
    if form is None:
        return QuizItem(problem, problem.statement, problem.layout, problem.answer, False)
    return QuizItem(problem, form.statement, form.layout, form.answer, form.answer != problem.answer)

_TABLE = '<table style="border-collapse: collapse; margin: 4px 12px 8px 0; display: inline-table;">'
_CELL = 'style="border: 1px solid #555; padding: 2px 6px; text-align: right; font-family: monospace;"'
_FAINT = 'style="border: 1px solid #555; padding: 2px 6px; text-align: right; font-family: monospace; color: #888;"'
_REMOVED = (
    'style="border: 1px solid #555; padding: 2px 6px; text-align: right; font-family: monospace; '
    'background: #ddd; text-decoration: line-through;"'
)
_CAPTION = 'style="caption-side: top; text-align: left; font-size: 90%;"'


def _table(rows: Sequence[Sequence[str]], caption: str = "", styles: Sequence[Sequence[str]] | None = None) -> str:
    """Rows of already-escaped cell texts as a bordered table."""
    body = []
    for r, row in enumerate(rows):
        cells = "".join(
            f"<td {styles[r][c] if styles else _CELL}>{text or '&nbsp;'}</td>" for c, text in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    head = f"<caption {_CAPTION}>{escape(caption)}</caption>" if caption else ""
    return f"{_TABLE}{head}{''.join(body)}</table>"


def number_table(matrix: Sequence[Sequence[Number]], caption: str = "") -> str:
    """A grid of numbers (− for negatives, as in the PDFs)."""
    return _table([[escape(fmt_number(v)) for v in row] for row in matrix], caption)


def problem_html(item: QuizItem, gap: Gap) -> str:
    """The task in words, the givens, and the answer grid with a gap per cell."""
    problem = item.problem
    kind = problem.kind
    parts = [f"<p>{escape(item.statement)}</p>"]
    if problem.instructions:
        parts.append(f"<p>{escape(problem.instructions)}</p>")
    givens = kind.givens(problem.params)
    tables = [number_table(g.values, g.caption) for g in givens.grids]
    if givens.parameters:
        params = [[escape(name), f"<b>{escape(value)}</b>"] for name, value in givens.parameters]
        tables.append(_table(params, "parameters"))
    if givens.table:
        header, items = givens.table[0], givens.table[1:]
        head = "".join(f"<th {_CELL}>{escape(text)}</th>" for text in header)
        body = "".join("<tr>" + "".join(f"<td {_CELL}>{escape(t)}</td>" for t in item) + "</tr>" for item in items)
        caption = f"<caption {_CAPTION}>{escape(givens.table_caption)}</caption>" if givens.table_caption else ""
        tables.append(f"{_TABLE}{caption}<tr>{head}</tr>{body}</table>")
    if tables:
        parts.append("<div>" + "".join(tables) + "</div>")
    if givens.code:
        parts.append(f'<pre style="background: #eee; padding: 4px 8px;">{escape(givens.code)}</pre>')
    if givens.choices:
        parts.append("<p>" + "<br>".join(f"<b>{escape(a)}</b> {escape(b)}" for a, b in givens.choices) + "</p>")
    layout = item.layout
    grids = []
    for b, (rows, cols) in enumerate(layout.blocks):
        title = layout.block_titles[b] if b < len(layout.block_titles) else ""
        cells = [[gap(b, r, c) for c in range(cols)] for r in range(rows)]
        if layout.labels and rows == 1:
            cells = [[escape(label) for label in layout.labels], cells[0]]
        grids.append(_table(cells, f"Your answer: {title}" if title else "Your answer"))
    parts.append("<div>" + "".join(grids) + "</div>")
    return "\n".join(parts)


def solution_html(item: QuizItem) -> str:
    """The answer and the worked solution (the same explanation records the solution PDFs draw)."""
    problem, layout = item.problem, item.layout
    parts = [f"<p><b>{escape('Answer' if item.restated else problem.kind.answer_title)}</b></p>"]
    answers = []
    for b, block in enumerate(item.answer):
        title = layout.block_titles[b] if b < len(layout.block_titles) else ""
        if layout.labels and len(block) == 1:
            answers.append(
                _table([[escape(label) for label in layout.labels], [escape(fmt_number(v)) for v in block[0]]])
            )
        else:
            answers.append(number_table(block, title))
    parts.append("<div>" + "".join(answers) + "</div>")
    for explanation in problem.kind.explain(problem.params, problem.show_steps):
        parts.append(explanation_html(explanation))
    return "\n".join(parts)


def explanation_html(explanation: Explanation) -> str:
    """One titled view."""
    head = f"<p><b>{escape(explanation.title)}</b></p>"
    kind, view = explanation.kind, explanation.view
    if kind == "formula":
        body = _formula_html(view)
    elif kind == "scatter":
        body = _scatter_html(view)
    elif kind == "gather":
        body = _gather_html(view)
    elif kind == "window":
        body = _window_html(view)
    elif kind == "matrix":
        body = _matrix_html(view)
    else:
        body = f"<p>{escape(str(view))}</p>"
    return head + "\n" + body


def _formula_html(steps: Sequence[ShapeStep]) -> str:
    lines = []
    for step in steps:
        name = "output size" if step.direction == "size" else f"{step.direction}_out"
        lines.append(f"{escape(name)} = {escape(step.symbols)}<br>= {escape(step.filled)}")
    return "<p>" + "<br>".join(lines) + "</p>"


def _terms_rows(grid: Grid, short: bool) -> list[list[str]]:
    return [
        [escape(fmt_terms([(t.x, t.w) for t in cell.terms], short)) if cell.terms else "" for cell in row]
        for row in grid
    ]


def _scatter_html(view: ScatterView) -> str:
    """The slides' step tables (cells written as sums, the step's cells bold), then the crop."""
    short = view.kernel_all_ones
    tables = []
    for step in view.steps:
        rows = _terms_rows(step.grid, short)
        for r, c in step.touched:
            rows[r][c] = f"<b>{rows[r][c]}</b>"
        caption = f"Step {step.number}: input[{step.row}][{step.col}] = {fmt_number(step.value)} × kernel"
        tables.append(_table(rows, caption))
    return "<div>" + "".join(tables) + "</div>\n" + _crop_html(view.crop, short)


def _crop_html(crop: CropStep, short: bool) -> str:
    """The full result with the cropped rows and columns struck through, then the output."""
    rows = [[escape(fmt_number(cell.value)) for cell in row] for row in crop.full]
    styles = [
        [_REMOVED if r in crop.removed_rows or c in crop.removed_cols else _CELL for c in range(len(row))]
        for r, row in enumerate(rows)
    ]
    symbolic = _terms_rows(crop.full, short)
    symbolic_styles = styles
    note = "padding 0 removes nothing"
    if crop.removed_rows or crop.removed_cols:
        note = "padding removes the struck-through rows and columns"
    if crop.extra_rows or crop.extra_cols:
        note += "; output_padding keeps the last rows/columns at the bottom and right"
    values = [[cell.value for cell in row] for row in crop.output]
    return (
        "<div>"
        + _table(symbolic, "Crop (as sums)", symbolic_styles)
        + _table(rows, f"Crop: {note}", styles)
        + number_table(values, "Output")
        + "</div>"
    )


def _gather_html(view: GatherView) -> str:
    top, left, bottom, right = view.border
    padded = [
        [escape(fmt_number(v)) for v in row] for row in view.padded
    ]
    faint = [[_FAINT if v == 0 else _CELL for v in row] for row in view.padded]
    return (
        "<div>"
        + number_table(view.zero_inserted, "stride − 1 zeros between the input elements")
        + _table(padded, f"border d·(k−1)−p: top {top}, left {left}, bottom {bottom}, right {right}", faint)
        + number_table(view.rotated_kernel, "kernel rotated by 180°")
        + number_table(view.output, "cross-correlation, stride 1")
        + "</div>"
    )


def _window_html(view: WindowView) -> str:
    lines = [
        f"out[{s.row}][{s.col}] = {escape(fmt_terms([(t.x, t.w) for t in s.terms], short=False))}"
        f" = {escape(fmt_number(s.value))}"
        for s in view.steps
    ]
    return "<div>" + number_table(view.padded, "padded input") + "</div><p>" + "<br>".join(lines) + "</p>"


def _matrix_html(view: MatrixView) -> str:
    what = "Cᵀ·vec(input)" if view.transposed else "C·vec(input)"
    return (
        "<div>"
        + number_table(view.matrix, "C")
        + number_table([view.vector], "vec(input)")
        + number_table([view.product], what)
        + number_table(view.output, "reshaped")
        + "</div>"
    )
