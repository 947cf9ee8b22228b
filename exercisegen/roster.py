"""Class rosters: read a CSV of students, and turn student ids into safe file names."""

from __future__ import annotations

import hashlib
import re

from exercisegen.errors import RosterError

MAX_ROSTER_BYTES = 5 * 1024 * 1024
MAX_ID_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def numbered_students(count: int) -> list[tuple[str, str]]:
    """Ids v001, v002, ... (wider when there are more than 999) with empty names."""
    if count < 1:
        raise RosterError(f"--variants must be >= 1, got {count}")
    width = max(3, len(str(count)))
    return [(f"v{i:0{width}d}", "") for i in range(1, count + 1)]


def parse_roster(data: bytes, filename: str) -> list[tuple[str, str]]:
    """(id, name) pairs from a CSV with an `id` column and an optional `name` column."""
    import csv
    import io

    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"{filename}: roster is {len(data)} bytes; the limit is {MAX_ROSTER_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{filename}: not UTF-8 text; save the roster as a UTF-8 CSV") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    rows = list(reader)
    if not rows:
        raise RosterError(f"{filename}: empty roster; write a header line `id,name` and one student per line")
    header = [h.strip().lower() for h in rows[0]]
    if "id" not in header:
        raise RosterError(
            f"{filename}:1: no `id` column in the header {rows[0]!r}; name the column of student ids `id`"
        )
    id_col = header.index("id")
    name_col = header.index("name") if "name" in header else None
    students: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        student_id = row[id_col].strip() if id_col < len(row) else ""
        if not student_id:
            raise RosterError(f"{filename}:{line}: empty student id; every row needs an id")
        if len(student_id) > MAX_ID_LENGTH or any(ord(ch) < 32 for ch in student_id):
            raise RosterError(
                f"{filename}:{line}: student id {student_id[:40]!r} is too long or has control characters"
            )
        if student_id in seen:
            raise RosterError(
                f"{filename}:{line}: duplicate student id {student_id!r} (first on line {seen[student_id]}); "
                "ids must be unique"
            )
        seen[student_id] = line
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        students.append((student_id, name))
    if not students:
        raise RosterError(f"{filename}: no students below the header line")
    return students


def file_stems(student_ids: list[str]) -> dict[str, str]:
    """A safe, unique file-name stem per student id: only [A-Za-z0-9._-], no leading dot, and a short
    hash suffix whenever the id had to be changed (so `a/b` and `a_b` cannot collide)."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for student_id in student_ids:
        stem = _UNSAFE.sub("_", student_id).lstrip(".")[:60] or "student"
        if stem != student_id or stem.lower() in used:
            digest = hashlib.sha256(student_id.encode("utf-8")).hexdigest()[:8]
            stem = f"{stem}-{digest}"
        used.add(stem.lower())
        stems[student_id] = stem
    return stems
