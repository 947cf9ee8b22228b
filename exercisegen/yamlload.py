"""Turn YAML text into a tree of values that remember their line, for spec error messages.

Only `yaml.SafeLoader` machinery is used: the text is composed into nodes and walked here, so that
every value keeps its 1-based line. Things a spec must not contain are reported as problems instead of
being silently accepted: duplicate keys (kept: the first), anchors and aliases, tags other than the
plain scalar ones, and nesting deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from exercisegen.textcheck import bad_char, char_name

MAX_DEPTH = 64

_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# scalar tags turned into Python values by the SafeLoader's constructor
_CONSTRUCTED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str")}
# implicit tags whose text is kept as a plain string (a date-like title, a `<<` or `=` value)
_TEXT_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("timestamp", "merge", "value")}
ALIAS_MESSAGE = "YAML aliases (&anchor / *alias) are not allowed in specs"


@dataclass(frozen=True)
class Scalar:
    """A scalar (str, int, float, bool or None), its source text and the line it is on."""

    value: Any
    text: str
    line: int


@dataclass(frozen=True)
class Seq:
    """A YAML sequence of located values and the line it starts on."""

    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class Entry:
    """One `key: value` pair of a mapping; `key_line` is the line the key is written on."""

    key: str
    key_line: int
    value: Node


@dataclass(frozen=True)
class Map:
    """A YAML mapping (first occurrence of each key, in file order) and the line it starts on."""

    entries: tuple[Entry, ...]
    line: int

    def get(self, key: str) -> Entry | None:
        """The entry for `key`, or None."""
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


Node = Scalar | Seq | Map


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong in the YAML itself; `path` is "" when the problem has no field path."""

    line: int
    path: str
    message: str


@dataclass(frozen=True)
class Document:
    """A loaded document: `root` is None when the text is empty or could not be used (see `problems`)."""

    root: Node | None
    problems: tuple[YamlProblem, ...]


