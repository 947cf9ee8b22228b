"""Grading a whole batch: one row per file (graded or an error saying why) and per missing student."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from exercisegen.errors import SubmissionError
from exercisegen.lms_names import Origin, Uploaders, describe_origin, origin_of, uploaders
from exercisegen.roster import file_stems
from exercisegen.scoring import Result, grade
from exercisegen.submissions import parse_submission
from exercisegen.textcheck import display_path
from exercisegen.variants import Key, Variant, check_code, normalize_code
from exercisegen.yamlload import clip

GRADED, SUPERSEDED, ERROR = "graded", "superseded", "error"


@dataclass(frozen=True)
class BatchEntry:
    """One row of a batch: a submitted file (or a student without one) and what became of it."""

    path: str
    mtime: float
    status: str  # "graded" | "superseded" | "error"
    message: str
    student_id: str
    student_name: str
    variant_code: str
    result: Result | None


@dataclass(frozen=True)
class BatchResult:
    """A graded batch: every file, and every student of the key without a graded file."""

    set_title: str
    problem_ids: tuple[str, ...]
    points: tuple[float, ...]  # per problem, in problem_ids order
    entries: tuple[BatchEntry, ...]


def grade_batch(
    key: Key,
    submissions: Sequence[tuple[Any, float, bytes | SubmissionError]],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Grade (path, mtime, bytes) submissions against `key`; never raises.

    Unreadable files (and files not read: the SubmissionError in place of bytes says why), wrong set
    titles and variant codes that are malformed, unknown or another student's become error entries. A
    file that an LMS download names as uploaded by another student than the one in it is an error entry
    of the uploader (see `_check_uploader`). Several graded files of one student: see `_one_student`.
    Students of the key without any file get an error entry "no submission". With `jobs` > 1 the files
    are read and graded by that many processes (the result is the same); `progress` is told how many
    more files are done as they finish.
    """
    return combine(key, grade_files(key, submissions, jobs=jobs, progress=progress))


def combine(key: Key, file_entries: Sequence[BatchEntry]) -> BatchResult:
    """The batch of graded file entries (one run's, or several shards' together, in any order)."""
    students = {v.student_id: v for v in key.variants}
    who = uploaders(key)
    graded: dict[str, list[BatchEntry]] = {}
    errors: list[BatchEntry] = []
    for entry in file_entries:
        entry = _check_uploader(entry, origin_of(entry.path), who, students)
        if entry.status == GRADED:
            graded.setdefault(entry.student_id, []).append(entry)
        else:
            errors.append(entry)
    errors_of: dict[str, list[BatchEntry]] = {}
    for entry in errors:
        errors_of.setdefault(entry.student_id, []).append(entry)
    entries: list[BatchEntry] = []
    stems = file_stems([v.student_id for v in key.variants])
    for variant in key.variants:
        mine = sorted(graded.get(variant.student_id, []), key=lambda e: (_rank(e), e.path), reverse=True)
        entries.extend(_one_student(mine, {variant.student_id, stems[variant.student_id]}, who))
        failed = sorted(errors_of.get(variant.student_id, []), key=lambda e: e.path)
        entries.extend(failed)
        if not mine and not failed:
            missing = BatchEntry("", 0.0, ERROR, "no submission", variant.student_id, variant.student_name, "", None)
            entries.append(dataclasses.replace(missing, variant_code=variant.code))
    entries.extend(sorted((e for e in errors if e.student_id not in students), key=lambda e: e.path))
    first = key.variants[0].problems if key.variants else ()
    return BatchResult(
        set_title=key.set_title,
        problem_ids=tuple(p.id for p in first),
        points=tuple(p.points for p in first),
        entries=tuple(entries),
    )


FILES_PER_TASK = 50  # files handed to a process at a time


def grade_files(
    key: Key,
    submissions: Sequence[tuple[Any, float, bytes | SubmissionError]],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[BatchEntry]:
    """One entry per submitted file, in the order given; `jobs` processes share the files."""
    tasks = [list(submissions[i : i + FILES_PER_TASK]) for i in range(0, len(submissions), FILES_PER_TASK)]
    entries: list[BatchEntry] = []
    if jobs < 2 or len(tasks) < 2:
        _remember(key)
        for task in tasks:
            entries.extend(_grade_task(task))
            if progress is not None:
                progress(len(task))
        return entries
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_remember, initargs=(key,)) as pool:
        for task, done in zip(tasks, pool.map(_grade_task, tasks)):
            entries.extend(done)
            if progress is not None:
                progress(len(task))
    return entries


