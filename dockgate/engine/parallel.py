"""Linting or fixing many Dockerfiles on every CPU: batches go to worker processes and come back in order.

Each worker builds its own engine once and lints (or fixes) whole batches,
ShellCheck pass included, so a batch's results and notices are what one
process would have made of it; results are taken in submission order, so a
run's output does not depend on which worker finished first. A worker also
writes the result-cache entries of the files it linted: each write costs a few
system calls, which would otherwise queue up in the one parent process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar

from dockgate.analysis.shell import load_shell_parser
from dockgate.engine.cache import ResultCache
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.fixing import FixOutcome, fix_batch
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api.findings import Finding

BatchResult = tuple[list[list[Finding]], list[str]]
FixBatchResult = tuple[list[FixOutcome], list[str]]
_Result = TypeVar("_Result")
_Batch = TypeVar("_Batch")

_worker_engine: DockerfileEngine | None = None
_worker_cache: ResultCache | None = None


def available_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def lint_in_processes(
    batches: Sequence[tuple[Sequence[LintJob], Sequence[str | None]]], workers: int, cache_directory: Path | None
) -> Iterator[BatchResult]:
    """`DockerfileEngine.lint_batch` of each batch of jobs, in order, spread over `workers` processes;
    with a `cache_directory`, the findings are stored there under each job's key (`ResultCache.put_batch`)."""
    return _in_processes(_lint_batch, batches, workers, cache_directory)


def fix_in_processes(batches: Sequence[Sequence[LintJob]], workers: int, *, unsafe: bool) -> Iterator[FixBatchResult]:
    """`fix_batch` of each batch, in order, spread over `workers` processes."""
    return _in_processes(partial(_fix_batch, unsafe=unsafe), batches, workers, None)


def _in_processes(
    task: Callable[[_Batch], _Result], batches: Sequence[_Batch], workers: int, cache_directory: Path | None
) -> Iterator[_Result]:
    # fork where there is one: the workers start with dockgate already imported.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        # Imported once here rather than in every worker; bashlex too, which nearly every batch needs.
        for rule in dockerfile_rules():
            rule.load()
        load_shell_parser()
        # What the workers inherit lives as long as they do: out of the collector's sight, its
        # pages are not written to (copied) by every collection, and no collection walks it.
        gc.freeze()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(cache_directory,),
    ) as pool:
        yield from pool.map(task, batches)


def _start_worker(cache_directory: Path | None) -> None:
    global _worker_engine, _worker_cache
    _worker_engine = DockerfileEngine(dockerfile_rules())
    _worker_cache = ResultCache(cache_directory, _worker_engine.rules) if cache_directory is not None else None


def _lint_batch(batch: tuple[Sequence[LintJob], Sequence[str | None]]) -> BatchResult:
    assert _worker_engine is not None, "the pool's initializer builds the engine"
    jobs, keys = batch
    found, notices = _worker_engine.lint_batch(jobs)
    if _worker_cache is not None:
        _worker_cache.put_batch(keys, found, notices)
    return found, notices


def _fix_batch(jobs: Sequence[LintJob], *, unsafe: bool) -> FixBatchResult:
    assert _worker_engine is not None, "the pool's initializer builds the engine"
    return fix_batch(_worker_engine, jobs, unsafe=unsafe)
