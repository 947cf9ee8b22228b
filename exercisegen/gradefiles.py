"""Files in and out of `exercisegen grade`: collecting submissions and writing the grades folder.

A writer module like `generate.py`: `cli.py` wraps `write_grades` in `outdir.write_atomically`.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from exercisegen.batch import GRADED, BatchResult
from exercisegen.errors import InputFileError, SubmissionError
from exercisegen.feedback import feedback_text
from exercisegen.outdir import write_text
from exercisegen.reports import gradebook_csv, results_json
from exercisegen.roster import file_stems
from exercisegen.textcheck import display_path
from exercisegen.variants import Key

READ_LIMIT = 20 * 1024 * 1024 + 1  # one byte over the PDF cap: enough for the parser to say "too large"

Submitted = tuple[str, float, "bytes | SubmissionError"]  # (path as text, mtime, bytes or why not read)


def collect_submissions(paths: list[str]) -> list[Submitted]:
    """(path as text, mtime, first bytes) for every file named, and for every file below a folder
    named (recursively, sorted). What is not graded still gets its entry, with a SubmissionError
    saying why instead of bytes: hidden files and folders, symbolic links inside a folder (not
    followed), named pipes, devices and sockets (never opened for reading), unreadable files."""
    files: list[tuple[str, bool]] = []  # (path, named on the command line)
    for path in paths:
        if os.path.isdir(path):
            files.extend(_walk(path))
        elif os.path.lexists(path):
            files.append((path, True))
        else:
            raise InputFileError(f"{display_path(path)}: no such file or folder; name answer files or folders of them")
    return [read_submission(path, named) for path, named in files]


def _walk(folder: str) -> list[tuple[str, bool]]:
    """Every entry below `folder`, sorted; hidden folders and links to folders listed, not entered."""
    found: list[tuple[str, bool]] = []
    for root, dirs, names in os.walk(folder):
        not_entered = sorted(d for d in dirs if d.startswith(".") or os.path.islink(os.path.join(root, d)))
        dirs[:] = sorted(d for d in dirs if d not in not_entered)
        found.extend((os.path.join(root, name), False) for name in sorted(names + not_entered))
    return found


def read_submission(path: str, named: bool = True) -> Submitted:
    """One file's bytes (at most READ_LIMIT), or the reason it is not read. Only regular files are
    read: the file is opened without blocking (a named pipe would wait forever) and checked with
    fstat before any byte is read; inside a folder (`named` False) links and hidden files are skipped."""
    shown = display_path(path)

    def refused(why: str) -> Submitted:
        return shown, 0.0, SubmissionError(f"{shown}: {why}")

    if not named:
        base = os.path.basename(path)
        if os.path.islink(path):
            return refused("skipped: a symbolic link (links are not followed); put the file itself in the folder")
        if base.startswith(".") and os.path.isdir(path):
            return refused("skipped: a hidden folder (its name starts with a dot); its files are not graded")
        if base.startswith("."):
            return refused("skipped: a hidden file (its name starts with a dot); rename it if it is a submission")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not named:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        return refused(f"cannot be read ({err.strerror or err}); not graded")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
            return refused(f"skipped: {what}; only regular files are graded")
        chunks, size = [], 0
        while size < READ_LIMIT:
            chunk = os.read(fd, READ_LIMIT - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return shown, info.st_mtime, b"".join(chunks)
    except OSError as err:
        return refused(f"cannot be read ({err.strerror or err}); not graded")
    finally:
        os.close(fd)


def write_grades(
    batch: BatchResult, key: Key, directory: Path, reveal: bool, jobs: int = 1, feedback: bool = True
) -> None:
    """gradebook.csv, results.json, feedback/<student>.txt and .pdf (unless `feedback` is False: an
    empty folder), summary.pdf; the feedback PDFs in `jobs` processes (the bytes are the same)."""
    from exercisegen.render.report import summary_pdf

    write_text(directory / "gradebook.csv", gradebook_csv(batch))
    write_text(directory / "results.json", json.dumps(results_json(batch), ensure_ascii=False, indent=1) + "\n")
    variants = {v.code: v for v in key.variants}
    stems = file_stems([v.student_id for v in key.variants])
    (directory / "feedback").mkdir()
    pdfs = []
    for entry in batch.entries:
        if entry.status != GRADED or entry.result is None or not feedback:
            continue
        variant = variants[entry.variant_code]
        stem = stems[variant.student_id]
        write_text(directory / "feedback" / f"{stem}.txt", feedback_text(entry.result, variant, reveal))
        pdfs.append((entry.result, variant, reveal, str(directory / "feedback" / f"{stem}.pdf"), key.paper))
    tasks = [pdfs[i : i + FEEDBACK_PER_TASK] for i in range(0, len(pdfs), FEEDBACK_PER_TASK)]
    if jobs < 2 or len(tasks) < 2:
        for task in tasks:
            _feedback_pdfs(task)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            list(pool.map(_feedback_pdfs, tasks))
    summary_pdf(batch, key, str(directory / "summary.pdf"))


FEEDBACK_PER_TASK = 20


def _feedback_pdfs(task: list[tuple[Any, ...]]) -> None:
    from exercisegen.render.report import feedback_pdf

    for result, variant, reveal, path, paper in task:
        feedback_pdf(result, variant, reveal, path, paper=paper)
