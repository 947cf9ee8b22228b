"""Problem type `conv_matrix`: write the matrix C of a small convolution, or compute Cᵀ·x with it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation, cell_name, matrix_row
from exercisegen.fields import MAX_SIZE, Field, padding_field, stride_field
from exercisegen.notation import fmt_pair
from exercisegen.problems.base import (
    AnswerLayout,
    Blocks,
    GivenGrid,
    Givens,
    Matrix,
    Mistake,
    Number,
    Pair,
    ProblemType,
    as_pair,
    matrix_of,
    nested,
    pair_json,
)
from exercisegen.problems.drawing import draw_matrix, draw_pair, draw_value, matrix_ok, size_ok

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

MAX_CELLS = 400  # C must fit on a worksheet page


@dataclass(frozen=True)
class MatrixParams:
    """A small single-channel convolution, and the vector x for the task `transpose_product`."""

    task: str  # "matrix" | "transpose_product"
    input_size: Pair
    kernel: Matrix
    stride: Pair
    padding: Pair
    vector: Matrix | None = None  # shaped like the convolution's output

    @property
    def output_size(self) -> Pair:
        """The convolution's output (H, W)."""
        from exercisegen.solver import output_shape

        size = (len(self.kernel), len(self.kernel[0]))
        return output_shape("conv", self.input_size, size, stride=self.stride, padding=self.padding)


