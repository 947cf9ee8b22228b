"""Named wrong rules: each recomputes, with the solver, what a student who made one typical mistake writes.

Grading compares a wrong answer with every rule of its problem type (`diagnose`) so the feedback can
name the mistake and say what is right instead; the generator uses `confusable` to reject draws in
which a mistake would give the right answer, or two mistakes the same wrong one.

A rule is a small pure function `params -> nested list | None` (the answer's nested-list form; the
shape may differ from the right answer's). It returns None when the mistake cannot be made with these
parameters: no padding to forget, no overlap to overwrite, a kernel equal to its 180° rotation, ...

Transposed convolutions are described through the *full* scatter output F (padding 0, no
output_padding): the right answer is the window of F that starts p rows down and p columns in and is
H_out × W_out large (cells beyond F are 0). Several mistakes are simply other windows of F.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from exercisegen.errors import ParameterError
from exercisegen.notation import shape_formula_symbols
from exercisegen.problems import problem_type
from exercisegen.problems._common import close
from exercisegen.solver import conv2d, conv_transpose2d, output_shape, pair

if TYPE_CHECKING:
    import numpy as np

Number = Union[int, float]
Rule = Callable[[dict[str, Any]], Optional[list]]

# numbers closer than this count as equal even when a problem's tolerance is 0 (float round-off)
_FLOAT_ATOL = 1e-9


@dataclass(frozen=True)
class Mistake:
    """A named wrong rule: what the student did, what is right instead, and the rule recomputing it."""

    name: str
    types: tuple[str, ...]  # the problem types whose answers the rule predicts
    summary: str  # what the student did: "You kept the padded border"
    advice: str  # what is right instead, ending with a full stop
    rule: Rule

    @property
    def sentence(self) -> str:
        """Summary and advice as the one sentence shown in feedback."""
        return f"{self.summary}: {self.advice}"

    def predict(self, params: dict[str, Any]) -> list | None:
        """The answer this mistake gives, or None if it cannot be made here or gives the right answer."""
        predicted = self.rule(params)
        if predicted is None or same_answer(predicted, problem_type(self.types[0]).solve(params)):
            return None
        return predicted


# --- parameters and small array helpers ------------------------------------------------------


def _p(params: dict[str, Any], name: str, default: int) -> tuple[int, int]:
    return pair(params.get(name, default), name)


def _transposed_args(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "stride": _p(params, "stride", 1),
        "padding": _p(params, "padding", 0),
        "output_padding": _p(params, "output_padding", 0),
        "dilation": _p(params, "dilation", 1),
        "groups": params.get("groups", 1),
    }


def _conv_args(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "stride": _p(params, "stride", 1),
        "padding": _p(params, "padding", 0),
        "dilation": _p(params, "dilation", 1),
        "groups": params.get("groups", 1),
    }


def _shape(params: dict[str, Any], **changes: Any) -> tuple[int, int]:
    args = {
        "stride": _p(params, "stride", 1),
        "padding": _p(params, "padding", 0),
        "output_padding": _p(params, "output_padding", 0),
        "dilation": _p(params, "dilation", 1),
    }
    if params["operation"] == "conv":
        args["output_padding"] = (0, 0)
    args.update(changes)
    return output_shape(params["operation"], params["input_size"], params["kernel_size"], **args)


def _single(params: dict[str, Any]) -> bool:
    """True for the single-channel shorthand: a 2-D input (and a 2-D answer)."""
    return not isinstance(params["input"][0][0], list)


def _as_answer(arr: "np.ndarray", single: bool) -> list | None:
    """(C, H, W) array -> the answer's nested list (2-D for single-channel problems); None if empty."""
    if min(arr.shape) < 1:
        return None
    return (arr[0] if single else arr).tolist()


def _kernel_4d(params: dict[str, Any]) -> "np.ndarray":
    """The kernel as a 4-D array in its own layout (single-channel kernels get two leading 1s)."""
    import numpy as np

    w = np.asarray(params["kernel"])
    return w[None, None] if w.ndim == 2 else w


def _rotated_kernel(params: dict[str, Any]) -> list | None:
    """The kernel rotated by 180° (as nested lists in its own layout), or None if rotation changes nothing."""
    import numpy as np

    w = np.asarray(params["kernel"])
    rotated = w[..., ::-1, ::-1]
    if np.array_equal(rotated, w):
        return None
    return rotated.tolist()


