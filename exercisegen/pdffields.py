"""Reading a filled worksheet's form fields with the least work: the AcroForm field tree only."""

from __future__ import annotations

from typing import Any

MAX_FIELD_DEPTH = 16


def read_pdf_fields(reader: Any) -> dict[str, Any]:
    """Each form field's last name part -> its value (/V, or None), straight from the AcroForm's field
    tree: no page is parsed and no appearance is looked at (what pypdf's get_fields also gathers)."""
    root = reader.trailer["/Root"].get_object()
    form = root.get("/AcroForm")
    values: dict[str, Any] = {}
    if form is None:
        return values

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

    for field in form.get_object().get("/Fields", ()):
        walk(field, None, 0)
    return values


def read_pdf_fields_full(reader: Any) -> dict[str, Any]:
    """The same through pypdf's `get_fields` (full names, every attribute): the reference for tests."""
    values: dict[str, Any] = {}
    for full_name, field in (reader.get_fields() or {}).items():
        values[str(full_name).rsplit(".", 1)[-1]] = field.get("/V") if hasattr(field, "get") else None
    return values
