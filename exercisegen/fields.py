"""Declarations of the spec fields a problem type accepts (what `spec.py` validates against).

Each problem-type module in `exercisegen/problems/` exposes `FIELDS: dict[str, Field]`; adding a type
means adding a module, and the spec loader learns its fields from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["int", "pair", "matrix", "word", "bool"]


@dataclass(frozen=True)
class Field:
    """One problem field: its kind, default (None = required), lower bound and allowed words.

    kinds:
      * "int"    -- an integer, fixed or drawn ({choice: [...]}, {range: [lo, hi]})
      * "pair"   -- an int or an [h, w] pair, fixed or drawn (choices may mix ints and pairs)
      * "matrix" -- a literal nested list, or {shape: [h, w], values: ones | {int: [lo, hi]} | {choice: [...]}};
                    `shape` may be omitted when `shape_derived` (the type computes it)
      * "word"   -- one of `options`, fixed or drawn with {choice: [...]}
      * "bool"   -- true / false, fixed
    """

    kind: FieldKind
    default: Any = None
    required: bool = False
    minimum: int | None = None
    options: tuple[str, ...] = ()
    shape_derived: bool = False
    help: str = ""


def stride_field() -> Field:
    """The usual `stride` field (>= 1, default 1)."""
    return Field("pair", default=1, minimum=1, help="step between input positions")


def padding_field() -> Field:
    """The usual `padding` field (>= 0, default 0)."""
    return Field("pair", default=0, minimum=0)


def output_padding_field() -> Field:
    """The usual `output_padding` field (>= 0, default 0; must be < max(stride, dilation))."""
    return Field("pair", default=0, minimum=0)


def dilation_field() -> Field:
    """The usual `dilation` field (>= 1, default 1)."""
    return Field("pair", default=1, minimum=1)


def channels_field() -> Field:
    """`in_channels` / `out_channels` / `groups` (>= 1, default 1)."""
    return Field("int", default=1, minimum=1)
