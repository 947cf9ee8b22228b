"""Writing PDFs: one student's worksheet or solution, and class packets of everyone's.

A story laid out for a student's own PDF is kept (bounded) and laid out again, unchanged, in the class
packet. The `write_*` functions take a path or a binary file object.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Sequence

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


# Stories already laid out for a student's own PDF are laid out again, unchanged, in the class packet:
# keeping them saves building them twice (a third of a packet's time). Bounded; packets drop what they use.
_STORIES: "OrderedDict[tuple[str, tuple[Any, ...], str], list[Flowable]]" = OrderedDict()
STORY_CACHE_SIZE = 512


def _story_key(kind: str, key: Key, variant: Variant) -> tuple[str, tuple[Any, ...], str]:
    """Everything a story depends on: the kind, the set-level fields and the variant itself."""
    return (kind, (key.set_title, key.spec_sha256, key.seed, key.course, key.instructions, key.paper), repr(variant))


def student_story(kind: str, key: Key, variant: Variant) -> list[Flowable]:
    """The story of one student's worksheet or solution (kind "worksheet" | "solution"), memoized."""
    cache_key = _story_key(kind, key, variant)
    story = _STORIES.get(cache_key)
    if story is None:
        if kind == "worksheet":
            story = worksheet_story(key, variant)
        elif kind == "solution":
            story = solution_story(key, variant)
        else:
            raise ValueError(f"kind must be 'worksheet' or 'solution', got {kind!r}")
        _STORIES[cache_key] = story
        while len(_STORIES) > STORY_CACHE_SIZE:
            _STORIES.popitem(last=False)
    return story


def write_packet(key_meta: Key, variants: Sequence[Variant], out: Output, kind: str) -> None:
    """Write every student's worksheets (kind "worksheet") or solutions (kind "solution") into one PDF.

    Each student starts on a new sheet (their page count is padded to an even number, for
    double-sided printing) and their pages are numbered "page i of n" on their own. Packets are for
    printing, so they carry no form fields.
    """
    stories: list[tuple[Variant, list[Flowable]]] = []
    seen: set[int] = set()
    for variant in variants:
        story = student_story(kind, key_meta, variant)
        if id(story) in seen:  # the same variant twice: flowables cannot be laid out twice in one build
            _STORIES.pop(_story_key(kind, key_meta, variant))
            story = student_story(kind, key_meta, variant)
        seen.add(id(story))
        stories.append((variant, story))
    build_document(out, key_meta, stories, kind=kind, fillable=False, pad=True)
    for variant in variants:
        _STORIES.pop(_story_key(kind, key_meta, variant), None)
