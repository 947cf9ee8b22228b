"""Per-student variants: records, seed derivation (HMAC), variant codes, drawing a whole set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One drawn problem of a variant: its parameters (PyTorch names, JSON types) and the answer."""

    id: str
    type: str
    points: float
    params: dict[str, Any]
    answer: list[Any]  # nested list of numbers
    atol: float = 0.0
    rtol: float = 0.0
    instructions: str = ""
    show_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One student's problem set."""

    code: str
    student_id: str
    student_name: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Key:
    """The answer key of a generated set (what key.json holds)."""

    set_title: str
    spec_sha256: str
    seed: int
    variants: tuple[Variant, ...]
    course: str = ""
    instructions: str = ""
    paper: str = "a4"
