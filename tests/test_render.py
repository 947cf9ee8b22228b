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
            layout = problem.layout
            labels = list(layout.labels or layout.column_labels) + list(layout.row_labels)
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


def _merged(key, kind, write, variants=None):
    from exercisegen.render.packets import merge_packet

    variants = list(key.variants if variants is None else variants)
    out = io.BytesIO()
    merge_packet(key, [_pdf(write, key, v) for v in variants], out, kind, len(variants))
    return out.getvalue()


@pytest.mark.parametrize("kind, write", [("worksheet", write_worksheet), ("solution", write_solution)])
def test_merged_packet_has_the_rendered_packets_pages_and_text(key, kind, write):
    """The packet merged from the students' PDFs shows what the packet laid out in one piece shows:
    the same pages with the same text (header, variant code, page i of n, blank pages), no form fields."""
    rendered = io.BytesIO()
    write_packet(key, key.variants, rendered, kind)
    old, new = _reader(rendered.getvalue()), _reader(_merged(key, kind, write))
    assert len(new.pages) == len(old.pages)
    assert [p.extract_text() for p in new.pages] == [p.extract_text() for p in old.pages]
    assert not new.get_fields()
    assert all("/Annots" not in page for page in new.pages)
    assert new.metadata["/Subject"] == old.metadata["/Subject"]
    assert new.metadata["/ExercisegenSet"] == key.set_title


def test_merged_packet_is_byte_for_byte_deterministic(key):
    first = _merged(key, "worksheet", write_worksheet)
    assert _merged(key, "worksheet", write_worksheet) == first
    assert _merged(key, "worksheet", write_worksheet, key.variants[:1]) != first


def test_merged_packet_keeps_each_pages_qr_code(key):
    reader = _reader(_merged(key, "solution", write_solution))
    with_qr = [p for p in reader.pages if any("eg-qr" in name for name in p["/Resources"].get("/XObject", {}))]
    blank = [p for p in reader.pages if "intentionally left blank" in p.extract_text()]
    assert len(with_qr) + len(blank) == len(reader.pages) and with_qr


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


# --- solutions a teacher would print (issue 10) ---------------------------------------------------

CHANNELS = HOMEWORK.parent.parent / "tests" / "fixtures" / "channels.yaml"
LECTURE = HOMEWORK.parent / "lecture_examples.yaml"


def _spec_key(path, students=(("s001", ""),), views=None):
    """A key for `path`; `views` replaces every problem's show_steps."""
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    key = build_key(load_spec(str(path)), list(students))
    if views is None:
        return key
    variants = [
        dataclasses.replace(v, problems=tuple(dataclasses.replace(p, show_steps=views) for p in v.problems))
        for v in key.variants
    ]
    return dataclasses.replace(key, variants=variants)


def _font_sizes(data: bytes) -> list[tuple[float, str]]:
    """(size in pt as printed, text) of every piece of text: the font size times the text and page matrices."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            found.append((size * scale, text.strip()))

    for page in _reader(data).pages:
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(
    "spec",
    [HOMEWORK, LECTURE, CHANNELS, HOMEWORK.parent / "conv_review.yaml"],
    ids=["homework", "lecture", "channels", "conv_review"],
)
def test_no_solution_text_under_7_pt(spec):
    key = _spec_key(spec, students=(("s001", ""), ("s002", "")))
    for variant in key.variants:
        sizes = _font_sizes(_pdf(write_solution, key, variant))
        assert len(sizes) > 100
        small = [(round(s, 2), t) for s, t in sizes if s < 7 - 1e-6]
        assert small == [], small[:5]


def test_the_font_measure_sees_small_text():
    """The measure above would catch text under 7 pt (here a 5 pt line)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.translate(10, 10)
    canvas.setFont("Helvetica", 5)
    canvas.drawString(100, 100, "1+2+3")
    canvas.save()
    assert [(round(s, 2), t) for s, t in _font_sizes(out.getvalue())] == [(5.0, "1+2+3")]


