"""Naming a wrong answer: compare it with the answers the problem type's modelled mistakes predict.

The rules themselves live beside their problem type (`ProblemType.mistakes`); this module only
matches. Grading calls `diagnosis` for every answer that is not fully right.

A mistake is named only when it explains the answer: every cell must be what the mistake predicts,
apart from at most `slip_allowance` cells (slips, listed separately in feedback), and the cells the
mistake explains must outnumber the slips. The rule's prediction may have another shape than the
right answer (forgot to crop, ignored the stride, ...): then the student's grid is compared with the
predictions of that shape. An answer whose every written number is 0 is never named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from exercisegen.problems.base import FLOAT_ATOL, Blocks, Mistake, ProblemType, Submitted, close, same_answer

CellRef = tuple[int, int, int]  # (block, row, col), 0-based

MAX_SLIPS = 2  # at most this many cells may differ from a named mistake's prediction ...
CELLS_PER_SLIP = 6  # ... and at most one per this many cells (none in answers of fewer cells)
EVIDENCE_PER_SLIP = 1  # the cells a named mistake explains must outnumber its slips this many times ...
MIN_EVIDENCE_WITH_SLIPS = 2  # ... and be at least this many when there are slips (3: see README)

ALL_ZERO_NOTE = (
    "Every number you wrote is 0, so nothing shows which step went wrong: "
    "work through the steps of the solution for your numbers."
)


@dataclass(frozen=True)
class Diagnosis:
    """What a wrong answer shows: the mistake that explains it (or none), the cells the mistake
    explains, the slips beside it, and a plain note when no mistake can be read from the answer."""

    mistake: Mistake[Any] | None
    mistake_cells: tuple[CellRef, ...] = ()  # wrong cells (any cell, if the shape is wrong) the mistake predicts
    slip_cells: tuple[CellRef, ...] = ()  # cells that differ from the mistake's prediction
    note: str = ""


NO_DIAGNOSIS = Diagnosis(None)


def slip_allowance(cells: int) -> int:
    """How many slips a named mistake may come with in an answer of `cells` cells."""
    return min(MAX_SLIPS, cells // CELLS_PER_SLIP)


def _refs(blocks: Any) -> list[CellRef] | None:
    """The cell positions of a rectangular-per-block answer (None if a block's rows are ragged)."""
    refs: list[CellRef] = []
    for b, block in enumerate(blocks):
        width = len(block[0]) if block else 0
        for r, row in enumerate(block):
            if len(row) != width:
                return None
            refs.extend((b, r, c) for c in range(width))
    return refs


def _same_shape(a: Any, b: Any) -> bool:
    return len(a) == len(b) and all(
        len(x) == len(y) and all(len(rx) == len(ry) for rx, ry in zip(x, y)) for x, y in zip(a, b)
    )


def _close(a: Any, b: Any, atol: float, rtol: float) -> bool:
    """`a` equals the number `b` (exactly for ints; float round-off never counts as a difference)."""
    return close(a, b, max(atol, FLOAT_ATOL), rtol)


def _numbers(submitted: Submitted) -> list[Any]:
    return [v for block in submitted for row in block for v in row if v is not None]


def all_zero(submitted: Submitted) -> bool:
    """Every number written is 0 (blank cells aside), and at least one is written."""
    numbers = _numbers(submitted)
    return bool(numbers) and all(_close(v, 0, 0.0, 0.0) for v in numbers)


@lru_cache(maxsize=512)
def _predictions(kind: ProblemType[Any], mistakes: tuple[Mistake[Any], ...], params: Any) -> list[Any]:
    """The type's predictions (cached: a batch or a benchmark asks for one problem's many times)."""
    return kind.predictions(params)


def predictions_of(kind: ProblemType[Any], params: Any) -> list[tuple[Mistake[Any], Blocks]]:
    """`kind.predictions(params)`, cached when the parameters are hashable."""
    try:
        return list(_predictions(kind, kind.mistakes, params))
    except TypeError:  # unhashable parameters
        return kind.predictions(params)


def diagnosis(
    kind: ProblemType[Any],
    params: Any,
    answer: Blocks,
    submitted: Submitted,
    *,
    atol: float = 0.0,
    rtol: float = 0.0,
) -> Diagnosis:
    """The modelled mistake that explains a wrong answer, with its cells and slips; NO_DIAGNOSIS if none.

    `submitted` holds numbers, None for blank or unreadable cells (which never match). Candidates
    are ranked by fewest slips, then most explained cells, then the type's order; when two rules
    with different predictions explain the answer equally well, none is named.
    """
    if same_answer(submitted, answer, atol=atol, rtol=rtol):
        return NO_DIAGNOSIS
    if not _numbers(submitted):
        return NO_DIAGNOSIS
    if all_zero(submitted):
        return Diagnosis(None, note=ALL_ZERO_NOTE)
    refs = _refs(submitted)
    if refs is None:
        return NO_DIAGNOSIS
    for rule in kind.mistakes:
        if rule.accepts is not None and rule.accepts(params, submitted):
            return Diagnosis(rule, tuple(refs))
    right_shape = _same_shape(submitted, answer)
    allowance = slip_allowance(len(refs))
    ranked: list[tuple[int, int, int, Diagnosis, Blocks]] = []
    for order, (rule, predicted) in enumerate(predictions_of(kind, params)):
        if rule.accepts is not None or same_answer(predicted, answer, atol=atol, rtol=rtol):
            continue
        if not _same_shape(submitted, predicted):
            continue
        explained, slips = [], []
        for b, r, c in refs:
            mine, theirs = submitted[b][r][c], predicted[b][r][c]
            if mine is None or not _close(mine, theirs, atol, rtol):
                slips.append((b, r, c))
            elif not right_shape or not _close(mine, answer[b][r][c], atol, rtol):
                explained.append((b, r, c))
        enough = len(explained) > EVIDENCE_PER_SLIP * len(slips)
        if slips and len(explained) < MIN_EVIDENCE_WITH_SLIPS:
            enough = False
        if len(slips) <= allowance and enough:
            found = Diagnosis(rule, tuple(explained), tuple(slips))
            ranked.append((len(slips), -len(explained), order, found, predicted))
    if not ranked:
        return NO_DIAGNOSIS
    ranked.sort(key=lambda item: item[:3])
    best = ranked[0]
    for other in ranked[1:]:
        if other[0] != best[0]:
            break
        if not same_answer(other[4], best[4], atol=atol, rtol=rtol):
            return NO_DIAGNOSIS  # two different mistakes fit as well: naming one would be a guess
    return best[3]


def diagnose(
    kind: ProblemType[Any],
    params: Any,
    answer: Blocks,
    submitted: Submitted,
    *,
    atol: float = 0.0,
    rtol: float = 0.0,
) -> Mistake[Any] | None:
    """The modelled mistake that explains a wrong answer, or None (see `diagnosis`)."""
    return diagnosis(kind, params, answer, submitted, atol=atol, rtol=rtol).mistake