def _regroup(w: Any, groups: int) -> "np.ndarray":
    """Swap a weight between the conv layout (C_out, C_in/g, kH, kW) and the transposed layout
    (C_in, C_out/g, kH, kW): the same numbers connect the same channel pairs."""
    import numpy as np

    arr = np.asarray(w)
    if arr.ndim == 2:
        return arr
    g = groups
    a, b, kh, kw = arr.shape[0] // g, arr.shape[1], arr.shape[2], arr.shape[3]
    return arr.reshape(g, a, b, kh, kw).transpose(0, 2, 1, 3, 4).reshape(g * b, a, kh, kw)


def _full(params: dict[str, Any]) -> "np.ndarray":
    """The full scatter output F of a transposed convolution: (C_out, FH, FW), nothing cropped."""
    args = _transposed_args(params)
    out = conv_transpose2d(
        params["input"], params["kernel"], stride=args["stride"], dilation=args["dilation"], groups=args["groups"]
    )
    return out[None] if out.ndim == 2 else out


def _window(full: "np.ndarray", top: int, left: int, height: int, width: int) -> "np.ndarray":
    """Rows top..top+height-1 and columns left..left+width-1 of `full`; cells outside it are 0."""
    import numpy as np

    c, fh, fw = full.shape
    out = np.zeros((c, max(height, 0), max(width, 0)), dtype=full.dtype)
    # the part of the window that lies inside `full`, in full's rows and columns
    r0, r1 = max(top, 0), min(top + height, fh)
    c0, c1 = max(left, 0), min(left + width, fw)
    if r0 < r1 and c0 < c1:
        out[:, r0 - top : r1 - top, c0 - left : c1 - left] = full[:, r0:r1, c0:c1]
    return out


