"""Worksheet, solution and packet PDFs: page counts, text, form fields, metadata, reproducibility."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys

import pytest

pypdf = pytest.importorskip("pypdf")

from conftest import HOMEWORK, typed  # noqa: E402

from exercisegen.notation import fmt_number  # noqa: E402
from exercisegen.problems.registry import problem_type  # noqa: E402
from exercisegen.render import write_packet, write_solution, write_worksheet  # noqa: E402
from exercisegen.variants import Key, Problem, Variant  # noqa: E402

MM = 72 / 25.4
STUDENTS = [("s001", "Ada Lovelace"), ("s002", ""), ("s003", "Alan Turing")]


@pytest.fixture(scope="module")
def key() -> Key:
    """Three students of the documented homework spec (every problem type), one with a name."""
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    spec = load_spec(str(HOMEWORK))
    return build_key(spec, STUDENTS)


def _pdf(write, key: Key, variant: Variant) -> bytes:
    out = io.BytesIO()
    write(key, variant, out)
    return out.getvalue()


def _reader(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def _lines(reader) -> list[str]:
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def _expected_fields(variant: Variant) -> set[str]:
    names = {"variant_code", "student_id"}
    for problem in variant.problems:
        layout = problem.layout
        for b, (rows, cols) in enumerate(layout.blocks):
            if not layout.reveal_shape:
                rows, cols = layout.canvas  # the size is asked too: a larger box area
            names |= {f"{problem.id}:{b}:{r}:{c}" for r in range(rows) for c in range(cols)}
    return names


def _answer_blocks(problem: Problem) -> list:
    return list(problem.answer)


def test_worksheet_fields_match_each_answer_layout(key):
    for variant in key.variants:
        fields = _reader(_pdf(write_worksheet, key, variant)).get_fields()
        assert set(fields) == _expected_fields(variant)


def test_id_fields_are_read_only_and_carry_code_and_id(key):
    variant = key.variants[1]
    fields = _reader(_pdf(write_worksheet, key, variant)).get_fields()
    assert fields["variant_code"]["/V"] == variant.code
    assert fields["student_id"]["/V"] == "s002"
    assert fields["variant_code"]["/Ff"] & 1 == 1  # ReadOnly
    assert fields["student_id"]["/Ff"] & 1 == 1


def test_answer_boxes_are_big_enough_to_handwrite(key):
    reader = _reader(_pdf(write_worksheet, key, key.variants[0]))
    rects = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if ":" in widget["/T"]:
                x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
                rects.append((x1 - x0, y1 - y0))
    assert rects
    # The field sits 1 pt inside its printed box on every side.
    assert min(w for w, _ in rects) + 2 >= 9 * MM - 0.01
    assert min(h for _, h in rects) + 2 >= 8 * MM - 0.01


def test_document_info_names_set_student_and_variant(key):
    variant = key.variants[0]
    for write in (write_worksheet, write_solution):
        info = _reader(_pdf(write, key, variant)).metadata
        assert info["/ExercisegenVariant"] == variant.code
        assert info["/ExercisegenStudent"] == "s001"
        assert info["/ExercisegenSet"] == "Homework 3: transposed convolutions"


def test_variant_code_and_page_numbers_on_every_worksheet_page(key):
    variant = key.variants[0]
    reader = _reader(_pdf(write_worksheet, key, variant))
    n = len(reader.pages)
    assert n >= 2
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Variant {variant.code}" in text
        assert f"page {i} of \n{n}" in text or f"page {i} of {n}" in text


def test_name_printed_or_left_blank_to_write_on(key):
    named = _reader(_pdf(write_worksheet, key, key.variants[0])).pages[0].extract_text()
    blank = _reader(_pdf(write_worksheet, key, key.variants[1])).pages[0].extract_text()
    assert "Ada Lovelace" in named
    assert "Name:" in blank and "s002" in blank


def test_solution_shows_each_answer_grid_row_by_row(key):
    for variant in key.variants:
        lines = _lines(_reader(_pdf(write_solution, key, variant)))
        for problem in variant.problems:
            labels = list(problem.layout.labels)
            values = labels + [fmt_number(v) for block in _answer_blocks(problem) for row in block for v in row]
            starts = [i for i, line in enumerate(lines) if line.startswith("Answer")]
            assert any(lines[i + 1 : i + 1 + len(values)] == values for i in starts), problem.id


def test_solution_fills_in_the_output_size_formula(key):
    variant = key.variants[0]
    text = "\n".join(_lines(_reader(_pdf(write_solution, key, variant))))
    problem = next(p for p in variant.problems if p.id == "crop_padding")
    rows = len(problem.answer[0])
    inputs = problem.params.input_size[0]
    assert f"= ({inputs}\u22121)\u00b72 \u2212 2\u00b71 + 1\u00b7(3\u22121) + 0 + 1 = {rows}" in text
    assert "Step 1: input[0][0]" in text


def test_same_inputs_give_identical_bytes(key):
    variant = key.variants[2]
    for write in (write_worksheet, write_solution):
        assert _pdf(write, key, variant) == _pdf(write, key, variant)


def test_identical_bytes_in_a_fresh_process(key, tmp_path):
    """Hash seeds and fresh font registration must not change a byte."""
    script = (
        "import sys\n"
        "from exercisegen.spec import load_spec\n"
        "from exercisegen.variants import build_key\n"
        "from exercisegen.render import write_worksheet\n"
        f"students = {STUDENTS!r}\n"
        f"key = build_key(load_spec({str(HOMEWORK)!r}), students)\n"
        "write_worksheet(key, key.variants[0], sys.argv[1])\n"
    )
    out = tmp_path / "w.pdf"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=HOMEWORK.parent.parent)
    assert out.read_bytes() == _pdf(write_worksheet, key, key.variants[0])


def test_paper_sizes(key):
    variant = key.variants[0]
    a4 = _reader(_pdf(write_worksheet, key, variant)).pages[0].mediabox
    letter_key = dataclasses.replace(key, paper="letter")
    letter = _reader(_pdf(write_solution, letter_key, variant)).pages[0].mediabox
    assert (round(float(a4.width), 1), round(float(a4.height), 1)) == (595.3, 841.9)
    assert (float(letter.width), float(letter.height)) == (612.0, 792.0)


def test_writes_to_a_path(key, tmp_path):
    path = tmp_path / "sheet.pdf"
    write_worksheet(key, key.variants[0], str(path))
    assert path.read_bytes()[:5] == b"%PDF-"


def _padded(n: int) -> int:
    return n + n % 2


@pytest.mark.parametrize("kind, write", [("worksheet", write_worksheet), ("solution", write_solution)])
def test_packet_starts_each_student_on_a_new_sheet(key, kind, write):
    counts = [len(_reader(_pdf(write, key, v)).pages) for v in key.variants]
    out = io.BytesIO()
    write_packet(key, key.variants, out, kind)
    reader = _reader(out.getvalue())
    assert len(reader.pages) == sum(_padded(n) for n in counts)
    assert not reader.get_fields()  # packets are for printing
    first = 0
    for variant, n in zip(key.variants, counts):
        for i in range(n):
            text = reader.pages[first + i].extract_text()
            assert f"Variant {variant.code}" in text
            assert f"page {i + 1} of \n{n}" in text or f"page {i + 1} of {n}" in text
        if n % 2:
            assert "intentionally left blank" in reader.pages[first + n].extract_text()
        first += _padded(n)


def test_packet_from_reused_stories_equals_a_fresh_one(key):
    """write_packet reuses the stories laid out for the students' own PDFs; the bytes must not change."""
    from exercisegen.render import writers

    writers._STORIES.clear()
    fresh = io.BytesIO()
    write_packet(key, key.variants, fresh, "solution")
    for variant in key.variants:
        _pdf(write_solution, key, variant)
    assert len(writers._STORIES) == len(key.variants)
    reused = io.BytesIO()
    write_packet(key, key.variants, reused, "solution")
    assert reused.getvalue() == fresh.getvalue()
    assert not writers._STORIES  # a packet drops the stories it used


