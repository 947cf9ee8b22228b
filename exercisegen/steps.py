"""Step-by-step explanations as data: scatter / crop, gather, matrix and conv-window views.

Every view works on one 2-D input channel and one 2-D kernel slice (the slides' setting); the
multi-channel case is explained channel pair by channel pair (`GridType.channel_pairs`). Views are built with
plain Python loops straight from the definitions, so they double as independent references for the
vectorised solver. Nothing here formats text: `notation.py` and `render/` do that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exercisegen.errors import ParameterError
from exercisegen.explanations import MAX_MATRIX_CELLS
from exercisegen.notation import Number
from exercisegen.solver import IntPair, Params2d, _check_params, _output_hw, as_array

Matrix = tuple[tuple[Number, ...], ...]



@dataclass(frozen=True)
class Term:
    """One product x·w that adds into an output cell."""

    x: Number
    w: Number


@dataclass(frozen=True)
class SumCell:
    """An output cell: the products added into it so far and their sum (no terms = untouched)."""

    terms: tuple[Term, ...]
    value: Number


Grid = tuple[tuple[SumCell, ...], ...]


@dataclass(frozen=True)
class ScatterStep:
    """Input element x[row, col] times the kernel lands in the full output at (top, left), dilated."""

    number: int
    row: int
    col: int
    value: Number
    top: int
    left: int
    touched: tuple[tuple[int, int], ...]  # full-output cells this step adds into
    grid: Grid  # the running full (uncropped) output after this step


@dataclass(frozen=True)
class CropStep:
    """Padding removes rows/columns from each side of the full output; output_padding keeps or adds some."""

    full: Grid  # full scatter output, extended by zero rows/columns when output_padding reaches past it
    removed_rows: tuple[int, ...]
    removed_cols: tuple[int, ...]
    extra_rows: tuple[int, ...]  # rows kept only because of output_padding (bottom)
    extra_cols: tuple[int, ...]  # columns kept only because of output_padding (right)
    output: Grid


@dataclass(frozen=True)
class ScatterView:
    """conv_transpose2d as the slides draw it: one step per input element, then the crop."""

    kernel_all_ones: bool  # when true the slides' short form `1+2+3+4` is used for terms
    steps: tuple[ScatterStep, ...]
    crop: CropStep


@dataclass(frozen=True)
class GatherView:
    """conv_transpose2d as a stride-1 cross-correlation of the zero-inserted, bordered input."""

    zero_inserted: Matrix  # stride-1 zeros between input elements
    border: tuple[int, int, int, int]  # (top, left, bottom, right) = d·(k−1)−p (+ output_padding); negative = crop
    padded: Matrix
    kernel: Matrix
    rotated_kernel: Matrix  # kernel rotated by 180°
    dilation: tuple[int, int]
    output: Matrix


@dataclass(frozen=True)
class WindowStep:
    """One conv2d output cell: the window of the padded input, the products and their sum."""

    row: int
    col: int
    top: int  # window position in the padded input
    left: int
    window: Matrix
    terms: tuple[Term, ...]
    value: Number


@dataclass(frozen=True)
class WindowView:
    """conv2d window by window (cross-correlation: the kernel is not flipped)."""

    padded: Matrix
    padding: tuple[int, int]
    kernel: Matrix
    steps: tuple[WindowStep, ...]
    output: Matrix


@dataclass(frozen=True)
class MatrixView:
    """The convolution as a matrix product: conv2d is C·vec(input), conv_transpose2d is Cᵀ·vec(input)."""

    transposed: bool
    conv_input_shape: tuple[int, int]  # input of the (forward) convolution
    conv_output_shape: tuple[int, int]  # its output
    matrix: Matrix  # C: (conv output cells) × (conv input cells), row-major numbering
    vector: tuple[Number, ...]  # vec(input) of the operation being explained
    product: tuple[Number, ...]
    output: Matrix


def _matrix(rows: Any) -> Matrix:
    return tuple(tuple(_num(v) for v in row) for row in rows)


def _num(v: Any) -> Number:
    """A plain Python int or float (numpy scalars are not JSON-friendly)."""
    return v.item() if hasattr(v, "item") else v


def _single(x: Any, w: Any) -> tuple[Matrix, Matrix]:
    xa = as_array(x, "input")
    wa = as_array(w, "kernel")
    if xa.ndim != 2 or wa.ndim != 2:
        raise ParameterError("step views take a 2-D input and a 2-D kernel (one channel pair)")
    if xa.dtype != wa.dtype:
        xa = xa.astype("float64")
        wa = wa.astype("float64")
    return _matrix(xa.tolist()), _matrix(wa.tolist())


def _zero(sample: Number) -> Number:
    return 0.0 if isinstance(sample, float) else 0


@dataclass(frozen=True)
class _Setup:
    """What every view starts from: checked parameters, the matrices, their sizes and a typed zero."""

    params: Params2d
    x: Matrix
    w: Matrix
    size: tuple[int, int]
    kernel_size: tuple[int, int]
    out_size: tuple[int, int]
    zero: Number


def _setup(x: Any, w: Any, stride: Any, padding: Any, output_padding: Any, dilation: Any, transposed: bool) -> _Setup:
    params = _check_params(stride, padding, output_padding, dilation, 1, transposed=transposed)
    xm, wm = _single(x, w)
    size, kernel_size = (len(xm), len(xm[0])), (len(wm), len(wm[0]))
    out_size = _output_hw(size, kernel_size, params, transposed=transposed)
    zero = _zero(xm[0][0] if isinstance(xm[0][0], float) else wm[0][0])
    return _Setup(params, xm, wm, size, kernel_size, out_size, zero)


def scatter_view(
    x: Any,
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    dilation: IntPair = 1,
) -> ScatterView:
    """Scatter steps (row-major over the input) and the crop step of a single-channel conv_transpose2d."""
    v = _setup(x, w, stride, padding, output_padding, dilation, transposed=True)
    params, xm, wm, zero = v.params, v.x, v.w, v.zero
    (h, wd), (kh, kw), (h_out, w_out) = v.size, v.kernel_size, v.out_size
    (sh, sw), (ph, pw), (dh, dw) = params.stride, params.padding, params.dilation
    full_h = (h - 1) * sh + dh * (kh - 1) + 1
    full_w = (wd - 1) * sw + dw * (kw - 1) + 1
    terms: list[list[list[Term]]] = [[[] for _ in range(full_w)] for _ in range(full_h)]
    steps: list[ScatterStep] = []
    for i in range(h):
        for j in range(wd):
            touched = []
            for a in range(kh):
                for b in range(kw):
                    r, c = i * sh + a * dh, j * sw + b * dw
                    terms[r][c].append(Term(xm[i][j], wm[a][b]))
                    touched.append((r, c))
            steps.append(
                ScatterStep(
                    number=len(steps) + 1,
                    row=i,
                    col=j,
                    value=xm[i][j],
                    top=i * sh,
                    left=j * sw,
                    touched=tuple(touched),
                    grid=_snapshot(terms, zero),
                )
            )
    # Extend with zero rows/columns when output_padding reaches past the scatter output.
    ext_h, ext_w = max(full_h, ph + h_out), max(full_w, pw + w_out)
    extended = [[terms[r][c] if r < full_h and c < full_w else [] for c in range(ext_w)] for r in range(ext_h)]
    full = _snapshot(extended, zero)
    keep_r, keep_c = range(ph, ph + h_out), range(pw, pw + w_out)
    op_h, op_w = params.output_padding
    crop = CropStep(
        full=full,
        removed_rows=tuple(r for r in range(ext_h) if r not in keep_r),
        removed_cols=tuple(c for c in range(ext_w) if c not in keep_c),
        extra_rows=tuple(range(ph + h_out - op_h, ph + h_out)),
        extra_cols=tuple(range(pw + w_out - op_w, pw + w_out)),
        output=tuple(tuple(full[r][c] for c in keep_c) for r in keep_r),
    )
    all_ones = all(v == 1 for row in wm for v in row)
    return ScatterView(kernel_all_ones=all_ones, steps=tuple(steps), crop=crop)


def _snapshot(terms: Sequence[Sequence[Sequence[Term]]], zero: Number) -> Grid:
    """Freeze the running term lists into a Grid, summing each cell."""
    grid = []
    for row in terms:
        cells = []
        for cell_terms in row:
            total = zero
            for t in cell_terms:
                total += t.x * t.w
            cells.append(SumCell(terms=tuple(cell_terms), value=total))
        grid.append(tuple(cells))
    return tuple(grid)


def gather_view(
    x: Any,
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    dilation: IntPair = 1,
) -> GatherView:
    """Zero-insert the input, add a border of d·(k−1)−p zeros, then cross-correlate with the rotated kernel."""
    v = _setup(x, w, stride, padding, output_padding, dilation, transposed=True)
    params, xm, wm, zero = v.params, v.x, v.w, v.zero
    (h, wd), (kh, kw), (h_out, w_out) = v.size, v.kernel_size, v.out_size
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = (
        params.stride,
        params.padding,
        params.output_padding,
        params.dilation,
    )
    zh, zw = (h - 1) * sh + 1, (wd - 1) * sw + 1
    zero_inserted = [[zero] * zw for _ in range(zh)]
    for i in range(h):
        for j in range(wd):
            zero_inserted[i * sh][j * sw] = xm[i][j]
    top, left = dh * (kh - 1) - ph, dw * (kw - 1) - pw
    bottom, right = top + oh, left + ow
    # Border may be negative (padding larger than d·(k−1)): then rows/columns are cut instead.
    padded = []
    for r in range(-top, zh + bottom):
        padded.append(
            tuple(
                zero_inserted[r][c] if 0 <= r < zh and 0 <= c < zw else zero
                for c in range(-left, zw + right)
            )
        )
    rotated = tuple(tuple(wm[kh - 1 - a][kw - 1 - b] for b in range(kw)) for a in range(kh))
    output = []
    for i in range(h_out):
        row = []
        for j in range(w_out):
            total = zero
            for a in range(kh):
                for b in range(kw):
                    total += padded[i + a * dh][j + b * dw] * rotated[a][b]
            row.append(total)
        output.append(tuple(row))
    return GatherView(
        zero_inserted=_matrix(zero_inserted),
        border=(top, left, bottom, right),
        padded=tuple(padded),
        kernel=wm,
        rotated_kernel=rotated,
        dilation=params.dilation,
        output=tuple(output),
    )


def window_view(
    x: Any,
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
) -> WindowView:
    """conv2d one output cell at a time: window, products, sum."""
    v = _setup(x, w, stride, padding, 0, dilation, transposed=False)
    params, xm, wm, zero = v.params, v.x, v.w, v.zero
    (h, wd), (kh, kw), (h_out, w_out) = v.size, v.kernel_size, v.out_size
    (sh, sw), (ph, pw), (dh, dw) = params.stride, params.padding, params.dilation
    padded = tuple(
        tuple(
            xm[r - ph][c - pw] if 0 <= r - ph < h and 0 <= c - pw < wd else zero
            for c in range(wd + 2 * pw)
        )
        for r in range(h + 2 * ph)
    )
    steps = []
    output = []
    for i in range(h_out):
        row = []
        for j in range(w_out):
            top, left = i * sh, j * sw
            window = tuple(
                tuple(padded[top + a * dh][left + b * dw] for b in range(kw)) for a in range(kh)
            )
            terms = tuple(Term(window[a][b], wm[a][b]) for a in range(kh) for b in range(kw))
            total = zero
            for t in terms:
                total += t.x * t.w
            steps.append(WindowStep(i, j, top, left, window, terms, total))
            row.append(total)
        output.append(tuple(row))
    return WindowView(
        padded=padded, padding=params.padding, kernel=wm, steps=tuple(steps), output=tuple(output)
    )


def conv_matrix(
    input_shape: tuple[int, int],
    w: Any,
    *,
    stride: IntPair = 1,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    output_shape: tuple[int, int] | None = None,
) -> Matrix:
    """The matrix C with vec(conv2d(x, w)) = C·vec(x) for x of `input_shape` (row-major vec).

    `output_shape` keeps only the first rows/columns of the conv output; a transposed convolution
    whose output_padding is >= stride (allowed when dilation is larger) is the adjoint of that part.
    """
    params = _check_params(stride, padding, 0, dilation, 1, transposed=False)
    wm = _single([[0]], w)[1]
    h, wd = input_shape
    kh, kw = len(wm), len(wm[0])
    h_out, w_out = _output_hw((h, wd), (kh, kw), params, transposed=False)
    if output_shape is not None:
        h_out, w_out = min(h_out, output_shape[0]), min(w_out, output_shape[1])
    if h_out * w_out * h * wd > MAX_MATRIX_CELLS:
        raise ParameterError(
            f"the matrix view is for small sizes: C would be {h_out * w_out}x{h * wd} "
            f"(at most {MAX_MATRIX_CELLS} entries)"
        )
    (sh, sw), (ph, pw), (dh, dw) = params.stride, params.padding, params.dilation
    zero = _zero(wm[0][0])
    rows = []
    for i in range(h_out):
        for j in range(w_out):
            row = [zero] * (h * wd)
            for a in range(kh):
                for b in range(kw):
                    r, c = i * sh - ph + a * dh, j * sw - pw + b * dw
                    if 0 <= r < h and 0 <= c < wd:
                        row[r * wd + c] += wm[a][b]
            rows.append(tuple(row))
    return tuple(rows)


def matrix_view(
    x: Any,
    w: Any,
    *,
    transposed: bool,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    dilation: IntPair = 1,
) -> MatrixView:
    """conv2d as C·vec(x), or conv_transpose2d as Cᵀ·vec(x) with C the matching conv2d's matrix."""
    v = _setup(x, w, stride, padding, output_padding, dilation, transposed=transposed)
    params, xm, wm, zero = v.params, v.x, v.w, v.zero
    (h, wd), out_hw = v.size, v.out_size
    conv_in, conv_out = (out_hw, (h, wd)) if transposed else ((h, wd), out_hw)
    kwargs = dict(stride=params.stride, padding=params.padding, dilation=params.dilation)
    c = conv_matrix(conv_in, wm, output_shape=conv_out, **kwargs)  # type: ignore[arg-type]
    vector = tuple(value for row in xm for value in row)
    if transposed:
        n_out = conv_in[0] * conv_in[1]
        product = [zero] * n_out
        for r, row in enumerate(c):
            for col, coef in enumerate(row):
                product[col] += coef * vector[r]
    else:
        product = [zero] * len(c)
        for r, row in enumerate(c):
            for col, coef in enumerate(row):
                product[r] += coef * vector[col]
    oh, ow = out_hw
    output = tuple(tuple(product[i * ow + j] for j in range(ow)) for i in range(oh))
    return MatrixView(
        transposed=transposed,
        conv_input_shape=conv_in,
        conv_output_shape=conv_out,
        matrix=c,
        vector=vector,
        product=tuple(product),
        output=output,
    )


def grid_values(grid: Grid) -> Matrix:
    """The values of a Grid as a plain matrix."""
    return tuple(tuple(cell.value for cell in row) for row in grid)
