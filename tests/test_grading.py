"""Grading: per-cell scores, shapes, blanks, diagnosis, batches and their outputs, feedback and report PDFs."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from conftest import SPECS, typed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mistakes import CASES  # the hand-computed wrong answers, one per rule

from exercisegen.batch import grade_batch
from exercisegen.diagnose import ALL_ZERO_NOTE, diagnosis
from exercisegen.feedback import feedback_text
from exercisegen.problems.registry import mistake_named, problem_type
from exercisegen.reports import gradebook_csv, results_json, summarize
from exercisegen.roster import numbered_students
from exercisegen.scoring import grade
from exercisegen.spec import load_spec
from exercisegen.submissions import parse_submission
from exercisegen.templates import answer_template, layouts_of
from exercisegen.variants import Key, Problem, Variant, build_key, make_code

# The slides' stride-2, padding-1 example, a shape and a design problem.
T1 = {
    "input": [[1, 2], [3, 4]],
    "kernel": [[1, 1, 1]] * 3,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
    "dilation": 1,
    "groups": 1,
}
S1 = {
    "operation": "transposed",
    "input_size": 3,
    "kernel_size": 2,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
    "dilation": 1,
}
D1 = {
    "input_size": 3,
    "output_size": 5,
    "kernel_size": 3,
    "dilation": 1,
    "choose_kernel": False,
    "stride": 2,
    "padding": 1,
    "output_padding": 0,
}


def problem(pid, ptype, points, params, **kw):
    record = typed(ptype, params)
    return Problem(pid, ptype, points, record, problem_type(ptype).solve(record), **kw)


def variant(student_id, name=""):
    problems = (
        problem("t1", "transposed_conv", 4, T1),
        problem("s1", "output_shape", 2, S1),
        problem("d1", "design", 3, D1),
    )
    return Variant(make_code(None, "HW", 1, student_id), student_id, name, problems)


KEY = Key(
    "HW",
    "0" * 64,
    1,
    tuple(variant(s, n) for s, n in [("s001", "Ada"), ("s002", "Bob"), ("s003", "Cy"), ("s004", "Di")]),
)
V1, V2, V3, V4 = KEY.variants


def sheet(v: Variant, t1: str, s1: str = "4 4", d1: str = "2 1 0", *, student=None, set_title="HW", code=None) -> bytes:
    t1_lines = "".join(f"    {line}\n" for line in t1.strip().split("\n"))
    return (
        f'set: "{set_title}"\nstudent: "{v.student_id if student is None else student}"\n'
        f'variant: "{v.code if code is None else code}"\nanswers:\n  t1: |\n{t1_lines}  s1: {s1}\n  d1: {d1}\n'
    ).encode()


RIGHT = "1 3 2\n4 10 6\n3 7 4"
FORGOT_CROP = "1 1 3 2 2\n1 1 3 2 2\n4 4 10 6 6\n3 3 7 4 4\n3 3 7 4 4"


def graded(data: bytes, v: Variant = V1):
    return grade(v, parse_submission(data, "a.yaml"))


def test_right_answers_score_full_marks():
    result = graded(sheet(V1, RIGHT))
    assert (result.score, result.max_score, result.percent) == (9, 9, 100.0)
    assert [p.message for p in result.problems] == ["all 9 numbers right", "all 2 numbers right", "all 3 numbers right"]
    assert all(p.mistake is None and p.shape_ok for p in result.problems)


def test_design_accepts_any_valid_choice():
    # (3−1)·1 − 2·0 + 2 + 0 + 1 = 5: stride 1, padding 0 also reaches 5
    result = graded(sheet(V1, RIGHT, d1="1 0 0"))
    assert result.problems[2].score == 3
    wrong = graded(sheet(V1, RIGHT, d1="1 1 0")).problems[2]
    assert (wrong.score, wrong.cells_right, wrong.wrong_cells) == (0, 0, ((0, 0, 0), (0, 0, 1), (0, 0, 2)))


def test_partial_credit_blank_and_unreadable_cells():
    result = graded(sheet(V1, "1 3 2\n4 ? 6\n3 7 x7", s1="4 5"))
    t1, s1 = result.problems[:2]
    assert t1.score == pytest.approx(4 * 7 / 9)
    assert (t1.cells_total, t1.cells_right, t1.wrong_cells, t1.blank_cells) == (9, 7, ((0, 2, 2),), ((0, 1, 1),))
    assert t1.message == "7 of 9 numbers right (1 wrong, 1 blank)"
    assert (s1.score, s1.message) == (1, "1 of 2 numbers right (1 wrong)")


def test_wrong_shape_gets_no_grid_credit_but_the_mistake_is_named():
    t1 = graded(sheet(V1, FORGOT_CROP)).problems[0]
    assert (t1.score, t1.shape_ok, t1.cells_right, t1.wrong_cells) == (0, False, 0, ())
    assert t1.message == "expected 3 rows of 3 numbers, got 5 rows of 5 numbers"
    assert t1.mistake == "forgot_crop"
    short = graded(sheet(V1, "1 3 2\n4 10 6")).problems[0]
    assert (short.message, short.mistake) == ("expected 3 rows of 3 numbers, got 2 rows", None)


def test_missing_and_blank_answers_are_not_answered():
    data = f'set: "HW"\nstudent: "s001"\nvariant: "{V1.code}"\nanswers:\n  s1: |\n    ? ?\n'.encode()
    t1, s1, d1 = graded(data).problems
    assert (t1.message, t1.score, len(t1.blank_cells), t1.shape_ok) == ("not answered", 0, 9, True)
    assert (s1.message, s1.blank_cells) == ("not answered", ((0, 0, 0), (0, 0, 1)))


@pytest.mark.parametrize("name,ptype,params,expected", CASES, ids=[case[0] for case in CASES])
def test_grading_names_each_mistake_from_a_submitted_sheet(name, ptype, params, expected):
    v = Variant(V1.code, "s001", "", (problem("p", ptype, 1, params),))
    blocks = expected if isinstance(expected[0][0], list) else [expected]  # several grids: blank lines between
    rows = "\n".join("".join("    " + " ".join(str(x) for x in row) + "\n" for row in block) for block in blocks)
    data = f'set: HW\nstudent: s001\nvariant: "{V1.code}"\nanswers:\n  p: |\n{rows}'.encode()
    result = grade(v, parse_submission(data, "a.yaml")).problems[0]
    assert (result.mistake, result.score < 1) == (name, True)


def test_tolerance_for_float_answers():
    params = dict(T1, input=[[0.5, 1.0], [1.5, 2.0]])
    p = problem("t1", "transposed_conv", 3, params, atol=0.01)
    v = Variant(V1.code, "s001", "", (p,))
    # the answer: [[0.5, 1.5, 1], [2, 5, 3], [1.5, 3.5, 2]]
    near = "0.505 1.5 1\n2 4.995 3\n1.5 7/2 2.02"
    t1 = grade(v, parse_submission(sheet(V1, near), "a.yaml")).problems[0]
    assert (t1.cells_right, t1.wrong_cells) == (8, ((0, 2, 2),))


def test_template_filled_with_the_key_scores_full_marks_for_every_problem_type():
    key = build_key(load_spec(str(SPECS / "transposed_homework.yaml")), numbered_students(3))
    for v in key.variants:
        text = answer_template(key.set_title, v, layouts_of(v))
        for p in v.problems:
            blocks = p.answer
            grid = "\n\n".join("\n".join(" ".join(str(x) for x in row) for row in b) for b in blocks)
            qs = "\n\n".join("\n".join(" ".join("?" * len(row)) for row in b) for b in blocks)
            if not layouts_of(v)[p.id].reveal_shape:
                qs = "?"  # the size is part of the question: the template has one placeholder
            text = text.replace(
                f"  {p.id}: |\n" + "".join(f"    {q}\n" if q else "\n" for q in qs.split("\n")),
                f"  {p.id}: |\n" + "".join(f"    {g}\n" if g else "\n" for g in grid.split("\n")),
                1,
            )
        result = grade(v, parse_submission(text.encode(), "a.yaml"))
        assert result.percent == 100.0, [(p.problem_id, p.message) for p in result.problems]


def test_filled_pdf_worksheet_scores_full_marks():
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render import write_worksheet

    key = build_key(load_spec(str(SPECS / "transposed_homework.yaml")), numbered_students(1))
    v = key.variants[0]
    buf = io.BytesIO()
    write_worksheet(key, v, buf)
    values = {}
    for p in v.problems:
        blocks = p.answer
        for b, block in enumerate(blocks):
            for r, row in enumerate(block):
                for c, x in enumerate(row):
                    values[f"{p.id}:{b}:{r}:{c}"] = str(x).replace("-", "\u2212")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    batch = grade_batch(key, [("ws.pdf", 1.0, out.getvalue())])
    assert [(e.status, e.message, e.result.percent) for e in batch.entries] == [("graded", "", 100.0)]


def mixed_batch():
    return grade_batch(
        KEY,
        [
            ("sub/s001/a.yaml", 10.0, sheet(V1, RIGHT)),  # the LMS sorts files by submitter
            ("sub/s001/a_old.yaml", 5.0, sheet(V1, FORGOT_CROP)),
            (
                "sub/b.json",
                7.0,
                json.dumps(
                    {"set": "HW", "student": "s002", "variant": V2.code, "answers": {"t1": FORGOT_CROP, "s1": [4, 4]}}
                ).encode(),
            ),
            ("sub/c.yaml", 8.0, sheet(V3, RIGHT, code=V2.code)),
            ("sub/d.yaml", 9.0, sheet(V3, RIGHT, set_title="HW 2")),
            ("sub/e.yaml", 1.0, b"\x00\xff"),
            (
                "sub/f.yaml",
                2.0,
                sheet(V3, RIGHT, student="s009", code=V3.code[:-1] + ("0" if V3.code[-1] != "0" else "1")),
            ),
        ],
    )


def test_mixed_batch_gradebook_rows():
    import csv

    c3 = V3.code[:-1] + ("0" if V3.code[-1] != "0" else "1")
    text = gradebook_csv(mixed_batch())
    assert text.startswith("student_id,student_name,variant,t1,s1,d1,total,max,percent,status,message\n")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        [
            "s001",
            "Ada",
            V1.code,
            "4",
            "2",
            "3",
            "9",
            "9",
            "100.0",
            "ok",
            "also submitted sub/s001/a_old.yaml (older, same student's folder, not counted)",
        ],
        ["s001", "Ada", V1.code, "", "", "", "", "9", "", "error",
         "older than sub/s001/a.yaml (same student's folder); not counted"],
        ["s002", "Bob", V2.code, "0", "2", "0", "2", "9", "22.2", "ok", ""],
        [
            "s003",
            "Cy",
            V2.code,
            "",
            "",
            "",
            "",
            "9",
            "",
            "error",
            f"sub/c.yaml: variant code {V2.code} belongs to student 's002', not to student 's003'; not graded",
        ],
        [
            "s003",
            "Cy",
            V3.code,
            "",
            "",
            "",
            "",
            "9",
            "",
            "error",
            "sub/d.yaml: set 'HW 2', but this key is for 'HW'; submit the answer sheet of this set",
        ],
        ["s004", "Di", V4.code, "", "", "", "", "9", "", "error", "no submission"],
        [
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "9",
            "",
            "error",
            "sub/e.yaml:1: not UTF-8 text (byte 0xff); submit the answer sheet saved as UTF-8 text, "
            "or the filled worksheet PDF",
        ],
        [
            "s009",
            "",
            c3,
            "",
            "",
            "",
            "",
            "9",
            "",
            "error",
            f"sub/f.yaml: variant code '{c3}' is not valid (a typo?); not graded",
        ],
    ]


def test_mixed_batch_results_json_and_summary():
    batch = mixed_batch()
    doc = results_json(batch)
    json.dumps(doc)  # plain JSON types only
    assert [e["status"] for e in doc["entries"]] == [
        "graded",
        "superseded",
        "graded",
        "error",
        "error",
        "error",
        "error",
        "error",
    ]
    assert doc["entries"][2]["problems"][0]["mistake"] == "forgot_crop"
    summary = summarize(batch)
    assert (summary.graded, summary.errors, summary.missing, summary.superseded) == (2, 4, 1, 1)
    assert summary.histogram == (0, 0, 1, 0, 0, 0, 0, 0, 0, 1)
    assert [(p.problem_id, p.mean_score, p.full_marks, p.answered) for p in summary.problems] == [
        ("t1", 2.0, 1, 2),
        ("s1", 2.0, 2, 2),
        ("d1", 1.5, 1, 1),
    ]
    assert summary.mistakes == (("forgot_crop", 1, ("t1",)),)
    assert doc["summary"]["mistakes"][0]["sentence"] == mistake_named("forgot_crop").sentence


def test_newest_file_counts_and_a_tie_is_an_error_row_for_each_file():
    files = [("s001/2.yaml", 5.0, sheet(V1, FORGOT_CROP)), ("s001/1.yaml", 4.0, sheet(V1, RIGHT))]
    first = grade_batch(KEY, files).entries[0]
    assert (first.path, first.status, first.message) == (
        "s001/2.yaml",
        "graded",
        "also submitted s001/1.yaml (older, same student's folder, not counted)",
    )
    batch = grade_batch(KEY, [("x/2.yaml", 5.0, sheet(V1, FORGOT_CROP)), ("x/1.yaml", 5.0, sheet(V1, RIGHT))])
    mine = [e for e in batch.entries if e.student_id == V1.student_id]
    message = (
        "files with the same modification time and no upload order to tell which is newer (x/2.yaml, x/1.yaml); "
        "none counted: remove the ones that should not count and grade again"
    )
    assert [(e.path, e.status, e.message, e.result) for e in mine] == [
        ("x/2.yaml", "error", message, None),
        ("x/1.yaml", "error", message, None),
    ]


def test_two_different_files_for_one_student_are_a_conflict_not_an_override():
    # a classmate computed s001's variant code and submitted a newer file: nothing counts for s001
    files = [("x/mine.yaml", 5.0, sheet(V1, RIGHT)), ("x/forged.yaml", 9.0, sheet(V1, FORGOT_CROP))]
    rows = [(e.path, e.status, e.student_id, e.result) for e in grade_batch(KEY, files).entries if e.path]
    assert rows == [("x/forged.yaml", "error", "s001", None), ("x/mine.yaml", "error", "s001", None)]
    message = grade_batch(KEY, files).entries[0].message
    assert message == (
        "conflict: 2 files with different answers claim student 's001' (x/forged.yaml, x/mine.yaml); none "
        "counted: grade the student's own file alone, or remove the others and grade again"
    )
    assert "s001" not in [e.student_id for e in grade_batch(KEY, files).entries if e.status == "graded"]


def test_files_with_the_same_grade_are_duplicates_not_a_conflict():
    files = [("x/a.yaml", 5.0, sheet(V1, RIGHT)), ("y/b.yaml", 9.0, sheet(V1, RIGHT))]
    first, second = grade_batch(KEY, files).entries[:2]
    assert (first.path, first.status, first.message) == (
        "y/b.yaml",
        "graded",
        "also submitted x/a.yaml (older, same grade, not counted)",
    )
    assert (second.path, second.status) == ("x/a.yaml", "superseded")


def test_spreadsheet_formulas_are_neutralised():
    v = Variant(V1.code, "=cmd()", "@Ada", V1.problems)
    key = Key("HW", "0" * 64, 1, (v,))
    row = gradebook_csv(grade_batch(key, [])).split("\n")[1]
    assert row.startswith("'=cmd(),'@Ada,")


FEEDBACK = f"""\
Feedback: HW
Student: Bob (s002)   Variant: {V2.code}
File: a.yaml
Score: 3 of 9 points (33.3 %)

