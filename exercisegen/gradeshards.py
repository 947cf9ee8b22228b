"""Sharded grading: `grade --shard K/N` grades the K-th of N slices of the submitted files, and
`merge-grades` puts the shards together into the grades folder one unsharded `grade` writes.

A file belongs to shard 1 + (SHA-256 of its path as collected) mod N, so every shard must be given the
same SUBMISSION arguments (run from the same folder). A shard folder holds its files' graded entries
(`entries.pickle`: shard folders are your own output, read back only by `merge-grades`), the feedback of
the students it graded, and shard.json. The merge decides which file of a student counts (the newest,
across all shards), so a student's files may fall into different shards.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path
from typing import Any, Callable, Sequence

from exercisegen.batch import GRADED, combine, grade_files
from exercisegen.errors import InputFileError
from exercisegen.gradefiles import write_grades
from exercisegen.outdir import write_text
from exercisegen.roster import file_stems
from exercisegen.variants import Key

SHARD_FILE = "shard.json"
ENTRIES_FILE = "entries.pickle"
FORMAT = "exercisegen-grade-shard/1"


def file_shard(path: str, count: int) -> int:
    """The shard (1..count) a submitted file belongs to: from its path alone."""
    digest = hashlib.sha256(("exercisegen-grade-shard\x00" + path).encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def shard_files(files: Sequence[tuple[str, float, bytes]], shard: tuple[int, int]) -> list[tuple[str, float, bytes]]:
    """The files of shard K of N."""
    k, n = shard
    return [f for f in files if file_shard(f[0], n) == k]


def write_grade_shard(
    key: Key,
    files: Sequence[tuple[str, float, bytes]],
    directory: Path,
    shard: tuple[int, int],
    reveal: bool,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Grade shard K of N of `files` into `directory`."""
    entries = grade_files(key, files, jobs=jobs, progress=progress)
    with open(directory / ENTRIES_FILE, "wb") as handle:
        pickle.dump((FORMAT, entries), handle, protocol=4)
    # feedback of the students whose newest file is in this shard (the merge copies what counts)
    local = combine(key, entries)
    part = Path(directory / "local")
    part.mkdir()
    write_grades(local, key, part, reveal, jobs)
    meta = {"shard": shard[0], "of": shard[1], "set": key.set_title, "spec_sha256": key.spec_sha256, "reveal": reveal}
    write_text(directory / SHARD_FILE, json.dumps(meta, ensure_ascii=False) + "\n")


def merge_grade_shards(key: Key, folders: list[Path], directory: Path, jobs: int = 1) -> Any:
    """Write the grades folder of all shards' files into `directory`; return the combined batch."""
    metas, entries, origin = [], [], {}
    for folder in folders:
        try:
            meta = json.loads((folder / SHARD_FILE).read_text(encoding="utf-8"))
            with open(folder / ENTRIES_FILE, "rb") as handle:
                fmt, found = pickle.load(handle)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError) as err:
            raise InputFileError(f"{folder}: not a folder of `grade --shard K/N` ({err})") from None
        if fmt != FORMAT or meta.get("set") != key.set_title or meta.get("spec_sha256") != key.spec_sha256:
            raise InputFileError(f"{folder}: graded with another key or another version; grade it again")
        metas.append((folder, meta))
        for entry in found:
            origin[entry.path] = folder
        entries.extend(found)
    n = metas[0][1]["of"]
    given = sorted(m["shard"] for _, m in metas)
    if given != list(range(1, n + 1)) or any(m["of"] != n or m["reveal"] != metas[0][1]["reveal"] for _, m in metas):
        raise InputFileError(f"give each of the {n} shards of one `grade` run once (got shards {given})")
    entries.sort(key=lambda e: e.path)
    batch = combine(key, entries)
    write_grades(batch, key, directory, metas[0][1]["reveal"], jobs, feedback=False)
    stems = file_stems([v.student_id for v in key.variants])
    for entry in batch.entries:
        if entry.status == GRADED and entry.result is not None:
            stem = stems[entry.student_id]
            for suffix in (".txt", ".pdf"):
                source = origin[entry.path] / "local" / "feedback" / f"{stem}{suffix}"
                shutil.copyfile(source, directory / "feedback" / f"{stem}{suffix}")
    return batch
