"""Text from untrusted places (student files, file names, rosters) checked before it is used.

Python strings can hold what no file can store: lone surrogates (JSON `"\\ud800"`, YAML `"\\ud800"`,
file names that are not UTF-8). Such a string passes parsing and then breaks whatever writes it (a
CSV, a PDF, the terminal). Every string from a student file goes through `bad_text`, file names are
shown through `display_path`, and roster ids through `id_problem`.
"""

from __future__ import annotations

import os
import unicodedata
from typing import Any

# format characters that reorder or hide text (U+202E shows `gpj.exe` as `exe.jpg`)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\t\n\r")


def bad_char(text: str, multiline: bool = True) -> str | None:
    """The first character of `text` that is not text to keep: a lone surrogate, or a control
    character other than tab and line breaks (those too when not `multiline`); None if all fine."""
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return ch
        if (code < 32 or 0x7F <= code < 0xA0) and not (multiline and ch in _LINE_BREAKS):
            return ch
    return None


def char_name(ch: str) -> str:
    """`U+D800` for a character in messages."""
    return f"U+{ord(ch):04X}"


def bad_text(tree: Any) -> tuple[str, str] | None:
    """(where, `U+D800`) for the first string of a parsed document (mapping keys too) holding a
    character that is not text (see `bad_char`); None when every string is fine. Iterative, so
    the depth of the document does not matter."""
    stack: list[tuple[str, Any]] = [("", tree)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            ch = bad_char(value)
            if ch is not None:
                return where or "top level", char_name(ch)
        elif isinstance(value, dict):
            for key, item in value.items():
                text = str(key)
                ch = bad_char(text, multiline=False)
                shown = text if ch is None else ascii(text)
                name = f"{where}.{shown}" if where else shown
                if ch is not None:
                    return name, char_name(ch)
                stack.append((name, item))
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


def display_path(path: str) -> str:
    """`path` as printable UTF-8 text: bytes that are not UTF-8 shown as `\\xff`, control and bidi
    characters as `\\n`, `\\x1b`, `\\u202e` (a file name must not write lines of its own into a
    gradebook, nor turn a terminal line around)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that did not come from the file system
        raw = path.encode("utf-8", "backslashreplace")
    return escape_hidden(raw.decode("utf-8", "backslashreplace"))


def escape_hidden(text: str) -> str:
    """`text` with control, bidi and other invisible characters as `\\x1b`, `\\u202e`."""
    return "".join(ascii(ch)[1:-1] if _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    return ch in _BIDI or (not ch.isprintable() and ch != " ")


def id_problem(text: str) -> str | None:
    """Why `text` cannot be a student id (control, format, bidi or unassigned characters, lone
    surrogates, line breaks), or None when it can."""
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _BIDI or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"has the invisible or control character {char_name(ch)}"
    return None


def field_value(text: str) -> str:
    """`text` for a PDF form field drawn in a standard font: `%` and non-ASCII characters
    percent-encoded as UTF-8 (`Łukasz` -> `%C5%81ukasz`); ASCII text without `%` is unchanged."""
    from urllib.parse import quote

    return quote(text, safe="".join(chr(c) for c in range(32, 127) if chr(c) != "%"))


def field_text(value: str) -> str:
    """The text `field_value` encoded (a value that is not such an encoding is returned as it is)."""
    from urllib.parse import unquote

    if "%" not in value or not value.isascii():
        return value
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value
