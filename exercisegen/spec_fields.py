"""Checking a problem type's fields in a spec: fixed and drawn values, pairs, words and matrices, and the
output_padding rule that spans several fields."""

from __future__ import annotations

import re
from typing import Any

from exercisegen.fields import MAX_SIZE, MAX_VALUE, Field
from exercisegen.spec_check import (
    DRAW_FORMS,
    Check,
    bool_value,
    check_keys,
    int_value,
    must,
    number,
    required,
)
from exercisegen.spec_model import Draw, MatrixSpec
from exercisegen.yamlload import Map, Node, Scalar, Seq, clip, join_key, located

# ---------------------------------------------------------------------------------------------
# type fields


def field_value(check: Check, node: Map, path: str, name: str, decl: Field) -> Any:
    """The parsed value of field `name`: from the spec, else the declared default (parsed the same way)."""
    field_path = join_key(path, name)
    entry = node.get(name)
    if entry is not None:
        value_node = entry.value
    elif decl.required:
        check.error(node.line, field_path, "required field missing")
        return None
    elif decl.default is None:
        return None
    else:
        value_node = located(decl.default, node.line)
    if decl.kind == "matrix":
        return _matrix(check, value_node, field_path, decl)
    if decl.kind == "bool":
        return bool_value(check, value_node, field_path)
    if decl.kind == "text":
        return _text(check, value_node, field_path)
    if decl.kind == "list":
        return _items(check, value_node, field_path, decl)
    if decl.kind in ("draws", "formulas"):
        return _named(check, value_node, field_path, decl)
    return _draw(check, value_node, field_path, decl)


Item = tuple[tuple[str, Any], ...]  # one item of a "list" field: (field name, value) in declared order
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


def _text(check: Check, node: Node, path: str) -> str | None:
    """A non-empty string (numbers written in YAML are refused: quote them)."""
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
        return node.value
    check.error(node.line, path, must("a non-empty string", node))
    return None


def _items(check: Check, node: Node, path: str, decl: Field) -> tuple[Item, ...] | None:
    """A list of mappings, each checked against `decl.items` (unknown keys, defaults, output_padding)."""
    least = 1 if decl.minimum is None else decl.minimum
    most = f" and at most {decl.maximum}" if decl.maximum is not None else ""
    expected = f"a list of at least {least}{most} mappings"
    if not isinstance(node, Seq) or len(node.items) < least or (
        decl.maximum is not None and len(node.items) > decl.maximum
    ):
        check.error(node.line, path, must(expected, node))
        return None
    names = tuple(name for name, _ in decl.items)
    before = len(check.errors)
    parsed = []
    for i, item in enumerate(node.items):
        item_path = f"{path}[{i}]"
        if not isinstance(item, Map):
            check.error(item.line, item_path, must(f"a mapping with any of {', '.join(names)}", item))
            continue
        check_keys(check, item, item_path, names)
        errors = len(check.errors)
        values = tuple((name, field_value(check, item, item_path, name, sub)) for name, sub in decl.items)
        if len(check.errors) == errors:
            check_output_padding(check, item, item_path, dict(values))
        parsed.append(values)
    return tuple(parsed) if len(check.errors) == before else None


def _named(check: Check, node: Node, path: str, decl: Field) -> tuple[tuple[str, Any], ...] | None:
    """A mapping of names to integer draws ("draws") or to expression texts ("formulas")."""
    what = "integers or draws" if decl.kind == "draws" else "arithmetic expressions"
    if not isinstance(node, Map):
        check.error(node.line, path, must(f"a mapping of names to {what}", node))
        return None
    before = len(check.errors)
    values: list[tuple[str, Any]] = []
    for entry in node.entries:
        entry_path = join_key(path, entry.key)
        if not _NAME.fullmatch(entry.key):
            check.error(entry.key_line, entry_path, "a name must be a letter or _ followed by letters, digits or _")
            continue
        if decl.kind == "draws":
            bounded = Field("int", minimum=decl.minimum, maximum=decl.maximum)
            values.append((entry.key, _draw(check, entry.value, entry_path, bounded)))
        else:
            values.append((entry.key, _text(check, entry.value, entry_path)))
    return tuple(values) if len(check.errors) == before else None