class _TooDeep(Exception):
    """Nesting deeper than MAX_DEPTH (stops composing before Python's recursion limit)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _TooMany(Exception):
    """More nodes than the caller allows (stops composing: the work a document causes is bounded)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader that records anchors and aliases (instead of resolving them) and limits nesting
    and (optionally) the number of nodes."""

    def __init__(self, stream: str, max_nodes: int | None = None):
        super().__init__(stream)
        self.refused_lines: list[int] = []
        self._depth = 0
        self._nodes = 0
        self._max_nodes = max_nodes

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self.get_event()
            self.refused_lines.append(event.start_mark.line + 1)
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self.refused_lines.append(event.start_mark.line + 1)
            event.anchor = None
        self._nodes += 1
        if self._max_nodes is not None and self._nodes > self._max_nodes:
            raise _TooMany(event.start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_located(text: str, max_nodes: int | None = None, *, fast: bool | None = None) -> Document:
    """Compose `text` and return its values with lines, plus any YAML problems (among them more than
    `max_nodes` values, when given).

    libyaml (C) composes when PyYAML has it and no `&` or `*` begins a word of the text (so no anchor
    or alias can hide in it); anything it refuses or finds too large, and every other text, goes
    through the pure-Python composer, which reports anchors, aliases, sizes and syntax errors as
    always. Both give the same Document. `fast=False` forces the pure-Python composer (tests compare).
    """
    if fast is None:
        fast = yaml.__with_libyaml__
    if fast and not _MAY_ANCHOR.search(text):
        document = _load_with_libyaml(text, max_nodes)
        if document is not None:
            return document
    return _load_pure(text, max_nodes)


# `&` or `*` where a YAML token can begin: after a line start, a space, a flow indicator or a `:`
_MAY_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:])[&*]")


def _load_with_libyaml(text: str, max_nodes: int | None) -> Document | None:
    """The Document composed by libyaml, or None when the pure-Python composer must say what is wrong."""
    loader = yaml.CSafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError:
            return None  # the pure-Python composer words syntax errors as the messages always were
        if node is None:
            return Document(None, ())
        if max_nodes is not None and _count_nodes(node, max_nodes) > max_nodes:
            return None
        duplicates: list[YamlProblem] = []
        refusals: list[YamlProblem] = []
        try:
            root = _walk(node, "", loader, duplicates, refusals, depth=1)
        except _TooDeep:
            return None
    finally:
        loader.dispose()
    if refusals:
        return Document(None, tuple(refusals))
    return Document(root, tuple(duplicates))


def _count_nodes(root: yaml.Node, limit: int) -> int:
    """Nodes in the tree (keys included, as the pure-Python loader counts them), stopping past `limit`."""
    count, stack = 0, [root]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return count


def _load_pure(text: str, max_nodes: int | None) -> Document:
    """Compose with the pure-Python SafeLoader, recording anchors and aliases and limiting nesting."""
    try:
        loader = _Loader(text, max_nodes)
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not accept
        return Document(None, (_syntax_problem(exc, text),))
    try:
        try:
            node = loader.get_single_node()
        except _TooDeep as exc:
            return Document(None, (YamlProblem(exc.line, "", f"nested more than {MAX_DEPTH} levels deep"),))
        except _TooMany as exc:
            message = (
                f"more than {max_nodes} values "
                "(write each grid under `|`, one row per line, as the template does)"
            )
            return Document(None, (YamlProblem(exc.line, "", message),))
        except yaml.YAMLError as exc:
            return Document(None, (_syntax_problem(exc, text),))
        if loader.refused_lines:
            lines = sorted(set(loader.refused_lines))
            return Document(None, tuple(YamlProblem(line, "", ALIAS_MESSAGE) for line in lines))
        if node is None:
            return Document(None, ())
        duplicates: list[YamlProblem] = []
        refusals: list[YamlProblem] = []
        root = _walk(node, "", loader, duplicates, refusals)
    finally:
        loader.dispose()
    if refusals:
        return Document(None, tuple(refusals))
    return Document(root, tuple(duplicates))


def located(value: Any, line: int) -> Node:
    """Wrap a plain Python value (a field default) as located nodes, all on `line`."""
    if isinstance(value, dict):
        entries = tuple(Entry(str(k), line, located(v, line)) for k, v in value.items())
        return Map(entries, line)
    if isinstance(value, (list, tuple)):
        return Seq(tuple(located(v, line) for v in value), line)
    return Scalar(value, str(value), line)


def join_key(path: str, key: str) -> str:
    """The path of `key` inside the mapping at `path` (`problems[0]` + `stride` -> `problems[0].stride`)."""
    shown = key if key.isprintable() and key else repr(key)
    return f"{path}.{shown}" if path else shown


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters (with `...`), for quoting user input in one-line messages."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _syntax_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        parts = [part for part in (exc.context, exc.problem) if part]
        detail = ", ".join(parts) if parts else str(exc)
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or b"\\0")
        detail = f"character U+{code:04X} is not allowed in YAML"
    else:
        line, detail = 1, str(exc)
    return YamlProblem(line, "", "YAML syntax error: " + " ".join(detail.split()))


def _walk(
    node: yaml.Node,
    path: str,
    loader: Any,
    duplicates: list[YamlProblem],
    refusals: list[YamlProblem],
    depth: int = 0,
) -> Node:
    """Located values of a composed node; `depth` > 0 counts nesting (the pure-Python loader counted it)."""
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _TooDeep(line)
    deeper = depth + 1 if depth else 0
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path, loader, refusals)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ_TAG:
            refusals.append(YamlProblem(line, path, f"YAML tag {node.tag!r} is not allowed in specs"))
        items = tuple(
            _walk(item, f"{path}[{i}]", loader, duplicates, refusals, deeper) for i, item in enumerate(node.value)
        )
        return Seq(items, line)
    assert isinstance(node, yaml.MappingNode)
    if node.tag != _MAP_TAG:
        refusals.append(YamlProblem(line, path, f"YAML tag {node.tag!r} is not allowed in specs"))
    first_line: dict[str, int] = {}
    entries: list[Entry] = []
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            refusals.append(YamlProblem(key_line, path, "mapping keys must be plain words, not lists or mappings"))
            continue
        key = key_node.value
        bad = bad_char(key, multiline=False)
        if bad is not None:
            refusals.append(YamlProblem(key_line, path, f"a key holds {char_name(bad)}, which is not a character"))
            continue
        key_path = join_key(path, key)
        if key in first_line:
            duplicates.append(YamlProblem(key_line, key_path, f"duplicate key (first on line {first_line[key]})"))
            continue
        first_line[key] = key_line
        entries.append(Entry(key, key_line, _walk(value_node, key_path, loader, duplicates, refusals, deeper)))
    return Map(tuple(entries), line)


def _scalar(node: yaml.ScalarNode, path: str, loader: Any, refusals: list[YamlProblem]) -> Scalar:
    line = node.start_mark.line + 1
    if node.tag in _TEXT_TAGS:
        return Scalar(node.value, node.value, line)
    if node.tag not in _CONSTRUCTED_TAGS:
        refusals.append(YamlProblem(line, path, f"YAML tag {node.tag!r} is not allowed in specs"))
        return Scalar(None, node.value, line)
    try:
        value = loader.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        short = node.tag.rsplit(":", 1)[-1]
        refusals.append(YamlProblem(line, path, f"cannot read {clip(node.value)!r} as {short}"))
        return Scalar(None, node.value, line)
    bad = bad_char(value) if isinstance(value, str) else None
    if bad is not None:  # a lone surrogate ("\\ud800") or a control character: nothing could write it
        refusals.append(YamlProblem(line, path, f"holds {char_name(bad)}, which is not a character"))
        return Scalar(None, node.value, line)
    return Scalar(value, node.value, line)
