"""Naming a wrong answer: compare it with the answers the problem type's modelled mistakes predict.

The rules themselves live beside their problem type (`ProblemType.mistakes`); this module only
matches. Grading calls `diagnose` for every answer that is not fully right.
"""

from __future__ import annotations

from typing import Any

from exercisegen.problems.base import FLOAT_ATOL, Blocks, Mistake, ProblemType, Submitted, close, same_answer


def _cells(a: Any, b: Any) -> list[tuple[Any, Any]] | None:
    """Pairs of cells of two block lists at the same positions, or None if their shapes differ."""
    if len(a) != len(b):
        return None
    pairs: list[tuple[Any, Any]] = []
    for block_a, block_b in zip(a, b):
        if len(block_a) != len(block_b):
            return None
        for row_a, row_b in zip(block_a, block_b):
            if len(row_a) != len(row_b):
                return None
            pairs.extend(zip(row_a, row_b))
    return pairs


def _close(a: Any, b: Any, atol: float, rtol: float) -> bool:
    """`a` equals the number `b` (exactly for ints; float round-off never counts as a difference)."""
    return close(a, b, max(atol, FLOAT_ATOL), rtol)


def diagnose(
    kind: ProblemType[Any],
    params: Any,
    answer: Blocks,
    submitted: Submitted,
    *,
    atol: float = 0.0,
    rtol: float = 0.0,
) -> Mistake[Any] | None:
    """The modelled mistake that explains a wrong answer, or None.

    `submitted` holds numbers, None for blank or unreadable cells (which never match). A rule matches
    when its prediction equals `submitted` in full, or (same shape) in every cell where the prediction
    differs from the right answer. Full matches win (in the type's order), then the partial match with
    the most such cells.
    """
    if same_answer(submitted, answer, atol=atol, rtol=rtol):
        return None
    best: Mistake[Any] | None = None
    best_cells = 0
    for rule, predicted in kind.predictions(params):
        if same_answer(predicted, answer, atol=atol, rtol=rtol):
            continue
        if same_answer(submitted, predicted, atol=atol, rtol=rtol):
            return rule
        differing = _cells(predicted, answer)
        mine = _cells(submitted, predicted)
        if differing is None or mine is None:
            continue
        telling = [i for i, (p, a) in enumerate(differing) if not _close(p, a, atol, rtol)]
        if len(telling) > best_cells and all(_close(mine[i][0], mine[i][1], atol, rtol) for i in telling):
            best, best_cells = rule, len(telling)
    return best
