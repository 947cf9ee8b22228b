"""Independent references for the gradient, as-convolution and overlap problem types, written with plain
loops from the definitions (no exercisegen code), and one hand-checked wrong answer per modelled mistake
of those types (`CASES_13`, in `test_mistakes.CASES`' format: name, type, key.json params, answer)."""

from __future__ import annotations


def zeros(h, w):
    return [[0] * w for _ in range(h)]


def rot(m):
    return [list(reversed(row)) for row in reversed(m)]


def conv2d(x, w, s=1, p=0, d=1):
    """Y[i][j] = Σ W[a][b]·X_pad[i·s + a·d][j·s + b·d] (cross-correlation)."""
    h, wd, kh, kw = len(x), len(x[0]), len(w), len(w[0])
    oh, ow = (h + 2 * p - d * (kh - 1) - 1) // s + 1, (wd + 2 * p - d * (kw - 1) - 1) // s + 1
    out = zeros(oh, ow)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s + a * d - p, j * s + b * d - p
                    if 0 <= r < h and 0 <= c < wd:
                        out[i][j] += w[a][b] * x[r][c]
    return out


def scatter(dy, w, s, p, d, size):
    """Each dY[i][j] stamps dY[i][j]·W at rows i·s + a·d − p of a `size` grid (outside cells dropped)."""
    out = zeros(*size)
    for i, row in enumerate(dy):
        for j, g in enumerate(row):
            for a, wrow in enumerate(w):
                for b, v in enumerate(wrow):
                    r, c = i * s + a * d - p, j * s + b * d - p
                    if 0 <= r < size[0] and 0 <= c < size[1]:
                        out[r][c] += g * v
    return out


def grad_weight(x, dy, k, s, p, d, shift=None):
    """dW[a][b] = Σ dY[i][j]·X[i·s + a·d − shift][j·s + b·d − shift] (shift p: the right answer)."""
    shift = p if shift is None else shift
    out = zeros(k, k)
    for a in range(k):
        for b in range(k):
            for i, row in enumerate(dy):
                for j, g in enumerate(row):
                    r, c = i * s + a * d - shift, j * s + b * d - shift
                    if 0 <= r < len(x) and 0 <= c < len(x[0]):
                        out[a][b] += g * x[r][c]
    return out


def loss(x, w, dy, s, p, d):
    """L = Σ dY ⊙ conv2d(X, W)."""
    y = conv2d(x, w, s, p, d)
    return sum(g * v for grow, yrow in zip(dy, y) for g, v in zip(grow, yrow))


def finite_difference(x, w, dy, s, p, d, wrt):
    """∂L/∂X or ∂L/∂W by central differences (L is linear in each, so h = 1 is exact on integers)."""
    target = x if wrt == "input" else w
    out = zeros(len(target), len(target[0]))
    for r in range(len(target)):
        for c in range(len(target[0])):
            plus = [row[:] for row in target]
            minus = [row[:] for row in target]
            plus[r][c] += 1
            minus[r][c] -= 1
            if wrt == "input":
                out[r][c] = (loss(plus, w, dy, s, p, d) - loss(minus, w, dy, s, p, d)) / 2
            else:
                out[r][c] = (loss(x, plus, dy, s, p, d) - loss(x, minus, dy, s, p, d)) / 2
    return [[int(v) for v in row] for row in out]


def bordered(x, s, top, left, bottom, right):
    """s − 1 zeros between neighbours, then the border."""
    h, w = (len(x) - 1) * s + 1, (len(x[0]) - 1) * s + 1
    out = zeros(top + h + bottom, left + w + right)
    for i, row in enumerate(x):
        for j, v in enumerate(row):
            out[top + i * s][left + j * s] = v
    return out


def stamps(size, k, s, p=0, d=1):
    """Kernel stamps per output cell of a transposed convolution of a size×size input, k×k kernel."""
    full = (size - 1) * s + d * (k - 1) + 1
    count = zeros(full, full)
    for i in range(size):
        for j in range(size):
            for a in range(k):
                for b in range(k):
                    count[i * s + a * d][j * s + b * d] += 1
    return [row[p : full - p] for row in count[p : full - p]]


