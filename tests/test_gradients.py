"""conv_gradient, as_convolution and overlap_map: answers against independent references (finite
differences, naive loops, PyTorch's autograd when installed), their views, mistakes on drawn variants,
spec errors, and the bundled gradients.yaml through validate / generate / grade (YAML and filled PDF)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from conftest import SPECS, run, solve, typed
from naive_refs import AC, DW, DX, OV, bordered, conv2d, finite_difference, grad_weight, rot, scatter, stamps

from exercisegen.diagnose import diagnose
from exercisegen.errors import ParameterError
from exercisegen.extra_steps import gradient_terms
from exercisegen.problems.base import same_answer
from exercisegen.problems.registry import problem_type
from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.variants import build_key

GRADIENTS = SPECS / "gradients.yaml"


def _random_gradient(rng, wrt):
    """Random sizes (rectangular, dilated, strided, padded) with a valid conv output."""
    while True:
        size = [int(rng.integers(2, 7)), int(rng.integers(2, 7))]
        k = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
        s, p, d = int(rng.integers(1, 4)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        out = [(size[a] + 2 * p - d * (k[a] - 1) - 1) // s + 1 for a in (0, 1)]
        if min(out) >= 1:
            break
    params = {
        "wrt": wrt, "input_size": size, "kernel_size": k, "stride": s, "padding": p, "dilation": d,
        "grad_output": rng.integers(-3, 4, out).tolist(),
    }
    if wrt == "input":
        params["kernel"] = rng.integers(-3, 4, k).tolist()
    else:
        params["input"] = rng.integers(-3, 4, size).tolist()
    return params


def _x_and_w(params):
    """X and W as the loss needs them (the one not given is arbitrary: the gradient does not depend on it)."""
    (h, w), (kh, kw) = [v if isinstance(v, list) else [v, v] for v in (params["input_size"], params["kernel_size"])]
    x = params.get("input") or [[(r * 3 + c) % 5 - 2 for c in range(w)] for r in range(h)]
    k = params.get("kernel") or [[(a + 2 * b) % 3 - 1 for b in range(kw)] for a in range(kh)]
    return x, k


@pytest.mark.parametrize("wrt", ["input", "weight"])
def test_conv_gradient_equals_finite_differences_of_the_loss(wrt):
    rng = np.random.default_rng(13)
    for _ in range(40):
        params = _random_gradient(rng, wrt)
        x, w = _x_and_w(params)
        expected = finite_difference(x, w, params["grad_output"], params["stride"], params["padding"],
                                     params["dilation"], wrt)
        assert solve("conv_gradient", params) == expected, params


def test_conv_gradient_equals_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(14)
    for wrt in ("input", "weight"):
        for _ in range(60):
            params = _random_gradient(rng, wrt)
            x, w = _x_and_w(params)
            xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
            y = torch.nn.functional.conv2d(
                xt[None, None], wt[None, None], stride=params["stride"], padding=params["padding"],
                dilation=params["dilation"],
            )[0, 0]
            y.backward(torch.tensor(params["grad_output"], dtype=torch.float64))
            grad = (xt if wrt == "input" else wt).grad.round().long().tolist()
            assert solve("conv_gradient", params) == grad, params


def test_conv_gradient_by_hand():
    # 3×3 input, 2×2 kernel, stride 1, no padding: dX = full convolution of dY with W
    params = {"wrt": "input", "input_size": 3, "kernel_size": 2, "stride": 1, "padding": 0, "dilation": 1,
              "grad_output": [[1, 2], [3, 4]], "kernel": [[1, 0], [0, -1]]}
    assert solve("conv_gradient", params) == [[1, 2, 0], [3, 3, -2], [0, -3, -4]]
    # dW[a][b] = Σ dY[i][j]·X[i + a][j + b]
    params = {"wrt": "weight", "input_size": 3, "kernel_size": 2, "stride": 1, "padding": 0, "dilation": 1,
              "grad_output": [[1, 0], [0, 1]], "input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}
    assert solve("conv_gradient", params) == [[1 + 5, 2 + 6], [4 + 8, 5 + 9]]


def test_output_padding_brings_dx_back_to_the_input_size():
    record = typed("conv_gradient", DX)
    assert record.output_size == (3, 3) and record.output_padding == (1, 1)
    assert solve("conv_gradient", DX) == scatter(DX["grad_output"], DX["kernel"], 2, 1, 1, (6, 6))


def test_chain_rule_view_sums_to_every_entry_and_lists_uncovered_cells():
    for params in (DX, DW, dict(DX, input_size=7, padding=0)):
        record = typed("conv_gradient", params)
        answer = solve("conv_gradient", params)
        for r, row in enumerate(answer):
            for c, value in enumerate(row):
                view = gradient_terms(
                    record.wrt, record.input, record.kernel, record.grad_output, record.input_size,
                    record.kernel_size, record.stride, record.padding, record.dilation, r, c,
                )
                assert view.value == value
                assert view.value == sum(t.upstream * t.local for t in view.terms)
    # 7×7 input, kernel 3, stride 2, no padding: windows reach rows 0..6 — none uncovered; with 8, row 7 is
    record = typed("conv_gradient", dict(DX, input_size=8, padding=0))
    view = gradient_terms("input", None, record.kernel, record.grad_output, record.input_size, record.kernel_size,
                          record.stride, record.padding, record.dilation, 0, 0)
    assert set(view.uncovered) == {(r, c) for r in range(8) for c in range(8) if 7 in (r, c)}
    assert solve("conv_gradient", dict(DX, input_size=8, padding=0))[7] == [0] * 8


def test_conv_gradient_explains_chain_rule_then_the_transposed_convolution():
    kind = problem_type("conv_gradient")
    kinds = [e.kind for e in kind.explain(typed("conv_gradient", DX), ("chain", "scatter", "gather", "window"))]
    assert kinds == ["chain", "text", "scatter", "gather"]
    explanations = kind.explain(typed("conv_gradient", DW), ("chain", "scatter", "window"))
    assert [e.kind for e in explanations] == ["chain", "window"]
    assert [list(r) for r in explanations[1].view.output] == solve("conv_gradient", DW)
    assert explanations[0].title == "Chain rule for one entry: ∂L/∂W[0][0]"


def test_as_convolution_grid_and_kernel_give_the_transposed_convolution():
    from exercisegen.solver import conv_transpose2d

    rng = np.random.default_rng(15)
    checked = 0
    for _ in range(60):
        s, d = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        k = int(rng.integers(1, 4))
        p, op = int(rng.integers(0, d * (k - 1) + 1)), int(rng.integers(0, max(s, d)))
        params = {"input": rng.integers(-2, 4, (int(rng.integers(1, 4)), int(rng.integers(1, 4)))).tolist(),
                  "kernel": rng.integers(-2, 3, (k, k)).tolist(), "stride": s, "padding": p,
                  "output_padding": op, "dilation": d, "compute_output": True}
        try:
            expected = conv_transpose2d(
                params["input"], params["kernel"], stride=s, padding=p, output_padding=op, dilation=d
            ).tolist()
        except ParameterError:
            continue  # an empty output: the type never draws it
        grid, kernel, out = solve("as_convolution", params)
        top = d * (k - 1) - p
        assert grid == bordered(params["input"], s, top, top, top + op, top + op)
        assert kernel == rot(params["kernel"])
        assert out == conv2d(grid, kernel, d=d) == expected
        checked += 1
    assert checked > 40


def test_as_convolution_without_output_has_two_blocks_of_their_own_shapes():
    params = dict(AC, compute_output=False)
    kind = problem_type("as_convolution")
    layout = kind.layout(typed("as_convolution", params))
    assert layout.blocks == ((6, 6), (3, 3))
    assert layout.block_titles == ("zero-inserted, bordered input", "kernel to slide")
    with pytest.raises(ValueError, match="padding larger"):
        typed("as_convolution", dict(AC, padding=3))


def test_overlap_map_counts_stamps_and_knows_which_setting_is_even():
    for size, k, s, p, d in [(3, 3, 2, 0, 1), (4, 4, 2, 1, 1), (3, 2, 3, 0, 2), (2, 5, 3, 1, 1)]:
        params = {"input_size": size, "kernel_size": k, "stride": s, "padding": p, "dilation": d}
        assert solve("overlap_map", params) == stamps(size, k, s, p, d)
    answer = solve("overlap_map", OV)
    assert answer == [stamps(3, 3, 2), stamps(3, 4, 2), [[2]]]  # k=4, s=2 is even; k=3, s=2 a checkerboard
    assert solve("overlap_map", dict(OV, kernel_size=2))[2] == [[3]]  # both even
    assert solve("overlap_map", dict(OV, compare_kernel_size=5))[2] == [[0]]  # neither


def test_overlap_interior_pattern_matches_a_long_naive_row():
    from exercisegen.extra_steps import interior_pattern

    for k, s, d in [(3, 2, 1), (4, 2, 1), (3, 2, 2), (5, 3, 1), (4, 3, 2), (2, 2, 2)]:
        counts = [0] * (19 * s + d * (k - 1) + 1)  # 20 input elements on a row
        for i in range(20):
            for a in range(k):
                counts[i * s + a * d] += 1
        middle = range(d * (k - 1), 19 * s)  # every position some full set of stamps can reach
        assert [counts[x] for x in middle] == [interior_pattern(k, s, d)[x % s] for x in middle], (k, s, d)


def test_mistakes_never_named_on_right_answers_and_rules_differ_from_them():
    spec = load_spec(str(GRADIENTS))
    key = build_key(spec, numbered_students(12))
    for v in key.variants:
        for p in v.problems:
            assert diagnose(p.kind, p.params, p.answer, p.answer) is None
            for rule, predicted in p.kind.predictions(p.params):
                constrained = spec.problems[[q.id for q in spec.problems].index(p.id)].constraints
                if constrained.distinct_from_mistakes:
                    assert not same_answer(predicted, p.answer), (p.id, rule.name)


def test_conv_gradient_spec_rejects_shapes_for_derived_grids(tmp_path):
    spec = tmp_path / "g.yaml"
    spec.write_text(
        "title: T\nproblems:\n  - id: g\n    type: conv_gradient\n    input_size: 4\n    kernel_size: 2\n"
        "    kernel: [[1, 2], [3, 4]]\n"
    )
    result = run("validate", spec)
    assert result.output.splitlines()[0] == (
        f"{spec}:7: problems[0].kernel: its shape follows from the sizes: give only values, "
        "e.g. {values: {int: [-2, 3]}}"
    )


def _submission(key, v, changes=None):
    """A JSON answer file holding the key's answers (some replaced by `changes`)."""
    answers = {p.id: [[list(row) for row in block] for block in p.answer] for p in v.problems}
    answers.update(changes or {})
    return json.dumps({"set": key.set_title, "student": v.student_id, "variant": v.code, "answers": answers})


