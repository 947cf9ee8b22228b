"""Check that a refactor keeps behaviour: `exercisegen generate` must write the same bytes as an older commit.

    python benchmarks/compare_outputs.py                       # against 67dc0bc, 40 students
    python benchmarks/compare_outputs.py --base HEAD~3 --students 10 --keep /tmp/cmp

The older commit is checked out into a temporary `git worktree` (removed afterwards), so the working
tree is never touched. For each bundled spec, generate runs once with the base tree's code and once with
the current tree's code (the same spec file, roster and arguments; PYTHONPATH selects the package, and
each run prints `exercisegen.__file__` so that is checked). Then both output folders are compared file by
file. Exit status: 0 when every file is identical, 1 otherwise, 2 when the comparison could not be set up.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ["conv_review.yaml", "lecture_examples.yaml", "transposed_homework.yaml"]
# Ids whose file names are sanitised (or hashed to avoid a clash), and names that need quoting. No `"` in a
# name: the roster reader sniffs its dialect from the header line alone, so it would not undo doubled quotes.
ODD_STUDENTS = [
    ("a.b", "Dotted Id"),
    ("A.B", "Same Id, Other Case"),
    ("x y", "Space In Id"),
    ("a/b", "Slash In Id"),
    ("a_b", "Underscore Id"),
    (".hidden", "Leading Dot"),
    ("o'neil", "O'Neil, Pat"),
]
MARKER = "exercisegen.__file__="
SHOWN = 10


def git(*args: str) -> str:
    """Run git in the current tree; return its stdout (raises CalledProcessError with git's message)."""
    result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, ["git", *args], result.stdout, result.stderr)
    return result.stdout.strip()


def write_roster(path: Path, count: int) -> None:
    """A roster of `count` students: s001, s002, ... ("Student 1", ...) then a few ids that get sanitised."""
    odd = ODD_STUDENTS[: max(0, count - 1)]
    plain = count - len(odd)
    width = max(3, len(str(plain)))
    rows = [(f"s{i:0{width}d}", f"Student {i}") for i in range(1, plain + 1)] + odd
    with open(path, "w", newline="", encoding="ascii") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name"])
        writer.writerows(rows)


def run_generate(tree: Path, spec: Path, roster: Path, out: Path) -> tuple[str | None, Path, float]:
    """Run `generate` with `tree`'s package; return (error or None, imported package file, seconds).
    Exits with status 2 when the package cannot be imported or comes from another tree."""
    argv = ["exercisegen", "generate", str(spec), "--roster", str(roster), "--out", str(out), "--jobs", "2"]
    code = (
        f"import sys, exercisegen; print({MARKER!r} + exercisegen.__file__, flush=True); "
        f"sys.argv = {argv!r}; from exercisegen.cli import main; main()"
    )
    env = dict(os.environ, PYTHONPATH=str(tree))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    first, _, rest = result.stdout.partition("\n")
    output = " ".join((rest + result.stderr).split())
    imported = Path(first.removeprefix(MARKER)).resolve()
    expected = (tree / "exercisegen" / "__init__.py").resolve()
    if not first.startswith(MARKER) or imported != expected:
        found = imported if first.startswith(MARKER) else f"nowhere ({output[-600:]})"
        print(f"error: the run for {tree} imported exercisegen from {found}, not {expected}", file=sys.stderr)
        raise SystemExit(2)
    error = f"exit status {result.returncode}: {output[-600:]}" if result.returncode != 0 else None
    return error, imported, seconds


