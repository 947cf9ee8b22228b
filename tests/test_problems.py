"""Problem-type modules: design choices, hidden-size layouts, conv_matrix answers, explanations."""

from __future__ import annotations

from conftest import SPECS, solve, typed

from exercisegen.problems.base import close
from exercisegen.problems.conv_matrix import ConvMatrix
from exercisegen.problems.design import Design
from exercisegen.problems.drawing import hidden_canvas
from exercisegen.problems.transposed_conv import TransposedConv
from exercisegen.solver import conv_transpose2d

design = Design()
transposed_conv = TransposedConv()
conv_matrix = ConvMatrix()

DESIGN_JSON = {
    "input_size": 4,
    "output_size": 7,
    "kernel_size": 3,
    "dilation": 1,
    "choose_kernel": False,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
}
DESIGN = typed("design", DESIGN_JSON)


def test_design_accepts_every_valid_choice_and_only_those():
    assert design.is_valid_choice(DESIGN, [2, 1, 0])
    assert design.is_valid_choice(DESIGN, [1, 0, 0]) is False  # 6x6
    # o = (4−1)·s − 2p + (3−1) + op + 1: also (3, 3, 1) and (4, 4, 0) reach 7
    assert design.is_valid_choice(DESIGN, [3, 3, 1])
    assert design.is_valid_choice(DESIGN, [4, 4, 0])
    assert design.is_valid_choice(DESIGN, [3, 2, 0]) is False  # 8
    for s, p, op in design.other_choices(DESIGN, limit=10):
        assert (4 - 1) * s - 2 * p + 2 + op + 1 == 7 and 0 <= op < s
    assert design.is_valid_choice(DESIGN, [2, 1, 2]) is False  # output_padding >= stride
    assert design.is_valid_choice(DESIGN, [2.5, 1, 0]) is False


def test_design_mark_is_all_or_nothing():
    assert design.mark(DESIGN, design.solve(DESIGN), (((3, 3, 1),),), 0, 0) == (((True, True, True),),)
    assert design.mark(DESIGN, design.solve(DESIGN), (((1, 0, 0),),), 0, 0) == (((False, False, False),),)


def test_design_comment_says_what_the_choice_gives():
    assert design.comment(DESIGN, (((1, 0, 0),),)) == (
        "Your choice gives an output of 6×6, not 7×7: (4−1)·1 − 2·0 + 1·(3−1) + 0 + 1 = 6."
    )
    assert design.comment(DESIGN, (((2, 0, 3),),)) == (
        "output_padding (3) must be smaller than the stride (2) or the dilation (1)."
    )


def test_design_with_kernel_choice_has_four_labeled_boxes():
    params = typed("design", dict(DESIGN_JSON, choose_kernel=True))
    assert design.layout(params).labels == ("kernel_size", "stride", "padding", "output_padding")
    assert design.is_valid_choice(params, [4, 1, 0, 0])  # (4−1)·1 + (4−1) + 1 = 7
    assert design.is_valid_choice(params, [5, 1, 0, 0]) is False  # 8
    assert design.solve(params) == (((3, 2, 1, 0),),)


def test_hidden_canvas_does_not_track_the_answer_size():
    assert {hidden_canvas(((n, m),)) for n in range(1, 8) for m in range(1, 8)} == {(8, 8)}
    assert hidden_canvas(((9, 3),)) == (12, 12)


def test_ask_shape_layout_hides_the_size_and_statement_says_so():
    params = typed("transposed_conv", {
        "input": [[1, 2], [3, 4]],
        "kernel": [[1, 0], [0, -1]],
        "stride": 2,
        "padding": 0,
        "output_padding": 0,
        "dilation": 1,
        "groups": 1,
        "ask_shape": True,
    })
    layout = transposed_conv.layout(params)
    assert layout.blocks == ((4, 4),) and not layout.reveal_shape and layout.canvas == (8, 8)
    assert "size of the output is part of the question" in transposed_conv.statement(params)


def test_conv_matrix_transpose_product_is_the_transposed_convolution():
    params = {
        "task": "transpose_product",
        "input_size": [3, 4],
        "kernel": [[1, 2], [-1, 3]],
        "stride": 1,
        "padding": 0,
        "vector": [[1, -2, 0], [2, 1, 1]],
    }
    assert solve("conv_matrix", params) == conv_transpose2d(params["vector"], params["kernel"]).tolist()
    c = solve("conv_matrix", dict(params, task="matrix"))
    assert len(c) == 6 and len(c[0]) == 12
    assert c[0][:6] == [1, 2, 0, 0, -1, 3]