_WORKER_KEY: list[tuple[Key, dict[str, Variant], dict[str, Variant]]] = []


def _remember(key: Key) -> None:
    """Process pool initializer: the key is sent to each process once, not with every task."""
    by_code = {normalize_code(v.code): v for v in key.variants}
    _WORKER_KEY[:] = [(key, by_code, {v.student_id: v for v in key.variants})]


def _grade_task(task: list[tuple[Any, float, bytes | SubmissionError]]) -> list[BatchEntry]:
    key, by_code, students = _WORKER_KEY[0]
    return [_grade_file(key, by_code, students, display_path(str(p)), float(m), d) for p, m, d in task]


def _rank(entry: BatchEntry) -> tuple[float, int]:
    """Newer files rank higher: modification time, then the LMS's upload order where known (-1)."""
    origin = origin_of(entry.path)
    return entry.mtime, -1 if origin is None or origin.order is None else origin.order


def _one_student(mine: list[BatchEntry], own_folders: set[str], who: Uploaders) -> list[BatchEntry]:
    """The entries of one student's graded files, newest first (by `_rank`).

    Files that share the newest modification time (every file of an LMS zip does) and that no LMS
    upload order (Canvas attachment ids) tells apart are an error row each, never a silent pick.
    A variant code is no proof of identity (without --secret-file anyone can compute a classmate's),
    so a file never silently replaces another: the newest counts (the others `superseded`) only when
    every file scores the same, cell for cell, when all of them sit in one folder named by the
    student's id or file name, or when an LMS download names the student as the uploader of every one.
    Otherwise every file is an error row "conflict: ..." and the student has no counted score until
    the instructor decides.
    """
    if not mine:
        return mine
    newest = mine[0]
    late = "late (the LMS marks the submission late)"
    origin = origin_of(newest.path)
    note = late if origin is not None and origin.late else ""
    if len(mine) < 2:
        return [dataclasses.replace(newest, message=note)]
    tied = [e for e in mine if e.mtime == newest.mtime and (_rank(e)[1] == -1 or _rank(e) == _rank(newest))]
    if len(tied) > 1:
        message = (
            f"files with the same modification time and no upload order to tell which is newer "
            f"({', '.join(e.path for e in tied)}); none counted: remove the ones that should not count and "
            "grade again"
        )
        rest = [e for e in mine if all(e is not t for t in tied)]
        superseded = f"older than {newest.path}; not counted"
        return [dataclasses.replace(e, status=ERROR, message=message, result=None) for e in tied] + [
            dataclasses.replace(e, status=SUPERSEDED, message=superseded) for e in rest
        ]
    older = [e.path for e in mine[1:]]
    same_grade = len({_grade_of(e) for e in mine}) == 1
    folders = {os.path.basename(os.path.dirname(e.path)) for e in mine}
    uploaded = all(_uploader(e, who) == newest.student_id for e in mine)
    if same_grade or uploaded or (len(folders) == 1 and folders <= own_folders):
        why = "same grade" if same_grade else "uploaded by the student" if uploaded else "same student's folder"
        also = f"also submitted {', '.join(older)} (older, {why}, not counted)"
        counted = dataclasses.replace(newest, message="; ".join(m for m in (also, note) if m))
        superseded = f"older than {newest.path} ({why}); not counted"
        return [counted] + [dataclasses.replace(e, status=SUPERSEDED, message=superseded) for e in mine[1:]]
    files = ", ".join(e.path for e in mine)
    conflict = (
        f"conflict: {len(mine)} files with different answers claim student {newest.student_id!r} ({files}); "
        "none counted: grade the student's own file alone, or remove the others and grade again"
    )
    return [dataclasses.replace(e, status=ERROR, message=conflict, result=None) for e in mine]


