"""Reading a choice answer: the letters a student picks (or one tick per option) as a row of 1 and 0.

A choice problem's answer is still numbers inside (`AnswerLayout.choose`): one cell per option, 1 for
picked and 0 for left out. Students write the letters (`B D`) on the answer sheet, or tick boxes on the
worksheet, which a PDF reads back position by position.
"""

from __future__ import annotations

from exercisegen.submissions import Blank, Block, Unreadable, WrittenCell
from exercisegen.yamlload import clip

TICK = "x"  # how a ticked option reads when written position by position (and a ticked PDF checkbox)
_WORDS = {"TRUE": "T", "FALSE": "F"}  # the words a true/false answer may spell out


def picked_options(blocks: tuple[Block, ...], letters: tuple[str, ...]) -> tuple[Block, ...] | str:
    """A choice answer as one row with 1 (picked) or 0 (left out) per option, in `letters` order.

    Written as the letters picked (`B D`, `BD`, `b, d`; `true` / `false` for T / F), or position by
    position (one `1`/`x` or `0`/blank per option: a filled worksheet's checkboxes). Every cell
    blank: the row is blank (not answered). A letter that names no option: a message saying so.
    """
    cells = [cell for block in blocks for row in block for cell in row]
    if all(isinstance(cell, Blank) for cell in cells):
        return ((tuple(Blank("?") for _ in letters),),)
    if len(cells) == len(letters) and all(_positional(cell) is not None for cell in cells):
        return ((tuple(_positional(cell) for cell in cells),),)  # type: ignore[misc]
    picked: set[str] = set()
    for cell in cells:
        if isinstance(cell, Blank):
            continue
        text = cell.text if isinstance(cell, Unreadable) else fmt_cell(cell)
        token = _WORDS.get(text.upper(), text.upper())
        if not token.isalpha() or not set(token) <= set(letters):
            choices = ", ".join(letters)
            return f"{clip(text, 20)!r} is not one of the letters {choices}; write the letters you pick"
        picked |= set(token)
    return ((tuple(1 if letter in picked else 0 for letter in letters),),)


def _positional(cell: WrittenCell) -> int | None:
    """1 for a tick, 0 for a cell left out; None when the cell is not written position by position."""
    if isinstance(cell, Blank) or cell == 0:
        return 0
    if cell == 1 or (isinstance(cell, Unreadable) and cell.text.lower() in (TICK, "\u2713", "\u2714")):
        return 1
    return None


def fmt_cell(cell: WrittenCell) -> str:
    """A number cell as text (for messages)."""
    if isinstance(cell, (Blank, Unreadable)):
        return cell.text
    return str(cell)
