"""`exercisegen validate` and `generate` through CliRunner (PDF output is tested in test_render.py)."""

from __future__ import annotations

import json

from conftest import SPECS, run

HOMEWORK = str(SPECS / "transposed_homework.yaml")



def roster(tmp_path, n=30, extra=""):
    lines = ["id,name"] + [f"s{i:02d},Student {i}" for i in range(1, n + 1)]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_validate_accepts_every_bundled_spec():
    specs = sorted(SPECS.glob("*.yaml"))
    result = run("validate", *specs)
    assert result.exit_code == 0, result.output
    assert result.output.count("ok: ") == len(specs) >= 5


def test_validate_reports_every_error_with_its_line_and_exit_2(tmp_path):
    spec = tmp_path / "hw1.yaml"
    spec.write_text(
        "title: Broken\n"
        "problems:\n"
        "  - id: t1\n"
        "    type: transposed_conv\n"
        "    input: [[1, 2], [3, 4]]\n"
        "    kernel: {shape: [3, 3], values: ones}\n"
        "    stride: 0\n"
        "  - id: t1\n"
        "    type: output_shape\n"
        "    input_size: 3\n"
        "    kernel_size: 2\n"
        "    strides: 2\n"
    )
    result = run("validate", spec)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{spec}:7: problems[0].stride: must be >= 1, got 0",
        f"{spec}:8: problems[1].id: duplicate id 't1' (first used on line 3)",
        f"{spec}:12: problems[1].strides: unknown field (did you mean 'stride'?)",
        "Error: 3 problems in the spec; nothing was written",
    ]


def test_validate_reports_impossible_constraints(tmp_path):
    spec = tmp_path / "hw2.yaml"
    spec.write_text(
        "title: Impossible\n"
        "problems:\n"
        "  - id: t1\n"
        "    type: transposed_conv\n"
        "    input: {shape: [2, 2], values: ones}\n"
        "    kernel: {shape: [3, 3], values: ones}\n"
        "    constraints: {asymmetric_kernel: true}\n"
    )
    result = run("validate", spec)
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"{spec}:3: problems[0]: no draw of 't1' is valid and meets its constraints in 1000 tries; "
        "widen the ranges or relax the constraints"
    )


def test_generate_with_roster_writes_key_and_templates_and_is_reproducible(tmp_path):
    r = roster(tmp_path)
    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    first = run("generate", HOMEWORK, "--roster", r, "--out", out1, "--no-pdf")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[:2] == [
        f"wrote {out1}/: key.json, answer templates for 30 students",
        "draws across the class:",
    ]
    assert run("generate", HOMEWORK, "--roster", r, "--out", out2, "--no-pdf").exit_code == 0
    assert (out1 / "key.json").read_bytes() == (out2 / "key.json").read_bytes()
    key = json.loads((out1 / "key.json").read_text())
    assert len(key["variants"]) == 30
    assert key["variants"][0]["student_name"] == "Student 1"
    assert sorted(p.name for p in (out1 / "answers").iterdir()) == [f"s{i:02d}.yaml" for i in range(1, 31)]
    assert (out1 / "README.txt").exists()


def test_generate_refuses_non_empty_out_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run("generate", HOMEWORK, "--variants", 2, "--out", out, "--no-pdf")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: --out {out}: directory is not empty; use --force to replace it, or choose another path\n"
    )
    assert (out / "keep.txt").read_text() == "mine"
    assert run("generate", HOMEWORK, "--variants", 2, "--out", out, "--no-pdf", "--force").exit_code == 0
    assert not (out / "keep.txt").exists()


def test_hostile_roster_ids_stay_inside_out(tmp_path):
    r = tmp_path / "r.csv"
    r.write_text("id,name\n../../escape,Eve\n/etc/passwd,Mallory\nnormal,Ann\n", encoding="utf-8")
    out = tmp_path / "sub" / "out"
    (tmp_path / "sub").mkdir()
    result = run("generate", HOMEWORK, "--roster", r, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (out / "answers").iterdir())
    assert len(names) == 3 and "normal.yaml" in names
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "sub"]


def test_duplicate_roster_ids_are_refused_and_nothing_written(tmp_path):
    r = roster(tmp_path, n=3, extra="s02,Again\n")
    out = tmp_path / "out"
    result = run("generate", HOMEWORK, "--roster", r, "--out", out, "--no-pdf")
    assert result.exit_code == 2
    assert result.output == f"Error: {r}:5: duplicate student id 's02' (first on line 3); ids must be unique\n"
    assert not out.exists()


def test_variants_and_roster_together_are_refused(tmp_path):
    result = run("generate", HOMEWORK, "--roster", roster(tmp_path, 2), "--variants", 2, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output == "Error: give either --variants N or --roster FILE, not both\n"


def test_missing_spec_file_is_a_one_line_error(tmp_path):
    result = run("generate", tmp_path / "nope.yaml", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.startswith(f"{tmp_path / 'nope.yaml'}: cannot read spec")
    assert not (tmp_path / "o").exists()


def test_secret_file_changes_variants_and_short_secret_is_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("0123456789abcdef0123456789abcdef\n")
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("generate", HOMEWORK, "--variants", 3, "--out", a, "--no-pdf").exit_code == 0
    assert run("generate", HOMEWORK, "--variants", 3, "--out", b, "--no-pdf", "--secret-file", secret).exit_code == 0
    ka, kb = json.loads((a / "key.json").read_text()), json.loads((b / "key.json").read_text())
    assert [v["code"] for v in ka["variants"]] != [v["code"] for v in kb["variants"]]
    secret.write_text("short")
    result = run("generate", HOMEWORK, "--variants", 3, "--out", tmp_path / "c", "--secret-file", secret)
    assert result.exit_code == 2
    assert result.output == f"Error: {secret}: the secret must be at least 16 bytes; use e.g. `openssl rand -hex 32`\n"
