"""Answer sheets: the YAML template a student fills in (one block of `?` per problem)."""

from __future__ import annotations

import json
from typing import Mapping

from exercisegen.notation import TIMES, count, fmt_number, one_line
from exercisegen.problems.base import AnswerLayout
from exercisegen.variants import Problem, Variant

_HOW_TO = (
    "# How to fill in: replace every ? with your number. One matrix row per line, numbers separated",
    "# by spaces; negative numbers as -3 (or \u22123); decimals 1.5 and fractions 3/2 are fine.",
    "# Keep the lines `set`, `student` and `variant` as they are. Check the file with:",
    "#   exercisegen check <this file>",
)

def answer_template(set_title: str, variant: Variant, layouts: Mapping[str, AnswerLayout]) -> str:
    """The YAML answer sheet of one variant: a comment and a grid of `?` per problem."""
    lines = [
        f"# Answer sheet: {one_line(set_title)}",
        f"# Student: {_who(variant)}   Variant: {variant.code}",
        *_HOW_TO,
        f"set: {_quoted(set_title)}",
        f"student: {_quoted(variant.student_id)}",
        f"variant: {_quoted(variant.code)}",
        "answers:",
    ]
    for problem in variant.problems:
        layout = layouts[problem.id]
        if layout.choose:
            lines.append(f"  # {problem.id} ({_points(problem.points)}): {_describe_choice(layout)}")
            lines.append(f'  {problem.id}: "?"')
            continue
        lines.append(f"  # {problem.id} ({_points(problem.points)}): {_describe(problem, layout)}")
        lines.append(f"  {problem.id}: |")
        for index, (rows, cols) in enumerate(layout.blocks):
            if index:
                lines.append("")  # a blank line separates channels
            if layout.reveal_shape:
                lines.extend(["    " + " ".join(["?"] * cols)] * rows)
            else:
                lines.append("    ?")  # the size is part of the question: the student writes the rows
    return "\n".join(lines) + "\n"


def layouts_of(variant: Variant) -> dict[str, AnswerLayout]:
    """Every problem's answer layout (what `answer_template` and `check_submission` take)."""
    return {p.id: p.layout for p in variant.problems}


def _who(variant: Variant) -> str:
    """`Ada Lovelace (s001)`, or the id alone when the roster has no name."""
    name, sid = one_line(variant.student_name), one_line(variant.student_id)
    return f"{name} ({sid})" if name else sid



def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(one_line(text), ensure_ascii=False)


def _points(points: float) -> str:
    value = int(points) if float(points).is_integer() else points
    return f"{fmt_number(value)} point" + ("" if value == 1 else "s")


def _describe_choice(layout: AnswerLayout) -> str:
    """What to write for a choice: the letter picked, or every letter picked."""
    letters = ", ".join(layout.labels)
    if layout.choose == "one":
        return f"the letter of the one option you pick ({letters})"
    example = " ".join(layout.labels[::2][:2])
    return f"the letters of every option you pick ({letters}), e.g. \"{example}\""


def _describe(problem: Problem, layout: AnswerLayout) -> str:
    """`output of the transposed convolution, 4 rows × 4 numbers`, `output size: H_out W_out`, ..."""
    what = problem.kind.describe_answer(problem.params)
    if layout.labels:
        return f"{what}: {' '.join(layout.labels)}" if what else (layout.hint or " ".join(layout.labels))
    rows, cols = layout.blocks[0]
    size = f"{count(rows, 'row')} {TIMES} {count(cols, 'number')}"
    if not layout.reveal_shape:
        size = "work out its size yourself and write one line per row"
    if len(set(layout.blocks)) > 1:  # grids of different shapes: say each one's
        titles = layout.block_titles or tuple(f"grid {b + 1}" for b in range(len(layout.blocks)))
        size = "; ".join(f"{t} ({r} {TIMES} {c})" for t, (r, c) in zip(titles, layout.blocks))
        if layout.reveal_shape:
            size += ", a blank line between grids"
        else:
            size = "work out each grid's size yourself; one line per row, a blank line between grids"
    elif len(layout.blocks) > 1:
        size = f"{len(layout.blocks)} channels of {size}, a blank line between channels"
    text = f"{what}, {size}" if what else size
    return f"{text}; {layout.hint}" if layout.hint else text
