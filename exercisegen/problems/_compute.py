"""What `transposed_conv` and `conv` share: drawing, constraints, solving, explaining, marking."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.notation import fmt_pair, shape_formula, shape_formula_symbols
from exercisegen.problems import AnswerLayout, Explanation, ShapeStep
from exercisegen.problems._common import (
    as_pair,
    draw_matrix,
    draw_value,
    grid_blocks,
    kernel_ok,
    layout_of_grid,
    mark_cells,
    overlap_ok,
)

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec import ProblemSpec


def draw(spec: "ProblemSpec", rng: "np.random.Generator", transposed: bool) -> dict[str, Any] | None:
    """Draw input, kernel and parameters; None when the draw breaks a rule or a constraint."""
    field = spec.field
    stride = draw_value(field("stride"), rng)
    padding = draw_value(field("padding"), rng)
    dilation = draw_value(field("dilation"), rng)
    groups = int(draw_value(field("groups"), rng))
    c_in = int(draw_value(field("in_channels"), rng))
    c_out = int(draw_value(field("out_channels"), rng))
    if c_in % groups or c_out % groups:
        return None
    single = c_in == 1 and c_out == 1 and groups == 1
    if transposed:
        kernel_lead = () if single else (c_in, c_out // groups)
    else:
        kernel_lead = () if single else (c_out, c_in // groups)
    params: dict[str, Any] = {
        "input": draw_matrix(field("input"), rng, () if single else (c_in,)),
        "kernel": draw_matrix(field("kernel"), rng, kernel_lead),
        "stride": stride,
        "padding": padding,
    }
    if transposed:
        params["output_padding"] = draw_value(field("output_padding"), rng)
    params["dilation"] = dilation
    params["groups"] = groups
    if field("ask_shape"):
        params["ask_shape"] = True
    try:
        answer = solve(params, transposed)
    except ParameterError:
        return None
    if not _meets_constraints(spec, params, answer, transposed):
        return None
    return params


def _meets_constraints(spec: "ProblemSpec", params: dict[str, Any], answer: list[Any], transposed: bool) -> bool:
    c = spec.constraints
    blocks = grid_blocks(answer)
    if c.max_output_size is not None and max(len(blocks[0]), len(blocks[0][0])) > c.max_output_size:
        return False
    if c.min_output_size is not None and min(len(blocks[0]), len(blocks[0][0])) < c.min_output_size:
        return False
    if not kernel_ok(params["kernel"], c.nonzero_kernel, c.asymmetric_kernel):
        return False
    if c.overlap:
        k2 = _kernel_size(params)
        if not overlap_ok(k2, as_pair(params["stride"]), as_pair(params["dilation"])):
            return False
    if c.distinct_from_mistakes:
        from exercisegen.mistakes import confusable

        if confusable("transposed_conv" if transposed else "conv", params, answer):
            return False
    return True


def _kernel_size(params: dict[str, Any]) -> tuple[int, int]:
    kernel = params["kernel"]
    while isinstance(kernel[0][0], list):
        kernel = kernel[0]
    return (len(kernel), len(kernel[0]))


def _input_size(params: dict[str, Any]) -> tuple[int, int]:
    x = params["input"]
    while isinstance(x[0][0], list):
        x = x[0]
    return (len(x), len(x[0]))


def _channels(params: dict[str, Any]) -> int:
    x = params["input"]
    return len(x) if isinstance(x[0][0], list) else 1


def solve(params: dict[str, Any], transposed: bool) -> list[Any]:
    """The output grid as a nested list."""
    from exercisegen.solver import conv2d, conv_transpose2d

    common = dict(
        stride=params["stride"],
        padding=params["padding"],
        dilation=params["dilation"],
        groups=params["groups"],
    )
    if transposed:
        out = conv_transpose2d(params["input"], params["kernel"], output_padding=params["output_padding"], **common)
    else:
        out = conv2d(params["input"], params["kernel"], **common)
    return out.tolist()


def describe_parameters(params: dict[str, Any], transposed: bool) -> str:
    """`stride 2, padding 1, output_padding 0` plus dilation/groups when they are not 1."""
    parts = [f"stride {fmt_pair(params['stride'])}", f"padding {fmt_pair(params['padding'])}"]
    if transposed:
        parts.append(f"output_padding {fmt_pair(params['output_padding'])}")
    if as_pair(params["dilation"]) != (1, 1):
        parts.append(f"dilation {fmt_pair(params['dilation'])}")
    if params["groups"] != 1:
        parts.append(f"groups {params['groups']}")
    return ", ".join(parts)


def statement(params: dict[str, Any], transposed: bool) -> str:
    """The task in words."""
    what = (
        "the transposed convolution (PyTorch's conv_transpose2d)"
        if transposed
        else "the convolution (PyTorch's conv2d: a cross-correlation, the kernel is not flipped)"
    )
    text = f"Compute the output of {what} of the input with the kernel, {describe_parameters(params, transposed)}."
    channels = _channels(params)
    if channels > 1 or params["groups"] != 1:
        layout = "(C_in, C_out/groups, kH, kW)" if transposed else "(C_out, C_in/groups, kH, kW)"
        text += (
            f" The input has {channels} channels; the kernel is laid out as {layout}."
            " Write one output grid per output channel."
        )
    elif params.get("ask_shape"):
        text += (
            " The size of the output is part of the question: work it out, then write the grid into the"
            " top-left corner of the answer area and leave the boxes outside it empty."
        )
    else:
        text += " Write the whole output grid."
    return text


def answer_layout(params: dict[str, Any], transposed: bool) -> AnswerLayout:
    """One block per output channel, shaped like the output (hidden when the size is asked too)."""
    layout = layout_of_grid(solve(params, transposed))
    if not params.get("ask_shape"):
        return layout
    return dataclasses.replace(layout, reveal_shape=False, canvas=hidden_canvas(layout.blocks))


def hidden_canvas(blocks: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    """A square box area that holds the answer without telling its size: 8×8, or the next multiple
    of 4 above the largest side plus one (so the last row and column are never all used)."""
    largest = max(max(rows, cols) for rows, cols in blocks)
    side = 8 if largest < 8 else 4 * (largest // 4 + 1)
    return (side, side)


def shape_steps(params: dict[str, Any], transposed: bool) -> tuple[ShapeStep, ...]:
    """The output-size formula for H and W with this problem's numbers."""
    operation = "transposed" if transposed else "conv"
    size, k = _input_size(params), _kernel_size(params)
    s, p, d = as_pair(params["stride"]), as_pair(params["padding"]), as_pair(params["dilation"])
    op = as_pair(params.get("output_padding", 0))
    out = grid_blocks(solve(params, transposed))[0]
    result = (len(out), len(out[0]))
    return tuple(
        ShapeStep(
            direction=name,
            symbols=shape_formula_symbols(operation),
            filled=shape_formula(operation, size[a], k[a], s[a], p[a], d[a], op[a], result[a]),
            result=result[a],
        )
        for a, name in ((0, "H"), (1, "W"))
    )


