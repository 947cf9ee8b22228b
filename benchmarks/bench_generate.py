"""Time generating a class set: 200 students' worksheets and solutions, plus both class packets.

    python benchmarks/bench_generate.py                      # 200 students, one process
    python benchmarks/bench_generate.py --jobs 2             # students split over 2 processes
    python benchmarks/bench_generate.py --students 50 --spec problem_specs/conv_review.yaml

With one job it goes through `exercisegen.generate.write_set` (what `exercisegen generate` runs:
key.json, answer sheets, PDFs) when that works, else through the render functions directly. With
several jobs the students' PDFs are written in chunks by a process pool and each packet is one more
task, which is how a 2-core machine is kept busy. Prints the seconds of each phase and in total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _key(spec_path: str, students: int):
    from exercisegen.roster import numbered_students
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    return build_key(load_spec(spec_path), numbered_students(students))


def _write_students(spec_path: str, students: int, indices: list[int], folder: str) -> int:
    """Worker: rebuild the (deterministic) key, write the given students' worksheets and solutions."""
    from exercisegen.render import write_solution, write_worksheet

    key = _key(spec_path, students)
    for i in indices:
        variant = key.variants[i]
        write_worksheet(key, variant, f"{folder}/worksheets/{variant.student_id}.pdf")
        write_solution(key, variant, f"{folder}/solutions/{variant.student_id}.pdf")
    return len(indices)


def _write_packet(spec_path: str, students: int, kind: str, folder: str) -> str:
    from exercisegen.render import write_packet

    key = _key(spec_path, students)
    write_packet(key, key.variants, f"{folder}/class-{kind}s.pdf", kind)
    return kind


def _serial(key, folder: Path) -> str:
    """One process: generate.write_set if it runs, else the render functions in a loop."""
    try:
        from exercisegen.generate import write_set

        write_set(key, folder / "set", with_pdf=True)
        return "exercisegen.generate.write_set"
    except ImportError as err:
        print(f"(generate.write_set unavailable: {err}; timing the render functions directly)")
    from exercisegen.render import write_packet, write_solution, write_worksheet

    (folder / "worksheets").mkdir()
    (folder / "solutions").mkdir()
    for variant in key.variants:
        write_worksheet(key, variant, folder / "worksheets" / f"{variant.student_id}.pdf")
        write_solution(key, variant, folder / "solutions" / f"{variant.student_id}.pdf")
    write_packet(key, key.variants, folder / "class-worksheets.pdf", "worksheet")
    write_packet(key, key.variants, folder / "class-solutions.pdf", "solution")
    return "render functions, one process"


def _parallel(spec_path: str, students: int, jobs: int, folder: Path) -> str:
    (folder / "worksheets").mkdir()
    (folder / "solutions").mkdir()
    chunks = [list(range(students))[j::jobs] for j in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Packets first: each is one long task; the student chunks fill the other worker meanwhile.
        tasks = [
            pool.submit(_write_packet, spec_path, students, kind, str(folder)) for kind in ("solution", "worksheet")
        ]
        tasks += [pool.submit(_write_students, spec_path, students, chunk, str(folder)) for chunk in chunks]
        for task in tasks:
            task.result()
    return f"render functions, {jobs} processes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(ROOT / "problem_specs" / "transposed_homework.yaml"))
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    key = _key(args.spec, args.students)
    drawn = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.jobs > 1:
            how = _parallel(args.spec, args.students, args.jobs, folder)
        else:
            how = _serial(key, folder)
        done = time.perf_counter()
        pdfs = list(folder.rglob("*.pdf"))
        size = sum(p.stat().st_size for p in pdfs)
    print(f"spec {Path(args.spec).name}, {args.students} students, {how}")
    print(f"drawing the variants: {drawn - start:.2f} s")
    print(f"writing {len(pdfs)} PDFs ({size / 1e6:.1f} MB): {done - drawn:.2f} s")
    print(f"total: {done - start:.2f} s")


if __name__ == "__main__":
    main()
