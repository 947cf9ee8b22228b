"""Reading a filled worksheet's form fields with the least work: the AcroForm field tree only.

pypdf reads the file's structure (cross-reference table, trailer, catalog, the AcroForm's /Fields
array); each field object is then read by a strict, bounded scanner that understands only what a
field dictionary written like ours holds (names, literal strings, numbers, references, arrays and
dictionaries of those, ended by `endobj`). Anything else in any field (hex strings, comments,
escapes it does not know, /V given by reference, objects in object streams, a wrong object
header...) makes the whole file go through pypdf instead, so the answer never depends on which way
it was read.
"""

from __future__ import annotations

import re
from typing import Any

MAX_FIELD_DEPTH = 16
MAX_FIELD_BYTES = 1 << 16  # a field dictionary longer than this is read by pypdf

_HEADER = re.compile(rb"[ \t\n\r\f]*(\d+)[ \t\n\r\f]+(\d+)[ \t\n\r\f]+obj[ \t\n\r\f]*<<")
_TOKEN = re.compile(
    rb"[ \t\n\r\f]*(?:"
    rb"(?P<name>/[^\x00-\x20\x7f-\xff/<>\[\]()%{}#]*)(?![^ \t\n\r\f/<>\[\]()%{}])"
    rb"|(?P<str>\((?:[^()\\]|\\[nrtbf()\\]|\\(?:[0-7]{3}|[0-7]{1,2}(?![0-7])))*\))"  # one reading: linear
    rb"|(?P<ref>\d+[ \t\n\r\f]+\d+[ \t\n\r\f]+R)(?![^ \t\n\r\f/<>\[\]()%{}])"
    rb"|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?![^ \t\n\r\f/<>\[\]()%{}])"
    rb"|(?P<open><<|\[)"
    rb"|(?P<close>>>|\])"
    rb"|(?P<kw>true|false|null)(?![^ \t\n\r\f/<>\[\]()%{}])"
    rb")"
)
_END = re.compile(rb"[ \t\n\r\f]*endobj")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3})")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
_PLAIN_TEXT = re.compile(rb"[\t\n\r\x20-\x7e]*")  # bytes that PDFDocEncoding maps to the same ASCII


class _Unusual(Exception):
    """Something the strict scanner does not read: let pypdf read the whole file."""


def read_pdf_fields(reader: Any) -> dict[str, Any]:
    """Each form field's last name part -> its value (/V, or None), straight from the AcroForm's field
    tree: no page is parsed and no appearance is looked at (what pypdf's get_fields also gathers)."""
    root = reader.trailer["/Root"].get_object()
    form = root.get("/AcroForm")
    if form is None:
        return {}
    fields = form.get_object().get("/Fields", ())
    try:
        return _scan_fields(reader, fields)
    except _Unusual:
        return _walk_fields(fields)


def _walk_fields(fields: Any) -> dict[str, Any]:
    """The field tree through pypdf's objects."""
    values: dict[str, Any] = {}
    seen: set[int] = set()

    def walk(field: Any, inherited: Any, depth: int) -> None:
        field = field.get_object()
        if not hasattr(field, "get") or depth > MAX_FIELD_DEPTH or id(field) in seen:
            return
        seen.add(id(field))
        value = field.get("/V", inherited)
        named = [kid for kid in field.get("/Kids", ()) if "/T" in kid.get_object()]
        if named:
            for kid in named:
                walk(kid, value, depth + 1)
        elif "/T" in field:
            values[str(field["/T"])] = value

    for field in fields:
        walk(field, None, 0)
    return values


def _scan_fields(reader: Any, fields: Any) -> dict[str, Any]:
    """The same walk as `_walk_fields`, each field object read by `_scan_field`."""
    from pypdf.generic import ArrayObject, IndirectObject

    if (
        reader.is_encrypted
        or not isinstance(fields, ArrayObject)
        or not all(isinstance(f, IndirectObject) for f in fields)
    ):
        raise _Unusual
    data = reader.stream.getbuffer().tobytes() if hasattr(reader.stream, "getbuffer") else None
    if data is None:
        raise _Unusual
    parsed: dict[tuple[int, int], tuple[Any, ...]] = {}

    def field_at(ref: tuple[int, int]) -> tuple[Any, ...]:
        if ref not in parsed:
            parsed[ref] = _scan_field(reader, data, *ref)
        return parsed[ref]

    values: dict[str, Any] = {}
    seen: set[tuple[int, int]] = set()

    def walk(ref: tuple[int, int], inherited: Any, depth: int) -> None:
        has_t, title, has_v, value, kids = field_at(ref)
        if depth > MAX_FIELD_DEPTH or ref in seen:
            return
        seen.add(ref)
        value = value if has_v else inherited
        named = [kid for kid in kids if field_at(kid)[0]]
        if named:
            for kid in named:
                walk(kid, value, depth + 1)
        elif has_t:
            values[title] = value

    for field in fields:
        walk((field.idnum, field.generation), None, 0)
    return values


