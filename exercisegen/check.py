"""`exercisegen check`: everything a student should fix before submitting an answer file."""

from __future__ import annotations

from typing import Mapping

from exercisegen.choice_answers import picked_options
from exercisegen.problems.base import AnswerLayout
from exercisegen.submissions import (
    Blank,
    Submission,
    SubmittedAnswer,
    Unreadable,
    cell_name,
    quote_id,
    ragged_rows,
    shape_problem,
    trim_blank_border,
)
from exercisegen.variants import check_code
from exercisegen.yamlload import clip

MAX_MESSAGES_PER_PROBLEM = 10

def check_submission(sub: Submission, layouts: Mapping[str, AnswerLayout] | None = None) -> list[str]:
    """Everything a student should fix before submitting; empty when the file is ready.

    Without `layouts` only the file itself is checked; with them (from the key) also missing and
    unknown problems and the shape of every answer.
    """
    messages = []
    if not sub.set_title and not sub.set_unknown:
        messages.append("set: missing; keep the line `set:` as it is in your template")
    if not sub.student_id:
        messages.append("student: missing; write your student id as in your template")
    if not sub.variant_code:
        messages.append("variant: missing; copy the variant code from your worksheet")
    elif not check_code(sub.variant_code):
        messages.append(
            f"variant: {clip(sub.variant_code)!r} is not a valid variant code; copy it again from your "
            "worksheet (every character counts)"
        )
    if layouts is not None:
        for pid in layouts:
            if pid not in sub.answers:
                messages.append(f"{quote_id(pid)}: missing; add your answer under `answers:`")
        for pid in sub.answers:
            if pid not in layouts:
                messages.append(f"{quote_id(pid)}: not a problem of this set; check the name")
    elif not sub.answers:
        messages.append("answers: none given; fill in your answer sheet")
    for pid, answer in sub.answers.items():
        layout = layouts.get(pid) if layouts is not None else None
        if layouts is None and pid in sub.free_shape:  # a worksheet's boxes for a grid of unknown size
            answer = SubmittedAnswer(trim_blank_border(answer.blocks))
        messages.extend(f"{quote_id(pid)}: {text}" for text in _answer_messages(answer, layout))
    return messages


def _answer_messages(answer: SubmittedAnswer, layout: AnswerLayout | None) -> list[str]:
    cells = [
        (b, r, c, cell)
        for b, block in enumerate(answer.blocks)
        for r, row in enumerate(block)
        for c, cell in enumerate(row)
    ]
    if not cells:
        return ["no answer yet"]
    if all(isinstance(cell, Blank) for *_, cell in cells):
        return ["not answered yet (every number is still ?)"]
    if layout is not None and layout.choose:
        picked = picked_options(answer.blocks, layout.labels)  # letters, or one tick per option
        return [picked] if isinstance(picked, str) else []
    written = [cell for *_, cell in cells if not isinstance(cell, Blank)]
    if layout is None and all(isinstance(cell, Unreadable) and cell.text.isalpha() for cell in written):
        return []  # letters only: a choice answer (which letters exist, only the key knows)
    if layout is not None and not layout.reveal_shape:
        # the size is part of the question: boxes left empty around the grid are not holes in it
        answer = SubmittedAnswer(trim_blank_border(answer.blocks))
        cells = [
            (b, r, c, cell)
            for b, block in enumerate(answer.blocks)
            for r, row in enumerate(block)
            for c, cell in enumerate(row)
        ]
        layout = None
    messages = []
    if layout is not None:
        problem = shape_problem(answer.blocks, layout.blocks)
        if problem:
            messages.append(problem)
    else:
        messages.extend(ragged_rows(answer.blocks))
    several = len(answer.blocks) > 1
    to_fix = [(b, r, c, cell) for b, r, c, cell in cells if isinstance(cell, (Blank, Unreadable))]
    for b, r, c, cell in to_fix[:MAX_MESSAGES_PER_PROBLEM]:
        where = cell_name(b, r, c, several)
        if isinstance(cell, Unreadable):
            messages.append(f"{where}: {clip(cell.text, 20)!r} is not a number")
        else:
            messages.append(f"{where} is {'still ?' if cell.text == '?' else 'empty'}")
    if len(to_fix) > MAX_MESSAGES_PER_PROBLEM:
        messages.append(f"and {len(to_fix) - MAX_MESSAGES_PER_PROBLEM} more cells to fill in or fix")
    return messages
