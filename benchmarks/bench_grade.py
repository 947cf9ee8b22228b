"""Time grading: a key for 1,000 students (the homework spec), 1,000 YAML answer sheets and 100 filled
worksheet PDFs, graded as batches. A third of the answers are right, a third carry a typical mistake
(so diagnosis runs), a third have blanks and slips.

Run: python benchmarks/bench_grade.py
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
from exercisegen.answers import answer_template, layouts_of
from exercisegen.grading import grade_batch, summarize
from exercisegen.mistakes import rules_for

from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.variants import Key, Problem, Variant, build_key

SPEC = Path(__file__).resolve().parent.parent / "problem_specs" / "transposed_homework.yaml"
STUDENTS = 1000
PDFS = 100


def written_answer(problem: Problem, rng: np.random.Generator) -> list:
    """What a simulated student writes: the answer, a mistake's prediction, or the answer with slips."""
    kind = rng.integers(3)
    if kind == 1:
        predictions = [p for p in (m.predict(problem.params) for m in rules_for(problem.type)) if p is not None]
        if predictions:
            return predictions[int(rng.integers(len(predictions)))]
    answer = problem.answer
    if kind == 2:
        flat = np.array(answer, dtype=object)
        index = tuple(int(rng.integers(n)) for n in flat.shape)
        flat[index] = "?" if rng.random() < 0.5 else int(rng.integers(-9, 10))
        return flat.tolist()
    return answer


def grid_text(answer: list) -> list[str]:
    blocks = answer if isinstance(answer[0][0], list) else [answer]
    lines: list[str] = []
    for b, block in enumerate(blocks):
        if b:
            lines.append("")
        lines += [" ".join(str(v) for v in row) for row in block]
    return lines


def yaml_sheet(key: Key, variant: Variant, rng: np.random.Generator) -> bytes:
    lines = [f'set: "{key.set_title}"', f'student: "{variant.student_id}"', f'variant: "{variant.code}"', "answers:"]
    for problem in variant.problems:
        lines.append(f"  {problem.id}: |")
        lines += [f"    {line}" if line else "" for line in grid_text(written_answer(problem, rng))]
    return ("\n".join(lines) + "\n").encode()


def filled_pdf(key: Key, variant: Variant, rng: np.random.Generator) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render.worksheet import write_worksheet

    buf = io.BytesIO()
    write_worksheet(key, variant, buf)
    values = {}
    for problem in variant.problems:
        answer = written_answer(problem, rng)
        blocks = answer if isinstance(answer[0][0], list) else [answer]
        for b, block in enumerate(blocks):
            for r, row in enumerate(block):
                for c, value in enumerate(row):
                    values[f"{problem.id}:{b}:{r}:{c}"] = str(value)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    return value, seconds


def main() -> None:
    rng = np.random.default_rng(0)
    key, t_key = timed("key", lambda: build_key(load_spec(str(SPEC)), numbered_students(STUDENTS)))
    print(f"key for {STUDENTS} students ({len(key.variants[0].problems)} problems each): {t_key:.1f} s")

    layouts_time = time.perf_counter()
    for variant in key.variants[:100]:
        answer_template(key.set_title, variant, layouts_of(variant))
    print(f"answer templates: {100 / (time.perf_counter() - layouts_time):.0f} per second")

    sheets = [(f"answers/{v.student_id}.yaml", 1.0, yaml_sheet(key, v, rng)) for v in key.variants]
    batch, t_yaml = timed("yaml", lambda: grade_batch(key, sheets))
    graded = sum(e.status == "graded" for e in batch.entries)
    summary = summarize(batch)
    print(
        f"graded {graded} YAML sheets in {t_yaml:.2f} s: {len(sheets) / t_yaml:.0f} per second "
        f"(mean {summary.mean_percent:.1f} %, {sum(n for _, n, _ in summary.mistakes)} mistakes named)"
    )

    pdfs, t_make = timed(
        "pdf", lambda: [(f"pdf/{v.student_id}.pdf", 1.0, filled_pdf(key, v, rng)) for v in key.variants[:PDFS]]
    )
    print(f"made {PDFS} filled worksheet PDFs in {t_make:.1f} s (not part of grading)")
    small = Key(key.set_title, key.spec_sha256, key.seed, key.variants[:PDFS])
    batch, t_pdf = timed("grade pdf", lambda: grade_batch(small, pdfs))
    graded = sum(e.status == "graded" for e in batch.entries)
    print(f"graded {graded} PDF worksheets in {t_pdf:.2f} s: {PDFS / t_pdf:.0f} per second")


if __name__ == "__main__":
    main()
