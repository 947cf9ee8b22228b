"""`choice`: R/exams-style scoring, answers by letter or checkbox, {name} placeholders and formulas,
per-option feedback, spec checks, and grading concepts.yaml from YAML and from the filled worksheet PDF."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from conftest import SPECS, run, typed

from exercisegen.batch import grade_batch
from exercisegen.choice_answers import picked_options
from exercisegen.errors import SpecError
from exercisegen.feedback import feedback_text
from exercisegen.problems.choice import Choice
from exercisegen.problems.formulas import FormulaError, check_formula, evaluate, fill
from exercisegen.roster import numbered_students
from exercisegen.scoring import grade_problem
from exercisegen.spec import load_spec, parse_spec
from exercisegen.submissions import Blank, SubmittedAnswer, Unreadable, read_grid
from exercisegen.variants import Problem, build_key, draw_problem, key_from_json

SPEC = SPECS / "concepts.yaml"


def item(kind="multiple", correct=(True, False, True, False, False), rule="false2", partial=True):
    options = [{"text": f"option {i}", "correct": c, "feedback": f"why {i}"} for i, c in enumerate(correct)]
    doc = {"kind": kind, "statement": "Which?", "options": options, "explanation": "Because.", "partial": partial,
           "rule": rule, "values": {}}
    return doc


def problem(params, points=3.0):
    record = typed("choice", params)
    return Problem("q", "choice", points, record, Choice().solve(record))


def score(params, written, points=3.0):
    return grade_problem(problem(params, points), SubmittedAnswer(read_grid(written))).score


# --- scoring -------------------------------------------------------------------------------------------
# 5 options, 2 right (A, C) and 3 wrong: a right tick earns 1/2; a wrong one costs (R/exams)
# false 1/3, false2 1/max(3, 2) = 1/3, true 1/2, all everything, none nothing; floored at 0.


@pytest.mark.parametrize(
    "rule,written,fraction",
    [
        ("false2", "A C", 1.0),
        ("false2", "A", 0.5),
        ("false2", "A B", 0.5 - 1 / 3),
        ("false", "A B", 0.5 - 1 / 3),
        ("true", "A B", 0.0),
        ("all", "A C B", 0.0),
        ("none", "A C B D E", 1.0),
        ("false2", "A B D", 0.0),  # 1/2 − 2/3 floored at 0
        ("false2", "B", 0.0),
    ],
)
def test_multiple_choice_partial_credit_follows_the_rexams_rules(rule, written, fraction):
    assert score(item(rule=rule), written) == pytest.approx(3.0 * fraction)


def test_false2_differs_from_false_when_only_one_option_is_wrong():
    params = item(correct=(True, True, True, False))
    assert score({**params, "rule": "false"}, "A B D") == 0.0  # 2/3 − 1/1, floored at 0
    assert score({**params, "rule": "false2"}, "A B D") == pytest.approx(3.0 * (2 / 3 - 1 / 2))


def test_without_partial_credit_multiple_choice_is_all_or_nothing():
    params = item(partial=False)
    assert (score(params, "A C"), score(params, "A"), score(params, "C A")) == (3.0, 0.0, 3.0)


def test_single_choice_and_true_false_are_all_or_nothing():
    single = item(kind="single", correct=(False, True, False))
    assert (score(single, "B"), score(single, "A"), score(single, "A B")) == (3.0, 0.0, 0.0)
    tf = {"kind": "truefalse", "statement": "p = 1 crops.", "explanation": "It crops.", "partial": True,
          "rule": "false2", "values": {}, "options": [{"text": "True", "correct": True},
                                                      {"text": "False", "correct": False}]}
    assert (score(tf, "T"), score(tf, "true"), score(tf, "F"), score(tf, "T F")) == (3.0, 3.0, 0.0, 0.0)
    assert Choice().layout(typed("choice", tf)).labels == ("T", "F")


def test_blank_choice_is_not_answered_and_scores_zero():
    result = grade_problem(problem(item()), SubmittedAnswer(read_grid("?")))
    assert (result.score, result.message) == (0.0, "not answered")


# --- reading letters and ticks ---------------------------------------------------------------------------

LETTERS = ("A", "B", "C", "D")


@pytest.mark.parametrize(
    "written,row",
    [
        ("B D", (0, 1, 0, 1)),
        ("bd", (0, 1, 0, 1)),
        ("d, b", (0, 1, 0, 1)),
        ("B\nD", (0, 1, 0, 1)),
        ("0 1 0 1", (0, 1, 0, 1)),  # position by position, as a filled worksheet reads
        ("x ? ? x", (1, 0, 0, 1)),
        ("A", (1, 0, 0, 0)),
    ],
)
def test_letters_and_ticks_become_one_row_of_ones_and_zeros(written, row):
    assert picked_options(read_grid(written), LETTERS) == ((row,),)


def test_a_letter_that_names_no_option_is_a_message_and_scores_zero():
    message = "'Q' is not one of the letters A, B, C, D; write the letters you pick"
    assert picked_options(read_grid("B Q"), LETTERS) == message
    result = grade_problem(problem(item()), SubmittedAnswer(read_grid("A Z")))
    assert (result.score, result.shape_ok) == (0.0, False)
    assert result.message == "'Z' is not one of the letters A, B, C, D, E; write the letters you pick"


def test_all_blank_stays_blank():
    assert picked_options((((Blank("?"),),),), LETTERS) == ((tuple(Blank("?") for _ in LETTERS),),)
    assert picked_options((((Unreadable("x"), Blank(""), Blank(""), Blank("")),),), LETTERS) == (((1, 0, 0, 0),),)


# --- per-option feedback: said for the options judged wrong, never for right ones ------------------------


def test_comment_gives_the_feedback_of_every_option_judged_wrong():
    record = typed("choice", item())
    kind = Choice()
    # ticked B (wrong) and left out C (right): their feedback; A (right, ticked) says nothing
    assert kind.comment(record, (((1, 1, 0, 0, 0),),)) == "B (you ticked it): why 1. C (you left it out): why 2."
    result = grade_problem(problem(item()), SubmittedAnswer(read_grid("A B")))
    assert result.mistake is None  # choice has no modelled mistakes: its feedback is the spec's


def test_feedback_text_names_ticks_and_gives_the_letters():
    record = typed("choice", item())
    p = Problem("q", "choice", 3.0, record, Choice().solve(record))
    from exercisegen.scoring import grade
    from exercisegen.submissions import Submission
    from exercisegen.variants import Variant

    variant = Variant("CODE", "s1", "", (p,))
    sub = Submission("a.yaml", "S", "s1", "CODE", {"q": SubmittedAnswer(read_grid("A B"))})
    text = feedback_text(grade(variant, sub), variant, reveal=True)
    assert "Wrong: B (you ticked it); C (you left it out)." in text
    assert "B (you ticked it): why 1. C (you left it out): why 2." in text
    assert "Correct answer:\n    A C\n" in text
    assert "\nq: 0.5 of 3 points\n  3 of 5 options judged right.\n" in text


# --- placeholders and formulas -----------------------------------------------------------------------------


def test_fill_and_evaluate():
    values = {"i": 7, "s": 2}
    values["o"] = evaluate("(i - 3) // s + 1", values)
    assert values["o"] == 3
    assert evaluate("i / s", values) == 3.5 and evaluate("(i + 1) / s", values) == 4
    assert evaluate("max(i, s) ** 2 % 10", values) == 9
    assert fill("{i}×{i} → {o}×{o}, {{braces}}", values) == "7×7 → 3×3, {braces}"
    with pytest.raises(FormulaError):
        evaluate("i // (s - 2)", values)


@pytest.mark.parametrize(
    "formula,message",
    [
        ("__import__('os')", "\"__import__('os')\" calls something other than min, max or abs"),
        ("i.real", "'i.real' uses something other than numbers, names, + - * / // % **, min, max and abs"),
        ("i +", "'i +' is not an arithmetic expression"),
        ("'a' * 3", "\"'a' * 3\" has a constant that is not a number"),
        ("k + 1", "'k' is not a name defined before it (in params or earlier in derived)"),
    ],
)
def test_formulas_refuse_anything_but_arithmetic(formula, message):
    assert check_formula(formula, {"i"}) == message


# --- spec checks --------------------------------------------------------------------------------------------

SPEC_HEAD = "title: t\nproblems:\n  - id: q\n    type: choice\n"


def errors(body):
    with pytest.raises(SpecError) as info:
        parse_spec(SPEC_HEAD + body, "t.yaml")
    return list(info.value.messages)


def test_spec_errors_name_field_and_line():
    assert errors(
        "    statement: 'Pick {n}'\n"
        "    options:\n"
        "      - {text: a, correct: true}\n"
        "      - {text: b, correct: true}\n"
    ) == [
        "t.yaml:5: problems[0].statement: {n} is not in params or derived (write {{ for a brace)",
        "t.yaml:7: problems[0].options: a single choice needs exactly one correct option, got 2",
    ]
    assert errors("    kind: truefalse\n    statement: s\n    options: [{text: a}, {text: b}]\n") == [
        "t.yaml:3: problems[0].correct: required for kind truefalse: whether the statement is true",
        "t.yaml:7: problems[0].options: not used by kind truefalse; give `correct: true` or `false` instead",
    ]


def test_spec_formula_errors_point_at_the_derived_entry():
    assert errors(
        "    statement: s\n"
        "    params: {a: {range: [1, 3]}}\n"
        "    derived: {b: 'a + c'}\n"
        "    options: [{text: '{b}', correct: true}, {text: x}]\n"
    ) == ["t.yaml:7: problems[0].derived.b: 'c' is not a name defined before it (in params or earlier in derived)"]


def test_draw_fills_numbers_shuffles_and_redraws_options_that_read_the_same():
    spec = parse_spec(
        SPEC_HEAD
        + "    statement: 'A {n}x{n} input'\n"
        "    params: {n: {range: [1, 3]}}\n"
        "    derived: {sq: 'n * n'}\n"
        "    options: [{text: '{sq}', correct: true}, {text: '{n}'}, {text: '2 * {n}'}]\n",
        "t.yaml",
    ).problems[0]
    rng = np.random.default_rng(1)
    seen = set()
    for _ in range(40):
        params = draw_problem(spec, rng)
        n = dict(params.values)["n"]
        assert n != 1  # n = 1 makes '1' twice: redrawn
        assert params.statement == f"A {n}x{n} input"
        right = [o.text for o in params.options if o.correct]
        assert right == [str(n * n)]
        seen.add(tuple(o.text for o in params.options))
    assert len(seen) > 3  # shuffled


# --- the bundled spec: validate, generate, grade from YAML letters and from ticked PDF checkboxes ----------


def _letters(problem):
    layout = problem.layout
    return " ".join(label for label, v in zip(layout.labels, problem.answer[0][0]) if v)


def test_concepts_spec_via_cli_grades_letters_and_ticked_checkboxes(tmp_path):
    from pypdf import PdfReader, PdfWriter

    assert run("validate", SPEC).exit_code == 0
    out = tmp_path / "set"
    result = run("generate", SPEC, "--variants", 2, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    template = (out / "answers" / "v001.yaml").read_text()
    assert '  # inverse (2 points): the letter of the one option you pick (A, B, C, D)\n  inverse: "?"\n' in template
    key = key_from_json((out / "key.json").read_text(), "key.json")
    yaml_student, pdf_student = key.variants
    subs = tmp_path / "subs"
    subs.mkdir()
    answers = "\n".join(f'  {p.id}: "{_letters(p)}"' for p in yaml_student.problems)
    (subs / "a.yaml").write_text(
        f'set: "{key.set_title}"\nstudent: "{yaml_student.student_id}"\nvariant: "{yaml_student.code}"\n'
        f"answers:\n{answers}\n"
    )
    assert run("check", subs / "a.yaml").exit_code == 0
    assert run("check", subs / "a.yaml", "--key", out / "key.json").exit_code == 0
    reader = PdfReader(str(out / "worksheets" / f"{pdf_student.student_id}.pdf"))
    ticks = {
        f"{p.id}:0:0:{i}": "/Yes" for p in pdf_student.problems for i, v in enumerate(p.answer[0][0]) if v
    }
    assert set(ticks) <= set(reader.get_fields())
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, ticks, auto_regenerate=False)
    with open(subs / "b.pdf", "wb") as handle:
        writer.write(handle)
    grades = tmp_path / "grades"
    result = run("grade", "--key", out / "key.json", subs, "--out", grades)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text())))
    assert sorted((r["student_id"], r["percent"]) for r in rows) == [("v001", "100.0"), ("v002", "100.0")]


def test_concepts_spec_wrong_letters_get_the_options_feedback():
    key = build_key(load_spec(str(SPEC)), numbered_students(1))
    variant = key.variants[0]
    q = next(p for p in variant.problems if p.id == "parameters")
    wrong = next(label for label, v in zip(q.layout.labels, q.answer[0][0]) if not v)
    option = q.params.options[q.layout.labels.index(wrong)]
    answers = "\n".join(f'  {p.id}: "{wrong if p.id == "parameters" else _letters(p)}"' for p in variant.problems)
    sheet = f'set: "{key.set_title}"\nstudent: "{variant.student_id}"\nvariant: "{variant.code}"\nanswers:\n{answers}\n'
    (entry,) = grade_batch(key, [("a.yaml", 1.0, sheet.encode())]).entries
    text = feedback_text(entry.result, variant, reveal=True)
    assert f"{wrong} (you ticked it): {option.feedback}" in text
    assert entry.result.score == entry.result.max_score - q.points


def test_check_reports_a_letter_that_names_no_option_and_accepts_letters_without_the_key():
    from exercisegen.check import check_submission
    from exercisegen.submissions import Submission

    layout = Choice().layout(typed("choice", item()))
    sub = Submission("a.yaml", "S", "s1", "XXZ5-B7P7", {"q": SubmittedAnswer(read_grid("A q"))})
    assert check_submission(sub, {"q": layout})[-1:] == [
        "q: 'q' is not one of the letters A, B, C, D, E; write the letters you pick"
    ]
    fine = Submission("a.yaml", "S", "s1", "XXZ5-B7P7", {"q": SubmittedAnswer(read_grid("A C"))})
    assert [m for m in check_submission(fine, {"q": layout}) if m.startswith("q:")] == []
    assert [m for m in check_submission(fine) if m.startswith("q:")] == []


def test_lms_export_asks_one_number_per_option_and_shows_the_options(tmp_path):
    import html

    out = tmp_path / "quiz.xml"
    assert run("export", "moodle", SPEC, "--variants", 1, "--out", out).exit_code == 0
    text = html.unescape(out.read_text(encoding="utf-8"))
    key = build_key(load_spec(str(SPEC)), numbered_students(1))
    inverse = next(p for p in key.variants[0].problems if p.id == "inverse")
    assert f"{inverse.params.statement} Write 1 under each right option and 0 under the others" in text
    for letter, option in zip(inverse.layout.labels, inverse.params.options):
        assert f"<b>{letter}</b> {option.text}" in text
    gaps = [f"{{1:NUMERICAL:={1 if option.correct else 0}:0#Right." for option in inverse.params.options]
    start = text.index(inverse.params.statement)
    assert all(gap in text[start:] for gap in gaps)