def test_design_output_padding_equal_to_stride_scores_zero_even_when_the_formula_fits():
    # (4−1)·2 − 2·2 + (3−1) + 2 + 1 = 7: the size fits, but output_padding 2 is not < stride 2
    assert (4 - 1) * 2 - 2 * 2 + (3 - 1) + 2 + 1 == DESIGN.output_size
    assert design.is_valid_choice(DESIGN, [2, 2, 2]) is False
    assert design.mark(DESIGN, design.solve(DESIGN), (((2, 2, 2),),), 0, 0) == (((False, False, False),),)
    assert design.comment(DESIGN, (((2, 2, 2),),)) == (
        "output_padding (2) must be smaller than the stride (2) or the dilation (1)."
    )
    # one below the stride is allowed: (4−1)·3 − 2·3 + 2 + 1 + 1 = 7
    assert design.mark(DESIGN, design.solve(DESIGN), (((3, 3, 1),),), 0, 0) == (((True, True, True),),)


def test_design_output_padding_may_reach_the_dilation_minus_one_but_not_the_dilation():
    # dilation 2, stride 1: output_padding must be < max(1, 2) = 2; o = (4−1)·s − 2p + 2·(3−1) + op + 1
    nine = typed("design", dict(DESIGN_JSON, dilation=2, output_size=9, stride=1, padding=0, output_padding=1))
    assert design.mark(nine, design.solve(nine), (((1, 0, 1),),), 0, 0) == (((True, True, True),),)
    eight = typed("design", dict(DESIGN_JSON, dilation=2, output_size=8, stride=1, padding=0, output_padding=0))
    assert 3 * 1 - 2 * 1 + 4 + 2 + 1 == 8  # (1, 1, 2) fits the formula, but output_padding 2 = dilation
    assert design.mark(eight, design.solve(eight), (((1, 1, 2),),), 0, 0) == (((False, False, False),),)
    assert design.comment(eight, (((1, 1, 2),),)) == (
        "output_padding (2) must be smaller than the stride (1) or the dilation (2)."
    )


def test_hidden_canvas_at_size_8_is_larger_than_8_in_both_directions():
    rows, cols = hidden_canvas(((8, 8),))
    assert rows > 8 and cols > 8
    assert hidden_canvas(((8, 8),)) == (12, 12)
    assert hidden_canvas(((8, 3),)) == (12, 12)
    assert hidden_canvas(((3, 8),)) == (12, 12)


def test_hidden_canvas_is_larger_than_every_side_and_constant_below_8():
    for n in range(1, 21):
        rows, cols = hidden_canvas(((n, n),))
        assert rows > n and cols > n, n
        wide, tall = hidden_canvas(((1, n),)), hidden_canvas(((n, 1),))
        assert min(wide) > n and min(tall) > n, n
    assert {hidden_canvas(((n, n),)) for n in range(1, 8)} == {(8, 8)}
    assert [hidden_canvas(((n, n),))[0] for n in range(8, 21)] == [12] * 4 + [16] * 4 + [20] * 4 + [24]
    # the largest block decides for answers with several channels
    assert hidden_canvas(((2, 2), (8, 8))) == (12, 12)


def test_close_scales_rtol_by_the_key_value_not_the_submitted_one():
    # key 10, rtol 0.1: anything within 0.1·10 = 1.0 is right
    assert close(11, 10, 0, 0.1) is True
    assert close(9, 10, 0, 0.1) is True
    assert close(8.9, 10, 0, 0.1) is False
    assert close(11.05, 10, 0, 0.1) is False  # 1.05 > 1.0, though 1.05 <= 0.1·11.05
    # the other way round (key 11.05) the same pair is close: the tolerance follows the key
    assert close(10, 11.05, 0, 0.1) is True
    assert close(10.5, 10, 0.5, 0) is True and close(10.51, 10, 0.5, 0) is False
    assert close(11.5, 10, 0.5, 0.1) is True and close(11.6, 10, 0.5, 0.1) is False


# --- constraints against trivial problems; multi-channel statements and PDFs ----------------------


def _drawn(spec_text: str, n: int = 60):
    from exercisegen.roster import numbered_students
    from exercisegen.spec import parse_spec
    from exercisegen.variants import build_key

    return [v.problems[0] for v in build_key(parse_spec(spec_text, "c.yaml"), numbered_students(n)).variants]


