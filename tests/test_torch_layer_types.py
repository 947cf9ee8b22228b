"""`layer_code` and `network_shapes`: keys against PyTorch (running the very code the worksheet shows)
and hand-computed formulas, the code styles, error carried forward, the design variant, and grading
from YAML and from the filled worksheet PDF."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from conftest import SPECS, layer_code_params, run, solve, typed

from exercisegen.batch import grade_batch
from exercisegen.diagnose import diagnose
from exercisegen.feedback import problem_feedback
from exercisegen.problems.base import blocks_of
from exercisegen.problems.layer_code import LayerCode
from exercisegen.problems.network_shapes import NetworkShapes
from exercisegen.problems.registry import problem_type
from exercisegen.problems.torch_layers import Layer, layer_call
from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec, parse_spec
from exercisegen.variants import build_key, draw_problem, problem_rng

SPEC = SPECS / "pytorch_shapes.yaml"


def code(**kw):
    """layer_code params as key.json writes them (a grouped transposed layer by default)."""
    return layer_code_params(**kw)


def net(layers, shape=(1, 100, 1, 1), design=0, show_as="code"):
    n, c, h, w = shape
    return {"batch": n, "in_channels": c, "input_size": [h, w], "layers": layers, "show_as": show_as, "style": "mixed",
            "design_layer": design}


def convt(c_in, c_out, k=4, s=2, p=1, op=0):
    return {
        "layer": "ConvTranspose2d",
        "in_channels": c_in,
        "out_channels": c_out,
        "kernel_size": k,
        "stride": s,
        "padding": p,
        "output_padding": op,
        "dilation": 1,
        "groups": 1,
        "bias": True,
    }


DCGAN = net([convt(100, 512, 4, 1, 0), convt(512, 256), convt(256, 128), convt(128, 3)], shape=(16, 100, 1, 1))
UNET = net(
    [
        convt(256, 64, 2, 2, 0),
        {"layer": "cat", "in_channels": 64, "out_channels": 128},
        {"layer": "Conv2d", "in_channels": 128, "out_channels": 64, "kernel_size": 3, "stride": 1, "padding": 1,
         "dilation": 1, "groups": 1, "bias": True},
        {"layer": "Upsample", "in_channels": 64, "out_channels": 64, "scale_factor": 2},
    ],
    shape=(8, 256, 12, 10),
)


# --- keys: hand-computed -----------------------------------------------------------------------------


def test_layer_code_key_by_hand():
    # (5−1)·2 − 2·1 + (4−1) + 0 + 1 = 10; weight (C_in, C_out/groups, 4, 4) = (16, 4, 4, 4): 1024 + 8 biases
    assert solve("layer_code", code()) == [[2, 8, 10, 10, 16, 4, 4, 4, 1032]]
    # Conv2d(16, 8, 3, stride 2, padding 1) on 5×5: ⌊(5 + 2 − 2 − 1)/2⌋ + 1 = 3; weight (8, 8, 3, 3), no bias
    conv = code(layer="Conv2d", kernel_size=3, groups=2, bias=False)
    assert solve("layer_code", conv) == [[2, 8, 3, 3, 8, 8, 3, 3, 576]]
    assert solve("layer_code", code(ask=["parameters"])) == [[1032]]


def test_dcgan_and_unet_shapes_by_hand():
    # DCGAN: 1 → (1−1)·1 + 4 = 4 → (4−1)·2 − 2 + 4 = 8 → 16 → 32
    assert solve("network_shapes", DCGAN) == [[16, 512, 4, 4], [16, 256, 8, 8], [16, 128, 16, 16], [16, 3, 32, 32]]
    # U-Net: 12×10 → ×2 (k=2, s=2) → cat adds 64 channels → 3×3 conv with padding 1 keeps → Upsample ×2
    assert solve("network_shapes", UNET) == [[8, 64, 24, 20], [8, 128, 24, 20], [8, 64, 24, 20], [8, 64, 48, 40]]


def test_positional_arguments_follow_pytorchs_order():
    layer = Layer("ConvTranspose2d", 16, 8, (3, 3), (2, 2), (1, 1), (1, 1), (2, 2), 2, False)
    # ConvTranspose2d(in, out, k, stride, padding, output_padding, groups, bias, dilation)
    assert layer_call(layer, "positional") == "nn.ConvTranspose2d(16, 8, 3, 2, 1, 1, 2, False, 2)"
    conv = Layer("Conv2d", 16, 8, (3, 5), (1, 1), (0, 0), (0, 0), (2, 2), 4)
    # Conv2d(in, out, k, stride, padding, dilation, groups): defaults written up to the last change
    assert layer_call(conv, "positional") == "nn.Conv2d(16, 8, (3, 5), 1, 0, 2, 4)"
    assert layer_call(conv, "keyword") == (
        "nn.Conv2d(in_channels=16, out_channels=8, kernel_size=(3, 5), dilation=2, groups=4)"
    )
    assert layer_call(conv, "mixed") == "nn.Conv2d(16, 8, (3, 5), dilation=2, groups=4)"


# --- keys: PyTorch runs the worksheet's code ----------------------------------------------------------

DRAWN = """
title: drawn layers
problems:
  - id: t
    type: layer_code
    layer: {choice: [ConvTranspose2d, Conv2d]}
    style: {choice: [keyword, positional, mixed]}
    in_channels: {choice: [4, 6, 8]}
    out_channels: {choice: [2, 4, 6]}
    kernel_size: {choice: [1, 2, 3, [2, 3], 4]}
    stride: {choice: [1, 2, [2, 3], 3]}
    padding: {range: [0, 2]}
    output_padding: {range: [0, 1]}
    dilation: {choice: [1, 2]}
    groups: {choice: [1, 2]}
    bias: BIAS
    batch: {range: [1, 3]}
    input_size: {choice: [3, 5, [4, 6]]}
