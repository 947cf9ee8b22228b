"""Problem type `output_shape`: give only the output size (H_out, W_out) of either operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.notation import fmt_pair, shape_formula, shape_formula_symbols
from exercisegen.problems import AnswerLayout, Explanation, ShapeStep
from exercisegen.problems._common import as_pair, draw_value, fmt_size, mark_cells, overlap_ok

if TYPE_CHECKING:
    from exercisegen.spec import ProblemSpec

from exercisegen.fields import Field, dilation_field, output_padding_field, padding_field, stride_field

NAME = "output_shape"
FIELDS: dict[str, Field] = {
    "operation": Field("word", default="transposed", options=("transposed", "conv")),
    "input_size": Field("pair", required=True, minimum=1),
    "kernel_size": Field("pair", required=True, minimum=1),
    "stride": stride_field(),
    "padding": padding_field(),
    "output_padding": output_padding_field(),
    "dilation": dilation_field(),
}
VIEWS = ("formula",)
DEFAULT_VIEWS = ("formula",)


def draw(spec: "ProblemSpec", rng: Any) -> dict[str, Any] | None:
    """Draw the operation and its sizes; None when the output would be empty or too large."""
    field = spec.field
    operation = draw_value(field("operation"), rng)
    params: dict[str, Any] = {
        "operation": operation,
        "input_size": draw_value(field("input_size"), rng),
        "kernel_size": draw_value(field("kernel_size"), rng),
        "stride": draw_value(field("stride"), rng),
        "padding": draw_value(field("padding"), rng),
        "output_padding": draw_value(field("output_padding"), rng) if operation == "transposed" else 0,
        "dilation": draw_value(field("dilation"), rng),
    }
    try:
        h, w = solve(params)[0]
    except ParameterError:
        return None
    limit = spec.constraints.max_output_size
    if limit is not None and max(h, w) > limit:
        return None
    if spec.constraints.min_output_size is not None and min(h, w) < spec.constraints.min_output_size:
        return None
    if spec.constraints.overlap and not overlap_ok(
        as_pair(params["kernel_size"]), as_pair(params["stride"]), as_pair(params["dilation"])
    ):
        return None
    if spec.constraints.distinct_from_mistakes:
        from exercisegen.mistakes import confusable

        if confusable(NAME, params, solve(params)):
            return None
    return params


def solve(params: dict[str, Any]) -> list[Any]:
    """[[H_out, W_out]]."""
    from exercisegen.solver import output_shape

    h, w = output_shape(
        params["operation"],
        params["input_size"],
        params["kernel_size"],
        stride=params["stride"],
        padding=params["padding"],
        output_padding=params["output_padding"],
        dilation=params["dilation"],
    )
    return [[h, w]]


def statement(params: dict[str, Any]) -> str:
    """The task in words."""
    if params["operation"] == "transposed":
        what = "A transposed convolution (conv_transpose2d)"
        extra = f", output_padding {fmt_pair(params['output_padding'])}"
    else:
        what = "A convolution (conv2d)"
        extra = ""
    return (
        f"{what} with a {fmt_size(params['kernel_size'])} kernel, stride {fmt_pair(params['stride'])}, "
        f"padding {fmt_pair(params['padding'])}{extra} and dilation {fmt_pair(params['dilation'])} "
        f"is applied to a {fmt_size(params['input_size'])} input. What is the size of the output "
        "(H_out rows, W_out columns)?"
    )


def answer_layout(params: dict[str, Any]) -> AnswerLayout:
    """Two labeled boxes."""
    return AnswerLayout(blocks=((1, 2),), labels=("H_out", "W_out"), hint="order: H_out W_out")


def explain(params: dict[str, Any], views: tuple[str, ...]) -> tuple[Explanation, ...]:
    """The filled-in formula for each direction."""
    (h, w), = solve(params)
    size, k = as_pair(params["input_size"]), as_pair(params["kernel_size"])
    s, p = as_pair(params["stride"]), as_pair(params["padding"])
    op, d = as_pair(params["output_padding"]), as_pair(params["dilation"])
    operation = params["operation"]
    steps = tuple(
        ShapeStep(
            direction=name,
            symbols=shape_formula_symbols(operation),
            filled=shape_formula(operation, size[a], k[a], s[a], p[a], d[a], op[a], result),
            result=result,
        )
        for a, name, result in ((0, "H", h), (1, "W", w))
    )
    return (Explanation("formula", "Output size", steps),) if "formula" in views else ()


def mark(params: dict[str, Any], answer: list[Any], submitted: Any, atol: float, rtol: float) -> Any:
    """Each size exact."""
    return mark_cells(answer, submitted, 0.0, 0.0)
