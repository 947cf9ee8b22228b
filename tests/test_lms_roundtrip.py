"""The LMS round trip: a Canvas roster of 30, a zip of 30 Canvas-named submissions (a late one, a
flattened PDF, a mis-attributed one, two files in one attempt, a PDF without its document info), graded
with --gradebook canvas and read back with the csv module; and the same for Moodle's download."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from conftest import HOMEWORK, run

from exercisegen.variants import key_from_json

DATE = (2025, 11, 3, 10, 15, 0)  # every entry of an LMS zip has the time the zip was made


def canvas_roster(n: int) -> str:
    lines = [
        "Student,ID,SIS User ID,SIS Login ID,Section,Homework 3 (4401),Current Score,Final Score",
        "    Points Possible,,,,,20.00,(read only),(read only)",
    ]
    lines += [f'"Last{i}, First{i}",{6000 + i},s{1000 + i},user{i}@uni.example,Section 1,,,' for i in range(1, n + 1)]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def answers_json(key_doc: dict, variant: dict, leave_out: str = "") -> bytes:
    answers = {p["id"]: p["answer"] for p in variant["problems"] if p["id"] != leave_out}
    doc = {"set": key_doc["set"], "student": variant["student_id"], "variant": variant["code"], "answers": answers}
    return json.dumps(doc).encode()


def flattened_pdf(key_doc: dict, variant: dict) -> bytes:
    """A worksheet printed to PDF: its document info kept, its form fields gone."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata(
        {
            "/ExercisegenVariant": variant["code"],
            "/ExercisegenStudent": variant["student_id"],
            "/ExercisegenSet": key_doc["set"],
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_without_info(key_path, student_id: str) -> bytes:
    """A filled form whose document info lacks exercisegen's entries: only its fields say who and which variant."""
    from reportlab.pdfgen import canvas

    key = key_from_json(key_path.read_text(), "key.json")
    variant = next(v for v in key.variants if v.student_id == student_id)
    out = io.BytesIO()
    c = canvas.Canvas(out)
    fields = {"variant_code": variant.code, "student_id": variant.student_id}
    for problem in variant.problems:
        for b, block in enumerate(problem.answer):
            for r, row in enumerate(block):
                for col, value in enumerate(row):
                    fields[f"{problem.id}:{b}:{r}:{col}"] = str(value)
    for i, (name, value) in enumerate(fields.items()):
        c.acroForm.textfield(name=name, value=value, x=20 + 60 * (i % 9), y=780 - 25 * (i // 9), width=55, height=20)
    c.showPage()
    c.save()
    return out.getvalue()


def write_zip(path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=DATE), data)


@pytest.fixture(scope="module")
def canvas_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("canvas")
    roster = base / "canvas-export.csv"
    roster.write_text(canvas_roster(30), encoding="utf-8")
    out = base / "hw3"
    result = run("generate", HOMEWORK, "--roster", roster, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    return base, out / "key.json", json.loads((out / "key.json").read_text())


def test_canvas_round_trip(canvas_class):
    base, key_path, key_doc = canvas_class
    variants = {v["student_id"]: v for v in key_doc["variants"]}
    points = {p["id"]: p["points"] for p in key_doc["variants"][0]["problems"]}
    total = sum(points.values())
    left_out = key_doc["variants"][0]["problems"][0]["id"]
    entries: dict[str, bytes] = {}
    expected: dict[str, float] = {}
    for i in range(1, 31):
        sid, stem = f"s{1000 + i}", f"last{i}first{i}_{6000 + i}_{90000 + i}"
        if i == 2:  # leaves one problem out
            entries[f"{stem}_answers.json"] = answers_json(key_doc, variants[sid], leave_out=left_out)
            expected[sid] = total - points[left_out]
        elif i == 3:  # late: still graded, and said so
            entries["last3first3_LATE_6003_90003_answers.json"] = answers_json(key_doc, variants[sid])
            expected[sid] = total
        elif i == 4:  # printed to PDF: no fields left
            entries[f"{stem}_worksheet.pdf"] = flattened_pdf(key_doc, variants[sid])
        elif i == 5:  # uploads classmate 6's sheet (filled wrong), uploaded after 6's own
            entries["last5first5_6005_90100_answers.json"] = answers_json(
                key_doc, variants["s1006"], leave_out=left_out
            )
        elif i == 7:  # two files in one attempt: the later upload (larger attachment id) counts
            entries[f"{stem}_answers.json"] = answers_json(key_doc, variants[sid], leave_out=left_out)
            entries["last7first7_6007_90207_answers.json"] = answers_json(key_doc, variants[sid])
            expected[sid] = total
        elif i == 8:  # a filled form without exercisegen's document info
            entries[f"{stem}_worksheet.pdf"] = pdf_without_info(key_path, sid)
            expected[sid] = total
        else:
            entries[f"{stem}_answers.json"] = answers_json(key_doc, variants[sid])
            expected[sid] = total
    zip_path = base / "Homework 3 submissions.zip"
    write_zip(zip_path, entries)
    grades = base / "grades"
    result = run("grade", "--key", key_path, zip_path, "--gradebook", "canvas", "--out", grades)
    assert result.exit_code == 1, result.output  # some rows are errors

    rows = list(csv.reader(io.StringIO((grades / "gradebook-canvas.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", key_doc["set"]]
    assert rows[1] == ["    Points Possible", "", "", "", "", f"{total:g}"]
    students = rows[2:]
    assert len(students) == len({r[1] for r in students}) == 28  # one row per graded student
    got = {r[2]: float(r[5]) for r in students}
    assert got == expected
    for name, canvas_id, sis_id, login, section, _ in students:
        i = int(sis_id[1:]) - 1000
        assert (name, canvas_id, login, section) == (
            f"Last{i}, First{i}",
            str(6000 + i),
            f"user{i}@uni.example",
            "Section 1",
        )

    problems = {
        (r["student_id"], r["file"].rsplit("/", 1)[-1]): r["problem"]
        for r in csv.DictReader(io.StringIO((grades / "problems.csv").read_text(encoding="utf-8")))
    }
    assert set(problems) == {
        ("s1004", "last4first4_6004_90004_worksheet.pdf"),
        ("s1005", "last5first5_6005_90100_answers.json"),
        ("s1007", "last7first7_6007_90007_answers.json"),
    }
    assert (
        "has no answer fields (printed to PDF or flattened"
        in problems[("s1004", "last4first4_6004_90004_worksheet.pdf")]
    )
    assert problems[("s1005", "last5first5_6005_90100_answers.json")].endswith(
        "last5first5_6005_90100_answers.json: submitted by Last5, First5 (s1005) for Last6, First6 (s1006); "
        "not counted: every student submits their own worksheet"
    )
    assert problems[("s1007", "last7first7_6007_90007_answers.json")].startswith("older than ")
    plain = {
        r["student_id"]: r
        for r in csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text()))
        if r["status"] == "ok"
    }
    assert plain["s1003"]["message"] == "late (the LMS marks the submission late)"


def test_moodle_round_trip_with_folders_ties_and_a_mis_attributed_file(tmp_path):
    worksheet = tmp_path / "worksheet.csv"
    worksheet.write_text(
        '\ufeffIdentifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
        '"Last modified (submission)","Last modified (grade)","Feedback comments"\n'
        + "".join(
            f'"Participant {pid}","{name}",{mail},"Submitted for grading",,20.00,Yes,-,-,\n'
            for pid, name, mail in [
                (12345, "Jane Doe", "jane@uni.example"),
                (12346, "José Núñez", "jose@uni.example"),
                (12347, "Pat O'Brien", "pat@uni.example"),
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "hw3"
    assert run("generate", HOMEWORK, "--roster", worksheet, "--out", out, "--no-pdf").exit_code == 0
    key_doc = json.loads((out / "key.json").read_text())
    v = {x["student_id"]: x for x in key_doc["variants"]}
    total = sum(p["points"] for p in key_doc["variants"][0]["problems"])
    zip_path = tmp_path / "HW3-123-submissions.zip"
    write_zip(
        zip_path,
        {
            "Jane Doe_12345_assignsubmission_file_/answers.json": answers_json(key_doc, v["jane@uni.example"]),
            "José Núñez_12346_assignsubmission_file_/answers.json": answers_json(key_doc, v["pat@uni.example"]),
            "Pat O'Brien_12347_assignsubmission_file_/a.json": answers_json(key_doc, v["pat@uni.example"]),
            "Pat O'Brien_12347_assignsubmission_file_/b.json": answers_json(key_doc, v["pat@uni.example"]),
        },
    )
    grades = tmp_path / "grades"
    result = run("grade", "--key", out / "key.json", zip_path, "--gradebook", "moodle", "--out", grades)
    assert result.exit_code == 1, result.output
    rows = list(csv.reader(io.StringIO((grades / "gradebook-moodle.csv").read_text(encoding="utf-8"))))
    assert rows == [["Email address", key_doc["set"]], ["jane@uni.example", f"{total:g}"]]
    problems = list(csv.DictReader(io.StringIO((grades / "problems.csv").read_text(encoding="utf-8"))))
    by = {}
    for r in problems:
        by.setdefault(r["student_id"], []).append(r["problem"])
    assert by["jose@uni.example"] == [
        f"{zip_path}/José Núñez_12346_assignsubmission_file_/answers.json: submitted by José Núñez "
        "(jose@uni.example) for Pat O'Brien (pat@uni.example); not counted: every student submits their own worksheet"
    ]
    assert len(by["pat@uni.example"]) == 2
    assert all(p.startswith("files with the same modification time and no upload order") for p in by["pat@uni.example"])
