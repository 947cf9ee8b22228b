"""Reading what students submit: YAML (the template), JSON (same keys) or the filled worksheet PDF.

A PDF carries one AcroForm field per cell, named `<problem>:<block>:<row>:<col>`. Submissions are
untrusted: sizes are capped, YAML is composed with the safe loader and refuses anchors and aliases,
NaN and infinities are not numbers, and every problem with the file as a whole is one
`SubmissionError` line naming the file and what to do. A single cell that cannot be read is not such a
problem: it is kept (with its text, so feedback can quote it) and scored wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Union

from exercisegen.errors import SubmissionError
from exercisegen.notation import MINUS, count, one_line, parse_number
from exercisegen.pdffields import read_pdf_fields
from exercisegen.textcheck import bad_char, bad_text, display_path, field_text
from exercisegen.yamlload import Map, Node, Scalar, Seq, clip, load_located

MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_CELLS = 10_000  # per problem: far more than any answer grid
MAX_PROBLEMS = 1_000
# YAML nodes composed per answer sheet: a template has a few dozen; a flow list of numbers one per
# number. Bounds the work (about 20 µs a node) before anything is built: 20,000 nodes take ~0.4 s.
MAX_YAML_NODES = 20_000

_NUMBER_CHARS = frozenset("0123456789+-./eE ")
_EXACT_INT_LIMIT = 2**53

@dataclass(frozen=True)
class Blank:
    """A cell not filled in: `?`, or empty."""

    text: str = "?"


@dataclass(frozen=True)
class Unreadable:
    """A cell whose text is not a number; the text is kept so feedback can quote it."""

    text: str


WrittenCell = Union[int, float, Blank, Unreadable]
Block = tuple[tuple[WrittenCell, ...], ...]  # one submitted grid (rows of written cells)


@dataclass(frozen=True)
class SubmittedAnswer:
    """One problem's answer as written: blocks (channels) of rows of cells; no blocks = no answer."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Submission:
    """A readable student file: who and which variant it claims to be, and the answers in it."""

    filename: str
    set_title: str
    student_id: str
    variant_code: str
    answers: dict[str, SubmittedAnswer]
    free_shape: frozenset[str] = frozenset()  # (worksheet PDFs) problems whose boxes exceed the answer
    set_unknown: bool = False  # a PDF without its document info: its variant code alone names the set


# --- reading cells ---------------------------------------------------------------------------


def read_cell(text: str) -> WrittenCell:
    """One cell as written: a number (`-3`, `−3`, `1.5`, `3/2`), Blank for `?` or nothing, else Unreadable."""
    stripped = text.strip()
    if stripped in ("", "?"):
        return Blank(stripped)
    cleaned = stripped.replace(MINUS, "-")
    if not set(cleaned) <= _NUMBER_CHARS:  # no full-width digits, underscores, nan, inf, ...
        return Unreadable(stripped)
    try:
        value = parse_number(cleaned)
    except (ValueError, ZeroDivisionError, OverflowError):
        return Unreadable(stripped)
    if isinstance(value, int) and abs(value) > _EXACT_INT_LIMIT:
        return float(value)
    return value


def read_grid(text: str) -> tuple[Block, ...]:
    """Blocks of rows from text: one row per line (or `;`), cells split by spaces or commas, a blank
    line between blocks."""
    blocks: list[Block] = []
    rows: list[tuple[WrittenCell, ...]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            if rows:
                blocks.append(tuple(rows))
                rows = []
            continue
        for piece in line.split(";"):
            tokens = piece.replace(",", " ").split()
            if tokens:
                rows.append(tuple(read_cell(token) for token in tokens))
    if rows:
        blocks.append(tuple(rows))
    return tuple(blocks)


def cell_value(cell: WrittenCell) -> int | float | None:
    """The number in a cell, or None for a blank or unreadable cell."""
    return None if isinstance(cell, (Blank, Unreadable)) else cell


# --- parsing files ---------------------------------------------------------------------------


def parse_submission(data: bytes, filename: str) -> Submission:
    """Read a YAML, JSON or PDF submission (recognised by its content); SubmissionError if unusable."""
    name = one_line(display_path(filename)) or "<submission>"
    if data.lstrip()[:5] == b"%PDF-":
        if len(data) > MAX_PDF_BYTES:
            raise SubmissionError(
                f"{name}: the PDF is {len(data)} bytes, more than the {MAX_PDF_BYTES // 2**20} MiB limit; "
                "submit the filled worksheet PDF itself, not a scan"
            )
        return _from_pdf(data, name)
    if len(data) > MAX_TEXT_BYTES:
        raise SubmissionError(
            f"{name}: the file is {len(data)} bytes, more than the {MAX_TEXT_BYTES // 2**20} MiB limit "
            "for an answer sheet; submit only the filled-in answer sheet"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SubmissionError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); submit the answer sheet "
            "saved as UTF-8 text, or the filled worksheet PDF"
        ) from None
    try:
        tree = _json_tree(text, name) if text.lstrip().startswith("{") else _yaml_tree(text, name)
        return _submission(tree, name)
    except RecursionError:
        raise SubmissionError(f"{name}: lists nested too deeply; {_fix_hint(name)}") from None


