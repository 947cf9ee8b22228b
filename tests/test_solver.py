"""The solver against the slides, naive loops, the other views, the adjoint identity and PyTorch's rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercisegen import steps
from exercisegen.errors import ParameterError
from exercisegen.explanations import matrix_fits
from exercisegen.solver import conv2d, conv_transpose2d, output_shape

X = [[1, 2], [3, 4]]
ONES3 = [[1, 1, 1]] * 3


# --- the slides ------------------------------------------------------------------------------


def test_slides_stride1_pad0():
    out = conv_transpose2d(X, ONES3, stride=1, padding=0)
    assert out.tolist() == [[1, 3, 3, 2], [4, 10, 10, 6], [4, 10, 10, 6], [3, 7, 7, 4]]


def test_slides_stride2_pad0():
    out = conv_transpose2d(X, ONES3, stride=2, padding=0)
    assert out.tolist() == [
        [1, 1, 3, 2, 2],
        [1, 1, 3, 2, 2],
        [4, 4, 10, 6, 6],
        [3, 3, 7, 4, 4],
        [3, 3, 7, 4, 4],
    ]


def test_slides_stride2_pad1_drops_outer_layer():
    out = conv_transpose2d(X, ONES3, stride=2, padding=1)
    assert out.tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]


def test_slides_conv_shape_4x4_pad1_k2_s2_is_3x3():
    assert output_shape("conv", 4, 2, stride=2, padding=1) == (3, 3)
    assert conv2d(np.arange(16).reshape(4, 4), [[1, 0], [0, 1]], stride=2, padding=1).shape == (3, 3)


def test_slides_transposed_shape_3x3_pad1_k2_s2_is_4x4():
    assert output_shape("transposed", 3, 2, stride=2, padding=1) == (4, 4)
    assert conv_transpose2d(np.ones((3, 3), int), [[1, 2], [3, 4]], stride=2, padding=1).shape == (4, 4)


def test_integer_inputs_stay_exact_integers():
    big = 10**9
    out = conv_transpose2d([[big + 1]], [[big + 3]])
    assert out.dtype == np.int64
    assert int(out[0, 0]) == (big + 1) * (big + 3)  # 10**18 + 4*10**9 + 3: beyond float64's 2**53
    assert float((big + 1) * (big + 3)) != (big + 1) * (big + 3)


def test_float_inputs_give_float64():
    out = conv2d([[0.5, 1.0], [1.5, 2.0]], [[2.0]])
    assert out.dtype == np.float64
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0]]


# --- naive references -------------------------------------------------------------------------


def naive_conv_transpose2d(x, w, stride, padding, output_padding, dilation, groups):
    """Scatter loop straight from the definition (x: (C_in,H,W), w: (C_in, C_out/g, kH, kW))."""
    c_in, h, wd = x.shape
    _, cout_g, kh, kw = w.shape
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = stride, padding, output_padding, dilation
    h_out = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oh + 1
    w_out = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + ow + 1
    out = np.zeros((cout_g * groups, h_out, w_out), dtype=np.int64)
    cin_g = c_in // groups
    for ci in range(c_in):
        g = ci // cin_g
        for j in range(cout_g):
            co = g * cout_g + j
            for i in range(h):
                for k in range(wd):
                    for a in range(kh):
                        for b in range(kw):
                            r = i * sh + a * dh - ph
                            c = k * sw + b * dw - pw
                            if 0 <= r < h_out and 0 <= c < w_out:
                                out[co, r, c] += x[ci, i, k] * w[ci, j, a, b]
    return out


def naive_conv2d(x, w, stride, padding, dilation, groups):
    """Window loop straight from the definition (w: (C_out, C_in/g, kH, kW))."""
    c_in, h, wd = x.shape
    c_out, cin_g, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((c_out, h_out, w_out), dtype=np.int64)
    cout_g = c_out // groups
    for co in range(c_out):
        g = co // cout_g
        for j in range(cin_g):
            ci = g * cin_g + j
            for i in range(h_out):
                for k in range(w_out):
                    for a in range(kh):
                        for b in range(kw):
                            r = i * sh - ph + a * dh
                            c = k * sw - pw + b * dw
                            if 0 <= r < h and 0 <= c < wd:
                                out[co, i, k] += x[ci, r, c] * w[co, j, a, b]
    return out


pairs = st.tuples(st.integers(1, 3), st.integers(1, 3))


@st.composite
def transposed_cases(draw):
    groups = draw(st.integers(1, 2))
    c_in = groups * draw(st.integers(1, 2))
    cout_g = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, dilation = draw(pairs), draw(pairs)
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    op = tuple(draw(st.integers(0, max(stride[a], dilation[a]) - 1)) for a in (0, 1))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, (c_in, h, w))
    weight = rng.integers(-3, 4, (c_in, cout_g, kh, kw))
    return x, weight, stride, padding, op, dilation, groups


@settings(max_examples=300, deadline=None)
@given(transposed_cases())
def test_conv_transpose2d_matches_naive_scatter(case):
    x, w, stride, padding, op, dilation, groups = case
    try:
        expected = naive_conv_transpose2d(x, w, stride, padding, op, dilation, groups)
        assert min(expected.shape) > 0
    except (ValueError, AssertionError):
        with pytest.raises(ParameterError):
            conv_transpose2d(x, w, stride=stride, padding=padding, output_padding=op, dilation=dilation, groups=groups)
        return
    got = conv_transpose2d(x, w, stride=stride, padding=padding, output_padding=op, dilation=dilation, groups=groups)
    assert got.dtype == np.int64
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)


@settings(max_examples=300, deadline=None)
@given(transposed_cases())
def test_conv2d_matches_naive_windows(case):
    x, w_t, stride, padding, _, dilation, groups = case
    c_in = x.shape[0]
    rng = np.random.default_rng(int(abs(x).sum()))
    c_out = groups * w_t.shape[1]
    w = rng.integers(-3, 4, (c_out, c_in // groups) + w_t.shape[2:])
    try:
        expected = naive_conv2d(x, w, stride, padding, dilation, groups)
        assert min(expected.shape) > 0
    except (ValueError, AssertionError):
        with pytest.raises(ParameterError):
            conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
        return
    got = conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert np.array_equal(got, expected)


@settings(max_examples=300, deadline=None)
@given(transposed_cases())
def test_adjoint_identity_holds_exactly(case):
    """<conv2d(u), y> == <u, conv_transpose2d(y)> for u shaped like the transposed output."""
    y, w, stride, padding, op, dilation, groups = case
    # the adjoint pairing needs output_padding < stride (else the conv sees extra rows)
    op = (min(op[0], stride[0] - 1), min(op[1], stride[1] - 1))
    try:
        t = conv_transpose2d(y, w, stride=stride, padding=padding, output_padding=op, dilation=dilation, groups=groups)
    except ParameterError:
        return
    rng = np.random.default_rng(int(abs(y).sum()) + 7)
    u = rng.integers(-5, 6, t.shape)
    # conv2d's weight layout (C_out, C_in/g) is the transposed weight read the other way round
    cin_g, cout_g = y.shape[0] // groups, w.shape[1]
    w_conv = np.zeros((y.shape[0], cout_g) + w.shape[2:], dtype=np.int64)
    w_conv[:] = w  # (C_in_of_transposed = C_out_of_conv, C_out_of_transposed/g = C_in_of_conv/g, ...)
    c = conv2d(u, w_conv, stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert c.shape == y.shape
    assert int((c * y).sum()) == int((u * t).sum())
    assert cin_g >= 1


# --- the views agree with the fast path -------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(transposed_cases())
def test_scatter_gather_and_matrix_views_match_fast_path(case):
    x, w, stride, padding, op, dilation, _ = case
    x2, w2 = x[0], w[0, 0]
    kw = dict(stride=stride, padding=padding, output_padding=op, dilation=dilation)
    try:
        fast = conv_transpose2d(x2, w2, **kw).tolist()
    except ParameterError:
        return
    scatter = steps.scatter_view(x2, w2, **kw)
    assert [list(r) for r in steps.grid_values(scatter.crop.output)] == fast
    assert [list(r) for r in steps.gather_view(x2, w2, **kw).output] == fast
    if matrix_fits(x2.shape, (len(fast), len(fast[0]))):  # the matrix view refuses larger sizes
        assert [list(r) for r in steps.matrix_view(x2, w2, transposed=True, **kw).output] == fast


@settings(max_examples=200, deadline=None)
@given(transposed_cases())
def test_window_and_matrix_views_match_conv2d(case):
    x, w, stride, padding, _, dilation, _ = case
    x2, w2 = x[0], w[0, 0]
    kw = dict(stride=stride, padding=padding, dilation=dilation)
    try:
        fast = conv2d(x2, w2, **kw).tolist()
    except ParameterError:
        return
    assert [list(r) for r in steps.window_view(x2, w2, **kw).output] == fast
    if matrix_fits(x2.shape, (len(fast), len(fast[0]))):  # the matrix view refuses larger sizes
        assert [list(r) for r in steps.matrix_view(x2, w2, transposed=False, **kw).output] == fast


def test_matrix_view_is_transpose_of_conv_matrix_on_slides_example():
    view = steps.matrix_view(X, ONES3, transposed=True, stride=2, padding=1)
    # C maps the 3x3 output back to the 2x2 input: 4 rows, 9 columns
    assert len(view.matrix) == 4 and len(view.matrix[0]) == 9
    assert view.matrix[0] == (1, 1, 0, 1, 1, 0, 0, 0, 0)
    assert view.product == (1, 3, 2, 4, 10, 6, 3, 7, 4)


# --- step tables reproduce the slides ---------------------------------------------------------


def _terms(grid):
    from exercisegen.notation import fmt_terms

    return [[fmt_terms([(t.x, t.w) for t in c.terms], short=True) if c.terms else "" for c in row] for row in grid]


def test_stride1_step_tables_reproduce_slides_cells():
    view = steps.scatter_view(X, ONES3, stride=1)
    assert view.kernel_all_ones
    assert _terms(view.steps[0].grid)[0] == ["1", "1", "1", ""]
    assert _terms(view.steps[1].grid)[0] == ["1", "1+2", "1+2", "2"]
    assert _terms(view.steps[2].grid)[1] == ["1+3", "1+2+3", "1+2+3", "2"]
    assert _terms(view.steps[2].grid)[3] == ["3", "3", "3", ""]
    assert _terms(view.steps[3].grid) == [
        ["1", "1+2", "1+2", "2"],
        ["1+3", "1+2+3+4", "1+2+3+4", "2+4"],
        ["1+3", "1+2+3+4", "1+2+3+4", "2+4"],
        ["3", "3+4", "3+4", "4"],
    ]


def test_stride2_pad1_crop_step_removes_outer_ring():
    view = steps.scatter_view(X, ONES3, stride=2, padding=1)
    assert _terms(view.steps[3].grid)[2] == ["1+3", "1+3", "1+2+3+4", "2+4", "2+4"]
    assert view.crop.removed_rows == (0, 4)
    assert view.crop.removed_cols == (0, 4)
    assert _terms(view.crop.output) == [["1", "1+2", "2"], ["1+3", "1+2+3+4", "2+4"], ["3", "3+4", "4"]]


def test_output_padding_rows_are_marked_and_computed():
    view = steps.scatter_view(X, ONES3, stride=2, padding=1, output_padding=1)
    assert view.crop.extra_rows == (4,)
    assert view.crop.removed_rows == (0,)
    assert steps.grid_values(view.crop.output)[-1] == (3, 7, 4, 4)


def test_gather_view_slides_example_border_and_zero_insertion():
    view = steps.gather_view(X, ONES3, stride=2, padding=1)
    assert view.zero_inserted == ((1, 0, 2), (0, 0, 0), (3, 0, 4))
    assert view.border == (1, 1, 1, 1)
    assert len(view.padded) == 5


def test_window_view_products():
    view = steps.window_view([[1, 2], [3, 4]], [[1, -1], [2, 0]])
    assert [(t.x, t.w) for t in view.steps[0].terms] == [(1, 1), (2, -1), (3, 2), (4, 0)]
    assert view.steps[0].value == 5


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(stride=2, output_padding=2), "output_padding (2) must be smaller than stride (2) or dilation (1)"),
        (dict(stride=0), "stride must be >= 1, got 0"),
        (dict(padding=-1), "padding must be >= 0, got -1"),
        (dict(dilation=(1, 0)), "dilation must be >= 1, got (1, 0)"),
        (dict(stride=(1, 2, 3)), "stride must be an int or an (h, w) pair, got (1, 2, 3)"),
        (
            dict(padding=3),
            "conv_transpose2d output would be empty: input 2x2, kernel 3x3, stride 1, padding 3, dilation 1 give -2x-2",
        ),
        (dict(groups=0), "groups must be >= 1, got 0"),
    ],
)
def test_invalid_transposed_parameters_raise_clear_errors(kwargs, message):
    with pytest.raises(ParameterError) as err:
        conv_transpose2d(X, ONES3, **kwargs)
    assert str(err.value) == message


def test_conv_empty_output_is_an_error_not_an_empty_array():
    with pytest.raises(ParameterError) as err:
        conv2d(X, ONES3)
    assert str(err.value) == (
        "conv2d output would be empty: input 2x2, kernel 3x3, stride 1, padding 0, dilation 1 give 0x0"
    )


def test_groups_must_divide_channels():
    with pytest.raises(ParameterError) as err:
        conv2d(np.ones((3, 4, 4), int), np.ones((2, 1, 2, 2), int), groups=2)
    assert str(err.value) == "groups (2) must divide the input channels (3)"


def test_ragged_input_is_rejected():
    with pytest.raises(ParameterError) as err:
        conv2d([[1, 2], [3]], [[1]])
    assert str(err.value) == "input must be a rectangular array of numbers"


def test_benchmark_sized_case_runs():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 64, 64))
    w = rng.standard_normal((64, 32, 4, 4))
    out = conv_transpose2d(x, w, stride=2, padding=1)
    assert out.shape == (32, 128, 128)
