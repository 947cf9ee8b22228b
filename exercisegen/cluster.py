"""Rendering students' PDFs on a Dask cluster (`generate --dask SCHEDULER_ADDRESS`).

The optional extra `pip install 'exercisegen[dask]'` brings dask.distributed. Workers need exercisegen
installed (the same version) but no shared folder: each task renders some students' worksheets and
solutions into memory and returns the bytes, which this process writes. Every file depends only on
its student, so the order in which tasks finish changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from exercisegen.errors import OutputError
from exercisegen.variants import Key


def render_on_dask(
    address: str,
    chunks: Sequence[tuple[Key, list[str]]],
    directory: Path,
    render: Callable[[Key, list[str]], list[tuple[str, bytes]]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Run `render` on each chunk (a key cut down to some students, their file stems) on the cluster at
    `address`, and write the (relative path, bytes) it returns into `directory`."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise OutputError(
            "--dask needs dask.distributed; install it with: pip install 'exercisegen[dask]'"
        ) from None
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as err:
        raise OutputError(f"--dask {address}: cannot reach the Dask scheduler ({err}); is it running?") from None
    with client:
        futures = [client.submit(render, key, stems, pure=False) for key, stems in chunks]
        counts = {future.key: len(key.variants) for future, (key, _) in zip(futures, chunks)}
        for future, files in as_completed(futures, with_results=True):
            for relative, data in files:
                (directory / relative).write_bytes(data)
            if progress is not None:
                progress(counts[future.key])