def file_map(folder: Path) -> dict[str, Path]:
    """Every file under `folder`, keyed by its relative POSIX path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def first_line_difference(old: bytes, new: bytes) -> str:
    """`line N: base ... / current ...` for the first line where two texts differ."""
    old_lines = old.decode("utf-8", "replace").splitlines()
    new_lines = new.decode("utf-8", "replace").splitlines()
    for number, (a, b) in enumerate(zip(old_lines + [""], new_lines + [""]), start=1):
        if a != b:
            return f"line {number}: base {a[:100]!r} / current {b[:100]!r}"
    return f"line endings differ ({len(old_lines)} vs {len(new_lines)} lines)"


def compare_folders(base: Path, current: Path) -> list[str]:
    """One description per file that differs or exists on one side only; empty when both trees are identical."""
    old, new = file_map(base), file_map(current)
    problems = [f"only in base: {p}" for p in sorted(old.keys() - new.keys())]
    problems += [f"only in current: {p}" for p in sorted(new.keys() - old.keys())]
    for rel in sorted(old.keys() & new.keys()):
        a, b = old[rel].read_bytes(), new[rel].read_bytes()
        if a != b:
            detail = f" ({first_line_difference(a, b)})" if rel.endswith((".json", ".yaml", ".txt")) else ""
            problems.append(f"differs: {rel} ({len(a)} vs {len(b)} bytes){detail}")
    return problems


def pick_spec(name: str, base_tree: Path, copy_dir: Path) -> tuple[Path | None, str]:
    """Copy the current tree's spec (else the base tree's) into `copy_dir`; return it and a note for the report."""
    current, base = ROOT / "problem_specs" / name, base_tree / "problem_specs" / name
    source = current if current.is_file() else base if base.is_file() else None
    if source is None:
        return None, "in neither tree"
    note = "" if source == current else "not in the current tree; using the base tree's copy"
    if source == current and base.is_file() and base.read_bytes() != current.read_bytes():
        note = "the spec differs between the trees; using the current tree's copy for both runs"
    copy = copy_dir / name
    copy.write_bytes(source.read_bytes())  # one frozen copy, so both runs read the same bytes
    return copy, note


def compare_spec(name: str, base_tree: Path, work: Path, out_root: Path, times: dict[str, float]) -> bool:
    """Generate `name` with both trees, print the one-line verdict (and details); True when identical."""
    spec, note = pick_spec(name, base_tree, work)
    if note:
        print(f"{name}: note: {note}")
    if spec is None:
        return False
    outs = {"base": out_root / "base" / spec.stem, "current": out_root / "current" / spec.stem}
    failures = []
    for label, tree in (("base", base_tree), ("current", ROOT)):
        outs[label].parent.mkdir(parents=True, exist_ok=True)
        error, imported, seconds = run_generate(tree, spec, work / "roster.csv", outs[label])
        times[label] += seconds
        print(f"  {label:<8}{seconds:6.1f} s  {'FAILED' if error else 'ok'}, exercisegen from {imported}")
        if error:
            failures.append(f"  {label}: {error}")
    if failures:
        print(f"{name}: generate failed, nothing to compare")
        print("\n".join(failures))
        return False
    problems = compare_folders(outs["base"], outs["current"])
    count = len(file_map(outs["base"]).keys() | file_map(outs["current"]).keys())
    if not problems:
        print(f"{name}: {count} files identical")
        return True
    print(f"{name}: {len(problems)} of {count} files differ or are missing")
    for line in problems[:SHOWN]:
        print(f"  {line}")
    if len(problems) > SHOWN:
        print(f"  ... and {len(problems) - SHOWN} more")
    return False


def main() -> int:
    """Parse the arguments, set up the worktree, compare every spec, clean up; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="67dc0bc", help="commit to compare against (default: 67dc0bc)")
    parser.add_argument("--students", type=int, default=40, help="students in the roster (default: 40)")
    parser.add_argument("--keep", type=Path, help="keep both output trees under this (new or empty) directory")
    args = parser.parse_args()
    if args.students < 1:
        parser.error("--students must be >= 1")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: directory is not empty")
    try:
        commit = git("rev-parse", "--verify", f"{args.base}^{{commit}}")
    except subprocess.CalledProcessError as err:
        print(f"error: unknown base {args.base!r}: {err.stderr.strip()}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="compare_outputs-"))
    base_tree = work / "base-tree"
    try:
        git("worktree", "add", "--detach", str(base_tree), commit)
        print(f"base:    {git('log', '-1', '--format=%h %s', commit)} (worktree {base_tree})")
        print(f"current: working tree {ROOT}")
        write_roster(work / "roster.csv", args.students)
        out_root = args.keep.resolve() if args.keep is not None else work / "out"
        times = {"base": 0.0, "current": 0.0}
        results = [compare_spec(name, base_tree, work, out_root, times) for name in SPECS]
    except subprocess.CalledProcessError as err:
        print(f"error: {' '.join(err.cmd)}: {err.stderr.strip()}", file=sys.stderr)
        return 2
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)], capture_output=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"generate took {times['base']:.1f} s (base) and {times['current']:.1f} s (current); "
        f"total {time.perf_counter() - start:.1f} s"
    )
    if args.keep is not None:
        print(f"outputs kept in {out_root}/base and {out_root}/current")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