t1: 0 of 4 points
  Expected 3 rows of 3 numbers, got 5 rows of 5 numbers.
  {mistake_named("forgot_crop").sentence}
  Correct answer:
     1   3   2
     4  10   6
     3   7   4

s1: 0 of 2 points
  0 of 2 numbers right (1 wrong, 1 blank).
  Wrong: H_out ('8x' is not a number).
  Blank: W_out.
  Correct answer:
    H_out 4, W_out 4

d1: 3 of 3 points
  All 3 numbers right.
"""


def test_feedback_text_exact():
    result = graded(sheet(V2, FORGOT_CROP, s1="8x ?", d1="1 0 0"), V2)
    assert feedback_text(result, V2, reveal=True) == FEEDBACK
    hidden = feedback_text(result, V2, reveal=False)
    assert "Correct answer" not in hidden and "You kept the padded border" in hidden


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.binary(max_size=200), st.floats(allow_nan=True)), max_size=4))
def test_batch_never_raises_on_random_files(files):
    batch = grade_batch(KEY, [(f"r{i}.yaml", mtime, data) for i, (data, mtime) in enumerate(files)])
    assert len(batch.entries) >= len(KEY.variants)
    gradebook_csv(batch)
    json.dumps(results_json(batch))


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_batch_never_raises_on_mutated_sheets(data):
    text = sheet(V1, RIGHT).decode()
    position = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.text(alphabet="?-[]{}:,\n 0123456789x.&*!|", max_size=12))
    cut = data.draw(st.integers(0, 10))
    mutated = (text[:position] + insert + text[position + cut :]).encode()
    batch = grade_batch(KEY, [("m.yaml", 1.0, mutated)])
    assert all(e.status in ("graded", "error") for e in batch.entries)
    for e in batch.entries:
        if e.result is not None:
            assert 0 <= e.result.score <= e.result.max_score
            feedback_text(e.result, V1, reveal=True)


# --- report PDFs -----------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_feedback_pdf_is_reproducible_and_says_what_the_text_says():
    from exercisegen.render.report import feedback_pdf

    result = graded(sheet(V2, FORGOT_CROP, s1="8 ?"), V2)
    first, second = io.BytesIO(), io.BytesIO()
    feedback_pdf(result, V2, True, first)
    feedback_pdf(result, V2, True, second)
    assert first.getvalue() == second.getvalue()
    text = _pdf_text(first.getvalue())
    for needle in (
        "Feedback: HW",
        "Score: 3 of 9 points (33.3 %)",
        "You kept the padded border",
        "Correct answer",
        "H_out",
    ):
        assert needle in text, needle
    hidden = io.BytesIO()
    feedback_pdf(result, V2, False, hidden)
    assert "Correct answer" not in _pdf_text(hidden.getvalue())


def test_summary_pdf_is_reproducible_and_lists_mistakes_and_errors(tmp_path):
    from exercisegen.render.report import summary_pdf

    batch = mixed_batch()
    path = tmp_path / "summary.pdf"
    summary_pdf(batch, KEY, str(path))
    again = io.BytesIO()
    summary_pdf(batch, KEY, again)
    assert path.read_bytes() == again.getvalue()
    text = _pdf_text(again.getvalue())
    for needle in (
        "Class summary: HW",
        "2 graded, 1 without a submission",
        "forgot_crop",
        "no submission",
        "sub/e.yaml",
        "Mean score",
    ):
        assert needle in text, needle


def test_summary_pdf_of_an_empty_batch():
    from exercisegen.render.report import summary_pdf

    out = io.BytesIO()
    summary_pdf(grade_batch(KEY, []), KEY, out)
    assert "0 graded, 4 without a submission" in _pdf_text(out.getvalue())


def test_design_sheet_with_output_padding_equal_to_stride_scores_zero():
    # (3−1)·2 − 2·2 + (3−1) + 2 + 1 = 5 reaches the size, but output_padding 2 is not < stride 2
    d1 = graded(sheet(V1, RIGHT, d1="2 2 2")).problems[2]
    assert (d1.score, d1.cells_right, d1.wrong_cells) == (0, 0, ((0, 0, 0), (0, 0, 1), (0, 0, 2)))
    # output_padding one below the stride is fine: (3−1)·3 − 2·3 + 2 + 2 + 1 = 5
    assert graded(sheet(V1, RIGHT, d1="3 3 2")).problems[2].score == 3


def test_rtol_is_scaled_by_the_key_value_not_the_submitted_one():
    params = dict(T1, input=[[1.0, 2.0], [3.0, 4.0]])
    v = Variant(V1.code, "s001", "", (problem("t1", "transposed_conv", 9, params, rtol=0.1),))
    assert v.problems[0].answer == (((1.0, 3.0, 2.0), (4.0, 10.0, 6.0), (3.0, 7.0, 4.0)),)

    def centre(value: str):
        return grade(v, parse_submission(sheet(V1, f"1 3 2\n4 {value} 6\n3 7 4"), "a.yaml")).problems[0]

    # |11 − 10| = 1 <= 0.1·10: right; |8.9 − 10| = 1.1 > 1: wrong
    assert (centre("11").cells_right, centre("11").score) == (9, 9)
    assert (centre("9").cells_right, centre("9").score) == (9, 9)
    assert (centre("8.9").cells_right, centre("8.9").wrong_cells) == (8, ((0, 1, 1),))
    # |11.05 − 10| = 1.05 > 0.1·10 = 1.0 (though < 0.1·11.05): wrong
    assert (centre("11.05").cells_right, centre("11.05").wrong_cells, centre("11.05").score) == (8, ((0, 1, 1),), 8)


# --- naming only what explains the answer (issue 10) ------------------------------------------------


def test_an_all_zero_answer_gets_the_plain_note_not_a_name_and_keeps_its_partial_credit():
    result = graded(sheet(V1, "0 0 0\n0 0 0\n0 0 0")).problems[0]
    assert (result.mistake, result.note, result.cells_right, result.score) == (None, ALL_ZERO_NOTE, 0, 0)
    text = feedback_text(graded(sheet(V1, "0 0 0\n0 0 0\n0 0 0")), V1, reveal=False)
    assert f"  {ALL_ZERO_NOTE}\n" in text


def test_the_homework_output_padding_problem_filled_with_zeros_is_never_named():
    key = build_key(load_spec(str(SPECS / "transposed_homework.yaml")), numbered_students(12))
    for v in key.variants:
        p = next(p for p in v.problems if p.id == "output_padding")
        rows, cols = len(p.answer[0]), len(p.answer[0][0])
        zeros = "\n".join(" ".join("0" for _ in range(cols)) for _ in range(rows))
        data = f'set: "{key.set_title}"\nstudent: "{v.student_id}"\nvariant: "{v.code}"\nanswers:\n'
        data += "  output_padding: |\n" + "".join(f"    {line}\n" for line in zeros.split("\n"))
        result = next(r for r in grade(v, parse_submission(data.encode(), "a.yaml")).problems if r.problem_id == p.id)
        assert (result.mistake, result.note) == (None, ALL_ZERO_NOTE)
        right = sum(v == 0 for row in p.answer[0] for v in row)
        assert result.cells_right == right  # per-cell credit unchanged


def test_a_mistake_with_a_slip_is_named_the_slip_listed_and_recorded():
    # the slides' example forgetting to crop (5×5), with one slip at row 2, column 3
    slipped = FORGOT_CROP.split("\n")
    slipped[1] = "1 1 9 2 2"
    result = graded(sheet(V1, "\n".join(slipped))).problems[0]
    assert (result.mistake, result.slip_cells, result.shape_ok) == ("forgot_crop", ((0, 1, 2),), False)
    assert len(result.mistake_cells) == 24
    text = feedback_text(graded(sheet(V1, "\n".join(slipped))), V1, reveal=False)
    slip_line = "Apart from that mistake, 1 slip: row 2, column 3 (you wrote 9)."
    assert f"  {mistake_named('forgot_crop').sentence}\n  {slip_line}\n" in text


def test_results_json_records_the_cells_a_mistake_explains_and_the_slips():
    # the output_padding example, kept at the top and left, with one slip in the bottom row
    params = dict(T1, output_padding=1)
    p = problem("t1", "transposed_conv", 4, params)
    v = Variant(V1.code, "s001", "", (p,))
    key = Key("HW", "0" * 64, 1, (v,))
    top_left = problem_type("transposed_conv").mistake("output_padding_top_left")
    predicted = [list(row) for row in top_left.rule(p.params)[0]]
    predicted[3][0] += 5
    rows = "".join("    " + " ".join(str(x) for x in row) + "\n" for row in predicted)
    data = f'set: HW\nstudent: s001\nvariant: "{V1.code}"\nanswers:\n  t1: |\n{rows}'.encode()
    doc = results_json(grade_batch(key, [("a.yaml", 1.0, data)]))
    entry = doc["entries"][0]["problems"][0]
    answer = p.answer[0]
    wrong = [[0, r, c] for r in range(4) for c in range(4) if predicted[r][c] != answer[r][c]]
    assert entry["mistake"] == "output_padding_top_left"
    assert entry["slip_cells"] == [[0, 3, 0]]
    assert entry["mistake_cells"] == [cell for cell in wrong if cell != [0, 3, 0]]
    assert entry["wrong_cells"] == wrong
    assert entry["note"] == ""


def test_the_right_answer_is_never_named_for_any_rule():
    for name, ptype, params, _ in CASES:
        answer = problem_type(ptype).solve(typed(ptype, params))
        assert diagnosis(problem_type(ptype), typed(ptype, params), answer, answer).mistake is None, name


def test_no_valid_design_choice_is_ever_named():
    design = problem_type("design")
    for i, k, s, p, op in itertools.product((2, 3, 5), (2, 3), (1, 2, 3), (0, 1, 2), (0, 1, 2)):
        if op >= s:
            continue
        size = (i - 1) * s - 2 * p + k + op
        if size < 1:
            continue
        params = typed("design", dict(D1, input_size=i, kernel_size=k, output_size=size, stride=s, padding=p,
                                      output_padding=op))
        for choice in [c for c in itertools.product(range(1, 5), range(0, 5), range(0, 5))]:
            if design.is_valid_choice(params, list(choice)):
                assert all(m.accepts is None or not m.accepts(params, ((choice,),)) for m in design.mistakes)