def _draw(check: Check, node: Node, path: str, decl: Field) -> Draw | None:
    """An int, pair or word field: a fixed value, {choice: [...]} or (not for words) {range: [lo, hi]}."""
    forms = ("choice",) if decl.kind == "word" else ("choice", "range")
    if not isinstance(node, Map):
        value = _option(check, node, path, decl, fixed=True)
        return None if value is None else Draw("fixed", (value,))
    unknown = check_keys(check, node, path, forms)
    present = [entry for entry in node.entries if entry.key in forms]
    if not present:
        if not unknown:
            check.error(node.line, path, must(_expected(decl, fixed=True), node))
        return None
    if len(present) > 1:
        check.error(node.line, path, "use either choice or range, not both")
        return None
    entry = present[0]
    form_path = join_key(path, entry.key)
    items = entry.value
    if entry.key == "range":
        return _range(check, items, form_path, decl.minimum, "range", decl.maximum)
    if not isinstance(items, Seq) or not items.items:
        check.error(items.line, form_path, must(f"a non-empty list of {_plural(decl)}", items))
        return None
    options = [_option(check, item, f"{form_path}[{i}]", decl, fixed=False) for i, item in enumerate(items.items)]
    if any(option is None for option in options):
        return None
    return Draw("choice", tuple(options))


def _range(
    check: Check, node: Node, path: str, minimum: int | None, name: str, maximum: int | None = None
) -> Draw | None:
    """`{range: [lo, hi]}` (or `{int: [lo, hi]}`): two ints in [minimum, maximum] with lo <= hi."""
    if not isinstance(node, Seq) or len(node.items) != 2:
        check.error(node.line, path, must("a list [lo, hi] of two integers", node))
        return None
    lo = int_value(check, node.items[0], f"{path}[0]", minimum, "an integer", maximum)
    hi = int_value(check, node.items[1], f"{path}[1]", minimum, "an integer", maximum)
    if lo is None or hi is None:
        return None
    if lo > hi:
        check.error(node.line, path, f"lo ({lo}) must be <= hi ({hi})")
        return None
    return Draw(name, (lo, hi))


def _expected(decl: Field, fixed: bool) -> str:
    if decl.kind == "int":
        return f"an integer, {DRAW_FORMS}" if fixed else "an integer"
    if decl.kind == "pair":
        return f"an integer or [h, w], {DRAW_FORMS}" if fixed else "an integer or [h, w]"
    return f"one of {', '.join(decl.options)}" + (" or {choice: [...]}" if fixed else "")


def _plural(decl: Field) -> str:
    if decl.kind == "int":
        return "integers"
    if decl.kind == "pair":
        return "integers or [h, w] pairs"
    return f"words from {', '.join(decl.options)}"


def _option(check: Check, node: Node, path: str, decl: Field, fixed: bool) -> Any:
    """One value of an int, pair or word field (the fixed value, or one option of a choice)."""
    expected = _expected(decl, fixed)
    if decl.kind == "word":
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in decl.options:
            return node.value
        check.error(node.line, path, must(expected, node))
        return None
    if decl.kind == "pair" and isinstance(node, Seq):
        if len(node.items) != 2:
            check.error(node.line, path, must(expected, node))
            return None
        h = int_value(check, node.items[0], f"{path}[0]", decl.minimum, "an integer", decl.maximum)
        w = int_value(check, node.items[1], f"{path}[1]", decl.minimum, "an integer", decl.maximum)
        return None if h is None or w is None else (h, w)
    return int_value(check, node, path, decl.minimum, expected, decl.maximum)


