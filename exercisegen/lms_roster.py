"""Rosters as learning-management systems export them.

Reads a Canvas gradebook export (`Student, ID, SIS User ID, SIS Login ID, Section`, assignment columns and
a *Points Possible* row), a Moodle participants, grades or grading-worksheet export (`First name`,
`Last name`, `ID number`, `Email address`, `Identifier`, ...) and any other CSV whose columns are detected
by their usual names or named with --id-column / --name-column / --email-column. This module only decides
which column holds what; every id and name is then checked by `roster.parse_roster` (empty, too long,
control characters, duplicates), so LMS rosters obey the same rules as plain ones. The LMS's own identity
columns (Canvas's user `ID`, Moodle's `Identifier`, ...) are kept with each student: grading compares them
with who uploaded a file, and the LMS gradebooks echo them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from exercisegen.errors import RosterError
from exercisegen.roster import MAX_ROSTER_BYTES, parse_roster
from exercisegen.variants import Key

CANVAS, MOODLE, PLAIN = "canvas", "moodle", "plain"
SOURCE_NAMES = {CANVAS: "Canvas gradebook export", MOODLE: "Moodle export", PLAIN: "CSV"}

# identity columns kept per student (header as the LMS writes it)
CANVAS_IDENTITY = ("ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section")
MOODLE_IDENTITY = ("ID number", "Email address", "Username", "Identifier")

# the first of these filled for every student holds the ids (headers compared without case)
ID_CANDIDATES = {
    CANVAS: ("SIS User ID", "ID"),
    MOODLE: ("ID number", "Email address", "Username"),
    PLAIN: ("id", "student id", "student_id", "sis user id", "id number", "student number", "username",
            "email address", "email", "e-mail"),
}
NAME_CANDIDATES = {
    CANVAS: ("Student",),
    MOODLE: ("Full name",),
    PLAIN: ("name", "student name", "full name", "student"),
}
FIRST_LAST = (("first name", "last name"), ("firstname", "lastname"), ("given name", "family name"))
EMAIL_CANDIDATES = ("email address", "email", "e-mail", "e-mail address")
# Canvas rows without a student: "Points Possible" and the posting-policy row ("Manual Posting", "Muted")
_CANVAS_NOTE = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnChoice:
    """Columns named on the command line (None: detect them)."""

    id: str | None = None
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RosterStudent:
    """One student: id, name, email ("" when none) and the LMS's identity columns (header, value)."""

    id: str
    name: str
    email: str = ""
    lms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Roster:
    """A roster as read: its students, what exported it and which columns were used."""

    students: tuple[RosterStudent, ...]
    source: str  # CANVAS | MOODLE | PLAIN
    id_column: str  # the header as written in the file
    name_column: str  # "" when there is none; "First name + Last name" for split names
    email_column: str  # "" when there is none

    @property
    def classic(self) -> bool:
        """True for the original `id,name` CSV (key.json then keeps its original shape)."""
        return self.source == PLAIN and self.id_column.strip().lower() == "id" and not self.email_column

    def pairs(self) -> list[tuple[str, str]]:
        """(id, name) per student, in roster order."""
        return [(s.id, s.name) for s in self.students]


def read_roster(data: bytes, filename: str, columns: ColumnChoice = ColumnChoice()) -> Roster:
    """The students of a roster CSV exported by Canvas, Moodle or anything else; RosterError (one line,
    naming the file, the line and the columns found) when the ids cannot be found or are unusable."""
    header, records = _records(data, filename)
    source = _source(header)
    found = ", ".join(repr(h) for h in header)
    keep = [i for i, row in enumerate(records) if not _skipped(source, row)]
    id_col = _column(header, columns.id, "--id-column", filename, found)
    if id_col is None:
        id_col = _filled_candidate(header, ID_CANDIDATES[source], [records[i] for i in keep])
    if id_col is None:
        raise RosterError(
            f"{filename}:1: cannot tell which column holds the student ids; columns found: {found}; "
            "name it with --id-column (and --name-column, --email-column)"
        )
    name_cols = _name_columns(header, columns.name, source, filename, found)
    email_col = _column(header, columns.email, "--email-column", filename, found)
    if email_col is None and columns.email is None:
        email_col = _candidate(header, EMAIL_CANDIDATES)
    identity = CANVAS_IDENTITY if source == CANVAS else MOODLE_IDENTITY if source == MOODLE else ()
    lms_cols = [(name, _candidate(header, (name,))) for name in identity]
    students: list[RosterStudent] = []
    for index in keep:
        row, line = records[index], index + 2
        name = " ".join(p for p in (_cell(row, c) for c in name_cols) if p)
        student_id = _cell(row, id_col)
        if not student_id:
            raise RosterError(
                f"{filename}:{line}: empty `{header[id_col]}`{f' for {name!r}' if name else ''}; fill it in, "
                "or take the ids from another column with --id-column"
            )
        email = _cell(row, email_col)
        if any(ord(ch) < 32 for ch in email):
            raise RosterError(f"{filename}:{line}: the email {email[:40]!r} has control characters")
        lms = tuple((label, _cell(row, col)) for label, col in lms_cols if col is not None and _cell(row, col))
        students.append(RosterStudent(student_id, name, email, lms))
    _check(students, keep, filename)
    name_column = " + ".join(header[c] for c in name_cols)
    email_column = header[email_col] if email_col is not None else ""
    return Roster(tuple(students), source, header[id_col], name_column, email_column)