def test_gradients_spec_validates_generates_and_grades_through_the_cli(tmp_path):
    from exercisegen.variants import key_from_json

    assert run("validate", GRADIENTS).exit_code == 0
    out = tmp_path / "out"
    result = run("generate", GRADIENTS, "--variants", 2, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    key = key_from_json((out / "key.json").read_text(), "key.json")
    assert [p.type for p in key.variants[0].problems] == [
        "conv_gradient", "conv_gradient", "as_convolution", "overlap_map", "overlap_map"
    ]
    right, wrong = key.variants
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "right.json").write_text(_submission(key, right))
    board = next(p for p in wrong.problems if p.id == "checkerboard")
    maps = [[list(row) for row in block] for block in board.answer[:2]]
    (subs / "wrong.json").write_text(_submission(key, wrong, {"checkerboard": [*maps, [[1]]]}))
    result = run("grade", "--key", out / "key.json", subs, "--out", tmp_path / "grades")
    assert result.exit_code == 0, result.output
    gradebook = (tmp_path / "grades" / "gradebook.csv").read_text()
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(gradebook))}
    assert (rows["v001"]["percent"], rows["v001"]["status"]) == ("100.0", "ok")
    results = json.loads((tmp_path / "grades" / "results.json").read_text())
    entry = next(e for e in results["entries"] if e["student_id"] == "v002")
    board_result = next(p for p in entry["problems"] if p["id"] == "checkerboard")
    assert (board_result["mistake"], board_result["cells_right"], board_result["wrong_cells"]) == (
        "overlap_wrong_setting", 49 + 64, [[2, 0, 0]]
    )
    assert board_result["score"] == pytest.approx(3 * 113 / 114)


