"""Who uploaded a file, read from the names Canvas and Moodle give files in "download all submissions".

Canvas names each file `<sortable name>[_LATE]_<user id>_<attachment id>_<original name>` (the name
lower-cased with everything but letters, digits and `_` removed; `anon_<id>` instead of name and user id
when the assignment is anonymous); attachment ids grow with every upload, so they order files that share
the zip's single modification time. Moodle puts each participant's files in a folder
`<Full Name>_<participant id>_assignsubmission_file_/` (before Moodle 3.1: the same prefix on the file
name); the participant id is the number in the grading worksheet's `Identifier` ("Participant 12345").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercisegen.variants import Key

CANVAS, MOODLE = "canvas", "moodle"
LMS_NAMES = {CANVAS: "Canvas", MOODLE: "Moodle"}

_CANVAS = re.compile(
    r"^(?P<late1>late_)?(?P<name>[^/]*?)(?:_(?P<late>LATE|late))?_(?P<user>\d+)_(?P<file>\d+)_(?P<original>.+)$"
)
_CANVAS_ANON = re.compile(r"^(?:(?P<late>LATE|late)_)?anon_(?P<anon>[A-Za-z0-9]+)_(?P<file>\d+)_(?P<original>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+)_(?P<user>\d+)_assign(?:submission|feedback)_[a-z]+_(?P<rest>.*)$")


@dataclass(frozen=True)
class Origin:
    """Who uploaded a file, as an LMS download names it."""

    lms: str  # CANVAS | MOODLE
    user_id: str  # Canvas user id or Moodle participant id; "" when the download is anonymous
    name: str  # as the LMS wrote it: "doejane" (Canvas), "Jane Doe" (Moodle)
    order: int | None  # Canvas attachment id (later uploads have larger ids); None when unknown
    late: bool  # Canvas marked the submission late


def origin_of(path: str) -> Origin | None:
    """The uploader of a file named by Canvas or Moodle (a path inside a zip or an unzipped folder)."""
    parts = path.replace("\\", "/").split("/")
    base = parts[-1]
    match = _CANVAS_ANON.match(base)
    if match:
        return Origin(CANVAS, "", "", int(match["file"]), bool(match["late"]))
    match = _CANVAS.match(base)
    if match:
        late = bool(match["late"] or match["late1"])
        return Origin(CANVAS, match["user"], match["name"], int(match["file"]), late)
    for part in reversed(parts[-2:]):
        match = _MOODLE.match(part)
        if match:
            return Origin(MOODLE, match["user"], match["name"], None, False)
    return None


def describe_origin(origin: Origin) -> str:
    """`Canvas user 5678 (doejane)`."""
    who = f"{LMS_NAMES[origin.lms]} user {origin.user_id}" if origin.user_id else f"an anonymous {origin.lms} user"
    return f"{who} ({origin.name})" if origin.name else who


@dataclass(frozen=True)
class Uploaders:
    """The roster's LMS identities: which student each Canvas user / Moodle participant is."""

    by_user: dict[tuple[str, str], str]  # (lms, user id) -> student id
    by_name: dict[str, str]  # Moodle full name (normalised) -> student id, for names that are unique
    lms: frozenset[str]  # the LMSs whose user ids the roster holds

    def student(self, origin: Origin) -> str | None:
        """The student who uploaded a file; "" for an LMS user not in the roster; None when the roster
        cannot tell (no LMS ids in it, an anonymous download, a Moodle name not in it or not unique)."""
        if origin.user_id and origin.lms in self.lms:
            return self.by_user.get((origin.lms, origin.user_id), "")
        if origin.lms == MOODLE:
            return self.by_name.get(_normal(origin.name))
        return None


def uploaders(key: Key) -> Uploaders:
    """Canvas user ids (the roster's `ID`) and Moodle participant ids (its `Identifier`) of the key's
    students; Moodle full names too, where unique, for rosters without participant ids."""
    by_user: dict[tuple[str, str], str] = {}
    names: dict[str, list[str]] = {}
    for variant in key.variants:
        columns = dict(variant.lms)
        if key.roster_source == CANVAS and columns.get("ID"):
            by_user[(CANVAS, columns["ID"])] = variant.student_id
        participant = re.search(r"(\d+)\s*$", columns.get("Identifier", ""))
        if key.roster_source == MOODLE and participant:
            by_user[(MOODLE, participant[1])] = variant.student_id
        if key.roster_source == MOODLE and variant.student_name:
            names.setdefault(_normal(variant.student_name), []).append(variant.student_id)
    by_name = {name: ids[0] for name, ids in names.items() if len(ids) == 1}
    return Uploaders(by_user, by_name, frozenset(lms for lms, _ in by_user))


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()
