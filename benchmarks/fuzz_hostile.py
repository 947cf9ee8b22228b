"""The long fuzz run of issue 9: hostile submissions, file-system oddities and mutated specs.

    python benchmarks/fuzz_hostile.py [--files 3000] [--specs 1000] [--seed 9]

Prints, per group, how many cases ran and how many ended in an internal error, a hang (more than
HANG_SECONDS), a lost row (a file without its own gradebook row) or a wrong grade (a problem given
full marks whose numbers differ from the key's, or the other way round). Every count but `cases`
must be 0. The suite's fast version is tests/test_hostile.py::test_fuzz_hostile_submissions.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzcases import cases, judge, mutate, perfect_yaml  # noqa: E402

from exercisegen.batch import grade_batch  # noqa: E402
from exercisegen.variants import key_from_json  # noqa: E402

HANG_SECONDS = 10.0
SPEC = ROOT / "problem_specs" / "transposed_homework.yaml"
CLI = [sys.executable, "-m", "exercisegen"]


def _generate(tmp: Path, pdf: bool) -> tuple[Path, object]:
    out = Path(tempfile.mkdtemp(dir=tmp)) / ("set-pdf" if pdf else "set")
    args = [*CLI, "generate", str(SPEC), "--variants", "1" if pdf else "5", "--out", str(out)]
    subprocess.run(args + ([] if pdf else ["--no-pdf"]) + ["--jobs", "1"], check=True, capture_output=True)
    return out, key_from_json((out / "key.json").read_text(encoding="utf-8"), "key.json")


def submissions(tmp: Path, count: int, seed: int) -> dict[str, int]:
    """Mutated YAML/JSON sheets and worksheet PDFs, each graded alone (hangs) and all in one batch."""
    out, key = _generate(tmp, pdf=False)
    files = cases(key, seed, count)
    pdf_out, pdf_key = _generate(tmp, pdf=True)
    blank = (pdf_out / "worksheets" / f"{pdf_key.variants[0].student_id}.pdf").read_bytes()  # type: ignore[attr-defined]
    rng = random.Random(seed)
    pdfs = []
    for i in range(max(count // 20, 10)):
        data = bytearray(blank)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = bytearray(bytes(data).replace(b":0:0:0)", rng.choice([b":\xb2:0:0)", b":0:0:\xff)", b":9999:0:0)"])))
        pdfs.append((f"pdf/{i}.pdf", float(i), bytes(data)))
    figures = {"cases": len(files) + len(pdfs), "internal errors": 0, "hangs": 0, "rows lost": 0, "wrong grades": 0}
    slowest = 0.0
    for group_key, group in ((key, files), (pdf_key, pdfs)):
        for one in group:
            started = time.perf_counter()
            grade_batch(group_key, [one])  # type: ignore[arg-type]
            took = time.perf_counter() - started
            slowest = max(slowest, took)
            figures["hangs"] += took > HANG_SECONDS
        for name, value in judge(group_key, group, grade_batch(group_key, group)).items():  # type: ignore[arg-type]
            figures[name] += value
    figures["slowest file (ms)"] = round(slowest * 1000)
    return figures


def oddities(tmp: Path) -> dict[str, int]:
    """A submissions folder of file-system oddities, graded by the real command with a time limit."""
    out, key = _generate(tmp, pdf=False)
    subs = tmp / "odd"
    subs.mkdir()
    good = perfect_yaml(key, key.variants[0])  # type: ignore[attr-defined]
    (subs / "ok.yaml").write_bytes(good)
    os.mkfifo(subs / "pipe.yaml")
    (subs / "link.yaml").symlink_to(subs / "ok.yaml")
    (subs / "dirlink").symlink_to(subs)
    (subs / "loop").symlink_to(subs / "loop")
    (subs / "dev.yaml").symlink_to("/dev/zero")
    (subs / ".hidden.yaml").write_bytes(good)
    (subs / ".git").mkdir()
    (subs / ".git" / "x.yaml").write_bytes(good)
    (subs / "empty.yaml").write_bytes(b"")
    (subs / "folder.yaml").mkdir()
    (subs / os.fsdecode(b"bad\xff\xfe.yaml")).write_bytes(good)
    (subs / "new\nline.yaml").write_bytes(good)
    (subs / "rtl\u202egpj.yaml").write_bytes(good)
    (subs / "huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    (subs / "flow.yaml").write_bytes(good + b"  x: [" + b",".join([b"1"] * 1_000_000) + b"]\n")
    (subs / "unreadable.yaml").write_bytes(good)
    os.chmod(subs / "unreadable.yaml", 0)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(subs / "sock.yaml"))
    entries = sum(1 for _ in os.scandir(subs)) + 1  # and the hidden folder's file is not entered
    figures = {"cases": entries - 2, "internal errors": 0, "hangs": 0, "rows lost": 0, "wrong grades": 0}
    grades = tmp / "odd-grades"
    try:
        done = subprocess.run(
            [*CLI, "grade", "--key", str(out / "key.json"), str(subs), "--out", str(grades)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        figures["hangs"] = 1
        return figures
    finally:
        sock.close()
    figures["internal errors"] = int("internal error" in done.stdout + done.stderr)
    rows = list(csv.DictReader(io.StringIO((grades / "gradebook.csv").read_text(encoding="utf-8"))))
    files = [r for r in rows if r["message"] != "no submission"]
    figures["rows lost"] = max(0, figures["cases"] - len(files))
    figures["wrong grades"] = sum(r["status"] == "ok" and r["percent"] != "100.0" for r in rows)
    return figures


def specs(tmp: Path, count: int, seed: int) -> dict[str, int]:
    """Mutated specs (bytes, and numbers made huge) validated in-process, each timed."""
    from click.testing import CliRunner

    from exercisegen.cli import main

    text = SPEC.read_bytes()
    rng = random.Random(seed)
    figures = {"cases": count, "internal errors": 0, "hangs": 0, "refused": 0, "accepted": 0}
    path = tmp / "spec.yaml"
    for _ in range(count):
        if rng.random() < 0.5:
            data = mutate(text, rng)
        else:
            numbers = [i for i, ch in enumerate(text) if 48 <= ch <= 57]
            i = rng.choice(numbers)
            big = rng.choice([b"100000000000000000000", b"1000000", b"100000", b"65", b"17", b"-1", b"1e9"])
            data = text[:i] + big + text[i + 1 :]
        path.write_bytes(data)
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["validate", str(path)])
        figures["hangs"] += time.perf_counter() - started > HANG_SECONDS
        figures["internal errors"] += "internal error" in result.output or result.exit_code not in (0, 2)
        figures["refused" if result.exit_code == 2 else "accepted"] += 1
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged PDFs on purpose: no warnings
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, figures in (
            ("submissions", submissions(Path(tmp), args.files, args.seed)),
            ("file-system oddities", oddities(Path(tmp))),
            ("specs", specs(Path(tmp), args.specs, args.seed)),
        ):
            print(f"{name:22s}" + "  ".join(f"{k}: {v}" for k, v in figures.items()))
    print(f"{time.perf_counter() - started:.0f} s; load: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