def _zero_share(answer) -> float:
    cells = [v for block in answer for row in block for v in row]
    return sum(v == 0 for v in cells) / len(cells)


SPARSE = """
title: Sparse
problems:
  - id: t
    type: {ptype}
    input: {{shape: [2, 2], values: {{choice: [0, 0, 0, 1]}}}}
    kernel: {{shape: [2, 2], values: {{choice: [0, 0, 1, -1]}}}}
    constraints: {{{constraints}}}
"""


def test_without_constraints_sparse_values_give_trivial_problems():
    problems = _drawn(SPARSE.format(ptype="transposed_conv", constraints=""))
    assert any(all(v == 0 for row in p.params.input[0] for v in row) for p in problems)
    assert any(_zero_share(p.answer) == 1 for p in problems)


def test_nonzero_input_and_min_nonzero_answer_fraction_are_honoured():
    for ptype in ("transposed_conv", "conv"):
        text = SPARSE.format(ptype=ptype, constraints="nonzero_input: true, min_nonzero_answer_fraction: 0.6")
        for problem in _drawn(text):
            assert any(v != 0 for row in problem.params.input[0] for v in row)
            # the share counted from a naive recomputation of the answer
            x, w = problem.params.input[0], problem.params.kernel[0][0]
            if ptype == "transposed_conv":
                out = [[0] * 3 for _ in range(3)]
                for i in range(2):
                    for j in range(2):
                        for a in range(2):
                            for b in range(2):
                                out[i + a][j + b] += x[i][j] * w[a][b]
            else:
                out = [
                    [sum(x[i + a][j + b] * w[a][b] for a in range(2) for b in range(2))]
                    for i in range(1)
                    for j in range(1)
                ]
            assert [list(r) for r in problem.answer[0]] == out
            assert _zero_share(problem.answer) <= 0.4


def test_nonzero_input_of_conv_matrix_is_the_vector_x():
    text = """
title: V
problems:
  - id: m
    type: conv_matrix
    task: transpose_product
    input_size: 3
    kernel: [[1, 2], [3, 4]]
    vector: {values: {choice: [0, 0, 0, 1]}}
    constraints: {nonzero_input: true}
"""
    for problem in _drawn(text, 30):
        assert any(v != 0 for row in problem.params.vector for v in row)


def _statement(c_in: int, c_out: int, ask_shape: bool) -> str:
    import numpy as np

    params = typed(
        "transposed_conv",
        {
            "input": np.ones((c_in, 2, 2), dtype=int).tolist() if c_in > 1 else [[1, 2], [3, 4]],
            "kernel": np.ones((c_in, c_out, 2, 2), dtype=int).tolist() if (c_in, c_out) != (1, 1) else [[1, 1], [1, 1]],
            "stride": 1,
            "padding": 0,
            "output_padding": 0,
            "dilation": 1,
            "groups": 1,
            "ask_shape": ask_shape,
        },
    )
    return transposed_conv.statement(params)


def test_statement_asks_for_one_grid_per_output_channel_only_when_there_are_several():
    assert _statement(1, 2, False).endswith("output_padding 0. Write one output grid per output channel.")
    assert _statement(2, 1, False).endswith(
        "the kernel is laid out as (C_in, C_out/groups, kH, kW). Write the whole output grid."
    )
    assert _statement(1, 1, False).endswith("output_padding 0. Write the whole output grid.")


def test_multi_channel_statement_keeps_the_ask_shape_instruction():
    several = _statement(2, 2, True)
    assert several.endswith(
        "The input has 2 channels; the kernel is laid out as (C_in, C_out/groups, kH, kW). The size of the output "
        "is part of the question: work it out, then write one grid per output channel, each into the top-left "
        "corner of its answer area, and leave the boxes outside it empty."
    )
    assert _statement(1, 1, True).endswith(
        "The size of the output is part of the question: work it out, then write the grid into the top-left "
        "corner of the answer area and leave the boxes outside it empty."
    )


