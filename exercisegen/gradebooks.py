"""Gradebooks an LMS imports as they are (`grade --gradebook canvas|moodle|plain`), and problems.csv.

Each has one row per student with a counted submission, holding that submission's points; students
without one (no file, an unreadable or refused file, a tie) are left out, so an import never blanks or
zeroes a grade, and are listed in problems.csv with every other error row, for the instructor.

- Canvas (Grades > Import): `Student, ID, SIS User ID, SIS Login ID, Section, <assignment>` and a
  *Points Possible* row, as Canvas's own export; Canvas finds the student by `ID` (its user id, kept from
  a Canvas roster), else by `SIS User ID` / `SIS Login ID`, else by name; the assignment by its
  `Title (id)` header, else by title (else it creates the assignment).
- Moodle (Grades > Import > CSV file): the roster's id column (`ID number`, `Email address`, ...) and one
  grade column, to map as "Map from" that column "Map to" the matching user field.
- plain: gradebook.csv's columns, counted rows only.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from exercisegen.batch import GRADED, BatchEntry, BatchResult
from exercisegen.outdir import write_text
from exercisegen.reports import fmt_score, gradebook_csv, spreadsheet_safe
from exercisegen.variants import Key

GRADEBOOKS = ("canvas", "moodle", "plain")
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"  # as Canvas writes it, indented


def counted(batch: BatchResult) -> list[BatchEntry]:
    """The counted (graded) entry of every student that has one, in the key's order."""
    return [e for e in batch.entries if e.status == GRADED and e.result is not None]


def canvas_gradebook(batch: BatchResult, key: Key, assignment: str) -> str:
    """Canvas's gradebook import CSV: student columns, one assignment column, the Points Possible row."""
    variants = {v.student_id: v for v in key.variants}
    header = [*CANVAS_STUDENT_COLUMNS, assignment]
    rows = [header, [POINTS_POSSIBLE, "", "", "", "", fmt_score(sum(batch.points))]]
    for entry in counted(batch):
        variant = variants[entry.student_id]
        lms = dict(variant.lms)
        # a roster that did not come from Canvas: its ids are taken as the institution's (SIS) ids
        sis_user_id = lms.get("SIS User ID", "" if key.roster_source == "canvas" else entry.student_id)
        name = spreadsheet_safe(variant.student_name or entry.student_id)
        score = fmt_score(entry.result.score) if entry.result else ""
        login, section = lms.get("SIS Login ID", ""), lms.get("Section", "")
        rows.append([name, lms.get("ID", ""), sis_user_id, login, section, score])
    return _csv(rows)


def moodle_gradebook(batch: BatchResult, key: Key, assignment: str) -> str:
    """Moodle's grade import CSV: the roster's id column and one grade column."""
    rows = [[key.roster_id_column or "id", assignment]]
    rows += [[e.student_id, fmt_score(e.result.score) if e.result else ""] for e in counted(batch)]
    return _csv(rows)


def plain_gradebook(batch: BatchResult) -> str:
    """gradebook.csv's columns with the counted rows only."""
    return gradebook_csv(dataclasses.replace(batch, entries=tuple(counted(batch))))


def problems_csv(batch: BatchResult) -> str:
    """Every entry that did not count: who, which file, and why."""
    rows = [["student_id", "student_name", "variant", "file", "problem"]]
    for e in batch.entries:
        if e.status != GRADED:
            cells = (e.student_id, e.student_name, e.variant_code, e.path, e.message)
            rows.append([spreadsheet_safe(v) for v in cells])
    return _csv(rows)


def write_gradebook(batch: BatchResult, key: Key, directory: Path, kind: str, assignment: str | None) -> list[str]:
    """gradebook-<kind>.csv and problems.csv in `directory`; the names written."""
    title = assignment or key.set_title
    text = {
        "canvas": lambda: canvas_gradebook(batch, key, title),
        "moodle": lambda: moodle_gradebook(batch, key, title),
        "plain": lambda: plain_gradebook(batch),
    }[kind]()
    names = [f"gradebook-{kind}.csv", "problems.csv"]
    write_text(directory / names[0], text)
    write_text(directory / names[1], problems_csv(batch))
    return names


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
