"""Class rosters: read a CSV of students, and turn student ids into safe file names."""

from __future__ import annotations

import hashlib
import re

from exercisegen.errors import RosterError
from exercisegen.textcheck import escape_hidden, id_problem

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
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        if len(student_id) > MAX_ID_LENGTH:
            raise RosterError(
                f"{filename}:{line}: student id {escape_hidden(student_id[:40])!r}... is longer than "
                f"{MAX_ID_LENGTH} characters; shorten it"
            )
        for what, text in (("student id", student_id), ("name", name)):
            problem = id_problem(text)
            if problem:
                raise RosterError(
                    f"{filename}:{line}: the {what} {escape_hidden(text[:40])!r} {problem}; type it again without it"
                )
        if student_id in seen:
            raise RosterError(
                f"{filename}:{line}: duplicate student id {student_id!r} (first on line {seen[student_id]}); "
                "ids must be unique"
            )
        seen[student_id] = line
        students.append((student_id, name))
    if not students:
        raise RosterError(f"{filename}: no students below the header line")
    return students


# names Windows reserves for devices, whatever the extension (`CON.yaml` cannot be created there)
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{i}" for port in ("COM", "LPT") for i in range(1, 10)]
)


def file_stems(student_ids: list[str]) -> dict[str, str]:
    """A safe, unique file-name stem per student id: only [A-Za-z0-9._-], no leading dot, no name
    Windows reserves, unique even on file systems that ignore case. An id that is such a name already
    keeps it (the first of ids equal but for case); every other id gets a hash suffix of its own,
    lengthened (then counted) until no other stem is the same (so `a/b` and `a_b-c14cddc0` cannot collide)."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for student_id in student_ids:  # ids that can be file names as they are, first come first served
        if _plain_stem(student_id) and student_id.lower() not in used:
            stems[student_id] = student_id
            used.add(student_id.lower())
    for student_id in student_ids:
        if student_id in stems:
            continue
        base = _UNSAFE.sub("_", student_id).lstrip(".")[:60] or "student"
        digest = hashlib.sha256(student_id.encode("utf-8", "surrogatepass")).hexdigest()
        stem = f"{base}-{digest[:8]}"
        n = 8
        while stem.lower() in used:
            n += 4
            stem = f"{base}-{digest[:n]}" if n <= len(digest) else f"{base}-{digest[:8]}-{n}"
        stems[student_id] = stem
        used.add(stem.lower())
    return stems


def _plain_stem(student_id: str) -> bool:
    """True when the id is a safe file-name stem as it is."""
    return (
        _UNSAFE.search(student_id) is None
        and not student_id.startswith(".")
        and 0 < len(student_id) <= 60
        and student_id.split(".")[0].upper() not in WINDOWS_RESERVED
    )
