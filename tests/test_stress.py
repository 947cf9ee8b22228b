"""`exercisegen stress`: it flags what made the homework unfair before issue 10, and nothing on today's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import HOMEWORK, SPECS, run

from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.stress import _rare, stress_test, stress_text, warnings_of
from exercisegen.variants import build_key

OLD_HOMEWORK = Path(__file__).resolve().parent / "fixtures" / "homework_before_issue10.yaml"


@pytest.fixture(scope="module")
def old_report():
    return run("stress", OLD_HOMEWORK)


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("WARNING")]


def test_old_homework_zero_kernel_zero_answers_and_half_zero_answers_are_flagged(old_report):
    assert old_report.exit_code == 1
    warnings = _warnings(old_report.output)
    # the students the issue names, found by an instructor independently of this tool
    assert (
        "WARNING: conv_review: the kernel is all zeros in 2 of 300 draws (v048, v199); "
        "add constraints: nonzero_kernel: true"
    ) in warnings
    assert (
        "WARNING: crop_padding: the answer is all zeros in 2 of 300 draws (v074, v239); "
        "add constraints: min_nonzero_answer_fraction: 0.6"
    ) in warnings
    assert (
        "WARNING: output_padding: 57 of 300 answers are at least half zeros (an all-zero answer earns up to 81%); "
        "add constraints: min_nonzero_answer_fraction: 0.6"
    ) in warnings
    assert old_report.output.splitlines()[-1] == f"{len(warnings)} warnings"


def test_old_homework_stride_imbalance_is_flagged_with_the_counts_of_the_draws(old_report):
    key = build_key(load_spec(str(OLD_HOMEWORK)), numbered_students(300))
    strides = Counter(v.problems[1].params.stride[0] for v in key.variants)
    assert strides[2] < 0.6 * strides[1]
    assert (
        f"WARNING: scatter_gather: stride 2 drawn {strides[2]} times but stride 1 {strides[1]} times: the "
        "constraints favour some choices; add balance: [stride] (or relax the constraints)"
    ) in _warnings(old_report.output)


def test_fixed_homework_reports_nothing_alarming():
    result = run("stress", HOMEWORK)
    assert result.exit_code == 0, result.output
    assert _warnings(result.output) == []
    assert result.output.splitlines()[-1] == "nothing alarming"
    assert "  drawn: kernel 3×3 ×150, 3×4 ×150 (balanced); stride 1 ×150, 2 ×150 (balanced)" in result.output


def test_fixed_homework_gives_no_student_a_trivial_problem():
    # checked on the key itself, not through the stress report
    key = build_key(load_spec(str(HOMEWORK)), numbered_students(300))
    for variant in key.variants:
        for problem in variant.problems:
            if problem.type in ("transposed_conv", "conv"):
                cells = [v for block in problem.answer for row in block for v in row]
                assert sum(v != 0 for v in cells) >= 0.6 * len(cells), (variant.student_id, problem.id)
                kernels = [k for outer in problem.params.kernel for k in outer]
                assert all(any(v != 0 for row in k for v in row) for k in kernels)
                assert all(any(v != 0 for row in x for v in row) for x in problem.params.input)


def test_conv_review_spec_reports_nothing_alarming():
    result = run("stress", SPECS / "conv_review.yaml", "--variants", 150)
    assert _warnings(result.output) == [] and result.exit_code == 0, result.output


def test_all_zero_givens_and_mistakes_that_earn_full_marks_are_named(tmp_path):
    spec = tmp_path / "z.yaml"
    spec.write_text(
        "title: Z\nproblems:\n  - id: z\n    type: transposed_conv\n    input: [[1, 2], [3, 4]]\n"
        "    kernel: [[0, 0], [0, 0]]\n    stride: 2\n"
        "  - id: o\n    type: transposed_conv\n    input: [[1, 2], [3, 4]]\n    kernel: [[1, 0], [0, 0]]\n"
    )
    report = stress_test(load_spec(str(spec)), 5)
    assert warnings_of(report.problems[0]) == [
        "WARNING: z: the kernel is all zeros in 5 of 5 draws (v001, v002, v003, v004, ...); "
        "add constraints: nonzero_kernel: true",
        "WARNING: z: the answer is all zeros in 5 of 5 draws (v001, v002, v003, v004, ...); "
        "add constraints: min_nonzero_answer_fraction: 0.6",
    ]
    # stamping [[1, 0], [0, 0]] row by row, each cell's last writer is the stamp that puts its value there,
    # so overwriting overlaps instead of adding them changes nothing
    overwrite = (
        "WARNING: o: the mistake 'overwrote_overlaps' gives the right answer in 5 of 5 draws "
        "(v001, v002, v003, v004, ...); add constraints: distinct_from_mistakes: true"
    )
    assert overwrite in warnings_of(report.problems[1])
    total = len(warnings_of(report.problems[0])) + len(warnings_of(report.problems[1]))
    assert stress_text(report).splitlines()[-1] == f"{total} warnings"


def test_many_retries_are_flagged(tmp_path):
    spec = tmp_path / "r.yaml"
    # all eight kernel entries must be 1 for every answer cell to be nonzero: about 1 draw in 256 is kept
    spec.write_text(
        "title: R\nproblems:\n  - id: r\n    type: transposed_conv\n    input: [[1]]\n"
        "    kernel: {shape: [2, 4], values: {choice: [0, 1]}}\n"
        "    constraints: {min_nonzero_answer_fraction: 1}\n"
    )
    report = stress_test(load_spec(str(spec)), 6)
    problem = report.problems[0]
    assert max(problem.tries) > 250
    assert any(w.startswith("WARNING: r: a draw needed ") for w in warnings_of(problem))


def test_a_choice_is_called_rare_only_when_far_and_unlikely_below_an_even_share():
    assert _rare(Counter({1: 203, 2: 97}), 2) == (2, 1)
    assert _rare(Counter({1: 160, 2: 140}), 2) is None  # chance
    assert _rare(Counter({1: 14, 2: 6}), 2) is None  # too few draws to tell
    assert _rare(Counter({1: 1}), 1) is None


def test_stress_command_needs_a_valid_spec(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "title: B\nproblems:\n  - id: b\n    type: conv\n    input: [[1]]\n    kernel: [[1]]\n    stride: 0\n"
    )
    result = run("stress", spec)
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"{spec}:7: problems[0].stride: must be >= 1, got 0"


def test_balanced_combinations_that_no_draw_meets_are_listed(tmp_path):
    spec = tmp_path / "b.yaml"
    spec.write_text(
        "title: B\nproblems:\n  - id: t\n    type: transposed_conv\n    input: {shape: [2, 2], values: {int: [1, 3]}}\n"
        "    kernel: {shape: [{choice: [2, 3]}, 3], values: {int: [1, 2]}}\n    stride: {choice: [1, 2]}\n"
        "    constraints: {overlap: true}\n    balance: [stride, kernel]\n"
    )
    text = stress_text(stress_test(load_spec(str(spec)), 6))
    assert "  never drawn (no draw meets the constraints): stride 2, kernel 2×3\n" in text
    assert "  drawn: kernel 2×3 ×2, 3×3 ×4 (balanced); stride 1 ×4, 2 ×2 (balanced)\n" in text
