"""Problem type `as_convolution`: write a transposed convolution as an ordinary stride-1 convolution —
the zero-inserted, bordered input and the 180°-rotated kernel (and optionally the output) — and the
mistakes made on the way. The question behind the solutions' gather view.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation
from exercisegen.fields import Field, dilation_field, output_padding_field, padding_field, stride_field
from exercisegen.notation import fmt_pair
from exercisegen.problems.base import (
    AnswerLayout,
    Blocks,
    GivenGrid,
    Givens,
    Matrix,
    Mistake,
    Pair,
    ProblemType,
    as_pair,
    matrix_of,
    nested,
    pair_json,
    shape_of,
)
from exercisegen.problems.drawing import draw_matrix, draw_pair, hidden_canvas, matrix_ok, size_ok

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

TITLES = ("zero-inserted, bordered input", "kernel to slide", "output")


@dataclass(frozen=True)
class AsConvParams:
    """A single-channel transposed convolution to rewrite, and what the student writes."""

    input: Matrix
    kernel: Matrix
    stride: Pair
    padding: Pair
    output_padding: Pair
    dilation: Pair
    compute_output: bool = False
    ask_shape: bool = False

    @property
    def border(self) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) zeros: d·(k−1)−p, and output_padding more at the bottom and right."""
        top = self.dilation[0] * (len(self.kernel) - 1) - self.padding[0]
        left = self.dilation[1] * (len(self.kernel[0]) - 1) - self.padding[1]
        return (top, left, top + self.output_padding[0], left + self.output_padding[1])


