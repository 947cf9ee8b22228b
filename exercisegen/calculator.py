"""The `solve` calculator: one single-channel operation with its shape formula and step views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from exercisegen.explanations import matrix_fits, size_formula_steps
from exercisegen.notation import Number
from exercisegen.solver import conv2d, conv_transpose2d, pair
from exercisegen.steps import (
    GatherView,
    MatrixView,
    ScatterView,
    WindowView,
    gather_view,
    matrix_view,
    scatter_view,
    window_view,
)

View = Union[ScatterView, GatherView, MatrixView, WindowView]


@dataclass(frozen=True)
class Solution:
    """Everything `exercisegen solve` shows: inputs, output, filled-in shape formulas and views."""

    operation: str  # "transposed" | "conv"
    input: list[list[Number]]
    kernel: list[list[Number]]
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    output: list[list[Number]]
    formulas: tuple[str, str]  # H_out, W_out with the numbers filled in
    views: tuple[tuple[str, View], ...]


def solve_single(
    operation: str,
    x: list[list[Number]],
    w: list[list[Number]],
    *,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    with_steps: bool = False,
) -> Solution:
    """Solve one single-channel conv / transposed conv; with_steps adds every view that fits."""
    kwargs = dict(stride=stride, padding=padding, dilation=dilation)
    if operation == "transposed":
        out = conv_transpose2d(x, w, output_padding=output_padding, **kwargs).tolist()
    else:
        out = conv2d(x, w, **kwargs).tolist()
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    op = pair(output_padding, "output_padding")
    sizes = (len(x), len(x[0]))
    ksizes = (len(w), len(w[0]))
    results = (len(out), len(out[0]))
    formulas = tuple(step.filled for step in size_formula_steps(operation, sizes, ksizes, s, p, d, op, results))
    views: list[tuple[str, View]] = []
    if with_steps:
        if operation == "transposed":
            views.append(("scatter", scatter_view(x, w, output_padding=output_padding, **kwargs)))
            views.append(("gather", gather_view(x, w, output_padding=output_padding, **kwargs)))
        else:
            views.append(("window", window_view(x, w, **kwargs)))
        if matrix_fits(sizes, results):
            views.append(
                (
                    "matrix",
                    matrix_view(
                        x, w, transposed=operation == "transposed", output_padding=output_padding, **kwargs
                    ),
                )
            )
    return Solution(
        operation=operation,
        input=x,
        kernel=w,
        stride=s,
        padding=p,
        output_padding=op,
        dilation=d,
        output=out,
        formulas=(formulas[0], formulas[1]),
        views=tuple(views),
    )
