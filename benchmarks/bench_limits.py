"""How lint time and peak memory grow with the input: generated Dockerfiles and hostile images at 1x to 8x.

Run it with the Python that dockgate is installed into, from a checkout (the hostile
images are made by tests/image/hostile_images.py):

    python benchmarks/bench_limits.py [--scale 1.0] [--shellcheck] [--section images] [--json out.json]

Each measurement is one `dockgate check` process, started from a fresh wrapper
process that reads `resource.getrusage(RUSAGE_CHILDREN)` after it exits, so the
figures are that one run's CPU time and peak resident memory. The cost of an
almost empty file (start-up) is measured the same way and taken off before the
growth exponent is fitted: 1.0 is linear, 2.0 quadratic. The image section
runs `dockgate image` the same way on hostile images; the tar section times the
layer scanner against `tar -t` on layers of many small files. benchmarks/README.md
says how to read the output. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MULTIPLIERS = (1, 2, 4, 8)
BIG_VERSUS_SMALL_TARGET = 10.0  # a 10 MB file may cost at most this many times ten 1 MB files

# Runs in the wrapper process: one dockgate run, then its CPU time and peak memory as JSON.
MEASURE = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss * scale,
                  "status": completed.returncode, "stderr": completed.stderr.decode("utf-8", "replace")[-500:],
                  "stdout": completed.stdout.decode("utf-8", "replace")[:20000]}))
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
    result = run_measured([*command, *map(str, paths)])
    if result["status"] not in (0, 1):
        raise SystemExit(f"dockgate exited {result['status']}: {result['stderr']}")
    return Measurement(sum(path.stat().st_size for path in paths), result["wall"], result["cpu"], result["peak"], result["status"])


def run_measured(command: list[str]) -> dict[str, object]:
    """One run of `command` in a fresh wrapper: wall and CPU seconds, peak bytes, status, and
    the start of its output and the end of its errors."""
    completed = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, check=True)
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def exponent(sizes: list[int], costs: list[float]) -> float:
    """The slope of log(cost) over log(size), least squares: how cost grows with size."""
    points = [(math.log(size), math.log(cost)) for size, cost in zip(sizes, costs) if cost > 0]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def dockgate_base(arguments: argparse.Namespace) -> list[str]:
    if arguments.dockgate:
        return shlex.split(arguments.dockgate)
    beside = Path(sys.executable).parent / "dockgate"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "dockgate"]


def dockgate_command(arguments: argparse.Namespace) -> list[str]:
    command = dockgate_base(arguments) + ["check", "--no-config", "--format", "json"]
    if not arguments.shellcheck:
        command.append("--no-shellcheck")
    return command


def dockerfile_section(arguments: argparse.Namespace, root: Path) -> dict[str, object]:
    command = dockgate_command(arguments)
    results: dict[str, object] = {"command": command}
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
    return results


# ----------------------------------------------------------------- hostile images

MIB = 1024**2


def _hostile_images() -> Any:
    """tests/image/hostile_images.py of this checkout, which the image tests use too."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "image"))
    import hostile_images

    return hostile_images


def image_cases(scale: float) -> dict[str, tuple[str, list[int], Callable[[Path, int], str]]]:
    """Each hostile image: what grows, its size at 1x..8x, and a function writing it to a folder."""
    h = _hostile_images()

    def sized(value: float, unit: int = 1) -> int:
        return max(1, round(value * scale / unit)) * unit

    def bomb(root: Path, size: int) -> str:
        return h.write_layout(root / "image", h.config(), [h.bomb_layer(root / "layer", size)])

    def dense(root: Path, size: int) -> str:
        return h.write_layout(root / "image", h.config(), [h.dense_layer(root / "layer", size)])

    def many(root: Path, count: int) -> str:
        return h.write_layout(root / "image", h.config(), [h.many_files_layer(root / "layer", count)])

    def repeated(root: Path, copies: int) -> str:
        layer = h.many_files_layer(root / "layer", 10_000)
        return h.write_layout(root / "image", h.config(), [layer], order=[0] * copies)

    def nested(root: Path, depth: int) -> str:
        return h.write_layout(root / "image", h.config(), [], manifest=h.nested_json(depth, key="annotations"))

    def big_config(root: Path, size: int) -> str:
        blob = root / "config"
        with open(blob, "wb") as file:  # sparse: no disk needed
            file.truncate(size)
        return h.write_layout(root / "image", blob, [])

    return {
        "gzip bomb (bytes)": ("inflated", [sized(m * 1024 * MIB, MIB) for m in MULTIPLIERS], bomb),
        "100x layer (bytes)": ("inflated", [sized(m * 256 * MIB, MIB) for m in MULTIPLIERS], dense),
        "tiny files": ("files", [sized(m * 25_000) for m in MULTIPLIERS], many),
        "one layer N times": ("copies", [sized(m * 25) for m in MULTIPLIERS], repeated),
        "nested manifest": ("depth", [sized(m * 100_000) for m in MULTIPLIERS], nested),
        "100 MB config": ("bytes", [100 * 10**6], big_config),
    }


