"""Files in and out of `exercisegen grade`: collecting submissions and writing the grades folder.

A writer module like `generate.py`: `cli.py` wraps `write_grades` in `outdir.write_atomically`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from exercisegen.batch import GRADED, BatchResult
from exercisegen.errors import InputFileError
from exercisegen.feedback import feedback_text
from exercisegen.outdir import write_text
from exercisegen.reports import gradebook_csv, results_json
from exercisegen.roster import file_stems
from exercisegen.variants import Key

READ_LIMIT = 20 * 1024 * 1024 + 1  # one byte over the PDF cap: enough for the parser to say "too large"


def collect_submissions(paths: list[str]) -> list[tuple[str, float, bytes]]:
    """(path, mtime, first bytes) for every file named, and for every file below a folder named
    (recursively, sorted, hidden files and folders skipped, symbolic links not followed)."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if not name.startswith(".") and not os.path.islink(full):
                        files.append(full)
        elif os.path.exists(path):
            files.append(path)
        else:
            raise InputFileError(f"{path}: no such file or folder; name answer files or folders of them")
    submissions = []
    for path in files:
        try:
            with open(path, "rb") as handle:
                submissions.append((path, os.stat(path).st_mtime, handle.read(READ_LIMIT)))
        except OSError as err:
            raise InputFileError(f"{path}: cannot read the submission: {err.strerror or err}") from None
    return submissions


def write_grades(batch: BatchResult, key: Key, directory: Path, reveal: bool) -> None:
    """gradebook.csv, results.json, feedback/<student>.txt and .pdf, summary.pdf."""
    from exercisegen.render.report import feedback_pdf, summary_pdf

    write_text(directory / "gradebook.csv", gradebook_csv(batch))
    write_text(directory / "results.json", json.dumps(results_json(batch), ensure_ascii=False, indent=1) + "\n")
    variants = {v.code: v for v in key.variants}
    stems = file_stems([v.student_id for v in key.variants])
    (directory / "feedback").mkdir()
    for entry in batch.entries:
        if entry.status != GRADED or entry.result is None:
            continue
        variant = variants[entry.variant_code]
        stem = stems[variant.student_id]
        write_text(directory / "feedback" / f"{stem}.txt", feedback_text(entry.result, variant, reveal))
        feedback_pdf(entry.result, variant, reveal, str(directory / "feedback" / f"{stem}.pdf"), paper=key.paper)
    summary_pdf(batch, key, str(directory / "summary.pdf"))
