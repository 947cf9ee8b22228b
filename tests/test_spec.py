"""Tests for exercisegen.spec: records from a valid spec, and the exact message for each kind of mistake."""

from __future__ import annotations

import hashlib
import textwrap

import pytest
import yaml
from conftest import SPECS, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercisegen.errors import SpecError
from exercisegen.roster import numbered_students
from exercisegen.spec import MAX_SPEC_BYTES, load_spec, parse_spec
from exercisegen.spec_model import Constraints, Draw, MatrixSpec, ProblemSpec, SetSpec
from exercisegen.variants import build_key, check_drawable


def errors_of(text: str, filename: str = "hw1.yaml") -> list[str]:
    """The messages of the SpecError that parsing the (dedented) `text` raises."""
    with pytest.raises(SpecError) as info:
        parse_spec(textwrap.dedent(text), filename)
    assert str(info.value) == "\n".join(info.value.messages)
    return info.value.messages


def one_problem(lines: str) -> str:
    """A spec whose only problem (line 3 onwards) is a transposed_conv with `lines` added."""
    head = "title: T\nproblems:\n  - id: p\n    type: transposed_conv\n"
    body = "    input: [[1, 2], [3, 4]]\n    kernel: [[1, 1], [1, 1]]\n"
    return head + body + textwrap.indent(textwrap.dedent(lines), "    ")


# ---------------------------------------------------------------------------------------------
# valid specs

RICH_SPEC = """\
title: Rich
course: DL 101
instructions: Work neatly.
seed: 42
paper: letter
problems:
  - id: tc-1
    type: transposed_conv
    points: 2.5
    instructions: Show the scatter.
    input: [[1, 2.5], [-3, 4]]
    kernel: {shape: [{choice: [2, 3]}, {range: [2, 4]}], values: {int: [-1, 2]}}
    stride: {choice: [1, [2, 1]]}
    padding: {range: [0, 1]}
    output_padding: 0
    dilation: [1, 1]
    show_steps: [gather, matrix]
    constraints:
      max_output_size: 6
      overlap: true
      nonzero_kernel: true
      asymmetric_kernel: true
      distinct_from_mistakes: true
    atol: 0.01
    rtol: 0
  - id: c_2
    type: conv
    input: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    kernel: {shape: [2, 2], values: {choice: [-1, 0.5, 1]}}
    groups: 2
    in_channels: 2
    out_channels: 2
    show_steps: []
  - id: shape
    type: output_shape
    operation: {choice: [conv, transposed]}
    input_size: {choice: [3, [4, 5]]}
    kernel_size: [3, 2]
  - id: d-1
    type: design
    input_size: {range: [3, 6]}
    kernel_size: {choice: [2, 3, 4]}
    stride: {choice: [2, 3]}
    choose_kernel: true
  - id: m
    type: conv_matrix
    task: transpose_product
    input_size: 3
    kernel: {shape: [2, 2], values: ones}
    vector: {values: {int: [-1, 1]}}
"""


def test_rich_spec_gives_records_with_defaults_filled_in():
    spec = parse_spec(RICH_SPEC, "rich.yaml")
    assert isinstance(spec, SetSpec)
    assert (spec.title, spec.course, spec.instructions, spec.seed, spec.paper) == (
        "Rich",
        "DL 101",
        "Work neatly.",
        42,
        "letter",
    )
    assert spec.filename == "rich.yaml"
    assert spec.sha256 == hashlib.sha256(RICH_SPEC.encode("utf-8")).hexdigest()
    assert [p.id for p in spec.problems] == ["tc-1", "c_2", "shape", "d-1", "m"]
    assert [p.type for p in spec.problems] == [
        "transposed_conv",
        "conv",
        "output_shape",
        "design",
        "conv_matrix",
    ]
    assert [p.line for p in spec.problems] == [7, 26, 34, 39, 45]

    tc = spec.problems[0]
    assert tc == ProblemSpec(
        id="tc-1",
        type="transposed_conv",
        points=2.5,
        instructions="Show the scatter.",
        show_steps=("gather", "matrix"),
        fields=(
            ("input", MatrixSpec("literal", ((1, 2.5), (-3, 4)), None, ())),
            (
                "kernel",
                MatrixSpec("int", None, (Draw("choice", (2, 3)), Draw("range", (2, 4))), (-1, 2)),
            ),
            ("stride", Draw("choice", (1, (2, 1)))),
            ("padding", Draw("range", (0, 1))),
            ("output_padding", Draw("fixed", (0,))),
            ("dilation", Draw("fixed", ((1, 1),))),
            ("groups", Draw("fixed", (1,))),
            ("in_channels", Draw("fixed", (1,))),
            ("out_channels", Draw("fixed", (1,))),
            ("ask_shape", False),
        ),
        constraints=Constraints(
            max_output_size=6,
            overlap=True,
            nonzero_kernel=True,
            asymmetric_kernel=True,
            distinct_from_mistakes=True,
        ),
        atol=0.01,
        rtol=0.0,
        line=7,
    )
    assert tc.field("stride") == Draw("choice", (1, (2, 1)))
    with pytest.raises(KeyError):
        tc.field("operation")