def test_sums_break_only_at_plus_signs_with_fuller_lines_first():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exercisegen.render.grids import fit_text
    from exercisegen.render.styles import BOLD

    room = stringWidth("1+2+", BOLD, 7.5) + 0.5  # "1+2+3" does not fit on one line at 7 pt
    assert stringWidth("1+2+3", BOLD, 7) > room
    size, lines, _ = fit_text(("1", "2", "3"), "+", BOLD, room, 40, 7.5, 7.0)
    assert lines == ("1+2+", "3") and size == 7.5
    size, lines, _ = fit_text(("1", "2", "3", "4"), "+", BOLD, room, 40, 7.5, 7.0)
    assert lines == ("1+2+", "3+4") and size == 7.5
    room = stringWidth("2·3 + 1·(−1) +", BOLD, 7.5) + 0.5
    _, lines, _ = fit_text(("2·3", "1·(−1)", "0·2"), " + ", BOLD, room, 40, 7.5, 7.0)
    assert lines == ("2·3 + 1·(−1) +", "0·2")


def test_step_tables_keep_a_whole_term_on_a_line_at_7_pt_or_more():
    from exercisegen.render.step_tables import MIN_FONT, table_size, term_parts
    from exercisegen.steps import scatter_view

    view = scatter_view([[-2, 3], [1, -1]], [[-1, 2, 1], [2, -1, 0], [1, 1, -1]], stride=1, padding=1)
    texts = [[term_parts(c.terms, False) if c.terms else None for c in row] for row in view.crop.full]
    size = table_size(texts, 480, count=len(view.steps))
    assert size is not None and MIN_FONT == 7.0
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exercisegen.render.styles import BOLD

    widest_term = max(stringWidth(p + " +", BOLD, 7.0) for row in texts for t in row if t for p in t[0])
    assert min(size.widths) >= widest_term
    assert table_size(texts, 60) is None  # not even one table fits 60 pt at 7 pt


def test_crop_hatching_has_a_white_box_behind_every_number():
    from reportlab.pdfgen.canvas import Canvas

    from exercisegen.render.grids import CellGrid, text_cell

    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=0)
    cells = [[text_cell("\u22124", fill="removed", hatched=True, faint=True), text_cell("5")]]
    grid = CellGrid(cells, cell_width=20, cell_height=18)
    grid.wrapOn(canvas, 100, 100)
    grid.drawOn(canvas, 50, 50)
    canvas.save()
    stream = _reader(out.getvalue()).pages[0].get_contents().get_data().decode("latin-1")
    text = stream.index("BT", stream.index("1 0 0 1 50 50 cm"))  # the grid's text (after the grid's origin)
    hatch_end = stream.rindex(" l", 0, text)  # the last hatch segment before the text
    white = stream.index("1 1 1 rg")
    assert hatch_end < white < text
    box = stream[white:text].split(" re")[0].split()[-4:]
    x, y, w, h = (float(v) for v in box)
    assert w >= 7 and h >= 7  # covers the minus sign and the digit
    assert stream.count(" re f") == 2  # the grey fill and one white box (the unhatched "5" gets none)


def test_slides_last_frame_crops_the_symbolic_table():
    """Stride 2, padding 1 (the slides' last example): the kept cells of the all-steps table are exactly
    the slides' last frame; the cut ring is hatched and empty; the numbers are cropped too."""
    from exercisegen.render.step_tables import symbolic_crop, table_size, term_parts
    from exercisegen.steps import scatter_view

    view = scatter_view([[1, 2], [3, 4]], [[1] * 3] * 3, stride=2, padding=1)
    texts = [[term_parts(c.terms, True) if c.terms else None for c in row] for row in view.crop.full]
    grid = symbolic_crop(view.crop, True, table_size(texts, 480), "crop")
    kept = [["+".join(cell.parts) for cell in row[1:4]] for row in grid.cells[1:4]]
    assert kept == [["1", "1+2", "2"], ["1+3", "1+2+3+4", "2+4"], ["3", "3+4", "4"]]  # the slides' frame
    ring = [grid.cells[r][c] for r in range(5) for c in range(5) if r in (0, 4) or c in (0, 4)]
    assert all(cell.hatched and not cell.parts for cell in ring)
    key = _spec_key(LECTURE)
    text = " ".join(_lines(_reader(_pdf(write_solution, key, key.variants[0]))))
    assert "Crop: the table of all steps without the hatched rows and columns" in text
    assert "Kept grid = the output" in text


