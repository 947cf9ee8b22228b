"""Problem type `conv_matrix`: write the matrix C of a small convolution, or compute Cᵀ·x with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.notation import fmt_pair
from exercisegen.problems import AnswerLayout, Explanation
from exercisegen.problems._common import as_pair, draw_matrix, draw_value, kernel_ok, mark_cells
from exercisegen.solver import output_shape
from exercisegen.steps import conv_matrix, matrix_view

if TYPE_CHECKING:
    from exercisegen.spec import ProblemSpec

from exercisegen.fields import Field, padding_field, stride_field

NAME = "conv_matrix"
FIELDS: dict[str, Field] = {
    "task": Field("word", default="matrix", options=("matrix", "transpose_product")),
    "input_size": Field("pair", required=True, minimum=1),
    "kernel": Field("matrix", required=True),
    "stride": stride_field(),
    "padding": padding_field(),
    # for task transpose_product: the vector x (shaped like the conv output, so its shape is derived)
    "vector": Field("matrix", default={"values": {"int": [-2, 3]}}, shape_derived=True),
}
VIEWS = ("matrix",)
DEFAULT_VIEWS = ("matrix",)

MAX_CELLS = 400  # C must fit on a worksheet page


def draw(spec: "ProblemSpec", rng: Any) -> dict[str, Any] | None:
    """Draw the sizes and kernel (and the vector for transpose_product)."""
    field = spec.field
    params: dict[str, Any] = {
        "task": draw_value(field("task"), rng),
        "input_size": draw_value(field("input_size"), rng),
        "kernel": draw_matrix(field("kernel"), rng),
        "stride": draw_value(field("stride"), rng),
        "padding": draw_value(field("padding"), rng),
    }
    try:
        c_out = _conv_output_size(params)
    except ParameterError:
        return None
    size = as_pair(params["input_size"])
    if c_out[0] * c_out[1] * size[0] * size[1] > MAX_CELLS:
        return None
    if params["task"] == "transpose_product":
        params["vector"] = draw_matrix(field("vector"), rng, shape=c_out)
    constraints = spec.constraints
    if not kernel_ok(params["kernel"], constraints.nonzero_kernel, constraints.asymmetric_kernel):
        return None
    if constraints.max_output_size is not None and max(c_out) > constraints.max_output_size:
        return None
    if constraints.min_output_size is not None and min(c_out) < constraints.min_output_size:
        return None
    return params


def _conv_output_size(params: dict[str, Any]) -> tuple[int, int]:
    kernel = params["kernel"]
    return output_shape(
        "conv", params["input_size"], (len(kernel), len(kernel[0])), stride=params["stride"], padding=params["padding"]
    )


def _matrix(params: dict[str, Any]) -> Any:
    size = as_pair(params["input_size"])
    return conv_matrix(size, params["kernel"], stride=params["stride"], padding=params["padding"])


def _transpose_product(params: dict[str, Any]) -> Any:
    """Cᵀ·vec(vector), reshaped to the conv input size: the transposed convolution of `vector`."""
    size = as_pair(params["input_size"])
    c = _matrix(params)
    vec = [v for row in params["vector"] for v in row]
    product = [0] * (size[0] * size[1])
    for r, row in enumerate(c):
        for col, coef in enumerate(row):
            product[col] += coef * vec[r]
    return [product[i * size[1] : (i + 1) * size[1]] for i in range(size[0])]


def solve(params: dict[str, Any]) -> list[Any]:
    """C, or Cᵀ·vec(x) reshaped."""
    if params["task"] == "matrix":
        return [list(row) for row in _matrix(params)]
    return _transpose_product(params)


def statement(params: dict[str, Any]) -> str:
    """The task in words."""
    size = as_pair(params["input_size"])
    h_out, w_out = _conv_output_size(params)
    conv = (
        f"the convolution (conv2d) of a {size[0]}×{size[1]} input with the kernel, "
        f"stride {fmt_pair(params['stride'])}, padding {fmt_pair(params['padding'])}"
    )
    if params["task"] == "matrix":
        return (
            f"Write the matrix C of {conv}, so that vec(output) = C·vec(input), where vec lists a grid "
            f"row by row. C has one row per output cell ({h_out * w_out}) and one column per input cell "
            f"({size[0] * size[1]})."
        )
    return (
        f"Let C be the matrix of {conv} (vec(output) = C·vec(input), row by row). Compute Cᵀ·vec(x) "
        f"for the {h_out}×{w_out} grid x below and write the result as a {size[0]}×{size[1]} grid "
        "(this is the transposed convolution of x)."
    )


def answer_layout(params: dict[str, Any]) -> AnswerLayout:
    """The matrix C, or the result grid."""
    answer = solve(params)
    return AnswerLayout(blocks=((len(answer), len(answer[0])),))


def explain(params: dict[str, Any], views: tuple[str, ...]) -> tuple[Explanation, ...]:
    """Which kernel weight lands where in each row of C (and the product)."""
    if "matrix" not in views:
        return ()
    size = as_pair(params["input_size"])
    h_out, w_out = _conv_output_size(params)
    s, p = as_pair(params["stride"]), as_pair(params["padding"])
    lines = [
        f"Row r = i·{w_out} + j of C belongs to output cell (i, j). Its window starts at input row "
        f"i·{s[0]} − {p[0]} and column j·{s[1]} − {p[1]}; kernel weight w[a][b] goes to column "
        f"(row·{size[1]} + column) of the input cell it covers, and window cells in the padding are dropped.",
    ]
    out = [Explanation("text", "How C is built", " ".join(lines))]
    if params["task"] == "transpose_product":
        k_h = len(params["kernel"])
        rem = (size[0] + 2 * p[0] - k_h) % s[0], (size[1] + 2 * p[1] - len(params["kernel"][0])) % s[1]
        view = matrix_view(
            params["vector"], params["kernel"], transposed=True, stride=s, padding=p, output_padding=rem
        )
        out.append(Explanation("matrix", "Cᵀ·vec(x)", view))
    return tuple(out)


def mark(params: dict[str, Any], answer: list[Any], submitted: Any, atol: float, rtol: float) -> Any:
    """Cell by cell."""
    return mark_cells(answer, submitted, atol, rtol)
