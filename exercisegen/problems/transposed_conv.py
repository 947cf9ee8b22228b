"""Problem type `transposed_conv`: compute the output of a transposed convolution, and its mistakes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from exercisegen.explanations import Explanation
from exercisegen.problems.base import Blocks, Matrix, Mistake, blocks_from_array, same_answer
from exercisegen.problems.grid import GridParams, GridType, grid_fields
from exercisegen.problems.grid_ops import (
    fit_output_padding,
    full_output,
    input_array,
    kernel_array,
    kernel_extent,
    regroup,
    rotated_kernel,
    run_conv,
    run_transposed,
    same_size_conv,
    window,
)

if TYPE_CHECKING:
    import numpy as np


class TransposedConv(GridType):
    """conv_transpose2d: the slides' scatter / crop, gather and matrix views."""

    name = "transposed_conv"
    operation = "transposed"
    fields = grid_fields(transposed=True)
    views = ("scatter", "gather", "matrix", "compact")
    default_views = ("scatter",)

    def _kernel_lead(self, c_in: int, c_out: int, groups: int) -> tuple[int, int]:
        return (c_in, c_out // groups)  # (C_in, C_out/groups, kH, kW)

    def _run(self, params: GridParams) -> "np.ndarray":
        from exercisegen.solver import conv_transpose2d

        return conv_transpose2d(
            input_array(params),
            kernel_array(params),
            stride=params.stride,
            padding=params.padding,
            output_padding=params.output_padding,
            dilation=params.dilation,
            groups=params.groups,
        )

    def channel_pairs(self, params: GridParams) -> Iterator[tuple[int, int, Matrix]]:
        """Input channel ci feeds output channels of its group through kernel[ci][j]."""
        per_group_in = params.in_channels // params.groups
        per_group_out = len(params.kernel[0])
        for ci in range(params.in_channels):
            group = ci // per_group_in
            for j in range(per_group_out):
                yield ci, group * per_group_out + j, params.kernel[ci][j]

    def _what(self) -> str:
        return "the transposed convolution (PyTorch's conv_transpose2d)"

    def _layout_words(self) -> str:
        return "(C_in, C_out/groups, kH, kW)"

    def describe_answer(self, params: GridParams) -> str:
        """For the answer sheet."""
        return "output of the transposed convolution"

    def _view(self, view: str, x: Matrix, w: Matrix, params: GridParams, suffix: str) -> Explanation | None:
        from exercisegen.steps import gather_view, matrix_view, scatter_view

        kw = self.view_args(params) | {"output_padding": params.output_padding}
        if view == "scatter":
            title = "Scatter: each input element stamps a scaled kernel" + suffix
            return Explanation("scatter", title, scatter_view(x, w, **kw))
        if view == "compact":
            title = "All stamps in one table, then the crop" + suffix
            return Explanation("scatter_compact", title, scatter_view(x, w, **kw))
        if view == "gather":
            title = "Gather: zero-insert, border, rotated kernel" + suffix
            return Explanation("gather", title, gather_view(x, w, **kw))
        if view == "matrix":
            return Explanation("matrix", "Matrix view" + suffix, matrix_view(x, w, transposed=True, **kw))
        return None


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def _cropped(params: GridParams, top: int, left: int, height: int, width: int) -> Blocks | None:
    """A window of the full scatter output, sizes given relative to F's (FH, FW)."""
    full = full_output(params)
    return window(full, top, left, full.shape[1] + height, full.shape[2] + width)


def forgot_crop(params: GridParams) -> Blocks | None:
    """The whole scatter output, padding not cropped (output_padding rows still appended)."""
    p, op = params.padding, params.output_padding
    if p == (0, 0):
        return None
    return _cropped(params, 0, 0, op[0], op[1])


def cropped_top_left_only(params: GridParams) -> Blocks | None:
    """p rows/columns cropped at the top and left, none at the bottom and right."""
    p, op = params.padding, params.output_padding
    if p == (0, 0):
        return None
    return _cropped(params, p[0], p[1], -p[0] + op[0], -p[1] + op[1])


def cropped_bottom_right_only(params: GridParams) -> Blocks | None:
    """p rows/columns cropped at the bottom and right, none at the top and left."""
    p, op = params.padding, params.output_padding
    if p == (0, 0):
        return None
    return _cropped(params, 0, 0, -p[0] + op[0], -p[1] + op[1])


def padded_input(params: GridParams) -> Blocks | None:
    """The input zero-padded by p (as in a convolution), then scattered, nothing cropped.

    The padding zeros stamp nothing, so this is F inside a border of p·s zeros.
    """
    p, op, s = params.padding, params.output_padding, params.stride
    if p == (0, 0):
        return None
    top, left = p[0] * s[0], p[1] * s[1]
    return _cropped(params, -top, -left, 2 * top + op[0], 2 * left + op[1])


def computed_conv(params: GridParams) -> Blocks | None:
    """An ordinary convolution with the same kernel, stride, padding and dilation."""
    return run_conv(params, kernel=regroup(params))


def ignored_stride(params: GridParams) -> Blocks | None:
    """Kernel copies placed 1 apart: the transposed convolution with stride 1."""
    if params.stride == (1, 1):
        return None
    return run_transposed(params, stride=1, output_padding=fit_output_padding(params, (1, 1), params.dilation))


def inserted_s_zeros(params: GridParams) -> Blocks | None:
    """s zeros inserted between input values instead of s − 1: effective stride s + 1 (at stride 1 too)."""
    s = params.stride
    return run_transposed(params, stride=(s[0] + 1, s[1] + 1))


def tiled_without_overlap(params: GridParams) -> Blocks | None:
    """Kernel copies placed side by side (d·(k − 1) + 1 apart), so nothing overlaps."""
    s, extent = params.stride, kernel_extent(params)
    if s[0] >= extent[0] and s[1] >= extent[1]:
        return None  # the copies do not overlap anyway
    apart = (max(s[0], extent[0]), max(s[1], extent[1]))
    predicted = run_transposed(params, stride=apart)
    zeros = inserted_s_zeros(params)
    if predicted is not None and zeros is not None and same_answer(predicted, zeros):
        return None  # the same answer as inserted_s_zeros, which names it (e.g. k = s + 1, or one row)
    return predicted


def overwrote_overlaps(params: GridParams) -> Blocks | None:
    """Where kernel copies overlap, the later copy (row by row through the input) replaces the earlier."""
    import numpy as np

    s, d, extent = params.stride, params.dilation, kernel_extent(params)
    if s[0] >= extent[0] and s[1] >= extent[1]:
        return None
    x, w = input_array(params), kernel_array(params)  # (C_in, H, W), (C_in, C_out/g, kH, kW)
    full = full_output(params)
    stamped = np.zeros_like(full)
    c_in, c_out_g = x.shape[0], w.shape[1]
    for ci in range(c_in):
        group = ci // (c_in // params.groups)
        for co in range(c_out_g):
            # one input channel's stamps into one output channel, each overwriting what is there
            canvas = np.zeros(full.shape[1:], dtype=full.dtype)
            for i in range(x.shape[1]):
                for j in range(x.shape[2]):
                    for a in range(w.shape[2]):
                        for b in range(w.shape[3]):
                            canvas[i * s[0] + a * d[0], j * s[1] + b * d[1]] = x[ci, i, j] * w[ci, co, a, b]
            stamped[group * c_out_g + co] += canvas
    p, op = params.padding, params.output_padding
    fh, fw = full.shape[1], full.shape[2]
    return window(stamped, p[0], p[1], fh - 2 * p[0] + op[0], fw - 2 * p[1] + op[1])


def unflipped_kernel(params: GridParams) -> Blocks | None:
    """The gather view without rotating the kernel = scattering the 180°-rotated kernel."""
    rotated = rotated_kernel(params)
    if rotated is None or same_size_conv(params):
        return None  # (for a size-keeping stride-1 problem this is computed_conv, which names it)
    return run_transposed(params, kernel=rotated)


def output_padding_top_left(params: GridParams) -> Blocks | None:
    """The output_padding rows/columns kept at the top and left instead of the bottom and right."""
    p, op = params.padding, params.output_padding
    if op == (0, 0):
        return None
    return _cropped(params, p[0] - op[0], p[1] - op[1], -2 * p[0] + op[0], -2 * p[1] + op[1])


def output_padding_as_zeros(params: GridParams) -> Blocks | None:
    """The output cropped as without output_padding, then output_padding zero rows/columns appended."""
    import numpy as np

    p, op = params.padding, params.output_padding
    if op == (0, 0) or all(op[a] == 0 or p[a] == 0 for a in (0, 1)):
        return None  # without padding the extra rows/columns lie beyond F and are zeros anyway
    full = full_output(params)
    cropped = full[:, p[0] : full.shape[1] - p[0], p[1] : full.shape[2] - p[1]]
    return blocks_from_array(np.pad(cropped, ((0, 0), (0, op[0]), (0, op[1]))))


def ignored_output_padding(params: GridParams) -> Blocks | None:
    """The transposed convolution without output_padding."""
    if params.output_padding == (0, 0):
        return None
    return run_transposed(params, output_padding=0)


def ignored_dilation(params: GridParams) -> Blocks | None:
    """The transposed convolution with dilation 1 (the kernel's entries placed next to each other)."""
    if params.dilation == (1, 1):
        return None
    return run_transposed(params, dilation=1, output_padding=fit_output_padding(params, params.stride, (1, 1)))


def cropped_twice(params: GridParams) -> Blocks | None:
    """2p rows/columns cropped from every side instead of p."""
    p, op = params.padding, params.output_padding
    if p == (0, 0):
        return None
    return _cropped(params, 2 * p[0], 2 * p[1], -4 * p[0] + op[0], -4 * p[1] + op[1])


def gather_border_p(params: GridParams) -> Blocks | None:
    """The gather view with a border of p zeros around the zero-inserted input instead of d·(k − 1) − p."""
    import numpy as np

    s, p, op, extent = params.stride, params.padding, params.output_padding, kernel_extent(params)
    if all(2 * p[a] == extent[a] - 1 for a in (0, 1)):
        return None  # p is d·(k − 1) − p: the right border
    x = input_array(params)  # (C_in, H, W)
    spread = np.zeros((x.shape[0], (x.shape[1] - 1) * s[0] + 1, (x.shape[2] - 1) * s[1] + 1), dtype=x.dtype)
    spread[:, :: s[0], :: s[1]] = x
    bordered = np.pad(spread, [(0, 0), (p[0], p[0] + op[0]), (p[1], p[1] + op[1])])
    rotated = regroup(params)[..., ::-1, ::-1]  # conv layout, each slice rotated by 180°
    return run_conv(params, x=bordered, kernel=rotated, stride=1, padding=0)


def transposed_kernel(params: GridParams) -> Blocks | None:
    """The kernel's rows and columns swapped (each slice transposed) before stamping."""
    import numpy as np

    w = kernel_array(params)
    swapped = w.transpose(0, 1, 3, 2)
    if swapped.shape == w.shape and np.array_equal(swapped, w):
        return None
    return run_transposed(params, kernel=swapped)


def _flipped(params: GridParams, axis: int) -> Blocks | None:
    """The gather view with the kernel flipped along one axis only (-1: left to right, -2: upside down),
    which is the scatter view with the kernel flipped along the other axis."""
    import numpy as np

    w = kernel_array(params)
    other = np.flip(w, axis=-3 - axis)  # the flip the gather view leaves out, as a scatter-view kernel
    if np.array_equal(other, w) or np.array_equal(other, w[..., ::-1, ::-1]):
        return None  # the same as the right answer or as unflipped_kernel
    return run_transposed(params, kernel=other)


def flipped_left_right_only(params: GridParams) -> Blocks | None:
    """Gather view with the kernel mirrored left to right instead of rotated by 180°."""
    return _flipped(params, -1)


def flipped_upside_down_only(params: GridParams) -> Blocks | None:
    """Gather view with the kernel turned upside down instead of rotated by 180°."""
    return _flipped(params, -2)


_ROTATE_BOTH = (
    "rotating by 180° flips the kernel both ways — left to right and upside down — before it slides over "
    "the zero-inserted input."
)
_CROP_BOTH = "padding p removes p rows at the top and p at the bottom, and p columns at the left and p at the right."

TransposedConv.mistakes = (
    Mistake(
        "forgot_crop",
        "You kept the padded border",
        "in a transposed convolution padding removes rows and columns from the output — "
        "crop p from every side of the full scatter result.",
        forgot_crop,
    ),
    Mistake(
        "cropped_top_left_only",
        "You cropped the padding at the top and left only",
        _CROP_BOTH,
        cropped_top_left_only,
    ),
    Mistake(
        "cropped_bottom_right_only",
        "You cropped the padding at the bottom and right only",
        _CROP_BOTH,
        cropped_bottom_right_only,
    ),
    Mistake(
        "padded_input",
        "You padded the input with zeros as in a convolution",
        "a transposed convolution scatters the input as it is and then crops p rows and columns "
        "from every side of the result.",
        padded_input,
    ),
    Mistake(
        "computed_conv",
        "You computed an ordinary convolution (the kernel slid over the input)",
        "a transposed convolution goes the other way — every input value stamps a scaled copy of the "
        "kernel into the output, and overlapping stamps add up.",
        computed_conv,
    ),
    Mistake(
        "ignored_stride",
        "You placed the kernel copies 1 step apart",
        "with stride s the copies for neighbouring input values start s rows (or columns) apart.",
        ignored_stride,
    ),
    Mistake(
        "inserted_s_zeros",
        "You inserted s zeros between neighbouring input values",
        "stride s puts s − 1 zeros between them, so the kernel copies start s apart, not s + 1.",
        inserted_s_zeros,
    ),
    Mistake(
        "tiled_without_overlap",
        "You placed the kernel copies side by side without overlap",
        "each copy starts s rows or columns after the previous one, so copies overlap when the kernel "
        "is larger than the stride, and overlapping values add up.",
        tiled_without_overlap,
    ),
    Mistake(
        "overwrote_overlaps",
        "You overwrote cells where kernel copies overlap",
        "overlapping values add up — every output cell is the sum of all products that land on it.",
        overwrote_overlaps,
    ),
    Mistake(
        "unflipped_kernel",
        "Your answer is the gather view with the kernel not rotated (or the scatter view with a rotated kernel)",
        "in the gather view slide the kernel rotated by 180° over the zero-inserted input; "
        "in the scatter view stamp the kernel as it is.",
        unflipped_kernel,
    ),
    Mistake(
        "output_padding_top_left",
        "You put the output_padding rows and columns at the top and left",
        "output_padding extends the output at the bottom and on the right only.",
        output_padding_top_left,
    ),
    Mistake(
        "output_padding_as_zeros",
        "You filled the output_padding rows and columns with zeros",
        "output_padding keeps rows and columns of the full result that padding would crop, "
        "so they hold computed values (zeros only beyond the full result).",
        output_padding_as_zeros,
    ),
    Mistake(
        "ignored_output_padding",
        "You left out output_padding",
        "it adds that many rows at the bottom and columns on the right of the output.",
        ignored_output_padding,
    ),
    Mistake(
        "ignored_dilation",
        "You ignored the dilation",
        "with dilation d the kernel's entries land d rows or columns apart, so one copy spans d·(k − 1) + 1 cells.",
        ignored_dilation,
    ),
    Mistake(
        "cropped_twice",
        "You cropped 2p rows and columns from every side",
        "padding p crops p rows at the top and p at the bottom, and p columns at the left and p at the right — "
        "p from each side, 2p in all.",
        cropped_twice,
    ),
    Mistake(
        "gather_border_p",
        "You put a border of p zeros around the zero-inserted input in the gather view",
        "the border is d·(k − 1) − p zeros wide (the kernel's span minus 1, less the padding), "
        "plus output_padding extra rows and columns at the bottom and right.",
        gather_border_p,
    ),
    Mistake(
        "transposed_kernel",
        "You used the kernel transposed (its rows as columns)",
        "stamp the kernel as it is printed: its first row lands on the copy's first row.",
        transposed_kernel,
    ),
    Mistake(
        "flipped_left_right_only",
        "You mirrored the kernel left to right only in the gather view",
        _ROTATE_BOTH,
        flipped_left_right_only,
    ),
    Mistake(
        "flipped_upside_down_only",
        "You turned the kernel upside down only in the gather view",
        _ROTATE_BOTH,
        flipped_upside_down_only,
    ),
)
