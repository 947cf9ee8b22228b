"""Problem type `conv`: compute the output of an ordinary convolution (review), and its mistakes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from exercisegen.explanations import Explanation
from exercisegen.notation import shape_formula_symbols
from exercisegen.problems.base import Blocks, Matrix, Mistake, shape_of
from exercisegen.problems.grid import GridParams, GridType, grid_fields
from exercisegen.problems.grid_ops import (
    input_array,
    kernel_array,
    kernel_extent,
    regroup,
    rotated_kernel,
    run_conv,
    run_transposed,
    same_size_conv,
)

if TYPE_CHECKING:
    import numpy as np


class Conv(GridType):
    """conv2d (a cross-correlation, as PyTorch computes it), explained window by window."""

    name = "conv"
    operation = "conv"
    fields = grid_fields(transposed=False)
    views = ("window", "compact")
    default_views = ("window",)

    def _kernel_lead(self, c_in: int, c_out: int, groups: int) -> tuple[int, int]:
        return (c_out, c_in // groups)  # (C_out, C_in/groups, kH, kW)

    def _run(self, params: GridParams) -> "np.ndarray":
        from exercisegen.solver import conv2d

        return conv2d(
            input_array(params),
            kernel_array(params),
            stride=params.stride,
            padding=params.padding,
            dilation=params.dilation,
            groups=params.groups,
        )

    def channel_pairs(self, params: GridParams) -> Iterator[tuple[int, int, Matrix]]:
        """Output channel co reads the input channels of its group through kernel[co][j]."""
        c_out = len(params.kernel)
        per_group_out = c_out // params.groups
        per_group_in = len(params.kernel[0])
        for co in range(c_out):
            group = co // per_group_out
            for j in range(per_group_in):
                yield group * per_group_in + j, co, params.kernel[co][j]

    def _what(self) -> str:
        return "the convolution (PyTorch's conv2d: a cross-correlation, the kernel is not flipped)"

    def _layout_words(self) -> str:
        return "(C_out, C_in/groups, kH, kW)"

    def describe_answer(self, params: GridParams) -> str:
        """For the answer sheet."""
        return "output of the convolution"

    def _view(self, view: str, x: Matrix, w: Matrix, params: GridParams, suffix: str) -> Explanation | None:
        from exercisegen.steps import matrix_view, window_view

        kw = self.view_args(params)
        if view == "window":
            return Explanation("window", "Window by window" + suffix, window_view(x, w, **kw))
        if view == "compact":
            title = "All windows in one table" + suffix
            return Explanation("window_compact", title, window_view(x, w, **kw))
        if view == "matrix":
            return Explanation("matrix", "Matrix view" + suffix, matrix_view(x, w, transposed=False, **kw))
        return None


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def conv_flipped_kernel(params: GridParams) -> Blocks | None:
    """A true convolution: the kernel rotated by 180° before sliding it."""
    rotated = rotated_kernel(params)
    return None if rotated is None else run_conv(params, kernel=rotated)


def conv_forgot_padding(params: GridParams) -> Blocks | None:
    """The convolution without padding."""
    return None if params.padding == (0, 0) else run_conv(params, padding=0)


def conv_padded_one_side(params: GridParams) -> Blocks | None:
    """Zeros added at the top and left only."""
    import numpy as np

    p = params.padding
    if p == (0, 0):
        return None
    x = np.pad(input_array(params), [(0, 0), (p[0], 0), (p[1], 0)])
    predicted = run_conv(params, x=x, padding=0)
    if predicted is None or shape_of(predicted) == shape_of(Conv().solve(params)):
        return None  # no window reaches the bottom/right padding: the mistake changes nothing
    return predicted


def conv_ceil(params: GridParams) -> Blocks | None:
    """ceil instead of floor: a last, partial window counted, its missing cells taken as 0."""
    import numpy as np

    s, p, extent, size = params.stride, params.padding, kernel_extent(params), params.input_size
    extra = [(-(size[a] + 2 * p[a] - extent[a])) % s[a] for a in (0, 1)]
    if extra == [0, 0]:
        return None
    x = np.pad(input_array(params), [(0, 0), (p[0], p[0] + extra[0]), (p[1], p[1] + extra[1])])
    return run_conv(params, x=x, padding=0)


def conv_ignored_dilation(params: GridParams) -> Blocks | None:
    """The convolution with dilation 1."""
    return None if params.dilation == (1, 1) else run_conv(params, dilation=1)


def conv_computed_transposed(params: GridParams) -> Blocks | None:
    """A transposed convolution with the same kernel, stride, padding and dilation."""
    if same_size_conv(params):
        return None  # the same answer as conv_flipped_kernel, which names it
    return run_transposed(params, kernel=regroup(params), output_padding=0)


def conv_ignored_stride(params: GridParams) -> Blocks | None:
    """The convolution with stride 1: the window moved one cell at a time."""
    return None if params.stride == (1, 1) else run_conv(params, stride=1)


_C_SIZE = f"H_out = {shape_formula_symbols('conv')}"

Conv.mistakes = (
    Mistake(
        "conv_flipped_kernel",
        "You rotated the kernel by 180° (a true convolution)",
        "PyTorch's conv2d is a cross-correlation — multiply each window by the kernel as it is.",
        conv_flipped_kernel,
    ),
    Mistake(
        "conv_forgot_padding",
        "You left out the padding",
        "add p rows and columns of zeros on every side of the input before sliding the kernel.",
        conv_forgot_padding,
    ),
    Mistake(
        "conv_padded_one_side",
        "You padded the input at the top and left only",
        "padding p adds p rows and columns of zeros on every side: top, bottom, left and right.",
        conv_padded_one_side,
    ),
    Mistake(
        "conv_ceil",
        "You counted a last window that sticks out of the padded input",
        f"every window must lie inside the padded input, so the size rounds down: {_C_SIZE}.",
        conv_ceil,
    ),
    Mistake(
        "conv_ignored_stride",
        "You moved the window one cell at a time",
        "with stride s the window moves s rows down (or s columns right) between neighbouring output cells.",
        conv_ignored_stride,
    ),
    Mistake(
        "conv_ignored_dilation",
        "You ignored the dilation",
        "with dilation d the kernel's entries sample input cells d rows or columns apart.",
        conv_ignored_dilation,
    ),
    Mistake(
        "conv_computed_transposed",
        "You computed a transposed convolution",
        "a convolution slides the kernel over the padded input and writes one sum per window position.",
        conv_computed_transposed,
    ),
)