def test_how_c_is_built_shares_a_page_with_its_problem():
    key = _spec_key(HOMEWORK, students=STUDENTS)
    for variant in key.variants:
        pages = [page.extract_text() for page in _reader(_pdf(write_solution, key, variant)).pages]
        page = next(p for p in pages if "How C is built" in p)
        assert "(conv_as_matrix)" in page and "row 0 of C" in page and "covers input cell" in page


def test_a_view_starts_a_page_only_when_its_first_part_did_not_fit(key):
    """Where a page begins with a step view's heading, the previous page had no room for the heading,
    the legend and the first row of step tables (measured: its last text lies low on the page)."""
    heads = ("Scatter:", "Gather:", "Window by window", "All stamps", "Matrix view")
    for spec in (HOMEWORK, LECTURE):
        k = _spec_key(spec, students=STUDENTS)
        for variant in k.variants:
            reader = _reader(_pdf(write_solution, k, variant))
            lowest = []
            for page in reader.pages:
                ys: list[float] = []

                def visit(t, cm, tm, font, size, ys=ys):
                    if t.strip():
                        ys.append(tm[5] + cm[5])

                page.extract_text(visitor_text=visit)
                body = [y for y in ys if 60 < y < 720]  # between footer and header
                lowest.append(min(body) if body else 842)
            for i, page in enumerate(reader.pages[1:], start=1):
                first = [line for line in page.extract_text().splitlines()[4:] if line.strip()][:1]
                if first and first[0].startswith(heads):
                    assert lowest[i - 1] < 842 * 0.45, (spec.name, variant.student, i)


def test_conv_matrix_answer_grid_names_rows_and_columns_on_worksheet_and_solution(key):
    variant = key.variants[0]
    problem = next(p for p in variant.problems if p.id == "conv_as_matrix")
    assert problem.layout.row_labels == ("y00", "y01", "y10", "y11")
    assert problem.layout.column_labels == ("x00", "x01", "x02", "x10", "x11", "x12", "x20", "x21", "x22")
    for write in (write_worksheet, write_solution):
        lines = _lines(_reader(_pdf(write, key, variant)))
        start = lines.index("x00", next(i for i, line in enumerate(lines) if "(conv_as_matrix)" in line))
        assert lines[start : start + 13] == [*problem.layout.column_labels, *problem.layout.row_labels]


def test_large_matrix_views_are_split_into_legible_parts_and_say_so():
    """A 3×3 → 7×7 transposed convolution: C is 9×49; printed in parts at 7 pt or more."""
    from exercisegen.spec import parse_spec
    from exercisegen.variants import build_key

    text = (
        "title: t\nproblems:\n  - id: big\n    type: transposed_conv\n    input: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\n"
        "    kernel: [[1, -1, 2], [0, 1, 1], [2, 0, -1]]\n    stride: 2\n    show_steps: [matrix]\n"
    )
    key = build_key(parse_spec(text, "big.yaml"), [("s", "")])
    data = _pdf(write_solution, key, key.variants[0])
    assert min(s for s, _ in _font_sizes(data)) >= 7
    words = " ".join(_lines(_reader(data)))
    assert "C: 9×49" in words and "C is printed in 2 parts so that every entry stays legible." in words
    assert "C, columns 1–25" in words and "C, columns 26–49" in words


