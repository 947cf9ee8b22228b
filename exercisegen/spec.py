"""Problem specs: load a YAML spec, validate it once, and return immutable `SetSpec` records.

Every mistake found in a spec becomes one line `FILE:LINE: path.to.field: message`; all of them are
collected and raised together as one `SpecError`. After loading, the rest of the program trusts
the records. The spec language is documented in docs/spec-language.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from exercisegen.errors import SpecError
from exercisegen.fields import Field
from exercisegen.problems.registry import TYPE_NAMES, problem_type
from exercisegen.spec_check import (
    Check,
    bool_value,
    check_keys,
    int_value,
    must,
    number,
    required,
    show,
    string,
    word,
)
from exercisegen.spec_fields import check_output_padding, field_value
from exercisegen.spec_model import CONSTRAINT_NAMES, Constraints, ProblemSpec, SetSpec
from exercisegen.yamlload import Map, Node, Scalar, Seq, join_key, load_located

MAX_SPEC_BYTES = 262144

_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")  # no dots: ids name PDF form fields
_SET_KEYS = ("title", "course", "instructions", "seed", "paper", "problems")
_PROBLEM_KEYS = ("id", "type", "points", "instructions", "show_steps", "constraints", "atol", "rtol", "balance")
_PAPERS = ("a4", "letter")


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
    check = Check(filename)
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
    return f"{filename}:1: spec is {size} bytes; the limit is {MAX_SPEC_BYTES}"


# ---------------------------------------------------------------------------------------------
# set level


def _set_spec(check: Check, root: Node, filename: str, sha256: str) -> SetSpec | None:
    if not isinstance(root, Map):
        check.error(root.line, "top level", must("a mapping with title and problems", root))
        return None
    check_keys(check, root, "", _SET_KEYS)
    title = None
    entry = required(check, root, "", "title")
    if entry is not None:
        value = entry.value
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value.strip():
            title = value.value
        else:
            check.error(value.line, "title", must("a non-empty string", value))
    course = _optional(check, root, "course", "", string)
    instructions = _optional(check, root, "instructions", "", string)
    seed = _optional(check, root, "seed", 0, lambda c, n, p: int_value(c, n, p, 0, "an integer >= 0"))
    paper = _optional(check, root, "paper", "a4", lambda c, n, p: word(c, n, p, _PAPERS))
    problems: list[ProblemSpec | None] = []
    entry = required(check, root, "", "problems")
    if entry is not None:
        items = entry.value
        if not isinstance(items, Seq) or not items.items:
            check.error(items.line, "problems", must("a non-empty list of problems", items))
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
    check: Check,
    node: Map,
    key: str,
    default: Any,
    parse: Callable[[Check, Node, str], Any],
    path: str = "",
) -> Any:
    entry = node.get(key)
    if entry is None:
        return default
    return parse(check, entry.value, join_key(path, key))


# ---------------------------------------------------------------------------------------------
# problems


def _problem(check: Check, node: Node, path: str, first_ids: dict[str, int]) -> ProblemSpec | None:
    if not isinstance(node, Map):
        check.error(node.line, path, must("a mapping with at least id and type", node))
        return None
    problem_id = _problem_id(check, node, path, first_ids)
    module = None
    entry = required(check, node, path, "type")
    if entry is not None:
        value = entry.value
        if isinstance(value, Scalar) and isinstance(value.value, str) and value.value in TYPE_NAMES:
            module = problem_type(value.value)
        else:
            check.error(
                value.line,
                join_key(path, "type"),
                f"unknown problem type {show(value)}; use one of {', '.join(TYPE_NAMES)}",
            )
    if module is None:
        # without a type, its fields and views are unknown: check only the common keys
        _common(check, node, path, None, (), CONSTRAINT_NAMES, "")
        return None
    field_decls: dict[str, Field] = module.fields
    check_keys(check, node, path, _PROBLEM_KEYS + tuple(field_decls))
    supported = tuple(name for name in CONSTRAINT_NAMES if name in module.constraints)
    common = _common(check, node, path, module.views, module.default_views, supported, module.name)
    before = len(check.errors)
    fields = tuple((name, field_value(check, node, path, name, decl)) for name, decl in field_decls.items())
    if len(check.errors) > before:
        return None
    for name, message in module.check_fields(dict(fields)):
        check.error(_line_of(node, name), join_key(path, name), message)
    if len(check.errors) == before:
        check_output_padding(check, node, path, dict(fields))
    balance = _optional(check, node, "balance", (), lambda c, n, p: _balance(c, n, p, module, dict(fields)), path)
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
        balance=balance,
    )


def _balance(check: Check, node: Node, path: str, module: Any, fields: dict[str, Any]) -> tuple[str, ...] | None:
    """`balance: [stride, ...]`: drawn fields of the problem, each once, with few enough combinations."""
    from exercisegen.balance import MAX_COMBINATIONS, field_options

    if not isinstance(node, Seq) or not node.items:
        check.error(node.line, path, must("a non-empty list of field names", node))
        return None
    names: list[str] = []
    count = 1
    for i, item in enumerate(node.items):
        item_path = f"{path}[{i}]"
        if not (isinstance(item, Scalar) and isinstance(item.value, str) and item.value in fields):
            check.error(item.line, item_path, f"unknown field {show(item)}; use fields of this problem")
        elif item.value in names:
            check.error(item.line, item_path, f"duplicate field '{item.value}'")
        else:
            options = field_options(fields[item.value], module.fields[item.value].kind == "pair")
            if options is None:
                check.error(
                    item.line,
                    item_path,
                    f"'{item.value}' is not drawn; balance needs a field drawn with {{choice: [...]}} or "
                    "{range: [lo, hi]} (a matrix: a drawn shape)",
                )
            else:
                names.append(item.value)
                count *= len(options)
    if len(names) == len(node.items) and count > MAX_COMBINATIONS:
        check.error(node.line, path, f"{count} combinations to balance; at most {MAX_COMBINATIONS}")
    return tuple(names) if len(names) == len(node.items) and count <= MAX_COMBINATIONS else None


def _line_of(node: Map, name: str) -> int:
    """The line of the value a check names (`stride`, `layers[2].stride`), else of the nearest enclosing one."""
    line = node.line
    current: Node = node
    for part in re.split(r"\.|(?=\[)", name):
        index = re.fullmatch(r"\[(\d+)\]", part)
        if index and isinstance(current, Seq) and int(index.group(1)) < len(current.items):
            current = current.items[int(index.group(1))]
        elif not index and isinstance(current, Map) and (entry := current.get(part)) is not None:
            current = entry.value
        else:
            break
        line = current.line
    return line


def _problem_id(check: Check, node: Map, path: str, first_ids: dict[str, int]) -> str | None:
    entry = required(check, node, path, "id")
    if entry is None:
        return None
    value, id_path = entry.value, join_key(path, "id")
    if not (isinstance(value, Scalar) and isinstance(value.value, str) and _ID_PATTERN.fullmatch(value.value)):
        check.error(
            value.line,
            id_path,
            must("1-32 characters from letters, digits, '_' and '-'", value),
        )
        return None
    problem_id: str = value.value
    if problem_id in first_ids:
        check.error(value.line, id_path, f"duplicate id '{problem_id}' (first used on line {first_ids[problem_id]})")
        return None
    first_ids[problem_id] = value.line
    return problem_id


def _common(
    check: Check,
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

    def positive(c: Check, n: Node, p: str) -> float | None:
        value = number(c, n, p, "a number > 0")
        if value is not None and value <= 0:
            c.error(n.line, p, must("a number > 0", n))
            return None
        return None if value is None else float(value)

    def tolerance(c: Check, n: Node, p: str) -> float | None:
        value = number(c, n, p, "a number >= 0")
        if value is not None and value < 0:
            c.error(n.line, p, must("a number >= 0", n))
            return None
        return None if value is None else float(value)

    def instructions(c: Check, n: Node, p: str) -> str | None:
        if isinstance(n, Scalar) and n.value is None:
            return None
        return string(c, n, p)

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


def _show_steps(check: Check, node: Node, path: str, views: tuple[str, ...]) -> tuple[str, ...] | None:
    allowed = ", ".join(views)
    if not isinstance(node, Seq):
        check.error(node.line, path, must(f"a list of views (any of {allowed})", node))
        return None
    chosen: list[str] = []
    ok = True
    for i, item in enumerate(node.items):
        item_path = f"{path}[{i}]"
        if not (isinstance(item, Scalar) and isinstance(item.value, str) and item.value in views):
            check.error(item.line, item_path, f"unknown view {show(item)}; use one of {allowed}")
            ok = False
        elif item.value in chosen:
            check.error(item.line, item_path, f"duplicate view '{item.value}'")
            ok = False
        else:
            chosen.append(item.value)
    return tuple(chosen) if ok else None


def _constraints(check: Check, node: Node, path: str, supported: Sequence[str], type_name: str) -> Constraints | None:
    if not isinstance(node, Map):
        check.error(node.line, path, must(f"a mapping with any of {', '.join(supported)}", node))
        return None
    before = len(check.errors)
    check_keys(check, node, path, CONSTRAINT_NAMES)
    values: dict[str, Any] = {}
    for entry in node.entries:
        if entry.key in CONSTRAINT_NAMES and entry.key not in supported:
            check.error(entry.key_line, join_key(path, entry.key), f"not supported by type {type_name}")
            continue
        if entry.key in ("max_output_size", "min_output_size"):
            values[entry.key] = int_value(check, entry.value, join_key(path, entry.key), 1, "an integer >= 1")
        elif entry.key == "min_nonzero_answer_fraction":
            values[entry.key] = _fraction(check, entry.value, join_key(path, entry.key))
        elif entry.key in CONSTRAINT_NAMES:
            values[entry.key] = bool_value(check, entry.value, join_key(path, entry.key))
    if len(check.errors) > before:
        return None
    return Constraints(**values)


def _fraction(check: Check, node: Node, path: str) -> float | None:
    """A number in (0, 1]."""
    value = number(check, node, path, "a number > 0 and <= 1")
    if value is not None and not 0 < value <= 1:
        check.error(node.line, path, must("a number > 0 and <= 1", node))
        return None
    return None if value is None else float(value)
