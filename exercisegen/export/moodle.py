"""Moodle XML: one Cloze (embedded answers) question per variant and problem, in a category per problem.

A Moodle quiz slot "random question from category <set>/<problem>" then gives each student another
variant. Every answer cell is a NUMERICAL gap (`{1:NUMERICAL:=10:0#Right~%0%7:0#You kept …}`) with the
spec's tolerance; each modelled mistake whose prediction for the cell differs from the right value adds a
0 % alternative with the mistake's sentence as feedback (deduplicated per cell; a prediction of another size
counts as written into the boxes from the top-left). All gaps get the same
width (an extra 0 % answer of the widest length, R/exams' `numwidth` trick), so a gap's size tells nothing.
The worked solution is the question's general feedback.
"""

from __future__ import annotations

from html import escape
from typing import Any

from exercisegen.export.html import QuizItem, problem_html, quiz_item, solution_html
from exercisegen.notation import one_line
from exercisegen.problems.base import same_answer
from exercisegen.variants import Key, Problem

MAX_NAME = 255  # Moodle's question name column
GAP_WIDTH = 8  # characters every gap is made wide enough for
_CLOZE_SPECIALS = "\\}#~/\"{"  # must be backslash-escaped inside a gap (Moodle's Cloze syntax)


def cloze_escape(text: str) -> str:
    """Text that can stand inside a Cloze gap's answer or feedback."""
    return "".join("\\" + ch if ch in _CLOZE_SPECIALS else ch for ch in text)


def _number(value: Any) -> str:
    """A number as Moodle reads it (ASCII minus, dot decimals, no exponent)."""
    if isinstance(value, float):
        return f"{value:.10f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def _tolerance(problem: Problem, value: Any) -> str:
    """Moodle's NUMERICAL tolerance is absolute: atol + rtol·|value| (the grader's rule, key-scaled)."""
    tol = problem.atol + problem.rtol * abs(value)
    return _number(tol) if tol else "0"


def cell_alternatives(item: QuizItem) -> dict[tuple[int, int, int], list[tuple[Any, str]]]:
    """Per answer cell: the wrong values modelled mistakes predict there, each with its sentence."""
    found: dict[tuple[int, int, int], list[tuple[Any, str]]] = {}
    problem, answer = item.problem, item.answer
    if item.restated:
        return found
    for rule, predicted in problem.kind.predictions(problem.params):
        if same_answer(predicted, answer):
            continue
        # a prediction of another size is written into the boxes from the top-left: compare where both have cells
        for b, block in enumerate(predicted[: len(answer)]):
            for r, row in enumerate(block[: len(answer[b])]):
                for c, value in enumerate(row[: len(answer[b][r])]):
                    right = answer[b][r][c]
                    if same_answer(((( value,),),), (((right,),),), atol=problem.atol, rtol=problem.rtol):
                        continue
                    cell = found.setdefault((b, r, c), [])
                    if all(not same_answer((((value,),),), (((v,),),)) for v, _ in cell):
                        cell.append((value, rule.sentence))
    return found


def gap(item: QuizItem, b: int, r: int, c: int, alternatives: list[tuple[Any, str]]) -> str:
    """One NUMERICAL gap: the right value, the mistakes' values (0 %) and a filler that fixes the width."""
    right = item.answer[b][r][c]
    parts = [f"={_number(right)}:{_tolerance(item.problem, right)}#{cloze_escape('Right.')}"]
    for value, sentence in alternatives:
        parts.append(f"%0%{_number(value)}:0#{cloze_escape(escape(sentence, quote=False))}")
    used = {_number(right)} | {_number(v) for v, _ in alternatives}
    filler = "-" + "9" * (GAP_WIDTH - 1)
    while filler in used:
        filler = filler[:-1] + "8"
    parts.append(f"%0%{filler}:0")
    return "{1:NUMERICAL:" + "~".join(parts) + "}"


def category_path(key: Key, problem_id: str) -> str:
    """`$course$/top/exercisegen/<set>/<problem>` (slashes in names doubled, as Moodle's format wants)."""
    def part(text: str) -> str:
        return one_line(text).replace("/", "//")

    return f"$course$/top/exercisegen/{part(key.set_title)}/{part(problem_id)}"


def _cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _question(key: Key, variant_code: str, student: str, problem: Problem) -> str:
    item = quiz_item(problem)
    alternatives = cell_alternatives(item)
    text = problem_html(item, lambda b, r, c: gap(item, b, r, c, alternatives.get((b, r, c), [])))
    name = one_line(f"{key.set_title} · {problem.id} · {variant_code}")[:MAX_NAME]
    points = _number(float(problem.points))
    return "\n".join(
        [
            '  <question type="cloze">',
            f"    <name><text>{escape(name)}</text></name>",
            f'    <questiontext format="html"><text>{_cdata(text)}</text></questiontext>',
            f'    <generalfeedback format="html"><text>{_cdata(solution_html(item))}</text></generalfeedback>',
            f"    <defaultgrade>{points}</defaultgrade>",
            "    <penalty>0</penalty>",
            "    <hidden>0</hidden>",
            f"    <idnumber>{escape(f'{variant_code}-{problem.id}'[:100])}</idnumber>",
            f"    <!-- student {escape(student).replace('--', '- -')} -->",
            "  </question>",
        ]
    )


def moodle_xml(key: Key) -> str:
    """The whole Moodle XML file: per problem a category, then that problem of every variant."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    problem_ids = [p.id for p in key.variants[0].problems] if key.variants else []
    for pid in problem_ids:
        lines += [
            '  <question type="category">',
            f"    <category><text>{escape(category_path(key, pid))}</text></category>",
            "  </question>",
        ]
        for variant in key.variants:
            problem = next(p for p in variant.problems if p.id == pid)
            lines.append(_question(key, variant.code, variant.student_id, problem))
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"
