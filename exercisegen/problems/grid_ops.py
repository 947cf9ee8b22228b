"""Array helpers the grid types' mistake rules share: running an operation with changed parameters,
the full (uncropped) scatter output and windows of it, kernel rotation and layout swaps.

Transposed convolutions are described through the *full* scatter output F (padding 0, no
output_padding): the right answer is the window of F that starts p rows down and p columns in and is
H_out × W_out large (cells beyond F are 0). Several mistakes are simply other windows of F.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.problems.base import Blocks, Pair, blocks_from_array
from exercisegen.problems.grid import GridParams

if TYPE_CHECKING:
    import numpy as np


def input_array(params: GridParams) -> "np.ndarray":
    """The input as a (C_in, H, W) array."""
    import numpy as np

    return np.asarray(params.input)


def kernel_array(params: GridParams) -> "np.ndarray":
    """The kernel as a 4-D array in its own layout."""
    import numpy as np

    return np.asarray(params.kernel)


def run_transposed(params: GridParams, x: Any = None, kernel: Any = None, **changes: Any) -> Blocks | None:
    """conv_transpose2d of the input (or `x`) with the kernel (or `kernel`) and some parameters
    changed; None when they are not valid."""
    from exercisegen.solver import conv_transpose2d

    args: dict[str, Any] = {
        "stride": params.stride,
        "padding": params.padding,
        "output_padding": params.output_padding,
        "dilation": params.dilation,
        "groups": params.groups,
    }
    args.update(changes)
    x = input_array(params) if x is None else x
    try:
        return blocks_from_array(conv_transpose2d(x, kernel_array(params) if kernel is None else kernel, **args))
    except ParameterError:
        return None


def run_conv(params: GridParams, x: Any = None, kernel: Any = None, **changes: Any) -> Blocks | None:
    """conv2d of the input (or `x`) with the kernel (or `kernel`) and some parameters changed; None
    when they are not valid."""
    from exercisegen.solver import conv2d

    args: dict[str, Any] = {
        "stride": params.stride,
        "padding": params.padding,
        "dilation": params.dilation,
        "groups": params.groups,
    }
    args.update(changes)
    x = input_array(params) if x is None else x
    try:
        return blocks_from_array(conv2d(x, kernel_array(params) if kernel is None else kernel, **args))
    except ParameterError:
        return None


@lru_cache(maxsize=256)
def full_output(params: GridParams) -> "np.ndarray":
    """The full scatter output F of a transposed convolution: (C_out, FH, FW), nothing cropped.

    Several mistakes are windows of the same F: it is computed once per problem (read-only).
    """
    from exercisegen.solver import conv_transpose2d

    full = conv_transpose2d(
        input_array(params), kernel_array(params), stride=params.stride, dilation=params.dilation, groups=params.groups
    )
    full.flags.writeable = False
    return full


def window(full: "np.ndarray", top: int, left: int, height: int, width: int) -> Blocks | None:
    """Rows top..top+height-1 and columns left..left+width-1 of `full`; cells outside it are 0."""
    import numpy as np

    c, fh, fw = full.shape
    out = np.zeros((c, max(height, 0), max(width, 0)), dtype=full.dtype)
    # the part of the window that lies inside `full`, in full's rows and columns
    r0, r1 = max(top, 0), min(top + height, fh)
    c0, c1 = max(left, 0), min(left + width, fw)
    if r0 < r1 and c0 < c1:
        out[:, r0 - top : r1 - top, c0 - left : c1 - left] = full[:, r0:r1, c0:c1]
    return blocks_from_array(out)


def rotated_kernel(params: GridParams) -> "np.ndarray | None":
    """The kernel rotated by 180° (4-D, its own layout), or None if rotation changes nothing."""
    import numpy as np

    w = kernel_array(params)
    rotated = w[..., ::-1, ::-1]
    return None if np.array_equal(rotated, w) else rotated


def regroup(params: GridParams) -> "np.ndarray":
    """The kernel swapped between the conv layout (C_out, C_in/g, kH, kW) and the transposed layout
    (C_in, C_out/g, kH, kW): the same numbers connect the same channel pairs."""
    arr, g = kernel_array(params), params.groups
    a, b, kh, kw = arr.shape[0] // g, arr.shape[1], arr.shape[2], arr.shape[3]
    return arr.reshape(g, a, b, kh, kw).transpose(0, 2, 1, 3, 4).reshape(g * b, a, kh, kw)


def kernel_extent(params: GridParams) -> Pair:
    """d·(k − 1) + 1 in each direction: how many cells one (dilated) kernel copy spans."""
    k, d = params.kernel_size, params.dilation
    return (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)


def same_size_conv(params: GridParams) -> bool:
    """Stride 1 and d·(k − 1) = 2p: the transposed convolution of a kernel equals the convolution
    with the kernel rotated by 180°, so rotating and switching operation give the same answer."""
    extent, p = kernel_extent(params), params.padding
    return params.stride == (1, 1) and all(extent[a] - 1 == 2 * p[a] for a in (0, 1))


def fit_output_padding(params: GridParams, stride: Pair, dilation: Pair) -> Pair:
    """output_padding reduced where it would break `output_padding < max(stride, dilation)`."""
    op = params.output_padding
    return (min(op[0], max(stride[0], dilation[0]) - 1), min(op[1], max(stride[1], dilation[1]) - 1))
