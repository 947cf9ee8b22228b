"""Shared test fixtures and helpers: the bundled specs, a CLI runner, and a JSON-form view of the
problem types (parameters and answers as key.json writes them), so tests can state cases as plain lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exercisegen.cli import main
from exercisegen.diagnose import diagnose
from exercisegen.problems.base import Mistake, blocks_of, nested
from exercisegen.problems.registry import TYPES, problem_type

SPECS = Path(__file__).resolve().parent.parent / "problem_specs"
HOMEWORK = SPECS / "transposed_homework.yaml"


def run(*args: object):
    """Run the CLI with `args` (str() of each; no real terminal), returning click's Result."""
    return CliRunner().invoke(main, [str(a) for a in args])


def typed(ptype: str, params: dict[str, Any]) -> Any:
    """Parameters written as in key.json -> the type's parameter record."""
    return problem_type(ptype).params_from_json(params)


def _json_answer(ptype: str, record: Any, blocks: Any) -> list | None:
    return None if blocks is None else nested(blocks, problem_type(ptype).single(record))


def type_of_rule(name: str) -> str:
    """The problem type a modelled mistake belongs to."""
    return next(t for t, kind in TYPES.items() if any(m.name == name for m in kind.mistakes))


def all_mistakes() -> list[Mistake[Any]]:
    """Every modelled mistake of every type."""
    return [m for kind in TYPES.values() for m in kind.mistakes]


def solve(ptype: str, params: dict[str, Any]) -> list:
    """The answer, as key.json writes it."""
    record = typed(ptype, params)
    return _json_answer(ptype, record, problem_type(ptype).solve(record))  # type: ignore[return-value]


def rule(name: str, params: dict[str, Any]) -> list | None:
    """What mistake `name` predicts (JSON form), None when it cannot be made here."""
    ptype = type_of_rule(name)
    record = typed(ptype, params)
    return _json_answer(ptype, record, problem_type(ptype).mistake(name).rule(record))


def predict(name: str, params: dict[str, Any]) -> list | None:
    """Like `rule`, but None also when the prediction is the right answer."""
    predicted = rule(name, params)
    return None if predicted is None or predicted == solve(type_of_rule(name), params) else predicted


def diagnose_json(ptype: str, params: dict[str, Any], answer: list, submitted: list) -> Mistake[Any] | None:
    """`diagnose` on answers written as nested lists (2-D for one channel)."""
    return diagnose(problem_type(ptype), typed(ptype, params), blocks_of(answer), blocks_of(submitted))


@pytest.fixture(scope="session")
def homework_path() -> Path:
    """The documented homework spec."""
    return HOMEWORK


def layer_code_params(**kw: Any) -> dict[str, Any]:
    """A grouped ConvTranspose2d(16, 8, 4, stride 2, padding 1, groups 2) on (2, 16, 5, 5): y (2, 8, 10, 10),
    weight (16, 4, 4, 4), 1024 + 8 parameters."""
    params = {
        "layer": "ConvTranspose2d",
        "in_channels": 16,
        "out_channels": 8,
        "kernel_size": 4,
        "stride": 2,
        "padding": 1,
        "output_padding": 0,
        "dilation": 1,
        "groups": 2,
        "bias": True,
        "batch": 2,
        "input_size": 5,
        "style": "mixed",
        "ask": ["output_shape", "weight_shape", "parameters"],
    }
    params.update(kw)
    return params
