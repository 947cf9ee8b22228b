"""Mistake rules: every rule's prediction against hand-computed values (mostly the slides' example),
diagnosis of full and partial matches, and `confusable`."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import all_mistakes, diagnose_json, layer_code_params, predict, rule, solve, type_of_rule, typed
from naive_refs import CASES_13

from exercisegen.diagnose import ALL_ZERO_NOTE, diagnose, diagnosis, slip_allowance
from exercisegen.problems.base import Mistake, blocks_of
from exercisegen.problems.registry import problem_type
from exercisegen.problems.transposed_conv import forgot_crop

# The slides' example: input [[1, 2], [3, 4]], an all-ones 3×3 kernel.
X = [[1, 2], [3, 4]]
ONES3 = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
# Slides, stride 2, padding 0: the full scatter output ("Step 4").
SLIDES_S2P0 = [
    [1, 1, 3, 2, 2],
    [1, 1, 3, 2, 2],
    [4, 4, 10, 6, 6],
    [3, 3, 7, 4, 4],
    [3, 3, 7, 4, 4],
]
SLIDES_S2P1 = [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
X3 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
X4 = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]


def tconv(**kw):
    params = {"input": X, "kernel": ONES3, "stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1}
    params.update(kw)
    return params


def conv(**kw):
    params = {"input": X3, "kernel": [[1, 1], [1, 1]], "stride": 1, "padding": 0, "dilation": 1, "groups": 1}
    params.update(kw)
    return params


def shape(**kw):
    params = {
        "operation": "transposed",
        "input_size": 3,
        "kernel_size": 2,
        "stride": 1,
        "padding": 0,
        "output_padding": 0,
        "dilation": 1,
    }
    params.update(kw)
    return params


MATRIX = {"task": "matrix", "input_size": [2, 3], "kernel": [[1, 2]], "stride": 1, "padding": 0}
MATRIX_PRODUCT = {"task": "transpose_product", "input_size": [1, 3], "kernel": [[1, 2]], "stride": 1, "padding": 0}
MATRIX_PRODUCT |= {"vector": [[1, 2]]}
DESIGN = {"input_size": 4, "output_size": 7, "kernel_size": 3, "dilation": 1, "choose_kernel": False}
DESIGN |= {"stride": 2, "padding": 1, "output_padding": 0}


def layer(**kw):
    """layer_code params as key.json writes them (a grouped transposed layer by default)."""
    return layer_code_params(**kw)


def _convt(c_in, c_out, k, s, p, op=0):
    return {"layer": "ConvTranspose2d", "in_channels": c_in, "out_channels": c_out, "kernel_size": k, "stride": s,
            "padding": p, "output_padding": op, "dilation": 1, "groups": 1, "bias": True}


# 8×8 → (8−1)·2 − 2 + 4 = 16 → (16−1)·2 − 2 + 3 + 1 = 32
NET = {"batch": 1, "in_channels": 64, "input_size": 8, "layers": [_convt(64, 32, 4, 2, 1), _convt(32, 16, 3, 2, 1, 1)],
       "show_as": "code", "style": "mixed", "design_layer": 0}
# 12×10 → ×2 (k 2, s 2) → torch.cat adds 64 channels → Upsample ×2
UNET = {"batch": 8, "in_channels": 256, "input_size": [12, 10], "show_as": "table", "style": "mixed",
        "design_layer": 0, "layers": [
    _convt(256, 64, 2, 2, 0), {"layer": "cat", "in_channels": 64, "out_channels": 128},
    {"layer": "Upsample", "in_channels": 128, "out_channels": 128, "scale_factor": 2}]}

# (rule, problem type, params, the hand-computed answer of a student making that mistake)
CASES = [
    ("forgot_crop", "transposed_conv", tconv(stride=2, padding=1), SLIDES_S2P0),
    (
        "cropped_top_left_only",
        "transposed_conv",
        tconv(stride=2, padding=1),
        [[1, 3, 2, 2], [4, 10, 6, 6], [3, 7, 4, 4], [3, 7, 4, 4]],
    ),
    (
        "cropped_bottom_right_only",
        "transposed_conv",
        tconv(stride=2, padding=1),
        [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]],
    ),
    # zero-padding the input by 1 and scattering with stride 2 puts 2 zero rows/columns around the full result
    ("padded_input", "transposed_conv", tconv(stride=2, padding=1), np.pad(SLIDES_S2P0, 2).tolist()),
    # conv2d of the 2×2 input padded to 4×4, one 3×3 window at stride 2: 1+2+3+4
    ("computed_conv", "transposed_conv", tconv(stride=2, padding=1), [[10]]),
    # stride 1 (slides: 4×4 with 10s in the middle), cropped by 1
    ("ignored_stride", "transposed_conv", tconv(stride=2, padding=1), [[10, 10], [10, 10]]),
    # copies 3 apart: 6×6 of 3×3 blocks of 1, 2, 3, 4, cropped by 1
    (
        "inserted_s_zeros",
        "transposed_conv",
        tconv(stride=2, padding=1),
        [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]],
    ),
    # stride 1, kernel 3: copies placed 3 apart instead of 1
    (
        "tiled_without_overlap",
        "transposed_conv",
        tconv(),
        [[1, 1, 1, 2, 2, 2]] * 3 + [[3, 3, 3, 4, 4, 4]] * 3,
    ),
    # slides stride 2: later stamps (2, then 3, then 4) overwrite the shared row and column
    (
        "overwrote_overlaps",
        "transposed_conv",
        tconv(stride=2),
        [[1, 1, 2, 2, 2], [1, 1, 2, 2, 2], [3, 3, 4, 4, 4], [3, 3, 4, 4, 4], [3, 3, 4, 4, 4]],
    ),
    # kernel [[1, 0], [0, 0]] stamps each x at its copy's top-left; rotated, at the bottom-right
    ("unflipped_kernel", "transposed_conv", tconv(kernel=[[1, 0], [0, 0]]), [[0, 0, 0], [0, 1, 2], [0, 3, 4]]),
    # output_padding 1 kept at the top/left: the top-left 4×4 of the full 5×5 result
    (
        "output_padding_top_left",
        "transposed_conv",
        tconv(stride=2, padding=1, output_padding=1),
        [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]],
    ),
    (
        "output_padding_as_zeros",
        "transposed_conv",
        tconv(stride=2, padding=1, output_padding=1),
        [[1, 3, 2, 0], [4, 10, 6, 0], [3, 7, 4, 0], [0, 0, 0, 0]],
    ),
    ("ignored_output_padding", "transposed_conv", tconv(stride=2, padding=1, output_padding=1), SLIDES_S2P1),
    # [[1, 2], [3, 4]] scattered with kernel [[1, 2], [3, 4]] at stride 1, dilation ignored
    (
        "ignored_dilation",
        "transposed_conv",
        tconv(kernel=[[1, 2], [3, 4]], dilation=2),
        [[1, 4, 4], [6, 20, 16], [9, 24, 16]],
    ),
    # kernel [[1, 0], [0, 0]] picks each window's top-left; rotated, its bottom-right
    ("conv_flipped_kernel", "conv", conv(kernel=[[1, 0], [0, 0]]), [[5, 6], [8, 9]]),
    ("conv_forgot_padding", "conv", conv(padding=1), [[12, 16], [24, 28]]),
    ("conv_padded_one_side", "conv", conv(padding=1), [[1, 3, 5], [5, 12, 16], [11, 24, 28]]),
    # 4×4 input, 2×2 ones, stride 3: the second window per direction sticks out (missing cells 0)
    ("conv_ceil", "conv", conv(input=X4, stride=3), [[14, 12], [27, 16]]),
    ("conv_ignored_dilation", "conv", conv(kernel=[[1, 2], [3, 4]], dilation=2), [[37, 47], [67, 77]]),
    # the slides' transposed example computed where a conv was asked (the conv gives [[10]])
    ("conv_computed_transposed", "conv", conv(input=X, kernel=ONES3, stride=2, padding=1), SLIDES_S2P1),
    # slides: 3×3 input, 2×2 kernel, stride 2, padding 1 -> 4×4; (3−1)·2 + 2 + 2·1 = 8
    ("shape_added_padding", "output_shape", shape(stride=2, padding=1), [[8, 8]]),
    ("shape_conv_formula", "output_shape", shape(stride=2, padding=1), [[2, 2]]),
    # slides' conv: 4×4 input, 2×2 kernel, stride 2, padding 1 -> 3×3; (4−1)·2 − 2 + 2 = 6
    ("shape_transposed_formula", "output_shape", shape(operation="conv", input_size=4, stride=2, padding=1), [[6, 6]]),
    ("shape_ignored_dilation", "output_shape", shape(kernel_size=3, dilation=2), [[5, 5]]),
    ("shape_ceil", "output_shape", shape(operation="conv", input_size=5, stride=2), [[3, 3]]),
    (
        "shape_ignored_output_padding",
        "output_shape",
        shape(kernel_size=3, stride=2, padding=1, output_padding=1),
        [[5, 5]],
    ),
    *CASES_13,  # conv_gradient, as_convolution, overlap_map (computed with naive loops)
    # the kernel [[1, 2], [3, 4]] stamped as [[1, 3], [2, 4]]
    ("transposed_kernel", "transposed_conv", tconv(kernel=[[1, 2], [3, 4]]), [[1, 5, 6], [5, 21, 20], [6, 20, 16]]),
    # gather view with the kernel mirrored only: the same as stamping it upside down, [[3, 4], [1, 2]]
    (
        "flipped_left_right_only",
        "transposed_conv",
        tconv(kernel=[[1, 2], [3, 4]]),
        [[3, 10, 8], [10, 28, 20], [3, 10, 8]],
    ),
    # gather view with the kernel upside down only: stamping it mirrored, [[2, 1], [4, 3]]
    (
        "flipped_upside_down_only",
        "transposed_conv",
        tconv(kernel=[[1, 2], [3, 4]]),
        [[2, 5, 2], [10, 22, 10], [12, 25, 12]],
    ),
    # 4×4 input, all-ones 3×3 kernel, stride 1, padding 1: the full 6×6 result cropped by 2 on every
    # side is its middle 2×2 = sums of the input's four 3×3 windows
    ("cropped_twice", "transposed_conv", tconv(input=X4, padding=1), [[54, 63], [90, 99]]),
    # zero-inserted input [[1, 0, 2], [0, 0, 0], [3, 0, 4]], border p = 0 instead of d·(k−1) − p = 1,
    # slid over by the rotated kernel [[4, 3], [2, 1]]
    ("gather_border_p", "transposed_conv", tconv(kernel=[[1, 2], [3, 4]], stride=2), [[4, 6], [6, 4]]),
    # 4×4 input, 2×2 ones at stride 1 instead of 2
    ("conv_ignored_stride", "conv", conv(input=X4, stride=2), [[14, 18, 22], [30, 34, 38], [46, 50, 54]]),
    # slides: 3×3 input, 2×2 kernel, stride 2, padding 1 -> 4×4
    ("shape_input_times_stride", "output_shape", shape(stride=2, padding=1), [[6, 6]]),
    ("shape_missing_plus_one", "output_shape", shape(stride=2, padding=1), [[3, 3]]),
    # C of a 2×3 input and kernel [[1, 2]]: rows (0,0) (0,1) (1,0) (1,1) = [1,2,0,0,0,0] [0,1,2,0,0,0]
    # [0,0,0,1,2,0] [0,0,0,0,1,2]; column-major: rows (0,0) (1,0) (0,1) (1,1), columns (0,0) (1,0) (0,1) ...
    (
        "matrix_column_major",
        "conv_matrix",
        MATRIX,
        [[1, 0, 2, 0, 0, 0], [0, 1, 0, 2, 0, 0], [0, 0, 1, 0, 2, 0], [0, 0, 0, 1, 0, 2]],
    ),
    (
        "matrix_flipped_kernel",
        "conv_matrix",
        MATRIX,
        [[2, 1, 0, 0, 0, 0], [0, 2, 1, 0, 0, 0], [0, 0, 0, 2, 1, 0], [0, 0, 0, 0, 2, 1]],
    ),
    (
        "matrix_transposed",
        "conv_matrix",
        MATRIX,
        [[1, 0, 0, 0], [2, 1, 0, 0], [0, 2, 0, 0], [0, 0, 1, 0], [0, 0, 2, 1], [0, 0, 0, 2]],
    ),
    # a 4×4 input to a 7×7 output, 3×3 kernel: conv2d's formula ⌊(4 + 2·6 − 2 − 1)/2⌋ + 1 = 7
    ("design_conv_formula", "design", DESIGN, [[2, 6, 0]]),
    # (4−1)·1 − 0 + 2 + 1 + 1 = 7, but output_padding 1 is not below stride 1
    ("design_output_padding_too_large", "design", DESIGN, [[1, 0, 1]]),
    # Conv2d's layout (C_out, C_in/groups, k, k) = (8, 8, 4, 4) for the transposed layer
    ("code_conv_weight_layout", "layer_code", layer(), [[2, 8, 10, 10, 8, 8, 4, 4, 1032]]),
    # Conv2d(16, 8, 3, stride 2, padding 1, groups 2) on 5×5: 3×3 out; (C_in, C_out/2, 3, 3) = (16, 4, 3, 3)
    (
        "code_transposed_weight_layout",
        "layer_code",
        layer(layer="Conv2d", kernel_size=3),
        [[2, 8, 3, 3, 16, 4, 3, 3, 584]],
    ),
    # weight (C_in, C_out, 4, 4) = (16, 8, 4, 4): 2048 weights + 8 biases
    ("code_groups_ignored", "layer_code", layer(), [[2, 8, 10, 10, 16, 8, 4, 4, 16 * 8 * 16 + 8]]),
    # weight.shape right, the count 16·8·4·4 + 8 as if groups were 1
    ("code_groups_ignored_in_count", "layer_code", layer(), [[2, 8, 10, 10, 16, 4, 4, 4, 2048 + 8]]),
    ("code_bias_forgotten", "layer_code", layer(), [[2, 8, 10, 10, 16, 4, 4, 4, 1024]]),
    ("code_bias_per_input_channel", "layer_code", layer(), [[2, 8, 10, 10, 16, 4, 4, 4, 1024 + 16]]),
    # ⌊(5 + 2 − 3 − 1)/2⌋ + 1 = 2
    ("code_conv_formula", "layer_code", layer(), [[2, 8, 2, 2, 16, 4, 4, 4, 1032]]),
    # ⌊(8 + 2 − 3 − 1)/2⌋ + 1 = 4, then ⌊(4 + 2 − 2 − 1)/2⌋ + 1 = 2
    ("net_conv_formula", "network_shapes", NET, [[1, 32, 4, 4], [1, 16, 2, 2]]),
    # (8−1)·2 + 2 + 4 = 20, then (20−1)·2 + 2 + 3 + 1 = 44
    ("net_added_padding", "network_shapes", NET, [[1, 32, 20, 20], [1, 16, 44, 44]]),
    # 16, then (16−1)·2 − 2 + 3 = 31
    ("net_ignored_output_padding", "network_shapes", NET, [[1, 32, 16, 16], [1, 16, 31, 31]]),
    ("net_skip_channels_ignored", "network_shapes", UNET, [[8, 64, 24, 20], [8, 64, 24, 20], [8, 64, 48, 40]]),
]

# second cases for rules that differ by operation or task
MORE_CASES = [
    ("shape_missing_plus_one", "output_shape", shape(operation="conv", input_size=4, stride=2, padding=1), [[2, 2]]),
    # Cᵀ·x with the kernel rotated: x = [[1, 2]] through [[2, 1]] gives [[2, 5, 2]] (right: [[1, 4, 4]])
    ("matrix_flipped_kernel", "conv_matrix", MATRIX_PRODUCT, [[2, 5, 2]]),
]


def test_every_rule_has_a_case():
    # the 1-D types share their 2-D type's rules (the same objects), so names are compared as sets
    assert len(CASES) == len({name for name, *_ in CASES})
    assert {name for name, *_ in CASES} == {m.name for m in all_mistakes()}


@pytest.mark.parametrize("name,ptype,params,expected", CASES + MORE_CASES, ids=[c[0] for c in CASES + MORE_CASES])
def test_rule_predicts_hand_computed_answer_and_is_diagnosed(name, ptype, params, expected):
    answer = solve(ptype, params)
    assert type_of_rule(name) == ptype
    assert predict(name, params) == expected
    assert expected != answer
    assert diagnose_json(ptype, params, answer, expected) is problem_type(ptype).mistake(name)


def test_slides_answers_are_what_the_solver_gives():
    assert solve("transposed_conv", tconv(stride=2)) == SLIDES_S2P0
    assert solve("transposed_conv", tconv(stride=2, padding=1)) == SLIDES_S2P1


@pytest.mark.parametrize(
    "name,params",
    [
        ("forgot_crop", tconv(stride=2)),  # no padding to forget
        ("padded_input", tconv(stride=2)),
        ("ignored_stride", tconv()),
        ("overwrote_overlaps", tconv(kernel=[[1, 2], [3, 4]], stride=2)),  # copies do not overlap
        ("tiled_without_overlap", tconv(kernel=[[1, 2], [3, 4]], stride=2)),
        ("unflipped_kernel", tconv(kernel=ONES3, stride=2)),  # rotation changes nothing
        ("output_padding_top_left", tconv(stride=2, padding=1)),
        ("output_padding_as_zeros", tconv(stride=2, output_padding=1)),  # extra rows lie beyond F: zeros anyway
        ("ignored_dilation", tconv()),
        ("conv_forgot_padding", conv()),
        ("conv_ceil", conv()),
        ("conv_padded_one_side", conv(stride=2, padding=1)),  # no window reaches the far padding
        ("shape_ceil", shape(operation="conv", input_size=4, stride=2, kernel_size=2)),
        ("shape_added_padding", shape(operation="conv", padding=1)),
        ("shape_ignored_output_padding", shape()),
        ("cropped_twice", tconv(stride=2)),
        ("gather_border_p", tconv(stride=2, padding=1)),  # p = d·(k − 1) − p = 1: the right border
        ("transposed_kernel", tconv(kernel=[[1, 2], [2, 3]])),  # a symmetric kernel
        ("flipped_left_right_only", tconv(kernel=[[1, 2], [1, 2]])),  # upside down it is the same: right
        ("flipped_upside_down_only", tconv(kernel=[[1, 2], [1, 2]])),  # mirrored it is rotated: unflipped_kernel
        ("conv_ignored_stride", conv()),
        ("shape_input_times_stride", shape(operation="conv")),
        ("shape_missing_plus_one", shape(kernel_size=3, stride=2, padding=1, output_padding=1)),
        ("matrix_column_major", dict(MATRIX_PRODUCT)),
        ("matrix_transposed", dict(MATRIX_PRODUCT)),
        ("matrix_flipped_kernel", dict(MATRIX, kernel=[[1, 1]])),
    ],
)
def test_rule_does_not_apply(name, params):
    assert rule(name, params) is None
    assert predict(name, params) is None


def test_inserted_zeros_names_the_answer_when_tiling_gives_the_same():
    # stride 2 with a 3×3 kernel: copies 3 apart is both mistakes; only inserted_s_zeros claims it
    assert rule("tiled_without_overlap", tconv(stride=2, padding=1)) is None
    assert rule("inserted_s_zeros", tconv(stride=2, padding=1)) is not None
    # at stride 1 a 2×2 kernel's copies side by side are 2 apart, as with one zero inserted
    assert rule("tiled_without_overlap", tconv(kernel=[[1, 2], [3, 4]])) is None
    assert predict("inserted_s_zeros", tconv(kernel=[[1, 2], [3, 4]])) == [
        [1, 2, 2, 4], [3, 4, 6, 8], [3, 6, 4, 8], [9, 12, 12, 16]
    ]


def test_same_size_stride_one_problem_leaves_rotation_rules_to_the_operation_rules():
    # stride 1, 3×3 kernel, padding 1: transposed conv of w == conv with w rotated
    params = tconv(kernel=[[1, 2, 0], [0, 1, 0], [0, 0, 3]], padding=1)
    assert rule("unflipped_kernel", params) is None
    assert rule("computed_conv", params) is not None
    conv_params = conv(kernel=[[1, 2, 0], [0, 1, 0], [0, 0, 3]], padding=1)
    assert rule("conv_computed_transposed", conv_params) is None
    assert rule("conv_flipped_kernel", conv_params) is not None


def test_rule_coinciding_with_the_answer_predicts_none():
    # only the last stamp is nonzero: overwriting leaves the same numbers as adding
    params = tconv(input=[[0, 0], [0, 1]], stride=2)
    assert rule("overwrote_overlaps", params) == solve("transposed_conv", params)
    assert predict("overwrote_overlaps", params) is None


def _naive_grouped_conv(x, w_t, groups):
    """conv2d (stride 1, no padding) where output channel co of group g reads input channel ci of g
    through the transposed-layout weight w_t[ci, co_local]."""
    x, w_t = np.asarray(x), np.asarray(w_t)
    c_in, h, wd = x.shape
    cig, cog, kh, kw = c_in // groups, w_t.shape[1], w_t.shape[2], w_t.shape[3]
    out = np.zeros((cog * groups, h - kh + 1, wd - kw + 1), dtype=np.int64)
    for co in range(cog * groups):
        g = co // cog
        for ci in range(g * cig, (g + 1) * cig):
            for i in range(h - kh + 1):
                for j in range(wd - kw + 1):
                    out[co, i, j] += int((x[ci, i : i + kh, j : j + kw] * w_t[ci, co - g * cog]).sum())
    return out.tolist()


def test_computed_conv_with_channels_uses_the_same_channel_pairs():
    rng = np.random.default_rng(5)
    x = rng.integers(-2, 3, (4, 4, 4)).tolist()
    w = rng.integers(-2, 3, (4, 3, 2, 2)).tolist()  # (C_in, C_out/groups, kH, kW), groups 2: C_out 6
    params = tconv(input=x, kernel=w, groups=2)
    assert rule("computed_conv", params) == _naive_grouped_conv(x, w, 2)


def test_forgot_crop_with_channels_is_the_padding_free_result():
    from exercisegen.solver import conv_transpose2d

    rng = np.random.default_rng(6)
    x = rng.integers(-2, 3, (2, 2, 3)).tolist()
    w = rng.integers(-2, 3, (2, 2, 3, 3)).tolist()
    params = tconv(input=x, kernel=w, stride=2, padding=1)
    predicted = predict("forgot_crop", params)
    assert predicted == conv_transpose2d(x, w, stride=2).tolist()
    assert diagnose_json("transposed_conv", params, solve("transposed_conv", params), predicted).name == "forgot_crop"


def test_overwrote_overlaps_with_channels_sums_channels_but_overwrites_within_one():
    x = [[[1, 1]], [[10, 10]]]  # two input channels, 1×2 each
    w = [[[[1, 1]]], [[[1, 1]]]]  # (2, 1, 1, 2): one output channel
    params = tconv(input=x, kernel=w)
    # each channel alone: [1, 1, 1] (the shared middle cell overwritten, not 2); summed: [11, 11, 11]
    assert predict("overwrote_overlaps", params) == [[[11, 11, 11]]]
    assert solve("transposed_conv", params) == [[[11, 22, 11]]]


def diagnosed(ptype, params, answer, submitted):
    """`diagnosis` on answers written as nested lists: (rule name or None, explained cells, slips, note)."""
    kind, record = problem_type(ptype), typed(ptype, params)
    found = diagnosis(kind, record, blocks_of(answer), blocks_of(submitted))
    name = found.mistake.name if found.mistake is not None else None
    return name, found.mistake_cells, found.slip_cells, found.note


def test_a_mistake_with_up_to_two_slips_is_named_and_the_slips_listed():
    params = tconv(stride=2)
    answer = solve("transposed_conv", params)  # SLIDES_S2P0: 25 cells, so 2 slips are allowed
    predicted = predict("overwrote_overlaps", params)
    # overwriting differs from adding where copies overlap: row 2 and column 2 (0-based), 9 cells
    telling = [(0, r, c) for r in range(5) for c in range(5) if predicted[r][c] != answer[r][c]]
    assert telling == [(0, r, c) for r in range(5) for c in range(5) if r == 2 or c == 2]
    slipped = [row[:] for row in predicted]
    slipped[0][0] = 7  # a cell the mistake does not change
    found = diagnosed("transposed_conv", params, answer, slipped)
    assert found == ("overwrote_overlaps", tuple(telling), ((0, 0, 0),), "")
    slipped[2][2] = 11  # a cell the mistake changes, written neither way: a second slip
    explained = tuple(t for t in telling if t != (0, 2, 2))
    assert diagnosed("transposed_conv", params, answer, slipped) == (
        "overwrote_overlaps", explained, ((0, 0, 0), (0, 2, 2)), ""
    )
    slipped[4][4] = 5  # a third slip: the mistake no longer explains the answer
    assert diagnosed("transposed_conv", params, answer, slipped) == (None, (), (), "")


def test_slip_allowance_grows_with_the_answer_up_to_two():
    assert [slip_allowance(n) for n in (1, 2, 4, 5, 6, 9, 11, 12, 16, 100)] == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_the_cells_a_mistake_does_not_change_must_be_right():
    # output_padding_as_zeros changes only the last row and column; the rest must be the right answer
    params = tconv(stride=2, padding=1, output_padding=1)
    answer = solve("transposed_conv", params)
    predicted = predict("output_padding_as_zeros", params)
    assert diagnosed("transposed_conv", params, answer, predicted)[0] == "output_padding_as_zeros"
    half = [row[:2] + [0, 0] for row in predicted]  # zeros in the last two columns: 4 cells off the rule
    assert diagnosed("transposed_conv", params, answer, half) == (None, (), (), "")


def test_all_zero_answers_get_a_plain_note_and_never_a_name():
    params = tconv(stride=2, padding=1, output_padding=1)
    answer = solve("transposed_conv", params)
    zeros = [[0] * 4 for _ in range(4)]
    assert diagnosed("transposed_conv", params, answer, zeros) == (None, (), (), ALL_ZERO_NOTE)
    zeros[0][0] = None  # a blank among the zeros
    assert diagnosed("transposed_conv", params, answer, zeros) == (None, (), (), ALL_ZERO_NOTE)
    assert diagnosed("transposed_conv", params, answer, [[0] * 5] * 5)[3] == ALL_ZERO_NOTE  # forgot_crop's shape
    assert diagnosed("transposed_conv", params, answer, [[None] * 4] * 4) == (None, (), (), "")


def test_a_mistake_that_changes_the_size_is_named_with_a_slip():
    params = tconv(stride=2, padding=1)
    slipped = [row[:] for row in SLIDES_S2P0]
    slipped[4][0] = 30  # forgot to crop, and one slip
    assert diagnosed("transposed_conv", params, SLIDES_S2P1, slipped) == (
        "forgot_crop", tuple((0, r, c) for r in range(5) for c in range(5) if (r, c) != (4, 0)), ((0, 4, 0),), ""
    )


def test_a_blank_cell_counts_as_a_slip():
    params = tconv(stride=2, padding=1)
    blanked = [row[:] for row in SLIDES_S2P0]
    blanked[0][0] = None
    assert diagnosed("transposed_conv", params, SLIDES_S2P1, blanked)[0::2] == ("forgot_crop", ((0, 0, 0),))


def test_two_mistakes_fitting_equally_well_name_neither(monkeypatch):
    params = tconv(stride=2)
    answer = solve("transposed_conv", params)
    one = [row[:] for row in answer]
    one[0][0], one[0][1] = 9, 8
    other = [row[:] for row in answer]
    other[0][0], other[0][1] = 9, 7
    kind = problem_type("transposed_conv")
    rules = tuple(Mistake(n, "You", f"{n}.", lambda _, v=v: blocks_of(v)) for n, v in (("a", one), ("b", other)))
    monkeypatch.setattr(kind, "mistakes", rules)
    written = [row[:] for row in answer]
    written[0][0], written[0][1] = 9, 5  # each rule explains (0, 0) and calls (0, 1) a slip
    assert diagnosed("transposed_conv", params, answer, written)[0] is None
    assert diagnosed("transposed_conv", params, answer, one)[0] == "a"


def test_diagnose_ignores_right_answers_and_noise():
    params = tconv(stride=2, padding=1)
    assert diagnose_json("transposed_conv", params, SLIDES_S2P1, SLIDES_S2P1) is None
    assert diagnose_json("transposed_conv", params, SLIDES_S2P1, [[1, 3]]) is None
    assert diagnose_json("transposed_conv", params, SLIDES_S2P1, [[5, 1, 8], [2, 2, 2], [9, 0, 4]]) is None
    design = {"input_size": 4, "output_size": 7, "kernel_size": 3, "dilation": 1, "choose_kernel": False}
    design |= {"stride": 2, "padding": 1, "output_padding": 0}
    assert diagnose_json("design", design, [[2, 1, 0]], [[1, 1, 1]]) is None


def test_diagnose_matches_floats_within_tolerance():
    params = tconv(input=[[0.5, 1.0], [1.5, 2.0]], stride=2, padding=1)
    answer = solve("transposed_conv", params)
    written = [[round(v + 0.004, 3) for v in row] for row in predict("forgot_crop", params)]
    kind, record = problem_type("transposed_conv"), typed("transposed_conv", params)
    found = diagnose(kind, record, blocks_of(answer), blocks_of(written), atol=0.01)
    assert found is not None and found.name == "forgot_crop"
    assert diagnose(kind, record, blocks_of(answer), blocks_of(written)) is None


def test_sentences_are_one_plain_sentence():
    for m in all_mistakes():
        assert m.sentence == f"{m.summary}: {m.advice}"
        assert m.sentence.endswith(".") and m.sentence.count(". ") == 0, m.name
        assert m.summary.startswith(("You ", "Your ")), m.name
    assert problem_type("transposed_conv").mistake("forgot_crop").sentence == (
        "You kept the padded border: in a transposed convolution padding removes rows and columns from the "
        "output — crop p from every side of the full scatter result."
    )


def confusable(ptype, params, answer):
    return problem_type(ptype).confusable(typed(ptype, params), blocks_of(answer))


def test_rules_for_types():
    assert {type_of_rule(m.name) for m in all_mistakes()} == {
        "transposed_conv", "conv", "output_shape", "conv_gradient", "as_convolution", "overlap_map", "design",
        "conv_matrix",
        "layer_code",
        "network_shapes",
    }
    # names are unique across types; a 1-D type shares its 2-D type's rule objects
    assert len({m.name for m in all_mistakes()}) == len({id(m) for m in all_mistakes()})
    assert problem_type("transposed_conv_1d").mistakes is problem_type("transposed_conv").mistakes
    assert problem_type("conv_1d").mistakes is problem_type("conv").mistakes


def test_confusable():
    params = tconv(stride=2, padding=1, output_padding=1)
    assert not confusable("transposed_conv", params, solve("transposed_conv", params))
    # the slides' example: cropping 2p leaves [[10]], which the ordinary convolution gives too
    assert confusable("transposed_conv", tconv(stride=2, padding=1), SLIDES_S2P1)
    # stride 1, all-ones 3×3 kernel, padding 1: the transposed conv equals the ordinary conv
    same = tconv(input=X3, padding=1)
    assert confusable("transposed_conv", same, solve("transposed_conv", same))
    # stride 2, kernel 1×2 of ones: overwriting and ignoring the stride... check a pair that coincides
    conv_same = shape(operation="conv", input_size=5, kernel_size=3, padding=1)  # "same" conv: both formulas give 5
    assert confusable("output_shape", conv_same, [[5, 5]])


def test_confusable_sees_two_rules_with_one_prediction(monkeypatch):
    params = tconv(stride=2, padding=1, output_padding=1)
    kind = problem_type("transposed_conv")
    assert not confusable("transposed_conv", params, solve("transposed_conv", params))
    twin = Mistake("twin", "You", "twin.", forgot_crop)
    monkeypatch.setattr(kind, "mistakes", kind.mistakes + (twin,))
    assert confusable("transposed_conv", params, solve("transposed_conv", params))


def test_random_draws_predictions_never_raise():
    rng = np.random.default_rng(0)
    for _ in range(200):
        s, p, d = int(rng.integers(1, 4)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        op = int(rng.integers(0, max(s, d)))
        params = tconv(
            input=rng.integers(-3, 4, (int(rng.integers(1, 4)), int(rng.integers(1, 4)))).tolist(),
            kernel=rng.integers(-2, 3, (int(rng.integers(1, 4)), int(rng.integers(1, 4)))).tolist(),
            stride=[s, int(rng.integers(1, 3))],
            padding=p,
            output_padding=[op, 0],
            dilation=d,
        )
        try:
            answer = solve("transposed_conv", params)
        except Exception:
            continue
        for m in problem_type("transposed_conv").mistakes:
            predicted = predict(m.name, params)
            assert predicted is None or predicted != answer
        confusable("transposed_conv", params, answer)


def test_two_rules_do_not_coincide_on_the_slides_examples():
    for params in (tconv(stride=2, padding=1), tconv(stride=2, padding=1, output_padding=1), tconv(stride=2)):
        predictions = [(m.name, predict(m.name, params)) for m in problem_type("transposed_conv").mistakes]
        predictions = [(n, p) for n, p in predictions if p is not None]
        for (a, pa), (b, pb) in itertools.combinations(predictions, 2):
            # on the 3×3 slides answer, cropping 2 from each side of the 5×5 full result leaves its
            # centre, 10 — which is also the one window of the ordinary convolution; the earlier rule names it
            coincide = params == tconv(stride=2, padding=1) and {a, b} == {"computed_conv", "cropped_twice"}
            assert (pa == pb) == coincide, (a, b)
