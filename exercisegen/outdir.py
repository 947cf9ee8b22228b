"""Output directories that are never half-written, never lost and never written by two runs at once.

* Everything is built in a hidden folder `.OUT.partial-PID-XXXX` beside the target and moved into
  place only when complete; an error, Ctrl-C or SIGTERM removes it.
* A run takes a lock (`flock` on `.OUT.lock` beside the target) before anything else: a second run
  to the same `--out` refuses at once instead of replacing the first one's output.
* Leftovers of runs that were killed (SIGKILL, power loss) carry their process id; the next run to the
  same target removes those whose process is gone, and puts back an old output that a killed
  `--force` had moved aside.
* `--force` swaps the new folder and the old one in one atomic step where the system can
  (Linux `renameat2(RENAME_EXCHANGE)`), so the target path always holds the old or the new output.
  Elsewhere it renames the old folder aside and the new one in; if that second step fails the old
  folder is moved back, and if the run is killed between the two steps the next run restores it.
* The target is created 0700 (only its owner can enter it); `write_private` files are 0600.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from exercisegen.errors import OutputError

_HELD: dict[str, int] = {}  # lock file -> open descriptor, for the locks this process holds


def check_target(out_dir: Path, force: bool, option: str = "--out") -> None:
    """Refuse a target that is a file, or a non-empty directory without --force."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{option} {out_dir}: exists and is not a directory; choose another path")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise OutputError(
            f"{option} {out_dir}: directory is not empty; use --force to replace it, or choose another path"
        )


def _parent(out_dir: Path, option: str) -> Path:
    parent = out_dir.absolute().parent
    if not parent.is_dir():
        raise OutputError(f"{option} {out_dir}: the folder {parent} does not exist; create it first")
    return parent


@contextlib.contextmanager
def claim(out_dir: Path, force: bool, option: str = "--out") -> Iterator[None]:
    """Hold the lock of `out_dir` (refusing when another run holds it), clean the leftovers of killed
    runs, and check the target; released when the block ends."""
    parent = _parent(out_dir, option)
    lock_path = str(parent / f".{out_dir.name}.lock")
    if lock_path in _HELD:  # this process holds it already (write_atomically inside claim)
        check_target(out_dir, force, option)
        yield
        return
    fd = _lock(lock_path)
    if fd is None:
        try:
            with open(lock_path, encoding="ascii", errors="replace") as handle:
                holder = handle.read(32).strip() or "?"
        except OSError:
            holder = "?"
        raise OutputError(
            f"{option} {out_dir}: another exercisegen run (process {holder}) is writing it; "
            "wait for it to finish, or choose another path"
        )
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD[lock_path] = fd
        clean_leftovers(out_dir)
        check_target(out_dir, force, option)
        yield
    finally:
        _HELD.pop(lock_path, None)
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # still locked: a run waiting on this file sees it replaced and retries
        os.close(fd)  # releases the lock


def _lock(lock_path: str) -> int | None:
    """An open, locked descriptor of the lock file, or None when another run holds it. The file
    locked must still be the one at the path (a releasing run unlinks it)."""
    for _ in range(10):
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            return None
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)
    return None


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; concurrent runs are not detected
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove `.OUT.partial-PID-*` and `.OUT.old-PID-*` folders beside `out_dir` whose process is gone
    (restoring an old output a killed `--force` left aside when the target is missing); the names of
    what was removed or restored. Call it holding the lock."""
    parent = out_dir.absolute().parent
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.(partial|old)-(\d+)-")
    done = []
    for entry in sorted(os.listdir(parent)):
        match = pattern.match(entry)
        if match is None or _alive(int(match.group(2))):
            continue
        path = parent / entry
        previous = path / "previous"
        if match.group(1) == "old" and previous.is_dir() and not os.path.lexists(out_dir):
            os.rename(previous, out_dir)
            done.append(f"restored {out_dir} from {entry}")
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {entry}")
    return done


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while an output folder was being written."""


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception (so `finally` blocks clean up) for the block."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: object) -> None:
        raise _Terminated(signum)

    signals = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, raise_terminated) for s in signals}
    try:
        yield
    except _Terminated as exc:
        raise SystemExit(128 + int(exc.args[0])) from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def write_atomically(out_dir: Path, force: bool, fill: Callable[[Path], None], option: str = "--out") -> None:
    """Run `fill(tmp)` on a fresh private folder beside `out_dir`, then move it into place."""
    with claim(out_dir, force, option), _terminate_cleanly():
        parent = _parent(out_dir, option)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-{os.getpid()}-", dir=parent))  # 0700
        try:
            fill(tmp)
            _move_into_place(tmp, out_dir, parent)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _move_into_place(tmp: Path, out_dir: Path, parent: Path) -> None:
    """Rename `tmp` to `out_dir`; an existing `out_dir` is swapped out and its files removed."""
    if not os.path.lexists(out_dir):
        os.rename(tmp, out_dir)
        return
    if _exchange(tmp, out_dir):  # atomic: the old output is now at tmp, removed by the caller
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-{os.getpid()}-", dir=parent))
    os.rename(out_dir, old / "previous")
    try:
        os.rename(tmp, out_dir)
    except BaseException:
        os.rename(old / "previous", out_dir)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no renameat2 in this C library
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_private(path: Path, text: str) -> None:
    """Write UTF-8 text readable by its owner only (0600), creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def make_private(path: Path) -> None:
    """Make a file 0600, or a folder and everything below it 0700 / 0600."""
    if path.is_dir():
        os.chmod(path, 0o700)
        for root, dirs, files in os.walk(path):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
            for name in files:
                os.chmod(os.path.join(root, name), 0o600)
    elif path.exists():
        os.chmod(path, 0o600)


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
