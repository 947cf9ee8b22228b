"""Problem-type modules: design choices, hidden-size layouts, conv_matrix answers, explanations."""

from __future__ import annotations

from conftest import solve, typed
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
