"""Time generating a class set, today's main and this tree side by side in one run, plus the pieces.

    python benchmarks/bench_generate.py                         # 200 students, main vs this tree
    python benchmarks/bench_generate.py --students 50 --base HEAD~5
    python benchmarks/bench_generate.py --no-pdf 10000 20000    # --no-pdf runs: seconds and peak memory

1. The whole `exercisegen generate` (worksheets, solutions, both packets) with the base commit's code
   (checked out into a temporary `git worktree`; run without reportlab's C accelerator, which the base
   does not install) and with this tree's, alternately, best of `--repeat`; the ratio.
2. The class packets of the same students: laid out again (`write_packet`, the way the base makes
   them) and merged from the students' PDFs (`merge_packet`, the way this tree does).
3. reportlab with and without its C accelerator (`rl-accel`): one worksheet and one solution.
4. `--no-pdf` runs of large classes: seconds and peak resident memory (the child process's maxrss).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "problem_specs" / "transposed_homework.yaml"
NO_ACCEL = "import sys; sys.modules['_rl_accel'] = None; "


def _generate(pythonpath: Path, args: list[str], accel: bool = True) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `exercisegen generate` in a child process."""
    code = (
        ("" if accel else NO_ACCEL)
        + "import sys, exercisegen; print(exercisegen.__file__, file=sys.stderr, flush=True); "
        + "from exercisegen.cli import main; main()"
    )
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code, "generate", *args],
        cwd=pythonpath,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    imported = Path(run.stderr.splitlines()[0]).resolve()
    assert imported == (pythonpath / "exercisegen" / "__init__.py").resolve(), f"imported {imported}"
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def whole_run(base: str, students: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), base], check=True, capture_output=True
        )
        try:
            times: dict[str, list[float]] = {"base": [], "now": []}
            for i in range(repeat):
                for label, path, accel in (("base", tree, False), ("now", ROOT, True)):
                    out = Path(tmp) / f"{label}{i}"
                    args = [str(SPEC), "--variants", str(students), "--out", str(out)]
                    times[label].append(_generate(path, args + ([] if label == "base" else ["-q"]), accel)[0])
            best = {k: min(v) for k, v in times.items()}
            sizes = {k: sum(p.stat().st_size for p in (Path(tmp) / f"{k}0").rglob("*.pdf")) / 1e6 for k in times}
            print(f"1. generate, {students} students of {SPEC.name} (worksheets, solutions, both packets):")
            for k in ("base", "now"):
                print(
                    f"   {k:4s} ({base if k == 'base' else 'this tree'}): {best[k]:.1f} s (runs: "
                    f"{', '.join(f'{t:.1f}' for t in times[k])}), PDFs {sizes[k]:.1f} MB"
                )
            print(f"   ratio: {best['base'] / best['now']:.2f}x faster")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def packets(students: int) -> None:
    from exercisegen.render import write_packet, write_solution, write_worksheet
    from exercisegen.render.packets import merge_packet
    from exercisegen.roster import numbered_students
    from exercisegen.spec import load_spec
    from exercisegen.variants import build_key

    key = build_key(load_spec(str(SPEC)), numbered_students(students))
    print(f"2. class packets of {students} students, laid out again vs merged from their PDFs:")
    for kind, write in (("worksheet", write_worksheet), ("solution", write_solution)):
        pdfs = []
        for variant in key.variants:
            out = io.BytesIO()
            write(key, variant, out)
            pdfs.append(out.getvalue())
        start = time.perf_counter()
        rendered = io.BytesIO()
        write_packet(key, key.variants, rendered, kind)
        t_render = time.perf_counter() - start
        start = time.perf_counter()
        merged = io.BytesIO()
        merge_packet(key, pdfs, merged, kind, len(pdfs))
        t_merge = time.perf_counter() - start
        print(
            f"   {kind:9s}: rendered {t_render:.2f} s ({len(rendered.getvalue()) / 1e6:.1f} MB), merged "
            f"{t_merge:.2f} s ({len(merged.getvalue()) / 1e6:.1f} MB): {t_render / t_merge:.1f}x"
        )


def accelerator(repeat: int) -> None:
    code = (
        "import io, time\n"
        "from exercisegen.render import write_solution, write_worksheet\n"
        "from exercisegen.roster import numbered_students\n"
        "from exercisegen.spec import load_spec\n"
        "from exercisegen.variants import build_key\n"
        f"key = build_key(load_spec({str(SPEC)!r}), numbered_students(10))\n"
        "start = time.perf_counter()\n"
        "for v in key.variants:\n"
        "    write_worksheet(key, v, io.BytesIO()); write_solution(key, v, io.BytesIO())\n"
        "print(time.perf_counter() - start)\n"
    )
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeat):
        for accel in (False, True):
            run = subprocess.run(
                [sys.executable, "-c", ("" if accel else NO_ACCEL) + code],
                check=True,
                capture_output=True,
                text=True,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
            )
            times[accel].append(float(run.stdout))
    slow, fast = min(times[False]), min(times[True])
    print(
        f"3. 10 worksheets + 10 solutions: pure-Python reportlab {slow:.2f} s, with rl-accel {fast:.2f} s: "
        f"{slow / fast:.2f}x"
    )


def no_pdf(counts: list[int]) -> None:
    print("4. generate --no-pdf (key.json and answer sheets only):")
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            seconds, peak = _generate(ROOT, [str(SPEC), "--variants", str(n), "--out", f"{tmp}/n{n}", "--no-pdf", "-q"])
            print(f"   {n} students: {seconds:.1f} s ({seconds / n * 1000:.2f} ms per student), peak RSS {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--base", default="main")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-pdf", type=int, nargs="*", default=None, help="class sizes for --no-pdf runs")
    parser.add_argument("--skip", nargs="*", default=[], choices=["whole", "packets", "accel"])
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"Python {sys.version.split()[0]}"
    )
    if "whole" not in args.skip:
        whole_run(args.base, args.students, args.repeat)
    if "packets" not in args.skip:
        packets(min(args.students, 60))
    if "accel" not in args.skip:
        accelerator(args.repeat)
    if args.no_pdf:
        no_pdf(args.no_pdf)
    load = os.getloadavg()
    print(f"load at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
