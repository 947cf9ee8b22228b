"""Problem type `output_shape`: give only the output size (H_out, W_out) of either operation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation, size_formula_steps
from exercisegen.fields import (
    MAX_FORMULA_SIZE,
    MAX_SIZE,
    Field,
    dilation_field,
    output_padding_field,
    padding_field,
    stride_field,
)
from exercisegen.notation import fmt_pair, shape_formula_symbols
from exercisegen.problems.base import AnswerLayout, Blocks, Mistake, Pair, ProblemType, as_pair, pair_json
from exercisegen.problems.drawing import draw_pair, draw_value, one_row, overlap_ok, size_ok

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec


@dataclass(frozen=True)
class ShapeParams:
    """One operation's sizes and parameters, each an (h, w) pair."""

    operation: str  # "transposed" | "conv"
    input_size: Pair
    kernel_size: Pair
    stride: Pair
    padding: Pair
    output_padding: Pair  # (0, 0) for a convolution
    dilation: Pair


def _fmt_size(value: Pair) -> str:
    return f"{value[0]}\u00d7{value[1]}"


class OutputShape(ProblemType[ShapeParams]):
    """H_out and W_out from the size formula of conv2d or conv_transpose2d."""

    name = "output_shape"
    fields = {
        "operation": Field(
            "word", default="transposed", options=("transposed", "conv"), help="which operation's output size"
        ),
        "input_size": Field(
            "pair",
            required=True,
            minimum=1,
            maximum=MAX_FORMULA_SIZE,
            help="input height and width (an int for a square)",
        ),
        "kernel_size": Field(
            "pair", required=True, minimum=1, maximum=MAX_SIZE, help="kernel height and width (an int for a square)"
        ),
        "stride": stride_field(),
        "padding": padding_field(),
        "output_padding": output_padding_field(),
        "dilation": dilation_field(),
    }
    views = ("formula",)
    default_views = ("formula",)
    constraints = frozenset(("max_output_size", "min_output_size", "overlap", "distinct_from_mistakes"))

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """output_padding only exists for the transposed convolution."""
        operation, op = fields["operation"], fields["output_padding"]
        smallest = op.values[:1] if op.kind == "range" else op.values
        if set(operation.values) == {"conv"} and min(sum(as_pair(v)) for v in smallest) > 0:
            return [("output_padding", "only exists for operation: transposed; remove it or set it to 0")]
        return []

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> ShapeParams | None:
        """Draw the operation and its sizes; None when the output would be empty or break a constraint."""
        field = spec.field
        operation = draw_value(field("operation"), rng)
        input_size = draw_pair(field("input_size"), rng)
        kernel_size = draw_pair(field("kernel_size"), rng)
        stride = draw_pair(field("stride"), rng)
        padding = draw_pair(field("padding"), rng)
        output_padding = draw_pair(field("output_padding"), rng) if operation == "transposed" else (0, 0)
        params = ShapeParams(
            operation, input_size, kernel_size, stride, padding, output_padding, draw_pair(field("dilation"), rng)
        )
        try:
            size = _size(params)
        except ParameterError:
            return None
        c = spec.constraints
        if not size_ok(c, size):
            return None
        if c.overlap and not overlap_ok(params.kernel_size, params.stride, params.dilation):
            return None
        if c.distinct_from_mistakes and self.confusable(params, one_row(size)):
            return None
        return params

    def solve(self, params: ShapeParams) -> Blocks:
        """[[H_out, W_out]]."""
        return one_row(_size(params))

    def params_to_json(self, params: ShapeParams) -> dict[str, Any]:
        """operation, input_size, kernel_size, stride, padding, output_padding, dilation."""
        return {
            "operation": params.operation,
            "input_size": pair_json(params.input_size),
            "kernel_size": pair_json(params.kernel_size),
            "stride": pair_json(params.stride),
            "padding": pair_json(params.padding),
            "output_padding": pair_json(params.output_padding),
            "dilation": pair_json(params.dilation),
        }

    def params_from_json(self, doc: dict[str, Any]) -> ShapeParams:
        """The record from key.json."""
        operation = str(doc["operation"])
        if operation not in ("transposed", "conv"):
            raise ValueError(f"unknown operation {operation!r}")
        names = ("input_size", "kernel_size", "stride", "padding", "output_padding", "dilation")
        return ShapeParams(operation, *(as_pair(doc[n]) for n in names))

    def statement(self, params: ShapeParams) -> str:
        """The task in words."""
        if params.operation == "transposed":
            what = "A transposed convolution (conv_transpose2d)"
            extra = f", output_padding {fmt_pair(params.output_padding)}"
        else:
            what = "A convolution (conv2d)"
            extra = ""
        return (
            f"{what} with a {_fmt_size(params.kernel_size)} kernel, stride {fmt_pair(params.stride)}, "
            f"padding {fmt_pair(params.padding)}{extra} and dilation {fmt_pair(params.dilation)} "
            f"is applied to a {_fmt_size(params.input_size)} input. What is the size of the output "
            "(H_out rows, W_out columns)?"
        )

    def layout(self, params: ShapeParams) -> AnswerLayout:
        """Two labeled boxes."""
        return AnswerLayout(blocks=((1, 2),), labels=("H_out", "W_out"), hint="order: H_out W_out")

    def describe_answer(self, params: ShapeParams) -> str:
        """For the answer sheet."""
        return "output size"

    def explain(self, params: ShapeParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The filled-in formula for each direction."""
        if "formula" not in views:
            return ()
        p = params
        steps = size_formula_steps(
            p.operation, p.input_size, p.kernel_size, p.stride, p.padding, p.dilation, p.output_padding, _size(p)
        )
        return (Explanation("formula", "Output size", steps),)

    def mark(self, params: ShapeParams, answer: Blocks, submitted: Any, atol: float, rtol: float) -> Any:
        """Each size exact (tolerances do not apply to sizes)."""
        return super().mark(params, answer, submitted, 0.0, 0.0)


def _size(params: ShapeParams) -> Pair:
    from exercisegen.solver import output_shape

    return output_shape(
        params.operation,
        params.input_size,
        params.kernel_size,
        stride=params.stride,
        padding=params.padding,
        output_padding=params.output_padding,
        dilation=params.dilation,
    )


# --- mistakes ------------------------------------------------------------------------------------


def _positive(h: int, w: int) -> Blocks | None:
    return one_row((h, w)) if h >= 1 and w >= 1 else None


def shape_added_padding(params: ShapeParams) -> Blocks | None:
    """(i − 1)·s + 2p + d·(k − 1) + output_padding + 1: padding added instead of cropped."""
    i, k, s, p, d = params.input_size, params.kernel_size, params.stride, params.padding, params.dilation
    op = params.output_padding
    if params.operation != "transposed" or p == (0, 0):
        return None
    h, w = ((i[a] - 1) * s[a] + 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1 for a in (0, 1))
    return _positive(h, w)


def shape_conv_formula(params: ShapeParams) -> Blocks | None:
    """The convolution's ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 used for a transposed convolution."""
    i, k, s, p, d = params.input_size, params.kernel_size, params.stride, params.padding, params.dilation
    if params.operation != "transposed":
        return None
    h, w = ((i[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in (0, 1))
    return _positive(h, w)


def shape_transposed_formula(params: ShapeParams) -> Blocks | None:
    """The transposed convolution's (i − 1)·s − 2p + d·(k − 1) + 1 used for a convolution."""
    i, k, s, p, d = params.input_size, params.kernel_size, params.stride, params.padding, params.dilation
    if params.operation != "conv":
        return None
    h, w = ((i[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + 1 for a in (0, 1))
    return _positive(h, w)


def shape_ignored_dilation(params: ShapeParams) -> Blocks | None:
    """k used instead of the dilated extent d·(k − 1) + 1."""
    if params.dilation == (1, 1):
        return None
    try:
        return one_row(_size(replace(params, dilation=(1, 1))))
    except ParameterError:
        return None


def shape_ceil(params: ShapeParams) -> Blocks | None:
    """The convolution's size rounded up: ⌈(i + 2p − d·(k − 1) − 1)/s⌉ + 1."""
    i, k, s, p, d = params.input_size, params.kernel_size, params.stride, params.padding, params.dilation
    if params.operation != "conv":
        return None
    spans = [i[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1 for a in (0, 1)]
    if all(spans[a] % s[a] == 0 for a in (0, 1)):
        return None
    h, w = (-(-spans[a] // s[a]) + 1 for a in (0, 1))
    return _positive(h, w)


def shape_ignored_output_padding(params: ShapeParams) -> Blocks | None:
    """The transposed convolution's size without output_padding."""
    if params.operation != "transposed" or params.output_padding == (0, 0):
        return None
    return one_row(_size(replace(params, output_padding=(0, 0))))


def shape_input_times_stride(params: ShapeParams) -> Blocks | None:
    """i·s: the input size multiplied by the stride, kernel and padding left out."""
    i, s = params.input_size, params.stride
    if params.operation != "transposed":
        return None
    return _positive(i[0] * s[0], i[1] * s[1])


def shape_missing_plus_one(params: ShapeParams) -> Blocks | None:
    """The right formula without its final + 1."""
    if params.operation == "transposed" and params.output_padding == (1, 1):
        return None  # the same answer as shape_ignored_output_padding, which names it
    try:
        h, w = _size(params)
    except ParameterError:
        return None
    return _positive(h - 1, w - 1)


_T_SIZE = f"H_out = {shape_formula_symbols('transposed')}"
_C_SIZE = f"H_out = {shape_formula_symbols('conv')}"

OutputShape.mistakes = (
    Mistake(
        "shape_added_padding",
        "You added the padding to the output size",
        f"in a transposed convolution padding crops: {_T_SIZE}.",
        shape_added_padding,
    ),
    Mistake(
        "shape_conv_formula",
        "You used the convolution's output-size formula",
        f"for a transposed convolution {_T_SIZE}.",
        shape_conv_formula,
    ),
    Mistake(
        "shape_transposed_formula",
        "You used the transposed convolution's output-size formula",
        f"for a convolution {_C_SIZE}.",
        shape_transposed_formula,
    ),
    Mistake(
        "shape_ignored_dilation",
        "You used k instead of the dilated kernel size",
        "with dilation d a kernel spans d·(k − 1) + 1 cells, "
        "so the formula has d·(k − 1) where k − 1 stands without dilation.",
        shape_ignored_dilation,
    ),
    Mistake(
        "shape_input_times_stride",
        "You multiplied the input size by the stride",
        f"the kernel and the padding change the size too: {_T_SIZE}.",
        shape_input_times_stride,
    ),
    Mistake(
        "shape_missing_plus_one",
        "You left out the + 1 at the end of the formula",
        "the formula counts positions, so it ends in + 1 — for a transposed convolution "
        f"{_T_SIZE}, for a convolution {_C_SIZE}.",
        shape_missing_plus_one,
    ),
    Mistake("shape_ceil", "You rounded up", f"a convolution's output size rounds down: {_C_SIZE}.", shape_ceil),
    Mistake(
        "shape_ignored_output_padding",
        "You left out output_padding",
        f"it adds to the transposed convolution's size: {_T_SIZE}.",
        shape_ignored_output_padding,
    ),
)
