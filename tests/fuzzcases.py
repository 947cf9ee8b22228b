"""Hostile submissions for the fuzz test (tests/test_hostile.py) and the longer run
(benchmarks/fuzz_hostile.py): deterministic mutations of perfect answer sheets, and a judge that
says whether a graded batch lost a row, hid an internal error or graded a file wrong."""

from __future__ import annotations

import json
import random
from typing import Any

from exercisegen.batch import BatchResult
from exercisegen.problems.base import same_answer
from exercisegen.submissions import cell_value, trim_blank_border

NASTY_STRINGS = [
    "\\ud800",
    "\\udfff",
    "\\u0000",
    "\\u202e",
    "\\u001b[31m",
    "\\n\\r",
    "=cmd()",
    "a" * 5000,
    "1e999",
    "nan",
    "−3",
    "３",
    "99999999999999999999999999",
]


def perfect_yaml(key: Any, variant: Any) -> bytes:
    """A right answer sheet in the template's form (rows under `|`)."""
    lines = [f'set: "{key.set_title}"', f'student: "{variant.student_id}"', f'variant: "{variant.code}"', "answers:"]
    for p in variant.problems:
        lines.append(f"  {p.id}: |")
        for b, block in enumerate(p.answer):
            if b:
                lines.append("")
            lines += ["    " + " ".join(str(v) for v in row) for row in block]
    return ("\n".join(lines) + "\n").encode()


def perfect_json(key: Any, variant: Any) -> bytes:
    """A right answer sheet as JSON, answers as nested lists."""
    answers = {p.id: [[list(row) for row in block] for block in p.answer] for p in variant.problems}
    doc = {"set": key.set_title, "student": variant.student_id, "variant": variant.code, "answers": answers}
    return json.dumps(doc).encode()


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random mutations of a file's bytes."""
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(_MUTATIONS)(data, rng)
    return data


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\xff"
    i = rng.randrange(len(data))
    return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _insert_nasty(data: bytes, rng: random.Random) -> bytes:
    text = rng.choice(NASTY_STRINGS).encode()
    quote = data.find(b'"', rng.randrange(len(data) + 1))
    i = quote + 1 if quote >= 0 else rng.randrange(len(data) + 1)
    return data[:i] + text + data[i:]


def _replace_header(data: bytes, rng: random.Random) -> bytes:
    key = rng.choice([b"student", b"variant", b"set"])
    i = data.find(key)
    if i < 0:
        return data
    start = data.find(b'"', i + len(key) + 1)
    end = data.find(b'"', start + 1)
    if start < 0 or end < 0:
        return data
    return data[: start + 1] + rng.choice(NASTY_STRINGS).encode() + data[end:]


def _number(data: bytes, rng: random.Random) -> bytes:
    digits = [i for i, ch in enumerate(data) if 48 <= ch <= 57]
    if not digits:
        return data
    i = rng.choice(digits)
    return data[:i] + rng.choice([b"7", b"-1", b"1e309", b"0.5", b"\xe2\x88\x92", b"1/0", b"?", b""]) + data[i + 1 :]


def _deep(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([50, 70, 2000])
    return data.replace(b"answers", b"x" + b"[" * depth, 1) if rng.random() < 0.5 else b"[" * depth + data


def _flow_list(data: bytes, rng: random.Random) -> bytes:
    n = rng.choice([100, 100, 100, 25_000])  # the large one costs ~0.4 s: a few per run
    return data + b"\n  extra: [" + b",".join([b"1"] * n) + b"]\n"


def _duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    return b"\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])


def _yaml_tricks(data: bytes, rng: random.Random) -> bytes:
    trick = rng.choice(
        [b"\nx: &a [1]\ny: *a\n", b"\nz: !!python/object:os.system x\n", b"\t", b"\x00", b"\xef\xbb\xbf"]
    )
    return data + trick if trick != b"\xef\xbb\xbf" else trick + data


_MUTATIONS = [
    _flip,
    _truncate,
    _insert_nasty,
    _replace_header,
    _number,
    _deep,
    _flow_list,
    _duplicate_line,
    _yaml_tricks,
]


def cases(key: Any, seed: int, count: int) -> list[tuple[str, float, bytes]]:
    """`count` submissions: perfect and mutated YAML and JSON files of the key's students."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        variant = key.variants[i % len(key.variants)]
        data = perfect_yaml(key, variant) if rng.random() < 0.6 else perfect_json(key, variant)
        if rng.random() < 0.9:
            data = mutate(data, rng)
        name = rng.choice([f"f{i:05d}.yaml", f"f{i:05d}\udcff.json", f"f{i:05d}\u202e.yaml", f"f{i:05d}\n.x"])
        out.append((f"subs/{variant.student_id}/{name}", float(i), data))
    return out


def judge(key: Any, files: list[tuple[str, float, Any]], batch: BatchResult) -> dict[str, int]:
    """Counts of what must never happen: internal errors (a "please report" row), rows lost (a
    file without its own row) and wrong grades (a problem given full marks whose submitted numbers
    differ from the key's answer, or the other way round)."""
    paths = [e.path for e in batch.entries if e.path]
    lost = len(files) - len(paths)
    internal = sum("please report" in e.message or "internal error" in e.message for e in batch.entries)
    wrong = 0
    variants = {v.code: v for v in key.variants}
    for entry in batch.entries:
        if entry.result is None:  # graded, or superseded by a newer file of the same student
            continue
        problems = {p.id: p for p in variants[entry.variant_code].problems}
        for result in entry.result.problems:
            expected = problems[result.problem_id]
            blocks = result.submitted
            if not expected.layout.reveal_shape:
                blocks = trim_blank_border(blocks)
            numbers = tuple(tuple(tuple(cell_value(c) for c in row) for row in block) for block in blocks)
            filled = all(v is not None for block in numbers for row in block for v in row)
            if expected.type == "design":  # any valid choice is right
                flat = [v for block in numbers for row in block for v in row]
                right = (
                    filled
                    and len(flat) == len(expected.answer[0][0])
                    and expected.kind.is_valid_choice(expected.params, flat)
                )
            else:
                right = filled and same_answer(expected.answer, numbers, atol=expected.atol, rtol=expected.rtol)
            if right != (result.score == result.points):
                wrong += 1
    return {"internal errors": internal, "rows lost": lost, "wrong grades": wrong}