"""


def _draws(text, count):
    spec = parse_spec(text, "drawn.yaml").problems[0]
    rng = np.random.default_rng(5)
    return [draw_problem(spec, rng) for _ in range(count)]


@pytest.mark.parametrize("bias", ["true", "false"])
def test_layer_code_keys_match_pytorch_running_the_shown_code(bias):
    torch = pytest.importorskip("torch")
    kind = LayerCode()
    for params in _draws(DRAWN.replace("BIAS", bias), 60):
        scope = {"torch": torch, "nn": torch.nn}
        exec(kind.code(params), scope)  # the snippet exactly as the worksheet prints it
        layer, y = scope["layer"], scope["y"]
        expected = [*y.shape, *layer.weight.shape, sum(p.numel() for p in layer.parameters())]
        assert list(kind.solve(params)[0][0]) == expected, kind.code(params)


def test_layer_code_keys_match_the_formulas_without_torch():
    kind = LayerCode()
    for params in _draws(DRAWN.replace("BIAS", "true"), 60):
        layer, (n, c, h, w) = params.layer, params.input_shape
        size = []
        for i, k, s, p, op, d in zip(
            (h, w), layer.kernel_size, layer.stride, layer.padding, layer.output_padding, layer.dilation
        ):
            if layer.transposed:
                size.append((i - 1) * s - 2 * p + d * (k - 1) + op + 1)
            else:
                size.append(math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1)
        g, (kh, kw) = layer.groups, layer.kernel_size
        a, b = (layer.in_channels, layer.out_channels // g) if layer.transposed else (layer.out_channels, c // g)
        expected = [n, layer.out_channels, *size, a, b, kh, kw, a * b * kh * kw + layer.out_channels]
        assert list(kind.solve(params)[0][0]) == expected


def test_network_keys_match_pytorch_running_the_shown_code():
    torch = pytest.importorskip("torch")
    spec = load_spec(str(SPEC))
    kind = NetworkShapes()
    checked = 0
    for problem in spec.problems:
        if problem.type != "network_shapes" or problem.field("design_layer").values[0]:
            continue
        for student in range(12):
            params = draw_problem(problem, problem_rng(None, spec.title, spec.seed, f"s{student}", problem.id))
            lines = kind.givens(params).code.split("\n") if params.show_as == "code" else _code_of_table(kind, params)
            traced = _run_lines(torch, lines, params)
            assert [list(s) for s in kind.solve(params)[0]] == traced
            checked += 1
    assert checked >= 24


def _code_of_table(kind, params):
    """A table-shown network as the code it describes (same layers, code form)."""
    from dataclasses import replace

    return kind.givens(replace(params, show_as="code")).code.split("\n")


def _run_lines(torch, lines, params):
    """Run the forward-style code line by line, recording x.shape after each numbered layer."""
    scope = {"torch": torch, "nn": torch.nn}
    exec(lines[0], scope)
    shapes = []
    for index, (line, layer) in enumerate(zip(lines[1:], params.layers), start=1):
        if layer.kind == "cat":
            x = scope["x"]
            scope[f"skip{index}"] = torch.zeros(x.shape[0], layer.skip_channels, x.shape[2], x.shape[3])
        exec(line.split("#")[0], scope)
        shapes.append(list(scope["x"].shape))
    return shapes


# --- mistakes are never named on right answers ---------------------------------------------------------


@pytest.mark.parametrize("ptype", ["layer_code", "network_shapes"])
def test_right_answers_are_never_diagnosed(ptype):
    spec = load_spec(str(SPEC))
    kind = problem_type(ptype)
    for problem in (p for p in spec.problems if p.type == ptype):
        for student in range(10):
            params = draw_problem(problem, problem_rng(None, spec.title, spec.seed, f"s{student}", problem.id))
            answer = kind.solve(params)
            assert diagnose(kind, params, answer, answer) is None


def test_groups_ignored_in_the_count_only_or_everywhere_are_told_apart():
    params = typed("layer_code", code())
    answer = LayerCode().solve(params)
    count_only = diagnose(LayerCode(), params, answer, blocks_of([[2, 8, 10, 10, 16, 4, 4, 4, 2056]]))
    everywhere = diagnose(LayerCode(), params, answer, blocks_of([[2, 8, 10, 10, 16, 8, 4, 4, 2056]]))
    assert (count_only.name, everywhere.name) == ("code_groups_ignored_in_count", "code_groups_ignored")
    # asked the count alone, the one rule that applies names it
    alone = typed("layer_code", code(ask=["parameters"]))
    assert diagnose(LayerCode(), alone, blocks_of([[1032]]), blocks_of([[2056]])).name == "code_groups_ignored"


# --- error carried forward ---------------------------------------------------------------------------


def _mark(params, rows):
    kind = NetworkShapes()
    record = typed("network_shapes", params)
    submitted = (tuple(tuple(row) for row in rows),)
    return kind.mark(record, kind.solve(record), submitted, 0.0, 0.0), kind.comment(record, submitted)


def test_error_carried_forward_credits_later_layers_computed_from_the_students_shape():
    # layer 2 wrong (H 7 instead of 8); layers 3 and 4 right from 7: (7−1)·2 − 2 + 4 = 14, then 28
    rows = [[16, 512, 4, 4], [16, 256, 7, 7], [16, 128, 14, 14], [16, 3, 28, 28]]
    marks, comment = _mark(DCGAN, rows)
    assert marks == (
        (
            (True, True, True, True),
            (True, True, False, False),
            (True, True, True, True),
            (True, True, True, True),
        ),
    )
    assert comment == (
        "Layers 3 and 4 counted as right: computed correctly from your own shape after layer 2 and 3 "
        "(error carried forward)."
    )


def test_error_carried_forward_does_not_credit_a_wrong_step_from_a_wrong_shape():
    # layer 3 from 7 would be 14; the student wrote 16 (the key), and layer 4 from 16 would be 32 (the key)
    rows = [[16, 512, 4, 4], [16, 256, 7, 7], [16, 128, 13, 13], [16, 3, 26, 26]]
    marks, comment = _mark(DCGAN, rows)
    # 13 is neither the key (16) nor (7−1)·2 − 2 + 4 = 14; 26 = (13−1)·2 − 2 + 4 is right from 13
    assert [row[2:] for row in marks[0]] == [(True, True), (False, False), (False, False), (True, True)]
    assert comment == (
        "Layer 4 counted as right: computed correctly from your own shape after layer 3 (error carried forward)."
    )


def test_cat_carries_the_students_channels_forward():
    rows = [[8, 60, 24, 20], [8, 124, 24, 20], [8, 64, 24, 20], [8, 64, 48, 40]]
    marks, comment = _mark(UNET, rows)
    assert marks[0][1] == (True, True, True, True)  # 60 + 64 = 124 carried forward
    assert comment.startswith("Layer 2 counted as right")


def test_design_accepts_every_choice_that_reaches_the_output_and_only_those():
    # layer 1: 7 → (7−1)·2 − 2 + 3 + 1 = 14; layer 2 (k 4) must reach the drawn (14−1)·2 − 4 + 4 = 26
    params = net(
        [convt(32, 16, 3, 2, 1, 1), convt(16, 1, 4, 2, 2, 0)], shape=(1, 32, 7, 7), design=2, show_as="table"
    )
    record = typed("network_shapes", params)
    kind = NetworkShapes()
    valid = [
        (s, p, op)
        for s in range(1, 5)
        for p in range(0, 30)
        for op in range(0, 4)
        if kind.is_valid_choice(record, [s, p, op])
    ]
    # (14−1)·s − 2p + 3 + op + 1 = 26 with op < s and 2p even: s=2 → 2p = 4 + op (op 0);
    # s=3 → 2p = 17 + op (op 1); s=4 → 2p = 30 + op (op 0 or 2); s=1 → p < 0
    assert valid == [(2, 2, 0), (3, 9, 1), (4, 15, 0), (4, 16, 2)]
    assert kind.comment(record, (((2, 1, 0),),)) == (
        "With your choice the output has shape (1, 1, 28, 28), not (1, 1, 26, 26)."
    )
    assert "stride=?, padding=?, output_padding=?" not in kind.givens(record).code  # shown as a table
    assert kind.givens(record).table[2][4:7] == ("?", "?", "?")


# --- specs: validation messages -------------------------------------------------------------------------


def test_network_spec_errors_name_the_layer_and_line():
    text = """title: t
