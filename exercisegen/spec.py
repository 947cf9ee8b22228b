"""Problem specs: load a YAML spec, validate it once, and return immutable `SetSpec` records.

Every mistake found in a spec becomes one line `FILE:LINE: path.to.field: message`; all of them are
collected and raised together as one `SpecError`. After loading, the rest of the program trusts
the records. The spec language is documented in docs/spec-language.md.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from exercisegen.errors import SpecError
from exercisegen.fields import Field
from exercisegen.problems.registry import TYPE_NAMES, problem_type
from exercisegen.spec_model import CONSTRAINT_NAMES, Constraints, Draw, MatrixSpec, ProblemSpec, SetSpec
from exercisegen.yamlload import (
    Entry,
    Map,
    Node,
    Scalar,
    Seq,
    clip,
    join_key,
    load_located,
    located,
)

MAX_SPEC_BYTES = 262144

_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")  # no dots: ids name PDF form fields
_SET_KEYS = ("title", "course", "instructions", "seed", "paper", "problems")
_PROBLEM_KEYS = ("id", "type", "points", "instructions", "show_steps", "constraints", "atol", "rtol")
_PAPERS = ("a4", "letter")
_DRAW_FORMS = "{choice: [...]} or {range: [lo, hi]}"


def load_spec(path: str) -> SetSpec:
    """Read the spec file at `path` and parse it (SpecError lists every problem found)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SpecError([f"{path}: cannot read spec: {exc.strerror or exc}"]) from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError([_size_message(path, len(data))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            [f"{path}:{line}: spec is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"]
        ) from None
    return parse_spec(text, path)


def parse_spec(text: str, filename: str) -> SetSpec:
    """Validate the spec `text` (named `filename` in messages) and return its records; no file I/O."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError([_size_message(filename, len(data))])
    check = _Check(filename)
    document = load_located(text)
    for problem in document.problems:
        check.error(problem.line, problem.path, problem.message)
    root = document.root
    if root is None:
        if not document.problems:
            check.error(1, "top level", "spec is empty; it needs at least title and problems")
        check.raise_errors()
    assert root is not None
    spec = _set_spec(check, root, filename, hashlib.sha256(data).hexdigest())
    check.raise_errors()
    assert spec is not None
    return spec


def _size_message(filename: str, size: int) -> str:
    return f"{filename}: spec is {size} bytes; the limit is {MAX_SPEC_BYTES}"


class _Check:
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


def _show(node: Node) -> str:
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


def _must(expected: str, node: Node) -> str:
    """`must be <expected>, got <value>` (with `;` when `expected` itself lists alternatives)."""
    separator = ";" if "," in expected else ","
    return f"must be {expected}{separator} got {_show(node)}"


def _is_number(node: Node) -> bool:
    return isinstance(node, Scalar) and type(node.value) in (int, float) and math.isfinite(node.value)


def _check_keys(check: _Check, node: Map, path: str, allowed: Sequence[str], noun: str = "field") -> bool:
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


def _required(check: _Check, node: Map, path: str, key: str) -> Entry | None:
    entry = node.get(key)
    if entry is None:
        check.error(node.line, join_key(path, key), "required field missing")
    return entry


def _int(check: _Check, node: Node, path: str, minimum: int | None, expected: str) -> int | None:
    """An int >= minimum; otherwise report `must be <expected>`."""
    if isinstance(node, Scalar) and type(node.value) is int:
        if minimum is not None and node.value < minimum:
            check.error(node.line, path, f"must be >= {minimum}, got {node.value}")
            return None
        return int(node.value)
    check.error(node.line, path, _must(expected, node))
    return None


def _number(check: _Check, node: Node, path: str, expected: str = "a finite number") -> float | int | None:
    if _is_number(node):
        assert isinstance(node, Scalar)
        return node.value  # type: ignore[no-any-return]
    check.error(node.line, path, _must(expected, node))
    return None


def _string(check: _Check, node: Node, path: str) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    check.error(node.line, path, _must("a string", node))
    return None


def _bool(check: _Check, node: Node, path: str) -> bool | None:
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return node.value
    check.error(node.line, path, _must("true or false", node))
    return None


def _word(check: _Check, node: Node, path: str, options: Sequence[str]) -> str | None:
    if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in options:
        return node.value
    check.error(node.line, path, _must(f"one of {', '.join(options)}", node))
    return None


# ---------------------------------------------------------------------------------------------
# set level


def _set_spec(check: _Check, root: Node, filename: str, sha256: str) -> SetSpec | None:
    if not isinstance(root, Map):
        check.error(root.line, "top level", _must("a mapping with title and problems", root))
        return None
    _check_keys(check, root, "", _SET_KEYS)
    title = None
    entry = _required(check, root, "", "title")
    if entry is not None:
        value = entry.value
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip():
            title = value.value
        else:
            check.error(value.line, "title", _must("a non-empty string", value))
    course = _optional(check, root, "course", "", _string)
    instructions = _optional(check, root, "instructions", "", _string)
    seed = _optional(check, root, "seed", 0, lambda c, n, p: _int(c, n, p, 0, "an integer >= 0"))
    paper = _optional(check, root, "paper", "a4", lambda c, n, p: _word(c, n, p, _PAPERS))
    problems: list[ProblemSpec | None] = []
    entry = _required(check, root, "", "problems")
    if entry is not None:
        items = entry.value
        if not isinstance(items, Seq) or not items.items:
            check.error(items.line, "problems", _must("a non-empty list of problems", items))
        else:
            first_ids: dict[str, int] = {}
            problems = [_problem(check, item, f"problems[{i}]", first_ids) for i, item in enumerate(items.items)]
    if check.errors:
        return None
    return SetSpec(
        title=title,  # type: ignore[arg-type]
        course=course,
        instructions=instructions,
        seed=seed,
        paper=paper,
        problems=tuple(problems),  # type: ignore[arg-type]
        filename=filename,
        sha256=sha256,
    )


def _optional(
    check: _Check,
    node: Map,
    key: str,
    default: Any,
    parse: Callable[[_Check, Node, str], Any],
    path: str = "",
) -> Any:
    entry = node.get(key)
    if entry is None:
        return default
    return parse(check, entry.value, join_key(path, key))


# ---------------------------------------------------------------------------------------------
# problems


def _problem(check: _Check, node: Node, path: str, first_ids: dict[str, int]) -> ProblemSpec | None:
    if not isinstance(node, Map):
        check.error(node.line, path, _must("a mapping with at least id and type", node))
        return None
    problem_id = _problem_id(check, node, path, first_ids)
    module = None
    entry = _required(check, node, path, "type")
    if entry is not None:
        value = entry.value
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value in TYPE_NAMES:
            module = problem_type(value.value)
        else:
            check.error(
                value.line,
                join_key(path, "type"),
                f"unknown problem type {_show(value)}; use one of {', '.join(TYPE_NAMES)}",
            )
    if module is None:
        # without a type, its fields and views are unknown: check only the common keys
        _common(check, node, path, None, (), CONSTRAINT_NAMES, "")
        return None
    field_decls: dict[str, Field] = module.fields
    _check_keys(check, node, path, _PROBLEM_KEYS + tuple(field_decls))
    supported = tuple(name for name in CONSTRAINT_NAMES if name in module.constraints)
    common = _common(check, node, path, module.views, module.default_views, supported, module.name)
    before = len(check.errors)
    fields = tuple((name, _field(check, node, path, name, decl)) for name, decl in field_decls.items())
    if len(check.errors) > before:
        return None
    for name, message in module.check_fields(dict(fields)):
        entry = node.get(name)
        check.error(entry.value.line if entry is not None else node.line, join_key(path, name), message)
    if len(check.errors) == before:
        _check_output_padding(check, node, path, dict(fields))
    if common is None or problem_id is None or len(check.errors) > before:
        return None
    points, instructions, show_steps, constraints, atol, rtol = common
    return ProblemSpec(
        id=problem_id,
        type=module.name,
        points=points,
        instructions=instructions,
        show_steps=show_steps,
        fields=fields,
        constraints=constraints,
        atol=atol,
        rtol=rtol,
        line=node.line,
    )


def _problem_id(check: _Check, node: Map, path: str, first_ids: dict[str, int]) -> str | None:
    entry = _required(check, node, path, "id")
    if entry is None:
        return None
    value, id_path = entry.value, join_key(path, "id")
    if not (isinstance(value, Scalar) and isinstance(value.value, str) and _ID_PATTERN.fullmatch(value.value)):
        check.error(
            value.line,
            id_path,
            _must("1-32 characters from letters, digits, '_' and '-'", value),
        )
        return None
    problem_id: str = value.value
    if problem_id in first_ids:
        check.error(value.line, id_path, f"duplicate id '{problem_id}' (first used on line {first_ids[problem_id]})")
        return None
    first_ids[problem_id] = value.line
    return problem_id


def _common(
    check: _Check,
    node: Map,
    path: str,
    views: tuple[str, ...] | None,
    default_views: tuple[str, ...],
    supported: Sequence[str],
    type_name: str,
) -> tuple[float, str | None, tuple[str, ...], Constraints, float, float] | None:
    """The keys every problem type shares (besides id and type); views None: type unknown, skip show_steps.
    `supported`: the constraints the type honours (the others are errors naming `type_name`)."""
    before = len(check.errors)

    def positive(c: _Check, n: Node, p: str) -> float | None:
        value = _number(c, n, p, "a number > 0")
        if value is not None and value <= 0:
            c.error(n.line, p, _must("a number > 0", n))
            return None
        return None if value is None else float(value)

    def tolerance(c: _Check, n: Node, p: str) -> float | None:
        value = _number(c, n, p, "a number >= 0")
        if value is not None and value < 0:
            c.error(n.line, p, _must("a number >= 0", n))
            return None
        return None if value is None else float(value)

    def instructions(c: _Check, n: Node, p: str) -> str | None:
        if isinstance(n, Scalar) and n.value is None:
            return None
        return _string(c, n, p)

    points = _optional(check, node, "points", 1.0, positive, path)
    text = _optional(check, node, "instructions", None, instructions, path)
    show_steps = default_views
    if views is not None:
        show_steps = _optional(
            check, node, "show_steps", default_views, lambda c, n, p: _show_steps(c, n, p, views), path
        )
    constraints = _optional(
        check, node, "constraints", Constraints(), lambda c, n, p: _constraints(c, n, p, supported, type_name), path
    )
    atol = _optional(check, node, "atol", 0.0, tolerance, path)
    rtol = _optional(check, node, "rtol", 0.0, tolerance, path)
    if len(check.errors) > before:
        return None
    return points, text, show_steps, constraints, atol, rtol


def _show_steps(check: _Check, node: Node, path: str, views: tuple[str, ...]) -> tuple[str, ...] | None:
    allowed = ", ".join(views)
    if not isinstance(node, Seq):
        check.error(node.line, path, _must(f"a list of views (any of {allowed})", node))
        return None
    chosen: list[str] = []
    ok = True
    for i, item in enumerate(node.items):
        item_path = f"{path}[{i}]"
        if not (isinstance(item, Scalar) and isinstance(item.value, str) and item.value in views):
            check.error(item.line, item_path, f"unknown view {_show(item)}; use one of {allowed}")
            ok = False
        elif item.value in chosen:
            check.error(item.line, item_path, f"duplicate view '{item.value}'")
            ok = False
        else:
            chosen.append(item.value)
    return tuple(chosen) if ok else None


def _constraints(
    check: _Check, node: Node, path: str, supported: Sequence[str], type_name: str
) -> Constraints | None:
    if not isinstance(node, Map):
        check.error(node.line, path, _must(f"a mapping with any of {', '.join(supported)}", node))
        return None
    before = len(check.errors)
    _check_keys(check, node, path, CONSTRAINT_NAMES)
    values: dict[str, Any] = {}
    for entry in node.entries:
        if entry.key in CONSTRAINT_NAMES and entry.key not in supported:
            check.error(entry.key_line, join_key(path, entry.key), f"not supported by type {type_name}")
            continue
        if entry.key in ("max_output_size", "min_output_size"):
            values[entry.key] = _int(check, entry.value, join_key(path, entry.key), 1, "an integer >= 1")
        elif entry.key in CONSTRAINT_NAMES:
            values[entry.key] = _bool(check, entry.value, join_key(path, entry.key))
    if len(check.errors) > before:
        return None
    return Constraints(**values)


# ---------------------------------------------------------------------------------------------
# type fields


def _field(check: _Check, node: Map, path: str, name: str, decl: Field) -> Any:
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
        return _bool(check, value_node, field_path)
    return _draw(check, value_node, field_path, decl)


def _draw(check: _Check, node: Node, path: str, decl: Field) -> Draw | None:
    """An int, pair or word field: a fixed value, {choice: [...]} or (not for words) {range: [lo, hi]}."""
    forms = ("choice",) if decl.kind == "word" else ("choice", "range")
    if not isinstance(node, Map):
        value = _option(check, node, path, decl, fixed=True)
        return None if value is None else Draw("fixed", (value,))
    unknown = _check_keys(check, node, path, forms)
    present = [entry for entry in node.entries if entry.key in forms]
    if not present:
        if not unknown:
            check.error(node.line, path, _must(_expected(decl, fixed=True), node))
        return None
    if len(present) > 1:
        check.error(node.line, path, "use either choice or range, not both")
        return None
    entry = present[0]
    form_path = join_key(path, entry.key)
    items = entry.value
    if entry.key == "range":
        return _range(check, items, form_path, decl.minimum, "range")
    if not isinstance(items, Seq) or not items.items:
        check.error(items.line, form_path, _must(f"a non-empty list of {_plural(decl)}", items))
        return None
    options = [_option(check, item, f"{form_path}[{i}]", decl, fixed=False) for i, item in enumerate(items.items)]
    if any(option is None for option in options):
        return None
    return Draw("choice", tuple(options))


def _range(check: _Check, node: Node, path: str, minimum: int | None, name: str) -> Draw | None:
    """`{range: [lo, hi]}` (or `{int: [lo, hi]}`): two ints with lo <= hi."""
    if not isinstance(node, Seq) or len(node.items) != 2:
        check.error(node.line, path, _must("a list [lo, hi] of two integers", node))
        return None
    lo = _int(check, node.items[0], f"{path}[0]", minimum, "an integer")
    hi = _int(check, node.items[1], f"{path}[1]", minimum, "an integer")
    if lo is None or hi is None:
        return None
    if lo > hi:
        check.error(node.line, path, f"lo ({lo}) must be <= hi ({hi})")
        return None
    return Draw(name, (lo, hi))


def _expected(decl: Field, fixed: bool) -> str:
    if decl.kind == "int":
        return f"an integer, {_DRAW_FORMS}" if fixed else "an integer"
    if decl.kind == "pair":
        return f"an integer or [h, w], {_DRAW_FORMS}" if fixed else "an integer or [h, w]"
    return f"one of {', '.join(decl.options)}" + (" or {choice: [...]}" if fixed else "")


def _plural(decl: Field) -> str:
    if decl.kind == "int":
        return "integers"
    if decl.kind == "pair":
        return "integers or [h, w] pairs"
    return f"words from {', '.join(decl.options)}"


def _option(check: _Check, node: Node, path: str, decl: Field, fixed: bool) -> Any:
    """One value of an int, pair or word field (the fixed value, or one option of a choice)."""
    expected = _expected(decl, fixed)
    if decl.kind == "word":
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in decl.options:
            return node.value
        check.error(node.line, path, _must(expected, node))
        return None
    if decl.kind == "pair" and isinstance(node, Seq):
        if len(node.items) != 2:
            check.error(node.line, path, _must(expected, node))
            return None
        h = _int(check, node.items[0], f"{path}[0]", decl.minimum, "an integer")
        w = _int(check, node.items[1], f"{path}[1]", decl.minimum, "an integer")
        return None if h is None or w is None else (h, w)
    return _int(check, node, path, decl.minimum, expected)


def _matrix(check: _Check, node: Node, path: str, decl: Field) -> MatrixSpec | None:
    if isinstance(node, Seq):
        return _literal_matrix(check, node, path)
    if not isinstance(node, Map):
        check.error(
            node.line,
            path,
            _must("a nested list of numbers or {shape: [H, W], values: ...}", node),
        )
        return None
    before = len(check.errors)
    _check_keys(check, node, path, ("shape", "values"))
    shape = None
    entry = node.get("shape")
    if entry is None and not decl.shape_derived:
        check.error(node.line, join_key(path, "shape"), "required field missing")
    elif entry is not None:
        shape = _shape(check, entry.value, join_key(path, "shape"))
    fill = None
    entry = _required(check, node, path, "values")
    if entry is not None:
        fill = _fill(check, entry.value, join_key(path, "values"))
    if len(check.errors) > before or fill is None:
        return None
    return MatrixSpec(fill=fill[0], literal=None, shape=shape, values=fill[1])


def _shape(check: _Check, node: Node, path: str) -> tuple[Draw, Draw] | Draw | None:
    if isinstance(node, Map):
        # the whole shape drawn at once: {choice: [2, [3, 2]]} (an int means square) or {range: [2, 3]}
        return _draw(check, node, path, Field("pair", minimum=1))
    if not isinstance(node, Seq) or len(node.items) != 2:
        check.error(node.line, path, _must("a list [H, W] of two sizes, or {choice: [...]} / {range: [lo, hi]}", node))
        return None
    size = Field("int", minimum=1)
    h = _draw(check, node.items[0], f"{path}[0]", size)
    w = _draw(check, node.items[1], f"{path}[1]", size)
    return None if h is None or w is None else (h, w)


def _fill(check: _Check, node: Node, path: str) -> tuple[str, tuple] | None:
    """The `values:` of a generated matrix: ones, {int: [lo, hi]} or {choice: [numbers]}."""
    expected = "ones, {int: [lo, hi]} or {choice: [numbers]}"
    if isinstance(node, Scalar) and node.value == "ones":
        return ("ones", ())
    if not isinstance(node, Map):
        check.error(node.line, path, _must(expected, node))
        return None
    unknown = _check_keys(check, node, path, ("int", "choice"))
    present = [entry for entry in node.entries if entry.key in ("int", "choice")]
    if not present:
        if not unknown:
            check.error(node.line, path, _must(expected, node))
        return None
    if len(present) > 1:
        check.error(node.line, path, "use either int or choice, not both")
        return None
    entry = present[0]
    fill_path = join_key(path, entry.key)
    if entry.key == "int":
        bounds = _range(check, entry.value, fill_path, None, "int")
        return None if bounds is None else ("int", bounds.values)
    items = entry.value
    if not isinstance(items, Seq) or not items.items:
        check.error(items.line, fill_path, _must("a non-empty list of numbers", items))
        return None
    numbers = [_number(check, item, f"{fill_path}[{i}]") for i, item in enumerate(items.items)]
    if any(number is None for number in numbers):
        return None
    return ("choice", tuple(numbers))


def _literal_matrix(check: _Check, node: Seq, path: str) -> MatrixSpec | None:
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


def _nested(check: _Check, node: Seq, path: str) -> tuple[tuple, tuple[int, ...]] | None:
    """A rectangular nested list of numbers: (nested tuples, shape)."""
    if not node.items:
        check.error(node.line, path, "must not be empty")
        return None
    if all(isinstance(item, Scalar) for item in node.items):
        numbers = [_number(check, item, f"{path}[{i}]") for i, item in enumerate(node.items)]
        if any(number is None for number in numbers):
            return None
        return tuple(numbers), (len(numbers),)
    if not all(isinstance(item, Seq) for item in node.items):
        check.error(node.line, path, "mixes numbers and lists; a matrix is a list of rows of numbers")
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


def _check_output_padding(check: _Check, node: Map, path: str, fields: dict[str, Any]) -> None:
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