def test_multi_channel_solution_shows_each_output_channel_as_the_sum_of_its_parts():
    key = _spec_key(CHANNELS)
    variant = key.variants[0]
    words = " ".join(_lines(_reader(_pdf(write_solution, key, variant))))
    problem = variant.problems[0]  # 2 input channels -> 2 output channels
    assert "Kept grid = input channel 1\u2019s part of output channel 0" in words
    assert "Kept grid = the output" not in words
    for co, block in enumerate(problem.answer):
        heading = f"Output channel {co}: the sum of its input channels"
        assert heading in words
        after = words[words.index(heading) :]
        numbers = " ".join(fmt_number(v) for row in block for v in row)  # a grid's numbers, then its caption
        assert f"{numbers} = output channel {co}" in after


def test_compact_view_more_than_halves_a_channel_set():
    full = _spec_key(CHANNELS)
    compact = _spec_key(CHANNELS, views=("compact",))
    pages_full = len(_reader(_pdf(write_solution, full, full.variants[0])).pages)
    data = _pdf(write_solution, compact, compact.variants[0])
    pages_compact = len(_reader(data).pages)
    assert pages_compact * 2 < pages_full, (pages_compact, pages_full)
    words = " ".join(_lines(_reader(data)))
    assert "All stamps in one table, then the crop (input channel 0 \u2192 output channel 0)" in words
    assert "All windows in one table (input channel 0 \u2192 output channel 0)" in words
    assert "Step 1:" not in words
    assert min(s for s, _ in _font_sizes(data)) >= 7


def test_keep_head_splits_off_the_tail_only_when_the_head_fits_alone():
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from exercisegen.render.solution import KeepHead
    from exercisegen.render.styles import BODY

    def pages_of(filler_mm: float) -> list[str]:
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=(300, 400), topMargin=20, bottomMargin=20)
        head = [Paragraph("HEAD", BODY), Spacer(1, 100)]
        tail = [Paragraph("TAIL", BODY), Spacer(1, 100)]
        doc.build([Spacer(1, filler_mm * MM), KeepHead(head, tail)])
        return [page.extract_text().strip() for page in _reader(out.getvalue()).pages]

    assert pages_of(10) == ["HEAD\nTAIL"]  # both fit
    assert pages_of(60) == ["HEAD", "TAIL"]  # only the head fits: the tail moves on
    assert pages_of(110) == ["", "HEAD\nTAIL"]  # not even the head: both move on


def test_long_window_lines_wrap_after_a_plus_instead_of_shrinking():
    """A 5×5 kernel: 25 products per output cell do not fit one line at 7 pt; they wrap after a `+`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exercisegen.render.grids import wrap_sum_line
    from exercisegen.render.styles import FONT
    from exercisegen.spec import parse_spec
    from exercisegen.variants import build_key

    lines = wrap_sum_line("out[0][0] = 1·2 + 3·4 + 5·6 = 44", 72, 8)
    assert lines == ["out[0][0] = 1·2 +", "      3·4 +", "      5·6 = 44"]
    assert all(stringWidth(line, FONT, 8) <= 72 for line in lines)
    text = (
        "title: t\nproblems:\n  - id: wide\n    type: conv\n    input: {shape: [6, 6], values: {int: [-2, 3]}}\n"
        "    kernel: {shape: [5, 5], values: {int: [-1, 2]}}\n    padding: 1\n"
    )
    key = build_key(parse_spec(text, "wide.yaml"), [("s", "")])
    data = _pdf(write_solution, key, key.variants[0])
    assert min(s for s, _ in _font_sizes(data)) >= 7
    lines = _lines(_reader(data))
    starts = [i for i, line in enumerate(lines) if line.startswith("out[0][0] =")]
    assert starts and lines[starts[0]].endswith("+")  # continued on the next line
