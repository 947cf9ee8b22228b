"""The numeric truth: `conv2d`, `conv_transpose2d` and their output shapes, with PyTorch's semantics.

Shapes follow PyTorch's unbatched form:

* `conv2d(x, w)`: x is (C_in, H, W), w is (C_out, C_in/groups, kH, kW) -> (C_out, H_out, W_out).
* `conv_transpose2d(x, w)`: x is (C_in, H, W), w is (C_in, C_out/groups, kH, kW) -> (C_out, H_out, W_out).
* Single-channel shorthand: x (H, W) with w (kH, kW) -> (H_out, W_out).

Every parameter (stride, padding, output_padding, dilation) is an int or an (h, w) pair.
Integer inputs give exact int64 outputs; any float input gives float64.

The code is meant to be read by students, so it spells out the definitions:

* conv2d is a cross-correlation:
  out[co, i, j] = sum over ci in co's group, a, b of
                  x_padded[ci, i*stride + a*dilation, j*stride + b*dilation] * w[co, ci, a, b]
* conv_transpose2d scatters: every input element x[ci, i, j] adds x[ci, i, j] * w[ci, co, :, :]
  (dilated) into a "full" output at (i*stride, j*stride); then `padding` rows/columns are cropped
  from each side, and `output_padding` extends the bottom/right by that many more computed rows/columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence, Union

from exercisegen.errors import ParameterError

if TYPE_CHECKING:  # numpy is imported inside functions to keep `exercisegen --help` fast
    import numpy as np

IntPair = Union[int, Sequence[int]]

__all__ = [
    "Params2d",
    "conv2d",
    "conv_transpose2d",
    "conv2d_output_size",
    "conv_transpose2d_output_size",
    "output_shape",
    "pair",
]


def pair(value: IntPair, name: str) -> tuple[int, int]:
    """Return `value` as an (h, w) pair of Python ints; an int is used for both directions."""
    if isinstance(value, bool):
        raise ParameterError(f"{name} must be an int or an (h, w) pair, got {value!r}")
    if isinstance(value, int) or _is_numpy_int(value):
        return (int(value), int(value))  # type: ignore[arg-type]  # an int or numpy integer here
    try:
        items = list(value)  # type: ignore[arg-type]
    except TypeError:
        raise ParameterError(f"{name} must be an int or an (h, w) pair, got {value!r}") from None
    if len(items) != 2 or not all(
        (isinstance(v, int) or _is_numpy_int(v)) and not isinstance(v, bool) for v in items
    ):
        raise ParameterError(f"{name} must be an int or an (h, w) pair, got {value!r}")
    return (int(items[0]), int(items[1]))


def _is_numpy_int(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind in "iu"


@dataclass(frozen=True)
class Params2d:
    """Validated hyper-parameters of one 2-D (transposed) convolution, each an (h, w) pair."""

    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int


def _check_params(
    stride: IntPair,
    padding: IntPair,
    output_padding: IntPair,
    dilation: IntPair,
    groups: int,
    transposed: bool,
) -> Params2d:
    s = pair(stride, "stride")
    p = pair(padding, "padding")
    op = pair(output_padding, "output_padding")
    d = pair(dilation, "dilation")
    for name, value in (("stride", s), ("dilation", d)):
        for v in value:
            if v < 1:
                raise ParameterError(f"{name} must be >= 1, got {_show(value)}")
    for name, value in (("padding", p), ("output_padding", op)):
        for v in value:
            if v < 0:
                raise ParameterError(f"{name} must be >= 0, got {_show(value)}")
    if not transposed and op != (0, 0):
        raise ParameterError("output_padding only exists for conv_transpose2d")
    for axis in (0, 1):
        if op[axis] >= max(s[axis], d[axis]):
            raise ParameterError(
                f"output_padding ({_show(op)}) must be smaller than stride ({_show(s)}) "
                f"or dilation ({_show(d)})"
            )
    if isinstance(groups, bool) or not (isinstance(groups, int) or _is_numpy_int(groups)):
        raise ParameterError(f"groups must be an int, got {groups!r}")
    if groups < 1:
        raise ParameterError(f"groups must be >= 1, got {groups}")
    return Params2d(stride=s, padding=p, output_padding=op, dilation=d, groups=int(groups))


def _show(value: tuple[int, int]) -> str:
    """Show a pair as PyTorch users write it: `2` when both directions agree, else `(2, 1)`."""
    return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"


def conv2d_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """One direction of conv2d: floor((size + 2p - d*(k-1) - 1) / s) + 1."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_transpose2d_output_size(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    """One direction of conv_transpose2d: (size-1)*s - 2p + d*(k-1) + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def output_shape(
    operation: str,
    input_size: IntPair,
    kernel_size: IntPair,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    dilation: IntPair = 1,
) -> tuple[int, int]:
    """Output (H, W) of `operation` ("conv" or "transposed"); raises ParameterError if it would be empty."""
    if operation not in ("conv", "transposed"):
        raise ParameterError(f"operation must be 'conv' or 'transposed', got {operation!r}")
    transposed = operation == "transposed"
    params = _check_params(stride, padding, output_padding, dilation, 1, transposed)
    size = pair(input_size, "input size")
    k = pair(kernel_size, "kernel size")
    for name, value in (("input size", size), ("kernel size", k)):
        if min(value) < 1:
            raise ParameterError(f"{name} must be >= 1, got {_show(value)}")
    return _output_hw(size, k, params, transposed)


