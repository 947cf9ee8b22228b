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

    kind: str  # "scatter" | "scatter_compact" | "gather" | "matrix" | "window" | "window_compact" |
    #            "channel_sum" | "matrix_row" | "formula" | "text"
    title: str
    view: Any  # ScatterView | GatherView | MatrixView | WindowView | ChannelSum | MatrixRow | ShapeSteps | str
    result: str = "the output"  # what the view's last grid is, e.g. "input channel 1's part of output channel 0"


@dataclass(frozen=True)
class ChannelPart:
    """What one input channel adds to an output channel (its own single-channel result)."""

    in_channel: int
    values: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class ChannelSum:
    """One output channel as the sum of its input channels' parts."""

    out_channel: int
    parts: tuple[ChannelPart, ...]
    total: tuple[tuple[Any, ...], ...]  # the output channel: the cell-by-cell sum of the parts


@dataclass(frozen=True)
class RowEntry:
    """One kernel weight in a row of the convolution matrix C: the input cell it covers and C's column."""

    a: int
    b: int
    weight: Any
    cell: Pair | None  # input cell (row, col); None when the weight lies on the padding
    column: int | None  # row·W + col, the column of C it is added into


@dataclass(frozen=True)
class MatrixRow:
    """How one row of C is built: the output cell, where its window starts, each kernel weight's column."""

    row: int
    out_cell: Pair
    start: Pair  # window's top-left in input coordinates (negative inside the padding)
    input_size: Pair
    stride: Pair
    padding: Pair
    entries: tuple[RowEntry, ...]
    values: tuple[Any, ...]  # the row of C


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


def matrix_row(
    input_size: Pair, kernel: Sequence[Sequence[Any]], stride: Pair, padding: Pair, out_cell: Pair, out_width: int
) -> MatrixRow:
    """Row i·W_out + j of a conv2d's matrix C (no dilation), built weight by weight from the window."""
    (h, w), (i, j) = input_size, out_cell
    top, left = i * stride[0] - padding[0], j * stride[1] - padding[1]
    values: list[Any] = [0] * (h * w)
    entries = []
    for a, kernel_row in enumerate(kernel):
        for b, weight in enumerate(kernel_row):
            r, c = top + a, left + b
            inside = 0 <= r < h and 0 <= c < w
            column = r * w + c if inside else None
            if column is not None:
                values[column] += weight
            entries.append(RowEntry(a, b, weight, (r, c) if inside else None, column))
    return MatrixRow(
        row=i * out_width + j,
        out_cell=out_cell,
        start=(top, left),
        input_size=input_size,
        stride=stride,
        padding=padding,
        entries=tuple(entries),
        values=tuple(values),
    )


def cell_name(letter: str, r: int, c: int) -> str:
    """`x01` for cell (0, 1); `x1,12` once an index has two digits."""
    return f"{letter}{r}{c}" if r < 10 and c < 10 else f"{letter}{r},{c}"
