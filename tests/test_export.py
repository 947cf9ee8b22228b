"""LMS exports read back by independent readers: an XML parser plus a checker of Moodle's Cloze gap
grammar (written from Moodle's "Embedded answers (Cloze)" documentation), and the QTI structure Canvas's
importer expects. Every gap's / blank's right value must equal key.json's answer."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import HOMEWORK, run

from exercisegen.export.canvas import canvas_qti_zip
from exercisegen.export.moodle import GAP_WIDTH, MAX_NAME, moodle_xml
from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.variants import build_key


@pytest.fixture(scope="module")
def key():
    return build_key(load_spec(str(HOMEWORK)), numbered_students(6))


# --- an independent reader of Cloze gaps -------------------------------------------------------


def split_unescaped(text: str, sep: str) -> list[str]:
    """Split at `sep` where it is not escaped by a backslash."""
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if text[i] == sep:
            parts.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    return parts + [current]


def gaps_of(question_text: str) -> list[str]:
    """The bodies of `{...}` gaps (braces inside a gap are escaped, so the first unescaped } closes it)."""
    gaps, i = [], 0
    while True:
        start = question_text.find("{", i)
        if start < 0:
            return gaps
        j = start + 1
        while question_text[j] != "}":
            j += 2 if question_text[j] == "\\" else 1
        gaps.append(question_text[start + 1 : j])
        i = j + 1


GAP = re.compile(r"^(\d+):(NUMERICAL|NM):(.*)$", re.S)
ANSWER = re.compile(r"^(=|%(-?\d+(?:\.\d+)?)%)?([^:#]*)(?::([^#]*))?(?:#(.*))?$", re.S)


def parse_gap(body: str) -> tuple[int, list[tuple[float, float, float, str]]]:
    """(weight, [(fraction, value, tolerance, feedback)]) of a NUMERICAL gap; asserts the grammar."""
    m = GAP.match(body)
    assert m, body[:80]
    answers = []
    for raw in split_unescaped(m.group(3), "~"):
        a = ANSWER.match(raw)
        assert a, raw
        fraction = 100.0 if a.group(1) == "=" else float(a.group(2)) if a.group(2) else 0.0
        feedback = a.group(5) or ""
        # every special character in feedback is escaped
        unescaped = re.sub(r"\\.", "", feedback)
        assert not set(unescaped) & set("}#~/\"{"), feedback
        answers.append((fraction, float(a.group(3)), float(a.group(4) or 0), feedback))
    return int(m.group(1)), answers


def test_moodle_xml_has_a_category_per_problem_and_a_cloze_question_per_variant(key):
    root = ET.fromstring(moodle_xml(key))
    questions = root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    clozes = [q for q in questions if q.get("type") == "cloze"]
    pids = [p.id for p in key.variants[0].problems]
    assert [c.find("category/text").text.rsplit("/", 1)[1] for c in categories] == pids
    assert len(clozes) == len(pids) * len(key.variants)
    assert all(len(q.find("name/text").text) <= MAX_NAME for q in clozes)


def test_every_moodle_gap_is_valid_cloze_and_its_right_value_is_the_key(key):
    root = ET.fromstring(moodle_xml(key))
    clozes = iter(q for q in root.findall("question") if q.get("type") == "cloze")
    checked = 0
    for pid in [p.id for p in key.variants[0].problems]:
        for variant in key.variants:
            question = next(clozes)
            problem = next(p for p in variant.problems if p.id == pid)
            text = question.find("questiontext/text").text
            assert "<script" not in text and variant.code in question.find("name/text").text
            gaps = [parse_gap(g) for g in gaps_of(text)]
            if problem.type == "design":  # stride and output_padding given: the padding is the answer
                assert [[a[1] for a in answers if a[0] == 100] for _, answers in gaps] == [[problem.params.padding]]
                continue
            flat = [v for block in problem.answer for row in block for v in row]
            assert len(gaps) == len(flat)
            for value, (weight, answers) in zip(flat, gaps):
                right = [a for a in answers if a[0] == 100]
                assert weight == 1 and len(right) == 1 and right[0][1] == value
                wrong = [a for a in answers if a[0] == 0]
                assert all(a[1] != value for a in wrong)
                widths = [len(str(int(a[1]))) if a[1].is_integer() else len(repr(a[1])) for a in answers]
                assert max(widths) >= GAP_WIDTH  # the filler answer gives every gap the same width
                checked += 1
    assert checked > 100


def test_moodle_gaps_carry_the_mistakes_sentences(key):
    text = moodle_xml(key)
    assert "You kept the padded border" in text or "You cropped the padding" in text
    assert "general" not in text or "generalfeedback" in text


def test_cloze_reader_rejects_an_unescaped_feedback():
    with pytest.raises(AssertionError):
        parse_gap("1:NUMERICAL:=3:0#a/b")


# --- Canvas QTI ------------------------------------------------------------------------------

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def test_canvas_package_manifest_points_at_its_files(key):
    archive = zipfile.ZipFile(io.BytesIO(canvas_qti_zip(key)))
    names = set(archive.namelist())
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    hrefs = [f.get("href") for f in manifest.iter("{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}file")]
    assert hrefs and set(hrefs) <= names and len(names) == len(hrefs) + 1
    assert canvas_qti_zip(key) == canvas_qti_zip(key)  # deterministic bytes


def test_canvas_items_have_one_response_lid_per_blank_and_label_ident_conditions(key):
    archive = zipfile.ZipFile(io.BytesIO(canvas_qti_zip(key)))
    assessments = [n for n in archive.namelist() if n.endswith(".xml") and "/" in n and "meta" not in n]
    assert len(assessments) == len(key.variants[0].problems)
    checked = 0
    for name in assessments:
        root = ET.fromstring(archive.read(name))
        assessment = root.find("q:assessment", NS)
        pid = assessment.get("title").rsplit(" · ", 1)[1]
        items = assessment.findall("q:section/q:item", NS)
        assert len(items) == len(key.variants)
        for variant, item in zip(key.variants, items):
            problem = next(p for p in variant.problems if p.id == pid)
            meta = {
                f.find("q:fieldlabel", NS).text: f.find("q:fieldentry", NS).text
                for f in item.iter("{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}qtimetadatafield")
            }
            assert meta["question_type"] == "fill_in_multiple_blanks_question"
            assert float(meta["points_possible"]) == problem.points
            html = item.find("q:presentation/q:material/q:mattext", NS).text
            lids = item.findall("q:presentation/q:response_lid", NS)
            labels_of = {}
            for lid in lids:
                blank = lid.find("q:material/q:mattext", NS).text
                assert re.fullmatch(r"[A-Za-z0-9_.-]+", blank) and lid.get("ident") == f"response_{blank}"
                assert f"[{blank}]" in html
                labels = lid.findall("q:render_choice/q:response_label", NS)
                labels_of[lid.get("ident")] = {
                    lab.get("ident"): lab.find("q:material/q:mattext", NS).text for lab in labels
                }
            idents = [i for labels in labels_of.values() for i in labels]
            assert len(idents) == len(set(idents))
            adds: dict[str, float] = {}
            for cond in item.findall("q:resprocessing/q:respcondition", NS):
                var = cond.find("q:conditionvar/q:varequal", NS)
                if var is None:
                    continue
                assert var.text in labels_of[var.get("respident")]  # the label ident, not the text
                adds[var.get("respident")] = float(cond.find("q:setvar", NS).text)
            assert abs(sum(adds.values()) - 100) < 0.01
            if problem.type == "design":
                continue
            flat = [v for block in problem.answer for row in block for v in row]
            for value, lid in zip(flat, lids):
                accepted = set(labels_of[lid.get("ident")].values())
                assert str(value) in accepted
                if value < 0:
                    assert str(value).replace("-", "\u2212") in accepted
                checked += 1
    assert checked > 100


def test_export_command_writes_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "quiz.xml"
    result = run("export", "moodle", HOMEWORK, "--variants", 2, "--out", out)
    assert result.exit_code == 0, result.output
    problems = len(load_spec(str(HOMEWORK)).problems)
    assert result.output == f"wrote {out}: moodle quiz, {problems} problems × 2 variants\n"
    again = run("export", "moodle", HOMEWORK, "--variants", 2, "--out", out)
    assert again.exit_code == 2
    assert again.output == f"Error: --out {out}: exists; use --force to replace it, or choose another path\n"
    zipped = tmp_path / "quiz.zip"
    assert run("export", "canvas", HOMEWORK, "--variants", 2, "--out", zipped).exit_code == 0
    assert zipfile.is_zipfile(zipped)


def test_quiz_never_asks_for_the_size_while_showing_the_boxes(key):
    text = moodle_xml(key)
    assert "size of the output is part of the question" not in text
    assert any(p.params.ask_shape for p in key.variants[0].problems if hasattr(p.params, "ask_shape"))