def _matrix(check: Check, node: Node, path: str, decl: Field) -> MatrixSpec | None:
    if isinstance(node, Seq):
        return _literal_matrix(check, node, path)
    if not isinstance(node, Map):
        check.error(
            node.line,
            path,
            must("a nested list of numbers or {shape: [H, W], values: ...}", node),
        )
        return None
    before = len(check.errors)
    check_keys(check, node, path, ("shape", "values"))
    shape = None
    entry = node.get("shape")
    if entry is None and not decl.shape_derived:
        check.error(node.line, join_key(path, "shape"), "required field missing")
    elif entry is not None:
        shape = _shape(check, entry.value, join_key(path, "shape"))
    fill = None
    entry = required(check, node, path, "values")
    if entry is not None:
        fill = _fill(check, entry.value, join_key(path, "values"))
    if len(check.errors) > before or fill is None:
        return None
    return MatrixSpec(fill=fill[0], literal=None, shape=shape, values=fill[1])


def _shape(check: Check, node: Node, path: str) -> tuple[Draw, Draw] | Draw | None:
    if isinstance(node, Map):
        # the whole shape drawn at once: {choice: [2, [3, 2]]} (an int means square) or {range: [2, 3]}
        return _draw(check, node, path, Field("pair", minimum=1, maximum=MAX_SIZE))
    if not isinstance(node, Seq) or len(node.items) != 2:
        check.error(node.line, path, must("a list [H, W] of two sizes, or {choice: [...]} / {range: [lo, hi]}", node))
        return None
    size = Field("int", minimum=1, maximum=MAX_SIZE)
    h = _draw(check, node.items[0], f"{path}[0]", size)
    w = _draw(check, node.items[1], f"{path}[1]", size)
    return None if h is None or w is None else (h, w)


def _fill(check: Check, node: Node, path: str) -> tuple[str, tuple] | None:
    """The `values:` of a generated matrix: ones, {int: [lo, hi]} or {choice: [numbers]}."""
    expected = "ones, {int: [lo, hi]} or {choice: [numbers]}"
    if isinstance(node, Scalar) and node.value == "ones":
        return ("ones", ())
    if not isinstance(node, Map):
        check.error(node.line, path, must(expected, node))
        return None
    unknown = check_keys(check, node, path, ("int", "choice"))
    present = [entry for entry in node.entries if entry.key in ("int", "choice")]
    if not present:
        if not unknown:
            check.error(node.line, path, must(expected, node))
        return None
    if len(present) > 1:
        check.error(node.line, path, "use either int or choice, not both")
        return None
    entry = present[0]
    fill_path = join_key(path, entry.key)
    if entry.key == "int":
        bounds = _range(check, entry.value, fill_path, -MAX_VALUE, "int", MAX_VALUE)
        return None if bounds is None else ("int", bounds.values)
    items = entry.value
    if not isinstance(items, Seq) or not items.items:
        check.error(items.line, fill_path, must("a non-empty list of numbers", items))
        return None
    numbers = [_matrix_number(check, item, f"{fill_path}[{i}]") for i, item in enumerate(items.items)]
    if any(number is None for number in numbers):
        return None
    return ("choice", tuple(numbers))


def _matrix_number(check: Check, node: Node, path: str) -> float | int | None:
    """A number of a matrix: finite, and at most MAX_VALUE in magnitude."""
    value = number(check, node, path)
    if value is not None and abs(value) > MAX_VALUE:
        check.error(node.line, path, f"must be between -{MAX_VALUE} and {MAX_VALUE}, got {clip(str(value))}")
        return None
    return value


def _literal_matrix(check: Check, node: Seq, path: str) -> MatrixSpec | None:
    parsed = _nested(check, node, path)
    if parsed is None:
        return None
    values, shape = parsed
    if not 2 <= len(shape) <= 4:
        check.error(
            node.line,
            path,
            f"must be a 2-D, 3-D or 4-D nested list of numbers (a row is written [[1, 2, 3]]); got {len(shape)}-D",
        )
        return None
    return MatrixSpec(fill="literal", literal=values, shape=None, values=())


