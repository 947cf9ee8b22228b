"""`exercisegen solve` through click's CliRunner: outputs, exit codes, exact error texts."""

from __future__ import annotations

import json

from conftest import run

ONES = "1 1 1; 1 1 1; 1 1 1"



def test_solve_transposed_prints_output_grid_and_filled_formula():
    result = run("solve", "transposed", "--input", "1 2; 3 4", "--kernel", ONES, "--stride", "2", "--padding", "1")
    assert result.exit_code == 0
    assert "  H_out = (2−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 3" in result.output
    assert "Output (3×3):\n  1   3  2\n  4  10  6\n  3   7  4" in result.output


def test_solve_json_output_and_shape():
    result = run("solve", "transposed", "--input", "1 2; 3 4", "--kernel", ONES, "--stride", "2", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc == {
        "output": [[1, 1, 3, 2, 2], [1, 1, 3, 2, 2], [4, 4, 10, 6, 6], [3, 3, 7, 4, 4], [3, 3, 7, 4, 4]],
        "shape": [5, 5],
    }


def test_solve_json_steps_contains_every_view():
    result = run("solve", "transposed", "--input", "1 2; 3 4", "--kernel", ONES, "--json", "--steps")
    doc = json.loads(result.output)
    assert set(doc["steps"]) == {"scatter", "gather", "matrix"}
    assert len(doc["steps"]["scatter"]["steps"]) == 4


def test_solve_steps_prints_slides_step_tables():
    result = run("solve", "transposed", "--input", "1 2; 3 4", "--kernel", ONES, "--stride", "1", "--steps")
    assert result.exit_code == 0
    assert (
        "Step 4: input[1][1] = 4 times the kernel, placed at row 1, column 1\n"
        "    1      1+2      1+2    2\n"
        "  1+3  1+2+3+4  1+2+3+4  2+4\n"
        "  1+3  1+2+3+4  1+2+3+4  2+4\n"
        "    3      3+4      3+4    4\n"
    ) in result.output


def test_solve_steps_marks_the_cropped_ring():
    result = run(
        "solve", "transposed", "--input", "1 2; 3 4", "--kernel", ONES, "--stride", "2", "--padding", "1", "--steps"
    )
    assert "Crop: padding removes rows 0, 4 and columns 0, 4 (marked x):" in result.output
    assert "  x  1   3  2  x\n" in result.output


def test_solve_conv_window_steps():
    result = run("solve", "conv", "--input", "1 2 0; 3 4 1; 0 1 2", "--kernel", "1 -1; 2 0", "--steps")
    assert result.exit_code == 0
    assert "out[0][0]: window at row 0, column 0: 1·1 + 2·(−1) + 3·2 + 4·0 = 5" in result.output


def test_malformed_matrix_is_a_one_line_error_with_status_2():
    result = run("solve", "transposed", "--input", "1 2; 3", "--kernel", "1")
    assert result.exit_code == 2
    assert result.output == "Error: --input: row 2 has 1 numbers but row 1 has 2; every row needs the same count\n"


def test_non_number_cell_is_reported():
    result = run("solve", "conv", "--input", "1 x; 3 4", "--kernel", "1")
    assert result.exit_code == 2
    assert result.output == "Error: --input: row 1: 'x' is not a number; write rows like \"1 2; 3 4\"\n"


def test_invalid_output_padding_is_reported():
    result = run(
        "solve", "transposed", "--input", "1 2; 3 4", "--kernel", "1 1; 1 1", "--stride", "2", "--output-padding", "2"
    )
    assert result.exit_code == 2
    assert result.output == "Error: output_padding (2) must be smaller than stride (2) or dilation (1)\n"


def test_empty_output_is_reported():
    result = run("solve", "conv", "--input", "1 2; 3 4", "--kernel", ONES)
    assert result.exit_code == 2
    assert result.output == (
        "Error: conv2d output would be empty: input 2x2, kernel 3x3, stride 1, padding 0, dilation 1 give 0x0\n"
    )


def test_rectangular_stride_pair():
    result = run("solve", "transposed", "--input", "1 2", "--kernel", "1 1", "--stride", "1,2", "--json")
    assert json.loads(result.output)["output"] == [[1, 1, 2, 2]]
