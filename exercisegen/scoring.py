"""Scoring one submission: cell by cell with partial credit, and the mistake behind wrong answers."""

from __future__ import annotations

from dataclasses import dataclass

from exercisegen.choice_answers import picked_options
from exercisegen.diagnose import NO_DIAGNOSIS, CellRef, Diagnosis, diagnosis
from exercisegen.problems.base import shape_of
from exercisegen.submissions import (
    Blank,
    Block,
    Submission,
    SubmittedAnswer,
    cell_value,
    shape_problem,
    trim_blank_border,
)
from exercisegen.variants import Problem, Variant


@dataclass(frozen=True)
class ProblemResult:
    """How one problem of a submission was scored (cells 0-based; unreadable cells count as wrong)."""

    problem_id: str
    points: float
    score: float
    cells_total: int
    cells_right: int
    wrong_cells: tuple[CellRef, ...]
    blank_cells: tuple[CellRef, ...]
    shape_ok: bool
    message: str
    mistake: str | None  # the name of the diagnosed rule (its problem type's `mistakes`)
    submitted: tuple[Block, ...] = ()  # the answer as written, for feedback
    mistake_cells: tuple[CellRef, ...] = ()  # wrong cells the named mistake explains (all it explains if misshapen)
    slip_cells: tuple[CellRef, ...] = ()  # cells the named mistake does not explain: slips beside it
    note: str = ""  # a plain remark when no mistake can be read from the answer (e.g. all zeros)


@dataclass(frozen=True)
class Result:
    """A graded submission: whose, which file, and every problem's result."""

    filename: str
    set_title: str
    student_id: str
    student_name: str
    variant_code: str
    problems: tuple[ProblemResult, ...]

    @property
    def score(self) -> float:
        """Points scored."""
        return sum(p.score for p in self.problems)

    @property
    def max_score(self) -> float:
        """Points available."""
        return sum(p.points for p in self.problems)

    @property
    def percent(self) -> float:
        """Score as a percentage of the points available."""
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def grade_problem(problem: Problem, answer: SubmittedAnswer | None) -> ProblemResult:
    """Score one problem: points × the fraction of cells right; a wrong-shaped grid scores 0."""
    shape = shape_of(problem.answer)
    total = sum(rows * cols for rows, cols in shape)
    blocks = answer.blocks if answer is not None else ()
    if blocks and not problem.layout.reveal_shape:
        blocks = trim_blank_border(blocks)  # the grid was written into a larger box area
    if blocks and problem.layout.choose:
        picked = picked_options(blocks, problem.layout.labels)  # letters -> one 1/0 per option
        if isinstance(picked, str):
            return ProblemResult(problem.id, problem.points, 0.0, total, 0, (), (), False, picked, None, blocks)
        blocks = picked
    cells = [
        (b, r, c, cell) for b, block in enumerate(blocks) for r, row in enumerate(block) for c, cell in enumerate(row)
    ]

    def result(
        right: int,
        wrong: tuple[CellRef, ...],
        blank: tuple[CellRef, ...],
        shape_ok: bool,
        message: str,
        found: Diagnosis,
        fraction: float | None = None,
    ) -> ProblemResult:
        score = problem.points * right / total if fraction is None else problem.points * fraction
        name = found.mistake.name if found.mistake is not None else None
        return ProblemResult(
            problem.id, problem.points, score, total, right, wrong, blank, shape_ok, message, name, blocks,
            found.mistake_cells, found.slip_cells, found.note,
        )

    if all(isinstance(cell, Blank) for *_, cell in cells):
        every = tuple((b, r, c) for b, (rows, cols) in enumerate(shape) for r in range(rows) for c in range(cols))
        return result(0, (), every, True, "not answered", NO_DIAGNOSIS)
    values = tuple(tuple(tuple(cell_value(cell) for cell in row) for row in block) for block in blocks)
    kind = problem.kind
    wrong_shape = shape_problem(blocks, shape)
    if wrong_shape:
        found = diagnosis(kind, problem.params, problem.answer, values, atol=problem.atol, rtol=problem.rtol)
        return result(0, (), (), False, wrong_shape, found)
    marks = kind.mark(problem.params, problem.answer, values, problem.atol, problem.rtol)
    right = sum(ok for block in marks for row in block for ok in row)
    blank = tuple((b, r, c) for b, r, c, cell in cells if isinstance(cell, Blank))
    wrong = tuple((b, r, c) for b, r, c, cell in cells if not isinstance(cell, Blank) and not marks[b][r][c])
    found = NO_DIAGNOSIS
    if right < total:
        found = diagnosis(kind, problem.params, problem.answer, values, atol=problem.atol, rtol=problem.rtol)
    fraction = kind.credit(problem.params, problem.answer, values, marks)
    tally = _tally(right, total, len(wrong), len(blank), problem.layout.choose)
    return result(right, wrong, blank, True, tally, found, fraction)


def _tally(right: int, total: int, wrong: int, blank: int, choose: str = "") -> str:
    """`all 9 numbers right` or `6 of 9 numbers right (2 wrong, 1 blank)` (options judged right for a choice)."""
    if choose == "one":
        return "right" if right == total else "wrong"
    if choose:
        return "right" if right == total else f"{right} of {total} options judged right"
    if right == total:
        return f"all {total} numbers right" if total > 1 else "right"
    notes = [f"{wrong} wrong"] if wrong else []
    notes += [f"{blank} blank"] if blank else []
    if total == 1:
        return "wrong" if wrong else "blank"
    return f"{right} of {total} numbers right ({', '.join(notes)})"


def grade(key_variant: Variant, sub: Submission) -> Result:
    """Score every problem of `key_variant` against a submission (problems it lacks score 0)."""
    return Result(
        filename=sub.filename,
        set_title=sub.set_title,
        student_id=key_variant.student_id,
        student_name=key_variant.student_name,
        variant_code=key_variant.code,
        problems=tuple(grade_problem(p, sub.answers.get(p.id)) for p in key_variant.problems),
    )