def test_rich_spec_other_types_take_type_defaults():
    conv, shape, design, matrix = parse_spec(RICH_SPEC, "rich.yaml").problems[1:]
    assert conv.points == 1.0 and conv.instructions is None and conv.show_steps == ()
    assert conv.constraints == Constraints()
    assert (conv.atol, conv.rtol) == (0.0, 0.0)
    assert conv.field("input") == MatrixSpec("literal", (((1, 2), (3, 4)), ((5, 6), (7, 8))), None, ())
    assert conv.field("kernel") == MatrixSpec("choice", None, (Draw("fixed", (2,)), Draw("fixed", (2,))), (-1, 0.5, 1))
    assert [name for name, _ in conv.fields] == [
        "input",
        "kernel",
        "stride",
        "padding",
        "dilation",
        "groups",
        "in_channels",
        "out_channels",
        "ask_shape",
    ]
    assert conv.field("groups") == Draw("fixed", (2,))

    assert shape.show_steps == ("formula",)
    assert shape.field("operation") == Draw("choice", ("conv", "transposed"))
    assert shape.field("input_size") == Draw("choice", (3, (4, 5)))
    assert shape.field("kernel_size") == Draw("fixed", ((3, 2),))
    assert shape.field("output_padding") == Draw("fixed", (0,))

    assert design.field("input_size") == Draw("range", (3, 6))
    assert design.field("dilation") == Draw("fixed", (1,))
    assert design.field("choose_kernel") is True

    assert matrix.show_steps == ("matrix",)
    assert matrix.field("task") == Draw("fixed", ("transpose_product",))
    assert matrix.field("kernel") == MatrixSpec("ones", None, (Draw("fixed", (2,)), Draw("fixed", (2,))), ())
    assert matrix.field("vector") == MatrixSpec("int", None, None, (-1, 1))


def test_shape_derived_matrix_default_is_parsed_like_user_input():
    spec = parse_spec(
        "title: T\nproblems:\n  - id: m\n    type: conv_matrix\n    input_size: 3\n    kernel: [[1, 2], [3, 4]]\n",
        "m.yaml",
    )
    problem = spec.problems[0]
    assert problem.field("vector") == MatrixSpec("int", None, None, (-2, 3))
    assert problem.field("task") == Draw("fixed", ("matrix",))


def test_set_level_defaults():
    spec = parse_spec(one_problem(""), "d.yaml")
    assert (spec.course, spec.instructions, spec.seed, spec.paper) == ("", "", 0, "a4")
    assert spec.problems[0].show_steps == ("scatter",)


@pytest.mark.parametrize("name", ["lecture_examples", "transposed_homework", "conv_review"])
def test_bundled_specs_parse_cleanly(name):
    spec = load_spec(str(SPECS / f"{name}.yaml"))
    assert spec.problems
    assert spec.sha256 == hashlib.sha256((SPECS / f"{name}.yaml").read_bytes()).hexdigest()


def test_lecture_examples_hold_the_slide_numbers():
    spec = load_spec(str(SPECS / "lecture_examples.yaml"))
    assert spec.title == "Transposed convolutions — lecture examples"
    assert [p.id for p in spec.problems] == [
        "conv_review",
        "conv_4to3",
        "transposed_shape",
        "transposed_3to4",
        "s1p0",
        "s2p0",
        "s2p1",
    ]
    conv_review, _, transposed_shape, _, s1p0, s2p0, s2p1 = spec.problems
    assert conv_review.field("operation") == Draw("fixed", ("conv",))
    assert transposed_shape.field("input_size") == Draw("fixed", (3,))
    ones3 = MatrixSpec("ones", None, (Draw("fixed", (3,)), Draw("fixed", (3,))), ())
    for problem, stride, padding in ((s1p0, 1, 0), (s2p0, 2, 0), (s2p1, 2, 1)):
        assert problem.field("input") == MatrixSpec("literal", ((1, 2), (3, 4)), None, ())
        assert problem.field("kernel") == ones3
        assert problem.field("stride") == Draw("fixed", (stride,))
        assert problem.field("padding") == Draw("fixed", (padding,))
    assert s2p1.show_steps == ("scatter", "gather")


def test_homework_spec_covers_every_type_with_points_2_to_5():
    spec = load_spec(str(SPECS / "transposed_homework.yaml"))
    assert {p.type for p in spec.problems} == {
        "transposed_conv",
        "conv",
        "output_shape",
        "design",
        "conv_matrix",
        "transposed_conv_1d",
    }
    assert len(spec.problems) == 8
    assert spec.problems[0].type == "transposed_conv_1d"  # the warm-up comes first
    assert all(2 <= p.points <= 5 for p in spec.problems)
    drawn = spec.problems[2]
    assert drawn.constraints == Constraints(
        max_output_size=6,
        overlap=True,
        nonzero_kernel=True,
        asymmetric_kernel=True,
        distinct_from_mistakes=True,
        nonzero_input=True,
        min_nonzero_answer_fraction=0.6,
    )
    assert drawn.field("kernel").shape == (Draw("fixed", (3,)), Draw("choice", (3, 4)))
    assert drawn.balance == ("stride", "kernel")


def test_load_spec_matches_parse_spec_and_hashes_raw_bytes(tmp_path):
    path = tmp_path / "hw.yaml"
    path.write_bytes(RICH_SPEC.encode("utf-8"))
    assert load_spec(str(path)) == parse_spec(RICH_SPEC, str(path))
    assert load_spec(str(path)).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# one test per kind of error


def test_value_below_minimum_names_line_path_and_rule():
    text = (
        "title: T\nproblems:\n"
        "  - id: a\n    type: output_shape\n    input_size: 3\n    kernel_size: 2\n"
        "  - id: b\n    type: output_shape\n    input_size: 3\n    kernel_size: 2\n"
        "  - id: c\n    type: output_shape\n    input_size: 3\n    stride: 0\n    kernel_size: 2\n"
    )
    assert errors_of(text) == ["hw1.yaml:14: problems[2].stride: must be >= 1, got 0"]


