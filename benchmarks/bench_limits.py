"""How lint time and peak memory grow with the input: generated Dockerfiles at 1x, 2x, 4x and 8x.

Run it with the Python that dockgate is installed into:

    python benchmarks/bench_limits.py [--scale 1.0] [--shellcheck] [--json out.json]

Each measurement is one `dockgate check` process, started from a fresh wrapper
process that reads `resource.getrusage(RUSAGE_CHILDREN)` after it exits, so the
figures are that one run's CPU time and peak resident memory. The cost of an
almost empty file (start-up) is measured the same way and taken off before the
growth exponent is fitted: 1.0 is linear, 2.0 quadratic. benchmarks/README.md
says how to read the output. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

MULTIPLIERS = (1, 2, 4, 8)
BIG_VERSUS_SMALL_TARGET = 10.0  # a 10 MB file may cost at most this many times ten 1 MB files

# Runs in the wrapper process: one dockgate run, then its CPU time and peak memory as JSON.
MEASURE = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss * scale,
                  "status": completed.returncode, "stderr": completed.stderr.decode("utf-8", "replace")[-500:]}))
"""


def many_runs(count: int) -> str:
    return "FROM alpine:3.20\n" + "".join(f"RUN echo step {i} >> /log\n" for i in range(count))


def long_continuation(count: int) -> str:
    body = "".join(f"  && echo part {i} \\\n" for i in range(count))
    return f"FROM alpine:3.20\nRUN true \\\n{body}  && true\n"


def big_heredoc(count: int) -> str:
    body = "".join(f"echo line {i} >> /log\n" for i in range(count))
    return f"FROM alpine:3.20\nRUN <<EOF\n{body}EOF\n"


def many_stages(count: int) -> str:
    stages = ["FROM alpine:3.20 AS s0\nRUN echo 0 > /a\n"]
    for i in range(1, count):
        stages.append(f"FROM s{i - 1} AS s{i}\nCOPY --from=s{i - 1} /a /b{i}\n")
    return "".join(stages)


def many_arg_expansions(count: int) -> str:
    lines = ["ARG BASE=alpine:3.20\nFROM ${BASE}\nARG A0=zero\n"]
    for i in range(1, count):
        # Each value refers to an earlier variable without growing with it, so the expanded text stays linear.
        lines.append(f"ARG A{i}=v{i}-${{A0}}\nENV E{i}=${{A{i}}} F{i}=$A{i - 1}\n")
    return "".join(lines)


def many_suppressions(count: int) -> str:
    lines = ["FROM alpine:3.20\n"]
    for i in range(count):
        lines.append(f"# hadolint ignore=DL3059,DL3003\nRUN cd /tmp{i} && echo {i}\n")
    return "".join(lines)


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "RUN lines": (many_runs, 2000),
    "continuation": (long_continuation, 2000),
    "heredoc": (big_heredoc, 4000),
    "stages": (many_stages, 400),
    "ARG expansions": (many_arg_expansions, 1000),
    "suppressions": (many_suppressions, 1000),
}
"""Each shape's generator and its count (of lines, stages, ...) at 1x."""

# A realistic two-stage build, repeated to make the 1 MB and 10 MB files.
BLOCK = """\
FROM python:3.12-slim AS build{n}
ENV PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
COPY . .
FROM python:3.12-slim AS run{n}
COPY --from=build{n} /install /usr/local
USER 10001
CMD ["python", "-m", "app"]
"""


def realistic(size: int) -> str:
    blocks: list[str] = []
    length = 0
    while length < size:
        block = BLOCK.format(n=len(blocks))
        blocks.append(block)
        length += len(block)
    return "".join(blocks)


@dataclass
class Measurement:
    size: int
    wall: float
    cpu: float
    peak: int
    status: int


def measure(command: list[str], paths: list[Path]) -> Measurement:
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, *command, *map(str, paths)], capture_output=True, check=True
    )
    result = json.loads(completed.stdout)
    if result["status"] not in (0, 1):
        raise SystemExit(f"dockgate exited {result['status']}: {result['stderr']}")
    return Measurement(sum(path.stat().st_size for path in paths), result["wall"], result["cpu"], result["peak"], result["status"])