def _scan_field(reader: Any, data: bytes, idnum: int, generation: int) -> tuple[Any, ...]:
    """(has /T, /T as text, has /V, /V, /Kids as (idnum, generation) pairs) of one field object."""
    if idnum in reader.xref_objStm:
        raise _Unusual
    start = reader.xref.get(generation, {}).get(idnum)
    if not isinstance(start, int) or start < 0:
        raise _Unusual
    header = _HEADER.match(data, start)
    if header is None or (int(header[1]), int(header[2])) != (idnum, generation):
        raise _Unusual
    end = min(len(data), header.end() + MAX_FIELD_BYTES)
    pos, key = header.end(), None
    entries: dict[bytes, tuple[str | None, bytes] | None] = {}
    kids: list[tuple[int, int]] = []
    stack, counts = [b">>"], [0]  # open containers: the closer expected, the items read so far
    while stack:
        token = _TOKEN.match(data, pos, end)
        if token is None:
            raise _Unusual
        pos, kind, text = token.end(), token.lastgroup, token[token.lastgroup or 0]
        closer, items = stack[-1], counts[-1]
        if closer == b">>" and items % 2 == 0 and kind != "name" and not (kind == "close" and text == b">>"):
            raise _Unusual  # a dictionary's key must be a name
        if kind == "open":
            if key in (b"/T", b"/V") or (key == b"/Kids" and (len(stack) > 1 or text != b"[")):
                raise _Unusual
            stack.append(b">>" if text == b"<<" else b"]")
            counts.append(0)
        elif kind == "close":
            if text != closer or (closer == b">>" and items % 2):
                raise _Unusual
            stack.pop()
            counts.pop()
            if stack:
                counts[-1] += 1
                if len(stack) == 1:
                    entries[key or b""], key = None, None
        elif len(stack) == 1:
            counts[-1] = items + 1
            if items % 2 == 0:
                if text in entries:
                    raise _Unusual  # pypdf keeps one of the two: read it there
                key = text
            elif key == b"/Kids":
                raise _Unusual
            else:
                entries[key or b""], key = (kind, text), None
        else:
            counts[-1] = items + 1
            if key == b"/Kids":
                if kind != "ref":
                    raise _Unusual
                kid_id, kid_gen, _ = text.split()
                kids.append((int(kid_id), int(kid_gen)))
    if _END.match(data, pos, end) is None:
        raise _Unusual
    title = entries.get(b"/T")
    if title is not None and title[0] != "str":
        raise _Unusual
    value = entries.get(b"/V")
    if value is not None and value[0] not in ("str", "name"):
        raise _Unusual
    return (
        title is not None,
        str(_string(title[1])) if title is not None else None,
        value is not None,
        None if value is None else _string(value[1]) if value[0] == "str" else _name(value[1]),
        kids,
    )


def _string(token: bytes) -> Any:
    """A literal string's value as pypdf reads it (plain ASCII as str, the rest by pypdf's own decoder)."""
    from pypdf.generic._utils import create_string_object

    raw = _ESCAPE.sub(_unescape, token[1:-1])
    if _PLAIN_TEXT.fullmatch(raw):
        return raw.decode("ascii")
    return create_string_object(raw)


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match[1]
    if code in _ESCAPED:
        return _ESCAPED[code]
    number = int(code, 8)
    if number > 255:
        raise _Unusual  # pypdf keeps the backslash and re-reads the digits
    return bytes((number,))


def _name(token: bytes) -> Any:
    from pypdf.generic import NameObject

    return NameObject(token.decode("ascii"))


def read_pdf_fields_full(reader: Any) -> dict[str, Any]:
    """The same through pypdf's `get_fields` (full names, every attribute): the reference for tests."""
    values: dict[str, Any] = {}
    for full_name, field in (reader.get_fields() or {}).items():
        values[str(full_name).rsplit(".", 1)[-1]] = field.get("/V") if hasattr(field, "get") else None
    return values
