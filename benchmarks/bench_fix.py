"""Measure what `dockgate check --fix` costs beside a plain `dockgate check`, in the same run.

Run it with the Python that dockgate is installed into:

    python benchmarks/bench_fix.py [--limit 600] [--batch-size 300] [--unsafe-fixes]

Each corpus batch is linted in place by `dockgate check` and fixed by
`dockgate check --fix` in a fresh temporary copy (copying is not timed), the
two taking turns batch by batch. Both run with `--no-config --no-cache`, so
that neither reads a configuration file nor reuses results. The target
(issue 10) is `--fix` at most 1.5 times plain check. Standard library only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_lint import DEFAULT_CORPUS, BenchmarkError, Tool, compile_bytecode, corpus_files, dockgate_command, failure

FIX_TARGET = 1.5


def measure(dockgate: list[str], files: list[str], corpus: Path, batch_size: int, unsafe: bool) -> tuple[list[float], list[float]]:
    """Wall seconds per batch of plain check and of --fix."""
    common = ["check", "--no-config", "--no-cache", "--format", "json"]
    check = Tool("check", dockgate, common)
    fix = Tool("fix", dockgate, [*common, "--fix", *(["--unsafe-fixes"] if unsafe else [])])
    check_seconds: list[float] = []
    fix_seconds: list[float] = []
    batches = [files[start : start + batch_size] for start in range(0, len(files), batch_size)]
    for number, batch in enumerate(batches, 1):
        print(f"  batch {number}/{len(batches)}", end="\r", file=sys.stderr, flush=True)
        started = time.perf_counter()
        completed = check.run(batch, corpus)
        check_seconds.append(time.perf_counter() - started)
        problem = failure(completed)
        with tempfile.TemporaryDirectory() as scratch:
            for name in batch:
                target = Path(scratch) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(corpus / name, target)
            started = time.perf_counter()
            fixed = fix.run(batch, Path(scratch))
            fix_seconds.append(time.perf_counter() - started)
        problem = problem or failure(fixed)
        if problem:
            raise BenchmarkError(f"batch {number} failed: {problem.splitlines()[-1]}")
    print(" " * 20, end="\r", file=sys.stderr)
    return check_seconds, fix_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N corpus files")
    parser.add_argument("--batch-size", type=int, default=300)
    parser.add_argument("--dockgate", metavar="COMMAND")
    parser.add_argument("--unsafe-fixes", action="store_true", help="time --fix --unsafe-fixes")
    arguments = parser.parse_args()
    try:
        compile_bytecode()
        files = corpus_files(arguments.corpus)[: arguments.limit]
        check_seconds, fix_seconds = measure(
            dockgate_command(arguments.dockgate), files, arguments.corpus, arguments.batch_size, arguments.unsafe_fixes
        )
    except BenchmarkError as error:
        print(f"bench_fix: {error}", file=sys.stderr)
        return 2
    check_total, fix_total = sum(check_seconds), sum(fix_seconds)
    ratio = fix_total / check_total
    print(f"{len(files)} files, {len(check_seconds)} batches of up to {arguments.batch_size}")
    print(f"check        {check_total:7.2f} s  {check_total / len(files) * 1000:6.2f} ms/file")
    label = "fix --unsafe" if arguments.unsafe_fixes else "fix"
    print(f"{label:<12} {fix_total:7.2f} s  {fix_total / len(files) * 1000:6.2f} ms/file")
    median = statistics.median(fix / check for fix, check in zip(fix_seconds, check_seconds))
    verdict = "within" if ratio <= FIX_TARGET else "ABOVE"
    print(f"--fix / check: {ratio:.2f}x overall, {median:.2f}x median per batch, {verdict} the {FIX_TARGET}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