def exponent(sizes: list[int], costs: list[float]) -> float:
    """The slope of log(cost) over log(size), least squares: how cost grows with size."""
    points = [(math.log(size), math.log(cost)) for size, cost in zip(sizes, costs) if cost > 0]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def dockgate_command(arguments: argparse.Namespace) -> list[str]:
    if arguments.dockgate:
        command = shlex.split(arguments.dockgate)
    else:
        beside = Path(sys.executable).parent / "dockgate"
        command = [str(beside)] if beside.exists() else [sys.executable, "-m", "dockgate"]
    command += ["check", "--no-config", "--format", "json"]
    if not arguments.shellcheck:
        command.append("--no-shellcheck")
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every generated size (default 1.0)")
    parser.add_argument("--shellcheck", action="store_true", help="keep the ShellCheck pass (default: --no-shellcheck)")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these shapes (repeatable)")
    parser.add_argument("--no-big", action="store_true", help="leave out the 10 MB against 10 x 1 MB comparison")
    parser.add_argument("--dockgate", help="the command to run, e.g. 'python -m dockgate'")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    arguments = parser.parse_args()
    command = dockgate_command(arguments)
    results: dict[str, object] = {"command": command}

    with tempfile.TemporaryDirectory(prefix="dockgate-bench-limits-") as directory:
        root = Path(directory)
        empty = root / "Dockerfile.empty"
        empty.write_text("FROM alpine:3.20\n")
        measure(command, [empty])  # warm-up: bytecode, disk cache
        baseline = measure(command, [empty])
        print(f"start-up: {baseline.cpu:.2f} s CPU, {baseline.peak / 2**20:.0f} MiB peak")
        print(f"{'shape':<16}{'size 1x':>10}  {'CPU s at 1x/2x/4x/8x':<28}{'peak MiB at 1x/2x/4x/8x':<28}{'time exp':>9}{'mem exp':>9}")
        shapes: dict[str, object] = {}
        for name in arguments.shape or list(SHAPES):
            runs = []
            for multiplier in MULTIPLIERS:
                path = root / f"Dockerfile.{multiplier}"
                generate, count = SHAPES[name]
                path.write_text(generate(max(2, round(count * multiplier * arguments.scale))))
                runs.append(measure(command, [path]))
            sizes = [run.size for run in runs]
            time_exponent = exponent(sizes, [run.cpu - baseline.cpu for run in runs])
            memory_exponent = exponent(sizes, [float(run.peak - baseline.peak) for run in runs])
            cpu = "/".join(f"{run.cpu:.2f}" for run in runs)
            peak = "/".join(f"{run.peak / 2**20:.0f}" for run in runs)
            print(f"{name:<16}{sizes[0] / 1000:>8.0f}kB  {cpu:<28}{peak:<28}{time_exponent:>9.2f}{memory_exponent:>9.2f}")
            shapes[name] = {"runs": [asdict(run) for run in runs], "time_exponent": time_exponent, "memory_exponent": memory_exponent}
        results["baseline"] = asdict(baseline)
        results["shapes"] = shapes

        if not arguments.no_big:
            megabyte = round(1_000_000 * arguments.scale)
            big = root / "Dockerfile.10mb"
            big.write_text(realistic(10 * megabyte))
            small_text = realistic(megabyte)
            smalls = []
            for index in range(10):
                small = root / f"small{index}" / "Dockerfile"
                small.parent.mkdir()
                small.write_text(small_text)
                smalls.append(small)
            one_big = measure(command, [big])
            ten_small = measure(command, smalls)
            time_ratio = one_big.cpu / ten_small.cpu
            memory_ratio = one_big.peak / ten_small.peak
            verdict = "within" if max(time_ratio, memory_ratio) <= BIG_VERSUS_SMALL_TARGET else "OVER"
            print(
                f"10 x {megabyte / 1e6:g} MB: {ten_small.cpu:.2f} s CPU, {ten_small.peak / 2**20:.0f} MiB; "
                f"1 x {10 * megabyte / 1e6:g} MB: {one_big.cpu:.2f} s CPU, {one_big.peak / 2**20:.0f} MiB; "
                f"ratio time {time_ratio:.2f}, memory {memory_ratio:.2f} ({verdict} the {BIG_VERSUS_SMALL_TARGET:g}x target)"
            )
            results["big_versus_small"] = {
                "one_big": asdict(one_big), "ten_small": asdict(ten_small),
                "time_ratio": time_ratio, "memory_ratio": memory_ratio,
            }
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