def _nested(check: Check, node: Seq, path: str) -> tuple[tuple, tuple[int, ...]] | None:
    """A rectangular nested list of numbers: (nested tuples, shape)."""
    if not node.items:
        check.error(node.line, path, "must not be empty")
        return None
    if all(isinstance(item, Scalar) for item in node.items):
        numbers = [_matrix_number(check, item, f"{path}[{i}]") for i, item in enumerate(node.items)]
        if any(number is None for number in numbers):
            return None
        if len(numbers) > MAX_SIZE:
            check.error(node.line, path, f"has {len(numbers)} numbers; a matrix's sizes are at most {MAX_SIZE}")
            return None
        return tuple(numbers), (len(numbers),)
    if not all(isinstance(item, Seq) for item in node.items):
        check.error(node.line, path, "mixes numbers and lists; a matrix is a list of rows of numbers")
        return None
    if len(node.items) > MAX_SIZE:
        check.error(node.line, path, f"has {len(node.items)} items; a matrix's sizes are at most {MAX_SIZE}")
        return None
    parts = [_nested(check, item, f"{path}[{i}]") for i, item in enumerate(node.items)]  # type: ignore[arg-type]
    if any(part is None for part in parts):
        return None
    first = parts[0][1]  # type: ignore[index]
    ok = True
    for i, part in enumerate(parts[1:], start=1):
        shape = part[1]  # type: ignore[index]
        if shape != first:
            check.error(
                node.items[i].line,
                f"{path}[{i}]",
                f"has {_size(shape)} but {path}[0] has {_size(first)}; a matrix must be rectangular",
            )
            ok = False
    if not ok:
        return None
    return tuple(part[0] for part in parts), (len(parts),) + first  # type: ignore[index]


def _size(shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        return f"{shape[0]} number{'s' if shape[0] != 1 else ''}"
    return "shape " + "x".join(str(n) for n in shape)


# ---------------------------------------------------------------------------------------------
# static checks across fields


def _bounds(draw: Draw) -> tuple[tuple[int, int], tuple[int, int]]:
    """(min, max) of a pair or int draw in each direction (height, width)."""
    if draw.kind == "range":
        lo, hi = draw.values
        return (lo, hi), (lo, hi)
    pairs = [value if isinstance(value, tuple) else (value, value) for value in draw.values]
    return (
        (min(p[0] for p in pairs), max(p[0] for p in pairs)),
        (min(p[1] for p in pairs), max(p[1] for p in pairs)),
    )


def check_output_padding(check: Check, node: Map, path: str, fields: dict[str, Any]) -> None:
    """output_padding must be < max(stride, dilation) in each direction for at least one combination."""
    if "output_padding" not in fields:
        return
    op_path = join_key(path, "output_padding")
    entry = node.get("output_padding")
    line = entry.value.line if entry is not None else node.line
    op = _bounds(fields["output_padding"])
    stride = _bounds(fields.get("stride", Draw("fixed", (1,))))
    dilation = _bounds(fields.get("dilation", Draw("fixed", (1,))))
    failing = [d for d in (0, 1) if op[d][0] >= max(stride[d][1], dilation[d][1])]
    if not failing:
        return
    d = failing[0]
    details = ", ".join(
        (
            _limit("output_padding", op[d], ">="),
            _limit("stride", stride[d], "<="),
            _limit("dilation", dilation[d], "<="),
        )
    )
    if len(failing) == 1:
        details = ("height: " if d == 0 else "width: ") + details
    check.error(line, op_path, f"must be smaller than stride or dilation, and no choice allows it ({details})")


def _limit(name: str, bounds: tuple[int, int], relation: str) -> str:
    lo, hi = bounds
    if lo == hi:
        return f"{name} {lo}"
    return f"{name} {relation} {lo if relation == '>=' else hi}"