def test_gradients_filled_pdf_worksheet_scores_full_marks():
    from pypdf import PdfReader, PdfWriter

    from exercisegen.batch import grade_batch
    from exercisegen.render import write_worksheet

    key = build_key(load_spec(str(GRADIENTS)), numbered_students(1))
    v = key.variants[0]
    buf = io.BytesIO()
    write_worksheet(key, v, buf)
    values = {
        f"{p.id}:{b}:{r}:{c}": str(x).replace("-", "\u2212")
        for p in v.problems
        for b, block in enumerate(p.answer)
        for r, row in enumerate(block)
        for c, x in enumerate(row)
    }
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    batch = grade_batch(key, [("ws.pdf", 1.0, out.getvalue())])
    assert [(e.status, e.message, e.result.percent) for e in batch.entries] == [("graded", "", 100.0)]


def test_naive_references_agree_with_the_hand_cases():
    assert solve("conv_gradient", DW) == grad_weight(DW["input"], DW["grad_output"], 2, 2, 1, 1)
    assert solve("as_convolution", AC)[0] == bordered(AC["input"], 2, 1, 1, 2, 2)


def test_gradients_solution_pdf_draws_the_chain_rule_and_the_shaded_maps():
    from pypdf import PdfReader

    from exercisegen.render import write_solution

    key = build_key(load_spec(str(GRADIENTS)), numbered_students(1))
    buf = io.BytesIO()
    write_solution(key, key.variants[0], buf)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(buf.getvalue())).pages)
    for words in (
        "Chain rule for one entry: ∂L/∂X",
        "The whole grid: a transposed convolution",
        "Chain rule for one entry: ∂L/∂W[0][0]",
        "Gather view: zero-insert, border, rotated kernel",
        "stamps per output cell",
        "Here the answer is 2",
    ):
        assert words in text, words


def test_gradients_spec_passes_stress_without_warnings():
    result = run("stress", GRADIENTS, "--variants", 40)
    assert (result.exit_code, "WARNING" in result.output) == (0, False), result.output
    assert "checkerboard (overlap_map)" in result.output
