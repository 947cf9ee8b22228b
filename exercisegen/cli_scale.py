"""The command-line side of throughput and scale-out: --jobs, --quiet, --shard and --dask for
`generate` and `grade`, and the `merge` and `merge-grades` commands (added to the group in cli.py).

Like cli.py: argument parsing, progress and messages; the work is in generate.py, shards.py,
batch.py, gradefiles.py and gradeshards.py. Heavy imports stay inside functions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from exercisegen.progress import Progress, cores

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _all(options: list[Decorator]) -> Decorator:
    """One decorator applying `options` in the order listed."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def scale_options(*, dask: bool) -> Decorator:
    """--jobs, --quiet and --shard (and --dask for generate)."""
    options: list[Decorator] = [
        click.option(
            "--jobs", type=click.IntRange(1, 256), default=None, help="Processes [default: the number of cores]."
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress and no summary line on stderr."),
        click.option("--shard", default=None, metavar="K/N", help="Only the K-th of N slices (merge them after)."),
    ]
    if dask:
        address = click.option("--dask", "dask_address", default=None, metavar="ADDRESS", help="A Dask scheduler.")
        options.append(address)
    return _all(options)


def load_key(path: str) -> Any:
    """key.json read into records (InputFileError / KeyFileError naming the file)."""
    from exercisegen.errors import InputFileError
    from exercisegen.variants import key_from_json

    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read the answer key: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    return key_from_json(text, path)


def write_generated(
    target: Path,
    force: bool,
    key: Any,
    with_pdf: bool,
    jobs: int | None,
    quiet: bool,
    shard: str | None,
    dask_address: str | None,
) -> str | None:
    """Write the set (or shard K/N of it) into `target` with progress; the line to print for a shard
    (None for a whole set: the caller says what it wrote)."""
    from exercisegen.generate import write_set
    from exercisegen.outdir import write_atomically
    from exercisegen.shards import parse_shard, shard_of, write_shard

    n = len(key.variants)
    if shard is None:
        with Progress("generate", n if with_pdf else 0, "students", quiet=quiet) as progress:
            fill: Callable[[Path], None] = lambda tmp: write_set(  # noqa: E731
                key, tmp, with_pdf, cores(jobs), progress, dask_address
            )
            write_atomically(target, force, fill)
        progress.summary(f"{n} student{'s' if n != 1 else ''}, {2 * n + 2 if with_pdf else 0} PDFs")
        return None
    part = parse_shard(shard)
    total = sum(shard_of(v.student_id, part[1]) == part[0] for v in key.variants)
    with Progress("generate", total if with_pdf else 0, "students", quiet=quiet) as progress:
        write_atomically(
            target, force, lambda tmp: write_shard(key, tmp, with_pdf, part, cores(jobs), progress, dask_address)
        )
    progress.summary(f"shard {shard}: {total} of {n} students, {2 * total if with_pdf else 0} PDFs")
    return f"wrote {target}/: shard {shard} ({total} of {n} students); put all shards together with `exercisegen merge`"


def grade_files_with_progress(key: Any, files: list[Any], jobs: int | None, quiet: bool) -> Any:
    """The graded batch of `files`, with progress and a summary line on stderr."""
    from exercisegen.batch import GRADED, grade_batch

    with Progress("grade", len(files), "files", quiet=quiet) as progress:
        batch = grade_batch(key, files, jobs=cores(jobs), progress=progress)
    graded = sum(e.status == GRADED for e in batch.entries)
    progress.summary(f"{len(files)} file{'s' if len(files) != 1 else ''}, {graded} graded")
    return batch


def grade_shard(
    key: Any, files: list[Any], target: Path, force: bool, shard: str, reveal: bool, jobs: int | None, quiet: bool
) -> None:
    """`grade --shard K/N`: grade the shard's files into `target`, say so, exit 0."""
    from exercisegen.gradeshards import shard_files, write_grade_shard
    from exercisegen.outdir import write_atomically
    from exercisegen.shards import parse_shard

    part = parse_shard(shard)
    mine = shard_files(files, part)
    with Progress("grade", len(mine), "files", quiet=quiet) as progress:
        write_atomically(
            target, force, lambda tmp: write_grade_shard(key, mine, tmp, part, reveal, cores(jobs), progress)
        )
    progress.summary(f"shard {shard}: {len(mine)} of {len(files)} files")
    click.echo(f"wrote {target}/: shard {shard} ({len(mine)} of {len(files)} files); merge-grades all shards")
    sys.exit(0)


_folder_options = _all(
    [
        click.argument("shard_dirs", nargs=-1, required=True, metavar="SHARD_DIR..."),
        click.option("--out", "out_dir", required=True, type=click.Path(), help="Directory to create."),
        click.option("--force", is_flag=True, help="Replace a non-empty --out directory."),
        click.option("--jobs", type=click.IntRange(1, 256), default=None, help="Processes [default: the cores]."),
        click.option("--quiet", "-q", is_flag=True, help="No summary line on stderr."),
    ]
)


@click.command()
@_folder_options
def merge(shard_dirs: tuple[str, ...], out_dir: str, force: bool, jobs: int | None, quiet: bool) -> None:
    """Put the folders of `generate --shard K/N` (all N of them) together into the whole set, the
    same bytes as one unsharded `generate`.

    \b
    Example:
      exercisegen merge hw1-shard1/ hw1-shard2/ hw1-shard3/ --out hw1/
    """
    from exercisegen.outdir import claim, write_atomically
    from exercisegen.shards import merge_shards

    target, folders = Path(out_dir), [Path(d) for d in shard_dirs]
    progress, counted = Progress("merge", 0, "students", quiet=quiet), []
    with claim(target, force):
        write_atomically(target, force, lambda tmp: counted.append(merge_shards(folders, tmp, cores(jobs))))
    progress.summary(f"{len(folders)} shards, {counted[0]} students")
    click.echo(f"wrote {target}/: {len(folders)} shards merged, {counted[0]} students")


@click.command("merge-grades")
@click.option("--key", "key_path", required=True, type=click.Path(), help="key.json written by generate.")
@_folder_options
def merge_grades(
    key_path: str, shard_dirs: tuple[str, ...], out_dir: str, force: bool, jobs: int | None, quiet: bool
) -> None:
    """Put the folders of `grade --shard K/N` (all N of them) together into the grades folder one
    unsharded `grade` writes. Exit status as for grade.

    \b
    Example:
      exercisegen merge-grades --key hw1/key.json g1/ g2/ g3/ --out hw1-grades/
    """
    from exercisegen.batch import GRADED
    from exercisegen.gradeshards import merge_grade_shards
    from exercisegen.outdir import claim, write_atomically

    key = load_key(key_path)
    target, folders = Path(out_dir), [Path(d) for d in shard_dirs]
    progress, batches = Progress("merge-grades", 0, "files", quiet=quiet), []
    with claim(target, force):
        write_atomically(target, force, lambda tmp: batches.append(merge_grade_shards(key, folders, tmp, cores(jobs))))
    problems = [e for e in batches[0].entries if e.status != GRADED]
    graded = len(batches[0].entries) - len(problems)
    progress.summary(f"{len(folders)} shards, {graded} graded")
    click.echo(f"graded {graded} of {len(key.variants)} students; {len(problems)} error rows; wrote {target}/")
    sys.exit(1 if problems else 0)
