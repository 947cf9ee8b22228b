"""Per-student feedback as text: score, what is wrong or blank, the named mistake, the right answer."""

from __future__ import annotations

from typing import Any

from exercisegen.notation import fmt_number
from exercisegen.reports import score_of
from exercisegen.scoring import ProblemResult, Result
from exercisegen.submissions import Blank, Unreadable, cell_name, cell_value
from exercisegen.variants import Problem, Variant
from exercisegen.yamlload import clip


def correct_answer_lines(problem: Problem) -> list[str]:
    """The key's answer as text: labelled values for one-row answers, aligned grids otherwise."""
    layout = problem.layout
    blocks = problem.answer
    if layout.choose:
        picked = [label for label, v in zip(layout.labels, blocks[0][0]) if v]
        return [" ".join(picked)]
    if layout.labels and len(blocks) == 1 and len(blocks[0]) == 1:
        return [", ".join(f"{label} {fmt_number(v)}" for label, v in zip(layout.labels, blocks[0][0]))]
    lines: list[str] = []
    for b, block in enumerate(blocks):
        if len(blocks) > 1:
            lines.append(layout.block_titles[b] if b < len(layout.block_titles) else f"channel {b}")
        lines.extend(aligned_rows([[fmt_number(v) for v in row] for row in block]))
    return lines


def aligned_rows(rows: list[list[str]]) -> list[str]:
    """Rows of texts right-aligned in columns."""
    width = max((len(t) for row in rows for t in row), default=1)
    return ["  ".join(t.rjust(width) for t in row) for row in rows]


def cell_text(cell: Any) -> str:
    """A submitted cell as the student wrote it."""
    if isinstance(cell, Blank):
        return "?"
    if isinstance(cell, Unreadable):
        return clip(cell.text, 20)
    return fmt_number(cell)


def problem_feedback(result: ProblemResult, problem: Problem) -> list[str]:
    """Lines about one problem: what is wrong or blank, the diagnosed mistake (without the answer)."""
    labels = problem.layout.labels
    several = len(problem.answer) > 1

    rows = problem.layout.row_labels

    def where(b: int, r: int, c: int) -> str:
        if rows and labels and r < len(rows) and c < len(labels):
            return f"{rows[r]} {labels[c]}"
        return labels[c] if labels and c < len(labels) else cell_name(b, r, c, several)

    lines = [result.message[:1].upper() + result.message[1:] + "."]
    if result.shape_ok and result.wrong_cells:
        shown = []
        for b, r, c in result.wrong_cells[:12]:
            cell = result.submitted[b][r][c]
            if problem.layout.choose:
                what = "you ticked it" if cell == 1 else "you left it out"
            elif isinstance(cell, Unreadable):
                what = f"{clip(cell.text, 20)!r} is not a number"
            else:
                what = f"you wrote {cell_text(cell)}"
            shown.append(f"{where(b, r, c)} ({what})")
        more = len(result.wrong_cells) - len(shown)
        lines.append("Wrong: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "") + ".")
    if result.shape_ok and result.blank_cells and result.message != "not answered":
        names = [where(b, r, c) for b, r, c in result.blank_cells[:12]]
        more = len(result.blank_cells) - len(names)
        lines.append("Blank: " + "; ".join(names) + (f"; and {more} more" if more > 0 else "") + ".")
    if result.mistake:
        lines.append(problem.kind.mistake(result.mistake).sentence)
        if result.slip_cells:
            lines.append(_slips_line(result, where))
    if result.note:
        lines.append(result.note)
    if result.shape_ok and result.wrong_cells and result.submitted:
        values = tuple(tuple(tuple(cell_value(c) for c in row) for row in block) for block in result.submitted)
        remark = problem.kind.comment(problem.params, values)
        if remark:
            lines.append(remark)
    return lines


def _slips_line(result: ProblemResult, where: Any) -> str:
    """`Apart from that mistake, 1 slip: row 2, column 3 (you wrote 5).`"""
    shown = []
    for b, r, c in result.slip_cells:
        cell = result.submitted[b][r][c] if result.submitted else Blank()
        what = "blank" if isinstance(cell, Blank) else f"you wrote {cell_text(cell)}"
        shown.append(f"{where(b, r, c)} ({what})")
    n = len(shown)
    return f"Apart from that mistake, {n} slip{'' if n == 1 else 's'}: " + "; ".join(shown) + "."


def student_line(result: Result) -> str:
    """`Ada Lovelace (s001)`, or just the id when the key has no name."""
    return f"{result.student_name} ({result.student_id})" if result.student_name else result.student_id


def feedback_text(result: Result, key_variant: Variant, reveal: bool) -> str:
    """A student's feedback as plain text: score, then per problem what is wrong, the likely mistake
    and (when `reveal`) the correct answer."""
    problems = {p.id: p for p in key_variant.problems}
    lines = [
        f"Feedback: {result.set_title}",
        f"Student: {student_line(result)}   Variant: {result.variant_code}",
        f"File: {result.filename}",
        f"Score: {score_of(result.score, result.max_score)} ({result.percent:.1f} %)",
    ]
    for pr in result.problems:
        problem = problems[pr.problem_id]
        lines += ["", f"{pr.problem_id}: {score_of(pr.score, pr.points)}"]
        lines += ["  " + line for line in problem_feedback(pr, problem)]
        if reveal and pr.cells_right < pr.cells_total:
            lines.append(f"  Correct answer{problem.kind.valid_note()}:")
            lines += ["    " + line for line in correct_answer_lines(problem)]
    return "\n".join(lines) + "\n"
