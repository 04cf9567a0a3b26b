"""Measure dockgate's speed beside hadolint's: corpus throughput and cold start.

Run with the Python that dockgate is installed into, from the repository root:

    python benchmarks/bench_lint.py [--limit 300] [--json results.json]

See benchmarks/README.md for what is measured and how to read it. Standard
library only, so it runs wherever dockgate does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPOSITORY.parent / "shared" / "corpus"
COLD_START_TARGET = 12.0  # dockgate may take at most this many `python -c pass` startups

# A typical two-stage build, 20 lines, used for the cold-start measurement.
COLD_START_DOCKERFILE = """\
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt
COPY . .
RUN python -m compileall -q .

FROM python:${PYTHON_VERSION}-slim
ARG APP_USER=app
RUN useradd --create-home --uid 10001 "$APP_USER"
COPY --from=build /install /usr/local
COPY --from=build --chown=10001:10001 /src /app
WORKDIR /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
CMD ["python", "-m", "app"]
"""


class BenchmarkError(Exception):
    """A problem with the set-up, reported as one line and exit status 2."""


@dataclass
class Tool:
    """A linter command line and the arguments that lint files with JSON output."""

    name: str
    command: list[str]
    lint_arguments: list[str]

    def lint(self, files: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*self.command, *self.lint_arguments, *files],
            cwd=cwd,
            stdout=subprocess.DEVNULL,  # both tools' output is discarded alike
            stderr=subprocess.PIPE,
            check=False,
        )


@dataclass
class Timings:
    """Wall times of one tool, and the failed runs (exit status other than 0 or 1)."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def record(self, started: float, completed: subprocess.CompletedProcess[bytes]) -> None:
        self.seconds.append(time.perf_counter() - started)
        if completed.returncode not in (0, 1):  # 1 only means "findings"
            last_line = (completed.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
            self.failures.append(f"exit {completed.returncode}: {last_line}")


def timed(tool: Tool, files: list[str], cwd: Path, timings: Timings) -> None:
    started = time.perf_counter()
    timings.record(started, tool.lint(files, cwd))


def corpus_files(corpus: Path) -> list[str]:
    """Files of the corpus relative to it: MANIFEST.tsv's `file` column without templates,
    or, for a folder without a manifest, every file under it."""
    manifest = corpus / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(newline="", encoding="utf-8") as handle:
            rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            # Templates are not Dockerfiles; the corpus keeps them for robustness tests.
            return [row["file"] for row in rows if not row["file"].startswith("templates/")]
    if corpus.is_dir():
        return sorted(path.relative_to(corpus).as_posix() for path in corpus.rglob("*") if path.is_file())
    raise BenchmarkError(f"corpus not found: {corpus} (pass --corpus DIR)")


def find_dockgate(option: str | None) -> list[str]:
    """The dockgate command: --dockgate, else the console script users run, next to this Python."""
    if option:
        return shlex.split(option)
    script = Path(sys.executable).parent / "dockgate"
    if script.is_file():
        return [str(script)]
    raise BenchmarkError(
        f"no dockgate console script next to {sys.executable}; install dockgate into this "
        "Python (pip install -e .) or pass --dockgate 'COMMAND'"
    )


def find_hadolint(option: str | None, disabled: bool) -> tuple[list[str], str] | None:
    """The hadolint command and its version line, or None to measure dockgate alone."""
    if disabled:
        return None
    command = shlex.split(option) if option else [shutil.which("hadolint") or ""]
    if not command[0]:
        return None
    try:
        version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    except OSError as error:
        raise BenchmarkError(f"cannot run hadolint {command[0]}: {error.strerror}") from error
    return command, version.stdout.strip()


def check_runs(tool: Tool, dockerfile: Path) -> None:
    """Fail early, with the tool's own message, when it cannot lint one file."""
    try:
        completed = tool.lint([dockerfile.name], dockerfile.parent)
    except OSError as error:
        raise BenchmarkError(f"cannot run {tool.name} ({shlex.join(tool.command)}): {error.strerror}")
    if completed.returncode not in (0, 1):
        message = completed.stderr.decode(errors="replace").strip()
        raise BenchmarkError(
            f"{tool.name} ({shlex.join(tool.command)}) exited with {completed.returncode} on a "
            f"20-line Dockerfile:\n{message}"
        )


def measure_throughput(
    tools: list[Tool], files: list[str], corpus: Path, batch_size: int
) -> dict[str, Timings]:
    timings = {tool.name: Timings() for tool in tools}
    batches = [files[start : start + batch_size] for start in range(0, len(files), batch_size)]
    for number, batch in enumerate(batches, 1):
        # Alternating per batch lets machine noise hit every tool alike.
        for tool in tools:
            timed(tool, batch, corpus, timings[tool.name])
        print(f"  batch {number}/{len(batches)}", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return timings


def measure_cold_start(tools: list[Tool], runs: int, directory: Path) -> dict[str, Timings]:
    dockerfile = directory / "Dockerfile"
    dockerfile.write_text(COLD_START_DOCKERFILE, encoding="utf-8")
    baseline = Tool("python -c pass", [sys.executable, "-c", "pass"], [])
    contenders = [baseline, *tools]
    timings = {tool.name: Timings() for tool in contenders}
    for tool in contenders:  # one untimed run each warms the page cache
        tool.lint([], directory) if tool is baseline else tool.lint([dockerfile.name], directory)
    for _ in range(runs):
        for tool in contenders:
            files = [] if tool is baseline else [dockerfile.name]
            timed(tool, files, directory, timings[tool.name])
    return timings


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report_throughput(timings: dict[str, Timings], file_count: int, batch_size: int) -> dict[str, object]:
    print(f"\nthroughput: {file_count} files, batches of up to {batch_size} paths per invocation")
    print(f"{'tool':<10} {'wall s':>8} {'ms/file':>8} {'files/s':>8}  failed batches")
    results: dict[str, object] = {"files": file_count, "batch_size": batch_size}
    for name, timing in timings.items():
        total = sum(timing.seconds)
        print(
            f"{name:<10} {total:>8.2f} {milliseconds(total / file_count):>8} "
            f"{file_count / total:>8.0f}  {len(timing.failures)}"
        )
        for failure in timing.failures[:3]:
            print(f"{'':<10} {failure}")
        results[name] = {
            "wall_seconds": total,
            "ms_per_file": total * 1000 / file_count,
            "failed_batches": timing.failures,
        }
    if "hadolint" in timings:
        ratio = sum(timings["hadolint"].seconds) / sum(timings["dockgate"].seconds)
        print(f"hadolint time / dockgate time: {ratio:.2f}  (above 1: dockgate is faster)")
        results["hadolint_over_dockgate"] = ratio
    return results


def report_cold_start(timings: dict[str, Timings], runs: int) -> dict[str, object]:
    print(f"\ncold start: the 20-line Dockerfile, {runs} interleaved runs each")
    print(f"{'command':<16} {'median ms':>9} {'min ms':>8} {'max ms':>8}")
    medians = {name: statistics.median(timing.seconds) for name, timing in timings.items()}
    results: dict[str, object] = {"runs": runs}
    for name, timing in timings.items():
        print(
            f"{name:<16} {milliseconds(medians[name]):>9} "
            f"{milliseconds(min(timing.seconds)):>8} {milliseconds(max(timing.seconds)):>8}"
        )
        results[name] = {"median_ms": medians[name] * 1000, "failed_runs": timing.failures}
    ratio = medians["dockgate"] / medians["python -c pass"]
    verdict = "within" if ratio <= COLD_START_TARGET else "ABOVE"
    print(f"dockgate / python -c pass: {ratio:.1f}x  ({verdict} the target of {COLD_START_TARGET:.0f}x)")
    results["dockgate_over_python"] = ratio
    return results


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="corpus folder with MANIFEST.tsv (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="lint only the first N corpus files")
    parser.add_argument("--batch-size", type=int, default=300, help="paths per invocation (default: 300)")
    parser.add_argument("--runs", type=int, default=20, help="cold-start runs per command (default: 20)")
    parser.add_argument("--dockgate", help="dockgate command line (default: the dockgate script beside this Python)")
    parser.add_argument("--hadolint", help="hadolint command line (default: hadolint on PATH)")
    parser.add_argument("--no-hadolint", action="store_true", help="measure dockgate alone")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON to OUT")
    arguments = parser.parse_args()
    if arguments.batch_size < 1 or arguments.runs < 1 or (arguments.limit is not None and arguments.limit < 1):
        parser.error("--limit, --batch-size and --runs must be at least 1")
    return arguments


def main() -> int:
    arguments = parse_arguments()
    try:
        files = corpus_files(arguments.corpus)[: arguments.limit]
        if not files:
            raise BenchmarkError(f"no files in corpus {arguments.corpus}")
        tools = [Tool("dockgate", find_dockgate(arguments.dockgate), ["check", "--format", "json", "--no-config"])]
        hadolint = find_hadolint(arguments.hadolint, arguments.no_hadolint)
        if hadolint:
            tools.append(Tool("hadolint", hadolint[0], ["--no-fail", "-f", "json"]))
        with tempfile.TemporaryDirectory(prefix="dockgate-bench-") as directory:
            for tool in tools:
                check_runs(tool, _written_dockerfile(Path(directory)))
            print(f"python   {sys.executable} ({platform.python_version()}), {os.cpu_count()} CPUs, {platform.system()}")
            for tool in tools:
                print(f"{tool.name:<8} {shlex.join(tool.command)}")
            if hadolint:
                print(f"         {hadolint[1]}")
            results = {
                "python": sys.executable,
                "cpus": os.cpu_count(),
                "commands": {tool.name: tool.command for tool in tools},
                "throughput": report_throughput(
                    measure_throughput(tools, files, arguments.corpus, arguments.batch_size),
                    len(files),
                    arguments.batch_size,
                ),
                "cold_start": report_cold_start(
                    measure_cold_start(tools, arguments.runs, Path(directory)), arguments.runs
                ),
            }
    except BenchmarkError as error:
        print(f"bench_lint: {error}", file=sys.stderr)
        return 2
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _written_dockerfile(directory: Path) -> Path:
    dockerfile = directory / "Dockerfile"
    dockerfile.write_text(COLD_START_DOCKERFILE, encoding="utf-8")
    return dockerfile


if __name__ == "__main__":
    sys.exit(main())
