"""Spreading drawn choices evenly across a class (`balance: [stride, ...]`) and counting how draws spread.

A problem's `balance` names drawn fields; their combinations (the product of each field's options) are
dealt out to the class so that every allowed combination comes up before any repeats. Which student
gets which combination follows the rank of a per-student hash (not the roster's order), so the deal is
reproducible from the class's ids alone. Everything here is pure: the caller supplies the hashes.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, Sequence

from exercisegen.problems.base import as_pair
from exercisegen.problems.registry import problem_type
from exercisegen.spec_model import Draw, MatrixSpec

if TYPE_CHECKING:
    from exercisegen.spec_model import ProblemSpec

MAX_COMBINATIONS = 64  # more would never all come up in a class

Combination = tuple[Any, ...]  # one value per balanced field (an (h, w) shape for a matrix field)


def field_options(value: Any, pair: bool = False) -> tuple[Any, ...] | None:
    """The values a drawn field can take (shapes for a matrix with a drawn shape; (h, w) for a `pair`
    field); None when it is fixed."""
    if isinstance(value, Draw):
        options = _draw_options(value)
        return _unique(as_pair(v) for v in options) if pair and options is not None else options
    if isinstance(value, MatrixSpec) and value.shape is not None:
        if isinstance(value.shape, Draw):
            options = _draw_options(value.shape)
            return None if options is None else _unique(as_pair(v) for v in options)
        heights, widths = (_draw_options(d) or d.values for d in value.shape)
        if len(heights) * len(widths) == 1:
            return None
        return tuple(itertools.product(heights, widths))
    return None


def _draw_options(draw: Draw) -> tuple[Any, ...] | None:
    if draw.kind == "choice" and len(set(draw.values)) > 1:
        return _unique(draw.values)
    if draw.kind == "range" and draw.values[0] < draw.values[1]:
        return tuple(range(draw.values[0], draw.values[1] + 1))
    return None


def _unique(values: Any) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def combinations(spec: "ProblemSpec") -> tuple[Combination, ...]:
    """Every combination of the balanced fields' options, in the spec's order."""
    options = [field_options(spec.field(name), _is_pair(spec, name)) for name in spec.balance]
    assert all(o is not None for o in options), "validated: balanced fields are drawn"
    return tuple(itertools.product(*options))  # type: ignore[arg-type]


def fixed_spec(spec: "ProblemSpec", combination: Combination) -> "ProblemSpec":
    """The problem with its balanced fields fixed to `combination` (nothing balanced any more)."""
    chosen = dict(zip(spec.balance, combination))
    fields = []
    for name, value in spec.fields:
        if name in chosen:
            if isinstance(value, MatrixSpec):
                value = dataclasses.replace(value, shape=Draw("fixed", (chosen[name],)))
            else:
                value = Draw("fixed", (chosen[name],))
        fields.append((name, value))
    return dataclasses.replace(spec, fields=tuple(fields), balance=())


def assign_slots(
    student_ids: Sequence[str], count: int, rank_key: Callable[[str], bytes], cycle_key: Callable[[int], bytes]
) -> dict[str, int]:
    """A combination index (0..count-1) per student: students ordered by `rank_key`, each run of `count`
    of them gets every combination once, in an order shuffled per run by `cycle_key(run)`."""
    ranked = sorted(dict.fromkeys(student_ids), key=lambda sid: (rank_key(sid), sid))
    slots = {}
    for run in range(0, len(ranked), count):
        salt = cycle_key(run // count)
        # one hash per combination decides its place in this run
        order = sorted(range(count), key=lambda i: _mix(salt, i))
        for offset, sid in enumerate(ranked[run : run + count]):
            slots[sid] = order[offset]
    return slots


def _mix(salt: bytes, index: int) -> bytes:
    import hashlib

    return hashlib.sha256(salt + index.to_bytes(4, "big")).digest()


# --- how draws spread ----------------------------------------------------------------------------


def drawn_fields(spec: "ProblemSpec") -> tuple[str, ...]:
    """The problem's fields that vary between students (matrices: those with a drawn shape)."""
    return tuple(name for name, value in spec.fields if field_options(value) is not None)


def _is_pair(spec: "ProblemSpec", name: str) -> bool:
    return problem_type(spec.type).fields[name].kind == "pair"


def drawn_value(spec: "ProblemSpec", params_json: dict[str, Any], name: str) -> Any:
    """Field `name`'s value in a drawn problem (key.json's `params`): a number, word, (h, w) pair or shape."""
    value = params_json[name]
    if isinstance(spec.field(name), MatrixSpec):
        grid = value
        while isinstance(grid[0][0], list):  # channels in front: (…, H, W)
            grid = grid[0]
        return (len(grid), len(grid[0]))
    return as_pair(value) if _is_pair(spec, name) else value


def show_value(spec: "ProblemSpec", name: str, value: Any) -> str:
    """A drawn value as a reader writes it: `2`, `[1, 2]` for a pair, `2×3` for a shape."""
    if isinstance(spec.field(name), MatrixSpec):
        return f"{value[0]}\u00d7{value[1]}"
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"[{value[0]}, {value[1]}]"
    return str(value)


def show_combination(spec: "ProblemSpec", combination: Combination) -> str:
    """`stride 2` or `stride 2, kernel 3×3`."""
    return ", ".join(f"{name} {show_value(spec, name, v)}" for name, v in zip(spec.balance, combination))


def spread(spec: "ProblemSpec", params_json: Sequence[dict[str, Any]]) -> list[tuple[str, Counter[Any]]]:
    """(field, counts of its values) for every drawn field of the problem over the drawn problems."""
    return [(name, Counter(drawn_value(spec, doc, name) for doc in params_json)) for name in drawn_fields(spec)]


def spread_text(spec: "ProblemSpec", name: str, counts: Counter[Any]) -> str:
    """`stride 1 ×150, 2 ×150` (values in the spec's order where it lists them)."""
    options = field_options(spec.field(name), _is_pair(spec, name)) or ()
    order = [v for v in options if v in counts] + sorted((v for v in counts if v not in options), key=repr)
    return f"{name} " + ", ".join(f"{show_value(spec, name, v)} \u00d7{counts[v]}" for v in order)


def combination_text(spec: "ProblemSpec", params_json: Sequence[dict[str, Any]]) -> str:
    """How often each combination of the balanced fields came up: `stride & kernel 1 & 3×3 ×75, ...`."""
    counts = Counter(tuple(drawn_value(spec, doc, name) for name in spec.balance) for doc in params_json)
    shown = [f"{_plain(spec, c)} \u00d7{n}" for c, n in sorted(counts.items(), key=lambda item: repr(item[0]))]
    return f"{' & '.join(spec.balance)} " + ", ".join(shown)


def _plain(spec: "ProblemSpec", combination: Combination) -> str:
    return " & ".join(show_value(spec, name, v) for name, v in zip(spec.balance, combination))
