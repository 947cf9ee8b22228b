"""End to end: generate a 30-student set, submit perfect, mistaken and garbage files, grade, check."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from conftest import SPECS, run

from exercisegen.problems.base import same_answer
from exercisegen.problems.registry import mistake_named
from exercisegen.variants import key_from_json


def block_text(answer):
    blocks = answer if answer and isinstance(answer[0][0], (list, tuple)) else [answer]
    return "\n\n".join("\n".join(" ".join(str(v) for v in row) for row in block) for block in blocks)


def sheet(key, variant, answers):
    lines = [f'set: "{key.set_title}"', f'student: "{variant.student_id}"', f'variant: "{variant.code}"', "answers:"]
    for pid, answer in answers.items():
        lines.append(f"  {pid}: |")
        lines += ["    " + line if line else "" for line in block_text(answer).split("\n")]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("set")
    roster = base / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"s{i:02d},Student {i}\n" for i in range(1, 31)))
    out = base / "out"
    result = run("generate", SPECS / "transposed_homework.yaml", "--roster", roster, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    return out, key_from_json((out / "key.json").read_text(), "key.json")


def _first_of_each_answer(predictions):
    """Two rules giving the same answer: the grader names the first."""
    kept = []
    for rule, predicted in predictions:
        if not any(same_answer(predicted, other) for _, other in kept):
            kept.append((rule, predicted))
    return kept


def test_perfect_files_score_100_and_mistakes_are_named(generated, tmp_path):
    out, key = generated
    subs = tmp_path / "subs"
    subs.mkdir()
    expected_mistakes = {}
    for variant in key.variants:
        answers = {p.id: p.answer for p in variant.problems}
        if variant.student_id in ("s01", "s02", "s03"):
            (subs / f"{variant.student_id}.yaml").write_text(sheet(key, variant, answers))
            continue
        # every other student makes one modelled mistake, cycling through the (problem, rule) pairs
        # that apply to their variant so that many rules get exercised
        combos = [
            (problem, rule, predicted)
            for problem in variant.problems
            for rule, predicted in _first_of_each_answer(problem.kind.predictions(problem.params))
            if not same_answer(predicted, problem.answer)
            and any(v != 0 for block in predicted for row in block for v in row)  # all zeros are never named
        ]
        problem, rule, predicted = combos[(int(variant.student_id[1:]) * 7) % len(combos)]
        answers[problem.id] = predicted
        expected_mistakes[variant.student_id] = (problem.id, rule.name)
        (subs / f"{variant.student_id}.json").write_text(json.dumps({
            "set": key.set_title, "student": variant.student_id, "variant": variant.code, "answers": answers,
        }))
    grades = tmp_path / "grades"
    result = run("grade", "--key", out / "key.json", subs, "--out", grades)
    assert result.exit_code == 0, result.output
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text()))}
    assert len(rows) == 30
    for sid in ("s01", "s02", "s03"):
        assert rows[sid]["percent"] == "100.0" and rows[sid]["status"] == "ok"
    results = json.loads((grades / "results.json").read_text())
    named = {}
    for entry in results["entries"]:
        for p in entry.get("problems", []):
            if p.get("mistake"):
                named[entry["student_id"]] = (p["id"], p["mistake"])
    assert named == expected_mistakes
    assert len({rule for _, rule in expected_mistakes.values()}) >= 10
    sid, (pid, rule) = next(iter(expected_mistakes.items()))
    feedback = (grades / "feedback" / f"{sid}.txt").read_text()
    sentence, summary = mistake_named(rule).sentence, mistake_named(rule).summary
    assert sentence in feedback.replace("\n", " ") or summary in feedback
    assert (grades / "summary.pdf").read_bytes().startswith(b"%PDF")
    assert (grades / "feedback" / f"{sid}.pdf").read_bytes().startswith(b"%PDF")


def test_garbage_files_become_error_rows_and_others_are_graded(generated, tmp_path):
    out, key = generated
    subs = tmp_path / "subs"
    subs.mkdir()
    v1, v2 = key.variants[0], key.variants[1]
    (subs / "good.yaml").write_text(sheet(key, v1, {p.id: p.answer for p in v1.problems}))
    (subs / "empty.yaml").write_text("")
    (subs / "binary.yaml").write_bytes(os.urandom(300) + b"\x00")
    (subs / "bomb.yaml").write_text("a: &a [1, 2]\nb: [*a, *a, *a]\n")
    (subs / "nan.yaml").write_text(sheet(key, v2, {v2.problems[0].id: [[float("nan"), 1]]}).replace("nan", ".nan"))
    (subs / "huge.yaml").write_bytes(b"#" * (3 * 1024 * 1024))
    grades = tmp_path / "grades"
    result = run("grade", "--key", out / "key.json", subs, "--out", grades)
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text())))
    ok = [r for r in rows if r["status"] == "ok"]
    ids = [r["student_id"] for r in ok]
    assert ids == [v1.student_id] or set(ids) <= {v1.student_id, v2.student_id}
    assert next(r for r in rows if r["student_id"] == v1.student_id)["percent"] == "100.0"
    errors = [r for r in rows if r["status"] == "error"]
    paths = " ".join(r["message"] for r in errors)
    for name in ("empty.yaml", "binary.yaml", "bomb.yaml", "huge.yaml"):
        assert name in paths
    assert all("\n" not in r["message"] for r in errors)


def test_existing_grades_dir_needs_force(generated, tmp_path):
    out, _ = generated
    grades = tmp_path / "grades"
    grades.mkdir()
    (grades / "x").write_text("old")
    result = run("grade", "--key", out / "key.json", out / "answers", "--out", grades)
    assert result.exit_code == 2
    assert (grades / "x").read_text() == "old"


def test_check_catches_an_unfilled_cell_and_accepts_a_complete_file(generated, tmp_path):
    out, key = generated
    variant = key.variants[0]
    answers = {p.id: p.answer for p in variant.problems}
    good = tmp_path / "good.yaml"
    good.write_text(sheet(key, variant, answers))
    result = run("check", good)
    assert result.exit_code == 0, result.output
    assert "ready to submit" in result.output
    text = sheet(key, variant, answers).splitlines()
    row = next(i for i, line in enumerate(text) if line.startswith("    ") and line.strip())
    first = text[row].split()
    text[row] = "    " + " ".join(["?"] + first[1:])
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(text) + "\n")
    result = run("check", bad)
    assert result.exit_code == 1
    assert "row 1, column 1 is still ?" in result.output


def test_check_unreadable_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = run("check", bad)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def _fill_pdf(src: Path, dst: Path, values: dict[str, str]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    with open(dst, "wb") as handle:
        writer.write(handle)


def _field_values(problem, answer) -> dict[str, str]:
    blocks = answer
    return {
        f"{problem.id}:{b}:{r}:{c}": str(v).replace("-", "\u2212")
        for b, block in enumerate(blocks)
        for r, row in enumerate(block)
        for c, v in enumerate(row)
    }


def test_filled_worksheet_pdfs_grade_like_yaml_files(tmp_path):
    out = tmp_path / "set"
    result = run("generate", SPECS / "transposed_homework.yaml", "--variants", 2, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    key = key_from_json((out / "key.json").read_text(), "key.json")
    perfect, partial = key.variants
    subs = tmp_path / "subs"
    subs.mkdir()
    values = {}
    for problem in perfect.problems:
        values.update(_field_values(problem, problem.answer))
    _fill_pdf(out / "worksheets" / f"{perfect.student_id}.pdf", subs / "perfect.pdf", values)
    # the second student leaves the hidden-size problem's grid one column short and its other answers right
    values = {}
    for problem in partial.problems:
        answer = problem.answer
        if getattr(problem.params, "ask_shape", False):
            answer = tuple(tuple(row[:-1] for row in block) for block in answer)
        values.update(_field_values(problem, answer))
    own = subs / partial.student_id  # an LMS export: one folder per submitter, so newest counts
    own.mkdir()
    _fill_pdf(out / "worksheets" / f"{partial.student_id}.pdf", own / "partial.pdf", values)
    (own / "partial.yaml").write_text(sheet(key, partial, {p.id: p.answer for p in partial.problems}))
    os.utime(own / "partial.yaml", (1_000_000_000, 1_000_000_000))  # older: the PDF counts
    grades = tmp_path / "grades"
    result = run("grade", "--key", out / "key.json", subs, "--out", grades)
    assert result.exit_code == 1  # the older duplicate is reported as an error row
    rows = list(csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text())))
    by = {(r["student_id"], r["status"]): r for r in rows}
    assert by[(perfect.student_id, "ok")]["percent"] == "100.0"
    hidden = next(p for p in partial.problems if getattr(p.params, "ask_shape", False))
    ok_row = by[(partial.student_id, "ok")]
    assert ok_row[hidden.id] == "0"
    total_points = sum(p.points for p in partial.problems)
    assert float(ok_row["total"]) == total_points - hidden.points
    assert "older" in by[(partial.student_id, "error")]["message"]


def test_hidden_shape_template_and_check(tmp_path):
    out = tmp_path / "set"
    assert run("generate", SPECS / "transposed_homework.yaml", "--variants", 1, "--out", out, "--no-pdf").exit_code == 0
    key = key_from_json((out / "key.json").read_text(), "key.json")
    variant = key.variants[0]
    hidden = next(p for p in variant.problems if getattr(p.params, "ask_shape", False))
    template = (out / "answers" / f"{variant.student_id}.yaml").read_text()
    assert f"  {hidden.id}: |\n    ?\n" in template
    answers = {p.id: p.answer for p in variant.problems}
    good = tmp_path / "good.yaml"
    good.write_text(sheet(key, variant, answers))
    result = run("check", good, "--key", out / "key.json")
    assert result.exit_code == 0, result.output