def _output_hw(
    size: tuple[int, int], k: tuple[int, int], params: Params2d, transposed: bool
) -> tuple[int, int]:
    out = []
    for axis in (0, 1):
        if transposed:
            n = conv_transpose2d_output_size(
                size[axis],
                k[axis],
                params.stride[axis],
                params.padding[axis],
                params.output_padding[axis],
                params.dilation[axis],
            )
        else:
            n = conv2d_output_size(
                size[axis], k[axis], params.stride[axis], params.padding[axis], params.dilation[axis]
            )
        out.append(n)
    if min(out) < 1:
        what = "conv_transpose2d" if transposed else "conv2d"
        raise ParameterError(
            f"{what} output would be empty: input {size[0]}x{size[1]}, kernel {k[0]}x{k[1]}, "
            f"stride {_show(params.stride)}, padding {_show(params.padding)}, "
            f"dilation {_show(params.dilation)} give {out[0]}x{out[1]}"
        )
    return (out[0], out[1])


def as_array(values: Any, name: str) -> "np.ndarray":
    """Convert nested lists / arrays to int64 when every entry is integral, else to float64."""
    import numpy as np

    try:
        arr = np.asarray(values)
    except ValueError:
        raise ParameterError(f"{name} must be a rectangular array of numbers") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise ParameterError(f"{name} must be a rectangular array of numbers")
    if arr.dtype.kind in "biu":
        return arr.astype(np.int64)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must contain only finite numbers")
    return arr.astype(np.float64)


def _common_dtype(x: "np.ndarray", w: "np.ndarray") -> Any:
    import numpy as np

    return np.int64 if x.dtype.kind == "i" and w.dtype.kind == "i" else np.float64


def _prepare(
    x: Any, w: Any, transposed: bool
) -> tuple["np.ndarray", "np.ndarray", bool]:
    """Return x as (C_in, H, W), w as 4-D, and whether the single-channel shorthand was used."""
    xa = as_array(x, "input")
    wa = as_array(w, "kernel")
    if xa.ndim == 2 and wa.ndim == 2:
        xa = xa[None]
        wa = wa[None, None]
        single = True
    elif xa.ndim == 3 and wa.ndim == 4:
        single = False
    else:
        raise ParameterError(
            f"input and kernel must be (H, W) and (kH, kW), or (C_in, H, W) and a 4-D weight; "
            f"got {xa.ndim}-D input and {wa.ndim}-D kernel"
        )
    if min(xa.shape) < 1 or min(wa.shape) < 1:
        raise ParameterError("input and kernel must not be empty")
    dtype = _common_dtype(xa, wa)
    return xa.astype(dtype), wa.astype(dtype), single


