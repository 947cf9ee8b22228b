"""Numbers in question texts: `{name}` placeholders and small arithmetic formulas over drawn integers.

A formula is parsed with Python's `ast` and only numbers, names, `+ - * / // % **`, parentheses and
`min`, `max`, `abs` are allowed: a spec never runs code.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Mapping

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
Value = int | float
_FUNCTIONS = {"min": min, "max": max, "abs": abs}
_MAX_POWER = 64
_MAX_VALUE = 10**18  # every intermediate result stays below this: a formula never computes for long


class FormulaError(ValueError):
    """A formula that is not allowed, names an unknown value, or cannot be computed (division by 0)."""


def names_in(text: str) -> list[str]:
    """The placeholder names in `text`, in order (`{{` and `}}` are literal braces)."""
    return PLACEHOLDER.findall(text.replace("{{", "").replace("}}", ""))


def fill(text: str, values: Mapping[str, Value]) -> str:
    """`text` with every `{name}` replaced by its value; `{{` / `}}` become `{` / `}`."""
    parts = re.split(r"(\{\{|\}\})", text)
    out = []
    for part in parts:
        if part in ("{{", "}}"):
            out.append(part[0])
        else:
            out.append(PLACEHOLDER.sub(lambda m: fmt_value(values[m.group(1)]), part))
    return "".join(out)


def fmt_value(value: Value) -> str:
    """An integer as written; a fraction with up to 4 decimals, trailing zeros dropped."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(int(value))


def check_formula(text: str, known: set[str]) -> str | None:
    """What is wrong with a formula (unknown names, things not allowed), or None."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return f"{text!r} is not an arithmetic expression"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in known and node.id not in _FUNCTIONS:
            return f"{node.id!r} is not a name defined before it (in params or earlier in derived)"
        if not isinstance(node, _ALLOWED):
            return f"{text!r} uses something other than numbers, names, + - * / // % **, min, max and abs"
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS):
            return f"{text!r} calls something other than min, max or abs"
        if isinstance(node, ast.Constant) and not _is_number(node.value):
            return f"{text!r} has a constant that is not a number"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def evaluate(text: str, values: Mapping[str, Value]) -> Value:
    """The formula's value (FormulaError when it cannot be computed)."""
    return _eval(ast.parse(text, mode="eval").body, values)


_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.USub,
    ast.UAdd,
)


def _eval(node: ast.AST, values: Mapping[str, Value]) -> Value:
    result = _eval_node(node, values)
    if abs(result) > _MAX_VALUE:
        raise FormulaError("a number beyond 10**18")
    return result


def _eval_node(node: ast.AST, values: Mapping[str, Value]) -> Value:
    if isinstance(node, ast.Constant):
        if not _is_number(node.value):
            raise FormulaError("not a number")
        return node.value  # type: ignore[return-value]
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"unknown name {node.id!r}")
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        function: Any = _FUNCTIONS[node.func.id]
        return function(*(_eval(arg, values) for arg in node.args))  # type: ignore[no-any-return]
    assert isinstance(node, ast.BinOp)
    a, b = _eval(node.left, values), _eval(node.right, values)
    op = node.op
    try:
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, ast.Div):
            quotient = a / b
            return int(quotient) if quotient.is_integer() else quotient
        if isinstance(op, ast.FloorDiv):
            return a // b
        if isinstance(op, ast.Mod):
            return a % b
        if abs(b) > _MAX_POWER:
            raise FormulaError("exponent too large")
        return a**b  # type: ignore[no-any-return]
    except ZeroDivisionError:
        raise FormulaError("division by zero") from None