def image_section(arguments: argparse.Namespace, root: Path) -> dict[str, object]:
    base = dockgate_base(arguments)
    h = _hostile_images()
    (root / "empty").mkdir()
    empty = h.write_layout(root / "empty" / "image", h.config(), [])
    run_measured([*base, "image", empty, "--no-config", "--format", "json"])  # warm-up
    baseline = run_measured([*base, "image", empty, "--no-config", "--format", "json"])
    results: dict[str, object] = {"baseline": baseline}
    print(f"\nstart-up (an image without layers): {float(baseline['cpu']):.2f} s CPU, {int(baseline['peak']) / MIB:.0f} MiB peak")
    print(f"\n{'image':<20}{'size at 1x':>12}  {'CPU s at 1x/2x/4x/8x':<26}{'peak MiB':<22}{'exit':<9}{'t exp':>6}  outcome")
    for name, (unit, sizes, write) in image_cases(arguments.scale).items():
        runs: list[dict[str, Any]] = []
        for size in sizes:
            case = root / f"case-{len(runs)}"
            case.mkdir()
            spec = write(case, size)
            result = run_measured([*base, "image", spec, "--no-config", "--format", "json"])
            runs.append({"size": size, **result})
            shutil.rmtree(case)
        growth = exponent(sizes, [float(run["cpu"]) - float(baseline["cpu"]) for run in runs]) if len(runs) > 1 else float("nan")
        cpu = "/".join(f"{float(run['cpu']):.2f}" for run in runs)
        peak = "/".join(f"{int(run['peak']) / MIB:.0f}" for run in runs)
        statuses = "/".join(str(run["status"]) for run in runs)
        print(f"{name:<20}{sizes[0]:>12,}  {cpu:<26}{peak:<22}{statuses:<9}{growth:>6.2f}  {_outcome(runs[-1])}")
        results[name] = {"unit": unit, "runs": runs, "time_exponent": growth}
    return results


def _outcome(run: dict[str, object]) -> str:
    """What dockgate said about the largest input: its error line, or its DG5000 findings."""
    if run["status"] == 2:
        line = str(run["stderr"]).strip().splitlines()[-1]
        return "exit 2: ..." + line[-90:]
    output = str(run.get("stdout") or "")
    problem = re.search(r'"code": "DG5000".*?"message": "([^"]*)"', output, re.DOTALL)
    return f"DG5000: {problem.group(1)[:100]}" if problem else f"exit {run['status']}, no DG5000"


# ----------------------------------------------------------------- tar reader against tar -t

SCAN = """import json, resource, sys, time
from dockgate.image.image import Layer
from dockgate.image.layers import scan_layer
layer = Layer(index=0, digest="sha256:0", diff_id=None, size=None, media_type="", history_index=None,
              open=lambda: open(sys.argv[1], "rb"))
started, cpu = time.perf_counter(), time.process_time()
scan = scan_layer(layer)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "entries": len(scan.entries), "problems": len(scan.problems)}))
"""


def _peer(shell_command: str) -> tuple[float, float]:
    before = resource_children()
    started = time.perf_counter()
    subprocess.run(shell_command, shell=True, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, resource_children() - before


def resource_children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tar_section(arguments: argparse.Namespace, root: Path) -> dict[str, object]:
    """scan_layer (in a fresh process, timed inside it) against GNU tar listing the same layer."""
    for tool in ("gzip", "tar"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench_limits: {tool} is not on PATH")
    h = _hostile_images()
    count = max(1000, round(200_000 * arguments.scale))
    gzipped = h.many_files_layer(root / "many.tar.gz", count, 160)
    plain = root / "many.tar"
    subprocess.run(f"gzip -dc '{gzipped}' > '{plain}'", shell=True, check=True)
    results: dict[str, object] = {"files": count}
    print(f"\ntar: {count:,} files of 160 bytes, {plain.stat().st_size / MIB:.0f} MiB of tar, best of {arguments.runs} runs")
    for label, layer, peer_command in [
        ("gzip layer", gzipped, f"gzip -dc '{gzipped}' | tar -t"),
        ("plain layer", plain, f"tar -tf '{plain}'"),
    ]:
        ours, theirs = [], []
        for _ in range(arguments.runs):
            completed = subprocess.run([sys.executable, "-c", SCAN, str(layer)], capture_output=True, text=True, check=True)
            ours.append(json.loads(completed.stdout))
            theirs.append(_peer(peer_command))
        our_cpu, our_wall = min(run["cpu"] for run in ours), min(run["wall"] for run in ours)
        peer_wall, peer_cpu = min(run[0] for run in theirs), min(run[1] for run in theirs)
        print(f"  {label:<12} dockgate scan {our_cpu:.2f} s CPU ({our_wall:.2f} s wall); {peer_command.split(chr(39))[0].strip()}... "
              f"{peer_cpu:.2f} s CPU ({peer_wall:.2f} s wall); speed ratio {peer_cpu / our_cpu:.2f} by CPU, "
              f"{peer_wall / our_wall:.2f} by wall (target >= {TAR_SPEED_TARGET})")
        results[label] = {"dockgate": ours, "peer": theirs, "cpu_ratio": peer_cpu / our_cpu, "wall_ratio": peer_wall / our_wall}
    return results


TAR_SPEED_TARGET = 0.7
SECTIONS = ("dockerfiles", "images", "tar")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", action="append", choices=SECTIONS, help="only these parts (repeatable; default all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every generated size (default 1.0)")
    parser.add_argument("--shellcheck", action="store_true", help="keep the ShellCheck pass (default: --no-shellcheck)")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these shapes (repeatable)")
    parser.add_argument("--no-big", action="store_true", help="leave out the 10 MB against 10 x 1 MB comparison")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side in the tar section (best is kept)")
    parser.add_argument("--dockgate", help="the command to run, e.g. 'python -m dockgate'")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    arguments = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="dockgate-bench-limits-") as directory:
        for section in arguments.section or SECTIONS:
            part = Path(directory) / section
            part.mkdir()
            run_section = {"dockerfiles": dockerfile_section, "images": image_section, "tar": tar_section}[section]
            results[section] = run_section(arguments, part)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
