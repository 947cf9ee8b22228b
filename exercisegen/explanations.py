"""Explanation records a problem type hands the renderers: titled views and the output-size formula.

`size_formula_steps` is the one place the output-size formula is filled in with a problem's numbers
(the solution PDFs, `solve`, and every problem type use it); `matrix_fits` is the one place that
decides whether a problem's sizes allow the matrix view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exercisegen.notation import shape_formula, shape_formula_symbols

Pair = tuple[int, int]

MAX_MATRIX_CELLS = 4096  # the matrix view is for small sizes only (C has at most this many entries)


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


def size_formula_steps(
    operation: str,
    input_size: Sequence[int],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    output_padding: Sequence[int],
    result: Sequence[int],
    directions: Sequence[str] = ("H", "W"),
) -> tuple[ShapeStep, ...]:
    """The output-size formula (operation "transposed" or "conv") for each direction with the numbers
    filled in; `directions` ("H", "W") or ("size",) for a square problem stated once."""
    return tuple(
        ShapeStep(
            direction=name,
            symbols=shape_formula_symbols(operation),
            filled=shape_formula(
                operation,
                input_size[a],
                kernel_size[a],
                stride[a],
                padding[a],
                dilation[a],
                output_padding[a],
                result[a],
            ),
            result=result[a],
        )
        for a, name in enumerate(directions)
    )


def matrix_fits(input_size: Pair, output_size: Pair) -> bool:
    """Whether the matrix view (C has one row per output cell, one column per input cell) is printable."""
    return input_size[0] * input_size[1] * output_size[0] * output_size[1] <= MAX_MATRIX_CELLS