def _fix_hint(name: str) -> str:
    return f"fix it and run `exercisegen check {name}`"


def _yaml_tree(text: str, name: str) -> Any:
    """The document as plain dicts, lists, strings (scalars as written) and None."""
    document = load_located(text, max_nodes=MAX_YAML_NODES)
    if document.problems:
        problem = document.problems[0]
        message = problem.message.replace(" in specs", "")
        where = f" {problem.path}:" if problem.path else ""
        raise SubmissionError(f"{name}:{problem.line}:{where} {message}; {_fix_hint(name)}")
    if document.root is None:
        raise SubmissionError(f"{name}: the file is empty; fill in your answer sheet and submit it")
    return _plain(document.root)


def _plain(node: Node) -> Any:
    if isinstance(node, Map):
        return {entry.key: _plain(entry.value) for entry in node.entries}
    if isinstance(node, Seq):
        return [_plain(item) for item in node.items]
    assert isinstance(node, Scalar)
    return None if node.value is None else node.text


class _Refused(ValueError):
    """A JSON document breaks one of our rules (NaN, duplicate keys)."""


def _json_tree(text: str, name: str) -> Any:
    """Like `_yaml_tree`: numbers stay as their text, so both formats read cells the same way."""

    def refuse_constant(word: str) -> Any:
        raise _Refused(f"{word} is not a number")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {clip(key)!r}")
            seen[key] = value
        return seen

    try:
        tree = json.loads(
            text, parse_int=str, parse_float=str, parse_constant=refuse_constant, object_pairs_hook=no_duplicates
        )
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{name}:{exc.lineno}: JSON syntax error: {exc.msg}; {_fix_hint(name)}") from None
    except _Refused as exc:
        raise SubmissionError(f"{name}: {exc}; {_fix_hint(name)}") from None
    return _bools_as_text(tree)


def _bools_as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {k: _bools_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bools_as_text(v) for v in value]
    return value


def _submission(tree: Any, name: str) -> Submission:
    if not isinstance(tree, dict) or "answers" not in tree:
        raise SubmissionError(f"{name}: not an answer sheet (no `answers:`); start from your answer-sheet template")
    _refuse_bad_text(tree, name)
    raw_answers = tree["answers"]
    if raw_answers is None:
        raw_answers = {}
    if not isinstance(raw_answers, dict):
        raise SubmissionError(f"{name}: `answers` must hold one entry per problem; start from your template")
    if len(raw_answers) > MAX_PROBLEMS:
        raise SubmissionError(f"{name}: more than {MAX_PROBLEMS} answers; submit your own answer sheet")
    answers = {str(pid): _answer(value, str(pid), name) for pid, value in raw_answers.items()}
    return Submission(
        filename=name,
        set_title=_header(tree, "set", name),
        student_id=_header(tree, "student", name),
        variant_code=_header(tree, "variant", name),
        answers=answers,
    )


def _refuse_bad_text(tree: Any, name: str) -> None:
    """SubmissionError naming the first string that is not text (a lone surrogate such as `\\ud800`,
    a control character)."""
    bad = bad_text(tree)
    if bad is not None:
        where, char = bad
        raise SubmissionError(f"{name}: {clip(where)}: holds {char}, which is not a character; {_fix_hint(name)}")


def _header(tree: dict[str, Any], key: str, name: str) -> str:
    value = tree.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or bad_char(value.strip(), multiline=False) is not None:
        raise SubmissionError(f"{name}: `{key}` must be one line of text; keep it as in the template")
    return value.strip()