def _crop_sizes(params: dict[str, Any], full: "np.ndarray") -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(FH, FW), padding and output_padding of a transposed convolution."""
    return (full.shape[1], full.shape[2]), _p(params, "padding", 0), _p(params, "output_padding", 0)


def _conv_t(params: dict[str, Any], kernel: Any = None, **changes: Any) -> list | None:
    """The transposed convolution with some parameters changed; None if they are not valid."""
    args = _transposed_args(params)
    args.update(changes)
    try:
        out = conv_transpose2d(params["input"], params["kernel"] if kernel is None else kernel, **args)
    except ParameterError:
        return None
    return out.tolist()


def _conv(params: dict[str, Any], x: Any = None, kernel: Any = None, **changes: Any) -> list | None:
    """The convolution with its input, kernel or parameters changed; None if they are not valid."""
    args = _conv_args(params)
    args.update(changes)
    try:
        out = conv2d(params["input"] if x is None else x, params["kernel"] if kernel is None else kernel, **args)
    except ParameterError:
        return None
    return out.tolist()


def _kernel_extent(params: dict[str, Any]) -> tuple[int, int]:
    """d·(k − 1) + 1 in each direction: how many cells one (dilated) kernel copy spans."""
    w = _kernel_4d(params)
    d = _p(params, "dilation", 1)
    return (d[0] * (w.shape[2] - 1) + 1, d[1] * (w.shape[3] - 1) + 1)


def _same_size_conv(params: dict[str, Any]) -> bool:
    """Stride 1 and d·(k − 1) = 2p: the transposed convolution of a kernel equals the convolution
    with the kernel rotated by 180°, so rotating and switching operation give the same answer."""
    s, p, extent = _p(params, "stride", 1), _p(params, "padding", 0), _kernel_extent(params)
    return s == (1, 1) and all(extent[a] - 1 == 2 * p[a] for a in (0, 1))


def _shape_of(nested: Any) -> tuple[int, ...]:
    """The shape of a rectangular nested list."""
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0] if nested else None
    return tuple(shape)


def _fit_output_padding(params: dict[str, Any], stride: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int]:
    """output_padding reduced where it would break `output_padding < max(stride, dilation)`."""
    op = _p(params, "output_padding", 0)
    return (min(op[0], max(stride[0], dilation[0]) - 1), min(op[1], max(stride[1], dilation[1]) - 1))


# --- transposed_conv rules -------------------------------------------------------------------


def forgot_crop(params: dict[str, Any]) -> list | None:
    """The whole scatter output, padding not cropped (output_padding rows still appended)."""
    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if p == (0, 0):
        return None
    return _as_answer(_window(full, 0, 0, fh + op[0], fw + op[1]), _single(params))


def cropped_top_left_only(params: dict[str, Any]) -> list | None:
    """p rows/columns cropped at the top and left, none at the bottom and right."""
    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if p == (0, 0):
        return None
    return _as_answer(_window(full, p[0], p[1], fh - p[0] + op[0], fw - p[1] + op[1]), _single(params))


def cropped_bottom_right_only(params: dict[str, Any]) -> list | None:
    """p rows/columns cropped at the bottom and right, none at the top and left."""
    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if p == (0, 0):
        return None
    return _as_answer(_window(full, 0, 0, fh - p[0] + op[0], fw - p[1] + op[1]), _single(params))


def padded_input(params: dict[str, Any]) -> list | None:
    """The input zero-padded by p (as in a convolution), then scattered, nothing cropped.

    The padding zeros stamp nothing, so this is F inside a border of p·s zeros.
    """
    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if p == (0, 0):
        return None
    s = _p(params, "stride", 1)
    top, left = p[0] * s[0], p[1] * s[1]
    return _as_answer(_window(full, -top, -left, fh + 2 * top + op[0], fw + 2 * left + op[1]), _single(params))


def computed_conv(params: dict[str, Any]) -> list | None:
    """An ordinary convolution with the same kernel, stride, padding and dilation."""
    args = _transposed_args(params)
    kernel = _regroup(params["kernel"], args["groups"]).tolist()
    return _conv(params, kernel=kernel)


def ignored_stride(params: dict[str, Any]) -> list | None:
    """Kernel copies placed 1 apart: the transposed convolution with stride 1."""
    s, d = _p(params, "stride", 1), _p(params, "dilation", 1)
    if s == (1, 1):
        return None
    return _conv_t(params, stride=1, output_padding=_fit_output_padding(params, (1, 1), d))


def inserted_s_zeros(params: dict[str, Any]) -> list | None:
    """s zeros inserted between input values instead of s − 1: effective stride s + 1."""
    s = _p(params, "stride", 1)
    if s == (1, 1):
        return None
    return _conv_t(params, stride=(s[0] + 1, s[1] + 1))


def tiled_without_overlap(params: dict[str, Any]) -> list | None:
    """Kernel copies placed side by side (d·(k − 1) + 1 apart), so nothing overlaps."""
    s, extent = _p(params, "stride", 1), _kernel_extent(params)
    if s[0] >= extent[0] and s[1] >= extent[1]:
        return None  # the copies do not overlap anyway
    apart = (max(s[0], extent[0]), max(s[1], extent[1]))
    if s != (1, 1) and apart == (s[0] + 1, s[1] + 1):
        return None  # the same answer as inserted_s_zeros, which names it
    return _conv_t(params, stride=apart)


def overwrote_overlaps(params: dict[str, Any]) -> list | None:
    """Where kernel copies overlap, the later copy (row by row through the input) replaces the earlier."""
    import numpy as np

    s, extent = _p(params, "stride", 1), _kernel_extent(params)
    if s[0] >= extent[0] and s[1] >= extent[1]:
        return None
    x = np.asarray(params["input"])
    x = x[None] if x.ndim == 2 else x  # (C_in, H, W)
    w = _kernel_4d(params)  # (C_in, C_out/g, kH, kW)
    d, g = _p(params, "dilation", 1), params.get("groups", 1)
    full = _full(params)
    stamped = np.zeros_like(full)
    c_in, c_out_g = x.shape[0], w.shape[1]
    for ci in range(c_in):
        group = ci // (c_in // g)
        for co in range(c_out_g):
            # one input channel's stamps into one output channel, each overwriting what is there
            canvas = np.zeros(full.shape[1:], dtype=full.dtype)
            for i in range(x.shape[1]):
                for j in range(x.shape[2]):
                    for a in range(w.shape[2]):
                        for b in range(w.shape[3]):
                            canvas[i * s[0] + a * d[0], j * s[1] + b * d[1]] = x[ci, i, j] * w[ci, co, a, b]
            stamped[group * c_out_g + co] += canvas
    (fh, fw), p, op = _crop_sizes(params, full)
    return _as_answer(_window(stamped, p[0], p[1], fh - 2 * p[0] + op[0], fw - 2 * p[1] + op[1]), _single(params))


def unflipped_kernel(params: dict[str, Any]) -> list | None:
    """The gather view without rotating the kernel = scattering the 180°-rotated kernel."""
    rotated = _rotated_kernel(params)
    if rotated is None or _same_size_conv(params):
        return None  # (for a size-keeping stride-1 problem this is computed_conv, which names it)
    return _conv_t(params, kernel=rotated)


def output_padding_top_left(params: dict[str, Any]) -> list | None:
    """The output_padding rows/columns kept at the top and left instead of the bottom and right."""
    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if op == (0, 0):
        return None
    height, width = fh - 2 * p[0] + op[0], fw - 2 * p[1] + op[1]
    return _as_answer(_window(full, p[0] - op[0], p[1] - op[1], height, width), _single(params))


def output_padding_as_zeros(params: dict[str, Any]) -> list | None:
    """The output cropped as without output_padding, then output_padding zero rows/columns appended."""
    import numpy as np

    full = _full(params)
    (fh, fw), p, op = _crop_sizes(params, full)
    if op == (0, 0) or all(op[a] == 0 or p[a] == 0 for a in (0, 1)):
        return None  # without padding the extra rows/columns lie beyond F and are zeros anyway
    cropped = _window(full, p[0], p[1], fh - 2 * p[0], fw - 2 * p[1])
    return _as_answer(np.pad(cropped, ((0, 0), (0, op[0]), (0, op[1]))), _single(params))


def ignored_output_padding(params: dict[str, Any]) -> list | None:
    """The transposed convolution without output_padding."""
    if _p(params, "output_padding", 0) == (0, 0):
        return None
    return _conv_t(params, output_padding=0)


def ignored_dilation(params: dict[str, Any]) -> list | None:
    """The transposed convolution with dilation 1 (the kernel's entries placed next to each other)."""
    s, d = _p(params, "stride", 1), _p(params, "dilation", 1)
    if d == (1, 1):
        return None
    return _conv_t(params, dilation=1, output_padding=_fit_output_padding(params, s, (1, 1)))


# --- conv rules ------------------------------------------------------------------------------


def conv_flipped_kernel(params: dict[str, Any]) -> list | None:
    """A true convolution: the kernel rotated by 180° before sliding it."""
    rotated = _rotated_kernel(params)
    if rotated is None:
        return None
    return _conv(params, kernel=rotated)


def conv_forgot_padding(params: dict[str, Any]) -> list | None:
    """The convolution without padding."""
    if _p(params, "padding", 0) == (0, 0):
        return None
    return _conv(params, padding=0)


def conv_padded_one_side(params: dict[str, Any]) -> list | None:
    """Zeros added at the top and left only."""
    import numpy as np

    p = _p(params, "padding", 0)
    if p == (0, 0):
        return None
    x = np.asarray(params["input"])
    widths = [(0, 0)] * (x.ndim - 2) + [(p[0], 0), (p[1], 0)]
    predicted = _conv(params, x=np.pad(x, widths), padding=0)
    if predicted is None or _shape_of(predicted) == _shape_of(problem_type("conv").solve(params)):
        return None  # no window reaches the bottom/right padding: the mistake changes nothing
    return predicted


def conv_ceil(params: dict[str, Any]) -> list | None:
    """ceil instead of floor: a last, partial window counted, its missing cells taken as 0."""
    import numpy as np

    x = np.asarray(params["input"])
    s, p = _p(params, "stride", 1), _p(params, "padding", 0)
    extent = _kernel_extent(params)
    extra = [(-(x.shape[-2 + a] + 2 * p[a] - extent[a])) % s[a] for a in (0, 1)]
    if extra == [0, 0]:
        return None
    widths = [(0, 0)] * (x.ndim - 2) + [(p[0], p[0] + extra[0]), (p[1], p[1] + extra[1])]
    return _conv(params, x=np.pad(x, widths), padding=0)


def conv_ignored_dilation(params: dict[str, Any]) -> list | None:
    """The convolution with dilation 1."""
    if _p(params, "dilation", 1) == (1, 1):
        return None
    return _conv(params, dilation=1)


def conv_computed_transposed(params: dict[str, Any]) -> list | None:
    """A transposed convolution with the same kernel, stride, padding and dilation."""
    if _same_size_conv(params):
        return None  # the same answer as conv_flipped_kernel, which names it
    args = _conv_args(params)
    kernel = _regroup(params["kernel"], args["groups"]).tolist()
    return _conv_t(params, kernel=kernel, output_padding=0)


# --- output_shape rules ----------------------------------------------------------------------


def _sizes(params: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """(i, k, s, p, op, d) as (h, w) pairs."""
    return (
        pair(params["input_size"], "input_size"),
        pair(params["kernel_size"], "kernel_size"),
        _p(params, "stride", 1),
        _p(params, "padding", 0),
        _p(params, "output_padding", 0),
        _p(params, "dilation", 1),
    )


def _positive(h: int, w: int) -> list | None:
    return [[h, w]] if h >= 1 and w >= 1 else None


def shape_added_padding(params: dict[str, Any]) -> list | None:
    """(i − 1)·s + 2p + d·(k − 1) + output_padding + 1: padding added instead of cropped."""
    i, k, s, p, op, d = _sizes(params)
    if params["operation"] != "transposed" or p == (0, 0):
        return None
    h, w = ((i[a] - 1) * s[a] + 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1 for a in (0, 1))
    return _positive(h, w)


def shape_conv_formula(params: dict[str, Any]) -> list | None:
    """The convolution's ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 used for a transposed convolution."""
    i, k, s, p, op, d = _sizes(params)
    if params["operation"] != "transposed":
        return None
    h, w = ((i[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in (0, 1))
    return _positive(h, w)


def shape_transposed_formula(params: dict[str, Any]) -> list | None:
    """The transposed convolution's (i − 1)·s − 2p + d·(k − 1) + 1 used for a convolution."""
    i, k, s, p, op, d = _sizes(params)
    if params["operation"] != "conv":
        return None
    h, w = ((i[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + 1 for a in (0, 1))
    return _positive(h, w)


def shape_ignored_dilation(params: dict[str, Any]) -> list | None:
    """k used instead of the dilated extent d·(k − 1) + 1."""
    if _p(params, "dilation", 1) == (1, 1):
        return None
    try:
        return [list(_shape(params, dilation=1))]
    except ParameterError:
        return None


def shape_ceil(params: dict[str, Any]) -> list | None:
    """The convolution's size rounded up: ⌈(i + 2p − d·(k − 1) − 1)/s⌉ + 1."""
    i, k, s, p, op, d = _sizes(params)
    if params["operation"] != "conv":
        return None
    spans = [i[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1 for a in (0, 1)]
    if all(spans[a] % s[a] == 0 for a in (0, 1)):
        return None
    h, w = (-(-spans[a] // s[a]) + 1 for a in (0, 1))
    return _positive(h, w)


def shape_ignored_output_padding(params: dict[str, Any]) -> list | None:
    """The transposed convolution's size without output_padding."""
    if params["operation"] != "transposed" or _p(params, "output_padding", 0) == (0, 0):
        return None
    return [list(_shape(params, output_padding=0))]


# --- the library -----------------------------------------------------------------------------

_T_SIZE = f"H_out = {shape_formula_symbols('transposed')}"
_C_SIZE = f"H_out = {shape_formula_symbols('conv')}"

MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "forgot_crop",
        ("transposed_conv",),
        "You kept the padded border",
        "in a transposed convolution padding removes rows and columns from the output — "
        "crop p from every side of the full scatter result.",
        forgot_crop,
    ),
    Mistake(
        "cropped_top_left_only",
        ("transposed_conv",),
        "You cropped the padding at the top and left only",
        "padding p removes p rows at the top and p at the bottom, and p columns at the left and p at the right.",
        cropped_top_left_only,
    ),
    Mistake(
        "cropped_bottom_right_only",
        ("transposed_conv",),
        "You cropped the padding at the bottom and right only",
        "padding p removes p rows at the top and p at the bottom, and p columns at the left and p at the right.",
        cropped_bottom_right_only,
    ),
    Mistake(
        "padded_input",
        ("transposed_conv",),
        "You padded the input with zeros as in a convolution",
        "a transposed convolution scatters the input as it is and then crops p rows and columns "
        "from every side of the result.",
        padded_input,
    ),
    Mistake(
        "computed_conv",
        ("transposed_conv",),
        "You computed an ordinary convolution (the kernel slid over the input)",
        "a transposed convolution goes the other way — every input value stamps a scaled copy of the "
        "kernel into the output, and overlapping stamps add up.",
        computed_conv,
    ),
    Mistake(
        "ignored_stride",
        ("transposed_conv",),
        "You placed the kernel copies 1 step apart",
        "with stride s the copies for neighbouring input values start s rows (or columns) apart.",
        ignored_stride,
    ),
    Mistake(
        "inserted_s_zeros",
        ("transposed_conv",),
        "You inserted s zeros between neighbouring input values",
        "stride s puts s − 1 zeros between them, so the kernel copies start s apart, not s + 1.",
        inserted_s_zeros,
    ),
    Mistake(
        "tiled_without_overlap",
        ("transposed_conv",),
        "You placed the kernel copies side by side without overlap",
        "each copy starts s rows or columns after the previous one, so copies overlap when the kernel "
        "is larger than the stride, and overlapping values add up.",
        tiled_without_overlap,
    ),
    Mistake(
        "overwrote_overlaps",
        ("transposed_conv",),
        "You overwrote cells where kernel copies overlap",
        "overlapping values add up — every output cell is the sum of all products that land on it.",
        overwrote_overlaps,
    ),
    Mistake(
        "unflipped_kernel",
        ("transposed_conv",),
        "Your answer is the gather view with the kernel not rotated (or the scatter view with a rotated kernel)",
        "in the gather view slide the kernel rotated by 180° over the zero-inserted input; "
        "in the scatter view stamp the kernel as it is.",
        unflipped_kernel,
    ),
    Mistake(
        "output_padding_top_left",
        ("transposed_conv",),
        "You put the output_padding rows and columns at the top and left",
        "output_padding extends the output at the bottom and on the right only.",
        output_padding_top_left,
    ),
    Mistake(
        "output_padding_as_zeros",
        ("transposed_conv",),
        "You filled the output_padding rows and columns with zeros",
        "output_padding keeps rows and columns of the full result that padding would crop, "
        "so they hold computed values (zeros only beyond the full result).",
        output_padding_as_zeros,
    ),
    Mistake(
        "ignored_output_padding",
        ("transposed_conv",),
        "You left out output_padding",
        "it adds that many rows at the bottom and columns on the right of the output.",
        ignored_output_padding,
    ),
    Mistake(
        "ignored_dilation",
        ("transposed_conv",),
        "You ignored the dilation",
        "with dilation d the kernel's entries land d rows or columns apart, so one copy spans d·(k − 1) + 1 cells.",
        ignored_dilation,
    ),
    Mistake(
        "conv_flipped_kernel",
        ("conv",),
        "You rotated the kernel by 180° (a true convolution)",
        "PyTorch's conv2d is a cross-correlation — multiply each window by the kernel as it is.",
        conv_flipped_kernel,
    ),
    Mistake(
        "conv_forgot_padding",
        ("conv",),
        "You left out the padding",
        "add p rows and columns of zeros on every side of the input before sliding the kernel.",
        conv_forgot_padding,
    ),
    Mistake(
        "conv_padded_one_side",
        ("conv",),
        "You padded the input at the top and left only",
        "padding p adds p rows and columns of zeros on every side: top, bottom, left and right.",
        conv_padded_one_side,
    ),
    Mistake(
        "conv_ceil",
        ("conv",),
        "You counted a last window that sticks out of the padded input",
        f"every window must lie inside the padded input, so the size rounds down: {_C_SIZE}.",
        conv_ceil,
    ),
    Mistake(
        "conv_ignored_dilation",
        ("conv",),
        "You ignored the dilation",
        "with dilation d the kernel's entries sample input cells d rows or columns apart.",
        conv_ignored_dilation,
    ),
    Mistake(
        "conv_computed_transposed",
        ("conv",),
        "You computed a transposed convolution",
        "a convolution slides the kernel over the padded input and writes one sum per window position.",
        conv_computed_transposed,
    ),
    Mistake(
        "shape_added_padding",
        ("output_shape",),
        "You added the padding to the output size",
        f"in a transposed convolution padding crops: {_T_SIZE}.",
        shape_added_padding,
    ),
    Mistake(
        "shape_conv_formula",
        ("output_shape",),
        "You used the convolution's output-size formula",
        f"for a transposed convolution {_T_SIZE}.",
        shape_conv_formula,
    ),
    Mistake(
        "shape_transposed_formula",
        ("output_shape",),
        "You used the transposed convolution's output-size formula",
        f"for a convolution {_C_SIZE}.",
        shape_transposed_formula,
    ),
    Mistake(
        "shape_ignored_dilation",
        ("output_shape",),
        "You used k instead of the dilated kernel size",
        "with dilation d a kernel spans d·(k − 1) + 1 cells, "
        "so the formula has d·(k − 1) where k − 1 stands without dilation.",
        shape_ignored_dilation,
    ),
    Mistake(
        "shape_ceil",
        ("output_shape",),
        "You rounded up",
        f"a convolution's output size rounds down: {_C_SIZE}.",
        shape_ceil,
    ),
    Mistake(
        "shape_ignored_output_padding",
        ("output_shape",),
        "You left out output_padding",
        f"it adds to the transposed convolution's size: {_T_SIZE}.",
        shape_ignored_output_padding,
    ),
)

_BY_NAME = {m.name: m for m in MISTAKES}
assert len(_BY_NAME) == len(MISTAKES), "mistake names are unique"


def mistake(name: str) -> Mistake:
    """The rule called `name` (KeyError if there is none)."""
    return _BY_NAME[name]


def rules_for(problem_type: str) -> tuple[Mistake, ...]:
    """The rules that predict answers of `problem_type` (none for design and conv_matrix)."""
    return tuple(m for m in MISTAKES if problem_type in m.types)


# --- comparing answers -----------------------------------------------------------------------


def _close(a: Any, b: Any, atol: float, rtol: float) -> bool:
    """`a` equals the number `b` (exactly for ints; float round-off never counts as a difference)."""
    return close(a, b, max(atol, _FLOAT_ATOL), rtol)


def _cells(a: Any, b: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Any, Any]] | None:
    """Pairs of cells of two nested lists at the same positions, or None if their shapes differ."""
    if isinstance(a, list) != isinstance(b, list):
        return None
    if not isinstance(a, list):
        return [(path, a, b)]
    if len(a) != len(b):
        return None
    pairs: list[tuple[tuple[int, ...], Any, Any]] = []
    for index, (x, y) in enumerate(zip(a, b)):
        inner = _cells(x, y, path + (index,))
        if inner is None:
            return None
        pairs.extend(inner)
    return pairs


def same_answer(a: Any, b: Any, *, atol: float = 0.0, rtol: float = 0.0) -> bool:
    """True when two nested lists have the same shape and every pair of cells is equal (within tolerance)."""
    pairs = _cells(a, b)
    return pairs is not None and all(_close(x, y, atol, rtol) for _, x, y in pairs)


def diagnose(
    problem_type: str,
    params: dict[str, Any],
    answer: list,
    submitted: Any,
    *,
    atol: float = 0.0,
    rtol: float = 0.0,
) -> Mistake | None:
    """The rule that explains a wrong answer, or None.

    `submitted` is a nested list like the answer; cells that are not numbers (None for blank or
    unreadable) never match. A rule matches when its prediction equals `submitted` in full, or (same
    shape) in every cell where the prediction differs from the right answer. Full matches win (in
    library order), then the partial match with the most such cells.
    """
    if same_answer(submitted, answer, atol=atol, rtol=rtol):
        return None
    best: Mistake | None = None
    best_cells = 0
    for rule in rules_for(problem_type):
        predicted = rule.rule(params)
        if predicted is None or same_answer(predicted, answer, atol=atol, rtol=rtol):
            continue
        if same_answer(submitted, predicted, atol=atol, rtol=rtol):
            return rule
        differing = _cells(predicted, answer)
        mine = _cells(submitted, predicted)
        if differing is None or mine is None:
            continue
        telling = [i for i, (_, p, a) in enumerate(differing) if not _close(p, a, atol, rtol)]
        if len(telling) > best_cells and all(_close(mine[i][1], mine[i][2], atol, rtol) for i in telling):
            best, best_cells = rule, len(telling)
    return best


def confusable(problem_type: str, params: dict[str, Any], answer: list) -> bool:
    """True when a mistake that can be made here gives the right answer, or two mistakes the same answer."""
    predictions = [p for p in (m.rule(params) for m in rules_for(problem_type)) if p is not None]
    for index, predicted in enumerate(predictions):
        if same_answer(predicted, answer):
            return True
        if any(same_answer(predicted, other) for other in predictions[index + 1 :]):
            return True
    return False
