"""Problem type `conv_gradient`: backpropagate through a conv2d: dX (a transposed convolution of dY)
or dW (a correlation of the input with dY), and the mistakes made on the way.

For Y = conv2d(X, W, stride s, padding p, dilation d) and a loss L with upstream gradient dY = ∂L/∂Y:
dX = conv_transpose2d(dY, W, s, p, output_padding, d), where output_padding = (H + 2p − d(k−1) − 1) mod s
restores the rows and columns lost when the convolution's size formula rounded down;
dW[a][b] = Σ dY[i][j]·X_pad[i·s + a·d][j·s + b·d].
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation
from exercisegen.fields import MAX_SIZE, Field, dilation_field, padding_field, stride_field
from exercisegen.notation import TIMES, fmt_pair
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
    blocks_from_array,
    matrix_of,
    nested,
    pair_json,
    same_answer,
    shape_of,
)
from exercisegen.problems.drawing import draw_matrix, draw_pair, draw_value, matrix_ok, size_ok

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

WRT = ("input", "weight")


@dataclass(frozen=True)
class GradientParams:
    """A single-channel conv2d, its upstream gradient dY, and what to differentiate by."""

    wrt: str  # "input" (compute dX) | "weight" (compute dW)
    input_size: Pair
    kernel_size: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    grad_output: Matrix  # dY, shaped like the convolution's output
    kernel: Matrix | None = None  # W: given for wrt input
    input: Matrix | None = None  # X: given for wrt weight

    @property
    def output_size(self) -> Pair:
        """The convolution's output (H_out, W_out) = dY's shape."""
        from exercisegen.solver import output_shape

        return output_shape(
            "conv", self.input_size, self.kernel_size, stride=self.stride, padding=self.padding, dilation=self.dilation
        )

    @property
    def output_padding(self) -> Pair:
        """(H + 2p − d(k−1) − 1) mod s per direction: the rows/columns the size formula's floor lost."""
        return tuple(  # type: ignore[return-value]
            (self.input_size[a] + 2 * self.padding[a] - self.dilation[a] * (self.kernel_size[a] - 1) - 1)
            % self.stride[a]
            for a in (0, 1)
        )


