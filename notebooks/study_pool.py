"""The one piece the study scripts share: run one job per seed, in worker processes or in this one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_jobs(func: Callable[[Any], T], jobs: Iterable[Any], workers: int) -> Iterator[T]:
    """``func(job)`` for each job, in order; ``workers > 1`` spreads them over that many processes."""
    if workers <= 1:
        yield from map(func, jobs)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(func, jobs)