def explain(params: dict[str, Any], views: tuple[str, ...], transposed: bool) -> tuple[Explanation, ...]:
    """The shape formula, then each requested view for every (output, input) channel pair."""
    from exercisegen.steps import MAX_MATRIX_CELLS, gather_view, matrix_view, scatter_view, window_view

    out: list[Explanation] = [Explanation("formula", "Output size", shape_steps(params, transposed))]
    kw: dict[str, Any] = dict(stride=params["stride"], padding=params["padding"], dilation=params["dilation"])
    if transposed:
        kw["output_padding"] = params["output_padding"]
    pairs = list(_channel_pairs(params, transposed))
    size = _input_size(params)
    out_grid = grid_blocks(solve(params, transposed))[0]
    matrix_fits = size[0] * size[1] * len(out_grid) * len(out_grid[0]) <= MAX_MATRIX_CELLS
    for view in views:
        for title, x2, w2 in pairs:
            suffix = f" ({title})" if title else ""
            if view == "scatter" and transposed:
                title = "Scatter: each input element stamps a scaled kernel" + suffix
                out.append(Explanation("scatter", title, scatter_view(x2, w2, **kw)))
            elif view == "gather" and transposed:
                title = "Gather: zero-insert, border, rotated kernel" + suffix
                out.append(Explanation("gather", title, gather_view(x2, w2, **kw)))
            elif view == "window" and not transposed:
                out.append(Explanation("window", "Window by window" + suffix, window_view(x2, w2, **kw)))
            elif view == "matrix" and matrix_fits:
                view_record = matrix_view(x2, w2, transposed=transposed, **kw)
                out.append(Explanation("matrix", "Matrix view" + suffix, view_record))
            elif view == "matrix":
                note = "The matrix view is left out: the matrix would be too large to print."
                out.append(Explanation("text", "Matrix view" + suffix, note))
    if len(pairs) > 1:
        out.append(
            Explanation(
                "text",
                "Channels",
                "Each output channel is the sum of the contributions of the input channels in its group.",
            )
        )
    return tuple(out)


def _channel_pairs(params: dict[str, Any], transposed: bool) -> Any:
    """(title, 2-D input, 2-D kernel) for every pair of channels that contributes."""
    x, w, g = params["input"], params["kernel"], params["groups"]
    if not isinstance(x[0][0], list):
        yield "", x, w
        return
    c_in = len(x)
    cin_g = c_in // g
    if transposed:
        cout_g = len(w[0])
        for ci in range(c_in):
            grp = ci // cin_g
            for j in range(cout_g):
                co = grp * cout_g + j
                yield f"input channel {ci} → output channel {co}", x[ci], w[ci][j]
    else:
        c_out = len(w)
        cout_g = c_out // g
        for co in range(c_out):
            grp = co // cout_g
            for j in range(cin_g):
                ci = grp * cin_g + j
                yield f"input channel {ci} → output channel {co}", x[ci], w[co][j]


def mark(params: dict[str, Any], answer: list[Any], submitted: Any, atol: float, rtol: float) -> Any:
    """Cell by cell against the key."""
    return mark_cells(answer, submitted, atol, rtol)