def test_load_spec_reports_the_file_name(tmp_path):
    path = tmp_path / "hw1.yaml"
    path.write_text(one_problem("stride: 0\n"), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(str(path))
    assert info.value.messages == [f"{path}:7: problems[0].stride: must be >= 1, got 0"]


def test_unknown_field_suggests_a_close_match():
    text = "title: T\nproblems:\n  - strides: 2\n    id: p\n    type: output_shape\n"
    text += "    input_size: 3\n    kernel_size: 2\n"
    assert errors_of(text) == ["hw1.yaml:3: problems[0].strides: unknown field (did you mean 'stride'?)"]


def test_unknown_field_without_close_match_lists_allowed_keys():
    assert errors_of(
        "title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 2\n    zzz: 1\n"
    ) == [
        "hw1.yaml:7: problems[0].zzz: unknown field; allowed: id, type, points, instructions, show_steps, "
        "constraints, atol, rtol, balance, input_size, kernel_size, stride, padding, output_padding, dilation, "
        "choose_kernel"
    ]


def test_unknown_set_level_key():
    assert errors_of("titel: T\n" + one_problem("")[len("title: T\n") :]) == [
        "hw1.yaml:1: titel: unknown field (did you mean 'title'?)",
        "hw1.yaml:1: title: required field missing",
    ]


def test_duplicate_id_names_first_line():
    text = """\
    title: T
    problems:
      - id: t1
        type: output_shape
        input_size: 3
        kernel_size: 2
      - type: output_shape
        id: t1
        input_size: 3
        kernel_size: 2
    """
    assert errors_of(text) == ["hw1.yaml:8: problems[1].id: duplicate id 't1' (first used on line 3)"]


def test_duplicate_key_names_first_line():
    assert errors_of(one_problem("stride: 1\nstride: 2\n")) == [
        "hw1.yaml:8: problems[0].stride: duplicate key (first on line 7)"
    ]


def test_duplicate_key_inside_a_draw_is_reported():
    assert errors_of(one_problem("padding: {range: [0, 1], range: [0, 2]}\n")) == [
        "hw1.yaml:7: problems[0].padding.range: duplicate key (first on line 7)"
    ]


def test_required_field_missing_uses_line_of_the_mapping():
    assert errors_of("title: T\nproblems:\n  - id: p\n    type: transposed_conv\n    kernel: [[1]]\n") == [
        "hw1.yaml:3: problems[0].input: required field missing"
    ]


def test_range_with_lo_above_hi():
    assert errors_of(one_problem("padding:\n  range: [3, 1]\n")) == [
        "hw1.yaml:8: problems[0].padding.range: lo (3) must be <= hi (1)"
    ]


def test_range_needs_two_integers():
    assert errors_of(one_problem("padding: {range: [1]}\nstride: {range: [1, 2.5]}\n")) == [
        "hw1.yaml:7: problems[0].padding.range: must be a list [lo, hi] of two integers; got a list of 1 item",
        "hw1.yaml:8: problems[0].stride.range[1]: must be an integer, got 2.5",
    ]


def test_unknown_problem_type_lists_the_types():
    assert errors_of("title: T\nproblems:\n  - id: p\n    type: transpose_conv\n    stride: 2\n") == [
        "hw1.yaml:4: problems[0].type: unknown problem type 'transpose_conv'; "
        "use one of transposed_conv, conv, output_shape, design, conv_matrix, transposed_conv_1d, conv_1d, "
        "conv_gradient, as_convolution, overlap_map, layer_code, network_shapes, choice"
    ]


def test_bool_is_not_an_integer():
    assert errors_of(one_problem("stride: true\n")) == [
        "hw1.yaml:7: problems[0].stride: must be an integer or [h, w], {choice: [...]} or {range: [lo, hi]}; got true"
    ]


def test_pair_must_have_two_numbers():
    assert errors_of(one_problem("stride: [1, 2, 3]\npadding: [0, -1]\n")) == [
        "hw1.yaml:7: problems[0].stride: must be an integer or [h, w], {choice: [...]} or {range: [lo, hi]}; "
        "got a list of 3 items",
        "hw1.yaml:8: problems[0].padding[1]: must be >= 0, got -1",
    ]


def test_choice_options_are_checked_one_by_one():
    assert errors_of(one_problem("stride: {choice: [1, [2, 0], x]}\n")) == [
        "hw1.yaml:7: problems[0].stride.choice[1][1]: must be >= 1, got 0",
        "hw1.yaml:7: problems[0].stride.choice[2]: must be an integer or [h, w]; got 'x'",
    ]


def test_empty_choice_is_refused():
    assert errors_of(one_problem("stride: {choice: []}\n")) == [
        "hw1.yaml:7: problems[0].stride.choice: must be a non-empty list of integers or [h, w] pairs; got an empty list"
    ]


def test_choice_and_range_together_are_refused():
    assert errors_of(one_problem("stride: {choice: [1], range: [1, 2]}\n")) == [
        "hw1.yaml:7: problems[0].stride: use either choice or range, not both"
    ]


def test_unknown_draw_key_suggests_choice():
    assert errors_of(one_problem("stride: {choise: [1, 2]}\n")) == [
        "hw1.yaml:7: problems[0].stride.choise: unknown field (did you mean 'choice'?)"
    ]


def test_empty_draw_mapping_says_what_is_allowed():
    assert errors_of(one_problem("stride: {}\n")) == [
        "hw1.yaml:7: problems[0].stride: must be an integer or [h, w], {choice: [...]} or {range: [lo, hi]}; "
        "got an empty mapping"
    ]


def test_word_field_must_be_one_of_its_options():
    text = "title: T\nproblems:\n  - id: p\n    type: output_shape\n    input_size: 3\n    kernel_size: 2\n"
    assert errors_of(text + "    operation: transpose\n") == [
        "hw1.yaml:7: problems[0].operation: must be one of transposed, conv or {choice: [...]}; got 'transpose'"
    ]
    assert errors_of(text + "    operation: {range: [1, 2]}\n") == [
        "hw1.yaml:7: problems[0].operation.range: unknown field; allowed: choice"
    ]


def test_bool_field_must_be_true_or_false():
    text = "title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 2\n"
    assert errors_of(text + "    choose_kernel: 1\n") == [
        "hw1.yaml:7: problems[0].choose_kernel: must be true or false, got 1"
    ]


def test_matrix_rows_must_have_equal_length():
    assert errors_of(
        "title: T\nproblems:\n  - id: p\n    type: conv\n    input: [[1, 2], [3]]\n    kernel: [[1]]\n"
    ) == [
        "hw1.yaml:5: problems[0].input[1]: has 1 number but problems[0].input[0] has 2 numbers; "
        "a matrix must be rectangular"
    ]


def test_matrix_numbers_must_be_finite_and_not_bool():
    assert errors_of(
        "title: T\nproblems:\n  - id: p\n    type: conv\n    input: [[1, .nan], [x, true]]\n    kernel: [[1]]\n"
    ) == [
        "hw1.yaml:5: problems[0].input[0][1]: must be a finite number, got .nan",
        "hw1.yaml:5: problems[0].input[1][0]: must be a finite number, got 'x'",
        "hw1.yaml:5: problems[0].input[1][1]: must be a finite number, got true",
    ]


def test_matrix_must_have_2_to_4_dimensions():
    assert errors_of(
        "title: T\nproblems:\n  - id: p\n    type: conv\n    input: [1, 2]\n    kernel: [[[[[1]]]]]\n"
    ) == [
        "hw1.yaml:5: problems[0].input: must be a 2-D, 3-D or 4-D nested list of numbers "
        "(a row is written [[1, 2, 3]]); got 1-D",
        "hw1.yaml:6: problems[0].kernel: must be a 2-D, 3-D or 4-D nested list of numbers "
        "(a row is written [[1, 2, 3]]); got 5-D",
    ]


def test_matrix_mixing_numbers_and_lists_is_refused():
    assert errors_of("title: T\nproblems:\n  - id: p\n    type: conv\n    input: [[1], 2]\n    kernel: [[]]\n") == [
        "hw1.yaml:5: problems[0].input: mixes numbers and lists; a matrix is a list of rows of numbers",
        "hw1.yaml:6: problems[0].kernel[0]: must not be empty",
    ]


def test_generated_matrix_needs_shape_and_known_values():
    text = """\
    title: T
    problems:
      - id: p
        type: conv
        input: {values: ones}
        kernel:
          shape: [2, {range: [0, 2]}]
          values: zeros
    """
    assert errors_of(text) == [
        "hw1.yaml:5: problems[0].input.shape: required field missing",
        "hw1.yaml:7: problems[0].kernel.shape[1].range[0]: must be >= 1, got 0",
        "hw1.yaml:8: problems[0].kernel.values: must be ones, {int: [lo, hi]} or {choice: [numbers]}; got 'zeros'",
    ]


def test_generated_matrix_value_forms_are_checked():
    text = """\
    title: T
    problems:
      - id: p
        type: conv
        input: {shape: [2], values: {int: [3, 1]}}
        kernel: {shape: [2, 2], values: {choice: [1, x]}, fill: 1}
    """
    assert errors_of(text) == [
        "hw1.yaml:5: problems[0].input.shape: must be a list [H, W] of two sizes, or {choice: [...]} / "
        "{range: [lo, hi]}; got a list of 1 item",
        "hw1.yaml:5: problems[0].input.values.int: lo (3) must be <= hi (1)",
        "hw1.yaml:6: problems[0].kernel.fill: unknown field; allowed: shape, values",
        "hw1.yaml:6: problems[0].kernel.values.choice[1]: must be a finite number, got 'x'",
    ]


def test_matrix_of_wrong_kind():
    assert errors_of("title: T\nproblems:\n  - id: p\n    type: conv\n    input: ones\n    kernel: [[1]]\n") == [
        "hw1.yaml:5: problems[0].input: must be a nested list of numbers or {shape: [H, W], values: ...}; got 'ones'"
    ]


def test_show_steps_must_name_views_of_the_type():
    assert errors_of(one_problem("show_steps: [scatter, window, scatter]\n")) == [
        "hw1.yaml:7: problems[0].show_steps[1]: unknown view 'window'; use one of scatter, gather, matrix, compact",
        "hw1.yaml:7: problems[0].show_steps[2]: duplicate view 'scatter'",
    ]
    assert errors_of(one_problem("show_steps: scatter\n")) == [
        "hw1.yaml:7: problems[0].show_steps: must be a list of views "
        "(any of scatter, gather, matrix, compact); got 'scatter'"
    ]


def test_constraints_are_checked():
    text = one_problem(
        "constraints:\n  max_output_size: 0\n  overlap: 1\n  nonzero_kernels: true\n  min_output_size: x\n"
    )
    assert errors_of(text) == [
        "hw1.yaml:8: problems[0].constraints.max_output_size: must be >= 1, got 0",
        "hw1.yaml:9: problems[0].constraints.overlap: must be true or false, got 1",
        "hw1.yaml:10: problems[0].constraints.nonzero_kernels: unknown field (did you mean 'nonzero_kernel'?)",
        "hw1.yaml:11: problems[0].constraints.min_output_size: must be an integer >= 1, got 'x'",
    ]
    assert errors_of(one_problem("constraints: [overlap]\n")) == [
        "hw1.yaml:7: problems[0].constraints: must be a mapping with any of max_output_size, min_output_size, overlap, "
        "nonzero_kernel, asymmetric_kernel, distinct_from_mistakes, nonzero_input, min_nonzero_answer_fraction; "
        "got a list of 1 item"
    ]


def test_points_and_tolerances_are_checked():
    assert errors_of(one_problem("points: 0\natol: -0.5\nrtol: x\ninstructions: 5\n")) == [
        "hw1.yaml:7: problems[0].points: must be a number > 0, got 0",
        "hw1.yaml:8: problems[0].atol: must be a number >= 0, got -0.5",
        "hw1.yaml:9: problems[0].rtol: must be a number >= 0, got 'x'",
        "hw1.yaml:10: problems[0].instructions: must be a string, got 5",
    ]


def test_problem_id_must_be_a_short_word():
    text = "title: T\nproblems:\n  - id: 'a b'\n    type: design\n    input_size: 3\n    kernel_size: 2\n"
    assert errors_of(text) == [
        "hw1.yaml:3: problems[0].id: must be 1-32 characters from letters, digits, '_' and '-'; got 'a b'"
    ]


def test_problem_must_be_a_mapping():
    assert errors_of("title: T\nproblems:\n  - conv\n") == [
        "hw1.yaml:3: problems[0]: must be a mapping with at least id and type, got 'conv'"
    ]


def test_set_level_values_are_checked():
    assert errors_of("title: ''\ncourse: 3\nseed: -1\npaper: A5\nproblems: []\n") == [
        "hw1.yaml:1: title: must be a non-empty string, got ''",
        "hw1.yaml:2: course: must be a string, got 3",
        "hw1.yaml:3: seed: must be >= 0, got -1",
        "hw1.yaml:4: paper: must be one of a4, letter; got 'A5'",
        "hw1.yaml:5: problems: must be a non-empty list of problems, got an empty list",
    ]


def test_top_level_must_be_a_mapping():
    assert errors_of("- title: T\n") == [
        "hw1.yaml:1: top level: must be a mapping with title and problems, got a list of 1 item"
    ]


def test_empty_spec_says_what_it_needs():
    assert errors_of("# nothing yet\n") == [
        "hw1.yaml:1: top level: spec is empty; it needs at least title and problems"
    ]


def test_output_padding_no_choice_can_satisfy():
    text = "title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 3\n"
    assert errors_of(text + "    stride: {choice: [1, 2]}\n    output_padding: {range: [2, 3]}\n") == [
        "hw1.yaml:8: problems[0].output_padding: must be smaller than stride or dilation, "
        "and no choice allows it (output_padding >= 2, stride <= 2, dilation 1)"
    ]


def test_output_padding_checked_per_direction():
    assert errors_of(one_problem("stride: [2, 1]\noutput_padding: 1\n")) == [
        "hw1.yaml:8: problems[0].output_padding: must be smaller than stride or dilation, "
        "and no choice allows it (width: output_padding 1, stride 1, dilation 1)"
    ]


def test_output_padding_allowed_when_some_choice_fits():
    spec = parse_spec(one_problem("stride: {choice: [1, 2]}\noutput_padding: 1\n"), "ok.yaml")
    assert spec.problems[0].field("output_padding") == Draw("fixed", (1,))


def test_output_padding_refused_for_plain_convolution():
    text = "title: T\nproblems:\n  - id: p\n    type: output_shape\n    operation: conv\n"
    assert errors_of(text + "    input_size: 3\n    kernel_size: 2\n    stride: 2\n    output_padding: 1\n") == [
        "hw1.yaml:9: problems[0].output_padding: only exists for operation: transposed; remove it or set it to 0"
    ]


def test_yaml_aliases_are_refused():
    assert errors_of("title: &t T\ncourse: *t\nproblems: []\n") == [
        "hw1.yaml:1: YAML aliases (&anchor / *alias) are not allowed in specs",
        "hw1.yaml:2: YAML aliases (&anchor / *alias) are not allowed in specs",
    ]


def test_yaml_tags_are_refused():
    assert errors_of("title: !!python/str T\nproblems: []\n") == [
        "hw1.yaml:1: title: YAML tag 'tag:yaml.org,2002:python/str' is not allowed in specs"
    ]


def test_yaml_syntax_error_names_the_line():
    assert errors_of("title: T\nproblems:\n  - id: [p\n") == [
        "hw1.yaml:4: YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'"
    ]


def test_unprintable_character_is_a_syntax_error():
    assert errors_of("title: T\ncourse: \x07\n") == [
        "hw1.yaml:2: YAML syntax error: character U+0007 is not allowed in YAML"
    ]


def test_deep_nesting_is_refused():
    assert errors_of("title: " + "[" * 100 + "]" * 100 + "\n") == ["hw1.yaml:1: nested more than 64 levels deep"]


def test_oversized_spec_is_refused_before_parsing(tmp_path):
    text = "# " + "x" * MAX_SPEC_BYTES + "\n"
    assert errors_of(text) == [f"hw1.yaml:1: spec is {MAX_SPEC_BYTES + 3} bytes; the limit is 262144"]
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(str(path))
    assert info.value.messages == [f"{path}:1: spec is {MAX_SPEC_BYTES + 3} bytes; the limit is 262144"]


def test_non_utf8_file_gives_one_clear_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: T\ncourse: Universit\u00e4t\n".encode("latin-1"))
    with pytest.raises(SpecError) as info:
        load_spec(str(path))
    assert info.value.messages == [f"{path}:2: spec is not UTF-8 text (byte 0xe4); save it as UTF-8"]


def test_missing_file_is_a_spec_error(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(SpecError) as info:
        load_spec(str(path))
    assert info.value.messages == [f"{path}: cannot read spec: No such file or directory"]


def test_all_errors_are_reported_together_in_line_order():
    text = """\
    title: T
    paper: a3
    problems:
      - id: a
        type: transposed_conv
        input: [[1, 2], [3, 4]]
        kernel: {shape: [3, 3], values: ones}
        stride: 0
        stride: 1
        padding: {range: [2, 1]}
      - id: a
        type: conv
        kernel: [[1]]
        dilations: 2
    """
    assert errors_of(text) == [
        "hw1.yaml:2: paper: must be one of a4, letter; got 'a3'",
        "hw1.yaml:8: problems[0].stride: must be >= 1, got 0",
        "hw1.yaml:9: problems[0].stride: duplicate key (first on line 8)",
        "hw1.yaml:10: problems[0].padding.range: lo (2) must be <= hi (1)",
        "hw1.yaml:11: problems[1].id: duplicate id 'a' (first used on line 4)",
        "hw1.yaml:11: problems[1].input: required field missing",
        "hw1.yaml:14: problems[1].dilations: unknown field (did you mean 'dilation'?)",
    ]


# ---------------------------------------------------------------------------------------------
# robustness

_YAMLISH = st.text(
    alphabet=st.sampled_from(list("abcdeklmnoprstuy0123456789 -:[]{},&*!#|>'\"\n\t.\\%@`?") + ["\x00", "é"]),
    max_size=200,
)


def _parse_or_spec_error(text: str) -> None:
    try:
        result = parse_spec(text, "fuzz.yaml")
    except SpecError as exc:
        assert exc.messages
        assert all(m.startswith("fuzz.yaml") and "\n" not in m for m in exc.messages)
    else:
        assert isinstance(result, SetSpec)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), _YAMLISH))