def test_ask_shape_with_two_input_channels_and_one_output_makes_pdfs(tmp_path):
    from conftest import run
    from pypdf import PdfReader

    spec = tmp_path / "mc.yaml"
    spec.write_text(
        "title: MC\nproblems:\n  - id: t1\n    type: transposed_conv\n"
        "    input: {shape: [2, 2], values: {int: [1, 3]}}\n    kernel: {shape: [2, 2], values: {int: [1, 2]}}\n"
        "    in_channels: 2\n    out_channels: 1\n    stride: 2\n    ask_shape: true\n"
        "    show_steps: [scatter, gather, matrix]\n"
    )
    result = run("generate", spec, "--variants", 2, "--jobs", 1, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for kind in ("worksheets", "solutions"):
        for name in ("v001", "v002"):
            assert len(PdfReader(str(tmp_path / "out" / kind / f"{name}.pdf")).pages) >= 1


# --- solutions a teacher would print (issue 10) ---------------------------------------------------


def _design(i: int, k: int, s: int, p: int, op: int, choose_kernel: bool = False):
    o = (i - 1) * s - 2 * p + (k - 1) + op + 1
    return typed(
        "design",
        {
            "input_size": i,
            "output_size": o,
            "kernel_size": k,
            "dilation": 1,
            "choose_kernel": choose_kernel,
            "stride": s,
            "padding": p,
            "output_padding": op,
        },
    )


def test_design_lists_the_simplest_other_choices_small_stride_then_small_padding():
    params = _design(3, 3, 2, 0, 0)  # 3 -> 7 with a 3x3 kernel
    # every valid (s, p, op) with p <= k - 1, by brute force over the size formula
    simple = sorted(
        (s, p, op)
        for s in range(1, 10)
        for p in range(0, 3)
        for op in range(0, s)
        if (3 - 1) * s - 2 * p + 2 + op + 1 == 7 and (s, p, op) != (2, 0, 0)
    )
    assert design.other_choices(params) == simple[:3] == [(3, 1, 0), (3, 2, 2), (4, 2, 0)]
    text = design.explain(params, ("formula",))[1].view
    assert text == (
        "One valid choice: stride 2, padding 0, output_padding 0. Other valid choices, simplest first: "
        "stride 3, padding 1, output_padding 0; stride 3, padding 2, output_padding 2; "
        "stride 4, padding 2, output_padding 0."
    )


def test_design_shows_a_large_padding_only_when_nothing_simpler_exists():
    # 4 -> 7 with a 3x3 kernel: besides stride 2 / padding 1 every choice needs padding > 2
    assert design.other_choices(DESIGN) == [(3, 3, 1)]
    assert design.explain(DESIGN, ("formula",))[1].view.endswith(
        "Another valid choice: stride 3, padding 3, output_padding 1 (every other choice crops more than "
        "the kernel's reach, padding > d\u00b7(k\u22121) = 2)."
    )
    with_kernel = _design(3, 3, 2, 0, 0, choose_kernel=True)
    assert design.other_choices(with_kernel) == [(5, 1, 0, 0), (7, 1, 1, 0), (2, 2, 0, 1)]


def test_a_worked_row_of_c_matches_the_matrix():
    from exercisegen.explanations import matrix_row
    from exercisegen.steps import conv_matrix

    kernel = ((1, -2, 3), (0, 4, -1), (2, 1, 1))
    for size, stride, padding in (((3, 3), (1, 1), (0, 0)), ((4, 5), (2, 1), (1, 2)), ((2, 2), (1, 1), (1, 1))):
        c = conv_matrix(size, kernel, stride=stride, padding=padding)
        out_w = (size[1] + 2 * padding[1] - 3) // stride[1] + 1
        for i, j in ((0, 0), (1, 1)):
            row = matrix_row(size, kernel, stride, padding, (i, j), out_w)
            if row.row >= len(c):
                continue
            assert row.values == c[row.row]
            assert row.start == (i * stride[0] - padding[0], j * stride[1] - padding[1])
            inside = [e for e in row.entries if e.column is not None]
            # every weight inside the input lands on its own cell; the rest fall on the padding
            assert len(row.entries) == 9
            assert all(e.column == e.cell[0] * size[1] + e.cell[1] for e in inside)
            dropped = sum(
                1
                for a in range(3)
                for b in range(3)
                if not (0 <= row.start[0] + a < size[0] and 0 <= row.start[1] + b < size[1])
            )
            assert len(row.entries) - len(inside) == dropped


def test_conv_matrix_explains_row_0_worked_and_names_rows_and_columns():
    params = typed(
        "conv_matrix",
        {"task": "matrix", "input_size": 3, "kernel": [[2, 0], [2, 1]], "stride": 1, "padding": 1},
    )
    kind = ConvMatrix()
    (explanation,) = kind.explain(params, ("matrix",))
    assert explanation.kind == "matrix_row" and explanation.title == "How C is built: row 0, worked"
    row = explanation.view
    assert [(e.cell, e.column) for e in row.entries] == [(None, None), (None, None), (None, None), ((0, 0), 0)]
    assert row.values == (1, 0, 0, 0, 0, 0, 0, 0, 0)
    layout = kind.layout(params)
    assert len(layout.row_labels) == 16 and layout.row_labels[:5] == ("y00", "y01", "y02", "y03", "y10")
    assert layout.column_labels[-1] == "x22"


def _naive_transposed(x, w, stride, padding):
    """One channel, by scattering: the full result, then `padding` cropped from every side."""
    h, wd, kh, kw = len(x), len(x[0]), len(w), len(w[0])
    full = [[0] * ((wd - 1) * stride + kw) for _ in range((h - 1) * stride + kh)]
    for i in range(h):
        for j in range(wd):
            for a in range(kh):
                for b in range(kw):
                    full[i * stride + a][j * stride + b] += x[i][j] * w[a][b]
    return tuple(tuple(row[padding : len(row) - padding]) for row in full[padding : len(full) - padding])


def test_each_output_channel_is_the_sum_of_its_input_channels_parts():
    x = [[[1, -2], [0, 3]], [[2, 1], [-1, 1]]]
    w = [  # (C_in, C_out, kH, kW)
        [[[1, 0, -1], [2, 1, 0], [0, 1, 1]], [[0, 1, 0], [1, -1, 1], [2, 0, 0]]],
        [[[1, 1, 1], [0, 0, 0], [-1, 2, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]],
    ]
    record = typed(
        "transposed_conv",
        {"input": x, "kernel": w, "stride": 2, "padding": 1, "output_padding": 0, "dilation": 1, "groups": 1},
    )
    kind = TransposedConv()
    sums = kind.channel_sums(record)
    answer = kind.solve(record)
    for co, total in enumerate(sums):
        assert total.out_channel == co and total.total == answer[co]
        assert [part.in_channel for part in total.parts] == [0, 1]
        for part in total.parts:
            assert part.values == _naive_transposed(x[part.in_channel], w[part.in_channel][co], 2, 1)
        added = tuple(
            tuple(sum(part.values[r][c] for part in total.parts) for c in range(len(answer[co][0])))
            for r in range(len(answer[co]))
        )
        assert added == answer[co]
    explanations = kind.explain(record, ("scatter",))
    assert [e.result for e in explanations if e.kind == "scatter"] == [
        "input channel 0\u2019s part of output channel 0",
        "input channel 0\u2019s part of output channel 1",
        "input channel 1\u2019s part of output channel 0",
        "input channel 1\u2019s part of output channel 1",
    ]
    assert [e.title for e in explanations if e.kind == "channel_sum"] == [
        "Output channel 0: the sum of its input channels",
        "Output channel 1: the sum of its input channels",
    ]
    compact = kind.explain(record, ("compact",))
    assert [e.kind for e in compact] == ["formula"] + ["scatter_compact"] * 4 + ["channel_sum"] * 2


def test_one_input_channel_feeding_two_outputs_has_no_sum_and_names_the_channel():
    record = typed(
        "conv",
        {"input": [[[1, 2, 0], [0, 1, 3], [2, 2, 1]]], "kernel": [[[[1, 0], [0, 1]]], [[[0, 1], [1, 0]]]],
         "stride": 1, "padding": 0, "dilation": 1, "groups": 1},
    )
    from exercisegen.problems.conv import Conv

    explanations = Conv().explain(record, ("window", "compact"))
    assert [(e.kind, e.result) for e in explanations[1:]] == [
        ("window", "output channel 0"),
        ("window", "output channel 1"),
        ("window_compact", "output channel 0"),
        ("window_compact", "output channel 1"),
    ]


def test_lecture_examples_compute_the_slides_animated_examples():
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    key = build_key(load_spec(str(SPECS / "lecture_examples.yaml")), [("s", "")])
    problems = {p.id: p for p in key.variants[0].problems}
    # conv 4x4 (1..16), padding 1, all-ones 2x2 kernel, stride 2: each output cell is its window's sum
    assert problems["conv_4to3"].answer == (((1, 5, 4), (14, 34, 20), (13, 29, 16)),)
    # transposed 3x3 (1..9), all-ones 2x2 kernel, stride 2: the 6x6 tiling with its outer ring cropped
    assert problems["transposed_3to4"].answer == (((1, 2, 2, 3), (4, 5, 5, 6), (4, 5, 5, 6), (7, 8, 8, 9)),)
    assert problems["conv_4to3"].show_steps == ("window",)
    assert problems["transposed_3to4"].show_steps == ("scatter",)
