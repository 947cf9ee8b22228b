"""Atomic output directories: everything is built in a hidden temporary directory beside the
target and renamed into place only when complete, so an interrupted run never leaves a
half-written set (or gradebook) that looks complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from exercisegen.errors import OutputError


def check_target(out_dir: Path, force: bool, option: str = "--out") -> None:
    """Refuse a target that is a file, or a non-empty directory without --force."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{option} {out_dir}: exists and is not a directory; choose another path")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise OutputError(
            f"{option} {out_dir}: directory is not empty; use --force to replace it, or choose another path"
        )


def write_atomically(out_dir: Path, force: bool, fill: Callable[[Path], None], option: str = "--out") -> None:
    """Run `fill(tmp)` on a fresh hidden directory beside `out_dir`, then move it into place."""
    check_target(out_dir, force, option)
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"{option} {out_dir}: the folder {parent} does not exist; create it first")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=parent))
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.rename(out_dir, old / "previous")
            os.rename(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_file_atomically(path: Path, data: bytes, force: bool, option: str = "--out") -> None:
    """Write one file via a hidden temporary file beside it and a rename (refused if it exists, without --force)."""
    if path.exists() and (path.is_dir() or not force):
        what = "is a directory" if path.is_dir() else "exists; use --force to replace it"
        raise OutputError(f"{option} {path}: {what}, or choose another path")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"{option} {path}: the folder {parent} does not exist; create it first")
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