def test_multi_channel_problem_has_one_field_block_per_output_channel():
    params = {
        "input": [[[1, 2], [3, 4]], [[0, -1], [2, 1]]],
        "kernel": [[[[1, 0], [0, 1]], [[1, 1], [1, 1]]], [[[2, 0], [0, -1]], [[0, 1], [1, 0]]]],
        "stride": 1,
        "padding": 0,
        "output_padding": 0,
        "dilation": 1,
        "groups": 1,
    }
    record = typed("transposed_conv", params)
    answer = problem_type("transposed_conv").solve(record)
    problem = Problem("mc", "transposed_conv", 2, record, answer, show_steps=("scatter",))
    variant = Variant("K7QM-3DXA", "s9", "", (problem,))
    key = Key("Channels", "0" * 64, 1, (variant,))
    fields = set(_reader(_pdf(write_worksheet, key, variant)).get_fields())
    assert {f"mc:{b}:{r}:{c}" for b in range(2) for r in range(3) for c in range(3)} <= fields
    lines = _lines(_reader(_pdf(write_solution, key, variant)))
    assert "Answer: output channel 1" in lines


def test_long_sums_shrink_and_break_inside_their_cell():
    from exercisegen.render.grids import fit_text
    from exercisegen.render.styles import FONT

    parts = ("(\u22122)\u00b7(\u22121)", "3\u00b72", "(\u22121)\u00b71", "2\u00b7(\u22122)")
    width, height = 17 * MM, 11.5 * MM
    size, lines, widths = fit_text(parts, " + ", FONT, width, height, 7.5)
    assert size >= 6.0
    assert len(lines) > 1 and "".join(lines).replace(" ", "") == "+".join(parts)
    assert max(widths) * size <= width + 1e-6
    assert len(lines) * size * 1.15 <= height + 1e-6


