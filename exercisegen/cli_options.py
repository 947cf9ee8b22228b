"""Click options that several commands share, declared once (as sqlite-utils' `output_options`)."""

from __future__ import annotations

from typing import Any, Callable

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _all(options: list[Decorator]) -> Decorator:
    """One decorator applying `options` in the order listed (as `--help` shows them)."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


roster_options = _all(  # generate and export read rosters alike
    [
        click.option(
            "--roster",
            type=click.Path(),
            default=None,
            help="CSV with `id` and `name` columns, or a Canvas gradebook / Moodle participants or grades export.",
        ),
        click.option("--id-column", default=None, help="The roster's column of student ids [default: detected]."),
        click.option("--name-column", default=None, help="The roster's column of names [default: detected]."),
        click.option("--email-column", default=None, help="The roster's column of emails [default: detected]."),
    ]
)

gradebook_options = _all(
    [
        click.option(
            "--gradebook",
            type=click.Choice(["canvas", "moodle", "plain"]),
            default=None,
            help="Also write gradebook-<LMS>.csv (one row per graded student, to import as is) and problems.csv.",
        ),
        click.option(
            "--assignment",
            default=None,
            help="Title of the grade column in --gradebook (Canvas: as in its export, `Homework 3 (12345)`) "
            "[default: the set's title].",
        ),
    ]
)