def _check_groups(c_in: int, c_out: int, groups: int, weight_dim1: int, expected_dim1: int, transposed: bool) -> None:
    if c_in % groups:
        raise ParameterError(f"groups ({groups}) must divide the input channels ({c_in})")
    if c_out % groups:
        raise ParameterError(f"groups ({groups}) must divide the output channels ({c_out})")
    if weight_dim1 != expected_dim1:
        layout = "(C_in, C_out/groups, kH, kW)" if transposed else "(C_out, C_in/groups, kH, kW)"
        raise ParameterError(
            f"kernel dimension 1 must be {expected_dim1} for weight layout {layout}, got {weight_dim1}"
        )


def conv2d(
    x: Any,
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> "np.ndarray":
    """Cross-correlate x with w exactly as `torch.nn.functional.conv2d` (unbatched)."""
    import numpy as np

    params = _check_params(stride, padding, 0, dilation, groups, transposed=False)
    xa, wa, single = _prepare(x, w, transposed=False)
    c_in, h, wd = xa.shape
    c_out, c_in_g, kh, kw = wa.shape
    g = params.groups
    _check_groups(c_in, c_out, g, c_in_g, c_in // g, transposed=False)
    h_out, w_out = _output_hw((h, wd), (kh, kw), params, transposed=False)
    (sh, sw), (ph, pw), (dh, dw) = params.stride, params.padding, params.dilation

    padded = np.zeros((c_in, h + 2 * ph, wd + 2 * pw), dtype=xa.dtype)
    padded[:, ph : ph + h, pw : pw + wd] = xa
    if _small_exact(xa, c_out * c_in_g * kh * kw * h_out * w_out):
        out = _conv2d_loops(padded, wa, params, (h_out, w_out))
        if out is not None:
            return out[0] if single else out
    out = np.zeros((c_out, h_out, w_out), dtype=xa.dtype)
    cin_per_group, cout_per_group = c_in // g, c_out // g
    for grp in range(g):
        xs = padded[grp * cin_per_group : (grp + 1) * cin_per_group]
        ws = wa[grp * cout_per_group : (grp + 1) * cout_per_group]  # (C_out/g, C_in/g, kH, kW)
        for a in range(kh):
            for b in range(kw):
                # every output pixel's input sample for kernel offset (a, b): (C_in/g, H_out, W_out)
                window = xs[
                    :,
                    a * dh : a * dh + sh * (h_out - 1) + 1 : sh,
                    b * dw : b * dw + sw * (w_out - 1) + 1 : sw,
                ]
                out[grp * cout_per_group : (grp + 1) * cout_per_group] += np.einsum(
                    "chw,oc->ohw", window, ws[:, :, a, b]
                )
    return out[0] if single else out


def conv_transpose2d(
    x: Any,
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> "np.ndarray":
    """Transposed convolution exactly as `torch.nn.functional.conv_transpose2d` (unbatched)."""
    import numpy as np

    params = _check_params(stride, padding, output_padding, dilation, groups, transposed=True)
    xa, wa, single = _prepare(x, w, transposed=True)
    c_in, h, wd = xa.shape
    w_in, c_out_g, kh, kw = wa.shape
    g = params.groups
    if w_in != c_in:
        raise ParameterError(
            f"kernel dimension 0 must equal the input channels ({c_in}) for weight layout "
            f"(C_in, C_out/groups, kH, kW), got {w_in}"
        )
    c_out = c_out_g * g
    _check_groups(c_in, c_out, g, c_out_g, c_out // g, transposed=True)
    h_out, w_out = _output_hw((h, wd), (kh, kw), params, transposed=True)
    (sh, sw), (ph, pw), (dh, dw) = params.stride, params.padding, params.dilation

    # The full (uncropped) scatter output, made tall/wide enough to also hold the
    # output_padding rows/columns that lie beyond it (those receive no contributions).
    full_h = max((h - 1) * sh + dh * (kh - 1) + 1, ph + h_out)
    full_w = max((wd - 1) * sw + dw * (kw - 1) + 1, pw + w_out)
    cin_per_group = c_in // g
    if _small_exact(xa, c_in * c_out_g * kh * kw * h * wd):
        scattered = _scatter_loops(xa, wa, params, (full_h, full_w))
        if scattered is not None:
            out = scattered[:, ph : ph + h_out, pw : pw + w_out].copy()
            return out[0] if single else out
    full = np.zeros((c_out, full_h, full_w), dtype=xa.dtype)
    for grp in range(g):
        xs = xa[grp * cin_per_group : (grp + 1) * cin_per_group]  # (C_in/g, H, W)
        ws = wa[grp * cin_per_group : (grp + 1) * cin_per_group]  # (C_in/g, C_out/g, kH, kW)
        for a in range(kh):
            for b in range(kw):
                # input (i, j) times w[., ., a, b] lands at (i*s + a*d, j*s + b*d): (C_out/g, H, W)
                contribution = np.einsum("chw,co->ohw", xs, ws[:, :, a, b])
                full[
                    grp * c_out_g : (grp + 1) * c_out_g,
                    a * dh : a * dh + sh * (h - 1) + 1 : sh,
                    b * dw : b * dw + sw * (wd - 1) + 1 : sw,
                ] += contribution
    # padding crops ph rows from the top (and the bottom); output_padding keeps extra bottom rows.
    out = full[:, ph : ph + h_out, pw : pw + w_out].copy()
    return out[0] if single else out


# --- small integer grids: plain loops -------------------------------------------------------------
# The grids of exercises are tiny (a 3x3 input, a 3x3 kernel); there numpy's cost per call dominates,
# and grading recomputes many of them (every modelled mistake of every wrong answer). Integer sums of
# products are exact in Python, so these loops give the same numbers as the numpy code above.

SMALL_EXACT = 4096  # multiply-adds up to which integer convolutions use the loops (0: never)


def _small_exact(xa: "np.ndarray", work: int) -> bool:
    return xa.dtype.kind == "i" and work <= SMALL_EXACT


def _as_int64(values: list[Any]) -> "np.ndarray | None":
    """The nested lists as an int64 array, or None when a sum left int64 (numpy's code decides then)."""
    import numpy as np

    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        return None


def _scatter_loops(
    xa: "np.ndarray", wa: "np.ndarray", params: Params2d, full_hw: tuple[int, int]
) -> "np.ndarray | None":
    """The full scatter output (C_out, FH, FW) of a transposed convolution, by plain loops."""
    x, w = xa.tolist(), wa.tolist()
    c_in, h, wd = xa.shape
    _, c_out_g, kh, kw = wa.shape
    (sh, sw), (dh, dw) = params.stride, params.dilation
    cin_per_group = c_in // params.groups
    full = [[[0] * full_hw[1] for _ in range(full_hw[0])] for _ in range(c_out_g * params.groups)]
    for ci in range(c_in):
        grp = ci // cin_per_group
        for co in range(c_out_g):
            plane, kernel = full[grp * c_out_g + co], w[ci][co]
            for i in range(h):
                for a in range(kh):
                    target, krow = plane[i * sh + a * dh], kernel[a]
                    for j, value in enumerate(x[ci][i]):
                        # input (i, j) times w[ci, co, a, b] lands at (i*s + a*d, j*s + b*d)
                        for b in range(kw):
                            target[j * sw + b * dw] += value * krow[b]
    return _as_int64(full)


def _conv2d_loops(
    padded: "np.ndarray", wa: "np.ndarray", params: Params2d, out_hw: tuple[int, int]
) -> "np.ndarray | None":
    """conv2d (C_out, H_out, W_out) of the padded input, by plain loops."""
    x, w = padded.tolist(), wa.tolist()
    c_out, c_in_g, kh, kw = wa.shape
    (sh, sw), (dh, dw) = params.stride, params.dilation
    cout_per_group = c_out // params.groups
    out = []
    for co in range(c_out):
        first = (co // cout_per_group) * c_in_g  # the group's first input channel
        plane = []
        for r in range(out_hw[0]):
            row = []
            for c in range(out_hw[1]):
                total = 0
                for ci in range(c_in_g):
                    channel, kernel = x[first + ci], w[co][ci]
                    for a in range(kh):
                        line, krow = channel[r * sh + a * dh], kernel[a]
                        for b in range(kw):
                            total += line[c * sw + b * dw] * krow[b]
                row.append(total)
            plane.append(row)
        out.append(plane)
    return _as_int64(out)
