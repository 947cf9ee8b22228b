"""Reading a "download all submissions" zip from Canvas or Moodle, in memory and never extracted.

Every entry is checked before a byte of it is read: at most MAX_ENTRIES entries; each at most
READ_LIMIT bytes as declared, read through a reader that stops there (a header that lies cannot make it
more); MAX_TOTAL bytes for the whole zip; an entry over 1 MiB packed more than MAX_RATIO times is a zip
bomb. Entries with absolute paths or `..`, links, encrypted and hidden entries become error rows like
any unreadable file; folders and macOS's `__MACOSX/` copies are skipped. A member is named
`<zip>/<path in the zip>`, so the LMS's file and folder names (who uploaded it, see `lms_names`) carry over.
"""

from __future__ import annotations

import os
import stat

from exercisegen.errors import InputFileError, SubmissionError
from exercisegen.gradefiles import READ_LIMIT, Submitted, collect_submissions

MAX_ENTRIES = 10_000
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FROM = 1024 * 1024  # small entries may pack well (a YAML sheet of blanks); only large ones are suspicious


def is_zip(path: str) -> bool:
    """True for an existing regular file named `*.zip`."""
    return path.lower().endswith(".zip") and os.path.isfile(path)


def collect(paths: list[str]) -> list[Submitted]:
    """Submissions from the files, folders and LMS zips named on the command line."""
    zips = [p for p in paths if is_zip(p)]
    others = [p for p in paths if not is_zip(p)]
    found: list[Submitted] = list(collect_submissions(others)) if others else []
    for path in zips:
        found.extend(read_zip(path))
    return found


def read_zip(path: str) -> list[Submitted]:
    """One (name, mtime, bytes or why not) per file in the zip; InputFileError when it is no zip."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as err:
        raise InputFileError(f"{path}: not a readable zip file ({err}); download the submissions again") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputFileError(f"{path}: the zip holds {len(infos)} entries; the limit is {MAX_ENTRIES}")
        found: list[Submitted] = []
        total = 0
        for info in infos:
            name = f"{path}/{info.filename}"
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            why = _refusal(info)
            if why is None and total + info.file_size > MAX_TOTAL:
                why = f"not read: the zip unpacks to more than {MAX_TOTAL // 2**20} MiB; grade it in parts"
            if why is not None:
                found.append((name, _mtime(info), SubmissionError(f"{name}: {why}")))
                continue
            total += info.file_size
            try:
                with archive.open(info) as member:
                    data = member.read(READ_LIMIT)
            except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError) as err:
                error = SubmissionError(f"{name}: cannot be read from the zip ({err}); not graded")
                found.append((name, _mtime(info), error))
                continue
            found.append((name, _mtime(info), data))
    return found


def _refusal(info: object) -> str | None:
    """Why a zip entry is not read (None: read it)."""
    import zipfile

    assert isinstance(info, zipfile.ZipInfo)
    parts = info.filename.replace("\\", "/").split("/")
    if info.filename.startswith(("/", "\\")) or ".." in parts or (len(parts[0]) > 1 and parts[0][1] == ":"):
        return "not read: its path leaves the zip (absolute or with `..`)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "not read: a symbolic link inside the zip"
    if info.flag_bits & 0x1:
        return "not read: encrypted; download the submissions again without a password"
    if any(part.startswith(".") for part in parts):
        return "skipped: a hidden file (its name starts with a dot); rename it if it is a submission"
    if info.file_size >= READ_LIMIT:
        return f"the file is {info.file_size} bytes, more than the {READ_LIMIT // 2**20} MiB limit; not read"
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"not read: packed {info.file_size // max(info.compress_size, 1)} times (a zip bomb?)"
    return None


def _mtime(info: object) -> float:
    """The entry's modification time (local time, as zip stores it); 0 when it is not a valid date."""
    import time
    import zipfile

    assert isinstance(info, zipfile.ZipInfo)
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return 0.0
