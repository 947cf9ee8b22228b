"""The libyaml (C) and pure-Python composers give the same located values and the same refusals."""

from __future__ import annotations

import pytest
import yaml

from exercisegen import yamlload
from exercisegen.yamlload import Document, load_located

libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")

TEXTS = [
    "",
    "# only a comment\n",
    "a: 1\nb: [1, 2.5, -3]\nc:\n  d: yes\n  e: null\n",
    "answers:\n  t1: |\n    1 2\n    3 4\n\n    5 6\n",
    "a: 1\nb: 2\na: 3\n",  # duplicate key
    "a: &x 1\nb: *x\n",  # anchor and alias
    "a: [1, 2\n",  # syntax error
    "a: b: c\n",  # syntax error
    "a: !!python/object x\n",  # tag
    "a: !!binary aGk=\n",
    "when: 2024-01-01\n<<: 3\n",
    "x: \x07\n",  # a character YAML refuses
    "[" * 70 + "]" * 70 + "\n",  # too deep
    "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(80)),  # too deep, block style
    "? [1, 2]\n: 3\n",  # a key that is a list
    "a: 1e400\nb: 0x1F\nc: .inf\n",
    "- 1\n- *\n",  # `*` with no anchor name
    "title: 'star * inside'\n",
    'variant: "Q789-JA1*"\nx: a&b\n',  # `*` and `&` inside words: libyaml composes these
    "a: [&x 1, *x]\n",
    '{"a":&x 1, "b":*x}\n',
    "--- &top\na: 1\n",
    "a:\n- &x 1\n- *x\n",
]


@libyaml
@pytest.mark.parametrize("text", TEXTS)
def test_libyaml_and_pure_python_give_the_same_document(text):
    assert load_located(text, fast=True) == load_located(text, fast=False)


@libyaml
def test_libyaml_composes_a_clean_answer_sheet(monkeypatch):
    def refuse(text: str) -> Document:
        raise AssertionError("the pure-Python composer was used")

    monkeypatch.setattr(yamlload, "_load_pure", refuse)
    document = load_located('set: "S"\nvariant: "Q789-JA1*"\nanswers:\n  t1: |\n    1 2\n')
    assert document.problems == ()
    assert document.root is not None and document.root.get("answers") is not None
    assert document.root.get("answers").value.get("t1").key_line == 4


def test_without_libyaml_the_pure_python_composer_reads_lines_and_refuses_aliases(monkeypatch):
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    document = load_located("a: 1\nb:\n  - 2\n")
    assert document.root is not None and document.root.get("b").value.items[0].line == 3
    refused = load_located("a: &x 1\nb: *x\n")
    assert [(p.line, p.message) for p in refused.problems] == [(1, yamlload.ALIAS_MESSAGE), (2, yamlload.ALIAS_MESSAGE)]
