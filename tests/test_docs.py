"""Docs tested against the code: the spec language's field reference and every CLI command's help."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercisegen.cli import main
from exercisegen.problems.registry import TYPES
from exercisegen.specdoc import field_reference, generated_section, with_reference

SPEC_LANGUAGE = Path(__file__).resolve().parent.parent / "docs" / "spec-language.md"
COMMANDS = sorted(main.commands)
FIELDS = [(type_name, name) for type_name, ptype in TYPES.items() for name in ptype.fields]


def test_spec_language_field_reference_matches_the_problem_types():
    doc = SPEC_LANGUAGE.read_text(encoding="utf-8")
    assert generated_section(doc) == field_reference(), "run: python -m exercisegen.specdoc"


def test_regenerating_the_spec_language_doc_changes_nothing():
    doc = SPEC_LANGUAGE.read_text(encoding="utf-8")
    assert with_reference(doc) == doc


def test_field_reference_has_a_section_and_a_row_for_every_field():
    reference = field_reference()
    for type_name, ptype in TYPES.items():
        assert f"### `{type_name}`" in reference
        for name in ptype.fields:
            assert f"\n| `{name}` |" in reference


def test_field_reference_lists_constraints_in_spec_order():
    assert "Constraints: `max_output_size`, `min_output_size` and `overlap`." in field_reference()


def test_field_reference_marks_required_fields_and_lists_word_options():
    reference = field_reference()
    assert "| `input_size` | integer or [h, w], >= 1, <= 4096 | required |" in reference
    assert "| `stride` | integer or [h, w], >= 1, <= 16 | `1` |" in reference
    assert "| `operation` | word: `transposed` or `conv` | `transposed` |" in reference


@pytest.mark.parametrize("type_name, field_name", FIELDS)
def test_every_field_has_help(type_name, field_name):
    assert TYPES[type_name].fields[field_name].help.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_ends_with_an_example_of_itself(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.splitlines()]
    assert "Example:" in lines, f"`exercisegen {command} --help` has no Example: line"
    following = lines[lines.index("Example:") + 1]
    assert following.startswith(f"exercisegen {command}")


def test_main_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    commands_part = result.output.split("Commands:", 1)[1]
    listed = {line.split()[0] for line in commands_part.splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_readme_type_table_lists_every_type_with_an_example_that_draws():
    import re

    from exercisegen.spec import parse_spec
    from exercisegen.variants import build_key

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| [^|]*\| `(\{.*\})` \|$", readme, re.M)
    assert [name for name, _ in rows] == list(TYPES)
    text = "title: t\nproblems:\n" + "".join(f"  - {{id: p{i}, {example[1:]}\n" for i, (_, example) in enumerate(rows))
    key = build_key(parse_spec(text, "README.md"), [("s", "")])
    assert [p.type for p in key.variants[0].problems] == list(TYPES)