def _answer(value: Any, pid: str, name: str) -> SubmittedAnswer:
    if value is None:
        return SubmittedAnswer(())
    if isinstance(value, str):
        blocks = read_grid(value)
    elif isinstance(value, list):
        blocks = _list_blocks(value, pid, name)
    else:
        raise SubmissionError(
            f"{name}: answer {quote_id(pid)} must be rows of numbers (one row per line), not a mapping; "
            f"{_fix_hint(name)}"
        )
    if sum(len(row) for block in blocks for row in block) > MAX_CELLS:
        raise SubmissionError(f"{name}: answer {quote_id(pid)} has more than {MAX_CELLS} numbers; {_fix_hint(name)}")
    return SubmittedAnswer(blocks)


def quote_id(pid: str) -> str:
    """A problem id as quoted in messages."""
    return repr(clip(pid)) if not pid.isprintable() or not pid else clip(pid)


def _list_blocks(value: list[Any], pid: str, name: str) -> tuple[Block, ...]:
    """[a, b] (one row), [[a, b], [c, d]] (rows) or [[[...]]] (blocks); cells as JSON/YAML scalars."""
    depth = _depth(value)
    if depth is None or depth > 3:
        raise SubmissionError(
            f"{name}: answer {quote_id(pid)} mixes numbers and lists; write rows of numbers like [[1, 2], [3, 4]]; "
            f"{_fix_hint(name)}"
        )
    if depth == 1:
        return ((tuple(_list_cell(v) for v in value),),) if value else ()
    if depth == 2:
        return (tuple(tuple(_list_cell(v) for v in row) for row in value),)
    return tuple(tuple(tuple(_list_cell(v) for v in row) for row in block) for block in value)


def _depth(value: Any) -> int | None:
    """Nesting depth of a list whose items are all lists or all scalars; None if mixed."""
    if not isinstance(value, list):
        return 0
    if not value:
        return 1
    depths = {_depth(item) for item in value}
    if len(depths) != 1 or None in depths:
        return None
    (inner,) = depths
    return None if inner is None else inner + 1


def _list_cell(value: Any) -> WrittenCell:
    if value is None:
        return Blank("")
    if isinstance(value, dict):
        return Unreadable("{...}")
    return read_cell(str(value))


def _from_pdf(data: bytes, name: str) -> Submission:
    """Answers from the worksheet's form fields; who and which variant from its document info."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SubmissionError(f"{name}: the PDF is password-protected; save it without a password")
        values = read_pdf_fields(reader)
        info = dict(reader.metadata or {})
    except SubmissionError:
        raise
    except Exception:  # pypdf raises many kinds of errors on damaged files
        raise SubmissionError(
            f"{name}: cannot read the PDF (damaged or incomplete); save the filled worksheet again from "
            "your PDF viewer (File > Save) and submit that file"
        ) from None
    if len(values) > MAX_PROBLEMS * 100:
        raise SubmissionError(f"{name}: the PDF has {len(values)} form fields; submit your own worksheet")
    strings = {"fields": {k: _text(v) for k, v in values.items()}, "info": {str(k): _text(v) for k, v in info.items()}}
    _refuse_bad_text(strings, name)
    cells: dict[str, dict[tuple[int, int, int], WrittenCell]] = {}
    for field_name, value in values.items():
        parts = field_name.split(":")
        if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts[1:]):
            continue
        b, r, c = (int(p) for p in parts[1:])
        cells.setdefault(parts[0], {})[(b, r, c)] = read_cell(_field_text(value))
    variant = _text(info.get("/ExercisegenVariant")) or _text(values.get("variant_code"))
    student = _text(info.get("/ExercisegenStudent")) or field_text(_text(values.get("student_id")))
    set_title = _text(info.get("/ExercisegenSet"))
    if bad_char(student, multiline=False) is not None:
        raise SubmissionError(f"{name}: the student id field holds a control character; {_fix_hint(name)}")
    if not cells:  # printed to PDF or flattened: the answers, if any, are only painted on the page
        raise SubmissionError(
            f"{name}: this PDF has no answer fields (printed to PDF or flattened, so its answers cannot be "
            "read); submit the filled worksheet PDF itself (File > Save in your PDF viewer), or the answer "
            "sheet YAML"
        )
    answers = {}
    for pid, found in cells.items():
        # each block as large as its own fields reach (blocks may differ in shape)
        sizes = [(0, 0)] * (max(key[0] for key in found) + 1)
        for b, r, c in found:
            sizes[b] = (max(sizes[b][0], r + 1), max(sizes[b][1], c + 1))
        if sum(rows * cols for rows, cols in sizes) > MAX_CELLS:
            raise SubmissionError(
                f"{name}: answer {quote_id(pid)} has more than {MAX_CELLS} fields; submit your own worksheet"
            )
        answers[pid] = SubmittedAnswer(
            tuple(
                tuple(tuple(found.get((b, r, c), Blank("")) for c in range(cols)) for r in range(rows))
                for b, (rows, cols) in enumerate(sizes)
            )
        )
    free = frozenset(_text(info.get("/ExercisegenFreeShape")).split(",")) - {""}
    set_unknown = not set_title.strip() and bool(variant)
    return Submission(name, set_title.strip(), student.strip(), variant.strip(), answers, free, set_unknown)


def _field_text(value: Any) -> str:
    """A field's value as cell text; a checkbox's state (a PDF name) as "x" when ticked, "" when not."""
    from pypdf.generic import NameObject

    if isinstance(value, NameObject):
        return "" if value == "/Off" else "x"  # ticked: what `choice_answers` reads as a tick
    return _text(value)


def _text(value: Any) -> str:
    """A PDF string (or nothing) as one line of text."""
    if value is None:
        return ""
    try:
        return one_line(str(value))
    except Exception:  # a PDF object whose str() fails is no text
        return ""


# --- the shape of a submitted grid ------------------------------------------------------------


def trim_blank_border(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Drop blank cells at the end of each row and then blank rows at the bottom of each block
    (a grid written into the top-left corner of a larger box area)."""
    trimmed = []
    for block in blocks:
        rows = [tuple(row) for row in block]
        width = max(
            (max((c + 1 for c, cell in enumerate(row) if not isinstance(cell, Blank)), default=0) for row in rows),
            default=0,
        )
        rows = [row[:width] for row in rows]
        while rows and all(isinstance(cell, Blank) for cell in rows[-1]):
            rows.pop()
        trimmed.append(tuple(rows))
    return tuple(trimmed)


