"""Declarations of the spec fields a problem type accepts (what `spec.py` validates against).

Each problem type declares `fields: dict[str, Field]`; the spec loader learns its fields from there
and docs/spec-language.md's field reference is generated from their help texts (`exercisegen.specdoc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["int", "pair", "matrix", "word", "bool", "text", "list", "draws", "formulas"]

# Limits a course needs and no more: they bound the work any spec can cause before anything is drawn.
MAX_SIZE = 64  # a grid's height or width, a kernel's, an input_size (drawn matrices and literals)
MAX_CHANNELS = 16  # in_channels, out_channels, groups
MAX_STEP = 16  # stride, padding, output_padding, dilation
MAX_VALUE = 1_000_000  # magnitude of a number in a matrix
MAX_FORMULA_SIZE = 4096  # output_shape's input_size (only the size formula is computed)


@dataclass(frozen=True)
class Field:
    """One problem field: its kind, default (None = required), lower bound, allowed words and help text.

    kinds:
      * "int"    -- an integer, fixed or drawn ({choice: [...]}, {range: [lo, hi]})
      * "pair"   -- an int or an [h, w] pair, fixed or drawn (choices may mix ints and pairs)
      * "matrix" -- a literal nested list, or {shape: [h, w], values: ones | {int: [lo, hi]} | {choice: [...]}};
                    `shape` may be omitted when `shape_derived` (the type computes it)
      * "word"   -- one of `options`, fixed or drawn with {choice: [...]}
      * "bool"   -- true / false, fixed
      * "text"   -- a non-empty string, fixed
      * "list"   -- a list of mappings, each holding the fields declared in `items` (defaults filled in);
                    at least `minimum` (default 1) and at most `maximum` of them
      * "draws"  -- a mapping of names to integers, each fixed or drawn ({choice: [...]}, {range: [lo, hi]})
      * "formulas" -- a mapping of names to arithmetic expressions (text; the type checks them)
    """

    kind: FieldKind
    default: Any = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    options: tuple[str, ...] = ()
    shape_derived: bool = False
    help: str = ""
    items: tuple[tuple[str, "Field"], ...] = ()  # "list" fields: the fields of each item, in order


def stride_field(kind: FieldKind = "pair") -> Field:
    """The usual `stride` field (>= 1, default 1)."""
    return Field(
        kind,
        default=1,
        minimum=1,
        maximum=MAX_STEP,
        help="step between neighbouring kernel positions (PyTorch `stride`)",
    )


def padding_field(kind: FieldKind = "pair") -> Field:
    """The usual `padding` field (>= 0, default 0)."""
    return Field(
        kind,
        default=0,
        minimum=0,
        maximum=MAX_STEP,
        help="conv: zeros added around the input; transposed: rows and columns cropped from each side of the output",
    )


def output_padding_field(kind: FieldKind = "pair") -> Field:
    """The usual `output_padding` field (>= 0, default 0; must be < max(stride, dilation))."""
    return Field(
        kind,
        default=0,
        minimum=0,
        maximum=MAX_STEP,
        help="extra rows and columns kept at the bottom and right of a transposed convolution's output; "
        "smaller than the stride or the dilation",
    )


def dilation_field(kind: FieldKind = "pair") -> Field:
    """The usual `dilation` field (>= 1, default 1)."""
    return Field(kind, default=1, minimum=1, maximum=MAX_STEP, help="spacing between kernel elements (1 = adjacent)")


def channels_field(help_text: str) -> Field:
    """`in_channels` / `out_channels` / `groups` (>= 1, default 1)."""
    return Field("int", default=1, minimum=1, maximum=MAX_CHANNELS, help=help_text)