class ConvMatrix(ProblemType[MatrixParams]):
    """The convolution as a matrix: C, or the transposed convolution as Cᵀ·vec(x)."""

    name = "conv_matrix"
    fields = {
        "task": Field(
            "word",
            default="matrix",
            options=("matrix", "transpose_product"),
            help="matrix: write C; transpose_product: compute Cᵀ·vec(x) for a given x",
        ),
        "input_size": Field(
            "pair", required=True, minimum=1, maximum=MAX_SIZE, help="the convolution's input height and width"
        ),
        "kernel": Field("matrix", required=True, help="the 2-D kernel"),
        "stride": stride_field(),
        "padding": padding_field(),
        "vector": Field(
            "matrix",
            default={"values": {"int": [-2, 3]}},
            shape_derived=True,
            help="for transpose_product: the grid x (shaped like the convolution's output, so give only values)",
        ),
    }
    views = ("matrix",)
    default_views = ("matrix",)
    constraints = frozenset(
        (
            "max_output_size",
            "min_output_size",
            "nonzero_kernel",
            "asymmetric_kernel",
            "nonzero_input",  # the vector x of transpose_product
            # not min_nonzero_answer_fraction: most of C's zeros are fixed by the sizes, not drawn
        )
    )

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> MatrixParams | None:
        """Draw the sizes and kernel (and the vector for transpose_product)."""
        field = spec.field
        task = draw_value(field("task"), rng)
        input_size = draw_pair(field("input_size"), rng)
        kernel = matrix_of(draw_matrix(field("kernel"), rng))
        stride, padding = draw_pair(field("stride"), rng), draw_pair(field("padding"), rng)
        params = MatrixParams(task, input_size, kernel, stride, padding)
        try:
            out = params.output_size
        except ParameterError:
            return None
        if out[0] * out[1] * input_size[0] * input_size[1] > MAX_CELLS:
            return None
        if task == "transpose_product":
            vector = matrix_of(draw_matrix(field("vector"), rng, shape=out))
            params = MatrixParams(task, input_size, kernel, params.stride, params.padding, vector)
        c = spec.constraints
        if not matrix_ok(kernel, c.nonzero_kernel, c.asymmetric_kernel) or not size_ok(c, out):
            return None
        if c.nonzero_input and params.vector is not None and not matrix_ok(params.vector, True, False):
            return None
        return params

    def _matrix(self, params: MatrixParams) -> Matrix:
        from exercisegen.steps import conv_matrix

        return conv_matrix(params.input_size, params.kernel, stride=params.stride, padding=params.padding)

    def solve(self, params: MatrixParams) -> Blocks:
        """C, or Cᵀ·vec(x) reshaped to the convolution's input size."""
        c = self._matrix(params)
        if params.task == "matrix":
            return (c,)
        assert params.vector is not None, "drawn for transpose_product"
        h, w = params.input_size
        vec = [v for row in params.vector for v in row]
        product: list[Number] = [0] * (h * w)
        for r, row in enumerate(c):
            for col, coef in enumerate(row):
                product[col] += coef * vec[r]
        return (tuple(tuple(product[i * w : (i + 1) * w]) for i in range(h)),)

    def params_to_json(self, params: MatrixParams) -> dict[str, Any]:
        """task, input_size, kernel, stride, padding, [vector]."""
        doc: dict[str, Any] = {
            "task": params.task,
            "input_size": pair_json(params.input_size),
            "kernel": nested((params.kernel,), True),
            "stride": pair_json(params.stride),
            "padding": pair_json(params.padding),
        }
        if params.vector is not None:
            doc["vector"] = nested((params.vector,), True)
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> MatrixParams:
        """The record from key.json."""
        task = str(doc["task"])
        if task not in ("matrix", "transpose_product"):
            raise ValueError(f"unknown task {task!r}")
        vector = matrix_of(doc["vector"]) if "vector" in doc and task == "transpose_product" else None
        if task == "transpose_product" and vector is None:
            raise ValueError("transpose_product without a vector")
        return MatrixParams(
            task,
            as_pair(doc["input_size"]),
            matrix_of(doc["kernel"]),
            as_pair(doc["stride"]),
            as_pair(doc["padding"]),
            vector,
        )

    def _conv_words(self, params: MatrixParams) -> str:
        h, w = params.input_size
        return (
            f"the convolution (conv2d) of a {h}×{w} input with the kernel, "
            f"stride {fmt_pair(params.stride)}, padding {fmt_pair(params.padding)}"
        )

    def statement(self, params: MatrixParams) -> str:
        """The task in words."""
        (h, w), (h_out, w_out) = params.input_size, params.output_size
        conv = self._conv_words(params)
        if params.task == "matrix":
            return (
                f"Write the matrix C of {conv}, so that vec(output) = C·vec(input), where vec lists a grid "
                f"row by row. C has one row per output cell ({h_out * w_out}) and one column per input cell "
                f"({h * w})."
            )
        return (
            f"Let C be the matrix of {conv} (vec(output) = C·vec(input), row by row). Compute Cᵀ·vec(x) "
            f"for the {h_out}×{w_out} grid x below and write the result as a {h}×{w} grid "
            "(this is the transposed convolution of x)."
        )

    def layout(self, params: MatrixParams) -> AnswerLayout:
        """The matrix C (rows named by output cell, columns by input cell), or the result grid."""
        answer = self.solve(params)[0]
        blocks = ((len(answer), len(answer[0])),)
        if params.task != "matrix":
            return AnswerLayout(blocks=blocks)
        (h, w), (h_out, w_out) = params.input_size, params.output_size
        return AnswerLayout(
            blocks=blocks,
            row_labels=tuple(cell_name("y", i, j) for i in range(h_out) for j in range(w_out)),
            column_labels=tuple(cell_name("x", r, c) for r in range(h) for c in range(w)),
        )

    def givens(self, params: MatrixParams) -> Givens:
        """The kernel (and x), stride and padding."""
        grids = [GivenGrid(params.kernel, "kernel")]
        if params.vector is not None:
            grids.append(GivenGrid(params.vector, "x"))
        rows = (("stride", fmt_pair(params.stride)), ("padding", fmt_pair(params.padding)))
        return Givens(grids=tuple(grids), parameters=rows)

    def describe_answer(self, params: MatrixParams) -> str:
        """For the answer sheet."""
        return "the matrix C" if params.task == "matrix" else "C\u1d40\u00b7x as a grid"

    def explain(self, params: MatrixParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """Which kernel weight lands where in each row of C (and the product)."""
        from exercisegen.steps import matrix_view

        if "matrix" not in views:
            return ()
        size, w_out = params.input_size, params.output_size[1]
        s, p = params.stride, params.padding
        row = matrix_row(size, params.kernel, s, p, (0, 0), w_out)
        out = [Explanation("matrix_row", "How C is built: row 0, worked", row)]
        if params.vector is not None:
            k_h, k_w = len(params.kernel), len(params.kernel[0])
            rem = (size[0] + 2 * p[0] - k_h) % s[0], (size[1] + 2 * p[1] - k_w) % s[1]
            view = matrix_view(params.vector, params.kernel, transposed=True, stride=s, padding=p, output_padding=rem)
            out.append(Explanation("matrix", "Cᵀ·vec(x)", view))
        return tuple(out)


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def matrix_column_major(params: MatrixParams) -> Blocks | None:
    """C with input and output cells listed column by column (vec taken column-major)."""
    if params.task != "matrix":
        return None  # Cᵀ·x read and written column-major gives the same grid
    c = ConvMatrix()._matrix(params)
    (h, w), (h_out, w_out) = params.input_size, params.output_size
    rows = []
    for j in range(w_out):
        for i in range(h_out):
            row = c[i * w_out + j]
            rows.append(tuple(row[r * w + col] for col in range(w) for r in range(h)))
    return (tuple(rows),)


def matrix_flipped_kernel(params: MatrixParams) -> Blocks | None:
    """C (or Cᵀ·x) built with the kernel rotated by 180°."""
    rotated = matrix_of([list(reversed(row)) for row in reversed(params.kernel)])
    if rotated == params.kernel:
        return None
    return ConvMatrix().solve(replace(params, kernel=rotated))


def matrix_transposed(params: MatrixParams) -> Blocks | None:
    """Cᵀ written where C was asked."""
    if params.task != "matrix":
        return None
    c = ConvMatrix()._matrix(params)
    return (tuple(zip(*c)),)


ConvMatrix.mistakes = (
    Mistake(
        "matrix_column_major",
        "You listed the grid cells column by column",
        "vec lists a grid row by row, so row r = i·W_out + j of C belongs to output cell (i, j) "
        "and column r·W + c to input cell (r, c).",
        matrix_column_major,
    ),
    Mistake(
        "matrix_flipped_kernel",
        "You rotated the kernel by 180°",
        "conv2d multiplies each window by the kernel as it is, so weight w[a][b] goes to the input cell "
        "a rows and b columns into the window.",
        matrix_flipped_kernel,
    ),
    Mistake(
        "matrix_transposed",
        "You wrote Cᵀ instead of C",
        "C has one row per output cell and one column per input cell, so that vec(output) = C·vec(input).",
        matrix_transposed,
    ),
)