class ConvGradient(ProblemType[GradientParams]):
    """∂L/∂X or ∂L/∂W of a conv2d from the upstream gradient dY."""

    name = "conv_gradient"
    fields = {
        "wrt": Field(
            "word",
            default="input",
            options=WRT,
            help="input: compute dX = ∂L/∂X (a transposed convolution of dY); weight: compute dW = ∂L/∂W",
        ),
        "input_size": Field(
            "pair", required=True, minimum=1, maximum=MAX_SIZE, help="the convolution's input height and width"
        ),
        "kernel_size": Field("pair", required=True, minimum=1, maximum=MAX_SIZE, help="the kernel's height and width"),
        "stride": stride_field(),
        "padding": padding_field(),
        "dilation": dilation_field(),
        "kernel": Field(
            "matrix",
            default={"values": {"int": [-1, 2]}},
            shape_derived=True,
            help="for wrt input: the kernel's values (its shape is kernel_size, so give only values)",
        ),
        "input": Field(
            "matrix",
            default={"values": {"int": [-2, 3]}},
            shape_derived=True,
            help="for wrt weight: the input's values (its shape is input_size, so give only values)",
        ),
        "grad_output": Field(
            "matrix",
            default={"values": {"int": [-2, 3]}},
            shape_derived=True,
            help="the upstream gradient dY's values (shaped like the convolution's output, so give only values)",
        ),
    }
    views = ("chain", "scatter", "gather", "window")
    default_views = ("chain", "scatter", "window")
    constraints = frozenset(
        ("max_output_size", "min_output_size", "nonzero_kernel", "asymmetric_kernel", "distinct_from_mistakes")
    )

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """The three grids take their shapes from the sizes: only values may be given."""
        return [
            (name, "its shape follows from the sizes: give only values, e.g. {values: {int: [-2, 3]}}")
            for name in ("kernel", "input", "grad_output")
            if fields[name].fill == "literal" or fields[name].shape is not None
        ]

    # -- drawing and solving ---------------------------------------------------------------

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> GradientParams | None:
        """Draw the sizes and parameters, then the grids the task needs; None if a rule or constraint fails."""
        field = spec.field
        wrt = str(draw_value(field("wrt"), rng))
        size, k = draw_pair(field("input_size"), rng), draw_pair(field("kernel_size"), rng)
        s, p, d = draw_pair(field("stride"), rng), draw_pair(field("padding"), rng), draw_pair(field("dilation"), rng)
        base = GradientParams(wrt, size, k, s, p, d, ())
        try:
            out = base.output_size
        except ParameterError:
            return None
        dy = matrix_of(draw_matrix(field("grad_output"), rng, shape=out))
        kernel = matrix_of(draw_matrix(field("kernel"), rng, shape=k)) if wrt == "input" else None
        x = matrix_of(draw_matrix(field("input"), rng, shape=size)) if wrt == "weight" else None
        params = GradientParams(wrt, size, k, s, p, d, dy, kernel, x)
        c = spec.constraints
        if not size_ok(c, out):
            return None
        if kernel is not None and not matrix_ok(kernel, c.nonzero_kernel, c.asymmetric_kernel):
            return None
        if c.distinct_from_mistakes and self.confusable(params, self.solve(params)):
            return None
        return params

    def solve(self, params: GradientParams) -> Blocks:
        """dX (input_size) or dW (kernel_size)."""
        return _grad_input(params) if params.wrt == "input" else _grad_weight(params)

    def params_to_json(self, params: GradientParams) -> dict[str, Any]:
        """wrt, sizes, stride, padding, dilation, grad_output and kernel (dX) or input (dW)."""
        doc: dict[str, Any] = {
            "wrt": params.wrt,
            "input_size": pair_json(params.input_size),
            "kernel_size": pair_json(params.kernel_size),
            "stride": pair_json(params.stride),
            "padding": pair_json(params.padding),
            "dilation": pair_json(params.dilation),
            "grad_output": nested((params.grad_output,), True),
        }
        if params.kernel is not None:
            doc["kernel"] = nested((params.kernel,), True)
        if params.input is not None:
            doc["input"] = nested((params.input,), True)
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> GradientParams:
        """The record from key.json."""
        wrt = str(doc["wrt"])
        if wrt not in WRT:
            raise ValueError(f"unknown wrt {wrt!r}")
        params = GradientParams(
            wrt,
            as_pair(doc["input_size"]),
            as_pair(doc["kernel_size"]),
            as_pair(doc["stride"]),
            as_pair(doc["padding"]),
            as_pair(doc["dilation"]),
            matrix_of(doc["grad_output"]),
            matrix_of(doc["kernel"]) if wrt == "input" else None,
            matrix_of(doc["input"]) if wrt == "weight" else None,
        )
        given = params.kernel if wrt == "input" else params.input
        want = params.kernel_size if wrt == "input" else params.input_size
        if shape_of((params.grad_output,))[0] != params.output_size or shape_of((given,))[0] != want:  # type: ignore[arg-type]
            raise ValueError("grid shapes do not match the sizes")
        return params

    # -- what the student sees -------------------------------------------------------------

    def _conv_words(self, params: GradientParams) -> str:
        (h, w), (kh, kw), (oh, ow) = params.input_size, params.kernel_size, params.output_size
        extra = f", dilation {fmt_pair(params.dilation)}" if params.dilation != (1, 1) else ""
        return (
            f"A convolution Y = conv2d(X, W) (no bias) maps an {h}{TIMES}{w} input X with a {kh}{TIMES}{kw} kernel W, "
            f"stride {fmt_pair(params.stride)}, padding {fmt_pair(params.padding)}{extra}, to the {oh}{TIMES}{ow} "
            "output Y. The loss L has the upstream gradient dY = ∂L/∂Y below."
        )

    def statement(self, params: GradientParams) -> str:
        """The task in words."""
        h, w = params.input_size
        if params.wrt == "input":
            return (
                f"{self._conv_words(params)} Compute dX = ∂L/∂X, an {h}{TIMES}{w} grid "
                "(input cells that no window covers get 0)."
            )
        kh, kw = params.kernel_size
        return f"{self._conv_words(params)} Given X, compute dW = ∂L/∂W, a {kh}{TIMES}{kw} grid."

    def layout(self, params: GradientParams) -> AnswerLayout:
        """One grid: dX or dW."""
        return AnswerLayout(blocks=shape_of(self.solve(params)))

    def givens(self, params: GradientParams) -> Givens:
        """The kernel (dX) or the input (dW), dY, and the convolution's parameters."""
        grids = []
        if params.kernel is not None:
            grids.append(GivenGrid(params.kernel, "kernel W"))
        if params.input is not None:
            grids.append(GivenGrid(params.input, "input X"))
        grids.append(GivenGrid(params.grad_output, "dY = ∂L/∂Y"))
        h, w = params.input_size if params.wrt == "input" else params.kernel_size
        rows = [(f"{params.wrt} size", f"{h}{TIMES}{w}"), ("stride", fmt_pair(params.stride))]
        rows.append(("padding", fmt_pair(params.padding)))
        if params.dilation != (1, 1):
            rows.append(("dilation", fmt_pair(params.dilation)))
        return Givens(grids=tuple(grids), parameters=tuple(rows))

    def describe_answer(self, params: GradientParams) -> str:
        """For the answer sheet."""
        return "dX = ∂L/∂X" if params.wrt == "input" else "dW = ∂L/∂W"

    def explain(self, params: GradientParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The chain rule for one entry, then the whole grid as a transposed convolution (dX) or a correlation (dW)."""
        from exercisegen.extra_steps import busiest_entry, gradient_terms
        from exercisegen.steps import gather_view, scatter_view, window_view

        out: list[Explanation] = []
        answer = self.solve(params)[0]

        def chain(r: int, c: int) -> Any:
            return gradient_terms(
                params.wrt, params.input, params.kernel, params.grad_output, params.input_size,
                params.kernel_size, params.stride, params.padding, params.dilation, r, c,
            )

        if "chain" in views:
            counts = [[len(chain(r, c).terms) for c in range(len(answer[0]))] for r in range(len(answer))]
            r, c = busiest_entry(counts)
            name = f"X[{r}][{c}]" if params.wrt == "input" else f"W[{r}][{c}]"
            out.append(Explanation("chain", f"Chain rule for one entry: ∂L/∂{name}", chain(r, c)))
        s, p, d, op = params.stride, params.padding, params.dilation, params.output_padding
        if params.wrt == "input":
            assert params.kernel is not None
            kw = {"stride": s, "padding": p, "output_padding": op, "dilation": d}
            note = (
                f"Doing this for every entry at once is the transposed convolution of dY with W: "
                f"conv_transpose2d(dY, W, stride {fmt_pair(s)}, padding {fmt_pair(p)}, "
                f"output_padding {fmt_pair(op)}{_dil(d)}). output_padding = (H + 2p − d·(k−1) − 1) mod s "
                f"= {fmt_pair(op)} brings back the last rows and columns that rounding down in the convolution's size "
                "formula lost, so dX has X's size."
            )
            if "scatter" in views or "gather" in views:
                out.append(Explanation("text", "The whole grid: a transposed convolution", note))
            view: Any
            if "scatter" in views:
                view = scatter_view(params.grad_output, params.kernel, **kw)
                out.append(Explanation("scatter", "Scatter: each dY entry stamps a scaled kernel into dX", view))
            if "gather" in views:
                view = gather_view(params.grad_output, params.kernel, **kw)
                out.append(Explanation("gather", "Gather: zero-insert dY, border, rotated kernel", view))
        elif "window" in views:
            view = window_view(_padded_input(params), params.grad_output, stride=d, dilation=s)
            if op == (0, 0):  # nothing cut after the last window: the border drawn is exactly the padding
                view = dataclasses.replace(view, padding=p)
            title = (
                f"The whole grid: dW is the padded input correlated with dY (dY's entries {fmt_pair(s)} apart, "
                f"windows {fmt_pair(d)} apart)"
            )
            out.append(Explanation("window", title, view))
        return tuple(out)


def _dil(d: Pair) -> str:
    return f", dilation {fmt_pair(d)}" if d != (1, 1) else ""


# --- the answers ---------------------------------------------------------------------------------


def _run_transposed(params: GradientParams, kernel: Any = None, **changes: Any) -> Blocks | None:
    """conv_transpose2d(dY, W) with the backward pass's parameters, some changed; None if invalid."""
    import numpy as np

    from exercisegen.solver import conv_transpose2d

    args: dict[str, Any] = {
        "stride": params.stride,
        "padding": params.padding,
        "output_padding": params.output_padding,
        "dilation": params.dilation,
    }
    args.update(changes)
    w = np.asarray(params.kernel if kernel is None else kernel)
    try:
        return blocks_from_array(conv_transpose2d(np.asarray(params.grad_output)[None], w[None, None], **args))
    except ParameterError:
        return None


def _grad_input(params: GradientParams) -> Blocks:
    answer = _run_transposed(params)
    assert answer is not None, "output_padding < stride by construction"
    return answer


def _padded_input(params: GradientParams) -> Matrix:
    """X with p zeros on every side, cut after the last row and column a window reaches."""
    assert params.input is not None
    (h, w), (ph, pw) = params.input_size, params.padding
    (oh, ow), (kh, kw), (sh, sw), (dh, dw) = params.output_size, params.kernel_size, params.stride, params.dilation
    rows, cols = (oh - 1) * sh + dh * (kh - 1) + 1, (ow - 1) * sw + dw * (kw - 1) + 1
    zero = 0.0 if any(isinstance(v, float) for row in params.input for v in row) else 0
    return tuple(
        tuple(params.input[r - ph][c - pw] if 0 <= r - ph < h and 0 <= c - pw < w else zero for c in range(cols))
        for r in range(rows)
    )


def _grad_weight(params: GradientParams, stride: Pair | None = None, shift: bool = False) -> Blocks:
    """dW: conv2d of the padded X with dY as the kernel, stride d, dilation s, first k rows/columns.
    A student's slip is the same with another stride (dY's entries placed apart), or with the
    padding moved to the bottom and right (`shift`: windows read X from its top-left corner)."""
    import numpy as np

    from exercisegen.solver import conv2d

    s = params.stride if stride is None else stride
    (ph, pw) = params.padding
    pads = ((0, 0), (0, 2 * ph), (0, 2 * pw)) if shift else ((0, 0), (ph, ph), (pw, pw))
    x = np.pad(np.asarray(params.input)[None], pads)  # (1, H + 2p, W + 2p)
    dy = np.asarray(params.grad_output)[None, None]  # (1, 1, H_out, W_out)
    full = conv2d(x, dy, stride=params.dilation, dilation=s)
    kh, kw = params.kernel_size
    answer = blocks_from_array(full[:, :kh, :kw])  # windows past the last one a forward window used: cut
    assert answer is not None and shape_of(answer)[0] == (kh, kw), "at least k windows fit"
    return answer


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def _rotated(grid: Matrix) -> Matrix:
    return tuple(tuple(reversed(row)) for row in reversed(grid))


def grad_missing_output_padding(params: GradientParams) -> Blocks | None:
    """dX without output_padding: the last rows/columns missing."""
    if params.wrt != "input" or params.output_padding == (0, 0):
        return None
    return _run_transposed(params, output_padding=0)


def grad_unflipped_kernel(params: GradientParams) -> Blocks | None:
    """dY zero-inserted and bordered, then correlated with W as it is (not rotated by 180°)."""
    if params.wrt != "input" or params.kernel is None or _rotated(params.kernel) == params.kernel:
        return None
    return _run_transposed(params, kernel=_rotated(params.kernel))


def grad_ignored_stride(params: GradientParams) -> Blocks | None:
    """dY's entries stamped 1 apart (no zeros inserted for the stride)."""
    if params.wrt != "input" or params.stride == (1, 1):
        return None
    op = tuple(min(o, d - 1) for o, d in zip(params.output_padding, params.dilation))
    return _run_transposed(params, stride=1, output_padding=op)


def grad_forgot_crop(params: GradientParams) -> Blocks | None:
    """The full transposed convolution, the padding rows and columns not cropped."""
    if params.wrt != "input" or params.padding == (0, 0):
        return None
    return _run_transposed(params, padding=0)


def grad_w_forgot_padding(params: GradientParams) -> Blocks | None:
    """dW from the input without its padding (windows read X from its top-left corner)."""
    if params.wrt != "weight" or params.padding == (0, 0):
        return None
    return _grad_weight(params, shift=True)


def grad_w_ignored_stride(params: GradientParams) -> Blocks | None:
    """dW with dY's entries placed 1 apart over the input instead of s apart."""
    if params.wrt != "weight" or params.stride == (1, 1):
        return None
    return _grad_weight(params, stride=(1, 1))


def grad_w_rotated(params: GradientParams) -> Blocks | None:
    """dW rotated by 180° (dY flipped, as in a true convolution)."""
    if params.wrt != "weight":
        return None
    answer = _grad_weight(params)
    rotated = (_rotated(answer[0]),)
    return None if same_answer(rotated, answer) else rotated


ConvGradient.mistakes = (
    Mistake(
        "grad_missing_output_padding",
        "Your dX is missing the last rows or columns",
        "dX has X's size, so the transposed convolution of dY needs output_padding = "
        "(H + 2p − d·(k−1) − 1) mod s (cells that no window covers get 0).",
        grad_missing_output_padding,
    ),
    Mistake(
        "grad_unflipped_kernel",
        "You slid the kernel over dY without rotating it",
        "∂L/∂X[r][c] adds dY[i][j]·W[a][b] for the weight that touched X[r][c] — stamp W as it is "
        "for each dY entry, or rotate it by 180° when you slide it.",
        grad_unflipped_kernel,
    ),
    Mistake(
        "grad_ignored_stride",
        "You placed the kernel copies for neighbouring dY entries 1 apart",
        "with stride s the windows of neighbouring outputs start s apart in X, so their stamps do too.",
        grad_ignored_stride,
    ),
    Mistake(
        "grad_forgot_crop",
        "You kept the rows and columns that fall on the padding",
        "the padding zeros are not part of X — crop p rows and columns from every side.",
        grad_forgot_crop,
    ),
    Mistake(
        "grad_w_forgot_padding",
        "You left out the padding of the input",
        "W[a][b] meets X_pad[i·s + a·d][j·s + b·d], the input with p zeros on every side.",
        grad_w_forgot_padding,
    ),
    Mistake(
        "grad_w_ignored_stride",
        "You placed dY's entries 1 apart over the input",
        "neighbouring outputs' windows start s apart, so dW[a][b] pairs dY[i][j] with X_pad[i·s + a·d][j·s + b·d].",
        grad_w_ignored_stride,
    ),
    Mistake(
        "grad_w_rotated",
        "Your dW is rotated by 180°",
        "dW[a][b] sums dY[i][j] times the input cell weight W[a][b] met in window (i, j) — nothing is flipped.",
        grad_w_rotated,
    ),
)
