"""Sharded generation: `generate --shard K/N` makes the K-th of N disjoint slices of a class, and
`merge` puts the shards' folders together into the set an unsharded run makes, byte for byte.

A student belongs to shard 1 + (SHA-256 of their id) mod N: fixed by the id alone, so shards can run
on any machine in any order. Each shard still draws the whole class (drawing is cheap and a
student's draw can depend on classmates': a draw equal to a classmate's is redrawn), and writes only
its slice: key.json with its students, their answer sheets and PDFs, and shard.json saying where in
the class they belong.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, Callable

from exercisegen.errors import InputFileError, ParameterError
from exercisegen.generate import render_students, set_readme, write_answer_sheets, write_packets
from exercisegen.outdir import make_private, write_private, write_text
from exercisegen.roster import file_stems
from exercisegen.variants import Key, Variant, key_json_text, key_to_json

SHARD_FILE = "shard.json"


def parse_shard(text: str) -> tuple[int, int]:
    """`3/8` -> (3, 8); ParameterError unless 1 <= K <= N."""
    parts = text.split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        k, n = int(parts[0]), int(parts[1])
        if 1 <= k <= n:
            return k, n
    raise ParameterError(f"--shard must be K/N with 1 <= K <= N (e.g. 3/8), got {text!r}")


def shard_of(student_id: str, count: int) -> int:
    """The shard (1..count) a student belongs to: from their id alone."""
    digest = hashlib.sha256(("exercisegen-shard\x00" + student_id).encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def write_shard(
    key: Key,
    directory: Path,
    with_pdf: bool,
    shard: tuple[int, int],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    dask: str | None = None,
) -> None:
    """Write shard K of N of the whole class's `key` into `directory`."""
    k, n = shard
    indices = [i for i, v in enumerate(key.variants) if shard_of(v.student_id, n) == k]
    stems = file_stems([v.student_id for v in key.variants])  # the whole class's, as an unsharded run
    part = dataclasses.replace(key, variants=tuple(key.variants[i] for i in indices))
    write_private(directory / "key.json", key_to_json(part))
    write_answer_sheets(key, indices, stems, directory)
    if with_pdf:
        render_students(key, indices, stems, directory, jobs, progress, dask)
        make_private(directory / "solutions")
    meta = {
        "shard": k,
        "of": n,
        "set": key.set_title,
        "spec_sha256": key.spec_sha256,
        "seed": key.seed,
        "course": key.course,
        "paper": key.paper,
        "pdf": with_pdf,
        "class_size": len(key.variants),
        "positions": indices,
    }
    write_text(directory / SHARD_FILE, json.dumps(meta, ensure_ascii=False) + "\n")
    write_text(
        directory / "README.txt",
        f"{key.set_title}\nShard {k} of {n}: {len(indices)} of {len(key.variants)} students.\n"
        "Put all shards together with: exercisegen merge SHARD_FOLDERS... --out DIR\n",
    )


def _read_shard(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(shard.json, key.json) of a shard folder, as plain data."""
    docs = []
    for name in (SHARD_FILE, "key.json"):
        try:
            docs.append(json.loads((folder / name).read_text(encoding="utf-8")))
        except (OSError, ValueError) as err:
            raise InputFileError(
                f"{folder}: no readable {name} ({err}); name folders written by `generate --shard K/N`"
            ) from None
    return docs[0], docs[1]


def merge_shards(folders: list[Path], directory: Path, jobs: int = 1) -> int:
    """Write into `directory` the whole set the shards in `folders` make up; return the class size."""
    shards = [(folder, *_read_shard(folder)) for folder in folders]
    first = shards[0][1]
    same = ("of", "set", "spec_sha256", "seed", "course", "paper", "pdf", "class_size")
    seen: dict[int, Path] = {}
    for folder, meta, _ in shards:
        for name in same:
            if meta.get(name) != first.get(name):
                raise InputFileError(
                    f"{folder}: {name} differs from {shards[0][0]}'s; merge only shards of one `generate` run"
                )
        if meta["shard"] in seen:
            raise InputFileError(f"{folder}: shard {meta['shard']} is also {seen[meta['shard']]}; give each once")
        seen[meta["shard"]] = folder
    missing = sorted(set(range(1, first["of"] + 1)) - set(seen))
    if missing:
        raise InputFileError(f"shards {', '.join(map(str, missing))} of {first['of']} are missing; give every shard")
    variants: list[Any] = [None] * first["class_size"]
    owner: list[Path | None] = [None] * first["class_size"]
    for folder, meta, key_doc in shards:
        for position, variant in zip(meta["positions"], key_doc["variants"]):
            variants[position], owner[position] = variant, folder
    doc = {name: value for name, value in shards[0][2].items() if name != "variants"}  # set, seed, roster...
    doc["variants"] = variants
    write_private(directory / "key.json", key_json_text(doc))
    stems = file_stems([v["student_id"] for v in variants])
    folders_used = ["answers"] + (["worksheets", "solutions"] if first["pdf"] else [])
    for name in folders_used:
        (directory / name).mkdir()
    for variant, source in zip(variants, owner):
        assert source is not None
        stem = stems[variant["student_id"]]
        shutil.copyfile(source / "answers" / f"{stem}.yaml", directory / "answers" / f"{stem}.yaml")
        if first["pdf"]:
            for name in ("worksheets", "solutions"):
                shutil.copyfile(source / name / f"{stem}.pdf", directory / name / f"{stem}.pdf")
    meta_key = Key(first["set"], first["spec_sha256"], first["seed"], (), first["course"], "", first["paper"])
    if first["pdf"]:
        ids = tuple(Variant("", v["student_id"], "", ()) for v in variants)  # packets need the ids only
        write_packets(dataclasses.replace(meta_key, variants=ids), stems, [directory], directory, jobs)
        make_private(directory / "solutions")
        make_private(directory / "class-solutions.pdf")
    write_text(directory / "README.txt", set_readme(meta_key, first["pdf"], count=len(variants)))
    return len(variants)
