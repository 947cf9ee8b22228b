"""Time generating a class set exactly as `exercisegen generate` does: variants, key.json, answer sheets,
200 students' worksheets and solutions, and both class packets.

    python benchmarks/bench_generate.py                 # 200 students, --jobs 1 and --jobs 2
    python benchmarks/bench_generate.py --students 50 --spec problem_specs/conv_review.yaml --jobs 2

Prints the seconds of each phase for each job count.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(spec_path: str, students: int, jobs: int) -> None:
    from exercisegen.generate import write_set
    from exercisegen.roster import numbered_students
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    start = time.perf_counter()
    key = build_key(load_spec(spec_path), numbered_students(students))
    drawn = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "set"
        folder.mkdir()
        write_set(key, folder, with_pdf=True, jobs=jobs)
        done = time.perf_counter()
        pdfs = list(folder.rglob("*.pdf"))
        size = sum(p.stat().st_size for p in pdfs)
    print(f"{Path(spec_path).name}, {students} students, --jobs {jobs}:")
    print(f"  drawing the variants: {drawn - start:.2f} s")
    print(f"  writing key, answer sheets and {len(pdfs)} PDFs ({size / 1e6:.1f} MB): {done - drawn:.2f} s")
    print(f"  total: {done - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(ROOT / "problem_specs" / "transposed_homework.yaml"))
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, action="append", help="job counts to time (default: 1 and 2)")
    args = parser.parse_args()
    for jobs in args.jobs or [1, 2]:
        run(args.spec, args.students, jobs)


if __name__ == "__main__":
    main()
