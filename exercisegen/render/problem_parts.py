"""What worksheets, solutions and feedback share for one problem: heading, statement, the givens
(drawn from the data the problem type hands over) and the answer boxes."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from exercisegen.notation import fmt_number
from exercisegen.problems.base import AnswerLayout
from exercisegen.render.fonts import safe
from exercisegen.render.grids import LABEL_SIZE, AnswerGrid, CellGrid, text_cell
from exercisegen.render.styles import (
    BODY,
    BOX_HEIGHT,
    BOX_MIN_WIDTH,
    BOX_WIDTH,
    FONT,
    INSTRUCTIONS,
    PROBLEM_HEADING,
    Frame,
    para_text,
)
from exercisegen.render.text_parts import ChoiceList, CodeBlock, text_table
from exercisegen.variants import Key, Problem


def points_text(points: float) -> str:
    """`2` -> "2 points", `1` -> "1 point", `1.5` -> "1.5 points"."""
    text = fmt_number(float(points))
    return f"{text} point{'' if points == 1 else 's'}"


def problem_heading(index: int, problem: Problem) -> Paragraph:
    """ "Problem 2 (scatter_gather) · 4 points"."""
    return Paragraph(
        f"Problem {index} <font name='{FONT}' size='10'>({para_text(problem.id)}) \u00b7 "
        f"{points_text(problem.points)}</font>",
        PROBLEM_HEADING,
    )


def grid_cell_width(matrices: Sequence[Any], size: float = 10.0, minimum: float = 7.5 * mm) -> float:
    """One cell width for a set of number grids, wide enough for their widest number."""
    widest = 0.0
    for matrix in matrices:
        for row in matrix:
            for value in row:
                widest = max(widest, stringWidth(safe(fmt_number(value)), FONT, size))
    return max(minimum, widest + 3 * mm)


def matrix_grid(
    matrix: Any,
    caption: str,
    cell_width: float,
    marks: Callable[[int, int], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> CellGrid:
    """A matrix of numbers as a captioned grid; `marks(r, c)` may give a cell's GridCell marks."""
    cells = [
        [text_cell(safe(fmt_number(v)), **(marks(r, c) if marks else {})) for c, v in enumerate(row)]
        for r, row in enumerate(matrix)
    ]
    return CellGrid(cells, cell_width=cell_width, cell_height=7 * mm, caption=safe(caption), **kwargs)


def given_grids(problem: Problem) -> list[Flowable]:
    """The problem's givens (from its type, as data) as grids, and a table of the parameters that matter."""
    givens = problem.kind.givens(problem.params)
    items: list[Flowable] = []
    if givens.grids:
        width = grid_cell_width([g.values for g in givens.grids])
        items = [matrix_grid(g.values, g.caption, width, caption_width=16 * mm) for g in givens.grids]
    rows = givens.parameters
    if rows:
        name_width = max(stringWidth(name, FONT, 8.5) for name, _ in rows) + 3 * mm
        value_width = max(9 * mm, max(stringWidth(value, FONT, 9.5) for _, value in rows) + 3 * mm)
        cells = [[text_cell(name), text_cell(value, bold=True)] for name, value in rows]
        table = CellGrid(
            cells, cell_width=(name_width, value_width), cell_height=6 * mm, caption="parameters", max_font=9
        )
        items.append(table)
    if givens.table:
        items.append(text_table(givens.table, givens.table_caption))
    if givens.code:
        items.append(CodeBlock(givens.code, "code"))
    return items


HIDDEN_SHAPE_NOTE = (
    "The answer area is larger than the output on purpose: write the grid into its top-left corner, "
    "one output row per row of boxes, and leave the other boxes empty."
)


def answer_box_width(cols: int, frame: Frame, reserved: float = 0.0) -> float:
    """12 mm boxes, narrower (down to 9 mm) when a row of them (and `reserved` room for row labels)
    would not fit the page."""
    if cols * BOX_WIDTH + reserved <= frame.width:
        return BOX_WIDTH
    return max(BOX_MIN_WIDTH, (frame.width - reserved) / cols)


def answer_grids(
    problem: Problem,
    layout: AnswerLayout,
    frame: Frame,
    title: str,
    values: Sequence[Sequence[Sequence[str]]] | None = None,
) -> list[Flowable]:
    """The answer boxes of a problem, one grid per block, captioned `title` (and the block's title);
    for a choice the options with their checkboxes."""
    if layout.choose:
        options = problem.kind.givens(problem.params).choices
        ticked = None if values is None else [text == "1" for text in values[0][0]]
        how = "tick one" if layout.choose == "one" else "tick all that apply"
        return [ChoiceList(problem.id, options, frame.width, ticked=ticked, title=safe(f"{title} ({how})"))]
    grids: list[Flowable] = []
    for b, (rows, cols) in enumerate(layout.blocks):
        if not layout.reveal_shape and values is None:
            rows, cols = layout.canvas  # the size is part of the question: do not draw it
        block_title = layout.block_titles[b] if b < len(layout.block_titles) else ""
        labels = layout.labels or layout.column_labels
        row_labels = [safe(label) for label in layout.row_labels]
        reserved = max((stringWidth(label, FONT, LABEL_SIZE) + 3 for label in row_labels), default=0.0)
        grids.append(
            AnswerGrid(
                problem.id,
                b,
                rows,
                cols,
                box_width=answer_box_width(cols, frame, reserved),
                box_height=BOX_HEIGHT,
                max_width=frame.width,
                max_height=frame.height,
                title=safe(f"{title}: {block_title}" if block_title else title),
                labels=[safe(label) for label in labels] if labels else (),
                values=values[b] if values is not None else None,
                row_labels=row_labels,
            )
        )
    return grids


def problem_top(index: int, problem: Problem, statement: str) -> list[Flowable]:
    """Heading, the task in words, and the problem's own instructions."""
    parts: list[Flowable] = [problem_heading(index, problem), Paragraph(para_text(statement), BODY)]
    if problem.instructions:
        parts.append(Paragraph(para_text(problem.instructions), BODY))
    parts.append(Spacer(1, 2.5 * mm))
    return parts


def set_instructions(key: Key) -> list[Flowable]:
    """The set's instructions, printed once at the top of the first page."""
    if not key.instructions:
        return []
    return [Paragraph(para_text(key.instructions), INSTRUCTIONS)]
