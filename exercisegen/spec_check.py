"""Checking a spec's YAML nodes: the error collector and the checks of plain values (numbers, words).

Every mistake becomes one line `FILE:LINE: path.to.field: message`, collected and raised together.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence

from exercisegen.errors import SpecError
from exercisegen.yamlload import Entry, Map, Node, Scalar, Seq, clip, join_key

DRAW_FORMS = "{choice: [...]} or {range: [lo, hi]}"


class Check:
    """Collects the error messages of one spec (sorted by line when raised)."""

    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[tuple[int, str]] = []

    def error(self, line: int, path: str, message: str) -> None:
        where = f"{self.filename}:{line}: {path}: " if path else f"{self.filename}:{line}: "
        self.errors.append((line, where + message))

    def raise_errors(self) -> None:
        if self.errors:
            ordered = sorted(self.errors, key=lambda item: item[0])
            raise SpecError([message for _, message in ordered])


def show(node: Node) -> str:
    """How a user's value is quoted in a message."""
    if isinstance(node, Map):
        return "a mapping" if node.entries else "an empty mapping"
    if isinstance(node, Seq):
        count = len(node.items)
        return f"a list of {count} item{'s' if count != 1 else ''}" if count else "an empty list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(clip(value))
    return clip(node.text)


def must(expected: str, node: Node) -> str:
    """`must be <expected>, got <value>` (with `;` when `expected` itself lists alternatives)."""
    separator = ";" if "," in expected else ","
    return f"must be {expected}{separator} got {show(node)}"


def isnumber(node: Node) -> bool:
    return isinstance(node, Scalar) and type(node.value) in (int, float) and math.isfinite(node.value)


def check_keys(check: Check, node: Map, path: str, allowed: Sequence[str], noun: str = "field") -> bool:
    """Report keys of `node` not in `allowed`; True if there were any."""
    unknown = False
    for entry in node.entries:
        if entry.key in allowed:
            continue
        unknown = True
        close = difflib.get_close_matches(entry.key, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed: {', '.join(allowed)}"
        check.error(entry.key_line, join_key(path, entry.key), f"unknown {noun}{hint}")
    return unknown


def required(check: Check, node: Map, path: str, key: str) -> Entry | None:
    entry = node.get(key)
    if entry is None:
        check.error(node.line, join_key(path, key), "required field missing")
    return entry


def int_value(
    check: Check, node: Node, path: str, minimum: int | None, expected: str, maximum: int | None = None
) -> int | None:
    """An int in [minimum, maximum]; otherwise report `must be <expected>` (or the bound broken)."""
    if isinstance(node, Scalar) and type(node.value) is int:
        if minimum is not None and node.value < minimum:
            check.error(node.line, path, f"must be >= {minimum}, got {clip(str(node.value))}")
            return None
        if maximum is not None and node.value > maximum:
            check.error(node.line, path, f"must be <= {maximum}, got {clip(str(node.value))}")
            return None
        return int(node.value)
    check.error(node.line, path, must(expected, node))
    return None


def number(check: Check, node: Node, path: str, expected: str = "a finite number") -> float | int | None:
    if isnumber(node):
        assert isinstance(node, Scalar)
        return node.value  # type: ignore[no-any-return]
    check.error(node.line, path, must(expected, node))
    return None


def string(check: Check, node: Node, path: str) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    check.error(node.line, path, must("a string", node))
    return None


def bool_value(check: Check, node: Node, path: str) -> bool | None:
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return node.value
    check.error(node.line, path, must("true or false", node))
    return None


def word(check: Check, node: Node, path: str, options: Sequence[str]) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in options:
        return node.value
    check.error(node.line, path, must(f"one of {', '.join(options)}", node))
    return None
