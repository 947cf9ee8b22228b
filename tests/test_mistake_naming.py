"""The feedback-accuracy measurement (benchmarks/mistake_naming.py) on a few dozen homework variants:
wrong procedures written independently of the rules are named correctly, never as another rule; random,
all-zero, empty and slips-only answers are never named; a mistake with one slip is named with the slip."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "mistake_naming.py"


@pytest.fixture(scope="module")
def figures():
    spec = importlib.util.spec_from_file_location("mistake_naming", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module, module.measure(30)


def test_modelled_mistakes_are_named_and_never_misnamed(figures):
    _, fig = figures
    assert fig.detectable() >= 1000
    assert fig.named_right() >= 0.99 * fig.detectable()
    assert fig.misnamed() == 0


def test_every_procedure_that_applies_to_the_homework_is_detected_and_named(figures):
    module, fig = figures
    applying = {rule for _, rule, _ in module.PROCEDURES if rule is not None} - {
        "ignored_dilation",  # the homework has no dilation, no conv output_shape, no output_padding in shape_drawn
        "conv_ignored_dilation",
        "shape_ignored_dilation",
        "shape_ceil",
        "shape_transposed_formula",
        "shape_ignored_output_padding",
    }
    assert {name for name, t in fig.tallies.items() if t.named_right > 0} >= applying


def test_a_mistake_with_one_slip_is_named_with_the_slip_listed(figures):
    _, fig = figures
    assert fig.slip_cases() >= 500
    assert fig.slip_right() >= 0.95 * fig.slip_cases()


def test_random_zero_empty_and_slips_only_answers_are_never_named(figures):
    _, fig = figures
    for kind in ("random", "all zero", "empty", "right answer with slips"):
        answers, named = fig.never[kind]
        assert answers > 100 and named == 0, kind


def test_the_procedures_are_not_the_rules():
    text = BENCH.read_text()
    assert "exercisegen.problems" not in text and "exercisegen.solver" not in text and "grid_ops" not in text