def describe(roster: Roster) -> str:
    """One line saying what was read: `roster: Canvas gradebook export, ids from `SIS User ID`, ...`."""
    parts = [f"ids from `{roster.id_column}`"]
    if roster.name_column:
        parts.append(f"names from `{roster.name_column}`")
    if roster.email_column:
        parts.append(f"emails from `{roster.email_column}`")
    if any(s.lms for s in roster.students):
        labels = dict.fromkeys(label for s in roster.students for label, _ in s.lms)
        parts.append("kept " + ", ".join(f"`{label}`" for label in labels))
    n = len(roster.students)
    return f"roster: {SOURCE_NAMES[roster.source]}, {n} student{'s' if n != 1 else ''}; " + "; ".join(parts)


def attach(key: Key, roster: Roster) -> Key:
    """The key with each student's email and LMS identity columns, and where the ids came from."""
    if roster.classic:
        return key
    by_id = {s.id: s for s in roster.students}
    variants = tuple(
        dataclasses.replace(v, student_email=by_id[v.student_id].email, lms=by_id[v.student_id].lms)
        for v in key.variants
    )
    return dataclasses.replace(key, variants=variants, roster_source=roster.source, roster_id_column=roster.id_column)


# --- reading the CSV -------------------------------------------------------------------------


def _records(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """(header, records below it); the text may start with a BOM and use `,`, `;` or tabs."""
    import csv
    import io

    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"{filename}: roster is {len(data)} bytes; the limit is {MAX_ROSTER_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{filename}: not UTF-8 text; save the roster as a UTF-8 CSV") from None
    try:  # only the separator is sniffed: quoting is always CSV's ("" inside quotes)
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as err:
        raise RosterError(f"{filename}: not a readable CSV ({err}); export the roster again") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RosterError(f"{filename}: empty roster; write a header line `id,name` and one student per line")
    return [cell.strip() for cell in rows[0]], rows[1:]


def _source(header: list[str]) -> str:
    """Which LMS wrote a header (as Canvas's own importer recognises its files: `Student`, then `ID`)."""
    lower = {h.lower() for h in header}
    if len(header) > 2 and "student" in header[0].lower() and header[1] == "ID":
        return CANVAS
    if {"first name", "last name"} <= lower or {"identifier", "full name"} <= lower:
        return MOODLE
    return PLAIN


def _skipped(source: str, row: list[str]) -> bool:
    """Rows that are no student: blank ones, and Canvas's *Points Possible* and posting-policy rows."""
    if not any(cell.strip() for cell in row):
        return True
    if source == CANVAS:
        return row[0].strip().startswith("Points Possible") or all(_CANVAS_NOTE.match(c) for c in row)
    return False


def _index(header: list[str], wanted: str) -> int | None:
    target = " ".join(wanted.split()).lower()
    return next((i for i, h in enumerate(header) if " ".join(h.split()).lower() == target), None)


def _candidate(header: list[str], names: tuple[str, ...]) -> int | None:
    """The first of `names` in the header."""
    return next((i for i in (_index(header, n) for n in names) if i is not None), None)


def _filled_candidate(header: list[str], names: tuple[str, ...], rows: list[list[str]]) -> int | None:
    """The first of `names` filled in every row; else the first present (its empty cell is reported)."""
    present = [i for i in (_index(header, n) for n in names) if i is not None]
    filled = [i for i in present if all(_cell(row, i) for row in rows)]
    chosen = filled or present
    return chosen[0] if chosen else None


def _column(header: list[str], wanted: str | None, option: str, filename: str, found: str) -> int | None:
    """The column an option names (None when the option was not given)."""
    if wanted is None:
        return None
    index = _index(header, wanted)
    if index is None:
        raise RosterError(f"{filename}:1: no column {wanted!r} for {option}; columns found: {found}")
    return index


def _name_columns(header: list[str], wanted: str | None, source: str, filename: str, found: str) -> list[int]:
    """The column of names, or the first-name and last-name columns; [] when there is none."""
    if wanted is not None:
        return [_column(header, wanted, "--name-column", filename, found)]  # type: ignore[list-item]
    single = _candidate(header, NAME_CANDIDATES[source])
    if single is not None:
        return [single]
    for first, last in FIRST_LAST:
        pair = [_index(header, first), _index(header, last)]
        if None not in pair:
            return pair  # type: ignore[return-value]
    return []


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _check(students: list[RosterStudent], keep: list[int], filename: str) -> None:
    """The plain roster's rules (empty, long, control characters, duplicates) with the file's line numbers:
    the ids and names are handed to `parse_roster` as an `id,name` CSV, one record per original record."""
    import csv
    import io

    if not students:
        raise RosterError(f"{filename}: no students below the header line")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name"])
    rows = dict(zip(keep, students))
    for index in range(max(keep) + 1):
        student = rows.get(index)
        writer.writerow([student.id, student.name] if student else [])
    parse_roster(out.getvalue().encode("utf-8"), filename)