def test_fonts_have_every_glyph_or_an_ascii_stand_in(monkeypatch):
    from exercisegen.render import fonts

    registered = fonts.register()
    if registered.source == "DejaVu Sans":
        assert not registered.missing
        assert fonts.safe("C\u1d40\u00b7x") == "C\u1d40\u00b7x"
    poor = fonts.Fonts("Helvetica", "Helvetica-Bold", "Helvetica", frozenset("\u2212\u1d40\u230a\u230b\u2192"))
    monkeypatch.setattr(fonts, "register", lambda: poor)
    assert fonts.safe("\u230a(5 \u2212 1) / 2\u230b, C\u1d40 \u2192 y") == "floor((5 - 1) / 2), C^T -> y"


def test_packet_may_hold_the_same_student_twice(key):
    variant = key.variants[0]
    single = len(_reader(_pdf(write_solution, key, variant)).pages)
    out = io.BytesIO()
    write_packet(key, [variant, variant], out, "solution")
    assert len(_reader(out.getvalue()).pages) == 2 * _padded(single)


def test_split_lines_block_keeps_its_font_so_the_first_part_fits():
    """A part with only short lines must not grow its font past the height it was split for
    (conv_review.yaml with 40 students crashed with a LayoutError before)."""
    from exercisegen.render.grids import LinesBlock

    lines = ["a" * 20] * 30 + ["out[0][0] = " + " + ".join(["1\u00b72"] * 30) + " = 60"] * 3
    block = LinesBlock(lines, font_size=8.0, columns=1)
    width, height = block.wrap(300, 10_000)
    first, rest = block.split(300, height / 3)
    assert first.wrap(300, height / 3)[1] <= height / 3
    rest.wrap(300, 10_000)
    assert first.size == rest.size == block.size
