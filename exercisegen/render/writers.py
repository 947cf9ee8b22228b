"""Writing PDFs: one student's worksheet or solution, and class packets of everyone's.

`write_packet` lays every student's story out again in one document; `generate` merges the students'
own PDFs instead (`render/packets.py`), which looks the same and costs no second layout. The `write_*`
functions take a path or a binary file object.
"""

from __future__ import annotations

from typing import Sequence

from reportlab.platypus import Flowable

from exercisegen.render.document import Output, build_document
from exercisegen.render.solution import solution_story
from exercisegen.render.worksheet import worksheet_story
from exercisegen.variants import Key, Variant


def write_worksheet(key_meta: Key, variant: Variant, out: Output) -> None:
    """Write one student's fillable worksheet PDF to `out` (a path or a binary file object)."""
    story = student_story("worksheet", key_meta, variant)
    build_document(out, key_meta, [(variant, story)], kind="worksheet", fillable=True, pad=False)


def write_solution(key_meta: Key, variant: Variant, out: Output) -> None:
    """Write one student's solution PDF (answers and step-by-step views) to `out` (path or binary file)."""
    story = student_story("solution", key_meta, variant)
    build_document(out, key_meta, [(variant, story)], kind="solution", fillable=False, pad=False)


def student_story(kind: str, key: Key, variant: Variant) -> list[Flowable]:
    """The story of one student's worksheet or solution (kind "worksheet" | "solution")."""
    if kind == "worksheet":
        return worksheet_story(key, variant)
    if kind == "solution":
        return solution_story(key, variant)
    raise ValueError(f"kind must be 'worksheet' or 'solution', got {kind!r}")


def write_packet(key_meta: Key, variants: Sequence[Variant], out: Output, kind: str) -> None:
    """Write every student's worksheets (kind "worksheet") or solutions (kind "solution") into one PDF.

    The packet as one reportlab layout (what `generate` did before packets were merged). Each student
    starts on a new sheet (their page count is padded to an even number, for
    double-sided printing) and their pages are numbered "page i of n" on their own. Packets are for
    printing, so they carry no form fields.
    """
    stories = [(variant, student_story(kind, key_meta, variant)) for variant in variants]
    build_document(out, key_meta, stories, kind=kind, fillable=False, pad=True)
