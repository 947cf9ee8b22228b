"""Worksheets: per problem the task, the givens and the answer boxes (fillable form fields)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from exercisegen.render.grids import FlowRow
from exercisegen.render.problem_parts import (
    HIDDEN_SHAPE_NOTE,
    answer_grids,
    given_grids,
    problem_top,
    set_instructions,
)
from exercisegen.render.styles import NOTE, frame_for, para_text
from exercisegen.variants import Key, Variant


def worksheet_story(key: Key, variant: Variant) -> list[Flowable]:
    """One student's worksheet: instructions, then every problem with its givens and answer boxes."""
    frame = frame_for(key.paper)
    story: list[Flowable] = set_instructions(key)
    for index, problem in enumerate(variant.problems, start=1):
        layout = problem.layout
        parts = problem_top(index, problem, problem.statement)
        answers = answer_grids(problem, layout, frame, "Your answer")
        parts.append(FlowRow([*given_grids(problem), *answers], gap_x=7 * mm, gap_y=4 * mm))
        if layout.hint and not layout.labels:
            parts.append(Paragraph(para_text(layout.hint), NOTE))
        if not layout.reveal_shape:
            parts.append(Paragraph(para_text(HIDDEN_SHAPE_NOTE), NOTE))
        parts.append(Spacer(1, 8 * mm))
        story.append(KeepTogether(parts))
    return story
