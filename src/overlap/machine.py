"""The machine's cores and memory: work side by side, one core each, and freed memory
given back.

Small products split over two threads spend much of their time waiting for each other;
two independent pieces of work on one thread each keep both cores busy. NumPy's BLAS,
SciPy's sparse products and torch all release the GIL, so threads suffice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def workers() -> int:
    """One per core."""
    return os.cpu_count() or 1


def side_by_side(work: Callable[[Item], Result], items: Iterable[Item],
                 count: int | None = None) -> Iterator[Result]:
    """``work(item)`` for each item, in the items' order, ``count`` at a time (default:
    one per core), each on one thread: torch's and BLAS's own threads are set to one
    meanwhile. The results do not depend on the threads that computed them."""
    count = workers() if count is None else count
    if count <= 1:
        yield from map(work, items)
        return
    import torch
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1), ThreadPoolExecutor(count) as pool:
            yield from pool.map(work, items)
    finally:
        torch.set_num_threads(threads)


def release_freed_memory() -> None:
    """Give the heap's free pages back to the system (glibc keeps them otherwise, and
    many allocations of many sizes fragment it); a no-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