def _uploader(entry: BatchEntry, who: Uploaders) -> str | None:
    """The student an LMS download names as a file's uploader (None: not known)."""
    origin = origin_of(entry.path)
    return None if origin is None else who.student(origin)


def _check_uploader(
    entry: BatchEntry, origin: Origin | None, who: Uploaders, students: dict[str, Variant]
) -> BatchEntry:
    """A file an LMS download says student X uploaded: when it holds another student Y's answers it is an
    error entry of X ("submitted by X for Y"), never counted for Y; an unreadable file is X's error entry."""
    if origin is None:
        return entry
    uploader = who.student(origin)
    if uploader is None or uploader == entry.student_id:
        return entry
    if uploader:
        x = students[uploader]
        by = f"{x.student_name} ({uploader})" if x.student_name else repr(uploader)
    else:
        by = f"{describe_origin(origin)}, who is not in the roster,"
    name = students[uploader].student_name if uploader else ""
    if entry.status != GRADED:  # unreadable or refused: the uploader's problem, said as it was
        if not uploader:
            return entry
        note = f" (uploaded by {by})" if entry.student_id else ""
        return dataclasses.replace(entry, message=entry.message + note, student_id=uploader, student_name=name)
    y = students[entry.student_id]
    for_whom = f"{y.student_name} ({entry.student_id})" if y.student_name else repr(entry.student_id)
    message = (
        f"{entry.path}: submitted by {by} for {for_whom}; not counted: every student submits their own "
        "worksheet"
    )
    return dataclasses.replace(
        entry, status=ERROR, message=message, student_id=uploader, student_name=name, result=None
    )


def _grade_of(entry: BatchEntry) -> Any:
    """What a file scores, cell by cell (equal for files the grader cannot tell apart)."""
    assert entry.result is not None
    return tuple((p.problem_id, p.score, p.wrong_cells, p.blank_cells, p.mistake) for p in entry.result.problems)


def _grade_file(
    key: Key,
    by_code: dict[str, Variant],
    students: dict[str, Variant],
    path: str,
    mtime: float,
    data: bytes | SubmissionError,
) -> BatchEntry:
    """One file's entry: graded, or an error saying why not."""
    try:
        if isinstance(data, SubmissionError):  # not read at all (a pipe, a link, a zip entry refused, ...)
            raise data
        sub = parse_submission(data, path)
    except SubmissionError as exc:
        return BatchEntry(path, mtime, ERROR, str(exc), "", "", "", None)
    except Exception as exc:  # a reader bug must not stop the batch
        message = f"{path}: could not be read ({type(exc).__name__}); please report this"
        return BatchEntry(path, mtime, ERROR, message, "", "", "", None)
    claimed = students.get(sub.student_id)

    def error(message: str) -> BatchEntry:
        name = claimed.student_name if claimed else ""
        text = f"{sub.filename}: {message}"
        return BatchEntry(path, mtime, ERROR, text, sub.student_id, name, sub.variant_code, None)

    if sub.set_title != key.set_title and not sub.set_unknown:
        what = f"set {clip(sub.set_title)!r}" if sub.set_title else "no `set`"
        return error(f"{what}, but this key is for {clip(key.set_title)!r}; submit the answer sheet of this set")
    if not sub.variant_code:
        return error("no variant code; copy it from the worksheet")
    # a code in the key is accepted as it is: keys written before the check character changed hold old codes
    variant = by_code.get(normalize_code(sub.variant_code))
    if variant is None and not check_code(sub.variant_code):
        return error(f"variant code {clip(sub.variant_code)!r} is not valid (a typo?); not graded")
    if variant is None:
        return error(f"variant code {sub.variant_code} is not in this key; not graded")
    if sub.student_id != variant.student_id:
        who = f"student {clip(sub.student_id)!r}" if sub.student_id else "a file without a student id"
        return error(f"variant code {variant.code} belongs to student {variant.student_id!r}, not to {who}; not graded")
    try:
        result = grade(variant, sub)
    except Exception as exc:  # a grading bug must not stop the batch
        return error(f"could not be graded ({type(exc).__name__}); please report this")
    return BatchEntry(path, mtime, GRADED, "", variant.student_id, variant.student_name, variant.code, result)