def cell_name(block: int, row: int, col: int, several_blocks: bool) -> str:
    """`row 2, column 3` (1-based) for 0-based indices; `channel 1, row 2, column 3` with channels."""
    where = f"row {row + 1}, column {col + 1}"
    return f"channel {block}, {where}" if several_blocks else where


def ragged_rows(blocks: tuple[Block, ...]) -> list[str]:
    """`row 3 has 2 numbers but row 1 has 3` for every block whose rows differ in length."""
    messages = []
    for b, block in enumerate(blocks):
        prefix = f"channel {b}: " if len(blocks) > 1 else ""
        for r, row in enumerate(block[1:], start=2):
            if len(row) != len(block[0]):
                messages.append(f"{prefix}row {r} has {count(len(row), 'number')} but row 1 has {len(block[0])}")
                break
    return messages


def grid_size(rows: int, cols: int) -> str:
    """`4 rows of 4 numbers` (`1 row of 2 numbers`)."""
    return f"{count(rows, 'row')} of {count(cols, 'number')}"


def shape_problem(blocks: tuple[Block, ...], expected: tuple[tuple[int, int], ...]) -> str | None:
    """What is wrong with the shape of an answer, e.g. `expected 4 rows of 4 numbers, got 3 rows`;
    None when every block has the expected rows and numbers per row."""
    if len(blocks) != len(expected):
        want = (
            grid_size(*expected[0])
            if len(expected) == 1
            else f"{len(expected)} channels of {grid_size(*expected[0])}, a blank line between channels"
        )
        got = "1 grid" if len(blocks) == 1 else f"{len(blocks)} grids separated by blank lines"
        return f"expected {want}, got {got}"
    for b, (block, (rows, cols)) in enumerate(zip(blocks, expected)):
        prefix = f"channel {b}: " if len(expected) > 1 else ""
        lengths = [len(row) for row in block]
        if len(block) != rows:
            if all(n == cols for n in lengths):
                got = count(len(block), "row")
            elif len(set(lengths)) == 1:
                got = grid_size(len(block), lengths[0])
            else:
                got = f"{count(len(block), 'row')} with " + ", ".join(str(n) for n in lengths) + " numbers"
            return f"{prefix}expected {grid_size(rows, cols)}, got {got}"
        for r, n in enumerate(lengths):
            if n != cols:
                return f"{prefix}expected {grid_size(rows, cols)}, got {count(n, 'number')} in row {r + 1}"
    return None

