"""The strict field scanner (pdffields._scan_fields) against pypdf: same fields, same grades, same errors."""

from __future__ import annotations

import io
import random
import re
import time

import pytest

from exercisegen import pdffields
from tests.conftest import HOMEWORK


@pytest.fixture(scope="module")
def filled() -> bytes:
    """A worksheet filled in through pypdf, as a PDF viewer would (values with escapes and non-ASCII)."""
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render import write_worksheet
    from exercisegen.roster import numbered_students
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    key = build_key(load_spec(str(HOMEWORK)), numbered_students(1))
    blank = io.BytesIO()
    write_worksheet(key, key.variants[0], blank)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank.getvalue())))
    odd = ["1", "-2", "(3)", "4\\", "x_y", "é", "1\n2", "?", ""]
    names = [name for name in writer.get_fields() or {} if name.count(":") == 3]
    values = {name: odd[i % len(odd)] for i, name in enumerate(names)}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fields(data: bytes) -> dict:
    from pypdf import PdfReader

    return pdffields.read_pdf_fields(PdfReader(io.BytesIO(data)))


def _outcome(data: bytes) -> str:
    from exercisegen.submissions import SubmissionError, _from_pdf

    try:  # pypdf shows a reference with its reader's address (a /V that points at a dictionary)
        return re.sub(r"IndirectObject\((\d+), (\d+), \d+\)", r"ref \1 \2", repr(_from_pdf(data, "s.pdf")))
    except SubmissionError as exc:
        return f"error: {exc}"


def _pypdf_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def unusual(*_: object) -> dict:
        raise pdffields._Unusual

    monkeypatch.setattr(pdffields, "_scan_fields", unusual)


def test_our_filled_worksheet_is_scanned_and_reads_as_pypdfs_get_fields(filled):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(filled))
    scanned = pdffields._scan_fields(reader, reader.trailer["/Root"]["/AcroForm"]["/Fields"])  # no fallback
    reference = pdffields.read_pdf_fields_full(PdfReader(io.BytesIO(filled)))
    assert scanned == reference
    from pypdf.generic import NameObject

    assert {k: (str(v), isinstance(v, NameObject)) for k, v in scanned.items()} == {
        k: (str(v), isinstance(v, NameObject)) for k, v in reference.items()
    }
    assert {str(v) for v in scanned.values()} >= {"(3)", "4\\", "x_y", "é", "1\n2"}


@pytest.mark.parametrize(
    "raw",
    [
        b"(a\\137b)",
        b"(\\(x\\))",
        b"(\\\\)",
        b"(\\0612)",
        b"(\\1234)",
        b"(\\0561)",
        b"(\\1)",
        b"(\\377\\376)",
        b"(caf\\351)",
        b"(\\n\\r\\t\\b\\f)",
        b"(\\376\\377\\000a)",
        b"(\x80\x9f)",
        b"()",
    ],
)
def test_literal_strings_decode_as_pypdf_decodes_them(raw):
    from pypdf.generic._utils import read_string_from_stream

    assert pdffields._TOKEN.fullmatch(raw) is not None
    expected = read_string_from_stream(io.BytesIO(raw))
    got = pdffields._string(raw)
    assert str(got) == str(expected) and (type(got) is str or type(got) is type(expected))


def test_strings_the_scanner_does_not_read_go_to_pypdf():
    for raw in (b"(a\\qb)", b"(a(b)c)", b"(\\\nx)", b"<616263>"):
        token = pdffields._TOKEN.match(raw)
        assert token is None or token.lastgroup != "str" or token.end() != len(raw)


def test_hostile_string_is_refused_in_linear_time():
    data = b"(" + b"\\1234" * 20000  # unterminated: a backtracking reader would try 3**20000 ways
    started = time.perf_counter()
    assert pdffields._TOKEN.match(data, 0) is None
    assert time.perf_counter() - started < 1


MUTATIONS = [
    (b"/V (", b"/V <"),  # hex string
    (b"/T (", b"/T#20("),  # name escapes
    (b" 0 R ]", b" 0 R [ ] ]"),
    (b"/Kids [", b"/Kids <<"),
    (b"endobj", b"endobk"),
    (b"/V (", b"/V 1 0 R /X ("),
    (b"/V (", b"/V /Yes /V ("),  # duplicate key
    (b"/V (", b"/V %c\n("),  # comment
    (b":0:0:0)", b":\xb2:0:0)"),
    (b":0:0:0)", b":9999:0:0)"),
    (b"/T (", b"/TU ("),
    (b"/V (", b"/V\x00("),
    (b"/V (", b"/V (\\777"),
    (b" ]\n/Subtype", b" >>\n/Subtype"),  # brackets that do not match
    (b"/AP <<\n", b"/AP << 1\n"),  # a key that is no name
    (b"/F 2\n", b"/F\n"),  # a key without a value
    (b"/Kids [", b"/Kids [ [ ] "),
]


def test_damaged_and_unusual_files_grade_exactly_as_through_pypdf(filled, monkeypatch):
    rng = random.Random(12)
    cases = [filled.replace(old, new, 1 + i % 3) for i, (old, new) in enumerate(MUTATIONS)]
    for _ in range(60):  # what benchmarks/fuzz_hostile.py does: random bytes anywhere
        data = bytearray(filled)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cases.append(bytes(data))
    body = filled.index(b"/Fields")  # and bytes flipped inside the field objects themselves
    for _ in range(60):
        data = bytearray(filled)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(body, len(data) // 2)] = rng.choice(b"()\\/<>[]% 0#\x00\xff")
        cases.append(bytes(data))
    fast = [_outcome(data) for data in cases]
    _pypdf_only(monkeypatch)
    assert [_outcome(data) for data in cases] == fast
    assert sum(o.startswith("error") for o in fast) not in (0, len(fast))  # both kinds of outcome exercised