# --- one hand-checked wrong answer per mistake ---------------------------------------------------

DY = [[1, -2, 0], [2, 1, -1], [0, 3, 1]]
W3 = [[1, 2, 0], [0, 1, -1], [2, 0, 1]]
DX = {  # 6×6 input, 3×3 kernel, stride 2, padding 1: output 3×3, output_padding 1
    "wrt": "input", "input_size": 6, "kernel_size": 3, "stride": 2, "padding": 1, "dilation": 1,
    "grad_output": DY, "kernel": W3,
}
X4 = [[1, 2, -1, 0], [0, 3, 1, 2], [2, -1, 0, 1], [1, 0, 2, -2]]
DY3 = [[1, 0, -1], [2, 1, 0], [0, -1, 1]]
DW = {  # 4×4 input, 2×2 kernel, stride 2, padding 1: output 3×3
    "wrt": "weight", "input_size": 4, "kernel_size": 2, "stride": 2, "padding": 1, "dilation": 1,
    "grad_output": DY3, "input": X4,
}
AC = {
    "input": [[1, 2], [3, 4]], "kernel": W3, "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1,
    "compute_output": True,
}
AC_P0 = dict(AC, padding=0)
OV = {"input_size": 3, "padding": 0, "dilation": 1, "kernel_size": 3, "stride": 2, "compare_kernel_size": 4,
      "compare_stride": 2}
OV_DIL = {"input_size": 3, "padding": 0, "dilation": 2, "kernel_size": 2, "stride": 3}


def _as_conv(grid, kernel):
    return [grid, kernel, conv2d(grid, kernel)]


CASES_13 = [
    ("grad_missing_output_padding", "conv_gradient", DX, scatter(DY, W3, 2, 1, 1, (5, 5))),
    ("grad_unflipped_kernel", "conv_gradient", DX, scatter(DY, rot(W3), 2, 1, 1, (6, 6))),
    ("grad_ignored_stride", "conv_gradient", DX, scatter(DY, W3, 1, 1, 1, (3, 3))),
    ("grad_forgot_crop", "conv_gradient", DX, scatter(DY, W3, 2, 0, 1, (8, 8))),
    ("grad_w_forgot_padding", "conv_gradient", DW, grad_weight(X4, DY3, 2, 2, 1, 1, shift=0)),
    ("grad_w_ignored_stride", "conv_gradient", DW, grad_weight(X4, DY3, 2, 1, 1, 1)),
    ("grad_w_rotated", "conv_gradient", DW, rot(grad_weight(X4, DY3, 2, 2, 1, 1))),
    ("asconv_inserted_s_zeros", "as_convolution", AC, _as_conv(bordered([[1, 2], [3, 4]], 3, 1, 1, 2, 2), rot(W3))),
    # padding 0: the border is d·(k − 1) − p = 2 (3 at the bottom and right); written as p: 0 (and 1)
    ("asconv_border_p", "as_convolution", AC_P0, _as_conv(bordered([[1, 2], [3, 4]], 2, 0, 0, 1, 1), rot(W3))),
    ("asconv_kernel_not_rotated", "as_convolution", AC, _as_conv(bordered([[1, 2], [3, 4]], 2, 1, 1, 2, 2), W3)),
    ("asconv_forgot_output_padding", "as_convolution", AC,
     _as_conv(bordered([[1, 2], [3, 4]], 2, 1, 1, 1, 1), rot(W3))),
    ("overlap_counted_once", "overlap_map", OV, [[[1] * 7] * 7, [[1] * 8] * 8, [[2]]]),
    ("overlap_ignored_stride", "overlap_map", OV, [stamps(3, 3, 1), stamps(3, 4, 1), [[2]]]),
    ("overlap_wrong_setting", "overlap_map", OV, [stamps(3, 3, 2), stamps(3, 4, 2), [[1]]]),
    ("overlap_ignored_dilation", "overlap_map", OV_DIL, stamps(3, 2, 3, d=1)),
]
