"""Problem types: one module per type, all with the same small interface.

A problem-type module exposes:

* `NAME` -- the `type:` word in a spec;
* `FIELDS: dict[str, Field]` -- the spec fields it accepts (validated by `spec.py`);
* `VIEWS` / `DEFAULT_VIEWS` -- the explanation views `show_steps` may name, and the default;
* `draw(spec, rng) -> dict | None` -- draw parameters (plain JSON types, PyTorch names), None if rejected;
* `solve(params) -> list` -- the answer as a nested list of numbers;
* `statement(params) -> str` -- the task in words;
* `answer_layout(params) -> AnswerLayout` -- what the student fills in (blocks of cells, labels);
* `explain(params, views) -> tuple[Explanation, ...]` -- the step views for the solution;
* `mark(params, answer, submitted, atol, rtol) -> tuple[tuple[tuple[bool, ...], ...], ...]` --
  per-cell correctness of a well-shaped submission (blocks, rows, cells; the design type accepts
  any valid choice);
* optionally `comment(params, submitted) -> str | None` -- one sentence about a wrong answer that
  the mistake library cannot name (the design type says what the student's choice produces).

Adding a type = adding a module and a line in `_MODULES`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

_MODULES = {
    "transposed_conv": "exercisegen.problems.transposed_conv",
    "conv": "exercisegen.problems.conv",
    "output_shape": "exercisegen.problems.output_shape",
    "design": "exercisegen.problems.design",
    "conv_matrix": "exercisegen.problems.conv_matrix",
}

TYPE_NAMES: tuple[str, ...] = tuple(_MODULES)


def problem_type(name: str) -> ModuleType:
    """Return the module implementing problem type `name` (KeyError if unknown)."""
    return importlib.import_module(_MODULES[name])


@dataclass(frozen=True)
class AnswerLayout:
    """What a student fills in for one problem: blocks (channels) of rows × cols cells."""

    blocks: tuple[tuple[int, int], ...]  # (rows, cols) of each block; one block per output channel
    labels: tuple[str, ...] = ()  # for one-row answers: a label per cell ("H_out", "W_out")
    block_titles: tuple[str, ...] = ()  # e.g. ("output channel 0", "output channel 1"); empty if one block
    hint: str = ""  # one line for the answer sheet, e.g. "order: stride padding output_padding"
    # When the output size is part of the question the worksheet must not give it away: it draws
    # `canvas` (rows, cols) boxes per block instead, and trailing empty rows/columns are ignored.
    reveal_shape: bool = True
    canvas: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ShapeStep:
    """The output-size formula for one direction, in symbols and with this problem's numbers."""

    direction: str  # "H" or "W" (or "size" for square design problems)
    symbols: str
    filled: str  # e.g. "(2−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 3"
    result: int


@dataclass(frozen=True)
class Explanation:
    """One titled explanation view of a problem's solution (`kind` names the record type)."""

    kind: str  # "scatter" | "gather" | "matrix" | "window" | "formula" | "text"
    title: str
    view: Any  # ScatterView | GatherView | MatrixView | WindowView | tuple[ShapeStep, ...] | str
