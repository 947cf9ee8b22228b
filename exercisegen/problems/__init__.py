"""Problem types: one module per type, all with the same small interface.

A problem-type module exposes:

* `NAME` -- the `type:` word in a spec;
* `FIELDS: dict[str, Field]` -- the spec fields it accepts (validated by `spec.py`);
* `VIEWS` / `DEFAULT_VIEWS` -- the explanation views `show_steps` may name, and the default;
* `draw(spec, rng) -> dict | None` -- draw parameters (plain JSON types, PyTorch names), None if rejected;
* `solve(params) -> list` -- the answer as a nested list of numbers;
* `statement(params) -> str` -- the task in words;
* `answer_layout(params) -> AnswerLayout` -- what the student fills in (blocks of cells, labels);
* `mark(params, answer, submitted) -> list[list[list[bool]]]` -- per-cell correctness of a
  well-shaped submission (the design type accepts any valid choice).

Adding a type = adding a module and a line in `_MODULES`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = {
    "transposed_conv": "exercisegen.problems.transposed_conv",
    "conv": "exercisegen.problems.conv",
    "output_shape": "exercisegen.problems.output_shape",
    "design": "exercisegen.problems.design",
    "conv_matrix": "exercisegen.problems.conv_matrix",
}

TYPE_NAMES: tuple[str, ...] = tuple(_MODULES)


def problem_type(name: str) -> ModuleType:
    """Return the module implementing problem type `name` (KeyError if unknown)."""
    return importlib.import_module(_MODULES[name])