def test_random_text_raises_only_spec_error(text):
    _parse_or_spec_error(text)


_WORDS = st.sampled_from(
    [
        "title",
        "problems",
        "id",
        "type",
        "transposed_conv",
        "conv",
        "output_shape",
        "design",
        "conv_matrix",
        "input",
        "kernel",
        "stride",
        "padding",
        "output_padding",
        "dilation",
        "input_size",
        "kernel_size",
        "shape",
        "values",
        "ones",
        "int",
        "choice",
        "range",
        "constraints",
        "show_steps",
        "scatter",
        "points",
        "task",
        "operation",
    ]
)
_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 5),
        st.floats(allow_nan=True, allow_infinity=True),
        _WORDS,
        st.text(max_size=5),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_WORDS, inner, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(_WORDS, _VALUES, max_size=6),
    st.lists(st.dictionaries(_WORDS, _VALUES, max_size=8), max_size=3),
)
def test_random_spec_structures_raise_only_spec_error(top, problems):
    document = dict(top)
    if problems:
        document["problems"] = problems
    _parse_or_spec_error(yaml.safe_dump(document, allow_unicode=True))


_PIECES = st.sampled_from(
    [
        "0",
        "-1",
        "true",
        "[1, 2]",
        "{choice: [1]}",
        "{range: [2, 1]}",
        "x",
        "",
        "[[1]]",
        "{}",
        ".nan",
        "null",
        ":",
        "- ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(RICH_SPEC)), st.integers(0, 8), _PIECES), min_size=1, max_size=3))
def test_edited_valid_spec_raises_only_spec_error(edits):
    text = RICH_SPEC
    for start, length, piece in edits:
        start = min(start, len(text))
        text = text[:start] + piece + text[start + length :]
    _parse_or_spec_error(text)


def test_whole_matrix_shape_can_be_drawn_at_once():
    spec = parse_spec(
        "title: T\nproblems:\n  - id: a\n    type: transposed_conv\n    input: [[1, 2], [3, 4]]\n"
        "    kernel: {shape: {choice: [2, [3, 2]]}, values: ones}\n",
        "hw1.yaml",
    )
    assert spec.problems[0].field("kernel").shape == Draw("choice", (2, (3, 2)))
    assert errors_of(
        "title: T\nproblems:\n  - id: a\n    type: transposed_conv\n    input: [[1, 2], [3, 4]]\n"
        "    kernel: {shape: {choice: [0]}, values: ones}\n"
    ) == ["hw1.yaml:6: problems[0].kernel.shape.choice[0]: must be >= 1, got 0"]


# ---------------------------------------------------------------------------------------------
# output-size constraints at their boundaries, and constraints a type does not support

IMPOSSIBLE = (
    "hw1.yaml:3: problems[0]: no draw of 'p' is valid and meets its constraints in 1000 tries; "
    "widen the ranges or relax the constraints"
)
# (3−1)·2 − 2·1 + (3−1) + 0 + 1 = 5: every draw of this design problem has output 5×5
DESIGN_OUTPUT_5 = (
    "title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 3\n"
    "    stride: 2\n    padding: 1\n    constraints:\n"
)


def _drawn(text: str, students: int = 5) -> list:
    """Every student's drawn parameter record of the spec's only problem."""
    key = build_key(parse_spec(text, "hw1.yaml"), numbered_students(students))
    return [v.problems[0].params for v in key.variants]


@pytest.mark.parametrize(
    "constraint,ok",
    [
        ("min_output_size: 5", True),
        ("min_output_size: 6", False),
        ("max_output_size: 5", True),
        ("max_output_size: 4", False),
        ("min_output_size: 5\n      max_output_size: 5", True),
    ],
)
def test_output_size_constraints_include_their_boundary(constraint, ok):
    text = DESIGN_OUTPUT_5 + f"      {constraint}\n"
    spec = parse_spec(text, "hw1.yaml")
    if ok:
        assert check_drawable(spec) == []
        assert {p.output_size for p in _drawn(text)} == {5}
    else:
        assert check_drawable(spec) == [IMPOSSIBLE]
        with pytest.raises(SpecError) as info:
            build_key(spec, numbered_students(2))
        assert info.value.messages == [IMPOSSIBLE]


CONV_MATRIX = "title: T\nproblems:\n  - id: p\n    type: conv_matrix\n    kernel: [[1, 2], [3, 4]]\n"


def test_conv_matrix_draws_never_exceed_max_output_size():
    # input 2..6 with a 2×2 kernel, stride 1: outputs 1..5; only inputs 2 and 3 give at most 2
    text = CONV_MATRIX + "    input_size: {range: [2, 6]}\n    constraints:\n      max_output_size: 2\n"
    drawn = _drawn(text, 40)
    assert {p.output_size for p in drawn} == {(1, 1), (2, 2)}
    assert all(max(p.output_size) <= 2 for p in drawn)
    with_min = _drawn(text.replace("max_output_size: 2", "min_output_size: 2\n      max_output_size: 3"), 40)
    assert {p.output_size for p in with_min} == {(2, 2), (3, 3)}


def test_conv_matrix_max_output_size_limits_both_directions():
    # [3, 5] gives a 2×4 output (too wide for 3); [4, 4] gives 3×3
    text = CONV_MATRIX + "    input_size: {choice: [[3, 5], [4, 4]]}\n    constraints:\n      max_output_size: 3\n"
    assert {p.input_size for p in _drawn(text, 20)} == {(4, 4)}
    # and min_output_size looks at the smaller side: 2×4 is too small for 3, 3×3 is not
    text = text.replace("max_output_size", "min_output_size")
    assert {p.input_size for p in _drawn(text, 20)} == {(4, 4)}


def test_conv_matrix_impossible_max_output_size_is_a_validation_error(tmp_path):
    text = CONV_MATRIX + "    input_size: 3\n    constraints:\n      max_output_size: 1\n"  # output is 2×2
    assert check_drawable(parse_spec(text, "hw1.yaml")) == [IMPOSSIBLE]
    spec = tmp_path / "hw1.yaml"
    spec.write_text(text)
    result = run("validate", str(spec))
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"{spec}" + IMPOSSIBLE[len("hw1.yaml") :]


STRIDE_PAIR = (
    "hw1.yaml:7: problems[0].stride: must be an integer, {choice: [...]} or {range: [lo, hi]}; got a list of 2 items"
)


def test_design_stride_pair_is_a_one_line_spec_error():
    text = "title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 3\n"
    assert errors_of(text + "    stride: [2, 1]\n") == [STRIDE_PAIR]


def test_validate_design_stride_pair_exits_2_without_traceback(tmp_path):
    spec = tmp_path / "hw1.yaml"
    spec.write_text("title: T\nproblems:\n  - id: p\n    type: design\n    input_size: 3\n    kernel_size: 3\n"
                    "    stride: [2, 1]\n")
    result = run("validate", str(spec))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{spec}" + STRIDE_PAIR[len("hw1.yaml") :],
        "Error: 1 problem in the spec; nothing was written",
    ]
    assert "Traceback" not in result.output


UNSUPPORTED = [
    ("design", "input_size: 3\nkernel_size: 3\n", "distinct_from_mistakes"),
    ("design", "input_size: 3\nkernel_size: 3\n", "asymmetric_kernel"),
    ("design", "input_size: 3\nkernel_size: 3\n", "nonzero_kernel"),
    ("conv_matrix", "input_size: 3\nkernel: [[1, 2], [3, 4]]\n", "distinct_from_mistakes"),
    ("conv_matrix", "input_size: 3\nkernel: [[1, 2], [3, 4]]\n", "overlap"),
    ("output_shape", "input_size: 3\nkernel_size: 2\n", "nonzero_kernel"),
    ("output_shape", "input_size: 3\nkernel_size: 2\n", "asymmetric_kernel"),
]


@pytest.mark.parametrize("ptype,fields,name", UNSUPPORTED, ids=[f"{t}-{n}" for t, _, n in UNSUPPORTED])
def test_unsupported_constraint_names_the_line_of_its_key_and_the_type(ptype, fields, name):
    # a supported constraint first, so the line is the unsupported key's (line 9), not the mapping's (7)
    body = textwrap.indent(fields + f"constraints:\n  max_output_size: 20\n  {name}: true\n", "    ")
    text = f"title: T\nproblems:\n  - id: p\n    type: {ptype}\n{body}"
    assert errors_of(text) == [f"hw1.yaml:9: problems[0].constraints.{name}: not supported by type {ptype}"]


def test_supported_constraints_of_design_are_accepted():
    text = DESIGN_OUTPUT_5 + "      min_output_size: 1\n      max_output_size: 20\n      overlap: true\n"
    assert check_drawable(parse_spec(text, "hw1.yaml")) == []


# ---------------------------------------------------------------------------------------------
# balance, the constraints against trivial problems, channel counts against literal matrices


def test_balance_names_drawn_fields_of_the_problem():
    drawn = "input: {shape: [2, 2], values: ones}\nstride: {choice: [1, 2]}\npadding: {range: [0, 1]}\n"
    assert parse_spec(one_problem("stride: {choice: [1, 2]}\nbalance: [stride]\n"), "x").problems[0].balance == (
        "stride",
    )
    text = "title: T\nproblems:\n  - id: p\n    type: transposed_conv\n    kernel: [[1, 1], [1, 1]]\n"
    text += textwrap.indent(drawn + "balance: [stride, kernel, stride, zzz, dilation]\n", "    ")
    assert errors_of(text) == [
        "hw1.yaml:9: problems[0].balance[1]: 'kernel' is not drawn; balance needs a field drawn with "
        "{choice: [...]} or {range: [lo, hi]} (a matrix: a drawn shape)",
        "hw1.yaml:9: problems[0].balance[2]: duplicate field 'stride'",
        "hw1.yaml:9: problems[0].balance[3]: unknown field 'zzz'; use fields of this problem",
        "hw1.yaml:9: problems[0].balance[4]: 'dilation' is not drawn; balance needs a field drawn with "
        "{choice: [...]} or {range: [lo, hi]} (a matrix: a drawn shape)",
    ]
    assert errors_of(one_problem("balance: stride\n")) == [
        "hw1.yaml:7: problems[0].balance: must be a non-empty list of field names, got 'stride'"
    ]
    many = "stride: {range: [1, 9]}\ndilation: {range: [1, 9]}\nbalance: [stride, dilation]\n"
    assert errors_of(one_problem(many)) == ["hw1.yaml:9: problems[0].balance: 81 combinations to balance; at most 64"]


def test_balance_of_a_matrix_field_deals_its_drawn_shapes():
    text = one_problem("stride: {choice: [1, 2]}\nbalance: [kernel, stride]\n").replace(
        "kernel: [[1, 1], [1, 1]]", "kernel: {shape: [{choice: [2, 3]}, 3], values: ones}"
    )
    assert parse_spec(text, "x").problems[0].balance == ("kernel", "stride")


def test_min_nonzero_answer_fraction_is_a_share_and_only_where_answers_are_computed():
    assert errors_of(one_problem("constraints: {min_nonzero_answer_fraction: 1.5, nonzero_input: 1}\n")) == [
        "hw1.yaml:7: problems[0].constraints.min_nonzero_answer_fraction: must be a number > 0 and <= 1, got 1.5",
        "hw1.yaml:7: problems[0].constraints.nonzero_input: must be true or false, got 1",
    ]
    text = (
        "title: T\nproblems:\n  - id: m\n    type: conv_matrix\n    input_size: 3\n    kernel: [[1, 2], [3, 4]]\n"
        "    constraints: {nonzero_input: true, min_nonzero_answer_fraction: 0.5}\n"
    )
    assert errors_of(text) == [
        "hw1.yaml:7: problems[0].constraints.min_nonzero_answer_fraction: not supported by type conv_matrix"
    ]


def _channels(lines: str) -> str:
    return "title: T\nproblems:\n  - id: p\n    type: transposed_conv\n" + textwrap.indent(lines, "    ")


def test_a_2d_literal_with_several_channels_is_an_error_not_ignored():
    text = _channels("input: [[1, 2], [3, 4]]\nkernel: [[1, 0], [0, 1]]\nin_channels: 2\nout_channels: 3\n")
    assert errors_of(text) == [
        "hw1.yaml:5: problems[0].input: is a 2-D literal (one channel), but in_channels is 2; make them agree "
        "(in_channels: 1) or draw the input with {shape: ..., values: ...}",
        "hw1.yaml:6: problems[0].kernel: is a 2-D literal (one channel's kernel), but in_channels 2, "
        "out_channels 3 need a 4-D kernel (C_in, C_out/groups, kH, kW); write it 4-D or draw it with "
        "{shape: ..., values: ...}",
    ]


def test_a_3d_literal_whose_channels_do_not_match_says_what_does_not_match():
    text = _channels(
        "input: [[[1, 2], [3, 4]], [[1, 2], [3, 4]], [[1, 2], [3, 4]]]\n"
        "kernel: {shape: [2, 2], values: {int: [1, 2]}}\nin_channels: 2\n"
    )
    assert errors_of(text) == [
        "hw1.yaml:5: problems[0].input: is a 3-D literal with 3 channels, but in_channels is 2; make them agree "
        "(in_channels: 3) or draw the input with {shape: ..., values: ...}"
    ]
    conv = _channels(
        "input: {shape: [3, 3], values: ones}\nkernel: [[[[1]], [[2]]]]\nin_channels: 2\nout_channels: 2\n"
    ).replace("transposed_conv", "conv")
    assert errors_of(conv) == [
        "hw1.yaml:6: problems[0].kernel: is a 4-D literal with leading dimensions 1×2, but in_channels 2, "
        "out_channels 2 need 2×2 (C_out, C_in/groups, kH, kW); make them agree"
    ]
    groups = _channels(
        "input: {shape: [2, 2], values: ones}\nkernel: {shape: [2, 2], values: ones}\nin_channels: 3\ngroups: 2\n"
    )
    assert errors_of(groups) == [
        "hw1.yaml:8: problems[0].groups: must divide in_channels (3) and out_channels (1), got 2"
    ]


def test_matching_literal_channels_are_accepted():
    text = _channels("input: [[[1, 2], [3, 4]], [[0, 1], [1, 0]]]\nkernel: [[[[1, 2]]], [[[3, 4]]]]\nin_channels: 2\n")
    assert parse_spec(text, "x").problems[0].field("in_channels") == Draw("fixed", (2,))