class AsConvolution(ProblemType[AsConvParams]):
    """A transposed convolution as zero insertion + border + rotated kernel + stride-1 correlation."""

    name = "as_convolution"
    fields = {
        "input": Field("matrix", required=True, help="the transposed convolution's input grid (H, W)"),
        "kernel": Field("matrix", required=True, help="its kernel (kH, kW)"),
        "stride": stride_field(),
        "padding": padding_field(),
        "output_padding": output_padding_field(),
        "dilation": dilation_field(),
        "compute_output": Field(
            "bool", default=False, help="the student also slides the kernel and writes the output (a third grid)"
        ),
        "ask_shape": Field(
            "bool", default=False, help="the worksheet's box areas do not give away the grids' sizes"
        ),
    }
    views = ("gather",)
    default_views = ("gather",)
    constraints = frozenset(
        ("max_output_size", "min_output_size", "nonzero_kernel", "asymmetric_kernel", "distinct_from_mistakes")
    )

    # -- drawing and solving ---------------------------------------------------------------

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> AsConvParams | None:
        """Draw the grids and parameters; None when the border d·(k−1)−p would be negative or a
        constraint fails."""
        field = spec.field
        params = AsConvParams(
            input=matrix_of(draw_matrix(field("input"), rng)),
            kernel=matrix_of(draw_matrix(field("kernel"), rng)),
            stride=draw_pair(field("stride"), rng),
            padding=draw_pair(field("padding"), rng),
            output_padding=draw_pair(field("output_padding"), rng),
            dilation=draw_pair(field("dilation"), rng),
            compute_output=bool(field("compute_output")),
            ask_shape=bool(field("ask_shape")),
        )
        if min(params.border) < 0 or len(_as_array(params.input).shape) != 2:
            return None  # padding larger than d·(k−1): the gather view crops instead of bordering
        try:
            out = _transposed(params)
        except ParameterError:
            return None
        c = spec.constraints
        if not size_ok(c, (len(out), len(out[0]))):
            return None
        if not matrix_ok(params.kernel, c.nonzero_kernel, c.asymmetric_kernel):
            return None
        if c.distinct_from_mistakes and self.confusable(params, self.solve(params)):
            return None
        return params

    def solve(self, params: AsConvParams) -> Blocks:
        """The bordered grid, the rotated kernel (and the output)."""
        grid = bordered(params.input, params.stride, params.border)
        kernel = rotated(params.kernel)
        return _with_output(params, grid, kernel)

    def single(self, params: AsConvParams) -> bool:
        """Several grids: key.json writes them as a list."""
        return False

    def params_to_json(self, params: AsConvParams) -> dict[str, Any]:
        """input, kernel, stride, padding, output_padding, dilation, [compute_output], [ask_shape]."""
        doc: dict[str, Any] = {
            "input": nested((params.input,), True),
            "kernel": nested((params.kernel,), True),
            "stride": pair_json(params.stride),
            "padding": pair_json(params.padding),
            "output_padding": pair_json(params.output_padding),
            "dilation": pair_json(params.dilation),
        }
        if params.compute_output:
            doc["compute_output"] = True
        if params.ask_shape:
            doc["ask_shape"] = True
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> AsConvParams:
        """The record from key.json."""
        params = AsConvParams(
            input=matrix_of(doc["input"]),
            kernel=matrix_of(doc["kernel"]),
            stride=as_pair(doc["stride"]),
            padding=as_pair(doc["padding"]),
            output_padding=as_pair(doc["output_padding"]),
            dilation=as_pair(doc["dilation"]),
            compute_output=bool(doc.get("compute_output", False)),
            ask_shape=bool(doc.get("ask_shape", False)),
        )
        if min(params.border) < 0:
            raise ValueError("padding larger than d·(k−1)")
        return params

    # -- what the student sees -------------------------------------------------------------

    def statement(self, params: AsConvParams) -> str:
        """The task in words."""
        dil = f", dilation {fmt_pair(params.dilation)}" if params.dilation != (1, 1) else ""
        text = (
            f"The transposed convolution (conv_transpose2d) of the input with the kernel, stride "
            f"{fmt_pair(params.stride)}, padding {fmt_pair(params.padding)}, output_padding "
            f"{fmt_pair(params.output_padding)}{dil}, is also an ordinary convolution (conv2d, a cross-correlation) "
            f"with stride 1{dil} of a larger grid. Write that grid — the input with zeros inserted between its "
            "elements and a border of zeros around it — and the kernel to slide over it"
        )
        if params.compute_output:
            text += ", then slide it and write the output"
        text += "."
        if params.ask_shape:
            text += " The grids' sizes are part of the question: write each into the top-left corner of its area."
        return text

    def layout(self, params: AsConvParams) -> AnswerLayout:
        """Two (or three) grids of different shapes."""
        blocks = shape_of(self.solve(params))
        layout = AnswerLayout(blocks=blocks, block_titles=TITLES[: len(blocks)])
        if not params.ask_shape:
            return layout
        return dataclasses.replace(layout, reveal_shape=False, canvas=hidden_canvas(blocks))

    def givens(self, params: AsConvParams) -> Givens:
        """The input, the kernel and the transposed convolution's parameters."""
        rows = [
            ("stride", fmt_pair(params.stride)),
            ("padding", fmt_pair(params.padding)),
            ("output_padding", fmt_pair(params.output_padding)),
        ]
        if params.dilation != (1, 1):
            rows.append(("dilation", fmt_pair(params.dilation)))
        grids = (GivenGrid(params.input, "input"), GivenGrid(params.kernel, "kernel"))
        return Givens(grids=grids, parameters=tuple(rows))

    def describe_answer(self, params: AsConvParams) -> str:
        """For the answer sheet."""
        return "the bordered grid, then the kernel" + (", then the output" if params.compute_output else "")

    def explain(self, params: AsConvParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The recipe with this problem's numbers, then the gather view."""
        from exercisegen.steps import gather_view

        if "gather" not in views:
            return ()
        (sh, sw), (top, left, bottom, right) = params.stride, params.border
        p, d, op = params.padding, params.dilation, params.output_padding
        k = (len(params.kernel), len(params.kernel[0]))
        recipe = (
            f"Insert s − 1 = {fmt_pair((sh - 1, sw - 1))} zeros between neighbouring input elements "
            f"(rows, columns). Add a border of d·(k − 1) − p zeros: top {d[0]}·({k[0]} − 1) − {p[0]} = {top}, "
            f"left {d[1]}·({k[1]} − 1) − {p[1]} = {left}; output_padding adds {op[0]} at the bottom "
            f"({bottom}) and {op[1]} on the right ({right}). Rotate the kernel by 180° and slide it with stride 1"
            f"{'' if d == (1, 1) else ', dilation ' + fmt_pair(d)}: every window gives one output cell."
        )
        view = gather_view(
            params.input, params.kernel, stride=params.stride, padding=p, output_padding=op, dilation=d
        )
        return (
            Explanation("text", "The recipe", recipe),
            Explanation("gather", "Gather view: zero-insert, border, rotated kernel", view),
        )


# --- the grids, with plain loops -----------------------------------------------------------------


def _as_array(values: Any) -> "np.ndarray":
    import numpy as np

    return np.asarray(values)


def bordered(x: Matrix, spacing: Pair, border: tuple[int, int, int, int]) -> Matrix:
    """x with spacing − 1 zeros between neighbours and (top, left, bottom, right) zeros around."""
    top, left, bottom, right = border
    h, w = (len(x) - 1) * spacing[0] + 1, (len(x[0]) - 1) * spacing[1] + 1
    zero = 0.0 if any(isinstance(v, float) for row in x for v in row) else 0
    grid = [[zero] * (left + w + right) for _ in range(top + h + bottom)]
    for i, row in enumerate(x):
        for j, value in enumerate(row):
            grid[top + i * spacing[0]][left + j * spacing[1]] = value
    return matrix_of(grid)


def rotated(k: Matrix) -> Matrix:
    """k rotated by 180°."""
    return tuple(tuple(reversed(row)) for row in reversed(k))


def correlate(grid: Matrix, kernel: Matrix, dilation: Pair) -> Matrix | None:
    """Stride-1 cross-correlation (valid windows only); None when no window fits."""
    kh, kw = len(kernel), len(kernel[0])
    out_h = len(grid) - dilation[0] * (kh - 1)
    out_w = len(grid[0]) - dilation[1] * (kw - 1)
    if out_h < 1 or out_w < 1:
        return None
    return tuple(
        tuple(
            sum(grid[i + a * dilation[0]][j + b * dilation[1]] * kernel[a][b] for a in range(kh) for b in range(kw))
            for j in range(out_w)
        )
        for i in range(out_h)
    )


def _transposed(params: AsConvParams) -> Matrix:
    """The transposed convolution's output, from the solver (ParameterError if the parameters are invalid)."""
    from exercisegen.solver import conv_transpose2d

    out = conv_transpose2d(
        params.input,
        params.kernel,
        stride=params.stride,
        padding=params.padding,
        output_padding=params.output_padding,
        dilation=params.dilation,
    )
    return matrix_of(out.tolist())


def _with_output(params: AsConvParams, grid: Matrix, kernel: Matrix) -> Blocks:
    """The student's grids, and (when asked) the output they give: what a student following through writes."""
    if not params.compute_output:
        return (grid, kernel)
    out = correlate(grid, kernel, params.dilation)
    return (grid, kernel) if out is None else (grid, kernel, out)


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def asconv_inserted_s_zeros(params: AsConvParams) -> Blocks | None:
    """s zeros between neighbouring input elements instead of s − 1."""
    s = params.stride
    if s == (1, 1):
        return None
    grid = bordered(params.input, (s[0] + 1, s[1] + 1), params.border)
    return _with_output(params, grid, rotated(params.kernel))


def asconv_border_p(params: AsConvParams) -> Blocks | None:
    """A border of p zeros (as a convolution's padding) instead of d·(k − 1) − p."""
    p, op = params.padding, params.output_padding
    border = (p[0], p[1], p[0] + op[0], p[1] + op[1])
    if border == params.border:
        return None
    return _with_output(params, bordered(params.input, params.stride, border), rotated(params.kernel))


def asconv_kernel_not_rotated(params: AsConvParams) -> Blocks | None:
    """The kernel written (and slid) as it is, not rotated by 180°."""
    if rotated(params.kernel) == params.kernel:
        return None
    return _with_output(params, bordered(params.input, params.stride, params.border), params.kernel)


def asconv_forgot_output_padding(params: AsConvParams) -> Blocks | None:
    """The border without output_padding's extra rows and columns at the bottom and right."""
    if params.output_padding == (0, 0):
        return None
    top, left, _, _ = params.border
    grid = bordered(params.input, params.stride, (top, left, top, left))
    return _with_output(params, grid, rotated(params.kernel))


AsConvolution.mistakes = (
    Mistake(
        "asconv_inserted_s_zeros",
        "You inserted s zeros between neighbouring input elements",
        "stride s puts s − 1 zeros between them, so the input elements end up s apart.",
        asconv_inserted_s_zeros,
    ),
    Mistake(
        "asconv_border_p",
        "You added a border of p zeros, as a convolution's padding",
        "the border is d·(k − 1) − p zeros: a full border of d·(k − 1) lets every kernel copy in, and "
        "padding p then removes p of it.",
        asconv_border_p,
    ),
    Mistake(
        "asconv_kernel_not_rotated",
        "You did not rotate the kernel",
        "sliding it over the bordered grid gathers what the scatter view stamps only with the kernel "
        "rotated by 180°.",
        asconv_kernel_not_rotated,
    ),
    Mistake(
        "asconv_forgot_output_padding",
        "You left out output_padding",
        "it adds that many more zero rows at the bottom and columns on the right of the border.",
        asconv_forgot_output_padding,
    ),
)
