"""Progress on stderr for long commands: click's bar (counts and ETA) on a terminal, one plain line per
10 % otherwise (logs, CI), nothing with --quiet; and a summary line with counts and seconds at the end."""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any, TextIO, cast

import click

PLAIN_STEP = 10  # percent between two plain lines


class Progress:
    """Counts finished items of `total`; call it with how many more are done. A context manager."""

    def __init__(self, label: str, total: int, unit: str, *, quiet: bool = False, stream: IO[str] | None = None):
        self.label, self.total, self.unit, self.quiet = label, total, unit, quiet
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.perf_counter()
        self._bar: Any = None
        self._next_percent = PLAIN_STEP
        if not quiet and total > 0 and _is_terminal(self.stream):
            self._bar = click.progressbar(
                length=total,
                label=label,
                file=cast(TextIO, self.stream),
                show_pos=True,
                show_eta=True,
                show_percent=True,
            )

    def __enter__(self) -> "Progress":
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def __call__(self, count: int = 1) -> None:
        self.done += count
        if self.quiet or self.total <= 0:
            return
        if self._bar is not None:
            self._bar.update(count)
            return
        percent = self.done * 100 // self.total
        if percent >= self._next_percent:
            self._next_percent = (percent // PLAIN_STEP + 1) * PLAIN_STEP
            click.echo(f"{self.label}: {self.done}/{self.total} {self.unit} ({percent} %)", file=self.stream)

    @property
    def seconds(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.started

    def summary(self, text: str) -> None:
        """The final line: `label: text in S s` (not with --quiet)."""
        if not self.quiet:
            click.echo(f"{self.label}: {text} in {self.seconds:.1f} s", file=self.stream)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def cores(jobs: int | None) -> int:
    """`--jobs`, or (when not given) the number of cores this process may use."""
    if jobs is not None:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
