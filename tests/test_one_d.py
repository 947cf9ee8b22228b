"""transposed_conv_1d and conv_1d: the 2-D types on one row. Answers against naive loops and PyTorch's
conv1d / conv_transpose1d, key.json, spec errors, wording, mistakes, and the homework's warm-up."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import HOMEWORK, diagnose_json, run, solve, typed

from exercisegen.problems.registry import problem_type
from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.variants import build_key


def naive_transposed_1d(x, w, s, p, op, d):
    full = [0] * ((len(x) - 1) * s + d * (len(w) - 1) + 1 + op)
    for i, v in enumerate(x):
        for a, k in enumerate(w):
            full[i * s + a * d] += v * k
    return full[p : len(full) - p]


def naive_conv_1d(x, w, s, p, d):
    padded = [0] * p + list(x) + [0] * p
    n = (len(padded) - d * (len(w) - 1) - 1) // s + 1
    return [sum(padded[i * s + a * d] * k for a, k in enumerate(w)) for i in range(n)]


def _random(rng, transposed):
    while True:
        x = rng.integers(-3, 4, int(rng.integers(1, 6))).tolist()
        w = rng.integers(-2, 3, int(rng.integers(1, 4))).tolist()
        s, p, d = int(rng.integers(1, 4)), int(rng.integers(0, 3)), int(rng.integers(1, 3))
        params = {"input": x, "kernel": w, "stride": s, "padding": p, "dilation": d}
        if transposed:
            params["output_padding"] = int(rng.integers(0, max(s, d)))
            size = (len(x) - 1) * s - 2 * p + d * (len(w) - 1) + params["output_padding"] + 1
        else:
            size = (len(x) + 2 * p - d * (len(w) - 1) - 1) // s + 1
        if size >= 1:
            return params


def test_one_d_answers_equal_naive_loops():
    rng = np.random.default_rng(1)
    for _ in range(80):
        t = _random(rng, True)
        expected = naive_transposed_1d(t["input"], t["kernel"], t["stride"], t["padding"], t["output_padding"],
                                       t["dilation"])
        assert solve("transposed_conv_1d", t) == [expected], t
        c = _random(rng, False)
        assert solve("conv_1d", c) == [naive_conv_1d(c["input"], c["kernel"], c["stride"], c["padding"],
                                                     c["dilation"])], c


def test_one_d_answers_equal_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    for _ in range(80):
        t = _random(rng, True)
        got = torch.nn.functional.conv_transpose1d(
            torch.tensor([[t["input"]]]), torch.tensor([[t["kernel"]]]), stride=t["stride"], padding=t["padding"],
            output_padding=t["output_padding"], dilation=t["dilation"],
        )
        assert solve("transposed_conv_1d", t) == got[0].tolist(), t
        c = _random(rng, False)
        got = torch.nn.functional.conv1d(
            torch.tensor([[c["input"]]]), torch.tensor([[c["kernel"]]]), stride=c["stride"], padding=c["padding"],
            dilation=c["dilation"],
        )
        assert solve("conv_1d", c) == got[0].tolist(), c


T1D = {"input": [1, 2, 3], "kernel": [1, -1, 2], "stride": 2, "padding": 1, "output_padding": 1, "dilation": 1}


def test_one_d_record_is_a_one_row_grid_and_key_json_writes_flat_lists():
    kind = problem_type("transposed_conv_1d")
    record = typed("transposed_conv_1d", T1D)
    assert (record.input_size, record.kernel_size, record.stride, record.padding) == ((1, 3), (1, 3), (1, 2), (0, 1))
    assert kind.params_to_json(record) == {"length": 3, "kernel_size": 3, **T1D}
    with pytest.raises(ValueError):
        typed("transposed_conv_1d", dict(T1D, input=[[1, 2]]))


def test_one_d_wording_layout_and_formula():
    kind = problem_type("transposed_conv_1d")
    record = typed("transposed_conv_1d", T1D)
    assert kind.statement(record) == (
        "Compute the output of the 1-D transposed convolution (PyTorch's conv_transpose1d) of the input row with "
        "the kernel row, stride 2, padding 1, output_padding 1. Write the whole output row."
    )
    assert kind.layout(record).blocks == ((1, 6),)
    assert kind.layout(dataclasses.replace(record, ask_shape=True)).canvas == (1, 8)
    formula, *views = kind.explain(record, ("scatter", "gather"))
    assert [(s.direction, s.filled) for s in formula.view] == [("L", "(3−1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 6")]
    assert [v.kind for v in views] == ["scatter", "gather"]
    assert all(len(step.grid) == 1 for step in views[0].view.steps)  # strips: one row


def test_one_d_mistakes_are_the_2d_rules_named_on_a_row():
    # full scatter of [1, 2, 3] with [1, −1, 2], stride 2: [1, −1, 4, −2, 7, −3, 6]; padding 1 crops one each side
    assert solve("transposed_conv_1d", dict(T1D, output_padding=0)) == [[-1, 4, -2, 7, -3]]
    found = diagnose_json("transposed_conv_1d", dict(T1D, output_padding=0), [[-1, 4, -2, 7, -3]],
                          [[1, -1, 4, -2, 7, -3, 6]])
    assert found is not None and found.name == "forgot_crop"
    conv = {"input": [1, 2, 3, 4], "kernel": [1, 0, -1], "stride": 1, "padding": 1, "dilation": 1}
    assert solve("conv_1d", conv) == [[-2, -2, -2, 3]]
    assert diagnose_json("conv_1d", conv, [[-2, -2, -2, 3]], [[-2, -2]]).name == "conv_forgot_padding"


def test_one_d_spec_errors(tmp_path):
    spec = tmp_path / "w.yaml"
    spec.write_text(
        "title: T\nproblems:\n"
        "  - id: a\n    type: conv_1d\n    length: 4\n    input: [[1, 2]]\n    kernel: {shape: [1, 2], values: ones}\n"
        "  - id: b\n    type: transposed_conv_1d\n    kernel_size: 2\n    input: [[1, 2], [3, 4]]\n"
        "  - id: c\n    type: conv_1d\n    length: 4\n    kernel_size: 2\n    kernel: {shape: [1, 2], values: ones}\n"
    )
    result = run("validate", spec)
    assert (result.exit_code, result.output.splitlines()) == (2, [
        f"{spec}:3: problems[0].kernel_size: required field missing (or give kernel as a literal row [[1, 2, 3]])",
        f"{spec}:5: problems[0].length: give either length or a literal input row, not both",
        f"{spec}:11: problems[1].input: must be one row, written [[1, 2, 3]]",
        f"{spec}:16: problems[2].kernel: the row's length is `kernel_size`: give only values",
        "Error: 4 problems in the spec; nothing was written",
    ])


def test_homework_warmup_comes_first_and_leaves_the_other_problems_draws_alone():
    spec = load_spec(str(HOMEWORK))
    assert spec.problems[0].id == "warmup_1d"
    without = dataclasses.replace(spec, problems=spec.problems[1:])
    students = numbered_students(6)
    with_warmup, alone = build_key(spec, students), build_key(without, students)
    for a, b in zip(with_warmup.variants, alone.variants):
        assert a.code == b.code
        assert [(p.id, p.params, p.answer) for p in a.problems[1:]] == [(p.id, p.params, p.answer) for p in b.problems]
