"""User-facing error classes: each carries where the problem is and what to do.

`cli.py` turns any `ExercisegenError` into a one-line `Error: ...` and exit status 2.
"""

from __future__ import annotations


class ExercisegenError(Exception):
    """Base class for every mistake a user can make; its message is one line."""


class ParameterError(ExercisegenError, ValueError):
    """An operation parameter (stride, padding, shapes, ...) breaks a rule of the operation."""


class MatrixSyntaxError(ExercisegenError, ValueError):
    """A matrix written as text (`"1 2; 3 4"`) cannot be read."""


class SpecError(ExercisegenError):
    """A problem spec has one or more errors; `messages` lists each as `FILE:LINE: field: message`."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class InputFileError(ExercisegenError):
    """A file named on the command line cannot be read."""


class RosterError(ExercisegenError):
    """A roster CSV cannot be used (missing id column, duplicate ids, unreadable file)."""


class OutputError(ExercisegenError):
    """An output directory cannot be written (exists without --force, not a directory, ...)."""


class SubmissionError(ExercisegenError):
    """A student's submission cannot be read or does not belong to the key; never scored."""


class KeyFileError(ExercisegenError):
    """An answer key (key.json) is missing, unreadable or of the wrong shape."""
