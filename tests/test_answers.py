"""Answer sheets: the exact template, parsing YAML / JSON / filled PDFs, refusing hostile files, `check`."""

from __future__ import annotations

import io
import json

import pytest
from conftest import typed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercisegen.check import check_submission
from exercisegen.errors import SubmissionError
from exercisegen.problems.base import AnswerLayout
from exercisegen.problems.registry import problem_type
from exercisegen.submissions import (
    Blank,
    SubmittedAnswer,
    Unreadable,
    parse_submission,
    read_cell,
    read_grid,
    shape_problem,
)
from exercisegen.templates import answer_template, layouts_of
from exercisegen.variants import Key, Problem, Variant, make_code

CODE = make_code(None, "Homework 3", 1, "s001")

T1 = {
    "input": [[1, 2], [3, 4]],
    "kernel": [[1, 1, 1]] * 3,
    "stride": 1,
    "padding": 0,
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


def problem(pid, ptype, points, params):
    record = typed(ptype, params)
    return Problem(pid, ptype, points, record, problem_type(ptype).solve(record))


VARIANT = Variant(
    CODE,
    "s001",
    "Ada Lovelace",
    (problem("t1", "transposed_conv", 4, T1), problem("s1", "output_shape", 2, S1), problem("d1", "design", 3, D1)),
)
LAYOUTS = layouts_of(VARIANT)

TEMPLATE = f"""\
# Answer sheet: Homework 3
# Student: Ada Lovelace (s001)   Variant: {CODE}
# How to fill in: replace every ? with your number. One matrix row per line, numbers separated
# by spaces; negative numbers as -3 (or −3); decimals 1.5 and fractions 3/2 are fine.
# Keep the lines `set`, `student` and `variant` as they are. Check the file with:
#   exercisegen check <this file>
set: "Homework 3"
student: "s001"
variant: "{CODE}"
answers:
  # t1 (4 points): output of the transposed convolution, 4 rows × 4 numbers
  t1: |
    ? ? ? ?
    ? ? ? ?
    ? ? ? ?
    ? ? ? ?
  # s1 (2 points): output size: H_out W_out
  s1: |
    ? ?
  # d1 (3 points): order: stride padding output_padding
  d1: |
    ? ? ?
"""


def test_template_is_exactly_the_documented_format():
    assert answer_template("Homework 3", VARIANT, LAYOUTS) == TEMPLATE


def test_template_reads_back_as_all_blank():
    sub = parse_submission(TEMPLATE.encode(), "answers/s001.yaml")
    assert (sub.set_title, sub.student_id, sub.variant_code) == ("Homework 3", "s001", CODE)
    assert sub.answers["t1"] == SubmittedAnswer(((tuple(Blank("?") for _ in range(4)),) * 4,))
    assert sub.answers["s1"] == SubmittedAnswer((((Blank("?"), Blank("?")),),))


def test_template_with_channels_quotes_and_points():
    layout = AnswerLayout(blocks=((2, 3), (2, 3)), block_titles=("output channel 0", "output channel 1"))
    variant = Variant(CODE, 's"1', "Zoë", (Problem("t1", "conv", 1.5, {}, [[[0] * 3] * 2] * 2),))
    text = answer_template('Quiz "A"', variant, {"t1": layout})
    assert '# Student: Zoë (s"1)   Variant: ' in text
    nameless = answer_template("Q", Variant(CODE, "s9", "", ()), {})
    assert nameless.split("\n")[1] == f"# Student: s9   Variant: {CODE}"
    assert 'set: "Quiz \\"A\\""' in text and 'student: "s\\"1"' in text
    assert (
        "  # t1 (1.5 points): output of the convolution, 2 channels of 2 rows × 3 numbers, "
        "a blank line between channels\n" in text
    )
    assert text.endswith("  t1: |\n    ? ? ?\n    ? ? ?\n\n    ? ? ?\n    ? ? ?\n")
    sub = parse_submission(text.encode(), "q.yaml")
    assert sub.set_title == 'Quiz "A"' and sub.student_id == 's"1'
    assert [len(b) for b in sub.answers["t1"].blocks] == [2, 2]


def test_read_cell_forms():
    assert read_cell("-3") == -3 and read_cell("\u22123") == -3 and read_cell("+2") == 2
    assert read_cell("1.5") == 1.5 and read_cell("3/2") == 1.5 and read_cell("4/2") == 2
    assert read_cell("?") == Blank("?") and read_cell("  ") == Blank("")
    for text in ("x5", "nan", "inf", "1e400", "1/0", "１２", "1_000", "0x10", "--3", "3,5"):
        assert read_cell(text) == Unreadable(text), text
    assert read_cell("1" * 30) == float("1" * 30)  # huge ints become floats (still wrong, never overflow)


def test_read_grid_rows_blocks_and_separators():
    assert read_grid("1 2\n3 4\n") == (((1, 2), (3, 4)),)
    assert read_grid("1, 2; 3, 4") == (((1, 2), (3, 4)),)
    assert read_grid("\n1 2\n\n\n3 4\n\n") == (((1, 2),), ((3, 4),))
    assert read_grid("1 2\r\n3\r\n") == (((1, 2), (3,)),)
    assert read_grid("") == ()


def filled(answers: str, *, set_title="Homework 3", student="s001", code=CODE) -> bytes:
    return f'set: "{set_title}"\nstudent: "{student}"\nvariant: "{code}"\nanswers:\n{answers}'.encode()


def test_yaml_values_as_block_text_plain_scalars_and_lists():
    data = filled("  t1: |\n    1 −2\n    3/2 x\n  s1: 4 4\n  d1: [2, 1, ~]\n  e1:\n  f1: [[1, 2], [3, .nan]]\n")
    sub = parse_submission(data, "a.yaml")
    assert sub.answers["t1"].blocks == (((1, -2), (1.5, Unreadable("x"))),)
    assert sub.answers["s1"].blocks == (((4, 4),),)
    assert sub.answers["d1"].blocks == (((2, 1, Blank("")),),)
    assert sub.answers["e1"].blocks == ()
    assert sub.answers["f1"].blocks == (((1, 2), (3, Unreadable(".nan"))),)


def test_numeric_student_id_keeps_its_text():
    sub = parse_submission(b"set: H\nstudent: 007\nvariant: K\nanswers: {}\n", "a.yaml")
    assert sub.student_id == "007"


def test_json_submission_forms():
    doc = {
        "set": "Homework 3",
        "student": 12,
        "variant": CODE,
        "answers": {"t1": "1 2\n3 4", "s1": [4, 4], "c1": [[[1, 2]], [[3, 4]]], "d1": [[1.5, None, True]]},
    }
    sub = parse_submission(json.dumps(doc).encode(), "a.json")
    assert sub.student_id == "12"
    assert sub.answers["t1"].blocks == (((1, 2), (3, 4)),)
    assert sub.answers["s1"].blocks == (((4, 4),),)
    assert sub.answers["c1"].blocks == (((1, 2),), ((3, 4),))
    assert sub.answers["d1"].blocks == (((1.5, Blank(""), Unreadable("true")),),)


def test_json_big_numbers_are_cells_not_errors():
    sub = parse_submission(b'{"set": "H", "answers": {"t1": [[1e400, 12345678901234567890123]]}}', "a.json")
    assert sub.answers["t1"].blocks == (((Unreadable("1e400"), float(12345678901234567890123)),),)


@pytest.mark.parametrize(
    "data,message",
    [
        (
            b"x" * (2 * 1024 * 1024 + 1),
            "a.yaml: the file is 2097153 bytes, more than the 2 MiB limit for an answer sheet; "
            "submit only the filled-in answer sheet",
        ),
        (
            b"set: \xff\n",
            "a.yaml:1: not UTF-8 text (byte 0xff); submit the answer sheet saved as UTF-8 text, "
            "or the filled worksheet PDF",
        ),
        (b"", "a.yaml: the file is empty; fill in your answer sheet and submit it"),
        (
            b"set: a\nanswers:\n  t1: [1, 2\n",
            "a.yaml:4: YAML syntax error: while parsing a flow sequence, expected ',' or ']', "
            "but got '<stream end>'; fix it and run `exercisegen check a.yaml`",
        ),
        (
            b"a: &x [1]\nanswers:\n  t1: *x\n",
            "a.yaml:1: YAML aliases (&anchor / *alias) are not allowed; fix it and run `exercisegen check a.yaml`",
        ),
        (
            b"answers:\n  t1: 1\n  t1: 2\n",
            "a.yaml:3: answers.t1: duplicate key (first on line 2); fix it and run `exercisegen check a.yaml`",
        ),
        (
            b"answers: !!python/object:os.system {}\n",
            "a.yaml:1: answers: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed; "
            "fix it and run `exercisegen check a.yaml`",
        ),
        (b"- 1\n- 2\n", "a.yaml: not an answer sheet (no `answers:`); start from your answer-sheet template"),
        (b"set: a\n", "a.yaml: not an answer sheet (no `answers:`); start from your answer-sheet template"),
        (b"answers: [1, 2]\n", "a.yaml: `answers` must hold one entry per problem; start from your template"),
        (
            b"answers:\n  t1: {a: 1}\n",
            "a.yaml: answer t1 must be rows of numbers (one row per line), not a mapping; "
            "fix it and run `exercisegen check a.yaml`",
        ),
        (
            b"answers:\n  t1: [[1], 2]\n",
            "a.yaml: answer t1 mixes numbers and lists; write rows of numbers like [[1, 2], [3, 4]]; "
            "fix it and run `exercisegen check a.yaml`",
        ),
        (b"student: [1]\nanswers: {}\n", "a.yaml: `student` must be one line of text; keep it as in the template"),
        (b'{"answers": {"t1": [NaN]}}', "a.yaml: NaN is not a number; fix it and run `exercisegen check a.yaml`"),
        (
            b'{"answers": {}, "answers": {}}',
            "a.yaml: duplicate key 'answers'; fix it and run `exercisegen check a.yaml`",
        ),
        (b'{"answers": }', "a.yaml:1: JSON syntax error: Expecting value; fix it and run `exercisegen check a.yaml`"),
        (
            b"answers:\n  t1: '" + b"1 " * 10001 + b"'\n",
            "a.yaml: answer t1 has more than 10000 numbers; fix it and run `exercisegen check a.yaml`",
        ),
        (
            b"%PDF-1.4\nnot really a pdf",
            "a.yaml: cannot read the PDF (damaged or incomplete); "
            "save the filled worksheet again from your PDF viewer (File > Save) and submit that file",
        ),
    ],
    ids=lambda value: "" if isinstance(value, str) else repr(value[:20]),
)
def test_unusable_files_give_one_line_errors(data, message):
    """One line naming the file and what to do; never a traceback."""
    with pytest.raises(SubmissionError) as info:
        parse_submission(data, "a.yaml")
    assert str(info.value) == message


@pytest.mark.parametrize("depth", [900, 5000, 100000])
def test_deeply_nested_json_is_refused_not_crashing(depth):
    for data in (b'{"answers": {"t1": ' + b"[" * depth + b"]" * depth + b"}}", b'{"a": ' * depth + b"1" + b"}" * depth):
        with pytest.raises(SubmissionError) as info:
            parse_submission(data, "a.json")
        assert str(info.value) in (
            "a.json: lists nested too deeply; fix it and run `exercisegen check a.json`",
            "a.json: answer t1 mixes numbers and lists; write rows of numbers like [[1, 2], [3, 4]]; "
            "fix it and run `exercisegen check a.json`",
            "a.json: not an answer sheet (no `answers:`); start from your answer-sheet template",
        )


def _pdf_without_fields() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(100, 100, "printed to PDF")
    c.save()
    return buf.getvalue()


def test_pdf_without_fields_is_explained():
    with pytest.raises(SubmissionError) as info:
        parse_submission(_pdf_without_fields(), "w.pdf")
    assert str(info.value) == (
        "w.pdf: this PDF has no answer fields (printed to PDF or flattened, so its answers cannot be read); "
        "submit the filled worksheet PDF itself (File > Save in your PDF viewer), or the answer sheet YAML"
    )


def worksheet_pdf(variant: Variant = VARIANT, values: dict[str, str] | None = None) -> bytes:
    """The real fillable worksheet of `variant`, its fields filled with `values` by pypdf."""
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render import write_worksheet

    key = Key("Homework 3", "0" * 64, 1, (variant,))
    buf = io.BytesIO()
    write_worksheet(key, variant, buf)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values or {}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_filled_worksheet_pdf_reads_cells_and_identity():
    values = {"t1:0:0:0": "1", "t1:0:0:1": "\u22123", "t1:0:3:3": "x", "s1:0:0:0": "4", "s1:0:0:1": " 4 "}
    sub = parse_submission(worksheet_pdf(values=values), "ws.pdf")
    assert (sub.set_title, sub.student_id, sub.variant_code) == ("Homework 3", "s001", CODE)
    t1 = sub.answers["t1"].blocks
    assert len(t1) == 1 and [len(row) for row in t1[0]] == [4, 4, 4, 4]
    assert t1[0][0][:3] == (1, -3, Blank("")) and t1[0][3][3] == Unreadable("x")
    assert sub.answers["s1"].blocks == (((4, 4),),)
    assert sub.answers["d1"].blocks == (((Blank(""),) * 3,),)


def test_check_reports_everything_to_fix():
    data = filled("  t1: |\n    1 2 ? 4\n    1 x 3\n  s1: |\n    ? ?\n  d1:\n", code="K7QM-3DXB")
    assert check_submission(parse_submission(data, "a.yaml")) == [
        "variant: 'K7QM-3DXB' is not a valid variant code; copy it again from your worksheet (every character counts)",
        "t1: row 2 has 3 numbers but row 1 has 4",
        "t1: row 1, column 3 is still ?",
        "t1: row 2, column 2: 'x' is not a number",
        "s1: not answered yet (every number is still ?)",
        "d1: no answer yet",
    ]


def test_check_with_the_key_layouts_also_checks_shapes_and_names():
    data = filled("  t1: |\n    1 2 3\n  s1: 4 4\n  zz: 1\n", student="")
    assert check_submission(parse_submission(data, "a.yaml"), LAYOUTS) == [
        "student: missing; write your student id as in your template",
        "d1: missing; add your answer under `answers:`",
        "zz: not a problem of this set; check the name",
        "t1: expected 4 rows of 4 numbers, got 1 row of 3 numbers",
    ]


def test_check_ready_file_is_empty_and_caps_messages():
    ready = filled("  t1: |\n" + "    1 2 3 4\n" * 4 + "  s1: 4 4\n  d1: 2 1 0\n")
    assert check_submission(parse_submission(ready, "a.yaml"), LAYOUTS) == []
    many = filled("  t1: |\n" + "    1 ? ? ?\n" * 4 + "  s1: 4 4\n  d1: 2 1 0\n")
    messages = check_submission(parse_submission(many, "a.yaml"))
    assert len(messages) == 11 and messages[-1] == "t1: and 2 more cells to fill in or fix"


def test_check_missing_header_lines():
    sub = parse_submission(b"answers:\n", "a.yaml")
    assert check_submission(sub) == [
        "set: missing; keep the line `set:` as it is in your template",
        "student: missing; write your student id as in your template",
        "variant: missing; copy the variant code from your worksheet",
        "answers: none given; fill in your answer sheet",
    ]


@pytest.mark.parametrize(
    "blocks,expected,message",
    [
        ((((1,) * 4,) * 3,), ((4, 4),), "expected 4 rows of 4 numbers, got 3 rows"),
        ((((1,) * 5,) * 5,), ((4, 4),), "expected 4 rows of 4 numbers, got 5 rows of 5 numbers"),
        ((((1,) * 4, (1,) * 3, (1,) * 4),), ((4, 4),), "expected 4 rows of 4 numbers, got 3 rows with 4, 3, 4 numbers"),
        ((((1,) * 4, (1,) * 3),), ((2, 4),), "expected 2 rows of 4 numbers, got 3 numbers in row 2"),
        (
            (((1, 2),),),
            ((1, 2), (1, 2)),
            "expected 2 channels of 1 row of 2 numbers, a blank line between channels, got 1 grid",
        ),
        ((((1, 2),), ((1, 2, 3),)), ((1, 2), (1, 2)), "channel 1: expected 1 row of 2 numbers, got 3 numbers in row 1"),
        ((((1, 2),),), ((1, 2),), None),
    ],
)
def test_shape_messages(blocks, expected, message):
    assert shape_problem(blocks, expected) == message


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["?", "-3", "\u22122", "3/2", ".nan", "1e999"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=20,
)


def _parse_or_refuse(data: bytes) -> None:
    try:
        parse_submission(data, "fuzz.yaml")
    except SubmissionError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_submission_error(data):
    _parse_or_refuse(data)
    _parse_or_refuse(b"%PDF-1.7\n" + data)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_only_raises_submission_error(text):
    _parse_or_refuse(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["set", "student", "variant", "answers", "x"]), yaml_values, max_size=5))
def test_random_mappings_only_raise_submission_error(tree):
    import yaml

    _parse_or_refuse(yaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass"))
    _parse_or_refuse(json.dumps(tree, allow_nan=True).encode("utf-8", "surrogatepass"))