problems:
  - id: n
    type: network_shapes
    in_channels: 3
    input_size: 4
    design_layer: 1
    layers:
      - {layer: Conv2d, kernel_size: 3}
      - {layer: cat}
"""
    assert _errors(text) == [
        "t.yaml:7: problems[0].design_layer: layers[0] must be a ConvTranspose2d that is not optional",
        "t.yaml:9: problems[0].layers[0].out_channels: required for Conv2d",
        "t.yaml:10: problems[0].layers[1].skip_channels: required for cat",
    ]


def _errors(text):
    from exercisegen.errors import SpecError

    with pytest.raises(SpecError) as info:
        parse_spec(text, "t.yaml")
    return list(info.value.messages)


def test_layer_code_spec_refuses_groups_that_divide_no_channel_count():
    text = """title: t
problems:
  - id: c
    type: layer_code
    in_channels: {choice: [3, 5]}
    out_channels: 4
    kernel_size: 3
    groups: 2
    input_size: 8
"""
    assert _errors(text) == ["t.yaml:5: problems[0].in_channels: no value is divisible by groups (2)"]


# --- grading from YAML and from the filled worksheet PDF ------------------------------------------------


def _yaml_sheet(variant, answers):
    lines = ['set: "PyTorch shapes"', f'student: "{variant.student_id}"', f'variant: "{variant.code}"', "answers:"]
    for pid, rows in answers.items():
        lines.append(f"  {pid}: |")
        lines += ["    " + " ".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_pytorch_shapes_spec_grades_from_yaml_with_carried_forward_credit():
    key = build_key(load_spec(str(SPEC)), numbered_students(1))
    variant = key.variants[0]
    answers = {p.id: [list(row) for row in p.answer[0]] for p in variant.problems}
    dcgan = next(p for p in variant.problems if p.id == "dcgan")
    rows = answers["dcgan"]
    rows[0] = [rows[0][0], rows[0][1], rows[0][2] + 1, rows[0][3] + 1]  # layer 1 off by one
    for r in range(1, len(rows)):  # later layers recomputed from the wrong shape: all carried forward
        layer = dcgan.params.layers[r]
        h = (rows[r - 1][2] - 1) * layer.stride[0] - 2 * layer.padding[0] + layer.kernel_size[0]
        rows[r] = [rows[r][0], rows[r][1], h, h]
    batch = grade_batch(key, [("a.yaml", 1.0, _yaml_sheet(variant, answers))])
    (entry,) = batch.entries
    scores = {p.problem_id: p for p in entry.result.problems}
    # layer 1's H and W wrong: 2 of the dcgan's 4·L cells
    cells = 4 * len(rows)
    assert scores["dcgan"].score == pytest.approx(dcgan.points * (cells - 2) / cells)
    others = [p for p in entry.result.problems if p.problem_id != "dcgan"]
    assert all(p.score == p.points for p in others)
    feedback = "\n".join(problem_feedback(scores["dcgan"], dcgan))
    assert "Wrong: layer 1 H (you wrote" in feedback
    assert "counted as right: computed correctly from your own shape" in feedback


def test_pytorch_shapes_spec_grades_from_the_filled_worksheet_pdf():
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render import write_worksheet

    key = build_key(load_spec(str(SPEC)), numbered_students(1))
    variant = key.variants[0]
    buf = io.BytesIO()
    write_worksheet(key, variant, buf)
    values = {
        f"{p.id}:{b}:{r}:{c}": str(x)
        for p in variant.problems
        for b, block in enumerate(p.answer)
        for r, row in enumerate(block)
        for c, x in enumerate(row)
    }
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert set(values) <= set(reader.get_fields())  # every answer cell is a form field
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    batch = grade_batch(key, [("ws.pdf", 1.0, out.getvalue())])
    assert [(e.status, e.result.percent) for e in batch.entries] == [("graded", 100.0)]


def test_validate_generate_grade_pytorch_shapes_via_cli(tmp_path):
    assert run("validate", SPEC).exit_code == 0
    out = tmp_path / "set"
    result = run("generate", SPEC, "--variants", 2, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    template = (out / "answers" / "v001.yaml").read_text()
    assert "# dcgan (4 points): the shape after each layer: N C H W" in template
    from exercisegen.variants import key_from_json

    key = key_from_json((out / "key.json").read_text(), "key.json")
    variant = key.variants[0]
    sub = tmp_path / "a.yaml"
    sub.write_bytes(_yaml_sheet(variant, {p.id: [list(r) for r in p.answer[0]] for p in variant.problems}))
    result = run("grade", "--key", out / "key.json", sub, "--out", tmp_path / "grades")
    assert result.exit_code == 1  # the second student has no submission: an error row
    gradebook = (tmp_path / "grades" / "gradebook.csv").read_text()
    assert f"{variant.student_id}," in gradebook and ",100.0," in gradebook


def test_lms_export_shows_code_and_tables_and_asks_a_designs_padding(tmp_path):
    import html

    out = tmp_path / "quiz.xml"
    assert run("export", "moodle", SPEC, "--variants", 1, "--out", out).exit_code == 0
    text = html.unescape(out.read_text(encoding="utf-8"))
    key = build_key(load_spec(str(SPEC)), numbered_students(1))
    problems = {p.id: p for p in key.variants[0].problems}
    assert LayerCode().code(problems["convt_keywords"].params) in text  # in a <pre>
    assert "<th " in text and ">output_padding</th>" in text  # unet_up's table
    design = problems["decoder_design"].params
    layer = design.layers[design.design - 1]
    assert (
        f"Here, use stride {layer.stride[0]} and output_padding {layer.output_padding[0]}: which padding reaches "
        "the output shape?" in text
    )
    assert f"{{1:NUMERICAL:={layer.padding[0]}:0#Right." in text
